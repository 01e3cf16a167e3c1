#include "common/date.h"

#include <cstdio>
#include <cstdlib>
#include <ctime>

#include "common/clock.h"

namespace fupin {
namespace {

// Howard Hinnant's days_from_civil and civil_from_days
// (https://howardhinnant.github.io/date_algorithms.html), for the proleptic Gregorian
// calendar with day 0 = 1970-01-01.
int32_t DaysFromCivil(int y, int m, int d) {
  y -= m <= 2;
  const int era = (y >= 0 ? y : y - 399) / 400;
  const int yoe = y - era * 400;                                    // [0, 399]
  const int doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;  // [0, 365]
  const int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;            // [0, 146096]
  return era * 146097 + doe - 719468;
}

struct Ymd {
  int year;
  int month;
  int day;
};

Ymd CivilFromDays(int32_t z) {
  z += 719468;
  const int era = (z >= 0 ? z : z - 146096) / 146097;
  const int doe = z - era * 146097;                                       // [0, 146096]
  const int yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;  // [0, 399]
  const int y = yoe + era * 400;
  const int doy = doe - (365 * yoe + yoe / 4 - yoe / 100);  // [0, 365]
  const int mp = (5 * doy + 2) / 153;                       // [0, 11]
  const int d = doy - (153 * mp + 2) / 5 + 1;               // [1, 31]
  const int m = mp < 10 ? mp + 3 : mp - 9;                  // [1, 12]
  return {y + (m <= 2), m, d};
}

bool IsLeapYear(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int DaysInMonth(int y, int m) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && IsLeapYear(y) ? 29 : kDays[m - 1];
}

bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v';
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

std::string_view Trim(std::string_view text) {
  while (!text.empty() && IsSpace(text.front())) text.remove_prefix(1);
  while (!text.empty() && IsSpace(text.back())) text.remove_suffix(1);
  return text;
}

// Reads `min_digits` to `max_digits` digits at `*pos`, advancing it; false if there are
// fewer or more.
bool ReadNumber(std::string_view text, size_t* pos, size_t min_digits, size_t max_digits,
                int* value) {
  size_t start = *pos;
  int v = 0;
  while (*pos < text.size() && IsDigit(text[*pos])) {
    v = v * 10 + (text[*pos] - '0');
    ++*pos;
    if (*pos - start > max_digits) return false;
  }
  if (*pos - start < min_digits) return false;
  *value = v;
  return true;
}

Error DateFormatError(std::string_view text) {
  std::string t(text);
  return {"E_DATE", "日期格式不正确：" + t + "（应为 YYYY-MM-DD）",
          "not a date: " + t + " (expected YYYY-MM-DD)"};
}

Error NoSuchDateError(std::string_view text) {
  std::string t(text);
  return {"E_DATE", "日期不存在：" + t, "no such date: " + t};
}

}  // namespace

bool Date::IsValidYmd(int year, int month, int day) {
  if (year < 1 || year > 9999) return false;
  if (month < 1 || month > 12) return false;
  return day >= 1 && day <= DaysInMonth(year, month);
}

Result<Date> Date::FromYmd(int year, int month, int day) {
  if (!IsValidYmd(year, month, day)) {
    char text[48];
    std::snprintf(text, sizeof text, "%04d-%02d-%02d", year, month, day);
    return NoSuchDateError(text);
  }
  return Date(DaysFromCivil(year, month, day));
}

Result<Date> Date::Parse(std::string_view text) {
  std::string_view t = Trim(text);
  int year = 0, month = 0, day = 0;
  size_t pos = 0;
  if (t.size() == 8 && t.find_first_not_of("0123456789") == std::string_view::npos) {
    auto digits = [&t](size_t from, size_t count) {
      int v = 0;
      for (size_t i = from; i < from + count; ++i) v = v * 10 + (t[i] - '0');
      return v;
    };
    year = digits(0, 4);
    month = digits(4, 2);
    day = digits(6, 2);
  } else {
    if (!ReadNumber(t, &pos, 4, 4, &year)) return DateFormatError(t);
    if (pos >= t.size() || (t[pos] != '-' && t[pos] != '/')) return DateFormatError(t);
    const char separator = t[pos++];
    if (!ReadNumber(t, &pos, 1, 2, &month)) return DateFormatError(t);
    if (pos >= t.size() || t[pos] != separator) return DateFormatError(t);
    ++pos;
    if (!ReadNumber(t, &pos, 1, 2, &day) || pos != t.size()) return DateFormatError(t);
  }
  if (!IsValidYmd(year, month, day)) return NoSuchDateError(t);
  return Date(DaysFromCivil(year, month, day));
}

Date Date::Today() { return LocalDateOf(NowSeconds()); }

int Date::year() const { return CivilFromDays(days_).year; }
int Date::month() const { return CivilFromDays(days_).month; }
int Date::day() const { return CivilFromDays(days_).day; }

std::string Date::ToString() const {
  Ymd ymd = CivilFromDays(days_);
  if (ymd.year >= 0 && ymd.year <= 9999) {  // the common case, without printf
    const char text[10] = {static_cast<char>('0' + ymd.year / 1000),
                           static_cast<char>('0' + ymd.year / 100 % 10),
                           static_cast<char>('0' + ymd.year / 10 % 10),
                           static_cast<char>('0' + ymd.year % 10),
                           '-',
                           static_cast<char>('0' + ymd.month / 10),
                           static_cast<char>('0' + ymd.month % 10),
                           '-',
                           static_cast<char>('0' + ymd.day / 10),
                           static_cast<char>('0' + ymd.day % 10)};
    return std::string(text, sizeof text);
  }
  char text[48];
  std::snprintf(text, sizeof text, "%04d-%02d-%02d", ymd.year, ymd.month, ymd.day);
  return text;
}

int Date::AgeOn(Date on) const {
  if (on < *this) return 0;
  Ymd birth = CivilFromDays(days_);
  Ymd then = CivilFromDays(on.days_);
  int age = then.year - birth.year;
  // Before this year's birthday; a 29 February birthday falls on 1 March in common years.
  if (then.month < birth.month || (then.month == birth.month && then.day < birth.day)) --age;
  return age;
}

int Date::MonthsUntil(Date later) const {
  if (later < *this) return -later.MonthsUntil(*this);
  Ymd from = CivilFromDays(days_);
  Ymd to = CivilFromDays(later.days_);
  int months = (to.year - from.year) * 12 + (to.month - from.month);
  // A month is whole once the day of the month is reached again: 31 January to
  // 28 February is 0 months, to 1 March is 1.
  if (to.day < from.day) --months;
  return months;
}

}  // namespace fupin
