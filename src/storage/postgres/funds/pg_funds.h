// The PostgreSQL implementation of FundStore, on the Store's own connection: the same rows,
// order and errors as sqlite/funds/sqlite_funds.cc, on the tables of pg_schema_money.h (the
// sums kept by its triggers, the ledger append-only).
//
// Concurrency: SQLite's writer is alone (BEGIN IMMEDIATE), so the service's "what is left,
// then insert" (service/funds/fund_service.cc CheckFundLeft, Disburse) cannot interleave.
// Here, inside a transaction, AllocatedFromFund first takes a row lock on the fund and
// DisbursedFromAllocation one on the allocation (SELECT … FOR NO KEY UPDATE, held to the
// end of the transaction), then sums in a statement of its own: a second server checking
// the same fund waits for the first to commit and, at READ COMMITTED (pg::Connection's
// default), sums with what it committed. At SERIALIZABLE the second one's stale sum is a
// serialization failure instead (E_BUSY, to be tried again). REPEATABLE READ does not
// guard it: do not begin the Store's transactions so.
#pragma once

#include <memory>

#include "storage/fund_store.h"
#include "storage/postgres/pg_db.h"

namespace fupin {

// A FundStore on `db` (migrated with pg::Migrate). `db` must outlive it; it is used from the
// thread that holds `db`.
std::unique_ptr<FundStore> NewPgFundStore(pg::Connection& db);

}  // namespace fupin
