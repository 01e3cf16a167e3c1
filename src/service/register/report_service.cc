#include "service/register/report_service.h"

#include "domain/codes.h"

namespace fupin {

Result<RegionSummary> SummarizeRegion(Store& store, RegionCode region) {
  RegionSummary s;
  s.region = region;
  if (region == RegionCode::Nation()) {
    s.name = "全国";
  } else {
    auto row = store.GetRegion(region);
    if (!row.ok()) return row.error();
    if (!row->has_value()) {
      return Error{"E_REGION", "区划代码不在区划库中：" + region.ToString(),
                   "region code not in the tree: " + region.ToString()};
    }
    s.name = (*row)->name;
  }
  auto aggregates = store.Aggregates(region);
  if (!aggregates.ok()) return aggregates.error();
  auto get = [&](const std::string& metric) -> int64_t {
    auto it = aggregates->find(metric);
    return it == aggregates->end() ? 0 : it->second;
  };
  s.households = get("households");
  s.persons = get("persons");
  s.monitored_households = get("monitored");
  s.registered_households = get("registered");
  s.ordinary_households = get("ordinary");
  s.poor_persons = get("poor_persons");
  for (int status : {code::kPoor, code::kExited, code::kReturned}) {
    s.by_status.emplace_back(CodeLabel(CodeList::kPovertyStatus, status),
                             get("status:" + std::to_string(status)));
  }
  for (const auto& e : CodeEntries(CodeList::kCause)) {
    s.by_main_cause.emplace_back(e.label, get("cause:" + std::to_string(e.code)));
  }
  for (const auto& e : CodeEntries(CodeList::kMonitorType)) {
    if (e.code == code::kNotMonitored) continue;
    s.by_monitor_type.emplace_back(e.label, get("monitor_type:" + std::to_string(e.code)));
  }
  return s;
}

}  // namespace fupin
