// The project library (扶贫项目库, spec/funds.md "Projects"): a village's project from its
// proposal to its assets with every notice of [projects] notice_days (FUPIN_NOW moved from
// day to day), the conditions of entering the library, the levels, the separation of
// duties, objections, scope, and money allocated to a project of the library.
#include "service/projects/project_service.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include "exchange/policy_file.h"
#include "service/accounts/audit_service.h"
#include "service/funds/fund_service.h"
#include "service/imports/import_service.h"
#include "service/projects/project_report.h"
#include "service/service_test_fixture.h"

namespace fupin {
namespace {

const char* kHouseholds =
    "户编号,行政区划代码,户类型,贫困状态,识别年度,主要致贫原因,工资性收入,生产经营性收入,"
    "生产经营性支出,财产性收入,转移性收入,不愁吃,不愁穿,住房安全等级,饮水安全\n"
    "H1,620422102201,建档立卡户,未脱贫,2016,缺资金,3000,0,0,0,0,是,是,A,是\n"
    "H3,620422101205,建档立卡户,未脱贫,2016,缺资金,3000,0,0,0,0,是,是,A,是\n";
const char* kMembers =
    "户编号,姓名,证件号码,与户主关系,在校生状况,健康状况,劳动能力,参加城乡居民基本医疗保险\n"
    "H1,甲,620422198001010019,户主,非在校生,健康,普通劳动力,是\n"
    "H3,丙,620422198001010035,户主,非在校生,健康,普通劳动力,是\n";

constexpr int64_t kCounty = 620422000000;
constexpr int64_t kTownship = 620422102000;
constexpr int64_t kVillage = 620422102201;  // H1's
constexpr int64_t kOtherVillage = 620422101205;

Caller As(const std::string& name, Role role, int64_t region) {
  return Caller{User{name, role, RegionCode::FromInt(region), false}, "test"};
}

class ProjectTest : public ServiceTest {
 protected:
  ProjectTest()
      : ServiceTest({{kCounty, "会宁县"},
                     {620422101000, "甲镇"},
                     {kTownship, "乙镇"},
                     {kOtherVillage, "甲村"},
                     {kVillage, "乙村"}}) {}
  void SetUp() override {
    ServiceTest::SetUp();
    if (HasFatalFailure()) return;
    On("2026-03-02");
    ImportOptions options;
    options.files = {Write("h.csv", kHouseholds), Write("m.csv", kMembers)};
    auto report = RunImport(*store_, options);
    ASSERT_TRUE(report.ok()) << report.error().en;
    auto policy = PolicySet::Build({*ParsePolicyText(NationalPolicyText(), "national.toml")});
    ASSERT_TRUE(policy.ok()) << policy.error().en;
    policy_ = std::move(*policy);
  }
  void TearDown() override {
    unsetenv("FUPIN_NOW");
    ServiceTest::TearDown();
  }
  static void On(const std::string& date) {
    setenv("FUPIN_NOW", (date + "T10:00:00+08:00").c_str(), 1);
  }

  ProjectInput Input(int64_t region = kVillage) {
    ProjectInput in;
    in.name = "乙村肉牛养殖合作社扩建";
    in.category = "产业发展";
    in.nature = "扩建";
    in.region = RegionCode::FromInt(region);
    in.year = 2026;
    in.start_on = "2026-04-01";
    in.end_on = "2026-10-31";
    in.unit = "乙镇人民政府";
    in.person = "王某";
    in.tasks = "新建牛舍 600 平方米，购置基础母牛 40 头";
    in.budget = {{"中央", "300000"}, {"integrated", "150000.50"}};
    in.households = {"H1"};
    in.households_count = 12;
    in.people_count = 45;
    in.poor_households = 12;
    in.poor_people = 45;
    in.targets = {{"带动脱贫户户均增收", "≥2000元"}};
    in.linkage = "入股分红：脱贫户按资金份额每年分红";
    return in;
  }
  ProjectView Propose(const ProjectInput& in) {
    auto p = ProposeProject(*store_, policy_, village_, in);
    EXPECT_TRUE(p.ok()) << (p.ok() ? "" : p.error().en);
    return p.ok() ? *p : ProjectView{};
  }
  Result<ProjectView> Advance(const Caller& by, int64_t id, AdvanceInput in = {},
                              ProjectRefusal* refusal = nullptr) {
    return AdvanceProject(*store_, policy_, by, id, in, refusal);
  }
  std::string StageAfter(const Caller& by, int64_t id, AdvanceInput in = {}) {
    auto p = Advance(by, id, in);
    EXPECT_TRUE(p.ok()) << (p.ok() ? "" : p.error().en);
    return p.ok() ? p->row.stage : "";
  }
  int64_t AuditCount(const std::string& action) {
    AuditQuery q;
    q.action_prefix = action;
    auto page = SearchAudit(*store_, CliCaller(), q);
    return page.ok() ? page->total : -1;
  }

