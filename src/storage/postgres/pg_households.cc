// Households, their members, the person index, history and import batches: reads by key
// and the writes of an import, as sqlite/sqlite_households.cc. An import's new rows wait
// in buffers and go to the tables with COPY (FlushWrites) where SQLite batches its inserts.
#include <algorithm>
#include <cassert>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "storage/postgres/pg_statements.h"
#include "storage/postgres/pg_store_impl.h"

namespace fupin::pg {
namespace {

const std::string kFindHouseholdSql =
    "SELECT " + std::string(kHouseholdColumns) + " FROM households WHERE household_code = $1";
const std::string kFindMembersSql = "SELECT " + std::string(kMemberColumns) +
                                    " FROM members WHERE county_code = $1 AND "
                                    "household_code = $2 ORDER BY seq";
const std::string kFindPersonSql =
    "SELECT household_code FROM person_index WHERE id_type = $1 AND id_number = $2";
const std::string kHouseholdExistsSql =
    "SELECT 1 FROM households WHERE county_code = $1 AND household_code = $2";
const std::string kPersonExistsSql =
    "SELECT 1 FROM person_index WHERE id_type = $1 AND id_number = $2";
// The batched forms (CheckDeferredKeys): the keys as two arrays, passed as text literals.
const std::string kHouseholdsTakenSql =
    "SELECT 1 FROM households WHERE (county_code, household_code) IN "
    "(SELECT * FROM unnest($1::bigint[], $2::text[])) LIMIT 1";
const std::string kPersonsTakenSql =
    "SELECT 1 FROM person_index WHERE (id_type, id_number) IN "
    "(SELECT * FROM unnest($1::bigint[], $2::text[])) LIMIT 1";
// The batched reads (FindHouseholds, FindPersons), unprepared: each chunk is planned with
// its arrays, so that a cluster prunes the partitions of the counties named.
const std::string kFindHouseholdsSql = "SELECT " + std::string(kHouseholdColumns) +
                                       " FROM households WHERE household_code = ANY($1::text[])";
const std::string kFindMembersOfSql =
    "SELECT " + std::string(kMemberColumns) +
    " FROM members WHERE county_code = ANY($1::bigint[]) AND household_code = ANY($2::text[]) "
    "ORDER BY county_code, household_code, seq";
const std::string kFindPersonsSql =
    "SELECT id_number, household_code FROM person_index WHERE id_type = $1 AND "
    "id_number = ANY($2::text[])";
// On a cluster, outside the transaction (PgStore::SetCluster).
const std::string kFindCountySql =
    "SELECT county_code FROM households WHERE household_code = $1 LIMIT 1";
const std::string kDeletePersonSql =
    "DELETE FROM person_index WHERE id_type = $1 AND id_number = $2 AND county_code = $3 AND "
    "household_code = $4";
// A household, its members and their person_index entries in one statement (each person
// by its whole key, from the members' rows the statement deletes: on a cluster the members
// are foreign tables, whose deletion the shard may run before a sibling's scan of them, so
// the persons are taken from what the deletion returns, never from a second scan).
const std::string kDeleteHouseholdSql =
    "WITH gone AS (DELETE FROM members WHERE county_code = $1 AND household_code = $2 "
    "RETURNING id_type, id_number), "
    "persons AS (DELETE FROM person_index p USING gone m WHERE p.id_type = m.id_type AND "
    "p.id_number = m.id_number AND p.county_code = $1 AND p.household_code = $2) "
    "DELETE FROM households WHERE county_code = $1 AND household_code = $2";
// UpdateHousehold: the columns in no secondary index, and those in one (written only when
// one of them changed, so that an unchanged index is not touched).
const std::string kUpdateHouseholdSql =
    "UPDATE households SET registered_year = $1, exit_year = $2, attribute = $3, "
    "main_cause = $4, other_causes = $5, declared_size = $6, member_count = $7, "
    "wage_income = $8, business_income = $9, business_cost = $10, property_income = $11, "
    "transfer_income = $12, medical_out_of_pocket = $13, education_cost = $14, "
    "disaster_loss = $15, food_secure = $16, clothing_secure = $17, housing_grade = $18, "
    "renovation = $19, relocation = $20, water_safe = $21, monitor_type = $22, "
    "monitor_since = $23, risk_types = $24, phone = $25, version = $26, batch_id = $27, "
    "village_group = $28 WHERE county_code = $29 AND household_code = $30";
const std::string kUpdateHouseholdIndexedSql =
    "UPDATE households SET village_code = $1, kind = $2, poverty_status = $3, "
    "monitor_status = $4 WHERE county_code = $5 AND household_code = $6";
const std::string kUpdateMemberSql =
    "UPDATE members SET name = $1, id_type = $2, id_number = $3, relation = $4, sex = $5, "
    "birth_date = $6, ethnicity = $7, education = $8, school_status = $9, health = $10, "
    "disability_grade = $11, labor = $12, months_worked = $13, "
    "resident_medical_insurance = $14, employee_medical_insurance = $15, "
    "pension_insurance = $16, dibao = $17, tekun = $18 "
    "WHERE county_code = $19 AND household_code = $20 AND seq = $21";
const std::string kDeleteMembersAfterSql =
    "DELETE FROM members WHERE county_code = $1 AND household_code = $2 AND seq > $3";
// Insertion order within a household: `at`, then the heap's order (household_history has
// no key; rows are only ever appended).
const std::string kHistorySql = "SELECT " + std::string(kHistoryColumns) +
                                " FROM household_history WHERE household_code = $1 "
                                "ORDER BY at, ctid";
const std::string kInsertImportBatchSql =
    "INSERT INTO import_batches(id, started_at, finished_at, actor, sources, "
    "households_created, households_updated, members, rejected, households_unchanged) "
    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)";

// The buffers are written once they hold this many households.
constexpr size_t kFlushHouseholds = 4096;

// The error SQLite gives for a duplicate key, for duplicates found before the rows are written.
Error UniqueViolation(std::string_view columns) {
  const std::string detail = "UNIQUE constraint failed: " + std::string(columns);
  return Error::Conflict("数据库约束冲突（write）：" + detail,
                         "constraint violated (write): " + detail);
}
constexpr std::string_view kHouseholdKey = "households.county_code, households.household_code";
constexpr std::string_view kPersonKey = "person_index.id_type, person_index.id_number";

// A shard writer writes one county: a household leaving it is another county's write too.
Error CountyChangeOnShard(const std::string& code) {
  return Error::Conflict("户 " + code + " 登记在另一县：集群上不能在导入中迁移县（请先迁出原户）",
                         "household " + code +
                             " is registered in another county: an import into a cluster cannot "
                             "move a household between counties (move it out first)");
}

uint64_t Print(int64_t salt, std::string_view text) {
  return std::hash<std::string_view>()(text) ^
         (static_cast<uint64_t>(salt) * 0x9E3779B97F4A7C15ULL);
}

// Array literals of PostgreSQL's text form ({1,2} and {"a","b"}), for the keys' arrays.
void AppendIntElement(std::string& out, int64_t value) {
  out += out.empty() ? '{' : ',';
  out += std::to_string(value);
}
void AppendTextElement(std::string& out, std::string_view text) {
  out += out.empty() ? "{\"" : ",\"";
  for (char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  out += '"';
}
std::string CloseArray(std::string out) { return out.empty() ? "{}" : out + "}"; }

// Row values: kNone, an absent date and empty text are NULL.
Params& Optional(Params& p, int value) { return value == kNone ? p.Null() : p.Int(value); }
Params& OptionalDate(Params& p, const std::optional<Date>& date) {
  return date ? p.Text(date->ToString()) : p.Null();
}
Params& OptionalText(Params& p, std::string_view text) {
  return text.empty() ? p.Null() : p.Text(text);
}
CopyWriter& Optional(CopyWriter& w, int value) { return value == kNone ? w.Null() : w.Int(value); }
CopyWriter& OptionalDate(CopyWriter& w, const std::optional<Date>& date) {
  return date ? w.Text(date->ToString()) : w.Null();
}
CopyWriter& OptionalText(CopyWriter& w, std::string_view text) {
  return text.empty() ? w.Null() : w.Text(text);
}

int OptionalInt(const Rows& rows, int r, int c) {
  return rows.IsNull(r, c) ? kNone : static_cast<int>(rows.Int(r, c));
}
std::optional<Date> ReadDate(const Rows& rows, int r, int c) {
  if (rows.IsNull(r, c)) return std::nullopt;
  auto date = Date::Parse(rows.TextView(r, c));
  if (!date.ok()) return std::nullopt;
  return *date;
}

}  // namespace

void ReadHousehold(const Rows& s, int r, Household& h, int64_t* version) {
  h.household_code = s.Text(r, 1);
  h.village_code = RegionCode::FromInt(s.Int(r, 2));
  h.kind = static_cast<int>(s.Int(r, 3));
  h.poverty_status = OptionalInt(s, r, 4);
  h.registered_year = s.IsNull(r, 5) ? 0 : static_cast<int>(s.Int(r, 5));
  h.exit_year = s.IsNull(r, 6) ? 0 : static_cast<int>(s.Int(r, 6));
  h.attribute = static_cast<int>(s.Int(r, 7));
  h.main_cause = OptionalInt(s, r, 8);
  h.other_causes = CodeSet::FromBits(static_cast<uint64_t>(s.Int(r, 9)));
  h.size = s.IsNull(r, 10) ? 0 : static_cast<int>(s.Int(r, 10));
  h.wage_income = Money::FromFen(s.Int(r, 12));
  h.business_income = Money::FromFen(s.Int(r, 13));
  h.business_cost = Money::FromFen(s.Int(r, 14));
  h.property_income = Money::FromFen(s.Int(r, 15));
  h.transfer_income = Money::FromFen(s.Int(r, 16));
  h.medical_out_of_pocket = Money::FromFen(s.Int(r, 17));
  h.education_cost = Money::FromFen(s.Int(r, 18));
  h.disaster_loss = Money::FromFen(s.Int(r, 19));
  h.food_secure = s.Bool(r, 20);
  h.clothing_secure = s.Bool(r, 21);
  h.housing_grade = static_cast<int>(s.Int(r, 22));
  h.renovation = static_cast<int>(s.Int(r, 23));
  h.relocation = static_cast<int>(s.Int(r, 24));
  h.water_safe = s.Bool(r, 25);
  h.monitor_type = static_cast<int>(s.Int(r, 26));
  h.monitor_status = static_cast<int>(s.Int(r, 27));
  h.monitor_since = ReadDate(s, r, 28);
  h.risk_types = CodeSet::FromBits(static_cast<uint64_t>(s.Int(r, 29)));
  h.phone = s.Text(r, 30);
  if (version) *version = s.Int(r, 31);
  h.village_group = s.Text(r, 33);
}

void ReadMember(const Rows& s, int r, Member& m) {
  m.name = s.Text(r, 3);
  m.id_type = static_cast<int>(s.Int(r, 4));
  m.id_number = s.Text(r, 5);
  m.relation = static_cast<int>(s.Int(r, 6));
  m.sex = OptionalInt(s, r, 7);
  m.birth_date = ReadDate(s, r, 8);
  m.ethnicity = s.Text(r, 9);
  m.education = OptionalInt(s, r, 10);
  m.school_status = static_cast<int>(s.Int(r, 11));
  m.health = CodeSet::FromBits(static_cast<uint64_t>(s.Int(r, 12)));
  m.disability_grade = OptionalInt(s, r, 13);
  m.labor = static_cast<int>(s.Int(r, 14));
  m.months_worked = OptionalInt(s, r, 15);
  m.resident_medical_insurance = s.Bool(r, 16);
  m.employee_medical_insurance = s.Bool(r, 17);
  m.pension_insurance = s.Bool(r, 18);
  m.dibao = s.Bool(r, 19);
  m.tekun = s.Bool(r, 20);
}

Result<std::optional<StoredHousehold>> PgStore::FindHousehold(const std::string& code) {
  FUPIN_RETURN_IF_ERROR(FlushWrites());
  auto* s = Cached(find_household_, kFindHouseholdSql);
  if (!s) return last_error_;
  std::optional<StoredHousehold> out;
  if (in_transaction_ && cluster_) {  // the county locked before a shard is reached
    if (!lookup_) {
      auto lookup = Connection::Open(url_);
      if (!lookup.ok()) return lookup.error();
      lookup_ = std::move(lookup).value();
    }
    auto county = lookup_->Query(kFindCountySql, Params().Text(code));
    if (!county.ok()) return county.error();
    if (county->size()) FUPIN_RETURN_IF_ERROR(CountyLock(county->Int(0, 0)));
  }
  for (;;) {
    auto rows = s->Query(Params().Text(code));
    if (!rows.ok()) return rows.error();
    if (!rows->size()) return out;
    const int64_t county = rows->Int(0, 0);
    // Read for a write: the county's lock first, then the row as the last writer left it.
    if (in_transaction_ && !locked_counties_.count(county)) {
      FUPIN_RETURN_IF_ERROR(CountyLock(county));
      continue;
    }
    out.emplace();
    ReadHousehold(*rows, 0, out->household, &out->version);
    break;
  }
  FUPIN_RETURN_IF_ERROR(LoadMembers(out->household));
  return out;
}

Result<std::optional<std::string>> PgStore::FindPerson(int id_type, const std::string& id) {
  FUPIN_RETURN_IF_ERROR(FlushWrites());
  auto* s = Cached(find_person_, kFindPersonSql);
  if (!s) return last_error_;
  auto rows = s->Query(Params().Int(id_type).Text(id));
  if (!rows.ok()) return rows.error();
  std::optional<std::string> out;
  if (rows->size()) out = rows->Text(0, 0);
  return out;
}

Result<std::vector<std::optional<StoredHousehold>>> PgStore::FindHouseholds(
    const std::vector<std::string>& codes) {
  if (in_transaction_) return Store::FindHouseholds(codes);  // FindHousehold's locks
  FUPIN_RETURN_IF_ERROR(FlushWrites());
  std::vector<std::optional<StoredHousehold>> out(codes.size());
  std::vector<std::string> chunk, found_codes;
  std::vector<int64_t> counties;
  std::unordered_map<std::string, size_t> first;  // a code's first row in `households`
  std::vector<StoredHousehold> households;
  for (size_t begin = 0; begin < codes.size(); begin += kLookupChunk) {
    const size_t end = std::min(codes.size(), begin + kLookupChunk);
    chunk.assign(codes.begin() + begin, codes.begin() + end);
    auto rows = db_->Query(kFindHouseholdsSql, Params().Text(TextArray(chunk)));
    if (!rows.ok()) return rows.error();
    first.clear();
    households.clear();
    counties.clear();
    found_codes.clear();
    for (int r = 0; r < rows->size(); ++r) {
      // A code registered twice (it should not be) is answered by one row, as FindHousehold.
      if (!first.emplace(rows->Text(r, 1), households.size()).second) continue;
      StoredHousehold& h = households.emplace_back();
      ReadHousehold(*rows, r, h.household, &h.version);
      counties.push_back(rows->Int(r, 0));
      found_codes.push_back(h.household.household_code);
    }
    if (!households.empty()) {
      std::sort(counties.begin(), counties.end());
      counties.erase(std::unique(counties.begin(), counties.end()), counties.end());
      auto members = db_->Query(kFindMembersOfSql,
                                Params().Text(IntArray(counties)).Text(TextArray(found_codes)));
      if (!members.ok()) return members.error();
      for (int r = 0; r < members->size(); ++r) {
        auto it = first.find(members->Text(r, 1));
        if (it == first.end()) continue;
        Household& h = households[it->second].household;
        // Only the members of the household's own county (a code in two counties).
        if (h.village_code.county().value() != members->Int(r, 0)) continue;
        ReadMember(*members, r, h.members.emplace_back());
      }
    }
    for (size_t i = begin; i < end; ++i) {
      auto it = first.find(codes[i]);
      if (it != first.end()) out[i] = households[it->second];
    }
  }
  return out;
}

Result<std::vector<std::optional<std::string>>> PgStore::FindPersons(
    const std::vector<PersonKey>& keys) {
  if (in_transaction_) return Store::FindPersons(keys);
  FUPIN_RETURN_IF_ERROR(FlushWrites());
  std::vector<std::optional<std::string>> out(keys.size());
  // Each chunk's keys grouped by id_type: one statement per type (nearly always one).
  std::map<int, std::vector<std::string>> by_type;
  std::unordered_map<std::string, std::string> owners;
  for (size_t begin = 0; begin < keys.size(); begin += kLookupChunk) {
    const size_t end = std::min(keys.size(), begin + kLookupChunk);
    by_type.clear();
    for (size_t i = begin; i < end; ++i) by_type[keys[i].id_type].push_back(keys[i].id_number);
    for (auto& [id_type, numbers] : by_type) {
      auto rows = db_->Query(kFindPersonsSql, Params().Int(id_type).Text(TextArray(numbers)));
      if (!rows.ok()) return rows.error();
      owners.clear();
      for (int r = 0; r < rows->size(); ++r) owners.emplace(rows->Text(r, 0), rows->Text(r, 1));
      for (size_t i = begin; i < end; ++i) {
        if (keys[i].id_type != id_type) continue;
        auto it = owners.find(keys[i].id_number);
        if (it != owners.end()) out[i] = it->second;
      }
    }
  }
  return out;
}

Result<bool> PgStore::HasPersons() {
  FUPIN_RETURN_IF_ERROR(FlushWrites());
  // A shard writer's person_index holds only its own partitions: its households say.
  auto n = ScalarInt(shard_writer_ ? "SELECT EXISTS (SELECT 1 FROM households)"
                                   : "SELECT EXISTS (SELECT 1 FROM person_index)");
  if (!n.ok()) return n.error();
  return *n != 0;
}

Status PgStore::LoadMembers(Household& h) {
  FUPIN_RETURN_IF_ERROR(FlushWrites());
  auto* m = Cached(find_members_, kFindMembersSql);
  if (!m) return last_error_;
  auto rows = m->Query(Params().Int(h.village_code.county().value()).Text(h.household_code));
  if (!rows.ok()) return rows.error();
  h.members.clear();
  h.members.resize(rows->size());
  for (int r = 0; r < rows->size(); ++r) ReadMember(*rows, r, h.members[r]);
  return Status::Ok();
}

Status PgStore::InsertHousehold(const Household& h, int64_t version, const std::string& batch_id) {
  assert(in_transaction_);
  register_changed_ = true;
  const int64_t county = h.village_code.county().value();
  FUPIN_RETURN_IF_ERROR(CountyLock(county));
  // Rows wait in buffers, so clashing keys are looked for here, before anything is written.
  // Keys already in the tables are looked for in one statement per flush (CheckDeferredKeys).
  FUPIN_RETURN_IF_ERROR(CheckNewHousehold(county, h.household_code, /*defer=*/true));
  for (size_t i = 0; !shard_writer_ && i < h.members.size(); ++i) {
    FUPIN_RETURN_IF_ERROR(CheckNewPerson(h.members, i, /*defer=*/true));
  }

  PendingHousehold& p = pending_households_.emplace_back();
  p.household = h;
  p.household.members.clear();
  p.version = version;
  p.batch_id = batch_id;
  p.member_count = static_cast<int64_t>(h.members.size());
  pending_owners_.insert({county, h.household_code});
  for (size_t i = 0; i < h.members.size(); ++i) {
    const Member& x = h.members[i];
    AddMemberRow(county, h.household_code, static_cast<int>(i + 1), x);
    if (shard_writer_) continue;
    pending_persons_.push_back({x.id_type, x.id_number, county, h.household_code});
    pending_person_keys_.insert({x.id_type, x.id_number});
  }
  if (pending_households_.size() >= kFlushHouseholds) return FlushWrites();
  return Status::Ok();
}

Status PgStore::UpdateHousehold(const StoredHousehold& stored, const Household& h, int64_t version,
                                const std::string& batch_id) {
  assert(in_transaction_);
  assert(stored.household.household_code == h.household_code);
  const Household& old = stored.household;
  const RegionCode old_county = old.village_code.county();
  const int64_t county = h.village_code.county().value();
  if (old_county.value() != county) {
    if (shard_writer_) return CountyChangeOnShard(h.household_code);
    // The key changes: the household moves to another county's rows.
    FUPIN_RETURN_IF_ERROR(DeleteHousehold(old_county, old.household_code));
    return InsertHousehold(h, version, batch_id);
  }
  register_changed_ = true;
  FUPIN_RETURN_IF_ERROR(CountyLock(county));
  const std::string& code = h.household_code;
  // Rows of this household still waiting must reach the tables before they are updated.
  if (Pending(county, code)) FUPIN_RETURN_IF_ERROR(FlushWrites());
  if (!shard_writer_) FUPIN_RETURN_IF_ERROR(RemovePersons(old, h));

  // ID numbers the household gains: checked as for a new household, then indexed.
  for (size_t i = 0; !shard_writer_ && i < h.members.size(); ++i) {
    const Member& x = h.members[i];
    if (HasId(old.members, x)) continue;
    FUPIN_RETURN_IF_ERROR(CheckNewPerson(h.members, i));
    pending_owners_.insert({county, code});
    pending_persons_.push_back({x.id_type, x.id_number, county, code});
    pending_person_keys_.insert({x.id_type, x.id_number});
  }

  // The household row, in place.
  auto* u = Cached(update_household_, kUpdateHouseholdSql);
  if (!u) return last_error_;
  Params p;
  Optional(p, h.registered_year ? h.registered_year : kNone);
  Optional(p, h.exit_year ? h.exit_year : kNone);
  p.Int(h.attribute);
  Optional(p, h.main_cause);
  p.Int(static_cast<int64_t>(h.other_causes.bits()));
  Optional(p, h.size ? h.size : kNone);
  p.Int(static_cast<int64_t>(h.members.size()));
  for (const Money& money :
       {h.wage_income, h.business_income, h.business_cost, h.property_income, h.transfer_income,
        h.medical_out_of_pocket, h.education_cost, h.disaster_loss}) {
    p.Int(money.fen());
  }
  p.Bool(h.food_secure).Bool(h.clothing_secure);
  p.Int(h.housing_grade).Int(h.renovation).Int(h.relocation);
  p.Bool(h.water_safe).Int(h.monitor_type);
  OptionalDate(p, h.monitor_since);
  p.Int(static_cast<int64_t>(h.risk_types.bits()));
  OptionalText(p, h.phone);
  p.Int(version);
  OptionalText(p, batch_id);
  OptionalText(p, h.village_group);
  p.Int(county).Text(code);
  if (auto done = u->Run(p); !done.ok()) return done.error();
  if (h.village_code != old.village_code || h.kind != old.kind ||
      h.poverty_status != old.poverty_status || h.monitor_status != old.monitor_status) {
    auto* x = Cached(update_household_indexed_, kUpdateHouseholdIndexedSql);
    if (!x) return last_error_;
    Params q;
    q.Int(h.village_code.value()).Int(h.kind);
    Optional(q, h.poverty_status);
    q.Int(h.monitor_status).Int(county).Text(code);
    if (auto done = x->Run(q); !done.ok()) return done.error();
  }

  // Members by position: changed rows updated, the rest added or removed at the end.
  const size_t common = std::min(old.members.size(), h.members.size());
  for (size_t i = 0; i < common; ++i) {
    if (old.members[i] == h.members[i]) continue;
    auto* m = Cached(update_member_, kUpdateMemberSql);
    if (!m) return last_error_;
    const Member& x = h.members[i];
    Params q;
    q.Text(x.name).Int(x.id_type).Text(x.id_number).Int(x.relation);
    Optional(q, x.sex);
    OptionalDate(q, x.birth_date);
    OptionalText(q, x.ethnicity);
    Optional(q, x.education);
    q.Int(x.school_status).Int(static_cast<int64_t>(x.health.bits()));
    Optional(q, x.disability_grade);
    q.Int(x.labor);
    Optional(q, x.months_worked);
    q.Bool(x.resident_medical_insurance).Bool(x.employee_medical_insurance);
    q.Bool(x.pension_insurance).Bool(x.dibao).Bool(x.tekun);
    q.Int(county).Text(code).Int(static_cast<int64_t>(i + 1));
    if (auto done = m->Run(q); !done.ok()) return done.error();
  }
  if (old.members.size() > common) {
    auto* d = Cached(delete_members_after_, kDeleteMembersAfterSql);
    if (!d) return last_error_;
    if (auto done = d->Run(Params().Int(county).Text(code).Int(static_cast<int64_t>(common)));
        !done.ok()) {
      return done.error();
    }
  }
  for (size_t i = common; i < h.members.size(); ++i) {
    pending_owners_.insert({county, code});
    AddMemberRow(county, code, static_cast<int>(i + 1), h.members[i]);
  }
  return Status::Ok();
}

Status PgStore::RemovePersons(const Household& old, const Household& h) {
  assert(in_transaction_);
  if (shard_writer_) return Status::Ok();  // the batch's reservation removed them
  const int64_t county = old.village_code.county().value();
  FUPIN_RETURN_IF_ERROR(CountyLock(county));
  FUPIN_RETURN_IF_ERROR(CheckDeferredKeys());
  if (Pending(county, old.household_code)) FUPIN_RETURN_IF_ERROR(FlushWrites());
  auto* p = Cached(delete_person_, kDeletePersonSql);
  if (!p) return last_error_;
  for (const Member& x : old.members) {
    if (HasId(h.members, x)) continue;
    register_changed_ = true;
    auto done =
        p->Run(Params().Int(x.id_type).Text(x.id_number).Int(county).Text(old.household_code));
    if (!done.ok()) return done.error();
  }
  return Status::Ok();
}

Status PgStore::DeleteHousehold(RegionCode county, const std::string& code) {
  assert(in_transaction_);
  if (shard_writer_) return CountyChangeOnShard(code);
  register_changed_ = true;
  FUPIN_RETURN_IF_ERROR(CountyLock(county.value()));
  FUPIN_RETURN_IF_ERROR(CheckDeferredKeys());
  if (Pending(county.value(), code)) FUPIN_RETURN_IF_ERROR(FlushWrites());
  auto* s = Cached(delete_household_, kDeleteHouseholdSql);
  if (!s) return last_error_;
  auto done = s->Run(Params().Int(county.value()).Text(code));
  if (!done.ok()) return done.error();
  return Status::Ok();
}

Status PgStore::AppendHistory(const std::vector<HistoryEntry>& entries) {
  assert(in_transaction_);
  pending_history_.insert(pending_history_.end(), entries.begin(), entries.end());
  return Status::Ok();
}

Result<std::vector<HistoryEntry>> PgStore::History(const std::string& household_code) {
  FUPIN_RETURN_IF_ERROR(FlushWrites());
  auto rows = db_->Query(kHistorySql, Params().Text(household_code));
  if (!rows.ok()) return rows.error();
  std::vector<HistoryEntry> out;
  for (int r = 0; r < rows->size(); ++r) {
    out.push_back({rows->Text(r, 1), RegionCode::FromInt(rows->Int(r, 0)), rows->Text(r, 2),
                   rows->Text(r, 3), rows->Text(r, 4), rows->Text(r, 5), rows->Text(r, 6),
                   rows->Text(r, 7)});
  }
  return out;
}

Status PgStore::InsertImportBatch(const ImportBatchRow& b) {
  if (shard_writer_) return Status::Ok();  // the coordinator's, written by the batch
  auto done = db_->Run(kInsertImportBatchSql, Params()
                                                  .Text(b.id)
                                                  .Text(b.started_at)
                                                  .Text(b.finished_at)
                                                  .Text(b.actor)
                                                  .Text(b.sources)
                                                  .Int(b.households_created)
                                                  .Int(b.households_updated)
                                                  .Int(b.members)
                                                  .Int(b.rejected)
                                                  .Int(b.households_unchanged));
  if (!done.ok()) return done.error();
  return Status::Ok();
}

Status PgStore::CheckNewHousehold(int64_t county, const std::string& code, bool defer) {
  if (pending_owners_.count({county, code})) return UniqueViolation(kHouseholdKey);
  const uint64_t print = Print(county, code);
  const bool seen = household_prints_.count(print) != 0;
  if (!seen && defer_household_checks_ && defer) {
    unchecked_households_.emplace_back(county, code);  // looked up at the flush
  } else if (seen || !households_were_empty_) {
    auto* s = Cached(household_exists_, kHouseholdExistsSql);
    if (!s) return last_error_;
    auto rows = s->Query(Params().Int(county).Text(code));
    if (!rows.ok()) return rows.error();
    if (rows->size()) return UniqueViolation(kHouseholdKey);
  }
  household_prints_.insert(print);
  return Status::Ok();
}

Status PgStore::CheckNewPerson(const std::vector<Member>& members, size_t i, bool defer) {
  const Member& m = members[i];
  for (size_t j = 0; j < i; ++j) {
    if (members[j].id_type == m.id_type && members[j].id_number == m.id_number) {
      return UniqueViolation(kPersonKey);
    }
  }
  if (pending_person_keys_.count({m.id_type, m.id_number})) return UniqueViolation(kPersonKey);
  const uint64_t print = Print(m.id_type, m.id_number);
  const bool seen = person_prints_.count(print) != 0;
  if (!seen && defer_person_checks_ && defer) {
    unchecked_persons_.emplace_back(m.id_type, m.id_number);  // looked up at the flush
  } else if (seen || !persons_were_empty_) {
    auto* s = Cached(person_exists_, kPersonExistsSql);
    if (!s) return last_error_;
    auto rows = s->Query(Params().Int(m.id_type).Text(m.id_number));
    if (!rows.ok()) return rows.error();
    if (rows->size()) return UniqueViolation(kPersonKey);
  }
  person_prints_.insert(print);
  return Status::Ok();
}

Status PgStore::CheckDeferredKeys() {
  // One lookup of many keys: `statement` with the keys as two arrays.
  auto taken = [this](std::unique_ptr<Statement>& statement, const std::string& sql,
                      const std::vector<std::pair<int64_t, std::string>>& keys) -> Result<bool> {
    std::string ints, texts;
    for (const auto& [number, text] : keys) {
      AppendIntElement(ints, number);
      AppendTextElement(texts, text);
    }
    auto* s = Cached(statement, sql);
    if (!s) return last_error_;
    auto rows =
        s->Query(Params().Text(CloseArray(std::move(ints))).Text(CloseArray(std::move(texts))));
    if (!rows.ok()) return rows.error();
    return rows->size() != 0;
  };
  if (!unchecked_households_.empty()) {
    auto found = taken(households_taken_, kHouseholdsTakenSql, unchecked_households_);
    if (!found.ok()) return found.error();
    if (*found) return UniqueViolation(kHouseholdKey);
    unchecked_households_.clear();
  }
  if (!unchecked_persons_.empty()) {
    auto found = taken(persons_taken_, kPersonsTakenSql, unchecked_persons_);
    if (!found.ok()) return found.error();
    if (*found) return UniqueViolation(kPersonKey);
    unchecked_persons_.clear();
  }
  return Status::Ok();
}

bool PgStore::HasId(const std::vector<Member>& members, const Member& x) {
  for (const Member& m : members) {
    if (m.id_type == x.id_type && m.id_number == x.id_number) return true;
  }
  return false;
}

void PgStore::AddMemberRow(int64_t county, const std::string& code, int seq, const Member& x) {
  pending_members_.push_back({county, code, seq, x});
}

Status PgStore::FlushWrites() {
  if (!in_transaction_) return Status::Ok();
  FUPIN_RETURN_IF_ERROR(CheckDeferredKeys());
  if (ShouldDeferIndexes()) FUPIN_RETURN_IF_ERROR(DeferIndexes());
  if (!pending_households_.empty()) {
    auto w = db_->CopyIn("households", kHouseholdColumns);
    if (!w.ok()) return w.error();
    for (const PendingHousehold& p : pending_households_) {
      const Household& h = p.household;
      w->Int(h.village_code.county().value()).Text(h.household_code).Int(h.village_code.value());
      w->Int(h.kind);
      Optional(*w, h.poverty_status);
      Optional(*w, h.registered_year ? h.registered_year : kNone);
      Optional(*w, h.exit_year ? h.exit_year : kNone);
      w->Int(h.attribute);
      Optional(*w, h.main_cause);
      w->Int(static_cast<int64_t>(h.other_causes.bits()));
      Optional(*w, h.size ? h.size : kNone);
      w->Int(p.member_count);
      w->Int(h.wage_income.fen()).Int(h.business_income.fen()).Int(h.business_cost.fen());
      w->Int(h.property_income.fen()).Int(h.transfer_income.fen());
      w->Int(h.medical_out_of_pocket.fen()).Int(h.education_cost.fen()).Int(h.disaster_loss.fen());
      w->Bool(h.food_secure).Bool(h.clothing_secure);
      w->Int(h.housing_grade).Int(h.renovation).Int(h.relocation);
      w->Bool(h.water_safe).Int(h.monitor_type).Int(h.monitor_status);
      OptionalDate(*w, h.monitor_since);
      w->Int(static_cast<int64_t>(h.risk_types.bits()));
      OptionalText(*w, h.phone);
      w->Int(p.version);
      OptionalText(*w, p.batch_id);
      OptionalText(*w, h.village_group);
      FUPIN_RETURN_IF_ERROR(w->EndRow());
    }
    if (auto n = w->Finish(); !n.ok()) return n.error();
  }
  if (!pending_members_.empty()) {
    auto w = db_->CopyIn("members", kMemberColumns);
    if (!w.ok()) return w.error();
    for (const PendingMember& p : pending_members_) {
      const Member& x = p.member;
      w->Int(p.county).Text(p.code).Int(p.seq).Text(x.name);
      w->Int(x.id_type).Text(x.id_number).Int(x.relation);
      Optional(*w, x.sex);
      OptionalDate(*w, x.birth_date);
      OptionalText(*w, x.ethnicity);
      Optional(*w, x.education);
      w->Int(x.school_status).Int(static_cast<int64_t>(x.health.bits()));
      Optional(*w, x.disability_grade);
      w->Int(x.labor);
      Optional(*w, x.months_worked);
      w->Bool(x.resident_medical_insurance).Bool(x.employee_medical_insurance);
      w->Bool(x.pension_insurance).Bool(x.dibao).Bool(x.tekun);
      FUPIN_RETURN_IF_ERROR(w->EndRow());
    }
    if (auto n = w->Finish(); !n.ok()) return n.error();
  }
  if (!pending_persons_.empty()) {
    // In key order: a B-tree takes sorted keys faster than random ones.
    std::sort(pending_persons_.begin(), pending_persons_.end(),
              [](const PendingPerson& a, const PendingPerson& b) {
                return a.id_type != b.id_type ? a.id_type < b.id_type : a.id_number < b.id_number;
              });
    auto w = db_->CopyIn("person_index", "id_type, id_number, county_code, household_code");
    if (!w.ok()) return w.error();
    for (const PendingPerson& p : pending_persons_) {
      w->Int(p.id_type).Text(p.id_number).Int(p.county).Text(p.code);
      FUPIN_RETURN_IF_ERROR(w->EndRow());
    }
    if (auto n = w->Finish(); !n.ok()) return n.error();
  }
  if (!pending_history_.empty()) {
    auto w = db_->CopyIn("household_history", kHistoryColumns);
    if (!w.ok()) return w.error();
    for (const HistoryEntry& e : pending_history_) {
      w->Int(e.county.value()).Text(e.household_code).Text(e.at).Text(e.actor);
      w->Text(e.source).Text(e.field).Text(e.old_value).Text(e.new_value);
      FUPIN_RETURN_IF_ERROR(w->EndRow());
    }
    if (auto n = w->Finish(); !n.ok()) return n.error();
  }
  pending_households_.clear();
  pending_members_.clear();
  pending_persons_.clear();
  pending_history_.clear();
  pending_owners_.clear();
  pending_person_keys_.clear();
  return Status::Ok();
}

}  // namespace fupin::pg
