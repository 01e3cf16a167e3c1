#include "service/register/aggregates.h"

#include <string>

namespace fupin {

void AggregateAccumulator::Add(const Household& h, int sign) {
  if (h.IsRegistered() && h.poverty_status == code::kRemoved) return;
  const int64_t persons = static_cast<int64_t>(h.members.size());
  Counts& c = by_village_[h.village_code.value()];
  c.households += sign;
  c.persons += sign * persons;
  if (h.IsRegistered()) {
    c.registered += sign;
    if (h.poverty_status >= 0 && h.poverty_status < 10) c.status[h.poverty_status] += sign;
    if (h.main_cause >= 0 && h.main_cause < 100) c.cause[h.main_cause] += sign;
    if (h.poverty_status == code::kPoor || h.poverty_status == code::kReturned) {
      c.poor_persons += sign * persons;
    }
  } else {
    c.ordinary += sign;
  }
  if (h.monitor_status == code::kMonitoring) {
    c.monitored += sign;
    c.monitored_persons += sign * persons;
  } else if (h.monitor_status == code::kRiskEliminated) {
    c.eliminated += sign;
  }
  if (h.monitor_type > 0 && h.monitor_type < 4) c.monitor_type[h.monitor_type] += sign;
}

AggregateDeltas AggregateAccumulator::Deltas() const {
  // Roll the village counts up to every ancestor first, then name the metrics.
  std::unordered_map<int64_t, Counts> all;
  for (const auto& [village, c] : by_village_) {
    RegionCode region = RegionCode::FromInt(village);
    while (true) {
      Counts& t = all[region.value()];
      t.households += c.households;
      t.persons += c.persons;
      t.registered += c.registered;
      t.ordinary += c.ordinary;
      t.poor_persons += c.poor_persons;
      t.monitored += c.monitored;
      t.monitored_persons += c.monitored_persons;
      t.eliminated += c.eliminated;
      for (size_t i = 0; i < c.status.size(); ++i) t.status[i] += c.status[i];
      for (size_t i = 0; i < c.cause.size(); ++i) t.cause[i] += c.cause[i];
      for (size_t i = 0; i < c.monitor_type.size(); ++i) t.monitor_type[i] += c.monitor_type[i];
      if (region.level() == RegionLevel::kNation) break;
      region = region.parent();
    }
  }
  AggregateDeltas deltas;
  for (const auto& [code, c] : all) {
    auto put = [&](const std::string& metric, int64_t v) {
      if (v != 0) deltas[{code, metric}] += v;
    };
    put("households", c.households);
    put("persons", c.persons);
    put("registered", c.registered);
    put("ordinary", c.ordinary);
    put("poor_persons", c.poor_persons);
    put("monitored", c.monitored);
    put("monitored_persons", c.monitored_persons);
    put("eliminated", c.eliminated);
    for (size_t i = 0; i < c.status.size(); ++i) put("status:" + std::to_string(i), c.status[i]);
    for (size_t i = 0; i < c.cause.size(); ++i) put("cause:" + std::to_string(i), c.cause[i]);
    for (size_t i = 0; i < c.monitor_type.size(); ++i) {
      put("monitor_type:" + std::to_string(i), c.monitor_type[i]);
    }
  }
  return deltas;
}

}  // namespace fupin
