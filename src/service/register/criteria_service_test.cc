#include "service/register/criteria_service.h"

#include <gtest/gtest.h>

#include <optional>

#include "exchange/policy_file.h"
#include "service/imports/import_service.h"
#include "service/service_test_fixture.h"

namespace fupin {
namespace {

// H1 (甲村) earns 1,500 a person and has everything else; H2 (乙村) has no safe water.
const char* kHouseholds =
    "户编号,行政区划代码,户类型,贫困状态,识别年度,主要致贫原因,工资性收入,生产经营性收入,"
    "生产经营性支出,财产性收入,转移性收入,不愁吃,不愁穿,住房安全等级,饮水安全\n"
    "H1,620422101205,建档立卡户,未脱贫,2016,缺资金,3000,0,0,0,0,是,是,A,是\n"
    "H2,620422102201,建档立卡户,未脱贫,2016,缺资金,90000,0,0,0,0,是,是,A,否\n";
const char* kMembers =
    "户编号,姓名,证件号码,与户主关系,在校生状况,健康状况,劳动能力,参加城乡居民基本医疗保险\n"
    "H1,甲,620422198001010019,户主,非在校生,健康,普通劳动力,是\n"
    "H1,乙,620422198001010027,配偶,非在校生,健康,普通劳动力,是\n"
    "H2,丙,620422198001010035,户主,非在校生,健康,普通劳动力,是\n";

Caller Of(Role role, int64_t region) {
  return Caller{User{"u", role, RegionCode::FromInt(region), false}, "127.0.0.1:5000"};
}

class CriteriaServiceTest : public ServiceTest {
 protected:
  CriteriaServiceTest() : ServiceTest({{620422101205, "甲村"}, {620422102201, "乙村"}}) {}
  void SetUp() override {
    ServiceTest::SetUp();
    if (HasFatalFailure()) return;
    ImportOptions options;
    options.files = {Write("h.csv", kHouseholds), Write("m.csv", kMembers)};
    auto report = RunImport(*store_, options);
    ASSERT_TRUE(report.ok() && report->errors.empty());
    auto policy = LoadPolicy("");
    ASSERT_TRUE(policy.ok());
    policy_.emplace(std::move(*policy));
  }
  std::optional<PolicySet> policy_;
};

TEST_F(CriteriaServiceTest, ListsEverySevenCriteriaWithTheFailingOnesReasons) {
  auto result = CriteriaOf(*store_, *policy_, Of(Role::kViewer, 620422000000), "H1", 2020);
  ASSERT_TRUE(result.ok()) << result.error().en;
  ASSERT_EQ(result->criteria.size(), 7u);
  EXPECT_EQ(result->per_capita_income.ToString(), "1500.00");
  EXPECT_TRUE(result->exit_candidate);
  EXPECT_FALSE(result->meets);
  EXPECT_EQ(result->criteria[0].criterion, Criterion::kIncome);
  EXPECT_FALSE(result->criteria[0].pass);
  EXPECT_FALSE(result->criteria[0].zh.empty());
  for (size_t i = 1; i < result->criteria.size(); ++i) {
    EXPECT_TRUE(result->criteria[i].pass) << CriterionKey(result->criteria[i].criterion);
    EXPECT_TRUE(result->criteria[i].zh.empty());
  }
}

TEST_F(CriteriaServiceTest, NamesUnsafeWaterAsTheOnlyFailureOfARichHousehold) {
  auto result = CriteriaOf(*store_, *policy_, Of(Role::kCountyAdmin, 620422000000), "H2", 2020);
  ASSERT_TRUE(result.ok()) << result.error().en;
  std::vector<std::string> failed;
  for (const auto& c : result->criteria) {
    if (!c.pass) failed.emplace_back(CriterionKey(c.criterion));
  }
  EXPECT_EQ(failed, std::vector<std::string>{"water"});
}

TEST_F(CriteriaServiceTest, AnswersOutsideTheScopeAsIfTheHouseholdDidNotExist) {
  auto outside =
      CriteriaOf(*store_, *policy_, Of(Role::kVillageOperator, 620422102201), "H1", 2020);
  ASSERT_FALSE(outside.ok());
  EXPECT_EQ(outside.error().code, "E_NOT_FOUND");
  auto missing =
      CriteriaOf(*store_, *policy_, Of(Role::kVillageOperator, 620422102201), "H9", 2020);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().en, outside.error().en.substr(0, outside.error().en.size() - 2) + "H9");
}

TEST_F(CriteriaServiceTest, RefusesAYearBeforeAnyPovertyLine) {
  auto result = CriteriaOf(*store_, *policy_, Of(Role::kCountyAdmin, 620422000000), "H1", 1990);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, "E_POLICY_YEAR");
}

}  // namespace
}  // namespace fupin
