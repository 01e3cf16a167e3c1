// The microcredit ledger (扶贫小额信贷, spec/funds.md): every E_CONDITIONS criterion of a
// loan, the 金融帮扶 measure it writes, a loan with a 展期 and the subsidy of each year
// computed by hand, 续贷 keeping the original contract, an overdue loan compensated 8:2 at 90
// days and refused at 89 (FUPIN_NOW moved), the borrower's ID number masked and kept out of
// the audit trail, and the refusals by role and scope.
#include "service/loans/loan_service.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <chrono>
#include <thread>

#include "exchange/policy_file.h"
#include "service/accounts/audit_service.h"
#include "service/imports/import_service.h"
#include "service/procedures/measure_service.h"
#include "service/service_test_fixture.h"

namespace fupin {
namespace {

// H1 建档立卡户 未脱贫 (members aged 46, 16 and 71 on 2026-06-30), H2 普通农户 边缘易致贫户
// 监测中, H3 普通农户 not monitored, H4 建档立卡户 已剔除, all in village 620422102201; H9 in
// another county (620423).
const char* kHouseholds =
    "户编号,行政区划代码,户类型,贫困状态,识别年度,主要致贫原因,户属性,工资性收入,生产经营性收入,"
    "生产经营性支出,财产性收入,转移性收入,不愁吃,不愁穿,住房安全等级,饮水安全,监测对象类型,"
    "监测状态,纳入监测日期,风险类型\n"
    "H1,620422102201,建档立卡户,未脱贫,2016,缺资金,一般户,3000,0,0,0,0,是,是,A,是,,,,\n"
    "H2,620422102201,普通农户,,,,一般户,3000,0,0,0,0,是,是,A,是,边缘易致贫户,监测中,2025-05-01,"
    "因病\n"
    "H3,620422102201,普通农户,,,,一般户,9000,0,0,0,0,是,是,A,是,,,,\n"
    "H4,620422102201,建档立卡户,已剔除,2016,缺资金,一般户,3000,0,0,0,0,是,是,A,是,,,,\n"
    "H9,620423100201,建档立卡户,未脱贫,2016,缺资金,一般户,3000,0,0,0,0,是,是,A,是,,,,\n";
const char* kMembers =
    "户编号,姓名,证件号码,与户主关系,在校生状况,健康状况,劳动能力,参加城乡居民基本医疗保险\n"
    "H1,甲,620422198001010035,户主,非在校生,健康,普通劳动力,是\n"
    "H1,少,620422201005010010,之子,非在校生,健康,普通劳动力,是\n"
    "H1,老,620422195503010015,之父,非在校生,健康,普通劳动力,是\n"
    "H2,乙,62042219750601001X,户主,非在校生,健康,普通劳动力,是\n"
    "H3,丙,620422198502020012,户主,非在校生,健康,普通劳动力,是\n"
    "H4,丁,620422199003030018,户主,非在校生,健康,普通劳动力,是\n"
    "H9,戊,620423198001010015,户主,非在校生,健康,普通劳动力,是\n";

constexpr const char* kBorrower = "620422198001010035";  // 甲 of H1, born 1980-01-01
constexpr int64_t kCounty = 620422000000;
constexpr int64_t kVillage = 620422102201;

Caller As(const std::string& name, Role role, int64_t region) {
  return Caller{User{name, role, RegionCode::FromInt(region), false}, "test"};
}

void SetNow(const std::string& date) { setenv("FUPIN_NOW", (date + "T10:00:00+08:00").c_str(), 1); }

class LoanTest : public ServiceTest {
 protected:
  LoanTest()
      : ServiceTest({{kCounty, "会宁县"},
                     {620422102000, "乙镇"},
                     {kVillage, "乙村"},
                     {620423000000, "景泰县"},
                     {620423100000, "一条山镇"},
                     {620423100201, "城北村"}}) {}
  void SetUp() override {
    ServiceTest::SetUp();
    if (HasFatalFailure()) return;
    SetNow("2026-06-30");
    ImportOptions options;
    options.files = {Write("h.csv", kHouseholds), Write("m.csv", kMembers)};
    auto report = RunImport(*store_, options);
    ASSERT_TRUE(report.ok()) << report.error().en;
    ASSERT_TRUE(report->errors.empty()) << report->errors.front().en;
    // A province whose budget pays 80% of the interest of contracts from 2023 and 50% from
    // 2025 (the year rule: 2024's contracts take 2023's entry).
    auto layer = ParsePolicyText("[microcredit.subsidy_share]\n2023 = 0.8\n2025 = 0.5\n", "p.toml");
    ASSERT_TRUE(layer.ok()) << layer.error().en;
    auto policy =
        PolicySet::Build({*ParsePolicyText(NationalPolicyText(), "national.toml"), *layer});
    ASSERT_TRUE(policy.ok()) << policy.error().en;
    policy_ = std::move(*policy);
  }
  void TearDown() override {
    unsetenv("FUPIN_NOW");
    ServiceTest::TearDown();
  }

