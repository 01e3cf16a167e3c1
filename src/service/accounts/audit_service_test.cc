#include "service/accounts/audit_service.h"

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "service/accounts/crypto.h"
#include "storage/postgres/pg_db.h"
#include "storage/postgres/pg_test_store.h"
#include "storage/sqlite/schema.h"

namespace fupin {
namespace {

const Caller kOperator{
    User{"wang", Role::kVillageOperator, RegionCode::FromInt(620422101205), false},
    "127.0.0.1:5000"};

class AuditServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char dir[] = "/tmp/fupin-audit-XXXXXX";
    dir_ = mkdtemp(dir);
    url_ = path();
    if (pg::testing::UsePostgres()) {
      url_ = pg::testing::FreshMigratedDatabase();
      options_.audit_key_path = key_path();
    }
    auto store = Store::Open(url_, Store::OpenMode::kCreate, options_);
    ASSERT_TRUE(store.ok());
    store_ = std::move(store).value();
    ASSERT_TRUE(store_->Migrate().ok());
    Status key = CreateAuditKey(*store_);
    ASSERT_TRUE(key.ok()) << key.error().en;
  }
  void TearDown() override {
    store_.reset();
    if (pg::testing::UsePostgres()) pg::testing::DropDatabase(url_);
    std::filesystem::remove_all(dir_);
  }
  // The SQLite file (with FUPIN_TEST_DB=postgres, url_ is a PostgreSQL database instead and
  // the key file still lies beside this path).
  std::string path() const { return dir_ + "/t.db"; }
  std::string key_path() const { return path() + "-audit.key"; }

  void AppendRecords(int n) {
    for (int i = 1; i <= n; ++i) {
      const std::string number = std::to_string(i);
      Status s = AppendAudit(*store_, kOperator, kOperator.user.region,
                             i % 2 ? "household.update" : "person.read", "H" + number,
                             "version " + number);
      ASSERT_TRUE(s.ok()) << s.error().en;
    }
  }
  // Changes the file behind the service's back, as someone with the file in hand could.
  void Tamper(const std::string& sql) {
    if (pg::testing::UsePostgres()) {
      auto db = pg::Connection::Open(url_);
      ASSERT_TRUE(db.ok());
      Status done = (*db)->Exec("SET search_path = accounts; " + sql);
      EXPECT_TRUE(done.ok()) << done.error().en;
      return;
    }
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(AccountsPath(path()).c_str(), &db), SQLITE_OK);
    char* message = nullptr;
    EXPECT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &message), SQLITE_OK)
        << (message ? message : "");
    sqlite3_free(message);
    sqlite3_close(db);
  }
  AuditVerifyReport Verify() {
    auto report = VerifyAuditChain(*store_);
    EXPECT_TRUE(report.ok());
    return report.ok() ? *report : AuditVerifyReport{};
  }
  std::vector<AuditRow> Rows() {
    std::vector<AuditRow> rows;
    EXPECT_TRUE(store_->accounts()
                    .ForEachAudit([&](const AuditRow& r) {
                      rows.push_back(r);
                      return Status::Ok();
                    })
                    .ok());
    return rows;
  }

  std::string dir_;
  std::string url_;  // the store's: path(), or a PostgreSQL URL
  StoreOptions options_;
  std::unique_ptr<Store> store_;
};

TEST_F(AuditServiceTest, AnEmptyTrailVerifies) {
  AuditVerifyReport report = Verify();
  EXPECT_TRUE(report.ok);
  EXPECT_EQ(report.records, 0);
}

TEST_F(AuditServiceTest, RecordsAreNumberedAndChainedFromZeros) {
  AppendRecords(3);
  auto rows = Rows();
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0].seq, 1);
  EXPECT_EQ(rows[0].prev_hash, std::string(64, '0'));
  EXPECT_EQ(rows[1].seq, 2);
  EXPECT_EQ(rows[1].prev_hash, rows[0].hash);
  EXPECT_EQ(rows[2].prev_hash, rows[1].hash);
  EXPECT_EQ(rows[0].hash.size(), 64u);
  EXPECT_EQ(rows[0].actor, "wang");
  EXPECT_EQ(rows[0].role, "village_operator");
  EXPECT_EQ(rows[0].action, "household.update");
  EXPECT_EQ(rows[0].target, "H1");
  EXPECT_EQ(rows[0].remote, "127.0.0.1:5000");
  EXPECT_FALSE(rows[0].at.empty());
}

