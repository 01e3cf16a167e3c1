// Measures (帮扶措施) and visits (走访): who may record them for which household, what input
// is refused, the worklist of monitored households without a recent measure, and the
// household's timeline.
#include "service/procedures/measure_service.h"

#include <gtest/gtest.h>

#include "service/accounts/audit_service.h"
#include "service/imports/import_service.h"
#include "service/procedures/attachment_service.h"
#include "service/procedures/timeline_service.h"
#include "service/service_test_fixture.h"

namespace fupin {
namespace {

// H1 and H2 in village 620422102201 (H2 monitored since 2025), H3 (monitored) in 620422101205.
const char* kHouseholds =
    "户编号,行政区划代码,户类型,贫困状态,识别年度,主要致贫原因,工资性收入,生产经营性收入,"
    "生产经营性支出,财产性收入,转移性收入,不愁吃,不愁穿,住房安全等级,饮水安全,监测对象类型,"
    "监测状态,纳入监测日期,风险类型,脱贫年度\n"
    "H1,620422102201,建档立卡户,未脱贫,2016,缺资金,3000,0,0,0,0,是,是,A,是,,,,,\n"
    "H2,620422102201,建档立卡户,已脱贫,2016,缺资金,3000,0,0,0,0,是,是,A,是,脱贫不稳定户,监测中,"
    "2025-03-01,因病,2019\n"
    "H3,620422101205,建档立卡户,已脱贫,2016,缺资金,3000,0,0,0,0,是,是,A,是,脱贫不稳定户,监测中,"
    "2025-03-01,因病,2019\n";
const char* kMembers =
    "户编号,姓名,证件号码,与户主关系,在校生状况,健康状况,劳动能力,参加城乡居民基本医疗保险\n"
    "H1,甲,620422198001010019,户主,非在校生,健康,普通劳动力,是\n"
    "H2,乙,620422198001010027,户主,非在校生,健康,普通劳动力,是\n"
    "H3,丙,620422198001010035,户主,非在校生,健康,普通劳动力,是\n";

constexpr int64_t kVillage = 620422102201;  // H1, H2
constexpr int64_t kOther = 620422101205;    // H3
const std::string kPng("\x89PNG\r\n\x1A\n\0\0\0\rIHDR", 16);

Caller As(const std::string& name, Role role, int64_t region) {
  return Caller{User{name, role, RegionCode::FromInt(region), false}, "test"};
}

MeasureInput Measure(std::string category = "01", std::string date = "2026-06-01",
                     std::string amount = "1500.50") {
  return {std::move(category), std::move(date), std::move(amount), "发放鸡苗 200 只"};
}

class CareTest : public ServiceTest {
 protected:
  CareTest() : ServiceTest({{620422000000, "县"}, {kOther, "甲村"}, {kVillage, "乙村"}}) {}
  void SetUp() override {
    ServiceTest::SetUp();
    if (HasFatalFailure()) return;
    ImportOptions options;
    options.files = {Write("h.csv", kHouseholds), Write("m.csv", kMembers)};
    auto report = RunImport(*store_, options);
    ASSERT_TRUE(report.ok()) << report.error().en;
    ASSERT_TRUE(report->errors.empty()) << report->errors.front().en;
    ASSERT_TRUE(store_->Begin().ok());
    ASSERT_TRUE(store_->compare().Assign("helper1", "H2", "2026-06-30T00:00:00Z").ok());
    ASSERT_TRUE(store_->Commit().ok());
  }
  int64_t AuditCount(const std::string& action) {
    AuditQuery q;
    q.action_prefix = action;
    auto page = SearchAudit(*store_, CliCaller(), q);
    EXPECT_TRUE(page.ok());
    return page.ok() ? page->total : -1;
  }

