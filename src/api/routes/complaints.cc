// 12317 complaints (投诉举报, spec/funds.md "HTTP fixed points"): file, list, read, answer,
// confirm, statistics. The service checks the role and the scope, escalates overdue
// complaints on the clock and masks the complainant's contact data for all but the
// handler. The reads may escalate (a write), so every route runs on the writer thread.
#include <nlohmann/json.hpp>

#include "api/reply.h"
#include "api/routes/routes.h"
#include "service/complaints/complaint_service.h"

namespace fupin {
namespace {

Result<int64_t> ComplaintId(const HttpRequest& req) { return PathId(req, "投诉", "complaint"); }

// The optional string `name` of `body`: "" when absent or null, E_FORMAT for another type.
Result<std::string> Text(const Json& body, const char* name) {
  if (!body.contains(name) || body[name].is_null()) return std::string();
  if (!body[name].is_string()) {
    return Error{"E_FORMAT", std::string(name) + " 应为字符串",
                 std::string(name) + " must be a string"};
  }
  return body[name].get<std::string>();
}

}  // namespace

// The fixed reply of POST /complaints, and the first fields of every complaint.
Json ComplaintSummaryJson(const ComplaintView& v) {
  const RegionCode level = RegionCode::FromInt(v.row.level_code);
  return Json{{"id", v.row.id},
              {"due_on", v.row.due_on},
              {"state", v.row.state},
              {"level", RegionLevelName(level)},
              {"region", RegionCode::FromInt(v.row.region_code).ToString()},
              {"overdue", v.overdue}};
}

Json ComplaintJson(const ComplaintView& v) {
  Json j = ComplaintSummaryJson(v);
  const ComplaintRow& c = v.row;
  j["handled_by"] = RegionCode::FromInt(c.level_code).ToString();
  j["channel"] = c.channel;
  j["subject"] = c.subject;
  j["text"] = c.text;
  j["name"] = c.name;
  j["phone"] = c.phone;
  j["handler"] = v.handler;
  j["household_code"] = c.household_code.empty() ? Json(nullptr) : Json(c.household_code);
  j["received_on"] = c.received_on;
  j["escalated_to"] =
      c.escalated_to == 0 ? Json(nullptr) : Json(RegionCode::FromInt(c.escalated_to).ToString());
  j["escalated_at"] = c.escalated_at.empty() ? Json(nullptr) : Json(c.escalated_at);
  j["answer"] = c.answer.empty() ? Json(nullptr) : Json(c.answer);
  j["evidence"] = c.evidence.empty() ? Json(nullptr) : Json(c.evidence);
  j["answered_by"] = c.answered_by.empty() ? Json(nullptr) : Json(c.answered_by);
  j["answered_at"] = c.answered_at.empty() ? Json(nullptr) : Json(c.answered_at);
  j["confirmed_at"] = c.confirmed_at.empty() ? Json(nullptr) : Json(c.confirmed_at);
  j["satisfied"] = c.satisfied ? Json(*c.satisfied) : Json(nullptr);
  j["case_id"] = c.case_id == 0 ? Json(nullptr) : Json(c.case_id);
  j["created_by"] = c.created_by;
  j["created_at"] = c.created_at;
  return j;
}

namespace {

Json CountsJson(const ComplaintCounts& n) {
  return Json{{"total", n.total},
              {"answered_on_time", n.answered_on_time},
              {"answered_late", n.answered_late},
              {"open", n.open},
              {"open_overdue", n.open_overdue},
              {"escalated", n.escalated},
              {"satisfied", n.satisfied},
              {"unsatisfied", n.unsatisfied}};
}

Reply Create(RouteContext& ctx, const HttpRequest& req) {
  auto body = ParseBody(req.body, {"channel", "region", "subject", "text", "name", "phone",
                                   "household_code", "open_case", "monitor_type"});
  if (!body.ok()) return Failure(body.error(), req.lang);
  FileComplaintRequest r;
  for (auto [key, field] :
       {std::pair{"channel", &r.channel}, std::pair{"region", &r.region},
        std::pair{"subject", &r.subject}, std::pair{"text", &r.text}, std::pair{"name", &r.name},
        std::pair{"phone", &r.phone}, std::pair{"household_code", &r.household_code}}) {
    auto text = Text(*body, key);
    if (!text.ok()) return Failure(text.error(), req.lang);
    *field = std::move(*text);
  }
  if (body->contains("open_case") && !(*body)["open_case"].is_null()) {
    if (!(*body)["open_case"].is_boolean()) {
      return Failure(
          Error{"E_FORMAT", "open_case 应为 true 或 false", "open_case must be true or false"},
          req.lang);
    }
    r.open_case = (*body)["open_case"].get<bool>();
  }
  if (body->contains("monitor_type") && !(*body)["monitor_type"].is_null()) {
    const Json& t = (*body)["monitor_type"];
    if (!t.is_number_integer() || t.get<int64_t>() < 1 || t.get<int64_t>() > 3) {
      return Failure(Error{"E_FORMAT", "monitor_type 应为 1–3", "monitor_type must be 1–3"},
                     req.lang);
    }
    r.monitor_type = static_cast<int>(t.get<int64_t>());
  }
  auto view = FileComplaint(ctx.store, ctx.policy, req.caller, r);
  if (!view.ok()) return Failure(view.error(), req.lang);
  return Data(ComplaintSummaryJson(*view), 201);
}

// ?region= (default the caller's), state=, overdue=true, page=, size=.
Reply List(RouteContext& ctx, const HttpRequest& req) {
  const Query& q = req.query;
  ComplaintListQuery query;
  query.region = std::string(q.Get("region").substr(0, 16));
  query.state = std::string(q.Get("state").substr(0, 16));
  auto overdue = BoolParam(q, "overdue");
  if (!overdue.ok()) return Failure(overdue.error(), req.lang);
  query.overdue = *overdue;
  auto paging = PageParam(q);
  if (!paging.ok()) return Failure(paging.error(), req.lang);
  query.limit = paging->size;
  query.offset = paging->offset;
  auto list = ListComplaints(ctx.store, req.caller, query);
  if (!list.ok()) return Failure(list.error(), req.lang);
  Json items = Json::array();
  for (const auto& v : list->items) items.push_back(ComplaintJson(v));
  return Data(Json{{"total", list->total}, {"items", items}});
}

Reply Show(RouteContext& ctx, const HttpRequest& req) {
  auto id = ComplaintId(req);
  if (!id.ok()) return Failure(id.error(), req.lang);
  auto view = GetComplaint(ctx.store, req.caller, *id);
  if (!view.ok()) return Failure(view.error(), req.lang);
  return Data(ComplaintJson(*view));
}

Reply Answer(RouteContext& ctx, const HttpRequest& req) {
  auto id = ComplaintId(req);
  if (!id.ok()) return Failure(id.error(), req.lang);
  auto body = ParseBody(req.body, {"answer", "evidence"});
  if (!body.ok()) return Failure(body.error(), req.lang);
  auto answer = Text(*body, "answer");
  if (!answer.ok()) return Failure(answer.error(), req.lang);
  auto evidence = Text(*body, "evidence");
  if (!evidence.ok()) return Failure(evidence.error(), req.lang);
  auto view = AnswerComplaint(ctx.store, req.caller, *id, *answer, *evidence);
  if (!view.ok()) return Failure(view.error(), req.lang);
  return Data(ComplaintJson(*view));
}

Reply Confirm(RouteContext& ctx, const HttpRequest& req) {
  auto id = ComplaintId(req);
  if (!id.ok()) return Failure(id.error(), req.lang);
  auto body = ParseBody(req.body, {"satisfied"});
  if (!body.ok()) return Failure(body.error(), req.lang);
  if (!body->contains("satisfied") || !(*body)["satisfied"].is_boolean()) {
    return Failure(
        Error{"E_FORMAT", "satisfied 应为 true 或 false", "satisfied must be true or false"},
        req.lang);
  }
  auto view = ConfirmComplaint(ctx.store, req.caller, *id, (*body)["satisfied"].get<bool>());
  if (!view.ok()) return Failure(view.error(), req.lang);
  return Data(ComplaintJson(*view));
}

}  // namespace

Json ComplaintStatsJson(const ComplaintStats& s) {
  const ComplaintStats* stats = &s;
  Json regions = Json::array();
  for (const auto& [code, n] : stats->by_region) {
    Json row = CountsJson(n);
    row["region"] = RegionCode::FromInt(code).ToString();
    regions.push_back(row);
  }
  Json subjects = Json::array();
  for (const auto& [subject, n] : stats->by_subject) {
    Json row = CountsJson(n);
    row["subject"] = subject;
    subjects.push_back(row);
  }
  return Json{{"region", stats->region.ToString()},
              {"all", CountsJson(stats->all)},
              {"by_region", regions},
              {"by_subject", subjects}};
}

namespace {

// ?region= (default the caller's).
Reply Stats(RouteContext& ctx, const HttpRequest& req) {
  auto stats = ComplaintStatistics(ctx.store, req.caller,
                                   std::string(req.query.Get("region").substr(0, 16)));
  if (!stats.ok()) return Failure(stats.error(), req.lang);
  return Data(ComplaintStatsJson(*stats));
}

}  // namespace

void AddComplaintRoutes(Routes& routes) {
  routes.push_back({"POST", "/api/v1/complaints", true, Work::kWrite, Create, nullptr});
  routes.push_back({"GET", "/api/v1/complaints", true, Work::kWrite, List, nullptr});
  routes.push_back({"GET", "/api/v1/complaints/stats", true, Work::kWrite, Stats, nullptr});
  routes.push_back({"GET", "/api/v1/complaints/:id", true, Work::kWrite, Show, nullptr});
  routes.push_back({"POST", "/api/v1/complaints/:id/answer", true, Work::kWrite, Answer, nullptr});
  routes.push_back(
      {"POST", "/api/v1/complaints/:id/confirm", true, Work::kWrite, Confirm, nullptr});
}

}  // namespace fupin
