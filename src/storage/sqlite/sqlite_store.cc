#include "storage/sqlite/sqlite_store.h"

#include <sqlite3.h>

#include <cassert>

#include "storage/sqlite/schema.h"

namespace fupin {
namespace {

using sqlite::Database;
using sqlite::Statement;

constexpr std::string_view kHouseholdColumns =
    "county_code, household_code, village_code, kind, poverty_status, registered_year, "
    "exit_year, attribute, main_cause, other_causes, declared_size, member_count, wage_income, "
    "business_income, business_cost, property_income, transfer_income, medical_out_of_pocket, "
    "education_cost, disaster_loss, food_secure, clothing_secure, housing_grade, renovation, "
    "relocation, water_safe, monitor_type, monitor_status, monitor_since, risk_types, phone, "
    "version, batch_id";
constexpr int kHouseholdColumnCount = 33;

constexpr std::string_view kMemberColumns =
    "county_code, household_code, seq, name, id_type, id_number, relation, sex, birth_date, "
    "ethnicity, education, school_status, health, disability_grade, labor, months_worked, "
    "resident_medical_insurance, employee_medical_insurance, pension_insurance, dibao, tekun";
constexpr int kMemberColumnCount = 21;

std::string Placeholders(int n) {
  std::string s;
  for (int i = 0; i < n; ++i) s += i ? ",?" : "?";
  return s;
}

void BindOptional(Statement& s, int index, int value) {
  if (value == kNone) {
    s.BindNull(index);
  } else {
    s.Bind(index, value);
  }
}
int OptionalInt(const Statement& s, int column) {
  return s.IsNull(column) ? kNone : static_cast<int>(s.Int(column));
}
std::optional<Date> OptionalDate(const Statement& s, int column) {
  if (s.IsNull(column)) return std::nullopt;
  auto date = Date::Parse(s.TextView(column));
  if (!date.ok()) return std::nullopt;
  return *date;
}

// Reads a households row (columns in kHouseholdColumns order) into `h`.
void ReadHousehold(const Statement& s, Household& h, int64_t* version) {
  h.household_code = s.Text(1);
  h.village_code = RegionCode::FromInt(s.Int(2));
  h.kind = static_cast<int>(s.Int(3));
  h.poverty_status = OptionalInt(s, 4);
  h.registered_year = s.IsNull(5) ? 0 : static_cast<int>(s.Int(5));
  h.exit_year = s.IsNull(6) ? 0 : static_cast<int>(s.Int(6));
  h.attribute = static_cast<int>(s.Int(7));
  h.main_cause = OptionalInt(s, 8);
  h.other_causes = CodeSet::FromBits(static_cast<uint64_t>(s.Int(9)));
  h.size = s.IsNull(10) ? 0 : static_cast<int>(s.Int(10));
  h.wage_income = Money::FromFen(s.Int(12));
  h.business_income = Money::FromFen(s.Int(13));
  h.business_cost = Money::FromFen(s.Int(14));
  h.property_income = Money::FromFen(s.Int(15));
  h.transfer_income = Money::FromFen(s.Int(16));
  h.medical_out_of_pocket = Money::FromFen(s.Int(17));
  h.education_cost = Money::FromFen(s.Int(18));
  h.disaster_loss = Money::FromFen(s.Int(19));
  h.food_secure = s.Int(20) != 0;
  h.clothing_secure = s.Int(21) != 0;
  h.housing_grade = static_cast<int>(s.Int(22));
  h.renovation = static_cast<int>(s.Int(23));
  h.relocation = static_cast<int>(s.Int(24));
  h.water_safe = s.Int(25) != 0;
  h.monitor_type = static_cast<int>(s.Int(26));
  h.monitor_status = static_cast<int>(s.Int(27));
  h.monitor_since = OptionalDate(s, 28);
  h.risk_types = CodeSet::FromBits(static_cast<uint64_t>(s.Int(29)));
  h.phone = s.Text(30);
  if (version) *version = s.Int(31);
}

// Reads a members row (columns in kMemberColumns order) into `m`.
void ReadMember(const Statement& s, Member& m) {
  m.name = s.Text(3);
  m.id_type = static_cast<int>(s.Int(4));
  m.id_number = s.Text(5);
  m.relation = static_cast<int>(s.Int(6));
  m.sex = OptionalInt(s, 7);
  m.birth_date = OptionalDate(s, 8);
  m.ethnicity = s.Text(9);
  m.education = OptionalInt(s, 10);
  m.school_status = static_cast<int>(s.Int(11));
  m.health = CodeSet::FromBits(static_cast<uint64_t>(s.Int(12)));
  m.disability_grade = OptionalInt(s, 13);
  m.labor = static_cast<int>(s.Int(14));
  m.months_worked = OptionalInt(s, 15);
  m.resident_medical_insurance = s.Int(16) != 0;
  m.employee_medical_insurance = s.Int(17) != 0;
  m.pension_insurance = s.Int(18) != 0;
  m.dibao = s.Int(19) != 0;
  m.tekun = s.Int(20) != 0;
}

Error NoSchema(const std::string& path) {
  return Error{"E_NO_SCHEMA", "数据库 " + path + " 尚未初始化或版本过旧。请先运行 fupin init",
               "the database " + path + " has no schema or an older one: run `fupin init` first"};
}

class SqliteStore final : public Store {
 public:
  explicit SqliteStore(Database db) : db_(std::move(db)) {}

