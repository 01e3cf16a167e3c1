#include "service/register/criteria_service.h"

#include "service/procedures/care_scope.h"

namespace fupin {

Result<HouseholdCriteria> CriteriaOf(Store& store, const PolicySet& policy, const Caller& caller,
                                     const std::string& household_code, int year) {
  auto stored = HouseholdInReadScope(store, caller, household_code);
  if (!stored.ok()) return stored.error();
  const Household& h = stored->household;
  const Policy& p = policy.For(h.village_code);
  auto line = p.PovertyLine(year);
  if (!line.ok()) return line.error();
  ExitDecision decision = AssessExit(h, p, year, line->amount);
  HouseholdCriteria out;
  out.household_code = h.household_code;
  out.year = year;
  out.poverty_line = line->amount;
  out.earlier_year_line = line->earlier;
  out.per_capita_income = decision.per_capita_income;
  out.exit_candidate = IsExitCandidate(h);
  out.meets = decision.meets;
  for (Criterion c : kAllCriteria) {
    CriterionResult result{c, true, "", ""};
    for (const CriterionResult& failed : decision.failed) {
      if (failed.criterion == c) result = failed;
    }
    out.criteria.push_back(std::move(result));
  }
  return out;
}

}  // namespace fupin
