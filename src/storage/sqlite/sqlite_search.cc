// Reads over many households: the person scan of the cross-checks, ForEachHousehold,
// ScanHouseholds and the filtered, sorted, paged SearchHouseholds.
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "storage/search_view.h"
#include "storage/sqlite/sqlite_store_impl.h"

namespace fupin::sqlite {

Status SqliteStore::ScanPersons(const std::function<void(const PersonRow&)>& fn) {
  FUPIN_RETURN_IF_ERROR(FlushWrites());
  auto stmt = db_.Prepare(
      "SELECT m.id_number, m.name, m.household_code, h.village_code, h.kind, "
      "h.poverty_status, m.school_status, m.health, m.resident_medical_insurance, "
      "m.employee_medical_insurance, m.dibao, m.tekun FROM members m JOIN households h "
      "ON h.county_code = m.county_code AND h.household_code = m.household_code "
      "WHERE m.id_type = 1 AND (h.poverty_status IS NULL OR h.poverty_status <> 9)");
  if (!stmt.ok()) return stmt.error();
  PersonRow p;
  while (true) {
    auto row = stmt->Step();
    if (!row.ok()) return row.error();
    if (!*row) break;
    p.id_number = stmt->TextView(0);
    p.name = stmt->TextView(1);
    p.household_code = stmt->TextView(2);
    p.village_code = stmt->Int(3);
    p.kind = static_cast<int>(stmt->Int(4));
    p.poverty_status = stmt->IsNull(5) ? kNone : static_cast<int>(stmt->Int(5));
    p.school_status = static_cast<int>(stmt->Int(6));
    p.health = CodeSet::FromBits(static_cast<uint64_t>(stmt->Int(7)));
    p.resident_medical_insurance = stmt->Int(8) != 0;
    p.employee_medical_insurance = stmt->Int(9) != 0;
    p.dibao = stmt->Int(10) != 0;
    p.tekun = stmt->Int(11) != 0;
    fn(p);
  }
  return Status::Ok();
}

Status SqliteStore::ForEachHousehold(RegionCode region,
                                     const std::function<Status(const Household&)>& fn) {
  FUPIN_RETURN_IF_ERROR(FlushWrites());
  // Households and members are read by two cursors in the same key order and merged.
  int64_t county_lo, county_hi;
  if (region.level() >= RegionLevel::kCounty) {
    county_lo = region.county().value();
    county_hi = county_lo + 1;
  } else {
    county_lo = region.subtree_lo();
    county_hi = region.subtree_hi();
  }
  auto hs = db_.Prepare("SELECT " + std::string(kHouseholdColumns) +
                        " FROM households WHERE county_code >= ?1 AND county_code < ?2 AND "
                        "village_code >= ?3 AND village_code < ?4 "
                        "ORDER BY county_code, household_code");
  if (!hs.ok()) return hs.error();
  auto ms = db_.Prepare("SELECT " + std::string(kMemberColumns) +
                        " FROM members WHERE county_code >= ?1 AND county_code < ?2 "
                        "ORDER BY county_code, household_code, seq");
  if (!ms.ok()) return ms.error();
  hs->Bind(1, county_lo)
      .Bind(2, county_hi)
      .Bind(3, region.subtree_lo())
      .Bind(4, region.subtree_hi());
  ms->Bind(1, county_lo).Bind(2, county_hi);
  auto mrow = ms->Step();
  if (!mrow.ok()) return mrow.error();
  Household h;
  while (true) {
    auto hrow = hs->Step();
    if (!hrow.ok()) return hrow.error();
    if (!*hrow) break;
    h.members.clear();
    ReadHousehold(*hs, h, nullptr);
    const int64_t county = hs->Int(0);
    // Skip members of households outside the region, then take this household's.
    while (*mrow) {
      int64_t mc = ms->Int(0);
      std::string_view code = ms->TextView(1);
      if (mc > county || (mc == county && code > std::string_view(h.household_code))) break;
      if (mc == county && code == h.household_code) ReadMember(*ms, h.members.emplace_back());
      mrow = ms->Step();
      if (!mrow.ok()) return mrow.error();
    }
    FUPIN_RETURN_IF_ERROR(fn(h));
  }
  return Status::Ok();
}

Result<bool> SqliteStore::AnyVillageGroup(RegionCode region) {
  FUPIN_RETURN_IF_ERROR(FlushWrites());
  auto s = db_.Prepare(
      "SELECT EXISTS (SELECT 1 FROM households WHERE village_code >= ?1 AND village_code < ?2 "
      "AND village_group IS NOT NULL)");
  if (!s.ok()) return s.error();
  s->Bind(1, region.subtree_lo()).Bind(2, region.subtree_hi());
  auto row = s->Step();
  if (!row.ok()) return row.error();
  return *row && s->Int(0) != 0;
}

Status SqliteStore::ScanHouseholds(RegionCode region, HouseholdPool pool,
                                   const std::function<Status(Household&, int64_t)>& fn) {
  FUPIN_RETURN_IF_ERROR(FlushWrites());
  int64_t county_lo, county_hi;
  if (region.level() >= RegionLevel::kCounty) {
    county_lo = region.county().value();
    county_hi = county_lo + 1;
  } else {
    county_lo = region.subtree_lo();
    county_hi = region.subtree_hi();
  }
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
  auto hs = db_.Prepare("SELECT " + std::string(kHouseholdColumns) +
                        " FROM households WHERE county_code >= ?1 AND county_code < ?2 AND "
                        "village_code >= ?3 AND village_code < ?4" +
                        where + " ORDER BY county_code, household_code");
  if (!hs.ok()) return hs.error();
  hs->Bind(1, county_lo)
      .Bind(2, county_hi)
      .Bind(3, region.subtree_lo())
      .Bind(4, region.subtree_hi());
  Household h;
  while (true) {
    auto row = hs->Step();
    if (!row.ok()) return row.error();
    if (!*row) break;
    h.members.clear();
    ReadHousehold(*hs, h, nullptr);
    FUPIN_RETURN_IF_ERROR(fn(h, hs->Int(11)));
  }
  return Status::Ok();
}

Result<HouseholdPage> SqliteStore::SearchHouseholds(const HouseholdQuery& q) {
  // Per-capita net income as IncomeFigures::PerCapita computes it (net ÷ members,
  // rounded half away from zero, in fen); sqlite_store_test checks they agree.
  static constexpr std::string_view kNet =
      "(wage_income + business_income - business_cost + property_income + transfer_income)";
  const std::string per_capita = "(CASE WHEN member_count <= 0 THEN 0 WHEN " + std::string(kNet) +
                                 " >= 0 THEN (2 * " + std::string(kNet) +
                                 " + member_count) / (2 * member_count) ELSE -((2 * -" +
                                 std::string(kNet) + " + member_count) / (2 * member_count)) END)";
  const int64_t county_lo = q.region.counties_lo(), county_hi = q.region.counties_hi();
  // One county is an equality, so the (county_code, …, household_code) indexes serve
  // both the filter and the order.
  const bool one_county = county_hi == county_lo + 1;
  const bool below_county = q.region.level() > RegionLevel::kCounty;
  std::string where =
      one_county ? " WHERE county_code = ?" : " WHERE county_code >= ? AND county_code < ?";
  if (below_county) where += " AND village_code >= ? AND village_code < ?";
  std::vector<std::function<void(Statement&, int&)>> binds;
  binds.push_back([&, one_county, below_county](Statement& s, int& i) {
    s.Bind(i++, county_lo);
    if (!one_county) s.Bind(i++, county_hi);
    if (below_county) {
      s.Bind(i++, q.region.subtree_lo());
      s.Bind(i++, q.region.subtree_hi());
    }
  });
  auto equals = [&](const char* column, const std::optional<int>& value) {
    if (!value) return;
    where += std::string(" AND ") + column + " = ?";
    binds.push_back([&value](Statement& s, int& i) { s.Bind(i++, *value); });
  };
  equals("kind", q.kind);
  equals("poverty_status", q.poverty_status);
  equals("attribute", q.attribute);
  equals("main_cause", q.main_cause);
  equals("monitor_type", q.monitor_type);
  equals("monitor_status", q.monitor_status);
  if (q.income_min) {
    where += " AND " + per_capita + " >= ?";
    binds.push_back([&](Statement& s, int& i) { s.Bind(i++, q.income_min->fen()); });
  }
  if (q.income_max) {
    where += " AND " + per_capita + " <= ?";
    binds.push_back([&](Statement& s, int& i) { s.Bind(i++, q.income_max->fen()); });
  }
  if (!q.name.empty()) {
    // LIKE with the pattern characters escaped: a name is matched as text, never as a pattern.
    std::string pattern = "%";
    for (char c : q.name) {
      if (c == '%' || c == '_' || c == '\\') pattern += '\\';
      pattern += c;
    }
    pattern += "%";
    where +=
        " AND EXISTS (SELECT 1 FROM members m WHERE m.county_code = households.county_code "
        "AND m.household_code = households.household_code AND m.name LIKE ? ESCAPE '\\')";
    binds.push_back([pattern](Statement& s, int& i) { s.Bind(i++, pattern); });
  }
  if (!q.id_number.empty()) {
    where +=
        " AND household_code IN (SELECT household_code FROM person_index WHERE "
        "id_number = ?)";
    binds.push_back([&](Statement& s, int& i) { s.Bind(i++, q.id_number); });
  }
  if (!q.assigned_to.empty()) {
    where +=
        " AND EXISTS (SELECT 1 FROM helper_assignments a WHERE a.county_code = "
        "households.county_code AND a.household_code = households.household_code AND "
        "a.username = ?)";
    binds.push_back([&](Statement& s, int& i) { s.Bind(i++, q.assigned_to); });
  }
  HouseholdPage page;
  if (q.count) {
    auto count = db_.Prepare("SELECT count(*) FROM households" + where);
    if (!count.ok()) return count.error();
    int i = 1;
    for (auto& b : binds) b(*count, i);
    auto counted = count->Step();
    if (!counted.ok()) return counted.error();
    page.total = count->Int(0);
  }
  std::string order;
  switch (q.sort) {
    case HouseholdQuery::Sort::kCode:
      order = "county_code, household_code";
      break;
    case HouseholdQuery::Sort::kVillage:
      order = "village_code, household_code";
      break;
    case HouseholdQuery::Sort::kIncome:
      order = per_capita + ", household_code";
      break;
    case HouseholdQuery::Sort::kSize:
      order = "member_count, household_code";
      break;
  }
  if (q.descending) {
    // Every key of the order descends.
    std::string desc;
    size_t start = 0;
    while (start <= order.size()) {
      size_t comma = order.find(", ", start);
      if (comma == std::string::npos) comma = order.size();
      desc += (desc.empty() ? "" : ", ") + order.substr(start, comma - start) + " DESC";
      start = comma + 2;
    }
    order = desc;
  }
  auto rows = db_.Prepare("SELECT " + std::string(kHouseholdColumns) + " FROM households" + where +
                          " ORDER BY " + order + " LIMIT ? OFFSET ?");
  if (!rows.ok()) return rows.error();
  int next = 1;
  for (auto& b : binds) b(*rows, next);
  rows->Bind(next, q.limit).Bind(next + 1, q.offset);
  while (true) {
    auto row = rows->Step();
    if (!row.ok()) return row.error();
    if (!*row) break;
    StoredHousehold item;
    ReadHousehold(*rows, item.household, &item.version);
    page.items.push_back(std::move(item));
    page.member_counts.push_back(rows->Int(11));
  }
  FUPIN_RETURN_IF_ERROR(NameHeadsAndVillages(page));
  return page;
}

Result<std::shared_ptr<const SearchView>> SqliteStore::LoadSearchView() {
  // This connection's own pending writes would not be in the view.
  if (in_transaction_) return std::shared_ptr<const SearchView>();
  // One read transaction: the stamp and the rows of the same snapshot.
  FUPIN_RETURN_IF_ERROR(db_.Exec("BEGIN"));
  struct EndRead {
    Database& db;
    ~EndRead() { (void)db.Exec("ROLLBACK"); }
  } end_read{db_};
  auto stamp = RegisterStamp();
  if (!stamp.ok()) return stamp.error();
  SearchView::Builder view(*stamp);
  auto hs = db_.Prepare(
      "SELECT county_code, household_code, village_code, kind, poverty_status, attribute, "
      "main_cause, monitor_type, monitor_status, member_count, wage_income + business_income - "
      "business_cost + property_income + transfer_income FROM households "
      "ORDER BY county_code, household_code");
  if (!hs.ok()) return hs.error();
  auto ms = db_.Prepare(
      "SELECT county_code, household_code, name FROM members "
      "ORDER BY county_code, household_code, seq");
  if (!ms.ok()) return ms.error();
  auto mrow = ms->Step();
  if (!mrow.ok()) return mrow.error();
  auto optional_code = [](const Statement& s, int column) -> std::optional<int> {
    if (s.IsNull(column)) return std::nullopt;
    return static_cast<int>(s.Int(column));
  };
  while (true) {
    auto hrow = hs->Step();
    if (!hrow.ok()) return hrow.error();
    if (!*hrow) break;
    const int64_t county = hs->Int(0);
    const std::string_view code = hs->TextView(1);
    view.AddHousehold(county, code, hs->Int(2), static_cast<int>(hs->Int(3)), optional_code(*hs, 4),
                      static_cast<int>(hs->Int(5)), optional_code(*hs, 6),
                      static_cast<int>(hs->Int(7)), static_cast<int>(hs->Int(8)), hs->Int(9),
                      hs->Int(10));
    // Members of no household are skipped; this household's names are taken.
    while (*mrow) {
      const int64_t mc = ms->Int(0);
      const std::string_view mcode = ms->TextView(1);
      if (mc > county || (mc == county && mcode > code)) break;
      if (mc == county && mcode == code) view.AddMemberName(ms->TextView(2));
      mrow = ms->Step();
      if (!mrow.ok()) return mrow.error();
    }
  }
  return std::move(view).Finish();
}

Result<HouseholdPage> SqliteStore::ReadHouseholdPage(const std::vector<HouseholdKey>& keys) {
  auto stmt = db_.Prepare("SELECT " + std::string(kHouseholdColumns) +
                          " FROM households WHERE county_code = ?1 AND household_code = ?2");
  if (!stmt.ok()) return stmt.error();
  HouseholdPage page;
  for (const HouseholdKey& key : keys) {
    stmt->Reset();
    stmt->Bind(1, key.county).Bind(2, key.code);
    auto row = stmt->Step();
    if (!row.ok()) return row.error();
    if (!*row) continue;
    StoredHousehold item;
    ReadHousehold(*stmt, item.household, &item.version);
    page.items.push_back(std::move(item));
    page.member_counts.push_back(stmt->Int(11));
  }
  FUPIN_RETURN_IF_ERROR(NameHeadsAndVillages(page));
  return page;
}

Result<std::vector<std::string>> SqliteStore::HouseholdsOfIdNumber(const std::string& id_number) {
  // person_index's key is (id_type, id_number): one seek per ID type present, the types
  // found by skipping from one to the next.
  auto stmt = db_.Prepare(
      "WITH RECURSIVE types(t) AS (SELECT min(id_type) FROM person_index UNION ALL "
      "SELECT (SELECT min(id_type) FROM person_index WHERE id_type > t) FROM types "
      "WHERE t IS NOT NULL) "
      "SELECT p.household_code FROM types, person_index p "
      "WHERE p.id_type = types.t AND p.id_number = ?1");
  if (!stmt.ok()) return stmt.error();
  stmt->Bind(1, id_number);
  std::vector<std::string> out;
  FUPIN_RETURN_IF_ERROR(stmt->ForEachRow([&](Statement& s) { out.push_back(s.Text(0)); }));
  return out;
}

Result<std::vector<HouseholdKey>> SqliteStore::AssignedHouseholdKeys(const std::string& username) {
  auto stmt =
      db_.Prepare("SELECT county_code, household_code FROM helper_assignments WHERE username = ?1");
  if (!stmt.ok()) return stmt.error();
  stmt->Bind(1, username);
  std::vector<HouseholdKey> out;
  FUPIN_RETURN_IF_ERROR(stmt->ForEachRow([&](Statement& s) {
    out.push_back({s.Int(0), s.Text(1)});
  }));
  return out;
}

// What a clerk knows a household by: the 户主's name (the first member whose relation is
// 户主) and the village's name, looked up for the page only — a few primary-key reads per
// row, whatever the size of the register.
Status SqliteStore::NameHeadsAndVillages(HouseholdPage& page) {
  auto head = db_.Prepare(
      "SELECT name FROM members WHERE county_code = ?1 AND household_code = ?2 AND "
      "relation = ?3 ORDER BY seq LIMIT 1");
  if (!head.ok()) return head.error();
  auto village = db_.Prepare("SELECT name FROM regions WHERE code = ?1");
  if (!village.ok()) return village.error();
  std::unordered_map<int64_t, std::string> villages;
  for (const StoredHousehold& item : page.items) {
    const Household& h = item.household;
    head->Reset();
    head->Bind(1, h.village_code.county().value()).Bind(2, h.household_code).Bind(3, code::kHead);
    auto row = head->Step();
    if (!row.ok()) return row.error();
    page.head_names.push_back(*row ? std::string(head->TextView(0)) : std::string());
    auto [it, fresh] = villages.try_emplace(h.village_code.value());
    if (fresh) {
      village->Reset();
      village->Bind(1, h.village_code.value());
      auto found = village->Step();
      if (!found.ok()) return found.error();
      if (*found) it->second = std::string(village->TextView(0));
    }
    page.village_names.push_back(it->second);
  }
  return Status::Ok();
}

}  // namespace fupin::sqlite