  const Caller admin_ = As("root", Role::kAdmin, 0);
  const Caller village_op_ = As("village_op", Role::kVillageOperator, kVillage);
  const Caller helper_ = As("helper1", Role::kHelper, kVillage);
};

TEST_F(CareTest, AVillageOperatorRecordsAMeasureWithItsAmountInFen) {
  auto m = AddMeasure(*store_, village_op_, "H1", Measure("产业帮扶"));
  ASSERT_TRUE(m.ok()) << m.error().en;
  EXPECT_GT(m->id, 0);
  EXPECT_EQ(m->category, 1);
  EXPECT_EQ(m->amount_fen, 150050);
  EXPECT_EQ(m->recorded_by, "village_op");
  auto list = ListMeasures(*store_, village_op_, "H1");
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 1u);
  EXPECT_EQ((*list)[0].description, "发放鸡苗 200 只");
  EXPECT_EQ((*list)[0].county_code, 620422000000);
  EXPECT_EQ(AuditCount("measure.add"), 1);
}

TEST_F(CareTest, MeasuresAreListedNewestFirst) {
  ASSERT_TRUE(AddMeasure(*store_, admin_, "H1", Measure("01", "2026-01-05")).ok());
  ASSERT_TRUE(AddMeasure(*store_, admin_, "H1", Measure("02", "2026-05-05")).ok());
  ASSERT_TRUE(AddMeasure(*store_, admin_, "H1", Measure("03", "2025-12-31")).ok());
  auto list = ListMeasures(*store_, admin_, "H1");
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 3u);
  EXPECT_EQ((*list)[0].date, "2026-05-05");
  EXPECT_EQ((*list)[2].date, "2025-12-31");
  auto latest = store_->care().LatestMeasureDate(620422000000, "H1");
  ASSERT_TRUE(latest.ok());
  EXPECT_EQ(*latest, "2026-05-05");
}

TEST_F(CareTest, AMeasureWithoutAnAmountKeepsNoAmount) {
  auto m = AddMeasure(*store_, admin_, "H1", Measure("05", "2026-06-01", ""));
  ASSERT_TRUE(m.ok());
  EXPECT_FALSE(m->amount_fen.has_value());
}

TEST_F(CareTest, BadInputIsRefusedWithItsCodeAndNothingIsWritten) {
  EXPECT_EQ(AddMeasure(*store_, admin_, "H1", Measure("14")).error().code, "E_CODE");
  EXPECT_EQ(AddMeasure(*store_, admin_, "H1", Measure("扶贫")).error().code, "E_CODE");
  EXPECT_EQ(AddMeasure(*store_, admin_, "H1", Measure("01", "2026-02-30")).error().code, "E_DATE");
  // FUPIN_TODAY is 2026-06-30 in the service tests.
  EXPECT_EQ(AddMeasure(*store_, admin_, "H1", Measure("01", "2026-07-01")).error().code, "E_DATE");
  EXPECT_EQ(AddMeasure(*store_, admin_, "H1", Measure("01", "2026-06-01", "-1")).error().code,
            "E_NUMBER");
  EXPECT_EQ(AddMeasure(*store_, admin_, "H1", Measure("01", "2026-06-01", "1.005")).error().code,
            "E_NUMBER");
  MeasureInput long_text = Measure();
  long_text.description = std::string(2001, 'a');
  EXPECT_EQ(AddMeasure(*store_, admin_, "H1", long_text).error().code, "E_FORMAT");
  MeasureInput control = Measure();
  control.description = "措施\x1b[31m";
  EXPECT_EQ(AddMeasure(*store_, admin_, "H1", control).error().code, "E_FORMAT");
  auto list = ListMeasures(*store_, admin_, "H1");
  ASSERT_TRUE(list.ok());
  EXPECT_TRUE(list->empty());
  EXPECT_EQ(AuditCount("measure.add"), 0);
}

TEST_F(CareTest, TwoThousandChineseCharactersAndLineBreaksAreAccepted) {
  MeasureInput m = Measure();
  std::string text;
  for (int i = 0; i < 1999; ++i) text += "帮";
  m.description = text + "\n";  // 2000 characters, 5998 bytes
  EXPECT_TRUE(AddMeasure(*store_, admin_, "H1", m).ok());
}

