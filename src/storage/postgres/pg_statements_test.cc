// The sub-stores' shared helpers (pg_statements.h) against the test server: statements
// prepared once and again after a reconnect, writes all or nothing, a savepoint that keeps
// a transaction usable, the numbering lock, SQLite's LIMIT/OFFSET and array parameters.
#include "storage/postgres/pg_statements.h"

#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <string>
#include <thread>

#include "storage/postgres/pg_test_server.h"

namespace fupin::pg {
namespace {

std::unique_ptr<Connection> Connect() {
  auto db = Connection::Open(testing::TestUrl());
  EXPECT_TRUE(db.ok()) << (db.ok() ? "" : db.error().en);
  return db.ok() ? std::move(db).value() : nullptr;
}

// A connection with an empty temporary table `name` (id bigint PRIMARY KEY) of its own.
std::unique_ptr<Connection> WithTempTable(const std::string& name) {
  auto db = Connect();
  if (db) EXPECT_TRUE(db->Exec("CREATE TEMP TABLE " + name + " (id bigint PRIMARY KEY)").ok());
  return db;
}

// The rows of `table`, or -1 on an error.
int64_t Count(Connection& db, const std::string& table) {
  auto count = StatementCache(db).QueryInt("SELECT count(*) FROM " + table, Params(), -1);
  return count.ok() ? *count : -1;
}

int64_t PreparedCount(Connection& db) {
  auto rows = db.Query("SELECT count(*) FROM pg_prepared_statements");
  EXPECT_TRUE(rows.ok());
  return rows.ok() ? rows->Int(0, 0) : -1;
}

TEST(PgStatements, AStatementIsPreparedOnceAndReused) {
  auto db = Connect();
  ASSERT_TRUE(db);
  StatementCache statements(*db);
  const int64_t before = PreparedCount(*db);
  for (int i = 0; i < 3; ++i) {
    auto value = statements.QueryInt("SELECT $1::bigint + 1", Params().Int(i));
    ASSERT_TRUE(value.ok()) << value.error().en;
    EXPECT_EQ(*value, i + 1);
  }
  EXPECT_EQ(PreparedCount(*db), before + 1);
}

TEST(PgStatements, StatementsArePreparedAgainAfterTheConnectionWasMadeAgain) {
  auto db = Connect();
  auto admin = Connect();
  ASSERT_TRUE(db && admin);
  StatementCache statements(*db);
  auto pid = statements.QueryInt("SELECT pg_backend_pid()", Params());
  ASSERT_TRUE(pid.ok());
  ASSERT_TRUE(admin->Query("SELECT pg_terminate_backend($1::int)", Params().Int(*pid)).ok());
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  ASSERT_FALSE(statements.QueryInt("SELECT pg_backend_pid()", Params()).ok());
  ASSERT_TRUE(db->Reset().ok());
  auto again = statements.QueryInt("SELECT pg_backend_pid()", Params());
  ASSERT_TRUE(again.ok()) << again.error().en;
  EXPECT_NE(*again, *pid);
}

TEST(PgStatements, AWriteOutsideATransactionIsCommittedOrLeavesNothing) {
  auto db = WithTempTable("stmt_own");
  ASSERT_TRUE(db);
  EXPECT_TRUE(
      InTransaction(*db, [&] { return db->Run("INSERT INTO stmt_own VALUES (1)").status(); }).ok());
  Status failed = InTransaction(*db, [&]() -> Status {
    FUPIN_RETURN_IF_ERROR(db->Run("INSERT INTO stmt_own VALUES (2)").status());
    return db->Run("INSERT INTO stmt_own VALUES (1)").status();
  });
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.error().code, "E_CONFLICT");
  EXPECT_FALSE(db->in_transaction());
  EXPECT_EQ(Count(*db, "stmt_own"), 1);
}

TEST(PgStatements, AWriteInsideATransactionIsPartOfIt) {
  auto db = WithTempTable("stmt_open");
  ASSERT_TRUE(db);
  ASSERT_TRUE(db->Begin().ok());
  ASSERT_TRUE(InTransaction(*db, [&] {
                return db->Run("INSERT INTO stmt_open VALUES (1)").status();
              }).ok());
  EXPECT_TRUE(db->in_transaction());
  ASSERT_TRUE(db->Rollback().ok());
  EXPECT_EQ(Count(*db, "stmt_open"), 0);
}

TEST(PgStatements, AGuardedStatementThatFailsLeavesTheTransactionUsable) {
  auto db = WithTempTable("stmt_guard");
  ASSERT_TRUE(db);
  ASSERT_TRUE(db->Begin().ok());
  ASSERT_TRUE(db->Run("INSERT INTO stmt_guard VALUES (1)").ok());
  Status duplicate =
      Guarded(*db, [&] { return db->Run("INSERT INTO stmt_guard VALUES (1)").status(); });
  ASSERT_FALSE(duplicate.ok());
  EXPECT_EQ(duplicate.error().code, "E_CONFLICT");
  ASSERT_TRUE(
      Guarded(*db, [&] { return db->Run("INSERT INTO stmt_guard VALUES (2)").status(); }).ok());
  ASSERT_TRUE(db->Commit().ok());
  EXPECT_EQ(Count(*db, "stmt_guard"), 2);
}

TEST(PgStatements, TheNumberingLockOfATableIsHeldUntilTheTransactionEnds) {
  auto db = Connect();
  auto other = Connect();
  ASSERT_TRUE(db && other);
  StatementCache statements(*db);
  const std::string try_lock =
      "SELECT pg_try_advisory_xact_lock(hashtext('fupin.ids.' || $1::text))";
  ASSERT_TRUE(db->Begin().ok());
  ASSERT_TRUE(LockIds(statements, "cases").ok());
  auto cases = other->Query(try_lock, Params().Text("cases"));
  auto visits = other->Query(try_lock, Params().Text("visits"));
  ASSERT_TRUE(cases.ok() && visits.ok());
  EXPECT_FALSE(cases->Bool(0, 0)) << "another server took the lock of cases while it was held";
  EXPECT_TRUE(visits->Bool(0, 0)) << "the lock of cases held the numbering of visits too";
  ASSERT_TRUE(db->Commit().ok());
  auto after = other->Query(try_lock, Params().Text("cases"));
  ASSERT_TRUE(after.ok());
  EXPECT_TRUE(after->Bool(0, 0));
}

// How many of ten rows a LIMIT $1 OFFSET $2 with `params` gives.
int64_t RowsOfTen(Connection& db, const Params& params) {
  auto rows =
      db.Query("SELECT count(*) FROM (SELECT generate_series(1, 10) LIMIT $1 OFFSET $2) s", params);
  EXPECT_TRUE(rows.ok()) << (rows.ok() ? "" : rows.error().en);
  return rows.ok() ? rows->Int(0, 0) : -1;
}

TEST(PgStatements, LimitsAndOffsetsAreSQLites) {
  auto db = Connect();
  ASSERT_TRUE(db);
  Params p;
  EXPECT_EQ(RowsOfTen(*db, Offset(Limit(p, -1), -5)), 10);  // no limit, offset 0
  Params q;
  EXPECT_EQ(RowsOfTen(*db, Offset(Limit(q, 0), 0)), 0);  // SQLite's LIMIT 0
  Params r;
  EXPECT_EQ(RowsOfTen(*db, Page(r, 0, 4)), 6);  // a page without a limit is all the rows
  Params s;
  EXPECT_EQ(RowsOfTen(*db, Page(s, 3, 8)), 2);
}

TEST(PgStatements, ArraysReachTheServerElementByElement) {
  auto db = Connect();
  ASSERT_TRUE(db);
  auto texts = db->Query(
      "SELECT count(*), string_agg(t, '/' ORDER BY n) FROM unnest($1::text[]) WITH ORDINALITY "
      "u(t, n)",
      Params().Text(TextArray({"a\"b", "c\\d", "e,f", "{}"})));
  ASSERT_TRUE(texts.ok()) << texts.error().en;
  EXPECT_EQ(texts->Int(0, 0), 4);
  EXPECT_EQ(texts->Text(0, 1), "a\"b/c\\d/e,f/{}");
  auto ints = db->Query("SELECT sum(i)::bigint FROM unnest($1::bigint[]) i",
                        Params().Text(IntArray({1, -2, 40})));
  ASSERT_TRUE(ints.ok()) << ints.error().en;
  EXPECT_EQ(ints->Int(0, 0), 39);
  EXPECT_EQ(TextArray({}), "{}");
}

}  // namespace
}  // namespace fupin::pg
