// The village's public page: what its model holds (a running notice, a decision, a direct
// subsidy, the archive after 30 days), nothing of another village, an objection that
// becomes a complaint and sends a case in its notice back to verify, the rate limit and the
// cache's invalidation by a write.
#include "service/disclosure/public_page.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <algorithm>

#include "exchange/policy_file.h"
#include "service/funds/fund_service.h"
#include "service/imports/import_service.h"
#include "service/procedures/case_service.h"
#include "service/projects/project_service.h"
#include "service/service_test_fixture.h"

namespace fupin {
namespace {

constexpr int64_t kCounty = 620422, kTownship = 620422102, kVillage = 620422102201;
constexpr int64_t kOtherVillage = 620422102202;

// H9 and H7: 普通农户 to be identified; H6 lives in the other village.
const char* kHouseholds =
    "户编号,行政区划代码,户类型,贫困状态,识别年度,主要致贫原因,户属性,工资性收入,生产经营性收入,"
    "生产经营性支出,财产性收入,转移性收入,不愁吃,不愁穿,住房安全等级,饮水安全,联系电话\n"
    "H9,620422102201,普通农户,,,,一般户,2000,0,0,0,0,是,是,A,是,13812345678\n"
    "H7,620422102201,普通农户,,,,一般户,2000,0,0,0,0,是,是,A,是,13987654321\n"
    "H6,620422102202,普通农户,,,,一般户,2000,0,0,0,0,是,是,A,是,13700001111\n";
const char* kMembers =
    "户编号,姓名,证件号码,与户主关系,在校生状况,健康状况,劳动能力,参加城乡居民基本医疗保险\n"
    "H9,甲一,620422198001010019,户主,非在校生,健康,普通劳动力,是\n"
    "H9,乙一,620422198001010027,配偶,非在校生,健康,普通劳动力,是\n"
    "H7,丙二,620422198001010035,户主,非在校生,健康,普通劳动力,是\n"
    "H6,丁三,620422198001010043,户主,非在校生,健康,普通劳动力,是\n";

Caller Account(const char* name, Role role, int64_t region) {
  return Caller{User{name, role, *RegionCode::Parse(std::to_string(region)), false},
                "127.0.0.1:5000"};
}

class PublicPageTest : public ServiceTest {
 protected:
  PublicPageTest()
      : ServiceTest({{kCounty * 1000000, "会宁县"},
                     {kTownship * 1000, "乙镇"},
                     {kVillage, "乙村"},
                     {kOtherVillage, "丙村"}}) {}

  void SetUp() override {
    ServiceTest::SetUp();
    if (HasFatalFailure()) return;
    SetNow("2016-03-01");
    auto policy = LoadPolicy("");
    ASSERT_TRUE(policy.ok()) << policy.error().en;
    policy_.emplace(std::move(*policy));
    ImportOptions options;
    options.files = {Write("h.csv", kHouseholds), Write("m.csv", kMembers)};
    auto report = RunImport(*store_, options);
    ASSERT_TRUE(report.ok() && report->errors.empty());
  }
  void TearDown() override {
    unsetenv("FUPIN_NOW");
    ServiceTest::TearDown();
  }
  static void SetNow(const std::string& date) {
    setenv("FUPIN_NOW", (date + "T10:00:00+08:00").c_str(), 1);
  }

  // An identification case of `household` moved to its village notice (公示).
  int64_t InNotice(const std::string& household) {
    auto c = OpenCase(*store_, *policy_, village_,
                      {.kind = "identify", .household_code = household, .year = 2016});
    EXPECT_TRUE(c.ok()) << (c.ok() ? "" : c.error().en);
    if (!c.ok()) return 0;
    for (int i = 0; i < 2; ++i) {
      EXPECT_TRUE(AdvanceCase(*store_, *policy_, village_, c->stored.id, "", {}).ok());
    }
    return c->stored.id;
  }

  // Moves case `id` to the county's decision, each notice closed on its last day.
  void Decide(int64_t id) {
    auto view = GetCase(*store_, *policy_, village_, id);
    for (int guard = 0; guard < 12 && view.ok() && view->stored.value.state == CaseState::kOpen;
         ++guard) {
      const Case& c = view->stored.value;
      const Level level = Steps(c.kind)[c.step_index].level;
      const Caller& who = level == Level::kVillage    ? village_
                          : level == Level::kTownship ? township_
                                                      : county_;
      if (c.notice) SetNow(c.notice->closes_on.ToString());
      view = AdvanceCase(*store_, *policy_, who, id, "同意", {});
      ASSERT_TRUE(view.ok()) << view.error().code << " " << view.error().en;
    }
    ASSERT_EQ(view->stored.value.state, CaseState::kDone);
  }

