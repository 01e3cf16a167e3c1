#include "storage/sqlite/sqlite_db.h"

#include <sqlite3.h>

#include <atomic>
#include <bit>
#include <cassert>
#include <filesystem>
#include <mutex>
#include <type_traits>
#include <utility>

#include "common/scratch_folder.h"

namespace fupin::sqlite {

Error DatabaseError(sqlite3* db, std::string_view what) {
  std::string detail = db ? sqlite3_errmsg(db) : "out of memory";
  int code = db ? sqlite3_extended_errcode(db) : SQLITE_NOMEM;
  if ((code & 0xff) == SQLITE_CONSTRAINT) {
    return Error::Conflict("数据库约束冲突（" + std::string(what) + "）：" + detail,
                           "constraint violated (" + std::string(what) + "): " + detail);
  }
  if ((code & 0xff) == SQLITE_BUSY || (code & 0xff) == SQLITE_LOCKED) {
    // Another connection held the write lock for longer than the busy timeout.
    return Error{"E_BUSY", "数据库正忙，请稍后再试（" + std::string(what) + "）",
                 "the database is busy: try again shortly (" + std::string(what) + ")"};
  }
  if ((code & 0xff) == SQLITE_NOTADB || (code & 0xff) == SQLITE_CORRUPT) {
    return Error::Database("数据库文件已损坏或不是 fupin 数据库：" + detail,
                           "the database file is damaged or not a database: " + detail);
  }
  return Error::Database("数据库错误（" + std::string(what) + "）：" + detail,
                         "database error (" + std::string(what) + "): " + detail);
}

Statement::~Statement() {
  if (stmt_) sqlite3_finalize(stmt_);
}

Statement::Statement(Statement&& other) noexcept
    : db_(std::exchange(other.db_, nullptr)), stmt_(std::exchange(other.stmt_, nullptr)) {}

Statement& Statement::operator=(Statement&& other) noexcept {
  if (this != &other) {
    if (stmt_) sqlite3_finalize(stmt_);
    db_ = std::exchange(other.db_, nullptr);
    stmt_ = std::exchange(other.stmt_, nullptr);
  }
  return *this;
}

Statement& Statement::Bind(int index, int64_t value) {
  sqlite3_bind_int64(stmt_, index, value);
  return *this;
}

Statement& Statement::Bind(int index, std::string_view text) {
  sqlite3_bind_text(stmt_, index, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
  return *this;
}

Statement& Statement::BindBlobStatic(int index, std::string_view bytes) {
  // An empty view may have no data pointer, which SQLite would bind as NULL: an empty blob
  // is still a blob.
  if (bytes.empty()) {
    sqlite3_bind_zeroblob(stmt_, index, 0);
    return *this;
  }
  sqlite3_bind_blob64(stmt_, index, bytes.data(), bytes.size(), SQLITE_STATIC);
  return *this;
}

Statement& Statement::BindStatic(int index, std::string_view text) {
  sqlite3_bind_text(stmt_, index, text.data(), static_cast<int>(text.size()), SQLITE_STATIC);
  return *this;
}

Statement& Statement::BindNull(int index) {
  sqlite3_bind_null(stmt_, index);
  return *this;
}

Result<bool> Statement::Step() {
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  Error error = DatabaseError(db_, sqlite3_sql(stmt_) ? "step" : "step");
  sqlite3_reset(stmt_);
  return error;
}

Status Statement::Run() {
  Status s = RunKeepingBindings();
  sqlite3_clear_bindings(stmt_);
  return s;
}

Status Statement::RunKeepingBindings() {
  int rc;
  do {
    rc = sqlite3_step(stmt_);
  } while (rc == SQLITE_ROW);
  if (rc != SQLITE_DONE) {
    Error error = DatabaseError(db_, "write");
    sqlite3_reset(stmt_);
    return error;
  }
  sqlite3_reset(stmt_);
  return Status::Ok();
}

void Statement::Reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

bool Statement::IsNull(int column) const {
  return sqlite3_column_type(stmt_, column) == SQLITE_NULL;
}

int64_t Statement::Int(int column) const { return sqlite3_column_int64(stmt_, column); }

std::string Statement::Text(int column) const { return std::string(TextView(column)); }

std::string_view Statement::BlobView(int column) const {
  const auto* bytes = static_cast<const char*>(sqlite3_column_blob(stmt_, column));
  if (!bytes) return {};
  return std::string_view(bytes, sqlite3_column_bytes(stmt_, column));
}

std::string_view Statement::TextView(int column) const {
  const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, column));
  if (!text) return {};
  return std::string_view(text, sqlite3_column_bytes(stmt_, column));
}

