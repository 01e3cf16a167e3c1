// The life of households through the procedures, with FUPIN_NOW moved from day to day:
// each decision asserted on the household, its history, the summary and the audit trail.
#include "service/procedures/case_service.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include "exchange/policy_file.h"
#include "service/crosscheck/compare_service.h"
#include "service/imports/import_service.h"
#include "service/procedures/attachment_service.h"
#include "service/procedures/measure_service.h"
#include "service/procedures/timeline_service.h"
#include "service/register/household_service.h"
#include "service/register/report_service.h"
#include "service/service_test_fixture.h"

namespace fupin {
namespace {

constexpr int64_t kVillage = 620422102201, kTownship = 620422102, kCounty = 620422;

// H9: a 普通农户 of two who can work, with 1,000 yuan per head in 2016.
const char* kHouseholds =
    "户编号,行政区划代码,户类型,贫困状态,识别年度,主要致贫原因,户属性,工资性收入,生产经营性收入,"
    "生产经营性支出,财产性收入,转移性收入,不愁吃,不愁穿,住房安全等级,饮水安全\n"
    "H9,620422102201,普通农户,,,,一般户,2000,0,0,0,0,是,是,A,是\n"
    "H8,620422102201,建档立卡户,未脱贫,2016,缺资金,一般户,2000,0,0,0,0,是,是,A,是\n";
const char* kMembers =
    "户编号,姓名,证件号码,与户主关系,在校生状况,健康状况,劳动能力,参加城乡居民基本医疗保险\n"
    "H9,甲,620422198001010019,户主,非在校生,健康,普通劳动力,是\n"
    "H9,乙,620422198001010027,配偶,非在校生,健康,普通劳动力,是\n"
    "H8,丙,620422198001010035,户主,非在校生,健康,普通劳动力,是\n";

Caller Account(const char* name, Role role, int64_t region) {
  const RegionCode code =
      region == 0 ? RegionCode::Nation() : *RegionCode::Parse(std::to_string(region));
  return Caller{User{name, role, code, false}, "127.0.0.1:5000"};
}

class CaseServiceTest : public ServiceTest {
 protected:
  CaseServiceTest() : ServiceTest({{kCounty, "会宁县"}, {kTownship, "乙镇"}, {kVillage, "乙村"}}) {}

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

  Result<CaseView> OpenAs(const Caller& who, OpenCaseRequest request,
                          CaseRefusal* refusal = nullptr) {
    if (request.household_code.empty()) request.household_code = "H9";
    return OpenCase(*store_, *policy_, who, request, refusal);
  }

  // Moves case `id` to its decision: each step by the account of its level, each notice
  // advanced on its closing date (the clock moved there).
  CaseView Decide(int64_t id) {
    auto view = GetCase(*store_, *policy_, village_, id);
    EXPECT_TRUE(view.ok());
    for (int guard = 0; guard < 12 && view.ok() && view->stored.value.state == CaseState::kOpen;
         ++guard) {
      const Case& c = view->stored.value;
      const Level level = Steps(c.kind)[c.step_index].level;
      const Caller& who = level == Level::kVillage    ? village_
                          : level == Level::kTownship ? township_
                                                      : county_;
      if (c.notice) SetNow(c.notice->closes_on.ToString());
      view = AdvanceCase(*store_, *policy_, who, id, "同意", {});
      EXPECT_TRUE(view.ok()) << (view.ok() ? "" : view.error().code + " " + view.error().en);
    }
    return view.ok() ? *view : CaseView{};
  }

