// The JSON shapes of the funds ledger (spec/funds.md), shared by `fupin funds … --json` and
// the API's /funds, /allocations, /disbursements and /funds/progress. Money is a string of
// yuan with two decimals ("1234.50"); ratios are strings with four decimals.
#pragma once

#include <nlohmann/json.hpp>

#include "service/funds/fund_service.h"
#include "storage/fund_store.h"

namespace fupin {

using Json = nlohmann::ordered_json;

// {"id", "level" (中央/省/市/县), "level_key" (central/province/city/county), "kind",
// "year", "region" (12 digits), "amount", "name", "created_by", "created_at"}; with the
// view also "allocated", "disbursed" and "left" (amount less allocated).
Json FundJson(const FundRow& fund);
Json FundJson(const FundView& view);
// {"id", "fund_id", "household_code" (or null), "project_id" (or null), "region",
// "amount", "created_by", "created_at"}.
Json AllocationJson(const AllocationRow& allocation);
// {"id", "allocation_id", "amount", "date", "voucher", "created_by", "created_at"}.
Json DisbursementJson(const DisbursementRow& disbursement);
// {"region", "year", "as_of", "funds", "allocated", "disbursed", "ratio",
// "allocation_ratio", "min_spending_ratio", "meets"}.
Json FundProgressJson(const FundProgress& progress);

}  // namespace fupin