  PolicySet policy_;
  Caller village_ = As("v1", Role::kVillageOperator, kVillage);
  Caller township_ = As("t1", Role::kTownshipOperator, kTownship);
  Caller county_ = As("c1", Role::kCountyAdmin, kCounty);
  Caller county2_ = As("c2", Role::kCountyAdmin, kCounty);
};

TEST_F(ProjectTest, AVillageProjectGoesFromProposalToItsAssetsThroughFourNotices) {
  const ProjectView proposed = Propose(Input());
  const int64_t id = proposed.row.id;
  EXPECT_EQ(proposed.row.stage, "village_notice");
  EXPECT_EQ(proposed.row.notice_start, "2026-03-02");
  EXPECT_EQ(proposed.row.closes_on, "2026-03-12");  // notice_days = 10
  EXPECT_EQ(proposed.row.BudgetTotal(), 45000050);

  On("2026-03-11");
  ProjectRefusal refusal;
  auto early = Advance(village_, id, {}, &refusal);
  ASSERT_FALSE(early.ok());
  EXPECT_EQ(early.error().code, "E_NOTICE_OPEN");
  ASSERT_TRUE(refusal.closes_on.has_value());
  EXPECT_EQ(refusal.closes_on->ToString(), "2026-03-12");

  On("2026-03-12");
  EXPECT_EQ(StageAfter(village_, id), "review");
  EXPECT_EQ(StageAfter(township_, id), "township_notice");
  On("2026-03-22");
  EXPECT_EQ(StageAfter(township_, id), "approve");
  EXPECT_EQ(StageAfter(county_, id), "plan");  // 公告 at once: no waiting
  EXPECT_EQ(StageAfter(county_, id), "start_notice");
  On("2026-04-01");
  EXPECT_EQ(StageAfter(village_, id), "implement");

  ProjectRefusal unfinished;
  On("2026-06-30");
  ASSERT_TRUE(AddProgress(*store_, village_, id, {"2026-06-30", 60, "牛舍主体完工"}).ok());
  auto half = Advance(township_, id, {}, &unfinished);
  ASSERT_FALSE(half.ok());
  EXPECT_EQ(half.error().code, "E_CONDITIONS");
  ASSERT_EQ(unfinished.conditions.size(), 1u);
  EXPECT_EQ(unfinished.conditions[0].criterion, "progress");
  On("2026-10-30");
  ASSERT_TRUE(AddProgress(*store_, township_, id, {"", 100, "全部完工"}).ok());
  EXPECT_EQ(StageAfter(township_, id), "accept");

  auto no_result = Advance(county_, id);
  ASSERT_FALSE(no_result.ok());
  EXPECT_EQ(no_result.error().code, "E_REQUIRED");
  EXPECT_EQ(StageAfter(county_, id, {"", "合格", "2026-10-30"}), "completion_notice");
  auto asset =
      AddAsset(*store_, county_, id,
               {"经营性", "肉牛养殖圈舍", "450000.50", "乙村股份经济合作社", "乙村村委会", ""});
  ASSERT_TRUE(asset.ok()) << asset.error().en;
  On("2026-11-09");
  EXPECT_EQ(StageAfter(village_, id), "assets");
  auto done = Advance(county_, id);
  ASSERT_TRUE(done.ok()) << done.error().en;
  EXPECT_EQ(done->row.state, "done");
  EXPECT_EQ(done->row.approved_on, "2026-03-22");
  EXPECT_EQ(done->row.accepted_on, "2026-10-30");
  ASSERT_EQ(done->row.assets.size(), 1u);
  EXPECT_EQ(done->row.assets[0].value_fen, 45000050);
  EXPECT_EQ(done->row.steps.size(), 11u);
  EXPECT_EQ(done->row.progress.size(), 2u);
  EXPECT_EQ(AuditCount("project."), 1 + 10 + 2 + 1);
  EXPECT_EQ(Advance(county_, id).error().code, "E_STATE");
}

TEST_F(ProjectTest, AProjectWithoutTargetsOrLinkageCannotEnterTheLibrary) {
  ProjectInput in = Input();
  in.targets.clear();
  in.linkage.clear();
  const int64_t id = Propose(in).row.id;
  On("2026-03-12");
  ASSERT_TRUE(Advance(village_, id).ok());
  ASSERT_TRUE(Advance(township_, id).ok());
  On("2026-03-22");
  ASSERT_TRUE(Advance(township_, id).ok());
  ProjectRefusal refusal;
  auto refused = Advance(county_, id, {}, &refusal);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, "E_CONDITIONS");
  ASSERT_EQ(refusal.conditions.size(), 2u);
  EXPECT_EQ(refusal.conditions[0].criterion, "performance_targets");
  EXPECT_EQ(refusal.conditions[1].criterion, "poverty_linkage");
  auto still = GetProject(*store_, county_, id);
  ASSERT_TRUE(still.ok());
  EXPECT_EQ(still->row.stage, "approve");
  EXPECT_TRUE(still->row.approved_on.empty());
}

TEST_F(ProjectTest, EachStageIsDoneAtItsLevelAndTheApproverIsNeitherProposerNorReviewer) {
  const int64_t id = Propose(Input()).row.id;
  On("2026-03-12");
  auto by_county = Advance(county_, id);
  ASSERT_FALSE(by_county.ok());
  EXPECT_EQ(by_county.error().code, "E_STEP_LEVEL");
  ASSERT_TRUE(Advance(village_, id).ok());
  auto by_village = Advance(village_, id);
  ASSERT_FALSE(by_village.ok());
  EXPECT_EQ(by_village.error().code, "E_STEP_LEVEL");
  const Caller admin = As("root", Role::kAdmin, 0);
  ASSERT_TRUE(Advance(admin, id).ok());  // admin reviews: it may not approve then
  On("2026-03-22");
  ASSERT_TRUE(Advance(township_, id).ok());
  auto separated = Advance(admin, id);
  ASSERT_FALSE(separated.ok());
  EXPECT_EQ(separated.error().code, "E_SEPARATION");
  EXPECT_EQ(Advance(As("v9", Role::kViewer, kCounty), id).error().code, "E_FORBIDDEN");
  EXPECT_TRUE(Advance(county_, id).ok());
}

TEST_F(ProjectTest, ACountysOwnProjectGoesStraightToApprovalByAnotherCountyAccount) {
  ProjectInput in = Input(kCounty);
  in.households.clear();
  auto by_village = ProposeProject(*store_, policy_, village_, in);
  ASSERT_FALSE(by_village.ok());
  EXPECT_EQ(by_village.error().code, "E_NOT_FOUND");  // the county is outside its scope
  auto p = ProposeProject(*store_, policy_, county_, in);
  ASSERT_TRUE(p.ok()) << p.error().en;
  EXPECT_EQ(p->row.stage, "approve");
  EXPECT_EQ(Advance(county_, p->row.id).error().code, "E_SEPARATION");
  EXPECT_EQ(StageAfter(county2_, p->row.id), "plan");
  EXPECT_EQ(StageAfter(county2_, p->row.id), "start_notice");  // at the county's level
  EXPECT_EQ(ProposeProject(*store_, policy_, county_, Input(kVillage)).error().code,
            "E_STEP_LEVEL");
}

TEST_F(ProjectTest, AnObjectionDuringANoticeSendsTheProjectBackAndAFreshNoticeFollows) {
  const int64_t id = Propose(Input()).row.id;
  On("2026-03-05");
  const Caller viewer = As("w1", Role::kViewer, kCounty);
  auto objected = ObjectToProject(*store_, policy_, viewer, id, "受益户名单有误");
  ASSERT_TRUE(objected.ok()) << objected.error().en;
  EXPECT_EQ(objected->row.stage, "propose");
  EXPECT_TRUE(objected->row.closes_on.empty());
  EXPECT_EQ(objected->row.steps.back().action, "objection");
  EXPECT_EQ(ObjectToProject(*store_, policy_, viewer, id, "再次").error().code, "E_STATE");
  auto again = Advance(village_, id, {"名单已核实更正", "", ""});
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->row.stage, "village_notice");
  EXPECT_EQ(again->row.notice_start, "2026-03-05");
  EXPECT_EQ(again->row.closes_on, "2026-03-15");
}

