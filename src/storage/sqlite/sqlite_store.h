// The SQLite implementation of Store: one file, WAL, foreign keys on, prepared statements.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "storage/sqlite/sqlite_db.h"
#include "storage/store.h"

namespace fupin {

// Opens the SQLite database at `path` (see Store::Open for the modes and errors).
Result<std::unique_ptr<Store>> OpenSqliteStore(const std::string& path, Store::OpenMode mode,
                                               const StoreOptions& options = {});

namespace sqlite {

// The statements that importing into a register which already has households runs once
// per household or member: looking up the stored household, its members and the owners
// of ID numbers, checking new keys, updating a household in place (UpdateHousehold,
// RemovePersons), replacing one (DeleteHousehold) and moving the aggregates. Each must reach its
// rows through a key or an index, so that its cost grows with the household and not with the
// register; sqlite_store_test checks their query plans.
std::vector<std::string> HouseholdUpdateStatements();

}  // namespace sqlite
}  // namespace fupin
