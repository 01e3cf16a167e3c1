#include "storage/sqlite/sqlite_accounts.h"

#include <sqlite3.h>

#include <string_view>
#include <utility>
#include <vector>

namespace fupin {
namespace {

using sqlite::Database;
using sqlite::Statement;

constexpr std::string_view kUserColumns =
    "username, role, region_code, disabled, password_hash, failed_logins, locked_until, "
    "created_at";
constexpr std::string_view kAuditColumns =
    "seq, at, actor, role, action, target, detail, remote, prev_hash, hash";

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
  r.prev_hash = s.Text(8);
  r.hash = s.Text(9);
  return r;
}

class SqliteAccountStore final : public AccountStore {
 public:
  explicit SqliteAccountStore(Database& db) : db_(db) {}

  Status InsertUser(const UserRow& u) override {
    auto* s = Cached(insert_user_, "INSERT INTO users(" + std::string(kUserColumns) +
                                       ") VALUES (?,?,?,?,?,?,?,?)");
    if (!s) return last_error_;
    s->Bind(1, u.username).Bind(2, u.role).Bind(3, u.region_code).Bind(4, u.disabled ? 1 : 0);
    s->Bind(5, u.password_hash).Bind(6, u.failed_logins).Bind(7, u.locked_until);
    s->Bind(8, u.created_at);
    return s->Run();
  }

  Result<std::optional<UserRow>> GetUser(const std::string& username) override {
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

  Result<std::vector<UserRow>> ListUsers() override {
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

  Status UpdateUser(const UserRow& u) override {
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

  Status InsertSession(const SessionRow& session) override {
    auto* s = Cached(insert_session_,
                     "INSERT INTO sessions(token_hash, username, created_at, expires_at) "
                     "VALUES (?,?,?,?)");
    if (!s) return last_error_;
    s->Bind(1, session.token_hash).Bind(2, session.username).Bind(3, session.created_at);
    s->Bind(4, session.expires_at);
    return s->Run();
  }

  Result<std::optional<SessionRow>> GetSession(const std::string& token_hash) override {
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

  Status DeleteSession(const std::string& token_hash) override {
    auto* s = Cached(delete_session_, "DELETE FROM sessions WHERE token_hash = ?");
    if (!s) return last_error_;
    s->Bind(1, token_hash);
    return s->Run();
  }

  Status DeleteUserSessions(const std::string& username) override {
    auto s = db_.Prepare("DELETE FROM sessions WHERE username = ?");
    if (!s.ok()) return s.error();
    s->Bind(1, username);
    return s->Run();
  }

  Status DeleteExpiredSessions(const std::string& now) override {
    auto* s = Cached(delete_expired_, "DELETE FROM sessions WHERE expires_at <= ?");
    if (!s) return last_error_;
    s->Bind(1, now);
    return s->Run();
  }

  Status AppendAudit(const AuditRow& r) override {
    auto* s = Cached(append_audit_, "INSERT INTO audit_log(" + std::string(kAuditColumns) +
                                        ") VALUES (?,?,?,?,?,?,?,?,?,?)");
    if (!s) return last_error_;
    s->Bind(1, r.seq).Bind(2, r.at).Bind(3, r.actor).Bind(4, r.role).Bind(5, r.action);
    s->Bind(6, r.target).Bind(7, r.detail).Bind(8, r.remote).Bind(9, r.prev_hash);
    s->Bind(10, r.hash);
    return s->Run();
  }

  Result<std::optional<AuditRow>> LastAudit() override {
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

  Status ForEachAudit(const std::function<Status(const AuditRow&)>& fn) override {
    auto s = db_.Prepare("SELECT " + std::string(kAuditColumns) + " FROM audit_log ORDER BY seq");
    if (!s.ok()) return s.error();
    for (;;) {
      auto row = s->Step();
      if (!row.ok()) return row.error();
      if (!*row) return Status::Ok();
      FUPIN_RETURN_IF_ERROR(fn(ReadAudit(*s)));
    }
  }

  Result<AuditPage> SearchAudit(const AuditQuery& q) override {
    // Prefixes compare with substr, not LIKE, so that '%' and '_' in them match themselves.
    std::string where = " WHERE 1";
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
      for (size_t i = 0; i < params.size(); ++i) s.Bind(static_cast<int>(i + 1), params[i]);
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
    const int next = static_cast<int>(params.size()) + 1;
    s->Bind(next, q.limit).Bind(next + 1, q.offset);
    for (;;) {
      auto row = s->Step();
      if (!row.ok()) return row.error();
      if (!*row) break;
      page.items.push_back(ReadAudit(*s));
    }
    return page;
  }

 private:
  Statement* Cached(std::unique_ptr<Statement>& slot, const std::string& sql) {
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

  Database& db_;
  Error last_error_;
  std::unique_ptr<Statement> insert_user_, get_user_, update_user_, insert_session_, get_session_,
      delete_session_, delete_expired_, append_audit_, last_audit_;
};

}  // namespace

std::unique_ptr<AccountStore> NewSqliteAccountStore(sqlite::Database& db) {
  return std::make_unique<SqliteAccountStore>(db);
}

}  // namespace fupin