Result<Database> Database::Open(const std::string& path, bool create, int busy_timeout_ms) {
  // Memory statistics cost a global mutex around every allocation; nothing reads them.
  // sqlite3_config must come before SQLite initialises, hence the first open.
  static const bool configured = [] {
    sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
    return true;
  }();
  (void)configured;
  sqlite3* db = nullptr;
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | (create ? SQLITE_OPEN_CREATE : 0);
  int rc = sqlite3_open_v2(path.c_str(), &db, flags, nullptr);
  if (rc != SQLITE_OK) {
    std::string detail = db ? sqlite3_errmsg(db) : "out of memory";
    sqlite3_close(db);
    if (!create && rc == SQLITE_CANTOPEN) {
      return Error{"E_NO_SCHEMA", "数据库不存在：" + path + "。请先运行 fupin init",
                   "no database at " + path + ": run `fupin init` first"};
    }
    return Error::Database("无法打开或创建数据库 " + path + "：" + detail,
                           "cannot open or create the database " + path + ": " + detail);
  }
  Database out;
  out.db_ = db;
  out.path_ = path;
  sqlite3_busy_timeout(db, busy_timeout_ms);
  return out;
}

namespace {

std::atomic<bool> temporary_files_in_scratch{false};

}  // namespace

bool UseScratchFolderForTemporaryFiles(const std::string& database_path) {
  static std::once_flag once;
  std::call_once(once, [&] {
    if (!IsDatabaseFile(database_path)) return;
    auto folder = EnsureScratchFolder(database_path);
    if (!folder.ok()) return;
    std::error_code error;
    const std::string absolute = std::filesystem::absolute(*folder, error).string();
    if (error) return;
    sqlite3_temp_directory = sqlite3_mprintf("%s", absolute.c_str());
    temporary_files_in_scratch = sqlite3_temp_directory != nullptr;
  });
  return temporary_files_in_scratch;
}

Status Database::CreateIndexes(const std::vector<std::string>& statements) {
  if (statements.empty()) return Status::Ok();
  auto setting = [&](const char* name) -> Result<std::string> {
    auto s = Prepare(std::string("PRAGMA ") + name);
    if (!s.ok()) return s.error();
    auto row = s->Step();
    if (!row.ok()) return row.error();
    return *row ? s->Text(0) : std::string();
  };
  auto cache_size = setting("cache_size");
  if (!cache_size.ok()) return cache_size.error();
  auto temp_store = setting("temp_store");
  if (!temp_store.ok()) return temp_store.error();
  auto threads = setting("threads");
  if (!threads.ok()) return threads.error();
  // Runs of 8 MB, each sorted on a worker while the next is filled. Without the scratch
  // folder for its files, the sort stays in memory, in one run.
  Status s = Exec(temporary_files_in_scratch
                      ? "PRAGMA cache_size=-8192; PRAGMA temp_store=FILE; PRAGMA threads=2"
                      : "PRAGMA cache_size=-262144; PRAGMA threads=2");
  for (size_t i = 0; s.ok() && i < statements.size(); ++i) s = Exec(statements[i]);
  Status back = Exec("PRAGMA cache_size=" + *cache_size + "; PRAGMA temp_store=" + *temp_store +
                     "; PRAGMA threads=" + *threads);
  return s.ok() ? back : s;
}

Database::~Database() {
  if (db_) sqlite3_close_v2(db_);
}

Database::Database(Database&& other) noexcept
    : db_(std::exchange(other.db_, nullptr)), path_(std::move(other.path_)) {}

