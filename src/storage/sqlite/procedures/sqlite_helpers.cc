#include "storage/sqlite/procedures/sqlite_helpers.h"

#include <sqlite3.h>

#include <string_view>
#include <utility>
#include <vector>

namespace fupin {
namespace {

using sqlite::Database;
using sqlite::Statement;

constexpr std::string_view kHelperColumns =
    "h.id, h.region_code, h.name, h.work_unit, h.phone, coalesce(h.username, ''), h.created_at, "
    "h.created_by";
constexpr int kHelperColumnCount = 8;

constexpr std::string_view kTeamColumns =
    "id, village_code, role, name, work_unit, phone, started_on, coalesce(ended_on, '')";

HelperRow ReadHelper(const Statement& s, int first = 0) {
  HelperRow r;
  r.id = s.Int(first);
  r.region_code = s.Int(first + 1);
  r.name = s.Text(first + 2);
  r.work_unit = s.Text(first + 3);
  r.phone = s.Text(first + 4);
  r.username = s.Text(first + 5);
  r.created_at = s.Text(first + 6);
  r.created_by = s.Text(first + 7);
  return r;
}

WorkTeamMemberRow ReadTeamMember(const Statement& s) {
  WorkTeamMemberRow r;
  r.id = s.Int(0);
  r.village_code = s.Int(1);
  r.role = s.Text(2);
  r.name = s.Text(3);
  r.work_unit = s.Text(4);
  r.phone = s.Text(5);
  r.started_on = s.Text(6);
  r.ended_on = s.Text(7);
  return r;
}

// The columns of an assignment with its helper and the household's village now.
const std::string kAssignmentSelect =
    "SELECT " + std::string(kHelperColumns) +
    ", a.county_code, coalesce(hh.village_code, 0), a.household_code, a.since, "
    "coalesce(a.until, '') FROM helper_households a JOIN helpers h ON h.id = a.helper_id "
    "LEFT JOIN households hh ON hh.county_code = a.county_code AND hh.household_code = "
    "a.household_code ";

HelperAssignmentRow ReadAssignment(const Statement& s) {
  HelperAssignmentRow r;
  r.helper = ReadHelper(s);
  r.county_code = s.Int(kHelperColumnCount);
  r.village_code = s.Int(kHelperColumnCount + 1);
  r.household_code = s.Text(kHelperColumnCount + 2);
  r.since = s.Text(kHelperColumnCount + 3);
  r.until = s.Text(kHelperColumnCount + 4);
  return r;
}

// A LIKE pattern matching `text` anywhere, its pattern characters escaped with '\'.
std::string Contains(const std::string& text) {
  std::string pattern = "%";
  for (char c : text) {
    if (c == '%' || c == '_' || c == '\\') pattern += '\\';
    pattern += c;
  }
  return pattern + "%";
}

// Households that need a helper and have none now, under the range ?1..?2.
constexpr std::string_view kUnhelpedWhere =
    " FROM households hh WHERE hh.village_code >= ?1 AND hh.village_code < ?2 AND "
    "((hh.kind = 1 AND hh.poverty_status IS NOT 9) OR hh.monitor_status = 1) AND NOT EXISTS "
    "(SELECT 1 FROM helper_households a WHERE a.county_code = hh.county_code AND "
    "a.household_code = hh.household_code AND a.until IS NULL)";

class SqliteHelperStore final : public HelperStore {
 public:
  explicit SqliteHelperStore(Database& db) : db_(db) {}

  Status InsertHelper(HelperRow& row) override {
    auto s = db_.Prepare(
        "INSERT INTO helpers(region_code, name, work_unit, phone, username, created_at, "
        "created_by) VALUES (?, ?, ?, ?, ?, ?, ?)");
    if (!s.ok()) return s.error();
    s->Bind(1, row.region_code).Bind(2, row.name).Bind(3, row.work_unit).Bind(4, row.phone);
    if (row.username.empty()) {
      s->BindNull(5);
    } else {
      s->Bind(5, row.username);
    }
    s->Bind(6, row.created_at).Bind(7, row.created_by);
    FUPIN_RETURN_IF_ERROR(s->Run());
    row.id = sqlite3_last_insert_rowid(db_.handle());
    return Status::Ok();
  }

