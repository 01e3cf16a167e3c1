// The sub-stores of the PostgreSQL store, on its connection (as the SQLite sub-stores share
// the SqliteStore's Database): the cross-check's findings, the procedures' tables and the
// money of issue 14.
#include "storage/postgres/pg_store_impl.h"

namespace fupin::pg {

void PgStore::MakeSubStores() {
  // Wired when the sub-stores land: NewPgCompareStore (crosscheck/pg_compare.h),
  // NewPgHelperStore, NewPgCareStore, NewPgCaseStore, NewPgComplaintStore (procedures/),
  // NewPgFundStore, NewPgLoanStore, NewPgProjectStore (funds/), each on *db_. Until then
  // their accessors must not be called on a PgStore.
}

}  // namespace fupin::pg
