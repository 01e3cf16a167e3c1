// The decisions of spec/policy.md as pure functions: a household (or a region's counts)
// and the effective policy in, a decision with its reasons out. Each rule cites its text.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "domain/household.h"
#include "domain/policy.h"

namespace fupin {

// The exit criteria, in the order results list them (spec/cli.md).
enum class Criterion { kIncome, kFood, kClothing, kEducation, kMedical, kHousing, kWater };
inline constexpr Criterion kAllCriteria[] = {
    Criterion::kIncome,  Criterion::kFood,    Criterion::kClothing, Criterion::kEducation,
    Criterion::kMedical, Criterion::kHousing, Criterion::kWater};
// "income", "food", "clothing", "education", "medical", "housing", "water".
std::string_view CriterionKey(Criterion criterion);

struct CriterionResult {
  Criterion criterion;
  bool pass = true;
  std::string zh, en;  // why it fails (empty when it passes)
};

// 31 December of `year`: the day ages are counted on.
Date YearEnd(int year);

// income: per-capita net income > poverty_line(Y), strictly, compared in fen after rounding.
CriterionResult CheckIncome(const Household& household, Money poverty_line);
// food: 不愁吃 is yes.  clothing: 不愁穿 is yes.  water: 饮水安全 is yes.
CriterionResult CheckFood(const Household& household);
CriterionResult CheckClothing(const Household& household);
CriterionResult CheckWater(const Household& household);
// education: every member whose age on 31 Dec Y is within school_age (inclusive) is in
// school (学前教育 … 本科及以上) or has an approved exemption (送教上门, 因病（残）休学).
// A member without a known birth date has no known age and is not counted.
CriterionResult CheckEducation(const Household& household, const Policy& policy, int year);
// School age (policy exit.school_age, inclusive): full years on 31 December of `year`;
// someone born after that day is not of school age.
bool IsOfSchoolAge(Date birth_date, int year, const Policy& policy);
// medical: every member has resident or employee basic medical insurance.
CriterionResult CheckMedical(const Household& household);
// housing: grade in safe_housing_grades, or 危房改造 已竣工, or 易地搬迁 已搬迁入住.
CriterionResult CheckHousing(const Household& household, const Policy& policy);

// 贫困户退出 (policy.md "Household exit"): a 建档立卡户 with status 未脱贫 or 返贫 meets the
// exit standard when every criterion holds; every failing one is listed, in order.
bool IsExitCandidate(const Household& household);
struct ExitDecision {
  bool meets = false;
  Money per_capita_income;
  std::vector<CriterionResult> failed;
};
ExitDecision AssessExit(const Household& household, const Policy& policy, int year,
                        Money poverty_line);

// 突发严重困难 (policy.md "Monitoring"): (合规自付医疗 + 教育 + 灾害损失) > rigid_expense_ratio ×
// household net income, or net income ≤ 0 while that sum > 0. Compared exactly.
bool RigidExpenseFires(const IncomeFigures& figures, Ratio ratio);

// Monitoring candidates are drawn from 建档立卡户 with status 已脱贫 and from 普通农户; a
// household already 监测中 is not suggested again (one whose risk was eliminated can be).
bool IsMonitoringPool(const Household& household);
struct MonitorDecision {
  bool candidate = false;
  int type = 0;                    // the lowest type number among the rules that fired
  std::vector<std::string> rules;  // "income_below_line", "rigid_expense"
  CodeSet risk_types;              // from failing 三保障 and water criteria
  Money per_capita_income;
};
// The rules alone, on the household's figures (its members are not needed): what the
// full assessment decides but the risk types.
MonitorDecision MonitoringRules(const Household& household, const IncomeFigures& figures,
                                const Policy& policy, Money monitoring_line);
// The full assessment: the rules, and the risk types of a candidate.
MonitorDecision AssessMonitoring(const Household& household, const Policy& policy, int year,
                                 Money monitoring_line);

// The 风险类型 that failing criteria describe: housing → 09, water → 10, education → 02,
// medical → 01.
CodeSet RiskTypesOf(const Household& household, const Policy& policy, int year);

// 风险消除 (policy.md): may be proposed only when per-capita net income ≥ monitoring_line,
// the rigid-expense rule no longer fires, education, medical, housing and water hold, the
// household has been monitored at least min_months_before_elimination months by `as_of`,
// and at least one assistance measure is recorded. A household in which no member has
// labour capacity is never proposed: it stays under guaranteed support (兜底).
struct EliminationDecision {
  bool eligible = false;
  // Unmet conditions: "income", "rigid_expense", "education", "medical", "housing",
  // "water", "months", "measures", "no_labour".
  std::vector<std::string> unmet;
  int method = 0;  // 1 帮扶消除 when a development-type measure (01–04) was given, else 2 自然消除
};
// 风险消除方式 of policy.md: 1 帮扶消除 when any development-type measure (01–04) was given,
// else 2 自然消除.
int EliminationMethod(std::span<const int> measure_categories);
EliminationDecision AssessElimination(const Household& household, const Policy& policy, int year,
                                      Money monitoring_line, Date as_of,
                                      std::span<const int> measure_categories);

// 贫困发生率 (policy.md "Village exit and county exit"): poor persons ÷ rural population.
struct IncidenceDecision {
  int64_t poor_persons = 0;
  std::optional<int64_t> rural_population;  // unknown: cannot be assessed
  std::optional<std::string> incidence;     // 4 places, half away from zero
  std::optional<bool> meets;                // incidence < max, compared exactly
  Ratio max_incidence;                      // the threshold it was compared with
};
IncidenceDecision AssessIncidence(int64_t poor_persons, std::optional<int64_t> rural_population,
                                  Ratio max_incidence);
// A village meets the standard when incidence < max_incidence (max_incidence_west for a
// western province).
IncidenceDecision AssessVillage(RegionCode village, int64_t poor_persons,
                                std::optional<int64_t> rural_population, const Policy& policy);

// The third-party assessment of a county for a year (错退率, 漏评率, 群众认可度).
struct CountyAssessment {
  Ratio wrong_exit_rate, missed_rate, satisfaction;
};
struct CountyDecision {
  IncidenceDecision incidence;
  std::optional<CountyAssessment> assessment;
  std::vector<std::string> failed;  // "incidence", "wrong_exit_rate", "missed_rate", "satisfaction"
  std::optional<bool> meets;        // null when the incidence cannot be assessed
};
// A county also needs 错退率 < max, 漏评率 < max and 群众认可度 ≥ min when they are entered.
CountyDecision AssessCounty(RegionCode county, int64_t poor_persons,
                            std::optional<int64_t> rural_population,
                            const std::optional<CountyAssessment>& assessment,
                            const Policy& policy);

// Thresholds of the cross-check (spec/compare.md, policy.md): a vehicle bought for more
// than [compare] vehicle_price; yearly out-of-pocket medical costs above
// medical_alert_registered for members of a 建档立卡户, medical_alert_other for anyone else.
bool VehicleOverLimit(Money price, const Policy& policy);
Money MedicalAlertLimit(const Policy& policy, bool registered_household);

}  // namespace fupin
