// Funds reports: the table of a county by township summed by hand, each row equal to the
// progress of its region, the slow-spending alerts, the scope, the audit, and the workbook
// read back with its money as numbers.
#include "service/funds/fund_report.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <set>

#include "exchange/policy_file.h"
#include "service/accounts/audit_service.h"
#include "service/funds/fund_generator.h"
#include "service/funds/fund_service.h"
#include "service/imports/import_service.h"
#include "service/service_test_fixture.h"

namespace fupin {
namespace {

// A in village 620422101205 (township 甲镇), B in 620422102201 (township 乙镇).
const char* kHouseholdsCsv =
    "户编号,行政区划代码,户类型,贫困状态,识别年度,主要致贫原因,工资性收入,生产经营性收入,"
    "生产经营性支出,财产性收入,转移性收入,不愁吃,不愁穿,住房安全等级,饮水安全\n"
    "A,620422101205,建档立卡户,未脱贫,2016,缺技术,2000,0,0,0,0,是,是,A,是\n"
    "B,620422102201,建档立卡户,未脱贫,2016,缺技术,2000,0,0,0,0,是,是,A,是\n";
const char* kMembersCsv =
    "户编号,姓名,证件号码,与户主关系,在校生状况,健康状况,劳动能力,参加城乡居民基本医疗保险\n"
    "A,子,620422198001010019,户主,非在校生,健康,普通劳动力,是\n"
    "B,丑,620422198001010035,户主,非在校生,健康,普通劳动力,是\n";

constexpr int64_t kHuining = 620422000000;
constexpr int64_t kJia = 620422101000;
constexpr int64_t kYi = 620422102000;
constexpr int64_t kYiVillage = 620422102201;

Caller Someone(const std::string& name, Role role, int64_t region) {
  return Caller{User{name, role, RegionCode::FromInt(region), false}, "test"};
}

class FundReportTest : public ServiceTest {
 protected:
  FundReportTest()
      : ServiceTest({{kHuining, "会宁县"},
                     {kJia, "甲镇"},
                     {kYi, "乙镇"},
                     {620422103000, "丙镇"},
                     {620422101205, "甲村"},
                     {kYiVillage, "乙村"},
                     {620423000000, "景泰县"}}) {}

  void SetUp() override {
    ServiceTest::SetUp();
    if (HasFatalFailure()) return;
    setenv("FUPIN_NOW", "2027-01-05T10:00:00+08:00", 1);
    ImportOptions options;
    options.files = {Write("h.csv", kHouseholdsCsv), Write("m.csv", kMembersCsv)};
    auto imported = RunImport(*store_, options);
    ASSERT_TRUE(imported.ok()) << imported.error().en;
    ASSERT_TRUE(imported->errors.empty()) << imported->errors.front().en;
    auto policy = PolicySet::Build({*ParsePolicyText(NationalPolicyText(), "national.toml")});
    ASSERT_TRUE(policy.ok()) << policy.error().en;
    policy_ = std::move(*policy);
    // 本级: 100,000.00 中央 received by the county, 80,000.00 allocated, 74,000.00 paid by
    // 31 December (and 1,000.00 on 3 January). 甲镇: 20,000.00 省, all allocated, 18,000.00
    // paid (exactly 90%). 乙镇's village: 5,000.00 市, all allocated, 4,000.00 paid. A fund
    // of 2025 that no 2026 figure counts.
    const int64_t county = NewFund("中央", "中央财政专项扶贫资金", kHuining, "100000.00");
    const int64_t jia = NewFund("省", "统筹整合涉农资金", kJia, "20000.00");
    const int64_t village = NewFund("市", "东西部协作", kYiVillage, "5000.00");
    const int64_t old = NewFund("县", "中央财政专项扶贫资金", kHuining, "7777.00", 2025);
    Pay(Give(county, "B", "50000.00"), "45000.00", "2026-06-01");
    const int64_t to_a = Give(county, "A", "30000.00");
    Pay(to_a, "29000.00", "2026-12-31");
    Pay(to_a, "1000.00", "2027-01-03");
    Pay(Give(jia, "A", "20000.00"), "18000.00", "2026-11-30");
    Pay(Give(village, "B", "5000.00"), "4000.00", "2026-10-10");
    Pay(Give(old, "A", "7777.00"), "7777.00", "2026-03-01");
  }
  void TearDown() override {
    unsetenv("FUPIN_NOW");
    ServiceTest::TearDown();
  }