  // A new fund of the county, `yuan` of it allocated to a household (直补到户) or a project.
  void Allocated(const FundInput& fund, const AllocationInput& to, const std::string& yuan) {
    auto added = AddFund(*store_, county_, fund);
    ASSERT_TRUE(added.ok()) << added.error().en;
    AllocationInput allocation = to;
    allocation.fund_id = added->id;
    allocation.amount = yuan;
    auto allocated = Allocate(*store_, county_, allocation);
    ASSERT_TRUE(allocated.ok()) << allocated.error().en;
  }

  void Subsidy(const std::string& household, const std::string& yuan) {
    AllocationInput to;
    to.household_code = household;
    Allocated({.level = "县",
               .kind = "县级财政衔接资金",
               .year = 2016,
               .region = *RegionCode::Parse("620422"),
               .amount = "100000.00",
               .name = "产业发展资金"},
              to, yuan);
  }

  // A project of `village` taken through its two notices into the library (approved by the
  // county 20 days from today, FUPIN_NOW moved there); its id.
  int64_t ApprovedProject(int64_t village, const std::string& name) {
    ProjectInput in;
    in.name = name;
    in.category = "产业发展";
    in.nature = "新建";
    in.region = RegionCode::FromInt(village);
    in.year = 2016;
    in.start_on = "2016-05-01";
    in.end_on = "2016-10-31";
    in.unit = "乙镇人民政府";
    in.person = "王某";
    in.tasks = "新建温室大棚 20 座";
    in.budget = {{"中央", "200000"}};
    in.households_count = 10;
    in.people_count = 40;
    in.targets = {{"带动脱贫户户均增收", "≥2000元"}};
    in.linkage = "务工就业：优先安排脱贫户务工";
    const Caller proposer = Account("cun2", Role::kVillageOperator, village);
    auto p = ProposeProject(*store_, *policy_, proposer, in);
    EXPECT_TRUE(p.ok()) << (p.ok() ? "" : p.error().en);
    if (!p.ok()) return 0;
    const int64_t id = p->row.id;
    SetNow(p->row.closes_on);
    EXPECT_TRUE(AdvanceProject(*store_, *policy_, proposer, id, {}).ok());
    auto notice = AdvanceProject(*store_, *policy_, township_, id, {});
    EXPECT_TRUE(notice.ok()) << (notice.ok() ? "" : notice.error().en);
    if (!notice.ok()) return 0;
    SetNow(notice->row.closes_on);
    EXPECT_TRUE(AdvanceProject(*store_, *policy_, township_, id, {}).ok());
    auto approved = AdvanceProject(*store_, *policy_, county_, id, {});
    EXPECT_TRUE(approved.ok()) << (approved.ok() ? "" : approved.error().en);
    return id;
  }

  void ToProject(int64_t project, const std::string& yuan) {
    AllocationInput to;
    to.project_id = project;
    Allocated({.level = "省",
               .kind = "财政衔接资金",
               .year = 2016,
               .region = *RegionCode::Parse("620422"),
               .amount = "500000.00",
               .name = "省级衔接资金（第二批）"},
              to, yuan);
  }

  PublicVillagePage Page(int64_t village = kVillage) {
    auto page = PublicPageOf(*store_, *policy_, RegionCode::FromInt(village));
    EXPECT_TRUE(page.ok()) << (page.ok() ? "" : page.error().en);
    return page.ok() ? *page : PublicVillagePage{};
  }

  int64_t AuditCount(const std::string& action, std::string* detail = nullptr) {
    int64_t n = 0;
    EXPECT_TRUE(store_->accounts()
                    .ForEachAudit([&](const AuditRow& r) {
                      if (r.action == action) {
                        ++n;
                        if (detail) *detail = r.detail;
                      }
                      return Status::Ok();
                    })
                    .ok());
    return n;
  }

