// Reads over many households, as sqlite/sqlite_search.cc: the person scan of the
// cross-checks, ForEachHousehold, ScanHouseholds, the assessment's scan and the filtered,
// sorted, paged SearchHouseholds. Scans read through cursors in batches (ReadScope: one
// snapshot for both cursors of a merge), and the search's columnar view.
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "storage/postgres/pg_store_impl.h"
#include "storage/search_view.h"

namespace fupin::pg {
namespace {

const std::string kScanPersonsSql =
    "SELECT m.id_number, m.name, m.household_code, h.village_code, h.kind, "
    "h.poverty_status, m.school_status, m.health, m.resident_medical_insurance, "
    "m.employee_medical_insurance, m.dibao, m.tekun FROM members m JOIN households h "
    "ON h.county_code = m.county_code AND h.household_code = m.household_code "
    "WHERE m.id_type = 1 AND (h.poverty_status IS NULL OR h.poverty_status <> 9)";
const std::string kAnyVillageGroupSql =
    "SELECT EXISTS (SELECT 1 FROM households WHERE village_code >= $1 AND village_code < $2 "
    "AND village_group IS NOT NULL)";
const std::string kMiddleSql =
    "SELECT county_code, household_code FROM households ORDER BY county_code, "
    "household_code LIMIT 1 OFFSET $1";
const std::string kReadPageSql = "SELECT " + std::string(kHouseholdColumns) +
                                 " FROM households WHERE county_code = $1 AND household_code = $2";
// person_index's key is (id_type, id_number): one seek per ID type present, the types
// found by skipping from one to the next.
const std::string kHouseholdsOfIdSql =
    "WITH RECURSIVE types(t) AS (SELECT min(id_type) FROM person_index UNION ALL "
    "SELECT (SELECT min(id_type) FROM person_index WHERE id_type > t) FROM types "
    "WHERE t IS NOT NULL) "
    "SELECT p.household_code FROM types, person_index p "
    "WHERE p.id_type = types.t AND p.id_number = $1 ORDER BY p.id_type";
const std::string kAssignedSql =
    "SELECT county_code, household_code FROM helper_assignments WHERE username = $1";
const std::string kHeadNameSql =
    "SELECT name FROM members WHERE county_code = $1 AND household_code = $2 AND "
    "relation = $3 ORDER BY seq LIMIT 1";
const std::string kVillageNameSql = "SELECT name FROM regions WHERE code = $1";

// The counties a region's households are filed under.
std::pair<int64_t, int64_t> Counties(RegionCode region) {
  if (region.level() >= RegionLevel::kCounty) {
    const int64_t county = region.county().value();
    return {county, county + 1};
  }
  return {region.subtree_lo(), region.subtree_hi()};
}

std::string Int(int64_t value) { return std::to_string(value); }

// The rows of one household in a merge of households and members in key order.
bool Before(int64_t county, std::string_view code, int64_t than_county, std::string_view than) {
  return county < than_county || (county == than_county && code < than);
}

}  // namespace

Status PgStore::ScanPersons(const std::function<void(const PersonRow&)>& fn) {
  FUPIN_RETURN_IF_ERROR(FlushWrites());
  ReadScope scope(*this);
  FUPIN_RETURN_IF_ERROR(scope.Enter());
  Cursor c(*db_, NextCursorName());
  FUPIN_RETURN_IF_ERROR(c.Open(kScanPersonsSql));
  PersonRow p;
  for (;;) {
    auto more = c.Next();
    if (!more.ok()) return more.error();
    if (!*more) break;
    const Rows& s = c.rows();
    const int r = c.row();
    p.id_number = s.TextView(r, 0);
    p.name = s.TextView(r, 1);
    p.household_code = s.TextView(r, 2);
    p.village_code = s.Int(r, 3);
    p.kind = static_cast<int>(s.Int(r, 4));
    p.poverty_status = s.IsNull(r, 5) ? kNone : static_cast<int>(s.Int(r, 5));
    p.school_status = static_cast<int>(s.Int(r, 6));
    p.health = CodeSet::FromBits(static_cast<uint64_t>(s.Int(r, 7)));
    p.resident_medical_insurance = s.Bool(r, 8);
    p.employee_medical_insurance = s.Bool(r, 9);
    p.dibao = s.Bool(r, 10);
    p.tekun = s.Bool(r, 11);
    fn(p);
  }
  return Status::Ok();
}

Status PgStore::ForEachHousehold(RegionCode region,
                                 const std::function<Status(const Household&)>& fn) {
  FUPIN_RETURN_IF_ERROR(FlushWrites());
  ReadScope scope(*this);
  FUPIN_RETURN_IF_ERROR(scope.Enter());
  // Households and members are read by two cursors in the same key order and merged.
  const auto [county_lo, county_hi] = Counties(region);
  Cursor hs(*db_, NextCursorName());
  FUPIN_RETURN_IF_ERROR(hs.Open(
      "SELECT " + std::string(kHouseholdColumns) +
      " FROM households WHERE county_code >= " + Int(county_lo) + " AND county_code < " +
      Int(county_hi) + " AND village_code >= " + Int(region.subtree_lo()) + " AND village_code < " +
      Int(region.subtree_hi()) + " ORDER BY county_code, household_code"));
  Cursor ms(*db_, NextCursorName());
  FUPIN_RETURN_IF_ERROR(ms.Open("SELECT " + std::string(kMemberColumns) +
                                " FROM members WHERE county_code >= " + Int(county_lo) +
                                " AND county_code < " + Int(county_hi) +
                                " ORDER BY county_code, household_code, seq"));
  auto mrow = ms.Next();
  if (!mrow.ok()) return mrow.error();
  Household h;
  for (;;) {
    auto hrow = hs.Next();
    if (!hrow.ok()) return hrow.error();
    if (!*hrow) break;
    h.members.clear();
    ReadHousehold(hs.rows(), hs.row(), h, nullptr);
    const int64_t county = hs.rows().Int(hs.row(), 0);
    // Skip members of households outside the region, then take this household's.
    while (*mrow) {
      const int64_t mc = ms.rows().Int(ms.row(), 0);
      const std::string_view code = ms.rows().TextView(ms.row(), 1);
      if (Before(county, h.household_code, mc, code)) break;
      if (mc == county && code == h.household_code) {
        ReadMember(ms.rows(), ms.row(), h.members.emplace_back());
      }
      mrow = ms.Next();
      if (!mrow.ok()) return mrow.error();
    }
    FUPIN_RETURN_IF_ERROR(fn(h));
  }
  return Status::Ok();
}

Result<bool> PgStore::AnyVillageGroup(RegionCode region) {
  FUPIN_RETURN_IF_ERROR(FlushWrites());
  auto rows =
      db_->Query(kAnyVillageGroupSql, Params().Int(region.subtree_lo()).Int(region.subtree_hi()));
  if (!rows.ok()) return rows.error();
  return rows->Bool(0, 0);
}

Status PgStore::ScanHouseholds(RegionCode region, HouseholdPool pool,
                               const std::function<Status(Household&, int64_t)>& fn) {
  FUPIN_RETURN_IF_ERROR(FlushWrites());
  ReadScope scope(*this);
  FUPIN_RETURN_IF_ERROR(scope.Enter());
  const auto [county_lo, county_hi] = Counties(region);
  std::string where;
  switch (pool) {
    case HouseholdPool::kAll:
      break;
    case HouseholdPool::kExitCandidates:
      where = " AND kind = 1 AND poverty_status IN (0, 3)";
      break;
    case HouseholdPool::kMonitoringPool:
      where = " AND ((kind = 1 AND poverty_status = 1) OR kind = 2) AND monitor_status != 1";
      break;
  }
  Cursor hs(*db_, NextCursorName());
  FUPIN_RETURN_IF_ERROR(hs.Open(
      "SELECT " + std::string(kHouseholdColumns) +
      " FROM households WHERE county_code >= " + Int(county_lo) + " AND county_code < " +
      Int(county_hi) + " AND village_code >= " + Int(region.subtree_lo()) + " AND village_code < " +
      Int(region.subtree_hi()) + where + " ORDER BY county_code, household_code"));
  Household h;
  for (;;) {
    auto row = hs.Next();
    if (!row.ok()) return row.error();
    if (!*row) break;
    h.members.clear();
    ReadHousehold(hs.rows(), hs.row(), h, nullptr);
    FUPIN_RETURN_IF_ERROR(fn(h, hs.rows().Int(hs.row(), 11)));
  }
  return Status::Ok();
}

Status PgStore::ScanForAssessment(const std::function<Status(const Household&)>& fn) {
  return ScanForAssessment(std::nullopt, std::nullopt, fn);
}

Result<std::optional<HouseholdKey>> PgStore::MiddleHousehold(int64_t at_least) {
  FUPIN_RETURN_IF_ERROR(FlushWrites());
  auto n = ScalarInt("SELECT count(*) FROM households");
  if (!n.ok()) return n.error();
  if (*n < at_least || *n < 2) return std::optional<HouseholdKey>();
  auto rows = db_->Query(kMiddleSql, Params().Int(*n / 2));
  if (!rows.ok()) return rows.error();
  if (!rows->size()) return std::optional<HouseholdKey>();
  return std::optional<HouseholdKey>(HouseholdKey{rows->Int(0, 0), rows->Text(0, 1)});
}

Status PgStore::ScanForAssessment(const std::optional<HouseholdKey>& from,
                                  const std::optional<HouseholdKey>& to,
                                  const std::function<Status(const Household&)>& fn) {
  FUPIN_RETURN_IF_ERROR(FlushWrites());
  ReadScope scope(*this);
  FUPIN_RETURN_IF_ERROR(scope.Enter());
  // Both tables in their primary-key order, merged, reading only the columns the rules
  // need; a part of the register is a range of both primary keys.
  std::string range;
  if (from) {
    range += " WHERE (county_code, household_code) >= (" + Int(from->county) + ", " +
             Literal(from->code) + ")";
  }
  if (to) {
    range += std::string(from ? " AND" : " WHERE") + " (county_code, household_code) < (" +
             Int(to->county) + ", " + Literal(to->code) + ")";
  }
  Cursor hs(*db_, NextCursorName());
  FUPIN_RETURN_IF_ERROR(hs.Open(
      "SELECT county_code, household_code, village_code, kind, poverty_status, wage_income, "
      "business_income, business_cost, property_income, transfer_income, "
      "medical_out_of_pocket, education_cost, disaster_loss, food_secure, clothing_secure, "
      "housing_grade, renovation, relocation, water_safe, monitor_status FROM households" +
      range + " ORDER BY county_code, household_code"));
  Cursor ms(*db_, NextCursorName());
  FUPIN_RETURN_IF_ERROR(
      ms.Open("SELECT county_code, household_code, name, birth_date, school_status, "
              "resident_medical_insurance, employee_medical_insurance FROM members" +
              range + " ORDER BY county_code, household_code, seq"));
  auto mrow = ms.Next();
  if (!mrow.ok()) return mrow.error();
  Household h;
  for (;;) {
    auto hrow = hs.Next();
    if (!hrow.ok()) return hrow.error();
    if (!*hrow) break;
    const Rows& s = hs.rows();
    const int r = hs.row();
    const int64_t county = s.Int(r, 0);
    h.household_code.assign(s.TextView(r, 1));
    h.village_code = RegionCode::FromInt(s.Int(r, 2));
    h.kind = static_cast<int>(s.Int(r, 3));
    h.poverty_status = s.IsNull(r, 4) ? kNone : static_cast<int>(s.Int(r, 4));
    h.wage_income = Money::FromFen(s.Int(r, 5));
    h.business_income = Money::FromFen(s.Int(r, 6));
    h.business_cost = Money::FromFen(s.Int(r, 7));
    h.property_income = Money::FromFen(s.Int(r, 8));
    h.transfer_income = Money::FromFen(s.Int(r, 9));
    h.medical_out_of_pocket = Money::FromFen(s.Int(r, 10));
    h.education_cost = Money::FromFen(s.Int(r, 11));
    h.disaster_loss = Money::FromFen(s.Int(r, 12));
    h.food_secure = s.Bool(r, 13);
    h.clothing_secure = s.Bool(r, 14);
    h.housing_grade = static_cast<int>(s.Int(r, 15));
    h.renovation = static_cast<int>(s.Int(r, 16));
    h.relocation = static_cast<int>(s.Int(r, 17));
    h.water_safe = s.Bool(r, 18);
    h.monitor_status = static_cast<int>(s.Int(r, 19));
    size_t n = 0;
    // Skip members without a household (none are written), then take this household's.
    while (*mrow) {
      const Rows& m = ms.rows();
      const int mr = ms.row();
      const int64_t mc = m.Int(mr, 0);
      const std::string_view code = m.TextView(mr, 1);
      if (Before(county, h.household_code, mc, code)) break;
      if (mc == county && code == h.household_code) {
        if (n == h.members.size()) h.members.emplace_back();
        Member& x = h.members[n++];
        x.name.assign(m.TextView(mr, 2));
        if (m.IsNull(mr, 3)) {
          x.birth_date.reset();
        } else {
          auto date = Date::Parse(m.TextView(mr, 3));
          x.birth_date = date.ok() ? std::optional<Date>(*date) : std::nullopt;
        }
        x.school_status = static_cast<int>(m.Int(mr, 4));
        x.resident_medical_insurance = m.Bool(mr, 5);
        x.employee_medical_insurance = m.Bool(mr, 6);
      }
      mrow = ms.Next();
      if (!mrow.ok()) return mrow.error();
    }
    h.members.resize(n);
    FUPIN_RETURN_IF_ERROR(fn(h));
  }
  return Status::Ok();
}

Result<HouseholdPage> PgStore::SearchHouseholds(const HouseholdQuery& q) {
  FUPIN_RETURN_IF_ERROR(FlushWrites());
  // Per-capita net income as IncomeFigures::PerCapita computes it (net ÷ members,
  // rounded half away from zero, in fen; bigint division truncates as SQLite's).
  static constexpr std::string_view kNet =
      "(wage_income + business_income - business_cost + property_income + transfer_income)";
  const std::string net(kNet);
  const std::string per_capita = "(CASE WHEN member_count <= 0 THEN 0 WHEN " + net +
                                 " >= 0 THEN (2 * " + net +
                                 " + member_count) / (2 * member_count) ELSE -((2 * -" + net +
                                 " + member_count) / (2 * member_count)) END)";
  const int64_t county_lo = q.region.counties_lo(), county_hi = q.region.counties_hi();
  Params params;
  int next = 0;
  auto param = [&] { return "$" + std::to_string(++next); };
  std::string where;
  if (county_hi == county_lo + 1) {
    where = " WHERE county_code = " + param();
    params.Int(county_lo);
  } else {
    where = " WHERE county_code >= " + param();
    where += " AND county_code < " + param();
    params.Int(county_lo).Int(county_hi);
  }
  if (q.region.level() > RegionLevel::kCounty) {
    where += " AND village_code >= " + param();
    where += " AND village_code < " + param();
    params.Int(q.region.subtree_lo()).Int(q.region.subtree_hi());
  }
  auto equals = [&](const char* column, const std::optional<int>& value) {
    if (!value) return;
    where += std::string(" AND ") + column + " = " + param();
    params.Int(*value);
  };
  equals("kind", q.kind);
  equals("poverty_status", q.poverty_status);
  equals("attribute", q.attribute);
  equals("main_cause", q.main_cause);
  equals("monitor_type", q.monitor_type);
  equals("monitor_status", q.monitor_status);
  if (q.income_min) {
    where += " AND " + per_capita + " >= " + param();
    params.Int(q.income_min->fen());
  }
  if (q.income_max) {
    where += " AND " + per_capita + " <= " + param();
    params.Int(q.income_max->fen());
  }
  if (!q.name.empty()) {
    // The pattern characters escaped: a name is matched as text, never as a pattern;
    // ILIKE as SQLite's LIKE, which ignores the case of ASCII letters.
    std::string pattern = "%";
    for (char c : q.name) {
      if (c == '%' || c == '_' || c == '\\') pattern += '\\';
      pattern += c;
    }
    pattern += "%";
    where +=
        " AND EXISTS (SELECT 1 FROM members m WHERE m.county_code = households.county_code "
        "AND m.household_code = households.household_code AND m.name ILIKE " +
        param() + " ESCAPE '\\')";
    params.Text(pattern);
  }
  if (!q.id_number.empty()) {
    where += " AND household_code IN (SELECT household_code FROM person_index WHERE id_number = " +
             param() + ")";
    params.Text(q.id_number);
  }
  if (!q.assigned_to.empty()) {
    where +=
        " AND EXISTS (SELECT 1 FROM helper_assignments a WHERE a.county_code = "
        "households.county_code AND a.household_code = households.household_code AND "
        "a.username = " +
        param() + ")";
    params.Text(q.assigned_to);
  }
  HouseholdPage page;
  if (q.count) {
    auto counted = ScalarInt("SELECT count(*) FROM households" + where, params);
    if (!counted.ok()) return counted.error();
    page.total = *counted;
  }
  std::vector<std::string> keys;
  switch (q.sort) {
    case HouseholdQuery::Sort::kCode:
      keys = {"county_code", "household_code"};
      break;
    case HouseholdQuery::Sort::kVillage:
      keys = {"village_code", "household_code"};
      break;
    case HouseholdQuery::Sort::kIncome:
      keys = {per_capita, "household_code"};
      break;
    case HouseholdQuery::Sort::kSize:
      keys = {"member_count", "household_code"};
      break;
  }
  std::string order;
  for (const auto& key : keys) {
    order += (order.empty() ? "" : ", ") + key + (q.descending ? " DESC" : "");
  }
  std::string sql = "SELECT " + std::string(kHouseholdColumns) + " FROM households" + where +
                    " ORDER BY " + order + " LIMIT " + param();
  sql += " OFFSET " + param();
  params.Int(q.limit).Int(q.offset);
  auto rows = db_->Query(sql, params);
  if (!rows.ok()) return rows.error();
  for (int r = 0; r < rows->size(); ++r) {
    StoredHousehold item;
    ReadHousehold(*rows, r, item.household, &item.version);
    page.items.push_back(std::move(item));
    page.member_counts.push_back(rows->Int(r, 11));
  }
  FUPIN_RETURN_IF_ERROR(NameHeadsAndVillages(page));
  return page;
}

Result<std::shared_ptr<const SearchView>> PgStore::LoadSearchView() {
  // This connection's own pending writes would not be in the view.
  if (in_transaction_) return std::shared_ptr<const SearchView>();
  // One read transaction: the stamp and the rows of the same snapshot.
  ReadScope scope(*this);
  FUPIN_RETURN_IF_ERROR(scope.Enter());
  auto stamp = RegisterStamp();
  if (!stamp.ok()) return stamp.error();
  SearchView::Builder view(*stamp);
  Cursor hs(*db_, NextCursorName());
  FUPIN_RETURN_IF_ERROR(hs.Open(
      "SELECT county_code, household_code, village_code, kind, poverty_status, attribute, "
      "main_cause, monitor_type, monitor_status, member_count, wage_income + business_income - "
      "business_cost + property_income + transfer_income FROM households "
      "ORDER BY county_code, household_code"));
  Cursor ms(*db_, NextCursorName());
  FUPIN_RETURN_IF_ERROR(
      ms.Open("SELECT county_code, household_code, name FROM members "
              "ORDER BY county_code, household_code, seq"));
  auto mrow = ms.Next();
  if (!mrow.ok()) return mrow.error();
  auto optional_code = [](const Rows& s, int r, int c) -> std::optional<int> {
    if (s.IsNull(r, c)) return std::nullopt;
    return static_cast<int>(s.Int(r, c));
  };
  for (;;) {
    auto hrow = hs.Next();
    if (!hrow.ok()) return hrow.error();
    if (!*hrow) break;
    const Rows& s = hs.rows();
    const int r = hs.row();
    const int64_t county = s.Int(r, 0);
    const std::string_view code = s.TextView(r, 1);
    view.AddHousehold(county, code, s.Int(r, 2), static_cast<int>(s.Int(r, 3)),
                      optional_code(s, r, 4), static_cast<int>(s.Int(r, 5)), optional_code(s, r, 6),
                      static_cast<int>(s.Int(r, 7)), static_cast<int>(s.Int(r, 8)), s.Int(r, 9),
                      s.Int(r, 10));
    // Members of no household are skipped; this household's names are taken.
    while (*mrow) {
      const int64_t mc = ms.rows().Int(ms.row(), 0);
      const std::string_view mcode = ms.rows().TextView(ms.row(), 1);
      if (Before(county, code, mc, mcode)) break;
      if (mc == county && mcode == code) view.AddMemberName(ms.rows().TextView(ms.row(), 2));
      mrow = ms.Next();
      if (!mrow.ok()) return mrow.error();
    }
  }
  return std::move(view).Finish();
}

Result<HouseholdPage> PgStore::ReadHouseholdPage(const std::vector<HouseholdKey>& keys) {
  FUPIN_RETURN_IF_ERROR(FlushWrites());
  auto* s = Cached(read_page_, kReadPageSql);
  if (!s) return last_error_;
  HouseholdPage page;
  for (const HouseholdKey& key : keys) {
    auto rows = s->Query(Params().Int(key.county).Text(key.code));
    if (!rows.ok()) return rows.error();
    if (!rows->size()) continue;
    StoredHousehold item;
    ReadHousehold(*rows, 0, item.household, &item.version);
    page.items.push_back(std::move(item));
    page.member_counts.push_back(rows->Int(0, 11));
  }
  FUPIN_RETURN_IF_ERROR(NameHeadsAndVillages(page));
  return page;
}

Result<std::vector<std::string>> PgStore::HouseholdsOfIdNumber(const std::string& id_number) {
  FUPIN_RETURN_IF_ERROR(FlushWrites());
  auto rows = db_->Query(kHouseholdsOfIdSql, Params().Text(id_number));
  if (!rows.ok()) return rows.error();
  std::vector<std::string> out;
  for (int r = 0; r < rows->size(); ++r) out.push_back(rows->Text(r, 0));
  return out;
}

Result<std::vector<HouseholdKey>> PgStore::AssignedHouseholdKeys(const std::string& username) {
  auto rows = db_->Query(kAssignedSql, Params().Text(username));
  if (!rows.ok()) return rows.error();
  std::vector<HouseholdKey> out;
  for (int r = 0; r < rows->size(); ++r) out.push_back({rows->Int(r, 0), rows->Text(r, 1)});
  return out;
}

// What a clerk knows a household by: the 户主's name (the first member whose relation is
// 户主) and the village's name, looked up for the page only.
Status PgStore::NameHeadsAndVillages(HouseholdPage& page) {
  auto* head = Cached(head_name_, kHeadNameSql);
  auto* village = Cached(village_name_, kVillageNameSql);
  if (!head || !village) return last_error_;
  std::unordered_map<int64_t, std::string> villages;
  for (const StoredHousehold& item : page.items) {
    const Household& h = item.household;
    auto found = head->Query(
        Params().Int(h.village_code.county().value()).Text(h.household_code).Int(code::kHead));
    if (!found.ok()) return found.error();
    page.head_names.push_back(found->size() ? found->Text(0, 0) : std::string());
    auto [it, fresh] = villages.try_emplace(h.village_code.value());
    if (fresh) {
      auto name = village->Query(Params().Int(h.village_code.value()));
      if (!name.ok()) return name.error();
      if (name->size()) it->second = name->Text(0, 0);
    }
    page.village_names.push_back(it->second);
  }
  return Status::Ok();
}

}  // namespace fupin::pg
