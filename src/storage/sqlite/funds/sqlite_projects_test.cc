// ProjectStore on SQLite (the project library): a project reads back with every list as
// written, an update replaces its lists, the search filters by subtree, stage, year and
// category with a page, ProjectsAt keeps to one place, and FundsOf sums the funds ledger's
// allocations to the project and their payments.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <string>
#include <vector>

#include "storage/sqlite/funds/money_test_rows.h"
#include "storage/sqlite/store_test_fixture.h"
#include "storage/store.h"

namespace fupin {
namespace {

constexpr int64_t kVillage = 620422102201, kOther = 620422101205, kCounty = 620422000000;

using money_test::Project;

class ProjectStoreTest : public MigratedStoreTest {
 protected:
  int64_t Insert(ProjectRow row) {
    EXPECT_TRUE(store_->Begin().ok());
    EXPECT_TRUE(store_->projects().InsertProject(row).ok());
    EXPECT_TRUE(store_->Commit().ok());
    return row.id;
  }
  std::vector<int64_t> Ids(const ProjectQuery& q, int64_t* total = nullptr) {
    auto page = store_->projects().SearchProjects(q);
    EXPECT_TRUE(page.ok());
    std::vector<int64_t> ids;
    for (const auto& p : page->items) ids.push_back(p.id);
    if (total != nullptr) *total = page->total;
    return ids;
  }
};

TEST_F(ProjectStoreTest, AProjectReadsBackWithEveryListAndAnUpdateReplacesThem) {
  const int64_t id = Insert(Project(kVillage, "village_notice"));
  auto got = store_->projects().GetProject(id);
  ASSERT_TRUE(got.ok() && got->has_value());
  ProjectRow p = **got;
  EXPECT_EQ(p.BudgetTotal(), 45000050);
  EXPECT_EQ(p.households, (std::vector<std::string>{"H1", "H2"}));
  ASSERT_EQ(p.targets.size(), 2u);
  EXPECT_EQ(p.targets[1].indicator, "新建牛舍");
  ASSERT_EQ(p.steps.size(), 1u);
  EXPECT_EQ(p.steps[0].comment, "申报");
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
  ASSERT_TRUE(store_->Begin().ok());
  ASSERT_TRUE(store_->projects().UpdateProject(p).ok());
  ASSERT_TRUE(store_->Commit().ok());
  auto again = store_->projects().GetProject(id);
  ASSERT_TRUE(again.ok() && again->has_value());
  EXPECT_EQ((*again)->stage, "implement");
  EXPECT_TRUE((*again)->closes_on.empty());
  EXPECT_EQ((*again)->BudgetTotal(), 100);
  EXPECT_EQ((*again)->targets.size(), 1u);
  EXPECT_EQ((*again)->steps.size(), 2u);
  ASSERT_EQ((*again)->progress.size(), 1u);
  EXPECT_EQ((*again)->progress[0].percent, 100);
  ASSERT_EQ((*again)->assets.size(), 1u);
  EXPECT_EQ((*again)->assets[0].keeper, "村委会");
  EXPECT_FALSE(store_->projects().GetProject(id + 1)->has_value());
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
  auto at = store_->projects().ProjectsAt(RegionCode::FromInt(kVillage));
  ASSERT_TRUE(at.ok());
  ASSERT_EQ(at->size(), 2u);
  EXPECT_EQ((*at)[1].id, b);
  EXPECT_EQ((*at)[1].BudgetTotal(), 45000050);
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
  auto counts = store_->projects().CountProjects(RegionCode::FromInt(kVillage), std::nullopt);
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
  auto all = store_->projects().CountProjects(RegionCode::FromInt(kCounty), std::nullopt);
  ASSERT_TRUE(all.ok());
  std::vector<std::string> seen;
  for (const ProjectCount& c : *all) {
    seen.push_back(c.stage + "/" + std::to_string(c.category) + "=" + std::to_string(c.projects));
  }
  EXPECT_EQ(seen, (std::vector<std::string>{"approve/3=1", "done/1=1", "village_notice/1=3"}));
  auto township = store_->projects().CountProjects(RegionCode::FromInt(620422102000), 2026);
  ASSERT_TRUE(township.ok());
  ASSERT_EQ(township->size(), 2u);
  EXPECT_EQ((*township)[1].stage, "village_notice");
  EXPECT_EQ((*township)[1].projects, 2) << "the other township's project is not counted";
  EXPECT_TRUE(store_->projects().CountProjects(RegionCode::FromInt(kCounty), 2024)->empty());
}

TEST_F(ProjectStoreTest, FundsOfSumsTheAllocationsToTheProjectAndTheirPayments) {
  const int64_t id = Insert(Project(kVillage, "plan"));
  ASSERT_TRUE(store_->Begin().ok());
  FundRow fund{0, 1, "中央财政专项扶贫资金", 2026, kCounty, 100000000, "第一批", "c1", "t"};
  ASSERT_TRUE(store_->funds().InsertFund(fund).ok());
  AllocationRow one{0, fund.id, 0, "", id, kVillage, 30000000, "c1", "t"};
  AllocationRow two{0, fund.id, 0, "", id, kVillage, 5000000, "c1", "t"};
  AllocationRow other{0, fund.id, 0, "", id + 1, kVillage, 7000000, "c1", "t"};
  for (AllocationRow* a : {&one, &two, &other}) {
    ASSERT_TRUE(store_->funds().InsertAllocation(*a).ok());
  }
  DisbursementRow paid{0, one.id, 12000000, "2026-03-22", "记-01", "c1", "t"};
  DisbursementRow elsewhere{0, other.id, 1000000, "2026-03-22", "记-02", "c1", "t"};
  ASSERT_TRUE(store_->funds().InsertDisbursement(paid).ok());
  ASSERT_TRUE(store_->funds().InsertDisbursement(elsewhere).ok());
  ASSERT_TRUE(store_->Commit().ok());
  auto funds = store_->projects().FundsOf(id);
  ASSERT_TRUE(funds.ok());
  EXPECT_EQ(funds->first, 35000000);
  EXPECT_EQ(funds->second, 12000000);
  auto none = store_->projects().FundsOf(id + 5);
  ASSERT_TRUE(none.ok());
  EXPECT_EQ(none->first, 0);
  EXPECT_EQ(none->second, 0);
}

// A project is written with its lists in one transaction: one that cannot be written
// leaves nothing once rolled back, and an update of a project that is not there is refused.
TEST_F(ProjectStoreTest, AProjectWhoseListFailsLeavesNothingOnceRolledBack) {
  ProjectRow bad = Project(kVillage, "propose");
  bad.budget = {{1, 100}, {1, 200}};  // one source twice: the key refuses it
  ASSERT_TRUE(store_->Begin().ok());
  const Status refused = store_->projects().InsertProject(bad);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, "E_CONFLICT");
  store_->Rollback();
  ProjectQuery all;
  all.region = RegionCode::Nation();
  int64_t total = -1;
  EXPECT_TRUE(Ids(all, &total).empty());
  EXPECT_EQ(total, 0);
  ProjectRow missing = Project(kVillage, "propose");
  missing.id = 77;
  ASSERT_TRUE(store_->Begin().ok());
  EXPECT_EQ(store_->projects().UpdateProject(missing).error().code, "E_CONFLICT");
  store_->Rollback();
  EXPECT_FALSE(store_->projects().GetProject(77)->has_value());
  // The next project is written whole, with only its own lists.
  const int64_t id = Insert(Project(kVillage, "propose"));
  auto got = store_->projects().GetProject(id);
  ASSERT_TRUE(got.ok() && got->has_value());
  EXPECT_EQ((*got)->budget.size(), 2u);
  EXPECT_EQ((*got)->households.size(), 2u);
}

}  // namespace
}  // namespace fupin
