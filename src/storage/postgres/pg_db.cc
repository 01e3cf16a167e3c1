#include "storage/postgres/pg_db.h"

#include <libpq-fe.h>

#include <cassert>
#include <charconv>
#include <cstring>
#include <utility>

namespace fupin::pg {
namespace {

// Type OIDs of pg_type (stable across versions).
constexpr Oid kBoolOid = 16;
constexpr Oid kByteaOid = 17;
constexpr Oid kInt8Oid = 20;
constexpr Oid kInt2Oid = 21;
constexpr Oid kInt4Oid = 23;
constexpr Oid kOidOid = 26;

constexpr size_t kCopyChunk = 256 * 1024;

void IgnoreNotice(void*, const char*) {}

std::string Trimmed(const char* message) {
  std::string out = message ? message : "";
  while (!out.empty() && (out.back() == '\n' || out.back() == ' ')) out.pop_back();
  return out;
}

uint64_t ReadBigEndian(const char* bytes, int size) {
  uint64_t v = 0;
  for (int i = 0; i < size; ++i) v = (v << 8) | static_cast<unsigned char>(bytes[i]);
  return v;
}

}  // namespace

Error DatabaseError(pg_conn* conn, const pg_result* result, std::string_view what) {
  const char* state = result ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
  const char* primary = result ? PQresultErrorField(result, PG_DIAG_MESSAGE_PRIMARY) : nullptr;
  std::string detail = primary ? std::string(primary) : Trimmed(conn ? PQerrorMessage(conn) : "");
  if (detail.empty()) detail = "no connection";
  const std::string code = state ? state : "";
  if (code.starts_with("23")) {
    return Error::Conflict("数据库约束冲突（" + std::string(what) + "）：" + detail,
                           "constraint violated (" + std::string(what) + "): " + detail);
  }
  if (code == "40001" || code == "40P01" || code == "55P03") {
    // Another transaction wrote the same rows (serialization failure), a deadlock, or a
    // lock not available: the transaction was rolled back and may be tried again.
    return Error{"E_BUSY", "数据库正忙，请稍后再试（" + std::string(what) + "）：" + detail,
                 "the database is busy: try again shortly (" + std::string(what) + "): " + detail};
  }
  if (code == "25006") {
    // A write on a hot standby (a streaming replica) or in a read-only transaction: the
    // register is read there, written on the primary (docs/operations.md, replica reads).
    return Error::Database(
        "数据库只读（热备库只能查询，写入请连接主库）（" + std::string(what) + "）：" + detail,
        "the database is read-only (a hot standby answers reads only; write to the primary) (" +
            std::string(what) + "): " + detail);
  }
  return Error::Database("数据库错误（" + std::string(what) + "）：" + detail,
                         "database error (" + std::string(what) + "): " + detail);
}

// ---- Rows

Rows::~Rows() {
  if (result_) PQclear(result_);
}

Rows::Rows(Rows&& other) noexcept : result_(std::exchange(other.result_, nullptr)) {}

Rows& Rows::operator=(Rows&& other) noexcept {
  if (this != &other) {
    if (result_) PQclear(result_);
    result_ = std::exchange(other.result_, nullptr);
  }
  return *this;
}

int Rows::size() const { return result_ ? PQntuples(result_) : 0; }
int Rows::columns() const { return result_ ? PQnfields(result_) : 0; }

bool Rows::IsNull(int row, int column) const { return PQgetisnull(result_, row, column) != 0; }

int64_t Rows::Int(int row, int column) const {
  if (IsNull(row, column)) return 0;
  const Oid type = PQftype(result_, column);
  assert(type == kInt8Oid || type == kInt4Oid || type == kInt2Oid || type == kBoolOid ||
         type == kOidOid);
  (void)type;
  const int size = PQgetlength(result_, row, column);
  const uint64_t raw = ReadBigEndian(PQgetvalue(result_, row, column), size);
  switch (size) {
    case 1:
      return static_cast<int64_t>(raw);
    case 2:
      return static_cast<int16_t>(raw);
    case 4:
      return type == kOidOid ? static_cast<int64_t>(raw) : static_cast<int32_t>(raw);
    default:
      return static_cast<int64_t>(raw);
  }
}

bool Rows::Bool(int row, int column) const { return Int(row, column) != 0; }

std::string_view Rows::TextView(int row, int column) const {
  if (IsNull(row, column)) return {};
  return std::string_view(PQgetvalue(result_, row, column), PQgetlength(result_, row, column));
}

std::string_view Rows::Bytes(int row, int column) const {
  assert(PQftype(result_, column) == kByteaOid);
  return TextView(row, column);
}

int64_t Rows::Affected() const {
  const char* tuples = result_ ? PQcmdTuples(result_) : "";
  int64_t n = 0;
  std::from_chars(tuples, tuples + std::strlen(tuples), n);
  return n;
}

// ---- Params

Params& Params::Int(int64_t value) {
  kinds_.push_back(Kind::kInt);
  spans_.emplace_back(data_.size(), 8);
  const auto v = static_cast<uint64_t>(value);
  for (int shift = 56; shift >= 0; shift -= 8) data_.push_back(static_cast<char>(v >> shift));
  return *this;
}

Params& Params::Bool(bool value) {
  kinds_.push_back(Kind::kBool);
  spans_.emplace_back(data_.size(), 1);
  data_.push_back(value ? 1 : 0);
  return *this;
}

Params& Params::Text(std::string_view text) {
  kinds_.push_back(Kind::kText);
  spans_.emplace_back(data_.size(), text.size());
  data_.append(text);
  data_.push_back('\0');  // text-format parameters are C strings
  return *this;
}

Params& Params::Bytes(std::string_view bytes) {
  kinds_.push_back(Kind::kBytes);
  spans_.emplace_back(data_.size(), bytes.size());
  data_.append(bytes);
  return *this;
}

Params& Params::Null() {
  kinds_.push_back(Kind::kNull);
  spans_.emplace_back(0, 0);
  return *this;
}

void Params::Clear() {
  kinds_.clear();
  spans_.clear();
  data_.clear();
}

// ---- Connection

Result<std::unique_ptr<Connection>> Connection::Open(const std::string& url) {
  PGconn* conn = PQconnectdb(url.c_str());
  if (!conn || PQstatus(conn) != CONNECTION_OK) {
    std::string detail = conn ? Trimmed(PQerrorMessage(conn)) : "out of memory";
    PQfinish(conn);
    return Error::Database("无法连接 PostgreSQL 数据库：" + detail,
                           "cannot connect to the PostgreSQL database: " + detail);
  }
  PQsetNoticeProcessor(conn, IgnoreNotice, nullptr);
  if (PQsetClientEncoding(conn, "UTF8") != 0) {
    Error error = DatabaseError(conn, nullptr, "client encoding");
    PQfinish(conn);
    return error;
  }
  std::unique_ptr<Connection> out(new Connection(conn));
  out->url_ = url;
  return out;
}

Connection::~Connection() {
  if (conn_) PQfinish(conn_);
}

Result<Rows> Connection::Execute(PGresult* result, std::string_view what) {
  const ExecStatusType status = result ? PQresultStatus(result) : PGRES_FATAL_ERROR;
  if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) return Rows(result);
  Error error = DatabaseError(conn_, result, what);
  if (result) PQclear(result);
  return error;
}

