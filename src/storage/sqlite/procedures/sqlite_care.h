// The SQLite implementation of CareStore, on the Store's own connection.
#pragma once

#include <memory>

#include "storage/care_store.h"
#include "storage/sqlite/sqlite_db.h"

namespace fupin {

// A CareStore on `db` (tables of the migration kMigrationCare). `db` must outlive it;
// destroy it before the connection closes.
std::unique_ptr<CareStore> NewSqliteCareStore(sqlite::Database& db);

}  // namespace fupin
