// `fupin funds …` (issue 14, spec/funds.md): the funds ledger from the command line on a
// copy of the register of tests/data/compare/ (C01 in village 620422102201, C03 in
// 620422101205): a fund spent to 89% and 91% at year end, the two limits refused with exit
// 2 and nothing written, a payment after the as-of date not counted, writes audited as cli.
#include <filesystem>
#include <string>
#include <vector>

#include "fupin_process.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"

namespace fupin::testing {
namespace {

using nlohmann::json;

class FundsCliTest : public TempDirTest {
 protected:
  FundsCliTest() : TempDirTest("fupin_funds_test") {}
  void SetUp() override {
    TempDirTest::SetUp();
    if (HasFatalFailure()) return;
    db_ = Path("fupin.db");
    CopyDatabase(CompareRegisterDb("fupin_funds_test"), db_);
  }
  // Runs fupin on the copy with the clock at 5 January 2027.
  RunResult Fupin(std::vector<std::string> args) {
    args.insert(args.begin(), {"--db", db_, "--lang", "en"});
    return RunFupin(args, {"FUPIN_NOW=2027-01-05T10:00:00+08:00"});
  }
  json Json(std::vector<std::string> args) {
    args.push_back("--json");
    RunResult r = Fupin(args);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return json::parse(r.out, nullptr, false);
  }
  int64_t AddFund(const std::string& amount) {
    json f = Json({"funds", "add", "--level", "中央", "--kind", "中央财政专项扶贫资金", "--year",
                   "2026", "--region", "620422", "--amount", amount, "--name", "第一批"});
    return f.is_object() ? f["id"].get<int64_t>() : 0;
  }
  int64_t Allocate(int64_t fund, const std::string& household, const std::string& amount) {
    json a = Json({"funds", "allocate", "--fund", std::to_string(fund), "--household", household,
                   "--amount", amount});
    return a.is_object() ? a["id"].get<int64_t>() : 0;
  }
  RunResult Pay(int64_t allocation, const std::string& amount, const std::string& date) {
    return Fupin({"funds", "disburse", "--allocation", std::to_string(allocation), "--amount",
                  amount, "--date", date, "--voucher", "记-" + date});
  }
  json Progress(const std::string& as_of) {
    return Json({"funds", "progress", "--region", "620422", "--year", "2026", "--as-of", as_of});
  }
  std::string db_;
};

TEST_F(FundsCliTest, AFundSpentTo89PercentAtYearEndMissesTheRuleAnd91PercentMeetsIt) {
  const int64_t fund = AddFund("100000.00");
  const int64_t allocation = Allocate(fund, "C01", "100000.00");
  ASSERT_EQ(Pay(allocation, "89000.00", "2026-12-20").exit_code, 0);
  json p = Progress("2026-12-31");
  EXPECT_EQ(p["funds"], "100000.00");
  EXPECT_EQ(p["disbursed"], "89000.00");
  EXPECT_EQ(p["ratio"], "0.8900");
  EXPECT_EQ(p["allocation_ratio"], "1.0000");
  EXPECT_EQ(p["meets"], false);
  ASSERT_EQ(Pay(allocation, "2000.00", "2026-12-31").exit_code, 0);
  p = Progress("2026-12-31");
  EXPECT_EQ(p["ratio"], "0.9100");
  EXPECT_EQ(p["meets"], true);
  RunResult text = Fupin({"funds", "progress", "--region", "620422", "--year", "2026"});
  EXPECT_EQ(text.exit_code, 0) << text.err;
  EXPECT_NE(text.out.find("meets the required ratio 0.9"), std::string::npos) << text.out;
}

TEST_F(FundsCliTest, AnOverAllocationExits2WithItsCodeAndWritesNothing) {
  const int64_t fund = AddFund("1000.00");
  ASSERT_GT(Allocate(fund, "C01", "600.00"), 0);
  RunResult over = Fupin({"funds", "allocate", "--fund", std::to_string(fund), "--household", "C03",
                          "--amount", "400.01"});
  EXPECT_EQ(over.exit_code, 2);
  EXPECT_NE(over.err.find("E_OVER_FUND"), std::string::npos) << over.err;
  EXPECT_EQ(Json({"funds", "list", "--allocations", "--region", "620422"}).size(), 1u);
}

TEST_F(FundsCliTest, AnOverDisbursementExits2WithItsCodeAndWritesNothing) {
  const int64_t allocation = Allocate(AddFund("1000.00"), "C03", "500.00");
  ASSERT_EQ(Pay(allocation, "500.00", "2026-03-01").exit_code, 0);
  RunResult over = Pay(allocation, "0.01", "2026-03-02");
  EXPECT_EQ(over.exit_code, 2);
  EXPECT_NE(over.err.find("E_OVER_ALLOCATION"), std::string::npos) << over.err;
  EXPECT_EQ(Json({"funds", "list", "--disbursements"}).size(), 1u);
}

TEST_F(FundsCliTest, APaymentAfterTheAsOfDateIsNotCounted) {
  const int64_t allocation = Allocate(AddFund("1000.00"), "C01", "1000.00");
  ASSERT_EQ(Pay(allocation, "950.00", "2027-01-02").exit_code, 0);
  EXPECT_EQ(Progress("2026-12-31")["disbursed"], "0.00");
  EXPECT_EQ(Progress("2027-01-02")["disbursed"], "950.00");
}

TEST_F(FundsCliTest, AProjectAllocationIsRefusedAsNoSuchProject) {
  const int64_t fund = AddFund("1000.00");
  RunResult r = Fupin(
      {"funds", "allocate", "--fund", std::to_string(fund), "--project", "3", "--amount", "1.00"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("no such project"), std::string::npos) << r.err;
}

TEST_F(FundsCliTest, TheListShowsWhatWasAllocatedAndEveryWriteIsAuditedAsCli) {
  const int64_t fund = AddFund("1000.00");
  const int64_t allocation = Allocate(fund, "C01", "300.00");
  ASSERT_EQ(Pay(allocation, "100.00", "2026-06-01").exit_code, 0);
  json funds = Json({"funds", "list", "--region", "620422", "--year", "2026"});
  ASSERT_EQ(funds.size(), 1u);
  EXPECT_EQ(funds[0]["allocated"], "300.00");
  EXPECT_EQ(funds[0]["disbursed"], "100.00");
  EXPECT_EQ(funds[0]["left"], "700.00");
  json audit = Json({"audit", "list", "--action", "fund."});
  std::vector<std::string> got;
  for (const auto& r : audit["items"])
    got.push_back(r["actor"].get<std::string>() + " " + r["action"].get<std::string>());
  EXPECT_EQ(got,
            (std::vector<std::string>{"cli fund.disburse", "cli fund.allocate", "cli fund.add"}));
}

}  // namespace
}  // namespace fupin::testing