Status Connection::Exec(const std::string& sql) {
  auto rows = Execute(PQexec(conn_, sql.c_str()), "exec");
  if (!rows.ok()) return rows.error();
  return Status::Ok();
}

Result<Rows> Connection::ExecParams(const char* sql, const char* prepared, const Params& params,
                                    const std::vector<unsigned>* declared) {
  const int n = params.size();
  std::vector<Oid> types(n);
  std::vector<const char*> values(n);
  std::vector<int> lengths(n);
  std::vector<int> formats(n);
  std::vector<std::string> decimals;  // integers sent as text
  decimals.reserve(n);
  for (int i = 0; i < n; ++i) {
    const auto [offset, size] = params.spans_[i];
    values[i] = params.data_.data() + offset;
    lengths[i] = static_cast<int>(size);
    const Params::Kind kind = params.kinds_[i];
    const bool as_text = declared && (kind == Params::Kind::kInt || kind == Params::Kind::kBool) &&
                         (*declared)[i] != (kind == Params::Kind::kInt ? kInt8Oid : kBoolOid);
    if (as_text) {
      // The server inferred another type (integer, numeric, text …): the decimal form.
      const std::string_view raw(values[i], size);
      const auto v = static_cast<int64_t>(ReadBigEndian(raw.data(), static_cast<int>(size)));
      decimals.push_back(std::to_string(v));
      values[i] = decimals.back().c_str();
      continue;
    }
    switch (kind) {
      case Params::Kind::kNull:
        values[i] = nullptr;
        break;
      case Params::Kind::kInt:
        types[i] = kInt8Oid;
        formats[i] = 1;
        break;
      case Params::Kind::kBool:
        types[i] = kBoolOid;
        formats[i] = 1;
        break;
      case Params::Kind::kText:  // text format, the type left to the server
        break;
      case Params::Kind::kBytes:
        types[i] = kByteaOid;
        formats[i] = 1;
        break;
    }
  }
  PGresult* result =
      prepared ? PQexecPrepared(conn_, prepared, n, values.data(), lengths.data(), formats.data(),
                                /*resultFormat=*/1)
               : PQexecParams(conn_, sql, n, types.data(), values.data(), lengths.data(),
                              formats.data(), /*resultFormat=*/1);
  return Execute(result, prepared ? "statement" : "query");
}

