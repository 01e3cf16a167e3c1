// Measures (帮扶措施) and visits (走访) of a household, its timeline, the measure
// categories of codes.md, and the monitored households without a recent measure.
#include "api/reply.h"
#include "api/routes/routes.h"
#include "domain/codes.h"
#include "service/procedures/measure_service.h"
#include "service/procedures/timeline_service.h"
#include "views/care_json.h"

namespace fupin {
namespace {

bool Masked(const HttpRequest& req) { return RoleSeesMaskedData(req.caller.user.role); }

std::string Household(const HttpRequest& req) {
  return std::string(req.Param("code").substr(0, 64));
}

Error NotText(const char* key) {
  return Error{"E_FORMAT", std::string(key) + " 应为字符串",
               std::string(key) + " must be a string"};
}

// A member that holds text: a string (a number is taken as its text, for amounts and
// codes); "" when absent or null.
Result<std::string> TextMember(const Json& body, const char* key, bool numbers = false) {
  if (!body.contains(key) || body[key].is_null()) return std::string();
  const Json& v = body[key];
  if (v.is_string()) return v.get<std::string>();
  if (numbers && v.is_number_integer()) return std::to_string(v.get<int64_t>());
  if (numbers && v.is_number_unsigned()) return std::to_string(v.get<uint64_t>());
  if (numbers && v.is_number_float()) return v.dump();
  return NotText(key);
}

Reply ListMeasuresRoute(RouteContext& ctx, const HttpRequest& req) {
  auto measures = ListMeasures(ctx.store, req.caller, Household(req));
  if (!measures.ok()) return Failure(measures.error(), req.lang);
  Json items = Json::array();
  for (const auto& m : *measures) items.push_back(MeasureJson(m, Masked(req)));
  return Data(items);
}

Reply AddMeasureRoute(RouteContext& ctx, const HttpRequest& req) {
  auto body = ParseBody(req.body, {"category", "date", "amount", "description"});
  if (!body.ok()) return Failure(body.error(), req.lang);
  MeasureInput input;
  for (auto [key, field, numbers] :
       {std::tuple{"category", &input.category, true}, std::tuple{"date", &input.date, false},
        std::tuple{"amount", &input.amount, true},
        std::tuple{"description", &input.description, false}}) {
    auto text = TextMember(*body, key, numbers);
    if (!text.ok()) return Failure(text.error(), req.lang);
    *field = std::move(*text);
  }
  auto measure = AddMeasure(ctx.store, req.caller, Household(req), input);
  if (!measure.ok()) return Failure(measure.error(), req.lang);
  return Data(MeasureJson(*measure, Masked(req)), 201);
}

Reply ListVisitsRoute(RouteContext& ctx, const HttpRequest& req) {
  auto visits = ListVisits(ctx.store, req.caller, Household(req));
  if (!visits.ok()) return Failure(visits.error(), req.lang);
  Json items = Json::array();
  for (const auto& v : *visits) items.push_back(VisitJson(v, Masked(req)));
  return Data(items);
}

Reply AddVisitRoute(RouteContext& ctx, const HttpRequest& req) {
  auto body = ParseBody(req.body, {"date", "helper_id", "findings", "attachments"});
  if (!body.ok()) return Failure(body.error(), req.lang);
  VisitInput input;
  auto date = TextMember(*body, "date");
  if (!date.ok()) return Failure(date.error(), req.lang);
  input.date = std::move(*date);
  auto findings = TextMember(*body, "findings");
  if (!findings.ok()) return Failure(findings.error(), req.lang);
  input.findings = std::move(*findings);
  if (body->contains("helper_id") && !(*body)["helper_id"].is_null()) {
    const Json& id = (*body)["helper_id"];
    if (!id.is_number_integer()) {
      return Failure(
          Error{"E_NUMBER", "helper_id 应为正整数", "helper_id must be a positive whole number"},
          req.lang);
    }
    input.helper_id = id.get<int64_t>();
  }
  if (body->contains("attachments") && !(*body)["attachments"].is_null()) {
    const Json& ids = (*body)["attachments"];
    const Error bad{"E_FORMAT", "attachments 应为附件编号的列表",
                    "attachments must be a list of attachment ids"};
    if (!ids.is_array()) return Failure(bad, req.lang);
    for (const Json& id : ids) {
      if (!id.is_number_integer() || id.get<int64_t>() <= 0) return Failure(bad, req.lang);
      input.attachments.push_back(id.get<int64_t>());
    }
  }
  auto visit = AddVisit(ctx.store, req.caller, Household(req), input);
  if (!visit.ok()) return Failure(visit.error(), req.lang);
  return Data(VisitJson(*visit, Masked(req)), 201);
}

Reply TimelineRoute(RouteContext& ctx, const HttpRequest& req) {
  auto timeline = HouseholdTimeline(ctx.store, req.caller, Household(req));
  if (!timeline.ok()) return Failure(timeline.error(), req.lang);
  return Data(TimelineJson(*timeline, Masked(req)));
}

Reply CategoriesRoute(RouteContext&, const HttpRequest&) {
  Json items = Json::array();
  for (const CodeEntry& e : CodeEntries(CodeList::kMeasureCategory)) {
    items.push_back(Json{{"code", std::string(e.text)},
                         {"label", std::string(e.label)},
                         {"development", e.code >= 1 && e.code <= 4}});
  }
  return Data(items);
}

// ?region= (default the caller's), days= (default 30), page=, size=.
Reply DueRoute(RouteContext& ctx, const HttpRequest& req) {
  auto region = RegionParam(req.query.Get("region"), req.caller);
  if (!region.ok()) return Failure(region.error(), req.lang);
  auto days = IntParam(req.query, "days", 30, 1, 3660);
  if (!days.ok()) return Failure(days.error(), req.lang);
  auto page = IntParam(req.query, "page", 1, 1, 100000000);
  if (!page.ok()) return Failure(page.error(), req.lang);
  auto size = IntParam(req.query, "size", 50, 1, 500);
  if (!size.ok()) return Failure(size.error(), req.lang);
  auto due = MonitoredWithoutRecentMeasure(ctx.store, req.caller, *region, static_cast<int>(*days),
                                           (*page - 1) * *size, *size);
  if (!due.ok()) return Failure(due.error(), req.lang);
  return Data(StaleMonitoredJson(*due));
}

}  // namespace

void AddMeasureRoutes(Routes& routes) {
  routes.push_back(
      {"GET", "/api/v1/households/:code/measures", true, Work::kRead, ListMeasuresRoute, nullptr});
  routes.push_back(
      {"POST", "/api/v1/households/:code/measures", true, Work::kWrite, AddMeasureRoute, nullptr});
  routes.push_back(
      {"GET", "/api/v1/households/:code/visits", true, Work::kRead, ListVisitsRoute, nullptr});
  routes.push_back(
      {"POST", "/api/v1/households/:code/visits", true, Work::kWrite, AddVisitRoute, nullptr});
  routes.push_back(
      {"GET", "/api/v1/households/:code/timeline", true, Work::kRead, TimelineRoute, nullptr});
  routes.push_back(
      {"GET", "/api/v1/measure-categories", true, Work::kRead, CategoriesRoute, nullptr});
  routes.push_back({"GET", "/api/v1/measures/due", true, Work::kRead, DueRoute, nullptr});
}

}  // namespace fupin