  Household H(const std::string& code = "H9") {
    auto found = store_->FindHousehold(code);
    EXPECT_TRUE(found.ok() && found->has_value());
    return (*found)->household;
  }
  // The history entries written by case `id`: field → new value.
  std::map<std::string, std::string> HistoryOf(int64_t id, const std::string& code = "H9") {
    std::map<std::string, std::string> out;
    auto history = store_->History(code);
    EXPECT_TRUE(history.ok());
    for (const HistoryEntry& e : *history) {
      if (e.source == "case:" + std::to_string(id)) out[e.field] = e.new_value;
    }
    return out;
  }
  int64_t Status(const char* label) {
    auto summary = SummarizeRegion(*store_, RegionCode::FromInt(kVillage));
    EXPECT_TRUE(summary.ok());
    for (const auto& [name, count] : summary->by_status) {
      if (name == label) return count;
    }
    return -1;
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
  // Sets H9's wage income (yuan), as a county edit of the register.
  void SetWage(int64_t yuan) {
    auto found = store_->FindHousehold("H9");
    ASSERT_TRUE(found.ok() && found->has_value());
    Household h = (*found)->household;
    h.wage_income = Money::FromYuan(yuan);
    std::vector<CellIssue> issues;
    auto written = UpdateHousehold(*store_, county_, h, (*found)->version, issues);
    ASSERT_TRUE(written.ok()) << written.error().en;
  }

  std::optional<PolicySet> policy_;
  const Caller village_ = Account("cun", Role::kVillageOperator, kVillage);
  const Caller township_ = Account("xiang", Role::kTownshipOperator, kTownship);
  const Caller county_ = Account("xian", Role::kCountyAdmin, kCounty);
};

TEST_F(CaseServiceTest, AHouseholdIsIdentifiedExitsReturnsExitsAgainAndIsMonitored) {
  // 2016: identified (识别纳入), 1,000 yuan per head against the line of 2,952.
  auto identify = OpenAs(village_, {.kind = "identify", .year = 2016, .cause = 7});
  ASSERT_TRUE(identify.ok()) << identify.error().en;
  EXPECT_EQ(Status("未脱贫"), 1);  // H8
  CaseView decided = Decide(identify->stored.id);
  EXPECT_EQ(decided.stored.value.state, CaseState::kDone);
  EXPECT_EQ(decided.stored.value.steps.size(), 7u);
  Household h = H();
  EXPECT_EQ(h.kind, code::kRegistered);
  EXPECT_EQ(h.poverty_status, code::kPoor);
  EXPECT_EQ(h.registered_year, 2016);
  EXPECT_EQ(h.main_cause, 7);
  EXPECT_FALSE(HistoryOf(identify->stored.id).empty());
  EXPECT_EQ(Status("未脱贫"), 2);
  EXPECT_EQ(AuditCount("case.decide"), 1);

  // 2019: exit (脱贫退出) once the income is above the line of 3,218.
  SetNow("2019-09-01");
  SetWage(10000);
  auto exit = OpenAs(village_, {.kind = "exit", .year = 2019});
  ASSERT_TRUE(exit.ok()) << exit.error().en;
  Decide(exit->stored.id);
  h = H();
  EXPECT_EQ(h.poverty_status, code::kExited);
  EXPECT_EQ(h.exit_year, 2019);
  EXPECT_EQ(HistoryOf(exit->stored.id).count("poverty_status"), 1u);
  EXPECT_EQ(Status("未脱贫"), 1);
  EXPECT_EQ(Status("已脱贫"), 1);

  // 2020: returns (返贫) with its cause, then exits again.
  SetNow("2020-03-02");
  auto back = OpenAs(village_, {.kind = "return", .year = 2020, .cause = 1});
  ASSERT_TRUE(back.ok()) << back.error().en;
  Decide(back->stored.id);
  h = H();
  EXPECT_EQ(h.poverty_status, code::kReturned);
  EXPECT_EQ(h.main_cause, 1);
  EXPECT_EQ(Status("返贫"), 1);
  SetNow("2020-10-01");
  auto again = OpenAs(village_, {.kind = "exit", .year = 2020});
  ASSERT_TRUE(again.ok()) << again.error().en;
  Decide(again->stored.id);
  EXPECT_EQ(H().poverty_status, code::kExited);
  EXPECT_EQ(H().exit_year, 2020);

  // 2022: taken into monitoring (纳入监测) on the household's own application.
  SetNow("2022-05-10");
  auto monitor = OpenAs(village_, {.kind = "monitor",
                                   .year = 2022,
                                   .type = 1,
                                   .risk_types = CodeSet::FromBits(0b10),
                                   .source = "application"});
  ASSERT_TRUE(monitor.ok()) << monitor.error().en;
  ASSERT_TRUE(monitor->stored.due_on.has_value());
  EXPECT_EQ(monitor->stored.due_on->ToString(), "2022-05-25");
  CaseView monitored = Decide(monitor->stored.id);
  h = H();
  EXPECT_EQ(h.monitor_status, code::kMonitoring);
  EXPECT_EQ(h.monitor_type, 1);
  EXPECT_TRUE(h.risk_types.Has(1));
  ASSERT_TRUE(h.monitor_since.has_value());
  EXPECT_EQ(*h.monitor_since, monitored.stored.value.steps.back().date);
  auto summary = SummarizeRegion(*store_, RegionCode::FromInt(kVillage));
  ASSERT_TRUE(summary.ok());
  EXPECT_EQ(summary->monitored_households, 1);

  // Helped while monitored (先帮后认): an industry measure (产业帮扶, development-type).
  auto measure = AddMeasure(*store_, village_, "H9",
                            {.category = "01", .date = "2022-05-12", .amount = "3000.00"});
  ASSERT_TRUE(measure.ok()) << measure.error().en;

  // 2023: the risk is eliminated (风险消除) by assistance, the income above the line.
  SetNow("2023-01-16");
  SetWage(20000);
  auto eliminate = OpenAs(village_, {.kind = "eliminate", .year = 2023});
  ASSERT_TRUE(eliminate.ok()) << eliminate.error().en;
  CaseView eliminated = Decide(eliminate->stored.id);
  EXPECT_EQ(eliminated.stored.params.method, 1);  // 帮扶消除
  h = H();
  EXPECT_EQ(h.monitor_status, code::kRiskEliminated);
  EXPECT_EQ(HistoryOf(eliminate->stored.id).count("monitor_status"), 1u);
  summary = SummarizeRegion(*store_, RegionCode::FromInt(kVillage));
  ASSERT_TRUE(summary.ok());
  EXPECT_EQ(summary->monitored_households, 0);
  EXPECT_EQ(AuditCount("case.decide"), 6);
  EXPECT_EQ(AuditCount("case.open"), 6);
  auto all = store_->cases().CasesOf("H9");
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->size(), 6u);
}

TEST_F(CaseServiceTest, AWronglyRegisteredHouseholdIsRemovedFromAConfirmedFinding) {
  std::deque<FindingRow> rows(1);
  rows[0].rule = "vehicle_owner";
  rows[0].subject = "620422198001010035";
  rows[0].village_code = kVillage;
  rows[0].household_code = "H8";
  rows[0].id_number = "620422198001010035";
  rows[0].name = "丙";
  rows[0].detail = "名下有小型汽车";
  rows[0].created_at = "2016-02-01T00:00:00Z";
  ASSERT_TRUE(store_->Begin().ok());
  ASSERT_TRUE(store_->compare().InsertFindings(rows).ok());
  ASSERT_TRUE(store_->Commit().ok());
  const int64_t finding = rows[0].id;
  CaseRefusal refusal;
  auto unconfirmed = OpenAs(
      village_, {.kind = "remove", .household_code = "H8", .reason = "02", .finding = finding});
  ASSERT_FALSE(unconfirmed.ok());
  EXPECT_EQ(unconfirmed.error().code, "E_VALIDATION");
  ASSERT_TRUE(DecideFinding(*store_, county_, finding, true, "").ok());
  auto remove = OpenAs(
      village_, {.kind = "remove", .household_code = "H8", .reason = "02", .finding = finding});
  ASSERT_TRUE(remove.ok()) << remove.error().en;
  EXPECT_EQ(Status("未脱贫"), 1);
  CaseView removed = Decide(remove->stored.id);
  EXPECT_EQ(removed.stored.params.finding, finding);
  EXPECT_EQ(H("H8").poverty_status, code::kRemoved);
  EXPECT_EQ(HistoryOf(remove->stored.id, "H8").at("poverty_status"), "已剔除");
  EXPECT_EQ(Status("未脱贫"), 0);  // 已剔除 is not counted
}

TEST_F(CaseServiceTest, EvidenceStepsTakeAttachmentsAndBytesThatAreNoImageAreRefused) {
  auto c = OpenAs(village_, {.kind = "identify", .year = 2016});
  ASSERT_TRUE(c.ok());
  auto text = UploadAttachment(*store_, village_, "minutes.jpg", "this is not a picture");
  ASSERT_FALSE(text.ok());
  EXPECT_EQ(text.error().code, "E_ATTACHMENT_TYPE");
  const std::string png("\x89PNG\r\n\x1A\n\0\0\0\rIHDR", 16);
  auto minutes = UploadAttachment(*store_, village_, "minutes.png", png);
  ASSERT_TRUE(minutes.ok()) << minutes.error().en;
  auto verified = AdvanceCase(*store_, *policy_, village_, c->stored.id, "入户核实", {minutes->id});
  ASSERT_TRUE(verified.ok()) << verified.error().en;
  auto files = CaseAttachments(*store_, verified->stored);
  ASSERT_TRUE(files.ok());
  ASSERT_EQ(files->size(), 2u);
  ASSERT_EQ((*files)[1].size(), 1u);
  EXPECT_EQ((*files)[1][0].media_type, "image/png");
  EXPECT_EQ((*files)[1][0].sha256.size(), 64u);
  // The same file cannot be claimed twice: nothing of that move is written.
  auto again = AdvanceCase(*store_, *policy_, village_, c->stored.id, "评议", {minutes->id});
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, "E_ATTACHMENT");
  auto unchanged = GetCase(*store_, *policy_, village_, c->stored.id);
  ASSERT_TRUE(unchanged.ok());
  EXPECT_EQ(unchanged->stored.value.current_step(), Step::kReview);
}

TEST_F(CaseServiceTest, ANoticeCannotBeClosedTheDayBeforeItsClosingDateButCanOnIt) {
  auto c = OpenAs(village_, {.kind = "identify", .year = 2016});
  ASSERT_TRUE(c.ok());
  const int64_t id = c->stored.id;
  for (int i = 0; i < 2; ++i)
    ASSERT_TRUE(AdvanceCase(*store_, *policy_, village_, id, "", {}).ok());
  auto at_notice = GetCase(*store_, *policy_, village_, id);
  ASSERT_TRUE(at_notice.ok() && at_notice->stored.value.notice.has_value());
  EXPECT_EQ(at_notice->stored.value.notice->closes_on.ToString(), "2016-03-08");
  SetNow("2016-03-07");
  CaseRefusal refusal;
  auto early = AdvanceCase(*store_, *policy_, village_, id, "", {}, &refusal);
  ASSERT_FALSE(early.ok());
  EXPECT_EQ(early.error().code, "E_NOTICE_OPEN");
  ASSERT_TRUE(refusal.closes_on.has_value());
  EXPECT_EQ(refusal.closes_on->ToString(), "2016-03-08");
  SetNow("2016-03-08");
  auto on_time = AdvanceCase(*store_, *policy_, village_, id, "", {});
  ASSERT_TRUE(on_time.ok());
  EXPECT_EQ(on_time->stored.value.current_step(), Step::kCheck);
}

TEST_F(CaseServiceTest, TheWrongLevelTheWrongVillageAndTheProposerApprovingAreRefused) {
  auto c = OpenAs(village_, {.kind = "identify", .year = 2016});
  ASSERT_TRUE(c.ok());
  const int64_t id = c->stored.id;
  auto by_township = AdvanceCase(*store_, *policy_, township_, id, "", {});
  ASSERT_FALSE(by_township.ok());
  EXPECT_EQ(by_township.error().code, "E_STEP_LEVEL");
  const Caller elsewhere = Account("other", Role::kVillageOperator, 620422102202);
  auto outside = AdvanceCase(*store_, *policy_, elsewhere, id, "", {});
  ASSERT_FALSE(outside.ok());
  EXPECT_EQ(outside.error().code, "E_NOT_FOUND");
  // An admin does the township's check and then may not approve.
  const Caller admin = Account("root", Role::kAdmin, 0);
  auto state = OpenAs(village_, {.kind = "return", .household_code = "H8", .cause = 1});
  ASSERT_FALSE(state.ok());  // H8 is 未脱贫: nothing to return from
  EXPECT_EQ(state.error().code, "E_STATE");
  CaseView view = *c;
  for (int i = 0; i < 5; ++i) {
    const Case& v = view.stored.value;
    if (v.notice) SetNow(v.notice->closes_on.ToString());
    const Level level = Steps(v.kind)[v.step_index].level;
    auto next =
        AdvanceCase(*store_, *policy_, level == Level::kVillage ? village_ : admin, id, "", {});
    ASSERT_TRUE(next.ok()) << next.error().en;
    view = *next;
  }
  ASSERT_EQ(view.stored.value.current_step(), Step::kApprove);
  auto approve = AdvanceCase(*store_, *policy_, admin, id, "", {});
  ASSERT_FALSE(approve.ok());
  EXPECT_EQ(approve.error().code, "E_SEPARATION");
  EXPECT_TRUE(AdvanceCase(*store_, *policy_, county_, id, "", {}).ok());
}

TEST_F(CaseServiceTest, ASecondOpenCaseIsRefusedNamingTheFirst) {
  auto first = OpenAs(village_, {.kind = "identify", .year = 2016});
  ASSERT_TRUE(first.ok());
  CaseRefusal refusal;
  auto second = OpenAs(village_, {.kind = "monitor", .type = 2, .source = "application"}, &refusal);
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.error().code, "E_CASE_OPEN");
  EXPECT_EQ(refusal.open_case, first->stored.id);
}

