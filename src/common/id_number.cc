#include "common/id_number.h"

#include <cassert>

namespace fupin {
namespace {

// GB 11643-1999, ISO 7064 MOD 11-2: weight of each of the first 17 digits, and the check
// character for each value of the weighted sum modulo 11.
constexpr int kWeights[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
constexpr char kCheckCharacters[] = "10X98765432";
// Birth years before this are refused: no living person was born then.
constexpr int kEarliestBirthYear = 1900;

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

bool AllDigits(std::string_view text) {
  for (char c : text) {
    if (!IsDigit(c)) return false;
  }
  return true;
}

int Number(std::string_view digits) {
  int v = 0;
  for (char c : digits) v = v * 10 + (c - '0');
  return v;
}

}  // namespace

char IdCheckCharacter(std::string_view first17) {
  assert(first17.size() == 17);
  int sum = 0;
  for (int i = 0; i < 17; ++i) sum += (first17[i] - '0') * kWeights[i];
  return kCheckCharacters[sum % 11];
}

std::string UpgradeId15To18(std::string_view old15) {
  assert(old15.size() == 15);
  std::string number;
  number.reserve(18);
  number.append(old15.substr(0, 6));
  number.append("19");
  number.append(old15.substr(6));
  number.push_back(IdCheckCharacter(number));
  return number;
}

Result<IdNumber> ParseIdNumber(std::string_view text, Date today) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);

  std::string number(text);
  const bool well_formed =
      (number.size() == 15 && AllDigits(number)) ||
      (number.size() == 18 && AllDigits(std::string_view(number).substr(0, 17)) &&
       (IsDigit(number[17]) || number[17] == 'X' || number[17] == 'x'));
  if (!well_formed) {
    std::string masked = MaskIdNumber(number);
    return Error{"E_ID_FORMAT",
                 "身份证号码格式不正确：" + masked + "（应为 18 位，或旧式 15 位数字）",
                 "not an ID number: " + masked + " (expected 18 characters, or 15 digits)"};
  }
  if (number.size() == 18 && number[17] == 'x') number[17] = 'X';

  const bool old_style = number.size() == 15;
  const std::string_view ymd =
      old_style ? std::string_view(number).substr(6, 6) : std::string_view(number).substr(6, 8);
  const int year = old_style ? 1900 + Number(ymd.substr(0, 2)) : Number(ymd.substr(0, 4));
  const int month = Number(ymd.substr(old_style ? 2 : 4, 2));
  const int day = Number(ymd.substr(old_style ? 4 : 6, 2));
  Result<Date> birth = Date::FromYmd(year, month, day);
  if (!birth.ok() || year < kEarliestBirthYear || today < *birth) {
    std::string masked = MaskIdNumber(number);
    return Error{"E_ID_BIRTHDATE", "身份证号码中的出生日期不正确：" + masked,
                 "the birth date in an ID number is wrong: " + masked};
  }

  IdNumber id;
  if (old_style) {
    id.number = UpgradeId15To18(number);
    id.upgraded = true;
  } else {
    const char expected = IdCheckCharacter(std::string_view(number).substr(0, 17));
    if (number[17] != expected) {
      std::string masked = MaskIdNumber(number);
      return Error{
          "E_ID_CHECKSUM", "身份证号码校验位不正确：" + masked + "（应为 " + expected + "）",
          "wrong check character in an ID number: " + masked + " (expected " + expected + ")"};
    }
    id.number = std::move(number);
  }
  id.birth_date = *birth;
  id.sex = (id.number[16] - '0') % 2 == 1 ? 1 : 2;
  return id;
}

std::string MaskIdNumber(std::string_view number) {
  if (number.size() < 10) return std::string(number.size(), '*');
  std::string masked(number);
  for (size_t i = 6; i + 4 < masked.size(); ++i) masked[i] = '*';
  return masked;
}

std::string MaskPhone(std::string_view phone) {
  if (phone.size() <= 7) return std::string(phone.size(), '*');
  std::string masked(phone);
  for (size_t i = 3; i + 4 < masked.size(); ++i) masked[i] = '*';
  return masked;
}

std::string MaskPersonalNumbers(std::string_view text) {
  auto is_digit = [](char c) { return c >= '0' && c <= '9'; };
  auto is_mobile = [](std::string_view run) {
    return run.size() == 11 && run[0] == '1' && run[1] >= '3' && run[1] <= '9';
  };
  std::string out;
  size_t copied = 0;  // bytes of `text` already in `out`
  const size_t n = text.size();
  for (size_t i = 0; i < n;) {
    if (!is_digit(text[i])) {
      ++i;
      continue;
    }
    size_t end = i;
    while (end < n && is_digit(text[end])) ++end;
    size_t length = end - i;
    if (length == 17 && end < n && (text[end] == 'X' || text[end] == 'x')) {
      ++end;
      length = 18;
    }
    const std::string_view run = text.substr(i, length);
    std::string masked;
    if (length == 18 || length == 15) {
      masked = MaskIdNumber(run);
    } else if (is_mobile(run)) {
      masked = MaskPhone(run);
    } else if (length == 13 && run.starts_with("86") && is_mobile(run.substr(2))) {
      masked = "86" + MaskPhone(run.substr(2));
    }
    if (!masked.empty()) {
      if (out.empty()) out.reserve(n);
      out.append(text, copied, i - copied);
      out += masked;
      copied = end;
    }
    i = end;
  }
  if (copied == 0) return std::string(text);
  out.append(text, copied, std::string_view::npos);
  return out;
}

std::optional<uint64_t> PackIdNumber(std::string_view number) {
  if (number.size() != 18) return std::nullopt;
  uint64_t digits = 0;
  for (int i = 0; i < 17; ++i) {
    const unsigned d = static_cast<unsigned char>(number[i]) - '0';
    if (d > 9) return std::nullopt;
    digits = digits * 10 + d;
  }
  const char c = number[17];
  if (c == 'X') return digits * 11 + 10;
  if (c < '0' || c > '9') return std::nullopt;
  return digits * 11 + static_cast<unsigned>(c - '0');
}

std::string_view UnpackIdNumber(uint64_t key, char (&out)[18]) {
  const unsigned check = key % 11;
  out[17] = check == 10 ? 'X' : static_cast<char>('0' + check);
  uint64_t digits = key / 11;
  for (int i = 16; i >= 0; --i, digits /= 10) out[i] = static_cast<char>('0' + digits % 10);
  return std::string_view(out, sizeof out);
}

}  // namespace fupin
