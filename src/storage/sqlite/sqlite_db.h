// A thin RAII wrapper over the sqlite3 C API: a connection and prepared statements with
// bound parameters only. Errors come back as Status with code E_DATABASE.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

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
  Statement& Bind(int index, const std::string& text) { return Bind(index, std::string_view(text)); }
  Statement& Bind(int index, const char* text) { return Bind(index, std::string_view(text)); }
  Statement& BindNull(int index);

  // Steps once: true when a row is available, false when done. E_DATABASE on failure
  // (E_CONFLICT for a constraint violation).
  Result<bool> Step();
  // Steps to the end (for statements without rows) and resets.
  Status Run();
  void Reset();  // resets and clears bindings

  bool IsNull(int column) const;
  int64_t Int(int column) const;
  std::string Text(int column) const;
  std::string_view TextView(int column) const;  // valid until the next Step

 private:
  sqlite3* db_ = nullptr;
  sqlite3_stmt* stmt_ = nullptr;
};

class Database {
 public:
  // Opens (and with `create`, creates) the file. E_DATABASE with the path on failure.
  static Result<Database> Open(const std::string& path, bool create);
  Database() = default;
  ~Database();
  Database(Database&& other) noexcept;
  Database& operator=(Database&& other) noexcept;

  Status Exec(const std::string& sql);
  Result<Statement> Prepare(std::string_view sql);
  sqlite3* handle() const { return db_; }
  const std::string& path() const { return path_; }

 private:
  sqlite3* db_ = nullptr;
  std::string path_;
};

// The E_DATABASE error for the connection's last failure, with `what` for context.
Error DatabaseError(sqlite3* db, std::string_view what);

}  // namespace fupin::sqlite
