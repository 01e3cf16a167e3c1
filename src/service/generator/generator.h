// A synthetic register for a real county: households and members that look like a
// county's 建档立卡 and monitoring data, for the demo, the tests and the benchmarks.
// Deterministic: the same options and villages give the same households, byte for byte.
#pragma once

#include <cstdint>
#include <functional>
#include <span>

#include "common/date.h"
#include "common/region_code.h"
#include "domain/household.h"

namespace fupin {

struct GeneratorOptions {
  RegionCode county;       // the county whose villages are used and whose ID numbers are made
  int64_t households = 0;  // how many households to make
  uint64_t seed = 1;
  Date today;  // ages and dates are relative to this day
};

// Calls `sink` once per household, in order, household codes "G" + 6-digit county code
// + 8-digit running number ("G62042200000001"). `villages` are the county's village-level
// codes (non-empty); households are spread over them unevenly, as real villages are.
//
// What the data looks like:
// - household sizes 1–8 (mostly 3–5), one 户主 each, spouses, children, grandchildren and
//   parents with ages, sexes and relations that fit together; valid 18-character ID numbers
//   whose address code is the county, birth date and sex digit agree, all distinct;
// - school status fitting age (6–15 in 小学/七至九年级, with rare 送教上门, 因病（残）休学
//   and a few out-of-school cases), education fitting age;
// - about 88% 建档立卡户 and 12% 普通农户; among 建档立卡户 most 已脱贫, some 未脱贫,
//   a few 返贫 and 已剔除; main cause 因病 about 42%, then 因残, 因学, 缺劳动力, 缺资金,
//   缺技术 and the rest in the proportions provincial breakdowns show;
// - health and disability consistent with the cause (因病 households have a sick member,
//   因残 a disabled one with a grade), labour capacity fitting age and health;
// - incomes spread around the poverty line (4,000 yuan in 2020) and the monitoring line
//   (6,000 yuan), a few outliers; some 危房 (C/D), some renovated or relocated; some
//   monitored households with type, status, date and risk types consistent with the rules;
// - every household passes the import's validation with no error (warnings allowed).
void GenerateHouseholds(const GeneratorOptions& options, std::span<const RegionCode> villages,
                        const std::function<void(const Household&)>& sink);

}  // namespace fupin
