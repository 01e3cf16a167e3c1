// The SQLite implementation of AccountStore, on the Store's own connection.
#pragma once

#include <memory>

#include "storage/accounts.h"
#include "storage/sqlite/sqlite_db.h"

namespace fupin {

// An AccountStore on `db` (tables from migration 3). `db` must outlive it; destroy it
// before the connection closes, since it holds prepared statements.
std::unique_ptr<AccountStore> NewSqliteAccountStore(sqlite::Database& db);

}  // namespace fupin