  std::optional<PolicySet> policy_;
  const Caller village_ = Account("cun", Role::kVillageOperator, kVillage);
  const Caller township_ = Account("xiang", Role::kTownshipOperator, kTownship);
  const Caller county_ = Account("xian", Role::kCountyAdmin, kCounty);
};

TEST_F(PublicPageTest, ARunningNoticeShowsTheHeadTheSizeTheDecisionAndItsDates) {
  const int64_t id = InNotice("H9");
  const PublicVillagePage page = Page();
  EXPECT_EQ(page.village_name, "乙村");
  EXPECT_EQ(page.township_name, "乙镇");
  ASSERT_EQ(page.notices.size(), 1u);
  const PublicNoticeItem& line = page.notices[0];
  EXPECT_EQ(line.notice, "case:" + std::to_string(id));
  EXPECT_EQ(line.name, "甲一");
  EXPECT_EQ(line.size, 2);
  EXPECT_EQ(line.category, "识别纳入");
  EXPECT_EQ(line.decision, "拟识别为建档立卡贫困户");
  EXPECT_EQ(line.start, "2016-03-01");
  EXPECT_EQ(line.closes_on, "2016-03-08");
  EXPECT_TRUE(page.decisions.empty());
  EXPECT_TRUE(page.archive.empty());
  // The other village's page knows nothing of it.
  EXPECT_TRUE(Page(kOtherVillage).notices.empty());
}

TEST_F(PublicPageTest, ADecisionStaysThirtyDaysThenGoesToTheArchiveWithItsEndedNotices) {
  const int64_t id = InNotice("H9");
  Decide(id);
  PublicVillagePage page = Page();
  EXPECT_TRUE(page.notices.empty());
  ASSERT_EQ(page.decisions.size(), 1u);
  EXPECT_EQ(page.decisions[0].name, "甲一");
  EXPECT_EQ(page.decisions[0].decision, "识别为建档立卡贫困户");
  const std::string decided_on = page.decisions[0].start;
  // The ended notices (village, and township where the procedure has one) are archived.
  ASSERT_FALSE(page.archive.empty());
  for (const PublicNoticeItem& i : page.archive) EXPECT_EQ(i.section, "notice");
  EXPECT_EQ(page.archive.back().start, "2016-03-01");

  SetNow(Date::FromDays(Date::Parse(decided_on)->days() + kDecisionDays).ToString());
  EXPECT_EQ(Page().decisions.size(), 1u) << "still on the page on day 30";
  SetNow(Date::FromDays(Date::Parse(decided_on)->days() + kDecisionDays + 1).ToString());
  page = Page();
  EXPECT_TRUE(page.decisions.empty());
  ASSERT_FALSE(page.archive.empty());
  EXPECT_EQ(page.archive.front().section, "decision");
  EXPECT_FALSE(page.archive.front().in_force);
}

TEST_F(PublicPageTest, ADirectSubsidyShowsTheHeadTheFundTheAmountAndTheDate) {
  Subsidy("H9", "3000.50");
  Subsidy("H6", "10.00");  // another village
  const PublicVillagePage page = Page();
  ASSERT_EQ(page.subsidies.size(), 1u);
  EXPECT_EQ(page.subsidies[0].name, "甲一");
  EXPECT_EQ(page.subsidies[0].category, "产业发展资金");
  EXPECT_EQ(page.subsidies[0].amount_fen, 300050);
  EXPECT_EQ(page.subsidies[0].start, "2016-03-01");
  SetNow("2016-04-15");
  EXPECT_TRUE(Page().subsidies.empty());
  ASSERT_EQ(Page().archive.size(), 1u);
  EXPECT_EQ(Page().archive[0].section, "subsidy");
}

TEST_F(PublicPageTest, AnAllocationToAProjectShowsTheProjectTheFundItsSourceTheAmountAndTheDate) {
  const int64_t here = ApprovedProject(kVillage, "乙村温室大棚");
  const int64_t there = ApprovedProject(kOtherVillage, "丙村道路硬化");
  ToProject(here, "120000.00");
  ToProject(there, "80000.00");
  const PublicVillagePage page = Page();
  ASSERT_EQ(page.allocations.size(), 1u) << "the other village's project is not on this page";
  const PublicNoticeItem& line = page.allocations[0];
  EXPECT_EQ(line.section, "allocation");
  EXPECT_EQ(line.name, "乙村温室大棚");
  EXPECT_EQ(line.category, "省级衔接资金（第二批）");
  EXPECT_EQ(line.source, "省级 · 财政衔接资金");
  EXPECT_EQ(line.amount_fen, 12000000);
  EXPECT_EQ(line.start, page.today);
  EXPECT_EQ(line.notice, "project:" + std::to_string(here)) << "an objection names the project";
  EXPECT_EQ(line.size, 0);
  EXPECT_TRUE(page.subsidies.empty()) << "not a direct subsidy";

  const int32_t allocated_on = Date::Parse(line.start)->days();
  SetNow(Date::FromDays(allocated_on + kDecisionDays).ToString());
  EXPECT_EQ(Page().allocations.size(), 1u) << "still on the page on day 30";
  SetNow(Date::FromDays(allocated_on + kDecisionDays + 1).ToString());
  const PublicVillagePage later = Page();
  EXPECT_TRUE(later.allocations.empty());
  const auto archived =
      std::count_if(later.archive.begin(), later.archive.end(),
                    [](const PublicNoticeItem& i) { return i.section == "allocation"; });
  EXPECT_EQ(archived, 1);

  PublicObjection o{"王五", "13912345678", "大棚资金没有用在本村", line.notice};
  auto filed = FilePublicObjection(*store_, *policy_, RegionCode::FromInt(kVillage), o, "x");
  ASSERT_TRUE(filed.ok()) << filed.error().en;
  EXPECT_EQ(filed->complaint.row.text, "【" + line.notice + "】大棚资金没有用在本村");
}

TEST_F(PublicPageTest, TheArchiveIsPagedNewestFirst) {
  PublicVillagePage page;
  for (int i = 0; i < 7; ++i) {
    PublicNoticeItem item;
    item.start = "2016-01-0" + std::to_string(i + 1);
    page.archive.insert(page.archive.begin(), item);
  }
  const ArchivePage second = ArchivePageOf(page, 2, 3);
  EXPECT_EQ(second.total, 7);
  EXPECT_EQ(second.pages, 3);
  ASSERT_EQ(second.items.size(), 3u);
  EXPECT_EQ(second.items[0].start, "2016-01-04");
  EXPECT_EQ(ArchivePageOf(page, 99, 3).page, 3) << "past the end: the last page";
  EXPECT_EQ(ArchivePageOf(page, 99, 3).items.size(), 1u);
}

TEST_F(PublicPageTest, AnUnknownVillageOrACodeThatIsNoVillageIsNotFound) {
  EXPECT_EQ(PublicPageOf(*store_, *policy_, RegionCode::FromInt(620422102299)).error().code,
            "E_NOT_FOUND");
  EXPECT_EQ(PublicPageOf(*store_, *policy_, RegionCode::FromInt(kTownship * 1000)).error().code,
            "E_NOT_FOUND");
}

TEST_F(PublicPageTest, AnObjectionNamingACaseInItsNoticeFilesAComplaintAndSendsTheCaseBack) {
  const int64_t id = InNotice("H9");
  PublicObjection o{"王五", "139 1234 5678", "此户有经商收入", "case:" + std::to_string(id)};
  auto filed =
      FilePublicObjection(*store_, *policy_, RegionCode::FromInt(kVillage), o, "10.0.0.1:1");
  ASSERT_TRUE(filed.ok()) << filed.error().en;
  EXPECT_EQ(filed->case_id, id);
  EXPECT_EQ(filed->complaint.row.due_on, "2016-03-16");
  // The village's office sees the complaint, of channel notice, about the household.
  auto seen = GetComplaint(*store_, village_, filed->complaint.row.id);
  ASSERT_TRUE(seen.ok());
  EXPECT_EQ(seen->row.channel, "notice");
  EXPECT_EQ(seen->row.region_code, kVillage);
  EXPECT_EQ(seen->row.household_code, "H9");
  EXPECT_EQ(seen->row.phone, "13912345678");
  EXPECT_EQ(seen->row.created_by, "public");
  // The case went back to verify, with the objection on record.
  auto c = GetCase(*store_, *policy_, village_, id);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->stored.value.current_step(), Step::kVerify);
  EXPECT_EQ(c->stored.value.steps.back().action, ActionKind::kObjection);
  EXPECT_EQ(c->stored.value.steps.back().actor, "public");
  EXPECT_TRUE(Page().notices.empty());
  // Audited, the phone masked.
  std::string detail;
  EXPECT_EQ(AuditCount("public.objection", &detail), 1);
  EXPECT_NE(detail.find("139****5678"), std::string::npos) << detail;
  EXPECT_EQ(detail.find("13912345678"), std::string::npos) << detail;
  EXPECT_EQ(AuditCount("case.objection"), 1);
  EXPECT_EQ(AuditCount("complaint.add"), 1);
}

TEST_F(PublicPageTest, AnObjectionWithoutACaseOrOnAnotherVillagesCaseIsAComplaintOnly) {
  const int64_t other = InNotice("H9");
  PublicObjection o{"王五", "13912345678", "公示栏没有按时更新", ""};
  auto plain = FilePublicObjection(*store_, *policy_, RegionCode::FromInt(kVillage), o, "x");
  ASSERT_TRUE(plain.ok());
  EXPECT_FALSE(plain->case_id);
  o.notice = "case:" + std::to_string(other);
  auto elsewhere =
      FilePublicObjection(*store_, *policy_, RegionCode::FromInt(kOtherVillage), o, "x");
  ASSERT_TRUE(elsewhere.ok());
  EXPECT_FALSE(elsewhere->case_id);
  o.notice = "project:7";
  auto project = FilePublicObjection(*store_, *policy_, RegionCode::FromInt(kVillage), o, "x");
  ASSERT_TRUE(project.ok());
  EXPECT_FALSE(project->case_id);
  EXPECT_EQ(project->complaint.row.text, "【project:7】公示栏没有按时更新");
  EXPECT_EQ(Page().notices.size(), 1u) << "the case in the first village is still in its notice";
}

TEST_F(PublicPageTest, AnObjectionWithoutNamePhoneOrTextOrWithABadPhoneIsRefused) {
  const RegionCode v = RegionCode::FromInt(kVillage);
  auto refused = [&](PublicObjection o) {
    auto r = FilePublicObjection(*store_, *policy_, v, o, "x");
    return r.ok() ? std::string("ok") : r.error().code + " " + r.error().zh;
  };
  EXPECT_EQ(refused({"", "13912345678", "t", ""}), "E_VALIDATION 请填写您的姓名");
  EXPECT_EQ(refused({"王五", "", "t", ""}), "E_VALIDATION 请填写联系电话");
  EXPECT_EQ(refused({"王五", "13912345678", "", ""}), "E_VALIDATION 请填写异议内容");
  EXPECT_EQ(refused({"王五", "12345", "t", ""}).substr(0, 7), "E_PHONE");
  EXPECT_EQ(refused({"王五", "13912345678", "t", "project:x"}).substr(0, 12), "E_VALIDATION");
  EXPECT_EQ(refused({"王五", "13912345678", std::string(2001, 'a'), ""}).substr(0, 12),
            "E_VALIDATION");
  EXPECT_EQ(FilePublicObjection(*store_, *policy_, RegionCode::FromInt(620422102299),
                                {"王五", "13912345678", "t", ""}, "x")
                .error()
                .code,
            "E_NOT_FOUND");
  EXPECT_EQ(AuditCount("complaint.add"), 0);
}

TEST(RateLimiterTest, FivePerHourFromOneAddressThenAWaitUntilTheOldestLeavesTheWindow) {
  RateLimiter limit(5, std::chrono::hours(1));
  const auto t0 = RateLimiter::Clock::time_point{} + std::chrono::hours(10);
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(limit.Take("10.0.0.1", t0 + std::chrono::minutes(i)).count(), 0);
  }
  EXPECT_EQ(limit.Take("10.0.0.1", t0 + std::chrono::minutes(10)).count(), 50 * 60);
  EXPECT_EQ(limit.Take("10.0.0.2", t0 + std::chrono::minutes(10)).count(), 0) << "another address";
  EXPECT_EQ(limit.Take("10.0.0.1", t0 + std::chrono::minutes(60)).count(), 0);
}

