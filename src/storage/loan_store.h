// LoanStore: the microcredit ledger (扶贫小额信贷, spec/funds.md) as stored — loans of the
// households of the register, their repayments and the risk-fund compensation of a loss, all
// amounts in fen. The service layer (service/loans/loan_service) checks roles, scope, the
// conditions of a loan and the rules of 续贷, 展期 and compensation. It shares its Store's
// connection, so its writes join the Store's open transaction. Threading: as its Store.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/error.h"
#include "common/region_code.h"

namespace fupin {

// A loan. borrower_id_number is personal data: masked for the roles that see masked data,
// never logged. Dates are YYYY-MM-DD.
struct LoanRow {
  int64_t id = 0;
  int64_t county_code = 0;
  std::string household_code;
  int64_t region_code = 0;  // the household's village
  std::string borrower_id_number, borrower_name;
  int64_t amount_fen = 0;
  int term_months = 0;
  std::string start_date;
  std::string due_date;           // after a 展期, the extended one
  std::string original_due_date;  // the contract's
  std::string contract_start;     // the start of the original contract (a 续贷 keeps it)
  std::string bank;
  int64_t annual_rate_micros = 0;  // 0.0435 = 43500
  int purpose = 0;                 // 1–6 (service/loans/loan_service.h LoanPurposeLabel)
  std::string state;               // active, repaid, renewed, compensated
  std::string closed_on;           // "" while active
  std::optional<int64_t> renewal_of;
  int extended_months = 0;
  std::string extended_on, extension_reason;
  std::optional<int64_t> measure_id;  // the 金融帮扶 measure written with the loan
  std::string created_by, created_at;
};

// A repayment (还款): principal and interest paid on a date.
struct RepaymentRow {
  int64_t id = 0;
  int64_t loan_id = 0;
  std::string date;
  int64_t principal_fen = 0, interest_fen = 0;
  std::string created_by, created_at;
};

// The risk-compensation fund's payment for a loss (风险补偿), and the bank's share.
struct CompensationRow {
  int64_t id = 0;
  int64_t loan_id = 0;
  std::string date;
  int days_overdue = 0;
  int64_t base_fen = 0, fund_fen = 0, bank_fen = 0;
  std::string created_by, created_at;
};

struct LoanQuery {
  RegionCode region;                      // the loans of households in this subtree
  std::vector<std::string> states;        // stored states; empty for all
  std::optional<std::string> due_before;  // only loans whose due_date is before this date
  std::optional<std::string> due_from;    // only loans whose due_date is on or after it
  std::string household_code;             // with county_code, one household's loans
  int64_t county_code = 0;
  int64_t offset = 0, limit = 50;
};

struct LoanPage {
  std::vector<LoanRow> rows;
  int64_t total = 0;
};

class LoanStore {
 public:
  virtual ~LoanStore() = default;

  // Writes (in a transaction); inserts set row.id.
  virtual Status InsertLoan(LoanRow& row) = 0;
  // Writes the mutable columns: due_date, state, closed_on, extended_*, measure_id.
  virtual Status UpdateLoan(const LoanRow& row) = 0;
  virtual Status InsertRepayment(RepaymentRow& row) = 0;
  virtual Status InsertCompensation(CompensationRow& row) = 0;

  virtual Result<std::optional<LoanRow>> GetLoan(int64_t id) = 0;
  // The loans of the query, by id.
  virtual Result<LoanPage> Loans(const LoanQuery& query) = 0;
  // The repayments of a loan by date then id.
  virtual Result<std::vector<RepaymentRow>> Repayments(int64_t loan_id) = 0;
  virtual Result<std::optional<CompensationRow>> Compensation(int64_t loan_id) = 0;
  // The 续贷 of a loan (the loan whose renewal_of it is), if any.
  virtual Result<std::optional<int64_t>> RenewalOf(int64_t loan_id) = 0;
};

}  // namespace fupin