  Status UpdateHelper(const HelperRow& row) override {
    auto s = db_.Prepare(
        "UPDATE helpers SET region_code = ?, name = ?, work_unit = ?, phone = ?, username = ? "
        "WHERE id = ?");
    if (!s.ok()) return s.error();
    s->Bind(1, row.region_code).Bind(2, row.name).Bind(3, row.work_unit).Bind(4, row.phone);
    if (row.username.empty()) {
      s->BindNull(5);
    } else {
      s->Bind(5, row.username);
    }
    s->Bind(6, row.id);
    return s->Run();
  }

  Result<std::optional<HelperRow>> GetHelper(int64_t id) override {
    return OneHelper("h.id = ?", [id](Statement& s) { s.Bind(1, id); });
  }

  Result<std::optional<HelperRow>> FindHelperByUsername(const std::string& username) override {
    return OneHelper("h.username = ?", [&](Statement& s) { s.Bind(1, username); });
  }

  Result<std::optional<HelperRow>> FindHelperByNamePhone(const std::string& name,
                                                         const std::string& phone) override {
    return OneHelper("h.name = ? AND h.phone = ? ORDER BY h.id LIMIT 1", [&](Statement& s) {
      s.Bind(1, name);
      s.Bind(2, phone);
    });
  }

  Result<HelperPage> SearchHelpers(const HelperQuery& q) override {
    std::string where;
    if (q.seen_by_helper.empty()) {
      where = " WHERE h.region_code >= ?1 AND h.region_code < ?2";
    } else {
      // The helper role: itself and the helpers of its own households, wherever managed.
      where =
          " WHERE (h.username = ?3 OR EXISTS (SELECT 1 FROM helper_households x JOIN "
          "helper_assignments mine ON mine.county_code = x.county_code AND "
          "mine.household_code = x.household_code WHERE x.helper_id = h.id AND x.until IS "
          "NULL AND mine.username = ?3))";
    }
    if (!q.name.empty()) where += " AND h.name LIKE ?4 ESCAPE '\\'";
    auto bind = [&](Statement& s) {
      if (q.seen_by_helper.empty()) {
        s.Bind(1, q.region.subtree_lo()).Bind(2, q.region.subtree_hi());
      } else {
        s.Bind(3, q.seen_by_helper);
      }
      if (!q.name.empty()) s.Bind(4, Contains(q.name));
    };
    HelperPage page;
    {
      auto s = db_.Prepare("SELECT count(*) FROM helpers h" + where);
      if (!s.ok()) return s.error();
      bind(*s);
      auto row = s->Step();
      if (!row.ok()) return row.error();
      page.total = s->Int(0);
    }
    auto s = db_.Prepare("SELECT " + std::string(kHelperColumns) + " FROM helpers h" + where +
                         " ORDER BY h.id LIMIT ?5 OFFSET ?6");
    if (!s.ok()) return s.error();
    bind(*s);
    s->Bind(5, q.limit > 0 ? q.limit : int64_t{-1}).Bind(6, q.offset);
    FUPIN_RETURN_IF_ERROR(
        s->ForEachRow([&](Statement& st) { page.items.push_back(ReadHelper(st)); }));
    return page;
  }

  Result<int64_t> EnsureAccountHelper(const std::string& username, int64_t region_code,
                                      const std::string& at) override {
    auto found = FindHelperByUsername(username);
    if (!found.ok()) return found.error();
    if (found->has_value()) return (*found)->id;
    HelperRow row;
    row.region_code = region_code;
    row.name = username;
    row.username = username;
    row.created_at = at;
    row.created_by = "account";
    FUPIN_RETURN_IF_ERROR(InsertHelper(row));
    return row.id;
  }

