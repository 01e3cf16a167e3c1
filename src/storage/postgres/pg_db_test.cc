// The libpq layer against a real server (pg_test_server.h): values round-trip, errors map
// to the SQLite layer's codes, transactions, COPY, the pool.
#include "storage/postgres/pg_db.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <limits>
#include <optional>
#include <set>
#include <thread>
#include <vector>

#include "storage/postgres/pg_test_server.h"

namespace fupin::pg {
namespace {

using testing::TestUrl;

std::unique_ptr<Connection> Connect() {
  auto db = Connection::Open(TestUrl());
  EXPECT_TRUE(db.ok()) << (db.ok() ? "" : db.error().en);
  return db.ok() ? std::move(db).value() : nullptr;
}

// A table of its own for each test, dropped first.
std::unique_ptr<Connection> WithTable(const std::string& name, const std::string& columns) {
  auto db = Connect();
  if (!db) return nullptr;
  EXPECT_TRUE(
      db->Exec("DROP TABLE IF EXISTS " + name + "; CREATE TABLE " + name + " (" + columns + ")")
          .ok());
  return db;
}

int64_t Count(Connection& db, const std::string& table) {
  auto rows = db.Query("SELECT count(*) FROM " + table);
  EXPECT_TRUE(rows.ok());
  return rows.ok() ? rows->Int(0, 0) : -1;
}

// Every byte value, a NUL among them.
std::string AllBytes() {
  std::string bytes;
  for (int i = 0; i < 256; ++i) bytes.push_back(static_cast<char>(i));
  return bytes;
}

TEST(PgDb, ConnectingToNoServerIsADatabaseError) {
  auto db = Connection::Open("postgresql://fupin@127.0.0.1:1/fupin_test?connect_timeout=2");
  ASSERT_FALSE(db.ok());
  EXPECT_EQ(db.error().code, "E_DATABASE");
  EXPECT_NE(db.error().en.find("cannot connect"), std::string::npos);
}

// The server scripts/pg-test-server started: 127.0.0.1 only, no Unix socket, fsync off.
TEST(PgDb, TheTestServerListensOnLoopbackOnlyWithoutFsync) {
  if (getenv("FUPIN_PG_URL")) GTEST_SKIP() << "a server given by FUPIN_PG_URL";
  auto db = Connect();
  ASSERT_TRUE(db);
  auto rows = db->Query(
      "SELECT current_setting('listen_addresses'), current_setting('unix_socket_directories'), "
      "current_setting('fsync'), current_user::text, current_database()::text");
  ASSERT_TRUE(rows.ok()) << rows.error().en;
  EXPECT_EQ(rows->Text(0, 0), "127.0.0.1");
  EXPECT_EQ(rows->Text(0, 1), "");
  EXPECT_EQ(rows->Text(0, 2), "off");
  EXPECT_EQ(rows->Text(0, 3), "fupin");
  EXPECT_EQ(rows->Text(0, 4), "fupin_test");
  EXPECT_TRUE(TestUrl().starts_with("postgresql://fupin@127.0.0.1:")) << TestUrl();
}

// scripts/pg-test-server start DIR with PG_TEST_SERVER_SETTINGS=`settings`: its exit status
// and first line of output. The server, if one started, is stopped (its folder removed)
// when the StartedServer is destroyed, also when an assertion failed.
struct StartedServer {
  int status = -1;
  std::string url;
  std::string dir;
  ~StartedServer() {
    if (!dir.empty()) {
      std::system(
          (std::string(FUPIN_PG_TEST_SERVER) + " stop " + dir + " >/dev/null 2>&1").c_str());
    }
  }
};

void StartWithSettings(const std::string& settings, StartedServer& server) {
  char dir[] = "/tmp/fupin-pg-settings-XXXXXX";
  ASSERT_NE(mkdtemp(dir), nullptr);
  ASSERT_EQ(rmdir(dir), 0);  // the script makes it
  server.dir = dir;
  const std::string command = "PG_TEST_SERVER_SETTINGS='" + settings + "' " + FUPIN_PG_TEST_SERVER +
                              " start " + server.dir + " 2>/dev/null";
  FILE* out = popen(command.c_str(), "r");
  ASSERT_NE(out, nullptr);
  char line[512] = {};
  if (fgets(line, sizeof line, out)) server.url = line;
  server.status = pclose(out);
  while (!server.url.empty() && server.url.back() == '\n') server.url.pop_back();
}

TEST(PgTestServerScript, SettingsFromTheEnvironmentWinOverTheScriptsOwn) {
  StartedServer server;
  StartWithSettings("fsync = on; synchronous_commit=on ; shared_buffers = 48MB", server);
  ASSERT_EQ(server.status, 0);
  auto db = Connection::Open(server.url);
  ASSERT_TRUE(db.ok()) << server.url;
  auto rows = (*db)->Query(
      "SELECT current_setting('fsync'), current_setting('synchronous_commit'), "
      "current_setting('shared_buffers'), current_setting('full_page_writes')");
  ASSERT_TRUE(rows.ok()) << rows.error().en;
  EXPECT_EQ(rows->Text(0, 0), "on");
  EXPECT_EQ(rows->Text(0, 1), "on");
  EXPECT_EQ(rows->Text(0, 2), "48MB");
  EXPECT_EQ(rows->Text(0, 3), "off");  // not named: the script's own
}

TEST(PgTestServerScript, AMalformedSettingIsRefusedBeforeAnythingIsMade) {
  StartedServer server;
  StartWithSettings("fsync = on; shared_buffers", server);
  EXPECT_NE(server.status, 0);
  EXPECT_EQ(server.url, "");
  EXPECT_FALSE(std::filesystem::exists(server.dir)) << server.dir;
}

TEST(PgDb, EveryTypeRoundTripsThroughParametersAndReads) {
  auto db = WithTable("types", "i BIGINT, s TEXT, b BYTEA, f BOOLEAN, n BIGINT, small INTEGER");
  ASSERT_TRUE(db);
  const std::string text = "扶贫 \t tab\nnewline \\ backslash 'quote' \"dq\"";
  const std::string bytes = AllBytes();
  auto insert = db->Prepare("INSERT INTO types VALUES ($1, $2, $3, $4, $5, $6)");
  ASSERT_TRUE(insert.ok()) << insert.error().en;
  for (int64_t i : {std::numeric_limits<int64_t>::min(), int64_t{-1}, int64_t{0},
                    std::numeric_limits<int64_t>::max()}) {
    auto done = insert->Run(Params().Int(i).Text(text).Bytes(bytes).Bool(i > 0).Null().Int(-7));
    ASSERT_TRUE(done.ok()) << done.error().en;
    EXPECT_EQ(*done, 1);
  }
  // An empty text and empty bytes are values, not NULL.
  ASSERT_TRUE(insert->Run(Params().Int(42).Text("").Bytes("").Bool(false).Int(5).Null()).ok());

  auto rows = db->Query("SELECT i, s, b, f, n, small FROM types WHERE i <> $1 ORDER BY i",
                        Params().Int(42));
  ASSERT_TRUE(rows.ok()) << rows.error().en;
  ASSERT_EQ(rows->size(), 4);
  EXPECT_EQ(rows->Int(0, 0), std::numeric_limits<int64_t>::min());
  EXPECT_EQ(rows->Int(3, 0), std::numeric_limits<int64_t>::max());
  for (int r = 0; r < 4; ++r) {
    EXPECT_EQ(rows->Text(r, 1), text);
    EXPECT_EQ(rows->Bytes(r, 2), bytes);
    EXPECT_EQ(rows->Bool(r, 3), r == 3);
    EXPECT_TRUE(rows->IsNull(r, 4));
    EXPECT_FALSE(rows->IsNull(r, 5));
    EXPECT_EQ(rows->Int(r, 5), -7);
  }
  auto empty = db->Query("SELECT s, b, n, small FROM types WHERE i = 42");
  ASSERT_TRUE(empty.ok());
  ASSERT_EQ(empty->size(), 1);
  EXPECT_FALSE(empty->IsNull(0, 0));
  EXPECT_EQ(empty->Text(0, 0), "");
  EXPECT_FALSE(empty->IsNull(0, 1));
  EXPECT_EQ(empty->Bytes(0, 1), "");
  EXPECT_EQ(empty->Int(0, 2), 5);
  EXPECT_TRUE(empty->IsNull(0, 3));
}

TEST(PgDb, ATextParameterTakesTheTypeTheServerInfers) {
  auto db = WithTable("inferred", "n BIGINT, d DATE");
  ASSERT_TRUE(db);
  ASSERT_TRUE(
      db->Run("INSERT INTO inferred VALUES ($1, $2)", Params().Text("12").Text("2026-01-31")).ok());
  auto rows = db->Query("SELECT n, d::text FROM inferred");
  ASSERT_TRUE(rows.ok());
  EXPECT_EQ(rows->Int(0, 0), 12);
  EXPECT_EQ(rows->Text(0, 1), "2026-01-31");
}

TEST(PgDb, AUniqueViolationIsAConflictAndOtherErrorsAreDatabaseErrors) {
  auto db = WithTable("uniq", "k TEXT PRIMARY KEY, v BIGINT NOT NULL");
  ASSERT_TRUE(db);
  ASSERT_TRUE(db->Run("INSERT INTO uniq VALUES ($1, 1)", Params().Text("a")).ok());
  auto again = db->Run("INSERT INTO uniq VALUES ($1, 2)", Params().Text("a"));
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, "E_CONFLICT");
  EXPECT_NE(again.error().en.find("duplicate key"), std::string::npos) << again.error().en;
  // NOT NULL is a constraint too (SQLite's SQLITE_CONSTRAINT_NOTNULL is E_CONFLICT).
  auto null = db->Run("INSERT INTO uniq VALUES ($1, $2)", Params().Text("b").Null());
  ASSERT_FALSE(null.ok());
  EXPECT_EQ(null.error().code, "E_CONFLICT");
  auto syntax = db->Exec("SELEC 1");
  ASSERT_FALSE(syntax.ok());
  EXPECT_EQ(syntax.error().code, "E_DATABASE");
  auto missing = db->Query("SELECT * FROM no_such_table");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, "E_DATABASE");
  EXPECT_EQ(Count(*db, "uniq"), 1);
}

