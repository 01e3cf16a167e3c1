// What the PostgreSQL sub-stores (funds/, crosscheck/, procedures/) share on top of pg_db.h:
// their statements prepared once per connection (and again after a reconnect), a write in
// the open transaction or in one of its own, a savepoint around a statement whose failure
// SQLite would survive, new ids numbered as SQLite numbers them under an advisory lock, row
// locks where SQLite's one writer serialised a read and a write, and parameters: SQLite's
// LIMIT and OFFSET, NULL for "none", placeholders, and arrays in PostgreSQL's text form (a
// list goes to the server as one parameter, read with unnest or = ANY).
// Threading: as the connection (one thread at a time). Nothing above storage/ includes this.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "common/error.h"
#include "storage/postgres/pg_db.h"

namespace fupin::pg {

// The statements of one store, prepared on `db` the first time their SQL runs and reused
// after (the SQL text is the key: each variant of a query is a constant of its own). A
// connection made again (Connection::Reset after the server went away: another server
// process) has lost them: they are prepared again.
class StatementCache {
 public:
  explicit StatementCache(Connection& db) : db_(db) {}

  Result<Statement*> Get(std::string_view sql);
  Result<Rows> Query(std::string_view sql, const Params& params);
  // The number of rows touched.
  Result<int64_t> Run(std::string_view sql, const Params& params);
  // The integer in the first column of the first row (a count, a sum); `none` when there
  // is no row.
  Result<int64_t> QueryInt(std::string_view sql, const Params& params, int64_t none = 0);
  // Runs an INSERT … RETURNING id and sets `*id` to the new row's id.
  Status InsertReturningId(std::string_view sql, const Params& params, int64_t* id);
  Connection& db() const { return db_; }

 private:
  Connection& db_;
  int backend_ = 0;  // the server process the statements were prepared in
  std::unordered_map<std::string, Statement> statements_;
};

// Runs `write` in the transaction open on `db`, or, when none is, in one of its own:
// committed when `write` succeeds, rolled back when it (or the commit) fails — all or
// nothing, as SQLite's statements in an implicit transaction.
Status InTransaction(Connection& db, const std::function<Status()>& write);

// Runs `fn` inside a savepoint when a transaction is open: a failed statement (a unique
// username, say) aborts a PostgreSQL transaction, while SQLite undoes only the statement;
// the savepoint gives SQLite's behaviour (the error returned, the transaction usable).
Status Guarded(Connection& db, const std::function<Status()>& fn);

// Takes the transaction-level advisory lock of `table`'s numbering (key
// hashtext('fupin.ids.' || table), held until the transaction ends; call it inside a
// transaction, before reading the largest id). SQLite gives a new row the id max(id) + 1 —
// its one writer makes that unique, and an insert rolled back or refused leaves no gap.
// Here the statement that computes max(id) + 1 runs after this lock: under READ COMMITTED
// it sees every insert committed by the lock's previous holder, so two servers inserting
// at once get consecutive ids, never the same, and a rollback leaves no gap (a sequence
// would). Under REPEATABLE READ or SERIALIZABLE the transaction's snapshot may be older
// than the lock: a racing insert then fails the primary key instead (E_CONFLICT, or
// E_BUSY; retryable), never a duplicate.
Status LockIds(StatementCache& statements, std::string_view table);

// Row locks: reads that precede a write of the same row (GetCase before UpdateCase, say)
// lock it FOR UPDATE when a transaction is open, as SQLite's one writer would have
// serialised them: a second server's transaction waits, then reads what the first
// committed.
inline bool LocksRows(const Connection& db) { return db.in_transaction(); }

// SQLite's LIMIT and OFFSET as PostgreSQL takes them: a negative limit is no limit (NULL),
// a negative offset is 0.
Params& Limit(Params& params, int64_t limit);
Params& Offset(Params& params, int64_t offset);
// The LIMIT and OFFSET of a page (the stores' queries with a limit field): a limit of 0 or
// less is all the rows (NULL), a negative offset is 0.
Params& Page(Params& params, int64_t limit, int64_t offset);

// A parameter that is NULL when `value` equals `none`, or has none.
Params& IntOrNull(Params& params, int64_t value, int64_t none);
Params& TextOrNull(Params& params, const std::optional<std::string>& value);

// "$n", the placeholder of parameter n (for SQL put together from optional conditions).
std::string Placeholder(int n);

// A text[] parameter: {"a","b"} with " and \ escaped.
std::string TextArray(const std::vector<std::string>& items);
// A bigint[] parameter: {1,2}.
std::string IntArray(const std::vector<int64_t>& items);

}  // namespace fupin::pg
