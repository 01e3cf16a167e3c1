// Opening the SQLite store: the connection's settings, the migrations (and moving the
// accounts tables out to their own file), transactions, and OpenSqliteStore (Store::Open,
// which picks the back end, is in ../store_open.cc).
#include "storage/sqlite/sqlite_store.h"

#include <cassert>
#include <memory>
#include <string>
#include <utility>

#include "storage/sqlite/crosscheck/sqlite_compare.h"
#include "storage/sqlite/funds/sqlite_funds.h"
#include "storage/sqlite/funds/sqlite_loans.h"     // 扶贫小额信贷 microcredit
#include "storage/sqlite/funds/sqlite_projects.h"  // project library
#include "storage/sqlite/procedures/sqlite_care.h"
#include "storage/sqlite/procedures/sqlite_cases.h"
#include "storage/sqlite/procedures/sqlite_complaints.h"  // 12317 complaints
#include "storage/sqlite/procedures/sqlite_helpers.h"
#include "storage/sqlite/schema.h"
#include "storage/sqlite/sqlite_accounts.h"
#include "storage/sqlite/sqlite_store_impl.h"

namespace fupin {
namespace sqlite {

SqliteStore::SqliteStore(Database db, StoreOptions options)
    : db_(std::move(db)),
      options_(std::move(options)),
      compare_(NewSqliteCompareStore(db_)),
      cases_(NewSqliteCaseStore(db_)),
      care_(NewSqliteCareStore(db_)),
      helpers_(NewSqliteHelperStore(db_)),
      funds_(NewSqliteFundStore(db_)),
      complaints_(NewSqliteComplaintStore(db_)),
      projects_(NewSqliteProjectStore(db_)),  // project library
      loans_(NewSqliteLoanStore(db_)) {}      // 扶贫小额信贷 microcredit

SqliteStore::~SqliteStore() {
  Rollback();
  accounts_.reset();
  compare_.reset();
  cases_.reset();
  care_.reset();
  helpers_.reset();
  funds_.reset();
  complaints_.reset();  // 12317 complaints
  projects_.reset();    // project library
  loans_.reset();       // 扶贫小额信贷 microcredit
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

Status SqliteStore::Configure() {
  // Reading the schema version is the first touch of the file: a file that is not a
  // database fails here.
  FUPIN_RETURN_IF_ERROR(
      db_.Exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; "
               "PRAGMA cache_size=-65536; PRAGMA temp_store=MEMORY;"));
  return Status::Ok();
}

Result<int> SqliteStore::SchemaVersion() {
  auto stmt = db_.Prepare("PRAGMA user_version");
  if (!stmt.ok()) return stmt.error();
  auto row = stmt->Step();
  if (!row.ok()) return row.error();
  return static_cast<int>(stmt->Int(0));
}

Result<int> SqliteStore::Migrate() {
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

Status SqliteStore::MoveAccountsOut() {
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

Status SqliteStore::Begin() {
  assert(!in_transaction_);
  const bool findings_batch = std::exchange(findings_batch_, false);
  // While a table that was empty gets rows, only this transaction's keys can clash.
  auto households = ScalarInt("SELECT EXISTS (SELECT 1 FROM households)");
  if (!households.ok()) return households.error();
  if (*households == 0 || findings_batch) rollback_journal_ = UseRollbackJournal();
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
  if (rollback_journal_ && households_were_empty_ && persons_were_empty_) {
    if (Status s = DeferIndexes(); !s.ok()) {
      Rollback();
      return s;
    }
  }
  return Status::Ok();
}

// A large batch of findings into a findings table that holds fewer (the first deaths list
// of a register: millions of rows) is a bulk load like the first import: through the
// rollback journal, when this connection is alone, its pages are written once instead of
// into the WAL and again at the checkpoint. The largest id bounds the findings stored
// (none is ever deleted).
Status SqliteStore::BeginAddingFindings(int64_t findings) {
  if (findings >= kBulkFindings) {
    // Rows and block findings (storage/sqlite/crosscheck/finding_blocks.h) alike.
    auto stored = ScalarInt(
        "SELECT max(coalesce((SELECT max(id) FROM findings), 0), coalesce((SELECT first_id + "
        "count - 1 FROM finding_id_map ORDER BY first_id DESC LIMIT 1), 0))");
    if (!stored.ok()) return stored.error();
    findings_batch_ = *stored < findings;
  }
  return Begin();
}

Status SqliteStore::Commit() {
  assert(in_transaction_);
  Status s = FlushWrites();
  if (s.ok()) s = RestoreIndexes();
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

void SqliteStore::Rollback() {
  if (accounts_) accounts_->DropStaged();
  deferred_indexes_.clear();  // the rollback brings them back
  ClearWrites();
  register_changed_ = false;
  if (in_transaction_) (void)db_.Exec("ROLLBACK");
  in_transaction_ = false;
  UseWal();
}

Result<std::string> SqliteStore::RegisterStamp() {
  auto stmt = db_.Prepare(
      "SELECT (SELECT value FROM meta WHERE key = 'database_id') || ':' || "
      "(SELECT value FROM meta WHERE key = 'register_generation')");
  if (!stmt.ok()) return stmt.error();
  auto row = stmt->Step();
  if (!row.ok()) return row.error();
  return stmt->Text(0);
}

Result<int64_t> SqliteStore::ScalarInt(const std::string& sql) {
  auto stmt = db_.Prepare(sql);
  if (!stmt.ok()) return stmt.error();
  auto row = stmt->Step();
  if (!row.ok()) return row.error();
  return *row ? stmt->Int(0) : 0;
}

Statement* SqliteStore::Cached(std::unique_ptr<Statement>& slot, const std::string& sql) {
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

bool SqliteStore::UseRollbackJournal() {
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

Status SqliteStore::DeferIndexes() {
  deferred_indexes_.clear();
  std::vector<std::string> names;
  {
    auto stmt = db_.Prepare(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND "
        "tbl_name IN ('households', 'household_history') ORDER BY name");
    if (!stmt.ok()) return stmt.error();
    FUPIN_RETURN_IF_ERROR(stmt->ForEachRow([&](const Statement& row) {
      names.push_back(row.Text(0));
      deferred_indexes_.push_back(row.Text(1));
    }));
  }
  for (const auto& name : names) {
    if (Status s = db_.Exec("DROP INDEX \"" + name + "\""); !s.ok()) {
      deferred_indexes_.clear();
      return s;
    }
  }
  return Status::Ok();
}

Status SqliteStore::RestoreIndexes() {
  std::vector<std::string> indexes = std::move(deferred_indexes_);
  deferred_indexes_.clear();
  return db_.CreateIndexes(indexes);
}

void SqliteStore::UseWal() {
  if (!rollback_journal_) return;
  rollback_journal_ = false;
  (void)db_.Exec("PRAGMA synchronous=NORMAL");
  (void)db_.Exec("PRAGMA journal_mode=WAL");
}

Status SqliteStore::FlushWrites() {
  if (!in_transaction_) return Status::Ok();
  FUPIN_RETURN_IF_ERROR(households_rows_.Flush(db_));
  FUPIN_RETURN_IF_ERROR(members_rows_.Flush(db_));
  FUPIN_RETURN_IF_ERROR(history_rows_.Flush(db_));
  return FlushPersons();
}

void SqliteStore::ClearWrites() {
  for (auto* rows : {&households_rows_, &members_rows_, &history_rows_, &person_rows_}) {
    rows->Clear();
  }
  persons_.Clear();
  household_keys_.Clear();
  person_keys_.Clear();
}

}  // namespace sqlite

namespace {

using sqlite::Database;
using sqlite::SqliteStore;

Error NoSchema(const std::string& path) {
  return Error{"E_NO_SCHEMA", "数据库 " + path + " 尚未初始化或版本过旧。请先运行 fupin init",
               "the database " + path + " has no schema or an older one: run `fupin init` first"};
}

}  // namespace

Result<std::unique_ptr<Store>> OpenSqliteStore(const std::string& path, Store::OpenMode mode,
                                               const StoreOptions& options) {
  const bool create = mode == Store::OpenMode::kCreate;
  auto db = Database::Open(path, create, options.busy_timeout_ms);
  if (!db.ok()) return db.error();
  if (create) {
    // Tables without a fupin schema version are another program's: nothing is written into
    // the file (not even its journal mode) nor beside it (the accounts file, the scratch
    // folder).
    auto foreign = db->Prepare(
        "SELECT (SELECT user_version FROM pragma_user_version) = 0 AND EXISTS (SELECT 1 FROM "
        "sqlite_master WHERE type = 'table')");
    if (!foreign.ok()) return foreign.error();
    auto row = foreign->Step();
    if (!row.ok()) return row.error();
    if (*row && foreign->Int(0) != 0) return ForeignDatabase(path);
  }
  // Before any other thread uses SQLite: the CLI and the server open their store first.
  sqlite::UseScratchFolderForTemporaryFiles(path);
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

}  // namespace fupin
