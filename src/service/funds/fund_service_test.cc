// The funds ledger (扶贫资金, spec/funds.md): who records funds, allocations and
// disbursements, the two limits (E_OVER_FUND, E_OVER_ALLOCATION) with nothing written when
// they refuse, and the spending progress against [funds] min_spending_ratio on an as-of
// date.
#include "service/funds/fund_service.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include "exchange/policy_file.h"
#include "service/accounts/audit_service.h"
#include "service/imports/import_service.h"
#include "service/service_test_fixture.h"

namespace fupin {
namespace {

// H1 in village 620422102201 (township 620422102), H3 in 620422101205 (township 620422101),
// H9 in another county, 620423.
const char* kHouseholds =
    "户编号,行政区划代码,户类型,贫困状态,识别年度,主要致贫原因,工资性收入,生产经营性收入,"
    "生产经营性支出,财产性收入,转移性收入,不愁吃,不愁穿,住房安全等级,饮水安全\n"
    "H1,620422102201,建档立卡户,未脱贫,2016,缺资金,3000,0,0,0,0,是,是,A,是\n"
    "H3,620422101205,建档立卡户,未脱贫,2016,缺资金,3000,0,0,0,0,是,是,A,是\n"
    "H9,620423100201,建档立卡户,未脱贫,2016,缺资金,3000,0,0,0,0,是,是,A,是\n";
const char* kMembers =
    "户编号,姓名,证件号码,与户主关系,在校生状况,健康状况,劳动能力,参加城乡居民基本医疗保险\n"
    "H1,甲,620422198001010019,户主,非在校生,健康,普通劳动力,是\n"
    "H3,丙,620422198001010035,户主,非在校生,健康,普通劳动力,是\n"
    "H9,丁,620423198001010015,户主,非在校生,健康,普通劳动力,是\n";

constexpr int64_t kCounty = 620422000000;
constexpr int64_t kTownship = 620422101000;  // H3's

Caller As(const std::string& name, Role role, int64_t region) {
  return Caller{User{name, role, RegionCode::FromInt(region), false}, "test"};
}

class FundTest : public ServiceTest {
 protected:
  FundTest()
      : ServiceTest({{kCounty, "会宁县"},
                     {620422101000, "甲镇"},
                     {620422102000, "乙镇"},
                     {620422101205, "甲村"},
                     {620422102201, "乙村"},
                     {620423000000, "景泰县"},
                     {620423100000, "一条山镇"},
                     {620423100201, "城北村"}}) {}
  void SetUp() override {
    ServiceTest::SetUp();
    if (HasFatalFailure()) return;
    // The last day of 2026 has passed: payments up to 31 December may be entered.
    setenv("FUPIN_NOW", "2027-01-05T10:00:00+08:00", 1);
    ImportOptions options;
    options.files = {Write("h.csv", kHouseholds), Write("m.csv", kMembers)};
    auto report = RunImport(*store_, options);
    ASSERT_TRUE(report.ok()) << report.error().en;
    ASSERT_TRUE(report->errors.empty()) << report->errors.front().en;
    auto policy = PolicySet::Build({*ParsePolicyText(NationalPolicyText(), "national.toml")});
    ASSERT_TRUE(policy.ok()) << policy.error().en;
    policy_ = std::move(*policy);
  }
  void TearDown() override {
    unsetenv("FUPIN_NOW");
    ServiceTest::TearDown();
  }

  int64_t AuditCount(const std::string& action) {
    AuditQuery q;
    q.action_prefix = action;
    auto page = SearchAudit(*store_, CliCaller(), q);
    EXPECT_TRUE(page.ok());
    return page.ok() ? page->total : -1;
  }
  // A county fund of 2026 for `amount` yuan, recorded by the county office.
  int64_t Fund(const std::string& amount, int64_t region = kCounty, int year = 2026) {
    auto f = AddFund(*store_, county_,
                     {"中央", "中央财政专项扶贫资金", year, RegionCode::FromInt(region), amount,
                      "2026年第一批"});
    EXPECT_TRUE(f.ok()) << (f.ok() ? "" : f.error().en);
    return f.ok() ? f->id : 0;
  }
  Result<AllocationRow> Give(const Caller& by, int64_t fund, const std::string& household,
                             const std::string& amount) {
    return Allocate(*store_, by, {fund, household, std::nullopt, amount});
  }
  Result<DisbursementRow> Pay(int64_t allocation, const std::string& amount,
                              const std::string& date, const Caller* by = nullptr) {
    return Disburse(*store_, by ? *by : county_, {allocation, amount, date, "记-2026-0001"});
  }
  FundProgress ProgressOn(const std::string& as_of, int64_t region = kCounty) {
    auto p =
        Progress(*store_, policy_, county_, RegionCode::FromInt(region), 2026, *Date::Parse(as_of));
    EXPECT_TRUE(p.ok()) << (p.ok() ? "" : p.error().en);
    return p.ok() ? *p : FundProgress{};
  }