TEST_F(CaseServiceTest, AnExitOfAHouseholdFailingTheStandardListsEveryFailingCriterion) {
  auto identify = OpenAs(village_, {.kind = "identify", .year = 2016});
  ASSERT_TRUE(identify.ok());
  Decide(identify->stored.id);
  SetNow("2019-09-01");
  CaseRefusal refusal;
  auto exit = OpenAs(village_, {.kind = "exit", .year = 2019}, &refusal);
  ASSERT_FALSE(exit.ok());
  EXPECT_EQ(exit.error().code, "E_CONDITIONS");
  ASSERT_EQ(refusal.conditions.size(), 1u);
  EXPECT_EQ(refusal.conditions[0].criterion, "income");
  auto cases = store_->cases().CasesOf("H9");
  ASSERT_TRUE(cases.ok());
  EXPECT_EQ(cases->size(), 1u);  // nothing written
}

TEST_F(CaseServiceTest, IdentificationAfter2020IsRefusedWithTheYearCriterion) {
  SetNow("2021-04-01");
  CaseRefusal refusal;
  auto c = OpenAs(village_, {.kind = "identify", .year = 2021}, &refusal);
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.error().code, "E_CONDITIONS");
  ASSERT_FALSE(refusal.conditions.empty());
  EXPECT_EQ(refusal.conditions[0].criterion, "year");
}

