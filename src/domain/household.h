// The register's record of a household and its members (建档立卡 / 监测对象), as the
// import template of spec/import-template.md describes it. Plain data: the rules live
// in the functions beside it and in policy code.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/date.h"
#include "common/money.h"
#include "common/region_code.h"
#include "domain/codes.h"

namespace fupin {

inline constexpr int kNone = -1;  // an optional coded value that was left empty

// The longest 村民小组 (village group) the register holds, in characters.
inline constexpr size_t kMaxVillageGroupLength = 30;

// In school at any level (在校生状况 学前教育 … 本科及以上, 送教上门, 因病（残）休学).
bool IsInSchool(int school_status);

struct Member {
  std::string name;
  int id_type = code::kResidentId;
  std::string id_number;  // normalised for 居民身份证 (18 characters, upper-case X)
  int relation = kNone;
  int sex = kNone;
  std::optional<Date> birth_date;
  std::string ethnicity;
  int education = kNone;
  int school_status = kNone;
  CodeSet health;
  int disability_grade = kNone;
  int labor = kNone;
  int months_worked = kNone;
  bool resident_medical_insurance = false;
  bool employee_medical_insurance = false;
  bool pension_insurance = false;
  bool dibao = false;
  bool tekun = false;

  bool HasLabourCapacity() const { return labor >= 1 && labor <= 3; }
  bool IsSick() const { return health.Has(code::kChronic) || health.Has(code::kSerious); }
  bool IsDisabled() const { return health.Has(code::kDisabled); }
  // In school at any level (学前教育 … 本科及以上, 送教上门, 因病（残）休学).
  bool IsStudent() const { return IsInSchool(school_status); }
  friend bool operator==(const Member&, const Member&) = default;
};

// The figures income rules need, available without the member rows.
struct IncomeFigures {
  Money net_income;      // 家庭纯收入
  Money rigid_expenses;  // 合规自付医疗 + 教育 + 灾害损失
  int64_t members = 0;
  // 人均纯收入: net income ÷ members, rounded half away from zero; 0 with no members.
  Money PerCapita() const { return members > 0 ? net_income.DivideRounded(members) : Money(); }
};

struct Household {
  std::string household_code;
  RegionCode village_code;
  std::string village_group;  // 村民小组 ("3组", "第三村民小组"); "" when none is recorded
  int kind = code::kRegistered;
  int poverty_status = kNone;
  int registered_year = 0;  // 0 = empty
  int exit_year = 0;        // 0 = empty
  int attribute = 1;
  int main_cause = kNone;
  CodeSet other_causes;
  int size = 0;  // 家庭人口数 as given; 0 = not given
  Money wage_income, business_income, business_cost, property_income, transfer_income;
  Money medical_out_of_pocket, education_cost, disaster_loss;
  bool food_secure = false;
  bool clothing_secure = false;
  int housing_grade = kNone;  // 1–4 for A–D
  int renovation = 0;
  int relocation = 0;
  bool water_safe = false;
  int monitor_type = code::kNotMonitored;
  int monitor_status = code::kMonitorNone;
  std::optional<Date> monitor_since;
  CodeSet risk_types;
  std::string phone;
  std::vector<Member> members;

  bool IsRegistered() const { return kind == code::kRegistered; }
  // The household head (与户主关系 户主), nullptr when there is none.
  const Member* Head() const {
    for (const Member& m : members) {
      if (m.relation == code::kHead) return &m;
    }
    return nullptr;
  }
  bool IsMonitored() const { return monitor_type != code::kNotMonitored; }
  // 家庭纯收入 = 工资性 + 生产经营性 − 生产经营性支出 + 财产性 + 转移性.
  Money NetIncome() const {
    return wage_income + business_income - business_cost + property_income + transfer_income;
  }
  // 人均纯收入: net income ÷ members, rounded half away from zero; 0 with no members.
  Money PerCapitaIncome() const { return Figures().PerCapita(); }
  IncomeFigures Figures() const {
    return {NetIncome(), RigidExpenses(), static_cast<int64_t>(members.size())};
  }
  // 合规自付医疗 + 教育 + 灾害损失.
  Money RigidExpenses() const { return medical_out_of_pocket + education_cost + disaster_loss; }
  friend bool operator==(const Household&, const Household&) = default;
};

}  // namespace fupin
