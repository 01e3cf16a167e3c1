// Households, their members, the person index, history and import batches: reads by key
// and the writes of an import (batched; see sqlite_pending_writes.h).
#include <algorithm>
#include <cassert>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/id_number.h"
#include "storage/sqlite/sqlite_store.h"
#include "storage/sqlite/sqlite_store_impl.h"

namespace fupin::sqlite {

const std::string kFindHouseholdSql =
    "SELECT " + std::string(kHouseholdColumns) + " FROM households WHERE household_code = ?";
const std::string kFindMembersSql = "SELECT " + std::string(kMemberColumns) +
                                    " FROM members WHERE county_code = ? AND household_code = ? "
                                    "ORDER BY seq";
const std::string kFindPersonSql =
    "SELECT household_code FROM person_index WHERE id_type = ? AND id_number = ?";
const std::string kHouseholdExistsSql =
    "SELECT 1 FROM households WHERE county_code = ? AND household_code = ?";
const std::string kPersonExistsSql =
    "SELECT 1 FROM person_index WHERE id_type = ? AND id_number = ?";
const std::string kMemberIdsSql =
    "SELECT id_type, id_number FROM members WHERE county_code = ? AND household_code = ?";
const std::string kDeletePersonSql =
    "DELETE FROM person_index WHERE id_type = ? AND id_number = ? AND county_code = ? AND "
    "household_code = ?";
const std::string kDeleteMembersSql =
    "DELETE FROM members WHERE county_code = ? AND household_code = ?";
const std::string kDeleteHouseholdSql =
    "DELETE FROM households WHERE county_code = ? AND household_code = ?";
// UpdateHousehold: the columns in no secondary index, and those in one (written only when
// one of them changed, so that an unchanged index is not touched).
const std::string kUpdateHouseholdSql =
    "UPDATE households SET registered_year = ?1, exit_year = ?2, attribute = ?3, "
    "main_cause = ?4, other_causes = ?5, declared_size = ?6, member_count = ?7, "
    "wage_income = ?8, business_income = ?9, business_cost = ?10, property_income = ?11, "
    "transfer_income = ?12, medical_out_of_pocket = ?13, education_cost = ?14, "
    "disaster_loss = ?15, food_secure = ?16, clothing_secure = ?17, housing_grade = ?18, "
    "renovation = ?19, relocation = ?20, water_safe = ?21, monitor_type = ?22, "
    "monitor_since = ?23, risk_types = ?24, phone = ?25, version = ?26, batch_id = ?27, "
    "village_group = ?28 WHERE county_code = ?29 AND household_code = ?30";
const std::string kUpdateHouseholdIndexedSql =
    "UPDATE households SET village_code = ?1, kind = ?2, poverty_status = ?3, "
    "monitor_status = ?4 WHERE county_code = ?5 AND household_code = ?6";
const std::string kUpdateMemberSql =
    "UPDATE members SET name = ?1, id_type = ?2, id_number = ?3, relation = ?4, sex = ?5, "
    "birth_date = ?6, ethnicity = ?7, education = ?8, school_status = ?9, health = ?10, "
    "disability_grade = ?11, labor = ?12, months_worked = ?13, "
    "resident_medical_insurance = ?14, employee_medical_insurance = ?15, "
    "pension_insurance = ?16, dibao = ?17, tekun = ?18 "
    "WHERE county_code = ?19 AND household_code = ?20 AND seq = ?21";
const std::string kDeleteMembersAfterSql =
    "DELETE FROM members WHERE county_code = ? AND household_code = ? AND seq > ?";
const std::string kApplyDeltaSql =
    "INSERT INTO region_aggregates(region_code, metric, value) VALUES (?,?,?) "
    "ON CONFLICT(region_code, metric) DO UPDATE SET value = value + excluded.value";

std::vector<std::string> HouseholdUpdateStatements() {
  return {kFindHouseholdSql,
          kFindMembersSql,
          kFindPersonSql,
          kHouseholdExistsSql,
          kPersonExistsSql,
          kMemberIdsSql,
          kDeletePersonSql,
          kDeleteMembersSql,
          kDeleteHouseholdSql,
          kUpdateHouseholdSql,
          kUpdateHouseholdIndexedSql,
          kUpdateMemberSql,
          kDeleteMembersAfterSql,
          kApplyDeltaSql};
}

namespace {

// The error SQLite gives for a duplicate key, for duplicates found before SQLite sees them.
Error UniqueViolation(std::string_view columns) {
  const std::string detail = "UNIQUE constraint failed: " + std::string(columns);
  return Error::Conflict("数据库约束冲突（write）：" + detail,
                         "constraint violated (write): " + detail);
}

}  // namespace

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
  h.village_group = s.Text(33);
}

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

