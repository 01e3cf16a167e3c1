// The policy engine's assessments: exit, monitoring candidates, village and county exit.
#include "api/reply.h"
#include "api/routes/routes.h"
#include "service/policy/assess_service.h"
#include "views/json_views.h"

namespace fupin {
namespace {

Reply Assess(RouteContext& ctx, const HttpRequest& req, const std::string& kind) {
  const Caller& caller = req.caller;
  const Lang lang = req.lang;
  if (!RoleMay(caller.user.role, Permission::kAssess)) return Failure(Forbidden(), lang);
  auto year = YearParam(req.query);
  if (!year.ok()) return Failure(year.error(), lang);
  auto region = RegionParam(req.query.Get("region"), caller);
  if (!region.ok()) return Failure(region.error(), lang);
  if (!caller.InScope(*region)) return Failure(RegionNotFound(*region), lang);
  if (kind == "exit") {
    auto results = AssessExits(ctx.store, ctx.policy, *year, *region);
    if (!results.ok()) return Failure(results.error(), lang);
    if (Status s = KeepVisible(ctx.store, caller, *results); !s.ok()) {
      return Failure(s.error(), lang);
    }
    return Data(ExitResultsJson(*results));
  }
  if (kind == "monitor") {
    auto results = AssessMonitoringCandidates(ctx.store, ctx.policy, *year, *region);
    if (!results.ok()) return Failure(results.error(), lang);
    if (Status s = KeepVisible(ctx.store, caller, *results); !s.ok()) {
      return Failure(s.error(), lang);
    }
    return Data(MonitorResultsJson(*results));
  }
  const std::string level =
      req.query.Has("level") ? std::string(req.query.Get("level")) : "village";
  if (level != "village" && level != "county") {
    return Failure(
        Error::Usage("level 只能是 village 或 county", "level must be village or county"), lang);
  }
  const bool county = level == "county";
  auto results = AssessRegions(ctx.store, ctx.policy, *year,
                               county ? RegionLevel::kCounty : RegionLevel::kVillage, *region);
  if (!results.ok()) return Failure(results.error(), lang);
  return Data(RegionResultsJson(*results, county));
}

}  // namespace

void AddAssessmentRoutes(Routes& routes) {
  for (const char* kind : {"exit", "monitor", "regions"}) {
    routes.push_back(
        {"GET", std::string("/api/v1/assessments/") + kind, true, Work::kRead,
         [kind](RouteContext& ctx, const HttpRequest& req) { return Assess(ctx, req, kind); },
         nullptr});
  }
}

}  // namespace fupin
