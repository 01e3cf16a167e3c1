// The procedures of spec/procedures.md as state machines: every kind walks to done, and
// every pure refusal of "Moving a case".
#include "domain/procedures/procedure.h"

#include <gtest/gtest.h>

#include <string>

#include "domain/procedures/case.h"

namespace fupin {
namespace {

Date D(int y, int m, int d) { return *Date::FromYmd(y, m, d); }

Household Ordinary() {
  Household h;
  h.kind = code::kOrdinary;
  return h;
}
Household Registered(int poverty_status) {
  Household h;
  h.kind = code::kRegistered;
  h.poverty_status = poverty_status;
  return h;
}
Household Monitored() {
  Household h = Registered(code::kExited);
  h.monitor_type = 1;
  h.monitor_status = code::kMonitoring;
  return h;
}
// A household each kind applies to.
Household FitFor(ProcedureKind kind) {
  switch (kind) {
    case ProcedureKind::kIdentify:
      return Ordinary();
    case ProcedureKind::kExit:
      return Registered(code::kPoor);
    case ProcedureKind::kReturn:
    case ProcedureKind::kRemove:
    case ProcedureKind::kMonitor:
      return Registered(code::kExited);
    case ProcedureKind::kEliminate:
      return Monitored();
  }
  return Ordinary();
}

std::string Table(ProcedureKind kind) {
  std::string out;
  for (const StepSpec& s : Steps(kind)) {
    out += std::string(out.empty() ? "" : " ") + std::string(StepKey(s.step)) + "(" +
           std::string(LevelKey(s.level)) + ")";
  }
  return out;
}

std::string ActorAt(Level level) {
  return level == Level::kVillage ? "v2" : level == Level::kTownship ? "t1" : "c1";
}

Action By(std::string actor, Level level, ActionKind kind = ActionKind::kAdvance) {
  Action a;
  a.kind = kind;
  a.actor = std::move(actor);
  a.level = level;
  return a;
}

const ProcedureSettings kDefaults;

Case Opened(ProcedureKind kind, Date today, int year = 2019) {
  OpenRequest r;
  r.kind = kind;
  r.year = year;
  r.actor = "v1";
  Result<Case> c = Open(r, FitFor(kind), today, kDefaults);
  EXPECT_TRUE(c.ok()) << c.error().en;
  return *c;
}

// Advances with the right level until `step` is current (notices closed on their day).
Case AdvanceUntil(Case c, Step step, Date* today) {
  while (c.state == CaseState::kOpen && c.current_step() != step) {
    if (c.notice) *today = c.notice->closes_on;
    const StepSpec spec = Steps(c.kind)[c.step_index];
    Result<Case> next = Apply(c, By(ActorAt(spec.level), spec.level), *today, kDefaults);
    EXPECT_TRUE(next.ok()) << next.error().en;
    c = *next;
  }
  return c;
}

TEST(ProcedureTable, TheStepsAndLevelsAreThoseOfTheSpec) {
  EXPECT_EQ(Table(ProcedureKind::kIdentify),
            "apply(V) verify(V) review(V) notice(V) check(T) second_notice(T) approve(C)");
  EXPECT_EQ(Table(ProcedureKind::kExit),
            "propose(V) review(V) verify(V) consent(V) notice(V) check(T) approve(C)");
  EXPECT_EQ(Table(ProcedureKind::kReturn),
            "apply(V) verify(V) review(V) notice(V) check(T) second_notice(T) approve(C)");
  for (ProcedureKind kind :
       {ProcedureKind::kRemove, ProcedureKind::kMonitor, ProcedureKind::kEliminate}) {
    EXPECT_EQ(Table(kind), "propose(V) verify(V) review(V) notice(V) check(T) approve(C)");
  }
}

TEST(ProcedureTable, KeysReadBackAndEvidenceStepsAreReviewVerifyConsent) {
  for (ProcedureKind kind : kAllProcedureKinds) {
    EXPECT_EQ(ParseProcedureKind(ProcedureKindKey(kind)), kind);
  }
  EXPECT_EQ(ParseStep("second_notice"), Step::kSecondNotice);
  EXPECT_EQ(ParseStep("publish"), std::nullopt);
  EXPECT_TRUE(TakesEvidence(Step::kReview));
  EXPECT_TRUE(TakesEvidence(Step::kVerify));
  EXPECT_TRUE(TakesEvidence(Step::kConsent));
  EXPECT_FALSE(TakesEvidence(Step::kNotice));
  EXPECT_FALSE(TakesEvidence(Step::kApprove));
  EXPECT_EQ(StepLabel(ProcedureKind::kIdentify, Step::kApprove), "县审批");
  EXPECT_EQ(StepLabel(ProcedureKind::kExit, Step::kApprove), "县审定");
  EXPECT_EQ(StepLabel(ProcedureKind::kExit, Step::kVerify), "村两委和驻村工作队核实");
  EXPECT_EQ(StepLabel(ProcedureKind::kMonitor, Step::kVerify), "入户核实");
}

TEST(ProcedureTable, NoticeDaysComeFromTheSettingsOfEachKind) {
  ProcedureSettings s;
  s.identify_notice_days = 10;
  s.exit_notice_days = 8;
  s.monitor_notice_days = 4;
  s.remove_notice_days = 6;
  EXPECT_EQ(NoticeDays(ProcedureKind::kIdentify, Step::kNotice, s), 10);
  EXPECT_EQ(NoticeDays(ProcedureKind::kExit, Step::kNotice, s), 8);
  EXPECT_EQ(NoticeDays(ProcedureKind::kMonitor, Step::kNotice, s), 4);
  EXPECT_EQ(NoticeDays(ProcedureKind::kRemove, Step::kNotice, s), 6);
  EXPECT_EQ(NoticeDays(ProcedureKind::kReturn, Step::kNotice, s), 10);
  EXPECT_EQ(NoticeDays(ProcedureKind::kReturn, Step::kSecondNotice, s), 10);
  EXPECT_EQ(NoticeDays(ProcedureKind::kExit, Step::kNotice, kDefaults), 7);
  EXPECT_EQ(NoticeDays(ProcedureKind::kMonitor, Step::kNotice, kDefaults), 5);
}

TEST(MovingACase, EveryKindWalksItsStepsToDoneWithTheRightLevels) {
  for (ProcedureKind kind : kAllProcedureKinds) {
    SCOPED_TRACE(ProcedureKindKey(kind));
    Date today = D(2019, 3, 1);
    Case c = Opened(kind, today);
    EXPECT_EQ(c.steps.size(), 1u);  // opening is the first step
    while (c.state == CaseState::kOpen) {
      if (c.notice) today = c.notice->closes_on;
      const StepSpec spec = Steps(kind)[c.step_index];
      Result<Case> next = Apply(c, By(ActorAt(spec.level), spec.level), today, kDefaults);
      ASSERT_TRUE(next.ok()) << next.error().en;
      c = *next;
    }
    EXPECT_EQ(c.state, CaseState::kDone);
    ASSERT_EQ(c.steps.size(), Steps(kind).size());
    for (size_t i = 0; i < c.steps.size(); ++i) {
      EXPECT_EQ(c.steps[i].step, Steps(kind)[i].step);
      EXPECT_EQ(c.steps[i].level, Steps(kind)[i].level);
    }
    EXPECT_EQ(c.checked_by, "t1");
    EXPECT_FALSE(c.notice);
  }
}

TEST(MovingACase, ReachingANoticeStartsItAndItClosesAfterTheNoticeDays) {
  Date today = D(2019, 3, 1);
  Case c = AdvanceUntil(Opened(ProcedureKind::kExit, today), Step::kNotice, &today);
  ASSERT_TRUE(c.notice);
  EXPECT_EQ(c.notice->start, today);
  EXPECT_EQ(c.notice->closes_on, D(2019, 3, 8));
}

TEST(MovingACase, ANoticeAdvancedTheDayBeforeClosesOnIsRefusedWithThatDate) {
  Date today = D(2019, 3, 1);
  Case c = AdvanceUntil(Opened(ProcedureKind::kExit, today), Step::kNotice, &today);
  Result<Case> early = Apply(c, By("v2", Level::kVillage), D(2019, 3, 7), kDefaults);
  ASSERT_FALSE(early.ok());
  EXPECT_EQ(early.error().code, "E_NOTICE_OPEN");
  EXPECT_NE(early.error().en.find("2019-03-08"), std::string::npos);
  EXPECT_NE(early.error().zh.find("2019-03-08"), std::string::npos);
  EXPECT_EQ(c.notice->closes_on, D(2019, 3, 8));
}

TEST(MovingACase, ANoticeMayBeAdvancedOnClosesOn) {
  Date today = D(2019, 3, 1);
  Case c = AdvanceUntil(Opened(ProcedureKind::kExit, today), Step::kNotice, &today);
  Result<Case> on_time = Apply(c, By("v2", Level::kVillage), D(2019, 3, 8), kDefaults);
  ASSERT_TRUE(on_time.ok());
  EXPECT_EQ(on_time->current_step(), Step::kCheck);
  EXPECT_FALSE(on_time->notice);
}

TEST(MovingACase, AStepAtTheWrongLevelIsRefusedAndAdminActsAtAnyLevel) {
  Date today = D(2019, 3, 1);
  Case c = AdvanceUntil(Opened(ProcedureKind::kExit, today), Step::kCheck, &today);
  Result<Case> village = Apply(c, By("v2", Level::kVillage), today, kDefaults);
  ASSERT_FALSE(village.ok());
  EXPECT_EQ(village.error().code, "E_STEP_LEVEL");
  Result<Case> county = Apply(c, By("c1", Level::kCounty), today, kDefaults);
  ASSERT_FALSE(county.ok());
  EXPECT_EQ(county.error().code, "E_STEP_LEVEL");
  EXPECT_TRUE(Apply(c, By("admin", Level::kAdmin), today, kDefaults).ok());
}

TEST(MovingACase, OpeningNeedsTheFirstStepsLevel) {
  OpenRequest r;
  r.kind = ProcedureKind::kExit;
  r.year = 2019;
  r.actor = "t1";
  r.level = Level::kTownship;
  Result<Case> c = Open(r, Registered(code::kPoor), D(2019, 3, 1), kDefaults);
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.error().code, "E_STEP_LEVEL");
}

TEST(MovingACase, TheAccountThatOpenedTheCaseCannotApproveIt) {
  OpenRequest r;
  r.kind = ProcedureKind::kExit;
  r.year = 2019;
  r.actor = "root";
  r.level = Level::kAdmin;
  Date today = D(2019, 3, 1);
  Result<Case> opened = Open(r, Registered(code::kPoor), today, kDefaults);
  ASSERT_TRUE(opened.ok());
  Case c = AdvanceUntil(*opened, Step::kApprove, &today);
  Result<Case> approved = Apply(c, By("root", Level::kAdmin), today, kDefaults);
  ASSERT_FALSE(approved.ok());
  EXPECT_EQ(approved.error().code, "E_SEPARATION");
  EXPECT_TRUE(Apply(c, By("c1", Level::kCounty), today, kDefaults).ok());
}

TEST(MovingACase, TheAccountThatDidTheCheckCannotApprove) {
  Date today = D(2019, 3, 1);
  Case c = AdvanceUntil(Opened(ProcedureKind::kRemove, today), Step::kCheck, &today);
  Result<Case> checked = Apply(c, By("root", Level::kAdmin), today, kDefaults);
  ASSERT_TRUE(checked.ok());
  EXPECT_EQ(checked->checked_by, "root");
  Result<Case> approved = Apply(*checked, By("root", Level::kAdmin), today, kDefaults);
  ASSERT_FALSE(approved.ok());
  EXPECT_EQ(approved.error().code, "E_SEPARATION");
}

TEST(MovingACase, AnObjectionDuringTheNoticeSendsTheCaseBackToVerify) {
  Date today = D(2019, 3, 1);
  Case c = AdvanceUntil(Opened(ProcedureKind::kExit, today), Step::kNotice, &today);
  Action objection = By("村民张三", Level::kVillage, ActionKind::kObjection);
  objection.comment = "家中新购车辆";
  Result<Case> objected = Apply(c, objection, D(2019, 3, 4), kDefaults);
  ASSERT_TRUE(objected.ok());
  EXPECT_EQ(objected->current_step(), Step::kVerify);
  EXPECT_FALSE(objected->notice);
  EXPECT_EQ(objected->steps.back().action, ActionKind::kObjection);
  EXPECT_EQ(objected->steps.back().step, Step::kNotice);
  EXPECT_EQ(objected->steps.back().actor, "村民张三");
  // The steps after verify follow again, with a fresh notice.
  today = D(2019, 3, 4);
  Case again = AdvanceUntil(*objected, Step::kNotice, &today);
  EXPECT_EQ(again.notice->start, D(2019, 3, 4));
  EXPECT_EQ(again.notice->closes_on, D(2019, 3, 11));
}

TEST(MovingACase, AnObjectionOutsideANoticeIsRefused) {
  Case c = Opened(ProcedureKind::kExit, D(2019, 3, 1));
  Result<Case> objected =
      Apply(c, By("someone", Level::kVillage, ActionKind::kObjection), D(2019, 3, 2), kDefaults);
  ASSERT_FALSE(objected.ok());
  EXPECT_EQ(objected.error().code, "E_STATE");
}

TEST(MovingACase, TheTownshipStepReturnsTheCaseToAnEarlierStep) {
  Date today = D(2019, 3, 1);
  Case c = AdvanceUntil(Opened(ProcedureKind::kMonitor, today), Step::kCheck, &today);
  Action back = By("t1", Level::kTownship, ActionKind::kReturn);
  back.to = Step::kReview;
  back.comment = "评议记录不全";
  Result<Case> returned = Apply(c, back, today, kDefaults);
  ASSERT_TRUE(returned.ok());
  EXPECT_EQ(returned->current_step(), Step::kReview);
  EXPECT_EQ(returned->steps.back().action, ActionKind::kReturn);
  EXPECT_EQ(returned->steps.back().to, Step::kReview);

  Action forward = back;
  forward.to = Step::kApprove;
  EXPECT_EQ(Apply(c, forward, today, kDefaults).error().code, "E_STATE");
  Action by_village = back;
  by_village.level = Level::kVillage;
  EXPECT_EQ(Apply(c, by_village, today, kDefaults).error().code, "E_STEP_LEVEL");
}

TEST(MovingACase, AVillageStepCannotReturnTheCase) {
  Case c = Opened(ProcedureKind::kMonitor, D(2019, 3, 1));
  Action back = By("v2", Level::kVillage, ActionKind::kReturn);
  back.to = Step::kPropose;
  EXPECT_EQ(Apply(c, back, D(2019, 3, 1), kDefaults).error().code, "E_STATE");
}

TEST(MovingACase, ARejectionClosesTheCaseAndNothingFollows) {
  Date today = D(2019, 3, 1);
  Case c = AdvanceUntil(Opened(ProcedureKind::kRemove, today), Step::kApprove, &today);
  Action no = By("c1", Level::kCounty, ActionKind::kReject);
  no.comment = "理由不充分";
  Result<Case> rejected = Apply(c, no, today, kDefaults);
  ASSERT_TRUE(rejected.ok());
  EXPECT_EQ(rejected->state, CaseState::kRejected);
  Result<Case> after = Apply(*rejected, By("c1", Level::kCounty), today, kDefaults);
  ASSERT_FALSE(after.ok());
  EXPECT_EQ(after.error().code, "E_STATE");
}

TEST(MovingACase, NothingIsDoneOnADoneCase) {
  Date today = D(2019, 3, 1);
  Case c = AdvanceUntil(Opened(ProcedureKind::kEliminate, today), Step::kApprove, &today);
  Result<Case> done = Apply(c, By("c1", Level::kCounty), today, kDefaults);
  ASSERT_TRUE(done.ok());
  EXPECT_EQ(done->state, CaseState::kDone);
  EXPECT_EQ(
      Apply(*done, By("c1", Level::kCounty, ActionKind::kReject), today, kDefaults).error().code,
      "E_STATE");
}

TEST(MovingACase, EvidenceStepsNeedAnAttachmentWhenThePolicyRequiresIt) {
  ProcedureSettings strict;
  strict.require_evidence = true;
  Case c = Opened(ProcedureKind::kExit, D(2019, 3, 1));  // current: review
  Result<Case> bare = Apply(c, By("v2", Level::kVillage), D(2019, 3, 2), strict);
  ASSERT_FALSE(bare.ok());
  EXPECT_EQ(bare.error().code, "E_EVIDENCE");
  Action with_minutes = By("v2", Level::kVillage);
  with_minutes.attachments = 1;
  Result<Case> ok = Apply(c, with_minutes, D(2019, 3, 2), strict);
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(ok->steps.back().attachments, 1);
  EXPECT_TRUE(Apply(c, By("v2", Level::kVillage), D(2019, 3, 2), kDefaults).ok());
}

TEST(OpeningACase, AKindThatDoesNotApplyToTheHouseholdIsRefused) {
  const struct {
    ProcedureKind kind;
    Household household;
  } refused[] = {
      {ProcedureKind::kIdentify, Registered(code::kPoor)},
      {ProcedureKind::kExit, Registered(code::kExited)},
      {ProcedureKind::kExit, Ordinary()},
      {ProcedureKind::kReturn, Registered(code::kPoor)},
      {ProcedureKind::kRemove, Registered(code::kRemoved)},
      {ProcedureKind::kRemove, Ordinary()},
      {ProcedureKind::kMonitor, Registered(code::kPoor)},
      {ProcedureKind::kMonitor, Monitored()},
      {ProcedureKind::kEliminate, Registered(code::kExited)},
  };
  for (const auto& [kind, household] : refused) {
    SCOPED_TRACE(ProcedureKindKey(kind));
    OpenRequest r;
    r.kind = kind;
    r.year = 2019;
    r.actor = "v1";
    Result<Case> c = Open(r, household, D(2019, 3, 1), kDefaults);
    ASSERT_FALSE(c.ok());
    EXPECT_EQ(c.error().code, "E_STATE");
    EXPECT_FALSE(c.error().zh.empty());
    EXPECT_FALSE(c.error().en.empty());
  }
  EXPECT_TRUE(CheckApplies(ProcedureKind::kExit, Registered(code::kReturned)).ok());
  EXPECT_TRUE(CheckApplies(ProcedureKind::kMonitor, Ordinary()).ok());
}

TEST(OpeningACase, IdentificationAndReturnAfter2020AreRefusedOnTheYear) {
  for (ProcedureKind kind : {ProcedureKind::kIdentify, ProcedureKind::kReturn}) {
    SCOPED_TRACE(ProcedureKindKey(kind));
    OpenRequest r;
    r.kind = kind;
    r.year = 2021;
    r.actor = "v1";
    Result<Case> c = Open(r, FitFor(kind), D(2021, 3, 1), kDefaults);
    ASSERT_FALSE(c.ok());
    EXPECT_EQ(c.error().code, "E_CONDITIONS");
    const std::vector<FailedCondition> failed = CheckYearLimits(kind, 2021, kDefaults);
    ASSERT_EQ(failed.size(), 1u);
    EXPECT_EQ(failed[0].criterion, "year");
    EXPECT_NE(failed[0].en.find("monitoring"), std::string::npos);
    EXPECT_TRUE(CheckYearLimits(kind, 2020, kDefaults).empty());
  }
  EXPECT_TRUE(CheckYearLimits(ProcedureKind::kMonitor, 2024, kDefaults).empty());
}

TEST(MonitorDeadline, CalendarDaysCountFromTheClueDate) {
  const Date clue = D(2024, 3, 1);
  EXPECT_EQ(MonitorDueDate(clue, kDefaults), D(2024, 3, 16));
  EXPECT_FALSE(IsMonitorOverdue(clue, D(2024, 3, 16), kDefaults));
  EXPECT_TRUE(IsMonitorOverdue(clue, D(2024, 3, 17), kDefaults));
}

TEST(MonitorDeadline, WorkingDaysSkipSaturdaysAndSundays) {
  ProcedureSettings s;
  s.monitor_working_days = true;
  s.monitor_max_days = 15;
  // Friday 1 March 2024: 15 working days are 4–8, 11–15 and 18–22 March.
  EXPECT_EQ(MonitorDueDate(D(2024, 3, 1), s), D(2024, 3, 22));
  // Saturday 2 March: the same fifteen days.
  EXPECT_EQ(MonitorDueDate(D(2024, 3, 2), s), D(2024, 3, 22));
  s.monitor_max_days = 20;
  EXPECT_EQ(MonitorDueDate(D(2024, 3, 1), s), D(2024, 3, 29));
}

TEST(MonitorDeadline, AnOpenMonitorCaseIsOverdueAfterItsDueDate) {
  OpenRequest r;
  r.kind = ProcedureKind::kMonitor;
  r.year = 2024;
  r.actor = "v1";
  r.clue_date = D(2024, 3, 1);
  Result<Case> c = Open(r, Ordinary(), D(2024, 3, 5), kDefaults);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->clue_date, D(2024, 3, 1));
  EXPECT_FALSE(c->IsOverdue(D(2024, 3, 16), kDefaults));
  EXPECT_TRUE(c->IsOverdue(D(2024, 3, 17), kDefaults));
  EXPECT_FALSE(Opened(ProcedureKind::kExit, D(2024, 3, 1)).IsOverdue(D(2025, 1, 1), kDefaults));
}

