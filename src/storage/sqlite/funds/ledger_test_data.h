// The funds ledger of the funds ledger tests, on SQLite (sqlite_funds_test.cc) and on
// PostgreSQL (postgres/funds/pg_funds_test.cc): a few funds, allocations and payments across
// the regions of a province, as plain SQL, and their sums worked out line by line.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "storage/store.h"

namespace fupin::ledger_test {

inline constexpr int64_t kProvince = 620000000000, kCity = 620400000000, kCounty = 620422000000;
inline constexpr int64_t kTownship = 620422102000, kVillage = 620422102201;
inline constexpr int64_t kOtherCounty = 620421000000;

// The ledger: (id, level, kind, year, region, fen) …
struct Fund {
  int64_t id;
  int level;
  const char* kind;
  int year;
  int64_t region, fen;
};
struct Allocation {
  int64_t id, fund_id, region, fen;
  bool project;
};
struct Disbursement {
  int64_t allocation_id, fen;
  const char* date;
};
inline const std::vector<Fund> kFunds = {
    {1, 1, "中央财政衔接资金", 2026, kProvince, 100000000},
    {2, 4, "县级财政衔接资金", 2026, kCounty, 200000},
    {3, 2, "省级财政衔接资金", 2026, kVillage, 50000},
    {4, 4, "县级财政衔接资金", 2025, kCounty, 70000},
    {5, 1, "中央财政衔接资金", 2026, kOtherCounty, 30000},
    {6, 3, "市级财政衔接资金", 2026, kTownship, 9000},
    {7, 4, "县级财政衔接资金", 2026, kCounty, 1000},  // a second fund of the same key
};
inline const std::vector<Allocation> kAllocations = {
    {1, 2, kVillage, 80000, false}, {2, 2, kVillage, 20000, true},
    {3, 3, kVillage, 50000, false}, {4, 5, 620421100201, 10000, false},
    {5, 4, kVillage, 30000, false}, {6, 1, kVillage, 40000000, false},
};
inline const std::vector<Disbursement> kDisbursements = {
    {1, 30000, "2026-03-01"}, {1, 20000, "2026-06-01"}, {3, 50000, "2026-03-01"},
    {4, 10000, "2026-05-01"}, {5, 30000, "2025-12-31"}, {6, 1000000, "2026-04-01"},
    {6, 5, "2026-04-01"},  // a second payment of the same day
};

// The ledger as plain SQL, the same on SQLite and PostgreSQL.
inline std::string LedgerSql() {
  std::string sql;
  for (const Fund& f : kFunds) {
    sql += "INSERT INTO funds VALUES (" + std::to_string(f.id) + ", " + std::to_string(f.level) +
           ", '" + f.kind + "', " + std::to_string(f.year) + ", " + std::to_string(f.region) +
           ", " + std::to_string(f.fen) + ", '资金" + std::to_string(f.id) +
           "', 'xian', '2026-01-01T00:00:00Z');\n";
  }
  for (const Allocation& a : kAllocations) {
    sql += "INSERT INTO fund_allocations VALUES (" + std::to_string(a.id) + ", " +
           std::to_string(a.fund_id) + ", " + (a.project ? "NULL, NULL, 1" : "620422, 'H1', NULL") +
           ", " + std::to_string(a.region) + ", " + std::to_string(a.fen) +
           ", 'xian', '2026-01-02T00:00:00Z');\n";
  }
  for (const Disbursement& d : kDisbursements) {
    sql +=
        "INSERT INTO fund_disbursements(allocation_id, amount_fen, date, voucher, created_by, "
        "created_at) VALUES (" +
        std::to_string(d.allocation_id) + ", " + std::to_string(d.fen) + ", '" + d.date +
        "', 'V1', 'xian', '2026-01-03T00:00:00Z');\n";
  }
  return sql;
}

// The totals of a region, year and as-of date summed line by line from kFunds & co.
inline FundTotals ByHand(int64_t region, int year, const std::string& as_of) {
  FundTotals t;
  const RegionCode r = RegionCode::FromInt(region);
  for (const Fund& f : kFunds) {
    if (f.year != year || !r.Contains(RegionCode::FromInt(f.region))) continue;
    t.funds_fen += f.fen;
    for (const Allocation& a : kAllocations) {
      if (a.fund_id != f.id) continue;
      t.allocated_fen += a.fen;
      for (const Disbursement& d : kDisbursements) {
        if (d.allocation_id == a.id && std::string(d.date) <= as_of) t.disbursed_fen += d.fen;
      }
    }
  }
  return t;
}

}  // namespace fupin::ledger_test
