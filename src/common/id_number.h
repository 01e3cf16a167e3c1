// Resident identity numbers (居民身份证号码) per GB 11643-1999: 6-digit address code,
// 8-digit birth date, 3-digit sequence (odd = male), check character (ISO 7064 MOD 11-2).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/date.h"
#include "common/error.h"

namespace fupin {

struct IdNumber {
  std::string number;  // normalised: 18 characters, upper-case X
  Date birth_date;
  int sex = 0;            // 1 male, 2 female (codes.md)
  bool upgraded = false;  // given as 15 digits and upgraded to 18
};

// The check character ('0'–'9' or 'X') for the first 17 digits; `first17` must be 17 digits.
char IdCheckCharacter(std::string_view first17);

// Upgrades a 15-digit number (birth year 19YY) to 18 characters; `old15` must be 15 digits.
std::string UpgradeId15To18(std::string_view old15);

// Validates and normalises a resident ID number. Surrounding spaces are ignored and a
// lower-case x is accepted. Errors, in this order of checking:
//   E_ID_FORMAT    not 15 or 18 characters, or not digits (with a final X for 18);
//   E_ID_BIRTHDATE the birth date is not a real date, or lies after `today`;
//   E_ID_CHECKSUM  the check character is wrong (18-digit numbers only).
// Birth years before 1900 are refused too (E_ID_BIRTHDATE). Messages show the number
// masked by MaskIdNumber, never whole.
Result<IdNumber> ParseIdNumber(std::string_view text, Date today);

// A 居民身份证 number (17 digits and a check character, 'X' = 10) packs into 61 bits: the
// digits times 11 plus the check character. Packed keys sort as the text does. nullopt for
// anything else (no validation beyond the shape).
std::optional<uint64_t> PackIdNumber(std::string_view number);
// The 18 characters of a packed number, written to `out`.
std::string_view UnpackIdNumber(uint64_t key, char (&out)[18]);
inline void UnpackIdNumber(uint64_t key, std::string& out) {
  char text[18];
  out.assign(UnpackIdNumber(key, text));
}

// "411525********1234": first 6 and last 4 characters kept, the rest '*'. Shorter text
// than 10 characters is masked whole.
std::string MaskIdNumber(std::string_view number);

// "138****5678": first 3 and last 4 characters kept, the rest '*'. Text of 7 characters
// or fewer is masked whole.
std::string MaskPhone(std::string_view phone);

// `text` with every number in it that looks like personal data masked, for roles that do
// not see personal data (free text: a department list's remarks, a finding's detail, a
// history value). A run of digits counts whole or not at all (a longer run is not split):
//   - an ID number: a run of 18 digits, of 17 digits followed by X or x, or of 15
//     digits; masked as MaskIdNumber does (411525********1234);
//   - a mobile number: a run of 11 digits beginning 13–19, or of 13 digits beginning with
//     the country code 86 and then 13–19; masked as MaskPhone does (138****5678), the 86
//     kept.
// Other text, other digit runs and numbers with separators inside (138-1234-5678) are
// kept as they are. Text with no run of 11 digits or more is returned unchanged.
std::string MaskPersonalNumbers(std::string_view text);

}  // namespace fupin
