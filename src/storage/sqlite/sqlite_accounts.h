// The SQLite implementation of AccountStore, on a file of its own beside the register
// (`<db path>-accounts`, WAL), so that its short transactions never wait for a writer of
// the register and the register's long ones (an import) never hold up a login or the audit
// record of a read.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "storage/accounts.h"
#include "storage/sqlite/sqlite_db.h"

namespace fupin {

class SqliteAccountStore final : public AccountStore {
 public:
  // Opens (with `create`, creates) the accounts file at `path`; statements wait up to
  // `busy_timeout_ms` for its lock, then fail with E_BUSY. `register_in_transaction` tells
  // whether the register Store has a transaction open (AppendAudit stages rows then).
  // E_NO_SCHEMA when the file is missing and `create` is false.
  static Result<std::unique_ptr<SqliteAccountStore>> Open(
      const std::string& path, bool create, int busy_timeout_ms,
      std::function<bool()> register_in_transaction);
  ~SqliteAccountStore() override;

  // The schema version of the file, and the upgrade to the current one (idempotent).
  Result<int> SchemaVersion();
  Result<int> Migrate();
  static int CurrentVersion();
  const std::string& path() const { return db_.path(); }

  // The register's commit, in two steps around its COMMIT (see AccountStore::AppendAudit):
  // WriteStaged writes the staged rows in a transaction of the accounts file (nothing
  // to do when none are staged); AfterRegisterCommitFailed appends the record that says
  // the register did not commit them. DropStaged forgets them (a rollback).
  Status WriteStaged();
  void AfterRegisterCommitFailed(const Error& error);
  void DropStaged() { staged_.clear(); }

  Status Begin() override;
  Status Commit() override;
  void Rollback() override;
  bool in_transaction() const override { return in_transaction_; }

  Status InsertUser(const UserRow& user) override;
  Result<std::optional<UserRow>> GetUser(const std::string& username) override;
  Result<std::vector<UserRow>> ListUsers() override;
  Status UpdateUser(const UserRow& user) override;
  Status InsertSession(const SessionRow& session) override;
  Result<std::optional<SessionRow>> GetSession(const std::string& token_hash) override;
  Status DeleteSession(const std::string& token_hash) override;
  Status DeleteUserSessions(const std::string& username) override;
  Status DeleteExpiredSessions(const std::string& now) override;
  Result<int64_t> Generation() override;
  Status AppendAudit(AuditRow row, AuditSeal seal) override;
  Result<std::optional<AuditRow>> LastAudit() override;
  Result<std::optional<std::string>> GetMeta(const std::string& key) override;
  Status PutMeta(const std::string& key, const std::string& value) override;
  Status ForEachAudit(const std::function<Status(const AuditRow&)>& fn) override;
  Result<AuditPage> SearchAudit(const AuditQuery& query) override;

 private:
  SqliteAccountStore(sqlite::Database db, std::function<bool()> register_in_transaction)
      : db_(std::move(db)), register_in_transaction_(std::move(register_in_transaction)) {}
  // Numbers, links, seals and inserts `row`; the write lock must be held.
  Status WriteAudit(AuditRow& row, const AuditSeal& seal);
  sqlite::Statement* Cached(std::unique_ptr<sqlite::Statement>& slot, const std::string& sql);

  sqlite::Database db_;
  std::function<bool()> register_in_transaction_;
  bool in_transaction_ = false;
  std::vector<std::pair<AuditRow, AuditSeal>> staged_;
  Error last_error_;
  std::unique_ptr<sqlite::Statement> insert_user_, get_user_, update_user_, insert_session_,
      get_session_, delete_session_, delete_expired_, append_audit_, last_audit_, generation_;
};

}  // namespace fupin
