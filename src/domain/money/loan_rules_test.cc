// The conditions of a 扶贫小额信贷 loan at each boundary of [microcredit]: the borrower's age
// on the start date (17, 18, 65, 66 full years, the day before and on a birthday), the amount
// (50,000.00 and 50,000.01 yuan), the term (36 and 37 months), the household (建档立卡 not 已剔除,
// 监测中 of an eligible type), the rate cap in force on the contract's start for the term, the
// purpose; every failing criterion is named, in a fixed order.
#include "domain/money/loan_rules.h"

#include <gtest/gtest.h>

#include "domain/codes.h"

namespace fupin {
namespace {

Date D(const char* text) { return *Date::Parse(text); }

// [microcredit] as in policy/national.toml (two of its rate caps).
Policy Rules() {
  Policy p;
  auto& mc = p.microcredit;
  mc.max_amount = Money::FromFen(5000000);
  mc.max_term_months = 36;
  mc.borrower_age_min = 18;
  mc.borrower_age_max = 65;
  mc.eligible_monitor_types = {2};
  mc.rate_cap[D("2015-10-24")] = {Ratio{43500}, Ratio{47500}};
  mc.rate_cap[D("2019-08-20")] = {Ratio{42500}, Ratio{48500}};
  return p;
}

// A 建档立卡户, a borrower born 1980-06-15, 50,000 yuan over 36 months from 2019-03-01 at the
// long-term cap of the day, for 养殖: a loan that may be granted.
struct LoanRulesTest : ::testing::Test {
  Policy rules = Rules();
  LoanHousehold household{"H1", code::kRegistered, code::kPoor, code::kMonitorNone,
                          code::kNotMonitored};
  LoanBorrower borrower{true, D("1980-06-15")};
  LoanTerms terms{5000000, 36, D("2019-03-01"), D("2019-03-01"), 47500, 2, "养殖"};