TEST_F(AuditServiceTest, AnUntouchedChainVerifies) {
  AppendRecords(5);
  AuditVerifyReport report = Verify();
  EXPECT_TRUE(report.ok) << report.reason_en;
  EXPECT_EQ(report.records, 5);
  EXPECT_EQ(report.first_broken, 0);
}

TEST_F(AuditServiceTest, ARecordJoinsTheCallersTransactionAndRollsBackWithIt) {
  ASSERT_TRUE(store_->Begin().ok());
  ASSERT_TRUE(
      AppendAudit(*store_, kOperator, kOperator.user.region, "household.create", "H1", "").ok());
  EXPECT_TRUE(store_->in_transaction());
  store_->Rollback();
  EXPECT_TRUE(Rows().empty());
  ASSERT_TRUE(store_->Begin().ok());
  ASSERT_TRUE(
      AppendAudit(*store_, kOperator, kOperator.user.region, "household.create", "H1", "").ok());
  ASSERT_TRUE(store_->Commit().ok());
  EXPECT_EQ(Rows().size(), 1u);
}

TEST_F(AuditServiceTest, AChangedRecordIsNamed) {
  AppendRecords(5);
  Tamper("UPDATE audit_log SET detail = 'nothing happened' WHERE seq = 3");
  AuditVerifyReport report = Verify();
  EXPECT_FALSE(report.ok);
  EXPECT_EQ(report.first_broken, 3);
  EXPECT_EQ(report.records, 5);
  EXPECT_NE(report.reason_en.find("record 3"), std::string::npos) << report.reason_en;
  EXPECT_NE(report.reason_zh.find("第 3 条"), std::string::npos) << report.reason_zh;
}

TEST_F(AuditServiceTest, AChangedActorOrTimeIsNamedToo) {
  AppendRecords(3);
  Tamper("UPDATE audit_log SET at = '2020-01-01T00:00:00Z' WHERE seq = 2");
  EXPECT_EQ(Verify().first_broken, 2);
}

TEST_F(AuditServiceTest, ADeletedMiddleRecordIsNamedByTheGapItLeaves) {
  AppendRecords(5);
  Tamper("DELETE FROM audit_log WHERE seq = 3");
  AuditVerifyReport report = Verify();
  EXPECT_FALSE(report.ok);
  EXPECT_EQ(report.first_broken, 4);
  EXPECT_NE(report.reason_en.find("record 3 was deleted"), std::string::npos) << report.reason_en;
}

TEST_F(AuditServiceTest, ADeletedFirstRecordIsFound) {
  AppendRecords(3);
  Tamper("DELETE FROM audit_log WHERE seq = 1");
  AuditVerifyReport report = Verify();
  EXPECT_FALSE(report.ok);
  EXPECT_EQ(report.first_broken, 2);
}

TEST_F(AuditServiceTest, RenumberingAfterADeletionBreaksTheLink) {
  AppendRecords(4);
  Tamper("DELETE FROM audit_log WHERE seq = 2; UPDATE audit_log SET seq = seq - 1 WHERE seq > 2");
  AuditVerifyReport report = Verify();
  EXPECT_FALSE(report.ok);
  EXPECT_EQ(report.first_broken, 2);
}

TEST_F(AuditServiceTest, SwappedRecordsAreFound) {
  AppendRecords(4);
  Tamper(
      "UPDATE audit_log SET seq = 0 WHERE seq = 2;"
      "UPDATE audit_log SET seq = 2 WHERE seq = 3;"
      "UPDATE audit_log SET seq = 3 WHERE seq = 0;");
  AuditVerifyReport report = Verify();
  EXPECT_FALSE(report.ok);
  EXPECT_EQ(report.first_broken, 2);
}