Result<Rows> Connection::Query(std::string_view sql, const Params& params) {
  return ExecParams(std::string(sql).c_str(), nullptr, params);
}

Result<int64_t> Connection::Run(std::string_view sql, const Params& params) {
  auto rows = Query(sql, params);
  if (!rows.ok()) return rows.error();
  return rows->Affected();
}

Result<Statement> Connection::Prepare(std::string_view sql) {
  std::string name = "fupin_" + std::to_string(++next_statement_);
  auto prepared =
      Execute(PQprepare(conn_, name.c_str(), std::string(sql).c_str(), 0, nullptr), "prepare");
  if (!prepared.ok()) return prepared.error();
  auto described = Execute(PQdescribePrepared(conn_, name.c_str()), "prepare");
  if (!described.ok()) return described.error();
  std::vector<unsigned> types(PQnparams(described->handle()));
  for (size_t i = 0; i < types.size(); ++i) {
    types[i] = PQparamtype(described->handle(), static_cast<int>(i));
  }
  return Statement(this, std::move(name), std::move(types));
}

Status Connection::Begin(Isolation isolation) {
  switch (isolation) {
    case Isolation::kReadCommitted:
      return Exec("BEGIN ISOLATION LEVEL READ COMMITTED");
    case Isolation::kRepeatableRead:
      return Exec("BEGIN ISOLATION LEVEL REPEATABLE READ");
    case Isolation::kSerializable:
      return Exec("BEGIN ISOLATION LEVEL SERIALIZABLE");
  }
  return Exec("BEGIN");
}

Status Connection::Commit() {
  PGresult* result = PQexec(conn_, "COMMIT");
  // COMMIT of a transaction that an error aborted answers "ROLLBACK", without an error.
  const bool rolled_back = result && PQresultStatus(result) == PGRES_COMMAND_OK &&
                           std::strcmp(PQcmdStatus(result), "ROLLBACK") == 0;
  auto rows = Execute(result, "commit");
  if (!rows.ok()) return rows.error();
  if (rolled_back) {
    return Error::Database("事务因先前的错误已回滚，未提交任何更改",
                           "the transaction was rolled back after an earlier error; nothing "
                           "was committed");
  }
  return Status::Ok();
}

Status Connection::Rollback() { return Exec("ROLLBACK"); }

bool Connection::in_transaction() const {
  const PGTransactionStatusType s = PQtransactionStatus(conn_);
  return s == PQTRANS_INTRANS || s == PQTRANS_INERROR || s == PQTRANS_ACTIVE;
}

bool Connection::ok() const { return PQstatus(conn_) == CONNECTION_OK; }

Status Connection::Reset() {
  if (!ok()) {
    PQreset(conn_);
    if (!ok()) return DatabaseError(conn_, nullptr, "reconnect");
    PQsetNoticeProcessor(conn_, IgnoreNotice, nullptr);
    PQsetClientEncoding(conn_, "UTF8");
    return Status::Ok();
  }
  if (PQtransactionStatus(conn_) == PQTRANS_ACTIVE) {
    // A COPY left open: end it with an error, and read what remains.
    PQputCopyEnd(conn_, "abandoned");
    while (PGresult* r = PQgetResult(conn_)) PQclear(r);
  }
  if (in_transaction()) return Rollback();
  return Status::Ok();
}

Result<CopyWriter> Connection::CopyIn(std::string_view table, std::string_view columns) {
  const std::string sql =
      "COPY " + std::string(table) + "(" + std::string(columns) + ") FROM STDIN";
  PGresult* result = PQexec(conn_, sql.c_str());
  if (!result || PQresultStatus(result) != PGRES_COPY_IN) {
    Error error = DatabaseError(conn_, result, "copy");
    if (result) PQclear(result);
    return error;
  }
  PQclear(result);
  return CopyWriter(this);
}

// ---- Statement

Result<Rows> Statement::Query(const Params& params) {
  assert(params.size() == static_cast<int>(types_.size()));
  return connection_->ExecParams(nullptr, name_.c_str(), params, &types_);
}

Result<int64_t> Statement::Run(const Params& params) {
  auto rows = Query(params);
  if (!rows.ok()) return rows.error();
  return rows->Affected();
}

// ---- CopyWriter

