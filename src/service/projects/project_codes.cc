#include "service/projects/project_codes.h"

#include <span>

namespace fupin {
namespace {

constexpr ProjectCode kCategories[] = {{1, "industry", "产业发展"},
                                       {2, "employment", "就业"},
                                       {3, "rural_construction", "乡村建设行动"},
                                       {4, "three_guarantees", "巩固三保障成果"},
                                       {5, "relocation", "易地搬迁后扶"},
                                       {9, "other", "其他"}};
constexpr ProjectCode kNatures[] = {
    {1, "new", "新建"}, {2, "continued", "续建"}, {3, "rebuilt", "改建"}, {4, "extended", "扩建"}};
constexpr ProjectCode kSources[] = {{1, "central", "中央"},
                                    {2, "province", "省"},
                                    {3, "city", "市"},
                                    {4, "county", "县"},
                                    {5, "integrated", "统筹整合涉农资金", "整合"},
                                    {6, "east_west", "东西部协作"},
                                    {7, "social", "社会帮扶", "社会"},
                                    {9, "other", "其他"}};
constexpr ProjectCode kAssetKinds[] = {
    {1, "operating", "经营性"}, {2, "public", "公益性"}, {3, "household", "到户类"}};

std::span<const ProjectCode> ListOf(ProjectCodeList list) {
  switch (list) {
    case ProjectCodeList::kCategory:
      return kCategories;
    case ProjectCodeList::kNature:
      return kNatures;
    case ProjectCodeList::kBudgetSource:
      return kSources;
    case ProjectCodeList::kAssetKind:
      return kAssetKinds;
  }
  return {};
}

const ProjectCode* Find(ProjectCodeList list, int code) {
  for (const ProjectCode& c : ListOf(list)) {
    if (c.code == code) return &c;
  }
  return nullptr;
}

}  // namespace

std::optional<int> ParseProjectCode(ProjectCodeList list, std::string_view text) {
  for (const ProjectCode& c : ListOf(list)) {
    if (text == std::to_string(c.code) || text == c.key || text == c.label ||
        (*c.alias != '\0' && text == c.alias)) {
      return c.code;
    }
  }
  return std::nullopt;
}

std::string_view ProjectCodeKey(ProjectCodeList list, int code) {
  const ProjectCode* c = Find(list, code);
  return c != nullptr ? c->key : "";
}

std::string_view ProjectCodeLabel(ProjectCodeList list, int code) {
  const ProjectCode* c = Find(list, code);
  return c != nullptr ? c->label : "";
}

std::string ProjectCodeChoices(ProjectCodeList list) {
  std::string out;
  for (const ProjectCode& c : ListOf(list)) {
    if (!out.empty()) out += ", ";
    out += std::to_string(c.code) + " " + c.label + " (" + c.key + ")";
  }
  return out;
}

}  // namespace fupin