TEST_F(AuditServiceTest, AppendingGoesOnAfterTheLastRecord) {
  AppendRecords(2);
  auto other = Store::Open(url_, Store::OpenMode::kExisting, options_);  // another connection
  ASSERT_TRUE(other.ok());
  ASSERT_TRUE(AppendAudit(**other, kOperator, kOperator.user.region, "export.households", "620422",
                          "12 households")
                  .ok());
  AppendRecords(1);
  EXPECT_EQ(Rows().back().seq, 4);
  EXPECT_TRUE(Verify().ok);
}

TEST_F(AuditServiceTest, ControlCharactersAreStoredAsSpacesSoFieldsCannotRunTogether) {
  ASSERT_TRUE(
      AppendAudit(*store_, kOperator, kOperator.user.region, "household.update", "H1\x1f", "a\nb")
          .ok());
  auto rows = Rows();
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].target, "H1 ");
  EXPECT_EQ(rows[0].detail, "a b");
  EXPECT_TRUE(Verify().ok);
}

TEST_F(AuditServiceTest, ThoseWhoMayReadTheTrailSearchIt) {
  AppendRecords(5);
  const Caller other{User{"li", Role::kAdmin, RegionCode::Nation(), false}, "cli"};
  ASSERT_TRUE(AppendAudit(*store_, other, other.user.region, "user.add", "H%", "").ok());
  const Caller auditor{User{"audit", Role::kAuditor, RegionCode::Nation(), false}, "cli"};
  const Caller viewer{User{"view", Role::kViewer, RegionCode::Nation(), false}, "cli"};
  EXPECT_EQ(SearchAudit(*store_, viewer, {}).error().code, "E_FORBIDDEN");

  auto all = SearchAudit(*store_, auditor, {});
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->total, 6);
  ASSERT_EQ(all->items.size(), 6u);
  EXPECT_EQ(all->items[0].seq, 6);  // newest first

  AuditQuery q;
  q.actor = "wang";
  q.action_prefix = "household.";
  auto updates = SearchAudit(*store_, auditor, q);
  ASSERT_TRUE(updates.ok());
  EXPECT_EQ(updates->total, 3);

  q = {};
  q.target_prefix = "H%";  // '%' matches itself only
  auto literal = SearchAudit(*store_, auditor, q);
  ASSERT_TRUE(literal.ok());
  EXPECT_EQ(literal->total, 1);

  q = {};
  q.newest_first = false;
  q.offset = 1;
  q.limit = 2;
  auto page = SearchAudit(*store_, auditor, q);
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(page->total, 6);
  ASSERT_EQ(page->items.size(), 2u);
  EXPECT_EQ(page->items[0].seq, 2);
  EXPECT_EQ(page->items[1].seq, 3);
}

TEST_F(AuditServiceTest, RecordsAreKeyedSoAChainRebuiltWithPlainSha256AfterADeleteIsFound) {
  AppendRecords(4);
  // The attack the unkeyed chain allowed: delete record 2, renumber, and recompute every
  // hash from the first with the public rule (SHA-256 of the fields).
  Tamper("DELETE FROM audit_log WHERE seq = 2; UPDATE audit_log SET seq = seq - 1 WHERE seq > 2");
  std::string prev(64, '0');
  for (AuditRow r : Rows()) {
    r.prev_hash = prev;
    std::string text = r.prev_hash;
    for (const std::string& f : {std::to_string(r.seq), r.at, r.actor, r.role, r.action, r.target,
                                 r.detail, r.remote, std::to_string(r.region_code)}) {
      text += '\x1f';
      text += f;
    }
    prev = Sha256Hex(text);
    Tamper("UPDATE audit_log SET prev_hash = '" + r.prev_hash + "', hash = '" + prev +
           "' WHERE seq = " + std::to_string(r.seq));
  }
  AuditVerifyReport report = Verify();
  EXPECT_FALSE(report.ok);
  EXPECT_EQ(report.first_broken, 1);
  EXPECT_NE(report.reason_en.find("without the key"), std::string::npos) << report.reason_en;
}

