// The SQLite implementation of ProjectStore, on the Store's own connection.
#pragma once

#include <memory>

#include "storage/project_store.h"
#include "storage/sqlite/sqlite_db.h"

namespace fupin {

// A ProjectStore on `db` (tables of the migration kMigrationProjects). `db` must outlive
// it; destroy it before the connection closes.
std::unique_ptr<ProjectStore> NewSqliteProjectStore(sqlite::Database& db);

}  // namespace fupin
