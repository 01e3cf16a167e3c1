// Date: a calendar day (proleptic Gregorian), stored as days since 1970-01-01.
#pragma once

#include <compare>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/error.h"

namespace fupin {

class Date {
 public:
  constexpr Date() = default;
  // Returns the date, or an error if y-m-d is not a real calendar day in the years
  // 1 to 9999 (E_DATE).
  static Result<Date> FromYmd(int year, int month, int day);
  // Parses "YYYY-MM-DD", "YYYY/MM/DD" or "YYYYMMDD" (surrounding spaces ignored);
  // refuses anything else or a day that does not exist, with E_DATE. Does not check
  // whether the date lies in the future: callers compare with Today().
  static Result<Date> Parse(std::string_view text);
  static bool IsValidYmd(int year, int month, int day);
  static constexpr Date FromDays(int32_t days) { return Date(days); }

  // Today in China Standard Time (UTC+8), at the time of common/clock.h NowSeconds
  // (FUPIN_NOW when set).
  static Date Today();

  int year() const;
  int month() const;
  int day() const;
  constexpr int32_t days() const { return days_; }

  // "YYYY-MM-DD".
  std::string ToString() const;

  // Full years of age on `on` for someone born on this date (0 before the first birthday).
  // Someone born on 29 February comes of age on 1 March in common years.
  int AgeOn(Date on) const;
  // Whole months from this date to `later` (negative when later is earlier).
  int MonthsUntil(Date later) const;

  friend constexpr auto operator<=>(Date a, Date b) = default;

 private:
  constexpr explicit Date(int32_t days) : days_(days) {}
  int32_t days_ = 0;
};

}  // namespace fupin
