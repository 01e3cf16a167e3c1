// The SQLite implementation of Store: one file, WAL, foreign keys on, prepared statements.
#pragma once

#include <memory>
#include <string>

#include "storage/sqlite/sqlite_db.h"
#include "storage/store.h"

namespace fupin {

// Opens the SQLite database at `path` (see Store::Open for the modes and errors).
Result<std::unique_ptr<Store>> OpenSqliteStore(const std::string& path, Store::OpenMode mode,
                                               const StoreOptions& options = {});

}  // namespace fupin
