#include "storage/postgres/funds/pg_statements.h"

#include <libpq-fe.h>

namespace fupin::pg {

Result<Statement*> StatementCache::Get(const std::string& sql) {
  const int backend = PQbackendPID(db_.handle());
  if (backend != backend_) {
    statements_.clear();  // prepared in a session that is gone
    backend_ = backend;
  }
  auto found = statements_.find(sql);
  if (found != statements_.end()) return &found->second;
  auto prepared = db_.Prepare(sql);
  if (!prepared.ok()) return prepared.error();
  return &statements_.emplace(sql, std::move(prepared).value()).first->second;
}

Result<Rows> StatementCache::Query(const std::string& sql, const Params& params) {
  auto statement = Get(sql);
  if (!statement.ok()) return statement.error();
  return (*statement)->Query(params);
}

Result<int64_t> StatementCache::Run(const std::string& sql, const Params& params) {
  auto statement = Get(sql);
  if (!statement.ok()) return statement.error();
  return (*statement)->Run(params);
}

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

Params& Limit(Params& params, int64_t limit) {
  return limit < 0 ? params.Null() : params.Int(limit);
}

Params& Offset(Params& params, int64_t offset) { return params.Int(offset < 0 ? 0 : offset); }

}  // namespace fupin::pg
