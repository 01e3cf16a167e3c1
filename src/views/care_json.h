// The JSON shapes of measures, visits, attachments and the household timeline (the API's
// /households/{code}/measures, /visits, /timeline and /attachments). Free text is shown
// with ID- and mobile-shaped numbers masked to the roles that see masked data.
#pragma once

#include <nlohmann/json.hpp>
#include <vector>

#include "service/procedures/measure_service.h"
#include "service/procedures/timeline_service.h"
#include "storage/care_store.h"

namespace fupin {

using Json = nlohmann::ordered_json;

// {"id", "household_code", "category", "category_label", "date", "amount" (yuan "0.00"
// or null), "description", "recorded_by", "recorded_at"}.
Json MeasureJson(const MeasureRow& measure, bool masked);
// {"id", "file_name", "media_type", "size", "sha256"}.
Json AttachmentJson(const AttachmentRow& attachment);
// {"id", "household_code", "date", "helper_id" (or null), "visitor", "findings",
// "recorded_at", "attachments": [AttachmentJson…]}.
Json VisitJson(const VisitView& visit, bool masked);
// [{"type": "history", "date", "at", "actor", "source", "changes": [{"field", "old",
// "new"}]} | {"type": "measure", "date", "at", MeasureJson…} | {"type": "visit", "date",
// "at", VisitJson…}], in the given order.
Json TimelineJson(const std::vector<TimelineItem>& items, bool masked);
// The monitored households without a recent measure: {"total", "items": [{"household_code",
// "village_code", "monitor_since", "latest_measure_date"}]} ("" dates as null).
Json StaleMonitoredJson(const StaleMonitoredPage& page);

}  // namespace fupin
