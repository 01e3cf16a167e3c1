#include "storage/postgres/pg_statements.h"

#include <libpq-fe.h>

#include <utility>

namespace fupin::pg {

namespace {

const char* const kLockIds = "SELECT pg_advisory_xact_lock(hashtext('fupin.ids.' || $1::text))";

}  // namespace

Result<Statement*> StatementCache::Get(std::string_view sql) {
  const int backend = PQbackendPID(db_.handle());
  if (backend != backend_) {
    statements_.clear();  // prepared in a server process that is gone
    backend_ = backend;
  }
  auto found = statements_.find(std::string(sql));
  if (found != statements_.end()) return &found->second;
  auto prepared = db_.Prepare(sql);
  if (!prepared.ok()) return prepared.error();
  return &statements_.emplace(std::string(sql), std::move(prepared).value()).first->second;
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

Result<int64_t> StatementCache::QueryInt(std::string_view sql, const Params& params, int64_t none) {
  auto rows = Query(sql, params);
  if (!rows.ok()) return rows.error();
  return rows->size() > 0 ? rows->Int(0, 0) : none;
}

Status StatementCache::InsertReturningId(std::string_view sql, const Params& params, int64_t* id) {
  auto rows = Query(sql, params);
  if (!rows.ok()) return rows.error();
  *id = rows->Int(0, 0);
  return Status::Ok();
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

Status Guarded(Connection& db, const std::function<Status()>& fn) {
  if (!db.in_transaction()) return fn();
  FUPIN_RETURN_IF_ERROR(db.Exec("SAVEPOINT fupin_guard"));
  if (Status s = fn(); !s.ok()) {
    (void)db.Exec("ROLLBACK TO SAVEPOINT fupin_guard; RELEASE SAVEPOINT fupin_guard");
    return s;
  }
  return db.Exec("RELEASE SAVEPOINT fupin_guard");
}

Status LockIds(StatementCache& statements, std::string_view table) {
  auto locked = statements.Query(kLockIds, Params().Text(table));
  if (!locked.ok()) return locked.error();
  return Status::Ok();
}

Params& Limit(Params& params, int64_t limit) {
  return limit < 0 ? params.Null() : params.Int(limit);
}

Params& Offset(Params& params, int64_t offset) { return params.Int(offset < 0 ? 0 : offset); }

Params& Page(Params& params, int64_t limit, int64_t offset) {
  return Offset(Limit(params, limit > 0 ? limit : -1), offset);
}

Params& IntOrNull(Params& params, int64_t value, int64_t none) {
  return value == none ? params.Null() : params.Int(value);
}

Params& TextOrNull(Params& params, const std::optional<std::string>& value) {
  return value ? params.Text(*value) : params.Null();
}

std::string Placeholder(int n) { return "$" + std::to_string(n); }

std::string TextArray(const std::vector<std::string>& items) {
  std::string out = "{";
  for (size_t i = 0; i < items.size(); ++i) {
    if (i) out += ',';
    out += '"';
    for (char c : items[i]) {
      if (c == '"' || c == '\\') out += '\\';
      out += c;
    }
    out += '"';
  }
  out += '}';
  return out;
}

std::string IntArray(const std::vector<int64_t>& items) {
  std::string out = "{";
  for (size_t i = 0; i < items.size(); ++i) {
    if (i) out += ',';
    out += std::to_string(items[i]);
  }
  out += '}';
  return out;
}

}  // namespace fupin::pg
