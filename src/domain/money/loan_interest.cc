#include "domain/money/loan_interest.h"

#include <algorithm>

namespace fupin {
namespace {

int DaysInMonth(int year, int month) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return month == 2 && leap ? 29 : kDays[month - 1];
}

// Σ principal × days over [from, to) ∩ [start, end), in fen·days.
__int128 PrincipalDays(int64_t amount_fen, Date start, Date end,
                       const std::vector<PrincipalRepaid>& repaid, Date from, Date to) {
  const int32_t lo = std::max(start.days(), from.days());
  const int32_t hi = std::min(end.days(), to.days());
  if (lo >= hi) return 0;
  std::vector<PrincipalRepaid> sorted = repaid;
  std::sort(sorted.begin(), sorted.end(),
            [](const PrincipalRepaid& a, const PrincipalRepaid& b) { return a.date < b.date; });
  __int128 total = 0;
  int64_t principal = amount_fen;
  int32_t day = lo;
  for (const PrincipalRepaid& r : sorted) {
    const int32_t change = r.date.days();
    if (change > day) {
      const int32_t until = std::min(change, hi);
      if (until > day)
        total += static_cast<__int128>(std::max<int64_t>(principal, 0)) * (until - day);
      day = std::max(day, until);
    }
    principal -= r.fen;
    if (day >= hi) break;
  }
  if (day < hi) total += static_cast<__int128>(std::max<int64_t>(principal, 0)) * (hi - day);
  return total;
}

// fen·days × rate ÷ (360 × 10^6), rounded half up.
int64_t Interest(__int128 principal_days, int64_t rate_micros) {
  const __int128 numerator = principal_days * rate_micros;
  const __int128 denominator = static_cast<__int128>(360) * 1000000;
  return static_cast<int64_t>((numerator * 2 + denominator) / (denominator * 2));
}

}  // namespace

Date AddMonths(Date date, int months) {
  const int index = date.year() * 12 + (date.month() - 1) + months;
  const int year = index / 12, month = index % 12 + 1;
  return *Date::FromYmd(year, month, std::min(date.day(), DaysInMonth(year, month)));
}

int64_t InterestOfYear(int64_t amount_fen, Date start, Date end,
                       const std::vector<PrincipalRepaid>& repaid, int64_t rate_micros, int year) {
  const Date from = *Date::FromYmd(year, 1, 1), to = *Date::FromYmd(year + 1, 1, 1);
  return Interest(PrincipalDays(amount_fen, start, end, repaid, from, to), rate_micros);
}

int64_t InterestOfLoan(int64_t amount_fen, Date start, Date end,
                       const std::vector<PrincipalRepaid>& repaid, int64_t rate_micros) {
  int64_t total = 0;
  for (int year = start.year(); end > start && year <= end.year(); ++year) {
    total += InterestOfYear(amount_fen, start, end, repaid, rate_micros, year);
  }
  return total;
}

int64_t ShareOf(int64_t fen, Ratio share) {
  const __int128 n = static_cast<__int128>(fen) * share.micros;
  return static_cast<int64_t>((n * 2 + 1000000) / 2000000);
}

}  // namespace fupin
