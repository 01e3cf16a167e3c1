// 12317 complaints: the answer limit, the escalation on the clock (FUPIN_NOW moved, never
// slept), what each role sees of the complainant, the answer and the confirmation, the
// scope refusals and the statistics.
#include "service/complaints/complaint_service.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include "exchange/policy_file.h"
#include "service/imports/import_service.h"
#include "service/service_test_fixture.h"

namespace fupin {
namespace {

constexpr int64_t kCounty = 620422, kTownship = 620422102, kVillage = 620422102201;
constexpr int64_t kOtherVillage = 620422102202, kOtherTownship = 620422103;
constexpr int64_t kOtherTownshipVillage = 620422103201;

const char* kHouseholds =
    "户编号,行政区划代码,户类型,贫困状态,识别年度,主要致贫原因,户属性,工资性收入,生产经营性收入,"
    "生产经营性支出,财产性收入,转移性收入,不愁吃,不愁穿,住房安全等级,饮水安全\n"
    "H9,620422102201,普通农户,,,,一般户,2000,0,0,0,0,是,是,A,是\n";
const char* kMembers =
    "户编号,姓名,证件号码,与户主关系,在校生状况,健康状况,劳动能力,参加城乡居民基本医疗保险\n"
    "H9,甲,620422198001010019,户主,非在校生,健康,普通劳动力,是\n"
    "H9,乙,620422198001010027,配偶,非在校生,健康,普通劳动力,是\n";

Caller Account(const char* name, Role role, int64_t region) {
  const RegionCode code =
      region == 0 ? RegionCode::Nation() : *RegionCode::Parse(std::to_string(region));
  return Caller{User{name, role, code, false}, "127.0.0.1:5000"};
}

class ComplaintServiceTest : public ServiceTest {
 protected:
  ComplaintServiceTest()
      : ServiceTest({{kCounty * 1000000, "会宁县"},
                     {kTownship * 1000, "乙镇"},
                     {kVillage, "乙村"},
                     {kOtherVillage, "丙村"},
                     {kOtherTownship * 1000, "丁镇"},
                     {kOtherTownshipVillage, "丁村"}}) {}

