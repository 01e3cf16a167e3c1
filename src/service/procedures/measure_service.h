// Assistance measures (帮扶措施) and visits (走访) of a household: recorded by the staff of
// its region or by a helper (帮扶责任人) assigned to it, read by whoever may read the
// household, each write one transaction with its audit record.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/error.h"
#include "service/accounts/auth_service.h"
#include "storage/store.h"

namespace fupin {

inline constexpr size_t kMaxCareText = 2000;  // characters of a description or findings

// A measure as a client sends it: texts, validated by AddMeasure.
struct MeasureInput {
  std::string category;     // codes.md measure_category: the code ("01") or the label
  std::string date;         // YYYY-MM-DD, not after today
  std::string amount;       // yuan with at most 2 decimals, ≥ 0; "" for none
  std::string description;  // optional, ≤ kMaxCareText characters
};

struct VisitInput {
  std::string date;                  // YYYY-MM-DD, not after today
  std::optional<int64_t> helper_id;  // the helper who went (a helpers.id), when given
  std::string findings;              // required, ≤ kMaxCareText characters
  std::vector<int64_t> attachments;  // ids of files the caller uploaded (attachment_service.h)
};

// A visit with the attachments it claimed.
struct VisitView {
  VisitRow visit;
  std::vector<AttachmentRow> attachments;
};

// Both writes: E_FORBIDDEN unless the role may record assistance (before anything is looked
// up); E_NOT_FOUND for a household outside the caller's read scope (care_scope.h: a helper
// only for its assigned households) as for one that does not exist; then the input:
// E_CODE (category), E_DATE (malformed or in the future), E_NUMBER (amount: not yuan with
// at most 2 decimals, or negative), E_REQUIRED (a visit's findings), E_FORMAT (text over
// kMaxCareText characters, not UTF-8, or holding control characters other than line
// breaks), E_ATTACHMENT (attachment_service.h ClaimAttachments). Nothing is written on
// failure. Audited: "measure.add" / "visit.add", target the 户编号.
Result<MeasureRow> AddMeasure(Store& store, const Caller& caller, const std::string& household_code,
                              const MeasureInput& input);
Result<VisitView> AddVisit(Store& store, const Caller& caller, const std::string& household_code,
                           const VisitInput& input);

// Newest first; E_NOT_FOUND outside the read scope.
Result<std::vector<MeasureRow>> ListMeasures(Store& store, const Caller& caller,
                                             const std::string& household_code);
Result<std::vector<VisitView>> ListVisits(Store& store, const Caller& caller,
                                          const std::string& household_code);

// The worklist of monitored households (监测中) under `region` that have had no measure
// dated within the last `days` days (today included), in the caller's scope (a helper:
// its households). E_NOT_FOUND for a region outside the scope; E_NUMBER for days < 1.
Result<StaleMonitoredPage> MonitoredWithoutRecentMeasure(Store& store, const Caller& caller,
                                                         RegionCode region, int days,
                                                         int64_t offset, int64_t limit);

// Checks free text typed into a measure or visit: E_FORMAT when it is not UTF-8, holds a
// control character other than TAB/LF/CR, or is longer than kMaxCareText characters.
Status CheckCareText(const std::string& text, const char* field_zh, const char* field_en);

}  // namespace fupin
