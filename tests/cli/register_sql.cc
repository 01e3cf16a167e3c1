#include "register_sql.h"

#include <gtest/gtest.h>
#include <libpq-fe.h>
#include <sqlite3.h>

#include <charconv>
#include <system_error>
#include <vector>

#include "fupin_process.h"

namespace fupin::testing {
namespace {

using Table = std::vector<std::vector<std::string>>;  // rows of cells; "NULL" for NULL

// Runs `sql` on the SQLite file of `db_path`; false (and `error`) when it fails.
bool RunSqlite(const std::string& db_path, const std::string& sql, DbPart part, Table& rows,
               std::string& error) {
  const std::string file = part == DbPart::kAccounts ? db_path + "-accounts" : db_path;
  sqlite3* db = nullptr;
  // Never created here: a missing file is an error of the test, not an empty database.
  if (sqlite3_open_v2(file.c_str(), &db, SQLITE_OPEN_READWRITE, nullptr) != SQLITE_OK) {
    error = db ? sqlite3_errmsg(db) : "cannot open " + file;
    sqlite3_close(db);
    return false;
  }
  bool ok = true;
  const char* tail = sql.c_str();
  while (ok && tail != nullptr && *tail != '\0') {
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v2(db, tail, -1, &stmt, &tail) != SQLITE_OK) {
      error = sqlite3_errmsg(db);
      ok = false;
      break;
    }
    if (stmt == nullptr) break;  // only blanks or a comment left
    int rc;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
      auto& row = rows.emplace_back();
      for (int i = 0; i < sqlite3_column_count(stmt); ++i) {
        const unsigned char* text = sqlite3_column_text(stmt, i);
        row.emplace_back(text ? reinterpret_cast<const char*>(text) : "NULL");
      }
    }
    if (rc != SQLITE_DONE) {
      error = sqlite3_errmsg(db);
      ok = false;
    }
    sqlite3_finalize(stmt);
  }
  sqlite3_close(db);
  return ok;
}

// The same on the PostgreSQL database standing for `db_path` (results in text form).
bool RunPostgres(const std::string& db_path, const std::string& sql, DbPart part, Table& rows,
                 std::string& error) {
  PGconn* conn = PQconnectdb(PostgresUrlOf(db_path).c_str());
  bool ok = PQstatus(conn) == CONNECTION_OK;
  if (!ok) error = PQerrorMessage(conn);
  if (ok && part == DbPart::kAccounts) {
    PGresult* set = PQexec(conn, "SET search_path TO accounts, public");
    ok = PQresultStatus(set) == PGRES_COMMAND_OK;
    if (!ok) error = PQresultErrorMessage(set);
    PQclear(set);
  }
  if (ok) {
    // PQexec runs every statement of `sql` and returns the last one's result.
    PGresult* result = PQexec(conn, sql.c_str());
    const ExecStatusType status = PQresultStatus(result);
    ok = status == PGRES_TUPLES_OK || status == PGRES_COMMAND_OK;
    if (!ok) error = PQresultErrorMessage(result);
    for (int r = 0; ok && r < PQntuples(result); ++r) {
      auto& row = rows.emplace_back();
      for (int c = 0; c < PQnfields(result); ++c) {
        row.emplace_back(PQgetisnull(result, r, c) ? "NULL" : PQgetvalue(result, r, c));
      }
    }
    PQclear(result);
  }
  PQfinish(conn);
  return ok;
}

Table Run(const std::string& db_path, const std::string& sql, DbPart part) {
  Table rows;
  std::string error;
  const bool ok = OnPostgres() ? RunPostgres(db_path, sql, part, rows, error)
                               : RunSqlite(db_path, sql, part, rows, error);
  EXPECT_TRUE(ok) << sql << ": " << error;
  return rows;
}

}  // namespace

std::string SqlRows(const std::string& db_path, const std::string& sql, DbPart part) {
  std::string out;
  for (const auto& row : Run(db_path, sql, part)) {
    for (const auto& cell : row) out += cell + '|';
    out += '\n';
  }
  return out;
}

int64_t SqlInt(const std::string& db_path, const std::string& sql, DbPart part) {
  const Table rows = Run(db_path, sql, part);
  if (rows.empty() || rows[0].empty() || rows[0][0] == "NULL") {
    ADD_FAILURE() << sql << ": no value";
    return -1;
  }
  int64_t value = -1;
  const std::string& text = rows[0][0];
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) {
    ADD_FAILURE() << sql << ": not an integer: " << text;
    return -1;
  }
  return value;
}

std::string SqlText(const std::string& db_path, const std::string& sql, DbPart part) {
  const Table rows = Run(db_path, sql, part);
  if (rows.empty() || rows[0].empty() || rows[0][0] == "NULL") return "";
  return rows[0][0];
}

void SqlExec(const std::string& db_path, const std::string& sql, DbPart part) {
  Run(db_path, sql, part);
}

}  // namespace fupin::testing