TEST_F(CaseServiceTest, AnObjectionDuringTheNoticeSendsTheCaseBackToVerify) {
  auto c = OpenAs(village_, {.kind = "identify", .year = 2016});
  ASSERT_TRUE(c.ok());
  const int64_t id = c->stored.id;
  for (int i = 0; i < 2; ++i)
    ASSERT_TRUE(AdvanceCase(*store_, *policy_, village_, id, "", {}).ok());
  const Caller helper = Account("bang", Role::kViewer, kCounty);
  auto objected = ObjectToCase(*store_, *policy_, helper, id, "此户有经商收入");
  ASSERT_TRUE(objected.ok()) << objected.error().en;
  EXPECT_EQ(objected->stored.value.current_step(), Step::kVerify);
  EXPECT_FALSE(objected->stored.value.notice.has_value());
  const StepRecord& last = objected->stored.value.steps.back();
  EXPECT_EQ(last.action, ActionKind::kObjection);
  EXPECT_EQ(last.actor, "bang");
  EXPECT_EQ(last.comment, "此户有经商收入");
  EXPECT_EQ(AuditCount("case.objection"), 1);
}

TEST_F(CaseServiceTest, EliminationOfAHouseholdMonitoredFiveMonthsWithoutAMeasureIsRefused) {
  SetNow("2022-05-10");
  auto monitor = OpenAs(village_, {.kind = "monitor", .type = 2, .source = "hotline"});
  ASSERT_TRUE(monitor.ok()) << monitor.error().en;
  Decide(monitor->stored.id);
  SetWage(20000);  // 10,000 yuan a head: above the monitoring line
  SetNow("2022-10-20");
  CaseRefusal refusal;
  auto eliminate = OpenAs(village_, {.kind = "eliminate"}, &refusal);
  ASSERT_FALSE(eliminate.ok());
  EXPECT_EQ(eliminate.error().code, "E_CONDITIONS");
  std::vector<std::string> criteria;
  for (const auto& f : refusal.conditions) criteria.push_back(f.criterion);
  EXPECT_EQ(criteria, (std::vector<std::string>{"months", "measure"}));
}

