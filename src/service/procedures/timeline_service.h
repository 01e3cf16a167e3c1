// A household's timeline (户档案时间线): what happened to it, newest first — the changes of
// its register record (history, one item per change set: the same time, actor and source),
// the assistance measures, the visits and the cases (dated by their opening). Other sources
// join by adding their alternative to TimelineEvent and passing their items in `more`.
#pragma once

#include <string>
#include <variant>
#include <vector>

#include "common/error.h"
#include "service/accounts/auth_service.h"
#include "service/procedures/measure_service.h"
#include "storage/store.h"

namespace fupin {

// The history entries written together: one import, one edit, one procedure's decision.
struct HistoryGroup {
  std::string at, actor, source;
  std::vector<HistoryEntry> changes;
};

using TimelineEvent = std::variant<HistoryGroup, MeasureRow, VisitView, StoredCase>;

struct TimelineItem {
  // The order of the timeline: the local date (YYYY-MM-DD, China Standard Time) on which it
  // happened, then the time it was recorded (ISO 8601 UTC); items compare by both.
  std::string date, recorded_at;
  TimelineEvent event;
};

// The item of an event, with its date and recorded_at filled in.
TimelineItem MakeTimelineItem(TimelineEvent event);

// The timeline of a household in the caller's read scope (E_NOT_FOUND otherwise, as for a
// household that does not exist), with `more` items merged in, newest first (by date, then
// recorded_at; history before measures before visits of the same instant). A read by a role
// that sees unmasked data is audited ("person.read", detail "timeline"), as the history may
// hold ID numbers.
Result<std::vector<TimelineItem>> HouseholdTimeline(Store& store, const Caller& caller,
                                                    const std::string& household_code,
                                                    std::vector<TimelineItem> more = {});

}  // namespace fupin
