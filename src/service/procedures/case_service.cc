#include "service/procedures/case_service.h"

#include <algorithm>
#include <utility>

#include "domain/criteria.h"
#include "service/accounts/audit_service.h"
#include "service/clock.h"
#include "service/procedures/attachment_service.h"
#include "service/procedures/case_conditions.h"
#include "service/register/aggregates.h"
#include "service/register/history.h"
#include "service/transaction.h"

namespace fupin {
namespace {

Error CaseNotFound(int64_t id) {
  return Error::NotFound("办件不存在：" + std::to_string(id),
                         "no such case: " + std::to_string(id));
}

Error HouseholdNotFound(const std::string& code) {
  return Error::NotFound("户编号不存在：" + code, "no such household: " + code);
}

Error Invalid(const std::string& zh, const std::string& en) {
  return Error{"E_VALIDATION", zh, en};
}

Error MayNotMoveCases() {
  return Error{"E_FORBIDDEN", "您的角色不能办理办件", "your role does not move cases"};
}

// Whether the caller may read the household `code` in `village`: inside its region, and
// for a helper (帮扶责任人) one of its own households.
Result<bool> MayRead(Store& store, const Caller& caller, RegionCode village,
                     const std::string& code) {
  if (!caller.InScope(village)) return false;
  if (caller.user.role == Role::kHelper)
    return store.compare().IsAssigned(caller.user.username, code);
  return true;
}

// The household with its members, when the caller may read it; else E_NOT_FOUND.
Result<StoredHousehold> ReadableHousehold(Store& store, const Caller& caller,
                                          const std::string& code) {
  auto found = store.FindHousehold(code);
  if (!found.ok()) return found.error();
  if (!found->has_value()) return HouseholdNotFound(code);
  auto may = MayRead(store, caller, (*found)->household.village_code, code);
  if (!may.ok()) return may.error();
  if (!*may) return HouseholdNotFound(code);
  return std::move(**found);
}

// The case `id` when the caller may read its household; else E_NOT_FOUND.
Result<StoredCase> ReadableCase(Store& store, const Caller& caller, int64_t id) {
  auto found = store.cases().GetCase(id);
  if (!found.ok()) return found.error();
  if (!found->has_value()) return CaseNotFound(id);
  auto may = MayRead(store, caller, (*found)->village_code, (*found)->household_code);
  if (!may.ok()) return may.error();
  if (!*may) return CaseNotFound(id);
  return std::move(**found);
}

CaseView ViewOf(StoredCase c, const PolicySet& policy, Date today) {
  const bool overdue = c.value.IsOverdue(today, SettingsOf(policy.For(c.village_code)));
  return CaseView{std::move(c), overdue};
}

// Validates the parameters of `request` for `kind` into `params`.
Status ReadParams(Store& store, ProcedureKind kind, const OpenCaseRequest& r,
                  const StoredHousehold& household, Date today, CaseParams& params) {
  if (r.cause) {
    if (CodeLabel(CodeList::kCause, *r.cause).empty()) {
      return Invalid("致贫原因代码不正确：" + std::to_string(*r.cause),
                     "not a cause code: " + std::to_string(*r.cause));
    }
    params.cause = *r.cause;
  }
  if (kind == ProcedureKind::kReturn && !r.cause) {
    return Invalid("返贫须填写致贫原因 cause", "a return needs its cause");
  }
  if (kind == ProcedureKind::kRemove) {
    static constexpr std::string_view kReasons[] = {"01", "02", "03", "04", "05", "06", "07", "99"};
    if (std::find(std::begin(kReasons), std::end(kReasons), r.reason) == std::end(kReasons)) {
      return Invalid("剔除原因应为 01–07 或 99：" + r.reason.substr(0, 20),
                     "the reason of a removal is 01–07 or 99: " + r.reason.substr(0, 20));
    }
    if (r.reason == "99" && r.comment.empty()) {
      return Invalid("剔除原因为“其他”时须填写说明 comment",
                     "a removal for another reason (99) needs a comment");
    }
    params.reason = r.reason;
  }
  if (kind == ProcedureKind::kMonitor) {
    if (!r.type || *r.type < 1 || *r.type > 3) {
      return Invalid("纳入监测须填写监测对象类型 type（1–3）",
                     "a monitor case needs its type (1–3)");
    }
    params.monitor_type = *r.type;
    static constexpr std::string_view kSources[] = {"assessment", "finding", "application",
                                                    "hotline"};
    if (std::find(std::begin(kSources), std::end(kSources), r.source) == std::end(kSources)) {
      return Invalid("线索来源 source 应为 assessment、finding、application 或 hotline",
                     "source must be assessment, finding, application or hotline");
    }
    params.source = r.source;
    if (r.source == "finding" && !r.finding) {
      return Invalid("来源为比对发现时须给出 finding", "a case from a finding needs its id");
    }
    if (r.clue_date && *r.clue_date > today) {
      return Error{"E_DATE", "线索日期不能晚于今天：" + r.clue_date->ToString(),
                   "the clue date is after today: " + r.clue_date->ToString()};
    }
  }
  if (r.risk_types) params.risk_types = *r.risk_types;
  if (kind == ProcedureKind::kEliminate) params.labor_override = r.labor_override;
  if (r.finding) {
    if (kind != ProcedureKind::kRemove && kind != ProcedureKind::kMonitor) {
      return Invalid("只有剔除和纳入监测可以依据比对发现",
                     "only remove and monitor take a finding");
    }
    auto finding = store.compare().GetFinding(*r.finding);
    if (!finding.ok()) return finding.error();
    if (!finding->has_value() || (*finding)->household_code != household.household.household_code ||
        (*finding)->status != "confirmed") {
      return Invalid("比对发现 " + std::to_string(*r.finding) + " 不是本户已确认的发现",
                     "finding " + std::to_string(*r.finding) +
                         " is not a confirmed finding of this household");
    }
    params.finding = *r.finding;
  }
  return Status::Ok();
}

// The step record's role and time.
StepMeta MetaOf(const Caller& caller) {
  return StepMeta{std::string(RoleName(caller.user.role)), NowIso8601()};
}

// Writes the effect of a decided case to the household with its history and aggregates.
Status WriteEffect(Store& store, StoredCase& c, Date today, const Caller& caller) {
  auto found = store.FindHousehold(c.household_code);
  if (!found.ok()) return found.error();
  if (!found->has_value()) return HouseholdNotFound(c.household_code);
  const StoredHousehold& old = **found;
  Household h = old.household;
  const Effect e = EffectOf(c.value.kind, c.value.year, today);
  if (e.kind) h.kind = *e.kind;
  if (e.poverty_status) h.poverty_status = *e.poverty_status;
  if (e.registered_year) h.registered_year = *e.registered_year;
  if (e.exit_year) h.exit_year = *e.exit_year;
  if (e.monitor_status) h.monitor_status = *e.monitor_status;
  if (e.monitor_since) h.monitor_since = *e.monitor_since;
  if (c.params.cause != kNone) h.main_cause = c.params.cause;
  if (c.value.kind == ProcedureKind::kMonitor) {
    h.monitor_type = c.params.monitor_type;
    h.risk_types = c.params.risk_types;
  }
  const std::string source = "case:" + std::to_string(c.id);
  std::vector<HistoryEntry> history;
  DiffHouseholds(old.household, h, history);
  const std::string now = NowIso8601();
  for (HistoryEntry& entry : history) {
    entry.at = now;
    entry.actor = caller.user.username;
    entry.source = source;
  }
  AggregateAccumulator aggregates;
  aggregates.Add(old.household, -1);
  aggregates.Add(h, +1);
  FUPIN_RETURN_IF_ERROR(store.UpdateHousehold(old, h, old.version + 1, source));
  FUPIN_RETURN_IF_ERROR(store.AppendHistory(history));
  return store.ApplyAggregateDeltas(aggregates.Deltas());
}

// The refusal of E_NOTICE_OPEN carries the date; of E_CONDITIONS the conditions.
void Explain(const Error& error, const Case& c, CaseRefusal* refusal) {
  if (refusal != nullptr && error.code == "E_NOTICE_OPEN" && c.notice) {
    refusal->closes_on = c.notice->closes_on;
  }
}

std::string Describe(const StoredCase& c) {
  return std::string(ProcedureKindKey(c.value.kind)) + " " + c.household_code;
}

// Applies `action` to case `id`: the shared body of advance, objection, return and reject.
Result<CaseView> Move(Store& store, const PolicySet& policy, const Caller& caller, int64_t id,
                      Action action, const std::vector<int64_t>& attachments,
                      CaseRefusal* refusal) {
  const std::optional<Level> level = LevelOf(caller.user.role);
  if (action.kind != ActionKind::kObjection && !level) return MayNotMoveCases();
  const Date today = Date::Today();
  return InTransaction(store, [&]() -> Result<CaseView> {
    auto read = ReadableCase(store, caller, id);
    if (!read.ok()) return read.error();
    StoredCase c = std::move(*read);
    const Policy& rules = policy.For(c.village_code);
    const ProcedureSettings settings = SettingsOf(rules);
    action.actor = caller.user.username;
    action.level = level.value_or(Level::kVillage);
    action.attachments = static_cast<int>(attachments.size());
    const bool deciding = action.kind == ActionKind::kAdvance &&
                          c.value.state == CaseState::kOpen &&
                          c.value.step_index + 1 == Steps(c.value.kind).size();
    auto next = Apply(c.value, action, today, settings);
    if (!next.ok()) {
      Explain(next.error(), c.value, refusal);
      return next.error();
    }
    if (deciding &&
        (c.value.kind == ProcedureKind::kExit || c.value.kind == ProcedureKind::kEliminate)) {
      // The county decides on the household as it is now.
      auto household = store.FindHousehold(c.household_code);
      if (!household.ok()) return household.error();
      if (!household->has_value()) return HouseholdNotFound(c.household_code);
      auto failed = OpeningConditions(store, c.value.kind, (*household)->household, rules,
                                      c.value.year, today, c.params);
      if (!failed.ok()) return failed.error();
      if (!failed->empty()) {
        if (refusal != nullptr) refusal->conditions = *failed;
        return ConditionsError(*failed);
      }
      if (c.value.kind == ProcedureKind::kEliminate) {
        auto method = EliminationMethodOf(store, (*household)->household);
        if (!method.ok()) return method.error();
        c.params.method = *method;
      }
    }
    const size_t first_new = c.value.steps.size();
    if (!attachments.empty()) {
      FUPIN_RETURN_IF_ERROR(ClaimAttachments(store, caller, attachments, StepOwner(c.id, first_new),
                                             c.village_code.county(), c.household_code));
    }
    c.value = std::move(*next);
    while (c.meta.size() < c.value.steps.size()) c.meta.push_back(MetaOf(caller));
    std::string audit_action = "case." + std::string(ActionKindKey(action.kind));
    if (c.value.state != CaseState::kOpen) c.closed_at = NowIso8601();
    if (c.value.state == CaseState::kDone) {
      FUPIN_RETURN_IF_ERROR(WriteEffect(store, c, today, caller));
      audit_action = "case.decide";
    }
    FUPIN_RETURN_IF_ERROR(store.cases().UpdateCase(c, first_new));
    FUPIN_RETURN_IF_ERROR(AppendAudit(store, caller, c.village_code, audit_action,
                                      "case:" + std::to_string(c.id), Describe(c)));
    return ViewOf(std::move(c), policy, today);
  });
}

}  // namespace

std::string StepOwner(int64_t case_id, size_t step) {
  return "case:" + std::to_string(case_id) + ":" + std::to_string(step);
}

Result<std::vector<std::vector<AttachmentRow>>> CaseAttachments(Store& store, const StoredCase& c) {
  std::vector<std::vector<AttachmentRow>> out;
  for (size_t i = 0; i < c.value.steps.size(); ++i) {
    if (c.value.steps[i].attachments == 0) {
      out.emplace_back();
      continue;
    }
    auto rows = AttachmentsOf(store, StepOwner(c.id, i));
    if (!rows.ok()) return rows.error();
    out.push_back(std::move(*rows));
  }
  return out;
}

ProcedureSettings SettingsOf(const Policy& p) {
  ProcedureSettings s;
  s.identify_notice_days = p.procedures.identify_notice_days;
  s.exit_notice_days = p.exit.notice_days;
  s.monitor_notice_days = p.monitoring.notice_days;
  s.remove_notice_days = p.procedures.remove_notice_days;
  s.identify_until = p.procedures.identify_until;
  s.return_until = p.procedures.return_until;
  s.require_evidence = p.procedures.require_evidence;
  s.monitor_max_days = p.procedures.monitor_max_days;
  s.monitor_working_days = p.procedures.monitor_working_days;
  return s;
}

std::optional<Level> LevelOf(Role role) {
  switch (role) {
    case Role::kAdmin:
      return Level::kAdmin;
    case Role::kCountyAdmin:
      return Level::kCounty;
    case Role::kTownshipOperator:
      return Level::kTownship;
    case Role::kVillageOperator:
      return Level::kVillage;
    default:
      return std::nullopt;
  }
}

Result<CaseView> OpenCase(Store& store, const PolicySet& policy, const Caller& caller,
                          const OpenCaseRequest& request, CaseRefusal* refusal) {
  const std::optional<Level> level = LevelOf(caller.user.role);
  if (!level) return MayNotMoveCases();
  const std::optional<ProcedureKind> kind = ParseProcedureKind(request.kind);
  if (!kind) {
    return Invalid("办件类型不正确：" + request.kind.substr(0, 20) +
                       "（应为 identify、exit、return、remove、monitor 或 eliminate）",
                   "not a kind of case: " + request.kind.substr(0, 20) +
                       " (identify, exit, return, remove, monitor or eliminate)");
  }
  const Date today = Date::Today();
  const int year = request.year.value_or(today.year());
  if (year < 2014 || year > today.year() + 1) {
    return Error{"E_YEAR", "年度不正确：" + std::to_string(year),
                 "not a year for a case: " + std::to_string(year)};
  }
  return InTransaction(store, [&]() -> Result<CaseView> {
    auto household = ReadableHousehold(store, caller, request.household_code);
    if (!household.ok()) return household.error();
    auto open = store.cases().OpenCaseOf(request.household_code);
    if (!open.ok()) return open.error();
    if (open->has_value()) {
      if (refusal != nullptr) refusal->open_case = **open;
      const std::string other = std::to_string(**open);
      return Error{
          "E_CASE_OPEN", "该户已有未办结的办件 " + other + "，办结后才能再申请",
          "the household already has an open case (" + other + "): it must be closed first"};
    }
    FUPIN_RETURN_IF_ERROR(CheckApplies(*kind, household->household));
    if (*level != Level::kVillage && *level != Level::kAdmin) {
      return Error{"E_STEP_LEVEL", "办件须由村级经办人员发起", "a case is opened at village level"};
    }
    StoredCase c;
    c.household_code = request.household_code;
    c.village_code = household->household.village_code;
    FUPIN_RETURN_IF_ERROR(ReadParams(store, *kind, request, *household, today, c.params));
    const Policy& rules = policy.For(c.village_code);
    auto failed =
        OpeningConditions(store, *kind, household->household, rules, year, today, c.params);
    if (!failed.ok()) return failed.error();
    if (!failed->empty()) {
      if (refusal != nullptr) refusal->conditions = *failed;
      return ConditionsError(*failed);
    }
    if (*kind == ProcedureKind::kMonitor && c.params.risk_types.empty()) {
      c.params.risk_types = RiskTypesOf(household->household, rules, year);
    }
    const ProcedureSettings settings = SettingsOf(rules);
    OpenRequest open_request{
        *kind, year, caller.user.username, *level, request.comment, request.clue_date};
    auto opened = Open(open_request, household->household, today, settings);
    if (!opened.ok()) return opened.error();
    c.value = std::move(*opened);
    c.value.steps.front().attachments = static_cast<int>(request.attachments.size());
    c.meta = {MetaOf(caller)};
    c.opened_at = c.meta.front().at;
    if (*kind == ProcedureKind::kMonitor && c.value.clue_date) {
      c.due_on = MonitorDueDate(*c.value.clue_date, settings);
    }
    FUPIN_RETURN_IF_ERROR(store.cases().InsertCase(c));
    if (!request.attachments.empty()) {
      FUPIN_RETURN_IF_ERROR(ClaimAttachments(store, caller, request.attachments, StepOwner(c.id, 0),
                                             c.village_code.county(), c.household_code));
    }
    FUPIN_RETURN_IF_ERROR(AppendAudit(store, caller, c.village_code, "case.open",
                                      "case:" + std::to_string(c.id), Describe(c)));
    return ViewOf(std::move(c), policy, today);
  });
}

Result<CaseView> AdvanceCase(Store& store, const PolicySet& policy, const Caller& caller,
                             int64_t id, const std::string& comment,
                             const std::vector<int64_t>& attachments, CaseRefusal* refusal) {
  Action action;
  action.kind = ActionKind::kAdvance;
  action.comment = comment;
  return Move(store, policy, caller, id, action, attachments, refusal);
}

Result<CaseView> ObjectToCase(Store& store, const PolicySet& policy, const Caller& caller,
                              int64_t id, const std::string& text, CaseRefusal* refusal) {
  if (text.empty()) return Invalid("异议内容不能为空", "an objection needs its text");
  Action action;
  action.kind = ActionKind::kObjection;
  action.comment = text;
  return Move(store, policy, caller, id, action, {}, refusal);
}

Result<CaseView> ReturnCase(Store& store, const PolicySet& policy, const Caller& caller, int64_t id,
                            const std::string& to, const std::string& reason,
                            CaseRefusal* refusal) {
  const std::optional<Step> step = ParseStep(to);
  if (!step) {
    return Invalid("退回的步骤不正确：" + to.substr(0, 20), "not a step: " + to.substr(0, 20));
  }
  if (reason.empty()) return Invalid("退回须说明理由", "a return needs its reason");
  Action action;
  action.kind = ActionKind::kReturn;
  action.comment = reason;
  action.to = *step;
  return Move(store, policy, caller, id, action, {}, refusal);
}

Result<CaseView> RejectCase(Store& store, const PolicySet& policy, const Caller& caller, int64_t id,
                            const std::string& reason, CaseRefusal* refusal) {
  if (reason.empty()) return Invalid("不予通过须说明理由", "a rejection needs its reason");
  Action action;
  action.kind = ActionKind::kReject;
  action.comment = reason;
  return Move(store, policy, caller, id, action, {}, refusal);
}

Result<CaseView> GetCase(Store& store, const PolicySet& policy, const Caller& caller, int64_t id) {
  auto c = ReadableCase(store, caller, id);
  if (!c.ok()) return c.error();
  return ViewOf(std::move(*c), policy, Date::Today());
}

Result<CaseList> ListCases(Store& store, const PolicySet& policy, const Caller& caller,
                           CaseQuery query, bool waiting_for_me) {
  if (query.region == RegionCode::Nation()) query.region = caller.user.region;
  if (!caller.InScope(query.region)) {
    return Error::NotFound("区划不存在：" + query.region.ToString(),
                           "no such region: " + query.region.ToString());
  }
  if (caller.user.role == Role::kHelper) query.assigned_to = caller.user.username;
  if (waiting_for_me) {
    const std::optional<Level> level = LevelOf(caller.user.role);
    if (!level) return CaseList{};
    query.waiting_at = *level;
  }
  auto page = store.cases().SearchCases(query);
  if (!page.ok()) return page.error();
  CaseList out;
  out.total = page->total;
  const Date today = Date::Today();
  for (StoredCase& c : page->items) out.items.push_back(ViewOf(std::move(c), policy, today));
  return out;
}

}  // namespace fupin
