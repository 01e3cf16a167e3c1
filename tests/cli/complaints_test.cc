// `fupin complaints …` (12317 complaints, docs/complaints.md): filing, the due date, the
// escalation on day 16 with FUPIN_NOW moved (never slept), the answer and the
// confirmation, the statistics, and exit 2 for refusals. Each test runs the real `fupin`
// binary against its own copy of the register of tests/data/compare/.
#include <filesystem>
#include <string>
#include <vector>

#include "fupin_process.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"

namespace fupin::testing {
namespace {

using nlohmann::json;

const std::filesystem::path& RegisterDb() { return CompareRegisterDb("fupin_complaints_test"); }

class ComplaintsCliTest : public TempDirTest {
 protected:
  ComplaintsCliTest() : TempDirTest("fupin_complaints_test") {}
  void SetUp() override {
    TempDirTest::SetUp();
    if (HasFatalFailure()) return;
    db_ = Path("fupin.db");
    CopyDatabase(RegisterDb(), db_);
  }
  // `fupin` on the day `today` (10:00 in China).
  RunResult Fupin(std::vector<std::string> args, const std::string& today = "2026-06-01") {
    args.insert(args.begin(), {"--db", db_, "--lang", "en"});
    return RunFupin(args, {"FUPIN_NOW=" + today + "T10:00:00+08:00"});
  }
  json Json(std::vector<std::string> args, const std::string& today = "2026-06-01") {
    args.push_back("--json");
    RunResult r = Fupin(args, today);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return json::parse(r.out, nullptr, false);
  }
  json Add(const std::string& region = "620422102201") {
    return Json({"complaints", "add", "--channel", "phone", "--region", region, "--subject", "低保",
                 "--text", "评定不公开", "--name", "王小明", "--phone", "13812345678"});
  }
  std::string db_;
};

TEST_F(ComplaintsCliTest, AComplaintIsFiledDueIn15DaysAndShownWithThePhoneMasked) {
  json filed = Add();
  EXPECT_EQ(filed["due_on"], "2026-06-16");
  EXPECT_EQ(filed["state"], "open");
  EXPECT_EQ(filed["level"], "village");
  EXPECT_EQ(filed["region"], "620422102201");
  EXPECT_EQ(filed["overdue"], false);
  const std::string id = std::to_string(filed["id"].get<int64_t>());
  json shown = Json({"complaints", "show", id});
  EXPECT_EQ(shown["phone"], "138****5678") << "the CLI is no complaint's handler";
  EXPECT_EQ(shown["subject"], "低保");
}

TEST_F(ComplaintsCliTest, OnDay16AnOpenComplaintIsOverdueAndEscalatedToTheTownship) {
  const std::string id = std::to_string(Add()["id"].get<int64_t>());
  json day15 = Json({"complaints", "show", id}, "2026-06-16");
  EXPECT_EQ(day15["level"], "village");
  EXPECT_EQ(day15["overdue"], false);
  json day16 = Json({"complaints", "show", id}, "2026-06-17");
  EXPECT_EQ(day16["level"], "township");
  EXPECT_EQ(day16["handled_by"], "620422102000");
  EXPECT_EQ(day16["overdue"], true);
  json overdue = Json({"complaints", "list", "--overdue"}, "2026-06-17");
  EXPECT_EQ(overdue["total"], 1);
  json escalate = Json({"complaints", "escalate"}, "2026-06-18");
  EXPECT_EQ(escalate["escalated"], 0) << "escalated once only";
}

TEST_F(ComplaintsCliTest, AnAnswerAndAConfirmationAreCountedInTheStatistics) {
  const std::string id = std::to_string(Add()["id"].get<int64_t>());
  RunResult early = Fupin({"complaints", "confirm", id, "--satisfied"});
  EXPECT_EQ(early.exit_code, 2);
  EXPECT_NE(early.err.find("E_COMPLAINT_STATE"), std::string::npos) << early.err;
  json answered =
      Json({"complaints", "answer", id, "--answer", "已公示", "--evidence", "照片"}, "2026-06-10");
  EXPECT_EQ(answered["state"], "answered");
  EXPECT_EQ(answered["answered_by"], "cli");
  json confirmed = Json({"complaints", "confirm", id, "--unsatisfied"}, "2026-06-11");
  EXPECT_EQ(confirmed["state"], "confirmed");
  EXPECT_EQ(confirmed["satisfied"], false);
  json stats = Json({"complaints", "stats", "--region", "620422"}, "2026-06-20");
  EXPECT_EQ(stats["all"]["total"], 1);
  EXPECT_EQ(stats["all"]["answered_on_time"], 1);
  EXPECT_EQ(stats["all"]["unsatisfied"], 1);
  EXPECT_EQ(stats["by_subject"][0]["subject"], "低保");
}

TEST_F(ComplaintsCliTest, RefusalsExitWith2AndWriteNothing) {
  RunResult bad = Fupin({"complaints", "add", "--channel", "fax", "--region", "620422102201",
                         "--subject", "s", "--text", "t", "--name", "n", "--phone", "13812345678"});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("E_VALIDATION"), std::string::npos) << bad.err;
  RunResult phone = Fupin({"complaints", "add", "--channel", "web", "--region", "620422102201",
                           "--subject", "s", "--text", "t", "--name", "n", "--phone", "12345"});
  EXPECT_EQ(phone.exit_code, 2);
  EXPECT_NE(phone.err.find("E_PHONE"), std::string::npos) << phone.err;
  RunResult unknown =
      Fupin({"complaints", "add", "--channel", "web", "--region", "620422109999", "--subject", "s",
             "--text", "t", "--name", "n", "--phone", "13812345678"});
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_NE(unknown.err.find("E_NOT_FOUND"), std::string::npos) << unknown.err;
  RunResult missing = Fupin({"complaints", "show", "99"});
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_EQ(Json({"complaints", "list"})["total"], 0);
}

TEST_F(ComplaintsCliTest, PolicyShowPrintsTheAnswerLimit) {
  RunResult r = Fupin({"policy", "show", "--year", "2026"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("complaints.answer_days = 15\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("complaints.answer_working_days = false\n"), std::string::npos) << r.out;
}

}  // namespace
}  // namespace fupin::testing
