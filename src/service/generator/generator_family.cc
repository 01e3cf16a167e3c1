// The family of a synthetic household: relations, ages, sexes, surnames and ID numbers,
// then health, disability, schooling, education and labour capacity, each fitting the
// member's age.
#include <algorithm>
#include <string>

#include "common/id_number.h"
#include "domain/codes.h"
#include "service/generator/generator_impl.h"

namespace fupin::generator_detail {

// Relations, ages, sexes and surnames that fit together, exactly size_ members.
void Generator::PlanFamily() {
  plan_.clear();
  int head_age;
  if (need_student_) {
    head_age = rng_.Range(35, 55);
  } else if (old_head_) {
    head_age = rng_.Range(60, 88);
  } else if (size_ == 1) {
    head_age = rng_.Chance(7000) ? rng_.Range(60, 90) : rng_.Range(30, 59);
  } else if (size_ == 2) {
    head_age = rng_.Chance(6500) ? rng_.Range(58, 85) : rng_.Range(25, 57);
  } else if (size_ <= 5) {
    head_age = rng_.Chance(8500) ? rng_.Range(28, 65) : rng_.Range(66, 80);
  } else {
    head_age = rng_.Range(42, 72);
  }
  const int head_sex = rng_.Chance(8200) ? kMale : kFemale;
  const int surname = NewSurname();
  plan_.push_back({code::kHead, head_sex, head_age, surname});
  int slots = size_ - 1;

  int mother_age = head_age;  // the age the head's children are counted from
  int spouse_surname = -1;
  if (slots > 0 && rng_.Chance(size_ >= 3 ? 9000 : 7000)) {
    const int gap = rng_.Range(-2, 6);  // husbands are usually a little older
    const int age = std::clamp(head_sex == kMale ? head_age - gap : head_age + gap, 20, 98);
    spouse_surname = OtherSurname(surname);
    plan_.push_back({kSpouse, 3 - head_sex, age, spouse_surname});
    if (head_sex == kMale) mother_age = age;
    --slots;
  }

  // Three generations: a married child, their spouse and their children.
  if (slots >= 3 && head_age >= 48 && !need_student_ && rng_.Chance(6500)) {
    const bool via_son = rng_.Chance(7500);
    const int child_age = ChildAge(mother_age, 22, 45);
    plan_.push_back({via_son ? kSon : kDaughter, via_son ? kMale : kFemale, child_age, surname});
    const int in_law_surname = OtherSurname(surname);
    const int in_law_age = std::max(20, child_age + rng_.Range(-3, 3));
    plan_.push_back({via_son ? kDaughterInLaw : kSonInLaw, via_son ? kFemale : kMale, in_law_age,
                     in_law_surname});
    slots -= 2;
    const int grandchildren_parent_age = via_son ? in_law_age : child_age;
    const int grandchildren = std::min(slots, rng_.Range(1, 3));
    for (int i = 0; i < grandchildren; ++i) {
      const int sex = rng_.Chance(5200) ? kMale : kFemale;
      const int relation = via_son ? (sex == kMale ? kGrandson : kGranddaughter)
                                   : (sex == kMale ? kDaughtersSon : kDaughtersDaughter);
      plan_.push_back({relation, sex, ChildAge(grandchildren_parent_age, 0, 25),
                       via_son ? surname : in_law_surname});
    }
    slots -= grandchildren;
    const int more = std::min(slots, 2);
    PlanChildren(more, mother_age, surname, false);
    slots -= more;
  } else {
    int parents = 0;
    if (slots >= 2 && head_age <= 60 && rng_.Chance(3000)) parents = rng_.Chance(5000) ? 1 : 2;
    if (need_student_) parents = std::min(parents, slots - 1);
    const int children = std::min(slots - parents, 5);
    PlanChildren(children, mother_age, surname, need_student_);
    slots -= children;
    if (parents > 0 && PlanParents(parents, head_age, head_sex, spouse_surname)) slots -= parents;
  }
  // Whoever is left: brothers and sisters, or other relatives.
  for (; slots > 0; --slots) {
    const int sex = rng_.Chance(5000) ? kMale : kFemale;
    if (rng_.Chance(7000)) {
      plan_.push_back({kSibling, sex, std::clamp(head_age + rng_.Range(-8, 8), 16, 95), surname});
    } else {
      plan_.push_back({kOtherRelation, sex, rng_.Range(5, 70), NewSurname()});
    }
  }
}

void Generator::PlanChildren(int count, int mother_age, int surname, bool first_is_student) {
  for (int i = 0; i < count; ++i) {
    const int sex = rng_.Chance(5200) ? kMale : kFemale;
    int age = ChildAge(mother_age, 0, 45);
    if (i == 0 && first_is_student) age = rng_.Range(7, std::max(7, std::min(20, mother_age - 18)));
    plan_.push_back(
        {sex == kMale ? kSon : kDaughter, sex, age, surname, i == 0 && first_is_student});
  }
}

// The head's parents (or a spouse's); false when they would be too old to be alive.
bool Generator::PlanParents(int count, int head_age, int head_sex, int spouse_surname) {
  const int father_age = head_age + rng_.Range(22, 34);
  const int mother_age = father_age - rng_.Range(0, 4);
  if (mother_age > 96) return false;
  int father = kFather, mother = kMother, surname = plan_.front().surname;
  if (spouse_surname >= 0 && head_sex == kMale && rng_.Chance(1200)) {
    father = kWifesFather, mother = kWifesMother, surname = spouse_surname;
  } else if (spouse_surname >= 0 && head_sex == kFemale && rng_.Chance(5000)) {
    father = kHusbandsFather, mother = kHusbandsMother, surname = spouse_surname;
  }
  const bool widowed_mother = count == 1 && rng_.Chance(6500);
  if (count == 2 || !widowed_mother) {
    plan_.push_back({father, kMale, std::min(father_age, 98), surname});
  }
  if (count == 2 || widowed_mother) plan_.push_back({mother, kFemale, mother_age, NewSurname()});
  return true;
}

// Names, ID numbers, birth dates, health, schooling and the rest of each member.
void Generator::RealiseMembers() {
  Household& h = household_;
  h.members.resize(plan_.size());
  ages_.resize(plan_.size());
  ethnicity_ = Pick(rng_, kEthnicityWeights);
  const int32_t today = today_.days();
  for (size_t i = 0; i < plan_.size(); ++i) {
    const Plan& p = plan_[i];
    Member& m = h.members[i];
    const int32_t wanted = today - p.age * 365 - p.age / 4 - static_cast<int32_t>(rng_.Below(365));
    const Date birth = ids_.Allocate(wanted, p.sex, m.id_number);
    const int age = birth.AgeOn(today_);
    ages_[i] = age;

    m.name.assign(kSurnames[p.surname]);
    const auto& chars = p.sex == kMale ? kMaleChars : kFemaleChars;
    const int given = rng_.Chance(2500) ? 1 : 2;
    for (int k = 0; k < given; ++k) m.name.append(chars[rng_.Below(std::size(chars))]);

    m.id_type = code::kResidentId;
    m.relation = p.relation;
    m.sex = p.sex;
    m.birth_date = birth;
    const bool married_in = p.relation == kSpouse || p.relation == kDaughterInLaw ||
                            p.relation == kSonInLaw || p.relation == kOtherRelation;
    m.ethnicity.assign(
        kEthnicities[married_in && rng_.Chance(1000) ? Pick(rng_, kEthnicityWeights) : ethnicity_]);
    RollHealth(m, age);
    m.school_status = SchoolStatus(m, age);
    if (p.student && !m.IsStudent()) {
      m.school_status = age <= 11 ? kPrimary : age <= 14 ? kJunior : age <= 18 ? kSenior : kCollege;
    }
  }
}

void Generator::RollHealth(Member& m, int age) {
  // Chronic illness, serious illness, disability, per 10,000, by age.
  int chronic, serious, disabled;
  if (age < 16) {
    chronic = 100, serious = 30, disabled = 70;
  } else if (age < 45) {
    chronic = 600, serious = 150, disabled = 250;
  } else if (age < 65) {
    chronic = 2000, serious = 300, disabled = 500;
  } else {
    chronic = 3800, serious = 500, disabled = 700;
  }
  m.health = CodeSet();
  m.disability_grade = kNone;
  const int r = rng_.Range(0, 9999);
  if (r < chronic) {
    m.health.Add(code::kChronic);
  } else if (r < chronic + serious) {
    m.health.Add(code::kSerious);
  }
  if (rng_.Chance(disabled)) Disable(m, 4);
  if (m.health.empty()) m.health.Add(code::kHealthy);
}

// Makes the member disabled, with a grade no milder than `mildest` (1 is the most severe).
void Generator::Disable(Member& m, int mildest) {
  AddCondition(m.health, code::kDisabled);
  m.disability_grade = std::min(Pick(rng_, kDisabilityGrades), mildest);
}

// 在校生状况 by age (on options.today); rare 送教上门 and 因病（残）休学 make the child
// disabled or ill to fit.
int Generator::SchoolStatus(Member& m, int age) {
  if (age < 3) return kPreschoolAge;
  if (age <= 5) return age <= 4 && rng_.Chance(1500) ? kPreschoolAge : kPreschool;
  if (age <= 15) {
    const int r = rng_.Range(0, 9999);
    if (r < 15) {  // 送教上门: a severely disabled child taught at home
      if (!m.IsDisabled() || m.disability_grade > 2) {
        m.disability_grade = kNone;
        Disable(m, 2);
      }
      return kHomeTaught;
    }
    if (r < 30) {  // 因病（残）休学
      if (!m.IsSick() && !m.IsDisabled()) AddCondition(m.health, code::kSerious);
      return kSuspended;
    }
    if (r < 80) return kNotInSchool;
    if (age <= 11) return kPrimary;
    if (age <= 14) return kJunior;
    const int s = rng_.Range(0, 99);
    return s < 50 ? kJunior : s < 94 ? kSenior : kVocational;
  }
  if (age <= 18) {
    const int s = rng_.Range(0, 99);
    return s < 55 ? kSenior : s < 75 ? kVocational : kNotInSchool;
  }
  if (age <= 22) {
    const int s = rng_.Range(0, 99);
    return s < 15 ? kCollege : s < 30 ? kUniversity : kNotInSchool;
  }
  return kNotInSchool;
}

// 文化程度: the current level for students, by generation for everyone else.
int Generator::Education(int age, int school) {
  if (age < 6) return 0;
  switch (school) {
    case kPrimary:
      return 2;
    case kJunior:
      return 3;
    case kSenior:
    case kVocational:
      return 4;
    case kCollege:
      return 5;
    case kUniversity:
      return 6;
    case kHomeTaught:
      return 1;
    case kSuspended:
      return age <= 12 ? 2 : 3;
    default:
      break;
  }
  if (age <= 12) return rng_.Chance(8000) ? 2 : 1;
  if (age <= 15) return rng_.Chance(7000) ? 3 : 2;
  if (age <= 22) {
    static constexpr Weighted kYoung[] = {{2, 20}, {3, 60}, {4, 20}};
    return Pick(rng_, kYoung);
  }
  static constexpr Weighted kUpTo40[] = {{1, 2}, {2, 13}, {3, 52}, {4, 20}, {5, 9}, {6, 4}};
  static constexpr Weighted kUpTo60[] = {{1, 8}, {2, 35}, {3, 44}, {4, 10}, {5, 2}, {6, 1}};
  static constexpr Weighted kUpTo75[] = {{1, 30}, {2, 48}, {3, 17}, {4, 5}};
  static constexpr Weighted kOlder[] = {{1, 55}, {2, 35}, {3, 8}, {4, 2}};
  if (age <= 40) return Pick(rng_, kUpTo40);
  if (age <= 60) return Pick(rng_, kUpTo60);
  if (age <= 75) return Pick(rng_, kUpTo75);
  return Pick(rng_, kOlder);
}

// 劳动能力 by age, schooling and health.
int Generator::Labour(const Member& m, int age) {
  if (age < 16 || m.IsStudent()) return 5;
  if (m.IsDisabled()) {
    if (m.disability_grade <= 2) return 4;
    const int r = rng_.Range(0, 99);
    return r < 60 ? 3 : r < 75 ? 4 : 1;
  }
  if (m.health.Has(code::kSerious)) return rng_.Chance(5000) ? 4 : 3;
  if (age >= 70) return rng_.Chance(7500) ? 5 : (m.IsSick() ? 4 : 3);
  if (m.health.Has(code::kChronic)) return rng_.Chance(6000) ? 3 : 1;
  if (age >= 60) {
    const int r = rng_.Range(0, 99);
    return r < 50 ? 3 : r < 85 ? 1 : 5;
  }
  const int r = rng_.Range(0, 99);
  return r < 72 ? 1 : r < 94 ? 2 : 3;
}

}  // namespace fupin::generator_detail
