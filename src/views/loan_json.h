// The JSON shapes of the microcredit ledger (扶贫小额信贷, spec/funds.md), shared by `fupin
// loans … --json` and the API's /loans. Money is a string of yuan with two decimals; rates and
// shares are decimal strings ("0.0395", "0.8"). The borrower's ID number is masked for the
// roles that see masked data.
#pragma once

#include <nlohmann/json.hpp>

#include "service/loans/loan_service.h"

namespace fupin {

using Json = nlohmann::ordered_json;

// {"id", "household_code", "region", "borrower_name", "borrower_id_number", "amount",
// "term_months", "start_date", "due_date", "original_due_date", "contract_start", "bank",
// "annual_rate", "purpose" ("01"), "purpose_label", "state", "overdue", "days_overdue",
// "principal_repaid", "interest_repaid", "outstanding", "closed_on", "renewal_of",
// "renewed_by", "extended_months", "extended_on", "extension_reason", "measure_id",
// "created_by", "created_at"}; with `history` also "repayments" [{"id", "date", "principal",
// "interest"}] and "compensation" ({"date", "days_overdue", "base", "fund", "bank"} or null).
Json LoanJson(const LoanView& view, bool masked, bool history = true);
// {"loan_id", "year", "interest", "subsidy", "rate", "subsidy_share", "contract_year"}.
Json LoanSubsidyJson(const LoanSubsidy& subsidy);

}  // namespace fupin