  Status Configure() {
    // Reading the schema version is the first touch of the file: a file that is not a
    // database fails here.
    FUPIN_RETURN_IF_ERROR(db_.Exec(
        "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; "
        "PRAGMA cache_size=-65536; PRAGMA temp_store=MEMORY;"));
    return Status::Ok();
  }

  Result<int> SchemaVersion() {
    auto stmt = db_.Prepare("PRAGMA user_version");
    if (!stmt.ok()) return stmt.error();
    auto row = stmt->Step();
    if (!row.ok()) return row.error();
    return static_cast<int>(stmt->Int(0));
  }

  Result<int> Migrate() override {
    auto version = SchemaVersion();
    if (!version.ok()) return version.error();
    auto migrations = sqlite::Migrations();
    for (size_t i = *version; i < migrations.size(); ++i) {
      FUPIN_RETURN_IF_ERROR(db_.Exec("BEGIN IMMEDIATE"));
      Status s = db_.Exec(std::string(migrations[i]));
      if (s.ok()) s = db_.Exec("PRAGMA user_version = " + std::to_string(i + 1));
      if (!s.ok()) {
        (void)db_.Exec("ROLLBACK");
        return s.error();
      }
      FUPIN_RETURN_IF_ERROR(db_.Exec("COMMIT"));
    }
    return static_cast<int>(migrations.size());
  }

  Status Begin() override {
    assert(!in_transaction_);
    FUPIN_RETURN_IF_ERROR(db_.Exec("BEGIN IMMEDIATE"));
    in_transaction_ = true;
    return Status::Ok();
  }
  Status Commit() override {
    assert(in_transaction_);
    Status s = db_.Exec("COMMIT");
    if (!s.ok()) {
      Rollback();
      return s;
    }
    in_transaction_ = false;
    return Status::Ok();
  }
  void Rollback() override {
    if (in_transaction_) (void)db_.Exec("ROLLBACK");
    in_transaction_ = false;
  }

  Status UpsertRegions(const std::vector<RegionRow>& rows) override {
    assert(in_transaction_);
    auto* s = Cached(upsert_region_,
                     "INSERT INTO regions(code, name, level, parent, rural_population) "
                     "VALUES (?,?,?,?,?) ON CONFLICT(code) DO UPDATE SET name = excluded.name, "
                     "rural_population = COALESCE(excluded.rural_population, rural_population)");
    if (!s) return last_error_;
    for (const auto& r : rows) {
      s->Bind(1, r.code.value()).Bind(2, r.name).Bind(3, static_cast<int>(r.code.level()));
      s->Bind(4, r.code.parent().value());
      if (r.rural_population) {
        s->Bind(5, *r.rural_population);
      } else {
        s->BindNull(5);
      }
      FUPIN_RETURN_IF_ERROR(s->Run());
    }
    return Status::Ok();
  }