TEST_F(CareTest, RolesThatDoNotRecordAssistanceAreForbiddenBeforeTheHouseholdIsLookedUp) {
  for (Role role : {Role::kViewer, Role::kAuditor, Role::kDepartment}) {
    const Caller c = As("x", role, 620422000000);
    EXPECT_EQ(AddMeasure(*store_, c, "H1", Measure()).error().code, "E_FORBIDDEN");
    EXPECT_EQ(AddMeasure(*store_, c, "HNOSUCH", Measure()).error().code, "E_FORBIDDEN");
    EXPECT_EQ(AddVisit(*store_, c, "H1", {"2026-06-01", std::nullopt, "好", {}}).error().code,
              "E_FORBIDDEN");
    // They read what others recorded.
    EXPECT_TRUE(ListMeasures(*store_, c, "H1").ok());
  }
}

TEST_F(CareTest, AHouseholdOutsideTheRegionIsAnsweredAsOneThatDoesNotExist) {
  auto outside = AddMeasure(*store_, village_op_, "H3", Measure());
  auto missing = AddMeasure(*store_, village_op_, "HNOSUCH", Measure());
  ASSERT_FALSE(outside.ok());
  EXPECT_EQ(outside.error().code, "E_NOT_FOUND");
  EXPECT_EQ(missing.error().code, "E_NOT_FOUND");
  EXPECT_EQ(ListVisits(*store_, village_op_, "H3").error().code, "E_NOT_FOUND");
  EXPECT_EQ(HouseholdTimeline(*store_, village_op_, "H3").error().code, "E_NOT_FOUND");
}

TEST_F(CareTest, AHelperRecordsForItsOwnHouseholdsOnly) {
  EXPECT_TRUE(AddMeasure(*store_, helper_, "H2", Measure()).ok());
  EXPECT_TRUE(AddVisit(*store_, helper_, "H2", {"2026-06-20", 7, "家中均好", {}}).ok());
  // H1 is in the helper's village but not assigned to it.
  EXPECT_EQ(AddMeasure(*store_, helper_, "H1", Measure()).error().code, "E_NOT_FOUND");
  EXPECT_EQ(ListMeasures(*store_, helper_, "H1").error().code, "E_NOT_FOUND");
  EXPECT_EQ(AddVisit(*store_, helper_, "H1", {"2026-06-20", 7, "好", {}}).error().code,
            "E_NOT_FOUND");
}

TEST_F(CareTest, AVisitClaimsTheAttachmentsItsRecorderUploaded) {
  auto photo = UploadAttachment(*store_, village_op_, "门前.png", kPng);
  ASSERT_TRUE(photo.ok()) << photo.error().en;
  auto visit =
      AddVisit(*store_, village_op_, "H1", {"2026-06-20", std::nullopt, "房屋安全", {photo->id}});
  ASSERT_TRUE(visit.ok()) << visit.error().en;
  ASSERT_EQ(visit->attachments.size(), 1u);
  EXPECT_EQ(visit->attachments[0].owner, "visit:" + std::to_string(visit->visit.id));
  EXPECT_EQ(visit->attachments[0].household_code, "H1");
  auto listed = ListVisits(*store_, admin_, "H1");
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ((*listed)[0].attachments.size(), 1u);
  EXPECT_EQ((*listed)[0].visit.visitor, "village_op");
  // Claimed once: a second visit cannot take it.
  auto again =
      AddVisit(*store_, village_op_, "H1", {"2026-06-21", std::nullopt, "再访", {photo->id}});
  EXPECT_EQ(again.error().code, "E_ATTACHMENT");
  EXPECT_EQ(ListVisits(*store_, admin_, "H1")->size(), 1u) << "the refused visit is not written";
}

TEST_F(CareTest, AVisitNeedsItsFindings) {
  EXPECT_EQ(AddVisit(*store_, admin_, "H1", {"2026-06-20", std::nullopt, "  ", {}}).error().code,
            "E_REQUIRED");
  EXPECT_EQ(AddVisit(*store_, admin_, "H1", {"2026-06-20", 0, "好", {}}).error().code, "E_NUMBER");
}

