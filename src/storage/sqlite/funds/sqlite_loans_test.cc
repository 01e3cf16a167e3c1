// LoanStore on SQLite (扶贫小额信贷): a loan reads back as written with its 续贷 link, an
// update moves only what may change, repayments come back by date, a loan has at most one
// compensation, and the lists filter by region subtree, stored state and due date.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <string>
#include <vector>

#include "storage/sqlite/funds/money_test_rows.h"
#include "storage/sqlite/store_test_fixture.h"
#include "storage/store.h"

namespace fupin {
namespace {

constexpr int64_t kVillage = 620422102201, kOther = 620423100201;

using money_test::Loan;

class LoanStoreTest : public MigratedStoreTest {
 protected:
  int64_t Insert(LoanRow row) {
    EXPECT_TRUE(store_->Begin().ok());
    EXPECT_TRUE(store_->loans().InsertLoan(row).ok());
    EXPECT_TRUE(store_->Commit().ok());
    return row.id;
  }
  int64_t Count(LoanQuery q) {
    auto page = store_->loans().Loans(q);
    EXPECT_TRUE(page.ok());
    return page.ok() ? page->total : -1;
  }
};

TEST_F(LoanStoreTest, ALoanAndItsRenewalReadBackAsWritten) {
  const int64_t id = Insert(Loan(kVillage, "2026-03-01"));
  LoanRow renewal = Loan(kVillage, "2028-03-01");
  renewal.renewal_of = id;
  renewal.start_date = "2026-03-01";
  const int64_t renewed = Insert(renewal);
  auto read = store_->loans().GetLoan(renewed);
  ASSERT_TRUE(read.ok() && read->has_value());
  EXPECT_EQ((*read)->renewal_of, id);
  EXPECT_EQ((*read)->contract_start, "2024-03-01");
  EXPECT_EQ((*read)->annual_rate_micros, 39500);
  EXPECT_TRUE((*read)->closed_on.empty());
  EXPECT_FALSE((*read)->measure_id.has_value());
  EXPECT_EQ(*store_->loans().RenewalOf(id), renewed);
  EXPECT_FALSE(store_->loans().RenewalOf(renewed)->has_value());
  EXPECT_FALSE(store_->loans().GetLoan(999)->has_value());
}

TEST_F(LoanStoreTest, AnUpdateMovesTheDueDateAndTheStateOnly) {
  LoanRow row = Loan(kVillage, "2026-03-01");
  row.id = Insert(row);
  row.due_date = "2026-09-01";
  row.extended_months = 6;
  row.extended_on = "2026-02-20";
  row.extension_reason = "冰雹";
  row.amount_fen = 1;  // not a column an update writes
  ASSERT_TRUE(store_->loans().UpdateLoan(row).ok());
  auto read = store_->loans().GetLoan(row.id);
  ASSERT_TRUE(read.ok() && read->has_value());
  EXPECT_EQ((*read)->due_date, "2026-09-01");
  EXPECT_EQ((*read)->original_due_date, "2026-03-01");
  EXPECT_EQ((*read)->extension_reason, "冰雹");
  EXPECT_EQ((*read)->amount_fen, 5000000);
}

TEST_F(LoanStoreTest, RepaymentsComeBackByDateAndOneCompensationALoan) {
  const int64_t id = Insert(Loan(kVillage, "2026-03-01"));
  for (const char* date : {"2025-07-01", "2024-09-01"}) {
    RepaymentRow r{0, id, date, 100000, 5000, "county1", "t"};
    ASSERT_TRUE(store_->loans().InsertRepayment(r).ok());
  }
  auto repaid = store_->loans().Repayments(id);
  ASSERT_TRUE(repaid.ok());
  ASSERT_EQ(repaid->size(), 2u);
  EXPECT_EQ((*repaid)[0].date, "2024-09-01");
  CompensationRow c{0, id, "2026-05-30", 90, 3000000, 2400000, 600000, "county1", "t"};
  ASSERT_TRUE(store_->loans().InsertCompensation(c).ok());
  EXPECT_EQ((*store_->loans().Compensation(id))->fund_fen, 2400000);
  CompensationRow again = c;
  EXPECT_FALSE(store_->loans().InsertCompensation(again).ok());
}

TEST_F(LoanStoreTest, ListsFilterByRegionStateAndDueDate) {
  Insert(Loan(kVillage, "2026-03-01"));
  Insert(Loan(kVillage, "2027-03-01"));
  LoanRow repaid = Loan(kVillage, "2025-03-01");
  repaid.state = "repaid";
  Insert(repaid);
  Insert(Loan(kOther, "2026-03-01"));
  LoanQuery q;
  q.region = RegionCode::FromInt(620422000000);
  EXPECT_EQ(Count(q), 3);
  q.states = {"active"};
  EXPECT_EQ(Count(q), 2);
  q.due_before = "2026-06-30";
  EXPECT_EQ(Count(q), 1);
  q.due_before.reset();
  q.due_from = "2026-06-30";
  EXPECT_EQ(Count(q), 1);
  q = LoanQuery{};
  q.region = RegionCode::Nation();
  q.limit = 2;
  auto page = store_->loans().Loans(q);
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(page->total, 4);
  EXPECT_EQ(page->rows.size(), 2u);
}

}  // namespace
}  // namespace fupin
