#include "service/procedures/worklist_service.h"

#include "service/procedures/measure_service.h"

namespace fupin {

Result<Worklist> WorklistOf(Store& store, const PolicySet& policy, const Caller& caller,
                            int64_t items_per_part) {
  Worklist out;
  out.items_per_part = items_per_part;
  const Date today = Date::Today();
  CaseQuery query;
  query.region = caller.user.region;
  query.limit = items_per_part;
  if (LevelOf(caller.user.role)) {
    auto waiting = ListCases(store, policy, caller, query, true);
    if (!waiting.ok()) return waiting.error();
    out.waiting = std::move(*waiting);
    CaseQuery closable = query;
    closable.closable_on = today;
    auto notices = ListCases(store, policy, caller, closable, true);
    if (!notices.ok()) return notices.error();
    out.closable = std::move(*notices);
  }
  CaseQuery overdue = query;
  overdue.overdue_on = today;
  auto late = ListCases(store, policy, caller, overdue, false);
  if (!late.ok()) return late.error();
  out.overdue = std::move(*late);
  auto stale =
      MonitoredWithoutRecentMeasure(store, caller, caller.user.region, 30, 0, items_per_part);
  if (!stale.ok()) return stale.error();
  out.without_measure = std::move(*stale);
  if (caller.user.role != Role::kHelper) {
    auto count = store.helpers().CountUnhelped(caller.user.region);
    if (!count.ok()) return count.error();
    out.without_helper_total = *count;
    auto unhelped = store.helpers().Unhelped(caller.user.region, 0, items_per_part);
    if (!unhelped.ok()) return unhelped.error();
    out.without_helper = std::move(*unhelped);
  }
  return out;
}

}  // namespace fupin