TEST_F(ProjectTest, ATownshipReturnsOrRejectsAProject) {
  const int64_t id = Propose(Input()).row.id;
  On("2026-03-12");
  ASSERT_TRUE(Advance(village_, id).ok());
  auto returned = ReturnProject(*store_, policy_, township_, id, "propose", "预算不实");
  ASSERT_TRUE(returned.ok()) << returned.error().en;
  EXPECT_EQ(returned->row.stage, "propose");
  EXPECT_EQ(ReturnProject(*store_, policy_, township_, id, "review", "x").error().code,
            "E_STEP_LEVEL");
  ASSERT_TRUE(Advance(village_, id).ok());
  On("2026-03-22");
  ASSERT_TRUE(Advance(village_, id).ok());
  auto rejected = RejectProject(*store_, policy_, township_, id, "不符合入库条件");
  ASSERT_TRUE(rejected.ok());
  EXPECT_EQ(rejected->row.state, "rejected");
  EXPECT_EQ(AuditCount("project.reject"), 1);
}

TEST_F(ProjectTest, AProjectOutsideTheCallersRegionIsNotFound) {
  const int64_t id = Propose(Input()).row.id;
  const Caller other = As("v2", Role::kVillageOperator, kOtherVillage);
  EXPECT_EQ(GetProject(*store_, other, id).error().code, "E_NOT_FOUND");
  EXPECT_EQ(Advance(other, id).error().code, "E_NOT_FOUND");
  EXPECT_EQ(ObjectToProject(*store_, policy_, other, id, "x").error().code, "E_NOT_FOUND");
  ProjectQuery q;
  q.region = RegionCode::FromInt(kVillage);
  EXPECT_EQ(ListProjects(*store_, other, q).error().code, "E_NOT_FOUND");
  auto listed = ListProjects(*store_, township_, q);
  ASSERT_TRUE(listed.ok());
  EXPECT_EQ(listed->total, 1);
  ProjectInput stranger = Input();
  stranger.households = {"H3"};  // another village's household, outside v1's scope
  EXPECT_EQ(ProposeProject(*store_, policy_, village_, stranger).error().code, "E_NOT_FOUND");
}

