// The criteria are tested at their boundaries by the policy scenarios (tests/policy/); the
// cross-check thresholds here.
#include "domain/criteria.h"

#include <gtest/gtest.h>

namespace fupin {
namespace {

Policy Thresholds() {
  Policy p;
  p.exit.school_age_min = 6;
  p.exit.school_age_max = 15;
  p.compare.vehicle_price = Money::FromFen(3000000);
  p.monitoring.medical_alert_registered = Money::FromFen(500000);
  p.monitoring.medical_alert_other = Money::FromFen(2000000);
  return p;
}

TEST(CrossCheckThresholds, SchoolAgeCountsFullYearsOn31December) {
  const Policy p = Thresholds();
  EXPECT_TRUE(IsOfSchoolAge(*Date::FromYmd(2020, 12, 31), 2026, p));   // 6 that day
  EXPECT_FALSE(IsOfSchoolAge(*Date::FromYmd(2021, 1, 1), 2026, p));    // 5
  EXPECT_TRUE(IsOfSchoolAge(*Date::FromYmd(2011, 1, 1), 2026, p));     // 15
  EXPECT_FALSE(IsOfSchoolAge(*Date::FromYmd(2010, 12, 31), 2026, p));  // 16
  EXPECT_FALSE(IsOfSchoolAge(*Date::FromYmd(2027, 1, 1), 2026, p));    // not born yet
}

TEST(CrossCheckThresholds, AVehicleIsFlaggedAboveThePriceNotAtIt) {
  const Policy p = Thresholds();
  EXPECT_FALSE(VehicleOverLimit(Money::FromFen(3000000), p));
  EXPECT_TRUE(VehicleOverLimit(Money::FromFen(3000001), p));
}

TEST(CrossCheckThresholds, TheMedicalAlertLimitDependsOnTheHouseholdKind) {
  const Policy p = Thresholds();
  EXPECT_EQ(MedicalAlertLimit(p, true), Money::FromFen(500000));
  EXPECT_EQ(MedicalAlertLimit(p, false), Money::FromFen(2000000));
}

}  // namespace
}  // namespace fupin