// A write where the server allows none (SQLSTATE 25006: a hot standby, or a read-only
// transaction as here) says so in both languages, still E_DATABASE, and writes nothing.
TEST(PgDb, AWriteToAReadOnlyDatabaseIsADatabaseErrorSayingReadOnly) {
  auto db = WithTable("readonly", "k BIGINT PRIMARY KEY");
  ASSERT_TRUE(db);
  ASSERT_TRUE(db->Exec("SET default_transaction_read_only = on").ok());
  auto write = db->Run("INSERT INTO readonly VALUES (1)");
  ASSERT_FALSE(write.ok());
  EXPECT_EQ(write.error().code, "E_DATABASE");
  EXPECT_NE(write.error().en.find("the database is read-only"), std::string::npos)
      << write.error().en;
  EXPECT_NE(write.error().zh.find("数据库只读"), std::string::npos) << write.error().zh;
  ASSERT_TRUE(db->Exec("SET default_transaction_read_only = off").ok());
  EXPECT_EQ(Count(*db, "readonly"), 0);
}

TEST(PgDb, ARollbackLeavesNothing) {
  auto db = WithTable("rolled", "k BIGINT PRIMARY KEY");
  ASSERT_TRUE(db);
  ASSERT_TRUE(db->Begin().ok());
  EXPECT_TRUE(db->in_transaction());
  for (int i = 0; i < 10; ++i)
    ASSERT_TRUE(db->Run("INSERT INTO rolled VALUES ($1)", Params().Int(i)).ok());
  ASSERT_TRUE(db->Rollback().ok());
  EXPECT_FALSE(db->in_transaction());
  EXPECT_EQ(Count(*db, "rolled"), 0);
  // A committed transaction stays.
  ASSERT_TRUE(db->Begin().ok());
  ASSERT_TRUE(db->Run("INSERT INTO rolled VALUES (1)").ok());
  ASSERT_TRUE(db->Commit().ok());
  EXPECT_EQ(Count(*db, "rolled"), 1);
}

