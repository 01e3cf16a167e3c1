#include "views/loan_json.h"

#include "common/id_number.h"
#include "common/money.h"

namespace fupin {
namespace {

std::string Yuan(int64_t fen) { return Money::FromFen(fen).ToString(); }
Json TextOrNull(const std::string& text) { return text.empty() ? Json(nullptr) : Json(text); }
Json IdOrNull(const std::optional<int64_t>& id) { return id ? Json(*id) : Json(nullptr); }

}  // namespace

Json LoanJson(const LoanView& v, bool masked, bool history) {
  const LoanRow& l = v.loan;
  Json out{
      {"id", l.id},
      {"household_code", l.household_code},
      {"region", RegionCode::FromInt(l.region_code).ToString()},
      {"borrower_name", l.borrower_name},
      {"borrower_id_number", masked ? MaskIdNumber(l.borrower_id_number) : l.borrower_id_number},
      {"amount", Yuan(l.amount_fen)},
      {"term_months", l.term_months},
      {"start_date", l.start_date},
      {"due_date", l.due_date},
      {"original_due_date", l.original_due_date},
      {"contract_start", l.contract_start},
      {"bank", l.bank},
      {"annual_rate", Ratio{l.annual_rate_micros}.ToString()},
      {"purpose", "0" + std::to_string(l.purpose)},
      {"purpose_label", LoanPurposeLabel(l.purpose)},
      {"state", v.state},
      {"overdue", v.state == "overdue"},
      {"days_overdue", v.days_overdue},
      {"principal_repaid", Yuan(v.principal_repaid_fen)},
      {"interest_repaid", Yuan(v.interest_repaid_fen)},
      {"outstanding", Yuan(v.outstanding_fen)},
      {"closed_on", TextOrNull(l.closed_on)},
      {"renewal_of", IdOrNull(l.renewal_of)},
      {"renewed_by", IdOrNull(v.renewed_by)},
      {"extended_months", l.extended_months},
      {"extended_on", TextOrNull(l.extended_on)},
      {"extension_reason", TextOrNull(l.extension_reason)},
      {"measure_id", IdOrNull(l.measure_id)},
      {"created_by", l.created_by},
      {"created_at", l.created_at}};
  if (!history) return out;
  Json repayments = Json::array();
  for (const RepaymentRow& r : v.repayments) {
    repayments.push_back({{"id", r.id},
                          {"date", r.date},
                          {"principal", Yuan(r.principal_fen)},
                          {"interest", Yuan(r.interest_fen)}});
  }
  out["repayments"] = std::move(repayments);
  if (v.compensation) {
    const CompensationRow& c = *v.compensation;
    out["compensation"] = {{"date", c.date},
                           {"days_overdue", c.days_overdue},
                           {"base", Yuan(c.base_fen)},
                           {"fund", Yuan(c.fund_fen)},
                           {"bank", Yuan(c.bank_fen)}};
  } else {
    out["compensation"] = nullptr;
  }
  return out;
}

Json LoanSubsidyJson(const LoanSubsidy& s) {
  return Json{{"loan_id", s.loan_id},
              {"year", s.year},
              {"interest", Yuan(s.interest_fen)},
              {"subsidy", Yuan(s.subsidy_fen)},
              {"rate", Ratio{s.rate_micros}.ToString()},
              {"subsidy_share", s.share.ToString()},
              {"contract_year", s.contract_year}};
}

}  // namespace fupin
