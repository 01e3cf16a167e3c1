// The PostgreSQL implementation of ProjectStore, on the Store's own connection: the same rows,
// order and errors as sqlite/funds/sqlite_projects.cc, on the tables of pg_schema_money.h.
// Each of a project's lists is written with one statement (its elements as array
// parameters, unnest), and the lists of a page of projects are read with one statement each.
//
// Concurrency: the project service reads a project, moves it and rewrites it in one
// transaction (service/projects/project_service.cc MoveProject). Inside a transaction
// GetProject locks the project's row (SELECT … FOR NO KEY UPDATE, to the end of the
// transaction), so that a second server moving the same project waits and then reads what
// the first wrote, as under SQLite's single writer.
#pragma once

#include <memory>

#include "storage/postgres/pg_db.h"
#include "storage/project_store.h"

namespace fupin {

// A ProjectStore on `db` (migrated with pg::Migrate). `db` must outlive it; it is used from
// the thread that holds `db`.
std::unique_ptr<ProjectStore> NewPgProjectStore(pg::Connection& db);

}  // namespace fupin
