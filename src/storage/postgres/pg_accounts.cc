// PgAccountStore (pg_accounts.h): the accounts, sessions and audit trail in the schema
// `accounts`, on a connection of their own, behaving as sqlite/sqlite_accounts.cc.
//
// SQLite's accounts file has one writer at a time (BEGIN IMMEDIATE). Here every transaction
// of this store takes one transaction-level advisory lock (kAccountsLock) when it begins,
// waiting up to busy_timeout_ms (lock_timeout, then E_BUSY): writers of users, sessions and
// the audit trail follow one another as on SQLite, across servers, and an audit record's
// seq and prev_hash, read under that lock, are those of the last record committed — two
// servers appending at once still make one unbroken chain. Reads take no lock.
#include "storage/postgres/pg_accounts.h"

#include <cassert>
#include <limits>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "storage/postgres/pg_db.h"

namespace fupin::pg {
namespace {

// The accounts' writer lock ("fupin accounts"): negative, apart from the county locks
// (pg_store_impl.h, -county_code) and the migrations' lock.
constexpr int64_t kAccountsLock = -0x6163636f756e74;

const std::string kUserColumns =
    "username, role, region_code, disabled, password_hash, failed_logins, locked_until, "
    "created_at";
const std::string kAuditColumns =
    "seq, at, actor, role, action, target, detail, remote, region_code, legacy, prev_hash, hash";
const std::string kInsertUserSql =
    "INSERT INTO accounts.users(" + kUserColumns + ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8)";
const std::string kGetUserSql =
    "SELECT " + kUserColumns + " FROM accounts.users WHERE username = $1";
const std::string kListUsersSql =
    "SELECT " + kUserColumns + " FROM accounts.users ORDER BY username";
const std::string kUpdateUserSql =
    "UPDATE accounts.users SET role = $1, region_code = $2, disabled = $3, password_hash = $4, "
    "failed_logins = $5, locked_until = $6 WHERE username = $7";
const std::string kInsertSessionSql =
    "INSERT INTO accounts.sessions(token_hash, username, created_at, expires_at) "
    "VALUES ($1, $2, $3, $4)";
const std::string kGetSessionSql =
    "SELECT token_hash, username, created_at, expires_at FROM accounts.sessions "
    "WHERE token_hash = $1";
const std::string kDeleteSessionSql = "DELETE FROM accounts.sessions WHERE token_hash = $1";
const std::string kDeleteUserSessionsSql = "DELETE FROM accounts.sessions WHERE username = $1";
const std::string kDeleteExpiredSql = "DELETE FROM accounts.sessions WHERE expires_at <= $1";
const std::string kSessionExistsSql = "SELECT 1 FROM accounts.sessions WHERE token_hash = $1";
const std::string kUserSessionExistsSql =
    "SELECT 1 FROM accounts.sessions WHERE username = $1 LIMIT 1";
const std::string kExpiredExistsSql =
    "SELECT 1 FROM accounts.sessions WHERE expires_at <= $1 LIMIT 1";
const std::string kGenerationSql = "SELECT value FROM accounts.account_generation WHERE id = 1";
const std::string kAppendAuditSql = "INSERT INTO accounts.audit_log(" + kAuditColumns +
                                    ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)";
const std::string kLastAuditSql =
    "SELECT " + kAuditColumns + " FROM accounts.audit_log ORDER BY seq DESC LIMIT 1";
const std::string kGetMetaSql = "SELECT value FROM accounts.meta WHERE key = $1";
const std::string kPutMetaSql =
    "INSERT INTO accounts.meta(key, value) VALUES ($1, $2) "
    "ON CONFLICT (key) DO UPDATE SET value = excluded.value";
const std::string kForEachAuditSql =
    "SELECT " + kAuditColumns + " FROM accounts.audit_log ORDER BY seq";
const std::string kNoPreviousHash(64, '0');

UserRow ReadUser(const Rows& s, int r) {
  UserRow u;
  u.username = s.Text(r, 0);
  u.role = s.Text(r, 1);
  u.region_code = s.Int(r, 2);
  u.disabled = s.Bool(r, 3);
  u.password_hash = s.Text(r, 4);
  u.failed_logins = s.Int(r, 5);
  u.locked_until = s.Text(r, 6);
  u.created_at = s.Text(r, 7);
  return u;
}

