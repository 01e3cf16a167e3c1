// The PostgreSQL implementation of ComplaintStore, on the Store's own connection: the same
// results, order and errors as sqlite/procedures/sqlite_complaints.cc. Complaint ids are
// numbered as SQLite numbers them (max + 1 under a transaction-level advisory lock,
// pg_statements.h LockIds); a complaint read in a transaction (GetComplaint,
// DueForEscalation) is locked FOR UPDATE, so two servers answering or escalating one
// complaint take turns and the second sees what the first wrote.
#pragma once

#include <memory>

#include "storage/complaint_store.h"
#include "storage/postgres/pg_db.h"

namespace fupin {

// A ComplaintStore on `db` (table complaints of pg_schema_money.h). `db` must outlive it.
std::unique_ptr<ComplaintStore> NewPgComplaintStore(pg::Connection& db);

}  // namespace fupin