  Result<bool> BeginAssignment(int64_t helper_id, int64_t county_code,
                               const std::string& household_code,
                               const std::string& since) override {
    auto s = db_.Prepare(
        "INSERT INTO helper_households(helper_id, county_code, household_code, since, until) "
        "SELECT ?1, ?2, ?3, ?4, NULL WHERE NOT EXISTS (SELECT 1 FROM helper_households WHERE "
        "helper_id = ?1 AND county_code = ?2 AND household_code = ?3 AND until IS NULL)");
    if (!s.ok()) return s.error();
    s->Bind(1, helper_id).Bind(2, county_code).Bind(3, household_code).Bind(4, since);
    FUPIN_RETURN_IF_ERROR(s->Run());
    return sqlite3_changes(db_.handle()) > 0;
  }

  Result<bool> EndAssignment(int64_t helper_id, const std::string& household_code,
                             const std::string& until) override {
    auto s = db_.Prepare(
        "UPDATE helper_households SET until = ?3 WHERE helper_id = ?1 AND household_code = ?2 "
        "AND until IS NULL");
    if (!s.ok()) return s.error();
    s->Bind(1, helper_id).Bind(2, household_code).Bind(3, until);
    FUPIN_RETURN_IF_ERROR(s->Run());
    return sqlite3_changes(db_.handle()) > 0;
  }

  Result<std::vector<HelperAssignmentRow>> HouseholdAssignments(
      const std::string& household_code) override {
    return Assignments(
        "WHERE a.household_code = ?1 ORDER BY a.until IS NOT NULL, a.since DESC, a.rowid DESC",
        [&](Statement& s) { s.Bind(1, household_code); });
  }

  Result<std::vector<HelperAssignmentRow>> HelperAssignments(int64_t helper_id) override {
    return Assignments(
        "WHERE a.helper_id = ?1 ORDER BY a.until IS NOT NULL, a.household_code, a.since DESC",
        [&](Statement& s) { s.Bind(1, helper_id); });
  }

  Result<std::vector<HelperAssignmentRow>> CurrentAssignmentsUnder(RegionCode region) override {
    return Assignments(
        "WHERE a.until IS NULL AND hh.village_code >= ?1 AND hh.village_code < ?2 "
        "ORDER BY a.household_code, a.since, h.id",
        [&](Statement& s) { s.Bind(1, region.subtree_lo()).Bind(2, region.subtree_hi()); });
  }

  Result<bool> HelperServesIn(int64_t helper_id, RegionCode region) override {
    auto s = db_.Prepare(
        "SELECT EXISTS (SELECT 1 FROM helper_households a JOIN households hh ON "
        "hh.county_code = a.county_code AND hh.household_code = a.household_code WHERE "
        "a.helper_id = ?1 AND hh.village_code >= ?2 AND hh.village_code < ?3)");
    if (!s.ok()) return s.error();
    s->Bind(1, helper_id).Bind(2, region.subtree_lo()).Bind(3, region.subtree_hi());
    auto row = s->Step();
    if (!row.ok()) return row.error();
    return s->Int(0) != 0;
  }

  Result<bool> SharesHousehold(const std::string& username, int64_t helper_id) override {
    auto s = db_.Prepare(
        "SELECT EXISTS (SELECT 1 FROM helper_households x JOIN helper_assignments mine ON "
        "mine.county_code = x.county_code AND mine.household_code = x.household_code WHERE "
        "x.helper_id = ?1 AND x.until IS NULL AND mine.username = ?2)");
    if (!s.ok()) return s.error();
    s->Bind(1, helper_id).Bind(2, username);
    auto row = s->Step();
    if (!row.ok()) return row.error();
    return s->Int(0) != 0;
  }

  Result<int64_t> CountUnhelped(RegionCode region) override {
    auto s = db_.Prepare("SELECT count(*)" + std::string(kUnhelpedWhere));
    if (!s.ok()) return s.error();
    s->Bind(1, region.subtree_lo()).Bind(2, region.subtree_hi());
    auto row = s->Step();
    if (!row.ok()) return row.error();
    return s->Int(0);
  }