AuditRow ReadAudit(const Rows& s, int r) {
  AuditRow a;
  a.seq = s.Int(r, 0);
  a.at = s.Text(r, 1);
  a.actor = s.Text(r, 2);
  a.role = s.Text(r, 3);
  a.action = s.Text(r, 4);
  a.target = s.Text(r, 5);
  a.detail = s.Text(r, 6);
  a.remote = s.Text(r, 7);
  a.region_code = s.Int(r, 8);
  a.legacy = s.Bool(r, 9);
  a.prev_hash = s.Text(r, 10);
  a.hash = s.Text(r, 11);
  return a;
}

Status Done(const Result<int64_t>& run) { return run.ok() ? Status::Ok() : Status(run.error()); }

class PgAccountStoreImpl final : public PgAccountStore {
 public:
  PgAccountStoreImpl(std::unique_ptr<Connection> db, int busy_timeout_ms,
                     std::function<bool()> register_in_transaction)
      : db_(std::move(db)),
        busy_timeout_ms_(busy_timeout_ms),
        register_in_transaction_(std::move(register_in_transaction)) {}
  ~PgAccountStoreImpl() override { Rollback(); }

  Status WriteStaged() override {
    if (staged_.empty()) return Status::Ok();
    const bool own = !in_transaction_;
    if (own) FUPIN_RETURN_IF_ERROR(Begin());
    for (auto& [row, seal] : staged_) {
      if (Status s = WriteAudit(row, seal); !s.ok()) {
        if (own) Rollback();
        return s;
      }
    }
    if (own) FUPIN_RETURN_IF_ERROR(Commit());
    // Kept until the register's COMMIT has answered (AfterRegisterCommitFailed needs them).
    return Status::Ok();
  }

  void AfterRegisterCommitFailed(const Error& error) override {
    if (staged_.empty()) return;
    auto [last, seal] = staged_.back();
    const int64_t first_seq = staged_.front().first.seq;
    staged_.clear();
    AuditRow row = last;
    row.action = "audit.commit_failed";
    row.target = "seq " + std::to_string(first_seq) + "-" + std::to_string(last.seq);
    row.detail = "the register did not commit the change these records describe: " + error.en;
    for (char& c : row.detail) {
      if (static_cast<unsigned char>(c) < 0x20) c = ' ';
    }
    if (in_transaction_ || !Begin().ok()) return;
    if (WriteAudit(row, seal).ok()) {
      (void)Commit();
    } else {
      Rollback();
    }
  }

  void DropStaged() override { staged_.clear(); }

  Status Begin() override {
    assert(!in_transaction_);
    FUPIN_RETURN_IF_ERROR(
        db_->Exec("BEGIN ISOLATION LEVEL READ COMMITTED; SET LOCAL lock_timeout = " +
                  std::to_string(busy_timeout_ms_)));
    in_transaction_ = true;
    auto locked =
        db_->Query("SELECT pg_advisory_xact_lock($1::bigint)", Params().Int(kAccountsLock));
    if (!locked.ok()) {
      Rollback();
      return locked.error();
    }
    return Status::Ok();
  }

  Status Commit() override {
    assert(in_transaction_);
    if (Status s = db_->Commit(); !s.ok()) {
      Rollback();
      return s;
    }
    in_transaction_ = false;
    return Status::Ok();
  }

  void Rollback() override {
    if (in_transaction_ || db_->in_transaction()) (void)db_->Rollback();
    in_transaction_ = false;
  }

  bool in_transaction() const override { return in_transaction_; }

  Status InsertUser(const UserRow& u) override {
    auto* s = Cached(insert_user_, kInsertUserSql);
    if (!s) return last_error_;
    return Done(s->Run(Params()
                           .Text(u.username)
                           .Text(u.role)
                           .Int(u.region_code)
                           .Bool(u.disabled)
                           .Text(u.password_hash)
                           .Int(u.failed_logins)
                           .Text(u.locked_until)
                           .Text(u.created_at)));
  }

  Result<std::optional<UserRow>> GetUser(const std::string& username) override {
    auto* s = Cached(get_user_, kGetUserSql);
    if (!s) return last_error_;
    auto rows = s->Query(Params().Text(username));
    if (!rows.ok()) return rows.error();
    std::optional<UserRow> out;
    if (rows->size()) out = ReadUser(*rows, 0);
    return out;
  }

  Result<std::vector<UserRow>> ListUsers() override {
    auto rows = db_->Query(kListUsersSql);
    if (!rows.ok()) return rows.error();
    std::vector<UserRow> out;
    for (int r = 0; r < rows->size(); ++r) out.push_back(ReadUser(*rows, r));
    return out;
  }

