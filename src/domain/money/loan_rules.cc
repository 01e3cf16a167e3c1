#include "domain/money/loan_rules.h"

#include <algorithm>

#include "common/money.h"
#include "domain/codes.h"

namespace fupin {
namespace {

using Microcredit = decltype(Policy::microcredit);

std::string Yuan(int64_t fen) { return Money::FromFen(fen).ToString(); }

std::optional<FailedCondition> AgeCondition(const Microcredit& mc, const LoanBorrower& borrower,
                                            Date start) {
  if (!borrower.birth_date) {
    return FailedCondition{"borrower_age", "无法确定借款人的出生日期",
                           "the borrower's birth date is unknown"};
  }
  const int age = borrower.birth_date->AgeOn(start);
  if (age >= mc.borrower_age_min && age <= mc.borrower_age_max) return std::nullopt;
  const std::string range =
      std::to_string(mc.borrower_age_min) + "–" + std::to_string(mc.borrower_age_max);
  return FailedCondition{
      "borrower_age",
      "借款人在 " + start.ToString() + " 为 " + std::to_string(age) + " 周岁，不在 " + range +
          " 周岁之间",
      "the borrower is " + std::to_string(age) + " on " + start.ToString() + ", outside " + range};
}

bool Eligible(const Microcredit& mc, const LoanHousehold& h) {
  const bool registered = h.kind == code::kRegistered && h.poverty_status != code::kRemoved;
  const bool monitored =
      h.monitor_status == code::kMonitoring &&
      std::find(mc.eligible_monitor_types.begin(), mc.eligible_monitor_types.end(),
                h.monitor_type) != mc.eligible_monitor_types.end();
  return registered || monitored;
}

}  // namespace

std::vector<FailedCondition> LoanConditions(const Policy& rules, const LoanHousehold& household,
                                            const LoanBorrower& borrower, const LoanTerms& t) {
  const auto& mc = rules.microcredit;
  std::vector<FailedCondition> failed;
  if (!borrower.member) {
    failed.push_back(
        {"borrower", "借款人不是户 " + household.code + " 的成员（户借户用户还）",
         "the borrower is not a member of household " + household.code + " (户借户用户还)"});
  }
  if (t.amount_fen > mc.max_amount.fen()) {
    failed.push_back(
        {"amount",
         "贷款金额 " + Yuan(t.amount_fen) + " 元超过上限 " + mc.max_amount.ToString() + " 元",
         "the amount of " + Yuan(t.amount_fen) + " yuan is over the limit of " +
             mc.max_amount.ToString() + " yuan"});
  }
  if (t.term_months > mc.max_term_months) {
    const std::string n = std::to_string(t.term_months), max = std::to_string(mc.max_term_months);
    failed.push_back({"term", "贷款期限 " + n + " 个月超过上限 " + max + " 个月",
                      "the term of " + n + " months is over the limit of " + max + " months"});
  }
  if (borrower.member) {
    if (auto age = AgeCondition(mc, borrower, t.start)) failed.push_back(std::move(*age));
  }
  if (!Eligible(mc, household)) {
    failed.push_back({"household", "该户既不是未剔除的建档立卡户，也不是可贷款类型的监测户",
                      "the household is neither a 建档立卡户 (not 已剔除) nor monitored with an "
                      "eligible type"});
  }
  auto cap = rules.RateCapOn(t.contract_start, t.term_months);
  if (!cap.ok()) {
    failed.push_back({"rate", cap.error().zh, cap.error().en});
  } else if (t.rate_micros > cap->micros) {
    failed.push_back({"rate",
                      "年利率 " + Ratio{t.rate_micros}.ToString() + " 高于 " +
                          t.contract_start.ToString() + " 的利率上限 " + cap->ToString(),
                      "the annual rate " + Ratio{t.rate_micros}.ToString() +
                          " is above the cap of " + cap->ToString() + " in force on " +
                          t.contract_start.ToString()});
  }
  if (!t.purpose) {
    const std::string shown = t.purpose_text.substr(0, 40);
    failed.push_back({"purpose", "贷款用途不是生产经营（01 种植 … 06 其他生产经营）：" + shown,
                      "not a production purpose (01 种植 … 06 其他生产经营): " + shown});
  }
  return failed;
}

}  // namespace fupin
