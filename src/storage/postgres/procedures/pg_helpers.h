// The PostgreSQL HelperStore (storage/helper_store.h): the same answers as the SQLite one
// (sqlite/procedures/sqlite_helpers.cc). Threading: as the connection (the Store's).
#pragma once

#include <memory>

#include "storage/helper_store.h"

namespace fupin {

namespace pg {
class Connection;
}

// A HelperStore on `db`, which must outlive it; its writes join the transaction open on
// `db`, or run in one of their own when none is.
std::unique_ptr<HelperStore> NewPgHelperStore(pg::Connection& db);

}  // namespace fupin
