// The funds ledger on PostgreSQL (pg_funds.h), the scenarios of sqlite_funds_test.cc: its
// lines are never updated, deleted or truncated — a statement that tries is refused and the
// sums stay as they were — and the sums kept by the triggers are right for every region above
// each fund, every year and every as-of date. Then what SQLite's single writer gave for free:
// two servers allocating from one fund (or paying from one allocation) at once never give
// out more than it has.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "storage/postgres/funds/pg_money_test_fixture.h"
#include "storage/sqlite/funds/ledger_test_data.h"

namespace fupin {
namespace {

using namespace ledger_test;  // NOLINT: the ledger and its regions

// The ledger of ledger_test_data.h as SQL. Funds and allocations with these ids: the
// identities' sequences are moved past them, as a store's inserts would have left them.
std::string PgLedgerSql() {
  return LedgerSql() +
         "SELECT setval(pg_get_serial_sequence('funds', 'id'), 7);\n"
         "SELECT setval(pg_get_serial_sequence('fund_allocations', 'id'), 6);\n";
}

using FundLedgerTest = PgMoneyTest;

TEST_F(FundLedgerTest, AnUpdateDeleteOrTruncateOfALedgerLineIsRefusedAndTheSumsStayAsTheyWere) {
  ASSERT_TRUE(db_->Exec(PgLedgerSql()).ok());
  const FundTotals before = *funds_->Totals(RegionCode::FromInt(kCounty), 2026, "2026-12-31");
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
           "TRUNCATE fund_disbursements",
           "TRUNCATE funds, fund_allocations, fund_disbursements",
           "TRUNCATE funds CASCADE",
       }) {
    const Status refused = db_->Exec(sql);
    ASSERT_FALSE(refused.ok()) << sql;
    EXPECT_EQ(refused.error().code, "E_CONFLICT") << sql << ": " << refused.error().en;
    EXPECT_NE(refused.error().en.find("the funds ledger is append-only"), std::string::npos)
        << refused.error().en;
    EXPECT_NE(refused.error().zh.find("扶贫资金台账只能追加"), std::string::npos)
        << refused.error().zh;
  }
  EXPECT_EQ(Scalar("SELECT count(*) FROM funds"), 7);
  EXPECT_EQ(Scalar("SELECT count(*) FROM fund_allocations"), 6);
  EXPECT_EQ(Scalar("SELECT count(*) FROM fund_disbursements"), 7);
  EXPECT_EQ(Scalar("SELECT amount_fen FROM funds WHERE id = 2"), 200000);
  const FundTotals after = *funds_->Totals(RegionCode::FromInt(kCounty), 2026, "2026-12-31");
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
  Begin();
  ASSERT_TRUE(funds_->InsertDisbursement(more).ok());
  Commit();
  EXPECT_EQ(more.id, 8);
  EXPECT_EQ(funds_->Totals(RegionCode::FromInt(kCounty), 2026, "2026-12-31")->disbursed_fen,
            before.disbursed_fen + 100);
}

TEST_F(FundLedgerTest, TheSumsAreRightForEveryRegionAboveEachFundEveryYearAndAsOfDate) {
  ASSERT_TRUE(db_->Exec(PgLedgerSql()).ok());
  FundStore& funds = *funds_;

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
  ASSERT_TRUE(rows.ok()) << rows.error().en;
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
        ASSERT_TRUE(got.ok()) << got.error().en;
        EXPECT_EQ(got->funds_fen, want.funds_fen) << region << " " << year;
        EXPECT_EQ(got->allocated_fen, want.allocated_fen) << region << " " << year;
        EXPECT_EQ(got->disbursed_fen, want.disbursed_fen) << region << " " << year << " " << as_of;
      }
    }
  }
}

