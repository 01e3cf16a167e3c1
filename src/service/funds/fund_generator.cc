#include "service/funds/fund_generator.h"

#include <algorithm>
#include <cstdio>
#include <string>

#include "service/clock.h"
#include "service/transaction.h"

namespace fupin {
namespace {

// splitmix64: small, fast and the same everywhere.
class Rng {
 public:
  explicit Rng(uint64_t seed) : state_(seed) {}
  uint64_t Next() {
    uint64_t z = (state_ += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }
  int64_t Below(int64_t n) { return static_cast<int64_t>(Next() % static_cast<uint64_t>(n)); }

 private:
  uint64_t state_;
};

constexpr const char* kKinds[] = {"中央财政专项扶贫资金", "省级财政专项扶贫资金",
                                  "统筹整合涉农资金",     "东西部协作资金",
                                  "社会帮扶资金",         "以工代赈资金"};
constexpr int kPaymentDays[] = {5, 12, 20, 27};

// The region a fund goes to: the region itself or a region below it, by the shares above.
RegionCode FundRegion(Rng& rng, RegionCode top, std::span<const RegionCode> villages) {
  const RegionCode village = villages[static_cast<size_t>(rng.Below(std::ssize(villages)))];
  const int64_t r = rng.Below(100);
  const int top_level = static_cast<int>(top.level());
  int level = r < 2 ? top_level : r < 7 ? 2 : r < 37 ? 3 : r < 67 ? 4 : 5;
  level = std::max(level, top_level);
  return village.AncestorAt(static_cast<RegionLevel>(level));
}

}  // namespace

Result<FundGeneratorCounts> GenerateFunds(Store& store, const FundGeneratorOptions& options,
                                          std::span<const RegionCode> villages) {
  if (villages.empty() || options.lines <= 0) {
    return Error::Usage("没有村或行数为 0", "no villages, or no lines to make");
  }
  Rng rng(options.seed);
  FundGeneratorCounts counts;
  const std::string now = NowIso8601();
  int64_t made = 0;
  FUPIN_RETURN_IF_ERROR(InTransaction(store, [&]() -> Status {
    while (made < options.lines) {
      FundRow fund;
      fund.region_code = FundRegion(rng, options.region, villages).value();
      fund.level = 1 + static_cast<int>(rng.Below(4));
      fund.kind = kKinds[rng.Below(std::ssize(kKinds))];
      fund.year = options.year;
      fund.amount_fen = (10'000 + rng.Below(1'990'000)) * 100;
      fund.name =
          "模拟资金 " + std::to_string(options.year) + "-" + std::to_string(counts.funds + 1);
      fund.created_by = "generator";
      fund.created_at = now;
      FUPIN_RETURN_IF_ERROR(store.funds().InsertFund(fund));
      ++counts.funds;
      ++made;
      // The villages of the fund's region: one range of the ascending list.
      const RegionCode at = RegionCode::FromInt(fund.region_code);
      const auto lo =
          std::lower_bound(villages.begin(), villages.end(), RegionCode::FromInt(at.subtree_lo()));
      const auto hi = std::lower_bound(lo, villages.end(), RegionCode::FromInt(at.subtree_hi()));
      const int64_t in_region = std::max<int64_t>(hi - lo, 1);
      const int64_t parts = 5 + rng.Below(9);
      const int64_t share = fund.amount_fen * (70 + rng.Below(31)) / 100 / parts;
      for (int64_t p = 0; p < parts && made < options.lines && share > 0; ++p) {
        const RegionCode village = hi > lo ? lo[rng.Below(in_region)] : at;
        AllocationRow allocation;
        allocation.fund_id = fund.id;
        allocation.county_code = village.county().value();
        char code[32];
        std::snprintf(code, sizeof code, "G%06lld%08lld",
                      static_cast<long long>(allocation.county_code / 1'000'000),
                      static_cast<long long>(1 + rng.Below(99'999'999)));
        allocation.household_code = code;
        allocation.region_code = village.value();
        allocation.amount_fen = share;
        allocation.created_by = "generator";
        allocation.created_at = now;
        FUPIN_RETURN_IF_ERROR(store.funds().InsertAllocation(allocation));
        ++counts.allocations;
        ++made;
        const int64_t payments = rng.Below(100) < 10 ? 0 : rng.Below(100) < 88 ? 1 : 2;
        for (int64_t k = 0; k < payments && made < options.lines; ++k) {
          DisbursementRow paid;
          paid.allocation_id = allocation.id;
          paid.amount_fen = payments == 1 ? share : k == 0 ? share / 2 : share - share / 2;
          char date[16];
          std::snprintf(date, sizeof date, "%04d-%02d-%02d", options.year,
                        1 + static_cast<int>(rng.Below(12)), kPaymentDays[rng.Below(4)]);
          paid.date = date;
          paid.voucher = "记-" + std::to_string(counts.disbursements + 1);
          paid.created_by = "generator";
          paid.created_at = now;
          FUPIN_RETURN_IF_ERROR(store.funds().InsertDisbursement(paid));
          ++counts.disbursements;
          ++made;
        }
      }
    }
    return Status::Ok();
  }));
  return counts;
}

}  // namespace fupin
