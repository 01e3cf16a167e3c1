// What the PostgreSQL CompareStore (pg_compare.cc) and HelperStore
// (procedures/pg_helpers.cc) share: statements prepared once per connection and reused, a
// transaction of their own when the Store has none open, a savepoint around a statement
// whose failure SQLite would survive, and the lock under which new ids are given.
// Threading: as the connection (one thread at a time).
#pragma once

#include <libpq-fe.h>

#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "common/error.h"
#include "storage/postgres/pg_db.h"

namespace fupin::pg {

// Statements prepared on `db` the first time their SQL runs, then reused (the SQL text is
// the key: each variant of a query is a constant of its own). A connection made again
// (Connection::Reset after the server went away: another backend) has lost them: they
// are prepared again.
class StatementCache {
 public:
  explicit StatementCache(Connection& db) : db_(db) {}

  Result<Rows> Query(const std::string& sql, const Params& params) {
    if (const int backend = PQbackendPID(db_.handle()); backend != backend_) {
      statements_.clear();
      backend_ = backend;
    }
    auto it = statements_.find(sql);
    if (it == statements_.end()) {
      auto prepared = db_.Prepare(sql);
      if (!prepared.ok()) return prepared.error();
      it = statements_.emplace(sql, std::move(prepared).value()).first;
    }
    return it->second.Query(params);
  }
  Result<int64_t> Run(const std::string& sql, const Params& params) {
    auto rows = Query(sql, params);
    if (!rows.ok()) return rows.error();
    return rows->Affected();
  }
  Connection& db() { return db_; }

 private:
  Connection& db_;
  int backend_ = 0;
  std::unordered_map<std::string, Statement> statements_;
};

// Runs `fn` in the transaction open on `db`, or, when none is, in one of its own: committed
// when `fn` succeeds, rolled back when it fails (all or nothing, as SQLite's statements in
// an implicit transaction).
inline Status InTransaction(Connection& db, const std::function<Status()>& fn) {
  if (db.in_transaction()) return fn();
  FUPIN_RETURN_IF_ERROR(db.Begin());
  Status s = fn();
  if (!s.ok()) {
    (void)db.Rollback();
    return s;
  }
  return db.Commit();
}

// Runs `fn` inside a savepoint when a transaction is open: a failed statement (a unique
// username, say) aborts a PostgreSQL transaction, while SQLite undoes only the statement;
// the savepoint gives SQLite's behaviour (the error returned, the transaction usable).
inline Status Guarded(Connection& db, const std::function<Status()>& fn) {
  if (!db.in_transaction()) return fn();
  FUPIN_RETURN_IF_ERROR(db.Exec("SAVEPOINT fupin_guard"));
  Status s = fn();
  if (!s.ok()) {
    (void)db.Exec("ROLLBACK TO SAVEPOINT fupin_guard; RELEASE SAVEPOINT fupin_guard");
    return s;
  }
  FUPIN_RETURN_IF_ERROR(db.Exec("RELEASE SAVEPOINT fupin_guard"));
  return Status::Ok();
}

// New ids of `table` are SQLite's rowids: the largest plus one, none used up by a rollback.
// Reading the largest and inserting is made safe against other writers by this
// transaction-level advisory lock (one per table, held until the transaction ends; call it
// inside a transaction, before reading the largest id, with READ COMMITTED each later
// statement sees what the previous holder committed). Under REPEATABLE READ or
// SERIALIZABLE a racing insert fails the primary key instead (E_CONFLICT, or E_BUSY).
inline Status LockIds(StatementCache& statements, std::string_view table) {
  static const std::string kLock =
      "SELECT pg_advisory_xact_lock(hashtext('fupin.ids.' || $1::text))";
  auto locked = statements.Query(kLock, Params().Text(table));
  if (!locked.ok()) return locked.error();
  return Status::Ok();
}

}  // namespace fupin::pg
