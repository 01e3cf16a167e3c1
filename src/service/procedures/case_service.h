// Cases (办件, spec/procedures.md) as a use case: who may open and move a case, the
// conditions of opening (the policy engine's criteria), every step written with the
// account, role, time, comment and attachments, and the effect of the county's decision
// written to the household, its history (`case:<id>`) and the aggregates — each call one
// transaction with its audit record. The moves themselves are domain/procedures' pure
// state machines.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/date.h"
#include "common/error.h"
#include "domain/policy.h"
#include "domain/procedures/case.h"
#include "service/accounts/auth_service.h"
#include "storage/store.h"

namespace fupin {

// What opening a case asks for (spec/procedures.md "What opening needs").
struct OpenCaseRequest {
  std::string kind;  // "identify", "exit", "return", "remove", "monitor", "eliminate"
  std::string household_code;
  std::optional<int> year;            // default: this year
  std::optional<int> cause;           // return (required), identify (optional): 致贫原因
  std::string reason;                 // remove: "01" … "07", "99" (with a comment)
  std::optional<int64_t> finding;     // remove, monitor: a confirmed finding of this household
  std::optional<int> type;            // monitor: 1–3
  std::optional<CodeSet> risk_types;  // monitor: default the household's failing criteria's
  std::string source;                 // monitor: assessment | finding | application | hotline
  std::optional<Date> clue_date;      // monitor: default today
  std::string labor_override;         // eliminate: the county's written reason (labour capacity)
  std::string comment;
  std::vector<int64_t> attachments;  // ids of uploaded attachments for the first step
};

// Why a move was refused, beside its Error: the failing conditions of E_CONDITIONS (the
// assessments' criterion keys), the date of E_NOTICE_OPEN, the case of E_CASE_OPEN.
struct CaseRefusal {
  std::vector<FailedCondition> conditions;
  std::optional<Date> closes_on;
  std::optional<int64_t> open_case;
};

// A case as shown: the stored case and whether it is overdue today.
struct CaseView {
  StoredCase stored;
  bool overdue = false;
};

// The procedure settings of the effective policy at a place.
ProcedureSettings SettingsOf(const Policy& policy);

// The level an account acts at (V, T, C, admin); nullopt for roles that do not move cases.
std::optional<Level> LevelOf(Role role);

// Opens a case: its first step, done by the caller. Refusals, nothing written:
// E_FORBIDDEN for a role that does not move cases; E_NOT_FOUND for a household that does
// not exist or lies outside the caller's scope (a helper: not its own); E_VALIDATION for a
// missing or malformed parameter; E_CASE_OPEN (refusal->open_case) when the household has
// an open case; E_STATE when the kind does not apply to its status; E_CONDITIONS with every
// failing condition (refusal->conditions); E_STEP_LEVEL when the caller is not of the
// village level (or admin).
Result<CaseView> OpenCase(Store& store, const PolicySet& policy, const Caller& caller,
                          const OpenCaseRequest& request, CaseRefusal* refusal = nullptr);

// The moves of spec/procedures.md "Moving a case", each on the case `id` (E_NOT_FOUND when
// it does not exist or its household is outside the caller's scope). Advance and return
// and reject need a role that moves cases at the current step's level (E_FORBIDDEN,
// E_STEP_LEVEL); an objection may be raised by anyone who may read the case. When the last
// step is done the effect is written to the household, its history and the aggregates in
// the same transaction; exit and eliminate conditions are checked again then.
Result<CaseView> AdvanceCase(Store& store, const PolicySet& policy, const Caller& caller,
                             int64_t id, const std::string& comment,
                             const std::vector<int64_t>& attachments,
                             CaseRefusal* refusal = nullptr);
Result<CaseView> ObjectToCase(Store& store, const PolicySet& policy, const Caller& caller,
                              int64_t id, const std::string& text, CaseRefusal* refusal = nullptr);
Result<CaseView> ReturnCase(Store& store, const PolicySet& policy, const Caller& caller, int64_t id,
                            const std::string& to, const std::string& reason,
                            CaseRefusal* refusal = nullptr);
Result<CaseView> RejectCase(Store& store, const PolicySet& policy, const Caller& caller, int64_t id,
                            const std::string& reason, CaseRefusal* refusal = nullptr);

// The owner of the attachments of step `step` of a case: "case:<id>:<step>".
std::string StepOwner(int64_t case_id, size_t step);
// The attachments of every step of a case the caller has read, by step position.
Result<std::vector<std::vector<AttachmentRow>>> CaseAttachments(Store& store, const StoredCase& c);

// One case with its steps; E_NOT_FOUND outside the caller's scope.
Result<CaseView> GetCase(Store& store, const PolicySet& policy, const Caller& caller, int64_t id);

// Cases within the caller's scope (a query region outside it: E_NOT_FOUND); `waiting_for_me`
// keeps the open cases at the caller's level. Steps are not loaded.
struct CaseList {
  int64_t total = 0;
  std::vector<CaseView> items;
};
Result<CaseList> ListCases(Store& store, const PolicySet& policy, const Caller& caller,
                           CaseQuery query, bool waiting_for_me);

}  // namespace fupin