  Status UpdateUser(const UserRow& u) override {
    auto* s = Cached(update_user_, kUpdateUserSql);
    if (!s) return last_error_;
    auto changed = s->Run(Params()
                              .Text(u.role)
                              .Int(u.region_code)
                              .Bool(u.disabled)
                              .Text(u.password_hash)
                              .Int(u.failed_logins)
                              .Text(u.locked_until)
                              .Text(u.username));
    if (!changed.ok()) return changed.error();
    if (*changed == 0) {
      return Error::NotFound("用户不存在：" + u.username, "no such user: " + u.username);
    }
    return Status::Ok();
  }

  Status InsertSession(const SessionRow& session) override {
    auto* s = Cached(insert_session_, kInsertSessionSql);
    if (!s) return last_error_;
    return Done(s->Run(Params()
                           .Text(session.token_hash)
                           .Text(session.username)
                           .Text(session.created_at)
                           .Text(session.expires_at)));
  }

  Result<std::optional<SessionRow>> GetSession(const std::string& token_hash) override {
    auto* s = Cached(get_session_, kGetSessionSql);
    if (!s) return last_error_;
    auto rows = s->Query(Params().Text(token_hash));
    if (!rows.ok()) return rows.error();
    std::optional<SessionRow> out;
    if (rows->size()) {
      out = SessionRow{rows->Text(0, 0), rows->Text(0, 1), rows->Text(0, 2), rows->Text(0, 3)};
    }
    return out;
  }

  // The deletes run only when a row matches: the generation's trigger is per statement
  // (pg_schema.cc), and a delete of nothing must not change it, as SQLite's per-row
  // triggers do not. (A row deleted by another server between the two statements changes
  // the generation once too often: a cache reloads, nothing is missed.)
  Status DeleteSession(const std::string& token_hash) override {
    auto* s = Cached(delete_session_, kDeleteSessionSql);
    if (!s) return last_error_;
    return DeleteIfAny(kSessionExistsSql, token_hash, *s);
  }

  Status DeleteUserSessions(const std::string& username) override {
    auto* s = Cached(delete_user_sessions_, kDeleteUserSessionsSql);
    if (!s) return last_error_;
    return DeleteIfAny(kUserSessionExistsSql, username, *s);
  }

  Status DeleteExpiredSessions(const std::string& now) override {
    auto* s = Cached(delete_expired_, kDeleteExpiredSql);
    if (!s) return last_error_;
    return DeleteIfAny(kExpiredExistsSql, now, *s);
  }

  Result<int64_t> Generation() override {
    auto* s = Cached(generation_, kGenerationSql);
    if (!s) return last_error_;
    auto rows = s->Query(Params());
    if (!rows.ok()) return rows.error();
    return rows->size() ? rows->Int(0, 0) : 0;
  }

  Status AppendAudit(AuditRow row, AuditSeal seal) override {
    if (in_transaction_) return WriteAudit(row, seal);
    if (register_in_transaction_ && register_in_transaction_()) {
      staged_.emplace_back(std::move(row), std::move(seal));
      return Status::Ok();
    }
    FUPIN_RETURN_IF_ERROR(Begin());
    if (Status s = WriteAudit(row, seal); !s.ok()) {
      Rollback();
      return s;
    }
    return Commit();
  }

  Result<std::optional<AuditRow>> LastAudit() override {
    auto* s = Cached(last_audit_, kLastAuditSql);
    if (!s) return last_error_;
    auto rows = s->Query(Params());
    if (!rows.ok()) return rows.error();
    std::optional<AuditRow> out;
    if (rows->size()) out = ReadAudit(*rows, 0);
    return out;
  }

  Result<std::optional<std::string>> GetMeta(const std::string& key) override {
    auto rows = db_->Query(kGetMetaSql, Params().Text(key));
    if (!rows.ok()) return rows.error();
    if (!rows->size()) return std::optional<std::string>();
    return std::optional<std::string>(rows->Text(0, 0));
  }

  Status PutMeta(const std::string& key, const std::string& value) override {
    return Done(db_->Run(kPutMetaSql, Params().Text(key).Text(value)));
  }

  Status ForEachAudit(const std::function<Status(const AuditRow&)>& fn) override {
    // In batches of seq: the trail may be long, and libpq holds a result whole.
    constexpr int kBatch = 10000;
    int64_t after = std::numeric_limits<int64_t>::min();
    for (;;) {
      auto rows = db_->Query("SELECT " + kAuditColumns +
                                 " FROM accounts.audit_log WHERE seq > $1 ORDER BY seq LIMIT " +
                                 std::to_string(kBatch),
                             Params().Int(after));
      if (!rows.ok()) return rows.error();
      for (int r = 0; r < rows->size(); ++r) {
        AuditRow a = ReadAudit(*rows, r);
        after = a.seq;
        FUPIN_RETURN_IF_ERROR(fn(a));
      }
      if (rows->size() < kBatch) return Status::Ok();
    }
  }

