// A synthetic funds ledger for the benchmarks (bench/funds/) and the demo: funds received
// by a province and the cities, counties, townships and villages of its region tree,
// allocated to households (直补到户, household codes in the register generator's form:
// "G" + county + 8 digits; the households themselves are not made) and disbursed on the
// payment days of the year. Deterministic: the same options and villages give the same
// ledger. Written straight into the store in one transaction (no audit: the register's
// generator writes files, this one a ledger to measure).
#pragma once

#include <cstdint>
#include <span>

#include "common/error.h"
#include "common/region_code.h"
#include "storage/store.h"

namespace fupin {

struct FundGeneratorOptions {
  RegionCode region;  // the province (or any region) whose villages receive funds
  int year = 2026;
  int64_t lines = 0;  // funds + allocations + disbursements, exactly
  uint64_t seed = 1;
};

struct FundGeneratorCounts {
  int64_t funds = 0, allocations = 0, disbursements = 0;
};

// `villages`: the village-level codes under options.region, ascending (Store::Villages),
// not empty. About 1 fund in 20 lines, 9 allocations per fund (70–100% of it), 0–2
// payments per allocation on the 48 payment days of the year (the 5th, 12th, 20th and
// 27th of each month). Funds go 2% to the region itself, 5% to its cities, 30% to counties,
// 30% to townships and 33% to villages (by the levels below the region).
Result<FundGeneratorCounts> GenerateFunds(Store& store, const FundGeneratorOptions& options,
                                          std::span<const RegionCode> villages);

}  // namespace fupin
