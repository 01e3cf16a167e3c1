#include "service/complaints/complaint_service.h"

#include <utility>

#include "common/clock.h"
#include "common/id_number.h"
#include "service/accounts/audit_service.h"
#include "service/clock.h"
#include "service/procedures/case_service.h"
#include "service/procedures/helper_service.h"
#include "service/transaction.h"

namespace fupin {
namespace {

constexpr size_t kMaxText = 4000;  // bytes of a complaint's text, an answer, evidence
constexpr size_t kMaxShort = 200;  // bytes of a subject or a name
constexpr size_t kMaxPhone = 32;

Error Forbidden() {
  return Error{"E_FORBIDDEN", "您的角色无权进行此操作", "your role may not do this"};
}

Error NoSuchComplaint(int64_t id) {
  return Error::NotFound("投诉不存在：" + std::to_string(id),
                         "no such complaint: " + std::to_string(id));
}

Error Invalid(const std::string& zh, const std::string& en) {
  return Error{"E_VALIDATION", zh, en};
}

Error StateError(const ComplaintRow& c, const std::string& zh, const std::string& en) {
  return Error{"E_COMPLAINT_STATE", zh + "（当前状态：" + c.state + "）",
               en + " (state: " + c.state + ")"};
}

bool IsOffice(Role role) { return RoleMay(role, Permission::kWriteHousehold); }

bool MayRead(Role role) {
  return IsOffice(role) || role == Role::kAuditor || role == Role::kViewer;
}

// Township and village offices work from a desk: their own region's complaints and those
// escalated to them.
bool WorksFromDesk(Role role) {
  return role == Role::kTownshipOperator || role == Role::kVillageOperator;
}

bool IsHandler(const Caller& caller, const ComplaintRow& c) {
  if (!IsOffice(caller.user.role)) return false;
  const int64_t own = caller.user.region.value();
  return own == c.region_code || (c.escalated_to != 0 && own == c.escalated_to);
}

bool Sees(const Caller& caller, const ComplaintRow& c) {
  if (!caller.InScope(RegionCode::FromInt(c.region_code))) return false;
  if (!WorksFromDesk(caller.user.role)) return true;
  const int64_t own = caller.user.region.value();
  return own == c.region_code || own == c.level_code;
}

bool Overdue(const ComplaintRow& c, Date today) {
  return c.state == "open" && c.due_on < today.ToString();
}

ComplaintView ViewOf(const Caller& caller, ComplaintRow row, Date today) {
  ComplaintView v;
  v.handler = IsHandler(caller, row);
  v.overdue = Overdue(row, today);
  if (!v.handler) {
    row.phone = MaskPhone(row.phone);
    row.name = MaskName(row.name);
  }
  v.row = std::move(row);
  return v;
}

// The system's own caller for what the clock does (escalation), from `trigger`'s address.
Caller SystemCaller(const Caller& trigger) {
  return Caller{User{"system", Role::kAdmin, RegionCode::Nation(), false}, trigger.remote};
}

Result<ComplaintRow> Load(Store& store, const Caller& caller, int64_t id) {
  auto row = store.complaints().GetComplaint(id);
  if (!row.ok()) return row.error();
  if (!*row || !Sees(caller, **row)) return NoSuchComplaint(id);
  return std::move(**row);
}

// The region a list or the statistics cover: the caller's when `text` is empty, the
// nation for "0"; E_NOT_FOUND for text that is not a code or lies outside the scope.
Result<RegionCode> ScopeRegion(const Caller& caller, const std::string& text) {
  if (text.empty()) return caller.user.region;
  // The nation is "0" or its twelve zeros, as for every other route (api RegionParam).
  auto parsed = text == "0" || text == "000000000000" ? Result<RegionCode>(RegionCode::Nation())
                                                      : RegionCode::Parse(text);
  if (!parsed.ok() || !caller.InScope(*parsed)) {
    return Error::NotFound("区划不存在：" + text, "no such region: " + text);
  }
  return *parsed;
}

Status CheckLength(const std::string& value, size_t max, const char* key) {
  if (value.size() > max) {
    return Invalid(std::string(key) + " 过长（最多 " + std::to_string(max) + " 字节）",
                   std::string(key) + " is too long (at most " + std::to_string(max) + " bytes)");
  }
  return Status::Ok();
}

}  // namespace

Date ComplaintDueDate(Date received, int answer_days, bool working_days) {
  if (!working_days) return Date::FromDays(received.days() + answer_days);
  Date d = received;
  for (int counted = 0; counted < answer_days;) {
    d = Date::FromDays(d.days() + 1);
    const int weekday = ((d.days() + 3) % 7 + 7) % 7;  // 1970-01-01 was a Thursday; 0 Monday
    if (weekday < 5) ++counted;
  }
  return d;
}

std::string RegionLevelName(RegionCode code) {
  switch (code.level()) {
    case RegionLevel::kNation:
      return "nation";
    case RegionLevel::kProvince:
      return "province";
    case RegionLevel::kCity:
      return "city";
    case RegionLevel::kCounty:
      return "county";
    case RegionLevel::kTownship:
      return "township";
    case RegionLevel::kVillage:
      return "village";
  }
  return "";
}

Result<int64_t> EscalateOverdue(Store& store, const Caller& caller) {
  const std::string today = Date::Today().ToString();
  auto due = store.complaints().DueForEscalation(today);
  if (!due.ok()) return due.error();
  if (due->empty()) return int64_t{0};
  const Caller system = SystemCaller(caller);
  return InTransaction(store, [&]() -> Result<int64_t> {
    // Read again inside the transaction: another writer may have escalated them.
    auto rows = store.complaints().DueForEscalation(today);
    if (!rows.ok()) return rows.error();
    const std::string now = NowIso8601();
    for (ComplaintRow& c : *rows) {
      const RegionCode parent = RegionCode::FromInt(c.region_code).parent();
      c.escalated_to = parent.value();
      c.escalated_at = now;
      c.level_code = parent.value();
      FUPIN_RETURN_IF_ERROR(store.complaints().UpdateComplaint(c));
      FUPIN_RETURN_IF_ERROR(AppendAudit(store, system, RegionCode::FromInt(c.region_code),
                                        "complaint.escalate", "complaint:" + std::to_string(c.id),
                                        "due_on=" + c.due_on + " to=" + parent.ToString()));
    }
    return static_cast<int64_t>(rows->size());
  });
}

Result<ComplaintView> FileComplaint(Store& store, const PolicySet& policy, const Caller& caller,
                                    const FileComplaintRequest& r) {
  if (!IsOffice(caller.user.role)) return Forbidden();
  if (r.channel != "phone" && r.channel != "web" && r.channel != "notice" &&
      r.channel != "hotline") {
    return Invalid("channel 应为 phone、web、notice 或 hotline",
                   "channel must be phone, web, notice or hotline");
  }
  auto region = RegionCode::Parse(r.region);
  if (!region.ok()) {
    return Error::NotFound("区划不存在：" + r.region, "no such region: " + r.region);
  }
  if (!caller.InScope(*region)) {
    return Error::NotFound("区划不存在：" + region->ToString(),
                           "no such region: " + region->ToString());
  }
  const RegionLevel level = region->level();
  if (level != RegionLevel::kVillage && level != RegionLevel::kTownship &&
      level != RegionLevel::kCounty) {
    return Invalid("责任区划应为村、乡镇或县", "the region must be a village, township or county");
  }
  auto known = store.GetRegion(*region);
  if (!known.ok()) return known.error();
  if (!*known) {
    return Error::NotFound("区划不存在：" + region->ToString(),
                           "no such region: " + region->ToString());
  }
  for (auto [value, key] : {std::pair{&r.subject, "subject"}, std::pair{&r.text, "text"},
                            std::pair{&r.name, "name"}, std::pair{&r.phone, "phone"}}) {
    if (value->empty()) {
      return Invalid(std::string(key) + " 不能为空", std::string(key) + " is required");
    }
  }
  FUPIN_RETURN_IF_ERROR(CheckLength(r.subject, kMaxShort, "subject"));
  FUPIN_RETURN_IF_ERROR(CheckLength(r.name, kMaxShort, "name"));
  FUPIN_RETURN_IF_ERROR(CheckLength(r.text, kMaxText, "text"));
  FUPIN_RETURN_IF_ERROR(CheckLength(r.phone, kMaxPhone, "phone"));
  auto phone = NormalizePhone(r.phone);  // E_PHONE, as a helper's phone
  if (!phone.ok()) return phone.error();
  if (r.open_case && (r.channel != "hotline" || r.household_code.empty())) {
    return Invalid("只有点名某户的热线来电才能开启监测办件",
                   "only a hotline call naming a household may open a monitor case");
  }
  ComplaintRow row;
  if (!r.household_code.empty()) {
    auto h = store.FindHousehold(r.household_code);
    if (!h.ok()) return h.error();
    if (!*h || !region->Contains((*h)->household.village_code)) {
      return Error::NotFound("户不存在：" + r.household_code,
                             "no such household: " + r.household_code);
    }
    row.county_code = (*h)->household.village_code.county().value();
    row.household_code = r.household_code;
  }
  const Date received = r.received_on.value_or(Date::Today());
  const Policy& p = policy.For(*region);
  row.channel = r.channel;
  row.region_code = region->value();
  row.subject = r.subject;
  row.text = r.text;
  row.name = r.name;
  row.phone = *phone;
  row.received_on = received.ToString();
  row.due_on =
      ComplaintDueDate(received, p.complaints.answer_days, p.complaints.answer_working_days)
          .ToString();
  row.level_code = region->value();
  row.created_by = caller.user.username;
  row.created_at = NowIso8601();
  auto filed = InTransaction(store, [&]() -> Result<ComplaintRow> {
    if (r.open_case) {
      OpenCaseRequest open;
      open.kind = "monitor";
      open.household_code = r.household_code;
      open.source = "hotline";
      open.clue_date = received;
      open.type = r.monitor_type;
      open.comment = "12317";
      auto opened = OpenCase(store, policy, caller, open);
      if (!opened.ok()) return opened.error();
      row.case_id = opened->stored.id;
    }
    FUPIN_RETURN_IF_ERROR(store.complaints().InsertComplaint(row));
    FUPIN_RETURN_IF_ERROR(AppendAudit(store, caller, *region, "complaint.add",
                                      "complaint:" + std::to_string(row.id),
                                      "channel=" + row.channel + " due_on=" + row.due_on));
    return row;
  });
  if (!filed.ok()) return filed.error();
  // Filed for a past day, it may be overdue already.
  auto escalated = EscalateOverdue(store, caller);
  if (!escalated.ok()) return escalated.error();
  auto stored = store.complaints().GetComplaint(filed->id);
  if (!stored.ok()) return stored.error();
  return ViewOf(caller, std::move(**stored), Date::Today());
}

Result<ComplaintView> GetComplaint(Store& store, const Caller& caller, int64_t id) {
  if (!MayRead(caller.user.role)) return Forbidden();
  auto escalated = EscalateOverdue(store, caller);
  if (!escalated.ok()) return escalated.error();
  auto row = Load(store, caller, id);
  if (!row.ok()) return row.error();
  ComplaintView v = ViewOf(caller, std::move(*row), Date::Today());
  if (v.handler) {
    // The contact data were shown whole: an unmasked read of a person.
    FUPIN_RETURN_IF_ERROR(AppendAudit(store, caller, RegionCode::FromInt(v.row.region_code),
                                      "complaint.read", "complaint:" + std::to_string(id), ""));
  }
  return v;
}

Result<ComplaintList> ListComplaints(Store& store, const Caller& caller,
                                     const ComplaintListQuery& q) {
  if (!MayRead(caller.user.role)) return Forbidden();
  auto scope = ScopeRegion(caller, q.region);
  if (!scope.ok()) return scope.error();
  const RegionCode region = *scope;
  if (!q.state.empty() && q.state != "open" && q.state != "answered" && q.state != "confirmed") {
    return Invalid("state 应为 open、answered 或 confirmed",
                   "state must be open, answered or confirmed");
  }
  auto escalated = EscalateOverdue(store, caller);
  if (!escalated.ok()) return escalated.error();
  const Date today = Date::Today();
  ComplaintQuery query;
  query.region = region;
  query.state = q.state;
  if (q.overdue) query.overdue_on = today.ToString();
  if (WorksFromDesk(caller.user.role)) query.desk = caller.user.region.value();
  query.offset = q.offset;
  query.limit = q.limit;
  auto page = store.complaints().SearchComplaints(query);
  if (!page.ok()) return page.error();
  ComplaintList out;
  out.total = page->total;
  for (ComplaintRow& row : page->items) {
    ComplaintView v = ViewOf(caller, std::move(row), today);
    // A list shows contact data masked to everyone; the handler opens the complaint.
    if (v.handler) {
      v.row.phone = MaskPhone(v.row.phone);
      v.row.name = MaskName(v.row.name);
    }
    out.items.push_back(std::move(v));
  }
  return out;
}

Result<ComplaintView> AnswerComplaint(Store& store, const Caller& caller, int64_t id,
                                      const std::string& answer, const std::string& evidence) {
  if (!IsOffice(caller.user.role)) return Forbidden();
  if (answer.empty()) return Invalid("answer 不能为空", "answer is required");
  FUPIN_RETURN_IF_ERROR(CheckLength(answer, kMaxText, "answer"));
  FUPIN_RETURN_IF_ERROR(CheckLength(evidence, kMaxText, "evidence"));
  auto escalated = EscalateOverdue(store, caller);
  if (!escalated.ok()) return escalated.error();
  auto done = InTransaction(store, [&]() -> Result<ComplaintRow> {
    auto row = Load(store, caller, id);
    if (!row.ok()) return row.error();
    if (row->state != "open") {
      return StateError(*row, "只能答复未办结的投诉", "only an open complaint can be answered");
    }
    row->state = "answered";
    row->answer = answer;
    row->evidence = evidence;
    row->answered_by = caller.user.username;
    row->answered_at = NowIso8601();
    FUPIN_RETURN_IF_ERROR(store.complaints().UpdateComplaint(*row));
    const bool late = row->due_on < Date::Today().ToString();
    FUPIN_RETURN_IF_ERROR(AppendAudit(store, caller, RegionCode::FromInt(row->region_code),
                                      "complaint.answer", "complaint:" + std::to_string(id),
                                      late ? "late" : "on_time"));
    return std::move(*row);
  });
  if (!done.ok()) return done.error();
  return ViewOf(caller, std::move(*done), Date::Today());
}

Result<ComplaintView> ConfirmComplaint(Store& store, const Caller& caller, int64_t id,
                                       bool satisfied) {
  if (!IsOffice(caller.user.role)) return Forbidden();
  auto done = InTransaction(store, [&]() -> Result<ComplaintRow> {
    auto row = Load(store, caller, id);
    if (!row.ok()) return row.error();
    if (row->state != "answered") {
      return StateError(*row, "只有已答复的投诉才能记录投诉人确认",
                        "only an answered complaint can be confirmed");
    }
    row->state = "confirmed";
    row->confirmed_at = NowIso8601();
    row->satisfied = satisfied;
    FUPIN_RETURN_IF_ERROR(store.complaints().UpdateComplaint(*row));
    FUPIN_RETURN_IF_ERROR(AppendAudit(store, caller, RegionCode::FromInt(row->region_code),
                                      "complaint.confirm", "complaint:" + std::to_string(id),
                                      satisfied ? "satisfied" : "unsatisfied"));
    return std::move(*row);
  });
  if (!done.ok()) return done.error();
  return ViewOf(caller, std::move(*done), Date::Today());
}

Result<ComplaintStats> ComplaintStatistics(Store& store, const Caller& caller,
                                           const std::string& region_text) {
  if (!MayRead(caller.user.role)) return Forbidden();
  auto scope = ScopeRegion(caller, region_text);
  if (!scope.ok()) return scope.error();
  const RegionCode region = *scope;
  auto escalated = EscalateOverdue(store, caller);
  if (!escalated.ok()) return escalated.error();
  auto rows = store.complaints().ComplaintsUnder(region);
  if (!rows.ok()) return rows.error();
  const Date today = Date::Today();
  ComplaintStats stats;
  stats.region = region;
  for (const ComplaintRow& c : *rows) {
    if (!Sees(caller, c)) continue;
    for (ComplaintCounts* n :
         {&stats.all, &stats.by_region[c.region_code], &stats.by_subject[c.subject]}) {
      ++n->total;
      if (c.state == "open") {
        ++(Overdue(c, today) ? n->open_overdue : n->open);
      } else {
        // answered_at is an instant in UTC; its local date decides timeliness.
        auto at = ParseInstant(c.answered_at);
        const std::string day = at.ok() ? LocalDateOf(*at).ToString() : c.answered_at.substr(0, 10);
        ++(day <= c.due_on ? n->answered_on_time : n->answered_late);
      }
      if (c.escalated_to != 0) ++n->escalated;
      if (c.satisfied) ++(*c.satisfied ? n->satisfied : n->unsatisfied);
    }
  }
  return stats;
}

// A name with all but its first character masked ("张**"); empty stays empty.
std::string MaskName(std::string_view name) {
  if (name.empty()) return std::string();
  size_t first = 1;
  const auto lead = static_cast<unsigned char>(name[0]);
  if (lead >= 0xF0) {
    first = 4;
  } else if (lead >= 0xE0) {
    first = 3;
  } else if (lead >= 0xC0) {
    first = 2;
  }
  if (first > name.size()) first = name.size();
  size_t rest = 0;
  for (size_t i = first; i < name.size(); ++i) {
    if ((static_cast<unsigned char>(name[i]) & 0xC0) != 0x80) ++rest;
  }
  return std::string(name.substr(0, first)) + std::string(rest == 0 ? 1 : rest, '*');
}

}  // namespace fupin
