// The PostgreSQL implementation of CaseStore, on the Store's own connection: the same
// results, order and errors as sqlite/procedures/sqlite_cases.cc. Case ids are numbered as
// SQLite numbers them (max + 1 under a transaction-level advisory lock, pg_statements.h
// LockIds); a case read in a transaction is locked FOR UPDATE, so two servers moving one
// case take turns as SQLite's writers do, and the steps' seq stays gap-free.
#pragma once

#include <memory>

#include "storage/case_store.h"
#include "storage/postgres/pg_db.h"

namespace fupin {

// A CaseStore on `db` (tables cases and case_steps of pg_schema.cc). `db` must outlive it.
std::unique_ptr<CaseStore> NewPgCaseStore(pg::Connection& db);

}  // namespace fupin
