// The policy (政策口径) of spec/policy.md: every threshold by year and by region, read from
// policy files (policy/national.toml, `--policy FILE`) that exchange/policy_file turns into
// PolicyValue trees. This file validates those trees, merges them key by key, applies the
// overrides of a region subtree (shortest prefix first, so the deepest wins) and answers
// the year rule. No file access here.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "common/date.h"
#include "common/error.h"
#include "common/money.h"
#include "common/region_code.h"

namespace fupin {

// A value of a policy file with the place it was written, for messages.
struct PolicyValue {
  enum class Kind { kInteger, kFloat, kString, kBoolean, kArray, kTable };
  Kind kind = Kind::kTable;
  int64_t integer = 0;
  double number = 0;
  std::string text;
  std::vector<PolicyValue> items;
  std::map<std::string, PolicyValue> table;
  std::string file;
  int line = 0;
};

// An exact ratio in [0, 1] with up to 6 decimals: micros / 1,000,000.
struct Ratio {
  int64_t micros = 0;
  // numerator / denominator < this ratio, exactly (denominator > 0).
  bool Exceeds(int64_t numerator, int64_t denominator) const {
    return static_cast<__int128>(numerator) * 1000000 > static_cast<__int128>(micros) * denominator;
  }
  bool IsBelowOrEqual(int64_t numerator, int64_t denominator) const {
    return !Exceeds(numerator, denominator);
  }
  // "0.4", "0.02": the shortest decimal.
  std::string ToString() const;
};

// A yearly amount (poverty_line, monitoring_line) as the year rule finds it.
struct YearlyAmount {
  Money amount;
  int year = 0;          // the year whose entry was used
  bool earlier = false;  // an earlier year's entry: results carry W_POLICY_YEAR
};

// The effective policy for one place.
struct Policy {
  std::vector<std::string> west_provinces;
  std::map<int, Money> poverty_line;
  std::map<int, Money> monitoring_line;
  struct {
    int school_age_min = 6, school_age_max = 15;
    std::vector<int> safe_housing_grades;  // 1–4 for A–D
    int notice_days = 7;
  } exit;
  struct {
    Ratio max_incidence, max_incidence_west;
  } village_exit;
  struct {
    Ratio max_incidence, max_incidence_west, max_wrong_exit_rate, max_missed_rate, min_satisfaction;
  } county_exit;
  struct {
    Ratio rigid_expense_ratio;
    Money medical_alert_registered, medical_alert_other;
    int min_months_before_elimination = 6;
    int notice_days = 5;
  } monitoring;
  struct {  // spec/procedures.md
    int identify_until = 2020, return_until = 2020;
    int identify_notice_days = 7, remove_notice_days = 7;
    int monitor_max_days = 15;
    bool monitor_working_days = false, require_evidence = false;
  } procedures;
  struct {
    Money vehicle_price;
  } compare;
  struct {                     // spec/funds.md
    Ratio min_spending_ratio;  // 资金支出进度 meets the rule at or above this
  } funds;
  // 12317 complaints (spec/funds.md): the answer limit, in calendar days or, with
  // answer_working_days, in working days (Monday–Friday; fupin keeps no holiday calendar).
  struct {
    int answer_days = 15;
    bool answer_working_days = false;
  } complaints;
  // Project library (扶贫项目库, spec/funds.md "Projects"): the 村、乡公示 and the notices
  // before work starts and after completion run at least this many days.
  struct {
    int notice_days = 10;
  } projects;
  // 扶贫小额信贷 microcredit (spec/funds.md [microcredit]).
  struct RateCap {
    Ratio short_term, long_term;  // terms ≤ 12 months, longer
  };
  struct {
    Money max_amount;
    int max_term_months = 36;
    int borrower_age_min = 18, borrower_age_max = 65;  // full years on the start date
    std::vector<int> eligible_monitor_types;
    int overdue_compensation_days = 90;
    Ratio risk_fund_share;
    bool compensation_with_interest = false;  // compensation_base = "principal_and_interest"
    std::map<int, Ratio> subsidy_share;       // by year of the contract's start
    std::map<Date, RateCap> rate_cap;         // by date of publication
  } microcredit;
  // Where each yearly table was last written, for the "no line for year" message.
  std::string poverty_line_source, monitoring_line_source;

  bool IsWest(RegionCode region) const;
  // The year rule: the entry for `year`, else the latest earlier one (earlier = true);
  // E_POLICY_YEAR naming the key and the file when there is none at or before `year`.
  Result<YearlyAmount> PovertyLine(int year) const;
  Result<YearlyAmount> MonitoringLine(int year) const;
  // Microcredit: the share of a year by the year rule, and the cap in force on a date for
  // a term (E_POLICY_YEAR when nothing is in force at or before it).
  Result<Ratio> SubsidyShare(int year) const;
  Result<Ratio> RateCapOn(Date date, int term_months) const;
};

// The defaults with every layer applied, and the overrides by region-code prefix.
class PolicySet {
 public:
  // Validates and merges `layers` in order (later layers win, key by key). The first
  // layer must define every key (the built-in national policy does). Errors are
  // E_POLICY with the file, line and key: an unknown key, a wrong type, a negative
  // amount, a ratio above 1, a year that is not a year, an override prefix that is not a
  // region code.
  static Result<PolicySet> Build(const std::vector<PolicyValue>& layers);

  // The effective policy at `region` (the nation for code 0). Cached per region: not
  // thread-safe.
  const Policy& For(RegionCode region) const;
  // The merged document (overrides included), as the loader saw it; for `policy show`.
  const PolicyValue& merged() const { return *merged_; }

 private:
  std::shared_ptr<PolicyValue> merged_;
  std::shared_ptr<PolicyValue> base_;  // without the overrides
  std::vector<std::pair<std::string, PolicyValue>>
      overrides_;  // prefix (12 digits cut), shortest first
  mutable std::unordered_map<int64_t, const Policy*> by_region_;
  mutable std::map<std::string, std::unique_ptr<Policy>> by_prefixes_;
};

}  // namespace fupin
