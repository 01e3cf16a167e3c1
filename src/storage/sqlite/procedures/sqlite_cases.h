// The SQLite implementation of CaseStore, on the Store's own connection.
#pragma once

#include <memory>

#include "storage/case_store.h"
#include "storage/sqlite/sqlite_db.h"

namespace fupin {

// A CaseStore on `db` (tables of the cases migration). `db` must outlive it.
std::unique_ptr<CaseStore> NewSqliteCaseStore(sqlite::Database& db);

}  // namespace fupin
