// CaseStore: the cases (办件) of spec/procedures.md as stored — one row per case with its
// current state, and one row per step done. The service layer (service/procedures/
// case_service) moves them with the pure state machines of domain/procedures. It shares
// its Store's connection, so its writes join the Store's open transaction. Threading: as
// its Store.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/date.h"
#include "common/error.h"
#include "common/region_code.h"
#include "domain/codes.h"
#include "domain/procedures/case.h"

namespace fupin {

// What a step record carries beside the domain's StepRecord: the account's role and the
// time of day.
struct StepMeta {
  std::string role;  // "village_operator", … ("public" for an objection from the public page)
  std::string at;    // ISO 8601 UTC
  friend bool operator==(const StepMeta&, const StepMeta&) = default;
};

// The parameters a case was opened with (spec/procedures.md "What opening needs"), and
// what its approval computed.
struct CaseParams {
  int cause = kNone;           // return (identify, optional): 致贫原因 code
  std::string reason;          // remove: "01" … "07", "99"
  int64_t finding = 0;         // remove, monitor: the confirmed finding's id; 0 for none
  int monitor_type = kNone;    // monitor: 监测对象类型 1–3
  CodeSet risk_types;          // monitor: 风险类型
  std::string source;          // monitor: assessment | finding | application | hotline
  std::string labor_override;  // eliminate: the county's written reason to override labour
  int method = kNone;          // eliminate: 风险消除方式, computed at the county's approval
  friend bool operator==(const CaseParams&, const CaseParams&) = default;
};

struct StoredCase {
  int64_t id = 0;
  std::string household_code;
  RegionCode village_code;
  Case value;                  // value.steps: every step done, in order
  std::vector<StepMeta> meta;  // one per value.steps entry
  CaseParams params;
  std::string opened_at, closed_at;  // ISO 8601 UTC; closed_at "" while open
  std::optional<Date> due_on;        // monitor: decided by this date (else overdue)
};

// A search of the cases (the API's list, the worklist and `fupin cases list`).
struct CaseQuery {
  RegionCode region;  // a subtree (the nation for code 0)
  std::optional<ProcedureKind> kind;
  std::optional<CaseState> state;
  std::string household_code;       // exactly this household, when given
  std::optional<Level> waiting_at;  // open cases whose current step is of this level
  std::optional<Date> overdue_on;   // open monitor cases whose due_on is before this date
  std::optional<Date> closable_on;  // open cases whose notice may be closed on this date
  std::string assigned_to;          // only households this helper account is assigned to
  int64_t offset = 0;
  int64_t limit = 50;  // 0 for all
};

struct CasePage {
  int64_t total = 0;
  std::vector<StoredCase> items;  // newest first; steps not loaded
};

class CaseStore {
 public:
  virtual ~CaseStore() = default;

  // Inserts a case with its steps (in a transaction) and sets its id. E_CASE_OPEN when the
  // household already has an open case (the one-open-case index).
  virtual Status InsertCase(StoredCase& c) = 0;
  // Writes the case's row and appends the steps from `first_new_step` on (in a
  // transaction).
  virtual Status UpdateCase(const StoredCase& c, size_t first_new_step) = 0;
  // A case with its steps.
  virtual Result<std::optional<StoredCase>> GetCase(int64_t id) = 0;
  // The id of the household's open case, if it has one.
  virtual Result<std::optional<int64_t>> OpenCaseOf(const std::string& household_code) = 0;
  // Every case of a household, newest first, with its steps.
  virtual Result<std::vector<StoredCase>> CasesOf(const std::string& household_code) = 0;
  virtual Result<CasePage> SearchCases(const CaseQuery& query) = 0;
};

}  // namespace fupin
