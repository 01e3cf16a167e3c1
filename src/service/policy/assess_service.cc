#include "service/policy/assess_service.h"

#include <functional>
#include <unordered_map>
#include <unordered_set>

#include "service/scratch.h"

namespace fupin {

bool UsesAssessView(Store& store, RegionCode region) {
  return !store.in_transaction() && IsDatabaseFile(store.file_path()) &&
         region.level() <= RegionLevel::kCounty;
}

Result<std::vector<ExitResult>> AssessExits(Store& store, const PolicySet& policy, int year,
                                            RegionCode region) {
  if (!UsesAssessView(store, region)) return AssessExitsFromStore(store, policy, year, region);
  // A year without a line fails before any view is opened (or built).
  if (auto line = policy.For(region).PovertyLine(year); !line.ok()) return line.error();
  auto view = AssessView::Open(store);
  if (!view.ok()) return view.error();
  return AssessExits(**view, policy, year, region);
}

Result<std::vector<ExitResult>> AssessExits(const AssessView& view, const PolicySet& policy,
                                            int year, RegionCode region) {
  if (auto line = policy.For(region).PovertyLine(year); !line.ok()) return line.error();
  // Room for every candidate up front: growing a vector of 200,000 results copies it and
  // touches twice the memory.
  size_t candidates = 0;
  view.Scan(region, HouseholdPool::kExitCandidates, [&](const AssessHousehold&) { ++candidates; });
  std::vector<ExitResult> results;
  results.reserve(candidates);
  std::optional<Error> error;
  Household h;
  view.Scan(region, HouseholdPool::kExitCandidates, [&](const AssessHousehold& e) {
    if (error) return;
    view.Fill(e, true, h);
    const Policy& p = policy.For(h.village_code);
    auto line = p.PovertyLine(year);
    if (!line.ok()) {
      error = line.error();
      return;
    }
    ExitDecision d = AssessExit(h, p, year, line->amount);
    results.push_back({h.household_code, h.village_code, d.per_capita_income, d.meets,
                       std::move(d.failed), line->earlier});
  });
  if (error) return *error;
  return results;
}

Result<std::vector<ExitResult>> AssessExitsFromStore(Store& store, const PolicySet& policy,
                                                     int year, RegionCode region) {
  // A year without a line fails whether or not any household is in scope.
  if (auto line = policy.For(region).PovertyLine(year); !line.ok()) return line.error();
  std::vector<ExitResult> results;
  Status s = store.ScanHouseholds(
      region, HouseholdPool::kExitCandidates, [&](Household& h, int64_t) -> Status {
        FUPIN_RETURN_IF_ERROR(store.LoadMembers(h));
        const Policy& p = policy.For(h.village_code);
        auto line = p.PovertyLine(year);
        if (!line.ok()) return line.error();
        ExitDecision d = AssessExit(h, p, year, line->amount);
        results.push_back({h.household_code, h.village_code, d.per_capita_income, d.meets,
                           std::move(d.failed), line->earlier});
        return Status::Ok();
      });
  if (!s.ok()) return s.error();
  return results;
}

Result<std::vector<MonitorResult>> AssessMonitoringCandidates(Store& store, const PolicySet& policy,
                                                              int year, RegionCode region) {
  if (!UsesAssessView(store, region)) {
    return AssessMonitoringCandidatesFromStore(store, policy, year, region);
  }
  if (auto line = policy.For(region).MonitoringLine(year); !line.ok()) return line.error();
  auto view = AssessView::Open(store);
  if (!view.ok()) return view.error();
  return AssessMonitoringCandidates(**view, policy, year, region);
}

Result<std::vector<MonitorResult>> AssessMonitoringCandidates(const AssessView& view,
                                                              const PolicySet& policy, int year,
                                                              RegionCode region) {
  if (auto line = policy.For(region).MonitoringLine(year); !line.ok()) return line.error();
  // An upper bound (the pool): only the pages the candidates fill are touched.
  size_t pool = 0;
  view.Scan(region, HouseholdPool::kMonitoringPool, [&](const AssessHousehold&) { ++pool; });
  std::vector<MonitorResult> results;
  results.reserve(pool);
  std::optional<Error> error;
  Household h;
  view.Scan(region, HouseholdPool::kMonitoringPool, [&](const AssessHousehold& e) {
    if (error) return;
    view.Fill(e, false, h);
    const Policy& p = policy.For(h.village_code);
    auto line = p.MonitoringLine(year);
    if (!line.ok()) {
      error = line.error();
      return;
    }
    // The rules need only the household's figures; members are read for candidates.
    MonitorDecision d = MonitoringRules(
        h, IncomeFigures{h.NetIncome(), h.RigidExpenses(), static_cast<int64_t>(e.members)}, p,
        line->amount);
    if (!d.candidate) return;
    view.Fill(e, true, h);
    d.risk_types = RiskTypesOf(h, p, year);
    results.push_back({h.household_code, h.village_code, std::move(d), line->earlier});
  });
  if (error) return *error;
  return results;
}

Result<std::vector<MonitorResult>> AssessMonitoringCandidatesFromStore(Store& store,
                                                                       const PolicySet& policy,
                                                                       int year,
                                                                       RegionCode region) {
  if (auto line = policy.For(region).MonitoringLine(year); !line.ok()) return line.error();
  std::vector<MonitorResult> results;
  Status s = store.ScanHouseholds(
      region, HouseholdPool::kMonitoringPool, [&](Household& h, int64_t members) -> Status {
        const Policy& p = policy.For(h.village_code);
        auto line = p.MonitoringLine(year);
        if (!line.ok()) return line.error();
        // The rules need only the household's figures; members are read for candidates.
        MonitorDecision d = MonitoringRules(
            h, IncomeFigures{h.NetIncome(), h.RigidExpenses(), members}, p, line->amount);
        if (!d.candidate) return Status::Ok();
        FUPIN_RETURN_IF_ERROR(store.LoadMembers(h));
        d.risk_types = RiskTypesOf(h, p, year);
        results.push_back({h.household_code, h.village_code, std::move(d), line->earlier});
        return Status::Ok();
      });
  if (!s.ok()) return s.error();
  return results;
}

Result<std::vector<RegionResult>> AssessRegions(Store& store, const PolicySet& policy, int year,
                                                RegionLevel level, RegionCode region) {
  auto regions = store.RegionsUnder(region);
  if (!regions.ok()) return regions.error();
  auto poor = store.AggregateUnder(region, "poor_persons");
  if (!poor.ok()) return poor.error();

  // A region's rural population is the value entered for it; without one, the sum of its
  // children when every child has one; otherwise unknown (policy.md).
  std::unordered_map<int64_t, const RegionRow*> by_code;
  std::unordered_map<int64_t, std::vector<int64_t>> children;
  for (const auto& r : *regions) {
    by_code[r.code.value()] = &r;
    if (r.code != region) children[r.code.parent().value()].push_back(r.code.value());
  }
  std::unordered_map<int64_t, std::optional<int64_t>> memo;
  std::function<std::optional<int64_t>(int64_t)> population = [&](int64_t code) {
    if (auto it = memo.find(code); it != memo.end()) return it->second;
    std::optional<int64_t> value;
    if (auto it = by_code.find(code); it != by_code.end() && it->second->rural_population) {
      value = it->second->rural_population;
    } else if (auto kids = children.find(code); kids != children.end() && !kids->second.empty()) {
      int64_t sum = 0;
      bool all = true;
      for (int64_t child : kids->second) {
        auto v = population(child);
        if (!v) {
          all = false;
          break;
        }
        sum += *v;
      }
      if (all) value = sum;
    }
    memo[code] = value;
    return value;
  };

  std::vector<RegionResult> results;
  for (const auto& r : *regions) {
    if (r.code.level() != level) continue;
    const int64_t poor_persons = poor->count(r.code.value()) ? poor->at(r.code.value()) : 0;
    const Policy& p = policy.For(r.code);
    RegionResult result{r.code, r.name, {}};
    if (level == RegionLevel::kVillage) {
      result.decision.incidence =
          AssessVillage(r.code, poor_persons, population(r.code.value()), p);
      result.decision.meets = result.decision.incidence.meets;
      if (result.decision.meets && !*result.decision.meets) {
        result.decision.failed.emplace_back("incidence");
      }
    } else {
      auto assessment = store.GetCountyAssessment(r.code, year);
      if (!assessment.ok()) return assessment.error();
      result.decision =
          AssessCounty(r.code, poor_persons, population(r.code.value()), *assessment, p);
    }
    results.push_back(std::move(result));
  }
  return results;
}

namespace {

template <typename Results>
Status KeepAssigned(Store& store, const Caller& caller, Results& results) {
  if (caller.user.role != Role::kHelper) return Status::Ok();
  auto codes = store.compare().AssignedHouseholds(caller.user.username);
  if (!codes.ok()) return codes.error();
  const std::unordered_set<std::string> assigned(codes->begin(), codes->end());
  std::erase_if(results, [&](const auto& r) { return !assigned.contains(r.household_code); });
  return Status::Ok();
}

}  // namespace

Status KeepVisible(Store& store, const Caller& caller, std::vector<ExitResult>& results) {
  return KeepAssigned(store, caller, results);
}

Status KeepVisible(Store& store, const Caller& caller, std::vector<MonitorResult>& results) {
  return KeepAssigned(store, caller, results);
}

Status EnterCountyAssessment(Store& store, RegionCode county, int year,
                             const CountyAssessment& assessment) {
  auto row = store.GetRegion(county);
  if (!row.ok()) return row.error();
  if (!row->has_value() || county.level() != RegionLevel::kCounty) {
    return Error{"E_REGION", "不是区划库中的县级代码：" + county.ToString(),
                 "not a county of the region tree: " + county.ToString()};
  }
  for (const Ratio& r :
       {assessment.wrong_exit_rate, assessment.missed_rate, assessment.satisfaction}) {
    if (r.micros < 0 || r.micros > 1000000) {
      return Error{"E_NUMBER", "比例应在 0 到 1 之间", "rates must lie between 0 and 1"};
    }
  }
  FUPIN_RETURN_IF_ERROR(store.Begin());
  if (Status s = store.PutCountyAssessment(county, year, assessment); !s.ok()) {
    store.Rollback();
    return s;
  }
  return store.Commit();
}

}  // namespace fupin
