#include "domain/criteria.h"

#include <algorithm>

namespace fupin {
namespace {

using i128 = __int128;

// n/d compared with a ratio r (micros/10^6), exactly; d > 0.
bool Below(int64_t n, int64_t d, Ratio r) {
  return static_cast<i128>(n) * 1000000 < static_cast<i128>(r.micros) * d;
}

CriterionResult Pass(Criterion c) { return {c, true, "", ""}; }
CriterionResult Fail(Criterion c, std::string zh, std::string en) {
  return {c, false, std::move(zh), std::move(en)};
}

bool InSchoolOrExempt(int school_status) {
  // 学前教育 02 … 本科及以上 08; 送教上门 10 and 因病（残）休学 11 are approved exemptions.
  return (school_status >= 2 && school_status <= 8) || school_status == 10 || school_status == 11;
}

}  // namespace

std::string_view CriterionKey(Criterion c) {
  switch (c) {
    case Criterion::kIncome:
      return "income";
    case Criterion::kFood:
      return "food";
    case Criterion::kClothing:
      return "clothing";
    case Criterion::kEducation:
      return "education";
    case Criterion::kMedical:
      return "medical";
    case Criterion::kHousing:
      return "housing";
    case Criterion::kWater:
      return "water";
  }
  return "";
}

Date YearEnd(int year) { return *Date::FromYmd(year, 12, 31); }

// 《关于建立贫困退出机制的意见》(2016): 人均纯收入稳定超过国家扶贫标准.
CriterionResult CheckIncome(const Household& h, Money poverty_line) {
  const Money per_capita = h.PerCapitaIncome();
  if (per_capita > poverty_line) return Pass(Criterion::kIncome);
  return Fail(Criterion::kIncome,
              "人均纯收入 " + per_capita.ToString() + " 元未超过扶贫标准 " +
                  poverty_line.ToString() + " 元",
              "per-capita net income " + per_capita.ToString() + " is not above the line " +
                  poverty_line.ToString());
}

// 两不愁: 不愁吃、不愁穿.
CriterionResult CheckFood(const Household& h) {
  return h.food_secure ? Pass(Criterion::kFood)
                       : Fail(Criterion::kFood, "“不愁吃”未达到", "food is not secure");
}
CriterionResult CheckClothing(const Household& h) {
  return h.clothing_secure ? Pass(Criterion::kClothing)
                           : Fail(Criterion::kClothing, "“不愁穿”未达到", "clothing is not secure");
}
// 饮水安全有保障.
CriterionResult CheckWater(const Household& h) {
  return h.water_safe ? Pass(Criterion::kWater)
                      : Fail(Criterion::kWater, "饮水不安全", "drinking water is not safe");
}

bool IsOfSchoolAge(Date birth_date, int year, const Policy& policy) {
  const Date end = YearEnd(year);
  const int age = birth_date.AgeOn(end);
  return birth_date <= end && age >= policy.exit.school_age_min &&
         age <= policy.exit.school_age_max;
}

bool VehicleOverLimit(Money price, const Policy& policy) {
  return price > policy.compare.vehicle_price;
}

Money MedicalAlertLimit(const Policy& policy, bool registered_household) {
  return registered_household ? policy.monitoring.medical_alert_registered
                              : policy.monitoring.medical_alert_other;
}

// 义务教育有保障: 适龄儿童少年不失学辍学（送教上门、因病（残）休学视为保障）.
CriterionResult CheckEducation(const Household& h, const Policy& policy, int year) {
  const Date end = YearEnd(year);
  for (const auto& m : h.members) {
    if (!m.birth_date) continue;
    if (!IsOfSchoolAge(*m.birth_date, year, policy)) continue;
    const int age = m.birth_date->AgeOn(end);
    if (!InSchoolOrExempt(m.school_status)) {
      return Fail(Criterion::kEducation,
                  m.name + "（" + std::to_string(age) + " 岁）为义务教育适龄，但未在校",
                  m.name + " (" + std::to_string(age) + ") is of school age but not in school");
    }
  }
  return Pass(Criterion::kEducation);
}

// 基本医疗有保障: 参加城乡居民或职工基本医疗保险.
CriterionResult CheckMedical(const Household& h) {
  for (const auto& m : h.members) {
    if (!m.resident_medical_insurance && !m.employee_medical_insurance) {
      return Fail(Criterion::kMedical, m.name + " 未参加基本医疗保险",
                  m.name + " has no basic medical insurance");
    }
  }
  return Pass(Criterion::kMedical);
}

// 住房安全有保障: 安全等级 A/B，或危房改造已竣工，或易地搬迁已入住.
CriterionResult CheckHousing(const Household& h, const Policy& policy) {
  const auto& safe = policy.exit.safe_housing_grades;
  if (std::find(safe.begin(), safe.end(), h.housing_grade) != safe.end() ||
      h.renovation == code::kRenovationDone || h.relocation == code::kRelocatedMovedIn) {
    return Pass(Criterion::kHousing);
  }
  std::string grade(CodeLabel(CodeList::kHousingGrade, h.housing_grade));
  return Fail(Criterion::kHousing, "住房安全等级 " + grade + "，危房改造未竣工，也未搬迁入住",
              "housing grade " + grade + ", not renovated and not relocated");
}

bool IsExitCandidate(const Household& h) {
  return h.IsRegistered() &&
         (h.poverty_status == code::kPoor || h.poverty_status == code::kReturned);
}

ExitDecision AssessExit(const Household& h, const Policy& policy, int year, Money poverty_line) {
  ExitDecision d;
  d.per_capita_income = h.PerCapitaIncome();
  for (auto result :
       {CheckIncome(h, poverty_line), CheckFood(h), CheckClothing(h),
        CheckEducation(h, policy, year), CheckMedical(h), CheckHousing(h, policy), CheckWater(h)}) {
    if (!result.pass) d.failed.push_back(std::move(result));
  }
  d.meets = d.failed.empty();
  return d;
}

bool RigidExpenseFires(const IncomeFigures& f, Ratio ratio) {
  const int64_t expenses = f.rigid_expenses.fen();
  const int64_t net = f.net_income.fen();
  if (expenses <= 0) return false;
  if (net <= 0) return true;
  // expenses > ratio × net  ⇔  expenses × 10^6 > micros × net.
  return static_cast<i128>(expenses) * 1000000 > static_cast<i128>(ratio.micros) * net;
}

bool IsMonitoringPool(const Household& h) {
  const bool exited = h.IsRegistered() && h.poverty_status == code::kExited;
  const bool ordinary = h.kind == code::kOrdinary;
  return (exited || ordinary) && h.monitor_status != code::kMonitoring;
}

CodeSet RiskTypesOf(const Household& h, const Policy& policy, int year) {
  CodeSet risks;
  if (!CheckMedical(h).pass) risks.Add(1);                  // 01 因病
  if (!CheckEducation(h, policy, year).pass) risks.Add(2);  // 02 因学
  if (!CheckHousing(h, policy).pass) risks.Add(9);          // 09 住房安全问题
  if (!CheckWater(h).pass) risks.Add(10);                   // 10 饮水安全问题
  return risks;
}

// 《关于健全防止返贫动态监测和帮扶机制的指导意见》(2021):
// 脱贫不稳定户、边缘易致贫户、突发严重困难户.
MonitorDecision MonitoringRules(const Household& h, const IncomeFigures& figures,
                                const Policy& policy, Money monitoring_line) {
  MonitorDecision d;
  d.per_capita_income = figures.PerCapita();
  if (!IsMonitoringPool(h)) return d;
  if (d.per_capita_income < monitoring_line) {
    d.rules.emplace_back("income_below_line");
    d.type = h.IsRegistered() ? 1 : 2;  // 脱贫不稳定户 : 边缘易致贫户
  }
  if (RigidExpenseFires(figures, policy.monitoring.rigid_expense_ratio)) {
    d.rules.emplace_back("rigid_expense");
    if (d.type == 0) d.type = 3;  // 突发严重困难户
  }
  d.candidate = !d.rules.empty();
  return d;
}

MonitorDecision AssessMonitoring(const Household& h, const Policy& policy, int year,
                                 Money monitoring_line) {
  MonitorDecision d = MonitoringRules(h, h.Figures(), policy, monitoring_line);
  if (d.candidate) d.risk_types = RiskTypesOf(h, policy, year);
  return d;
}

EliminationDecision AssessElimination(const Household& h, const Policy& policy, int year,
                                      Money monitoring_line, Date as_of,
                                      std::span<const int> measures) {
  EliminationDecision d;
  if (h.PerCapitaIncome() < monitoring_line) d.unmet.emplace_back("income");
  if (RigidExpenseFires(h.Figures(), policy.monitoring.rigid_expense_ratio)) {
    d.unmet.emplace_back("rigid_expense");
  }
  if (!CheckEducation(h, policy, year).pass) d.unmet.emplace_back("education");
  if (!CheckMedical(h).pass) d.unmet.emplace_back("medical");
  if (!CheckHousing(h, policy).pass) d.unmet.emplace_back("housing");
  if (!CheckWater(h).pass) d.unmet.emplace_back("water");
  if (!h.monitor_since ||
      h.monitor_since->MonthsUntil(as_of) < policy.monitoring.min_months_before_elimination) {
    d.unmet.emplace_back("months");
  }
  if (measures.empty()) d.unmet.emplace_back("measures");
  const bool anyone_can_work = std::any_of(h.members.begin(), h.members.end(),
                                           [](const Member& m) { return m.HasLabourCapacity(); });
  if (!anyone_can_work) d.unmet.emplace_back("no_labour");
  d.eligible = d.unmet.empty();
  d.method = EliminationMethod(measures);
  return d;
}

int EliminationMethod(std::span<const int> measure_categories) {
  const bool development = std::any_of(measure_categories.begin(), measure_categories.end(),
                                       [](int category) { return category >= 1 && category <= 4; });
  return development ? 1 : 2;
}

IncidenceDecision AssessIncidence(int64_t poor, std::optional<int64_t> population, Ratio max) {
  IncidenceDecision d;
  d.max_incidence = max;
  d.poor_persons = poor;
  d.rural_population = population;
  if (!population || *population <= 0) {
    d.rural_population.reset();
    return d;
  }
  // Rounded half away from zero to 4 places: (poor × 10^4 × 2 + population) ÷ (2 × population).
  const i128 scaled =
      (static_cast<i128>(poor) * 20000 + *population) / (2 * static_cast<i128>(*population));
  const int64_t v = static_cast<int64_t>(scaled);
  std::string frac = std::to_string(v % 10000);
  d.incidence = std::to_string(v / 10000) + "." + std::string(4 - frac.size(), '0') + frac;
  d.meets = Below(poor, *population, max);
  return d;
}

// 《关于建立贫困退出机制的意见》(2016): 贫困村退出以贫困发生率为主要衡量标准，原则上降至 2%
// 以下（西部 3% 以下）.
IncidenceDecision AssessVillage(RegionCode village, int64_t poor, std::optional<int64_t> population,
                                const Policy& policy) {
  const Ratio max = policy.IsWest(village) ? policy.village_exit.max_incidence_west
                                           : policy.village_exit.max_incidence;
  return AssessIncidence(poor, population, max);
}

// 同上: 贫困县退出，贫困发生率 2%（西部 3%）以下，错退率、漏评率低于 2%，群众认可度 90% 以上.
CountyDecision AssessCounty(RegionCode county, int64_t poor, std::optional<int64_t> population,
                            const std::optional<CountyAssessment>& assessment,
                            const Policy& policy) {
  CountyDecision d;
  const Ratio max = policy.IsWest(county) ? policy.county_exit.max_incidence_west
                                          : policy.county_exit.max_incidence;
  d.incidence = AssessIncidence(poor, population, max);
  d.assessment = assessment;
  if (!d.incidence.meets) return d;
  if (!*d.incidence.meets) d.failed.emplace_back("incidence");
  if (assessment) {
    const auto& c = policy.county_exit;
    if (assessment->wrong_exit_rate.micros >= c.max_wrong_exit_rate.micros)
      d.failed.emplace_back("wrong_exit_rate");
    if (assessment->missed_rate.micros >= c.max_missed_rate.micros)
      d.failed.emplace_back("missed_rate");
    if (assessment->satisfaction.micros < c.min_satisfaction.micros)
      d.failed.emplace_back("satisfaction");
  }
  d.meets = d.failed.empty();
  return d;
}

}  // namespace fupin
