// The policy engine's assessments: exit, monitoring candidates, village and county exit.
#include "api/reply.h"
#include "api/routes/routes.h"
#include "service/policy/assess_export_service.h"
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
    return DataText(ExitResultsText(*results));
  }
  if (kind == "monitor") {
    auto results = AssessMonitoringCandidates(ctx.store, ctx.policy, *year, *region);
    if (!results.ok()) return Failure(results.error(), lang);
    if (Status s = KeepVisible(ctx.store, caller, *results); !s.ok()) {
      return Failure(s.error(), lang);
    }
    return DataText(MonitorResultsText(*results));
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

// GET /exports/assessments/{exit,monitor,regions}.xlsx: the same lists as one sheet each
// (the service checks the role and the scope, and audits).
Reply Export(RouteContext& ctx, const HttpRequest& req, const std::string& kind) {
  const Caller& caller = req.caller;
  const Lang lang = req.lang;
  auto year = YearParam(req.query);
  if (!year.ok()) return Failure(year.error(), lang);
  auto region = RegionParam(req.query.Get("region"), caller);
  if (!region.ok()) return Failure(region.error(), lang);
  AssessList list = kind == "exit" ? AssessList::kExit : AssessList::kMonitor;
  if (kind == "regions") {
    const std::string level =
        req.query.Has("level") ? std::string(req.query.Get("level")) : "village";
    if (level != "village" && level != "county") {
      return Failure(
          Error::Usage("level 只能是 village 或 county", "level must be village or county"), lang);
    }
    list = level == "county" ? AssessList::kCounties : AssessList::kVillages;
  }
  auto sheet = AssessmentForExport(ctx.store, ctx.policy, caller, list, *year, *region);
  if (!sheet.ok()) return Failure(sheet.error(), lang);
  auto bytes = WorkbookBytes(ctx.database_path, [&](XlsxWriter& book) -> Status {
    SheetLayout layout;
    layout.columns.resize(sheet->rows.front().size());
    for (size_t c = 0; c < sheet->formats.size() && c < layout.columns.size(); ++c) {
      layout.columns[c].format = sheet->formats[c];
    }
    auto out = book.AddSheet(sheet->name, layout);
    if (!out.ok()) return Error::Io("无法写入工作簿", "cannot write the workbook");
    for (const auto& row : sheet->rows) FUPIN_RETURN_IF_ERROR((*out)->WriteRow(row));
    return Status::Ok();
  });
  if (!bytes.ok()) return Failure(bytes.error(), lang);
  return Workbook(std::move(*bytes), kind == "exit"      ? "assess-exit.xlsx"
                                     : kind == "monitor" ? "assess-monitor.xlsx"
                                                         : "assess-regions.xlsx");
}

}  // namespace

void AddAssessmentRoutes(Routes& routes) {
  for (const char* kind : {"exit", "monitor", "regions"}) {
    routes.push_back(
        {"GET", std::string("/api/v1/assessments/") + kind, true, Work::kRead,
         [kind](RouteContext& ctx, const HttpRequest& req) { return Assess(ctx, req, kind); },
         nullptr});
  }
  routes.push_back(
      {"GET", "/api/v1/exports/assessments/exit.xlsx", true, Work::kRead,
       [](RouteContext& ctx, const HttpRequest& req) { return Export(ctx, req, "exit"); },
       nullptr});
  routes.push_back(
      {"GET", "/api/v1/exports/assessments/monitor.xlsx", true, Work::kRead,
       [](RouteContext& ctx, const HttpRequest& req) { return Export(ctx, req, "monitor"); },
       nullptr});
  routes.push_back(
      {"GET", "/api/v1/exports/assessments/regions.xlsx", true, Work::kRead,
       [](RouteContext& ctx, const HttpRequest& req) { return Export(ctx, req, "regions"); },
       nullptr});
}

}  // namespace fupin
