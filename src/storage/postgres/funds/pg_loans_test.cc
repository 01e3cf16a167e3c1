// LoanStore on PostgreSQL (pg_loans.h): what only PostgreSQL has to prove, a loan read in a
// transaction is held until it ends. The scenarios of sqlite_loans_test.cc run on PostgreSQL
// as the ctest entry storage_loans_test_postgres (FUPIN_TEST_DB=postgres).
#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "storage/postgres/funds/pg_money_test_fixture.h"
#include "storage/sqlite/funds/money_test_rows.h"

namespace fupin {
namespace {

constexpr int64_t kVillage = 620422102201;

using money_test::Loan;

class LoanStoreTest : public PgMoneyTest {
 protected:
  int64_t Insert(LoanRow row) {
    EXPECT_TRUE(db_->Begin().ok());
    const Status inserted = loans_->InsertLoan(row);
    EXPECT_TRUE(inserted.ok()) << (inserted.ok() ? "" : inserted.error().en);
    EXPECT_TRUE(db_->Commit().ok());
    return row.id;
  }
};

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