  // 50,000 yuan to 甲 of H1 for 24 months from 2024-03-01 at 3.95% (the 5-year LPR of
  // 2024-02-20 is the cap), for 种植.
  LoanInput Input() {
    return {"H1", kBorrower, "50000", 24, "2024-03-01", "会宁农商银行", "0.0395", "01"};
  }
  Result<LoanView> Grant(const LoanInput& input, std::vector<FailedCondition>* failed = nullptr) {
    return GrantLoan(*store_, policy_, county_, input, failed);
  }
  int64_t Granted(const LoanInput& input) {
    auto loan = Grant(input);
    EXPECT_TRUE(loan.ok()) << (loan.ok() ? "" : loan.error().en);
    return loan.ok() ? loan->loan.id : 0;
  }
  std::vector<std::string> Criteria(const LoanInput& input) {
    std::vector<FailedCondition> failed;
    auto loan = Grant(input, &failed);
    EXPECT_FALSE(loan.ok());
    if (!loan.ok()) {
      EXPECT_EQ(loan.error().code, "E_CONDITIONS");
    }
    std::vector<std::string> out;
    for (const auto& f : failed) out.push_back(f.criterion);
    return out;
  }
  LoanSubsidy Subsidy(int64_t id, int year) {
    auto s = SubsidyOf(*store_, policy_, county_, id, year);
    EXPECT_TRUE(s.ok()) << (s.ok() ? "" : s.error().en);
    return s.ok() ? *s : LoanSubsidy{};
  }
  int64_t AuditCount(const std::string& action) {
    AuditQuery q;
    q.action_prefix = action;
    auto page = SearchAudit(*store_, CliCaller(), q);
    EXPECT_TRUE(page.ok());
    return page.ok() ? page->total : -1;
  }

