// Private to the generator: the ID numbers it hands out and the Generator class, whose
// members are defined in generator.cc (the household: kind, status, cause, housing,
// incomes, monitoring) and generator_family.cc (the family: members, ages, names, health,
// schooling, education and labour).
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/date.h"
#include "common/id_number.h"
#include "common/region_code.h"
#include "domain/household.h"
#include "service/generator/generator.h"
#include "service/generator/generator_random.h"
#include "service/generator/generator_tables.h"

namespace fupin::generator_detail {

// ---------------------------------------------------------------------------------------
// ID numbers

class IdAllocator {
 public:
  IdAllocator(std::string_view address, Date today)
      : first_day_(DaysOf(1900, 1, 1)), last_day_(today.days()) {
    std::copy_n(address.data(), 6, address_.data());
    const size_t days = static_cast<size_t>(std::max(0, last_day_ - first_day_ + 1));
    used_[0].assign(days, 0);
    used_[1].assign(days, 0);
  }

  // Writes an unused 18-character number for someone of `sex` born on `wanted`, or on the
  // nearest day that still has a free sequence code, and returns the birth date used.
  Date Allocate(int32_t wanted, int sex, std::string& number) {
    const int s = sex == kMale ? 0 : 1;
    const uint32_t capacity = s == 0 ? 500 : 499;
    wanted = std::clamp(wanted, first_day_, last_day_);
    for (int32_t delta = 0;; ++delta) {
      const int32_t earlier = wanted - delta, later = wanted + delta;
      if (earlier < first_day_ && later > last_day_) break;
      for (int32_t day : {earlier, later}) {
        if (day < first_day_ || day > last_day_ || (delta == 0 && day == later)) continue;
        uint16_t& used = used_[s][day - first_day_];
        if (used >= capacity) continue;
        // Spread the codes of a day over its range instead of counting from 001.
        const uint32_t offset = (static_cast<uint32_t>(day) * 2654435761u >> 12) % capacity;
        const uint32_t index = (used++ + offset) % capacity;
        Write(Date::FromDays(day), s == 0 ? 2 * index + 1 : 2 * index + 2, number);
        return Date::FromDays(day);
      }
    }
    // More people of one sex than 1900-01-01 … today has codes for (about 22 million):
    // beyond what generator.h promises for a county.
    assert(false && "the county's ID number space is exhausted");
    Write(Date::FromDays(wanted), 1, number);
    return Date::FromDays(wanted);
  }

 private:
  void Write(Date birth, uint32_t sequence, std::string& number) const {
    char digits[18];
    std::copy(address_.begin(), address_.end(), digits);
    int year = birth.year(), month = birth.month(), day = birth.day();
    for (int i = 9; i >= 6; --i, year /= 10) digits[i] = static_cast<char>('0' + year % 10);
    digits[10] = static_cast<char>('0' + month / 10);
    digits[11] = static_cast<char>('0' + month % 10);
    digits[12] = static_cast<char>('0' + day / 10);
    digits[13] = static_cast<char>('0' + day % 10);
    digits[14] = static_cast<char>('0' + sequence / 100);
    digits[15] = static_cast<char>('0' + sequence / 10 % 10);
    digits[16] = static_cast<char>('0' + sequence % 10);
    digits[17] = IdCheckCharacter(std::string_view(digits, 17));
    number.assign(digits, 18);
  }

  std::array<char, 6> address_;
  int32_t first_day_, last_day_;
  std::vector<uint16_t> used_[2];  // codes handed out per day since first_day_, per sex
};

// ---------------------------------------------------------------------------------------
// The generator

// One planned member before ID numbers and attributes.
struct Plan {
  int relation;
  int sex;
  int age;
  int surname;           // index into kSurnames
  bool student = false;  // must be in school (the student of a 因学 household)
};

class Generator {
 public:
  Generator(const GeneratorOptions& options, std::span<const RegionCode> villages)
      : options_(options),
        villages_(villages),
        rng_(options.seed),
        county_(options.county.ToString().substr(0, 6)),
        ids_(county_, options.today),
        today_(options.today),
        current_year_(options.today.year()) {
    // Village sizes: most between 20 and 200 weight units, one in ten four times larger.
    uint64_t total = 0;
    cumulative_.reserve(villages.size());
    for (size_t i = 0; i < villages.size(); ++i) {
      int weight = rng_.Range(20, 200);
      if (rng_.Chance(1000)) weight *= 4;
      total += static_cast<uint64_t>(weight);
      cumulative_.push_back(total);
    }
    monitoring_start_ = std::min(DaysOf(2021, 6, 1), today_.days());
  }

  void Run(const std::function<void(const Household&)>& sink) {
    for (int64_t i = 1; i <= options_.households; ++i) {
      Make(i);
      sink(household_);
    }
  }

 private:
  void Make(int64_t number);
  void DecideHousehold();
  void PlanFamily();
  void PlanChildren(int count, int mother_age, int surname, bool first_is_student);
  bool PlanParents(int count, int head_age, int head_sex, int spouse_surname);
  void RealiseMembers();
  void RollHealth(Member& m, int age);
  void Disable(Member& m, int mildest);
  int SchoolStatus(Member& m, int age);
  int Education(int age, int school);
  int Labour(const Member& m, int age);
  void FitCause();
  void PickOtherCauses();
  void DecideHousing();
  void DecideIncome();
  void DecideMonitoring();
  void WritePhone();

  int NewSurname() {
    // Skewed to the front of the list, as common surnames are.
    const uint32_t a = rng_.Below(kSurnameCount);
    const uint32_t b = rng_.Below(kSurnameCount);
    return static_cast<int>(std::min(a, b));
  }
  int OtherSurname(int not_this) {
    int s = NewSurname();
    if (s == not_this && rng_.Chance(9500)) s = (s + 1 + rng_.Range(0, 20)) % kSurnameCount;
    return s;
  }
  // An age for a child of a mother (or father) of `parent_age`: born when the parent was
  // 20–38, mostly in their twenties, and within [lo, hi] where the parent's age allows it.
  int ChildAge(int parent_age, int lo, int hi) {
    const uint32_t a = rng_.Below(19);
    const uint32_t b = rng_.Below(19);
    const int at_birth = 20 + static_cast<int>(std::min(a, b));
    const int age = parent_age - at_birth;
    if (age >= lo && age <= hi && age >= 0) return age;
    // Outside the window: anywhere the parent was at least 18 and the window allows.
    const int top = std::max(0, std::min(hi, parent_age - 18));
    const int bottom = std::clamp(std::max(lo, parent_age - 40), 0, top);
    return rng_.Range(bottom, top);
  }
  RegionCode PickVillage() {
    const uint64_t total = cumulative_.back();
    const uint64_t r = total < (uint64_t{1} << 32) ? rng_.Below(static_cast<uint32_t>(total))
                                                   : rng_.Next() % total;
    const size_t i = static_cast<size_t>(
        std::upper_bound(cumulative_.begin(), cumulative_.end(), r) - cumulative_.begin());
    return villages_[i];
  }

  const GeneratorOptions& options_;
  std::span<const RegionCode> villages_;
  Rng rng_;
  std::string county_;  // 6 digits
  IdAllocator ids_;
  Date today_;
  int current_year_;
  int32_t monitoring_start_;
  std::vector<uint64_t> cumulative_;  // village weights, running total

  // The household being made (reused so strings keep their buffers).
  Household household_;
  std::vector<Plan> plan_;
  std::vector<int> ages_;
  int size_ = 0;
  int ethnicity_ = 0;
  bool need_student_ = false;
  bool old_head_ = false;
};

}  // namespace fupin::generator_detail
