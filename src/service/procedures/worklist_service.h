// The worklist (待办) of the signed-in account, in one call: the cases waiting at its level
// in its region, the notices that may now be closed, the overdue `monitor` cases, the
// monitored households without a measure in the last 30 days, and the registered or
// monitored households without a helper. Each part: a count and its first items.
#pragma once

#include <cstdint>
#include <vector>

#include "common/error.h"
#include "domain/policy.h"
#include "service/accounts/auth_service.h"
#include "service/procedures/case_service.h"
#include "storage/store.h"

namespace fupin {

struct Worklist {
  int64_t items_per_part = 20;
  CaseList waiting;                    // open cases whose current step is at the caller's level
  CaseList closable;                   // of those, notices whose closing date has come
  CaseList overdue;                    // open monitor cases past procedures.monitor_max_days
  StaleMonitoredPage without_measure;  // 监测中, no measure within the last 30 days
  // 建档立卡户 not 已剔除, or 监测中, without a current helper (not for the helper role).
  int64_t without_helper_total = 0;
  std::vector<UnhelpedHousehold> without_helper;
};

// The worklist of `caller` in its region (a helper: its households; the roles that do not
// move cases get empty case parts).
Result<Worklist> WorklistOf(Store& store, const PolicySet& policy, const Caller& caller,
                            int64_t items_per_part = 20);

}  // namespace fupin
