// Reports read from the region aggregates, never from the register itself.
#pragma once

#include <cstdint>
#include <mutex>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "common/error.h"
#include "common/region_code.h"
#include "storage/store.h"

namespace fupin {

// `fupin report summary` (spec/cli.md): counts for a region and its subtree.
struct RegionSummary {
  RegionCode region;
  std::string name;        // "全国" for the nation
  int64_t households = 0;  // every household except 已剔除
  int64_t persons = 0;     // their members
  // 建档立卡户 (not 已剔除) by 贫困状态 label: 未脱贫, 已脱贫, 返贫 — always all three.
  std::vector<std::pair<std::string, int64_t>> by_status;
  // 建档立卡户 (not 已剔除) by 主要致贫原因 label, in code-list order, every cause listed.
  std::vector<std::pair<std::string, int64_t>> by_main_cause;
  int64_t monitored_households = 0;  // 监测状态 监测中
  int64_t registered_households = 0;
  int64_t ordinary_households = 0;
  int64_t poor_persons = 0;  // members of 未脱贫 and 返贫 households
  // Households by 监测对象类型 label (脱贫不稳定户, 边缘易致贫户, 突发严重困难户).
  std::vector<std::pair<std::string, int64_t>> by_monitor_type;
};

// E_REGION when the region is not in the tree.
Result<RegionSummary> SummarizeRegion(Store& store, RegionCode region);

// SummarizeRegion for a server: a process-wide cache of the aggregates of each region, kept
// while Store::RegisterStamp is what it was when they were read (every committed write of
// the register, by any process, replaces the stamp); the region's name is read each time.
// The same answers as SummarizeRegion. Thread-safe; each thread passes its own Store.
class SummaryCache {
 public:
  Result<RegionSummary> Summarize(Store& store, RegionCode region);

 private:
  struct Entry {
    std::string stamp;
    RegionSummary summary;
  };
  std::mutex mutex_;
  std::unordered_map<int64_t, Entry> entries_;  // by region code
};

}  // namespace fupin