TEST_F(FundLedgerTest, WhatWasAllocatedAndPaidIsSummedByFundAndByAllocation) {
  ASSERT_TRUE(db_->Exec(PgLedgerSql()).ok());
  EXPECT_EQ(*funds_->AllocatedFromFund(2), 100000);
  EXPECT_EQ(*funds_->DisbursedFromFund(2), 50000);
  EXPECT_EQ(*funds_->DisbursedFromAllocation(6), 1000005);
  EXPECT_EQ(*funds_->AllocatedFromFund(99), 0);
  EXPECT_EQ(*funds_->DisbursedFromAllocation(99), 0);
  auto fund = funds_->GetFund(3);
  ASSERT_TRUE(fund.ok() && fund->has_value());
  EXPECT_EQ((*fund)->kind, "省级财政衔接资金");
  auto project = funds_->GetAllocation(2);
  ASSERT_TRUE(project.ok() && project->has_value());
  EXPECT_EQ((*project)->project_id, 1);
  EXPECT_TRUE((*project)->household_code.empty());
  EXPECT_EQ((*project)->county_code, 0);
  EXPECT_FALSE(funds_->GetFund(99)->has_value());
  // By date then id: the two payments of 2026-04-01 after the one of 2026-03-01.
  auto paid = funds_->Disbursements(RegionCode::FromInt(kCounty), std::nullopt);
  ASSERT_TRUE(paid.ok());
  std::vector<std::string> dates;
  for (const DisbursementRow& d : *paid) dates.push_back(d.date + "/" + std::to_string(d.id));
  EXPECT_EQ(dates, (std::vector<std::string>{"2025-12-31/5", "2026-03-01/1", "2026-03-01/3",
                                             "2026-04-01/6", "2026-04-01/7", "2026-06-01/2"}));
  auto lines = funds_->FundLines(RegionCode::FromInt(kCounty), 2026, "2026-03-31", 2);
  ASSERT_TRUE(lines.ok()) << lines.error().en;
  ASSERT_EQ(lines->size(), 2u);  // funds 2 and 7 of the county, by region then id
  EXPECT_EQ((*lines)[0].fund.id, 2);
  EXPECT_EQ((*lines)[0].allocated_fen, 100000);
  EXPECT_EQ((*lines)[0].disbursed_fen, 30000);
  EXPECT_EQ((*lines)[1].fund.id, 7);
}

// The service's check of what a fund has left (fund_service.cc CheckFundLeft), then the
// insert, in one transaction on `db`: whether it allocated, or the error.
Result<bool> AllocateIfLeft(pg::Connection& db, FundStore& funds, int64_t fund_id, int64_t fund_fen,
                            int64_t fen) {
  FUPIN_RETURN_IF_ERROR(db.Begin());
  auto allocated = funds.AllocatedFromFund(fund_id);
  if (!allocated.ok() || fen > fund_fen - *allocated) {
    (void)db.Rollback();
    if (!allocated.ok()) return allocated.error();
    return false;
  }
  AllocationRow row{0, fund_id, 620422, "H1", std::nullopt, kVillage, fen, "xian", "t"};
  Status inserted = funds.InsertAllocation(row);
  if (inserted.ok()) inserted = db.Commit();
  if (!inserted.ok()) {
    (void)db.Rollback();
    return inserted.error();
  }
  return true;
}

FundRow AFund(int64_t fen) {
  return FundRow{0, 4, "县级财政衔接资金", 2026, kCounty, fen, "第一批", "xian", "t"};
}