  int64_t NewFund(const char* level, const char* kind, int64_t region, const char* amount,
                  int year = 2026) {
    auto f =
        AddFund(*store_, county_, {level, kind, year, RegionCode::FromInt(region), amount, "文号"});
    EXPECT_TRUE(f.ok()) << (f.ok() ? "" : f.error().en);
    return f.ok() ? f->id : 0;
  }
  int64_t Give(int64_t fund, const char* household, const char* amount) {
    auto a = Allocate(*store_, county_, {fund, household, std::nullopt, amount});
    EXPECT_TRUE(a.ok()) << (a.ok() ? "" : a.error().en);
    return a.ok() ? a->id : 0;
  }
  void Pay(int64_t allocation, const char* amount, const char* date) {
    auto d = Disburse(*store_, county_, {allocation, amount, date, "记-01"});
    EXPECT_TRUE(d.ok()) << (d.ok() ? "" : d.error().en);
  }
  FundReport ReportOf(int64_t region, const Caller* by = nullptr) {
    auto r = BuildFundReport(*store_, policy_, by ? *by : county_, RegionCode::FromInt(region),
                             2026, *Date::Parse("2026-12-31"));
    EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().en);
    return r.ok() ? *r : FundReport{};
  }

  PolicySet policy_;
  const Caller county_ = Someone("county1", Role::kCountyAdmin, kHuining);
};

TEST_F(FundReportTest, TheCountyTableHasItsOwnFundsEachTownshipAndATotalSummedByHand) {
  const FundReport r = ReportOf(kHuining);
  EXPECT_EQ(r.region_name, "会宁县");
  EXPECT_EQ(r.as_of, "2026-12-31");
  ASSERT_EQ(r.kinds,
            (std::vector<std::string>{"东西部协作", "中央财政专项扶贫资金", "统筹整合涉农资金"}));
  ASSERT_EQ(r.rows.size(), 4u) << "本级, 甲镇, 乙镇, 丙镇";

  const FundReportRow& own = r.rows[0];
  EXPECT_TRUE(own.own);
  EXPECT_EQ(own.name, "会宁县（本级）");
  EXPECT_EQ(own.by_level, (std::array<int64_t, 4>{10000000, 0, 0, 0}));
  EXPECT_EQ(own.by_kind, (std::vector<int64_t>{0, 10000000, 0}));
  EXPECT_EQ(own.allocated_fen, 8000000);
  EXPECT_EQ(own.disbursed_fen, 7400000) << "the payment of 3 January is after the as-of date";
  EXPECT_EQ(own.ratio, "0.7400");
  EXPECT_EQ(own.allocation_ratio, "0.8000");
  EXPECT_FALSE(own.meets);
  EXPECT_EQ(own.shortfall_fen, 1600000) << "90,000.00 - 74,000.00";

  const FundReportRow& jia = r.rows[1];
  EXPECT_EQ(jia.region.value(), kJia);
  EXPECT_EQ(jia.name, "甲镇");
  EXPECT_EQ(jia.by_level, (std::array<int64_t, 4>{0, 2000000, 0, 0}));
  EXPECT_EQ(jia.ratio, "0.9000");
  EXPECT_TRUE(jia.meets) << "exactly the rule";
  EXPECT_EQ(jia.shortfall_fen, 0);

  const FundReportRow& yi = r.rows[2];
  EXPECT_EQ(yi.region.value(), kYi) << "the village's fund rolls up to its township";
  EXPECT_EQ(yi.by_kind, (std::vector<int64_t>{500000, 0, 0}));
  EXPECT_EQ(yi.disbursed_fen, 400000);
  EXPECT_EQ(yi.shortfall_fen, 50000);

  const FundReportRow& bing = r.rows[3];
  EXPECT_EQ(bing.name, "丙镇");
  EXPECT_EQ(bing.funds_fen, 0);
  EXPECT_EQ(bing.ratio, "0.0000");
  EXPECT_FALSE(bing.meets);

  EXPECT_TRUE(r.total.total);
  EXPECT_EQ(r.total.by_level, (std::array<int64_t, 4>{10000000, 2000000, 500000, 0}));
  EXPECT_EQ(r.total.funds_fen, 12500000) << "not the 2025 fund";
  EXPECT_EQ(r.total.allocated_fen, 10500000);
  EXPECT_EQ(r.total.disbursed_fen, 9600000);
  EXPECT_EQ(r.total.ratio, "0.7680");
  EXPECT_EQ(r.total.allocation_ratio, "0.8400");
  EXPECT_FALSE(r.total.meets);
}

TEST_F(FundReportTest, EveryRowIsTheProgressOfItsRegionOnAnyAsOfDate) {
  for (const char* as_of : {"2026-06-01", "2026-12-30", "2026-12-31", "2027-01-05"}) {
    auto r = BuildFundReport(*store_, policy_, county_, RegionCode::FromInt(kHuining), 2026,
                             *Date::Parse(as_of));
    ASSERT_TRUE(r.ok());
    std::vector<FundReportRow> rows = r->rows;
    rows.push_back(r->total);
    for (const FundReportRow& row : rows) {
      if (row.own) continue;  // the own row is the region less its children
      auto p = Progress(*store_, policy_, county_, row.region, 2026, *Date::Parse(as_of));
      ASSERT_TRUE(p.ok());
      EXPECT_EQ(row.funds_fen, p->funds_fen) << row.name << " " << as_of;
      EXPECT_EQ(row.allocated_fen, p->allocated_fen) << row.name << " " << as_of;
      EXPECT_EQ(row.disbursed_fen, p->disbursed_fen) << row.name << " " << as_of;
      EXPECT_EQ(row.meets, p->meets) << row.name << " " << as_of;
    }
  }
}

// The sums the progress reads (kept by triggers) against the ledger itself, line by line.
void ExpectProgressIsTheLedger(Store& store, const PolicySet& policy, const Caller& caller,
                               int64_t region, int year, const char* as_of) {
  const RegionCode code = RegionCode::FromInt(region);
  int64_t funds = 0, allocated = 0, disbursed = 0;
  std::set<int64_t> fund_ids, allocation_ids;
  auto fund_rows = store.funds().Funds(code, year);
  auto allocation_rows = store.funds().Allocations(RegionCode::Nation(), {});
  auto payments = store.funds().Disbursements(RegionCode::Nation(), {});
  ASSERT_TRUE(fund_rows.ok() && allocation_rows.ok() && payments.ok());
  for (const FundRow& f : *fund_rows) {
    funds += f.amount_fen;
    fund_ids.insert(f.id);
  }
  for (const AllocationRow& a : *allocation_rows) {
    if (!fund_ids.count(a.fund_id)) continue;
    allocated += a.amount_fen;
    allocation_ids.insert(a.id);
  }
  for (const DisbursementRow& d : *payments) {
    if (allocation_ids.count(d.allocation_id) && d.date <= as_of) disbursed += d.amount_fen;
  }
  auto p = Progress(store, policy, caller, code, year, *Date::Parse(as_of));
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->funds_fen, funds) << region << " " << as_of;
  EXPECT_EQ(p->allocated_fen, allocated) << region << " " << as_of;
  EXPECT_EQ(p->disbursed_fen, disbursed) << region << " " << as_of;
}