CopyWriter::CopyWriter(CopyWriter&& other) noexcept
    : connection_(other.connection_),
      buffer_(std::move(other.buffer_)),
      row_started_(other.row_started_),
      open_(std::exchange(other.open_, false)) {}

CopyWriter::~CopyWriter() {
  if (open_) Abort();
}

void CopyWriter::Separator() {
  if (row_started_) buffer_.push_back('\t');
  row_started_ = true;
}

CopyWriter& CopyWriter::Int(int64_t value) {
  Separator();
  char digits[24];
  auto [end, ec] = std::to_chars(digits, digits + sizeof digits, value);
  buffer_.append(digits, end);
  return *this;
}

CopyWriter& CopyWriter::Bool(bool value) {
  Separator();
  buffer_.push_back(value ? 't' : 'f');
  return *this;
}

CopyWriter& CopyWriter::Text(std::string_view text) {
  Separator();
  for (char c : text) {
    switch (c) {
      case '\\':
        buffer_ += "\\\\";
        break;
      case '\t':
        buffer_ += "\\t";
        break;
      case '\n':
        buffer_ += "\\n";
        break;
      case '\r':
        buffer_ += "\\r";
        break;
      default:
        buffer_.push_back(c);
    }
  }
  return *this;
}

CopyWriter& CopyWriter::Bytes(std::string_view bytes) {
  Separator();
  // bytea's hex input form \x…, its backslash escaped for COPY.
  static constexpr char kHex[] = "0123456789abcdef";
  buffer_ += "\\\\x";
  for (unsigned char c : bytes) {
    buffer_.push_back(kHex[c >> 4]);
    buffer_.push_back(kHex[c & 15]);
  }
  return *this;
}

CopyWriter& CopyWriter::Null() {
  Separator();
  buffer_ += "\\N";
  return *this;
}

Status CopyWriter::EndRow() {
  buffer_.push_back('\n');
  row_started_ = false;
  if (buffer_.size() >= kCopyChunk) return Send();
  return Status::Ok();
}

Status CopyWriter::Send() {
  if (buffer_.empty()) return Status::Ok();
  if (PQputCopyData(connection_->conn_, buffer_.data(), static_cast<int>(buffer_.size())) != 1) {
    return DatabaseError(connection_->conn_, nullptr, "copy");
  }
  buffer_.clear();
  return Status::Ok();
}

Result<int64_t> CopyWriter::Finish() {
  assert(open_ && !row_started_);
  if (Status s = Send(); !s.ok()) {
    Abort();
    return s.error();
  }
  open_ = false;
  PGconn* conn = connection_->conn_;
  if (PQputCopyEnd(conn, nullptr) != 1) return DatabaseError(conn, nullptr, "copy");
  PGresult* result = PQgetResult(conn);
  auto rows = connection_->Execute(result, "copy");
  while (PGresult* extra = PQgetResult(conn)) PQclear(extra);
  if (!rows.ok()) return rows.error();
  return rows->Affected();
}

void CopyWriter::Abort() {
  open_ = false;
  PGconn* conn = connection_->conn_;
  PQputCopyEnd(conn, "abandoned by the writer");
  while (PGresult* r = PQgetResult(conn)) PQclear(r);
}

// ---- Pool

Result<std::unique_ptr<Pool>> Pool::Open(const std::string& url, int size) {
  if (size < 1) {
    return Error::Usage("连接池至少需要 1 个连接", "a pool needs at least 1 connection");
  }
  std::unique_ptr<Pool> pool(new Pool(size));
  for (int i = 0; i < size; ++i) {
    auto connection = Connection::Open(url);
    if (!connection.ok()) return connection.error();
    pool->free_.push_back(std::move(connection).value());
  }
  return pool;
}

Pool::Lease Pool::Borrow() {
  std::unique_lock lock(mutex_);
  returned_.wait(lock, [&] { return !free_.empty(); });
  std::unique_ptr<Connection> connection = std::move(free_.back());
  free_.pop_back();
  lock.unlock();
  if (!connection->ok()) (void)connection->Reset();  // the server went away: reconnect
  return Lease(this, std::move(connection));
}

int Pool::available() const {
  std::lock_guard lock(mutex_);
  return static_cast<int>(free_.size());
}

void Pool::Return(std::unique_ptr<Connection> connection) {
  (void)connection->Reset();  // a connection that cannot be reset is reconnected next time
  {
    std::lock_guard lock(mutex_);
    free_.push_back(std::move(connection));
  }
  returned_.notify_one();
}

Pool::Lease::~Lease() {
  if (connection_) pool_->Return(std::move(connection_));
}

}  // namespace fupin::pg