  Status SetRuralPopulation(RegionCode code, int64_t population) override {
    auto* s = Cached(set_population_, "UPDATE regions SET rural_population = ? WHERE code = ?");
    if (!s) return last_error_;
    s->Bind(1, population).Bind(2, code.value());
    FUPIN_RETURN_IF_ERROR(s->Run());
    if (sqlite3_changes(db_.handle()) == 0) {
      return Error{"E_REGION", "区划代码不存在：" + code.ToString(),
                   "unknown region code: " + code.ToString()};
    }
    return Status::Ok();
  }

  Result<std::optional<RegionRow>> GetRegion(RegionCode code) override {
    auto* s = Cached(get_region_, "SELECT code, name, rural_population FROM regions WHERE code = ?");
    if (!s) return last_error_;
    s->Bind(1, code.value());
    auto row = s->Step();
    if (!row.ok()) return row.error();
    std::optional<RegionRow> out;
    if (*row) out = ReadRegion(*s);
    s->Reset();
    return out;
  }

  Result<int64_t> CountRegions() override { return ScalarInt("SELECT count(*) FROM regions"); }

  Result<std::vector<RegionCode>> Villages(RegionCode region) override {
    auto stmt = db_.Prepare("SELECT code FROM regions WHERE code >= ? AND code < ? AND level = 5 "
                            "ORDER BY code");
    if (!stmt.ok()) return stmt.error();
    stmt->Bind(1, region.subtree_lo()).Bind(2, region.subtree_hi());
    std::vector<RegionCode> out;
    while (true) {
      auto row = stmt->Step();
      if (!row.ok()) return row.error();
      if (!*row) break;
      out.push_back(RegionCode::FromInt(stmt->Int(0)));
    }
    return out;
  }

  Result<std::vector<RegionRow>> Children(RegionCode region) override {
    auto stmt = db_.Prepare(
        "SELECT code, name, rural_population FROM regions WHERE parent = ? AND code != 0 "
        "ORDER BY code");
    if (!stmt.ok()) return stmt.error();
    stmt->Bind(1, region.value());
    std::vector<RegionRow> out;
    while (true) {
      auto row = stmt->Step();
      if (!row.ok()) return row.error();
      if (!*row) break;
      out.push_back(ReadRegion(*stmt));
    }
    return out;
  }

  Result<std::optional<StoredHousehold>> FindHousehold(const std::string& code) override {
    auto* s = Cached(find_household_, "SELECT " + std::string(kHouseholdColumns) +
                                          " FROM households WHERE household_code = ?");
    if (!s) return last_error_;
    s->Bind(1, code);
    auto row = s->Step();
    if (!row.ok()) return row.error();
    std::optional<StoredHousehold> out;
    if (*row) {
      out.emplace();
      ReadHousehold(*s, out->household, &out->version);
    }
    s->Reset();
    if (!out) return out;
    auto* m = Cached(find_members_, "SELECT " + std::string(kMemberColumns) +
                                        " FROM members WHERE county_code = ? AND "
                                        "household_code = ? ORDER BY seq");
    if (!m) return last_error_;
    m->Bind(1, out->household.village_code.county().value()).Bind(2, code);
    while (true) {
      auto mrow = m->Step();
      if (!mrow.ok()) return mrow.error();
      if (!*mrow) break;
      ReadMember(*m, out->household.members.emplace_back());
    }
    m->Reset();
    return out;
  }

  Result<std::optional<std::string>> FindPerson(int id_type, const std::string& id) override {
    auto* s = Cached(find_person_,
                     "SELECT household_code FROM person_index WHERE id_type = ? AND id_number = ?");
    if (!s) return last_error_;
    s->Bind(1, id_type).Bind(2, id);
    auto row = s->Step();
    if (!row.ok()) return row.error();
    std::optional<std::string> out;
    if (*row) out = s->Text(0);
    s->Reset();
    return out;
  }

