// The PostgreSQL implementation of AccountStore: the tables of the schema `accounts`
// (pg_schema.h AccountsMigrations) on a connection of its own, so that its short
// transactions never join the register's (as the SQLite store's accounts file, see
// sqlite/sqlite_accounts.h, whose behaviour this class repeats exactly). The audit chain's
// seq, prev_hash and hash are computed while holding a transaction-level lock on the audit
// table (two servers appending at once still make one chain).
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "storage/accounts.h"

namespace fupin::pg {

class Connection;

class PgAccountStore : public AccountStore {
 public:
  // Connects to `url` (its own connection); a write waits up to `busy_timeout_ms` for a
  // lock (lock_timeout), then fails with E_BUSY. `register_in_transaction` tells whether
  // the register Store has a transaction open (AppendAudit stages rows then). The schema
  // is migrated by the register Store (pg::Migrate); E_NO_SCHEMA when it is missing.
  static Result<std::unique_ptr<PgAccountStore>> Open(
      const std::string& url, int busy_timeout_ms, std::function<bool()> register_in_transaction);

  // The register's commit, in two steps around its COMMIT (see AccountStore::AppendAudit):
  // WriteStaged writes the staged rows in a transaction of this store's connection (nothing
  // to do when none are staged); AfterRegisterCommitFailed appends the record that says
  // the register did not commit them. DropStaged forgets them (a rollback).
  virtual Status WriteStaged() = 0;
  virtual void AfterRegisterCommitFailed(const Error& error) = 0;
  virtual void DropStaged() = 0;
};

}  // namespace fupin::pg
