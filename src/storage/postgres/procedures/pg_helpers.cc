#include "storage/postgres/procedures/pg_helpers.h"

#include <string_view>
#include <utility>
#include <vector>

#include "storage/postgres/pg_db.h"
#include "storage/postgres/pg_statements.h"

namespace fupin {
namespace {

using pg::Params;
using pg::Rows;

// ---- The SQL (text is ordered COLLATE "C": SQLite compares text byte by byte).

const std::string kHelperColumns =
    "h.id, h.region_code, h.name, h.work_unit, h.phone, coalesce(h.username, ''), "
    "h.created_at, h.created_by";
constexpr int kHelperColumnCount = 8;
const std::string kTeamColumns =
    "id, village_code, role, name, work_unit, phone, started_on, coalesce(ended_on, '')";

// Ids are the largest plus one, under LockIds (as SQLite's rowid; the same lock as the
// account helpers of crosscheck/pg_compare.cc).
const std::string kInsertHelper =
    "INSERT INTO helpers(id, region_code, name, work_unit, phone, username, created_at, "
    "created_by) SELECT coalesce(max(id), 0) + 1, $1, $2, $3, $4, $5, $6, $7 FROM helpers "
    "RETURNING id";
const std::string kUpdateHelper =
    "UPDATE helpers SET region_code = $1, name = $2, work_unit = $3, phone = $4, username = $5 "
    "WHERE id = $6";
const std::string kHelperById = "SELECT " + kHelperColumns + " FROM helpers h WHERE h.id = $1";
const std::string kHelperByUsername =
    "SELECT " + kHelperColumns + " FROM helpers h WHERE h.username = $1";
const std::string kHelperByNamePhone = "SELECT " + kHelperColumns +
                                       " FROM helpers h WHERE h.name = $1 AND h.phone = $2 "
                                       "ORDER BY h.id LIMIT 1";

// SearchHelpers: by region ($1, $2) or as the helper role sees them ($1); the name ($n)
// with SQLite's LIKE: ASCII letters of either case (ILIKE under the "C" collation).
const std::string kInRegion = " WHERE h.region_code >= $1 AND h.region_code < $2";
const std::string kSeenByHelper =
    " WHERE (h.username = $1 OR EXISTS (SELECT 1 FROM helper_households x JOIN "
    "helper_assignments mine ON mine.county_code = x.county_code AND mine.household_code = "
    "x.household_code WHERE x.helper_id = h.id AND x.until IS NULL AND mine.username = $1))";
std::string NameLike(int parameter) {
  return " AND h.name COLLATE \"C\" ILIKE $" + std::to_string(parameter) + " ESCAPE '\\'";
}
// The four variants' WHERE and the number of parameters before LIMIT and OFFSET.
struct SearchSql {
  std::string count, page;
};
SearchSql MakeSearch(bool by_helper, bool by_name) {
  std::string where = by_helper ? kSeenByHelper : kInRegion;
  int n = by_helper ? 1 : 2;
  if (by_name) where += NameLike(++n);
  return {"SELECT count(*) FROM helpers h" + where,
          "SELECT " + kHelperColumns + " FROM helpers h" + where + " ORDER BY h.id LIMIT $" +
              std::to_string(n + 1) + " OFFSET $" + std::to_string(n + 2)};
}
const SearchSql kSearch[2][2] = {{MakeSearch(false, false), MakeSearch(false, true)},
                                 {MakeSearch(true, false), MakeSearch(true, true)}};

// A current assignment unless there is one (ON CONFLICT: two racing ones make one, on the
// unique partial index helper_households_current).
const std::string kBeginAssignment =
    "INSERT INTO helper_households(helper_id, county_code, household_code, since, until) "
    "SELECT $1, $2, $3, $4, NULL WHERE NOT EXISTS (SELECT 1 FROM helper_households WHERE "
    "helper_id = $1 AND county_code = $2 AND household_code = $3 AND until IS NULL) "
    "ON CONFLICT (helper_id, county_code, household_code) WHERE until IS NULL DO NOTHING";
const std::string kEndAssignment =
    "UPDATE helper_households SET until = $3 WHERE helper_id = $1 AND household_code = $2 AND "
    "until IS NULL";

// An assignment with its helper and the household's village now. SQLite breaks the ties
// of HouseholdAssignments by rowid (the order of insertion); helper_households has no id
// here, so its ties are broken by ctid, the row's place, which is the order of insertion
// until a row is updated (EndAssignment) or the table vacuumed.
const std::string kAssignmentSelect =
    "SELECT " + kHelperColumns +
    ", a.county_code, coalesce(hh.village_code, 0), a.household_code, a.since, "
    "coalesce(a.until, '') FROM helper_households a JOIN helpers h ON h.id = a.helper_id "
    "LEFT JOIN households hh ON hh.county_code = a.county_code AND hh.household_code = "
    "a.household_code ";
const std::string kHouseholdAssignments =
    kAssignmentSelect +
    "WHERE a.household_code = $1 ORDER BY a.until IS NOT NULL, a.since COLLATE \"C\" DESC, "
    "a.ctid DESC";
const std::string kHelperAssignments =
    kAssignmentSelect +
    "WHERE a.helper_id = $1 ORDER BY a.until IS NOT NULL, a.household_code COLLATE \"C\", "
    "a.since COLLATE \"C\" DESC, a.ctid";
const std::string kCurrentAssignmentsUnder =
    kAssignmentSelect +
    "WHERE a.until IS NULL AND hh.village_code >= $1 AND hh.village_code < $2 ORDER BY "
    "a.household_code COLLATE \"C\", a.since COLLATE \"C\", h.id";
const std::string kHelperServesIn =
    "SELECT EXISTS (SELECT 1 FROM helper_households a JOIN households hh ON hh.county_code = "
    "a.county_code AND hh.household_code = a.household_code WHERE a.helper_id = $1 AND "
    "hh.village_code >= $2 AND hh.village_code < $3)";
const std::string kSharesHousehold =
    "SELECT EXISTS (SELECT 1 FROM helper_households x JOIN helper_assignments mine ON "
    "mine.county_code = x.county_code AND mine.household_code = x.household_code WHERE "
    "x.helper_id = $1 AND x.until IS NULL AND mine.username = $2)";

// Households that need a helper and have none now, under [$1, $2).
const std::string kUnhelpedWhere =
    " FROM households hh WHERE hh.village_code >= $1 AND hh.village_code < $2 AND "
    "((hh.kind = 1 AND hh.poverty_status IS DISTINCT FROM 9) OR hh.monitor_status = 1) AND "
    "NOT EXISTS (SELECT 1 FROM helper_households a WHERE a.county_code = hh.county_code AND "
    "a.household_code = hh.household_code AND a.until IS NULL)";
const std::string kCountUnhelped = "SELECT count(*)" + kUnhelpedWhere;
const std::string kUnhelped = "SELECT hh.county_code, hh.village_code, hh.household_code" +
                              kUnhelpedWhere +
                              " ORDER BY hh.household_code COLLATE \"C\" LIMIT $3 OFFSET $4";

const std::string kInsertTeamMember =
    "INSERT INTO work_team_members(id, village_code, role, name, work_unit, phone, started_on, "
    "ended_on) SELECT coalesce(max(id), 0) + 1, $1, $2, $3, $4, $5, $6, NULL FROM "
    "work_team_members RETURNING id";
const std::string kEndTeamMember = "UPDATE work_team_members SET ended_on = $1 WHERE id = $2";
const std::string kTeamMember = "SELECT " + kTeamColumns + " FROM work_team_members WHERE id = $1";
const std::string kTeamMembers =
    "SELECT " + kTeamColumns +
    " FROM work_team_members WHERE village_code = $1 ORDER BY ended_on IS NOT NULL, CASE role "
    "WHEN 'first_secretary' THEN 0 WHEN 'leader' THEN 1 ELSE 2 END, started_on COLLATE \"C\", "
    "id";

HelperRow ReadHelper(const Rows& rows, int r) {
  HelperRow h;
  h.id = rows.Int(r, 0);
  h.region_code = rows.Int(r, 1);
  h.name = rows.Text(r, 2);
  h.work_unit = rows.Text(r, 3);
  h.phone = rows.Text(r, 4);
  h.username = rows.Text(r, 5);
  h.created_at = rows.Text(r, 6);
  h.created_by = rows.Text(r, 7);
  return h;
}

HelperAssignmentRow ReadAssignment(const Rows& rows, int r) {
  HelperAssignmentRow a;
  a.helper = ReadHelper(rows, r);
  a.county_code = rows.Int(r, kHelperColumnCount);
  a.village_code = rows.Int(r, kHelperColumnCount + 1);
  a.household_code = rows.Text(r, kHelperColumnCount + 2);
  a.since = rows.Text(r, kHelperColumnCount + 3);
  a.until = rows.Text(r, kHelperColumnCount + 4);
  return a;
}

WorkTeamMemberRow ReadTeamMember(const Rows& rows, int r) {
  WorkTeamMemberRow m;
  m.id = rows.Int(r, 0);
  m.village_code = rows.Int(r, 1);
  m.role = rows.Text(r, 2);
  m.name = rows.Text(r, 3);
  m.work_unit = rows.Text(r, 4);
  m.phone = rows.Text(r, 5);
  m.started_on = rows.Text(r, 6);
  m.ended_on = rows.Text(r, 7);
  return m;
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

Params& UsernameOrNull(Params& p, const std::string& username) {
  return username.empty() ? p.Null() : p.Text(username);
}

class PgHelperStore final : public HelperStore {
 public:
  explicit PgHelperStore(pg::Connection& db) : db_(db), sql_(db) {}

  // E_CONFLICT when the username is linked to another helper (the unique index), the
  // transaction still usable as in SQLite (a savepoint).
  Status InsertHelper(HelperRow& row) override {
    return pg::InTransaction(db_, [&]() -> Status {
      FUPIN_RETURN_IF_ERROR(pg::LockIds(sql_, "helpers"));
      return pg::Guarded(db_, [&]() -> Status {
        Params p;
        p.Int(row.region_code).Text(row.name).Text(row.work_unit).Text(row.phone);
        UsernameOrNull(p, row.username).Text(row.created_at).Text(row.created_by);
        auto rows = sql_.Query(kInsertHelper, p);
        if (!rows.ok()) return rows.error();
        row.id = rows->Int(0, 0);
        return Status::Ok();
      });
    });
  }

  Status UpdateHelper(const HelperRow& row) override {
    return pg::Guarded(db_, [&]() -> Status {
      Params p;
      p.Int(row.region_code).Text(row.name).Text(row.work_unit).Text(row.phone);
      UsernameOrNull(p, row.username).Int(row.id);
      return sql_.Run(kUpdateHelper, p).status();
    });
  }

  Result<std::optional<HelperRow>> GetHelper(int64_t id) override {
    return OneHelper(kHelperById, Params().Int(id));
  }

  Result<std::optional<HelperRow>> FindHelperByUsername(const std::string& username) override {
    return OneHelper(kHelperByUsername, Params().Text(username));
  }

  Result<std::optional<HelperRow>> FindHelperByNamePhone(const std::string& name,
                                                         const std::string& phone) override {
    return OneHelper(kHelperByNamePhone, Params().Text(name).Text(phone));
  }

  Result<HelperPage> SearchHelpers(const HelperQuery& q) override {
    const bool by_helper = !q.seen_by_helper.empty(), by_name = !q.name.empty();
    const SearchSql& sql = kSearch[by_helper][by_name];
    Params p;
    if (by_helper) {
      p.Text(q.seen_by_helper);
    } else {
      p.Int(q.region.subtree_lo()).Int(q.region.subtree_hi());
    }
    if (by_name) p.Text(Contains(q.name));
    HelperPage page;
    auto total = sql_.Query(sql.count, p);
    if (!total.ok()) return total.error();
    page.total = total->Int(0, 0);
    pg::Page(p, q.limit, q.offset);
    auto rows = sql_.Query(sql.page, p);
    if (!rows.ok()) return rows.error();
    for (int r = 0; r < rows->size(); ++r) page.items.push_back(ReadHelper(*rows, r));
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
    Params p;
    p.Int(helper_id).Int(county_code).Text(household_code).Text(since);
    auto inserted = sql_.Run(kBeginAssignment, p);
    if (!inserted.ok()) return inserted.error();
    return *inserted > 0;
  }

  Result<bool> EndAssignment(int64_t helper_id, const std::string& household_code,
                             const std::string& until) override {
    auto updated =
        sql_.Run(kEndAssignment, Params().Int(helper_id).Text(household_code).Text(until));
    if (!updated.ok()) return updated.error();
    return *updated > 0;
  }

  Result<std::vector<HelperAssignmentRow>> HouseholdAssignments(
      const std::string& household_code) override {
    return Assignments(kHouseholdAssignments, Params().Text(household_code));
  }

  Result<std::vector<HelperAssignmentRow>> HelperAssignments(int64_t helper_id) override {
    return Assignments(kHelperAssignments, Params().Int(helper_id));
  }

  Result<std::vector<HelperAssignmentRow>> CurrentAssignmentsUnder(RegionCode region) override {
    return Assignments(kCurrentAssignmentsUnder,
                       Params().Int(region.subtree_lo()).Int(region.subtree_hi()));
  }

  Result<bool> HelperServesIn(int64_t helper_id, RegionCode region) override {
    return Exists(kHelperServesIn,
                  Params().Int(helper_id).Int(region.subtree_lo()).Int(region.subtree_hi()));
  }

  Result<bool> SharesHousehold(const std::string& username, int64_t helper_id) override {
    return Exists(kSharesHousehold, Params().Int(helper_id).Text(username));
  }

  Result<int64_t> CountUnhelped(RegionCode region) override {
    auto rows =
        sql_.Query(kCountUnhelped, Params().Int(region.subtree_lo()).Int(region.subtree_hi()));
    if (!rows.ok()) return rows.error();
    return rows->Int(0, 0);
  }

  Result<std::vector<UnhelpedHousehold>> Unhelped(RegionCode region, int64_t offset,
                                                  int64_t limit) override {
    Params p;
    p.Int(region.subtree_lo()).Int(region.subtree_hi());
    pg::Page(p, limit, offset);
    auto rows = sql_.Query(kUnhelped, p);
    if (!rows.ok()) return rows.error();
    std::vector<UnhelpedHousehold> out;
    for (int r = 0; r < rows->size(); ++r) {
      out.push_back({rows->Int(r, 0), rows->Int(r, 1), rows->Text(r, 2)});
    }
    return out;
  }

  Status InsertTeamMember(WorkTeamMemberRow& row) override {
    return pg::InTransaction(db_, [&]() -> Status {
      FUPIN_RETURN_IF_ERROR(pg::LockIds(sql_, "work_team_members"));
      // A role outside the CHECK fails the statement only (as in SQLite).
      return pg::Guarded(db_, [&]() -> Status {
        Params p;
        p.Int(row.village_code).Text(row.role).Text(row.name).Text(row.work_unit);
        p.Text(row.phone).Text(row.started_on);
        auto rows = sql_.Query(kInsertTeamMember, p);
        if (!rows.ok()) return rows.error();
        row.id = rows->Int(0, 0);
        return Status::Ok();
      });
    });
  }

  Status EndTeamMember(int64_t id, const std::string& ended_on) override {
    return sql_.Run(kEndTeamMember, Params().Text(ended_on).Int(id)).status();
  }

  Result<std::optional<WorkTeamMemberRow>> GetTeamMember(int64_t id) override {
    auto rows = sql_.Query(kTeamMember, Params().Int(id));
    if (!rows.ok()) return rows.error();
    std::optional<WorkTeamMemberRow> out;
    if (rows->size() > 0) out = ReadTeamMember(*rows, 0);
    return out;
  }

  Result<std::vector<WorkTeamMemberRow>> TeamMembers(int64_t village_code) override {
    auto rows = sql_.Query(kTeamMembers, Params().Int(village_code));
    if (!rows.ok()) return rows.error();
    std::vector<WorkTeamMemberRow> out;
    for (int r = 0; r < rows->size(); ++r) out.push_back(ReadTeamMember(*rows, r));
    return out;
  }

 private:
  Result<std::optional<HelperRow>> OneHelper(const std::string& sql, const Params& p) {
    auto rows = sql_.Query(sql, p);
    if (!rows.ok()) return rows.error();
    std::optional<HelperRow> out;
    if (rows->size() > 0) out = ReadHelper(*rows, 0);
    return out;
  }

  Result<std::vector<HelperAssignmentRow>> Assignments(const std::string& sql, const Params& p) {
    auto rows = sql_.Query(sql, p);
    if (!rows.ok()) return rows.error();
    std::vector<HelperAssignmentRow> out;
    for (int r = 0; r < rows->size(); ++r) out.push_back(ReadAssignment(*rows, r));
    return out;
  }

  Result<bool> Exists(const std::string& sql, const Params& p) {
    auto rows = sql_.Query(sql, p);
    if (!rows.ok()) return rows.error();
    return rows->Bool(0, 0);
  }

  pg::Connection& db_;
  pg::StatementCache sql_;
};

}  // namespace

std::unique_ptr<HelperStore> NewPgHelperStore(pg::Connection& db) {
  return std::make_unique<PgHelperStore>(db);
}

}  // namespace fupin
