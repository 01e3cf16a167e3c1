// One household against the exit standard (两不愁三保障 and income) for a year, as the
// household page shows it: every criterion with pass or fail and the reason, from the
// policy engine's own AssessExit (domain/criteria.h), in the policy in force in its village.
#pragma once

#include <string>
#include <vector>

#include "common/error.h"
#include "domain/criteria.h"
#include "domain/policy.h"
#include "service/accounts/auth_service.h"
#include "storage/store.h"

namespace fupin {

struct HouseholdCriteria {
  std::string household_code;
  int year = 0;
  Money poverty_line;
  bool earlier_year_line = false;  // the line of an earlier year was used (W_POLICY_YEAR)
  Money per_capita_income;
  bool exit_candidate = false;            // 建档立卡户 with status 未脱贫 or 返贫
  bool meets = false;                     // every criterion holds
  std::vector<CriterionResult> criteria;  // all seven, in kAllCriteria order
};

// Scoped like the household's read (E_NOT_FOUND outside the caller's region, or for a
// helper a household not assigned to it); E_POLICY_YEAR when its place has no poverty line
// for `year` or before. Not audited: it shows no personal data beyond the reasons, which
// the API masks for the roles that see masked data.
Result<HouseholdCriteria> CriteriaOf(Store& store, const PolicySet& policy, const Caller& caller,
                                     const std::string& household_code, int year);

}  // namespace fupin
