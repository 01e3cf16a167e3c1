// The microcredit ledger (扶贫小额信贷, spec/funds.md "Microcredit"): loans to the households
// of the register under the conditions of [microcredit] (a borrower of 18–65 who is a member
// of a 建档立卡户 not 已剔除 or of a monitored household of an eligible type; at most 50,000
// yuan and 36 months; a rate within the cap in force on the start date; a production
// purpose — 户借户用户还), their repayments, 续贷 and 展期 keeping the original terms, the
// interest subsidy of a year, overdue loans and the risk-fund compensation of a loss.
//
// Roles (service/accounts/auth_service.h): county and township offices and admins grant,
// repay, renew and extend loans (kAllocateFunds); only county offices and admins compensate
// a loss from the risk fund (kRecordFunds); every role that reads the register reads the
// loans of its region (kRead; a helper, those of its households). A loan or a household
// outside the caller's scope answers E_NOT_FOUND, exactly as one that does not exist. Each
// write is one transaction with its audit record ("loan.add", "loan.repay", "loan.renew",
// "loan.extend", "loan.compensate", target the 户编号); the borrower's ID number never
// reaches the audit trail. Granting a loan (and a 续贷) also writes a 金融帮扶（小额信贷）
// measure (category 03) on the household, dated on the start date.
//
// States: active, repaid, renewed (by a 续贷), compensated. An active loan past its due date
// is shown as "overdue" (read from the clock, FUPIN_NOW).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/date.h"
#include "common/error.h"
#include "domain/policy.h"
#include "domain/procedures/procedure.h"
#include "service/accounts/auth_service.h"
#include "storage/store.h"

