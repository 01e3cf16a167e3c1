// The arithmetic of the microcredit ledger: due dates by calendar months, interest by
// actual/360 per calendar year on the principal outstanding each day, and shares rounded to
// the fen.
#include "domain/money/loan_interest.h"

#include <gtest/gtest.h>

namespace fupin {
namespace {

Date D(const char* text) { return *Date::Parse(text); }

TEST(AddMonthsTest, KeepsTheDayOrTakesTheLastDayOfAShorterMonth) {
  EXPECT_EQ(AddMonths(D("2024-03-01"), 24), D("2026-03-01"));
  EXPECT_EQ(AddMonths(D("2024-01-31"), 1), D("2024-02-29"));
  EXPECT_EQ(AddMonths(D("2025-01-31"), 1), D("2025-02-28"));
  EXPECT_EQ(AddMonths(D("2025-11-15"), 3), D("2026-02-15"));
}

TEST(InterestOfYearTest, CountsTheFirstDayAndNotTheLastOnActualDaysOver360) {
  // 10,000.00 yuan at 3.6% from 2025-01-01 to 2025-01-11: 10 days.
  // 1,000,000 fen × 0.036 × 10 / 360 = 1,000 fen.
  EXPECT_EQ(InterestOfYear(1000000, D("2025-01-01"), D("2025-01-11"), {}, 36000, 2025), 1000);
  // Nothing in another year.
  EXPECT_EQ(InterestOfYear(1000000, D("2025-01-01"), D("2025-01-11"), {}, 36000, 2024), 0);
}

TEST(InterestOfYearTest, ARepaymentLowersThePrincipalFromItsDay) {
  // 10,000.00 yuan at 3.6% from 2025-01-01 to 2025-01-21, 4,000.00 repaid on 2025-01-11:
  // (1,000,000 × 10 + 600,000 × 10) × 0.036 / 360 = 1,600 fen.
  EXPECT_EQ(InterestOfYear(1000000, D("2025-01-01"), D("2025-01-21"), {{D("2025-01-11"), 400000}},
                           36000, 2025),
            1600);
}

TEST(InterestOfYearTest, AYearBoundaryCutsTheLoan) {
  // 3,600.00 yuan at 10% from 2024-12-22 to 2025-01-11: 10 days in 2024, 10 in 2025,
  // 360,000 × 0.1 × 10 / 360 = 1,000 fen each.
  EXPECT_EQ(InterestOfYear(360000, D("2024-12-22"), D("2025-01-11"), {}, 100000, 2024), 1000);
  EXPECT_EQ(InterestOfYear(360000, D("2024-12-22"), D("2025-01-11"), {}, 100000, 2025), 1000);
  EXPECT_EQ(InterestOfLoan(360000, D("2024-12-22"), D("2025-01-11"), {}, 100000), 2000);
}

TEST(ShareOfTest, RoundsHalfUpToTheFen) {
  EXPECT_EQ(ShareOf(1000, Ratio{800000}), 800);
  EXPECT_EQ(ShareOf(5, Ratio{500000}), 3);  // 2.5 fen
  EXPECT_EQ(ShareOf(3000000, Ratio{800000}), 2400000);
}

}  // namespace
}  // namespace fupin
