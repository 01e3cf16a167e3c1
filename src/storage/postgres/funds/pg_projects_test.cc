// ProjectStore on PostgreSQL (pg_projects.h), the scenarios of sqlite_projects_test.cc: a
// project reads back with every list as written, an update replaces its lists, the search
// filters by subtree, stage, year and category with a page, ProjectsAt keeps to one place,
// and FundsOf sums the funds ledger's allocations to the project and their payments; and a
// project whose list cannot be written leaves nothing once its transaction rolls back.
#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "storage/postgres/funds/pg_money_test_fixture.h"

namespace fupin {
namespace {

constexpr int64_t kVillage = 620422102201, kOther = 620422101205, kCounty = 620422000000;

ProjectRow Project(int64_t region, const std::string& stage, int category = 1) {
  ProjectRow p;
  p.region_code = region;
  p.name = "肉牛养殖";
  p.category = category;
  p.nature = 1;
  p.year = 2026;
  p.start_on = "2026-04-01";
  p.end_on = "2026-10-31";
  p.unit = "乙镇人民政府";
  p.person = "王某";
  p.tasks = "建牛舍";
  p.budget = {{1, 30000000}, {5, 15000050}};
  p.households = {"H1", "H2"};
  p.households_count = 2;
  p.targets = {{"户均增收", "≥2000元"}, {"新建牛舍", "600平方米"}};
  p.linkage = "入股分红";
  p.stage = stage;
  p.notice_start = "2026-03-02";
  p.closes_on = "2026-03-12";
  p.opened_by = "v1";
  p.opened_at = "2026-03-02T02:00:00Z";
  p.steps = {{"propose", "advance", "v1", "village_operator", "V", "2026-03-02",
              "2026-03-02T02:00:00Z", "申报", ""}};
  return p;
}

class ProjectStoreTest : public PgMoneyTest {
 protected:
  int64_t Insert(ProjectRow row) {
    EXPECT_TRUE(db_->Begin().ok());
    const Status inserted = projects_->InsertProject(row);
    EXPECT_TRUE(inserted.ok()) << (inserted.ok() ? "" : inserted.error().en);
    EXPECT_TRUE(db_->Commit().ok());
    return row.id;
  }
  std::vector<int64_t> Ids(const ProjectQuery& q, int64_t* total = nullptr) {
    auto page = projects_->SearchProjects(q);
    EXPECT_TRUE(page.ok()) << (page.ok() ? "" : page.error().en);
    std::vector<int64_t> ids;
    if (!page.ok()) return ids;
    for (const auto& p : page->items) ids.push_back(p.id);
    if (total != nullptr) *total = page->total;
    return ids;
  }
};

TEST_F(ProjectStoreTest, AProjectReadsBackWithEveryListAndAnUpdateReplacesThem) {
  ProjectRow written = Project(kVillage, "village_notice");
  written.households = {"H2", "H1", "H2"};  // given twice: stored once, read back in order
  written.steps[0].comment = "引号\"与\\反斜杠, {花括号}";  // array syntax, as text
  const int64_t id = Insert(written);
  auto got = projects_->GetProject(id);
  ASSERT_TRUE(got.ok() && got->has_value()) << (got.ok() ? "" : got.error().en);
  ProjectRow p = **got;
  EXPECT_EQ(p.BudgetTotal(), 45000050);
  EXPECT_EQ(Scalar("SELECT budget_fen FROM projects"), 45000050);
  EXPECT_EQ(p.households, (std::vector<std::string>{"H1", "H2"}));
  ASSERT_EQ(p.targets.size(), 2u);
  EXPECT_EQ(p.targets[0].target, "≥2000元");
  EXPECT_EQ(p.targets[1].indicator, "新建牛舍");
  ASSERT_EQ(p.steps.size(), 1u);
  EXPECT_EQ(p.steps[0].comment, "引号\"与\\反斜杠, {花括号}");
  EXPECT_EQ(p.steps[0].role, "village_operator");
  EXPECT_EQ(p.closes_on, "2026-03-12");

  p.stage = "implement";
  p.notice_start.clear();
  p.closes_on.clear();
  p.budget = {{4, 100}};
  p.targets.pop_back();
  p.steps.push_back({"village_notice", "objection", "w1", "viewer", "V", "2026-03-05",
                     "2026-03-05T02:00:00Z", "选址有争议", ""});
  p.progress = {{"2026-06-30", 100, "完工", "t1", "2026-06-30T02:00:00Z"}};
  p.assets = {
      {1, "圈舍", 45000050, "村集体", "村委会", "2026-07-01", "c1", "2026-07-01T02:00:00Z"}};
  Begin();
  ASSERT_TRUE(projects_->UpdateProject(p).ok());
  Commit();
  auto again = projects_->GetProject(id);
  ASSERT_TRUE(again.ok() && again->has_value());
  EXPECT_EQ((*again)->stage, "implement");
  EXPECT_TRUE((*again)->closes_on.empty());
  EXPECT_EQ((*again)->BudgetTotal(), 100);
  EXPECT_EQ((*again)->targets.size(), 1u);
  ASSERT_EQ((*again)->steps.size(), 2u);
  EXPECT_EQ((*again)->steps[1].action, "objection");
  ASSERT_EQ((*again)->progress.size(), 1u);
  EXPECT_EQ((*again)->progress[0].percent, 100);
  ASSERT_EQ((*again)->assets.size(), 1u);
  EXPECT_EQ((*again)->assets[0].keeper, "村委会");
  EXPECT_EQ((*again)->assets[0].value_fen, 45000050);
  EXPECT_FALSE(projects_->GetProject(id + 1)->has_value());
}

TEST_F(ProjectStoreTest, TheSearchFiltersBySubtreeStageYearAndCategoryByPage) {
  const int64_t a = Insert(Project(kVillage, "village_notice"));
  const int64_t b = Insert(Project(kVillage, "approve", 3));
  const int64_t c = Insert(Project(kOther, "village_notice"));
  const int64_t d = Insert(Project(kCounty, "approve"));
  ProjectQuery q;
  q.region = RegionCode::FromInt(kCounty);
  int64_t total = 0;
  EXPECT_EQ(Ids(q, &total), (std::vector<int64_t>{a, b, c, d}));
  EXPECT_EQ(total, 4);
  q.region = RegionCode::FromInt(620422102000);
  EXPECT_EQ(Ids(q), (std::vector<int64_t>{a, b}));
  q.region = RegionCode::FromInt(kCounty);
  q.stage = "approve";
  EXPECT_EQ(Ids(q), (std::vector<int64_t>{b, d}));
  q.category = 3;
  EXPECT_EQ(Ids(q), (std::vector<int64_t>{b}));
  q = ProjectQuery{};
  q.region = RegionCode::FromInt(kCounty);
  q.year = 2025;
  EXPECT_TRUE(Ids(q).empty());
  q.year.reset();
  q.limit = 2;
  q.offset = 2;
  EXPECT_EQ(Ids(q, &total), (std::vector<int64_t>{c, d}));
  EXPECT_EQ(total, 4);
  q.limit = 0;  // all
  q.offset = 1;
  EXPECT_EQ(Ids(q), (std::vector<int64_t>{b, c, d}));
  auto page = projects_->SearchProjects(q);
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(page->items[0].households, (std::vector<std::string>{"H1", "H2"}));
  EXPECT_TRUE(page->items[0].steps.empty()) << "a page has no steps";
  auto at = projects_->ProjectsAt(RegionCode::FromInt(kVillage));
  ASSERT_TRUE(at.ok());
  ASSERT_EQ(at->size(), 2u);
  EXPECT_EQ((*at)[1].id, b);
  EXPECT_EQ((*at)[1].BudgetTotal(), 45000050);
  EXPECT_EQ((*at)[1].targets.size(), 2u);
}

TEST_F(ProjectStoreTest, ASubtreeEndsBeforeTheNextSiblingsOwnProjects) {
  const int64_t here = Insert(Project(kVillage, "approve"));
  Insert(Project(kVillage + 1, "approve"));  // the next village: its code is the subtree's end
  Insert(Project(620423000000, "approve"));  // the next county's own project
  ProjectQuery q;
  q.region = RegionCode::FromInt(kVillage);
  EXPECT_EQ(Ids(q), (std::vector<int64_t>{here}));
  q.region = RegionCode::FromInt(kCounty);
  EXPECT_EQ(Ids(q).size(), 2u);
  auto counts = projects_->CountProjects(RegionCode::FromInt(kVillage), std::nullopt);
  ASSERT_TRUE(counts.ok());
  ASSERT_EQ(counts->size(), 1u);
  EXPECT_EQ((*counts)[0].projects, 1);
}

TEST_F(ProjectStoreTest, CountProjectsCountsBySubtreeYearStageAndCategory) {
  Insert(Project(kVillage, "village_notice"));
  Insert(Project(kVillage, "village_notice"));
  Insert(Project(kVillage, "approve", 3));
  Insert(Project(kOther, "village_notice"));
  ProjectRow old = Project(kVillage, "done");
  old.year = 2025;
  Insert(old);
  auto all = projects_->CountProjects(RegionCode::FromInt(kCounty), std::nullopt);
  ASSERT_TRUE(all.ok()) << all.error().en;
  std::vector<std::string> seen;
  for (const ProjectCount& c : *all) {
    seen.push_back(c.stage + "/" + std::to_string(c.category) + "=" + std::to_string(c.projects));
  }
  EXPECT_EQ(seen, (std::vector<std::string>{"approve/3=1", "done/1=1", "village_notice/1=3"}));
  auto township = projects_->CountProjects(RegionCode::FromInt(620422102000), 2026);
  ASSERT_TRUE(township.ok());
  ASSERT_EQ(township->size(), 2u);
  EXPECT_EQ((*township)[1].stage, "village_notice");
  EXPECT_EQ((*township)[1].projects, 2) << "the other township's project is not counted";
  EXPECT_TRUE(projects_->CountProjects(RegionCode::FromInt(kCounty), 2024)->empty());
}

TEST_F(ProjectStoreTest, FundsOfSumsTheAllocationsToTheProjectAndTheirPayments) {
  const int64_t id = Insert(Project(kVillage, "plan"));
  Begin();
  FundRow fund{0, 1, "中央财政专项扶贫资金", 2026, kCounty, 100000000, "第一批", "c1", "t"};
  ASSERT_TRUE(funds_->InsertFund(fund).ok());
  AllocationRow one{0, fund.id, 0, "", id, kVillage, 30000000, "c1", "t"};
  AllocationRow two{0, fund.id, 0, "", id, kVillage, 5000000, "c1", "t"};
  AllocationRow other{0, fund.id, 0, "", id + 1, kVillage, 7000000, "c1", "t"};
  for (AllocationRow* a : {&one, &two, &other}) {
    ASSERT_TRUE(funds_->InsertAllocation(*a).ok());
  }
  DisbursementRow paid{0, one.id, 12000000, "2026-03-22", "记-01", "c1", "t"};
  DisbursementRow elsewhere{0, other.id, 1000000, "2026-03-22", "记-02", "c1", "t"};
  ASSERT_TRUE(funds_->InsertDisbursement(paid).ok());
  ASSERT_TRUE(funds_->InsertDisbursement(elsewhere).ok());
  Commit();
  auto funds = projects_->FundsOf(id);
  ASSERT_TRUE(funds.ok()) << funds.error().en;
  EXPECT_EQ(funds->first, 35000000);
  EXPECT_EQ(funds->second, 12000000);
  auto none = projects_->FundsOf(id + 5);
  ASSERT_TRUE(none.ok());
  EXPECT_EQ(none->first, 0);
  EXPECT_EQ(none->second, 0);
}

TEST_F(ProjectStoreTest, AProjectWhoseListFailsLeavesNothingOnceRolledBack) {
  ProjectRow bad = Project(kVillage, "propose");
  bad.budget = {{1, 100}, {1, 200}};  // one source twice: the key refuses it
  Begin();
  const Status refused = projects_->InsertProject(bad);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, "E_CONFLICT");
  ASSERT_TRUE(db_->Rollback().ok());
  EXPECT_EQ(Scalar("SELECT count(*) FROM projects"), 0);
  EXPECT_EQ(Scalar("SELECT count(*) FROM project_households"), 0);
  // An update of a project that is not there writes no list of it.
  ProjectRow missing = Project(kVillage, "propose");
  missing.id = 77;
  EXPECT_EQ(projects_->UpdateProject(missing).error().code, "E_CONFLICT");
  EXPECT_EQ(Scalar("SELECT count(*) FROM project_budget"), 0);
}

// The project service reads, moves and rewrites a project in one transaction: a second
// server's read of it waits for the first one's commit, and reads what it wrote.
TEST_F(ProjectStoreTest, AProjectReadInATransactionIsHeldUntilItEnds) {
  const int64_t id = Insert(Project(kVillage, "village_notice"));
  auto other = Connect();
  ASSERT_TRUE(other);
  auto other_projects = NewPgProjectStore(*other);
  Begin();
  auto mine = projects_->GetProject(id);
  ASSERT_TRUE(mine.ok() && mine->has_value());
  std::optional<ProjectRow> seen;
  std::thread server_b([&] {
    ASSERT_TRUE(other->Begin().ok());
    auto read = other_projects->GetProject(id);
    if (read.ok()) seen = *read;
    ASSERT_TRUE(other->Commit().ok());
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  ProjectRow moved = **mine;
  moved.stage = "township_review";
  moved.steps.push_back({"village_notice", "advance", "v1", "village_operator", "V", "2026-03-13",
                         "2026-03-13T02:00:00Z", "", ""});
  ASSERT_TRUE(projects_->UpdateProject(moved).ok());
  Commit();
  server_b.join();
  ASSERT_TRUE(seen.has_value());
  EXPECT_EQ(seen->stage, "township_review");
  EXPECT_EQ(seen->steps.size(), 2u);
}

}  // namespace
}  // namespace fupin
