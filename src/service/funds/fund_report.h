// Funds reports (issue 14, "Reports"; spec/funds.md "Funds"): the funds table of a region
// and year — one row per child region, a row for the funds the region received itself
// (本级) and a total row — with the funds received by level (中央/省/市/县) and by kind,
// allocated, disbursed on the as-of date, the spending progress and the allocation ratio
// against [funds] min_spending_ratio; the slow-spending alerts (the rows below the rule);
// and the same as a workbook with the funds one by one.
//
// A row counts the funds received by the regions of its subtree, exactly as Progress()
// does for that region, so a child's row equals Progress(child) and the total row equals
// Progress(region). Roles: every role that reads the register (kRead), inside its scope;
// a region outside it answers E_NOT_FOUND as one that does not exist. The report (JSON or
// workbook) is audited "fund.report"; the alerts are a read like the progress.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/date.h"
#include "common/error.h"
#include "domain/policy.h"
#include "exchange/table.h"
#include "service/accounts/auth_service.h"
#include "storage/store.h"

namespace fupin {

// The funds sheet of a workbook lists at most this many funds (E_TOO_LARGE beyond: ask for
// a smaller region); the table itself has one row per child region and is never cut.
inline constexpr int64_t kMaxReportFunds = 200'000;

struct FundReportRow {
  RegionCode region;
  std::string name;    // the region's name; "（本级）" added for the region's own funds
  bool own = false;    // the funds received by the report's region itself
  bool total = false;  // the total row
  std::array<int64_t, 4> by_level{};  // 中央, 省, 市, 县, in fen
  std::vector<int64_t> by_kind;       // aligned with FundReport::kinds
  int64_t funds_fen = 0;
  int64_t allocated_fen = 0;
  int64_t disbursed_fen = 0;       // dated on or before as_of
  std::string ratio;               // disbursed ÷ funds, 4 decimals, truncated (FourDecimals)
  std::string allocation_ratio;    // allocated ÷ funds
  std::string min_spending_ratio;  // of the policy in force for the row's region
  bool meets = false;
  // What is still to be disbursed to meet the rule (0 when it meets or has no funds).
  int64_t shortfall_fen = 0;
};

// Whether a row is below its rule while it has funds: a slow-spending alert.
inline bool SpendsSlowly(const FundReportRow& row) { return row.funds_fen > 0 && !row.meets; }

struct FundReport {
  RegionCode region;
  std::string region_name;
  int year = 0;
  std::string as_of;                // YYYY-MM-DD
  std::vector<std::string> kinds;   // the kinds of the year's funds in the region, sorted
  std::vector<FundReportRow> rows;  // the region's own funds (when any) then the children
  FundReportRow total;
};

// E_NOT_FOUND for a region outside the scope or not in the tree; E_YEAR. `as_of` defaults
// to today (FUPIN_NOW). Children without funds have a row of zeros (ratio "0.0000", not
// meeting the rule); the own row is there only when the region received funds itself.
// Not audited (FundReportFor… below are).
Result<FundReport> BuildFundReport(Store& store, const PolicySet& policy, const Caller& caller,
                                   RegionCode region, int year, std::optional<Date> as_of);

// The report, audited "fund.report" with the year, the as-of date and `format` ("json",
// "xlsx").
Result<FundReport> FundReportFor(Store& store, const PolicySet& policy, const Caller& caller,
                                 RegionCode region, int year, std::optional<Date> as_of,
                                 const std::string& format);

// The slow-spending alerts: the rows of the report (children and the region's own funds)
// that have funds and do not meet the rule, by region. Not audited (a read like Progress).
Result<std::vector<FundReportRow>> SlowSpending(Store& store, const PolicySet& policy,
                                                const Caller& caller, RegionCode region, int year,
                                                std::optional<Date> as_of);

// Writes the report as a workbook: 资金进度表 (the table), 资金明细 (the funds one by one:
// level, kind, name, region, amount, allocated, disbursed on the as-of date, left to
// allocate), 支出滞后预警 (the alerts) and 说明 (region, year, as-of date, rule). Money cells
// are numbers in yuan with the format 0.00. E_TOO_LARGE past kMaxReportFunds funds.
Status WriteFundReport(Store& store, const FundReport& report, XlsxWriter& book);

}  // namespace fupin
