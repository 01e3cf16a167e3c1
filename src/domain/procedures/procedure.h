// The six procedures (办件) of spec/procedures.md as data: their steps and levels, the
// households each applies to, the year limits, the steps that take evidence, notice
// lengths, the monitoring deadline and the effect of the last step. Pure: no storage, no
// clock (dates are passed in), no policy lookup (the settings are passed in).
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/date.h"
#include "common/error.h"
#include "domain/household.h"

namespace fupin {

// identify 识别纳入, exit 脱贫退出, return 返贫, remove 剔除, monitor 纳入监测,
// eliminate 风险消除.
enum class ProcedureKind { kIdentify, kExit, kReturn, kRemove, kMonitor, kEliminate };
inline constexpr ProcedureKind kAllProcedureKinds[] = {
    ProcedureKind::kIdentify, ProcedureKind::kExit,    ProcedureKind::kReturn,
    ProcedureKind::kRemove,   ProcedureKind::kMonitor, ProcedureKind::kEliminate};
// "identify", "exit", "return", "remove", "monitor", "eliminate".
std::string_view ProcedureKindKey(ProcedureKind kind);
std::string_view ProcedureKindLabel(ProcedureKind kind);  // "识别纳入" …
std::optional<ProcedureKind> ParseProcedureKind(std::string_view key);

// The step keys of spec/procedures.md.
enum class Step {
  kApply,         // 申请
  kPropose,       // 提出
  kVerify,        // 入户核实
  kReview,        // 民主评议
  kConsent,       // 户认可
  kNotice,        // 村内公示
  kCheck,         // 乡审核
  kSecondNotice,  // 乡镇审核后公示
  kApprove,       // 县审批 / 县审定
};
// "apply", "propose", "verify", "review", "consent", "notice", "check", "second_notice",
// "approve".
std::string_view StepKey(Step step);
// The Chinese name of a step: "入户核实" …; a kind's own wording where the spec gives one
// (exit's verify 村两委和驻村工作队核实, approve 县审批 for identify and 县审定 otherwise).
std::string_view StepLabel(Step step);
std::string_view StepLabel(ProcedureKind kind, Step step);
std::optional<Step> ParseStep(std::string_view key);

// The level of a step (V, T, C) or of an actor. kAdmin is an actor's level only: admin
// acts at any step. Whether the account's region contains the household is the service's
// check, not this one.
enum class Level { kVillage, kTownship, kCounty, kAdmin };
std::string_view LevelKey(Level level);  // "V", "T", "C", "admin"

struct StepSpec {
  Step step;
  Level level;  // kVillage, kTownship or kCounty
};

// The steps of a kind, in order, exactly as the table of spec/procedures.md.
std::span<const StepSpec> Steps(ProcedureKind kind);

// review, verify and consent accept attachments (minutes, signatures, 承诺授权书); with
// require_evidence they need at least one (E_EVIDENCE).
bool TakesEvidence(Step step);
// notice and second_notice: a public notice (公示) runs while the step is current.
bool IsNoticeStep(Step step);

// The policy values a procedure needs, with the defaults of spec/policy.md. The service
// fills it from the effective policy of the household's place.
struct ProcedureSettings {
  int identify_notice_days = 7;   // procedures.identify_notice_days (also return, second_notice)
  int exit_notice_days = 7;       // exit.notice_days
  int monitor_notice_days = 5;    // monitoring.notice_days (also eliminate)
  int remove_notice_days = 7;     // procedures.remove_notice_days
  int identify_until = 2020;      // procedures.identify_until: last year of new 建档立卡
  int return_until = 2020;        // procedures.return_until: last year of 返贫
  bool require_evidence = false;  // procedures.require_evidence
  int monitor_max_days = 15;      // procedures.monitor_max_days
  bool monitor_working_days = false;  // procedures.monitor_working_days
};

// The days a notice of `step` (notice or second_notice) of `kind` runs: exit 7, monitor 5
// (eliminate too, a monitoring procedure), identify 7, remove 7; return and every
// second_notice use identify's.
int NoticeDays(ProcedureKind kind, Step step, const ProcedureSettings& settings);

// Whether `kind` applies to the household's status (户类型, 贫困状态, 监测状态):
//   identify  普通农户
//   exit      建档立卡户 未脱贫 or 返贫
//   return    建档立卡户 已脱贫
//   remove    建档立卡户 not 已剔除
//   monitor   已脱贫 建档立卡户 or 普通农户, not 监测中
//   eliminate 监测中
// Ok, or E_STATE naming the kind and the status.
Status CheckApplies(ProcedureKind kind, const Household& household);

// A condition that fails when a case is opened: `criterion` is one of the keys of the
// E_CONDITIONS details (`year` here; the service adds the policy engine's).
struct FailedCondition {
  std::string criterion;
  std::string zh, en;
};

// The conditions that depend on `year` alone: identify after identify_until and return
// after return_until fail with criterion `year` (from 2021 a household at risk enters
// monitoring instead). Empty when they hold and for the other kinds.
std::vector<FailedCondition> CheckYearLimits(ProcedureKind kind, int year,
                                             const ProcedureSettings& settings);

// E_CONDITIONS listing every failing condition in its message (the service gives them
// as details). `failed` must not be empty.
Error ConditionsError(std::span<const FailedCondition> failed);

// The monitoring deadline: a `monitor` case should be decided by clue_date +
// monitor_max_days calendar days, or that many working days (Monday–Friday, the clue's
// own day not counted) with monitor_working_days. Decided on that date is on time; the
// case is overdue from the next day (IsMonitorOverdue).
Date MonitorDueDate(Date clue_date, const ProcedureSettings& settings);
bool IsMonitorOverdue(Date clue_date, Date today, const ProcedureSettings& settings);

// What the service must write to the household when the last step of a case is done,
// beside the history (`case:<id>`) and the aggregates. Fields left empty are unchanged;
// `from_params` names the case parameters the service copies too ("cause", "reason",
// "type", "risk_types", "method").
struct Effect {
  std::optional<int> kind;            // 户类型
  std::optional<int> poverty_status;  // 贫困状态
  std::optional<int> registered_year;
  std::optional<int> exit_year;
  std::optional<int> monitor_status;       // 监测状态
  std::optional<Date> monitor_since;       // 纳入监测时间
  std::optional<Date> risk_eliminated_on;  // 风险消除时间
  std::vector<std::string_view> from_params;
  friend bool operator==(const Effect&, const Effect&) = default;
};
// The effect of a case of `kind` for `year`, approved on `approved_on`.
Effect EffectOf(ProcedureKind kind, int year, Date approved_on);

}  // namespace fupin
