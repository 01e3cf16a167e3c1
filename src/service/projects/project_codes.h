// The code lists of the project library (扶贫项目库, docs/projects.md): categories, the
// nature of construction, the sources of a budget (the funds ledger's levels and the
// integrated, east–west and social money beside them) and the kinds of assets. Each
// parses its digit code, its Chinese label or its English key.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace fupin {

struct ProjectCode {
  int code;
  const char* key;
  const char* label;
  const char* alias = "";  // a short label also accepted (整合, 社会)
};

enum class ProjectCodeList {
  // 1 产业发展 industry, 2 就业 employment, 3 乡村建设行动 rural_construction,
  // 4 巩固三保障成果 three_guarantees, 5 易地搬迁后扶 relocation, 9 其他 other.
  kCategory,
  // 1 新建 new, 2 续建 continued, 3 改建 rebuilt, 4 扩建 extended.
  kNature,
  // 1 中央 central, 2 省 province, 3 市 city, 4 县 county (the funds ledger's levels),
  // 5 统筹整合涉农资金 (整合) integrated, 6 东西部协作 east_west, 7 社会帮扶 (社会) social,
  // 9 其他 other.
  kBudgetSource,
  // 1 经营性 operating, 2 公益性 public, 3 到户类 household.
  kAssetKind,
};

// The code of `text` (digit code, key or label) in `list`, or nullopt.
std::optional<int> ParseProjectCode(ProjectCodeList list, std::string_view text);
// The key and label of `code` ("" when it is not in the list).
std::string_view ProjectCodeKey(ProjectCodeList list, int code);
std::string_view ProjectCodeLabel(ProjectCodeList list, int code);
// "1 产业发展, 2 就业, …" for messages.
std::string ProjectCodeChoices(ProjectCodeList list);

}  // namespace fupin
