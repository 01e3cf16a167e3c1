#include "domain/procedures/case.h"

#include <string>

namespace fupin {
namespace {

Error StepLevelError(ProcedureKind kind, Step step, Level step_level, Level actor) {
  const std::string s(StepKey(step)), need(LevelKey(step_level)), have(LevelKey(actor));
  return {"E_STEP_LEVEL",
          "步骤“" + std::string(StepLabel(kind, step)) + "”须由" + need + "级账号办理，当前账号为" +
              have + "级",
          "step " + s + " is done by an account of level " + need + ", not " + have};
}

Error ClosedError(const Case& c) {
  const std::string state(CaseStateKey(c.state));
  return {
      "E_STATE",
      "办件已" + std::string(c.state == CaseState::kDone ? "办结" : "不予通过") + "，不能再办理",
      "the case is " + state + "; nothing more can be done on it"};
}

std::optional<size_t> IndexOf(ProcedureKind kind, Step step) {
  const auto steps = Steps(kind);
  for (size_t i = 0; i < steps.size(); ++i) {
    if (steps[i].step == step) return i;
  }
  return std::nullopt;
}

// Makes `index` the current step; a notice step starts a fresh notice on `today`.
void MoveTo(Case& c, size_t index, Date today, const ProcedureSettings& settings) {
  c.step_index = index;
  c.notice.reset();
  const Step step = Steps(c.kind)[index].step;
  if (IsNoticeStep(step)) {
    c.notice = StartNotice(today, NoticeDays(c.kind, step, settings));
  }
}

StepRecord Record(Step step, const Action& a, Date today) {
  return {step, a.kind, a.actor, a.level, today, a.comment, a.attachments, a.to};
}

Result<Case> Advance(const Case& c, const Action& a, Date today,
                     const ProcedureSettings& settings) {
  const StepSpec spec = Steps(c.kind)[c.step_index];
  if (!MayActAt(a.level, spec.level)) return StepLevelError(c.kind, spec.step, spec.level, a.level);
  if (spec.step == Step::kApprove) {
    bool checked = false;
    for (const StepRecord& r : c.steps) {
      checked |= r.step == Step::kCheck && r.action == ActionKind::kAdvance && r.actor == a.actor;
    }
    if (a.actor == c.opened_by || checked) {
      return Error{"E_SEPARATION",
                   std::string("审批人不能是") + (checked ? "乡审核人" : "办件发起人") + "（" +
                       a.actor + "）",
                   "the approver cannot be the account that " +
                       std::string(checked ? "did the check" : "opened the case") + " (" + a.actor +
                       ")"};
    }
  }
  if (IsNoticeStep(spec.step) && c.notice) FUPIN_RETURN_IF_ERROR(CheckNoticeOver(*c.notice, today));
  if (TakesEvidence(spec.step) && settings.require_evidence && a.attachments <= 0) {
    return Error{"E_EVIDENCE",
                 "步骤“" + std::string(StepLabel(c.kind, spec.step)) + "”须附佐证材料",
                 "step " + std::string(StepKey(spec.step)) + " needs evidence (an attachment)"};
  }
  Case next = c;
  next.steps.push_back(Record(spec.step, a, today));
  if (spec.step == Step::kCheck) next.checked_by = a.actor;
  if (c.step_index + 1 == Steps(c.kind).size()) {
    next.state = CaseState::kDone;
    next.notice.reset();
  } else {
    MoveTo(next, c.step_index + 1, today, settings);
  }
  return next;
}

Result<Case> Object(const Case& c, const Action& a, Date today, const ProcedureSettings& settings) {
  if (!IsNoticeStep(c.current_step()) || !c.notice) {
    return Error{"E_STATE", "只能在公示期间提出异议",
                 "an objection may be raised only while a notice is running"};
  }
  Case next = c;
  next.steps.push_back(Record(c.current_step(), a, today));
  MoveTo(next, *IndexOf(c.kind, Step::kVerify), today, settings);
  return next;
}

Result<Case> Return(const Case& c, const Action& a, Date today, const ProcedureSettings& settings) {
  const StepSpec spec = Steps(c.kind)[c.step_index];
  if (spec.level == Level::kVillage) {
    return Error{"E_STATE", "只有乡镇或县级步骤可以退回",
                 "only a township or county step may return a case"};
  }
  if (!MayActAt(a.level, spec.level)) return StepLevelError(c.kind, spec.step, spec.level, a.level);
  const std::optional<size_t> to = a.to ? IndexOf(c.kind, *a.to) : std::nullopt;
  if (!to || *to >= c.step_index) {
    const std::string named = a.to ? std::string(StepKey(*a.to)) : "";
    return Error{"E_STATE", "只能退回到本办件此前的步骤（" + named + "）",
                 "a case may be returned only to one of its earlier steps (" + named + ")"};
  }
  Case next = c;
  next.steps.push_back(Record(spec.step, a, today));
  MoveTo(next, *to, today, settings);
  return next;
}

Result<Case> Reject(const Case& c, const Action& a, Date today) {
  const StepSpec spec = Steps(c.kind)[c.step_index];
  if (!MayActAt(a.level, spec.level)) return StepLevelError(c.kind, spec.step, spec.level, a.level);
  Case next = c;
  next.steps.push_back(Record(spec.step, a, today));
  next.state = CaseState::kRejected;
  next.notice.reset();
  return next;
}

}  // namespace

bool MayActAt(Level actor, Level step) { return actor == Level::kAdmin || actor == step; }

Notice StartNotice(Date today, int days) {
  return Notice{today, Date::FromDays(today.days() + days)};
}

Status CheckNoticeOver(const Notice& notice, Date today) {
  if (today >= notice.closes_on) return Status::Ok();
  const std::string date = notice.closes_on.ToString();
  return Error{"E_NOTICE_OPEN", "公示期未满，最早可于" + date + "结束公示",
               "the notice is still running; it may be closed from " + date + " on"};
}

std::string_view CaseStateKey(CaseState state) {
  switch (state) {
    case CaseState::kOpen:
      return "open";
    case CaseState::kDone:
      return "done";
    case CaseState::kRejected:
      return "rejected";
  }
  return "";
}

std::string_view ActionKindKey(ActionKind kind) {
  switch (kind) {
    case ActionKind::kAdvance:
      return "advance";
    case ActionKind::kObjection:
      return "objection";
    case ActionKind::kReturn:
      return "return";
    case ActionKind::kReject:
      return "reject";
  }
  return "";
}

bool Case::IsOverdue(Date today, const ProcedureSettings& settings) const {
  return kind == ProcedureKind::kMonitor && state == CaseState::kOpen && clue_date &&
         IsMonitorOverdue(*clue_date, today, settings);
}

Result<Case> Open(const OpenRequest& request, const Household& household, Date today,
                  const ProcedureSettings& settings) {
  FUPIN_RETURN_IF_ERROR(CheckApplies(request.kind, household));
  const std::vector<FailedCondition> failed = CheckYearLimits(request.kind, request.year, settings);
  if (!failed.empty()) return ConditionsError(failed);
  const StepSpec first = Steps(request.kind)[0];
  if (!MayActAt(request.level, first.level)) {
    return StepLevelError(request.kind, first.step, first.level, request.level);
  }
  Case c;
  c.kind = request.kind;
  c.year = request.year;
  c.opened_by = request.actor;
  c.opened_on = today;
  if (request.kind == ProcedureKind::kMonitor) c.clue_date = request.clue_date.value_or(today);
  c.steps.push_back({first.step, ActionKind::kAdvance, request.actor, request.level, today,
                     request.comment, 0, std::nullopt});
  MoveTo(c, 1, today, settings);
  return c;
}

Result<Case> Apply(const Case& c, const Action& action, Date today,
                   const ProcedureSettings& settings) {
  if (c.state != CaseState::kOpen) return ClosedError(c);
  switch (action.kind) {
    case ActionKind::kAdvance:
      return Advance(c, action, today, settings);
    case ActionKind::kObjection:
      return Object(c, action, today, settings);
    case ActionKind::kReturn:
      return Return(c, action, today, settings);
    case ActionKind::kReject:
      return Reject(c, action, today);
  }
  return ClosedError(c);
}

}  // namespace fupin
