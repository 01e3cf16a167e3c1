#include "service/projects/project_service.h"

#include <algorithm>
#include <utility>

#include "common/money.h"
#include "common/text.h"
#include "domain/procedures/case.h"
#include "service/accounts/audit_service.h"
#include "service/clock.h"
#include "service/procedures/case_service.h"
#include "service/projects/project_codes.h"
#include "service/transaction.h"

namespace fupin {
namespace {

constexpr ProjectStage kStages[] = {
    {"propose", "项目申报", Level::kVillage, false},
    {"village_notice", "村内公示", Level::kVillage, true},
    {"review", "乡镇审核", Level::kTownship, false},
    {"township_notice", "乡镇公示", Level::kTownship, true},
    {"approve", "县级审批入库", Level::kCounty, false},
    {"plan", "纳入年度计划", Level::kCounty, false},
    {"start_notice", "实施前公示", Level::kVillage, true},
    {"implement", "项目实施", Level::kTownship, false},
    {"accept", "竣工验收", Level::kCounty, false},
    {"completion_notice", "完工后公示", Level::kVillage, true},
    {"assets", "资产登记", Level::kCounty, false},
};

// The level of a project's place: a village V, a township T, a county C.
std::optional<Level> PlaceLevel(RegionCode region) {
  switch (region.level()) {
    case RegionLevel::kVillage:
      return Level::kVillage;
    case RegionLevel::kTownship:
      return Level::kTownship;
    case RegionLevel::kCounty:
      return Level::kCounty;
    default:
      return std::nullopt;
  }
}

int Rank(Level level) { return static_cast<int>(level); }  // V < T < C

// The stages of a project at `region`: a township's or county's own skips the stages
// before approval that lie below its level; no stage's level is below the place's.
std::vector<ProjectStage> FlowOf(RegionCode region) {
  const Level place = PlaceLevel(region).value_or(Level::kVillage);
  std::vector<ProjectStage> out;
  for (const ProjectStage& s : kStages) {
    const std::string_view key = s.key;
    const bool below = key == "village_notice" || key == "review" || key == "township_notice";
    if (below && place != Level::kVillage && (key != "township_notice" || place == Level::kCounty))
      continue;
    ProjectStage lifted = s;
    if (Rank(lifted.level) < Rank(place)) lifted.level = place;
    out.push_back(lifted);
  }
  return out;
}

std::optional<size_t> IndexIn(const std::vector<ProjectStage>& flow, std::string_view key) {
  for (size_t i = 0; i < flow.size(); ++i) {
    if (key == flow[i].key) return i;
  }
  return std::nullopt;
}

Error NoSuchProject(int64_t id) {
  return Error::NotFound("项目不存在：" + std::to_string(id),
                         "no such project: " + std::to_string(id));
}

Error NoSuchRegion(RegionCode region) {
  return Error::NotFound("区划不存在：" + region.ToString(),
                         "no such region: " + region.ToString());
}

Error MayNotMoveProjects() {
  return Error{"E_FORBIDDEN", "您的角色不能办理项目", "your role does not move projects"};
}

Error ClosedProject(const ProjectRow& p) {
  return Error{"E_STATE", "项目已" + std::string(ProjectStageLabel(p.state)) + "，不能再办理",
               "the project is " + p.state + "; nothing more can be done on it"};
}

Error StageLevelError(const ProjectStage& s, Level actor) {
  const std::string need(LevelKey(s.level)), have(LevelKey(actor));
  return Error{
      "E_STEP_LEVEL",
      "项目步骤“" + std::string(s.label) + "”须由" + need + "级账号办理，当前账号为" + have + "级",
      "stage " + std::string(s.key) + " is done by an account of level " + need + ", not " + have};
}

size_t Characters(std::string_view text) {
  size_t n = 0;
  for (char c : text) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return n;
}

// A text field: trimmed, UTF-8 without controls (line breaks only when long), at most
// `max` characters; E_REQUIRED when `required` and empty.
Result<std::string> Field(const std::string& raw, const char* zh, const char* en, size_t max,
                          bool required) {
  std::string text(TrimSpaces(raw));
  if (text.empty() && required) {
    return Error{"E_REQUIRED", std::string("请填写") + zh, std::string(en) + " is required"};
  }
  if (!IsValidUtf8(text)) {
    return Error{"E_FORMAT", std::string(zh) + "不是有效的 UTF-8 文本",
                 std::string(en) + " is not valid UTF-8 text"};
  }
  const LineBreaks breaks = max > kMaxProjectText ? LineBreaks::kAllowed : LineBreaks::kRefused;
  FUPIN_RETURN_IF_ERROR(CheckNoControls(text, zh, en, breaks));
  if (Characters(text) > max) {
    return Error{"E_FORMAT", std::string(zh) + "过长（最多 " + std::to_string(max) + " 个字符）",
                 std::string(en) + " is too long (" + std::to_string(max) + " characters at most)"};
  }
  return text;
}

// A date field; `fallback` when empty; E_DATE when malformed or after `latest` when given.
Result<Date> DateField(const std::string& raw, std::optional<Date> fallback,
                       std::optional<Date> latest, const char* zh, const char* en) {
  const std::string_view text = TrimSpaces(raw);
  if (text.empty() && fallback) return *fallback;
  auto date = Date::Parse(text);
  if (!date.ok()) {
    return Error{"E_DATE", std::string(zh) + "格式错误，应为 YYYY-MM-DD",
                 std::string(en) + " is not a date (YYYY-MM-DD)"};
  }
  if (latest && *date > *latest) {
    return Error{"E_DATE", std::string(zh) + "不能晚于今天：" + date->ToString(),
                 std::string(en) + " is after today: " + date->ToString()};
  }
  return *date;
}

Result<int> CodeField(ProjectCodeList list, const std::string& raw, const char* zh,
                      const char* en) {
  const std::string_view text = TrimSpaces(raw);
  if (auto code = ParseProjectCode(list, text)) return *code;
  const std::string choices = ProjectCodeChoices(list);
  return Error{
      "E_CODE",
      std::string(zh) + "不正确：" + std::string(text.substr(0, 40)) + "（应为 " + choices + "）",
      std::string(en) + " is not one of " + choices + ": " + std::string(text.substr(0, 40))};
}

Result<int64_t> Yuan(const std::string& text, bool positive) {
  auto amount = Money::Parse(TrimSpaces(text));
  if (!amount.ok() || amount->fen() < 0 || (positive && amount->fen() == 0)) {
    return Error{"E_NUMBER", "金额应为大于 0 的元数，最多两位小数",
                 "an amount must be yuan, more than 0, with at most 2 decimals"};
  }
  return amount->fen();
}

// The project `id` when the caller may read it; else E_NOT_FOUND.
Result<ProjectRow> ReadableProject(Store& store, const Caller& caller, int64_t id) {
  auto found = store.projects().GetProject(id);
  if (!found.ok()) return found.error();
  if (!found->has_value() || !RoleMay(caller.user.role, Permission::kRead) ||
      !caller.InScope(RegionCode::FromInt((*found)->region_code))) {
    return NoSuchProject(id);
  }
  return std::move(**found);
}

Result<ProjectView> ViewOf(Store& store, ProjectRow row) {
  auto funds = store.projects().FundsOf(row.id);
  if (!funds.ok()) return funds.error();
  return ProjectView{std::move(row), funds->first, funds->second};
}

// Makes stage `index` current; a notice stage starts a fresh notice on `today`.
void MoveTo(ProjectRow& p, const std::vector<ProjectStage>& flow, size_t index, Date today,
            int notice_days) {
  p.stage = flow[index].key;
  p.notice_start.clear();
  p.closes_on.clear();
  if (flow[index].notice) {
    const Notice n = StartNotice(today, notice_days);
    p.notice_start = n.start.ToString();
    p.closes_on = n.closes_on.ToString();
  }
}

ProjectStepRow Record(const ProjectStage& s, const char* action, const Caller& caller, Level level,
                      Date today, std::string comment, std::string to = "") {
  return {s.key,
          action,
          caller.user.username,
          std::string(RoleName(caller.user.role)),
          std::string(LevelKey(level)),
          today.ToString(),
          NowIso8601(),
          std::move(comment),
          std::move(to)};
}

std::string Describe(const ProjectRow& p) { return p.stage + " " + p.name; }

// The conditions of leaving stage `key`, each failing one listed.
std::vector<FailedCondition> ConditionsAt(std::string_view key, const ProjectRow& p) {
  std::vector<FailedCondition> failed;
  if (key == "approve") {
    if (p.targets.empty()) {
      failed.push_back({"performance_targets", "项目未设定绩效目标，不能入库",
                        "a project without performance targets cannot enter the library"});
    }
    if (p.linkage.empty()) {
      failed.push_back({"poverty_linkage", "项目未说明带贫减贫机制，不能入库",
                        "a project without its poverty linkage cannot enter the library"});
    }
  }
  if (key == "implement" &&
      std::none_of(p.progress.begin(), p.progress.end(),
                   [](const ProjectProgressRow& r) { return r.percent == 100; })) {
    failed.push_back({"progress", "项目进度未达到 100%，不能结束实施",
                      "work ends only after a progress entry of 100%"});
  }
  if (key == "assets" && p.assets.empty()) {
    failed.push_back({"assets", "尚未登记扶贫资产", "no asset has been recorded"});
  }
  return failed;
}

enum class Move { kAdvance, kObjection, kReturn, kReject };

// The shared body of the four moves.
Result<ProjectView> MoveProject(Store& store, const PolicySet& policy, const Caller& caller,
                                int64_t id, Move move, const AdvanceInput& input,
                                const std::string& to, ProjectRefusal* refusal) {
  const std::optional<Level> level = LevelOf(caller.user.role);
  if (move != Move::kObjection && !level) return MayNotMoveProjects();
  const Date today = Date::Today();
  return InTransaction(store, [&]() -> Result<ProjectView> {
    auto read = ReadableProject(store, caller, id);
    if (!read.ok()) return read.error();
    ProjectRow p = std::move(*read);
    if (p.state != "open") return ClosedProject(p);
    const std::vector<ProjectStage> flow = FlowOf(RegionCode::FromInt(p.region_code));
    const std::optional<size_t> at = IndexIn(flow, p.stage);
    if (!at) return Error{"E_INTERNAL", "项目阶段不正确：" + p.stage, "unknown stage " + p.stage};
    const ProjectStage& s = flow[*at];
    const Level acting = level.value_or(Level::kVillage);
    const int notice_days = policy.For(RegionCode::FromInt(p.region_code)).projects.notice_days;
    std::string audit = "project.advance";
    if (move == Move::kObjection) {
      if (!s.notice || p.notice_start.empty()) {
        return Error{"E_STATE", "只能在公示期间提出异议",
                     "an objection may be raised only while a notice is running"};
      }
      p.steps.push_back(Record(s, "objection", caller, acting, today, input.comment));
      MoveTo(p, flow, *at - 1, today, notice_days);
      audit = "project.objection";
    } else if (!MayActAt(acting, s.level)) {
      return StageLevelError(s, acting);
    } else if (move == Move::kReject) {
      p.steps.push_back(Record(s, "reject", caller, acting, today, input.comment));
      p.state = p.stage = "rejected";
      p.notice_start.clear();
      p.closes_on.clear();
      audit = "project.reject";
    } else if (move == Move::kReturn) {
      if (s.level == Level::kVillage) {
        return Error{"E_STATE", "只有乡镇或县级步骤可以退回",
                     "only a township or county stage may return a project"};
      }
      const std::optional<size_t> target = IndexIn(flow, to);
      if (!target || *target >= *at) {
        return Error{"E_STATE", "只能退回到本项目此前的步骤（" + to.substr(0, 40) + "）",
                     "a project may be returned only to one of its earlier stages (" +
                         to.substr(0, 40) + ")"};
      }
      p.steps.push_back(Record(s, "return", caller, acting, today, input.comment, to));
      MoveTo(p, flow, *target, today, notice_days);
      audit = "project.return";
    } else {
      const std::string_view key = s.key;
      if (key == "approve" &&
          (caller.user.username == p.opened_by || caller.user.username == p.reviewed_by)) {
        const bool reviewed = caller.user.username == p.reviewed_by;
        return Error{"E_SEPARATION",
                     std::string("审批人不能是") + (reviewed ? "乡镇审核人" : "项目申报人") + "（" +
                         caller.user.username + "）",
                     "the approver cannot be the account that " +
                         std::string(reviewed ? "reviewed" : "proposed") + " the project (" +
                         caller.user.username + ")"};
      }
      if (s.notice && !p.closes_on.empty()) {
        const Notice n{*Date::Parse(p.notice_start), *Date::Parse(p.closes_on)};
        Status over = CheckNoticeOver(n, today);
        if (!over.ok()) {
          if (refusal != nullptr) refusal->closes_on = n.closes_on;
          return over.error();
        }
      }
      const std::vector<FailedCondition> failed = ConditionsAt(key, p);
      if (!failed.empty()) {
        if (refusal != nullptr) refusal->conditions = failed;
        return ConditionsError(failed);
      }
      if (key == "accept") {
        auto result =
            Field(input.result, "验收结论", "the result of the acceptance", kMaxProjectText, true);
        if (!result.ok()) return result.error();
        auto date = DateField(input.date, today, today, "验收日期", "the date of acceptance");
        if (!date.ok()) return date.error();
        p.acceptance_result = *result;
        p.accepted_on = date->ToString();
        p.accepted_by = caller.user.username;
      }
      if (key == "review") p.reviewed_by = caller.user.username;
      if (key == "approve") p.approved_on = today.ToString();
      p.steps.push_back(Record(s, "advance", caller, acting, today, input.comment));
      if (*at + 1 == flow.size()) {
        p.state = p.stage = "done";
        p.notice_start.clear();
        p.closes_on.clear();
        audit = "project.done";
      } else {
        MoveTo(p, flow, *at + 1, today, notice_days);
        if (key == "approve") audit = "project.approve";
      }
    }
    FUPIN_RETURN_IF_ERROR(store.projects().UpdateProject(p));
    FUPIN_RETURN_IF_ERROR(AppendAudit(store, caller, RegionCode::FromInt(p.region_code), audit,
                                      "project:" + std::to_string(p.id), Describe(p)));
    return ViewOf(store, std::move(p));
  });
}

// Validates the input into a new project's row (without its steps).
Status ReadInput(Store& store, const Caller& caller, const ProjectInput& in, ProjectRow& p) {
  auto name = Field(in.name, "项目名称", "the name", kMaxProjectText, true);
  if (!name.ok()) return name.error();
  p.name = *name;
  auto category = CodeField(ProjectCodeList::kCategory, in.category, "项目类别", "the category");
  if (!category.ok()) return category.error();
  p.category = *category;
  auto nature = CodeField(ProjectCodeList::kNature, in.nature, "建设性质", "the nature");
  if (!nature.ok()) return nature.error();
  p.nature = *nature;
  if (in.year < 2000 || in.year > 2100) {
    return Error{"E_YEAR", "年度应在 2000 至 2100 之间", "the year must be 2000 to 2100"};
  }
  p.year = in.year;
  auto start = DateField(in.start_on, std::nullopt, std::nullopt, "开工日期", "the start");
  if (!start.ok()) return start.error();
  auto end = DateField(in.end_on, std::nullopt, std::nullopt, "完工日期", "the end");
  if (!end.ok()) return end.error();
  if (*end < *start) {
    return Error{"E_DATE", "完工日期不能早于开工日期", "the end is before the start"};
  }
  p.start_on = start->ToString();
  p.end_on = end->ToString();
  struct {
    const std::string* in;
    std::string* out;
    const char *zh, *en;
    size_t max;
  } texts[] = {{&in.unit, &p.unit, "责任单位", "the responsible unit", kMaxProjectText},
               {&in.person, &p.person, "责任人", "the responsible person", kMaxProjectText},
               {&in.tasks, &p.tasks, "建设任务", "the tasks", kMaxProjectLongText}};
  for (const auto& t : texts) {
    auto text = Field(*t.in, t.zh, t.en, t.max, true);
    if (!text.ok()) return text.error();
    *t.out = *text;
  }
  auto linkage =
      Field(in.linkage, "带贫减贫机制", "the poverty linkage", kMaxProjectLongText, false);
  if (!linkage.ok()) return linkage.error();
  p.linkage = *linkage;
  for (const auto& [source_text, amount_text] : in.budget) {
    auto source =
        CodeField(ProjectCodeList::kBudgetSource, source_text, "资金来源", "the budget source");
    if (!source.ok()) return source.error();
    auto amount = Yuan(amount_text, true);
    if (!amount.ok()) return amount.error();
    auto same = std::find_if(p.budget.begin(), p.budget.end(),
                             [&](const ProjectBudgetLine& b) { return b.source == *source; });
    if (same != p.budget.end()) {
      same->amount_fen += *amount;
    } else {
      p.budget.push_back({*source, *amount});
    }
  }
  for (const auto& [indicator, target] : in.targets) {
    auto i = Field(indicator, "绩效指标", "the indicator", kMaxProjectText, true);
    if (!i.ok()) return i.error();
    auto t = Field(target, "指标值", "the target", kMaxProjectText, true);
    if (!t.ok()) return t.error();
    p.targets.push_back({*i, *t});
  }
  const int64_t counts[] = {in.households_count, in.people_count, in.poor_households,
                            in.poor_people};
  for (int64_t n : counts) {
    if (n < 0 || n > 10'000'000) {
      return Error{"E_NUMBER", "受益户数、人数应为 0 至 10000000 的整数",
                   "the counts of beneficiaries must be 0 to 10,000,000"};
    }
  }
  p.households_count = in.households_count;
  p.people_count = in.people_count;
  p.poor_households = in.poor_households;
  p.poor_people = in.poor_people;
  const RegionCode county = RegionCode::FromInt(p.region_code).county();
  for (const std::string& raw : in.households) {
    const std::string code(TrimSpaces(raw));
    auto found = store.FindHousehold(code);
    if (!found.ok()) return found.error();
    if (!found->has_value() || !caller.InScope((*found)->household.village_code) ||
        !county.Contains((*found)->household.village_code)) {
      return Error::NotFound("户编号不存在：" + code.substr(0, 40),
                             "no such household: " + code.substr(0, 40));
    }
    p.households.push_back(code);
  }
  return Status::Ok();
}

}  // namespace

std::span<const ProjectStage> ProjectStages() { return kStages; }

const ProjectStage* FindProjectStage(std::string_view key) {
  for (const ProjectStage& s : kStages) {
    if (key == s.key) return &s;
  }
  return nullptr;
}

std::string_view ProjectStageLabel(std::string_view key) {
  if (key == "done") return "已完成";
  if (key == "rejected") return "不予通过";
  if (key == "open") return "办理中";
  const ProjectStage* s = FindProjectStage(key);
  return s != nullptr ? s->label : "";
}

Result<ProjectView> ProposeProject(Store& store, const PolicySet& policy, const Caller& caller,
                                   const ProjectInput& input) {
  const std::optional<Level> level = LevelOf(caller.user.role);
  if (!level) return MayNotMoveProjects();
  if (!caller.InScope(input.region)) return NoSuchRegion(input.region);
  auto region = store.GetRegion(input.region);
  if (!region.ok()) return region.error();
  if (!region->has_value()) return NoSuchRegion(input.region);
  const std::optional<Level> place = PlaceLevel(input.region);
  if (!place) {
    return Error{"E_REGION", "项目地点应为村、乡镇或县：" + input.region.ToString(),
                 "a project lies in a village, a township or a county: " + input.region.ToString()};
  }
  if (*level != Level::kAdmin && *level != *place) {
    return Error{"E_STEP_LEVEL",
                 "项目由所在地申报：村的项目由村级、乡镇的由乡镇级、县的由县级账号申报",
                 "a project is proposed at the level of its place (village, township or "
                 "county)"};
  }
  ProjectRow p;
  p.region_code = input.region.value();
  FUPIN_RETURN_IF_ERROR(ReadInput(store, caller, input, p));
  const Date today = Date::Today();
  const std::vector<ProjectStage> flow = FlowOf(input.region);
  p.opened_by = caller.user.username;
  p.opened_at = NowIso8601();
  p.steps.push_back(Record(flow[0], "advance", caller, *level, today, input.comment));
  MoveTo(p, flow, 1, today, policy.For(input.region).projects.notice_days);
  return InTransaction(store, [&]() -> Result<ProjectView> {
    FUPIN_RETURN_IF_ERROR(store.projects().InsertProject(p));
    FUPIN_RETURN_IF_ERROR(AppendAudit(store, caller, input.region, "project.propose",
                                      "project:" + std::to_string(p.id), Describe(p)));
    return ViewOf(store, p);
  });
}

Result<ProjectView> AdvanceProject(Store& store, const PolicySet& policy, const Caller& caller,
                                   int64_t id, const AdvanceInput& input, ProjectRefusal* refusal) {
  auto comment = Field(input.comment, "意见", "the comment", kMaxProjectLongText, false);
  if (!comment.ok()) return comment.error();
  AdvanceInput clean = input;
  clean.comment = *comment;
  return MoveProject(store, policy, caller, id, Move::kAdvance, clean, "", refusal);
}

Result<ProjectView> ObjectToProject(Store& store, const PolicySet& policy, const Caller& caller,
                                    int64_t id, const std::string& text) {
  auto clean = Field(text, "异议内容", "the objection", kMaxProjectLongText, true);
  if (!clean.ok()) return clean.error();
  return MoveProject(store, policy, caller, id, Move::kObjection, {*clean, "", ""}, "", nullptr);
}

Result<ProjectView> ReturnProject(Store& store, const PolicySet& policy, const Caller& caller,
                                  int64_t id, const std::string& to, const std::string& reason) {
  auto clean = Field(reason, "退回理由", "the reason", kMaxProjectLongText, true);
  if (!clean.ok()) return clean.error();
  return MoveProject(store, policy, caller, id, Move::kReturn, {*clean, "", ""}, to, nullptr);
}

Result<ProjectView> RejectProject(Store& store, const PolicySet& policy, const Caller& caller,
                                  int64_t id, const std::string& reason) {
  auto clean = Field(reason, "不予通过理由", "the reason", kMaxProjectLongText, true);
  if (!clean.ok()) return clean.error();
  return MoveProject(store, policy, caller, id, Move::kReject, {*clean, "", ""}, "", nullptr);
}

Result<ProjectView> AddProgress(Store& store, const Caller& caller, int64_t id,
                                const ProgressInput& input) {
  if (!LevelOf(caller.user.role)) return MayNotMoveProjects();
  const Date today = Date::Today();
  auto date = DateField(input.date, today, today, "进度日期", "the date of progress");
  if (!date.ok()) return date.error();
  if (input.percent < 0 || input.percent > 100) {
    return Error{"E_NUMBER", "进度应为 0 至 100 的整数", "the percent must be 0 to 100"};
  }
  auto note = Field(input.note, "进度说明", "the note", kMaxProjectLongText, false);
  if (!note.ok()) return note.error();
  return InTransaction(store, [&]() -> Result<ProjectView> {
    auto read = ReadableProject(store, caller, id);
    if (!read.ok()) return read.error();
    ProjectRow p = std::move(*read);
    if (p.stage != "implement") {
      return Error{"E_STATE", "只有实施中的项目可以填报进度",
                   "progress is recorded while the project is being implemented"};
    }
    p.progress.push_back(
        {date->ToString(), input.percent, *note, caller.user.username, NowIso8601()});
    FUPIN_RETURN_IF_ERROR(store.projects().UpdateProject(p));
    FUPIN_RETURN_IF_ERROR(AppendAudit(store, caller, RegionCode::FromInt(p.region_code),
                                      "project.progress", "project:" + std::to_string(p.id),
                                      std::to_string(input.percent) + "% " + date->ToString()));
    return ViewOf(store, std::move(p));
  });
}

Result<ProjectView> AddAsset(Store& store, const Caller& caller, int64_t id,
                             const AssetInput& input) {
  const std::optional<Level> level = LevelOf(caller.user.role);
  if (!level) return MayNotMoveProjects();
  const Date today = Date::Today();
  ProjectAssetRow a;
  auto kind = CodeField(ProjectCodeList::kAssetKind, input.kind, "资产类别", "the kind of asset");
  if (!kind.ok()) return kind.error();
  a.kind = *kind;
  auto name = Field(input.name, "资产名称", "the name of the asset", kMaxProjectText, true);
  if (!name.ok()) return name.error();
  a.name = *name;
  auto value = Yuan(input.value, true);
  if (!value.ok()) return value.error();
  a.value_fen = *value;
  auto owner = Field(input.owner, "所有权人", "the owner", kMaxProjectText, true);
  if (!owner.ok()) return owner.error();
  a.owner = *owner;
  auto keeper = Field(input.keeper, "管护主体", "who maintains it", kMaxProjectText, true);
  if (!keeper.ok()) return keeper.error();
  a.keeper = *keeper;
  auto date = DateField(input.date, today, today, "资产登记日期", "the date of the asset");
  if (!date.ok()) return date.error();
  a.date = date->ToString();
  a.by = caller.user.username;
  a.at = NowIso8601();
  return InTransaction(store, [&]() -> Result<ProjectView> {
    auto read = ReadableProject(store, caller, id);
    if (!read.ok()) return read.error();
    ProjectRow p = std::move(*read);
    if (p.stage != "completion_notice" && p.stage != "assets") {
      return Error{"E_STATE", "项目验收后才能登记扶贫资产",
                   "assets are recorded once the project has been accepted"};
    }
    const std::vector<ProjectStage> flow = FlowOf(RegionCode::FromInt(p.region_code));
    const ProjectStage& assets = flow.back();
    if (!MayActAt(*level, assets.level)) return StageLevelError(assets, *level);
    p.assets.push_back(a);
    FUPIN_RETURN_IF_ERROR(store.projects().UpdateProject(p));
    FUPIN_RETURN_IF_ERROR(AppendAudit(store, caller, RegionCode::FromInt(p.region_code),
                                      "project.asset", "project:" + std::to_string(p.id),
                                      a.name + " " + Money::FromFen(a.value_fen).ToString()));
    return ViewOf(store, std::move(p));
  });
}

Result<ProjectView> GetProject(Store& store, const Caller& caller, int64_t id) {
  auto p = ReadableProject(store, caller, id);
  if (!p.ok()) return p.error();
  return ViewOf(store, std::move(*p));
}

Result<RegionCode> ProjectRegionOf(Store& store, const Caller& caller, RegionCode region) {
  if (region == RegionCode::Nation()) region = caller.user.region;
  if (!RoleMay(caller.user.role, Permission::kRead) || !caller.InScope(region)) {
    return NoSuchRegion(region);
  }
  if (region != RegionCode::Nation()) {
    auto row = store.GetRegion(region);
    if (!row.ok()) return row.error();
    if (!row->has_value()) return NoSuchRegion(region);
  }
  return region;
}

Result<ProjectList> ListProjects(Store& store, const Caller& caller, ProjectQuery query) {
  auto region = ProjectRegionOf(store, caller, query.region);
  if (!region.ok()) return region.error();
  query.region = *region;
  auto page = store.projects().SearchProjects(query);
  if (!page.ok()) return page.error();
  ProjectList out;
  out.total = page->total;
  for (ProjectRow& row : page->items) {
    auto view = ViewOf(store, std::move(row));
    if (!view.ok()) return view.error();
    out.items.push_back(std::move(*view));
  }
  return out;
}

Result<std::vector<ProjectNotice>> ProjectNoticesOf(Store& store, const PolicySet& policy,
                                                    RegionCode village, Date today) {
  (void)policy;  // notice lengths are fixed on the project when its notice starts
  auto rows = store.projects().ProjectsAt(village);
  if (!rows.ok()) return rows.error();
  std::vector<ProjectNotice> out;
  for (const ProjectRow& p : *rows) {
    ProjectNotice n;
    n.id = p.id;
    n.name = p.name;
    n.category = p.category;
    n.category_label = std::string(ProjectCodeLabel(ProjectCodeList::kCategory, p.category));
    n.stage = p.stage;
    n.stage_label = std::string(ProjectStageLabel(p.stage));
    if (p.state == "rejected") {
      n.decision = "rejected";
      n.decision_label = "不予通过";
    } else if (p.state == "done") {
      n.decision = "completed";
      n.decision_label = "已完成";
    } else if (!p.accepted_on.empty()) {
      n.decision = "accepted";
      n.decision_label = "已验收";
    } else if (!p.approved_on.empty()) {
      n.decision = "approved";
      n.decision_label = "已入库";
    } else {
      n.decision = "proposed";
      n.decision_label = "申报中";
    }
    n.approved_on = p.approved_on;
    n.budget_fen = p.BudgetTotal();
    if (!p.notice_start.empty()) {
      auto start = Date::Parse(p.notice_start);
      auto closes = Date::Parse(p.closes_on);
      if (start.ok() && closes.ok()) {
        n.start = *start;
        n.closes_on = *closes;
        n.in_force = *start <= today;
      }
    }
    out.push_back(std::move(n));
  }
  return out;
}

}  // namespace fupin