  void SetUp() override {
    ServiceTest::SetUp();
    if (HasFatalFailure()) return;
    SetNow("2026-06-01");  // a Monday
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

  FileComplaintRequest Request(int64_t region = kVillage) {
    FileComplaintRequest r;
    r.channel = "phone";
    r.region = std::to_string(region);
    r.subject = "低保";
    r.text = "村里的低保评定不公开";
    r.name = "王小明";
    r.phone = "13812345678";
    return r;
  }

  Result<ComplaintView> File(const Caller& who, FileComplaintRequest r) {
    return FileComplaint(*store_, *policy_, who, r);
  }

  std::vector<int64_t> Listed(const Caller& who, ComplaintListQuery q = {}) {
    auto list = ListComplaints(*store_, who, q);
    EXPECT_TRUE(list.ok()) << (list.ok() ? "" : list.error().en);
    std::vector<int64_t> ids;
    if (list.ok()) {
      for (const auto& v : list->items) ids.push_back(v.row.id);
    }
    return ids;
  }

  int64_t AuditCount(const std::string& action) {
    int64_t n = 0;
    EXPECT_TRUE(store_->accounts()
                    .ForEachAudit([&](const AuditRow& r) {
                      if (r.action == action) ++n;
                      return Status::Ok();
                    })
                    .ok());
    return n;
  }

  std::optional<PolicySet> policy_;
  Caller village_ = Account("v1", Role::kVillageOperator, kVillage);
  Caller township_ = Account("t1", Role::kTownshipOperator, kTownship);
  Caller county_ = Account("c1", Role::kCountyAdmin, kCounty);
  Caller viewer_ = Account("view", Role::kViewer, kCounty);
};

TEST(ComplaintDueDateTest, FifteenCalendarDaysFromTheDayReceived) {
  const Date monday = *Date::Parse("2026-06-01");
  EXPECT_EQ(ComplaintDueDate(monday, 15, false).ToString(), "2026-06-16");
}

TEST(ComplaintDueDateTest, WorkingDaysSkipTheWeekend) {
  const Date friday = *Date::Parse("2026-06-05");
  // Mon 8 … Fri 12 are five working days; the weekend of 6–7 June is not counted.
  EXPECT_EQ(ComplaintDueDate(friday, 5, true).ToString(), "2026-06-12");
  EXPECT_EQ(ComplaintDueDate(friday, 1, true).ToString(), "2026-06-08");
  const Date saturday = *Date::Parse("2026-06-06");
  EXPECT_EQ(ComplaintDueDate(saturday, 1, true).ToString(), "2026-06-08");
  EXPECT_EQ(ComplaintDueDate(friday, 15, true).ToString(), "2026-06-26");
}

TEST_F(ComplaintServiceTest, AFiledComplaintIsDueIn15DaysOnTheVillagesDesk) {
  auto filed = File(village_, Request());
  ASSERT_TRUE(filed.ok()) << filed.error().en;
  EXPECT_EQ(filed->row.due_on, "2026-06-16");
  EXPECT_EQ(filed->row.state, "open");
  EXPECT_EQ(filed->row.level_code, kVillage);
  EXPECT_FALSE(filed->overdue);
  EXPECT_EQ(AuditCount("complaint.add"), 1);
}

TEST_F(ComplaintServiceTest, WithWorkingDaysARegionsComplaintsAreDueAfterTheWeekend) {
  auto layer = ParsePolicyText(
      "[override.\"620422\"]\ncomplaints = { answer_days = 5, answer_working_days = true }\n",
      "county.toml");
  ASSERT_TRUE(layer.ok());
  auto national = ParsePolicyText(NationalPolicyText(), "policy/national.toml");
  auto set = PolicySet::Build({*national, *layer});
  ASSERT_TRUE(set.ok()) << set.error().en;
  policy_.emplace(std::move(*set));
  SetNow("2026-06-05");  // a Friday
  auto filed = File(village_, Request());
  ASSERT_TRUE(filed.ok()) << filed.error().en;
  EXPECT_EQ(filed->row.due_on, "2026-06-12");
}

TEST_F(ComplaintServiceTest, AnOverdueComplaintEscalatesOnDay16AndOnlyThenReachesTheTownship) {
  auto filed = File(village_, Request());
  ASSERT_TRUE(filed.ok());
  const int64_t id = filed->row.id;

  SetNow("2026-06-16");  // day 15: due today, still the village's
  EXPECT_TRUE(Listed(township_).empty());
  EXPECT_EQ(GetComplaint(*store_, township_, id).error().code, "E_NOT_FOUND");
  EXPECT_EQ(Listed(village_), std::vector<int64_t>{id});
  EXPECT_EQ(AuditCount("complaint.escalate"), 0);

  SetNow("2026-06-17");  // day 16: overdue, escalated to the township
  EXPECT_EQ(Listed(township_), std::vector<int64_t>{id});
  auto seen = GetComplaint(*store_, township_, id);
  ASSERT_TRUE(seen.ok()) << seen.error().en;
  EXPECT_TRUE(seen->overdue);
  EXPECT_EQ(seen->row.escalated_to, kTownship * 1000);
  EXPECT_EQ(seen->row.level_code, kTownship * 1000);
  EXPECT_EQ(RegionLevelName(RegionCode::FromInt(seen->row.level_code)), "township");
  EXPECT_EQ(Listed(village_), std::vector<int64_t>{id});  // the village still sees it
  // Escalated once, audited once, however often it is read.
  SetNow("2026-07-30");
  EXPECT_EQ(Listed(township_), std::vector<int64_t>{id});
  EXPECT_EQ(AuditCount("complaint.escalate"), 1);
  EXPECT_EQ(GetComplaint(*store_, township_, id)->row.level_code, kTownship * 1000);
  // A township elsewhere never sees it.
  EXPECT_TRUE(Listed(Account("t2", Role::kTownshipOperator, kOtherTownship)).empty());
}

TEST_F(ComplaintServiceTest, TheOverdueFilterListsOpenComplaintsPastTheirDueDate) {
  auto late = File(village_, Request());
  ASSERT_TRUE(late.ok());
  SetNow("2026-06-10");
  auto recent = File(village_, Request());
  ASSERT_TRUE(recent.ok());
  SetNow("2026-06-20");
  ComplaintListQuery q;
  q.overdue = true;
  EXPECT_EQ(Listed(county_, q), std::vector<int64_t>{late->row.id});
  q.overdue = false;
  q.state = "open";
  EXPECT_EQ(Listed(county_, q), (std::vector<int64_t>{late->row.id, recent->row.id}));
}

TEST_F(ComplaintServiceTest, ThePhoneIsMaskedForEveryoneButTheHandler) {
  auto filed = File(village_, Request());
  ASSERT_TRUE(filed.ok());
  const int64_t id = filed->row.id;
  auto handler = GetComplaint(*store_, village_, id);
  ASSERT_TRUE(handler.ok());
  EXPECT_TRUE(handler->handler);
  EXPECT_EQ(handler->row.phone, "13812345678");
  EXPECT_EQ(handler->row.name, "王小明");
  EXPECT_EQ(AuditCount("complaint.read"), 1);
  for (const Caller& other : {viewer_, county_, Account("a", Role::kAuditor, kCounty),
                              Account("root", Role::kAdmin, 0)}) {
    auto seen = GetComplaint(*store_, other, id);
    ASSERT_TRUE(seen.ok()) << seen.error().en;
    EXPECT_FALSE(seen->handler);
    EXPECT_EQ(seen->row.phone, "138****5678");
    EXPECT_EQ(seen->row.name, "王**");
  }
  EXPECT_EQ(AuditCount("complaint.read"), 1);
  // Once escalated, the township's office handles it too and sees the phone.
  SetNow("2026-06-17");
  auto township = GetComplaint(*store_, township_, id);
  ASSERT_TRUE(township.ok());
  EXPECT_EQ(township->row.phone, "13812345678");
}

TEST_F(ComplaintServiceTest, AnAnswerAndTheComplainantsConfirmationCloseIt) {
  auto filed = File(village_, Request());
  ASSERT_TRUE(filed.ok());
  const int64_t id = filed->row.id;
  EXPECT_EQ(ConfirmComplaint(*store_, village_, id, true).error().code, "E_COMPLAINT_STATE");
  EXPECT_EQ(AnswerComplaint(*store_, village_, id, "", "").error().code, "E_VALIDATION");
  SetNow("2026-06-10");
  auto answered = AnswerComplaint(*store_, village_, id, "已公开评定结果", "村务公开栏照片");
  ASSERT_TRUE(answered.ok()) << answered.error().en;
  EXPECT_EQ(answered->row.state, "answered");
  EXPECT_EQ(answered->row.answered_by, "v1");
  EXPECT_FALSE(answered->overdue);
  EXPECT_EQ(AnswerComplaint(*store_, village_, id, "again", "").error().code, "E_COMPLAINT_STATE");
  auto confirmed = ConfirmComplaint(*store_, village_, id, true);
  ASSERT_TRUE(confirmed.ok()) << confirmed.error().en;
  EXPECT_EQ(confirmed->row.state, "confirmed");
  EXPECT_EQ(confirmed->row.satisfied, std::optional<bool>(true));
  EXPECT_EQ(AuditCount("complaint.answer"), 1);
  EXPECT_EQ(AuditCount("complaint.confirm"), 1);
  // Answered in time, it never escalates.
  SetNow("2026-08-01");
  EXPECT_EQ(GetComplaint(*store_, village_, id)->row.escalated_to, 0);
}

TEST_F(ComplaintServiceTest, OutsideItsScopeAnOfficeFindsNothingAndOtherRolesAreRefused) {
  EXPECT_EQ(File(Account("v2", Role::kVillageOperator, kOtherVillage), Request()).error().code,
            "E_NOT_FOUND");
  EXPECT_EQ(File(viewer_, Request()).error().code, "E_FORBIDDEN");
  EXPECT_EQ(File(Account("h", Role::kHelper, kVillage), Request()).error().code, "E_FORBIDDEN");
  auto filed = File(village_, Request());
  ASSERT_TRUE(filed.ok());
  const int64_t id = filed->row.id;
  const Caller other_village = Account("v2", Role::kVillageOperator, kOtherVillage);
  EXPECT_EQ(GetComplaint(*store_, other_village, id).error().code, "E_NOT_FOUND");
  EXPECT_EQ(AnswerComplaint(*store_, other_village, id, "x", "").error().code, "E_NOT_FOUND");
  EXPECT_EQ(GetComplaint(*store_, Account("d", Role::kDepartment, kCounty), id).error().code,
            "E_FORBIDDEN");
  EXPECT_EQ(AnswerComplaint(*store_, viewer_, id, "x", "").error().code, "E_FORBIDDEN");
  EXPECT_EQ(GetComplaint(*store_, village_, id + 100).error().code, "E_NOT_FOUND");
  FileComplaintRequest bad = Request();
  bad.channel = "fax";
  EXPECT_EQ(File(village_, bad).error().code, "E_VALIDATION");
  bad = Request(kTownship);
  bad.household_code = "H9";
  bad.region = std::to_string(kOtherTownship);
  EXPECT_EQ(File(county_, bad).error().code, "E_NOT_FOUND");  // H9 is not of that township
}

TEST_F(ComplaintServiceTest, StatisticsCountByRegionSubjectAndTimeliness) {
  auto on_time = File(village_, Request());
  auto late = File(village_, Request());
  FileComplaintRequest other = Request(kOtherVillage);
  other.subject = "危房改造";
  auto open = File(county_, other);
  ASSERT_TRUE(on_time.ok() && late.ok() && open.ok());
  SetNow("2026-06-16");
  ASSERT_TRUE(AnswerComplaint(*store_, village_, on_time->row.id, "已答复", "").ok());
  SetNow("2026-06-18");
  ASSERT_TRUE(AnswerComplaint(*store_, township_, late->row.id, "已答复", "").ok());
  auto stats = ComplaintStatistics(*store_, county_, "");
  ASSERT_TRUE(stats.ok()) << stats.error().en;
  EXPECT_EQ(stats->all.total, 3);
  EXPECT_EQ(stats->all.answered_on_time, 1);
  EXPECT_EQ(stats->all.answered_late, 1);
  EXPECT_EQ(stats->all.open_overdue, 1);
  EXPECT_EQ(stats->all.escalated, 2);
  EXPECT_EQ(stats->by_region.at(kVillage).total, 2);
  EXPECT_EQ(stats->by_region.at(kOtherVillage).open_overdue, 1);
  EXPECT_EQ(stats->by_subject.at("危房改造").total, 1);
  EXPECT_EQ(stats->by_subject.at("低保").answered_late, 1);
  EXPECT_EQ(ComplaintStatistics(*store_, village_, std::to_string(kOtherTownship)).error().code,
            "E_NOT_FOUND");
}

TEST_F(ComplaintServiceTest, AHotlineCallNamingAHouseholdMayOpenAMonitorCase) {
  FileComplaintRequest call = Request();
  call.channel = "hotline";
  call.household_code = "H9";
  call.open_case = true;
  call.monitor_type = 1;
  auto filed = File(village_, call);
  ASSERT_TRUE(filed.ok()) << filed.error().en;
  EXPECT_GT(filed->row.case_id, 0);
  EXPECT_EQ(filed->row.household_code, "H9");
  // A second call while the case is open: the case is refused, and so is the complaint.
  call.channel = "hotline";
  EXPECT_EQ(File(village_, call).error().code, "E_CASE_OPEN");
  EXPECT_EQ(Listed(county_).size(), 1u) << "nothing written";
  call.channel = "phone";
  EXPECT_EQ(File(village_, call).error().code, "E_VALIDATION");
}

}  // namespace
}  // namespace fupin
