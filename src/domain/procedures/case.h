// A case (办件) as a value and its moves as pure functions: a case and an action in, the
// next case or a coded refusal out (spec/procedures.md "Moving a case"). The service
// checks the account's region, writes the result with history and aggregates in one
// transaction, and applies EffectOf when the case is done.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/date.h"
#include "common/error.h"
#include "domain/household.h"
#include "domain/procedures/procedure.h"

namespace fupin {

enum class CaseState { kOpen, kDone, kRejected };
std::string_view CaseStateKey(CaseState state);  // "open", "done", "rejected"

enum class ActionKind { kAdvance, kObjection, kReturn, kReject };
std::string_view ActionKindKey(ActionKind kind);  // "advance", "objection", "return", "reject"

// One move recorded on a case.
struct StepRecord {
  Step step;  // the step that was current
  ActionKind action = ActionKind::kAdvance;
  std::string actor;  // the account (or, for an objection, who raised it)
  Level level = Level::kVillage;
  Date date;
  std::string comment;  // comment, reason or the objection's text
  int attachments = 0;
  std::optional<Step> to;  // a return's target
  friend bool operator==(const StepRecord&, const StepRecord&) = default;
};

// A running notice (公示): it may be closed from closes_on = start + notice days on.
struct Notice {
  Date start;
  Date closes_on;
  friend bool operator==(const Notice&, const Notice&) = default;
};

// The notice and level rules shared by cases and the project library (service/projects):
// an account of `actor` level may act at a step of `step` level (admin at any); a notice
// started on `today` runs `days` days; it may be closed from closes_on on, before that
// E_NOTICE_OPEN names the date.
bool MayActAt(Level actor, Level step);
Notice StartNotice(Date today, int days);
Status CheckNoticeOver(const Notice& notice, Date today);

struct Case {
  ProcedureKind kind = ProcedureKind::kIdentify;
  int year = 0;
  CaseState state = CaseState::kOpen;
  size_t step_index = 0;  // into Steps(kind); meaningful while open
  std::vector<StepRecord> steps;
  std::optional<Notice> notice;  // while a notice step is current
  std::string opened_by;
  Date opened_on;
  std::string checked_by;         // who did the latest `check`; empty before
  std::optional<Date> clue_date;  // monitor: the day the risk was first known

  // The current step; only while open.
  Step current_step() const { return Steps(kind)[step_index].step; }
  // monitor cases still open past MonitorDueDate(clue_date).
  bool IsOverdue(Date today, const ProcedureSettings& settings) const;
  friend bool operator==(const Case&, const Case&) = default;
};

// Opening a case is its first step (apply or propose, at village level).
struct OpenRequest {
  ProcedureKind kind = ProcedureKind::kIdentify;
  int year = 0;
  std::string actor;
  Level level = Level::kVillage;
  std::string comment;
  std::optional<Date> clue_date;  // monitor only; today when empty
};

// Opens a case for `household` on `today`. Refusals, in this order: E_STATE when the
// kind does not apply to the household's status; E_CONDITIONS (criterion `year`) for
// identify after identify_until and return after return_until; E_STEP_LEVEL when the
// actor's level is not the first step's. The other opening conditions (income, exit
// standard, elimination) and E_CASE_OPEN are the service's, before this call.
Result<Case> Open(const OpenRequest& request, const Household& household, Date today,
                  const ProcedureSettings& settings);

struct Action {
  ActionKind kind = ActionKind::kAdvance;
  std::string actor;
  Level level = Level::kVillage;
  std::string comment;     // comment, reason or the objection's text
  int attachments = 0;     // advance: the attachments given with the step
  std::optional<Step> to;  // return: the earlier step
};

// The next case after `action` on `today`, or a refusal (the case is unchanged):
//   any action on a done or rejected case        E_STATE
//   advance, return, reject at the wrong level   E_STEP_LEVEL (admin acts at any level)
//   advance of approve by the account that opened the case or did a `check` E_SEPARATION
//   advance of a notice step before closes_on    E_NOTICE_OPEN; the message names the date,
//                                                which is also `c.notice->closes_on`
//   advance of review, verify or consent without attachments when require_evidence
//                                                E_EVIDENCE
//   objection when no notice is running          E_STATE
//   return from a village step, or to a step that is not earlier in the kind  E_STATE
// Advance records the step and opens the next (a notice step starts its notice on
// `today`); after the last the case is done. An objection is recorded and sends the case
// back to `verify` (the notice cleared). A return moves to the named earlier step (a
// fresh notice if it is one). Reject closes the case as rejected.
Result<Case> Apply(const Case& c, const Action& action, Date today,
                   const ProcedureSettings& settings);

}  // namespace fupin
