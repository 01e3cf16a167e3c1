// The synthetic register of generator.h.
//
// Determinism: every random choice comes from one xoshiro256** stream seeded through
// splitmix64 from options.seed, and every draw is integer arithmetic (no floating point,
// no <random> distributions, whose output differs between library versions), so the same
// options and villages give the same households on every platform. Never put two draws in
// one expression whose evaluation order is unspecified (the operands of + or a call's
// arguments): GCC and Clang order them differently.
//
// Order of work for one household: its kind, status, years, attribute, cause and
// monitoring type first (they shape everything else), then the family (relations, ages,
// sexes, names, ID numbers), then health and schooling, then the checks that make the
// cause fit the members, then labour, education and insurance, then housing, incomes and
// expenses, and last the monitoring date and risk types, which describe what came before.
//
// ID numbers: the county's 6-digit code, the birth date and a sequence code handed out by
// a counter per (birth date, sex): 500 odd codes a day for men and 499 even ones for
// women. When a day is full the birth date moves to the nearest day with a free code, so
// numbers are distinct across the run; the space from 1900-01-01 to today holds about
// 45 million people, far above any county. The counters take 4 bytes a day (about 180 kB).
#include "service/generator/generator.h"

#include <algorithm>
#include <cassert>
#include <span>
#include <string>

#include "common/money.h"
#include "domain/codes.h"
#include "service/generator/generator_impl.h"

