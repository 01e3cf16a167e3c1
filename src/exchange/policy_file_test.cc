#include "exchange/policy_file.h"

#include <gtest/gtest.h>

namespace fupin {
namespace {

PolicyValue National() { return *ParsePolicyText(NationalPolicyText(), "policy/national.toml"); }

Result<PolicySet> WithLayer(const std::string& toml) {
  auto layer = ParsePolicyText(toml, "county.toml");
  if (!layer.ok()) return layer.error();
  return PolicySet::Build({National(), *layer});
}

TEST(NationalPolicyTest, HasEveryKeyOfTheSpec) {
  auto set = PolicySet::Build({National()});
  ASSERT_TRUE(set.ok()) << set.error().en;
  const Policy& p = set->For(RegionCode::Nation());
  EXPECT_EQ(p.poverty_line.at(2014), Money::FromYuan(2800));
  EXPECT_EQ(p.poverty_line.at(2020), Money::FromYuan(4000));
  EXPECT_EQ(p.monitoring_line.at(2021), Money::FromYuan(6000));
  EXPECT_EQ(p.exit.school_age_min, 6);
  EXPECT_EQ(p.exit.school_age_max, 15);
  EXPECT_EQ(p.exit.safe_housing_grades, (std::vector<int>{1, 2}));
  EXPECT_EQ(p.village_exit.max_incidence_west.ToString(), "0.03");
  EXPECT_EQ(p.county_exit.min_satisfaction.micros, 900000);
  EXPECT_EQ(p.monitoring.rigid_expense_ratio.micros, 400000);
  EXPECT_EQ(p.monitoring.medical_alert_other, Money::FromYuan(20000));
  EXPECT_EQ(p.compare.vehicle_price, Money::FromYuan(30000));
  EXPECT_EQ(p.funds.min_spending_ratio.micros, 900000);
  EXPECT_EQ(p.west_provinces.size(), 12u);
}

TEST(PolicySetTest, JiangsuOverridesThePovertyLineAndKeepsTheOtherYears) {
  auto set = PolicySet::Build({National()});
  ASSERT_TRUE(set.ok());
  const Policy& jiangsu = set->For(RegionCode::FromInt(320321101201));
  EXPECT_EQ(jiangsu.poverty_line.at(2019), Money::FromYuan(6000));
  EXPECT_EQ(jiangsu.poverty_line.at(2014), Money::FromYuan(2800));
  const Policy& gansu = set->For(RegionCode::FromInt(620422102201));
  EXPECT_EQ(gansu.poverty_line.at(2019), Money::FromYuan(3218));
  EXPECT_FALSE(jiangsu.IsWest(RegionCode::FromInt(320321101201)));
  EXPECT_TRUE(gansu.IsWest(RegionCode::FromInt(620422102201)));
}

TEST(PolicySetTest, TheDeepestOverrideWinsAndTablesMergeKeyByKey) {
  auto set = WithLayer(
      "[override.\"62\"]\nmonitoring_line = { 2022 = 6500 }\n"
      "[override.\"620422\"]\nmonitoring_line = { 2022 = 7000 }\n"
      "[monitoring_line]\n2023 = 6800\n");
  ASSERT_TRUE(set.ok()) << set.error().en;
  const Policy& huining = set->For(RegionCode::FromInt(620422102201));
  EXPECT_EQ(huining.monitoring_line.at(2022), Money::FromYuan(7000));
  EXPECT_EQ(huining.monitoring_line.at(2021), Money::FromYuan(6000));
  EXPECT_EQ(huining.monitoring_line.at(2023), Money::FromYuan(6800));
  const Policy& other = set->For(RegionCode::FromInt(620102001001));
  EXPECT_EQ(other.monitoring_line.at(2022), Money::FromYuan(6500));
  EXPECT_EQ(set->For(RegionCode::Nation()).monitoring_line.count(2022), 0u);
}

// 12317 complaints
TEST(ComplaintsPolicyTest, AnswersAreDueIn15CalendarDaysUnlessARegionCountsWorkingDays) {
  auto set = WithLayer(
      "[override.\"52\"]\ncomplaints = { answer_days = 10, answer_working_days = true }\n");
  ASSERT_TRUE(set.ok()) << set.error().en;
  const Policy& nation = set->For(RegionCode::Nation());
  EXPECT_EQ(nation.complaints.answer_days, 15);
  EXPECT_FALSE(nation.complaints.answer_working_days);
  const Policy& guizhou = set->For(RegionCode::FromInt(520102001001));
  EXPECT_EQ(guizhou.complaints.answer_days, 10);
  EXPECT_TRUE(guizhou.complaints.answer_working_days);
}

TEST(ComplaintsPolicyTest, AnAnswerLimitThatIsNotACountIsRefused) {
  auto set = WithLayer("[complaints]\nanswer_days = \"fifteen\"\n");
  ASSERT_FALSE(set.ok());
  EXPECT_NE(set.error().en.find("complaints.answer_days"), std::string::npos) << set.error().en;
}

// Project library (扶贫项目库)
TEST(ProjectsPolicyTest, ProjectNoticesRunTenDaysUnlessARegionSetsItsOwn) {
  auto set = WithLayer("[override.\"620422\"]\nprojects = { notice_days = 15 }\n");
  ASSERT_TRUE(set.ok()) << set.error().en;
  EXPECT_EQ(set->For(RegionCode::Nation()).projects.notice_days, 10);
  EXPECT_EQ(set->For(RegionCode::FromInt(620422102201)).projects.notice_days, 15);
  EXPECT_EQ(set->For(RegionCode::FromInt(620102001001)).projects.notice_days, 10);
}

TEST(ProjectsPolicyTest, ANoticeLengthThatIsNotACountIsRefused) {
  auto set = WithLayer("[projects]\nnotice_days = -3\n");
  ASSERT_FALSE(set.ok());
  EXPECT_NE(set.error().en.find("projects.notice_days"), std::string::npos) << set.error().en;
}

TEST(PolicyYearRuleTest, ALaterYearUsesTheLatestEarlierEntryWithAWarning) {
  auto set = PolicySet::Build({National()});
  const Policy& p = set->For(RegionCode::Nation());
  auto exact = p.PovertyLine(2020);
  ASSERT_TRUE(exact.ok());
  EXPECT_FALSE(exact->earlier);
  auto later = p.PovertyLine(2024);
  ASSERT_TRUE(later.ok());
  EXPECT_TRUE(later->earlier);
  EXPECT_EQ(later->year, 2020);
  EXPECT_EQ(later->amount, Money::FromYuan(4000));
}

TEST(PolicyYearRuleTest, AYearWithNoEntryAtOrBeforeItFails) {
  auto set = PolicySet::Build({National()});
  const Policy& p = set->For(RegionCode::Nation());
  auto none = p.PovertyLine(2013);
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.error().code, "E_POLICY_YEAR");
  EXPECT_NE(none.error().en.find("poverty_line"), std::string::npos);
  EXPECT_EQ(p.MonitoringLine(2020).error().code, "E_POLICY_YEAR");
}

struct BadLayer {
  std::string toml;
  std::string where;  // expected "file:line key"
};

class BadPolicyFileTest : public ::testing::TestWithParam<BadLayer> {};

TEST_P(BadPolicyFileTest, IsRefusedNamingTheFileLineAndKey) {
  auto set = WithLayer(GetParam().toml);
  ASSERT_FALSE(set.ok());
  EXPECT_EQ(set.error().code, "E_POLICY");
  EXPECT_NE(set.error().en.find(GetParam().where), std::string::npos) << set.error().en;
}

INSTANTIATE_TEST_SUITE_P(
    Layers, BadPolicyFileTest,
    ::testing::Values(
        BadLayer{"[exit]\nnotice_days = 7\nschool_ages = [6, 15]\n",
                 "county.toml:3 exit.school_ages"},
        BadLayer{"[poverty_line]\n2021 = -100\n", "county.toml:2 poverty_line.2021"},
        BadLayer{"[village_exit]\nmax_incidence = 1.5\n",
                 "county.toml:2 village_exit.max_incidence"},
        BadLayer{"[override.\"3\"]\npoverty_line = { 2020 = 5000 }\n", "override.3"},
        BadLayer{"[override.\"3201\"]\npoverty_lines = { 2020 = 5000 }\n",
                 "override.3201.poverty_lines"},
        BadLayer{"[monitoring]\nnotice_days = \"five\"\n", "county.toml:2 monitoring.notice_days"},
        BadLayer{"[monitoring_line]\n20x1 = 6000\n", "monitoring_line.20x1"},
        BadLayer{"[exit]\nsafe_housing_grades = [\"A\", \"E\"]\n", "exit.safe_housing_grades"},
        BadLayer{"[monitoring]\nmedical_alert_other = 100.005\n", "monitoring.medical_alert_other"},
        BadLayer{"west_provinces = [\"6\"]\n", "west_provinces"}));

TEST(ParsePolicyTextTest, ASyntaxErrorNamesTheLineAndColumn) {
  auto layer = ParsePolicyText("[exit]\nnotice_days = = 7\n", "county.toml");
  ASSERT_FALSE(layer.ok());
  EXPECT_EQ(layer.error().code, "E_POLICY");
  EXPECT_NE(layer.error().en.find("county.toml:2:"), std::string::npos) << layer.error().en;
}

TEST(LoadPolicyTest, AMissingFileIsAnIoError) {
  auto set = LoadPolicy("/nonexistent/policy.toml");
  ASSERT_FALSE(set.ok());
  EXPECT_EQ(set.error().code, "E_IO");
}

TEST(PolicySetTest, AProvinceMayRaiseTheSpendingRatioOfItsFunds) {
  auto set = WithLayer("[override.\"6204\"]\nfunds = { min_spending_ratio = 0.95 }\n");
  ASSERT_TRUE(set.ok()) << set.error().en;
  EXPECT_EQ(set->For(RegionCode::FromInt(620422000000)).funds.min_spending_ratio.micros, 950000);
  EXPECT_EQ(set->For(RegionCode::FromInt(620102000000)).funds.min_spending_ratio.micros, 900000);
}

TEST(PolicySetTest, ASpendingRatioAboveOneIsRefused) {
  auto set = WithLayer("[funds]\nmin_spending_ratio = 1.5\n");
  ASSERT_FALSE(set.ok());
  EXPECT_EQ(set.error().code, "E_POLICY");
  EXPECT_NE(set.error().en.find("funds.min_spending_ratio"), std::string::npos) << set.error().en;
}

// 扶贫小额信贷 microcredit
TEST(MicrocreditPolicyTest, TheNationalKeysAreThoseOfTheSpec) {
  auto set = PolicySet::Build({National()});
  ASSERT_TRUE(set.ok()) << set.error().en;
  const auto& mc = set->For(RegionCode::Nation()).microcredit;
  EXPECT_EQ(mc.max_amount, Money::FromYuan(50000));
  EXPECT_EQ(mc.max_term_months, 36);
  EXPECT_EQ(mc.borrower_age_min, 18);
  EXPECT_EQ(mc.borrower_age_max, 65);
  EXPECT_EQ(mc.eligible_monitor_types, (std::vector<int>{2}));
  EXPECT_EQ(mc.overdue_compensation_days, 90);
  EXPECT_EQ(mc.risk_fund_share.micros, 800000);
  EXPECT_FALSE(mc.compensation_with_interest);
  EXPECT_EQ(mc.rate_cap.size(), 16u);
}

TEST(MicrocreditPolicyTest, TheRateCapInForceIsTheLatestPublishedOnOrBeforeTheDate) {
  auto set = PolicySet::Build({National()});
  ASSERT_TRUE(set.ok()) << set.error().en;
  const Policy& p = set->For(RegionCode::Nation());
  auto cap = [&](const char* date, int months) {
    auto r = p.RateCapOn(*Date::Parse(date), months);
    return r.ok() ? r->micros : -1;
  };
  EXPECT_EQ(cap("2019-08-19", 36), 47500);  // the 人民银行 benchmark of 2015-10-24, over 1 year
  EXPECT_EQ(cap("2019-08-20", 36), 48500);  // the first LPR, 5 years and over
  EXPECT_EQ(cap("2019-08-20", 12), 42500);  // 1 year
  EXPECT_EQ(cap("2024-07-21", 12), 34500);
  EXPECT_EQ(cap("2024-07-22", 12), 33500);
  EXPECT_EQ(cap("2026-06-30", 36), 35000);
  EXPECT_EQ(cap("2015-10-23", 12), -1);  // nothing in force before the first entry
}

TEST(MicrocreditPolicyTest, TheSubsidyShareOfAYearFollowsTheYearRule) {
  auto set = WithLayer("[override.\"62\"]\nmicrocredit = { subsidy_share = { 2022 = 0.5 } }\n");
  ASSERT_TRUE(set.ok()) << set.error().en;
  const Policy& gansu = set->For(RegionCode::FromInt(620422102201));
  EXPECT_EQ(gansu.SubsidyShare(2021)->micros, 1000000);  // the national entry of 2016
  EXPECT_EQ(gansu.SubsidyShare(2022)->micros, 500000);
  EXPECT_EQ(gansu.SubsidyShare(2025)->micros, 500000);  // 2022's until the next entry
  const Policy& nation = set->For(RegionCode::Nation());
  EXPECT_EQ(nation.SubsidyShare(2025)->micros, 1000000);
  EXPECT_EQ(nation.SubsidyShare(2015).error().code, "E_POLICY_YEAR");
}

TEST(MicrocreditPolicyTest, ARegionMayLowerTheRiskFundShareAndAddARateCap) {
  auto set = WithLayer(
      "[override.\"6204\"]\nmicrocredit = { risk_fund_share = 0.7, compensation_base = "
      "\"principal_and_interest\", rate_cap = { \"2026-01-01\" = { short = 0.029, long = 0.034 } "
      "} }\n");
  ASSERT_TRUE(set.ok()) << set.error().en;
  const Policy& baiyin = set->For(RegionCode::FromInt(620422102201));
  EXPECT_EQ(baiyin.microcredit.risk_fund_share.micros, 700000);
  EXPECT_TRUE(baiyin.microcredit.compensation_with_interest);
  EXPECT_EQ(baiyin.RateCapOn(*Date::Parse("2026-06-30"), 36)->micros, 34000);
  EXPECT_EQ(baiyin.RateCapOn(*Date::Parse("2025-12-31"), 36)->micros, 35000);
  EXPECT_EQ(set->For(RegionCode::Nation()).microcredit.risk_fund_share.micros, 800000);
}

TEST(MicrocreditPolicyTest, WrongMicrocreditKeysAreRefusedWithTheirName) {
  for (auto [toml, key] : {
           std::pair{"[microcredit]\nborrower_age = [70, 18]\n", "microcredit.borrower_age"},
           std::pair{"[microcredit]\nrisk_fund_share = 1.2\n", "microcredit.risk_fund_share"},
           std::pair{"[microcredit.subsidy_share]\n2020 = 1.5\n", "microcredit.subsidy_share.2020"},
           std::pair{"[microcredit]\ncompensation_base = \"interest\"\n",
                     "microcredit.compensation_base"},
           std::pair{"[microcredit.rate_cap]\n\"2026-02-30\" = { short = 0.03, long = 0.035 }\n",
                     "microcredit.rate_cap"},
           std::pair{"[microcredit.rate_cap]\n\"2026-03-01\" = { short = 0.03, long = 0.035 }\n"
                     "\"2026-01-01\" = { short = 0.03, long = 0.035 }\n",
                     "ascending"},
           std::pair{"[microcredit.rate_cap]\n\"2026-03-01\" = { short = 0.03 }\n",
                     "microcredit.rate_cap"},
       }) {
    auto set = WithLayer(toml);
    ASSERT_FALSE(set.ok()) << toml;
    EXPECT_EQ(set.error().code, "E_POLICY");
    EXPECT_NE(set.error().en.find(key), std::string::npos) << set.error().en;
  }
}

}  // namespace
}  // namespace fupin