Result<std::optional<StoredHousehold>> SqliteStore::FindHousehold(const std::string& code) {
  FUPIN_RETURN_IF_ERROR(FlushWrites());
  auto* s = Cached(find_household_, sqlite::kFindHouseholdSql);
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
  auto* m = Cached(find_members_, sqlite::kFindMembersSql);
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

Result<std::optional<std::string>> SqliteStore::FindPerson(int id_type, const std::string& id) {
  FUPIN_RETURN_IF_ERROR(FlushWrites());
  auto* s = Cached(find_person_, sqlite::kFindPersonSql);
  if (!s) return last_error_;
  s->Bind(1, id_type).Bind(2, id);
  auto row = s->Step();
  if (!row.ok()) return row.error();
  std::optional<std::string> out;
  if (*row) out = s->Text(0);
  s->Reset();
  return out;
}

Result<bool> SqliteStore::HasPersons() {
  FUPIN_RETURN_IF_ERROR(FlushWrites());
  auto n = ScalarInt("SELECT EXISTS (SELECT 1 FROM person_index)");
  if (!n.ok()) return n.error();
  return *n != 0;
}

Status SqliteStore::LoadMembers(Household& h) {
  FUPIN_RETURN_IF_ERROR(FlushWrites());
  auto* m = Cached(find_members_, sqlite::kFindMembersSql);
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

Status SqliteStore::ScanForAssessment(const std::function<Status(const Household&)>& fn) {
  return ScanForAssessment(std::nullopt, std::nullopt, fn);
}

Result<std::optional<HouseholdKey>> SqliteStore::MiddleHousehold(int64_t at_least) {
  FUPIN_RETURN_IF_ERROR(FlushWrites());
  auto count = db_.Prepare("SELECT count(*) FROM households");
  if (!count.ok()) return count.error();
  auto row = count->Step();
  if (!row.ok()) return row.error();
  const int64_t n = *row ? count->Int(0) : 0;
  if (n < at_least || n < 2) return std::optional<HouseholdKey>();
  auto middle = db_.Prepare(
      "SELECT county_code, household_code FROM households ORDER BY county_code, "
      "household_code LIMIT 1 OFFSET ?");
  if (!middle.ok()) return middle.error();
  middle->Bind(1, static_cast<int64_t>(n / 2));
  row = middle->Step();
  if (!row.ok()) return row.error();
  if (!*row) return std::optional<HouseholdKey>();
  return std::optional<HouseholdKey>(
      HouseholdKey{middle->Int(0), std::string(middle->TextView(1))});
}

Status SqliteStore::ScanForAssessment(const std::optional<HouseholdKey>& from,
                                      const std::optional<HouseholdKey>& to,
                                      const std::function<Status(const Household&)>& fn) {
  FUPIN_RETURN_IF_ERROR(FlushWrites());
  // Both tables in their primary-key order, merged, reading only the columns the rules
  // need (a fraction of ForEachHousehold's decoding); a part of the register is a range
  // of both primary keys.
  std::string range;
  if (from) range += " WHERE (county_code, household_code) >= (?1, ?2)";
  if (to)
    range += std::string(from ? " AND" : " WHERE") + " (county_code, household_code) < (?3, ?4)";
  auto hs = db_.Prepare(
      "SELECT county_code, household_code, village_code, kind, poverty_status, wage_income, "
      "business_income, business_cost, property_income, transfer_income, "
      "medical_out_of_pocket, education_cost, disaster_loss, food_secure, clothing_secure, "
      "housing_grade, renovation, relocation, water_safe, monitor_status FROM households" +
      range + " ORDER BY county_code, household_code");
  if (!hs.ok()) return hs.error();
  auto ms = db_.Prepare(
      "SELECT county_code, household_code, name, birth_date, school_status, "
      "resident_medical_insurance, employee_medical_insurance FROM members" +
      range + " ORDER BY county_code, household_code, seq");
  if (!ms.ok()) return ms.error();
  for (auto* stmt : {&*hs, &*ms}) {
    if (from) {
      stmt->Bind(1, from->county);
      stmt->Bind(2, from->code);
    }
    if (to) {
      stmt->Bind(3, to->county);
      stmt->Bind(4, to->code);
    }
  }
  auto mrow = ms->Step();
  if (!mrow.ok()) return mrow.error();
  Household h;
  while (true) {
    auto hrow = hs->Step();
    if (!hrow.ok()) return hrow.error();
    if (!*hrow) break;
    const int64_t county = hs->Int(0);
    h.household_code.assign(hs->TextView(1));
    h.village_code = RegionCode::FromInt(hs->Int(2));
    h.kind = static_cast<int>(hs->Int(3));
    h.poverty_status = OptionalInt(*hs, 4);
    h.wage_income = Money::FromFen(hs->Int(5));
    h.business_income = Money::FromFen(hs->Int(6));
    h.business_cost = Money::FromFen(hs->Int(7));
    h.property_income = Money::FromFen(hs->Int(8));
    h.transfer_income = Money::FromFen(hs->Int(9));
    h.medical_out_of_pocket = Money::FromFen(hs->Int(10));
    h.education_cost = Money::FromFen(hs->Int(11));
    h.disaster_loss = Money::FromFen(hs->Int(12));
    h.food_secure = hs->Int(13) != 0;
    h.clothing_secure = hs->Int(14) != 0;
    h.housing_grade = static_cast<int>(hs->Int(15));
    h.renovation = static_cast<int>(hs->Int(16));
    h.relocation = static_cast<int>(hs->Int(17));
    h.water_safe = hs->Int(18) != 0;
    h.monitor_status = static_cast<int>(hs->Int(19));
    size_t n = 0;
    // Skip members without a household (none are written), then take this household's.
    while (*mrow) {
      const int64_t mc = ms->Int(0);
      const std::string_view code = ms->TextView(1);
      if (mc > county || (mc == county && code > std::string_view(h.household_code))) break;
      if (mc == county && code == h.household_code) {
        if (n == h.members.size()) h.members.emplace_back();
        Member& m = h.members[n++];
        m.name.assign(ms->TextView(2));
        m.birth_date = OptionalDate(*ms, 3);
        m.school_status = static_cast<int>(ms->Int(4));
        m.resident_medical_insurance = ms->Int(5) != 0;
        m.employee_medical_insurance = ms->Int(6) != 0;
      }
      mrow = ms->Step();
      if (!mrow.ok()) return mrow.error();
    }
    h.members.resize(n);
    FUPIN_RETURN_IF_ERROR(fn(h));
  }
  return Status::Ok();
}

Status SqliteStore::InsertHousehold(const Household& h, int64_t version,
                                    const std::string& batch_id) {
  assert(in_transaction_);
  register_changed_ = true;
  const int64_t county = h.village_code.county().value();
  // Rows wait in batches (and person_index rows until the commit), so clashing keys are
  // looked for here, before anything is written.
  const uint64_t household_key = HashText(county, h.household_code);
  household_keys_.Prefetch(household_key);
  person_keys_in_.clear();
  for (const auto& m : h.members) {
    PersonKey& key = person_keys_in_.emplace_back();
    if (m.id_type == code::kResidentId) key.packed = PackIdNumber(m.id_number);
    key.fingerprint = key.packed ? *key.packed : HashText(m.id_type, m.id_number);
    person_keys_.Prefetch(key.fingerprint);
  }
  FUPIN_RETURN_IF_ERROR(CheckNewHousehold(county, h.household_code, household_key));
  for (size_t i = 0; i < h.members.size(); ++i) {
    FUPIN_RETURN_IF_ERROR(CheckNewPerson(h.members, i, person_keys_in_[i].fingerprint));
  }

  auto& s = households_rows_;
  s.Int(county).Text(h.household_code).Int(h.village_code.value()).Int(h.kind);
  PutOptional(s, h.poverty_status);
  PutOptional(s, h.registered_year ? h.registered_year : kNone);
  PutOptional(s, h.exit_year ? h.exit_year : kNone);
  s.Int(h.attribute);
  PutOptional(s, h.main_cause);
  s.Int(static_cast<int64_t>(h.other_causes.bits()));
  PutOptional(s, h.size ? h.size : kNone);
  s.Int(static_cast<int64_t>(h.members.size()));
  s.Int(h.wage_income.fen()).Int(h.business_income.fen()).Int(h.business_cost.fen());
  s.Int(h.property_income.fen()).Int(h.transfer_income.fen());
  s.Int(h.medical_out_of_pocket.fen()).Int(h.education_cost.fen()).Int(h.disaster_loss.fen());
  s.Int(h.food_secure ? 1 : 0).Int(h.clothing_secure ? 1 : 0);
  s.Int(h.housing_grade).Int(h.renovation).Int(h.relocation);
  s.Int(h.water_safe ? 1 : 0).Int(h.monitor_type).Int(h.monitor_status);
  PutDate(s, h.monitor_since);
  s.Int(static_cast<int64_t>(h.risk_types.bits()));
  PutOptionalText(s, h.phone);
  s.Int(version);
  PutOptionalText(s, batch_id);
  PutOptionalText(s, h.village_group);
  FUPIN_RETURN_IF_ERROR(s.EndRow(db_));

  persons_.AddOwner(county, h.household_code);
  for (size_t i = 0; i < h.members.size(); ++i) {
    const Member& x = h.members[i];
    FUPIN_RETURN_IF_ERROR(AddMemberRow(county, h.household_code, static_cast<int>(i + 1), x));
    persons_.Add(x.id_type, x.id_number, person_keys_in_[i].packed);
  }
  return Status::Ok();
}

Status SqliteStore::UpdateHousehold(const StoredHousehold& stored, const Household& h,
                                    int64_t version, const std::string& batch_id) {
  assert(in_transaction_);
  assert(stored.household.household_code == h.household_code);
  const Household& old = stored.household;
  const RegionCode old_county = old.village_code.county();
  const int64_t county = h.village_code.county().value();
  if (old_county.value() != county) {
    // The key changes: the household moves to another county's rows.
    FUPIN_RETURN_IF_ERROR(DeleteHousehold(old_county, old.household_code));
    return InsertHousehold(h, version, batch_id);
  }
  register_changed_ = true;
  // Rows of this household still waiting in a batch (inserted in this transaction)
  // must reach the tables before they are updated.
  if (household_keys_.Contains(HashText(county, h.household_code))) {
    FUPIN_RETURN_IF_ERROR(FlushWrites());
  }
  const std::string& code = h.household_code;
  FUPIN_RETURN_IF_ERROR(RemovePersons(old, h));

  // ID numbers the household gains: checked as for a new household, then indexed.
  bool owner_added = false;
  for (size_t i = 0; i < h.members.size(); ++i) {
    const Member& x = h.members[i];
    if (HasId(old.members, x)) continue;
    std::optional<uint64_t> packed;
    if (x.id_type == code::kResidentId) packed = PackIdNumber(x.id_number);
    const uint64_t fingerprint = packed ? *packed : HashText(x.id_type, x.id_number);
    FUPIN_RETURN_IF_ERROR(CheckNewPerson(h.members, i, fingerprint));
    if (!owner_added) persons_.AddOwner(county, code);
    owner_added = true;
    persons_.Add(x.id_type, x.id_number, packed);
  }

  // The household row, in place.
  auto* u = Cached(update_household_, sqlite::kUpdateHouseholdSql);
  if (!u) return last_error_;
  int k = 0;
  BindOptional(*u, ++k, h.registered_year ? h.registered_year : kNone);
  BindOptional(*u, ++k, h.exit_year ? h.exit_year : kNone);
  u->Bind(++k, h.attribute);
  BindOptional(*u, ++k, h.main_cause);
  u->Bind(++k, static_cast<int64_t>(h.other_causes.bits()));
  BindOptional(*u, ++k, h.size ? h.size : kNone);
  u->Bind(++k, static_cast<int64_t>(h.members.size()));
  for (const Money& money :
       {h.wage_income, h.business_income, h.business_cost, h.property_income, h.transfer_income,
        h.medical_out_of_pocket, h.education_cost, h.disaster_loss}) {
    u->Bind(++k, money.fen());
  }
  // One Bind per statement: each `++k` in its own full expression.
  for (int64_t value : {int64_t{h.food_secure}, int64_t{h.clothing_secure},
                        int64_t{h.housing_grade}, int64_t{h.renovation}, int64_t{h.relocation},
                        int64_t{h.water_safe}, int64_t{h.monitor_type}}) {
    u->Bind(++k, value);
  }
  BindDate(*u, ++k, h.monitor_since);
  u->Bind(++k, static_cast<int64_t>(h.risk_types.bits()));
  BindOptionalText(*u, ++k, h.phone);
  u->Bind(++k, version);
  BindOptionalText(*u, ++k, batch_id);
  BindOptionalText(*u, ++k, h.village_group);
  u->Bind(++k, county);
  u->Bind(++k, code);
  FUPIN_RETURN_IF_ERROR(u->Run());
  if (h.village_code != old.village_code || h.kind != old.kind ||
      h.poverty_status != old.poverty_status || h.monitor_status != old.monitor_status) {
    auto* x = Cached(update_household_indexed_, sqlite::kUpdateHouseholdIndexedSql);
    if (!x) return last_error_;
    x->Bind(1, h.village_code.value()).Bind(2, h.kind);
    BindOptional(*x, 3, h.poverty_status);
    x->Bind(4, h.monitor_status).Bind(5, county).Bind(6, code);
    FUPIN_RETURN_IF_ERROR(x->Run());
  }

  // Members by position: changed rows updated, the rest added or removed at the end.
  const size_t common = std::min(old.members.size(), h.members.size());
  for (size_t i = 0; i < common; ++i) {
    if (old.members[i] == h.members[i]) continue;
    auto* m = Cached(update_member_, sqlite::kUpdateMemberSql);
    if (!m) return last_error_;
    const Member& x = h.members[i];
    m->Bind(1, x.name).Bind(2, x.id_type).Bind(3, x.id_number).Bind(4, x.relation);
    BindOptional(*m, 5, x.sex);
    BindDate(*m, 6, x.birth_date);
    BindOptionalText(*m, 7, x.ethnicity);
    BindOptional(*m, 8, x.education);
    m->Bind(9, x.school_status).Bind(10, static_cast<int64_t>(x.health.bits()));
    BindOptional(*m, 11, x.disability_grade);
    m->Bind(12, x.labor);
    BindOptional(*m, 13, x.months_worked);
    m->Bind(14, x.resident_medical_insurance ? 1 : 0);
    m->Bind(15, x.employee_medical_insurance ? 1 : 0);
    m->Bind(16, x.pension_insurance ? 1 : 0).Bind(17, x.dibao ? 1 : 0);
    m->Bind(18, x.tekun ? 1 : 0).Bind(19, county).Bind(20, code);
    m->Bind(21, static_cast<int64_t>(i + 1));
    FUPIN_RETURN_IF_ERROR(m->Run());
  }
  if (old.members.size() > common) {
    auto* d = Cached(delete_members_after_, sqlite::kDeleteMembersAfterSql);
    if (!d) return last_error_;
    d->Bind(1, county).Bind(2, code).Bind(3, static_cast<int64_t>(common));
    FUPIN_RETURN_IF_ERROR(d->Run());
  }
  for (size_t i = common; i < h.members.size(); ++i) {
    FUPIN_RETURN_IF_ERROR(AddMemberRow(county, code, static_cast<int>(i + 1), h.members[i]));
  }
  return Status::Ok();
}

Status SqliteStore::RemovePersons(const Household& old, const Household& h) {
  assert(in_transaction_);
  auto* p = Cached(delete_person_, sqlite::kDeletePersonSql);
  if (!p) return last_error_;
  const int64_t county = old.village_code.county().value();
  for (const Member& x : old.members) {
    if (HasId(h.members, x)) continue;
    register_changed_ = true;
    p->Bind(1, x.id_type).Bind(2, x.id_number).Bind(3, county).Bind(4, old.household_code);
    FUPIN_RETURN_IF_ERROR(p->Run());
  }
  return Status::Ok();
}

Status SqliteStore::DeleteHousehold(RegionCode county, const std::string& code) {
  assert(in_transaction_);
  register_changed_ = true;
  FUPIN_RETURN_IF_ERROR(FlushWrites());
  // The person_index rows go one by one, each by its whole key: a single statement with
  // `(id_type, id_number) IN (SELECT … FROM members …)` searched person_index by id_type
  // alone, which is every row of the index (issue 10).
  auto* ids = Cached(member_ids_, sqlite::kMemberIdsSql);
  auto* p = Cached(delete_person_, sqlite::kDeletePersonSql);
  auto* m = Cached(delete_members_, sqlite::kDeleteMembersSql);
  auto* h = Cached(delete_household_, sqlite::kDeleteHouseholdSql);
  if (!ids || !p || !m || !h) return last_error_;
  ids->Bind(1, county.value()).Bind(2, code);
  deleted_ids_.clear();
  Status listed = ids->ForEachRow([&](const Statement& row) {
    deleted_ids_.emplace_back(static_cast<int>(row.Int(0)), row.Text(1));
  });
  ids->Reset();
  FUPIN_RETURN_IF_ERROR(listed);
  for (const auto& [id_type, id_number] : deleted_ids_) {
    p->Bind(1, id_type).Bind(2, id_number).Bind(3, county.value()).Bind(4, code);
    FUPIN_RETURN_IF_ERROR(p->Run());
  }
  for (auto* s : {m, h}) {
    s->Bind(1, county.value()).Bind(2, code);
    FUPIN_RETURN_IF_ERROR(s->Run());
  }
  return Status::Ok();
}

Status SqliteStore::AppendHistory(const std::vector<HistoryEntry>& entries) {
  assert(in_transaction_);
  for (const auto& e : entries) {
    history_rows_.Int(e.county.value()).Text(e.household_code).Text(e.at).Text(e.actor);
    history_rows_.Text(e.source).Text(e.field).Text(e.old_value).Text(e.new_value);
    FUPIN_RETURN_IF_ERROR(history_rows_.EndRow(db_));
  }
  return Status::Ok();
}

Result<std::vector<HistoryEntry>> SqliteStore::History(const std::string& household_code) {
  FUPIN_RETURN_IF_ERROR(FlushWrites());
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
    out.push_back({stmt->Text(1), RegionCode::FromInt(stmt->Int(0)), stmt->Text(2), stmt->Text(3),
                   stmt->Text(4), stmt->Text(5), stmt->Text(6), stmt->Text(7)});
  }
  return out;
}

Status SqliteStore::InsertImportBatch(const ImportBatchRow& b) {
  auto stmt = db_.Prepare(
      "INSERT INTO import_batches(id, started_at, finished_at, actor, sources, "
      "households_created, households_updated, members, rejected, households_unchanged) "
      "VALUES (?,?,?,?,?,?,?,?,?,?)");
  if (!stmt.ok()) return stmt.error();
  stmt->Bind(1, b.id).Bind(2, b.started_at).Bind(3, b.finished_at).Bind(4, b.actor);
  stmt->Bind(5, b.sources).Bind(6, b.households_created).Bind(7, b.households_updated);
  stmt->Bind(8, b.members).Bind(9, b.rejected).Bind(10, b.households_unchanged);
  return stmt->Run();
}

Result<bool> SqliteStore::Exists(Statement& s) {
  auto row = s.Step();
  if (!row.ok()) return row.error();
  s.Reset();
  return *row;
}

Status SqliteStore::CheckNewHousehold(int64_t county, const std::string& code,
                                      uint64_t fingerprint) {
  const bool seen = household_keys_.Contains(fingerprint);
  if (seen || !households_were_empty_) {
    if (seen) FUPIN_RETURN_IF_ERROR(households_rows_.Flush(db_));
    auto* s = Cached(household_exists_, sqlite::kHouseholdExistsSql);
    if (!s) return last_error_;
    s->Bind(1, county).Bind(2, code);
    auto exists = Exists(*s);
    if (!exists.ok()) return exists.error();
    if (*exists) return UniqueViolation(kHouseholdKey);
  }
  household_keys_.Insert(fingerprint);
  return Status::Ok();
}

Status SqliteStore::CheckNewPerson(const std::vector<Member>& members, size_t i,
                                   uint64_t fingerprint) {
  const Member& m = members[i];
  const bool seen = person_keys_.Contains(fingerprint);
  if (seen || !persons_were_empty_) {
    for (size_t j = 0; j < i; ++j) {
      if (members[j].id_type == m.id_type && members[j].id_number == m.id_number) {
        return UniqueViolation(kPersonKey);
      }
    }
    if (seen) FUPIN_RETURN_IF_ERROR(FlushPersons());
    auto* s = Cached(person_exists_, sqlite::kPersonExistsSql);
    if (!s) return last_error_;
    s->Bind(1, m.id_type).Bind(2, m.id_number);
    auto exists = Exists(*s);
    if (!exists.ok()) return exists.error();
    if (*exists) return UniqueViolation(kPersonKey);
  }
  person_keys_.Insert(fingerprint);
  return Status::Ok();
}

bool SqliteStore::HasId(const std::vector<Member>& members, const Member& x) {
  for (const Member& m : members) {
    if (m.id_type == x.id_type && m.id_number == x.id_number) return true;
  }
  return false;
}

Status SqliteStore::AddMemberRow(int64_t county, const std::string& code, int seq,
                                 const Member& x) {
  auto& m = members_rows_;
  m.Int(county).Text(code).Int(seq).Text(x.name);
  m.Int(x.id_type).Text(x.id_number).Int(x.relation);
  PutOptional(m, x.sex);
  PutDate(m, x.birth_date);
  PutOptionalText(m, x.ethnicity);
  PutOptional(m, x.education);
  m.Int(x.school_status).Int(static_cast<int64_t>(x.health.bits()));
  PutOptional(m, x.disability_grade);
  m.Int(x.labor);
  PutOptional(m, x.months_worked);
  m.Int(x.resident_medical_insurance ? 1 : 0).Int(x.employee_medical_insurance ? 1 : 0);
  m.Int(x.pension_insurance ? 1 : 0).Int(x.dibao ? 1 : 0).Int(x.tekun ? 1 : 0);
  return m.EndRow(db_);
}

Status SqliteStore::FlushPersons() {
  if (persons_.empty()) return Status::Ok();
  return persons_.Flush(db_, person_rows_);
}

}  // namespace fupin::sqlite