  PolicySet policy_;
  const Caller county_ = As("county1", Role::kCountyAdmin, kCounty);
  const Caller township_ = As("township1", Role::kTownshipOperator, 620422102000);
};

TEST_F(LoanTest, AGrantedLoanIsActiveDueAfterItsTermAndAFinanceMeasureOfTheHousehold) {
  auto loan = Grant(Input());
  ASSERT_TRUE(loan.ok()) << loan.error().en;
  EXPECT_EQ(loan->loan.amount_fen, 5000000);
  EXPECT_EQ(loan->loan.due_date, "2026-03-01");
  EXPECT_EQ(loan->loan.borrower_name, "甲");
  EXPECT_EQ(loan->state, "overdue");  // 2026-06-30 is past the due date, nothing repaid
  EXPECT_EQ(loan->days_overdue, 121);
  auto measures = ListMeasures(*store_, county_, "H1");
  ASSERT_TRUE(measures.ok());
  ASSERT_EQ(measures->size(), 1u);
  EXPECT_EQ(measures->front().category, 3);  // 金融帮扶（小额信贷）
  EXPECT_EQ(measures->front().date, "2024-03-01");
  EXPECT_EQ(measures->front().amount_fen, 5000000);
  EXPECT_EQ(loan->loan.measure_id, measures->front().id);
  EXPECT_EQ(AuditCount("loan.add"), 1);
}

TEST_F(LoanTest, EachFailingCriterionIsNamedAndNothingIsWritten) {
  LoanInput in = Input();
  in.amount = "50000.01";
  EXPECT_EQ(Criteria(in), std::vector<std::string>{"amount"});
  in = Input();
  in.term_months = 37;
  EXPECT_EQ(Criteria(in), std::vector<std::string>{"term"});
  in = Input();
  in.borrower_id_number = "620422201005010010";  // 少, 13 on 2024-03-01
  EXPECT_EQ(Criteria(in), std::vector<std::string>{"borrower_age"});
  in.borrower_id_number = "620422195503010015";  // 老, 68
  EXPECT_EQ(Criteria(in), std::vector<std::string>{"borrower_age"});
  in = Input();
  in.annual_rate = "0.0396";  // above 3.95%
  EXPECT_EQ(Criteria(in), std::vector<std::string>{"rate"});
  in.term_months = 12;  // the 1-year LPR of 2024-02-20: 3.45%
  in.annual_rate = "0.0350";
  EXPECT_EQ(Criteria(in), std::vector<std::string>{"rate"});
  for (const char* purpose : {"结婚", "建房", "消费", "07", ""}) {
    in = Input();
    in.purpose = purpose;
    EXPECT_EQ(Criteria(in), std::vector<std::string>{"purpose"}) << purpose;
  }
  in = Input();
  in.borrower_id_number = "620422198502020012";  // 丙 belongs to H3
  EXPECT_EQ(Criteria(in), std::vector<std::string>{"borrower"});
  in.household_code = "H3";  // an ordinary household, not monitored
  EXPECT_EQ(Criteria(in), std::vector<std::string>{"household"});
  in = Input();
  in.household_code = "H4";  // 已剔除
  in.borrower_id_number = "620422199003030018";
  in.amount = "60000";
  in.purpose = "理财";
  EXPECT_EQ(Criteria(in), (std::vector<std::string>{"amount", "household", "purpose"}));
  EXPECT_EQ(AuditCount("loan."), 0);
  EXPECT_TRUE(ListMeasures(*store_, county_, "H1")->empty());
}

TEST_F(LoanTest, AMonitoredHouseholdOfAnEligibleTypeMayBorrow) {
  LoanInput in = Input();
  in.household_code = "H2";
  in.borrower_id_number = "62042219750601001x";  // a lower-case x is the same number
  in.purpose = "养殖";
  auto loan = Grant(in);
  ASSERT_TRUE(loan.ok()) << loan.error().en;
  EXPECT_EQ(loan->loan.purpose, 2);
}

// 50,000.00 yuan from 2024-03-01 for 24 months at 3.95%, extended by 6 months (due
// 2026-03-01 → 2026-09-01), 20,000.00 yuan of principal repaid on 2025-07-01. Actual/360,
// the first day counted and not the last; the contract is of 2024, so every year takes
// subsidy_share(2024) = 0.8 (2023's entry; 2025's 0.5 is for contracts of 2025).
//   2024: 2024-03-01 → 2025-01-01 = 306 days × 5,000,000 fen = 1,530,000,000 fen·days
//         × 0.0395 / 360 = 167,875.00 fen → interest 1678.75, subsidy × 0.8 = 1343.00
//   2025: 181 days × 5,000,000 (to 2025-07-01) + 184 days × 3,000,000 = 1,457,000,000
//         × 0.0395 / 360 = 159,865.28 fen → 1598.65, subsidy 127,892.0 fen → 1278.92
//   2026: 2026-01-01 → 2026-09-01 = 243 days × 3,000,000 = 729,000,000 × 0.0395 / 360 =
//         79,987.5 fen → 799.88 (half up), subsidy 63,990.4 fen → 639.90
//   2027: nothing.
TEST_F(LoanTest, ALoanWithAnExtensionEarnsTheSubsidyOfEachYearByHand) {
  SetNow("2024-03-01");
  const int64_t id = Granted(Input());
  SetNow("2025-07-01");
  auto repaid = Repay(*store_, township_, id, {"2025-07-01", "20000", "800.00"});
  ASSERT_TRUE(repaid.ok()) << repaid.error().en;
  EXPECT_EQ(repaid->outstanding_fen, 3000000);
  SetNow("2026-02-20");
  auto extended = Extend(*store_, county_, id, {6, "冰雹灾害，养殖受损", ""});
  ASSERT_TRUE(extended.ok()) << extended.error().en;
  EXPECT_EQ(extended->loan.due_date, "2026-09-01");
  EXPECT_EQ(extended->loan.original_due_date, "2026-03-01");
  EXPECT_EQ(extended->loan.start_date, "2024-03-01");
  EXPECT_EQ(extended->loan.annual_rate_micros, 39500);
  EXPECT_EQ(extended->repayments.size(), 1u);  // the history is kept

  EXPECT_EQ(Subsidy(id, 2024).interest_fen, 167875);
  EXPECT_EQ(Subsidy(id, 2024).subsidy_fen, 134300);
  EXPECT_EQ(Subsidy(id, 2025).interest_fen, 159865);
  EXPECT_EQ(Subsidy(id, 2025).subsidy_fen, 127892);
  EXPECT_EQ(Subsidy(id, 2026).interest_fen, 79988);
  EXPECT_EQ(Subsidy(id, 2026).subsidy_fen, 63990);
  EXPECT_EQ(Subsidy(id, 2026).share.micros, 800000);
  EXPECT_EQ(Subsidy(id, 2027).interest_fen, 0);

  SetNow("2026-06-30");  // past the original due date, not the extended one
  auto shown = GetLoan(*store_, county_, id);
  ASSERT_TRUE(shown.ok());
  EXPECT_EQ(shown->state, "active");
}

TEST_F(LoanTest, AnExtensionIsGrantedOnceByTheDueDateWithinItsLimit) {
  SetNow("2024-03-01");
  const int64_t id = Granted(Input());
  SetNow("2026-02-20");
  auto too_long = Extend(*store_, county_, id, {13, "灾害", ""});
  ASSERT_FALSE(too_long.ok());
  EXPECT_EQ(too_long.error().code, "E_CONDITIONS");
  EXPECT_NE(too_long.error().en.find("extension_months"), std::string::npos);
  EXPECT_EQ(Extend(*store_, county_, id, {6, "", ""}).error().code, "E_REQUIRED");
  ASSERT_TRUE(Extend(*store_, county_, id, {12, "灾害", ""}).ok());
  EXPECT_EQ(Extend(*store_, county_, id, {1, "灾害", ""}).error().code, "E_STATE");
  EXPECT_EQ(AuditCount("loan.extend"), 1);

  SetNow("2026-06-30");
  LoanInput in = Input();
  in.start_date = "2025-01-10";
  in.term_months = 12;
  in.annual_rate = "0.031";
  const int64_t short_loan = Granted(in);  // due 2026-01-10: too late to extend
  auto late = Extend(*store_, county_, short_loan, {3, "灾害", ""});
  ASSERT_FALSE(late.ok());
  EXPECT_EQ(late.error().code, "E_STATE");
}

TEST_F(LoanTest, ARenewalIsANewLoanOfWhatIsOutstandingKeepingTheOriginalContract) {
  SetNow("2024-03-01");
  const int64_t id = Granted(Input());
  SetNow("2026-03-01");
  ASSERT_TRUE(Repay(*store_, county_, id, {"2026-02-27", "10000", "0"}).ok());
  auto renewed = Renew(*store_, policy_, county_, id, {"", std::nullopt});
  ASSERT_TRUE(renewed.ok()) << renewed.error().en;
  EXPECT_EQ(renewed->loan.renewal_of, id);
  EXPECT_EQ(renewed->loan.amount_fen, 4000000);
  EXPECT_EQ(renewed->loan.start_date, "2026-03-01");
  EXPECT_EQ(renewed->loan.due_date, "2028-03-01");
  EXPECT_EQ(renewed->loan.contract_start, "2024-03-01");
  EXPECT_EQ(renewed->loan.annual_rate_micros, 39500);
  auto old = GetLoan(*store_, county_, id);
  ASSERT_TRUE(old.ok());
  EXPECT_EQ(old->state, "renewed");
  EXPECT_EQ(old->renewed_by, renewed->loan.id);
  // The renewal's subsidy share is that of its contract of 2024: 0.8, not 2026's 0.5.
  EXPECT_EQ(Subsidy(renewed->loan.id, 2026).share.micros, 800000);
  EXPECT_EQ(Renew(*store_, policy_, county_, id, {"", std::nullopt}).error().code, "E_STATE");
  EXPECT_EQ(ListMeasures(*store_, county_, "H1")->size(), 2u);
}

// Due 2026-03-01 with 30,000.00 yuan outstanding: 89 days overdue on 2026-05-29, 90 on
// 2026-05-30. The fund pays 0.8 × 30,000.00 = 24,000.00, the bank 6,000.00.
TEST_F(LoanTest, ALoanOverdue90DaysIsCompensated8To2AndRefusedAt89) {
  SetNow("2024-03-01");
  const int64_t id = Granted(Input());
  ASSERT_TRUE(Repay(*store_, county_, id, {"2024-03-01", "20000", "0"}).ok());
  SetNow("2026-05-29");
  auto overdue = OverdueLoans(*store_, county_, RegionCode::FromInt(kCounty), 0, 50);
  ASSERT_TRUE(overdue.ok());
  ASSERT_EQ(overdue->items.size(), 1u);
  EXPECT_EQ(overdue->items[0].days_overdue, 89);
  auto early = Compensate(*store_, policy_, county_, id);
  ASSERT_FALSE(early.ok());
  EXPECT_EQ(early.error().code, "E_OVERDUE_DAYS");
  EXPECT_EQ(AuditCount("loan.compensate"), 0);
  EXPECT_EQ(Compensate(*store_, policy_, township_, id).error().code, "E_FORBIDDEN");

  SetNow("2026-05-30");
  auto paid = Compensate(*store_, policy_, county_, id);
  ASSERT_TRUE(paid.ok()) << paid.error().en;
  EXPECT_EQ(paid->state, "compensated");
  ASSERT_TRUE(paid->compensation.has_value());
  EXPECT_EQ(paid->compensation->days_overdue, 90);
  EXPECT_EQ(paid->compensation->base_fen, 3000000);
  EXPECT_EQ(paid->compensation->fund_fen, 2400000);
  EXPECT_EQ(paid->compensation->bank_fen, 600000);
  EXPECT_EQ(AuditCount("loan.compensate"), 1);
  EXPECT_EQ(Compensate(*store_, policy_, county_, id).error().code, "E_STATE");
  EXPECT_TRUE(OverdueLoans(*store_, county_, RegionCode::FromInt(kCounty), 0, 50)->items.empty());
}

TEST_F(LoanTest, RepayingTheWholePrincipalClosesTheLoanAndNoMore) {
  SetNow("2025-01-10");
  LoanInput in = Input();
  in.start_date = "2025-01-10";
  in.annual_rate = "0.036";  // the 5-year LPR of 2024-10-21
  const int64_t id = Granted(in);
  auto over = Repay(*store_, county_, id, {"2025-01-10", "50000.01", "0"});
  ASSERT_FALSE(over.ok());
  EXPECT_EQ(over.error().code, "E_NUMBER");
  EXPECT_EQ(Repay(*store_, county_, id, {"2025-01-09", "1", "0"}).error().code, "E_DATE");
  EXPECT_EQ(Repay(*store_, county_, id, {"2025-01-11", "1", "0"}).error().code, "E_DATE");
  auto all = Repay(*store_, county_, id, {"2025-01-10", "50000", "0"});
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->state, "repaid");
  EXPECT_EQ(all->loan.closed_on, "2025-01-10");
  EXPECT_EQ(Repay(*store_, county_, id, {"2025-01-10", "0", "1"}).error().code, "E_STATE");
}

// Two clerks repay the whole of one loan at once: the second waits for the first's
// transaction and then finds the loan repaid (E_STATE), instead of checking what was
// outstanding before the first wrote and repaying it a second time.
TEST_F(LoanTest, TwoClerksRepayingOneLoanAtOnceRepayItOnce) {
  SetNow("2025-01-10");
  LoanInput in = Input();
  in.start_date = "2025-01-10";
  in.annual_rate = "0.036";
  const int64_t id = Granted(in);
  StoreOptions options;
  options.audit_key_path = dir_ + "/t.db-audit.key";
  auto other = Store::Open(url_, Store::OpenMode::kExisting, options);
  ASSERT_TRUE(other.ok()) << other.error().en;

  // The first clerk's repayment is written and not yet committed ...
  ASSERT_TRUE(store_->Begin().ok());
  auto first = Repay(*store_, county_, id, {"2025-01-10", "50000", "0"});
  ASSERT_TRUE(first.ok()) << first.error().en;
  // ... when the second clerk's begins; it waits for the first's commit.
  Result<LoanView> second = Error{"E_TEST", "未运行", "not run"};
  std::thread clerk([&] { second = Repay(**other, county_, id, {"2025-01-10", "50000", "0"}); });
  std::this_thread::sleep_for(std::chrono::milliseconds(300));  // let it reach the wait
  ASSERT_TRUE(store_->Commit().ok());
  clerk.join();

  ASSERT_FALSE(second.ok()) << "the loan was repaid twice";
  EXPECT_EQ(second.error().code, "E_STATE");
  auto loan = GetLoan(*store_, county_, id);
  ASSERT_TRUE(loan.ok());
  EXPECT_EQ(loan->repayments.size(), 1u);
  EXPECT_EQ(loan->principal_repaid_fen, 5000000);
  EXPECT_EQ(AuditCount("loan.repay"), 1);
}

TEST_F(LoanTest, TheBorrowersIdNumberNeverReachesTheAuditTrail) {
  const int64_t id = Granted(Input());
  ASSERT_GT(id, 0);
  AuditQuery q;
  q.action_prefix = "loan.";
  auto page = SearchAudit(*store_, CliCaller(), q);
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->total, 1);
  for (const auto& e : page->items) {
    EXPECT_EQ(e.detail.find(kBorrower), std::string::npos) << e.detail;
    EXPECT_EQ(e.target, "H1");
  }
}

