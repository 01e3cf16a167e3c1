// The PostgreSQL schema against the SQLite one: the same tables, views, columns and
// indexes after Migrate, and a Migrate that can run again.
#include "storage/postgres/pg_schema.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <set>
#include <string>
#include <thread>

#include "storage/postgres/pg_db.h"
#include "storage/postgres/pg_test_server.h"
#include "storage/sqlite/sqlite_db.h"
#include "storage/store.h"

namespace fupin::pg {
namespace {

using Names = std::set<std::string>;

std::unique_ptr<Connection> FreshMigrated(const std::string& name) {
  auto db = Connection::Open(testing::FreshDatabase(name));
  EXPECT_TRUE(db.ok()) << (db.ok() ? "" : db.error().en);
  if (!db.ok()) return nullptr;
  auto version = Migrate(**db);
  EXPECT_TRUE(version.ok()) << (version.ok() ? "" : version.error().en);
  return std::move(db).value();
}

// "table t.column" and "view v.column" of one PostgreSQL schema (not fupin_schema).
Names PgColumns(Connection& db, const std::string& schema) {
  auto rows = db.Query(
      "SELECT CASE c.relkind WHEN 'v' THEN 'view ' ELSE 'table ' END || c.relname || '.' || "
      "a.attname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
      "JOIN pg_attribute a ON a.attrelid = c.oid "
      "WHERE n.nspname = $1 AND c.relkind IN ('r', 'p', 'v') AND a.attnum > 0 "
      "AND NOT a.attisdropped AND c.relname <> 'fupin_schema'",
      Params().Text(schema));
  EXPECT_TRUE(rows.ok());
  Names out;
  for (int r = 0; rows.ok() && r < rows->size(); ++r) out.insert(rows->Text(r, 0));
  return out;
}

// The indexes made by CREATE INDEX (not those of a primary key or UNIQUE constraint).
Names PgIndexes(Connection& db, const std::string& schema) {
  auto rows = db.Query(
      "SELECT c.relname::text FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
      "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 "
      "AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid "
      "AND k.contype IN ('p', 'u'))",
      Params().Text(schema));
  EXPECT_TRUE(rows.ok());
  Names out;
  for (int r = 0; rows.ok() && r < rows->size(); ++r) out.insert(rows->Text(r, 0));
  return out;
}

Names SqliteNames(const std::string& path, const std::string& sql) {
  auto db = sqlite::Database::Open(path, false);
  EXPECT_TRUE(db.ok());
  Names out;
  if (!db.ok()) return out;
  auto stmt = db->Prepare(sql);
  EXPECT_TRUE(stmt.ok());
  if (stmt.ok()) {
    EXPECT_TRUE(stmt->ForEachRow([&](auto& s) { out.insert(s.Text(0)); }).ok());
  }
  return out;
}

Names SqliteColumns(const std::string& path) {
  return SqliteNames(path,
                     "SELECT m.type || ' ' || m.name || '.' || p.name FROM sqlite_master m "
                     "JOIN pragma_table_info(m.name) p WHERE m.type IN ('table', 'view') "
                     "AND m.name NOT LIKE 'sqlite_%'");
}

Names SqliteIndexes(const std::string& path) {
  // Automatic indexes (of a primary key or UNIQUE) have no SQL.
  return SqliteNames(path,
                     "SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL");
}

class PgSchemaTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char dir[] = "/tmp/fupin-pg-schema-XXXXXX";
    ASSERT_NE(mkdtemp(dir), nullptr);
    dir_ = dir;
    sqlite_path_ = dir_ + "/t.db";
    auto store = Store::Open(sqlite_path_, Store::OpenMode::kCreate);
    ASSERT_TRUE(store.ok());
    ASSERT_TRUE((*store)->Migrate().ok());
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string dir_;
  std::string sqlite_path_;
};

TEST_F(PgSchemaTest, MigrateCreatesEveryTableColumnAndIndexOfTheSqliteSchema) {
  auto db = FreshMigrated("schema_compare");
  ASSERT_TRUE(db);
  const Names sqlite_register = SqliteColumns(sqlite_path_);
  ASSERT_GT(sqlite_register.size(), 300u);  // the comparison compares something
  EXPECT_EQ(PgColumns(*db, "public"), sqlite_register);
  const Names sqlite_accounts = SqliteColumns(AccountsPath(sqlite_path_));
  ASSERT_GT(sqlite_accounts.size(), 20u);
  EXPECT_EQ(PgColumns(*db, "accounts"), sqlite_accounts);
  const Names sqlite_indexes = SqliteIndexes(sqlite_path_);
  ASSERT_GT(sqlite_indexes.size(), 40u);
  EXPECT_EQ(PgIndexes(*db, "public"), sqlite_indexes);
  EXPECT_EQ(PgIndexes(*db, "accounts"), SqliteIndexes(AccountsPath(sqlite_path_)));
}

TEST_F(PgSchemaTest, ColumnsUseOnlyBigintTextByteaAndBoolean) {
  auto db = FreshMigrated("schema_types");
  ASSERT_TRUE(db);
  auto rows = db->Query(
      "SELECT DISTINCT format_type(a.atttypid, a.atttypmod) FROM pg_attribute a "
      "JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace "
      "WHERE n.nspname IN ('public', 'accounts') AND c.relkind = 'r' AND a.attnum > 0 "
      "ORDER BY 1");
  ASSERT_TRUE(rows.ok());
  Names types;
  for (int r = 0; r < rows->size(); ++r) types.insert(rows->Text(r, 0));
  EXPECT_EQ(types, (Names{"bigint", "boolean", "bytea", "text"}));
}

TEST_F(PgSchemaTest, MigrateRecordsItsVersionsAndIsIdempotent) {
  auto db = FreshMigrated("schema_again");
  ASSERT_TRUE(db);
  auto version = SchemaVersion(*db, "register");
  ASSERT_TRUE(version.ok());
  EXPECT_EQ(*version, static_cast<int>(Migrations().size()));
  auto accounts = SchemaVersion(*db, "accounts");
  ASSERT_TRUE(accounts.ok());
  EXPECT_EQ(*accounts, static_cast<int>(AccountsMigrations().size()));
  ASSERT_TRUE(db->Exec("INSERT INTO regions VALUES (1, 'x', 1, 0, NULL)").ok());
  const Names before = PgColumns(*db, "public");
  auto again = Migrate(*db);
  ASSERT_TRUE(again.ok()) << again.error().en;
  EXPECT_EQ(*again, static_cast<int>(Migrations().size()));
  EXPECT_EQ(PgColumns(*db, "public"), before);
  auto regions = db->Query("SELECT count(*) FROM regions");
  ASSERT_TRUE(regions.ok());
  EXPECT_EQ(regions->Int(0, 0), 1);
  auto meta = db->Query("SELECT value FROM meta WHERE key = 'database_id'");
  ASSERT_TRUE(meta.ok());
  ASSERT_EQ(meta->size(), 1);
  EXPECT_EQ(meta->Text(0, 0).size(), 32u);
}

TEST_F(PgSchemaTest, TwoMigrateAtOnceOnAnEmptyDatabaseBothSucceed) {
  const std::string url = testing::FreshDatabase("schema_race");
  auto a = Connection::Open(url);
  auto b = Connection::Open(url);
  ASSERT_TRUE(a.ok() && b.ok());
  Result<int> first = 0, second = 0;
  std::thread other([&] { second = Migrate(**b); });
  first = Migrate(**a);
  other.join();
  ASSERT_TRUE(first.ok()) << first.error().en;
  ASSERT_TRUE(second.ok()) << second.error().en;
  EXPECT_EQ(*first, static_cast<int>(Migrations().size()));
  EXPECT_EQ(*second, static_cast<int>(Migrations().size()));
  auto meta = (*a)->Query("SELECT count(*) FROM meta");
  ASSERT_TRUE(meta.ok());
  EXPECT_EQ(meta->Int(0, 0), 2);  // migration 1 ran once
}

TEST_F(PgSchemaTest, AnEmptyDatabaseHasVersionZero) {
  auto db = Connection::Open(testing::FreshDatabase("schema_empty"));
  ASSERT_TRUE(db.ok());
  auto version = SchemaVersion(**db, "register");
  ASSERT_TRUE(version.ok());
  EXPECT_EQ(*version, 0);
}

// The funds ledger's triggers as SQLite's: sums kept on insert, rows never changed.
TEST_F(PgSchemaTest, TheLedgerIsSummedOnInsertAndAppendOnly) {
  auto db = FreshMigrated("schema_ledger");
  ASSERT_TRUE(db);
  auto fund = db->Query(
      "INSERT INTO funds(level, kind, year, region_code, amount_fen, name, created_by, "
      "created_at) VALUES (1, 'k', 2026, 110101001001, 500, 'n', 'u', 't') RETURNING id");
  ASSERT_TRUE(fund.ok()) << fund.error().en;
  ASSERT_TRUE(db->Run("INSERT INTO fund_allocations(fund_id, county_code, household_code, "
                      "region_code, amount_fen, created_by, created_at) "
                      "VALUES ($1, 110101, 'h', 110101001001, 200, 'u', 't')",
                      Params().Int(fund->Int(0, 0)))
                  .ok());
  // Six rows, the nation to the village, each with the fund and the allocation.
  auto sums = db->Query(
      "SELECT count(*), min(funds_fen), max(funds_fen), min(allocated_fen), max(allocated_fen) "
      "FROM fund_sums");
  ASSERT_TRUE(sums.ok());
  EXPECT_EQ(sums->Int(0, 0), 6);
  EXPECT_EQ(sums->Int(0, 1), 500);
  EXPECT_EQ(sums->Int(0, 2), 500);
  EXPECT_EQ(sums->Int(0, 3), 200);
  EXPECT_EQ(sums->Int(0, 4), 200);
  auto update = db->Run("UPDATE funds SET amount_fen = 1");
  ASSERT_FALSE(update.ok());
  EXPECT_EQ(update.error().code, "E_CONFLICT");
  EXPECT_NE(update.error().en.find("funds are never updated"), std::string::npos)
      << update.error().en;
  auto removed = db->Run("DELETE FROM fund_allocations");
  ASSERT_FALSE(removed.ok());
  EXPECT_EQ(removed.error().code, "E_CONFLICT");
}

TEST_F(PgSchemaTest, EveryChangeOfAUserOrSessionGivesANewGeneration) {
  auto db = FreshMigrated("schema_generation");
  ASSERT_TRUE(db);
  auto generation = [&] {
    auto rows = db->Query("SELECT value FROM accounts.account_generation WHERE id = 1");
    EXPECT_TRUE(rows.ok());
    return rows.ok() ? rows->Int(0, 0) : 0;
  };
  const int64_t first = generation();
  ASSERT_TRUE(db->Exec("INSERT INTO accounts.users(username, role, region_code, password_hash, "
                       "created_at) VALUES ('a', 'admin', 0, 'h', 't')")
                  .ok());
  const int64_t second = generation();
  EXPECT_NE(second, first);
  ASSERT_TRUE(db->Exec("UPDATE accounts.users SET disabled = true").ok());
  EXPECT_NE(generation(), second);
}

// A PostgreSQL URL opens the PostgreSQL store (kCreate on an existing database, whose
// Migrate creates the schema); a server that cannot be reached is E_DATABASE.
TEST(PgStore, APostgresqlUrlOpensThePostgreSqlStore) {
  const std::string url = testing::FreshDatabase("fupin_open_url");
  auto store = Store::Open(url, Store::OpenMode::kCreate);
  ASSERT_TRUE(store.ok()) << store.error().en;
  auto version = (*store)->Migrate();
  ASSERT_TRUE(version.ok()) << version.error().en;
  EXPECT_EQ(*version, static_cast<int>(Migrations().size()));
  EXPECT_EQ((*store)->file_path(), "");
  store->reset();
  EXPECT_TRUE(Store::Open(url, Store::OpenMode::kExisting).ok());
  auto unreachable =
      Store::Open("postgres://x@127.0.0.1:1/y?connect_timeout=2", Store::OpenMode::kCreate);
  ASSERT_FALSE(unreachable.ok());
  EXPECT_EQ(unreachable.error().code, "E_DATABASE");
}

}  // namespace
}  // namespace fupin::pg
