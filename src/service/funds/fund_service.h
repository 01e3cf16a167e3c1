// The funds ledger (扶贫资金, spec/funds.md "Funds"): funds received by a region for a year,
// allocated to households (直补到户) and disbursed with a date and a voucher number, all in
// fen; and the spending progress of a region and year against [funds] min_spending_ratio.
//
// Roles (service/accounts/auth_service.h): county offices and admins record funds
// (kRecordFunds); they and the township offices allocate and disburse (kAllocateFunds), a
// township only to the households of its township; every role that reads the register reads
// the ledger of its region (kRead). Village staff, helpers, departments, auditors and
// viewers do not write. A region or a household outside the caller's scope answers
// E_NOT_FOUND, exactly as one that does not exist. Each write is one transaction with its
// audit record; nothing is written on failure.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/date.h"
#include "common/error.h"
#include "domain/policy.h"
#include "service/accounts/auth_service.h"
#include "storage/store.h"

namespace fupin {

inline constexpr size_t kMaxFundText = 200;  // characters of a fund's kind or name, a voucher

// The level of government a fund comes from: 1 中央, 2 省, 3 市, 4 县. Parses the digit, the
// Chinese label (中央, 省, 省级, 市, 市级, 县, 县级) or the English key (central, province,
// city, county).
std::optional<int> ParseFundLevel(const std::string& text);
const char* FundLevelLabel(int level);  // 中央, 省, 市, 县
const char* FundLevelKey(int level);    // central, province, city, county

// A fund as a client sends it (texts, validated by AddFund).
struct FundInput {
  std::string level;  // ParseFundLevel
  std::string kind;  // e.g. 中央财政专项扶贫资金, 统筹整合涉农资金, 东西部协作; required
  int year = 0;        // 2000–2100
  RegionCode region;   // the region that received it (in the register's region tree)
  std::string amount;  // yuan, > 0, at most 2 decimals
  std::string name;    // required
};

// E_FORBIDDEN unless kRecordFunds; E_NOT_FOUND for a region outside the scope or not in the
// tree; E_CODE (level), E_REQUIRED (kind, name), E_FORMAT (text over kMaxFundText
// characters or with control characters), E_YEAR, E_NUMBER (amount). Audited "fund.add".
Result<FundRow> AddFund(Store& store, const Caller& caller, const FundInput& input);

// An allocation: to a household of the register (household_code) or to a project
// (project_id) — exactly one of them.
struct AllocationInput {
  int64_t fund_id = 0;
  std::string household_code;
  std::optional<int64_t> project_id;
  std::string amount;  // yuan, > 0
};

// E_FORBIDDEN unless kAllocateFunds; E_USAGE unless exactly one of household_code and
// project_id is given; E_NOT_FOUND for a project outside the caller's scope or missing
// (E_STATE for one not yet approved into the library, E_REGION for one outside the fund's
// region), for a household outside the caller's scope or missing, and
// for a fund the caller cannot see (its region neither in the caller's scope nor holding
// the caller's region); E_REGION for a household outside the fund's region; E_NUMBER
// (amount); E_OVER_FUND when the amount exceeds what the fund has left. Audited
// "fund.allocate" with the 户编号 as target.
Result<AllocationRow> Allocate(Store& store, const Caller& caller, const AllocationInput& input);

struct DisbursementInput {
  int64_t allocation_id = 0;
  std::string amount;   // yuan, > 0
  std::string date;     // YYYY-MM-DD, not after today
  std::string voucher;  // 凭证号, required
};

// E_FORBIDDEN unless kAllocateFunds; E_NOT_FOUND for an allocation that does not exist or
// went to a region outside the caller's scope; E_NUMBER, E_DATE (malformed or after
// today), E_REQUIRED / E_FORMAT (voucher); E_OVER_ALLOCATION when the amount exceeds what
// the allocation has left. Audited "fund.disburse" with "allocation:<id>" as target.
Result<DisbursementRow> Disburse(Store& store, const Caller& caller,
                                 const DisbursementInput& input);

// A fund with what has been allocated from it and disbursed from those allocations.
struct FundView {
  FundRow fund;
  int64_t allocated_fen = 0;
  int64_t disbursed_fen = 0;
};

// The funds, allocations and disbursements of `region` (funds by their region; allocations
// and disbursements by where the money went). E_NOT_FOUND for a region outside the scope.
Result<std::vector<FundView>> ListFunds(Store& store, const Caller& caller, RegionCode region,
                                        std::optional<int> year);
Result<std::vector<AllocationRow>> ListAllocations(Store& store, const Caller& caller,
                                                   RegionCode region,
                                                   std::optional<int64_t> fund_id);
Result<std::vector<DisbursementRow>> ListDisbursements(Store& store, const Caller& caller,
                                                       RegionCode region,
                                                       std::optional<int64_t> allocation_id);

// The spending progress (资金支出进度) of a region and year on an as-of date.
struct FundProgress {
  RegionCode region;
  int year = 0;
  std::string as_of;               // YYYY-MM-DD
  int64_t funds_fen = 0;           // the amounts of that year's funds in the region's subtree
  int64_t allocated_fen = 0;       // allocated from them
  int64_t disbursed_fen = 0;       // disbursed from them, dated on or before as_of
  std::string ratio;               // disbursed ÷ funds, 4 decimals, truncated ("0.9000")
  std::string allocation_ratio;    // allocated ÷ funds, likewise
  std::string min_spending_ratio;  // of the policy in force for the region ("0.9")
  bool meets = false;              // disbursed ÷ funds ≥ min_spending_ratio, exactly
};

// E_NOT_FOUND for a region outside the scope or not in the tree; E_YEAR. `as_of` defaults
// to today (FUPIN_NOW). With no funds, both ratios are "0.0000" and meets is false.
Result<FundProgress> Progress(Store& store, const PolicySet& policy, const Caller& caller,
                              RegionCode region, int year, std::optional<Date> as_of);

// numerator ÷ denominator with 4 decimals, truncated toward zero; "0.0000" when the
// denominator is 0 (amounts are never negative).
std::string FourDecimals(int64_t numerator, int64_t denominator);

// Funds reports (fund_report.h): Ok for a region the caller may read (kRead, in its scope)
// that is in the tree, else E_NOT_FOUND as for a region that does not exist.
Status FundRegionInScope(Store& store, const Caller& caller, RegionCode region);

}  // namespace fupin