TEST_F(CaseServiceTest, AReturnAndARejectionAreRecordedAndARejectionChangesNothingElse) {
  auto c = OpenAs(village_, {.kind = "identify", .year = 2016});
  ASSERT_TRUE(c.ok());
  const int64_t id = c->stored.id;
  for (int i = 0; i < 2; ++i)
    ASSERT_TRUE(AdvanceCase(*store_, *policy_, village_, id, "", {}).ok());
  SetNow("2016-03-08");
  ASSERT_TRUE(AdvanceCase(*store_, *policy_, village_, id, "", {}).ok());
  auto returned = ReturnCase(*store_, *policy_, township_, id, "verify", "收入核实不清");
  ASSERT_TRUE(returned.ok()) << returned.error().en;
  EXPECT_EQ(returned->stored.value.current_step(), Step::kVerify);
  auto by_village = ReturnCase(*store_, *policy_, village_, id, "apply", "重新申请");
  ASSERT_FALSE(by_village.ok());  // a village step sends nothing back
  EXPECT_EQ(by_village.error().code, "E_STATE");
  for (int i = 0; i < 2; ++i)
    ASSERT_TRUE(AdvanceCase(*store_, *policy_, village_, id, "", {}).ok());
  SetNow("2016-03-15");
  ASSERT_TRUE(AdvanceCase(*store_, *policy_, village_, id, "", {}).ok());
  auto rejected = RejectCase(*store_, *policy_, township_, id, "收入超过标准");
  ASSERT_TRUE(rejected.ok()) << rejected.error().en;
  EXPECT_EQ(rejected->stored.value.state, CaseState::kRejected);
  EXPECT_EQ(H().kind, code::kOrdinary);
  EXPECT_TRUE(HistoryOf(id).empty());
  auto next = OpenAs(village_, {.kind = "identify", .year = 2016});
  EXPECT_TRUE(next.ok());  // the household has no open case any more
}