  Result<bool> HasPersons() override {
    auto n = ScalarInt("SELECT EXISTS (SELECT 1 FROM person_index)");
    if (!n.ok()) return n.error();
    return *n != 0;
  }

  Status InsertHousehold(const Household& h, int64_t version,
                         const std::string& batch_id) override {
    assert(in_transaction_);
    auto* s = Cached(insert_household_, "INSERT INTO households(" + std::string(kHouseholdColumns) +
                                            ") VALUES (" + Placeholders(kHouseholdColumnCount) +
                                            ")");
    auto* m = Cached(insert_member_, "INSERT INTO members(" + std::string(kMemberColumns) +
                                         ") VALUES (" + Placeholders(kMemberColumnCount) + ")");
    auto* p = Cached(insert_person_,
                     "INSERT INTO person_index(id_type, id_number, county_code, household_code) "
                     "VALUES (?,?,?,?)");
    if (!s || !m || !p) return last_error_;
    const int64_t county = h.village_code.county().value();
    s->Bind(1, county).Bind(2, h.household_code).Bind(3, h.village_code.value()).Bind(4, h.kind);
    BindOptional(*s, 5, h.poverty_status);
    BindOptional(*s, 6, h.registered_year ? h.registered_year : kNone);
    BindOptional(*s, 7, h.exit_year ? h.exit_year : kNone);
    s->Bind(8, h.attribute);
    BindOptional(*s, 9, h.main_cause);
    s->Bind(10, static_cast<int64_t>(h.other_causes.bits()));
    BindOptional(*s, 11, h.size ? h.size : kNone);
    s->Bind(12, static_cast<int64_t>(h.members.size()));
    s->Bind(13, h.wage_income.fen()).Bind(14, h.business_income.fen());
    s->Bind(15, h.business_cost.fen()).Bind(16, h.property_income.fen());
    s->Bind(17, h.transfer_income.fen()).Bind(18, h.medical_out_of_pocket.fen());
    s->Bind(19, h.education_cost.fen()).Bind(20, h.disaster_loss.fen());
    s->Bind(21, h.food_secure ? 1 : 0).Bind(22, h.clothing_secure ? 1 : 0);
    s->Bind(23, h.housing_grade).Bind(24, h.renovation).Bind(25, h.relocation);
    s->Bind(26, h.water_safe ? 1 : 0).Bind(27, h.monitor_type).Bind(28, h.monitor_status);
    if (h.monitor_since) {
      s->Bind(29, h.monitor_since->ToString());
    } else {
      s->BindNull(29);
    }
    s->Bind(30, static_cast<int64_t>(h.risk_types.bits()));
    if (h.phone.empty()) {
      s->BindNull(31);
    } else {
      s->Bind(31, h.phone);
    }
    s->Bind(32, version);
    if (batch_id.empty()) {
      s->BindNull(33);
    } else {
      s->Bind(33, batch_id);
    }
    FUPIN_RETURN_IF_ERROR(s->Run());

    int seq = 0;
    for (const auto& x : h.members) {
      m->Bind(1, county).Bind(2, h.household_code).Bind(3, ++seq).Bind(4, x.name);
      m->Bind(5, x.id_type).Bind(6, x.id_number).Bind(7, x.relation);
      BindOptional(*m, 8, x.sex);
      if (x.birth_date) {
        m->Bind(9, x.birth_date->ToString());
      } else {
        m->BindNull(9);
      }
      if (x.ethnicity.empty()) {
        m->BindNull(10);
      } else {
        m->Bind(10, x.ethnicity);
      }
      BindOptional(*m, 11, x.education);
      m->Bind(12, x.school_status).Bind(13, static_cast<int64_t>(x.health.bits()));
      BindOptional(*m, 14, x.disability_grade);
      m->Bind(15, x.labor);
      BindOptional(*m, 16, x.months_worked);
      m->Bind(17, x.resident_medical_insurance ? 1 : 0);
      m->Bind(18, x.employee_medical_insurance ? 1 : 0);
      m->Bind(19, x.pension_insurance ? 1 : 0).Bind(20, x.dibao ? 1 : 0).Bind(21, x.tekun ? 1 : 0);
      FUPIN_RETURN_IF_ERROR(m->Run());
      p->Bind(1, x.id_type).Bind(2, x.id_number).Bind(3, county).Bind(4, h.household_code);
      FUPIN_RETURN_IF_ERROR(p->Run());
    }
    return Status::Ok();
  }