  PolicySet policy_;
  const Caller county_ = As("county1", Role::kCountyAdmin, kCounty);
  const Caller township_ = As("township1", Role::kTownshipOperator, kTownship);
};

TEST_F(FundTest, ACountyOfficeRecordsAFundInFenAndTheAuditTrailHasIt) {
  auto f = AddFund(*store_, county_,
                   {"县级", "统筹整合涉农资金", 2026, RegionCode::FromInt(kCounty), "1,234,567.89",
                    "涉农整合资金"});
  ASSERT_TRUE(f.ok()) << f.error().en;
  EXPECT_EQ(f->level, 4);
  EXPECT_EQ(f->amount_fen, 123456789);
  EXPECT_EQ(f->created_by, "county1");
  EXPECT_EQ(AuditCount("fund.add"), 1);
  auto funds = ListFunds(*store_, county_, RegionCode::FromInt(kCounty), 2026);
  ASSERT_TRUE(funds.ok());
  ASSERT_EQ(funds->size(), 1u);
  EXPECT_EQ((*funds)[0].fund.name, "涉农整合资金");
}

TEST_F(FundTest, AFundNeedsALevelAKindANameAPositiveAmountAndARegionInScope) {
  const RegionCode county = RegionCode::FromInt(kCounty);
  EXPECT_EQ(AddFund(*store_, county_, {"乡", "k", 2026, county, "1", "n"}).error().code, "E_CODE");
  EXPECT_EQ(AddFund(*store_, county_, {"省", " ", 2026, county, "1", "n"}).error().code,
            "E_REQUIRED");
  EXPECT_EQ(AddFund(*store_, county_, {"省", "k", 2026, county, "0", "n"}).error().code,
            "E_NUMBER");
  EXPECT_EQ(AddFund(*store_, county_, {"省", "k", 2026, county, "1.005", "n"}).error().code,
            "E_NUMBER");
  EXPECT_EQ(AddFund(*store_, county_, {"省", "k", 1999, county, "1", "n"}).error().code, "E_YEAR");
  EXPECT_EQ(AddFund(*store_, county_, {"省", "k", 2026, county, "1", ""}).error().code,
            "E_REQUIRED");
  auto outside =
      AddFund(*store_, county_, {"省", "k", 2026, RegionCode::FromInt(620423000000), "1", "n"});
  EXPECT_EQ(outside.error().code, "E_NOT_FOUND");
  EXPECT_EQ(AuditCount("fund."), 0);
}

TEST_F(FundTest, VillageStaffHelpersAndAuditorsDoNotWriteTheLedgerButAuditorsReadIt) {
  const int64_t fund = Fund("1000");
  const RegionCode county = RegionCode::FromInt(kCounty);
  for (Role role :
       {Role::kVillageOperator, Role::kHelper, Role::kAuditor, Role::kViewer, Role::kDepartment}) {
    const Caller c = As("x", role, role == Role::kAuditor ? kCounty : 620422102201);
    EXPECT_EQ(AddFund(*store_, c, {"省", "k", 2026, county, "1", "n"}).error().code, "E_FORBIDDEN");
    EXPECT_EQ(Give(c, fund, "H1", "1").error().code, "E_FORBIDDEN");
  }
  EXPECT_EQ(AddFund(*store_, township_, {"省", "k", 2026, county, "1", "n"}).error().code,
            "E_FORBIDDEN")
      << "a township office allocates, it does not record funds";
  auto read = ListFunds(*store_, As("a", Role::kAuditor, kCounty), county, std::nullopt);
  ASSERT_TRUE(read.ok());
  EXPECT_EQ(read->size(), 1u);
}

TEST_F(FundTest, AnOverAllocationIsRefusedWithNothingWritten) {
  const int64_t fund = Fund("1000.00");
  ASSERT_TRUE(Give(county_, fund, "H1", "600.00").ok());
  auto over = Give(county_, fund, "H3", "400.01");
  ASSERT_FALSE(over.ok());
  EXPECT_EQ(over.error().code, "E_OVER_FUND");
  EXPECT_NE(over.error().en.find("400.00"), std::string::npos) << over.error().en;
  auto allocations = ListAllocations(*store_, county_, RegionCode::FromInt(kCounty), fund);
  ASSERT_TRUE(allocations.ok());
  EXPECT_EQ(allocations->size(), 1u);
  EXPECT_EQ(AuditCount("fund.allocate"), 1);
  EXPECT_TRUE(Give(county_, fund, "H3", "400.00").ok()) << "exactly what is left may be given";
}

TEST_F(FundTest, AnOverDisbursementIsRefusedWithNothingWritten) {
  const int64_t fund = Fund("1000.00");
  auto a = Give(county_, fund, "H1", "500.00");
  ASSERT_TRUE(a.ok()) << a.error().en;
  ASSERT_TRUE(Pay(a->id, "300.00", "2026-05-01").ok());
  auto over = Pay(a->id, "200.01", "2026-05-02");
  ASSERT_FALSE(over.ok());
  EXPECT_EQ(over.error().code, "E_OVER_ALLOCATION");
  auto paid = ListDisbursements(*store_, county_, RegionCode::FromInt(kCounty), a->id);
  ASSERT_TRUE(paid.ok());
  EXPECT_EQ(paid->size(), 1u);
  EXPECT_EQ(AuditCount("fund.disburse"), 1);
  EXPECT_EQ(ProgressOn("2026-12-31").disbursed_fen, 30000);
}

TEST_F(FundTest, AFundSpentTo89PercentAtYearEndMissesTheRuleAnd91PercentMeetsIt) {
  const int64_t fund = Fund("100000.00");
  auto a = Give(county_, fund, "H1", "95000.00");
  ASSERT_TRUE(a.ok()) << a.error().en;
  ASSERT_TRUE(Pay(a->id, "89000.00", "2026-12-20").ok());
  FundProgress p = ProgressOn("2026-12-31");
  EXPECT_EQ(p.funds_fen, 10000000);
  EXPECT_EQ(p.allocated_fen, 9500000);
  EXPECT_EQ(p.disbursed_fen, 8900000);
  EXPECT_EQ(p.ratio, "0.8900");
  EXPECT_EQ(p.allocation_ratio, "0.9500");
  EXPECT_EQ(p.min_spending_ratio, "0.9");
  EXPECT_FALSE(p.meets);

  ASSERT_TRUE(Pay(a->id, "2000.00", "2026-12-31").ok());
  p = ProgressOn("2026-12-31");
  EXPECT_EQ(p.ratio, "0.9100");
  EXPECT_TRUE(p.meets);
}

TEST_F(FundTest, ExactlyTheRatioMeetsItAndOneFenLessDoesNot) {
  const int64_t fund = Fund("100000.00");
  auto a = Give(county_, fund, "H1", "100000.00");
  ASSERT_TRUE(a.ok());
  ASSERT_TRUE(Pay(a->id, "89999.99", "2026-12-01").ok());
  FundProgress p = ProgressOn("2026-12-31");
  EXPECT_EQ(p.ratio, "0.8999") << "truncated, never rounded up to the rule";
  EXPECT_FALSE(p.meets);
  ASSERT_TRUE(Pay(a->id, "0.01", "2026-12-01").ok());
  EXPECT_TRUE(ProgressOn("2026-12-31").meets);
}

TEST_F(FundTest, ADisbursementDatedAfterTheAsOfDateIsNotCounted) {
  const int64_t fund = Fund("1000.00");
  auto a = Give(county_, fund, "H1", "1000.00");
  ASSERT_TRUE(a.ok());
  ASSERT_TRUE(Pay(a->id, "950.00", "2027-01-03").ok());
  FundProgress year_end = ProgressOn("2026-12-31");
  EXPECT_EQ(year_end.disbursed_fen, 0);
  EXPECT_EQ(year_end.ratio, "0.0000");
  EXPECT_EQ(year_end.allocation_ratio, "1.0000");
  EXPECT_FALSE(year_end.meets);
  auto today = Progress(*store_, policy_, county_, RegionCode::FromInt(kCounty), 2026, {});
  ASSERT_TRUE(today.ok());
  EXPECT_EQ(today->as_of, "2027-01-05") << "as-of defaults to today (FUPIN_NOW)";
  EXPECT_EQ(today->ratio, "0.9500");
  EXPECT_TRUE(today->meets);
}

TEST_F(FundTest, APaymentDatedAfterTodayIsRefused) {
  const int64_t fund = Fund("1000.00");
  auto a = Give(county_, fund, "H1", "1000.00");
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(Pay(a->id, "1.00", "2027-01-06").error().code, "E_DATE");
  EXPECT_EQ(Pay(a->id, "1.00", "2027-02-30").error().code, "E_DATE");
  EXPECT_EQ(Disburse(*store_, county_, {a->id, "1.00", "2027-01-01", " "}).error().code,
            "E_REQUIRED");
}

TEST_F(FundTest, ATownshipAllocatesACountyFundToItsOwnHouseholdsOnly) {
  const int64_t fund = Fund("1000.00");
  auto own = Give(township_, fund, "H3", "100.00");
  ASSERT_TRUE(own.ok()) << own.error().en;
  auto outside = Give(township_, fund, "H1", "100.00");
  ASSERT_FALSE(outside.ok());
  EXPECT_EQ(outside.error().code, "E_NOT_FOUND");
  auto missing = Give(township_, fund, "HNOSUCH", "100.00");
  EXPECT_EQ(missing.error().code, "E_NOT_FOUND");
  EXPECT_EQ(AuditCount("fund.allocate"), 1);
  // Nor may it pay what the county gave a household outside it.
  auto county_gift = Give(county_, fund, "H1", "100.00");
  ASSERT_TRUE(county_gift.ok());
  EXPECT_EQ(Pay(county_gift->id, "1.00", "2026-06-01", &township_).error().code, "E_NOT_FOUND");
  EXPECT_TRUE(Pay(own->id, "100.00", "2026-06-01", &township_).ok());
}

TEST_F(FundTest, AHouseholdOutsideTheFundsRegionAndAFundOutsideTheScopeAreRefused) {
  const int64_t township_fund = Fund("1000.00", kTownship);
  EXPECT_EQ(Give(county_, township_fund, "H1", "1.00").error().code, "E_REGION");
  const int64_t other = Fund("1000.00", 620422102000);
  EXPECT_EQ(Give(township_, other, "H3", "1.00").error().code, "E_NOT_FOUND")
      << "a fund of another township is not seen";
  EXPECT_EQ(Give(county_, 99999, "H1", "1.00").error().code, "E_NOT_FOUND");
}

TEST_F(FundTest, AnAllocationToAProjectThatDoesNotExistIsRefused) {
  const int64_t fund = Fund("1000.00");
  auto project = Allocate(*store_, county_, {fund, "", int64_t{7}, "100.00"});
  ASSERT_FALSE(project.ok());
  EXPECT_EQ(project.error().code, "E_NOT_FOUND");
  EXPECT_NE(project.error().en.find("no such project"), std::string::npos);
  EXPECT_EQ(Allocate(*store_, county_, {fund, "H1", int64_t{7}, "1"}).error().code, "E_USAGE");
  EXPECT_EQ(Allocate(*store_, county_, {fund, "", std::nullopt, "1"}).error().code, "E_USAGE");
}

TEST_F(FundTest, TheProgressOfATownshipCountsOnlyTheFundsItsSubtreeReceived) {
  const int64_t county_fund = Fund("1000.00");
  const int64_t township_fund = Fund("200.00", kTownship);
  Fund("5000.00", kCounty, 2025);
  ASSERT_TRUE(Give(county_, county_fund, "H3", "100.00").ok());
  auto a = Give(county_, township_fund, "H3", "200.00");
  ASSERT_TRUE(a.ok());
  ASSERT_TRUE(Pay(a->id, "190.00", "2026-11-30").ok());
  FundProgress township = ProgressOn("2026-12-31", kTownship);
  EXPECT_EQ(township.funds_fen, 20000);
  EXPECT_EQ(township.ratio, "0.9500");
  EXPECT_TRUE(township.meets);
  FundProgress county = ProgressOn("2026-12-31");
  EXPECT_EQ(county.funds_fen, 120000) << "the 2025 fund is not in 2026's progress";
  EXPECT_EQ(county.allocated_fen, 30000);
  EXPECT_EQ(county.ratio, "0.1583");
  EXPECT_EQ(
      Progress(*store_, policy_, township_, RegionCode::FromInt(kCounty), 2026, {}).error().code,
      "E_NOT_FOUND");
}

TEST_F(FundTest, TheRuleIsThePolicyInForceForTheRegion) {
  auto layer =
      ParsePolicyText("[override.\"6204\"]\nfunds = { min_spending_ratio = 0.96 }\n", "gansu.toml");
  ASSERT_TRUE(layer.ok()) << layer.error().en;
  auto gansu = PolicySet::Build({*ParsePolicyText(NationalPolicyText(), "national.toml"), *layer});
  ASSERT_TRUE(gansu.ok()) << gansu.error().en;
  const int64_t fund = Fund("100.00");
  auto a = Give(county_, fund, "H1", "100.00");
  ASSERT_TRUE(a.ok());
  ASSERT_TRUE(Pay(a->id, "95.00", "2026-12-31").ok());
  EXPECT_TRUE(ProgressOn("2026-12-31").meets);
  auto p = Progress(*store_, *gansu, county_, RegionCode::FromInt(kCounty), 2026, {});
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->min_spending_ratio, "0.96");
  EXPECT_FALSE(p->meets);
}

TEST(FourDecimalsTest, TruncatesAndShowsNothingForNoFunds) {
  EXPECT_EQ(FourDecimals(2, 3), "0.6666");
  EXPECT_EQ(FourDecimals(5, 5), "1.0000");
  EXPECT_EQ(FourDecimals(0, 0), "0.0000");
  EXPECT_EQ(FourDecimals(INT64_MAX / 2, INT64_MAX), "0.4999");
}

}  // namespace
}  // namespace fupin