  // The criteria that fail, joined by spaces ("" when the loan may be granted).
  std::string Failing() const {
    std::string out;
    for (const FailedCondition& f : LoanConditions(rules, household, borrower, terms)) {
      out += (out.empty() ? "" : " ") + f.criterion;
    }
    return out;
  }
  // The one failing criterion (a test failure when there is not exactly one).
  FailedCondition Only() const {
    auto failed = LoanConditions(rules, household, borrower, terms);
    EXPECT_EQ(failed.size(), 1u) << Failing();
    return failed.empty() ? FailedCondition{} : failed.front();
  }
  // The criteria when the borrower was born on `birth`.
  std::string BornOn(const char* birth) {
    borrower.birth_date = D(birth);
    return Failing();
  }
};

TEST_F(LoanRulesTest, ALoanWithinEveryLimitMayBeGranted) { EXPECT_EQ(Failing(), ""); }

TEST_F(LoanRulesTest, TheBorrowerIsEighteenToSixtyFiveFullYearsOnTheStartDate) {
  // Start 2019-03-01.
  EXPECT_EQ(BornOn("2001-03-02"), "borrower_age") << "17, a day short of 18";
  EXPECT_EQ(BornOn("2001-03-01"), "") << "18 on the day";
  EXPECT_EQ(BornOn("1953-03-02"), "") << "65, a day short of 66";
  EXPECT_EQ(BornOn("1953-03-01"), "borrower_age") << "66 on the day";
  EXPECT_EQ(BornOn("1940-01-01"), "borrower_age");
  EXPECT_EQ(Only().zh, "借款人在 2019-03-01 为 79 周岁，不在 18–65 周岁之间");
  EXPECT_EQ(Only().en, "the borrower is 79 on 2019-03-01, outside 18–65");
}

TEST_F(LoanRulesTest, TheAgeIsCountedOnTheStartNotOnTheContractsStart) {
  borrower.birth_date = D("1953-06-01");  // 65 on 2019-03-01, 66 on 2019-06-01
  terms.start = D("2019-06-01");          // a 续贷 keeps the original contract's start
  EXPECT_EQ(Failing(), "borrower_age");
}

TEST_F(LoanRulesTest, ABorrowerWithoutABirthDateFailsTheAgeCondition) {
  borrower.birth_date.reset();
  EXPECT_EQ(Only().criterion, "borrower_age");
  EXPECT_EQ(Only().en, "the borrower's birth date is unknown");
}

TEST_F(LoanRulesTest, ABorrowerOutsideTheHouseholdFailsAndHisAgeIsNotCounted) {
  borrower = {false, std::nullopt};
  EXPECT_EQ(Only().criterion, "borrower");
  EXPECT_EQ(Only().zh, "借款人不是户 H1 的成员（户借户用户还）");
}

TEST_F(LoanRulesTest, AtMostFiftyThousandYuan) {
  terms.amount_fen = 5000000;
  EXPECT_EQ(Failing(), "");
  terms.amount_fen = 5000001;
  EXPECT_EQ(Failing(), "amount");
  EXPECT_EQ(Only().zh, "贷款金额 50000.01 元超过上限 50000.00 元");
}

TEST_F(LoanRulesTest, AtMostThirtySixMonthsAndTheCapOfTheTerm) {
  terms.term_months = 36;
  EXPECT_EQ(Failing(), "");
  terms.term_months = 37;
  EXPECT_EQ(Failing(), "term");
  // Up to 12 months the short-term cap (4.35%), longer the long-term one (4.75%).
  terms.term_months = 12;
  EXPECT_EQ(Failing(), "rate");
  terms.rate_micros = 43500;
  EXPECT_EQ(Failing(), "");
  terms.term_months = 13;
  terms.rate_micros = 47501;
  EXPECT_EQ(Failing(), "rate");
}

TEST_F(LoanRulesTest, TheRateCapIsTheOneInForceOnTheContractsStart) {
  terms.rate_micros = 48500;  // the LPR cap from 2019-08-20
  terms.start = terms.contract_start = D("2019-08-19");
  EXPECT_EQ(Failing(), "rate");
  EXPECT_EQ(Only().en, "the annual rate 0.0485 is above the cap of 0.0475 in force on 2019-08-19");
  terms.start = terms.contract_start = D("2019-08-20");
  EXPECT_EQ(Failing(), "");
  // A 续贷 keeps the original contract's cap.
  terms.contract_start = D("2019-08-19");
  EXPECT_EQ(Failing(), "rate");
  // Nothing published yet: the rate fails with the policy's message.
  terms.start = terms.contract_start = D("2015-10-23");
  terms.rate_micros = 1;
  EXPECT_EQ(Failing(), "rate");
  EXPECT_EQ(Only().en, "no microcredit.rate_cap published on or before 2015-10-23");
}

TEST_F(LoanRulesTest, ARegisteredHouseholdNotRemovedOrAMonitoredOneOfAnEligibleType) {
  household.poverty_status = code::kExited;
  EXPECT_EQ(Failing(), "") << "a 建档立卡户 that exited may still borrow";
  household.poverty_status = code::kRemoved;
  EXPECT_EQ(Failing(), "household");
  household = {"H2", code::kOrdinary, code::kPoor, code::kMonitoring, 2};
  EXPECT_EQ(Failing(), "") << "边缘易致贫户 监测中";
  household.monitor_type = 1;
  EXPECT_EQ(Failing(), "household") << "a type not in eligible_monitor_types";
  household.monitor_type = 2;
  household.monitor_status = code::kRiskEliminated;
  EXPECT_EQ(Failing(), "household") << "no longer monitored";
}

TEST_F(LoanRulesTest, OnlyAProductionPurpose) {
  terms.purpose.reset();
  terms.purpose_text = "结婚";
  EXPECT_EQ(Failing(), "purpose");
  EXPECT_EQ(Only().zh, "贷款用途不是生产经营（01 种植 … 06 其他生产经营）：结婚");
}

TEST_F(LoanRulesTest, EveryFailingCriterionIsNamedInAFixedOrder) {
  household.kind = code::kOrdinary;
  borrower.birth_date = D("2005-01-01");
  terms = {5000001, 37, D("2019-03-01"), D("2019-03-01"), 90000, std::nullopt, "购房"};
  EXPECT_EQ(Failing(), "amount term borrower_age household rate purpose");
}

}  // namespace
}  // namespace fupin