  Status DeleteHousehold(RegionCode county, const std::string& code) override {
    assert(in_transaction_);
    auto* p = Cached(delete_persons_,
                     "DELETE FROM person_index WHERE (id_type, id_number) IN (SELECT id_type, "
                     "id_number FROM members WHERE county_code = ?1 AND household_code = ?2)");
    auto* m = Cached(delete_members_, "DELETE FROM members WHERE county_code = ? AND household_code = ?");
    auto* h = Cached(delete_household_,
                     "DELETE FROM households WHERE county_code = ? AND household_code = ?");
    if (!p || !m || !h) return last_error_;
    for (auto* s : {p, m, h}) {
      s->Bind(1, county.value()).Bind(2, code);
      FUPIN_RETURN_IF_ERROR(s->Run());
    }
    return Status::Ok();
  }

  Status AppendHistory(const std::vector<HistoryEntry>& entries) override {
    assert(in_transaction_);
    auto* s = Cached(insert_history_,
                     "INSERT INTO household_history(county_code, household_code, at, actor, source, "
                     "field, old_value, new_value) VALUES (?,?,?,?,?,?,?,?)");
    if (!s) return last_error_;
    for (const auto& e : entries) {
      s->Bind(1, e.county.value()).Bind(2, e.household_code).Bind(3, e.at).Bind(4, e.actor);
      s->Bind(5, e.source).Bind(6, e.field).Bind(7, e.old_value).Bind(8, e.new_value);
      FUPIN_RETURN_IF_ERROR(s->Run());
    }
    return Status::Ok();
  }

  Result<std::vector<HistoryEntry>> History(const std::string& household_code) override {
    auto stmt = db_.Prepare(
        "SELECT county_code, household_code, at, actor, source, field, old_value, new_value "
        "FROM household_history WHERE household_code = ? ORDER BY rowid");
    if (!stmt.ok()) return stmt.error();
    stmt->Bind(1, household_code);
    std::vector<HistoryEntry> out;
    while (true) {
      auto row = stmt->Step();
      if (!row.ok()) return row.error();
      if (!*row) break;
      out.push_back({stmt->Text(1), RegionCode::FromInt(stmt->Int(0)), stmt->Text(2),
                     stmt->Text(3), stmt->Text(4), stmt->Text(5), stmt->Text(6), stmt->Text(7)});
    }
    return out;
  }

