// `fupin loans …` (扶贫小额信贷, spec/funds.md): the microcredit ledger from the command line
// on a copy of the register of tests/data/compare/ (C01 建档立卡户 with 张大 born 1975 and
// 张病 born 1950; C02 边缘易致贫户 监测中 with 李四 born 1980; C04 已剔除): a loan granted,
// a refusal naming its criteria with exit 2, repayment, 展期, the subsidy of a year, the
// overdue list and a compensation, every write audited as cli.
#include <string>
#include <vector>

#include "fupin_process.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"

namespace fupin::testing {
namespace {

using nlohmann::json;

class LoansCliTest : public TempDirTest {
 protected:
  LoansCliTest() : TempDirTest("fupin_loans_test") {}
  void SetUp() override {
    TempDirTest::SetUp();
    if (HasFatalFailure()) return;
    db_ = Path("fupin.db");
    CopyDatabase(CompareRegisterDb("fupin_loans_test"), db_);
  }
  // Runs fupin on the copy with the clock at `now` (a day of 2026 by default).
  RunResult Fupin(std::vector<std::string> args, const std::string& now = "2026-06-30") {
    args.insert(args.begin(), {"--db", db_, "--lang", "en"});
    return RunFupin(args, {"FUPIN_NOW=" + now + "T10:00:00+08:00"});
  }
  json Json(std::vector<std::string> args, const std::string& now = "2026-06-30") {
    args.push_back("--json");
    RunResult r = Fupin(args, now);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return json::parse(r.out, nullptr, false);
  }
  // 20,000 yuan to 张大 of C01 for 12 months from 2025-03-01 at 3.1% (the 1-year LPR of
  // 2024-10-21), for 养殖.
  std::vector<std::string> Add(const std::string& household = "C01",
                               const std::string& borrower = "620422197501010117") {
    return {"loans",    "add",          "--household", household, "--borrower", borrower,
            "--amount", "20000",        "--term",      "12",      "--start",    "2025-03-01",
            "--bank",   "会宁农商银行", "--rate",      "0.031",   "--purpose",  "02"};
  }
  std::string db_;
};

TEST_F(LoansCliTest, ALoanIsGrantedShownAndListed) {
  json loan = Json(Add());
  ASSERT_TRUE(loan.is_object());
  EXPECT_EQ(loan["amount"], "20000.00");
  EXPECT_EQ(loan["due_date"], "2026-03-01");
  EXPECT_EQ(loan["borrower_name"], "张大");
  EXPECT_EQ(loan["purpose_label"], "养殖");
  const std::string id = std::to_string(loan["id"].get<int64_t>());
  EXPECT_EQ(Json({"loans", "show", id})["repayments"].size(), 0u);
  json list = Json({"loans", "list", "--region", "620422"});
  EXPECT_EQ(list["total"], 1);
  RunResult text = Fupin({"loans", "list"});
  EXPECT_EQ(text.exit_code, 0) << text.err;
  EXPECT_NE(text.out.find("C01"), std::string::npos) << text.out;
}

TEST_F(LoansCliTest, ARefusedLoanExits2NamingEveryFailingCriterionAndWritesNothing) {
  std::vector<std::string> args = Add("C04", "620422197008080357");  // 已剔除
  args[7] = "60000";                                                 // --amount
  RunResult r = Fupin(args);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("E_CONDITIONS"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("amount:"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("household:"), std::string::npos) << r.err;
  RunResult old = Fupin(Add("C01", "620422195002020311"));  // 张病, 75 on the start date
  EXPECT_EQ(old.exit_code, 2);
  EXPECT_NE(old.err.find("borrower_age:"), std::string::npos) << old.err;
  EXPECT_EQ(Json({"loans", "list"})["total"], 0);
}

TEST_F(LoansCliTest, RepaymentExtensionSubsidyOverdueAndCompensationAreAuditedAsCli) {
  const std::string id = std::to_string(Json(Add(), "2025-03-01")["id"].get<int64_t>());
  json repaid = Json({"loans", "repay", id, "--date", "2025-09-01", "--principal", "10000",
                      "--interest", "312.00"},
                     "2025-09-01");
  EXPECT_EQ(repaid["outstanding"], "10000.00");
  json extended =
      Json({"loans", "extend", id, "--months", "3", "--reason", "旱灾减产"}, "2026-02-20");
  EXPECT_EQ(extended["due_date"], "2026-06-01");
  // 2025: 2,000,000 fen × 184 days (03-01 → 09-01) + 1,000,000 × 122 days (09-01 → 01-01)
  // = 490,000,000 fen·days × 0.031 / 360 = 42,194.44 fen → 421.94, subsidised whole (2016
  // entry: 1.0).
  json subsidy = Json({"loans", "subsidy", id, "--year", "2025"});
  EXPECT_EQ(subsidy["interest"], "421.94");
  EXPECT_EQ(subsidy["subsidy"], "421.94");
  // Due 2026-06-01: 29 days overdue on 2026-06-30, 90 on 2026-08-30.
  json overdue = Json({"loans", "overdue", "--region", "620422"});
  ASSERT_EQ(overdue["items"].size(), 1u);
  EXPECT_EQ(overdue["items"][0]["days_overdue"], 29);
  RunResult early = Fupin({"loans", "compensate", id});
  EXPECT_EQ(early.exit_code, 2);
  EXPECT_NE(early.err.find("E_OVERDUE_DAYS"), std::string::npos) << early.err;
  json paid = Json({"loans", "compensate", id}, "2026-08-30");
  EXPECT_EQ(paid["compensation"]["fund"], "8000.00");
  EXPECT_EQ(paid["compensation"]["bank"], "2000.00");
  json audit = Json({"audit", "list", "--action", "loan."});
  std::vector<std::string> got;
  for (const auto& r : audit["items"])
    got.push_back(r["actor"].get<std::string>() + " " + r["action"].get<std::string>());
  EXPECT_EQ(got, (std::vector<std::string>{"cli loan.compensate", "cli loan.extend",
                                           "cli loan.repay", "cli loan.add"}));
}

}  // namespace
}  // namespace fupin::testing
