// 12317 complaints (投诉举报, spec/funds.md "Complaints (12317)", docs/complaints.md):
// intake by an office for a region in its scope, the answer limit of the policy
// ([complaints] answer_days, answer_working_days), the one escalation of an overdue
// complaint to the parent region, the answer with its evidence, the complainant's
// confirmation and the statistics by region, subject and timeliness.
//
// Who does what (decided from the existing roles, auth_service.h):
//   - file, answer, confirm: the offices — roles with kWriteHousehold (admin, county_admin,
//     township_operator, village_operator);
//   - read (get, list, stats): the offices, auditor and viewer; helper and department
//     are refused (E_FORBIDDEN): the ledger is not about their households or lists.
//   - what a caller sees: complaints of regions in its scope (E_NOT_FOUND outside, as if
//     missing); a township or village office only those on its desk — of its own region,
//     or escalated to it — so a township sees a village's complaint once it is escalated.
//   - the handler: an office whose region is the complaint's responsible region or the
//     region it was escalated to. Only the handler sees the complainant's name and phone
//     (and its reading is audited); everyone else gets them masked.
//
// Escalation happens on the clock (Date::Today(), FUPIN_NOW): every read and list first
// escalates the open complaints past their due date that were never escalated
// (EscalateOverdue), each audited once as complaint.escalate by the actor "system".
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/date.h"
#include "common/error.h"
#include "domain/policy.h"
#include "service/accounts/auth_service.h"
#include "storage/store.h"

namespace fupin {

struct FileComplaintRequest {
  std::string channel;  // phone | web | notice | hotline
  std::string region;   // the responsible region: a village, township or county code
  std::string subject, text;
  std::string name, phone;          // the complainant's
  std::string household_code;       // optional: the household the complaint is about
  std::optional<Date> received_on;  // default today
  // hotline only: open a `monitor` case for the household (source hotline, clue_date the
  // day of the call), of this monitoring type (1–3).
  bool open_case = false;
  std::optional<int> monitor_type;
};

// A complaint as a caller sees it: contact data masked unless `handler`.
struct ComplaintView {
  ComplaintRow row;
  bool overdue = false;  // open and past due_on today
  bool handler = false;  // the caller handles it (sees the contact data, may answer)
};

struct ComplaintListQuery {
  std::string region;  // default the caller's
  std::string state;   // open | answered | confirmed, when given
  bool overdue = false;
  int64_t offset = 0, limit = 50;
};

struct ComplaintList {
  int64_t total = 0;
  std::vector<ComplaintView> items;
};

// Counts of a group of complaints by timeliness.
struct ComplaintCounts {
  int64_t total = 0;
  int64_t answered_on_time = 0;  // answered (or confirmed) on or before due_on
  int64_t answered_late = 0;
  int64_t open = 0;          // open and not yet due
  int64_t open_overdue = 0;  // open and past due_on
  int64_t escalated = 0;
  int64_t satisfied = 0, unsatisfied = 0;  // of the confirmed ones
};

struct ComplaintStats {
  RegionCode region;
  ComplaintCounts all;
  std::map<int64_t, ComplaintCounts> by_region;       // by responsible region code
  std::map<std::string, ComplaintCounts> by_subject;  // by subject as filed
};

// The due date: `received` + answer_days calendar days, or that many working days
// (Monday–Friday, the day received not counted; no holiday calendar) with working_days.
Date ComplaintDueDate(Date received, int answer_days, bool working_days);

// Files a complaint. E_FORBIDDEN for a role that is not an office; E_NOT_FOUND for a
// region (or household) outside the caller's scope or unknown; E_VALIDATION for a bad
// channel, a region that is not a village, township or county, missing subject, text,
// name or phone, or open_case without a hotline channel and a household. With open_case
// the monitor case is opened in the same transaction (its refusals refuse the complaint).
Result<ComplaintView> FileComplaint(Store& store, const PolicySet& policy, const Caller& caller,
                                    const FileComplaintRequest& request);
Result<ComplaintView> GetComplaint(Store& store, const Caller& caller, int64_t id);
Result<ComplaintList> ListComplaints(Store& store, const Caller& caller,
                                     const ComplaintListQuery& query);
// Answers an open complaint (E_COMPLAINT_STATE when it is not open; E_VALIDATION without
// an answer). Offices that see it may answer.
Result<ComplaintView> AnswerComplaint(Store& store, const Caller& caller, int64_t id,
                                      const std::string& answer, const std::string& evidence);
// Records the complainant's confirmation of an answered complaint (E_COMPLAINT_STATE
// otherwise): satisfied or not.
Result<ComplaintView> ConfirmComplaint(Store& store, const Caller& caller, int64_t id,
                                       bool satisfied);
// Escalates every open complaint past its due date (today) that was never escalated to
// its parent region, audited once each; returns how many. Runs in its own transaction.
Result<int64_t> EscalateOverdue(Store& store, const Caller& caller);
Result<ComplaintStats> ComplaintStatistics(Store& store, const Caller& caller,
                                           const std::string& region);

// A complainant's name with all but its first character masked ("张**").
std::string MaskName(std::string_view name);

// "village", "township", "county", "city", "province", "nation".
std::string RegionLevelName(RegionCode code);

}  // namespace fupin
