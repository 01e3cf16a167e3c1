// CareStore: what is done for a household besides its register record — assistance
// measures (帮扶措施), visits (走访) and the files attached to visits and to the steps of
// cases (photos, minutes, signatures) — as stored. The service layer
// (service/procedures/measure_service, attachment_service) checks roles, scope and input.
// It shares its Store's connection, so its writes join the Store's open transaction.
// Threading: as its Store.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.h"
#include "common/region_code.h"

namespace fupin {

// One assistance measure (帮扶措施) recorded for a household.
struct MeasureRow {
  int64_t id = 0;
  int64_t county_code = 0;
  std::string household_code;
  int category = 0;                   // codes.md measure_category (01–13, 99)
  std::string date;                   // YYYY-MM-DD, the day the measure was taken
  std::optional<int64_t> amount_fen;  // what it cost or brought, when there is an amount
  std::string description;
  std::string recorded_by, recorded_at;  // the account; ISO 8601 UTC
};

// One visit (走访) to a household.
struct VisitRow {
  int64_t id = 0;
  int64_t county_code = 0;
  std::string household_code;
  std::string date;                  // YYYY-MM-DD
  std::optional<int64_t> helper_id;  // the helper (帮扶责任人) who went, a helpers.id
  std::string visitor;               // the account that recorded it
  std::string findings;              // what was found (free text)
  std::string recorded_at;
};

// A stored file, without its bytes. `owner` is empty while the file is unclaimed (just
// uploaded), then "visit:<id>" or "case:<id>:<seq>"; county_code and household_code name
// the household of the owner from the claim on (0 and "" before).
struct AttachmentRow {
  int64_t id = 0;
  std::string owner;
  int64_t county_code = 0;
  std::string household_code;
  std::string file_name;   // a label only (the base name the client gave), never a path
  std::string media_type;  // image/jpeg, image/png or application/pdf
  int64_t size = 0;
  std::string sha256;  // 64 lowercase hex digits of the bytes
  std::string uploaded_by, uploaded_at;
};

// A monitored household (监测中) without a recent measure, for the worklist.
struct StaleMonitoredHousehold {
  std::string household_code;
  int64_t village_code = 0;
  std::string monitor_since;        // 纳入监测时间, "" when not recorded
  std::string latest_measure_date;  // "" when it never had one
};

struct StaleMonitoredPage {
  int64_t total = 0;
  std::vector<StaleMonitoredHousehold> items;  // by county and 户编号
};

class CareStore {
 public:
  virtual ~CareStore() = default;

  // Writes (in a transaction); each sets row.id.
  virtual Status InsertMeasure(MeasureRow& row) = 0;
  virtual Status InsertVisit(VisitRow& row) = 0;
  // Stores a file not yet claimed by anything (row.owner, county and household are ignored).
  virtual Status InsertAttachment(AttachmentRow& row, std::string_view content) = 0;
  // Binds attachment `id` to `owner` and the household, when it is still unclaimed. False
  // (nothing written) when it is missing or claimed already.
  virtual Result<bool> ClaimAttachment(int64_t id, const std::string& owner, int64_t county_code,
                                       const std::string& household_code) = 0;

  // A household's measures and visits, newest first (by date, then most recently recorded).
  virtual Result<std::vector<MeasureRow>> Measures(int64_t county_code,
                                                   const std::string& household_code) = 0;
  virtual Result<std::vector<VisitRow>> Visits(int64_t county_code,
                                               const std::string& household_code) = 0;
  // The date of the household's latest measure, nullopt when it has none.
  virtual Result<std::optional<std::string>> LatestMeasureDate(
      int64_t county_code, const std::string& household_code) = 0;

  // An attachment's metadata, nullopt when there is none with this id.
  virtual Result<std::optional<AttachmentRow>> GetAttachment(int64_t id) = 0;
  // Its bytes (empty when there is none).
  virtual Result<std::string> AttachmentContent(int64_t id) = 0;
  // The attachments of `owner`, in the order they were uploaded.
  virtual Result<std::vector<AttachmentRow>> AttachmentsOf(const std::string& owner) = 0;

  // Households under `region` whose 监测状态 is 监测中 and that have no measure dated on or
  // after `since` (YYYY-MM-DD); only those `assigned_to` is assigned to when it is not
  // empty. A page (offset, limit; limit 0 for all) and the total.
  virtual Result<StaleMonitoredPage> MonitoredWithoutMeasureSince(RegionCode region,
                                                                  const std::string& since,
                                                                  const std::string& assigned_to,
                                                                  int64_t offset,
                                                                  int64_t limit) = 0;
};

}  // namespace fupin
