#include "storage/sqlite/sqlite_store.h"

#include <sqlite3.h>
#include <sys/mman.h>

#include <algorithm>
#include <cassert>
#include <functional>
#include <memory>
#include <optional>
#include <string_view>
#include <vector>

#include "common/id_number.h"
#include "storage/sqlite/schema.h"
#include "storage/sqlite/sqlite_accounts.h"
#include "storage/sqlite/sqlite_care.h"
#include "storage/sqlite/sqlite_cases.h"
#include "storage/sqlite/sqlite_compare.h"
#include "storage/sqlite/sqlite_helpers.h"

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

}  // namespace

namespace sqlite {

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
    "monitor_since = ?23, risk_types = ?24, phone = ?25, version = ?26, batch_id = ?27 "
    "WHERE county_code = ?28 AND household_code = ?29";
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

}  // namespace sqlite

namespace {

// Row values: kNone, an absent date and empty text are NULL.
void PutOptional(sqlite::BatchInsert& row, int value) {
  if (value == kNone) {
    row.Null();
  } else {
    row.Int(value);
  }
}
void PutDate(sqlite::BatchInsert& row, const std::optional<Date>& date) {
  if (date) {
    row.Text(date->ToString());
  } else {
    row.Null();
  }
}
void PutOptionalText(sqlite::BatchInsert& row, std::string_view text) {
  if (text.empty()) {
    row.Null();
  } else {
    row.Text(text);
  }
}
// The same for a bound parameter.
void BindOptional(Statement& s, int index, int value) {
  if (value == kNone) {
    s.BindNull(index);
  } else {
    s.Bind(index, value);
  }
}
void BindDate(Statement& s, int index, const std::optional<Date>& date) {
  if (date) {
    s.Bind(index, date->ToString());
  } else {
    s.BindNull(index);
  }
}
void BindOptionalText(Statement& s, int index, std::string_view text) {
  if (text.empty()) {
    s.BindNull(index);
  } else {
    s.Bind(index, text);
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

// The error SQLite gives for a duplicate key, for duplicates found before SQLite sees them.
Error UniqueViolation(std::string_view columns) {
  const std::string detail = "UNIQUE constraint failed: " + std::string(columns);
  return Error::Conflict("数据库约束冲突（write）：" + detail,
                         "constraint violated (write): " + detail);
}

// Asks for huge pages under a large table whose lookups land anywhere in it: with 4 KiB
// pages nearly every lookup would miss the TLB as well as the caches. Call it before the
// memory is first written.
void AdviseHugePages(void* data, size_t bytes) {
  constexpr uintptr_t kHuge = uintptr_t{2} << 20;
  const auto start = reinterpret_cast<uintptr_t>(data);
  const uintptr_t begin = (start + kHuge - 1) & ~(kHuge - 1);
  const uintptr_t end = (start + bytes) & ~(kHuge - 1);
  if (end > begin) (void)madvise(reinterpret_cast<void*>(begin), end - begin, MADV_HUGEPAGE);
}

// A set of 64-bit fingerprints (open addressing, linear probing). Contains() may say yes
// for a key that was never added, when two keys share a fingerprint; never no for one
// that was.
class FingerprintSet {
 public:
  // Starts loading the slot where `fingerprint` would be: the set is too large for the
  // caches, and a few lookups started together wait for memory once, not each in turn.
  void Prefetch(uint64_t fingerprint) const {
    if (size_) __builtin_prefetch(&slots_[Home(NonZero(fingerprint))]);
  }
  bool Contains(uint64_t fingerprint) const {
    if (!size_) return false;
    fingerprint = NonZero(fingerprint);
    for (size_t i = Home(fingerprint);; i = (i + 1) & (capacity_ - 1)) {
      if (slots_[i] == fingerprint) return true;
      if (slots_[i] == 0) return false;
    }
  }
  void Insert(uint64_t fingerprint) {
    if ((size_ + 1) * 10 > capacity_ * 7) Grow();
    fingerprint = NonZero(fingerprint);
    for (size_t i = Home(fingerprint);; i = (i + 1) & (capacity_ - 1)) {
      if (slots_[i] == fingerprint) return;
      if (slots_[i] == 0) {
        slots_[i] = fingerprint;
        ++size_;
        return;
      }
    }
  }
  void Clear() {
    slots_.reset();
    size_ = capacity_ = 0;
  }

 private:
  static uint64_t NonZero(uint64_t f) { return f ? f : 1; }
  size_t Home(uint64_t f) const {
    // Fibonacci hashing spreads keys that differ in a few low digits.
    return static_cast<size_t>((f * 0x9E3779B97F4A7C15ULL) >> 32) & (capacity_ - 1);
  }
  void Grow() {
    std::unique_ptr<uint64_t[]> old = std::move(slots_);
    const size_t old_capacity = capacity_;
    capacity_ = old_capacity ? old_capacity * 2 : 1024;
    slots_ = std::make_unique_for_overwrite<uint64_t[]>(capacity_);
    AdviseHugePages(slots_.get(), capacity_ * sizeof(uint64_t));
    std::fill_n(slots_.get(), capacity_, 0);
    size_ = 0;
    for (size_t i = 0; i < old_capacity; ++i) {
      if (old[i]) Insert(old[i]);
    }
  }
  std::unique_ptr<uint64_t[]> slots_;  // 0 = empty
  size_t capacity_ = 0;
  size_t size_ = 0;
};

uint64_t HashText(int64_t salt, std::string_view text) {
  return std::hash<std::string_view>()(text) ^
         (static_cast<uint64_t>(salt) * 0x9E3779B97F4A7C15ULL);
}

// The person_index rows of a transaction, held back until something reads person_index
// or the transaction commits, then written in key order: ID numbers come in no order at
// all, and a B-tree takes sorted keys several times faster than random ones.
class PendingPersons {
 public:
  bool empty() const { return packed_.empty() && text_.empty(); }

  // The rows of one household's members follow its AddOwner.
  void AddOwner(int64_t county, std::string_view code) {
    owners_.push_back({county, codes_.size(), static_cast<uint32_t>(code.size())});
    codes_.append(code);
  }
  // `packed` is PackIdNumber(number) for a 居民身份证 number, when it packs.
  void Add(int id_type, std::string_view number, std::optional<uint64_t> packed) {
    const auto owner = static_cast<uint32_t>(owners_.size() - 1);
    if (packed) {
      packed_.push_back(
          {static_cast<uint32_t>(*packed >> 32), static_cast<uint32_t>(*packed), owner});
    } else {
      text_.push_back({id_type, std::string(number), owner});
    }
  }

  // Writes every row through `out` (id_type, id_number, county_code, household_code) in
  // key order, and empties the set.
  Status Flush(Database& db, sqlite::BatchInsert& out) {
    std::sort(packed_.begin(), packed_.end(),
              [](const Packed& a, const Packed& b) { return a.key() < b.key(); });
    std::sort(text_.begin(), text_.end(), [](const TextKey& a, const TextKey& b) {
      return a.id_type != b.id_type ? a.id_type < b.id_type : a.number < b.number;
    });
    char digits[18];
    Status status;
    for (const auto& p : packed_) {
      const Owner& h = owners_[p.owner];
      out.Int(code::kResidentId).Text(UnpackIdNumber(p.key(), digits)).Int(h.county);
      out.Text(std::string_view(codes_).substr(h.code_begin, h.code_size));
      status = out.EndRow(db);
      if (!status.ok()) break;
    }
    for (const auto& t : text_) {
      if (!status.ok()) break;
      const Owner& h = owners_[t.owner];
      out.Int(t.id_type).Text(t.number).Int(h.county);
      out.Text(std::string_view(codes_).substr(h.code_begin, h.code_size));
      status = out.EndRow(db);
    }
    if (status.ok()) status = out.Flush(db);
    Clear();
    return status;
  }

  void Clear() {
    std::vector<Packed>().swap(packed_);
    std::vector<TextKey>().swap(text_);
    std::vector<Owner>().swap(owners_);
    std::string().swap(codes_);
  }

 private:
  struct Owner {  // the household of some rows
    int64_t county;
    size_t code_begin;
    uint32_t code_size;
  };
  // 12 bytes: the key in two halves, so that no padding is needed.
  struct Packed {
    uint32_t key_high, key_low, owner;
    uint64_t key() const { return static_cast<uint64_t>(key_high) << 32 | key_low; }
  };
  struct TextKey {
    int id_type;
    std::string number;
    uint32_t owner;
  };
  std::vector<Packed> packed_;
  std::vector<TextKey> text_;
  std::vector<Owner> owners_;
  std::string codes_;
};

class SqliteStore final : public Store {
 public:
  explicit SqliteStore(Database db, StoreOptions options)
      : db_(std::move(db)),
        options_(std::move(options)),
        compare_(NewSqliteCompareStore(db_)),
        cases_(NewSqliteCaseStore(db_)),
        care_(NewSqliteCareStore(db_)),
        helpers_(NewSqliteHelperStore(db_)) {}

  void SetAccounts(std::unique_ptr<SqliteAccountStore> accounts) {
    accounts_ = std::move(accounts);
  }

  Status Configure() {
    // Reading the schema version is the first touch of the file: a file that is not a
    // database fails here.
    FUPIN_RETURN_IF_ERROR(
        db_.Exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; "
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
    if (auto accounts = accounts_->Migrate(); !accounts.ok()) return accounts.error();
    auto version = SchemaVersion();
    if (!version.ok()) return version.error();
    auto migrations = sqlite::Migrations();
    for (size_t i = *version; i < migrations.size(); ++i) {
      if (i + 1 == kAccountsMovedOut) FUPIN_RETURN_IF_ERROR(MoveAccountsOut());
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

  // The migration that drops users, sessions and audit_log from the register file.
  static constexpr size_t kAccountsMovedOut = 6;

  // Copies the rows of users, sessions and audit_log, when the register file still has
  // those tables, into the accounts file, in one transaction of that file. Rows already
  // there are kept (INSERT OR IGNORE), so running it again after a crash copies nothing
  // twice. The audit records moved keep their unkeyed hashes: they are marked legacy with
  // region 0, and their number is kept as meta 'legacy_records'.
  Status MoveAccountsOut() {
    auto present =
        ScalarInt("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'audit_log'");
    if (!present.ok()) return present.error();
    if (*present == 0) return Status::Ok();
    {
      auto attach = db_.Prepare("ATTACH DATABASE ? AS accounts");
      if (!attach.ok()) return attach.error();
      attach->Bind(1, accounts_->path());
      FUPIN_RETURN_IF_ERROR(attach->Run());
    }
    Status s = db_.Exec(
        "BEGIN IMMEDIATE;"
        "INSERT OR IGNORE INTO accounts.users(username, role, region_code, disabled, "
        "  password_hash, failed_logins, locked_until, created_at) "
        "  SELECT username, role, region_code, disabled, password_hash, failed_logins, "
        "  locked_until, created_at FROM main.users;"
        "INSERT OR IGNORE INTO accounts.sessions(token_hash, username, created_at, expires_at) "
        "  SELECT token_hash, username, created_at, expires_at FROM main.sessions;"
        "INSERT OR IGNORE INTO accounts.audit_log(seq, at, actor, role, action, target, detail, "
        "  remote, region_code, legacy, prev_hash, hash) "
        "  SELECT seq, at, actor, role, action, target, detail, remote, 0, 1, prev_hash, hash "
        "  FROM main.audit_log;"
        "INSERT OR REPLACE INTO accounts.meta(key, value) "
        "  SELECT 'legacy_records', CAST(count(*) AS TEXT) FROM accounts.audit_log "
        "  WHERE legacy = 1;"
        "COMMIT;");
    if (!s.ok()) (void)db_.Exec("ROLLBACK");
    (void)db_.Exec("DETACH DATABASE accounts");
    return s;
  }

  Status Begin() override {
    assert(!in_transaction_);
    // While a table that was empty gets rows, only this transaction's keys can clash.
    auto households = ScalarInt("SELECT EXISTS (SELECT 1 FROM households)");
    if (!households.ok()) return households.error();
    if (*households == 0) rollback_journal_ = UseRollbackJournal();
    if (Status s = db_.Exec("BEGIN IMMEDIATE"); !s.ok()) {
      UseWal();
      return s;
    }
    in_transaction_ = true;
    households = ScalarInt("SELECT EXISTS (SELECT 1 FROM households)");
    auto persons = ScalarInt("SELECT EXISTS (SELECT 1 FROM person_index)");
    if (!households.ok() || !persons.ok()) {
      Rollback();
      return households.ok() ? persons.error() : households.error();
    }
    households_were_empty_ = *households == 0;
    persons_were_empty_ = *persons == 0;
    return Status::Ok();
  }
  Status Commit() override {
    assert(in_transaction_);
    Status s = FlushWrites();
    // The register index (service/register_index) is rebuilt when this value changes: a
    // fresh random one with every change, so that a restored copy of the database can never
    // repeat it (a counter could).
    if (s.ok() && register_changed_) {
      s = db_.Exec(
          "UPDATE meta SET value = lower(hex(randomblob(16))) WHERE key = "
          "'register_generation'");
    }
    // The audit records of the change go first, in a short transaction of the accounts
    // file: when that fails, the change is rolled back; when the register's COMMIT fails
    // after it, a record says so (storage/accounts.h AppendAudit).
    if (s.ok()) s = accounts_->WriteStaged();
    if (!s.ok()) {
      Rollback();
      return s;
    }
    if (s = db_.Exec("COMMIT"); !s.ok()) {
      accounts_->AfterRegisterCommitFailed(s.error());
      Rollback();
      return s;
    }
    accounts_->DropStaged();
    ClearWrites();
    in_transaction_ = false;
    register_changed_ = false;
    UseWal();
    return Status::Ok();
  }
  void Rollback() override {
    if (accounts_) accounts_->DropStaged();
    ClearWrites();
    register_changed_ = false;
    if (in_transaction_) (void)db_.Exec("ROLLBACK");
    in_transaction_ = false;
    UseWal();
  }
  bool in_transaction() const override { return in_transaction_; }
  AccountStore& accounts() override { return *accounts_; }
  CompareStore& compare() override { return *compare_; }
  CaseStore& cases() override { return *cases_; }
  CareStore& care() override { return *care_; }
  HelperStore& helpers() override { return *helpers_; }

  Result<std::string> RegisterStamp() override {
    auto stmt = db_.Prepare(
        "SELECT (SELECT value FROM meta WHERE key = 'database_id') || ':' || "
        "(SELECT value FROM meta WHERE key = 'register_generation')");
    if (!stmt.ok()) return stmt.error();
    auto row = stmt->Step();
    if (!row.ok()) return row.error();
    return stmt->Text(0);
  }
  std::string file_path() const override { return db_.path(); }
  const StoreOptions& options() const override { return options_; }

  Status ScanPersons(const std::function<void(const PersonRow&)>& fn) override {
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
    auto* s =
        Cached(get_region_, "SELECT code, name, rural_population FROM regions WHERE code = ?");
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
    auto stmt = db_.Prepare(
        "SELECT code FROM regions WHERE code >= ? AND code < ? AND level = 5 "
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

  Result<std::optional<std::string>> FindPerson(int id_type, const std::string& id) override {
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

  Result<bool> HasPersons() override {
    FUPIN_RETURN_IF_ERROR(FlushWrites());
    auto n = ScalarInt("SELECT EXISTS (SELECT 1 FROM person_index)");
    if (!n.ok()) return n.error();
    return *n != 0;
  }

  Status InsertHousehold(const Household& h, int64_t version,
                         const std::string& batch_id) override {
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
    FUPIN_RETURN_IF_ERROR(s.EndRow(db_));

    persons_.AddOwner(county, h.household_code);
    for (size_t i = 0; i < h.members.size(); ++i) {
      const Member& x = h.members[i];
      FUPIN_RETURN_IF_ERROR(AddMemberRow(county, h.household_code, static_cast<int>(i + 1), x));
      persons_.Add(x.id_type, x.id_number, person_keys_in_[i].packed);
    }
    return Status::Ok();
  }

  Status UpdateHousehold(const StoredHousehold& stored, const Household& h, int64_t version,
                         const std::string& batch_id) override {
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

  Status RemovePersons(const Household& old, const Household& h) override {
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

  Status DeleteHousehold(RegionCode county, const std::string& code) override {
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

  Status AppendHistory(const std::vector<HistoryEntry>& entries) override {
    assert(in_transaction_);
    for (const auto& e : entries) {
      history_rows_.Int(e.county.value()).Text(e.household_code).Text(e.at).Text(e.actor);
      history_rows_.Text(e.source).Text(e.field).Text(e.old_value).Text(e.new_value);
      FUPIN_RETURN_IF_ERROR(history_rows_.EndRow(db_));
    }
    return Status::Ok();
  }

  Result<std::vector<HistoryEntry>> History(const std::string& household_code) override {
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

  Status ForEachHousehold(RegionCode region,
                          const std::function<Status(const Household&)>& fn) override {
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

  Status ScanHouseholds(RegionCode region, HouseholdPool pool,
                        const std::function<Status(Household&, int64_t)>& fn) override {
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

  Status LoadMembers(Household& h) override {
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

  Result<HouseholdPage> SearchHouseholds(const HouseholdQuery& q) override {
    // Per-capita net income as IncomeFigures::PerCapita computes it (net ÷ members,
    // rounded half away from zero, in fen); sqlite_store_test checks they agree.
    static constexpr std::string_view kNet =
        "(wage_income + business_income - business_cost + property_income + transfer_income)";
    const std::string per_capita =
        "(CASE WHEN member_count <= 0 THEN 0 WHEN " + std::string(kNet) + " >= 0 THEN (2 * " +
        std::string(kNet) + " + member_count) / (2 * member_count) ELSE -((2 * -" +
        std::string(kNet) + " + member_count) / (2 * member_count)) END)";
    int64_t county_lo, county_hi;
    if (q.region.level() >= RegionLevel::kCounty) {
      county_lo = q.region.county().value();
      county_hi = county_lo + 1;
    } else {
      county_lo = q.region.subtree_lo();
      county_hi = q.region.subtree_hi();
    }
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
    auto count = db_.Prepare("SELECT count(*) FROM households" + where);
    if (!count.ok()) return count.error();
    {
      int i = 1;
      for (auto& b : binds) b(*count, i);
    }
    auto counted = count->Step();
    if (!counted.ok()) return counted.error();
    HouseholdPage page;
    page.total = count->Int(0);
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
    auto rows = db_.Prepare("SELECT " + std::string(kHouseholdColumns) + " FROM households" +
                            where + " ORDER BY " + order + " LIMIT ? OFFSET ?");
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
    return page;
  }

  Status ApplyAggregateDeltas(const AggregateDeltas& deltas) override {
    assert(in_transaction_);
    auto* s = Cached(apply_delta_, sqlite::kApplyDeltaSql);
    if (!s) return last_error_;
    for (const auto& [key, delta] : deltas) {
      if (delta == 0) continue;
      s->Bind(1, key.first).Bind(2, key.second).Bind(3, delta);
      FUPIN_RETURN_IF_ERROR(s->Run());
    }
    return Status::Ok();
  }

  Result<std::map<std::string, int64_t>> Aggregates(RegionCode region) override {
    auto* s =
        Cached(aggregates_, "SELECT metric, value FROM region_aggregates WHERE region_code = ?");
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
        "households_created, households_updated, members, rejected, households_unchanged) "
        "VALUES (?,?,?,?,?,?,?,?,?,?)");
    if (!stmt.ok()) return stmt.error();
    stmt->Bind(1, b.id).Bind(2, b.started_at).Bind(3, b.finished_at).Bind(4, b.actor);
    stmt->Bind(5, b.sources).Bind(6, b.households_created).Bind(7, b.households_updated);
    stmt->Bind(8, b.members).Bind(9, b.rejected).Bind(10, b.households_unchanged);
    return stmt->Run();
  }

 private:
  static constexpr std::string_view kHouseholdKey =
      "households.county_code, households.household_code";
  static constexpr std::string_view kPersonKey = "person_index.id_type, person_index.id_number";

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

  // A transaction that begins on an empty register (the first import, a regions load)
  // goes through a rollback journal instead of the WAL. The WAL would hold every page of
  // a large load and then copy it into the database at the checkpoint, and looking pages
  // up in a WAL of gigabytes slows every read of the transaction; a rollback journal
  // holds only the few pages that existed before, and pages added at the end of the file
  // are written once. Readers are locked out while it commits, or while pages spill from
  // the cache, but an empty register has nothing to read. synchronous=FULL keeps the
  // rollback journal safe against a power cut (NORMAL would not, there); a crash or an
  // interruption leaves the register as it was, as with the WAL. When another
  // connection has the database open, the mode cannot change and the WAL is used.
  bool UseRollbackJournal() {
    auto stmt = db_.Prepare("PRAGMA journal_mode=DELETE");
    if (!stmt.ok()) return false;
    auto row = stmt->Step();
    const bool changed = row.ok() && *row && stmt->TextView(0) == "delete";
    stmt->Reset();
    if (changed && !db_.Exec("PRAGMA synchronous=FULL").ok()) {
      (void)db_.Exec("PRAGMA journal_mode=WAL");
      return false;
    }
    return changed;
  }
  void UseWal() {
    if (!rollback_journal_) return;
    rollback_journal_ = false;
    (void)db_.Exec("PRAGMA synchronous=NORMAL");
    (void)db_.Exec("PRAGMA journal_mode=WAL");
  }

  // Whether a prepared statement with bound keys finds a row (and resets it).
  static Result<bool> Exists(Statement& s) {
    auto row = s.Step();
    if (!row.ok()) return row.error();
    s.Reset();
    return *row;
  }

  // E_CONFLICT when the household's key is taken: by a row of this transaction (their
  // fingerprints tell which keys may be) or by one that was there before.
  Status CheckNewHousehold(int64_t county, const std::string& code, uint64_t fingerprint) {
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

  // The same for the person_index key of members[i] (the earlier members of the household
  // are not written yet).
  Status CheckNewPerson(const std::vector<Member>& members, size_t i, uint64_t fingerprint) {
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

  // Whether `members` has a member with the ID number of `x`.
  static bool HasId(const std::vector<Member>& members, const Member& x) {
    for (const Member& m : members) {
      if (m.id_type == x.id_type && m.id_number == x.id_number) return true;
    }
    return false;
  }

  // A members row into the batch.
  Status AddMemberRow(int64_t county, const std::string& code, int seq, const Member& x) {
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

  Status FlushPersons() {
    if (persons_.empty()) return Status::Ok();
    return persons_.Flush(db_, person_rows_);
  }

  // Writes the rows waiting in batches; before anything reads the tables, and at commit.
  Status FlushWrites() {
    if (!in_transaction_) return Status::Ok();
    FUPIN_RETURN_IF_ERROR(households_rows_.Flush(db_));
    FUPIN_RETURN_IF_ERROR(members_rows_.Flush(db_));
    FUPIN_RETURN_IF_ERROR(history_rows_.Flush(db_));
    return FlushPersons();
  }

  void ClearWrites() {
    for (auto* rows : {&households_rows_, &members_rows_, &history_rows_, &person_rows_}) {
      rows->Clear();
    }
    persons_.Clear();
    household_keys_.Clear();
    person_keys_.Clear();
  }

  Database db_;
  StoreOptions options_;
  std::unique_ptr<SqliteAccountStore> accounts_;  // its own file; destroyed first
  std::unique_ptr<CompareStore> compare_;         // on db_; destroyed first
  std::unique_ptr<CaseStore> cases_;              // on db_; destroyed first
  std::unique_ptr<CareStore> care_;               // on db_; destroyed first
  std::unique_ptr<HelperStore> helpers_;          // on db_; destroyed first
  bool in_transaction_ = false;
  bool register_changed_ = false;  // households written in this transaction
  Error last_error_;
  std::unique_ptr<Statement> upsert_region_, set_population_, get_region_, find_household_,
      find_members_, find_person_, household_exists_, person_exists_, member_ids_, delete_person_,
      delete_members_, delete_household_, apply_delta_, aggregates_, update_household_,
      update_household_indexed_, update_member_, delete_members_after_;
  std::vector<std::pair<int, std::string>> deleted_ids_;  // DeleteHousehold's

  // Writes of the transaction that have not reached the tables yet.
  sqlite::BatchInsert households_rows_{"households", kHouseholdColumns, kHouseholdColumnCount};
  sqlite::BatchInsert members_rows_{"members", kMemberColumns, kMemberColumnCount};
  sqlite::BatchInsert history_rows_{
      "household_history",
      "county_code, household_code, at, actor, source, field, old_value, new_value", 8};
  sqlite::BatchInsert person_rows_{"person_index",
                                   "id_type, id_number, county_code, household_code", 4};
  PendingPersons persons_;
  // Fingerprints of the keys written in the transaction, and whether the tables were empty
  // when it began (then no other key can clash).
  FingerprintSet household_keys_, person_keys_;
  struct PersonKey {
    std::optional<uint64_t> packed;
    uint64_t fingerprint;
  };
  std::vector<PersonKey> person_keys_in_;  // InsertHousehold's, for each member
  bool households_were_empty_ = false, persons_were_empty_ = false;
  bool rollback_journal_ = false;  // this transaction's (see UseRollbackJournal)

 public:
  ~SqliteStore() override {
    Rollback();
    accounts_.reset();
    compare_.reset();
    cases_.reset();
    care_.reset();
    helpers_.reset();
    // Statements must be finalised before the connection closes.
    for (auto* slot :
         {&upsert_region_, &set_population_, &get_region_, &find_household_, &find_members_,
          &find_person_, &household_exists_, &person_exists_, &member_ids_, &delete_person_,
          &delete_members_, &delete_household_, &apply_delta_, &aggregates_, &update_household_,
          &update_household_indexed_, &update_member_, &delete_members_after_}) {
      slot->reset();
    }
    for (auto* rows : {&households_rows_, &members_rows_, &history_rows_, &person_rows_}) {
      rows->Finalize();
    }
  }
};

}  // namespace

Result<std::unique_ptr<Store>> OpenSqliteStore(const std::string& path, Store::OpenMode mode,
                                               const StoreOptions& options) {
  const bool create = mode == Store::OpenMode::kCreate;
  auto db = Database::Open(path, create, options.busy_timeout_ms);
  if (!db.ok()) return db.error();
  auto store = std::make_unique<SqliteStore>(std::move(db).value(), options);
  if (Status s = store->Configure(); !s.ok()) return s.error();
  if (!create) {
    auto version = store->SchemaVersion();
    if (!version.ok()) return version.error();
    if (*version < static_cast<int>(sqlite::Migrations().size())) return NoSchema(path);
  }
  SqliteStore* raw = store.get();
  auto accounts =
      SqliteAccountStore::Open(AccountsPath(path), create, options.accounts_busy_timeout_ms,
                               [raw] { return raw->in_transaction(); });
  if (!accounts.ok()) return accounts.error();
  if (!create) {
    auto version = (*accounts)->SchemaVersion();
    if (!version.ok()) return version.error();
    if (*version < SqliteAccountStore::CurrentVersion()) return NoSchema(path);
  }
  store->SetAccounts(std::move(accounts).value());
  return std::unique_ptr<Store>(std::move(store));
}

Result<std::unique_ptr<Store>> Store::Open(const std::string& url, OpenMode mode,
                                           const StoreOptions& options) {
  std::string path = url;
  if (url.starts_with("sqlite:")) path = url.substr(7);
  if (url.starts_with("postgresql://") || url.starts_with("postgres://")) {
    return Error::Usage("暂不支持 PostgreSQL 数据库地址：请使用 sqlite:路径",
                        "PostgreSQL URLs are not supported yet: use sqlite:PATH");
  }
  if (path.empty()) {
    return Error::Usage("数据库路径为空", "the database path is empty");
  }
  return OpenSqliteStore(path, mode, options);
}

}  // namespace fupin