namespace fupin {

inline constexpr size_t kMaxLoanText = 200;  // characters of a bank's name or a reason
// A 展期 is granted once, for at most this many months (and within 《贷款通则》 第十二条: a
// short-term loan by at most its term, a longer one by at most half of it).
inline constexpr int kMaxExtensionMonths = 12;

// The production purposes (户借户用户还): 1 种植, 2 养殖, 3 加工, 4 商贸流通, 5 乡村旅游,
// 6 其他生产经营. Parses "01", "1", the label or "01 种植"; nullopt for anything else (结婚,
// 建房, 购房, 理财, consumption…).
std::optional<int> ParseLoanPurpose(const std::string& text);
const char* LoanPurposeLabel(int purpose);  // "" outside 1–6

// An annual rate written as a decimal fraction ("0.0435", at most 6 decimals, below 1), in
// millionths; nullopt otherwise.
std::optional<int64_t> ParseAnnualRate(const std::string& text);

// A loan as a client sends it (texts, validated by GrantLoan).
struct LoanInput {
  std::string household_code;
  std::string borrower_id_number;  // a member's ID number
  std::string amount;              // yuan, > 0
  int term_months = 0;
  std::string start_date;  // YYYY-MM-DD, not after today
  std::string bank;
  std::string annual_rate;  // "0.0435"
  std::string purpose;      // ParseLoanPurpose
};

// A loan with what is read from its history and the clock.
struct LoanView {
  LoanRow loan;
  int64_t principal_repaid_fen = 0, interest_repaid_fen = 0;
  int64_t outstanding_fen = 0;
  std::string state;  // the stored state, or "overdue" for an active loan past its due date
  int days_overdue = 0;
  std::optional<int64_t> renewed_by;  // the 续贷 that replaced it
  std::vector<RepaymentRow> repayments;
  std::optional<CompensationRow> compensation;
};

// E_FORBIDDEN unless kAllocateFunds; E_NOT_FOUND for a household outside the scope or
// missing; then the input: E_NUMBER (amount, term, rate malformed), E_DATE (start date
// malformed or after today), E_REQUIRED / E_FORMAT (bank); then E_CONDITIONS naming every
// failing criterion (`borrower` not a member of the household, `amount`, `term`,
// `borrower_age`, `household`, `rate`, `purpose`), each also in `*failed` when given.
Result<LoanView> GrantLoan(Store& store, const PolicySet& policy, const Caller& caller,
                           const LoanInput& input, std::vector<FailedCondition>* failed = nullptr);

// E_NOT_FOUND for a loan outside the caller's read scope.
Result<LoanView> GetLoan(Store& store, const Caller& caller, int64_t id);

struct LoanListQuery {
  RegionCode region;
  std::string state;  // "", active (not overdue), overdue, repaid, renewed, compensated
  bool overdue = false;
  int64_t offset = 0, limit = 50;
};
struct LoanListPage {
  std::vector<LoanView> items;  // without repayments
  int64_t total = 0;
};
// E_NOT_FOUND for a region outside the scope; E_CODE for an unknown state.
Result<LoanListPage> ListLoans(Store& store, const Caller& caller, const LoanListQuery& query);

struct RepaymentInput {
  std::string date;                             // YYYY-MM-DD, not before the start, not after today
  std::string principal = "0", interest = "0";  // yuan, ≥ 0, not both 0
};
// E_FORBIDDEN unless kAllocateFunds; E_NOT_FOUND; E_STATE unless active; E_DATE; E_NUMBER
// (malformed, both zero, or principal above what is outstanding). Repaying the whole
// principal closes the loan (repaid).
Result<LoanView> Repay(Store& store, const Caller& caller, int64_t id, const RepaymentInput& input);

struct RenewalInput {
  std::string date;                // the new loan's start, by the due date; default today
  std::optional<int> term_months;  // default the original's
};
// 无还本续贷: a new loan of the principal outstanding, with the original's rate, bank,
// purpose, borrower and contract start (its rate cap and subsidy share), linked to it; the
// original becomes renewed. E_STATE unless active and the date lies from the start to the
// due date; E_CONDITIONS when the household, the borrower's age or the term no longer
// qualify. Audited "loan.renew".
Result<LoanView> Renew(Store& store, const PolicySet& policy, const Caller& caller, int64_t id,
                       const RenewalInput& input, std::vector<FailedCondition>* failed = nullptr);

struct ExtensionInput {
  int months = 0;
  std::string reason;  // required: 确因非主观因素不能到期偿还
  std::string date;    // the day it is granted, by the due date; default today
};
// 展期: moves the due date by `months`, keeping rate, start and history. E_STATE unless
// active, not extended before and applied for by the due date (《贷款通则》 第十二条);
// E_CONDITIONS `extension_months` above the limit. Audited "loan.extend".
Result<LoanView> Extend(Store& store, const Caller& caller, int64_t id, const ExtensionInput& input,
                        std::vector<FailedCondition>* failed = nullptr);

// The interest due in `year` at min(annual rate, the cap in force on the contract's start)
// and the subsidy = interest × subsidy_share(year of the contract's start).
struct LoanSubsidy {
  int64_t loan_id = 0;
  int year = 0;
  int64_t interest_fen = 0, subsidy_fen = 0;
  int64_t rate_micros = 0;  // the rate used
  Ratio share;
  int contract_year = 0;
};
// E_NOT_FOUND outside the scope; E_YEAR outside 2000–2100; E_POLICY_YEAR without a share.
Result<LoanSubsidy> SubsidyOf(Store& store, const PolicySet& policy, const Caller& caller,
                              int64_t id, int year);

// The overdue loans of a region (active, past due), by id, with their days overdue today.
Result<LoanListPage> OverdueLoans(Store& store, const Caller& caller, RegionCode region,
                                  int64_t offset, int64_t limit);

// 风险补偿: a loan overdue overdue_compensation_days or more today; base = the principal
// outstanding (and the interest due to the due date and unpaid, with compensation_base
// "principal_and_interest"); the fund pays risk_fund_share of it, the bank the rest. The loan
// becomes compensated. E_FORBIDDEN unless kRecordFunds; E_STATE unless active and overdue;
// E_OVERDUE_DAYS before the days have passed. Audited "loan.compensate".
Result<LoanView> Compensate(Store& store, const PolicySet& policy, const Caller& caller,
                            int64_t id);

}  // namespace fupin
