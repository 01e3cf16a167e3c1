// The funds ledger on SQLite (issue 14, funds): its lines are never updated or deleted — a
// statement that tries is refused and the sums stay as they were — and the sums of
// kMigrationFundSums (fund_sums, fund_daily) are right for a ledger that existed before that
// migration ran, for every region above each fund, every year and every as-of date.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <string>
#include <vector>

#include "storage/sqlite/funds/ledger_test_data.h"
#include "storage/sqlite/funds/schema_money.h"
#include "storage/sqlite/schema.h"
#include "storage/sqlite/sqlite_db.h"
#include "storage/sqlite/store_test_fixture.h"
#include "storage/store.h"

namespace fupin {
namespace {

using namespace ledger_test;  // NOLINT: the ledger and its regions

// The position of `migration` in the register's migrations (the merger orders them).
size_t IndexOf(std::string_view migration) {
  auto all = sqlite::Migrations();
  for (size_t i = 0; i < all.size(); ++i) {
    if (all[i] == migration) return i;
  }
  return all.size();
}

class FundLedgerTest : public MigratedStoreTest {
 protected:
  // A second connection to the store's file, for statements no store method makes.
  Result<sqlite::Database> Raw() { return sqlite::Database::Open(dir_ + "/t.db", false); }

  int64_t Scalar(sqlite::Database& db, const std::string& sql) {
    auto s = db.Prepare(sql);
    EXPECT_TRUE(s.ok());
    if (!s.ok()) return -1;
    auto row = s->Step();
    return row.ok() && *row ? s->Int(0) : -1;
  }
};

TEST_F(FundLedgerTest, AnUpdateOrADeleteOfALedgerLineIsRefusedAndTheSumsStayAsTheyWere) {
  if (pg::testing::UsePostgres()) {
    GTEST_SKIP() << "SQLite only: the triggers seen through a second SQLite connection "
                    "(storage_postgres_money_test proves PostgreSQL's)";
  }
  auto raw = Raw();
  ASSERT_TRUE(raw.ok()) << raw.error().en;
  ASSERT_TRUE(raw->Exec(LedgerSql()).ok());
  const FundTotals before =
      *store_->funds().Totals(RegionCode::FromInt(kCounty), 2026, "2026-12-31");
  EXPECT_EQ(before.funds_fen, 260000);

  for (const char* sql : {
           "UPDATE funds SET amount_fen = amount_fen + 1 WHERE id = 2",
           "UPDATE funds SET name = '改名' WHERE id = 2",
           "DELETE FROM funds WHERE id = 7",
           "UPDATE fund_allocations SET amount_fen = 1 WHERE id = 1",
           "UPDATE fund_allocations SET fund_id = 7 WHERE id = 1",
           "DELETE FROM fund_allocations WHERE id = 2",
           "UPDATE fund_disbursements SET date = '2027-01-01' WHERE allocation_id = 1",
           "DELETE FROM fund_disbursements",
       }) {
    const Status refused = raw->Exec(sql);
    ASSERT_FALSE(refused.ok()) << sql;
    EXPECT_EQ(refused.error().code, "E_CONFLICT") << sql;
    EXPECT_NE(refused.error().en.find("the funds ledger is append-only"), std::string::npos)
        << refused.error().en;
    EXPECT_NE(refused.error().zh.find("扶贫资金台账只能追加"), std::string::npos)
        << refused.error().zh;
  }
  EXPECT_EQ(Scalar(*raw, "SELECT count(*) FROM funds"), 7);
  EXPECT_EQ(Scalar(*raw, "SELECT count(*) FROM fund_allocations"), 6);
  EXPECT_EQ(Scalar(*raw, "SELECT count(*) FROM fund_disbursements"), 7);
  EXPECT_EQ(Scalar(*raw, "SELECT amount_fen FROM funds WHERE id = 2"), 200000);
  const FundTotals after =
      *store_->funds().Totals(RegionCode::FromInt(kCounty), 2026, "2026-12-31");
  EXPECT_EQ(after.funds_fen, before.funds_fen);
  EXPECT_EQ(after.allocated_fen, before.allocated_fen);
  EXPECT_EQ(after.disbursed_fen, before.disbursed_fen);
  // Appending still works, and still counts.
  DisbursementRow more{.allocation_id = 2,
                       .amount_fen = 100,
                       .date = "2026-07-01",
                       .voucher = "V9",
                       .created_by = "xian",
                       .created_at = "t"};
  ASSERT_TRUE(store_->Begin().ok());
  ASSERT_TRUE(store_->funds().InsertDisbursement(more).ok());
  ASSERT_TRUE(store_->Commit().ok());
  EXPECT_EQ(store_->funds().Totals(RegionCode::FromInt(kCounty), 2026, "2026-12-31")->disbursed_fen,
            before.disbursed_fen + 100);
}

TEST(FundSumsMigrationTest, FillsTheSumsFromALedgerWrittenBeforeItRan) {
  const size_t sums = IndexOf(sqlite::kMigrationFundSums);
  ASSERT_LT(sums, sqlite::Migrations().size());
  ASSERT_LT(IndexOf(sqlite::kMigrationFunds), sums);
  char dir[] = "/tmp/fupin-sums-XXXXXX";
  ASSERT_NE(mkdtemp(dir), nullptr);
  const std::string path = std::string(dir) + "/old.db";
  {
    auto store = Store::Open(path, Store::OpenMode::kCreate);
    ASSERT_TRUE(store.ok());
    ASSERT_TRUE((*store)->Migrate().ok());  // the accounts file
  }
  // The register as the migration before kMigrationFundSums left it, with its ledger.
  std::filesystem::remove(path);
  {
    auto db = sqlite::Database::Open(path, true);
    ASSERT_TRUE(db.ok()) << db.error().en;
    auto migrations = sqlite::Migrations();
    for (size_t i = 0; i < sums; ++i) {
      ASSERT_TRUE(db->Exec(std::string(migrations[i])).ok()) << i;
    }
    ASSERT_TRUE(db->Exec("PRAGMA user_version = " + std::to_string(sums)).ok());
    ASSERT_TRUE(db->Exec(LedgerSql()).ok());
  }
  auto store = Store::Open(path, Store::OpenMode::kCreate);
  ASSERT_TRUE(store.ok()) << store.error().en;
  ASSERT_TRUE((*store)->Migrate().ok());
  FundStore& funds = (*store)->funds();

  // A few by hand, to be read: the county in 2026 holds funds 2, 3, 6 and 7.
  FundTotals county = *funds.Totals(RegionCode::FromInt(kCounty), 2026, "2026-12-31");
  EXPECT_EQ(county.funds_fen, 200000 + 50000 + 9000 + 1000);
  EXPECT_EQ(county.allocated_fen, 80000 + 20000 + 50000);
  EXPECT_EQ(county.disbursed_fen, 30000 + 20000 + 50000);
  EXPECT_EQ(funds.Totals(RegionCode::FromInt(kCounty), 2026, "2026-03-31")->disbursed_fen,
            30000 + 50000);
  EXPECT_EQ(funds.Totals(RegionCode::FromInt(kCounty), 2025, "2025-12-31")->disbursed_fen, 30000);
  // The county's own rows by level and kind: funds 2 and 7 share one.
  auto rows = funds.SumsByRegion(RegionCode::FromInt(kCounty), 2026);
  ASSERT_TRUE(rows.ok());
  int64_t county_fen = 0;
  for (const FundSumRow& r : *rows) {
    if (r.region_code == kCounty && r.level == 4) county_fen += r.funds_fen;
  }
  EXPECT_EQ(county_fen, 201000);

  // Every region above every fund, at every depth, each year and as-of date, line by line.
  for (int64_t region : {int64_t{0}, kProvince, kCity, kCounty, kTownship, kVillage, kOtherCounty,
                         int64_t{620421100201}, int64_t{110000000000}}) {
    for (int year : {2025, 2026}) {
      for (const char* as_of :
           {"2025-12-30", "2025-12-31", "2026-03-01", "2026-04-01", "2026-05-31", "2026-12-31"}) {
        const FundTotals want = ByHand(region, year, as_of);
        auto got = funds.Totals(RegionCode::FromInt(region), year, as_of);
        ASSERT_TRUE(got.ok());
        EXPECT_EQ(got->funds_fen, want.funds_fen) << region << " " << year;
        EXPECT_EQ(got->allocated_fen, want.allocated_fen) << region << " " << year;
        EXPECT_EQ(got->disbursed_fen, want.disbursed_fen) << region << " " << year << " " << as_of;
      }
    }
  }
  store->reset();
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace fupin
