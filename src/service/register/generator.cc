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
#include "service/register/generator.h"

#include <algorithm>
#include <array>
#include <cassert>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/id_number.h"
#include "common/money.h"
#include "domain/codes.h"

namespace fupin {
namespace {

// ---------------------------------------------------------------------------------------
// Randomness

uint64_t SplitMix64(uint64_t& state) {
  uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

// xoshiro256** (Blackman and Vigna), with integer-only draws.
class Rng {
 public:
  explicit Rng(uint64_t seed) {
    for (uint64_t& s : s_) s = SplitMix64(seed);
  }

  uint64_t Next() {
    const uint64_t result = Rotl(s_[1] * 5, 7) * 9;
    const uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = Rotl(s_[3], 45);
    return result;
  }

  // Uniform in [0, n) for 0 < n < 2^32 (multiply-shift of 32 random bits; the bias, at
  // most n / 2^32, is far below anything the register shows).
  uint32_t Below(uint32_t n) {
    assert(n > 0);
    return static_cast<uint32_t>(((Next() >> 32) * n) >> 32);
  }
  // Uniform in [lo, hi]; lo <= hi.
  int Range(int lo, int hi) {
    assert(lo <= hi);
    return lo + static_cast<int>(Below(static_cast<uint32_t>(hi - lo) + 1));
  }
  // True with probability per10k / 10,000.
  bool Chance(int per10k) { return static_cast<int>(Below(10000)) < per10k; }

 private:
  static uint64_t Rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  uint64_t s_[4];
};

struct Weighted {
  int value;
  int weight;
};

int Pick(Rng& rng, std::span<const Weighted> table) {
  int total = 0;
  for (const Weighted& w : table) total += w.weight;
  int r = static_cast<int>(rng.Below(static_cast<uint32_t>(total)));
  for (const Weighted& w : table) {
    if (r < w.weight) return w.value;
    r -= w.weight;
  }
  return table.back().value;
}

// A distribution given by its quantiles: `p` in parts per million (first 0, last
// 1,000,000), `yuan` the value there; values between knots are linear. Returns fen.
struct Knot {
  int p;
  int64_t yuan;
};

int64_t DrawFen(Rng& rng, std::span<const Knot> knots) {
  const int u = static_cast<int>(rng.Below(1000000));
  size_t i = 1;
  while (i + 1 < knots.size() && knots[i].p <= u) ++i;
  const Knot& a = knots[i - 1];
  const Knot& b = knots[i];
  const int64_t from = a.yuan * 100, to = b.yuan * 100;
  return from + (to - from) * (u - a.p) / (b.p - a.p);
}

// ---------------------------------------------------------------------------------------
// Tables. Shares are parts per 10,000 unless noted.

constexpr std::string_view kSurnames[] = {
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡",
    "郭", "何", "高", "林", "罗", "郑", "梁", "谢", "宋", "唐", "许", "韩", "冯", "邓", "曹",
    "彭", "曾", "肖", "田", "董", "袁", "潘", "于", "蒋", "蔡", "余", "杜", "叶", "程", "苏",
    "魏", "吕", "丁", "任", "沈", "姚", "卢", "姜", "崔", "钟", "谭", "陆", "汪", "范", "金",
    "石", "廖", "贾", "夏", "韦", "付", "方", "白", "邹", "孟", "熊", "秦", "邱", "江", "尹",
    "薛", "闫", "段", "雷", "侯", "龙", "史", "陶", "黎", "贺", "顾", "毛", "郝", "龚", "邵",
    "万", "钱", "严", "覃", "武", "戴", "莫", "孔", "向", "汤"};
constexpr int kSurnameCount = static_cast<int>(std::size(kSurnames));

constexpr std::string_view kMaleChars[] = {
    "伟", "强", "军", "明", "永", "建", "国", "华", "平", "海", "林", "勇", "刚", "杰", "志",
    "文", "东", "斌", "峰", "辉", "俊", "鹏", "涛", "波", "宇", "浩", "凯", "晨", "磊", "超",
    "亮", "成", "德", "福", "生", "龙", "兵", "春", "金", "喜", "贵", "财", "全", "忠", "有",
    "发", "荣", "祥", "旺", "宝", "山", "学", "正", "云", "新", "天", "子", "小", "立", "红"};
constexpr std::string_view kFemaleChars[] = {
    "秀", "英", "华", "芳", "娟", "玲", "兰", "梅", "霞", "丽", "敏", "静", "燕", "红", "艳",
    "萍", "琴", "云", "凤", "莲", "珍", "花", "菊", "桂", "玉", "翠", "娥", "婷", "雪", "慧",
    "丹", "欣", "怡", "悦", "佳", "琳", "倩", "颖", "晶", "洁", "月", "春", "巧", "彩", "琼",
    "淑", "蓉", "莉", "娜", "思", "小", "美", "金", "香", "爱", "珠", "素", "银", "晓", "子"};

constexpr std::string_view kEthnicities[] = {"汉族",   "回族",     "藏族",   "彝族",
                                             "壮族",   "苗族",     "土家族", "东乡族",
                                             "蒙古族", "维吾尔族", "满族",   "侗族"};
constexpr Weighted kEthnicityWeights[] = {{0, 9000}, {1, 300}, {2, 150}, {3, 100},
                                          {4, 100},  {5, 100}, {6, 80},  {7, 50},
                                          {8, 40},   {9, 30},  {10, 30}, {11, 20}};

// 家庭人口数 1–8, mostly 3–5.
constexpr Weighted kSizes[] = {{1, 700},  {2, 1500}, {3, 1900}, {4, 2300},
                               {5, 1800}, {6, 1000}, {7, 550},  {8, 250}};

// Among 建档立卡户: 已脱贫 most, some 未脱贫, a few 返贫 and 已剔除.
constexpr Weighted kPovertyStatuses[] = {
    {code::kExited, 9000}, {code::kPoor, 650}, {code::kReturned, 250}, {code::kRemoved, 100}};
constexpr Weighted kRegisteredYears[] = {{2014, 5500}, {2015, 1200}, {2016, 1100},
                                         {2017, 900},  {2018, 700},  {2019, 600}};
constexpr Weighted kExitYears[] = {{2014, 200},  {2015, 800},  {2016, 1500}, {2017, 2000},
                                   {2018, 2500}, {2019, 2000}, {2020, 1000}};

// 主要致贫原因 (provincial breakdowns: 因病 about 42%, then 因残, 缺资金, 因学, 缺技术 …).
constexpr Weighted kMainCauses[] = {{1, 4200}, {2, 1500}, {3, 800}, {4, 300}, {5, 200},
                                    {6, 100},  {7, 800},  {8, 700}, {9, 900}, {10, 100},
                                    {11, 300}, {12, 50},  {99, 50}};

constexpr Weighted kDisabilityGrades[] = {{1, 1200}, {2, 2300}, {3, 3000}, {4, 3500}};

// Per-capita net income, yuan a year, by situation.
constexpr Knot kExitedIncome[] = {{0, 3000},       {20000, 4600},   {60000, 6000},
                                  {150000, 7200},  {500000, 9800},  {850000, 13500},
                                  {970000, 19000}, {1000000, 32000}};
constexpr Knot kPoorIncome[] = {{0, 1000},      {100000, 2100}, {500000, 3200},
                                {850000, 3950}, {950000, 4800}, {1000000, 7000}};
constexpr Knot kReturnedIncome[] = {
    {0, 1500}, {200000, 2800}, {500000, 3600}, {850000, 4800}, {1000000, 7000}};
constexpr Knot kRemovedIncome[] = {{0, 5000}, {500000, 13000}, {900000, 22000}, {1000000, 40000}};
constexpr Knot kOrdinaryIncome[] = {{0, 4500},       {50000, 6000},   {500000, 14000},
                                    {900000, 24000}, {990000, 40000}, {1000000, 60000}};
constexpr Knot kUnderLineIncome[] = {{0, 2500}, {500000, 5000}, {850000, 5900}, {1000000, 7500}};
constexpr Knot kClearedIncome[] = {{0, 6000}, {500000, 8500}, {1000000, 15000}};
constexpr Knot kRichIncome[] = {{0, 100001}, {1000000, 300000}};

// Yearly expenses, yuan.
constexpr Knot kMedicalCost[] = {
    {0, 200}, {500000, 3000}, {900000, 15000}, {990000, 60000}, {1000000, 150000}};
constexpr Knot kEducationCost[] = {{0, 300}, {500000, 1500}, {900000, 6000}, {1000000, 20000}};
constexpr Knot kDisasterLoss[] = {{0, 500}, {600000, 5000}, {950000, 30000}, {1000000, 100000}};

// Mobile prefixes 13x, 15x (no 154), 18x.
constexpr int kPhonePrefixes[] = {130, 131, 132, 133, 134, 135, 136, 137, 138, 139,
                                  150, 151, 152, 153, 155, 156, 157, 158, 159, 180,
                                  181, 182, 183, 184, 185, 186, 187, 188, 189};

// Codes used only here (codes.md).
constexpr int kMale = 1, kFemale = 2;
constexpr int kOrdinaryAttribute = 1, kDibaoAttribute = 2, kTekunAttribute = 3;
enum Relation : int {
  kSpouse = 2,
  kSon = 3,
  kDaughter = 4,
  kDaughterInLaw = 5,
  kSonInLaw = 6,
  kGrandson = 7,
  kGranddaughter = 8,
  kDaughtersSon = 9,
  kDaughtersDaughter = 10,
  kFather = 11,
  kMother = 12,
  kWifesFather = 13,
  kWifesMother = 14,
  kHusbandsFather = 15,
  kHusbandsMother = 16,
  kSibling = 19,
  kOtherRelation = 99
};
enum School : int {
  kNotInSchool = 0,
  kPreschoolAge = 1,
  kPreschool = 2,
  kPrimary = 3,
  kJunior = 4,
  kSenior = 5,
  kVocational = 6,
  kCollege = 7,
  kUniversity = 8,
  kHomeTaught = 10,
  kSuspended = 11
};
constexpr int kCauseLackLabour = 8, kCauseLackCapital = 9;
constexpr int kRiskIllness = 1, kRiskSchooling = 2, kRiskDisability = 3, kRiskDisaster = 4,
              kRiskLabour = 8, kRiskHousing = 9, kRiskWater = 10;
constexpr Weighted kExtraRisks[] = {{7, 3500}, {6, 2000}, {5, 1500}, {4, 1000}, {99, 2000}};

int32_t DaysOf(int year, int month, int day) { return Date::FromYmd(year, month, day)->days(); }

// Adds a health condition (2–4), dropping 健康.
void AddCondition(CodeSet& health, int condition) {
  health = CodeSet::FromBits(health.bits() & ~(uint64_t{1} << code::kHealthy));
  health.Add(condition);
}

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

}  // namespace

void GenerateHouseholds(const GeneratorOptions& options, std::span<const RegionCode> villages,
                        const std::function<void(const Household&)>& sink) {
  assert(!villages.empty());
  if (options.households <= 0 || villages.empty()) return;
  Generator generator(options, villages);
  generator.Run(sink);
}

}  // namespace fupin
