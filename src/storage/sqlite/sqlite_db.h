// A thin RAII wrapper over the sqlite3 C API: a connection and prepared statements with
// bound parameters only. Errors come back as Status with code E_DATABASE (E_CONFLICT for a
// constraint, E_BUSY when another connection holds the lock past the busy timeout).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.h"

struct sqlite3;
struct sqlite3_stmt;

namespace fupin::sqlite {

class Statement {
 public:
  Statement() = default;
  Statement(sqlite3* db, sqlite3_stmt* stmt) : db_(db), stmt_(stmt) {}
  ~Statement();
  Statement(Statement&& other) noexcept;
  Statement& operator=(Statement&& other) noexcept;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  // Parameters are 1-based, as in SQLite.
  Statement& Bind(int index, int64_t value);
  Statement& Bind(int index, int value) { return Bind(index, static_cast<int64_t>(value)); }
  Statement& Bind(int index, std::string_view text);  // copied (SQLITE_TRANSIENT)
  Statement& Bind(int index, const std::string& text) {
    return Bind(index, std::string_view(text));
  }
  Statement& Bind(int index, const char* text) { return Bind(index, std::string_view(text)); }
  // Not copied: `text` must stay valid and unchanged until the statement is reset.
  Statement& BindStatic(int index, std::string_view text);
  Statement& BindNull(int index);
  // A blob, not copied (as BindStatic).
  Statement& BindBlobStatic(int index, std::string_view bytes);

  // Steps once: true when a row is available, false when done. E_DATABASE on failure
  // (E_CONFLICT for a constraint violation).
  Result<bool> Step();
  // Steps to the end (for statements without rows) and resets.
  Status Run();
  // The same, but the bound values stay (for a statement whose every value is bound again
  // before the next run).
  Status RunKeepingBindings();
  void Reset();  // resets and clears bindings
  // Steps to the end, calling `row(*this)` for each row.
  template <typename Fn>
  Status ForEachRow(Fn&& row) {
    for (;;) {
      auto more = Step();
      if (!more.ok()) return more.error();
      if (!*more) return Status::Ok();
      row(*this);
    }
  }

  bool IsNull(int column) const;
  int64_t Int(int column) const;
  std::string Text(int column) const;
  std::string_view TextView(int column) const;  // valid until the next Step
  std::string_view BlobView(int column) const;  // valid until the next Step

 private:
  sqlite3* db_ = nullptr;
  sqlite3_stmt* stmt_ = nullptr;
};

class Database {
 public:
  // Opens (and with `create`, creates) the file. E_DATABASE with the path on failure. A
  // statement that finds the file locked retries for up to `busy_timeout_ms`, then fails
  // with E_BUSY.
  static Result<Database> Open(const std::string& path, bool create, int busy_timeout_ms = 5000);
  Database() = default;
  ~Database();
  Database(Database&& other) noexcept;
  Database& operator=(Database&& other) noexcept;

  Status Exec(const std::string& sql);
  Result<Statement> Prepare(std::string_view sql);
  // Runs CREATE INDEX statements over many rows the fast way: SQLite's sorter with two
  // worker threads, sorting runs of a few MB that it spills to temporary files (unlinked
  // when opened, in the scratch folder: UseScratchFolderForTemporaryFiles). Kept in memory
  // (temp_store=MEMORY, a big cache), the keys are sorted as one linked list on one
  // thread, and spilled runs are read back from the start at every step of the merge: 2
  // to 3 times slower. The connection's settings are restored after.
  Status CreateIndexes(const std::vector<std::string>& statements);
  sqlite3* handle() const { return db_; }
  const std::string& path() const { return path_; }

 private:
  sqlite3* db_ = nullptr;
  std::string path_;
};

// SQLite's own temporary files (the sorter's runs of CreateIndexes) go into the scratch
// folder of `database_path` (common/scratch_folder.h: mode 0700, this user's), never into
// /var/tmp. Set once per process, by the first database opened, before its connection
// exists (SQLite's setting is global). False when that folder cannot be used (or the
// database is not a file): CreateIndexes then sorts in memory.
bool UseScratchFolderForTemporaryFiles(const std::string& database_path);

// The error for the connection's last failure, with `what` for context: E_CONFLICT for a
// constraint, E_BUSY for SQLITE_BUSY/SQLITE_LOCKED, E_DATABASE otherwise.
Error DatabaseError(sqlite3* db, std::string_view what);

// Inserts rows into one table through multi-row INSERT statements. Rows are buffered and
// written kRows at a time: SQLite keeps its cursors open across the rows of one
// statement, so rows that come in key order are appended without a descent from the
// root, and the work per statement is shared; that halves the cost of a row. Buffered
// rows reach the table when a batch is full or on Flush(), and a constraint they break
// is reported then.
class BatchInsert {
 public:
  static constexpr int kRows = 256;

  // `columns` lists the columns ("a, b, c"); every row gives `column_count` values.
  BatchInsert(std::string_view table, std::string_view columns, int column_count);

  // The values of the row being built, in column order; text is copied.
  BatchInsert& Int(int64_t value);
  BatchInsert& Text(std::string_view text);
  BatchInsert& Null();
  // Ends the row; writes the batch when it is full.
  Status EndRow(Database& db);
  // Writes the buffered rows.
  Status Flush(Database& db);
  // Drops the buffered rows (after a rollback) and finalises the statements (before the
  // connection closes).
  void Clear();
  void Finalize();

 private:
  struct Value {
    enum class Kind : uint8_t { kNull, kInt, kText };
    int64_t number;  // the integer, or the text's offset in text_
    uint32_t size;   // the text's size
    Kind kind;
  };
  // Writes `rows` buffered rows from `first_row` on; `rows` is a power of two ≤ kRows.
  Status Write(Database& db, size_t first_row, int rows);

  std::string sql_head_;  // "INSERT INTO table(columns) VALUES "
  std::string row_placeholders_;
  int column_count_;
  std::vector<Value> values_;
  std::string text_;
  std::unique_ptr<Statement> statements_[9];  // for 1, 2, 4 … kRows rows
};

}  // namespace fupin::sqlite
