// HelperStore: helpers (帮扶责任人) as people, their assignments to households with dates,
// and the members of the village work teams (驻村工作队, 第一书记), as stored. The service
// layer (service/procedures/helper_service) checks who may see and change them. It shares
// its Store's connection, so its writes join the Store's open transaction. Threading: as
// its Store.
//
// The view helper_assignments(county_code, household_code, username, assigned_at) keeps the
// scope queries of the `helper` role working: the current assignments of helpers linked to
// an account (username), assigned_at being the date the assignment began.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/error.h"
#include "common/region_code.h"

namespace fupin {

// A helper: a person who helps households, managed by a region (county, township or
// village; 0 for helpers taken over from accounts before helpers were people).
struct HelperRow {
  int64_t id = 0;
  int64_t region_code = 0;
  std::string name;
  std::string work_unit;
  std::string phone;     // "" when unknown; never logged
  std::string username;  // the linked `helper` account, "" when none
  std::string created_at, created_by;
};

struct HelperQuery {
  RegionCode region;  // helpers managed inside this subtree
  std::string name;   // part of the name, when given
  // When given: only this account's own helper and the helpers currently assigned to a
  // household this account is currently assigned to (the `helper` role's view), whatever
  // their region.
  std::string seen_by_helper;
  int64_t offset = 0;
  int64_t limit = 50;  // 0 for all
};

struct HelperPage {
  int64_t total = 0;
  std::vector<HelperRow> items;  // ordered by id
};

// One assignment (helper → household), current while `until` is empty.
struct HelperAssignmentRow {
  HelperRow helper;
  int64_t county_code = 0;
  int64_t village_code = 0;  // the household's village now (0 when it has left the register)
  std::string household_code;
  std::string since;  // YYYY-MM-DD
  std::string until;  // YYYY-MM-DD, "" while current
};

// A member of a village's work team.
struct WorkTeamMemberRow {
  int64_t id = 0;
  int64_t village_code = 0;
  std::string role;  // "first_secretary" | "leader" | "member"
  std::string name, work_unit, phone;
  std::string started_on;  // YYYY-MM-DD
  std::string ended_on;    // YYYY-MM-DD, "" while serving
};

// A household that should have a helper and has none now (the worklist).
struct UnhelpedHousehold {
  int64_t county_code = 0;
  int64_t village_code = 0;
  std::string household_code;
};

class HelperStore {
 public:
  virtual ~HelperStore() = default;

  // Helpers. InsertHelper sets row.id (in a transaction); E_CONFLICT when the username is
  // linked to another helper already. UpdateHelper rewrites the row of row.id.
  virtual Status InsertHelper(HelperRow& row) = 0;
  virtual Status UpdateHelper(const HelperRow& row) = 0;
  virtual Result<std::optional<HelperRow>> GetHelper(int64_t id) = 0;
  virtual Result<std::optional<HelperRow>> FindHelperByUsername(const std::string& username) = 0;
  // The helper of that name and phone with the lowest id, if any.
  virtual Result<std::optional<HelperRow>> FindHelperByNamePhone(const std::string& name,
                                                                 const std::string& phone) = 0;
  virtual Result<HelperPage> SearchHelpers(const HelperQuery& query) = 0;

  // The helper linked to `username`, created (region `region_code`, name = username) when
  // there is none; its id. In a transaction.
  virtual Result<int64_t> EnsureAccountHelper(const std::string& username, int64_t region_code,
                                              const std::string& at) = 0;

  // Assignments (in a transaction). Begin: a current assignment of the helper to the
  // household from `since` (nothing when one is current already; false then). End: the
  // current one ends on `until` (false when there was none).
  virtual Result<bool> BeginAssignment(int64_t helper_id, int64_t county_code,
                                       const std::string& household_code,
                                       const std::string& since) = 0;
  virtual Result<bool> EndAssignment(int64_t helper_id, const std::string& household_code,
                                     const std::string& until) = 0;
  // Every assignment of a household, current first, then by since (newest first).
  virtual Result<std::vector<HelperAssignmentRow>> HouseholdAssignments(
      const std::string& household_code) = 0;
  // Every assignment of a helper, current first, then by household code.
  virtual Result<std::vector<HelperAssignmentRow>> HelperAssignments(int64_t helper_id) = 0;
  // The current assignments of the households under `region` (by household code).
  virtual Result<std::vector<HelperAssignmentRow>> CurrentAssignmentsUnder(RegionCode region) = 0;
  // Whether `helper_id` is, or was, assigned to a household under `region`.
  virtual Result<bool> HelperServesIn(int64_t helper_id, RegionCode region) = 0;
  // Whether a household currently assigned to `username` (an account) is currently
  // assigned to `helper_id` too.
  virtual Result<bool> SharesHousehold(const std::string& username, int64_t helper_id) = 0;

  // Households under `region` that need a helper — 建档立卡户 not 已剔除, or any household
  // 监测中 — and have no current assignment: how many, and a page of them by code.
  virtual Result<int64_t> CountUnhelped(RegionCode region) = 0;
  virtual Result<std::vector<UnhelpedHousehold>> Unhelped(RegionCode region, int64_t offset,
                                                          int64_t limit) = 0;

  // Work teams. InsertTeamMember sets row.id; EndTeamMember sets ended_on of row `id`.
  virtual Status InsertTeamMember(WorkTeamMemberRow& row) = 0;
  virtual Status EndTeamMember(int64_t id, const std::string& ended_on) = 0;
  virtual Result<std::optional<WorkTeamMemberRow>> GetTeamMember(int64_t id) = 0;
  // A village's members, serving first (by role, then started_on), then the past ones.
  virtual Result<std::vector<WorkTeamMemberRow>> TeamMembers(int64_t village_code) = 0;
};

}  // namespace fupin
