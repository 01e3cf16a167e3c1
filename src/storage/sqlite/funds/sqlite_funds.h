// The SQLite implementation of FundStore, on the Store's own connection.
#pragma once

#include <memory>

#include "storage/fund_store.h"
#include "storage/sqlite/sqlite_db.h"

namespace fupin {

// A FundStore on `db` (tables of the migration kMigrationFunds). `db` must outlive it;
// destroy it before the connection closes.
std::unique_ptr<FundStore> NewSqliteFundStore(sqlite::Database& db);

}  // namespace fupin