TEST_F(FundReportTest, TheProgressEqualsTheLedgerAddedUpLineByLine) {
  for (int64_t region : {kHuining, kJia, kYi, kYiVillage}) {
    for (const char* as_of : {"2026-10-10", "2026-12-31", "2027-01-05"}) {
      ExpectProgressIsTheLedger(*store_, policy_, county_, region, 2026, as_of);
    }
  }
}

TEST_F(FundReportTest, TheGeneratorMakesExactlyTheLinesAskedAndTheSumsFollowThem) {
  std::vector<RegionCode> villages = {RegionCode::FromInt(620422101205),
                                      RegionCode::FromInt(kYiVillage)};
  auto counts = GenerateFunds(*store_, {RegionCode::FromInt(kHuining), 2025, 500, 7}, villages);
  ASSERT_TRUE(counts.ok()) << counts.error().en;
  EXPECT_EQ(counts->funds + counts->allocations + counts->disbursements, 500);
  EXPECT_GT(counts->funds, 10);
  EXPECT_GT(counts->disbursements, counts->funds);
  for (int64_t region : {kHuining, kJia, kYi, kYiVillage}) {
    ExpectProgressIsTheLedger(*store_, policy_, county_, region, 2025, "2025-06-30");
    ExpectProgressIsTheLedger(*store_, policy_, county_, region, 2025, "2025-12-31");
  }
}

