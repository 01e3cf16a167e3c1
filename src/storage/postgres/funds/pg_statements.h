// What the money stores on PostgreSQL (pg_funds, pg_loans, pg_projects) share: the
// statements of one store prepared on its connection on first use and kept for the life of
// the session, and array parameters in PostgreSQL's text form (a list goes to the server as
// one parameter, read with unnest or = ANY, instead of one statement per element).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "common/error.h"
#include "storage/postgres/pg_db.h"

namespace fupin::pg {

// The prepared statements of one store, keyed by their SQL. A statement is prepared the
// first time its SQL runs and reused after; when the connection had to be made again (a new
// server process: the pool's Reset of a broken connection), they are prepared again. Used
// from the thread that holds the connection.
class StatementCache {
 public:
  explicit StatementCache(Connection& db) : db_(db) {}

  Result<Rows> Query(const std::string& sql, const Params& params);
  Result<int64_t> Run(const std::string& sql, const Params& params);
  Connection& db() const { return db_; }

 private:
  Result<Statement*> Get(const std::string& sql);

  Connection& db_;
  int backend_ = 0;  // the server process the statements were prepared in
  std::unordered_map<std::string, Statement> statements_;
};

// A text[] parameter: {"a","b"} with " and \ escaped.
std::string TextArray(const std::vector<std::string>& items);
// A bigint[] parameter: {1,2}.
std::string IntArray(const std::vector<int64_t>& items);

// SQLite's LIMIT and OFFSET as PostgreSQL takes them: a negative limit is no limit (NULL),
// a negative offset is 0.
Params& Limit(Params& params, int64_t limit);
Params& Offset(Params& params, int64_t offset);

}  // namespace fupin::pg
