// GET /worklist: what the signed-in account has to do, in one call (issue 11 "Worklists").
#include <nlohmann/json.hpp>

#include "api/reply.h"
#include "api/routes/routes.h"
#include "service/procedures/worklist_service.h"
#include "views/care_json.h"
#include "views/case_json.h"

namespace fupin {
namespace {

Reply Get(RouteContext& ctx, const HttpRequest& req) {
  auto size = IntParam(req.query, "size", 20, 1, 200);
  if (!size.ok()) return Failure(size.error(), req.lang);
  auto list = WorklistOf(ctx.store, ctx.policy, req.caller, *size);
  if (!list.ok()) return Failure(list.error(), req.lang);
  Json unhelped = Json::array();
  for (const UnhelpedHousehold& h : list->without_helper) {
    unhelped.push_back({{"household_code", h.household_code},
                        {"village_code", RegionCode::FromInt(h.village_code).ToString()}});
  }
  return Data(
      Json{{"waiting", CaseListJson(list->waiting)},
           {"closable", CaseListJson(list->closable)},
           {"overdue", CaseListJson(list->overdue)},
           {"without_measure", StaleMonitoredJson(list->without_measure)},
           {"without_helper", {{"total", list->without_helper_total}, {"items", unhelped}}}});
}

}  // namespace

void AddWorklistRoutes(Routes& routes) {
  routes.push_back({"GET", "/api/v1/worklist", true, Work::kRead, Get, nullptr});
}

}  // namespace fupin
