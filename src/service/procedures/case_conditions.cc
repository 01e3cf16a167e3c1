#include "service/procedures/case_conditions.h"

#include <algorithm>

#include "domain/criteria.h"

namespace fupin {
namespace {

void AddCriterion(std::vector<FailedCondition>& out, const CriterionResult& r) {
  out.push_back({std::string(CriterionKey(r.criterion)), r.zh, r.en});
}

// The words for an unmet elimination condition of AssessElimination.
FailedCondition EliminationCondition(const std::string& unmet, const Household& h,
                                     const Policy& policy, int year, Money line) {
  if (unmet == "income") {
    return {
        "income",
        "人均纯收入 " + h.PerCapitaIncome().ToString() + " 元低于监测线 " + line.ToString() + " 元",
        "per-capita net income " + h.PerCapitaIncome().ToString() +
            " is below the monitoring line " + line.ToString()};
  }
  if (unmet == "rigid_expense") {
    return {"rigid_expense", "刚性支出仍超过家庭纯收入的规定比例",
            "rigid expenses still exceed the set share of net income"};
  }
  if (unmet == "months") {
    const std::string months = std::to_string(policy.monitoring.min_months_before_elimination);
    return {"months", "纳入监测未满 " + months + " 个月",
            "monitored for less than " + months + " months"};
  }
  if (unmet == "measures") {
    return {"measure", "尚未记录任何帮扶措施", "no assistance measure is recorded"};
  }
  if (unmet == "no_labour") {
    return {"labor", "家庭成员均无劳动能力，应继续兜底保障（县级可书面说明后认定）",
            "no member has labour capacity: guaranteed support continues (a county may "
            "override with a written reason)"};
  }
  // education, medical, housing, water: the exit criterion's own words.
  const CriterionResult r = unmet == "education" ? CheckEducation(h, policy, year)
                            : unmet == "medical" ? CheckMedical(h)
                            : unmet == "housing" ? CheckHousing(h, policy)
                                                 : CheckWater(h);
  return {unmet, r.zh, r.en};
}

}  // namespace

Result<std::vector<int>> MeasureCategoriesOf(Store& store, const Household& household) {
  auto measures =
      store.care().Measures(household.village_code.county().value(), household.household_code);
  if (!measures.ok()) return measures.error();
  std::vector<int> categories;
  for (const MeasureRow& m : *measures) categories.push_back(m.category);
  return categories;
}

Result<int> EliminationMethodOf(Store& store, const Household& household) {
  auto categories = MeasureCategoriesOf(store, household);
  if (!categories.ok()) return categories.error();
  return EliminationMethod(*categories);
}

Result<std::vector<FailedCondition>> OpeningConditions(Store& store, ProcedureKind kind,
                                                       const Household& h, const Policy& policy,
                                                       int year, Date today,
                                                       const CaseParams& params) {
  std::vector<FailedCondition> failed;
  ProcedureSettings settings;
  settings.identify_until = policy.procedures.identify_until;
  settings.return_until = policy.procedures.return_until;
  for (FailedCondition& f : CheckYearLimits(kind, year, settings)) failed.push_back(std::move(f));
  switch (kind) {
    case ProcedureKind::kIdentify: {
      auto line = policy.PovertyLine(year);
      if (!line.ok()) return line.error();
      if (!(h.PerCapitaIncome() < line->amount)) {
        failed.push_back({"income",
                          "人均纯收入 " + h.PerCapitaIncome().ToString() + " 元不低于扶贫标准 " +
                              line->amount.ToString() + " 元",
                          "per-capita net income " + h.PerCapitaIncome().ToString() +
                              " is not below the poverty line " + line->amount.ToString()});
      }
      break;
    }
    case ProcedureKind::kExit: {
      auto line = policy.PovertyLine(year);
      if (!line.ok()) return line.error();
      for (const CriterionResult& r : AssessExit(h, policy, year, line->amount).failed) {
        AddCriterion(failed, r);
      }
      break;
    }
    case ProcedureKind::kMonitor: {
      if (params.source != "assessment") break;  // an application, a call or a finding
      auto line = policy.MonitoringLine(year);
      if (!line.ok()) return line.error();
      if (!AssessMonitoring(h, policy, year, line->amount).candidate) {
        failed.push_back({"income",
                          "监测评估未提示此户：人均纯收入 " + h.PerCapitaIncome().ToString() +
                              " 元不低于监测线 " + line->amount.ToString() + " 元",
                          "the monitoring assessment does not suggest this household: per-capita "
                          "net income " +
                              h.PerCapitaIncome().ToString() + " is not below the line " +
                              line->amount.ToString()});
        failed.push_back({"rigid_expense", "刚性支出未超过家庭纯收入的规定比例",
                          "rigid expenses do not exceed the set share of net income"});
      }
      break;
    }
    case ProcedureKind::kEliminate: {
      auto line = policy.MonitoringLine(year);
      if (!line.ok()) return line.error();
      auto categories = MeasureCategoriesOf(store, h);
      if (!categories.ok()) return categories.error();
      const EliminationDecision d =
          AssessElimination(h, policy, year, line->amount, today, *categories);
      for (const std::string& unmet : d.unmet) {
        if (unmet == "no_labour" && !params.labor_override.empty()) continue;
        failed.push_back(EliminationCondition(unmet, h, policy, year, line->amount));
      }
      break;
    }
    case ProcedureKind::kReturn:
    case ProcedureKind::kRemove:
      break;
  }
  return failed;
}

}  // namespace fupin