TEST_F(FundReportTest, TheAlertsAreTheRowsWithFundsBelowTheRule) {
  auto alerts = SlowSpending(*store_, policy_, county_, RegionCode::FromInt(kHuining), 2026,
                             *Date::Parse("2026-12-31"));
  ASSERT_TRUE(alerts.ok());
  ASSERT_EQ(alerts->size(), 2u) << "本级 and 乙镇; 甲镇 meets and 丙镇 has no funds";
  EXPECT_EQ((*alerts)[0].region.value(), kHuining);
  EXPECT_EQ((*alerts)[1].region.value(), kYi);
}

TEST_F(FundReportTest, TheRuleOfEachRowIsThePolicyInForceForItsRegion) {
  auto layer = ParsePolicyText("[override.\"620422101\"]\nfunds = { min_spending_ratio = 0.95 }\n",
                               "local.toml");
  ASSERT_TRUE(layer.ok()) << layer.error().en;
  auto local = PolicySet::Build({*ParsePolicyText(NationalPolicyText(), "national.toml"), *layer});
  ASSERT_TRUE(local.ok()) << local.error().en;
  auto r = BuildFundReport(*store_, *local, county_, RegionCode::FromInt(kHuining), 2026,
                           *Date::Parse("2026-12-31"));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->rows[1].min_spending_ratio, "0.95");
  EXPECT_FALSE(r->rows[1].meets) << "甲镇 at 90% misses its own 95%";
  EXPECT_EQ(r->rows[1].shortfall_fen, 100000);
  EXPECT_EQ(r->rows[2].min_spending_ratio, "0.9");
}

TEST_F(FundReportTest, ATownshipSeesItsVillagesAndNotTheCountyAndAnotherCountyNothing) {
  const Caller township = Someone("jia", Role::kTownshipOperator, kJia);
  const FundReport r = ReportOf(kJia, &township);
  ASSERT_EQ(r.rows.size(), 2u) << "甲镇（本级） and 甲村";
  EXPECT_TRUE(r.rows[0].own);
  EXPECT_EQ(r.rows[1].name, "甲村");
  EXPECT_EQ(r.total.funds_fen, 2000000);

  auto county = BuildFundReport(*store_, policy_, township, RegionCode::FromInt(kHuining), 2026,
                                std::nullopt);
  ASSERT_FALSE(county.ok());
  EXPECT_EQ(county.error().code, "E_NOT_FOUND");
  const Caller jingtai = Someone("jt", Role::kCountyAdmin, 620423000000);
  auto other = SlowSpending(*store_, policy_, jingtai, RegionCode::FromInt(kHuining), 2026, {});
  ASSERT_FALSE(other.ok());
  EXPECT_EQ(other.error().code, "E_NOT_FOUND");
  auto year = BuildFundReport(*store_, policy_, county_, RegionCode::FromInt(kHuining), 1999, {});
  ASSERT_FALSE(year.ok());
  EXPECT_EQ(year.error().code, "E_YEAR");
}