TEST_F(ProjectTest, MoneyIsAllocatedToAProjectOnlyOnceItIsInTheLibrary) {
  const int64_t id = Propose(Input()).row.id;
  auto fund = AddFund(*store_, county_,
                      {"中央", "中央财政专项扶贫资金", 2026, RegionCode::FromInt(kCounty),
                       "1000000", "2026年第一批"});
  ASSERT_TRUE(fund.ok()) << fund.error().en;
  auto early = Allocate(*store_, county_, {fund->id, "", id, "300000"});
  ASSERT_FALSE(early.ok());
  EXPECT_EQ(early.error().code, "E_STATE");
  On("2026-03-12");
  ASSERT_TRUE(Advance(village_, id).ok());
  ASSERT_TRUE(Advance(township_, id).ok());
  On("2026-03-22");
  ASSERT_TRUE(Advance(township_, id).ok());
  ASSERT_TRUE(Advance(county_, id).ok());
  auto allocation = Allocate(*store_, county_, {fund->id, "", id, "300000"});
  ASSERT_TRUE(allocation.ok()) << allocation.error().en;
  EXPECT_EQ(allocation->region_code, kVillage);
  ASSERT_TRUE(Disburse(*store_, county_, {allocation->id, "120000", "2026-03-22", "记-01"}).ok());
  auto view = GetProject(*store_, township_, id);
  ASSERT_TRUE(view.ok());
  EXPECT_EQ(view->allocated_fen, 30000000);
  EXPECT_EQ(view->disbursed_fen, 12000000);
  EXPECT_EQ(Allocate(*store_, county_, {fund->id, "", id, "700000.01"}).error().code,
            "E_OVER_FUND");
  const Caller other = As("t2", Role::kTownshipOperator, 620422101000);
  EXPECT_EQ(Allocate(*store_, other, {fund->id, "", id, "1"}).error().code, "E_NOT_FOUND");
}

