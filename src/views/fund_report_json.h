// The JSON shapes of the funds reports (service/funds/fund_report.h), shared by `fupin funds
// report --json` and GET /api/v1/funds/report and /funds/alerts. Money is a string of yuan
// with two decimals; ratios are strings with four decimals.
#pragma once

#include <nlohmann/json.hpp>

#include "service/funds/fund_report.h"

namespace fupin {

using Json = nlohmann::ordered_json;

// {"region" (12 digits), "name", "own", "total", "by_level" {"central", "province", "city",
// "county"}, "by_kind" {kind: amount}, "funds", "allocated", "disbursed", "ratio",
// "allocation_ratio", "min_spending_ratio", "meets", "shortfall"}.
Json FundReportRowJson(const FundReportRow& row, const std::vector<std::string>& kinds);
// {"region", "region_name", "year", "as_of", "kinds", "rows", "total", "alerts" (the
// regions of the rows below the rule)}.
Json FundReportJson(const FundReport& report);

}  // namespace fupin
