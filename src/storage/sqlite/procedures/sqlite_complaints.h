// The SQLite implementation of ComplaintStore (12317 complaints), on the Store's own
// connection.
#pragma once

#include <memory>

#include "storage/complaint_store.h"
#include "storage/sqlite/sqlite_db.h"

namespace fupin {

// A ComplaintStore on `db` (the table of the migration kMigrationComplaints). `db` must
// outlive it; destroy it before the connection closes.
std::unique_ptr<ComplaintStore> NewSqliteComplaintStore(sqlite::Database& db);

}  // namespace fupin
