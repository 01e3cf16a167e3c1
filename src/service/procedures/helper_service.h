// Helpers (帮扶责任人) and village work teams (驻村工作队, 第一书记), issue 11: helpers as
// people (name, work unit, phone; optionally linked to a `helper` account) assigned to
// households with dates, and the members of each village's work team with dates.
//
// Who may:
// - read: any role that reads the region. A helper is seen by a caller whose scope holds
//   the region that manages it, or a household it helps or helped; the `helper` role sees
//   only itself and the helpers of the households it is assigned to (a household it is not
//   assigned to answers E_NOT_FOUND, as in household_service). Phones are masked
//   (MaskPhone, 138****5678) for the roles that see masked data (RoleSeesMaskedData).
//   A read that shows phones unmasked is audited ("helper.read").
// - write: roles with Permission::kManageHelpers (admin, county_admin, township_operator,
//   village_operator), checked first (E_FORBIDDEN); then the scope: a household or village
//   outside the caller's region is E_NOT_FOUND exactly as a missing one; a helper must be
//   managed inside the caller's region (E_NOT_FOUND when the caller cannot see it,
//   E_FORBIDDEN when it sees it but another region manages it).
// Every write is one transaction with its audit record: "helper.add", "helper.update",
// "helper.assign", "helper.unassign", "team.add", "team.end".
//
// Errors of input: E_REQUIRED (a name, a phone of a helper, a role, a start date),
// E_PHONE (not a mainland mobile, 1[3-9] and 9 digits, or landline, area code 0 + 2 or 3
// digits, then 7 or 8 digits), E_DATE (malformed, after today, or an end before the
// start), E_CODE (a team role other than first_secretary, leader, member), E_FORMAT (a
// text over its length), E_REGION (a managing region not in the tree or outside the
// caller's scope), E_CONFLICT (an account linked to another helper already; a team member
// ended already).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/date.h"
#include "common/error.h"
#include "service/accounts/auth_service.h"
#include "service/imports/import_service.h"
#include "storage/store.h"

namespace fupin {

// A phone as stored: a mobile as its 11 digits, a landline as "AREA-NUMBER" (area codes
// 01x and 02x have 3 digits, the others 4); spaces and hyphens in the input are ignored.
// E_PHONE otherwise.
Result<std::string> NormalizePhone(std::string_view text);

struct HelperInput {
  std::string name, work_unit, phone;
  RegionCode region;     // the region that manages the helper
  std::string username;  // a `helper` account to link, "" for none
};

// Changes of a helper; absent fields stay. `username` "" unlinks the account.
struct HelperPatch {
  std::optional<std::string> name, work_unit, phone, username;
  std::optional<RegionCode> region;
};

// Ok, or E_FORBIDDEN for a role that may not manage helpers and work teams
// (Permission::kManageHelpers): the first check of every write here, and of the routes
// before they read a body.
Status MayManageHelpers(const Caller& caller);

Result<HelperRow> AddHelper(Store& store, const Caller& caller, HelperInput input);
Result<HelperRow> UpdateHelper(Store& store, const Caller& caller, int64_t id,
                               const HelperPatch& patch);
// One helper (E_NOT_FOUND when the caller may not see it).
Result<HelperRow> GetHelper(Store& store, const Caller& caller, int64_t id);
// Helpers managed under query.region (E_NOT_FOUND outside the caller's scope); for the
// `helper` role, itself and the helpers of its households, wherever they are managed.
Result<HelperPage> ListHelpers(Store& store, const Caller& caller, HelperQuery query);

// Assigns the helper to each household from `since` (default: today), or ends its current
// assignment today. All or nothing: the first household that is missing or outside the
// scope fails the call (E_NOT_FOUND). Assigning twice, or ending what is not current,
// changes nothing and is not an error.
Status AssignHelperToHouseholds(Store& store, const Caller& caller, int64_t helper_id,
                                const std::vector<std::string>& household_codes,
                                std::optional<Date> since = std::nullopt);
Status UnassignHelperFromHouseholds(Store& store, const Caller& caller, int64_t helper_id,
                                    const std::vector<std::string>& household_codes);

// A household's helpers, current and past (current first); E_NOT_FOUND for a household the
// caller may not read.
Result<std::vector<HelperAssignmentRow>> HouseholdHelpers(Store& store, const Caller& caller,
                                                          const std::string& household_code);
// A helper's households, current and past, those the caller may read.
Result<std::vector<HelperAssignmentRow>> HelperHouseholds(Store& store, const Caller& caller,
                                                          int64_t helper_id);

// For the policy card and the worklist: the current helpers of a household with their
// phones unmasked; no role or scope check (the caller has done it, and masks).
Result<std::vector<HelperRow>> CurrentHelpers(Store& store, const std::string& household_code);

// Work teams. The village must be a village of the tree in the caller's scope
// (E_NOT_FOUND otherwise, as a missing one).
struct TeamMemberInput {
  std::string role, name, work_unit, phone, started_on;
};
Result<WorkTeamMemberRow> AddTeamMember(Store& store, const Caller& caller, RegionCode village,
                                        const TeamMemberInput& input);
// Ends a member's service on `ended_on` (default today); E_NOT_FOUND when the member is
// not of that village.
Result<WorkTeamMemberRow> EndTeamMember(Store& store, const Caller& caller, RegionCode village,
                                        int64_t id, const std::string& ended_on);
Result<std::vector<WorkTeamMemberRow>> WorkTeam(Store& store, const Caller& caller,
                                                RegionCode village);

// The annual re-assignment (`fupin helpers import`): a table with the columns 户编号,
// 帮扶责任人, 工作单位, 联系电话 (a header row first, title rows above it allowed in a
// workbook). A row names a household and one of its helpers, matched by name and phone
// among the helpers managed in the caller's scope or created (managed by the household's
// county); a row with neither name nor phone says the household has no helper (a phone
// may be empty for a helper that has none on record). Each
// household of the file then has exactly the file's helpers: assignments not in it end
// today, new ones begin today. All or nothing: any bad row (E_NOT_FOUND household,
// E_REQUIRED, E_PHONE, E_FORMAT, E_HEADER) is reported with file, line, column, a code and
// a message, and nothing is written. With dry_run nothing is written either way.
struct HelperImportReport {
  int64_t rows = 0, households = 0;
  int64_t helpers_created = 0, assignments_begun = 0, assignments_ended = 0;
  std::vector<ImportIssue> errors;
  bool written = false;
};
Result<HelperImportReport> ImportHelperAssignments(Store& store, const Caller& caller,
                                                   const std::string& path, bool dry_run);

// The rows of an export under `region` in the import's columns: every current assignment,
// and every household that needs a helper and has none (helper columns empty), by 户编号.
// Phones masked for the roles that see masked data. Audited ("export.helpers").
struct HelperExportRow {
  std::string household_code, name, work_unit, phone;
};
Result<std::vector<HelperExportRow>> HelperAssignmentsForExport(Store& store, const Caller& caller,
                                                                RegionCode region);
// The header of the import and export: 户编号, 帮扶责任人, 工作单位, 联系电话.
const std::vector<std::string>& HelperTableHeader();

}  // namespace fupin
