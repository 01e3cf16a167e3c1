#include "service/register/report_service.h"

#include <optional>

#include "domain/codes.h"

namespace fupin {

namespace {

// The region's name ("全国" for the nation); E_REGION when it is not in the tree.
Result<std::string> RegionName(Store& store, RegionCode region) {
  if (region == RegionCode::Nation()) return std::string("全国");
  auto row = store.GetRegion(region);
  if (!row.ok()) return row.error();
  if (!row->has_value()) {
    return Error{"E_REGION", "区划代码不在区划库中：" + region.ToString(),
                 "region code not in the tree: " + region.ToString()};
  }
  return (*row)->name;
}

// The summary's figures (all but the name), from the aggregates.
Result<RegionSummary> FromAggregates(Store& store, RegionCode region) {
  RegionSummary s;
  s.region = region;
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

}  // namespace

Result<RegionSummary> SummarizeRegion(Store& store, RegionCode region) {
  auto name = RegionName(store, region);
  if (!name.ok()) return name.error();
  auto s = FromAggregates(store, region);
  if (!s.ok()) return s.error();
  s->name = std::move(*name);
  return s;
}

Result<RegionSummary> SummaryCache::Summarize(Store& store, RegionCode region) {
  auto name = RegionName(store, region);
  if (!name.ok()) return name.error();
  // Read before the aggregates: figures read after it are never older than it says.
  auto stamp = store.RegisterStamp();
  if (!stamp.ok()) return stamp.error();
  std::optional<RegionSummary> found;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (auto it = entries_.find(region.value());
        it != entries_.end() && it->second.stamp == *stamp) {
      found = it->second.summary;
    }
  }
  if (!found) {
    auto s = FromAggregates(store, region);
    if (!s.ok()) return s.error();
    std::lock_guard<std::mutex> lock(mutex_);
    if (entries_.size() >= 4096) entries_.clear();
    entries_.insert_or_assign(region.value(), Entry{*stamp, *s});
    found = std::move(*s);
  }
  found->name = std::move(*name);
  return std::move(*found);
}

}  // namespace fupin