TEST_F(AuditServiceTest, RecordsMarkedLegacyToDodgeTheKeyAreFound) {
  AppendRecords(2);
  Tamper(pg::testing::UsePostgres() ? "UPDATE audit_log SET legacy = true"
                                    : "UPDATE audit_log SET legacy = 1");
  std::string prev(64, '0');
  for (AuditRow r : Rows()) {
    std::string text = prev;
    for (const std::string& f :
         {std::to_string(r.seq), r.at, r.actor, r.role, r.action, r.target, r.detail, r.remote}) {
      text += '\x1f';
      text += f;
    }
    const std::string hash = Sha256Hex(text);
    Tamper("UPDATE audit_log SET prev_hash = '" + prev + "', hash = '" + hash +
           "' WHERE seq = " + std::to_string(r.seq));
    prev = hash;
  }
  AuditVerifyReport report = Verify();
  EXPECT_FALSE(report.ok);
  EXPECT_NE(report.reason_en.find("legacy"), std::string::npos) << report.reason_en;
}

TEST_F(AuditServiceTest, TheHeadIsTheLastHashAndZerosWhenEveryRecordIsDeleted) {
  AppendRecords(3);
  EXPECT_EQ(Verify().head, Rows().back().hash);
  Tamper("DELETE FROM audit_log");
  AuditVerifyReport report = Verify();
  EXPECT_TRUE(report.ok);  // only a head saved elsewhere tells (fupin audit verify --expect)
  EXPECT_EQ(report.records, 0);
  EXPECT_EQ(report.head, std::string(64, '0'));
}

TEST_F(AuditServiceTest, AWrongKeyFileIsReportedAndNothingIsAppended) {
  AppendRecords(1);
  std::ofstream(key_path(), std::ios::trunc) << std::string(64, 'a') << "\n";
  auto report = VerifyAuditChain(*store_);
  ASSERT_FALSE(report.ok());
  EXPECT_EQ(report.error().code, "E_AUDIT_KEY");
  EXPECT_NE(report.error().en.find("not this database's audit key"), std::string::npos);
  EXPECT_EQ(
      AppendAudit(*store_, kOperator, kOperator.user.region, "person.read", "H1", "").error().code,
      "E_AUDIT_KEY");
  EXPECT_EQ(CreateAuditKey(*store_).error().code, "E_AUDIT_KEY");  // init does not replace it
  EXPECT_EQ(Rows().size(), 1u);
}

TEST_F(AuditServiceTest, AMissingKeyFileIsReportedAndInitDoesNotMakeANewOne) {
  std::filesystem::remove(key_path());
  EXPECT_EQ(CheckAuditKey(*store_).error().code, "E_AUDIT_KEY");
  EXPECT_EQ(
      AppendAudit(*store_, kOperator, kOperator.user.region, "person.read", "H1", "").error().code,
      "E_AUDIT_KEY");
  EXPECT_EQ(CreateAuditKey(*store_).error().code, "E_AUDIT_KEY");
  EXPECT_FALSE(std::filesystem::exists(key_path()));
}