// Waits until the server process `pid` waits for a lock (at most 10 s).
bool WaitsForALock(pg::Connection& observer, int64_t pid) {
  for (int i = 0; i < 1000; ++i) {
    auto rows = observer.Query(
        "SELECT count(*) FROM pg_stat_activity WHERE pid = $1 AND wait_event_type = 'Lock'",
        pg::Params().Int(pid));
    if (rows.ok() && rows->Int(0, 0) == 1) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return false;
}

TEST_F(FundLedgerTest, ASecondServerCheckingTheSameFundWaitsAndSeesTheFirstOnesAllocation) {
  FundRow fund = AFund(100);
  ASSERT_TRUE(funds_->InsertFund(fund).ok());
  auto other = Connect();
  ASSERT_TRUE(other);
  auto other_funds = NewPgFundStore(*other);
  const int64_t other_pid = (*other->Query("SELECT pg_backend_pid()")).Int(0, 0);

  Begin();
  ASSERT_EQ(*funds_->AllocatedFromFund(fund.id), 0);  // the fund is locked from here
  Result<bool> second = false;
  std::thread server_b([&] { second = AllocateIfLeft(*other, *other_funds, fund.id, 100, 60); });
  EXPECT_TRUE(WaitsForALock(*db_, other_pid)) << "the second check does not wait";
  AllocationRow first{0, fund.id, 620422, "H1", std::nullopt, kVillage, 60, "xian", "t"};
  ASSERT_TRUE(funds_->InsertAllocation(first).ok());
  Commit();
  server_b.join();
  ASSERT_TRUE(second.ok()) << second.error().en;
  EXPECT_FALSE(*second) << "the second server allocated 60 of the 40 left";
  EXPECT_EQ(*funds_->AllocatedFromFund(fund.id), 60);
}

TEST_F(FundLedgerTest, FourServersAllocatingFromOneFundAtOnceNeverGiveOutMoreThanItHas) {
  FundRow fund = AFund(100);
  ASSERT_TRUE(funds_->InsertFund(fund).ok());
  std::atomic<int> allocated{0}, errors{0};
  std::vector<std::thread> servers;
  for (int s = 0; s < 4; ++s) {
    servers.emplace_back([&] {
      auto db = Connect();
      if (!db) return;
      auto funds = NewPgFundStore(*db);
      for (int i = 0; i < 10; ++i) {
        auto done = AllocateIfLeft(*db, *funds, fund.id, 100, 7);
        if (!done.ok()) {
          ++errors;
        } else if (*done) {
          ++allocated;
        }
      }
    });
  }
  for (std::thread& t : servers) t.join();
  EXPECT_EQ(errors.load(), 0);
  EXPECT_EQ(allocated.load(), 14);  // 14 × 7 = 98 of 100
  EXPECT_EQ(*funds_->AllocatedFromFund(fund.id), 98);
  EXPECT_EQ(funds_->Totals(RegionCode::FromInt(kCounty), 2026, "2026-12-31")->allocated_fen, 98);
}

TEST_F(FundLedgerTest, FourServersPayingFromOneAllocationAtOnceNeverPayMoreThanItHas) {
  FundRow fund = AFund(1000);
  ASSERT_TRUE(funds_->InsertFund(fund).ok());
  AllocationRow allocation{0, fund.id, 620422, "H1", std::nullopt, kVillage, 100, "xian", "t"};
  ASSERT_TRUE(funds_->InsertAllocation(allocation).ok());
  std::atomic<int> paid{0}, errors{0};
  std::vector<std::thread> servers;
  for (int s = 0; s < 4; ++s) {
    servers.emplace_back([&] {
      auto db = Connect();
      if (!db) return;
      auto funds = NewPgFundStore(*db);
      for (int i = 0; i < 10; ++i) {
        // fund_service.cc Disburse: what the allocation has left, then the payment.
        if (!db->Begin().ok()) return;
        auto disbursed = funds->DisbursedFromAllocation(allocation.id);
        if (!disbursed.ok() || 7 > allocation.amount_fen - *disbursed) {
          if (!disbursed.ok()) ++errors;
          (void)db->Rollback();
          continue;
        }
        DisbursementRow row{0, allocation.id, 7, "2026-03-01", "V", "xian", "t"};
        if (funds->InsertDisbursement(row).ok() && db->Commit().ok()) {
          ++paid;
        } else {
          ++errors;
          (void)db->Rollback();
        }
      }
    });
  }
  for (std::thread& t : servers) t.join();
  EXPECT_EQ(errors.load(), 0);
  EXPECT_EQ(paid.load(), 14);
  EXPECT_EQ(*funds_->DisbursedFromAllocation(allocation.id), 98);
}

// At SERIALIZABLE the second check's sum is the one of its snapshot; the server then refuses
// to commit what it would have over-allocated: E_BUSY, to be tried again.
TEST_F(FundLedgerTest, UnderSerializableTheSecondAllocationIsBusyRatherThanOverTheFund) {
  FundRow fund = AFund(100);
  ASSERT_TRUE(funds_->InsertFund(fund).ok());
  auto other = Connect();
  ASSERT_TRUE(other);
  auto other_funds = NewPgFundStore(*other);
  ASSERT_TRUE(db_->Begin(pg::Isolation::kSerializable).ok());
  ASSERT_TRUE(other->Begin(pg::Isolation::kSerializable).ok());
  ASSERT_TRUE(other->Query("SELECT 1").ok());  // its snapshot: before the first commits
  ASSERT_EQ(*funds_->AllocatedFromFund(fund.id), 0);
  AllocationRow first{0, fund.id, 620422, "H1", std::nullopt, kVillage, 60, "xian", "t"};
  ASSERT_TRUE(funds_->InsertAllocation(first).ok());
  Commit();
  Status second = Status::Ok();
  auto allocated = other_funds->AllocatedFromFund(fund.id);
  if (!allocated.ok()) {
    second = allocated.error();
  } else if (60 <= 100 - *allocated) {
    AllocationRow row{0, fund.id, 620422, "H1", std::nullopt, kVillage, 60, "xian", "t"};
    second = other_funds->InsertAllocation(row);
    if (second.ok()) second = other->Commit();
  }
  ASSERT_FALSE(second.ok()) << "both allocated 60 of 100";
  EXPECT_EQ(second.error().code, "E_BUSY") << second.error().en;
  (void)other->Rollback();
  EXPECT_EQ(*funds_->AllocatedFromFund(fund.id), 60);
}

}  // namespace
}  // namespace fupin
