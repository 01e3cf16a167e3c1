// What the PostgreSQL case, care and complaint stores (pg_cases, pg_care, pg_complaints)
// share: their statements prepared once per connection, a write in the open transaction or
// in one of its own, and the numbering of their rows as SQLite numbers them (in a namespace
// of their own: other stores of this folder may have helpers of the same names).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "common/error.h"
#include "storage/postgres/pg_db.h"

namespace fupin::pg::procedure_stores {

// The statements of one store, prepared on first use by their SQL text and reused; made
// again when the connection had to be made anew (a reconnect loses them). Not thread-safe:
// as the connection.
class StatementCache {
 public:
  explicit StatementCache(Connection& db) : db_(db) {}
  Result<Statement*> Get(std::string_view sql);
  Result<Rows> Query(std::string_view sql, const Params& params);
  Result<int64_t> Run(std::string_view sql, const Params& params);
  Connection& db() { return db_; }

 private:
  Connection& db_;
  int backend_ = 0;  // the server process the statements were prepared on
  std::unordered_map<std::string, Statement> statements_;
};

// Runs `write` in the connection's open transaction, or in one of its own (committed when
// it succeeds, rolled back when it fails) when none is open.
Status InTransaction(Connection& db, const std::function<Status()>& write);

// The tables whose ids these stores give as SQLite does (see NextIdLock).
enum class NumberedTable : int32_t {
  kCases = 1,
  kMeasures = 2,
  kVisits = 3,
  kAttachments = 4,
  kComplaints = 5,
};

// Takes the transaction-level advisory lock of `table`'s numbering (keys kNumberingLocks,
// `table`; held until the transaction ends). SQLite gives a new row the id max(id) + 1 —
// its one writer makes that unique, and an insert rolled back or refused leaves no gap.
// Here the insert that follows computes max(id) + 1 in a statement of its own, after this
// lock: under READ COMMITTED that statement sees every insert committed by the lock's
// previous holder, so two servers inserting at once get consecutive ids, never the same,
// and a rollback leaves no gap (an identity sequence would). Under REPEATABLE READ or
// SERIALIZABLE the transaction's snapshot may be older than the lock: a concurrent insert
// then fails with E_CONFLICT or E_BUSY instead (retryable), never a duplicate.
Status NextIdLock(StatementCache& statements, NumberedTable table);
// The first key of these locks ("proc" in ASCII); the second is the NumberedTable.
constexpr int32_t kNumberingLocks = 0x70726f63;

// Row locks: reads that precede a write of the same row (GetCase before UpdateCase,
// GetComplaint before UpdateComplaint) lock it FOR UPDATE when a transaction is open, as
// SQLite's one writer would have serialised them: a second server's transaction waits, then
// reads what the first committed.
inline bool LocksRows(const Connection& db) { return db.in_transaction(); }

// "$n", the placeholder of parameter n.
inline std::string Placeholder(int n) {
  std::string out(1, '$');
  out += std::to_string(n);
  return out;
}

// A parameter that is NULL when `value` equals `none`.
inline Params& IntOrNull(Params& p, int64_t value, int64_t none) {
  return value == none ? p.Null() : p.Int(value);
}
inline Params& TextOrNull(Params& p, const std::optional<std::string>& value) {
  return value ? p.Text(*value) : p.Null();
}

}  // namespace fupin::pg::procedure_stores