Database& Database::operator=(Database&& other) noexcept {
  if (this != &other) {
    if (db_) sqlite3_close_v2(db_);
    db_ = std::exchange(other.db_, nullptr);
    path_ = std::move(other.path_);
  }
  return *this;
}

Status Database::Exec(const std::string& sql) {
  char* message = nullptr;
  if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &message) != SQLITE_OK) {
    sqlite3_free(message);
    return DatabaseError(db_, "exec");
  }
  return Status::Ok();
}

Result<Statement> Database::Prepare(std::string_view sql) {
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT,
                         &stmt, nullptr) != SQLITE_OK) {
    return DatabaseError(db_, "prepare");
  }
  return Statement(db_, stmt);
}

BatchInsert::BatchInsert(std::string_view table, std::string_view columns, int column_count)
    : column_count_(column_count) {
  static_assert(std::has_single_bit(static_cast<unsigned>(kRows)));
  static_assert(std::extent_v<decltype(statements_)> ==
                std::bit_width(static_cast<unsigned>(kRows)));
  sql_head_ = "INSERT INTO " + std::string(table) + "(" + std::string(columns) + ") VALUES ";
  // "(?,?,…,?)", built whole: GCC 12 warns (-Wrestrict, wrongly) about assigning "(".
  row_placeholders_ = std::string(static_cast<size_t>(2 * column_count + 1), '?');
  row_placeholders_.front() = '(';
  for (int i = 1; i < column_count; ++i) row_placeholders_[2 * i] = ',';
  row_placeholders_.back() = ')';
  values_.reserve(static_cast<size_t>(kRows) * column_count);
}

BatchInsert& BatchInsert::Int(int64_t value) {
  values_.push_back({value, 0, Value::Kind::kInt});
  return *this;
}

BatchInsert& BatchInsert::Text(std::string_view text) {
  values_.push_back(
      {static_cast<int64_t>(text_.size()), static_cast<uint32_t>(text.size()), Value::Kind::kText});
  text_.append(text);
  return *this;
}

BatchInsert& BatchInsert::Null() {
  values_.push_back({0, 0, Value::Kind::kNull});
  return *this;
}

Status BatchInsert::EndRow(Database& db) {
  assert(values_.size() % column_count_ == 0);
  if (values_.size() < static_cast<size_t>(kRows) * column_count_) return Status::Ok();
  return Flush(db);
}

Status BatchInsert::Flush(Database& db) {
  size_t first = 0;
  size_t left = values_.size() / column_count_;
  // A partial batch goes as a sum of powers of two, so that few statements exist.
  for (int n = kRows; n > 0; n /= 2) {
    for (; left >= static_cast<size_t>(n); left -= n, first += n) {
      Status s = Write(db, first, n);
      if (!s.ok()) {
        Clear();
        return s;
      }
    }
  }
  Clear();
  return Status::Ok();
}

Status BatchInsert::Write(Database& db, size_t first_row, int rows) {
  auto& slot = statements_[std::countr_zero(static_cast<unsigned>(rows))];
  if (!slot) {
    std::string sql = sql_head_;
    for (int i = 0; i < rows; ++i) {
      if (i) sql += ',';
      sql += row_placeholders_;
    }
    auto stmt = db.Prepare(sql);
    if (!stmt.ok()) return stmt.error();
    slot = std::make_unique<Statement>(std::move(stmt).value());
  }
  Statement& s = *slot;
  const Value* v = values_.data() + first_row * column_count_;
  const int count = rows * column_count_;
  for (int i = 0; i < count; ++i, ++v) {
    switch (v->kind) {
      case Value::Kind::kNull:
        s.BindNull(i + 1);
        break;
      case Value::Kind::kInt:
        s.Bind(i + 1, v->number);
        break;
      case Value::Kind::kText:
        s.BindStatic(i + 1, std::string_view(text_).substr(v->number, v->size));
        break;
    }
  }
  return s.RunKeepingBindings();
}

void BatchInsert::Clear() {
  values_.clear();
  text_.clear();
}

void BatchInsert::Finalize() {
  Clear();
  for (auto& slot : statements_) slot.reset();
}

}  // namespace fupin::sqlite