TEST_F(CareTest, TheWorklistNamesMonitoredHouseholdsWithoutAMeasureInTheLastDays) {
  // H2 and H3 are monitored; H1 is not.
  auto all = MonitoredWithoutRecentMeasure(*store_, admin_, RegionCode::Nation(), 30, 0, 50);
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->total, 2);
  ASSERT_TRUE(AddMeasure(*store_, admin_, "H2", Measure("01", "2026-06-01")).ok());  // 30th day
  ASSERT_TRUE(AddMeasure(*store_, admin_, "H3", Measure("01", "2026-05-31")).ok());  // 31st
  auto stale = MonitoredWithoutRecentMeasure(*store_, admin_, RegionCode::Nation(), 30, 0, 50);
  ASSERT_TRUE(stale.ok());
  ASSERT_EQ(stale->total, 1);
  EXPECT_EQ(stale->items[0].household_code, "H3");
  EXPECT_EQ(stale->items[0].latest_measure_date, "2026-05-31");
  EXPECT_EQ(stale->items[0].monitor_since, "2025-03-01");
  // Scoped: the village operator of H2's village sees none; outside its region is 404.
  auto village =
      MonitoredWithoutRecentMeasure(*store_, village_op_, RegionCode::FromInt(kVillage), 30, 0, 50);
  ASSERT_TRUE(village.ok());
  EXPECT_EQ(village->total, 0);
  EXPECT_EQ(
      MonitoredWithoutRecentMeasure(*store_, village_op_, RegionCode::FromInt(kOther), 30, 0, 50)
          .error()
          .code,
      "E_NOT_FOUND");
}

TEST_F(CareTest, AHelpersWorklistHoldsItsOwnHouseholdsOnly) {
  // helper1 is assigned H2 (monitored, no measure); H3 is monitored too, elsewhere.
  auto mine =
      MonitoredWithoutRecentMeasure(*store_, helper_, RegionCode::FromInt(kVillage), 30, 0, 50);
  ASSERT_TRUE(mine.ok());
  ASSERT_EQ(mine->total, 1);
  EXPECT_EQ(mine->items[0].household_code, "H2");
  EXPECT_EQ(mine->items[0].latest_measure_date, "") << "never had one";
  const Caller other_helper = As("helper2", Role::kHelper, kVillage);
  auto none = MonitoredWithoutRecentMeasure(*store_, other_helper, RegionCode::FromInt(kVillage),
                                            30, 0, 50);
  ASSERT_TRUE(none.ok());
  EXPECT_EQ(none->total, 0);
}

TEST_F(CareTest, TheTimelineMergesHistoryMeasuresAndVisitsNewestFirst) {
  ASSERT_TRUE(AddMeasure(*store_, admin_, "H1", Measure("01", "2026-03-01")).ok());
  ASSERT_TRUE(AddVisit(*store_, admin_, "H1", {"2026-06-29", std::nullopt, "走访", {}}).ok());
  ASSERT_TRUE(AddMeasure(*store_, admin_, "H1", Measure("02", "2026-06-10")).ok());
  auto timeline = HouseholdTimeline(*store_, admin_, "H1");
  ASSERT_TRUE(timeline.ok()) << timeline.error().en;
  // The import's history (today, 2026-06-30) and three records.
  ASSERT_EQ(timeline->size(), 4u);
  EXPECT_TRUE(std::holds_alternative<HistoryGroup>((*timeline)[0].event));
  EXPECT_EQ(std::get<HistoryGroup>((*timeline)[0].event).changes[0].field, "created");
  EXPECT_TRUE(std::holds_alternative<VisitView>((*timeline)[1].event));
  EXPECT_EQ(std::get<MeasureRow>((*timeline)[2].event).date, "2026-06-10");
  EXPECT_EQ(std::get<MeasureRow>((*timeline)[3].event).date, "2026-03-01");
  EXPECT_EQ(AuditCount("person.read"), 1) << "an unmasked read of the history is on record";
}

TEST_F(CareTest, TheTimelineTakesItemsOfOtherSources) {
  MeasureRow extra;
  extra.date = "2026-06-15";
  extra.recorded_at = "2026-06-15T02:00:00Z";
  extra.category = 99;
  auto timeline = HouseholdTimeline(*store_, admin_, "H1", {MakeTimelineItem(extra)});
  ASSERT_TRUE(timeline.ok());
  ASSERT_EQ(timeline->size(), 2u);
  EXPECT_EQ(std::get<MeasureRow>((*timeline)[1].event).category, 99);
}

}  // namespace
}  // namespace fupin
