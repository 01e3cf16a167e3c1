// AccountStore: the accounts, their sessions and the audit trail, as stored. The service
// layer (service/auth_service, service/audit_service) gives them meaning: password hashing,
// lock-out, roles, the hash chain. Nothing here checks a rule; it keeps rows.
//
// An AccountStore shares its Store's connection, so its writes join the Store's open
// transaction (an audit record commits or rolls back with the household write it records).
// Threading: as its Store, one thread at a time.
#pragma once

#include <cstdint>
#include <functional>
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
  std::string at;               // ISO 8601 UTC
  std::string actor;            // user name, or "cli"
  std::string role;             // the actor's role name
  std::string action;           // "household.update", "person.read", "export.households", …
  std::string target;           // what the action was about: a household code, a user, a batch …
  std::string detail;           // free text; never ID numbers, phones or passwords
  std::string remote;           // "127.0.0.1:53422", or "cli"
  std::string prev_hash, hash;  // hex SHA-256
};

// A page of the audit trail (the API's audit list). Empty filters match everything.
struct AuditQuery {
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

  // The audit trail. AppendAudit writes the row as given (the caller computes seq and the
  // hashes, inside a transaction); E_CONFLICT when the seq is taken.
  virtual Status AppendAudit(const AuditRow& row) = 0;
  virtual Result<std::optional<AuditRow>> LastAudit() = 0;  // the highest seq
  // Calls `fn` for every record in seq order; stops early, returning its Status, when it fails.
  virtual Status ForEachAudit(const std::function<Status(const AuditRow&)>& fn) = 0;
  virtual Result<AuditPage> SearchAudit(const AuditQuery& query) = 0;
};

}  // namespace fupin
