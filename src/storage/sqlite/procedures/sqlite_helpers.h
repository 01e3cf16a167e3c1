// The SQLite implementation of HelperStore, on the Store's own connection.
#pragma once

#include <memory>

#include "storage/helper_store.h"
#include "storage/sqlite/sqlite_db.h"

namespace fupin {

// A HelperStore on `db` (tables of kMigrationHelpers). `db` must outlive it; destroy it
// before the connection closes.
std::unique_ptr<HelperStore> NewSqliteHelperStore(sqlite::Database& db);

}  // namespace fupin
