// What opening a case needs of the household (spec/procedures.md "What opening needs"),
// checked with the policy engine's criteria: every failing condition, with the criterion
// keys of the assessments (income, food, clothing, education, medical, housing, water) and
// rigid_expense, months, measure, labor, year for the others.
#pragma once

#include <vector>

#include "common/date.h"
#include "domain/policy.h"
#include "domain/procedures/procedure.h"
#include "storage/store.h"

namespace fupin {

// The failing conditions for a case of `kind` about `household` (with its members) for
// `year` on `today`; empty when they hold. E_POLICY_YEAR when the policy has no line.
Result<std::vector<FailedCondition>> OpeningConditions(Store& store, ProcedureKind kind,
                                                       const Household& household,
                                                       const Policy& policy, int year, Date today,
                                                       const CaseParams& params);

// The categories of the assistance measures recorded for a household.
Result<std::vector<int>> MeasureCategoriesOf(Store& store, const Household& household);

// 风险消除方式 (domain/criteria.h EliminationMethod) of the measures recorded for a household.
Result<int> EliminationMethodOf(Store& store, const Household& household);

}  // namespace fupin
