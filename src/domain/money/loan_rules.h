// The conditions of a 扶贫小额信贷 loan (spec/funds.md "Microcredit", policy [microcredit]),
// without storage: given the borrower, the household's status and the loan's terms, every
// criterion that fails, in a fixed order — `borrower` (not a member of the household:
// 户借户用户还), `amount`, `term`, `borrower_age`, `household`, `rate`, `purpose` — with Chinese
// and English messages. Empty: the loan may be granted. The service (service/loans/loan_service)
// loads the household and the borrower in the caller's scope and refuses with E_CONDITIONS naming
// them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/date.h"
#include "domain/policy.h"
#include "domain/procedures/procedure.h"

namespace fupin {

// The borrower as the conditions read them.
struct LoanBorrower {
  bool member = true;              // a member of the household
  std::optional<Date> birth_date;  // from the register, else from the ID number; unknown: none
};

// The household's status (codes of domain/codes.h) and its 户编号 for the messages. Eligible:
// a 建档立卡户 that is not 已剔除, or 监测中 with a type in eligible_monitor_types.
struct LoanHousehold {
  std::string code;
  int kind = 0;            // 户类型: code::kRegistered 建档立卡户
  int poverty_status = 0;  // 贫困状态: code::kRemoved 已剔除
  int monitor_status = 0;  // 监测状态: code::kMonitoring 监测中
  int monitor_type = 0;    // 监测对象类型
};

// The terms asked for.
struct LoanTerms {
  int64_t amount_fen = 0;
  int term_months = 0;
  Date start;           // the age is counted on this day
  Date contract_start;  // the rate cap in force on this day (a 续贷 keeps the original's)
  int64_t rate_micros = 0;
  std::optional<int> purpose;  // 1–6 (01 种植 … 06 其他生产经营); none: not a production purpose
  std::string purpose_text;  // as given, for the message
};

// Every failing criterion of `rules.microcredit` for this loan; empty when it may be granted.
// The borrower's age is counted only for a member; the rate fails too when no cap is in force
// on contract_start (the policy's E_POLICY_YEAR message).
std::vector<FailedCondition> LoanConditions(const Policy& rules, const LoanHousehold& household,
                                            const LoanBorrower& borrower, const LoanTerms& terms);

}  // namespace fupin
