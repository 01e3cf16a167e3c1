// `fupin projects …` (issue 14, docs/projects.md): the project library from the command line
// on a copy of the register of tests/data/compare/. A county's own project goes from its
// proposal to its assets, the clock moved with FUPIN_NOW; the CLI's own account may not
// approve what it proposed (E_SEPARATION, exit 2), a county office does it with --as; a
// notice closed early and a project without targets exit 2 with their codes; writes are
// audited; the projects table and the counts by stage.
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "fupin_process.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"

namespace fupin::testing {
namespace {

using nlohmann::json;

const char* kProject = R"({
  "name": "县级产业园冷链仓储", "category": "产业发展", "nature": "新建", "region": "620422",
  "year": 2026, "start_on": "2026-04-01", "end_on": "2026-09-30", "unit": "县农业农村局",
  "person": "赵某", "tasks": "新建冷库 2000 立方米", "budget": {"central": "800000", "county": "200000"},
  "beneficiaries": {"households": 300, "people": 1100, "poor_households": 120, "poor_people": 430},
  "performance_targets": [{"indicator": "带动脱贫户务工", "target": "≥50人"}],
  "poverty_linkage": "吸纳脱贫劳动力务工，收益的 30% 用于村级公益岗位"
})";

class ProjectsCliTest : public TempDirTest {
 protected:
  ProjectsCliTest() : TempDirTest("fupin_projects_test") {}
  void SetUp() override {
    TempDirTest::SetUp();
    if (HasFatalFailure()) return;
    db_ = Path("fupin.db");
    CopyDatabase(CompareRegisterDb("fupin_projects_test"), db_);
    RunResult add = RunFupinWithInput({"--db", db_, "user", "add", "county2", "--role",
                                       "county_admin", "--region", "620422", "--password-stdin"},
                                      "a-Long-passw0rd\n");
    ASSERT_EQ(add.exit_code, 0) << add.err;
  }
  RunResult Fupin(std::vector<std::string> args, const std::string& day = "2026-03-02") {
    args.insert(args.begin(), {"--db", db_, "--lang", "en"});
    return RunFupin(args, {"FUPIN_NOW=" + day + "T10:00:00+08:00"});
  }
  json Json(std::vector<std::string> args, const std::string& day = "2026-03-02") {
    args.push_back("--json");
    RunResult r = Fupin(args, day);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return json::parse(r.out, nullptr, false);
  }
  int64_t Propose(const std::string& text) {
    const std::string file = Path("project.json");
    std::ofstream(file) << text;
    json p = Json({"projects", "add", "--file", file});
    return p.is_object() ? p["id"].get<int64_t>() : 0;
  }
  std::string Stage(std::vector<std::string> args, const std::string& day = "2026-03-02") {
    json p = Json(args, day);
    return p.is_object() ? p["stage"].get<std::string>() : "";
  }
  std::string db_;
};

TEST_F(ProjectsCliTest, ACountysProjectGoesFromProposalToAssetsWithAnotherAccountApproving) {
  const int64_t id = Propose(kProject);
  ASSERT_GT(id, 0);
  const std::string n = std::to_string(id);
  RunResult self = Fupin({"projects", "advance", n});
  EXPECT_EQ(self.exit_code, 2);
  EXPECT_NE(self.err.find("E_SEPARATION"), std::string::npos) << self.err;
  EXPECT_EQ(Stage({"projects", "advance", n, "--as", "county2", "--comment", "同意入库"}), "plan");
  EXPECT_EQ(Stage({"projects", "advance", n, "--as", "county2"}), "start_notice");
  RunResult early = Fupin({"projects", "advance", n}, "2026-03-11");
  EXPECT_EQ(early.exit_code, 2);
  EXPECT_NE(early.err.find("E_NOTICE_OPEN"), std::string::npos) << early.err;
  EXPECT_NE(early.err.find("2026-03-12"), std::string::npos) << early.err;
  EXPECT_EQ(Stage({"projects", "advance", n}, "2026-03-12"), "implement");
  EXPECT_EQ(Json({"projects", "progress", n, "--percent", "100", "--note", "完工"},
                 "2026-03-20")["progress"]
                .size(),
            1u);
  EXPECT_EQ(Stage({"projects", "advance", n}, "2026-03-20"), "accept");
  EXPECT_EQ(Stage({"projects", "accept", n, "--result", "合格"}, "2026-03-20"),
            "completion_notice");
  json asset = Json({"projects", "asset", n, "--kind", "经营性", "--name", "冷库", "--value",
                     "1000000", "--owner", "县农业农村局", "--keeper", "产业园管委会"},
                    "2026-03-20");
  ASSERT_TRUE(asset.is_object());
  EXPECT_EQ(asset["assets"][0]["value"], "1000000.00");
  EXPECT_EQ(Stage({"projects", "advance", n}, "2026-03-30"), "assets");
  EXPECT_EQ(Stage({"projects", "advance", n}, "2026-03-30"), "done");

  json done = Json({"projects", "list", "--stage", "done", "--region", "620422"});
  EXPECT_EQ(done["total"], 1);
  RunResult show = Fupin({"projects", "show", n});
  EXPECT_EQ(show.exit_code, 0) << show.err;
  EXPECT_NE(show.out.find("approve\tadvance\tcounty2"), std::string::npos) << show.out;
  json audit = Json({"audit", "list", "--action", "project."});
  std::vector<std::string> got;
  for (const auto& r : audit["items"]) {
    got.push_back(r["actor"].get<std::string>() + " " + r["action"].get<std::string>());
  }
  ASSERT_EQ(got.size(), 10u) << audit.dump();
  EXPECT_EQ(got.back(), "cli project.propose");
  EXPECT_EQ(got[got.size() - 2], "county2 project.approve");
  EXPECT_EQ(got.front(), "cli project.done");
}

