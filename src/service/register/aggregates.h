// The region roll-ups (counts by status, cause, monitoring state…) that dashboards and
// `report summary` read instead of scanning the register. Each household contributes to
// a few metrics of its village and every region above it (and the nation, code 0);
// every write adds the new record's contribution and subtracts the old one's in the same
// transaction.
//
// Metrics (storage/README.md lists them too):
//   households, persons            every household except 已剔除, and its members
//   registered, ordinary           by 户类型 (except 已剔除)
//   status:<code>                  建档立卡户 by 贫困状态 (except 已剔除)
//   cause:<code>                   建档立卡户 by 主要致贫原因 (except 已剔除)
//   poor_persons                   members of 建档立卡户 with status 未脱贫 or 返贫
//   monitor_type:<code>            households with that 监测对象类型 (except 已剔除)
//   monitored                      households whose 监测状态 is 监测中
//   monitored_persons              their members
//   eliminated                     households whose 监测状态 is 风险已消除
#pragma once

#include <array>
#include <cstdint>
#include <unordered_map>

#include "domain/household.h"
#include "storage/store.h"

namespace fupin {

// Collects the contributions of many households per village, then rolls them up.
class AggregateAccumulator {
 public:
  // Adds `sign` (+1 or −1) times the household's contribution.
  void Add(const Household& household, int sign);
  // The deltas for every village touched and every region above it, nation included.
  AggregateDeltas Deltas() const;

 private:
  struct Counts {
    int64_t households = 0, persons = 0, registered = 0, ordinary = 0, poor_persons = 0,
            monitored = 0, monitored_persons = 0, eliminated = 0;
    std::array<int64_t, 10> status{};       // by 贫困状态 code (0–9)
    std::array<int64_t, 100> cause{};       // by 致贫原因 code
    std::array<int64_t, 4> monitor_type{};  // by 监测对象类型 code
  };
  std::unordered_map<int64_t, Counts> by_village_;
};

}  // namespace fupin
