#include "storage/postgres/procedures/pg_statements.h"

#include <libpq-fe.h>

#include <utility>

namespace fupin::pg::procedure_stores {

Result<Statement*> StatementCache::Get(std::string_view sql) {
  const int backend = PQbackendPID(db_.handle());
  if (backend != backend_) {
    statements_.clear();  // prepared on a server process that is gone
    backend_ = backend;
  }
  auto found = statements_.find(std::string(sql));
  if (found != statements_.end()) return &found->second;
  auto prepared = db_.Prepare(sql);
  if (!prepared.ok()) return prepared.error();
  auto [it, inserted] = statements_.emplace(std::string(sql), std::move(*prepared));
  return &it->second;
}

Result<Rows> StatementCache::Query(std::string_view sql, const Params& params) {
  auto statement = Get(sql);
  if (!statement.ok()) return statement.error();
  return (*statement)->Query(params);
}

Result<int64_t> StatementCache::Run(std::string_view sql, const Params& params) {
  auto statement = Get(sql);
  if (!statement.ok()) return statement.error();
  return (*statement)->Run(params);
}

Status InTransaction(Connection& db, const std::function<Status()>& write) {
  if (db.in_transaction()) return write();
  FUPIN_RETURN_IF_ERROR(db.Begin());
  if (Status s = write(); !s.ok()) {
    (void)db.Rollback();
    return s;
  }
  if (Status s = db.Commit(); !s.ok()) {
    if (db.in_transaction()) (void)db.Rollback();
    return s;
  }
  return Status::Ok();
}

Status NextIdLock(StatementCache& statements, NumberedTable table) {
  auto locked = statements.Query("SELECT pg_advisory_xact_lock($1::integer, $2::integer)",
                                 Params().Int(kNumberingLocks).Int(static_cast<int32_t>(table)));
  if (!locked.ok()) return locked.error();
  return Status::Ok();
}

}  // namespace fupin::pg::procedure_stores
