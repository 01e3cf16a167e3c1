// The PostgreSQL CompareStore (storage/compare_store.h): the same answers as the SQLite one
// (sqlite/crosscheck/sqlite_compare.cc) — the same ids, order, skipped clashes and counts.
// Findings are rows of `findings` (SQLite's per-village blocks are its own storage
// optimisation; their tables exist here, unused); a batch of many goes in by COPY.
// Threading: as the connection (the Store's).
#pragma once

#include <memory>

#include "storage/compare_store.h"

namespace fupin {

namespace pg {
class Connection;
}

// A CompareStore on `db`, which must outlive it; its writes join the transaction open on
// `db`, or run in one of their own when none is.
std::unique_ptr<CompareStore> NewPgCompareStore(pg::Connection& db);

}  // namespace fupin
