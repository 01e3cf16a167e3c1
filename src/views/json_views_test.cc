#include "views/json_views.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace fupin {
namespace {

CriterionResult Failed(Criterion c) { return {c, false, "原因", "reason"}; }

std::vector<ExitResult> SomeExits() {
  std::vector<ExitResult> results;
  results.push_back({"G62042200000001",
                     RegionCode::FromInt(620422101001),
                     Money::FromFen(123456),
                     true,
                     {},
                     false});
  results.push_back({"H\"2\\ 户",
                     RegionCode::FromInt(620422101002),
                     Money::FromFen(-5),
                     false,
                     {Failed(Criterion::kIncome), Failed(Criterion::kWater)},
                     true});
  results.push_back({"",
                     RegionCode::FromInt(620422101003),
                     Money(),
                     false,
                     {Failed(Criterion::kEducation)},
                     false});
  return results;
}

std::vector<MonitorResult> SomeCandidates() {
  std::vector<MonitorResult> results;
  MonitorDecision a;
  a.candidate = true;
  a.type = 1;
  a.rules = {"income_below_line", "rigid_expense"};
  a.risk_types.Add(1);
  a.risk_types.Add(10);
  a.per_capita_income = Money::FromFen(400001);
  results.push_back({"G62042200000009", RegionCode::FromInt(620422101001), a, false});
  MonitorDecision b;
  b.candidate = true;
  b.type = 3;
  b.rules = {"rigid_expense"};
  b.per_capita_income = Money::FromFen(-100);
  results.push_back({"乙\t户", RegionCode::FromInt(620422102001), b, true});
  return results;
}

TEST(AssessResultsTextTest, IsTheExitDocumentByteForByte) {
  EXPECT_EQ(ExitResultsText(SomeExits()), ExitResultsJson(SomeExits()).dump());
  EXPECT_EQ(ExitResultsText({}), ExitResultsJson({}).dump());
}

TEST(AssessResultsTextTest, IsTheMonitoringDocumentByteForByte) {
  EXPECT_EQ(MonitorResultsText(SomeCandidates()), MonitorResultsJson(SomeCandidates()).dump());
  EXPECT_EQ(MonitorResultsText({}), MonitorResultsJson({}).dump());
}

TEST(HouseholdJsonTest, TheVillageGroupIsTextAfterTheVillageCodeAndNullWhenThereIsNone) {
  Household h;
  h.household_code = "H1";
  h.village_code = RegionCode::FromInt(620422101205);
  EXPECT_TRUE(HouseholdJson(h, 1, 0, false)["village_group"].is_null());
  h.village_group = "3组";
  const Json out = HouseholdJson(h, 1, 0, false);
  EXPECT_EQ(out["village_group"], "3组");
  auto key = out.begin();
  while (key.key() != "village_code") ++key;
  EXPECT_EQ((++key).key(), "village_group");
  // Free text, as names: a number pasted into it is masked for the roles that see masked data.
  h.village_group = "620422198001010019";
  EXPECT_EQ(HouseholdJson(h, 1, 0, true)["village_group"], "620422********0019");
}

}  // namespace
}  // namespace fupin