  Status ForEachHousehold(RegionCode region,
                          const std::function<Status(const Household&)>& fn) override {
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
    hs->Bind(1, county_lo).Bind(2, county_hi).Bind(3, region.subtree_lo()).Bind(4, region.subtree_hi());
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

  Status ScanHouseholds(RegionCode region, HouseholdPool pool,
                        const std::function<Status(Household&, int64_t)>& fn) override {
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
                          "village_code >= ?3 AND village_code < ?4" + where +
                          " ORDER BY county_code, household_code");
    if (!hs.ok()) return hs.error();
    hs->Bind(1, county_lo).Bind(2, county_hi).Bind(3, region.subtree_lo()).Bind(4, region.subtree_hi());
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

  Status LoadMembers(Household& h) override {
    auto* m = Cached(find_members_, "SELECT " + std::string(kMemberColumns) +
                                        " FROM members WHERE county_code = ? AND "
                                        "household_code = ? ORDER BY seq");
    if (!m) return last_error_;
    h.members.clear();
    m->Bind(1, h.village_code.county().value()).Bind(2, h.household_code);
    while (true) {
      auto row = m->Step();
      if (!row.ok()) {
        m->Reset();
        return row.error();
      }
      if (!*row) break;
      ReadMember(*m, h.members.emplace_back());
    }
    m->Reset();
    return Status::Ok();
  }

  Result<std::vector<RegionRow>> RegionsUnder(RegionCode region) override {
    auto stmt = db_.Prepare(
        "SELECT code, name, rural_population FROM regions WHERE code >= ? AND code < ? "
        "ORDER BY code");
    if (!stmt.ok()) return stmt.error();
    stmt->Bind(1, region.subtree_lo()).Bind(2, region.subtree_hi());
    std::vector<RegionRow> out;
    while (true) {
      auto row = stmt->Step();
      if (!row.ok()) return row.error();
      if (!*row) break;
      out.push_back(ReadRegion(*stmt));
    }
    return out;
  }

  Status PutCountyAssessment(RegionCode county, int year, const CountyAssessment& a) override {
    assert(in_transaction_);
    auto stmt = db_.Prepare(
        "INSERT INTO county_assessments(county_code, year, wrong_exit_rate, missed_rate, "
        "satisfaction) VALUES (?,?,?,?,?) ON CONFLICT(county_code, year) DO UPDATE SET "
        "wrong_exit_rate = excluded.wrong_exit_rate, missed_rate = excluded.missed_rate, "
        "satisfaction = excluded.satisfaction");
    if (!stmt.ok()) return stmt.error();
    stmt->Bind(1, county.value()).Bind(2, year).Bind(3, a.wrong_exit_rate.micros);
    stmt->Bind(4, a.missed_rate.micros).Bind(5, a.satisfaction.micros);
    return stmt->Run();
  }

  Result<std::optional<CountyAssessment>> GetCountyAssessment(RegionCode county,
                                                              int year) override {
    auto stmt = db_.Prepare(
        "SELECT wrong_exit_rate, missed_rate, satisfaction FROM county_assessments "
        "WHERE county_code = ? AND year = ?");
    if (!stmt.ok()) return stmt.error();
    stmt->Bind(1, county.value()).Bind(2, year);
    auto row = stmt->Step();
    if (!row.ok()) return row.error();
    std::optional<CountyAssessment> out;
    if (*row) out = CountyAssessment{Ratio{stmt->Int(0)}, Ratio{stmt->Int(1)}, Ratio{stmt->Int(2)}};
    return out;
  }

  Result<std::map<int64_t, int64_t>> AggregateUnder(RegionCode region,
                                                    const std::string& metric) override {
    auto stmt = db_.Prepare(
        "SELECT region_code, value FROM region_aggregates WHERE region_code >= ? AND "
        "region_code < ? AND metric = ?");
    if (!stmt.ok()) return stmt.error();
    stmt->Bind(1, region.subtree_lo()).Bind(2, region.subtree_hi()).Bind(3, metric);
    std::map<int64_t, int64_t> out;
    while (true) {
      auto row = stmt->Step();
      if (!row.ok()) return row.error();
      if (!*row) break;
      out[stmt->Int(0)] = stmt->Int(1);
    }
    return out;
  }

  Status ApplyAggregateDeltas(const AggregateDeltas& deltas) override {
    assert(in_transaction_);
    auto* s = Cached(apply_delta_,
                     "INSERT INTO region_aggregates(region_code, metric, value) VALUES (?,?,?) "
                     "ON CONFLICT(region_code, metric) DO UPDATE SET value = value + excluded.value");
    if (!s) return last_error_;
    for (const auto& [key, delta] : deltas) {
      if (delta == 0) continue;
      s->Bind(1, key.first).Bind(2, key.second).Bind(3, delta);
      FUPIN_RETURN_IF_ERROR(s->Run());
    }
    return Status::Ok();
  }

  Result<std::map<std::string, int64_t>> Aggregates(RegionCode region) override {
    auto* s = Cached(aggregates_,
                     "SELECT metric, value FROM region_aggregates WHERE region_code = ?");
    if (!s) return last_error_;
    s->Bind(1, region.value());
    std::map<std::string, int64_t> out;
    while (true) {
      auto row = s->Step();
      if (!row.ok()) {
        s->Reset();
        return row.error();
      }
      if (!*row) break;
      out[s->Text(0)] = s->Int(1);
    }
    s->Reset();
    return out;
  }

  Status InsertImportBatch(const ImportBatchRow& b) override {
    auto stmt = db_.Prepare(
        "INSERT INTO import_batches(id, started_at, finished_at, actor, sources, "
        "households_created, households_updated, members, rejected) VALUES (?,?,?,?,?,?,?,?,?)");
    if (!stmt.ok()) return stmt.error();
    stmt->Bind(1, b.id).Bind(2, b.started_at).Bind(3, b.finished_at).Bind(4, b.actor);
    stmt->Bind(5, b.sources).Bind(6, b.households_created).Bind(7, b.households_updated);
    stmt->Bind(8, b.members).Bind(9, b.rejected);
    return stmt->Run();
  }

 private:
  static RegionRow ReadRegion(const Statement& s) {
    RegionRow r{RegionCode::FromInt(s.Int(0)), s.Text(1), std::nullopt};
    if (!s.IsNull(2)) r.rural_population = s.Int(2);
    return r;
  }

  Result<int64_t> ScalarInt(const std::string& sql) {
    auto stmt = db_.Prepare(sql);
    if (!stmt.ok()) return stmt.error();
    auto row = stmt->Step();
    if (!row.ok()) return row.error();
    return *row ? stmt->Int(0) : 0;
  }

  // Prepares `sql` into `slot` on first use; nullptr (with last_error_ set) on failure.
  Statement* Cached(std::unique_ptr<Statement>& slot, const std::string& sql) {
    if (!slot) {
      auto stmt = db_.Prepare(sql);
      if (!stmt.ok()) {
        last_error_ = stmt.error();
        return nullptr;
      }
      slot = std::make_unique<Statement>(std::move(stmt).value());
    }
    return slot.get();
  }

  Database db_;
  bool in_transaction_ = false;
  Error last_error_;
  std::unique_ptr<Statement> upsert_region_, set_population_, get_region_, find_household_,
      find_members_, find_person_, insert_household_, insert_member_, insert_person_,
      delete_persons_, delete_members_, delete_household_, insert_history_, apply_delta_,
      aggregates_;

 public:
  ~SqliteStore() override {
    Rollback();
    // Statements must be finalised before the connection closes.
    for (auto* slot : {&upsert_region_, &set_population_, &get_region_, &find_household_,
                       &find_members_, &find_person_, &insert_household_, &insert_member_,
                       &insert_person_, &delete_persons_, &delete_members_, &delete_household_,
                       &insert_history_, &apply_delta_, &aggregates_}) {
      slot->reset();
    }
  }
};

}  // namespace

Result<std::unique_ptr<Store>> OpenSqliteStore(const std::string& path, Store::OpenMode mode) {
  const bool create = mode == Store::OpenMode::kCreate;
  auto db = Database::Open(path, create);
  if (!db.ok()) return db.error();
  auto store = std::make_unique<SqliteStore>(std::move(db).value());
  if (Status s = store->Configure(); !s.ok()) return s.error();
  if (!create) {
    auto version = store->SchemaVersion();
    if (!version.ok()) return version.error();
    if (*version < static_cast<int>(sqlite::Migrations().size())) return NoSchema(path);
  }
  return std::unique_ptr<Store>(std::move(store));
}

Result<std::unique_ptr<Store>> Store::Open(const std::string& url, OpenMode mode) {
  std::string path = url;
  if (url.starts_with("sqlite:")) path = url.substr(7);
  if (url.starts_with("postgresql://") || url.starts_with("postgres://")) {
    return Error::Usage("暂不支持 PostgreSQL 数据库地址：请使用 sqlite:路径",
                        "PostgreSQL URLs are not supported yet: use sqlite:PATH");
  }
  if (path.empty()) {
    return Error::Usage("数据库路径为空", "the database path is empty");
  }
  return OpenSqliteStore(path, mode);
}

}  // namespace fupin
