// The funds ledger on SQLite (issue 14, funds): its lines are never updated or deleted — a
// statement that tries is refused and the sums stay as they were — and the sums of
// kMigrationFundSums (fund_sums, fund_daily) are right for a ledger that existed before that
// migration ran, for every region above each fund, every year and every as-of date.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <string>
#include <vector>

#include "storage/sqlite/funds/schema_money.h"
#include "storage/sqlite/schema.h"
#include "storage/sqlite/sqlite_db.h"
#include "storage/sqlite/store_test_fixture.h"
#include "storage/store.h"

namespace fupin {
namespace {

constexpr int64_t kProvince = 620000000000, kCity = 620400000000, kCounty = 620422000000;
constexpr int64_t kTownship = 620422102000, kVillage = 620422102201;
constexpr int64_t kOtherCounty = 620421000000;

// The ledger written before the sums existed: (id, level, kind, year, region, fen) …
struct Fund {
  int64_t id;
  int level;
  const char* kind;
  int year;
  int64_t region, fen;
};
struct Allocation {
  int64_t id, fund_id, region, fen;
  bool project;
};
struct Disbursement {
  int64_t allocation_id, fen;
  const char* date;
};
const std::vector<Fund> kFunds = {
    {1, 1, "中央财政衔接资金", 2026, kProvince, 100000000},
    {2, 4, "县级财政衔接资金", 2026, kCounty, 200000},
    {3, 2, "省级财政衔接资金", 2026, kVillage, 50000},
    {4, 4, "县级财政衔接资金", 2025, kCounty, 70000},
    {5, 1, "中央财政衔接资金", 2026, kOtherCounty, 30000},
    {6, 3, "市级财政衔接资金", 2026, kTownship, 9000},
    {7, 4, "县级财政衔接资金", 2026, kCounty, 1000},  // a second fund of the same key
};
const std::vector<Allocation> kAllocations = {
    {1, 2, kVillage, 80000, false}, {2, 2, kVillage, 20000, true},
    {3, 3, kVillage, 50000, false}, {4, 5, 620421100201, 10000, false},
    {5, 4, kVillage, 30000, false}, {6, 1, kVillage, 40000000, false},
};
const std::vector<Disbursement> kDisbursements = {
    {1, 30000, "2026-03-01"}, {1, 20000, "2026-06-01"}, {3, 50000, "2026-03-01"},
    {4, 10000, "2026-05-01"}, {5, 30000, "2025-12-31"}, {6, 1000000, "2026-04-01"},
    {6, 5, "2026-04-01"},  // a second payment of the same day
};

std::string LedgerSql() {
  std::string sql;
  for (const Fund& f : kFunds) {
    sql += "INSERT INTO funds VALUES (" + std::to_string(f.id) + ", " + std::to_string(f.level) +
           ", '" + f.kind + "', " + std::to_string(f.year) + ", " + std::to_string(f.region) +
           ", " + std::to_string(f.fen) + ", '资金" + std::to_string(f.id) +
           "', 'xian', '2026-01-01T00:00:00Z');\n";
  }
  for (const Allocation& a : kAllocations) {
    sql += "INSERT INTO fund_allocations VALUES (" + std::to_string(a.id) + ", " +
           std::to_string(a.fund_id) + ", " + (a.project ? "NULL, NULL, 1" : "620422, 'H1', NULL") +
           ", " + std::to_string(a.region) + ", " + std::to_string(a.fen) +
           ", 'xian', '2026-01-02T00:00:00Z');\n";
  }
  for (const Disbursement& d : kDisbursements) {
    sql +=
        "INSERT INTO fund_disbursements(allocation_id, amount_fen, date, voucher, created_by, "
        "created_at) VALUES (" +
        std::to_string(d.allocation_id) + ", " + std::to_string(d.fen) + ", '" + d.date +
        "', 'V1', 'xian', '2026-01-03T00:00:00Z');\n";
  }
  return sql;
}

// The totals of a region, year and as-of date summed line by line from kFunds & co.
FundTotals ByHand(int64_t region, int year, const std::string& as_of) {
  FundTotals t;
  const RegionCode r = RegionCode::FromInt(region);
  for (const Fund& f : kFunds) {
    if (f.year != year || !r.Contains(RegionCode::FromInt(f.region))) continue;
    t.funds_fen += f.fen;
    for (const Allocation& a : kAllocations) {
      if (a.fund_id != f.id) continue;
      t.allocated_fen += a.fen;
      for (const Disbursement& d : kDisbursements) {
        if (d.allocation_id == a.id && std::string(d.date) <= as_of) t.disbursed_fen += d.fen;
      }
    }
  }
  return t;
}

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