namespace fupin {
namespace generator_detail {

void Generator::Make(int64_t number) {
  Household& h = household_;
  // "G" + county + running number of at least 8 digits.
  char digits[24];
  int n = 0;
  for (int64_t v = number; v > 0 || n < 8; v /= 10) digits[n++] = static_cast<char>('0' + v % 10);
  h.household_code.resize(1 + county_.size() + static_cast<size_t>(n));
  char* out = h.household_code.data();
  *out++ = 'G';
  out = std::copy(county_.begin(), county_.end(), out);
  while (n > 0) *out++ = digits[--n];
  h.village_code = PickVillage();

  DecideHousehold();
  PlanFamily();
  RealiseMembers();
  FitCause();
  PickOtherCauses();
  DecideHousing();
  DecideIncome();
  DecideMonitoring();
  WritePhone();
  h.size = rng_.Chance(5000) ? static_cast<int>(h.members.size()) : 0;
}

// Kind, status, years, attribute, main cause, monitoring type and status.
void Generator::DecideHousehold() {
  Household& h = household_;
  h.poverty_status = kNone;
  h.registered_year = 0;
  h.exit_year = 0;
  h.attribute = kOrdinaryAttribute;
  h.main_cause = kNone;
  h.other_causes = CodeSet();
  h.monitor_type = code::kNotMonitored;
  h.monitor_status = code::kMonitorNone;
  h.monitor_since.reset();
  h.risk_types = CodeSet();

  h.kind = rng_.Chance(8800) ? code::kRegistered : code::kOrdinary;
  if (h.IsRegistered()) {
    h.poverty_status = Pick(rng_, kPovertyStatuses);
    // 识别年度 2013–current year (the import's E_YEAR).
    h.registered_year =
        std::max(2013, std::min(Pick(rng_, kRegisteredYears), std::max(current_year_, 2013)));
    if (h.poverty_status == code::kExited) {
      const int last = std::max(h.registered_year, std::min(2020, current_year_));
      int year = Pick(rng_, kExitYears);
      if (year < h.registered_year) year = rng_.Range(h.registered_year, last);
      h.exit_year = std::min(year, last);
    }
    const int r = rng_.Range(0, 9999);
    h.attribute = r < 2000 ? kDibaoAttribute : r < 2300 ? kTekunAttribute : kOrdinaryAttribute;
    h.main_cause = Pick(rng_, kMainCauses);
    if (h.poverty_status == code::kExited && rng_.Chance(500)) {
      h.monitor_type = rng_.Chance(7500) ? 1 : 3;  // 脱贫不稳定户 / 突发严重困难户
    }
  } else {
    if (rng_.Chance(300)) h.attribute = kDibaoAttribute;
    if (rng_.Chance(2500)) h.monitor_type = rng_.Chance(7500) ? 2 : 3;  // 边缘易致贫户 / 突发
  }
  if (h.IsMonitored()) {
    h.monitor_status = rng_.Chance(5500) ? code::kMonitoring : code::kRiskEliminated;
  }

  size_ = Pick(rng_, kSizes);
  need_student_ = h.main_cause == code::kCauseSchooling;
  old_head_ = false;
  if (h.attribute == kTekunAttribute) {  // 特困供养: the old and disabled living alone
    size_ = rng_.Chance(7000) ? 1 : 2;
    old_head_ = true;
  } else if (h.main_cause == kCauseLackLabour && rng_.Chance(7000)) {
    old_head_ = true;
  }
  if (need_student_) size_ = std::max(size_, 3);
}

// Makes the members fit the main cause (因病 a sick member, 因残 a disabled one, 因学 a
// student: the import's W_CAUSE_MISMATCH), then fills in what depends on health and
// schooling.
void Generator::FitCause() {
  Household& h = household_;
  auto& members = h.members;
  const int n = static_cast<int>(members.size());
  // Someone to carry the illness or disability: an adult when there is one.
  auto pick_adult = [&]() -> Member& {
    int adults = 0;
    for (int age : ages_) adults += age >= 16;
    if (adults == 0) return members[rng_.Below(static_cast<uint32_t>(n))];
    int k = static_cast<int>(rng_.Below(static_cast<uint32_t>(adults)));
    for (int i = 0; i < n; ++i) {
      if (ages_[i] >= 16 && k-- == 0) return members[i];
    }
    return members.front();
  };
  const auto any = [&](auto pred) { return std::any_of(members.begin(), members.end(), pred); };

  if (h.main_cause == code::kCauseIllness && !any([](const Member& m) { return m.IsSick(); })) {
    Member& m = pick_adult();
    AddCondition(m.health, rng_.Chance(6000) ? code::kChronic : code::kSerious);
  } else if (h.main_cause == code::kCauseDisability &&
             !any([](const Member& m) { return m.IsDisabled(); })) {
    Disable(pick_adult(), 4);
  } else if (h.main_cause == code::kCauseSchooling &&
             !any([](const Member& m) { return m.IsStudent(); })) {
    h.main_cause = kCauseLackCapital;  // no child of school age after all
  }
  // 特困供养户 members are mostly old, ill or disabled; others in the register are too.
  if (h.attribute == kTekunAttribute && rng_.Chance(5000) &&
      !any([](const Member& m) { return m.IsDisabled(); })) {
    Disable(members.front(), 4);
  }

  const bool dibao_all = rng_.Chance(9500);
  for (int i = 0; i < n; ++i) {
    Member& m = members[i];
    const int age = ages_[i];
    m.education = Education(age, m.school_status);
    m.labor = Labour(m, age);
    if (m.labor == 1 || m.labor == 2) {
      m.months_worked = rng_.Chance(6000) ? rng_.Range(6, 12) : rng_.Range(0, 5);
    } else if (m.labor == 3 && rng_.Chance(4000)) {
      m.months_worked = rng_.Range(0, 6);
    } else {
      m.months_worked = kNone;
    }
    const int r = rng_.Range(0, 9999);
    m.resident_medical_insurance = r >= 100;
    m.employee_medical_insurance = (r >= 30 && r < 100) || (r >= 100 && r < 110);
    m.pension_insurance = age >= 16 && !m.IsStudent() && rng_.Chance(8500);
    m.dibao = h.attribute == kDibaoAttribute && (dibao_all || rng_.Chance(6000));
    m.tekun = h.attribute == kTekunAttribute;
  }
}

// 其他致贫原因: 0–2 codes other than the main cause; 因病/因残/因学 only when a member fits.
void Generator::PickOtherCauses() {
  Household& h = household_;
  if (!h.IsRegistered()) return;
  bool sick = false, disabled = false, student = false;
  for (const Member& m : h.members) {
    sick |= m.IsSick();
    disabled |= m.IsDisabled();
    student |= m.IsStudent();
  }
  const int r = rng_.Range(0, 99);
  const int count = r < 50 ? 0 : r < 85 ? 1 : 2;
  for (int k = 0; k < count; ++k) {
    const int cause = Pick(rng_, kMainCauses);
    if (cause == h.main_cause) continue;
    if ((cause == code::kCauseIllness && !sick) || (cause == code::kCauseDisability && !disabled) ||
        (cause == code::kCauseSchooling && !student)) {
      continue;
    }
    h.other_causes.Add(cause);
  }
}

void Generator::DecideHousing() {
  Household& h = household_;
  static constexpr Weighted kGrades[] = {{1, 6800}, {2, 2800}, {3, 300}, {4, 100}};
  h.housing_grade = Pick(rng_, kGrades);
  h.renovation = 0;
  if (h.housing_grade >= 3) {
    const int r = rng_.Range(0, 99);
    h.renovation = r < 40 ? 0 : r < 65 ? 1 : 2;
  } else if (rng_.Chance(600)) {
    h.renovation = code::kRenovationDone;
  }
  h.relocation = 0;
  if (rng_.Chance(500)) {
    h.relocation = code::kRelocatedMovedIn;
    h.housing_grade = rng_.Chance(8000) ? 1 : 2;  // a new flat in the resettlement site
    h.renovation = 0;
  } else if (rng_.Chance(30)) {
    h.relocation = 1;
  }
  h.food_secure = rng_.Chance(9920);
  h.clothing_secure = rng_.Chance(9930);
  h.water_safe = rng_.Chance(9900);
}

// Incomes around the lines, and the expenses of the last 12 months.
void Generator::DecideIncome() {
  Household& h = household_;
  const int n = static_cast<int>(h.members.size());
  bool sick = false, student = false, working = false;
  for (const Member& m : h.members) {
    sick |= m.IsSick();
    student |= m.school_status >= kPreschool && m.school_status <= kUniversity;
    working |= m.labor == 1 || m.labor == 2;
  }

  std::span<const Knot> table;
  if (h.IsMonitored() && h.monitor_type != 3) {
    table = h.monitor_status == code::kMonitoring ? std::span<const Knot>(kUnderLineIncome)
                                                  : std::span<const Knot>(kClearedIncome);
  } else if (!h.IsRegistered()) {
    table = kOrdinaryIncome;
  } else if (h.poverty_status == code::kPoor) {
    table = kPoorIncome;
  } else if (h.poverty_status == code::kReturned) {
    table = kReturnedIncome;
  } else if (h.poverty_status == code::kRemoved) {
    table = kRemovedIncome;
  } else {
    table = kExitedIncome;
  }
  if (rng_.Chance(10)) table = kRichIncome;
  // Two statements: the order of draws must not depend on the compiler.
  const int64_t per_capita = DrawFen(rng_, table);
  const int64_t net = per_capita * n + rng_.Range(0, 99);

  // Shares in parts per thousand of net income.
  const bool assisted = h.attribute != kOrdinaryAttribute;
  const int64_t transfer = net *
                           (assisted           ? rng_.Range(450, 850)
                            : h.IsRegistered() ? rng_.Range(100, 350)
                                               : rng_.Range(20, 200)) /
                           1000;
  int64_t wage = (net - transfer) * (working ? rng_.Range(450, 900) : rng_.Range(0, 150)) / 1000;
  const int64_t property = std::min(net * rng_.Range(0, 40) / 1000, net - transfer - wage);
  const int64_t business_net = net - transfer - wage - property;
  int64_t cost = business_net * rng_.Range(150, 900) / 1000;
  const int64_t business = business_net + cost;
  if (rng_.Chance(150)) {  // a business loss made up by wages: cost above business income
    const int64_t loss = rng_.Range(500, 5000) * int64_t{100};
    cost += loss;
    wage += loss;
  } else if (rng_.Chance(5)) {  // a ruinous year: net income at or below zero
    cost += net + rng_.Range(0, 2000) * int64_t{100};
  }
  h.wage_income = Money::FromFen(wage);
  h.business_income = Money::FromFen(business);
  h.business_cost = Money::FromFen(cost);
  h.property_income = Money::FromFen(property);
  h.transfer_income = Money::FromFen(transfer);

  int64_t medical = 0, education = 0, disaster = 0;
  if (sick ? rng_.Chance(5500) : rng_.Chance(800)) {
    medical = sick ? DrawFen(rng_, kMedicalCost) : rng_.Range(50, 2000) * int64_t{100};
  }
  if (student && rng_.Chance(4000)) education = DrawFen(rng_, kEducationCost);
  if (rng_.Chance(200)) disaster = DrawFen(rng_, kDisasterLoss);
  // 突发严重困难户 under monitoring: rigid expenses above 40% of net income.
  if (h.monitor_type == 3 && h.monitor_status == code::kMonitoring) {
    const int64_t household_net = h.NetIncome().fen();
    const int64_t target = household_net > 0 ? household_net * rng_.Range(450, 1500) / 1000 + 100
                                             : rng_.Range(1000, 20000) * int64_t{100};
    const int64_t missing = target - (medical + education + disaster);
    if (missing > 0) {
      if (sick || rng_.Chance(3000)) {
        medical += missing;
      } else {
        disaster += missing;
      }
    }
  }
  h.medical_out_of_pocket = Money::FromFen(medical);
  h.education_cost = Money::FromFen(education);
  h.disaster_loss = Money::FromFen(disaster);
}

// 纳入监测日期 (2021-06-01 … today) and risk types that describe the household.
void Generator::DecideMonitoring() {
  Household& h = household_;
  if (!h.IsMonitored()) return;
  const int32_t last = today_.days();
  int32_t first = monitoring_start_;
  int32_t until = last;
  if (h.monitor_status == code::kRiskEliminated) until = std::max(first, last - 183);
  if (first == last) first = last - 365;  // today before June 2021: the year before
  h.monitor_since = Date::FromDays(rng_.Range(first, std::max(first, until)));

  bool sick = false, disabled = false, student = false, labour = false;
  for (const Member& m : h.members) {
    sick |= m.IsSick();
    disabled |= m.IsDisabled();
    student |= m.IsStudent();
    labour |= m.HasLabourCapacity();
  }
  if (h.monitor_type == 3) {
    if (h.medical_out_of_pocket.fen() > 0) h.risk_types.Add(kRiskIllness);
    if (h.disaster_loss.fen() > 0) h.risk_types.Add(kRiskDisaster);
  }
  if (sick && rng_.Chance(6000)) h.risk_types.Add(kRiskIllness);
  if (disabled && rng_.Chance(5000)) h.risk_types.Add(kRiskDisability);
  if (student && rng_.Chance(2000)) h.risk_types.Add(kRiskSchooling);
  if (!labour) h.risk_types.Add(kRiskLabour);
  const bool safe_housing = h.housing_grade <= 2 || h.renovation == code::kRenovationDone ||
                            h.relocation == code::kRelocatedMovedIn;
  if (!safe_housing) h.risk_types.Add(kRiskHousing);
  if (!h.water_safe) h.risk_types.Add(kRiskWater);
  if (h.risk_types.empty() || rng_.Chance(3000)) h.risk_types.Add(Pick(rng_, kExtraRisks));
}

void Generator::WritePhone() {
  std::string& phone = household_.phone;
  phone.clear();
  if (!rng_.Chance(8000)) return;
  int prefix = kPhonePrefixes[rng_.Below(std::size(kPhonePrefixes))];
  char digits[11];
  for (int i = 2; i >= 0; --i, prefix /= 10) digits[i] = static_cast<char>('0' + prefix % 10);
  for (int i = 3; i < 11; ++i) digits[i] = static_cast<char>('0' + rng_.Below(10));
  phone.assign(digits, 11);
}

}  // namespace generator_detail

void GenerateHouseholds(const GeneratorOptions& options, std::span<const RegionCode> villages,
                        const std::function<void(const Household&)>& sink) {
  assert(!villages.empty());
  if (options.households <= 0 || villages.empty()) return;
  generator_detail::Generator generator(options, villages);
  generator.Run(sink);
}

}  // namespace fupin
