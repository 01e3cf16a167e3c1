// RegionCode: a 12-digit statistical region code (GB/T 2260 + township and village codes):
// 2 digits province, 2 city, 2 county, 3 township, 3 village. Code 0 is the nation.
// A region's subtree is one integer range, so scoping and roll-ups are range scans.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/error.h"

namespace fupin {

enum class RegionLevel : int {
  kNation = 0,
  kProvince = 1,
  kCity = 2,
  kCounty = 3,
  kTownship = 4,
  kVillage = 5
};

class RegionCode {
 public:
  constexpr RegionCode() = default;
  static constexpr RegionCode FromInt(int64_t code) { return RegionCode(code); }
  static constexpr RegionCode Nation() { return RegionCode(0); }

  // Parses a code of 2, 4, 6, 9 or 12 digits (shorter ones are padded with zeros on the
  // right: "32" is Jiangsu, 320000000000). "0" or "" is not accepted; E_REGION otherwise.
  // The padded code must be well formed: a non-zero province part, a non-zero city part
  // from the county level down, and a non-zero township part for a village ("0032",
  // "320001", "320102000001" are refused). The county part may be 00 below a city without
  // counties: "441900003" is a town of Dongguan.
  static Result<RegionCode> Parse(std::string_view text);

  constexpr int64_t value() const { return code_; }
  RegionLevel level() const;
  // The parent region (the nation for a province, itself for the nation).
  RegionCode parent() const;
  // The enclosing region at `level` (<= this level).
  RegionCode AncestorAt(RegionLevel level) const;
  RegionCode county() const { return AncestorAt(RegionLevel::kCounty); }
  RegionCode province() const { return AncestorAt(RegionLevel::kProvince); }
  // [lo, hi): every code of this region's subtree, itself included.
  int64_t subtree_lo() const;
  int64_t subtree_hi() const;
  // [lo, hi): the county codes of this region's subtree — the county itself for a
  // county or any region below it (households are stored under their county).
  int64_t counties_lo() const {
    return level() >= RegionLevel::kCounty ? county().value() : subtree_lo();
  }
  int64_t counties_hi() const {
    return level() >= RegionLevel::kCounty ? county().value() + 1 : subtree_hi();
  }
  bool Contains(RegionCode other) const {
    return other.code_ >= subtree_lo() && other.code_ < subtree_hi();
  }
  // The significant digits: "32", "3201", "320102", "320102001", "320102001001"; "0" for
  // the nation. This is also the prefix used by policy overrides.
  std::string ShortString() const;
  // Always 12 digits ("000000000000" for the nation).
  std::string ToString() const;

  friend constexpr auto operator<=>(RegionCode a, RegionCode b) = default;

 private:
  constexpr explicit RegionCode(int64_t code) : code_(code) {}
  int64_t code_ = 0;
};

}  // namespace fupin
