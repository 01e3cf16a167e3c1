// A thin RAII layer over libpq, in the style of sqlite/sqlite_db.h: a connection from a
// URL, statements with typed parameters (text, int64, boolean, bytea, NULL) and typed reads,
// transactions, COPY FROM STDIN in text format, and a small pool of connections. Errors
// come back as Status with the codes the SQLite layer uses:
//   E_CONFLICT  an integrity constraint (SQLSTATE class 23: unique 23505, foreign key,
//               check, not null), as SQLite's SQLITE_CONSTRAINT;
//   E_BUSY      a serialization failure (40001) or a deadlock (40P01), and a lock not
//               available (55P03): "try again", as SQLite's SQLITE_BUSY/SQLITE_LOCKED.
//               Two SERIALIZABLE transactions writing one row: the second to write (or
//               to commit) gets E_BUSY, and retrying it is correct;
//   E_DATABASE  anything else (with the server's message).
// Nothing above storage/ includes this header or libpq.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.h"

struct pg_conn;
struct pg_result;

namespace fupin::pg {

// The rows of one query, read in binary: Int reads smallint, integer and bigint (and
// boolean as 0/1); Text reads text (and varchar); Bytes reads bytea. Aggregates that
// return numeric (sum of bigint) must be cast to bigint in the SQL.
class Rows {
 public:
  Rows() = default;
  explicit Rows(pg_result* result) : result_(result) {}
  ~Rows();
  Rows(Rows&& other) noexcept;
  Rows& operator=(Rows&& other) noexcept;
  Rows(const Rows&) = delete;
  Rows& operator=(const Rows&) = delete;

  int size() const;     // rows
  int columns() const;  // columns
  bool IsNull(int row, int column) const;
  int64_t Int(int row, int column) const;  // 0 for NULL
  bool Bool(int row, int column) const;
  std::string_view TextView(int row, int column) const;  // valid while this Rows lives
  std::string Text(int row, int column) const { return std::string(TextView(row, column)); }
  std::string_view Bytes(int row, int column) const;  // bytea, raw; valid while this lives
  // The number of rows an INSERT, UPDATE or DELETE touched.
  int64_t Affected() const;
  pg_result* handle() const { return result_; }

 private:
  pg_result* result_ = nullptr;
};

// The parameters of one execution ($1, $2 …, in order).
class Params {
 public:
  Params& Int(int64_t value);
  Params& Bool(bool value);  // for BOOLEAN columns (an int64 does not convert to boolean)
  Params& Text(std::string_view text);
  Params& Bytes(std::string_view bytes);  // bytea
  Params& Null();
  void Clear();
  int size() const { return static_cast<int>(kinds_.size()); }

 private:
  friend class Connection;
  enum class Kind : uint8_t { kNull, kInt, kBool, kText, kBytes };
  std::vector<Kind> kinds_;
  std::vector<std::pair<size_t, size_t>> spans_;  // offset and size in data_
  std::string data_;                              // the values (ints in network order)
};

class Connection;

// A statement prepared on one connection (server-side, by a name of its own), its
// parameters' types inferred by the server. It lives as long as the connection; it is used
// from the thread that holds the connection.
class Statement {
 public:
  Statement() = default;
  // Runs with `params`: the rows (none for a statement without rows).
  Result<Rows> Query(const Params& params);
  // Runs with `params`; the number of rows touched.
  Result<int64_t> Run(const Params& params);
  const std::string& name() const { return name_; }

 private:
  friend class Connection;
  Statement(Connection* connection, std::string name, std::vector<unsigned> types)
      : connection_(connection), name_(std::move(name)), types_(std::move(types)) {}
  Connection* connection_ = nullptr;
  std::string name_;
  std::vector<unsigned> types_;  // the parameters' types as the server inferred them
};

enum class Isolation { kReadCommitted, kRepeatableRead, kSerializable };

class CopyWriter;

class Connection {
 public:
  // Connects to a libpq URL (postgresql://user@host:port/db?…), client encoding UTF-8.
  // E_DATABASE with the server's or libpq's message on failure (the URL's password, if
  // any, is never repeated).
  static Result<std::unique_ptr<Connection>> Open(const std::string& url);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Runs one or more statements without parameters (DDL, SET, …).
  Status Exec(const std::string& sql);
  // One statement with parameters, unprepared.
  Result<Rows> Query(std::string_view sql, const Params& params = {});
  Result<int64_t> Run(std::string_view sql, const Params& params = {});
  // Prepares `sql` (parameters $1 … $n, their types inferred by the server).
  Result<Statement> Prepare(std::string_view sql);

