// The policy assessments of spec/cli.md over the register: exit candidates, monitoring
// candidates, and village and county exit. Decisions come from domain/criteria.h; this
// layer finds the households and regions, picks the policy in force for each place and
// year, and collects the results.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/error.h"
#include "domain/criteria.h"
#include "domain/policy.h"
#include "service/accounts/auth_service.h"
#include "service/policy/assess_view.h"
#include "storage/store.h"

namespace fupin {

struct ExitResult {
  std::string household_code;
  RegionCode village;
  Money per_capita_income;
  bool meets = false;
  std::vector<CriterionResult> failed;
  bool earlier_year_line = false;  // W_POLICY_YEAR
};

// Every 建档立卡户 with status 未脱贫 or 返贫 under `region`, by 户编号 within county.
// E_POLICY_YEAR (and no results) when a place has no poverty line for `year` or before.
// Read from the assessment view (service/policy/assess_view.h) when UsesAssessView, else
// from the store; the results are the same.
Result<std::vector<ExitResult>> AssessExits(Store& store, const PolicySet& policy, int year,
                                            RegionCode region);
// The same over a view, and over the store's tables (the reference the view is held to).
Result<std::vector<ExitResult>> AssessExits(const AssessView& view, const PolicySet& policy,
                                            int year, RegionCode region);
Result<std::vector<ExitResult>> AssessExitsFromStore(Store& store, const PolicySet& policy,
                                                     int year, RegionCode region);

struct MonitorResult {
  std::string household_code;
  RegionCode village;
  MonitorDecision decision;
  bool earlier_year_line = false;
};

// The monitoring candidates under `region` (policy.md "Monitoring"), from the view or the
// store as for AssessExits.
Result<std::vector<MonitorResult>> AssessMonitoringCandidates(Store& store, const PolicySet& policy,
                                                              int year, RegionCode region);
Result<std::vector<MonitorResult>> AssessMonitoringCandidates(const AssessView& view,
                                                              const PolicySet& policy, int year,
                                                              RegionCode region);
Result<std::vector<MonitorResult>> AssessMonitoringCandidatesFromStore(Store& store,
                                                                       const PolicySet& policy,
                                                                       int year, RegionCode region);

// Whether the assessments of `region` read the view: the database is a file, no
// transaction is open (its writes are not committed, so not in any view), and the region
// is a county or larger (a town or village is a short index range of the store, and is
// not worth rebuilding a stale view for).
bool UsesAssessView(Store& store, RegionCode region);

struct RegionResult {
  RegionCode code;
  std::string name;
  CountyDecision decision;  // for villages only `incidence` and `meets` are set
};

// Every region of `level` (village or county) under `region`: 贫困发生率 from the register's
// aggregates and the rural population (entered, or the sum of the children when every child
// has one); counties also use the third-party assessment entered for `year`.
Result<std::vector<RegionResult>> AssessRegions(Store& store, const PolicySet& policy, int year,
                                                RegionLevel level, RegionCode region);

// Stores the third-party assessment of a county for a year (E_REGION when the code is not
// a county of the tree; rates must lie in [0, 1]).
// Keeps of a household list what `caller` may see: a helper (帮扶责任人) the households
// assigned to it; every other role all of them (the region was checked before).
Status KeepVisible(Store& store, const Caller& caller, std::vector<ExitResult>& results);
Status KeepVisible(Store& store, const Caller& caller, std::vector<MonitorResult>& results);

Status EnterCountyAssessment(Store& store, RegionCode county, int year,
                             const CountyAssessment& assessment);

}  // namespace fupin
