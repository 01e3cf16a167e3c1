// FundStore: the funds ledger (扶贫资金, spec/funds.md) as stored — funds received by a region
// for a year, their allocations (直补到户 to a household; to a project once the project
// library exists) and the disbursements of each allocation, all amounts in fen. The service
// layer (service/funds/fund_service) checks roles, scope, input and the limits (what a fund
// or an allocation has left). It shares its Store's connection, so its writes join the
// Store's open transaction. Threading: as its Store.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/error.h"
#include "common/region_code.h"

namespace fupin {

// A fund received (资金): its level of government, kind, year, the region that received it
// and its amount.
struct FundRow {
  int64_t id = 0;
  int level = 0;  // 1 中央, 2 省, 3 市, 4 县 (service/funds/fund_service.h FundLevel)
  std::string kind;
  int year = 0;
  int64_t region_code = 0;
  int64_t amount_fen = 0;
  std::string name;
  std::string created_by, created_at;  // the account; ISO 8601 UTC
};

// A part of a fund given to a household (county_code + household_code, 直补到户) or to a
// project (project_id); region_code is where it went (the household's village).
struct AllocationRow {
  int64_t id = 0;
  int64_t fund_id = 0;
  int64_t county_code = 0;  // 0 for a project allocation
  std::string household_code;
  std::optional<int64_t> project_id;
  int64_t region_code = 0;
  int64_t amount_fen = 0;
  std::string created_by, created_at;
};

// A payment of (part of) an allocation, with its date and voucher number (凭证号).
struct DisbursementRow {
  int64_t id = 0;
  int64_t allocation_id = 0;
  int64_t amount_fen = 0;
  std::string date;  // YYYY-MM-DD
  std::string voucher;
  std::string created_by, created_at;
};

// Sums over the funds of a year in a region subtree.
struct FundTotals {
  int64_t funds_fen = 0;      // the amounts of the funds
  int64_t allocated_fen = 0;  // their allocations
  int64_t disbursed_fen = 0;  // the disbursements of those allocations dated on or before as-of
};

// Funds reports: the funds of a year received in the subtree of a region, of one level and
// kind, with what has been allocated from them (the table fund_sums).
struct FundSumRow {
  int64_t region_code = 0;
  int level = 0;
  std::string kind;
  int64_t funds_fen = 0;
  int64_t allocated_fen = 0;
};

// Funds reports: a fund with what has been allocated from it and disbursed from those
// allocations on or before an as-of date.
struct FundLine {
  FundRow fund;
  int64_t allocated_fen = 0;
  int64_t disbursed_fen = 0;
};

class FundStore {
 public:
  virtual ~FundStore() = default;

  // Writes (in a transaction); each sets row.id.
  virtual Status InsertFund(FundRow& row) = 0;
  virtual Status InsertAllocation(AllocationRow& row) = 0;
  virtual Status InsertDisbursement(DisbursementRow& row) = 0;

  virtual Result<std::optional<FundRow>> GetFund(int64_t id) = 0;
  virtual Result<std::optional<AllocationRow>> GetAllocation(int64_t id) = 0;
  // What has been allocated from a fund, and disbursed from an allocation (all dates).
  virtual Result<int64_t> AllocatedFromFund(int64_t fund_id) = 0;
  virtual Result<int64_t> DisbursedFromAllocation(int64_t allocation_id) = 0;
  // What has been disbursed from all the allocations of a fund (all dates).
  virtual Result<int64_t> DisbursedFromFund(int64_t fund_id) = 0;

  // The funds whose region lies in the subtree of `region`, of `year` when given, by id.
  virtual Result<std::vector<FundRow>> Funds(RegionCode region, std::optional<int> year) = 0;
  // The allocations whose region (where the money went) lies in the subtree of `region`,
  // of fund `fund_id` when given, by id.
  virtual Result<std::vector<AllocationRow>> Allocations(RegionCode region,
                                                         std::optional<int64_t> fund_id) = 0;
  // The disbursements of the allocations whose region lies in the subtree of `region`, of
  // allocation `allocation_id` when given, by date then id.
  virtual Result<std::vector<DisbursementRow>> Disbursements(
      RegionCode region, std::optional<int64_t> allocation_id) = 0;

  // The totals of the funds of `year` whose region lies in the subtree of `region`;
  // disbursements count when dated on or before `as_of` (YYYY-MM-DD).
  virtual Result<FundTotals> Totals(RegionCode region, int year, const std::string& as_of) = 0;

  // Funds reports. The sums of the funds of `year` over the subtree of `region` and over the
  // subtree of each of its children, by (region, level, kind), ordered so.
  virtual Result<std::vector<FundSumRow>> SumsByRegion(RegionCode region, int year) = 0;
  // What was disbursed on or before `as_of` from the funds of `year` of the subtree of
  // `region` and of each of its children (by the fund's region, not where the money went),
  // as (region_code, fen) by region.
  virtual Result<std::vector<std::pair<int64_t, int64_t>>> DisbursedByRegion(
      RegionCode region, int year, const std::string& as_of) = 0;
  // The funds of `year` in the subtree of `region`, by region then id, with their
  // allocations and their disbursements dated on or before `as_of`; at most `limit`.
  virtual Result<std::vector<FundLine>> FundLines(RegionCode region, int year,
                                                  const std::string& as_of, int64_t limit) = 0;
};

}  // namespace fupin
