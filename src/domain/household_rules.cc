#include "domain/household_rules.h"

#include <string>

namespace fupin {
namespace {

void Add(std::vector<RuleIssue>& issues, std::string code, int member, std::string column,
         std::string value, std::string zh, std::string en) {
  issues.push_back(
      {std::move(code), member, std::move(column), std::move(value), std::move(zh), std::move(en)});
}

std::string Label(CodeList list, int code) {
  return code == kNone ? std::string() : std::string(CodeLabel(list, code));
}

}  // namespace

void CheckHouseholdRow(Household& h, Date today, std::vector<RuleIssue>& issues) {
  const int current_year = today.year();
  if (h.IsRegistered()) {
    if (h.poverty_status == kNone) {
      Add(issues, "E_REQUIRED", -1, "贫困状态", "", "建档立卡户必须填写贫困状态",
          "poverty status is required for a registered household");
    }
    if (h.registered_year == 0) {
      Add(issues, "E_REQUIRED", -1, "识别年度", "", "建档立卡户必须填写识别年度",
          "the year of registration is required for a registered household");
    } else if (h.registered_year < 2013 || h.registered_year > current_year) {
      Add(issues, "E_YEAR", -1, "识别年度", std::to_string(h.registered_year),
          "识别年度应在 2013 至 " + std::to_string(current_year) + " 之间",
          "the year of registration must be between 2013 and " + std::to_string(current_year));
    }
    if (h.main_cause == kNone) {
      Add(issues, "E_REQUIRED", -1, "主要致贫原因", "", "建档立卡户必须填写主要致贫原因",
          "the main cause of poverty is required for a registered household");
    }
    if (h.poverty_status == code::kExited && h.exit_year == 0) {
      Add(issues, "E_YEAR", -1, "脱贫年度", "", "已脱贫户必须填写脱贫年度",
          "an exited household needs its year of exit");
    }
    if (h.exit_year != 0) {
      if (h.exit_year < 2013 || h.exit_year > current_year) {
        Add(issues, "E_YEAR", -1, "脱贫年度", std::to_string(h.exit_year),
            "脱贫年度应在 2013 至 " + std::to_string(current_year) + " 之间",
            "the year of exit must be between 2013 and " + std::to_string(current_year));
      } else if (h.registered_year != 0 && h.exit_year < h.registered_year) {
        Add(issues, "E_YEAR", -1, "脱贫年度", std::to_string(h.exit_year),
            "脱贫年度早于识别年度 " + std::to_string(h.registered_year),
            "the year of exit is before the year of registration " +
                std::to_string(h.registered_year));
      }
    }
  } else {
    if (h.poverty_status != kNone) {
      Add(issues, "E_CONSISTENCY", -1, "贫困状态",
          Label(CodeList::kPovertyStatus, h.poverty_status), "普通农户不应填写贫困状态",
          "an ordinary household has no poverty status");
    }
    if (h.registered_year != 0) {
      Add(issues, "E_CONSISTENCY", -1, "识别年度", std::to_string(h.registered_year),
          "普通农户不应填写识别年度", "an ordinary household has no year of registration");
    }
    if (h.main_cause != kNone) {
      Add(issues, "E_CONSISTENCY", -1, "主要致贫原因", Label(CodeList::kCause, h.main_cause),
          "普通农户不应填写主要致贫原因", "an ordinary household has no cause of poverty");
    }
    if (h.exit_year != 0) {
      Add(issues, "E_CONSISTENCY", -1, "脱贫年度", std::to_string(h.exit_year),
          "普通农户不应填写脱贫年度", "an ordinary household has no year of exit");
    }
  }

  if (h.IsMonitored()) {
    if (h.monitor_status == kNone) h.monitor_status = code::kMonitoring;
    if (h.monitor_status == code::kMonitorNone) {
      Add(issues, "E_CONSISTENCY", -1, "监测状态", "无", "监测对象的监测状态不能为“无”",
          "a monitored household cannot have monitoring status 无 (none)");
    }
    if (!h.monitor_since) {
      Add(issues, "E_REQUIRED", -1, "纳入监测日期", "", "监测对象必须填写纳入监测日期",
          "the date monitoring began is required for a monitored household");
    } else if (*h.monitor_since > today) {
      Add(issues, "E_DATE", -1, "纳入监测日期", h.monitor_since->ToString(),
          "纳入监测日期不能晚于今天", "the date monitoring began lies in the future");
    }
    if (h.risk_types.empty()) {
      Add(issues, "E_REQUIRED", -1, "风险类型", "", "监测对象必须填写风险类型",
          "risk types are required for a monitored household");
    }
  } else {
    if (h.monitor_status == kNone) h.monitor_status = code::kMonitorNone;
    if (h.monitor_status != code::kMonitorNone) {
      Add(issues, "E_CONSISTENCY", -1, "监测状态",
          Label(CodeList::kMonitorStatus, h.monitor_status),
          "非监测对象不能有监测状态“" + Label(CodeList::kMonitorStatus, h.monitor_status) + "”",
          "a household that is not monitored cannot be " +
              std::string(h.monitor_status == code::kMonitoring ? "under monitoring"
                                                                : "risk-eliminated"));
    }
  }
}

void CheckMemberRow(const Member& m, int index, std::vector<RuleIssue>& issues) {
  if (m.health.Has(code::kHealthy) &&
      (m.health.Has(code::kChronic) || m.health.Has(code::kSerious) ||
       m.health.Has(code::kDisabled))) {
    Add(issues, "E_CONSISTENCY", index, "健康状况", CodeSetLabels(CodeList::kHealth, m.health),
        "“健康”不能与其他健康状况同时填写", "健康 (healthy) cannot be combined with other values");
  }
  if (m.IsDisabled() && m.disability_grade == kNone) {
    Add(issues, "E_CONSISTENCY", index, "残疾等级", "", "残疾人员必须填写残疾等级",
        "a disabled member needs a disability grade");
  }
  if (!m.IsDisabled() && m.disability_grade != kNone) {
    Add(issues, "E_CONSISTENCY", index, "残疾等级",
        Label(CodeList::kDisabilityGrade, m.disability_grade), "健康状况不含残疾，不应填写残疾等级",
        "a disability grade without 残疾 in health");
  }
}

void CheckHouseholdMembers(const Household& h, std::vector<RuleIssue>& issues) {
  if (h.members.empty()) {
    Add(issues, "E_HOUSEHOLD", -1, "户编号", h.household_code, "户表中的户在人表中没有成员",
        "the household has no member rows");
    return;
  }
  int heads = 0;
  for (size_t i = 0; i < h.members.size(); ++i) {
    if (h.members[i].relation != code::kHead) continue;
    if (++heads > 1) {
      Add(issues, "E_HEAD", static_cast<int>(i), "与户主关系", "户主",
          "一户只能有一名户主：户 " + h.household_code + " 已有户主",
          "a household has exactly one head: " + h.household_code + " already has one");
    }
  }
  if (heads == 0) {
    Add(issues, "E_HEAD", -1, "户编号", h.household_code, "该户没有户主",
        "the household has no head (户主)");
  }
  if (h.size != 0 && h.size != static_cast<int>(h.members.size())) {
    Add(issues, "E_SIZE", -1, "家庭人口数", std::to_string(h.size),
        "家庭人口数为 " + std::to_string(h.size) + "，人表中有 " +
            std::to_string(h.members.size()) + " 名成员",
        "household size is " + std::to_string(h.size) + " but there are " +
            std::to_string(h.members.size()) + " member rows");
  }

  if (h.IsRegistered()) {
    bool sick = false, disabled = false, student = false;
    for (const auto& m : h.members) {
      sick |= m.IsSick();
      disabled |= m.IsDisabled();
      student |= m.IsStudent();
    }
    const int cause = h.main_cause;
    if ((cause == code::kCauseIllness && !sick) || (cause == code::kCauseDisability && !disabled) ||
        (cause == code::kCauseSchooling && !student)) {
      std::string label(CodeLabel(CodeList::kCause, cause));
      Add(issues, "W_CAUSE_MISMATCH", -1, "主要致贫原因", label,
          "主要致贫原因为“" + label + "”，但家庭成员中没有相应人员",
          "the main cause is " + label + " but no member fits it");
    }
  }
  const Money per_capita = h.PerCapitaIncome();
  if (per_capita <= Money() || per_capita > Money::FromYuan(100000)) {
    Add(issues, "W_INCOME_OUTLIER", -1, "人均纯收入", per_capita.ToString(),
        "人均纯收入 " + per_capita.ToString() + " 元异常（≤0 或超过 100,000 元）",
        "per-capita net income " + per_capita.ToString() +
            " yuan is unusual (≤ 0 or over 100,000)");
  }
}

}  // namespace fupin