TEST_F(ProjectTest, TheVillagePageSeesTheNoticeInForceAndNoPersonalData) {
  const int64_t id = Propose(Input()).row.id;
  auto notices =
      ProjectNoticesOf(*store_, policy_, RegionCode::FromInt(kVillage), *Date::Parse("2026-03-05"));
  ASSERT_TRUE(notices.ok());
  ASSERT_EQ(notices->size(), 1u);
  const ProjectNotice& n = notices->front();
  EXPECT_EQ(n.id, id);
  EXPECT_EQ(n.category_label, "产业发展");
  EXPECT_EQ(n.stage, "village_notice");
  EXPECT_EQ(n.decision, "proposed");
  EXPECT_EQ(n.budget_fen, 45000050);
  EXPECT_TRUE(n.in_force);
  EXPECT_EQ(n.closes_on->ToString(), "2026-03-12");
  auto elsewhere = ProjectNoticesOf(*store_, policy_, RegionCode::FromInt(kOtherVillage),
                                    *Date::Parse("2026-03-05"));
  ASSERT_TRUE(elsewhere.ok());
  EXPECT_TRUE(elsewhere->empty());
}

TEST_F(ProjectTest, TheStatsCountEveryStageAndTheCategoriesInTheCallersScope) {
  const int64_t first = Propose(Input()).row.id;
  ProjectInput road = Input();
  road.category = "乡村建设行动";
  Propose(road);
  ProjectInput older = Input();
  older.year = 2025;
  Propose(older);
  On("2026-03-12");
  ASSERT_TRUE(Advance(village_, first).ok());  // review

  auto stats = ProjectStatistics(*store_, county_, RegionCode::FromInt(kCounty), 2026);
  ASSERT_TRUE(stats.ok()) << stats.error().en;
  EXPECT_EQ(stats->total, 2);
  ASSERT_EQ(stats->by_stage.size(), ProjectStages().size() + 2);
  EXPECT_EQ(stats->by_stage.front(), (std::pair<std::string, int64_t>{"propose", 0}));
  EXPECT_EQ(stats->by_stage[1], (std::pair<std::string, int64_t>{"village_notice", 1}));
  EXPECT_EQ(stats->by_stage[2], (std::pair<std::string, int64_t>{"review", 1}));
  EXPECT_EQ(stats->by_stage.back(), (std::pair<std::string, int64_t>{"rejected", 0}));
  EXPECT_EQ(stats->by_category,
            (std::vector<std::pair<int, int64_t>>{{1, 1}, {3, 1}}));  // 产业发展, 乡村建设行动
  auto every_year = ProjectStatistics(*store_, village_, RegionCode::Nation(), std::nullopt);
  ASSERT_TRUE(every_year.ok());
  EXPECT_EQ(every_year->region, RegionCode::FromInt(kVillage)) << "the caller's own region";
  EXPECT_EQ(every_year->total, 3);

  const Caller elsewhere = As("v9", Role::kVillageOperator, kOtherVillage);
  EXPECT_EQ(ProjectStatistics(*store_, elsewhere, RegionCode::FromInt(kVillage), 2026).error().code,
            "E_NOT_FOUND");
  EXPECT_EQ(ProjectStatistics(*store_, elsewhere, RegionCode::FromInt(kOtherVillage), 2026)->total,
            0);
  EXPECT_EQ(ProjectStatistics(*store_, county_, RegionCode::FromInt(kCounty), 1999).error().code,
            "E_YEAR");
  EXPECT_EQ(AuditCount("project.stats"), 0) << "a read, not audited";
}

TEST_F(ProjectTest, BadFieldsAreRefusedWithTheirCodes) {
  ProjectInput in = Input();
  in.category = "修路";
  EXPECT_EQ(ProposeProject(*store_, policy_, village_, in).error().code, "E_CODE");
  in = Input();
  in.budget = {{"中央", "-5"}};
  EXPECT_EQ(ProposeProject(*store_, policy_, village_, in).error().code, "E_NUMBER");
  in = Input();
  in.end_on = "2026-03-01";
  EXPECT_EQ(ProposeProject(*store_, policy_, village_, in).error().code, "E_DATE");
  in = Input();
  in.name = " ";
  EXPECT_EQ(ProposeProject(*store_, policy_, village_, in).error().code, "E_REQUIRED");
  EXPECT_EQ(AuditCount("project."), 0);
}

}  // namespace
}  // namespace fupin
