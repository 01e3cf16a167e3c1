// The sub-stores of the PostgreSQL store, on its connection (as the SQLite sub-stores share
// the SqliteStore's Database): the cross-check's findings, the procedures' tables and the
// money of issue 14.
#include "storage/postgres/crosscheck/pg_compare.h"
#include "storage/postgres/funds/pg_funds.h"
#include "storage/postgres/funds/pg_loans.h"
#include "storage/postgres/funds/pg_projects.h"
#include "storage/postgres/pg_store_impl.h"
#include "storage/postgres/procedures/pg_care.h"
#include "storage/postgres/procedures/pg_cases.h"
#include "storage/postgres/procedures/pg_complaints.h"
#include "storage/postgres/procedures/pg_helpers.h"

namespace fupin::pg {

void PgStore::MakeSubStores() {
  compare_ = NewPgCompareStore(*db_);
  cases_ = NewPgCaseStore(*db_);
  care_ = NewPgCareStore(*db_);
  helpers_ = NewPgHelperStore(*db_);
  funds_ = NewPgFundStore(*db_);
  complaints_ = NewPgComplaintStore(*db_);
  projects_ = NewPgProjectStore(*db_);
  loans_ = NewPgLoanStore(*db_);
}

}  // namespace fupin::pg