TEST_F(AuditServiceTest, TheKeyFileIsPrivateToItsOwner) {
  const auto perms = std::filesystem::status(key_path()).permissions();
  EXPECT_EQ(perms & std::filesystem::perms::all,
            std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
}

TEST_F(AuditServiceTest, AnAuditorReadsTheRecordsOfItsSubtreeOnly) {
  const auto county = RegionCode::FromInt(620422000000);
  const auto other_county = RegionCode::FromInt(411525000000);
  ASSERT_TRUE(
      AppendAudit(*store_, kOperator, RegionCode::FromInt(620422101205), "person.read", "H1", "")
          .ok());
  ASSERT_TRUE(
      AppendAudit(*store_, kOperator, other_county, "export.households", "411525", "").ok());
  ASSERT_TRUE(AppendAudit(*store_, kOperator, RegionCode::Nation(), "import", "b1", "").ok());
  const Caller auditor{User{"a", Role::kAuditor, county, false}, "cli"};
  auto page = SearchAudit(*store_, auditor, {});
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(page->total, 1);
  ASSERT_EQ(page->items.size(), 1u);
  EXPECT_EQ(page->items[0].target, "H1");
  EXPECT_EQ(page->items[0].region_code, 620422101205);
  const Caller national{User{"n", Role::kAuditor, RegionCode::Nation(), false}, "cli"};
  EXPECT_EQ(SearchAudit(*store_, national, {})->total, 3);
}

TEST_F(AuditServiceTest, TheRegionIsPartOfTheKeyedHash) {
  ASSERT_TRUE(
      AppendAudit(*store_, kOperator, RegionCode::FromInt(620422101205), "person.read", "H1", "")
          .ok());
  Tamper("UPDATE audit_log SET region_code = 411525000000");
  EXPECT_EQ(Verify().first_broken, 1);
}

TEST_F(AuditServiceTest, RecordsOfAnOlderDatabaseMoveToTheAccountsFileOnceAndVerifyByTheOldRule) {
  if (pg::testing::UsePostgres()) GTEST_SKIP() << "a SQLite file of before the accounts file";
  store_.reset();
  std::filesystem::remove_all(dir_);
  std::filesystem::create_directories(dir_);
  // A register of schema 5, with users and two audit records hashed by the old rule.
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path().c_str(), &db), SQLITE_OK);
  auto exec = [&](const std::string& sql) {
    char* message = nullptr;
    EXPECT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &message), SQLITE_OK)
        << (message ? message : "");
    sqlite3_free(message);
  };
  for (int i = 0; i < 5; ++i) exec(std::string(sqlite::Migrations()[i]));
  exec("PRAGMA user_version = 5");
  exec(
      "INSERT INTO users VALUES ('li', 'admin', 0, 0, 'x', 0, '', '2026-01-01T00:00:00Z');"
      "INSERT INTO sessions VALUES ('t', 'li', '2026-01-01T00:00:00Z', '2099-01-01T00:00:00Z');");
  std::string prev(64, '0');
  for (int seq = 1; seq <= 2; ++seq) {
    std::string text = prev;
    for (const std::string& f : {std::to_string(seq), std::string("2026-01-01T00:00:00Z"),
                                 std::string("li"), std::string("admin"), std::string("login"),
                                 std::string("li"), std::string(""), std::string("cli")}) {
      text += '\x1f';
      text += f;
    }
    const std::string hash = Sha256Hex(text);
    exec("INSERT INTO audit_log VALUES (" + std::to_string(seq) +
         ", '2026-01-01T00:00:00Z', 'li', 'admin', 'login', 'li', '', 'cli', '" + prev + "', '" +
         hash + "')");
    prev = hash;
  }
  sqlite3_close(db);

  auto store = Store::Open(path(), Store::OpenMode::kCreate);
  ASSERT_TRUE(store.ok());
  store_ = std::move(store).value();
  ASSERT_TRUE(store_->Migrate().ok());
  ASSERT_TRUE(store_->Migrate().ok());  // again: nothing twice
  ASSERT_TRUE(CreateAuditKey(*store_).ok());
  EXPECT_TRUE(store_->accounts().GetUser("li")->has_value());
  EXPECT_TRUE(store_->accounts().GetSession("t")->has_value());
  AppendRecords(1);
  auto rows = Rows();
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_TRUE(rows[0].legacy);
  EXPECT_FALSE(rows[2].legacy);
  EXPECT_EQ(rows[2].prev_hash, prev);
  AuditVerifyReport report = Verify();
  EXPECT_TRUE(report.ok) << report.reason_en;
  EXPECT_EQ(report.legacy, 2);
  EXPECT_EQ(report.records, 3);
  // The register file no longer holds the tables.
  ASSERT_EQ(sqlite3_open(path().c_str(), &db), SQLITE_OK);
  sqlite3_stmt* stmt = nullptr;
  sqlite3_prepare_v2(db, "SELECT count(*) FROM sqlite_master WHERE name IN ('users', 'audit_log')",
                     -1, &stmt, nullptr);
  ASSERT_EQ(sqlite3_step(stmt), SQLITE_ROW);
  EXPECT_EQ(sqlite3_column_int(stmt, 0), 0);
  sqlite3_finalize(stmt);
  sqlite3_close(db);
}

}  // namespace
}  // namespace fupin