TEST_F(ProjectsCliTest, AProjectWithoutTargetsDoesNotEnterTheLibraryAndRefusalsExit2) {
  json bare = json::parse(kProject);
  bare["performance_targets"] = json::array();
  const int64_t id = Propose(bare.dump());
  ASSERT_GT(id, 0);
  RunResult refused = Fupin({"projects", "advance", std::to_string(id), "--as", "county2"});
  EXPECT_EQ(refused.exit_code, 2);
  EXPECT_NE(refused.err.find("E_CONDITIONS"), std::string::npos) << refused.err;
  EXPECT_NE(refused.err.find("performance_targets"), std::string::npos) << refused.err;
  RunResult nobody = Fupin({"projects", "advance", std::to_string(id), "--as", "nobody"});
  EXPECT_EQ(nobody.exit_code, 2);
  EXPECT_NE(nobody.err.find("E_NOT_FOUND"), std::string::npos) << nobody.err;
  RunResult bad = Fupin({"projects", "list", "--category", "修路"});
  EXPECT_EQ(bad.exit_code, 2);
  json listed = Json({"projects", "list", "--stage", "approve"});
  EXPECT_EQ(listed["total"], 1);
}

TEST_F(ProjectsCliTest, TheProjectsTableCountsACountysOwnProjectOnItsOwnRowAndWritesAWorkbook) {
  ASSERT_GT(Propose(kProject), 0);
  const std::string out = Path("项目报表.xlsx");
  json report = Json({"projects", "report", "--region", "620422", "--year", "2026", "--out", out});
  ASSERT_TRUE(report.is_object());
  ASSERT_FALSE(report["rows"].empty());
  const json& own = report["rows"][0];
  EXPECT_EQ(own["own"], true);
  EXPECT_EQ(own["projects"], 1);
  EXPECT_EQ(own["budget"], "1000000.00");
  EXPECT_EQ(report["total"]["projects"], 1);
  EXPECT_EQ(report["total"]["in_library"], 0);
  std::ifstream book(out, std::ios::binary);
  std::string magic(2, '\0');
  book.read(magic.data(), 2);
  EXPECT_EQ(magic, "PK") << "a workbook (zip) at " << out;
  RunResult csv = Fupin(
      {"projects", "report", "--region", "620422", "--year", "2026", "--out", Path("report.csv")});
  EXPECT_EQ(csv.exit_code, 2);
  EXPECT_NE(csv.err.find("E_USAGE"), std::string::npos) << csv.err;
  EXPECT_FALSE(std::filesystem::exists(Path("report.csv")));
}

TEST_F(ProjectsCliTest, StatsCountTheProjectsByStageAndCategoryInPlainTextOrJson) {
  ASSERT_GT(Propose(kProject), 0);  // a county's own project: approve at once
  json stats = Json({"projects", "stats", "--region", "620422", "--year", "2026"});
  ASSERT_TRUE(stats.is_object());
  EXPECT_EQ(stats["total"], 1);
  EXPECT_EQ(stats["year"], 2026);
  ASSERT_EQ(stats["by_stage"].size(), 13u);
  for (const json& s : stats["by_stage"]) {
    EXPECT_EQ(s["count"], s["stage"] == "approve" ? 1 : 0) << s.dump();
  }
  ASSERT_EQ(stats["by_category"].size(), 1u);
  EXPECT_EQ(stats["by_category"][0]["category"]["key"], "industry");
  EXPECT_EQ(Json({"projects", "stats", "--region", "620422", "--year", "2025"})["total"], 0);
  RunResult text = Fupin({"projects", "stats", "--region", "620422"});
  EXPECT_EQ(text.exit_code, 0) << text.err;
  EXPECT_NE(text.out.find("all years, total 1"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("approve\t县级审批入库\t1"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("industry\t产业发展\t1"), std::string::npos) << text.out;
  RunResult missing = Fupin({"projects", "stats", "--region", "620422109"});
  EXPECT_EQ(missing.exit_code, 2) << "a region not in the tree";
  EXPECT_NE(missing.err.find("E_NOT_FOUND"), std::string::npos) << missing.err;
  EXPECT_TRUE(missing.out.empty());
}

}  // namespace
}  // namespace fupin::testing
