// `fupin helpers …` (issue 11): helpers as people, and the annual re-assignment as a loop
// export → edit → import that is all-or-nothing and changes nothing when nothing changed.
// Each test runs the real `fupin` binary against its own copy of the register of
// tests/data/compare/ (C01, C03, C05 need a helper; C04 is 已剔除).
#include <filesystem>
#include <string>
#include <vector>

#include "fupin_process.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"

namespace fupin::testing {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

const fs::path kData = fs::path(FUPIN_TESTDATA_DIR);

const fs::path& RegisterDb() { return CompareRegisterDb("fupin_helpers_test"); }

const char* kHeader = "户编号,帮扶责任人,工作单位,联系电话\n";

class HelpersCliTest : public TempDirTest {
 protected:
  HelpersCliTest() : TempDirTest("fupin_helpers_test") {}
  void SetUp() override {
    TempDirTest::SetUp();
    if (HasFatalFailure()) return;
    db_ = Path("fupin.db");
    CopyDatabase(RegisterDb(), db_);
  }
  RunResult Fupin(std::vector<std::string> args) {
    args.insert(args.begin(), {"--db", db_});
    return RunFupin(args);
  }
  json Json(std::vector<std::string> args) {
    args.push_back("--json");
    RunResult r = Fupin(args);
    EXPECT_TRUE(r.exit_code == 0 || r.exit_code == 2) << r.err;
    return json::parse(r.out, nullptr, false);
  }
  std::string File(const std::string& name, const std::string& text) {
    WriteFile(dir_ / name, text);
    return Path(name);
  }
  std::string db_;
};

TEST_F(HelpersCliTest, AnImportWithBadRowsReportsEachOfThemAndWritesNothing) {
  const std::string file = File("bad.csv", std::string(kHeader) +
                                               "C01,王帮扶,县农业农村局,13900001111\n"
                                               "C99,李帮扶,县财政局,13900002222\n"
                                               "C03,赵帮扶,县财政局,12345\n"
                                               "C05,,县财政局,13900003333\n");
  RunResult r = Fupin({"--lang", "en", "helpers", "import", file, "--json"});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  json report = json::parse(r.out);
  EXPECT_EQ(report["written"], false);
  std::vector<std::string> got;
  for (const auto& e : report["errors"]) {
    EXPECT_EQ(e["file"], "bad.csv");
    got.push_back(std::to_string(e["line"].get<int>()) + " " + e["column"].get<std::string>() +
                  " " + e["code"].get<std::string>());
  }
  EXPECT_EQ(got, (std::vector<std::string>{"3 户编号 E_NOT_FOUND", "4 联系电话 E_PHONE",
                                           "5 帮扶责任人 E_REQUIRED"}));
  EXPECT_EQ(Json({"helpers", "list"}).size(), 0u) << "nothing was written";
}

TEST_F(HelpersCliTest, ADryRunCountsWhatItWouldDoAndWritesNothing) {
  const std::string file =
      File("a.csv", std::string(kHeader) + "C01,王帮扶,县农业农村局,13900001111\n");
  json report = Json({"helpers", "import", file, "--dry-run"});
  EXPECT_EQ(report["assignments_begun"], 1);
  EXPECT_EQ(report["written"], false);
  EXPECT_EQ(Json({"helpers", "list"}).size(), 0u);
}

TEST_F(HelpersCliTest, ExportThenImportChangesNothingAndAnEditedFileReplacesTheAssignments) {
  const std::string first = File("first.csv", std::string(kHeader) +
                                                  "C01,王帮扶,县农业农村局,139 0000 1111\n"
                                                  "C01,李帮扶,县财政局,0931-8123456\n"
                                                  "C03,王帮扶,县农业农村局,13900001111\n");
  json report = Json({"helpers", "import", first});
  EXPECT_EQ(report["helpers_created"], 2) << "王帮扶 is one person (name and phone)";
  EXPECT_EQ(report["assignments_begun"], 3);
  EXPECT_EQ(report["written"], true);

  for (const char* name : {"out.csv", "out.xlsx"}) {
    RunResult exported = Fupin({"helpers", "export", "--region", "620422", "--out", Path(name)});
    ASSERT_EQ(exported.exit_code, 0) << exported.err;
    json again = Json({"helpers", "import", Path(name)});
    EXPECT_EQ(again["errors"].size(), 0u) << again.dump();
    EXPECT_EQ(again["helpers_created"], 0) << name;
    EXPECT_EQ(again["assignments_begun"], 0) << name;
    EXPECT_EQ(again["assignments_ended"], 0) << name;
  }
  // The export lists every assignment and the household still without a helper (C05).
  const std::string text = ReadFile(Path("out.csv"));
  EXPECT_NE(text.find("C01,李帮扶,县财政局,0931-8123456"), std::string::npos) << text;
  EXPECT_NE(text.find("C05,,,"), std::string::npos) << text;
  EXPECT_EQ(text.find("C04"), std::string::npos) << "a removed household needs no helper";

  // The clerk's edit: C01 gets a new helper alone; C03 is not in the file and stays.
  const std::string edited =
      File("edited.csv", std::string(kHeader) + "C01,周帮扶,乡政府,13900004444\n");
  report = Json({"helpers", "import", edited});
  EXPECT_EQ(report["assignments_ended"], 2);
  EXPECT_EQ(report["assignments_begun"], 1);
  RunResult exported = Fupin({"helpers", "export", "--region", "620422", "--out", Path("b.csv")});
  ASSERT_EQ(exported.exit_code, 0) << exported.err;
  const std::string after = ReadFile(Path("b.csv"));
  EXPECT_NE(after.find("C01,周帮扶"), std::string::npos) << after;
  EXPECT_EQ(after.find("C01,王帮扶"), std::string::npos) << after;
  EXPECT_NE(after.find("C03,王帮扶"), std::string::npos) << after;
}

TEST_F(HelpersCliTest, AddAssignAndUnassignAHelperByItsNumber) {
  json added = Json({"helpers", "add", "--name", "王帮扶", "--unit", "县农业农村局", "--phone",
                     "13900001111", "--region", "620422102201"});
  const std::string id = std::to_string(added["id"].get<int64_t>());
  EXPECT_EQ(Fupin({"helpers", "assign", id, "C01", "C05"}).exit_code, 0);
  EXPECT_EQ(Fupin({"helpers", "unassign", id, "C05"}).exit_code, 0);
  RunResult unknown = Fupin({"helpers", "assign", id, "C99"});
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_NE(unknown.err.find("E_NOT_FOUND"), std::string::npos) << unknown.err;
  RunResult bad_phone =
      Fupin({"helpers", "add", "--name", "李", "--phone", "12345", "--region", "620422102201"});
  EXPECT_EQ(bad_phone.exit_code, 2);
  EXPECT_NE(bad_phone.err.find("E_PHONE"), std::string::npos) << bad_phone.err;
  RunResult exported = Fupin({"helpers", "export", "--region", "620422", "--out", Path("o.csv")});
  ASSERT_EQ(exported.exit_code, 0) << exported.err;
  const std::string text = ReadFile(Path("o.csv"));
  EXPECT_NE(text.find("C01,王帮扶"), std::string::npos) << text;
  EXPECT_EQ(text.find("C05,王帮扶"), std::string::npos) << text;
}

TEST_F(HelpersCliTest, UserAssignStillGivesAHelperAccountItsHouseholds) {
  RunResult add = RunFupinWithInput({"--db", db_, "user", "add", "helper1", "--role", "helper",
                                     "--region", "620422102201", "--password-stdin"},
                                    "Helper-2026-pass\n");
  ASSERT_EQ(add.exit_code, 0) << add.err;
  RunResult assign = Fupin({"user", "assign", "helper1", "C01"});
  ASSERT_EQ(assign.exit_code, 0) << assign.err;
  json list = Json({"helpers", "list"});
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(list[0]["username"], "helper1");
  EXPECT_EQ(list[0]["region_code"], "620422102201");
  EXPECT_EQ(Fupin({"user", "unassign", "helper1", "C01"}).exit_code, 0);
}

}  // namespace
}  // namespace fupin::testing
