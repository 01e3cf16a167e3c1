#include "storage/sqlite/sqlite_accounts.h"

#include <sqlite3.h>

#include <cassert>
#include <string_view>
#include <utility>
#include <vector>

#include "storage/sqlite/schema.h"

namespace fupin {
namespace {

using sqlite::Database;
using sqlite::Statement;

constexpr std::string_view kUserColumns =
    "username, role, region_code, disabled, password_hash, failed_logins, locked_until, "
    "created_at";
constexpr std::string_view kAuditColumns =
    "seq, at, actor, role, action, target, detail, remote, region_code, legacy, prev_hash, hash";
const std::string kNoPreviousHash(64, '0');

UserRow ReadUser(const Statement& s) {
  UserRow u;
  u.username = s.Text(0);
  u.role = s.Text(1);
  u.region_code = s.Int(2);
  u.disabled = s.Int(3) != 0;
  u.password_hash = s.Text(4);
  u.failed_logins = s.Int(5);
  u.locked_until = s.Text(6);
  u.created_at = s.Text(7);
  return u;
}

AuditRow ReadAudit(const Statement& s) {
  AuditRow r;
  r.seq = s.Int(0);
  r.at = s.Text(1);
  r.actor = s.Text(2);
  r.role = s.Text(3);
  r.action = s.Text(4);
  r.target = s.Text(5);
  r.detail = s.Text(6);
  r.remote = s.Text(7);
  r.region_code = s.Int(8);
  r.legacy = s.Int(9) != 0;
  r.prev_hash = s.Text(10);
  r.hash = s.Text(11);
  return r;
}

}  // namespace

Result<std::unique_ptr<SqliteAccountStore>> SqliteAccountStore::Open(
    const std::string& path, bool create, int busy_timeout_ms,
    std::function<bool()> register_in_transaction) {
  auto db = Database::Open(path, create, busy_timeout_ms);
  if (!db.ok()) return db.error();
  std::unique_ptr<SqliteAccountStore> store(
      new SqliteAccountStore(std::move(db).value(), std::move(register_in_transaction)));
  FUPIN_RETURN_IF_ERROR(store->db_.Exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"));
  return store;
}

SqliteAccountStore::~SqliteAccountStore() {
  Rollback();
  // Statements must be finalised before the connection closes.
  for (auto* slot :
       {&insert_user_, &get_user_, &update_user_, &insert_session_, &get_session_, &delete_session_,
        &delete_expired_, &append_audit_, &last_audit_, &generation_}) {
    slot->reset();
  }
}

int SqliteAccountStore::CurrentVersion() {
  return static_cast<int>(sqlite::AccountsMigrations().size());
}

Result<int> SqliteAccountStore::SchemaVersion() {
  auto stmt = db_.Prepare("PRAGMA user_version");
  if (!stmt.ok()) return stmt.error();
  auto row = stmt->Step();
  if (!row.ok()) return row.error();
  return static_cast<int>(stmt->Int(0));
}

Result<int> SqliteAccountStore::Migrate() {
  auto version = SchemaVersion();
  if (!version.ok()) return version.error();
  auto migrations = sqlite::AccountsMigrations();
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

Status SqliteAccountStore::InsertUser(const UserRow& u) {
  auto* s = Cached(insert_user_,
                   "INSERT INTO users(" + std::string(kUserColumns) + ") VALUES (?,?,?,?,?,?,?,?)");
  if (!s) return last_error_;
  s->Bind(1, u.username).Bind(2, u.role).Bind(3, u.region_code).Bind(4, u.disabled ? 1 : 0);
  s->Bind(5, u.password_hash).Bind(6, u.failed_logins).Bind(7, u.locked_until);
  s->Bind(8, u.created_at);
  return s->Run();
}

Result<std::optional<UserRow>> SqliteAccountStore::GetUser(const std::string& username) {
  auto* s =
      Cached(get_user_, "SELECT " + std::string(kUserColumns) + " FROM users WHERE username = ?");
  if (!s) return last_error_;
  s->Bind(1, username);
  auto row = s->Step();
  std::optional<UserRow> out;
  if (row.ok() && *row) out = ReadUser(*s);
  s->Reset();
  if (!row.ok()) return row.error();
  return out;
}

Result<std::vector<UserRow>> SqliteAccountStore::ListUsers() {
  auto s = db_.Prepare("SELECT " + std::string(kUserColumns) + " FROM users ORDER BY username");
  if (!s.ok()) return s.error();
  std::vector<UserRow> out;
  for (;;) {
    auto row = s->Step();
    if (!row.ok()) return row.error();
    if (!*row) break;
    out.push_back(ReadUser(*s));
  }
  return out;
}

Status SqliteAccountStore::UpdateUser(const UserRow& u) {
  auto* s = Cached(update_user_,
                   "UPDATE users SET role = ?, region_code = ?, disabled = ?, password_hash = ?, "
                   "failed_logins = ?, locked_until = ? WHERE username = ?");
  if (!s) return last_error_;
  s->Bind(1, u.role).Bind(2, u.region_code).Bind(3, u.disabled ? 1 : 0);
  s->Bind(4, u.password_hash).Bind(5, u.failed_logins).Bind(6, u.locked_until);
  s->Bind(7, u.username);
  FUPIN_RETURN_IF_ERROR(s->Run());
  if (sqlite3_changes(db_.handle()) == 0) {
    return Error::NotFound("用户不存在：" + u.username, "no such user: " + u.username);
  }
  return Status::Ok();
}

Status SqliteAccountStore::InsertSession(const SessionRow& session) {
  auto* s = Cached(insert_session_,
                   "INSERT INTO sessions(token_hash, username, created_at, expires_at) "
                   "VALUES (?,?,?,?)");
  if (!s) return last_error_;
  s->Bind(1, session.token_hash).Bind(2, session.username).Bind(3, session.created_at);
  s->Bind(4, session.expires_at);
  return s->Run();
}

Result<std::optional<SessionRow>> SqliteAccountStore::GetSession(const std::string& token_hash) {
  auto* s = Cached(get_session_,
                   "SELECT token_hash, username, created_at, expires_at FROM sessions "
                   "WHERE token_hash = ?");
  if (!s) return last_error_;
  s->Bind(1, token_hash);
  auto row = s->Step();
  std::optional<SessionRow> out;
  if (row.ok() && *row) out = SessionRow{s->Text(0), s->Text(1), s->Text(2), s->Text(3)};
  s->Reset();
  if (!row.ok()) return row.error();
  return out;
}

Result<int64_t> SqliteAccountStore::Generation() {
  auto* s = Cached(generation_, "SELECT value FROM account_generation WHERE id = 1");
  if (!s) return last_error_;
  auto row = s->Step();
  const int64_t value = row.ok() && *row ? s->Int(0) : 0;
  s->Reset();
  if (!row.ok()) return row.error();
  return value;
}

Status SqliteAccountStore::DeleteSession(const std::string& token_hash) {
  auto* s = Cached(delete_session_, "DELETE FROM sessions WHERE token_hash = ?");
  if (!s) return last_error_;
  s->Bind(1, token_hash);
  return s->Run();
}

Status SqliteAccountStore::DeleteUserSessions(const std::string& username) {
  auto s = db_.Prepare("DELETE FROM sessions WHERE username = ?");
  if (!s.ok()) return s.error();
  s->Bind(1, username);
  return s->Run();
}

Status SqliteAccountStore::DeleteExpiredSessions(const std::string& now) {
  auto* s = Cached(delete_expired_, "DELETE FROM sessions WHERE expires_at <= ?");
  if (!s) return last_error_;
  s->Bind(1, now);
  return s->Run();
}

Status SqliteAccountStore::WriteAudit(AuditRow& r, const AuditSeal& seal) {
  auto last = LastAudit();
  if (!last.ok()) return last.error();
  r.seq = last->has_value() ? (*last)->seq + 1 : 1;
  r.prev_hash = last->has_value() ? (*last)->hash : kNoPreviousHash;
  r.legacy = false;
  r.hash = seal(r);
  auto* s = Cached(append_audit_, "INSERT INTO audit_log(" + std::string(kAuditColumns) +
                                      ") VALUES (?,?,?,?,?,?,?,?,?,?,?,?)");
  if (!s) return last_error_;
  s->Bind(1, r.seq).Bind(2, r.at).Bind(3, r.actor).Bind(4, r.role).Bind(5, r.action);
  s->Bind(6, r.target).Bind(7, r.detail).Bind(8, r.remote).Bind(9, r.region_code);
  s->Bind(10, r.legacy ? 1 : 0).Bind(11, r.prev_hash).Bind(12, r.hash);
  return s->Run();
}

Status SqliteAccountStore::AppendAudit(AuditRow row, AuditSeal seal) {
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

Status SqliteAccountStore::WriteStaged() {
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

void SqliteAccountStore::AfterRegisterCommitFailed(const Error& error) {
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
  // Written at once: the register's transaction is still open (and about to roll back).
  if (in_transaction_ || !Begin().ok()) return;
  if (WriteAudit(row, seal).ok()) {
    (void)Commit();
  } else {
    Rollback();
  }
}

Status SqliteAccountStore::Begin() {
  assert(!in_transaction_);
  FUPIN_RETURN_IF_ERROR(db_.Exec("BEGIN IMMEDIATE"));
  in_transaction_ = true;
  return Status::Ok();
}

Status SqliteAccountStore::Commit() {
  assert(in_transaction_);
  if (Status s = db_.Exec("COMMIT"); !s.ok()) {
    Rollback();
    return s;
  }
  in_transaction_ = false;
  return Status::Ok();
}

void SqliteAccountStore::Rollback() {
  if (in_transaction_) (void)db_.Exec("ROLLBACK");
  in_transaction_ = false;
}

Result<std::optional<std::string>> SqliteAccountStore::GetMeta(const std::string& key) {
  auto s = db_.Prepare("SELECT value FROM meta WHERE key = ?");
  if (!s.ok()) return s.error();
  s->Bind(1, key);
  auto row = s->Step();
  if (!row.ok()) return row.error();
  if (!*row) return std::optional<std::string>();
  return std::optional<std::string>(s->Text(0));
}

Status SqliteAccountStore::PutMeta(const std::string& key, const std::string& value) {
  auto s = db_.Prepare("INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)");
  if (!s.ok()) return s.error();
  s->Bind(1, key).Bind(2, value);
  return s->Run();
}

Result<std::optional<AuditRow>> SqliteAccountStore::LastAudit() {
  auto* s = Cached(last_audit_, "SELECT " + std::string(kAuditColumns) +
                                    " FROM audit_log ORDER BY seq DESC LIMIT 1");
  if (!s) return last_error_;
  auto row = s->Step();
  std::optional<AuditRow> out;
  if (row.ok() && *row) out = ReadAudit(*s);
  s->Reset();
  if (!row.ok()) return row.error();
  return out;
}

Status SqliteAccountStore::ForEachAudit(const std::function<Status(const AuditRow&)>& fn) {
  auto s = db_.Prepare("SELECT " + std::string(kAuditColumns) + " FROM audit_log ORDER BY seq");
  if (!s.ok()) return s.error();
  for (;;) {
    auto row = s->Step();
    if (!row.ok()) return row.error();
    if (!*row) return Status::Ok();
    FUPIN_RETURN_IF_ERROR(fn(ReadAudit(*s)));
  }
}

Result<AuditPage> SqliteAccountStore::SearchAudit(const AuditQuery& q) {
  // Prefixes compare with substr, not LIKE, so that '%' and '_' in them match themselves.
  std::string where = " WHERE region_code >= ? AND region_code < ?";
  std::vector<std::string> params;
  auto filter = [&](const std::string& value, const char* sql, int uses) {
    if (value.empty()) return;
    where += sql;
    for (int i = 0; i < uses; ++i) params.push_back(value);
  };
  filter(q.actor, " AND actor = ?", 1);
  filter(q.action_prefix, " AND substr(action, 1, length(?)) = ?", 2);
  filter(q.target_prefix, " AND substr(target, 1, length(?)) = ?", 2);
  filter(q.since, " AND at >= ?", 1);
  filter(q.until, " AND at < ?", 1);
  auto bind = [&](Statement& s) {
    s.Bind(1, q.region_lo).Bind(2, q.region_hi);
    for (size_t i = 0; i < params.size(); ++i) s.Bind(static_cast<int>(i + 3), params[i]);
  };
  AuditPage page;
  {
    auto count = db_.Prepare("SELECT count(*) FROM audit_log" + where);
    if (!count.ok()) return count.error();
    bind(*count);
    auto row = count->Step();
    if (!row.ok()) return row.error();
    page.total = count->Int(0);
  }
  auto s = db_.Prepare("SELECT " + std::string(kAuditColumns) + " FROM audit_log" + where +
                       " ORDER BY seq" + (q.newest_first ? " DESC" : "") + " LIMIT ? OFFSET ?");
  if (!s.ok()) return s.error();
  bind(*s);
  const int next = static_cast<int>(params.size()) + 3;
  s->Bind(next, q.limit).Bind(next + 1, q.offset);
  for (;;) {
    auto row = s->Step();
    if (!row.ok()) return row.error();
    if (!*row) break;
    page.items.push_back(ReadAudit(*s));
  }
  return page;
}

Statement* SqliteAccountStore::Cached(std::unique_ptr<Statement>& slot, const std::string& sql) {
  if (!slot) {
    auto s = db_.Prepare(sql);
    if (!s.ok()) {
      last_error_ = s.error();
      return nullptr;
    }
    slot = std::make_unique<Statement>(std::move(s).value());
  }
  return slot.get();
}

}  // namespace fupin
