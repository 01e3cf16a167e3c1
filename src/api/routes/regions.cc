// Regions: one region, its children, its summary (spec/api.md).
#include "api/reply.h"
#include "api/routes/routes.h"
#include "service/register/report_service.h"
#include "views/json_views.h"

namespace fupin {
namespace {

Reply Region(RouteContext& ctx, const HttpRequest& req, bool children) {
  const Lang lang = req.lang;
  auto code = RegionParam(req.Param("code"), req.caller);
  if (!code.ok()) return Failure(code.error(), lang);
  if (!req.caller.InScope(*code)) return Failure(RegionNotFound(*code), lang);
  Json region;
  if (*code == RegionCode::Nation()) {
    region = Json{
        {"code", code->ToString()}, {"name", "全国"}, {"level", 0}, {"rural_population", nullptr}};
  } else {
    auto row = ctx.store.GetRegion(*code);
    if (!row.ok()) return Failure(row.error(), lang);
    if (!row->has_value()) return Failure(RegionNotFound(*code), lang);
    region = Json{{"code", code->ToString()},
                  {"name", (*row)->name},
                  {"level", static_cast<int>(code->level())},
                  {"rural_population",
                   (*row)->rural_population ? Json(*(*row)->rural_population) : Json(nullptr)}};
  }
  if (children) {
    auto kids = ctx.store.Children(*code);
    if (!kids.ok()) return Failure(kids.error(), lang);
    Json list = Json::array();
    for (const auto& k : *kids) {
      list.push_back(Json{{"code", k.code.ToString()},
                          {"name", k.name},
                          {"level", static_cast<int>(k.code.level())}});
    }
    region["children"] = std::move(list);
  }
  return Data(region);
}

Reply Summary(RouteContext& ctx, const HttpRequest& req) {
  auto code = RegionParam(req.Param("code"), req.caller);
  if (!code.ok()) return Failure(code.error(), req.lang);
  if (!req.caller.InScope(*code)) return Failure(RegionNotFound(*code), req.lang);
  // The dashboard reads the aggregates from the read replica when the server has one.
  Store* store = &ctx.store;
  if (ctx.open_replica) {
    auto replica = ctx.open_replica();
    if (!replica.ok()) return Failure(replica.error(), req.lang);
    store = *replica;
  }
  auto summary =
      ctx.summaries ? ctx.summaries->Summarize(*store, *code) : SummarizeRegion(*store, *code);
  if (!summary.ok()) {
    return Failure(summary.error().code == "E_REGION" ? RegionNotFound(*code) : summary.error(),
                   req.lang);
  }
  return Data(SummaryJson(*summary));
}

}  // namespace

void AddRegionRoutes(Routes& routes) {
  routes.push_back({"GET", "/api/v1/regions/:code/summary", true, Work::kRead, Summary, nullptr});
  routes.push_back(
      {"GET", "/api/v1/regions/:code/children", true, Work::kRead,
       [](RouteContext& ctx, const HttpRequest& req) { return Region(ctx, req, true); }, nullptr});
  routes.push_back(
      {"GET", "/api/v1/regions/:code", true, Work::kRead,
       [](RouteContext& ctx, const HttpRequest& req) { return Region(ctx, req, false); }, nullptr});
}

}  // namespace fupin