TEST_F(CaseServiceTest, RolesThatDoNotMoveCasesAreRefusedAndReadersOutsideSeeNothing) {
  auto c = OpenAs(village_, {.kind = "identify", .year = 2016});
  ASSERT_TRUE(c.ok());
  const Caller viewer = Account("kan", Role::kViewer, kCounty);
  auto open = OpenAs(viewer, {.kind = "identify", .household_code = "H8"});
  ASSERT_FALSE(open.ok());
  EXPECT_EQ(open.error().code, "E_FORBIDDEN");
  auto advance = AdvanceCase(*store_, *policy_, viewer, c->stored.id, "", {});
  ASSERT_FALSE(advance.ok());
  EXPECT_EQ(advance.error().code, "E_FORBIDDEN");
  const Caller other_county = Account("wai", Role::kCountyAdmin, 620423);
  auto read = GetCase(*store_, *policy_, other_county, c->stored.id);
  ASSERT_FALSE(read.ok());
  EXPECT_EQ(read.error().code, "E_NOT_FOUND");
  CaseQuery query;
  auto waiting = ListCases(*store_, *policy_, village_, query, true);
  ASSERT_TRUE(waiting.ok());
  EXPECT_EQ(waiting->total, 1);
  auto for_township = ListCases(*store_, *policy_, township_, query, true);
  ASSERT_TRUE(for_township.ok());
  EXPECT_EQ(for_township->total, 0);
}