  Result<AuditPage> SearchAudit(const AuditQuery& q) override {
    // Prefixes compare with substr, not LIKE, so that '%' and '_' in them match themselves.
    Params params;
    params.Int(q.region_lo).Int(q.region_hi);
    int next = 2;
    auto param = [&] { return "$" + std::to_string(++next); };
    std::string where = " WHERE region_code >= $1 AND region_code < $2";
    if (!q.actor.empty()) {
      where += " AND actor = " + param();
      params.Text(q.actor);
    }
    if (!q.action_prefix.empty()) {
      const std::string p = param();
      where += " AND substr(action, 1, length(" + p + "::text)) = " + p;
      params.Text(q.action_prefix);
    }
    if (!q.target_prefix.empty()) {
      const std::string p = param();
      where += " AND substr(target, 1, length(" + p + "::text)) = " + p;
      params.Text(q.target_prefix);
    }
    if (!q.since.empty()) {
      where += " AND at >= " + param();
      params.Text(q.since);
    }
    if (!q.until.empty()) {
      where += " AND at < " + param();
      params.Text(q.until);
    }
    AuditPage page;
    {
      auto rows = db_->Query("SELECT count(*) FROM accounts.audit_log" + where, params);
      if (!rows.ok()) return rows.error();
      page.total = rows->Int(0, 0);
    }
    std::string sql = "SELECT " + kAuditColumns + " FROM accounts.audit_log" + where +
                      " ORDER BY seq" + (q.newest_first ? " DESC" : "") + " LIMIT " + param();
    sql += " OFFSET " + param();
    params.Int(q.limit).Int(q.offset);
    auto rows = db_->Query(sql, params);
    if (!rows.ok()) return rows.error();
    for (int r = 0; r < rows->size(); ++r) page.items.push_back(ReadAudit(*rows, r));
    return page;
  }

 private:
  // Numbers, links, seals and inserts `row`; the accounts' lock must be held (Begin).
  Status WriteAudit(AuditRow& r, const AuditSeal& seal) {
    auto last = LastAudit();
    if (!last.ok()) return last.error();
    r.seq = last->has_value() ? (*last)->seq + 1 : 1;
    r.prev_hash = last->has_value() ? (*last)->hash : kNoPreviousHash;
    r.legacy = false;
    r.hash = seal(r);
    auto* s = Cached(append_audit_, kAppendAuditSql);
    if (!s) return last_error_;
    return Done(s->Run(Params()
                           .Int(r.seq)
                           .Text(r.at)
                           .Text(r.actor)
                           .Text(r.role)
                           .Text(r.action)
                           .Text(r.target)
                           .Text(r.detail)
                           .Text(r.remote)
                           .Int(r.region_code)
                           .Bool(r.legacy)
                           .Text(r.prev_hash)
                           .Text(r.hash)));
  }

  Status DeleteIfAny(const std::string& exists_sql, const std::string& key, Statement& remove) {
    auto any = db_->Query(exists_sql, Params().Text(key));
    if (!any.ok()) return any.error();
    if (!any->size()) return Status::Ok();
    return Done(remove.Run(Params().Text(key)));
  }

  Statement* Cached(std::unique_ptr<Statement>& slot, const std::string& sql) {
    if (!slot) {
      auto s = db_->Prepare(sql);
      if (!s.ok()) {
        last_error_ = s.error();
        return nullptr;
      }
      slot = std::make_unique<Statement>(std::move(s).value());
    }
    return slot.get();
  }

  std::unique_ptr<Connection> db_;
  int busy_timeout_ms_;
  std::function<bool()> register_in_transaction_;
  bool in_transaction_ = false;
  std::vector<std::pair<AuditRow, AuditSeal>> staged_;
  Error last_error_;
  std::unique_ptr<Statement> insert_user_, get_user_, update_user_, insert_session_, get_session_,
      delete_session_, delete_user_sessions_, delete_expired_, append_audit_, last_audit_,
      generation_;
};

}  // namespace

Result<std::unique_ptr<PgAccountStore>> PgAccountStore::Open(
    const std::string& url, int busy_timeout_ms, std::function<bool()> register_in_transaction) {
  auto db = Connection::Open(url);
  if (!db.ok()) return db.error();
  return std::unique_ptr<PgAccountStore>(new PgAccountStoreImpl(
      std::move(db).value(), busy_timeout_ms, std::move(register_in_transaction)));
}

}  // namespace fupin::pg
