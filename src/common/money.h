// Money: an amount in integer fen (1 yuan = 100 fen). No floating point anywhere.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/error.h"

namespace fupin {

class Money {
 public:
  constexpr Money() = default;
  static constexpr Money FromFen(int64_t fen) { return Money(fen); }
  static constexpr Money FromYuan(int64_t yuan) { return Money(yuan * 100); }

  // Parses yuan: optional sign, digits with optional ',' thousands separators (each group
  // of three after the first), and at most 2 decimals: "1234", "1234.5", "1,234.50",
  // "-3.20", "0.05". Surrounding spaces are ignored. Refuses empty text, 3 or more
  // decimals, misplaced commas, and amounts beyond ±10^15 yuan, with E_NUMBER.
  static Result<Money> Parse(std::string_view text);

  constexpr int64_t fen() const { return fen_; }

  // "1234.50", "-0.05": plain decimal yuan with exactly 2 decimals (JSON, CSV export).
  std::string ToString() const;
  // "1,234.50": with thousands separators, for people.
  std::string ToGroupedString() const;

  // value / divisor rounded half away from zero; divisor must be > 0.
  Money DivideRounded(int64_t divisor) const;

  friend constexpr Money operator+(Money a, Money b) { return Money(a.fen_ + b.fen_); }
  friend constexpr Money operator-(Money a, Money b) { return Money(a.fen_ - b.fen_); }
  Money& operator+=(Money o) {
    fen_ += o.fen_;
    return *this;
  }
  Money& operator-=(Money o) {
    fen_ -= o.fen_;
    return *this;
  }
  friend constexpr auto operator<=>(Money a, Money b) = default;

 private:
  constexpr explicit Money(int64_t fen) : fen_(fen) {}
  int64_t fen_ = 0;
};

}  // namespace fupin
