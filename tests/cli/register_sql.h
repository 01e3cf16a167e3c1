// SQL on a test's database behind fupin's back, on either back end (issue 15): to look at
// rows no command shows (history rows, versions, import batches, indexes) and to tamper
// with what a command must then catch (an audit record deleted, a name stored before names
// were checked). The database is the one a test names by its path: the SQLite file PATH
// (its accounts and audit trail in PATH-accounts), or, with FUPIN_TEST_DB=postgres, the
// database of the test server standing for PATH (fupin_process.h; the accounts and audit
// trail in its schema `accounts`). The SQL must be valid on both, or chosen with
// OnPostgres().
#pragma once

#include <cstdint>
#include <string>

namespace fupin::testing {

// Which part of the database the SQL runs on: the register, or the accounts (users,
// sessions, audit_log; unqualified names there mean the accounts' tables).
enum class DbPart { kRegister, kAccounts };

// Every row `sql` gives, each column's text followed by '|' ("NULL" for NULL), one row a
// line. A failing query is a test failure (and gives what was read so far).
std::string SqlRows(const std::string& db_path, const std::string& sql,
                    DbPart part = DbPart::kRegister);
// The first column of the first row as an integer; -1 and a test failure when there is
// none or the query fails.
int64_t SqlInt(const std::string& db_path, const std::string& sql, DbPart part = DbPart::kRegister);
// The first column of the first row as text; "" when there is none or it is NULL (a
// failing query is a test failure).
std::string SqlText(const std::string& db_path, const std::string& sql,
                    DbPart part = DbPart::kRegister);
// Runs statements that return nothing; a failure is a test failure.
void SqlExec(const std::string& db_path, const std::string& sql, DbPart part = DbPart::kRegister);

}  // namespace fupin::testing
