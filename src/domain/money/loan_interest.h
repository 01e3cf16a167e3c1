// The arithmetic of the microcredit ledger (扶贫小额信贷, spec/funds.md), without storage:
// due dates, the interest of a calendar year and the shares of a subsidy or a compensation.
//
// Day count: actual/360. Interest accrues each calendar day from the start date up to, not
// including, the day the principal is repaid or the loan closes ("算头不算尾"), at the annual
// rate ÷ 360 — 《人民币利率管理规定》(中国人民银行, 银发〔1999〕77号) 第二十条: 日利率 = 年利率 ÷
// 360, the convention of Chinese banks for loan interest. Interest stops at the due date (after
// a 展期, the extended one): what runs after it is penalty interest, which is not subsidised.
#pragma once

#include <cstdint>
#include <vector>

#include "common/date.h"
#include "domain/policy.h"

namespace fupin {

// `months` calendar months after `date`, on the same day of the month or the month's last
// day when it has fewer days (2024-01-31 + 1 month = 2024-02-29).
Date AddMonths(Date date, int months);

// A repayment of principal on a date: from that day on, the principal is lower.
struct PrincipalRepaid {
  Date date;
  int64_t fen = 0;
};

// The interest in fen (rounded half up once, over the year) due in calendar `year` on a
// loan of `amount_fen` running from `start` to `end` (exclusive) at `rate_micros` a year
// (actual/360), the principal lowered by each repayment from its date.
int64_t InterestOfYear(int64_t amount_fen, Date start, Date end,
                       const std::vector<PrincipalRepaid>& repaid, int64_t rate_micros, int year);

// The interest in fen due over the whole of [start, end), likewise (the sum of the years).
int64_t InterestOfLoan(int64_t amount_fen, Date start, Date end,
                       const std::vector<PrincipalRepaid>& repaid, int64_t rate_micros);

// fen × share, rounded half up to the fen.
int64_t ShareOf(int64_t fen, Ratio share);

}  // namespace fupin
