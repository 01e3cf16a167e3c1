#include "domain/household_rules.h"

#include <gtest/gtest.h>

namespace fupin {
namespace {

Date Today() { return *Date::FromYmd(2026, 6, 30); }

Member Person(int relation, CodeSet health = CodeSet::FromBits(uint64_t{1} << 1)) {
  Member m;
  m.name = "张三";
  m.id_number = "x";
  m.relation = relation;
  m.school_status = 0;
  m.health = health;
  m.labor = 1;
  m.resident_medical_insurance = true;
  return m;
}

Household Registered() {
  Household h;
  h.household_code = "H1";
  h.village_code = RegionCode::FromInt(620422102201);
  h.kind = code::kRegistered;
  h.poverty_status = code::kPoor;
  h.registered_year = 2016;
  h.main_cause = 9;
  h.housing_grade = 1;
  h.wage_income = Money::FromYuan(10000);
  h.monitor_status = kNone;
  h.members = {Person(code::kHead)};
  return h;
}

std::vector<std::string> Codes(const std::vector<RuleIssue>& issues) {
  std::vector<std::string> codes;
  for (const auto& i : issues) codes.push_back(i.code + "@" + i.column);
  return codes;
}

TEST(CheckHouseholdRowTest, ARegisteredHouseholdNeedsStatusYearAndCause) {
  Household h = Registered();
  h.poverty_status = kNone;
  h.registered_year = 0;
  h.main_cause = kNone;
  std::vector<RuleIssue> issues;
  CheckHouseholdRow(h, Today(), issues);
  EXPECT_EQ(Codes(issues), (std::vector<std::string>{"E_REQUIRED@贫困状态", "E_REQUIRED@识别年度",
                                                     "E_REQUIRED@主要致贫原因"}));
}

TEST(CheckHouseholdRowTest, AnExitedHouseholdNeedsAnExitYearNotBeforeRegistration) {
  Household h = Registered();
  h.poverty_status = code::kExited;
  std::vector<RuleIssue> issues;
  CheckHouseholdRow(h, Today(), issues);
  EXPECT_EQ(Codes(issues), (std::vector<std::string>{"E_YEAR@脱贫年度"}));
  issues.clear();
  h.exit_year = 2015;
  CheckHouseholdRow(h, Today(), issues);
  EXPECT_EQ(Codes(issues), (std::vector<std::string>{"E_YEAR@脱贫年度"}));
  issues.clear();
  h.exit_year = 2016;
  CheckHouseholdRow(h, Today(), issues);
  EXPECT_TRUE(issues.empty());
}

TEST(CheckHouseholdRowTest, AnOrdinaryHouseholdHasNoStatusYearOrCause) {
  Household h = Registered();
  h.kind = code::kOrdinary;
  std::vector<RuleIssue> issues;
  CheckHouseholdRow(h, Today(), issues);
  EXPECT_EQ(Codes(issues),
            (std::vector<std::string>{"E_CONSISTENCY@贫困状态", "E_CONSISTENCY@识别年度",
                                      "E_CONSISTENCY@主要致贫原因"}));
}

TEST(CheckHouseholdRowTest, MonitoringStatusDefaultsByType) {
  Household h = Registered();
  std::vector<RuleIssue> issues;
  CheckHouseholdRow(h, Today(), issues);
  EXPECT_EQ(h.monitor_status, code::kMonitorNone);

  h = Registered();
  h.poverty_status = code::kExited;
  h.exit_year = 2019;
  h.monitor_type = 1;
  h.monitor_since = *Date::FromYmd(2022, 3, 1);
  h.risk_types.Add(1);
  CheckHouseholdRow(h, Today(), issues);
  EXPECT_TRUE(issues.empty());
  EXPECT_EQ(h.monitor_status, code::kMonitoring);
}

TEST(CheckHouseholdRowTest, AMonitoredHouseholdNeedsADateAndRiskTypesAndCannotBeNone) {
  Household h = Registered();
  h.monitor_type = 3;
  h.monitor_status = code::kMonitorNone;
  std::vector<RuleIssue> issues;
  CheckHouseholdRow(h, Today(), issues);
  EXPECT_EQ(Codes(issues),
            (std::vector<std::string>{"E_CONSISTENCY@监测状态", "E_REQUIRED@纳入监测日期",
                                      "E_REQUIRED@风险类型"}));
}

TEST(CheckHouseholdRowTest, AHouseholdThatIsNotMonitoredCannotBeUnderMonitoring) {
  Household h = Registered();
  h.monitor_status = code::kMonitoring;
  std::vector<RuleIssue> issues;
  CheckHouseholdRow(h, Today(), issues);
  EXPECT_EQ(Codes(issues), (std::vector<std::string>{"E_CONSISTENCY@监测状态"}));
}

TEST(CheckMemberRowTest, HealthyCannotBeCombinedAndDisabilityNeedsAGrade) {
  std::vector<RuleIssue> issues;
  Member m = Person(code::kHead);
  m.health.Add(code::kDisabled);
  CheckMemberRow(m, 0, issues);
  EXPECT_EQ(Codes(issues),
            (std::vector<std::string>{"E_CONSISTENCY@健康状况", "E_CONSISTENCY@残疾等级"}));
  issues.clear();
  m.health = CodeSet();
  m.health.Add(code::kChronic);
  m.disability_grade = 2;
  CheckMemberRow(m, 0, issues);
  EXPECT_EQ(Codes(issues), (std::vector<std::string>{"E_CONSISTENCY@残疾等级"}));
}

TEST(CheckHouseholdMembersTest, ExactlyOneHead) {
  Household h = Registered();
  h.members.push_back(Person(code::kHead));
  std::vector<RuleIssue> issues;
  CheckHouseholdMembers(h, issues);
  ASSERT_EQ(Codes(issues), (std::vector<std::string>{"E_HEAD@与户主关系"}));
  EXPECT_EQ(issues[0].member, 1);
  issues.clear();
  h.members = {Person(2)};
  CheckHouseholdMembers(h, issues);
  ASSERT_EQ(Codes(issues), (std::vector<std::string>{"E_HEAD@户编号"}));
  EXPECT_EQ(issues[0].member, -1);
}

TEST(CheckHouseholdMembersTest, DeclaredSizeMustMatchAndNoMembersIsAnError) {
  Household h = Registered();
  h.size = 2;
  std::vector<RuleIssue> issues;
  CheckHouseholdMembers(h, issues);
  EXPECT_EQ(Codes(issues), (std::vector<std::string>{"E_SIZE@家庭人口数"}));
  issues.clear();
  h.members.clear();
  CheckHouseholdMembers(h, issues);
  EXPECT_EQ(Codes(issues), (std::vector<std::string>{"E_HOUSEHOLD@户编号"}));
}

TEST(CheckHouseholdMembersTest, CauseMismatchAndIncomeOutlierAreWarnings) {
  Household h = Registered();
  h.main_cause = code::kCauseIllness;
  h.wage_income = Money();
  std::vector<RuleIssue> issues;
  CheckHouseholdMembers(h, issues);
  EXPECT_EQ(Codes(issues), (std::vector<std::string>{"W_CAUSE_MISMATCH@主要致贫原因",
                                                     "W_INCOME_OUTLIER@人均纯收入"}));
  issues.clear();
  h.members[0].health = CodeSet();
  h.members[0].health.Add(code::kSerious);
  h.wage_income = Money::FromYuan(5000);
  CheckHouseholdMembers(h, issues);
  EXPECT_TRUE(issues.empty());
}

TEST(HouseholdTest, PerCapitaIncomeRoundsHalfAwayFromZero) {
  Household h = Registered();
  h.members.push_back(Person(2));
  h.members.push_back(Person(3));
  h.wage_income = Money::FromFen(100);  // 1.00 yuan over 3 = 0.333… → 0.33
  EXPECT_EQ(h.PerCapitaIncome().fen(), 33);
  h.wage_income = Money::FromFen(200);  // 0.666… → 0.67
  EXPECT_EQ(h.PerCapitaIncome().fen(), 67);
  h.members.pop_back();
  h.wage_income = Money::FromFen(1);
  h.business_cost = Money::FromFen(4);  // −3 fen over 2 = −1.5 → −2
  EXPECT_EQ(h.PerCapitaIncome().fen(), -2);
}

}  // namespace
}  // namespace fupin
