// Opening the PostgreSQL store, its migrations, transactions and RegisterStamp.
#include "storage/postgres/pg_store.h"

#include <cassert>
#include <memory>
#include <string>
#include <utility>

#include "storage/postgres/cluster/cluster.h"
#include "storage/postgres/pg_accounts.h"
#include "storage/postgres/pg_schema.h"
#include "storage/postgres/pg_store_impl.h"

namespace fupin {
namespace pg {
namespace {

// RegisterStamp's generation: a fresh random value in every commit that changed the
// register, so that no commit (nor a restored copy of the database) repeats one.
constexpr std::string_view kNewGenerationSql =
    "UPDATE meta SET value = replace(gen_random_uuid()::text, '-', '') "
    "WHERE key = 'register_generation'";
constexpr std::string_view kStampSql =
    "SELECT (SELECT value FROM meta WHERE key = 'database_id') || ':' || "
    "(SELECT value FROM meta WHERE key = 'register_generation')";
constexpr std::string_view kCountyLockSql = "SELECT pg_advisory_xact_lock($1::bigint)";

}  // namespace

PgStore::PgStore(std::unique_ptr<Connection> db, std::string url, StoreOptions options)
    : db_(std::move(db)), url_(std::move(url)), options_(std::move(options)) {}

PgStore::~PgStore() {
  Rollback();
  accounts_.reset();
  compare_.reset();
  cases_.reset();
  care_.reset();
  helpers_.reset();
  funds_.reset();
  complaints_.reset();
  projects_.reset();
  loans_.reset();
}

Result<int> PgStore::Migrate() { return pg::Migrate(*db_); }

Status PgStore::Begin() {
  assert(!in_transaction_);
  // READ COMMITTED with county locks (pg_store_impl.h); a lock waited for longer than the
  // busy timeout is E_BUSY.
  // On a cluster, read before BEGIN (SetCluster): a commit between the two changes the
  // generation read with it, which CountyLock notices as after a Begin.
  if (cluster_) FUPIN_RETURN_IF_ERROR(ReadEmptiness(/*at_begin=*/true));
  FUPIN_RETURN_IF_ERROR(
      db_->Exec("BEGIN ISOLATION LEVEL READ COMMITTED; SET LOCAL lock_timeout = " +
                std::to_string(options_.busy_timeout_ms)));
  in_transaction_ = true;
  if (Status s = cluster_ ? Status::Ok() : ReadEmptiness(/*at_begin=*/true); !s.ok()) {
    Rollback();
    return s;
  }
  return Status::Ok();
}

Status PgStore::ReadEmptiness(bool at_begin) {
  auto empty = db_->Query(
      "SELECT EXISTS (SELECT 1 FROM households), EXISTS (SELECT 1 FROM person_index), "
      "(SELECT value FROM meta WHERE key = 'register_generation')");
  if (!empty.ok()) return empty.error();
  if (at_begin) {
    households_were_empty_ = !empty->Bool(0, 0);
    persons_were_empty_ = !empty->Bool(0, 1);
    // Keys of new households are looked up in batches only in tables that had rows at
    // Begin (an import into a register in use); see CheckNewHousehold.
    defer_household_checks_ = !households_were_empty_;
    defer_person_checks_ = !persons_were_empty_;
    begin_generation_ = empty->Text(0, 2);
    return Status::Ok();
  }
  const std::string_view generation = empty->TextView(0, 2);
  if (generation != begin_generation_) {
    // Another writer committed households since Begin: its keys may clash with ours.
    households_were_empty_ = persons_were_empty_ = false;
  }
  if (!stamp_generation_.empty() && generation != stamp_generation_) {
    // The caller read RegisterStamp in this transaction to trust households it read
    // before (UpdateHousehold's `stored`); they may have changed since: as SQLite's
    // writer that cannot have its lock, "try again" (the retry reads them again).
    return Error{"E_BUSY", "数据库正忙，请稍后再试：另一处刚修改了登记册（county lock）",
                 "the database is busy: try again shortly (the register was changed by another "
                 "writer meanwhile; county lock)"};
  }
  return Status::Ok();
}

Status PgStore::Commit() {
  assert(in_transaction_);
  Status s = FlushWrites();
  if (s.ok()) s = RestoreIndexes();
  if (s.ok()) s = FlushAggregates();
  if (s.ok() && register_changed_) {
    auto updated = db_->Run(kNewGenerationSql);
    if (!updated.ok()) s = updated.error();
  }
  // The audit records of the change go first, in a short transaction of the accounts'
  // connection: when that fails, the change is rolled back; when the register's COMMIT
  // fails after it, a record says so (storage/accounts.h AppendAudit).
  if (s.ok()) s = accounts_->WriteStaged();
  if (!s.ok()) {
    Rollback();
    return s;
  }
  if (s = db_->Commit(); !s.ok()) {
    accounts_->AfterRegisterCommitFailed(s.error());
    in_transaction_ = db_->in_transaction();
    Rollback();
    return s;
  }
  accounts_->DropStaged();
  ClearWrites();
  in_transaction_ = false;
  register_changed_ = false;
  if (cluster_ && regions_changed_) {
    // The shards' copies of the regions (DESIGN.md Storage, rule 5), after the commit: a
    // failure leaves the coordinator's change made, and says how to copy them again.
    regions_changed_ = false;
    if (Status copied = cluster::SyncDictionaries(url_); !copied.ok()) {
      Error e = copied.error();
      e.zh = "区划已保存在协调节点，但复制到分片失败（运行 fupin cluster check --fix 重新复制）：" +
             e.zh;
      e.en =
          "the regions are saved on the coordinator but copying them to the shards failed "
          "(`fupin cluster check --fix` copies them again): " +
          e.en;
      return e;
    }
  }
  return Status::Ok();
}

void PgStore::Rollback() {
  if (accounts_) accounts_->DropStaged();
  ClearWrites();
  register_changed_ = false;
  regions_changed_ = false;
  // The rollback brings the deferred indexes back (pg_bulk.cc).
  indexes_deferred_ = false;
  deferred_indexes_.clear();
  if (in_transaction_ || db_->in_transaction()) (void)db_->Rollback();
  in_transaction_ = false;
}

Result<std::string> PgStore::RegisterStamp() {
  auto rows = db_->Query(kStampSql);
  if (!rows.ok()) return rows.error();
  std::string stamp = rows->Text(0, 0);
  // Read in a write transaction, the stamp vouches (on SQLite, whose writer holds the only
  // lock) that nothing changes until the commit. Here each county is locked when first
  // written: CountyLock then checks the generation is still this one (else E_BUSY).
  // Counties locked before this read are covered by the stamp itself (a commit to one of
  // them came before its lock, so before this read).
  if (in_transaction_ && stamp_generation_.empty()) {
    stamp_generation_ = stamp.substr(stamp.find(':') + 1);
  }
  return stamp;
}

Result<int64_t> PgStore::ScalarInt(const std::string& sql, const Params& params) {
  auto rows = db_->Query(sql, params);
  if (!rows.ok()) return rows.error();
  return rows->size() ? rows->Int(0, 0) : 0;
}

Statement* PgStore::Cached(std::unique_ptr<Statement>& slot, const std::string& sql) {
  if (!slot) {
    auto stmt = db_->Prepare(sql);
    if (!stmt.ok()) {
      last_error_ = stmt.error();
      return nullptr;
    }
    slot = std::make_unique<Statement>(std::move(stmt).value());
  }
  return slot.get();
}

Status PgStore::CountyLock(int64_t county) {
  assert(in_transaction_);
  if (locked_counties_.count(county)) return Status::Ok();
  auto* s = Cached(county_lock_, std::string(kCountyLockSql));
  if (!s) return last_error_;
  auto locked = s->Query(Params().Int(-county));
  if (!locked.ok()) return locked.error();
  locked_counties_.insert(county);
  // A writer may have committed households since Begin (while the lock was waited for, or
  // before): tables that were empty then may not be now, and keys are then looked up; and
  // households read before a RegisterStamp of this transaction may have changed.
  if (households_were_empty_ || persons_were_empty_ || !stamp_generation_.empty()) {
    FUPIN_RETURN_IF_ERROR(ReadEmptiness(false));
  }
  return Status::Ok();
}

void PgStore::ClearWrites() {
  pending_households_.clear();
  pending_members_.clear();
  pending_persons_.clear();
  pending_history_.clear();
  pending_owners_.clear();
  pending_person_keys_.clear();
  unchecked_households_.clear();
  unchecked_persons_.clear();
  pending_deltas_.clear();
  household_prints_.clear();
  person_prints_.clear();
  locked_counties_.clear();
  stamp_generation_.clear();
}

PgStore::ReadScope::~ReadScope() {
  if (own_) (void)store_.db_->Rollback();
}

Status PgStore::ReadScope::Enter() {
  if (store_.in_transaction_) return Status::Ok();
  FUPIN_RETURN_IF_ERROR(store_.db_->Exec("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"));
  own_ = true;
  return Status::Ok();
}

Cursor::~Cursor() {
  if (open_ && db_.in_transaction()) (void)db_.Exec("CLOSE " + name_);
}

Status Cursor::Open(const std::string& sql) {
  FUPIN_RETURN_IF_ERROR(db_.Exec("DECLARE " + name_ + " NO SCROLL CURSOR FOR " + sql));
  open_ = true;
  return Status::Ok();
}

Result<bool> Cursor::Next() {
  if (row_ + 1 < rows_.size()) {
    ++row_;
    return true;
  }
  if (done_) return false;
  constexpr int kBatch = 4096;
  auto rows = db_.Query("FETCH " + std::to_string(kBatch) + " FROM " + name_);
  if (!rows.ok()) return rows.error();
  rows_ = std::move(rows).value();
  row_ = 0;
  if (rows_.size() < kBatch) done_ = true;
  return rows_.size() > 0;
}

std::string Literal(std::string_view text) {
  std::string out = "'";
  for (char c : text) {
    if (c == '\'') out += '\'';
    out += c;
  }
  return out + "'";
}

}  // namespace pg

namespace {

Error NoSchema(const std::string& url) {
  return Error{"E_NO_SCHEMA", "数据库 " + url + " 尚未初始化或版本过旧。请先运行 fupin init",
               "the database " + url + " has no schema or an older one: run `fupin init` first"};
}

}  // namespace

std::string RedactedUrl(const std::string& url) {
  // scheme://user:password@host… → scheme://user@host…
  const size_t scheme = url.find("://");
  if (scheme == std::string::npos) return url;
  const size_t at = url.find('@', scheme + 3);
  if (at == std::string::npos) return url;
  const size_t colon = url.find(':', scheme + 3);
  if (colon == std::string::npos || colon > at) return url;
  return url.substr(0, colon) + url.substr(at);
}

Result<std::unique_ptr<Store>> OpenPgStore(const std::string& url, Store::OpenMode mode,
                                           const StoreOptions& options) {
  auto db = pg::Connection::Open(url);
  if (!db.ok()) return db.error();
  // The register's order is that of its codes' bytes (SQLite's), which the scans merge by.
  auto collation =
      (*db)->Query("SELECT datcollate FROM pg_database WHERE datname = current_database()");
  if (!collation.ok()) return collation.error();
  const std::string collate = collation->size() ? collation->Text(0, 0) : "";
  if (collate != "C" && collate != "POSIX" && !collate.starts_with("C.")) {
    return Error::Database(
        "PostgreSQL 数据库的排序规则须为 C（createdb --locale=C --template=template0）：" + collate,
        "the PostgreSQL database's collation must be C (createdb --locale=C "
        "--template=template0), not " +
            collate);
  }
  if (mode == Store::OpenMode::kCreate) {
    // Tables of fupin's schemas without fupin's version table are another program's.
    auto foreign = (*db)->Query(
        "SELECT to_regclass('fupin_schema') IS NULL AND EXISTS (SELECT 1 FROM pg_tables WHERE "
        "schemaname IN ('public', 'accounts'))");
    if (!foreign.ok()) return foreign.error();
    if (foreign->Bool(0, 0)) return ForeignDatabase(RedactedUrl(url));
  }
  if (mode == Store::OpenMode::kExisting) {
    for (auto [part, current] : {std::pair{"register", pg::Migrations().size()},
                                 std::pair{"accounts", pg::AccountsMigrations().size()}}) {
      auto version = pg::SchemaVersion(**db, part);
      if (!version.ok()) return version.error();
      if (*version < static_cast<int>(current)) return NoSchema(RedactedUrl(url));
    }
  }
  // A cluster's coordinator (storage/postgres/cluster/cluster.h; PgStore::SetCluster).
  auto cluster = (*db)->Query("SELECT to_regclass('cluster.nodes') IS NOT NULL");
  if (!cluster.ok()) return cluster.error();
  const bool is_cluster = cluster->Bool(0, 0);
  auto store = std::make_unique<pg::PgStore>(std::move(db).value(), url, options);
  store->SetCluster(is_cluster);
  pg::PgStore* raw = store.get();
  auto accounts = pg::PgAccountStore::Open(url, options.accounts_busy_timeout_ms,
                                           [raw] { return raw->in_transaction(); });
  if (!accounts.ok()) return accounts.error();
  store->SetAccounts(std::move(accounts).value());
  store->MakeSubStores();
  return std::unique_ptr<Store>(std::move(store));
}

}  // namespace fupin