TEST(RateLimiterTest, ForgetsTheQuietestAddressWhenFull) {
  RateLimiter limit(1, std::chrono::hours(1), 2);
  const auto t0 = RateLimiter::Clock::time_point{} + std::chrono::hours(10);
  EXPECT_EQ(limit.Take("a", t0).count(), 0);
  EXPECT_EQ(limit.Take("b", t0 + std::chrono::seconds(1)).count(), 0);
  EXPECT_EQ(limit.Take("c", t0 + std::chrono::seconds(2)).count(), 0);  // "a" forgotten
  EXPECT_EQ(limit.Take("a", t0 + std::chrono::seconds(3)).count(), 0);
  EXPECT_GT(limit.Take("c", t0 + std::chrono::seconds(4)).count(), 0);
}

TEST_F(PublicPageTest, TheCacheKeepsAPageUntilAWriteIsAudited) {
  PublicPageCache cache(std::chrono::hours(1));
  int builds = 0;
  auto build = [&]() -> Result<std::string> { return "v" + std::to_string(++builds); };
  EXPECT_EQ(*cache.Get(*store_, "page|1", build), "v1");
  EXPECT_EQ(*cache.Get(*store_, "page|1", build), "v1");
  InNotice("H9");  // audited writes
  EXPECT_EQ(*cache.Get(*store_, "page|1", build), "v2");
  SetNow("2016-03-02");  // another day
  EXPECT_EQ(*cache.Get(*store_, "page|1", build), "v3");
  PublicPageCache young(std::chrono::milliseconds(0));
  EXPECT_EQ(*young.Get(*store_, "page|1", build), "v4");
  EXPECT_EQ(*young.Get(*store_, "page|1", build), "v5") << "older than max_age";
}

}  // namespace
}  // namespace fupin