TEST(PgDb, CommittingATransactionThatAnErrorAbortedIsAnErrorAndKeepsNothing) {
  auto db = WithTable("aborted", "k BIGINT PRIMARY KEY");
  ASSERT_TRUE(db);
  ASSERT_TRUE(db->Begin().ok());
  ASSERT_TRUE(db->Run("INSERT INTO aborted VALUES (1)").ok());
  EXPECT_FALSE(db->Run("INSERT INTO aborted VALUES (1)").ok());
  auto commit = db->Commit();
  ASSERT_FALSE(commit.ok());
  EXPECT_EQ(commit.error().code, "E_DATABASE");
  EXPECT_FALSE(db->in_transaction());
  EXPECT_EQ(Count(*db, "aborted"), 0);
}

// Two offices write one row at once, each in a SERIALIZABLE transaction: the one that
// writes second gets E_BUSY (SQLSTATE 40001, serialization failure: "try again", as SQLite's
// busy writer), its transaction is rolled back, and the row holds the first one's write.
TEST(PgDb, OfTwoSerializableTransactionsWritingOneRowExactlyOneFailsWithBusy) {
  auto a = WithTable("contested", "k BIGINT PRIMARY KEY, v BIGINT NOT NULL");
  ASSERT_TRUE(a);
  ASSERT_TRUE(a->Exec("INSERT INTO contested VALUES (1, 100)").ok());
  auto b = Connect();
  ASSERT_TRUE(b);
  ASSERT_TRUE(a->Begin(Isolation::kSerializable).ok());
  ASSERT_TRUE(b->Begin(Isolation::kSerializable).ok());
  ASSERT_TRUE(a->Query("SELECT v FROM contested WHERE k = 1").ok());
  ASSERT_TRUE(b->Query("SELECT v FROM contested WHERE k = 1").ok());
  ASSERT_TRUE(a->Run("UPDATE contested SET v = v + 1 WHERE k = 1").ok());
  // b's write waits for a's transaction; a commits meanwhile, from another thread.
  std::thread committer([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    EXPECT_TRUE(a->Commit().ok());
  });
  auto second = b->Run("UPDATE contested SET v = v + 10 WHERE k = 1");
  committer.join();
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.error().code, "E_BUSY") << second.error().en;
  ASSERT_TRUE(b->Rollback().ok());
  auto rows = a->Query("SELECT v FROM contested WHERE k = 1");
  ASSERT_TRUE(rows.ok());
  EXPECT_EQ(rows->Int(0, 0), 101);
}