TEST_F(LoanTest, RolesAndScopeAreCheckedBeforeAnythingElse) {
  const int64_t id = Granted(Input());
  const Caller viewer = As("viewer1", Role::kViewer, kCounty);
  const Caller village = As("village1", Role::kVillageOperator, kVillage);
  const Caller other = As("county2", Role::kCountyAdmin, 620423000000);
  EXPECT_EQ(Grant(Input(), nullptr).ok(), true);
  EXPECT_EQ(GrantLoan(*store_, policy_, viewer, Input()).error().code, "E_FORBIDDEN");
  EXPECT_EQ(GrantLoan(*store_, policy_, village, Input()).error().code, "E_FORBIDDEN");
  EXPECT_EQ(GrantLoan(*store_, policy_, other, Input()).error().code, "E_NOT_FOUND");
  EXPECT_EQ(GetLoan(*store_, other, id).error().code, "E_NOT_FOUND");
  EXPECT_EQ(GetLoan(*store_, other, 999).error().code, "E_NOT_FOUND");
  EXPECT_EQ(Repay(*store_, other, id, {"2026-06-30", "1", "0"}).error().code, "E_NOT_FOUND");
  EXPECT_EQ(Repay(*store_, viewer, id, {"2026-06-30", "1", "0"}).error().code, "E_FORBIDDEN");
  EXPECT_EQ(SubsidyOf(*store_, policy_, other, id, 2025).error().code, "E_NOT_FOUND");
  EXPECT_TRUE(GetLoan(*store_, viewer, id).ok());
  LoanListQuery q;
  q.region = RegionCode::FromInt(620423000000);
  EXPECT_TRUE(ListLoans(*store_, other, q)->items.empty());
  q.region = RegionCode::FromInt(kCounty);
  EXPECT_EQ(ListLoans(*store_, other, q).error().code, "E_NOT_FOUND");
  EXPECT_EQ(ListLoans(*store_, village, q).error().code, "E_NOT_FOUND");
  q.region = RegionCode::FromInt(kVillage);
  EXPECT_EQ(ListLoans(*store_, village, q)->total, 2);
  q.state = "repaid";
  EXPECT_EQ(ListLoans(*store_, village, q)->total, 0);
  q.state = "lost";
  EXPECT_EQ(ListLoans(*store_, village, q).error().code, "E_CODE");
}

}  // namespace
}  // namespace fupin
