// The cross-check (比对核查) of spec/compare.md: a department list compared with the
// register, the registry's own quality checks, and the findings they leave (open,
// confirmed, dismissed with a reason; never raised twice for the same person and rule).
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "common/date.h"
#include "common/error.h"
#include "common/text.h"
#include "domain/policy.h"
#include "service/accounts/auth_service.h"
#include "service/imports/import_service.h"
#include "storage/finding_batch.h"
#include "storage/store.h"

namespace fupin {

struct CompareRequest {
  std::string kind;       // a compare.md kind
  std::string path;       // the list file
  std::string file_name;  // as the user named it ("" = the base name of path)
  Date as_of;
  RegionCode region;  // the region the list covers (the nation = the whole register)
  Encoding encoding = Encoding::kAuto;
  Date today;
  // The file the caller writes the new findings to ("" for none): audited with the list
  // ("export.findings"), in the same transaction.
  std::string out_file;
  // Progress lines for people (stderr), with the seconds since the start; may be empty.
  std::function<void(const std::string&)> progress;
};

// The previous list of the same kind for the same region, and how this one differs.
struct ListChange {
  int64_t list_id = 0;
  std::string as_of;
  int64_t added = 0;    // persons on this list and not on the previous one
  int64_t removed = 0;  // persons on the previous list and not on this one
};

struct CompareReport {
  std::string kind;        // "quality" for CheckQuality
  DepartmentListRow list;  // id 0 for a quality check, or when nothing was compared
  int64_t rows = 0, matched = 0, known = 0;
  std::vector<ImportIssue> errors;
  int64_t errors_not_listed = 0;
  FindingBatch findings;  // new ones, stored (compact: a list can raise millions)
  std::optional<ListChange> previous;
  bool index_rebuilt = false;
};

// Loads, validates and compares one list and stores it with its new findings (one
// transaction). Needs Permission::kCompare and `request.region` inside the caller's
// scope (E_NOT_FOUND otherwise). A structural problem of the file (E_HEADER, E_ENCODING,
// E_EMPTY, …) is the error and nothing is stored; row errors are in the report.
// E_DATE when as_of lies after today; E_USAGE for an unknown kind.
Result<CompareReport> CompareList(Store& store, const PolicySet& policy, const Caller& caller,
                                  const CompareRequest& request);

// The registry's own consistency rules over `region` (cause_mismatch, income_outlier,
// no_helper, duplicate_person), stored as findings like a comparison's.
// Needs Permission::kDecideFindings.
Result<CompareReport> CheckQuality(Store& store, const Caller& caller, RegionCode region);

// What a caller sees of the findings, everywhere (search, counts, decisions, the reports of
// CompareList and CheckQuality): those within its region scope and, for a `helper`
// (帮扶责任人), only those of households assigned to it; a finding it may not see answers
// exactly as one that does not exist.

// Findings within the caller's scope (and the query's region); a caller's own
// `query.assigned_to` is ignored (set for a helper, cleared otherwise). A page with ID
// numbers for a role that sees them whole is audited ("findings.read").
Result<FindingPage> SearchFindings(Store& store, const Caller& caller, FindingQuery query);

// Every finding of `query` (its paging ignored), as an export shows them to the caller:
// E_FORBIDDEN unless the role may export; the scope of SearchFindings; for the roles that see
// masked data, ID numbers masked and numbers inside the name, detail and reason masked.
// Leaves the audit record "export.findings" (the query's region, the count, "masked").
Result<std::vector<FindingRow>> FindingsForExport(Store& store, const Caller& caller,
                                                  FindingQuery query);
Result<std::vector<FindingCount>> CountFindings(Store& store, const Caller& caller,
                                                RegionCode region);

// Confirms (reason optional) or dismisses (reason required, E_REQUIRED) an open finding.
// E_NOT_FOUND for a finding the caller may not see (outside its scope, or another
// household's for a helper), before the role is checked; E_CONFLICT when it is not open any
// more. Needs Permission::kDecideFindings. Audited.
Result<FindingRow> DecideFinding(Store& store, const Caller& caller, int64_t id, bool confirm,
                                 const std::string& reason);

// The loaded lists of `kind` ("" = all) within the caller's scope, newest first.
Result<std::vector<DepartmentListRow>> ListDepartmentLists(Store& store, const Caller& caller,
                                                           const std::string& kind);

// Helper assignments (Permission::kAssignHelpers): the user must be a `helper` and the
// household within both the caller's and the helper's region (E_NOT_FOUND otherwise).
Status AssignHelper(Store& store, const Caller& caller, const std::string& username,
                    const std::vector<std::string>& household_codes, bool assign);

}  // namespace fupin