// Two transactions locking two rows in opposite orders: the server breaks the deadlock by
// failing one of them (40P01), which is E_BUSY too; the other goes through.
TEST(PgDb, OfTwoDeadlockedTransactionsOneFailsWithBusyAndTheOtherCommits) {
  auto a = WithTable("locked", "k BIGINT PRIMARY KEY, v BIGINT NOT NULL");
  ASSERT_TRUE(a);
  ASSERT_TRUE(a->Exec("INSERT INTO locked VALUES (1, 0), (2, 0)").ok());
  auto b = Connect();
  ASSERT_TRUE(b);
  for (auto* db : {a.get(), b.get()}) {
    ASSERT_TRUE(db->Exec("SET deadlock_timeout = '100ms'").ok());
    ASSERT_TRUE(db->Begin().ok());
  }
  ASSERT_TRUE(a->Run("UPDATE locked SET v = 1 WHERE k = 1").ok());
  ASSERT_TRUE(b->Run("UPDATE locked SET v = 2 WHERE k = 2").ok());
  Result<int64_t> a_second = 0;
  bool a_rolled_back = false;
  std::thread other([&] {
    a_second = a->Run("UPDATE locked SET v = 1 WHERE k = 2");
    // The failed one lets go of its locks, so that the other can finish.
    if (!a_second.ok()) a_rolled_back = a->Rollback().ok();
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  auto b_second = b->Run("UPDATE locked SET v = 2 WHERE k = 1");
  if (b_second.ok()) {  // b waited for a, whose statement was the one failed
    other.join();
    ASSERT_FALSE(a_second.ok());
    EXPECT_EQ(a_second.error().code, "E_BUSY") << a_second.error().en;
    EXPECT_TRUE(a_rolled_back);
    EXPECT_TRUE(b->Commit().ok());
  } else {
    EXPECT_EQ(b_second.error().code, "E_BUSY") << b_second.error().en;
    ASSERT_TRUE(b->Rollback().ok());
    other.join();
    EXPECT_TRUE(a_second.ok());
    EXPECT_TRUE(a->Commit().ok());
  }
  auto rows = a->Query("SELECT count(DISTINCT v) FROM locked");
  ASSERT_TRUE(rows.ok());
  EXPECT_EQ(rows->Int(0, 0), 1);  // both rows hold the winner's value
}

// A COPY of 100,000 rows whose text holds everything the text format escapes reads back
// identical, NULL included (and the text "\N", which is not NULL).
TEST(PgDb, ACopyOfAHundredThousandRowsReadsBackIdentical) {
  auto db = WithTable("copied", "id BIGINT PRIMARY KEY, s TEXT, b BYTEA, n BIGINT, f BOOLEAN");
  ASSERT_TRUE(db);
  const std::string pieces[] = {"扶贫对象",    "a\tb",   "line\nnext",
                                "back\\slash", "\\N",    "cr\rlf\r\n",
                                "\\t literal", "尾部\\", ""};
  auto text_of = [&](int64_t i) {
    return pieces[i % 9] + std::to_string(i) + pieces[(i / 9) % 9] + "王五";
  };
  auto bytes_of = [&](int64_t i) { return i % 5 == 0 ? AllBytes() : std::to_string(i * 7919); };
  constexpr int64_t kRows = 100000;
  ASSERT_TRUE(db->Begin().ok());
  auto copy = db->CopyIn("copied", "id, s, b, n, f");
  ASSERT_TRUE(copy.ok()) << copy.error().en;
  for (int64_t i = 0; i < kRows; ++i) {
    copy->Int(i).Text(text_of(i)).Bytes(bytes_of(i));
    if (i % 7 == 0) {
      copy->Null();
    } else {
      copy->Int(-i);
    }
    copy->Bool(i % 3 == 0);
    ASSERT_TRUE(copy->EndRow().ok());
  }
  auto stored = copy->Finish();
  ASSERT_TRUE(stored.ok()) << stored.error().en;
  EXPECT_EQ(*stored, kRows);
  ASSERT_TRUE(db->Commit().ok());

  auto rows = db->Query("SELECT id, s, b, n, f FROM copied ORDER BY id");
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->size(), kRows);
  int64_t mismatches = 0;
  for (int r = 0; r < kRows; ++r) {
    const bool same = rows->Int(r, 0) == r && rows->Text(r, 1) == text_of(r) &&
                      rows->Bytes(r, 2) == bytes_of(r) && !rows->IsNull(r, 1) &&
                      rows->IsNull(r, 3) == (r % 7 == 0) && (r % 7 == 0 || rows->Int(r, 3) == -r) &&
                      rows->Bool(r, 4) == (r % 3 == 0);
    if (!same && ++mismatches <= 3)
      ADD_FAILURE() << "row " << r << " differs: " << rows->Text(r, 1);
  }
  EXPECT_EQ(mismatches, 0);
}

TEST(PgDb, ACopyWithADuplicateKeyIsAConflictAndStoresNothing) {
  auto db = WithTable("copy_dup", "id BIGINT PRIMARY KEY");
  ASSERT_TRUE(db);
  auto copy = db->CopyIn("copy_dup", "id");
  ASSERT_TRUE(copy.ok());
  for (int64_t id : {1, 2, 3, 2}) ASSERT_TRUE(copy->Int(id).EndRow().ok());
  auto stored = copy->Finish();
  ASSERT_FALSE(stored.ok());
  EXPECT_EQ(stored.error().code, "E_CONFLICT");
  EXPECT_EQ(Count(*db, "copy_dup"), 0);
  // The connection is usable after the failed COPY, and after an abandoned one.
  {
    auto abandoned = db->CopyIn("copy_dup", "id");
    ASSERT_TRUE(abandoned.ok());
    ASSERT_TRUE(abandoned->Int(9).EndRow().ok());
  }
  EXPECT_EQ(Count(*db, "copy_dup"), 0);
}

// The pool lends its N connections to N threads at once (N server sessions), and the
// N+1st borrower waits until one comes back.
TEST(PgPool, LendsNConnectionsToNThreadsAndBlocksTheNextUntilOneReturns) {
  constexpr int kSize = 3;
  auto pool = Pool::Open(TestUrl(), kSize);
  ASSERT_TRUE(pool.ok()) << pool.error().en;
  EXPECT_EQ((*pool)->available(), kSize);

  std::vector<std::optional<Pool::Lease>> leases(kSize);
  std::vector<int64_t> pids(kSize);
  std::vector<std::thread> borrowers;
  for (int i = 0; i < kSize; ++i) {
    borrowers.emplace_back([&, i] {
      leases[i].emplace((*pool)->Borrow());
      auto rows = (*leases[i])->Query("SELECT pg_backend_pid()");
      pids[i] = rows.ok() ? rows->Int(0, 0) : -1;
    });
  }
  for (auto& t : borrowers) t.join();
  EXPECT_EQ((*pool)->available(), 0);
  EXPECT_EQ(std::set<int64_t>(pids.begin(), pids.end()).size(), static_cast<size_t>(kSize));

  std::atomic<bool> got{false};
  std::thread waiter([&] {
    auto lease = (*pool)->Borrow();
    got = true;
    auto rows = lease->Query("SELECT pg_backend_pid()");
    EXPECT_TRUE(rows.ok() && rows->Int(0, 0) == pids[1]);  // the one given back
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_FALSE(got) << "a fourth borrower got a connection while three were lent";
  leases[1].reset();
  waiter.join();
  EXPECT_TRUE(got);
  leases.clear();
  EXPECT_EQ((*pool)->available(), kSize);
}

TEST(PgPool, AConnectionReturnedInATransactionComesBackRolledBack) {
  auto setup = WithTable("pooled", "k BIGINT PRIMARY KEY");
  ASSERT_TRUE(setup);
  auto pool = Pool::Open(TestUrl(), 1);
  ASSERT_TRUE(pool.ok());
  {
    auto lease = (*pool)->Borrow();
    ASSERT_TRUE(lease->Begin().ok());
    ASSERT_TRUE(lease->Run("INSERT INTO pooled VALUES (1)").ok());
  }
  auto lease = (*pool)->Borrow();
  EXPECT_FALSE(lease->in_transaction());
  EXPECT_EQ(Count(*lease, "pooled"), 0);
}

// A connection whose server session ended (a restart, an administrator) is made again when
// it comes back to the pool, and the next borrower gets a working one.
TEST(PgPool, AConnectionWhoseSessionWasTerminatedIsReconnected) {
  auto pool = Pool::Open(TestUrl(), 1);
  ASSERT_TRUE(pool.ok());
  auto admin = Connect();
  ASSERT_TRUE(admin);
  int64_t pid = 0;
  {
    auto lease = (*pool)->Borrow();
    auto rows = lease->Query("SELECT pg_backend_pid()");
    ASSERT_TRUE(rows.ok());
    pid = rows->Int(0, 0);
    ASSERT_TRUE(admin->Query("SELECT pg_terminate_backend($1::int)", Params().Int(pid)).ok());
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    auto lost = lease->Query("SELECT 1");
    ASSERT_FALSE(lost.ok());
    EXPECT_EQ(lost.error().code, "E_DATABASE");
  }
  auto lease = (*pool)->Borrow();
  auto rows = lease->Query("SELECT pg_backend_pid()");
  ASSERT_TRUE(rows.ok()) << rows.error().en;
  EXPECT_NE(rows->Int(0, 0), pid);
}

TEST(PgPool, APoolOfNoConnectionIsAUsageError) {
  auto pool = Pool::Open(TestUrl(), 0);
  ASSERT_FALSE(pool.ok());
  EXPECT_EQ(pool.error().code, "E_USAGE");
}

}  // namespace
}  // namespace fupin::pg
