#include "common/region_code.h"

#include <cstdio>

namespace fupin {
namespace {

constexpr int64_t kCodeSpan = 1'000'000'000'000;  // 10^12: every 12-digit code

// The place value of the last digit of each level's part, indexed by RegionLevel: a
// province's part ends 10 digits from the right, a village's at the last digit.
constexpr int64_t kUnit[] = {kCodeSpan, 10'000'000'000, 100'000'000, 1'000'000, 1'000, 1};
// The number of significant digits of a code at each level.
constexpr size_t kDigits[] = {0, 2, 4, 6, 9, 12};

int64_t UnitOf(RegionLevel level) { return kUnit[static_cast<int>(level)]; }

bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v';
}

Error RegionError(std::string_view text) {
  std::string t(text);
  return {"E_REGION", "行政区划代码不正确：" + t + "（应为 2、4、6、9 或 12 位数字）",
          "not a region code: " + t + " (expected 2, 4, 6, 9 or 12 digits)"};
}

}  // namespace

Result<RegionCode> RegionCode::Parse(std::string_view text) {
  while (!text.empty() && IsSpace(text.front())) text.remove_prefix(1);
  while (!text.empty() && IsSpace(text.back())) text.remove_suffix(1);
  const size_t n = text.size();
  if (n != 2 && n != 4 && n != 6 && n != 9 && n != 12) return RegionError(text);
  int64_t code = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return RegionError(text);
    code = code * 10 + (c - '0');
  }
  for (size_t i = n; i < 12; ++i) code *= 10;
  if (code == 0) return RegionError(text);
  // The province part must be non-zero ("0032" is no city). Lower parts may be zero:
  // the cities without counties (东莞 4419, 中山 4420, 儋州 4604) have townships directly
  // under county part 00 (441900003 is a town of Dongguan).
  // The city part is never 00 below a city (province-administered counties use 90), and
  // a village's township part is never 000.
  RegionCode region(code);
  const RegionLevel level = region.level();
  if (code / kUnit[1] == 0) return RegionError(text);
  if (level >= RegionLevel::kCounty && (code / kUnit[2]) % 100 == 0) return RegionError(text);
  if (level == RegionLevel::kVillage && (code / kUnit[4]) % 1000 == 0) return RegionError(text);
  return region;
}

RegionLevel RegionCode::level() const {
  if (code_ == 0) return RegionLevel::kNation;
  if (code_ % kUnit[1] == 0) return RegionLevel::kProvince;
  if (code_ % kUnit[2] == 0) return RegionLevel::kCity;
  if (code_ % kUnit[3] == 0) return RegionLevel::kCounty;
  if (code_ % kUnit[4] == 0) return RegionLevel::kTownship;
  return RegionLevel::kVillage;
}

RegionCode RegionCode::parent() const {
  const RegionLevel own = level();
  if (own == RegionLevel::kNation) return *this;
  return AncestorAt(static_cast<RegionLevel>(static_cast<int>(own) - 1));
}

RegionCode RegionCode::AncestorAt(RegionLevel level) const {
  const int64_t unit = UnitOf(level);
  return RegionCode(code_ / unit * unit);
}

int64_t RegionCode::subtree_lo() const { return code_; }

int64_t RegionCode::subtree_hi() const { return code_ + UnitOf(level()); }

std::string RegionCode::ShortString() const {
  if (code_ == 0) return "0";
  return ToString().substr(0, kDigits[static_cast<int>(level())]);
}

std::string RegionCode::ToString() const {
  char text[32];
  std::snprintf(text, sizeof text, "%012lld", static_cast<long long>(code_));
  return text;
}

}  // namespace fupin
