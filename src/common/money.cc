#include "common/money.h"

#include <cassert>
#include <cstdint>
#include <string>

namespace fupin {
namespace {

// Amounts beyond ±10^15 yuan are refused (money.h).
constexpr uint64_t kMaxFen = 100'000'000'000'000'000ULL;

bool IsAsciiSpace(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v';
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

std::string_view Trim(std::string_view text) {
  while (!text.empty() && IsAsciiSpace(text.front())) text.remove_prefix(1);
  while (!text.empty() && IsAsciiSpace(text.back())) text.remove_suffix(1);
  return text;
}

Error NumberError(std::string zh, std::string en) {
  return {"E_NUMBER", std::move(zh), std::move(en)};
}

Error NotAnAmount(std::string_view text) {
  std::string t(text);
  return NumberError("金额格式不正确：" + t, "not an amount: " + t);
}

// True when the integer part `digits` (no sign) uses ',' correctly: either no comma at
// all, or a first group of 1 to 3 digits followed by groups of exactly 3.
bool CommasWellPlaced(std::string_view digits) {
  if (digits.find(',') == std::string_view::npos) return true;
  size_t first = digits.find(',');
  if (first == 0 || first > 3) return false;
  size_t group_start = first + 1;
  while (true) {
    size_t next = digits.find(',', group_start);
    size_t end = next == std::string_view::npos ? digits.size() : next;
    if (end - group_start != 3) return false;
    if (next == std::string_view::npos) return true;
    group_start = next + 1;
  }
}

// Formats a magnitude in fen as "yuan.fen", grouping the yuan by thousands if asked.
std::string FormatFen(int64_t fen, bool grouped) {
  // Work in unsigned so that INT64_MIN has a magnitude too.
  uint64_t magnitude = fen < 0 ? 0 - static_cast<uint64_t>(fen) : static_cast<uint64_t>(fen);
  std::string yuan = std::to_string(magnitude / 100);
  if (grouped) {
    for (int i = static_cast<int>(yuan.size()) - 3; i > 0; i -= 3) yuan.insert(i, ",");
  }
  unsigned cents = static_cast<unsigned>(magnitude % 100);
  std::string result = fen < 0 ? "-" : "";
  result += yuan;
  result += '.';
  result += static_cast<char>('0' + cents / 10);
  result += static_cast<char>('0' + cents % 10);
  return result;
}

}  // namespace

Result<Money> Money::Parse(std::string_view text) {
  std::string_view t = Trim(text);
  if (t.empty()) return NumberError("金额不能为空", "an amount cannot be empty");

  std::string_view body = t;
  bool negative = false;
  if (body.front() == '-' || body.front() == '+') {
    negative = body.front() == '-';
    body.remove_prefix(1);
  }

  std::string_view integer = body;
  std::string_view decimals;
  bool has_point = false;
  if (size_t point = body.find('.'); point != std::string_view::npos) {
    has_point = true;
    integer = body.substr(0, point);
    decimals = body.substr(point + 1);
  }

  for (char c : integer) {
    if (!IsDigit(c) && c != ',') return NotAnAmount(t);
  }
  for (char c : decimals) {
    if (!IsDigit(c)) return NotAnAmount(t);
  }
  // At least one digit somewhere; "1." and "." are not amounts, ".5" is.
  if (has_point && decimals.empty()) return NotAnAmount(t);
  if (integer.empty() && decimals.empty()) return NotAnAmount(t);
  if (!integer.empty() && integer.find_first_not_of(',') == std::string_view::npos) {
    return NotAnAmount(t);
  }
  if (decimals.size() > 2) {
    std::string s(t);
    return NumberError("金额最多两位小数：" + s, "at most 2 decimals in an amount: " + s);
  }
  if (!CommasWellPlaced(integer)) {
    std::string s(t);
    return NumberError("金额的千位分隔符位置不正确：" + s,
                       "misplaced thousands separator in an amount: " + s);
  }

  uint64_t fen = 0;
  for (char c : integer) {
    if (c == ',') continue;
    fen = fen * 10 + static_cast<uint64_t>(c - '0');
    if (fen > kMaxFen / 100) {
      std::string s(t);
      return NumberError("金额超出范围：" + s, "amount out of range: " + s);
    }
  }
  fen *= 100;
  if (decimals.size() >= 1) fen += static_cast<uint64_t>(decimals[0] - '0') * 10;
  if (decimals.size() == 2) fen += static_cast<uint64_t>(decimals[1] - '0');
  if (fen > kMaxFen) {
    std::string s(t);
    return NumberError("金额超出范围：" + s, "amount out of range: " + s);
  }
  int64_t value = static_cast<int64_t>(fen);
  return Money(negative ? -value : value);
}

std::string Money::ToString() const { return FormatFen(fen_, /*grouped=*/false); }

std::string Money::ToGroupedString() const { return FormatFen(fen_, /*grouped=*/true); }

Money Money::DivideRounded(int64_t divisor) const {
  assert(divisor > 0);
  int64_t quotient = fen_ / divisor;   // truncates toward zero
  int64_t remainder = fen_ % divisor;  // same sign as fen_
  uint64_t abs_remainder =
      remainder < 0 ? 0 - static_cast<uint64_t>(remainder) : static_cast<uint64_t>(remainder);
  // Half or more of the divisor left over: round away from zero.
  if (abs_remainder >= static_cast<uint64_t>(divisor) - abs_remainder) {
    quotient += fen_ < 0 ? -1 : 1;
  }
  return Money(quotient);
}

}  // namespace fupin