TEST(Effects, TheLastStepWritesTheHouseholdsNewStatus) {
  const Date on = D(2019, 11, 20);
  Effect exit = EffectOf(ProcedureKind::kExit, 2019, on);
  EXPECT_EQ(exit.poverty_status, code::kExited);
  EXPECT_EQ(exit.exit_year, 2019);
  EXPECT_FALSE(exit.kind);
  Effect identify = EffectOf(ProcedureKind::kIdentify, 2016, on);
  EXPECT_EQ(identify.kind, code::kRegistered);
  EXPECT_EQ(identify.poverty_status, code::kPoor);
  EXPECT_EQ(identify.registered_year, 2016);
  EXPECT_EQ(EffectOf(ProcedureKind::kReturn, 2020, on).poverty_status, code::kReturned);
  EXPECT_EQ(EffectOf(ProcedureKind::kRemove, 2019, on).poverty_status, code::kRemoved);
  Effect monitor = EffectOf(ProcedureKind::kMonitor, 2024, on);
  EXPECT_EQ(monitor.monitor_status, code::kMonitoring);
  EXPECT_EQ(monitor.monitor_since, on);
  Effect eliminate = EffectOf(ProcedureKind::kEliminate, 2024, on);
  EXPECT_EQ(eliminate.monitor_status, code::kRiskEliminated);
  EXPECT_EQ(eliminate.risk_eliminated_on, on);
}

}  // namespace
}  // namespace fupin
