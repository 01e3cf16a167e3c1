// The PostgreSQL implementation of CareStore, on the Store's own connection: the same
// results, order and errors as sqlite/procedures/sqlite_care.cc. An attachment's bytes are
// kept in the row (BYTEA) with their SHA-256, as in SQLite. Measure, visit and attachment ids
// are numbered as SQLite numbers them (max + 1 under a transaction-level advisory lock,
// pg_statements.h LockIds); a claim is one conditional UPDATE, so of two servers
// claiming one attachment exactly one succeeds.
#pragma once

#include <memory>

#include "storage/care_store.h"
#include "storage/postgres/pg_db.h"

namespace fupin {

// A CareStore on `db` (tables measures, visits and attachments of pg_schema.cc). `db`
// must outlive it.
std::unique_ptr<CareStore> NewPgCareStore(pg::Connection& db);

}  // namespace fupin
