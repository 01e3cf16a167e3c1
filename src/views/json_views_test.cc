#include "views/json_views.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "common/id_number.h"
#include "service/crosscheck/compare_service.h"

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

// A report's findings are written from their compact form: each finding's fields as they
// were given, ID numbers masked for a role that sees masked data, in their order.
TEST(CompareReportTextTest, WritesEachFindingOfTheCompactBatchAsGiven) {
  std::deque<FindingRow> rows(3);
  rows[0].rule = "deceased_member";
  rows[0].id_number = "620422198001011234";
  rows[0].household_code = "6204221022010001";
  rows[0].name = "张\"三";
  rows[0].detail = "死亡日期 2020-01-01";
  rows[0].row = "{\"证件号码\":\"620422198001011234\"}";
  rows[0].village_code = 620422102201;
  rows[0].id = 41;
  rows[1] = rows[0];
  rows[1].rule = "name_mismatch";
  rows[1].detail = "名单姓名 李四，登记姓名 张三";
  rows[1].id = 42;
  rows[2].rule = "no_helper";
  rows[2].subject = rows[2].household_code = "6204221022010002";
  rows[2].village_code = 110101001;  // written with its leading zeros: "000110101001"
  rows[2].detail = "建档立卡户没有帮扶责任人";
  rows[2].id = 4300000000043;
  CompareReport report;
  report.kind = "deaths";
  report.findings = FindingBatch::FromRows(rows);
  for (const bool masked : {false, true}) {
    const auto json = nlohmann::json::parse(CompareReportText(report, Lang::kZh, masked));
    ASSERT_EQ(json["findings"].size(), rows.size());
    for (size_t i = 0; i < rows.size(); ++i) {
      const auto& f = json["findings"][i];
      EXPECT_EQ(f["id"], rows[i].id);
      EXPECT_EQ(f["rule"], rows[i].rule);
      EXPECT_EQ(f["household_code"], rows[i].household_code);
      EXPECT_EQ(f["id_number"], masked ? MaskIdNumber(rows[i].id_number) : rows[i].id_number);
      EXPECT_EQ(f["name"], rows[i].name);
      EXPECT_EQ(f["detail"], rows[i].detail);
      EXPECT_EQ(f["village_code"], RegionCode::FromInt(rows[i].village_code).ToString());
    }
  }
  std::string pieces;
  WriteCompareReport(report, Lang::kEn, false, [&](std::string_view p) { pieces.append(p); });
  EXPECT_EQ(pieces, CompareReportText(report, Lang::kEn, false));
}

}  // namespace
}  // namespace fupin
