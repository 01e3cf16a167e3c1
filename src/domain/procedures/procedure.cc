#include "domain/procedures/procedure.h"

#include <string>

namespace fupin {
namespace {

struct KindName {
  ProcedureKind kind;
  std::string_view key, label;
};
constexpr KindName kKindNames[] = {
    {ProcedureKind::kIdentify, "identify", "识别纳入"},
    {ProcedureKind::kExit, "exit", "脱贫退出"},
    {ProcedureKind::kReturn, "return", "返贫"},
    {ProcedureKind::kRemove, "remove", "剔除"},
    {ProcedureKind::kMonitor, "monitor", "纳入监测"},
    {ProcedureKind::kEliminate, "eliminate", "风险消除"},
};

struct StepName {
  Step step;
  std::string_view key, label;
};
constexpr StepName kStepNames[] = {
    {Step::kApply, "apply", "申请"},       {Step::kPropose, "propose", "提出"},
    {Step::kVerify, "verify", "入户核实"}, {Step::kReview, "review", "民主评议"},
    {Step::kConsent, "consent", "户认可"}, {Step::kNotice, "notice", "村内公示"},
    {Step::kCheck, "check", "乡审核"},     {Step::kSecondNotice, "second_notice", "乡镇审核后公示"},
    {Step::kApprove, "approve", "县审批"},
};

constexpr Level V = Level::kVillage, T = Level::kTownship, C = Level::kCounty;

// spec/procedures.md "Kinds and their steps". identification: 国开办发〔2014〕24号 (两公示一
// 公告); exit: 厅字〔2016〕16号 (民主评议 → 核实 → 户认可 → 公示 → 公告); monitoring and
// elimination: the 2021 guidance on 防止返贫动态监测和帮扶.
constexpr StepSpec kIdentifySteps[] = {
    {Step::kApply, V}, {Step::kVerify, V},       {Step::kReview, V}, {Step::kNotice, V},
    {Step::kCheck, T}, {Step::kSecondNotice, T}, {Step::kApprove, C}};
constexpr StepSpec kExitSteps[] = {{Step::kPropose, V}, {Step::kReview, V}, {Step::kVerify, V},
                                   {Step::kConsent, V}, {Step::kNotice, V}, {Step::kCheck, T},
                                   {Step::kApprove, C}};
constexpr StepSpec kReturnSteps[] = {
    {Step::kApply, V}, {Step::kVerify, V},       {Step::kReview, V}, {Step::kNotice, V},
    {Step::kCheck, T}, {Step::kSecondNotice, T}, {Step::kApprove, C}};
// remove, monitor and eliminate share their steps.
constexpr StepSpec kProposeVerifySteps[] = {{Step::kPropose, V}, {Step::kVerify, V},
                                            {Step::kReview, V},  {Step::kNotice, V},
                                            {Step::kCheck, T},   {Step::kApprove, C}};

std::string StatusText(const Household& h) {
  std::string zh(CodeLabel(CodeList::kHouseholdKind, h.kind));
  if (h.poverty_status != kNone) {
    zh += "、";
    zh += CodeLabel(CodeList::kPovertyStatus, h.poverty_status);
  }
  if (h.monitor_status != code::kMonitorNone) {
    zh += "、";
    zh += CodeLabel(CodeList::kMonitorStatus, h.monitor_status);
  }
  return zh;
}

// Days since 1970-01-01 (a Thursday) → 0 Monday … 6 Sunday.
int Weekday(Date d) {
  const int r = (d.days() + 3) % 7;
  return r < 0 ? r + 7 : r;
}

}  // namespace

std::string_view ProcedureKindKey(ProcedureKind kind) {
  return kKindNames[static_cast<int>(kind)].key;
}
std::string_view ProcedureKindLabel(ProcedureKind kind) {
  return kKindNames[static_cast<int>(kind)].label;
}
std::optional<ProcedureKind> ParseProcedureKind(std::string_view key) {
  for (const KindName& k : kKindNames) {
    if (k.key == key) return k.kind;
  }
  return std::nullopt;
}

std::string_view StepKey(Step step) { return kStepNames[static_cast<int>(step)].key; }
std::string_view StepLabel(Step step) { return kStepNames[static_cast<int>(step)].label; }
std::string_view StepLabel(ProcedureKind kind, Step step) {
  if (kind == ProcedureKind::kExit && step == Step::kVerify) return "村两委和驻村工作队核实";
  if (kind != ProcedureKind::kIdentify && step == Step::kApprove) return "县审定";
  return StepLabel(step);
}
std::optional<Step> ParseStep(std::string_view key) {
  for (const StepName& s : kStepNames) {
    if (s.key == key) return s.step;
  }
  return std::nullopt;
}

std::string_view LevelKey(Level level) {
  switch (level) {
    case Level::kVillage:
      return "V";
    case Level::kTownship:
      return "T";
    case Level::kCounty:
      return "C";
    case Level::kAdmin:
      return "admin";
  }
  return "";
}

std::span<const StepSpec> Steps(ProcedureKind kind) {
  switch (kind) {
    case ProcedureKind::kIdentify:
      return kIdentifySteps;
    case ProcedureKind::kExit:
      return kExitSteps;
    case ProcedureKind::kReturn:
      return kReturnSteps;
    case ProcedureKind::kRemove:
    case ProcedureKind::kMonitor:
    case ProcedureKind::kEliminate:
      return kProposeVerifySteps;
  }
  return {};
}

bool TakesEvidence(Step step) {
  return step == Step::kReview || step == Step::kVerify || step == Step::kConsent;
}
bool IsNoticeStep(Step step) { return step == Step::kNotice || step == Step::kSecondNotice; }

int NoticeDays(ProcedureKind kind, Step step, const ProcedureSettings& settings) {
  if (step == Step::kSecondNotice) return settings.identify_notice_days;
  switch (kind) {
    case ProcedureKind::kIdentify:
    case ProcedureKind::kReturn:
      return settings.identify_notice_days;
    case ProcedureKind::kExit:
      return settings.exit_notice_days;
    case ProcedureKind::kRemove:
      return settings.remove_notice_days;
    case ProcedureKind::kMonitor:
    case ProcedureKind::kEliminate:
      return settings.monitor_notice_days;
  }
  return settings.identify_notice_days;
}

Status CheckApplies(ProcedureKind kind, const Household& h) {
  const bool registered = h.kind == code::kRegistered;
  const bool monitoring = h.monitor_status == code::kMonitoring;
  bool applies = false;
  std::string_view zh_for, en_for;
  switch (kind) {
    case ProcedureKind::kIdentify:
      applies = h.kind == code::kOrdinary;
      zh_for = "普通农户", en_for = "an ordinary household (普通农户)";
      break;
    case ProcedureKind::kExit:
      applies =
          registered && (h.poverty_status == code::kPoor || h.poverty_status == code::kReturned);
      zh_for = "未脱贫或返贫的建档立卡户";
      en_for = "a registered household (建档立卡户) not yet out of poverty or returned";
      break;
    case ProcedureKind::kReturn:
      applies = registered && h.poverty_status == code::kExited;
      zh_for = "已脱贫的建档立卡户", en_for = "a registered household that has exited (已脱贫)";
      break;
    case ProcedureKind::kRemove:
      applies = registered && h.poverty_status != code::kRemoved;
      zh_for = "未剔除的建档立卡户", en_for = "a registered household not removed (已剔除)";
      break;
    case ProcedureKind::kMonitor:
      applies = ((registered && h.poverty_status == code::kExited) || h.kind == code::kOrdinary) &&
                !monitoring;
      zh_for = "未在监测中的已脱贫建档立卡户或普通农户";
      en_for = "an exited registered household or an ordinary household not under monitoring";
      break;
    case ProcedureKind::kEliminate:
      applies = monitoring;
      zh_for = "监测中的农户", en_for = "a household under monitoring (监测中)";
      break;
  }
  if (applies) return Status::Ok();
  const std::string status = StatusText(h);
  const std::string label(ProcedureKindLabel(kind));
  return Error{"E_STATE", label + "只适用于" + std::string(zh_for) + "；该户为" + status,
               std::string(ProcedureKindKey(kind)) + " (" + label + ") applies only to " +
                   std::string(en_for) + "; this household is " + status};
}

std::vector<FailedCondition> CheckYearLimits(ProcedureKind kind, int year,
                                             const ProcedureSettings& settings) {
  std::vector<FailedCondition> failed;
  const std::string y = std::to_string(year);
  if (kind == ProcedureKind::kIdentify && year > settings.identify_until) {
    const std::string until = std::to_string(settings.identify_until);
    failed.push_back(
        {"year", until + "年后不再新识别建档立卡户（" + y + "年）；有返贫致贫风险的农户应纳入监测",
         "no new registered households (建档立卡) after " + until + " (year " + y +
             "); a household at risk is taken into monitoring instead"});
  }
  if (kind == ProcedureKind::kReturn && year > settings.return_until) {
    const std::string until = std::to_string(settings.return_until);
    failed.push_back({"year", until + "年后不再认定返贫（" + y + "年）；有返贫风险的农户应纳入监测",
                      "no return to poverty (返贫) after " + until + " (year " + y + "); from " +
                          std::to_string(settings.return_until + 1) +
                          " a household at risk is taken into monitoring instead"});
  }
  return failed;
}

Error ConditionsError(std::span<const FailedCondition> failed) {
  Error e{"E_CONDITIONS", "不符合条件：", "conditions not met:"};
  for (size_t i = 0; i < failed.size(); ++i) {
    e.zh += (i ? "；" : "") + failed[i].criterion + "：" + failed[i].zh;
    e.en += (i ? "; " : " ") + failed[i].criterion + ": " + failed[i].en;
  }
  return e;
}

Date MonitorDueDate(Date clue_date, const ProcedureSettings& settings) {
  if (!settings.monitor_working_days) {
    return Date::FromDays(clue_date.days() + settings.monitor_max_days);
  }
  Date d = clue_date;
  for (int counted = 0; counted < settings.monitor_max_days;) {
    d = Date::FromDays(d.days() + 1);
    if (Weekday(d) < 5) ++counted;
  }
  return d;
}

bool IsMonitorOverdue(Date clue_date, Date today, const ProcedureSettings& settings) {
  return today > MonitorDueDate(clue_date, settings);
}

Effect EffectOf(ProcedureKind kind, int year, Date approved_on) {
  Effect e;
  switch (kind) {
    case ProcedureKind::kIdentify:
      e.kind = code::kRegistered;
      e.poverty_status = code::kPoor;
      e.registered_year = year;
      break;
    case ProcedureKind::kExit:
      e.poverty_status = code::kExited;
      e.exit_year = year;
      break;
    case ProcedureKind::kReturn:
      e.poverty_status = code::kReturned;
      e.from_params = {"cause"};
      break;
    case ProcedureKind::kRemove:
      e.poverty_status = code::kRemoved;
      e.from_params = {"reason"};
      break;
    case ProcedureKind::kMonitor:
      e.monitor_status = code::kMonitoring;
      e.monitor_since = approved_on;
      e.from_params = {"type", "risk_types"};
      break;
    case ProcedureKind::kEliminate:
      e.monitor_status = code::kRiskEliminated;
      e.risk_eliminated_on = approved_on;
      e.from_params = {"method"};
      break;
  }
  return e;
}

}  // namespace fupin
