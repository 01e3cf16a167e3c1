// The SQLite implementation of LoanStore (扶贫小额信贷), on the Store's own connection.
#pragma once

#include <memory>

#include "storage/loan_store.h"
#include "storage/sqlite/sqlite_db.h"

namespace fupin {

// A LoanStore on `db` (tables of the migration kMigrationLoans). `db` must outlive it;
// destroy it before the connection closes.
std::unique_ptr<LoanStore> NewSqliteLoanStore(sqlite::Database& db);

}  // namespace fupin