  Result<std::vector<UnhelpedHousehold>> Unhelped(RegionCode region, int64_t offset,
                                                  int64_t limit) override {
    auto s =
        db_.Prepare("SELECT hh.county_code, hh.village_code, hh.household_code" +
                    std::string(kUnhelpedWhere) + " ORDER BY hh.household_code LIMIT ?3 OFFSET ?4");
    if (!s.ok()) return s.error();
    s->Bind(1, region.subtree_lo()).Bind(2, region.subtree_hi());
    s->Bind(3, limit > 0 ? limit : int64_t{-1}).Bind(4, offset);
    std::vector<UnhelpedHousehold> out;
    FUPIN_RETURN_IF_ERROR(s->ForEachRow([&](Statement& st) {
      out.push_back({st.Int(0), st.Int(1), st.Text(2)});
    }));
    return out;
  }

  Status InsertTeamMember(WorkTeamMemberRow& row) override {
    auto s = db_.Prepare(
        "INSERT INTO work_team_members(village_code, role, name, work_unit, phone, started_on, "
        "ended_on) VALUES (?, ?, ?, ?, ?, ?, NULL)");
    if (!s.ok()) return s.error();
    s->Bind(1, row.village_code).Bind(2, row.role).Bind(3, row.name).Bind(4, row.work_unit);
    s->Bind(5, row.phone).Bind(6, row.started_on);
    FUPIN_RETURN_IF_ERROR(s->Run());
    row.id = sqlite3_last_insert_rowid(db_.handle());
    return Status::Ok();
  }

  Status EndTeamMember(int64_t id, const std::string& ended_on) override {
    auto s = db_.Prepare("UPDATE work_team_members SET ended_on = ? WHERE id = ?");
    if (!s.ok()) return s.error();
    s->Bind(1, ended_on).Bind(2, id);
    return s->Run();
  }

  Result<std::optional<WorkTeamMemberRow>> GetTeamMember(int64_t id) override {
    auto s =
        db_.Prepare("SELECT " + std::string(kTeamColumns) + " FROM work_team_members WHERE id = ?");
    if (!s.ok()) return s.error();
    s->Bind(1, id);
    auto row = s->Step();
    if (!row.ok()) return row.error();
    std::optional<WorkTeamMemberRow> out;
    if (*row) out = ReadTeamMember(*s);
    return out;
  }

  Result<std::vector<WorkTeamMemberRow>> TeamMembers(int64_t village_code) override {
    auto s = db_.Prepare("SELECT " + std::string(kTeamColumns) +
                         " FROM work_team_members WHERE village_code = ? ORDER BY ended_on IS "
                         "NOT NULL, CASE role WHEN 'first_secretary' THEN 0 WHEN 'leader' THEN 1 "
                         "ELSE 2 END, started_on, id");
    if (!s.ok()) return s.error();
    s->Bind(1, village_code);
    std::vector<WorkTeamMemberRow> out;
    FUPIN_RETURN_IF_ERROR(s->ForEachRow([&](Statement& st) { out.push_back(ReadTeamMember(st)); }));
    return out;
  }

 private:
  template <typename BindFn>
  Result<std::optional<HelperRow>> OneHelper(const std::string& where, BindFn bind) {
    auto s =
        db_.Prepare("SELECT " + std::string(kHelperColumns) + " FROM helpers h WHERE " + where);
    if (!s.ok()) return s.error();
    bind(*s);
    auto row = s->Step();
    if (!row.ok()) return row.error();
    std::optional<HelperRow> out;
    if (*row) out = ReadHelper(*s);
    return out;
  }

  template <typename BindFn>
  Result<std::vector<HelperAssignmentRow>> Assignments(const std::string& rest, BindFn bind) {
    auto s = db_.Prepare(kAssignmentSelect + rest);
    if (!s.ok()) return s.error();
    bind(*s);
    std::vector<HelperAssignmentRow> out;
    FUPIN_RETURN_IF_ERROR(s->ForEachRow([&](Statement& st) { out.push_back(ReadAssignment(st)); }));
    return out;
  }

  Database& db_;
};

}  // namespace

std::unique_ptr<HelperStore> NewSqliteHelperStore(sqlite::Database& db) {
  return std::make_unique<SqliteHelperStore>(db);
}

}  // namespace fupin