  Status Begin(Isolation isolation = Isolation::kReadCommitted);
  Status Commit();
  Status Rollback();
  bool in_transaction() const;
  // False once the server is gone (the pool then reconnects).
  bool ok() const;
  // Ends a COPY left open, rolls back a transaction left open, and reconnects if the
  // connection broke: what the pool does to a connection that comes back. Prepared
  // statements stay (unless the connection had to be made again).
  Status Reset();

  // COPY table(columns) FROM STDIN in text format: rows go through the writer, which must
  // be finished (Finish) or abandoned (its destructor aborts the COPY) before anything else
  // runs on this connection.
  Result<CopyWriter> CopyIn(std::string_view table, std::string_view columns);

  pg_conn* handle() const { return conn_; }

 private:
  friend class Statement;
  friend class CopyWriter;
  explicit Connection(pg_conn* conn) : conn_(conn) {}
  Result<Rows> Execute(pg_result* result, std::string_view what);
  // With `prepared`, `types` are its parameters' types (an integer goes in binary to an
  // int8 or boolean parameter, as decimal text to any other).
  Result<Rows> ExecParams(const char* sql, const char* prepared, const Params& params,
                          const std::vector<unsigned>* types = nullptr);

  pg_conn* conn_ = nullptr;
  std::string url_;
  int next_statement_ = 0;
};

// The rows of a COPY, escaped for the text format: backslash, tab, newline and carriage
// return are escaped, NULL is \N, bytea is its hex form. Rows are sent in chunks of 256 KB.
class CopyWriter {
 public:
  CopyWriter(CopyWriter&& other) noexcept;
  CopyWriter& operator=(CopyWriter&&) = delete;
  ~CopyWriter();  // aborts an unfinished COPY

  CopyWriter& Int(int64_t value);
  CopyWriter& Bool(bool value);
  CopyWriter& Text(std::string_view text);
  CopyWriter& Bytes(std::string_view bytes);
  CopyWriter& Null();
  Status EndRow();
  // Sends what is left and ends the COPY: the number of rows the server stored, or its
  // error (E_CONFLICT for a duplicate key, E_DATABASE for a malformed row …).
  Result<int64_t> Finish();

 private:
  friend class Connection;
  explicit CopyWriter(Connection* connection) : connection_(connection) {}
  void Separator();
  Status Send();
  void Abort();

  Connection* connection_;
  std::string buffer_;
  bool row_started_ = false;
  bool open_ = true;
};

// A fixed number of connections lent to threads: Borrow blocks until one is free. A
// connection comes back when its Lease ends, reset (an open transaction rolled back, a
// broken one made again). The pool must outlive its leases.
class Pool {
 public:
  class Lease {
   public:
    Lease(Pool* pool, std::unique_ptr<Connection> connection)
        : pool_(pool), connection_(std::move(connection)) {}
    Lease(Lease&&) noexcept = default;
    Lease& operator=(Lease&&) = delete;
    ~Lease();
    Connection& operator*() const { return *connection_; }
    Connection* operator->() const { return connection_.get(); }

   private:
    Pool* pool_;
    std::unique_ptr<Connection> connection_;
  };

  // Opens `size` (≥ 1) connections to `url` (all or none: E_DATABASE on the first failure).
  static Result<std::unique_ptr<Pool>> Open(const std::string& url, int size);
  // Waits for a free connection.
  Lease Borrow();
  // The connections free now.
  int available() const;
  int size() const { return size_; }

 private:
  explicit Pool(int size) : size_(size) {}
  void Return(std::unique_ptr<Connection> connection);

  const int size_;
  mutable std::mutex mutex_;
  std::condition_variable returned_;
  std::vector<std::unique_ptr<Connection>> free_;
};

// The error for a failed result (or, with no result, the connection's last failure).
Error DatabaseError(pg_conn* conn, const pg_result* result, std::string_view what);

}  // namespace fupin::pg
