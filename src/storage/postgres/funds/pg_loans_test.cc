// LoanStore on PostgreSQL (pg_loans.h), the scenarios of sqlite_loans_test.cc: a loan reads
// back as written with its 续贷 link, an update moves only what may change, repayments come
// back by date, a loan has at most one compensation, and the lists filter by region subtree,
// stored state and due date; and a loan read in a transaction is held until it ends.
#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "storage/postgres/funds/pg_money_test_fixture.h"

namespace fupin {
namespace {

constexpr int64_t kVillage = 620422102201, kOther = 620423100201;

LoanRow Loan(int64_t region, const std::string& due) {
  LoanRow r;
  r.county_code = region / 1000000 * 1000000;
  r.household_code = "H1";
  r.region_code = region;
  r.borrower_id_number = "620422198001010035";
  r.borrower_name = "甲";
  r.amount_fen = 5000000;
  r.term_months = 24;
  r.start_date = r.contract_start = "2024-03-01";
  r.due_date = r.original_due_date = due;
  r.bank = "农商银行";
  r.annual_rate_micros = 39500;
  r.purpose = 1;
  r.state = "active";
  r.created_by = "county1";
  r.created_at = "2024-03-01T02:00:00Z";
  return r;
}

class LoanStoreTest : public PgMoneyTest {
 protected:
  int64_t Insert(LoanRow row) {
    EXPECT_TRUE(db_->Begin().ok());
    const Status inserted = loans_->InsertLoan(row);
    EXPECT_TRUE(inserted.ok()) << (inserted.ok() ? "" : inserted.error().en);
    EXPECT_TRUE(db_->Commit().ok());
    return row.id;
  }
  int64_t Count(LoanQuery q) {
    auto page = loans_->Loans(q);
    EXPECT_TRUE(page.ok()) << (page.ok() ? "" : page.error().en);
    return page.ok() ? page->total : -1;
  }
};

TEST_F(LoanStoreTest, ALoanAndItsRenewalReadBackAsWritten) {
  const int64_t id = Insert(Loan(kVillage, "2026-03-01"));
  LoanRow renewal = Loan(kVillage, "2028-03-01");
  renewal.renewal_of = id;
  renewal.start_date = "2026-03-01";
  const int64_t renewed = Insert(renewal);
  auto read = loans_->GetLoan(renewed);
  ASSERT_TRUE(read.ok() && read->has_value());
  EXPECT_EQ((*read)->renewal_of, id);
  EXPECT_EQ((*read)->contract_start, "2024-03-01");
  EXPECT_EQ((*read)->start_date, "2026-03-01");
  EXPECT_EQ((*read)->annual_rate_micros, 39500);
  EXPECT_EQ((*read)->borrower_name, "甲");
  EXPECT_TRUE((*read)->closed_on.empty());
  EXPECT_TRUE((*read)->extended_on.empty());
  EXPECT_FALSE((*read)->measure_id.has_value());
  EXPECT_EQ(*loans_->RenewalOf(id), renewed);
  EXPECT_FALSE(loans_->RenewalOf(renewed)->has_value());
  EXPECT_FALSE(loans_->GetLoan(999)->has_value());
  // Empty texts are stored as NULL, as SQLite's store does.
  EXPECT_EQ(Scalar("SELECT count(*) FROM loans WHERE closed_on IS NULL AND extended_on IS NULL "
                   "AND extension_reason IS NULL AND measure_id IS NULL"),
            2);
}

TEST_F(LoanStoreTest, AnUpdateMovesTheDueDateAndTheStateOnly) {
  LoanRow row = Loan(kVillage, "2026-03-01");
  row.id = Insert(row);
  row.due_date = "2026-09-01";
  row.extended_months = 6;
  row.extended_on = "2026-02-20";
  row.extension_reason = "冰雹";
  row.measure_id = 12;
  row.amount_fen = 1;  // not a column an update writes
  ASSERT_TRUE(loans_->UpdateLoan(row).ok());
  auto read = loans_->GetLoan(row.id);
  ASSERT_TRUE(read.ok() && read->has_value());
  EXPECT_EQ((*read)->due_date, "2026-09-01");
  EXPECT_EQ((*read)->original_due_date, "2026-03-01");
  EXPECT_EQ((*read)->extension_reason, "冰雹");
  EXPECT_EQ((*read)->extended_months, 6);
  EXPECT_EQ((*read)->measure_id, 12);
  EXPECT_EQ((*read)->amount_fen, 5000000);
  row.state = "overdue";  // not a stored state
  const Status refused = loans_->UpdateLoan(row);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, "E_CONFLICT");
}

TEST_F(LoanStoreTest, RepaymentsComeBackByDateAndOneCompensationALoan) {
  const int64_t id = Insert(Loan(kVillage, "2026-03-01"));
  for (const char* date : {"2025-07-01", "2024-09-01"}) {
    RepaymentRow r{0, id, date, 100000, 5000, "county1", "t"};
    ASSERT_TRUE(loans_->InsertRepayment(r).ok());
  }
  auto repaid = loans_->Repayments(id);
  ASSERT_TRUE(repaid.ok());
  ASSERT_EQ(repaid->size(), 2u);
  EXPECT_EQ((*repaid)[0].date, "2024-09-01");
  EXPECT_EQ((*repaid)[1].principal_fen, 100000);
  CompensationRow c{0, id, "2026-05-30", 90, 3000000, 2400000, 600000, "county1", "t"};
  ASSERT_TRUE(loans_->InsertCompensation(c).ok());
  EXPECT_EQ((*loans_->Compensation(id))->fund_fen, 2400000);
  EXPECT_EQ((*loans_->Compensation(id))->days_overdue, 90);
  CompensationRow again = c;
  const Status twice = loans_->InsertCompensation(again);
  ASSERT_FALSE(twice.ok());
  EXPECT_EQ(twice.error().code, "E_CONFLICT");
  EXPECT_FALSE(loans_->Compensation(id + 1)->has_value());
  RepaymentRow orphan{0, id + 1, "2025-01-01", 1, 0, "county1", "t"};
  EXPECT_EQ(loans_->InsertRepayment(orphan).error().code, "E_CONFLICT");
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
  q.states = {"active", "repaid"};
  EXPECT_EQ(Count(q), 3);
  q.states = {"active"};
  q.due_before = "2026-06-30";
  EXPECT_EQ(Count(q), 1);
  q.due_before.reset();
  q.due_from = "2026-06-30";
  EXPECT_EQ(Count(q), 1);
  q = LoanQuery{};
  q.region = RegionCode::Nation();
  q.limit = 2;
  auto page = loans_->Loans(q);
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(page->total, 4);
  ASSERT_EQ(page->rows.size(), 2u);
  EXPECT_EQ(page->rows[0].id, 1);
  q.offset = 3;
  page = loans_->Loans(q);
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->rows.size(), 1u);
  EXPECT_EQ(page->rows[0].region_code, kOther);
  q = LoanQuery{};
  q.region = RegionCode::Nation();
  q.county_code = 620422000000;
  q.household_code = "H1";
  EXPECT_EQ(Count(q), 3);
  q.household_code = "H2";
  EXPECT_EQ(Count(q), 0);
}

// Two servers each reading a loan and writing it back in one transaction: the second read
// waits for the first one's commit and reads what it wrote.
TEST_F(LoanStoreTest, ALoanReadInATransactionIsHeldUntilItEnds) {
  LoanRow row = Loan(kVillage, "2026-03-01");
  row.id = Insert(row);
  auto other = Connect();
  ASSERT_TRUE(other);
  auto other_loans = NewPgLoanStore(*other);
  Begin();
  ASSERT_TRUE(loans_->GetLoan(row.id)->has_value());
  std::optional<LoanRow> seen;
  std::thread server_b([&] {
    ASSERT_TRUE(other->Begin().ok());
    auto read = other_loans->GetLoan(row.id);
    if (read.ok()) seen = *read;
    ASSERT_TRUE(other->Commit().ok());
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  row.state = "repaid";
  row.closed_on = "2026-02-01";
  ASSERT_TRUE(loans_->UpdateLoan(row).ok());
  Commit();
  server_b.join();
  ASSERT_TRUE(seen.has_value());
  EXPECT_EQ(seen->state, "repaid");
  EXPECT_EQ(seen->closed_on, "2026-02-01");
}

}  // namespace
}  // namespace fupin