TEST_F(CaseServiceTest, EliminationOfAHouseholdWithNoLabourCapacityNeedsTheCountysWrittenReason) {
  SetNow("2022-05-10");
  auto monitor = OpenAs(
      village_, {.kind = "monitor", .household_code = "H8", .type = 1, .source = "application"});
  // H8 is 建档立卡户 未脱贫: not in the monitoring pool.
  ASSERT_FALSE(monitor.ok());
  EXPECT_EQ(monitor.error().code, "E_STATE");
  // H9 (普通农户): its members unable to work, then monitored and helped.
  auto found = store_->FindHousehold("H9");
  ASSERT_TRUE(found.ok() && found->has_value());
  Household h = (*found)->household;
  for (Member& m : h.members) m.labor = 4;  // 丧失劳动力
  h.wage_income = Money::FromYuan(20000);
  std::vector<CellIssue> issues;
  ASSERT_TRUE(UpdateHousehold(*store_, county_, h, (*found)->version, issues).ok());
  auto opened = OpenAs(village_, {.kind = "monitor", .type = 3, .source = "hotline"});
  ASSERT_TRUE(opened.ok()) << opened.error().en;
  Decide(opened->stored.id);
  ASSERT_TRUE(AddMeasure(*store_, village_, "H9", {.category = "08", .date = "2022-05-15"}).ok());
  SetNow("2023-01-16");
  CaseRefusal refusal;
  auto refused = OpenAs(village_, {.kind = "eliminate"}, &refusal);
  ASSERT_FALSE(refused.ok());
  ASSERT_EQ(refusal.conditions.size(), 1u);
  EXPECT_EQ(refusal.conditions[0].criterion, "labor");
  auto overridden =
      OpenAs(village_, {.kind = "eliminate", .labor_override = "县乡村振兴局〔2023〕3号"});
  ASSERT_TRUE(overridden.ok()) << overridden.error().en;
  CaseView done = Decide(overridden->stored.id);
  EXPECT_EQ(done.stored.value.state, CaseState::kDone);
  EXPECT_EQ(done.stored.params.labor_override, "县乡村振兴局〔2023〕3号");
  EXPECT_EQ(done.stored.params.method, 2);  // 自然消除: 综合保障 is not development-type
  EXPECT_EQ(H().monitor_status, code::kRiskEliminated);
}

TEST_F(CaseServiceTest, MonitoringFromTheAssessmentNeedsACandidateAndFromAFindingAConfirmedOne) {
  SetNow("2022-05-10");
  SetWage(40000);  // 20,000 a head: the assessment suggests nothing
  CaseRefusal refusal;
  auto not_candidate =
      OpenAs(village_, {.kind = "monitor", .type = 2, .source = "assessment"}, &refusal);
  ASSERT_FALSE(not_candidate.ok());
  EXPECT_EQ(not_candidate.error().code, "E_CONDITIONS");
  EXPECT_EQ(refusal.conditions.front().criterion, "income");
  SetWage(2000);  // 1,000 a head, below the monitoring line of 6,000
  auto candidate = OpenAs(village_, {.kind = "monitor", .type = 2, .source = "assessment"});
  ASSERT_TRUE(candidate.ok()) << candidate.error().en;
  EXPECT_EQ(candidate->stored.params.source, "assessment");
  auto no_finding = RejectCase(*store_, *policy_, village_, candidate->stored.id, "重新核实");
  ASSERT_TRUE(no_finding.ok());
  auto without_id = OpenAs(village_, {.kind = "monitor", .type = 2, .source = "finding"});
  ASSERT_FALSE(without_id.ok());
  EXPECT_EQ(without_id.error().code, "E_VALIDATION");
}