TEST_F(FundReportTest, AVillageHasOnlyItsOwnRow) {
  const FundReport r = ReportOf(kYiVillage);
  ASSERT_EQ(r.rows.size(), 1u);
  EXPECT_TRUE(r.rows[0].own);
  EXPECT_EQ(r.total.funds_fen, 500000);
}

TEST_F(FundReportTest, TheReportIsAuditedWithItsYearAndFormat) {
  auto r = FundReportFor(*store_, policy_, county_, RegionCode::FromInt(kHuining), 2026,
                         *Date::Parse("2026-12-31"), "xlsx");
  ASSERT_TRUE(r.ok());
  AuditQuery q;
  q.action_prefix = "fund.report";
  auto page = SearchAudit(*store_, CliCaller(), q);
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->total, 1);
  EXPECT_EQ(page->items[0].detail, "year 2026, as of 2026-12-31, xlsx");
}

std::vector<Record> ReadSheet(XlsxBook& book, const std::string& name) {
  auto sheet = book.Sheet(name);
  EXPECT_TRUE(sheet.ok()) << name;
  std::vector<Record> out;
  if (!sheet.ok()) return out;
  Record rec;
  while (true) {
    auto more = (*sheet)->Next(rec);
    EXPECT_TRUE(more.ok());
    if (!more.ok() || !*more) break;
    out.push_back(rec);
  }
  return out;
}

TEST_F(FundReportTest, TheWorkbookReadsBackWithItsMoneyAsNumbers) {
  const FundReport r = ReportOf(kHuining);
  const std::string path = dir_ + "/report.xlsx";
  {
    auto book = XlsxWriter::Create(path);
    ASSERT_TRUE(book.ok());
    ASSERT_TRUE(WriteFundReport(*store_, r, **book).ok());
    ASSERT_TRUE((*book)->Close().ok());
  }
  auto book = XlsxBook::Open(path);
  ASSERT_TRUE(book.ok()) << book.error().en;
  EXPECT_EQ((*book)->SheetNames(),
            (std::vector<std::string>{"资金进度表", "资金明细", "支出滞后预警", "说明"}));

  const auto table = ReadSheet(**book, "资金进度表");
  ASSERT_EQ(table.size(), 6u) << "header, 4 rows, total";
  EXPECT_EQ(table[0].cells[2], "中央级资金");
  EXPECT_EQ(table[0].cells[6], "东西部协作");
  EXPECT_EQ(table[0].cells[9], "资金总额");
  const Record& own = table[1];
  EXPECT_EQ(own.cells[0], "620422000000");
  EXPECT_EQ(own.kind(0), CellKind::kText);
  EXPECT_EQ(own.cells[2], "100000");
  EXPECT_EQ(own.kind(2), CellKind::kNumber);
  EXPECT_EQ(own.cells[11], "74000");
  EXPECT_EQ(own.kind(11), CellKind::kNumber);
  EXPECT_EQ(own.cells[12], "0.7400");
  EXPECT_EQ(own.cells[15], "否");
  EXPECT_EQ(own.cells[16], "16000");
  const Record& total = table[5];
  EXPECT_EQ(total.cells[0], "合计");
  EXPECT_EQ(total.cells[9], "125000");
  EXPECT_EQ(total.cells[10], "105000");
  EXPECT_EQ(total.cells[11], "96000");

  const auto funds = ReadSheet(**book, "资金明细");
  ASSERT_EQ(funds.size(), 4u) << "header and the three funds of 2026";
  EXPECT_EQ(funds[1].cells[1], "中央");
  EXPECT_EQ(funds[1].cells[5], "100000");
  EXPECT_EQ(funds[1].cells[7], "74000");
  EXPECT_EQ(funds[1].cells[8], "20000");
  EXPECT_EQ(funds[1].kind(8), CellKind::kNumber);
  EXPECT_EQ(funds[3].cells[2], "东西部协作");

  const auto alerts = ReadSheet(**book, "支出滞后预警");
  ASSERT_EQ(alerts.size(), 3u);
  EXPECT_EQ(alerts[2].cells[1], "乙镇");
  EXPECT_EQ(alerts[2].cells[6], "500");
}

}  // namespace
}  // namespace fupin
