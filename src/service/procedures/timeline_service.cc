#include "service/procedures/timeline_service.h"

#include <algorithm>

#include "common/clock.h"
#include "service/accounts/audit_service.h"
#include "service/procedures/care_scope.h"

namespace fupin {
namespace {

// The local date (UTC+8) of an ISO 8601 time; its first 10 characters when it is not one.
std::string LocalDate(const std::string& at) {
  auto seconds = ParseInstant(at);
  if (!seconds.ok()) return at.substr(0, 10);
  return LocalDateOf(*seconds).ToString();
}

// History entries in stored order, one group per (at, actor, source) run.
std::vector<HistoryGroup> Group(std::vector<HistoryEntry> entries) {
  std::vector<HistoryGroup> groups;
  for (auto& e : entries) {
    if (groups.empty() || groups.back().at != e.at || groups.back().actor != e.actor ||
        groups.back().source != e.source) {
      groups.push_back({e.at, e.actor, e.source, {}});
    }
    groups.back().changes.push_back(std::move(e));
  }
  return groups;
}

}  // namespace

TimelineItem MakeTimelineItem(TimelineEvent event) {
  TimelineItem item;
  if (const auto* h = std::get_if<HistoryGroup>(&event)) {
    item.date = LocalDate(h->at);
    item.recorded_at = h->at;
  } else if (const auto* m = std::get_if<MeasureRow>(&event)) {
    item.date = m->date;
    item.recorded_at = m->recorded_at;
  } else if (const auto* v = std::get_if<VisitView>(&event)) {
    item.date = v->visit.date;
    item.recorded_at = v->visit.recorded_at;
  } else if (const auto* c = std::get_if<StoredCase>(&event)) {
    item.date = c->value.opened_on.ToString();
    item.recorded_at = c->opened_at;
  }
  item.event = std::move(event);
  return item;
}

Result<std::vector<TimelineItem>> HouseholdTimeline(Store& store, const Caller& caller,
                                                    const std::string& household_code,
                                                    std::vector<TimelineItem> more) {
  auto household = HouseholdInReadScope(store, caller, household_code);
  if (!household.ok()) return household.error();
  const RegionCode village = household->household.village_code;
  std::vector<TimelineItem> items = std::move(more);
  auto history = store.History(household_code);
  if (!history.ok()) return history.error();
  for (auto& group : Group(std::move(*history)))
    items.push_back(MakeTimelineItem(std::move(group)));
  auto measures = store.care().Measures(village.county().value(), household_code);
  if (!measures.ok()) return measures.error();
  for (auto& m : *measures) items.push_back(MakeTimelineItem(std::move(m)));
  auto visits = ListVisits(store, caller, household_code);
  if (!visits.ok()) return visits.error();
  for (auto& v : *visits) items.push_back(MakeTimelineItem(std::move(v)));
  auto cases = store.cases().CasesOf(household_code);
  if (!cases.ok()) return cases.error();
  for (auto& c : *cases) items.push_back(MakeTimelineItem(std::move(c)));
  std::stable_sort(items.begin(), items.end(), [](const TimelineItem& a, const TimelineItem& b) {
    if (a.date != b.date) return a.date > b.date;
    return a.recorded_at > b.recorded_at;
  });
  if (!RoleSeesMaskedData(caller.user.role)) {
    FUPIN_RETURN_IF_ERROR(
        AppendAudit(store, caller, village, "person.read", household_code, "timeline"));
  }
  return items;
}

}  // namespace fupin
