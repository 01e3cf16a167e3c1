// ComplaintStore: the 12317 complaints (投诉举报) as stored — intake, the region handling
// each, its answer, the complainant's confirmation and the one escalation to the parent
// region. The service layer (service/complaints/complaint_service) gives them meaning,
// checks roles and scope and masks the complainant's contact data. It shares its Store's
// connection, so its writes join the Store's open transaction. Threading: as its Store.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/error.h"
#include "common/region_code.h"

namespace fupin {

// One complaint, as stored. Dates are YYYY-MM-DD, instants ISO 8601 UTC.
struct ComplaintRow {
  int64_t id = 0;
  std::string channel;      // phone | web | notice | hotline
  int64_t region_code = 0;  // the responsible region (village, township or county)
  std::string subject;
  std::string text;
  std::string name, phone;  // the complainant's: personal data, never logged
  int64_t county_code = 0;  // the household named, when there is one (0 and "" otherwise)
  std::string household_code;
  std::string received_on;     // the day the complaint came in
  std::string due_on;          // received_on + the answer limit
  std::string state = "open";  // open | answered | confirmed
  int64_t level_code = 0;      // the region handling it now: region_code, or escalated_to
  int64_t escalated_to = 0;    // the parent region it was escalated to (0: not escalated)
  std::string escalated_at;
  std::string answer, evidence, answered_by, answered_at;
  std::string confirmed_at;
  std::optional<bool> satisfied;  // the complainant's word at confirmation
  int64_t case_id = 0;            // the monitor case a hotline call opened (0: none)
  std::string created_by, created_at;
};

struct ComplaintQuery {
  RegionCode region;       // complaints whose responsible region is in this subtree
  std::string state;       // exactly this state, when given
  std::string overdue_on;  // when given (YYYY-MM-DD): open and due before this day only
  // When not 0: only complaints of this region or handled by it now (region_code or
  // level_code equal to it) — the desk of a township or village office.
  int64_t desk = 0;
  int64_t offset = 0;
  int64_t limit = 50;  // 0 for all
};

struct ComplaintPage {
  int64_t total = 0;
  std::vector<ComplaintRow> items;  // ordered by id
};

class ComplaintStore {
 public:
  virtual ~ComplaintStore() = default;

  // Writes (in a transaction). Insert writes a new open complaint (the intake fields,
  // state, level_code and case_id; not the escalation, answer or confirmation) and sets
  // row.id.
  virtual Status InsertComplaint(ComplaintRow& row) = 0;
  // Rewrites the mutable fields of complaint `row.id`: state, level_code, escalated_to and
  // escalated_at, the answer and evidence, answered_by/at, confirmed_at, satisfied, case_id.
  virtual Status UpdateComplaint(const ComplaintRow& row) = 0;

  virtual Result<std::optional<ComplaintRow>> GetComplaint(int64_t id) = 0;
  virtual Result<ComplaintPage> SearchComplaints(const ComplaintQuery& query) = 0;
  // Every complaint whose responsible region lies in `region`'s subtree, by id (statistics).
  virtual Result<std::vector<ComplaintRow>> ComplaintsUnder(RegionCode region) = 0;
  // Open complaints due before `today` that were never escalated, by id (the sweep).
  virtual Result<std::vector<ComplaintRow>> DueForEscalation(const std::string& today) = 0;
};

}  // namespace fupin
