// AccountStore: the accounts, their sessions and the audit trail, as stored. The service
// layer (service/auth_service, service/audit_service) gives them meaning: password hashing,
// lock-out, roles, the hash chain. Nothing here checks a rule; it keeps rows.
//
// The accounts live in a file of their own beside the register (SQLite: `<db path>-accounts`),
// so that a login, a session check or the audit record of a read never waits for a writer
// of the register (SQLite has one writer per file). Writes to them are short transactions
// of their own (Begin/Commit here), never part of the register's transaction; the one
// exception is AppendAudit while the register has a transaction open (see there).
// Threading: as its Store, one thread at a time.
#pragma once

#include <cstdint>
#include <functional>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "common/error.h"

namespace fupin {

struct UserRow {
  std::string username;     // the key
  std::string role;         // "admin", "county_admin", … (service/auth_service.h RoleName)
  int64_t region_code = 0;  // the subtree the user acts in; 0 for the nation
  bool disabled = false;
  std::string password_hash;  // libsodium crypto_pwhash_str output ("$argon2id$…")
  int64_t failed_logins = 0;  // consecutive failed logins
  std::string locked_until;   // ISO 8601 UTC; empty when not locked
  std::string created_at;     // ISO 8601 UTC
};

struct SessionRow {
  std::string token_hash;  // hex SHA-256 of the bearer token (the token is never stored)
  std::string username;
  std::string created_at, expires_at;  // ISO 8601 UTC
};

// One record of the audit trail. `seq` is assigned by the writer as the last seq + 1, so a
// deleted record leaves a gap; `hash` chains the record to `prev_hash`, its predecessor's.
struct AuditRow {
  int64_t seq = 0;
  std::string at;           // ISO 8601 UTC
  std::string actor;        // user name, or "cli"
  std::string role;         // the actor's role name
  std::string action;       // "household.update", "person.read", "export.households", …
  std::string target;       // what the action was about: a household code, a user, a batch …
  std::string detail;       // free text; never ID numbers, phones or passwords
  std::string remote;       // "127.0.0.1:53422", or "cli"
  int64_t region_code = 0;  // the region the record concerns; 0 for the nation
  // A record moved from a database of before the accounts file: its hash is the old
  // unkeyed SHA-256 rule (service/audit_service.h), and its region is 0.
  bool legacy = false;
  std::string prev_hash, hash;  // hex HMAC-SHA-256 (legacy: SHA-256)
};

// Computes a record's hash from every other field (seq and prev_hash included): the audit
// service's keyed rule. Called by AppendAudit under the accounts file's write lock.
using AuditSeal = std::function<std::string(const AuditRow&)>;

// A page of the audit trail (the API's audit list). Empty filters match everything.
struct AuditQuery {
  // Only records whose region_code lies in this subtree (the nation: every record).
  int64_t region_lo = 0, region_hi = std::numeric_limits<int64_t>::max();
  std::string actor;          // exactly this actor
  std::string action_prefix;  // actions starting with this ("household." matches both writes)
  std::string target_prefix;  // targets starting with this
  std::string since, until;   // at >= since, at < until (ISO 8601), when given
  bool newest_first = true;
  int64_t offset = 0;
  int64_t limit = 50;
};

struct AuditPage {
  int64_t total = 0;  // matches in all
  std::vector<AuditRow> items;
};

class AccountStore {
 public:
  virtual ~AccountStore() = default;

  // A transaction on the accounts file alone (BEGIN IMMEDIATE: it holds the file's write
  // lock from the start, waiting a short bounded time for it, then E_BUSY). Writes of users
  // and sessions belong in one; reads need none. Not nested.
  virtual Status Begin() = 0;
  virtual Status Commit() = 0;  // on failure the transaction is rolled back
  virtual void Rollback() = 0;
  virtual bool in_transaction() const = 0;

  // Users. InsertUser: E_CONFLICT when the name is taken. UpdateUser writes every column
  // but the name and created_at; E_NOT_FOUND when there is no such user.
  virtual Status InsertUser(const UserRow& user) = 0;
  virtual Result<std::optional<UserRow>> GetUser(const std::string& username) = 0;
  virtual Result<std::vector<UserRow>> ListUsers() = 0;  // ordered by name
  virtual Status UpdateUser(const UserRow& user) = 0;

  // Sessions. Deleting one that does not exist is not an error.
  virtual Status InsertSession(const SessionRow& session) = 0;
  virtual Result<std::optional<SessionRow>> GetSession(const std::string& token_hash) = 0;
  virtual Status DeleteSession(const std::string& token_hash) = 0;
  virtual Status DeleteUserSessions(const std::string& username) = 0;
  // Deletes the sessions that expired at or before `now` (ISO 8601).
  virtual Status DeleteExpiredSessions(const std::string& now) = 0;
  // A value that changes in the commit of every change of a user or a session, by any
  // process (never back to a value it had): what a cache of sessions is checked against.
  virtual Result<int64_t> Generation() = 0;

  // The audit trail. AppendAudit fills in row.seq (the last seq + 1, 1 for the first),
  // row.prev_hash (the last record's hash, 64 zeros for the first) and row.hash =
  // seal(row), all while holding the accounts file's write lock, and writes the row:
  //  - when this store's own transaction is open, in it;
  //  - else, when the register Store has a transaction open, the row (with `seal`) is
  //    staged: the register's Commit writes the staged rows in a short transaction of the
  //    accounts file first, then commits the register; if the accounts write fails, the
  //    register rolls back; if the register's COMMIT fails after it, a record saying so
  //    (action "audit.commit_failed", sealed like the last staged one) is appended. The
  //    register's Rollback drops the staged rows. So Ok here means "staged";
  //  - else at once, in a short transaction of its own.
  // E_BUSY when the lock cannot be had within the bounded wait.
  virtual Status AppendAudit(AuditRow row, AuditSeal seal) = 0;
  virtual Result<std::optional<AuditRow>> LastAudit() = 0;  // the highest seq
  // Small named values kept with the accounts ("audit_key_check", …); nullopt when unset.
  virtual Result<std::optional<std::string>> GetMeta(const std::string& key) = 0;
  virtual Status PutMeta(const std::string& key, const std::string& value) = 0;
  // Calls `fn` for every record in seq order; stops early, returning its Status, when it fails.
  virtual Status ForEachAudit(const std::function<Status(const AuditRow&)>& fn) = 0;
  // Matches of `query` (region range scan on an index of region_code, seq).
  virtual Result<AuditPage> SearchAudit(const AuditQuery& query) = 0;
};

}  // namespace fupin