TEST_F(CaseServiceTest, AMonitorCaseUndecidedFifteenDaysAfterItsClueIsOverdueButNotBlocked) {
  SetNow("2022-05-10");
  Date clue = *Date::Parse("2022-05-01");
  auto c = OpenAs(village_, {.kind = "monitor", .type = 2, .source = "hotline", .clue_date = clue});
  ASSERT_TRUE(c.ok()) << c.error().en;
  EXPECT_EQ(c->stored.due_on->ToString(), "2022-05-16");
  EXPECT_FALSE(c->overdue);
  CaseQuery overdue;
  SetNow("2022-05-16");
  overdue.overdue_on = Date::Today();
  auto on_time = ListCases(*store_, *policy_, county_, overdue, false);
  ASSERT_TRUE(on_time.ok());
  EXPECT_EQ(on_time->total, 0);
  SetNow("2022-05-17");
  overdue.overdue_on = Date::Today();
  auto late = ListCases(*store_, *policy_, county_, overdue, false);
  ASSERT_TRUE(late.ok());
  ASSERT_EQ(late->total, 1);
  EXPECT_TRUE(late->items[0].overdue);
  EXPECT_TRUE(AdvanceCase(*store_, *policy_, village_, c->stored.id, "", {}).ok());
}

TEST_F(CaseServiceTest, TheHouseholdsTimelineShowsItsCases) {
  auto c = OpenAs(village_, {.kind = "identify", .year = 2016});
  ASSERT_TRUE(c.ok());
  auto timeline = HouseholdTimeline(*store_, county_, "H9");
  ASSERT_TRUE(timeline.ok()) << timeline.error().en;
  const bool has_case = std::any_of(timeline->begin(), timeline->end(), [&](const TimelineItem& i) {
    const auto* shown = std::get_if<StoredCase>(&i.event);
    return shown != nullptr && shown->id == c->stored.id;
  });
  EXPECT_TRUE(has_case);
}

}  // namespace
}  // namespace fupin

namespace fupin {
namespace {

TEST_F(CaseServiceTest, MonitoringStartsFromAConfirmedFindingOfTheHousehold) {
  std::deque<FindingRow> rows(1);
  rows[0].rule = "medical_expense";
  rows[0].subject = "620422198001010019";
  rows[0].village_code = kVillage;
  rows[0].household_code = "H9";
  rows[0].id_number = "620422198001010019";
  rows[0].name = "甲";
  rows[0].detail = "自付医疗费用超过预警线";
  rows[0].created_at = "2016-02-01T00:00:00Z";
  ASSERT_TRUE(store_->Begin().ok());
  ASSERT_TRUE(store_->compare().InsertFindings(rows).ok());
  ASSERT_TRUE(store_->Commit().ok());
  ASSERT_TRUE(DecideFinding(*store_, county_, rows[0].id, true, "").ok());
  auto other = OpenAs(village_, {.kind = "monitor",
                                 .household_code = "H8",
                                 .finding = rows[0].id,
                                 .type = 1,
                                 .source = "finding"});
  ASSERT_FALSE(other.ok());  // H8 is not in the monitoring pool (E_STATE) …
  auto c = OpenAs(village_, {.kind = "monitor",
                             .finding = rows[0].id,
                             .type = 3,
                             .source = "finding",
                             .clue_date = *Date::Parse("2016-02-01")});
  ASSERT_TRUE(c.ok()) << c.error().en;  // … H9 is, and the finding is its own
  EXPECT_EQ(c->stored.params.finding, rows[0].id);
  EXPECT_EQ(c->stored.value.clue_date->ToString(), "2016-02-01");
  EXPECT_TRUE(c->overdue);  // more than 15 days after the finding
}

}  // namespace
}  // namespace fupin
