// The PostgreSQL implementation of LoanStore, on the Store's own connection: the same rows,
// order and errors as sqlite/funds/sqlite_loans.cc, on the tables of pg_schema_money.h.
//
// Concurrency: inside a transaction GetLoan locks the loan's row (SELECT … FOR NO KEY
// UPDATE, to the end of the transaction), so that a read-then-UpdateLoan in one transaction
// cannot interleave with another server's, as under SQLite's single writer. A second
// compensation of one loan is refused by its unique key (E_CONFLICT), as in SQLite.
#pragma once

#include <memory>

#include "storage/loan_store.h"
#include "storage/postgres/pg_db.h"

namespace fupin {

// A LoanStore on `db` (migrated with pg::Migrate). `db` must outlive it; it is used from the
// thread that holds `db`.
std::unique_ptr<LoanStore> NewPgLoanStore(pg::Connection& db);

}  // namespace fupin
