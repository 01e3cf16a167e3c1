// CompareStore: the department lists that were loaded, the findings of the cross-check
// (比对核查) and the quality checks, and helper assignments, as stored. The service layer
// (service/compare_service) gives them meaning. It shares its Store's connection, so its
// writes join the Store's open transaction. Threading: as its Store.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "common/error.h"
#include "common/region_code.h"

namespace fupin {

// One loaded department list (部门名单): what was compared, when and by whom.
struct DepartmentListRow {
  int64_t id = 0;
  std::string kind;                      // compare.md kind: "deaths", "vehicles", …
  std::string as_of;                     // YYYY-MM-DD
  int64_t region_code = 0;               // the region the list covers; 0 for the whole register
  std::string uploaded_by, uploaded_at;  // user (or "cli"), ISO 8601 UTC
  std::string file_name;                 // the base name as given
  std::string checksum;                  // "sha256:<hex>" of the file's bytes
  int64_t rows = 0, matched = 0, errors = 0, findings = 0, known = 0;
};

// One finding. `subject` is what makes it unique with `rule`: the person's ID number for
// person rules, the 户编号 for household rules.
struct FindingRow {
  int64_t id = 0;
  std::string rule;
  std::string subject;
  int64_t list_id = 0;  // 0 for a quality check
  int64_t village_code = 0;
  std::string household_code;
  std::string id_number;  // empty for household rules
  std::string name;
  std::string detail;           // Chinese, as compare.md shows it
  std::string row;              // the list row's columns as a JSON object ("" when none)
  std::string status = "open";  // open | confirmed | dismissed
  std::string reason, decided_by, decided_at;
  std::string created_at;
};

struct FindingQuery {
  RegionCode region;    // a subtree (the nation for code 0)
  std::string rule;     // exactly this rule, when given
  std::string status;   // exactly this status, when given
  int64_t list_id = 0;  // from this list, when not 0
  // Only findings of households this helper (帮扶责任人) is assigned to, when given.
  std::string assigned_to;
  int64_t offset = 0;
  int64_t limit = 50;  // 0 for all
};

struct FindingPage {
  int64_t total = 0;
  std::vector<FindingRow> items;  // ordered by id
};

// Counts per rule, village and status (the API's overview).
struct FindingCount {
  std::string rule;
  int64_t village_code = 0;
  int64_t open = 0, confirmed = 0, dismissed = 0;
};

class FindingBatch;

class CompareStore {
 public:
  virtual ~CompareStore() = default;

  // Records a list (in a transaction) with the sorted packed ID numbers of its valid rows
  // (kept so a later list can be compared with it); sets row.id.
  virtual Status InsertList(DepartmentListRow& row, const std::vector<uint64_t>& keys) = 0;
  virtual Status UpdateListCounts(const DepartmentListRow& row) = 0;  // by id
  // Lists of `kind` (all kinds when empty) covering a region inside `scope`, newest first.
  virtual Result<std::vector<DepartmentListRow>> Lists(const std::string& kind,
                                                       RegionCode scope) = 0;
  // The latest list of `kind` for exactly `region` before list `before_id`, with its keys.
  virtual Result<std::optional<std::pair<DepartmentListRow, std::vector<uint64_t>>>> PreviousList(
      const std::string& kind, RegionCode region, int64_t before_id) = 0;

  // Calls `fn` with the subject of every finding of `rule`, any status.
  virtual Status ForEachSubject(const std::string& rule,
                                const std::function<void(std::string_view)>& fn) = 0;
  // Inserts new findings (in a transaction) and sets each id; a finding whose rule and
  // subject are already stored is skipped and keeps id 0.
  virtual Status InsertFindings(std::deque<FindingRow>& rows) = 0;
  // The same for the compact findings of one run (storage/finding_batch.h); by default
  // through rows (finding_batch.cc), the SQLite store writes a bulk batch's blocks from it.
  virtual Status InsertBatch(FindingBatch& batch);
  virtual Result<FindingPage> SearchFindings(const FindingQuery& query) = 0;
  virtual Result<std::optional<FindingRow>> GetFinding(int64_t id) = 0;
  // Sets status, reason, decided_by and decided_at of finding `row.id`.
  virtual Status DecideFinding(const FindingRow& row) = 0;
  // Counts within `region`; only of households `assigned_to` is assigned to, when not empty.
  virtual Result<std::vector<FindingCount>> CountFindings(RegionCode region,
                                                          const std::string& assigned_to) = 0;

  // Helper assignments (帮扶责任人 → 户) of `helper` accounts, kept in the tables of
  // storage/helper_store.h: Assign begins one (from the local date of `at`, an ISO 8601
  // instant) unless it is current already; Unassign ends the current one on that date.
  virtual Status Assign(const std::string& username, const std::string& household_code,
                        const std::string& at) = 0;
  virtual Status Unassign(const std::string& username, const std::string& household_code,
                          const std::string& at) = 0;
  virtual Result<std::vector<std::string>> AssignedHouseholds(const std::string& username) = 0;
  virtual Result<bool> IsAssigned(const std::string& username,
                                  const std::string& household_code) = 0;
  // Calls `fn` for every household code that has at least one current helper (any helper,
  // linked to an account or not).
  virtual Status ForEachAssignedHousehold(const std::function<void(std::string_view)>& fn) = 0;
};

}  // namespace fupin
