// The SQLite implementation of CompareStore, on the Store's own connection.
#pragma once

#include <memory>

#include "storage/compare_store.h"
#include "storage/sqlite/sqlite_db.h"

namespace fupin {

// A CompareStore on `db` (tables from migration 5). `db` must outlive it; destroy it
// before the connection closes, since it holds prepared statements.
std::unique_ptr<CompareStore> NewSqliteCompareStore(sqlite::Database& db);

}  // namespace fupin
