// Findings of the cross-check: the list, counts per rule and village, decisions and the
// XLSX export.
#include "api/reply.h"
#include "api/routes/routes.h"
#include "service/crosscheck/compare_service.h"
#include "views/finding_table.h"
#include "views/json_views.h"

namespace fupin {
namespace {

// The filters of GET /findings and GET /exports/findings.xlsx: region (default: the
// caller's; the service answers 404 outside the scope), rule, status, list, page and size.
Result<FindingQuery> FindingQueryFrom(const Query& q, const Caller& caller) {
  FindingQuery query;
  auto region = RegionParam(q.Get("region"), caller);
  if (!region.ok()) return region.error();
  query.region = *region;
  if (q.Has("rule")) query.rule = std::string(q.Get("rule").substr(0, 64));
  if (q.Has("status")) {
    query.status = std::string(q.Get("status").substr(0, 16));
    if (!query.status.empty() && query.status != "open" && query.status != "confirmed" &&
        query.status != "dismissed") {
      return Error::Usage("status 只能是 open、confirmed 或 dismissed",
                          "status must be open, confirmed or dismissed");
    }
  }
  auto list = IntParam(q, "list", 0, 1, 999999999);
  if (!list.ok()) return list.error();
  query.list_id = *list;
  auto page = IntParam(q, "page", 1, 1, 100000000);
  if (!page.ok()) return page.error();
  auto size = IntParam(q, "size", 50, 1, 500);
  if (!size.ok()) return size.error();
  query.limit = *size;
  query.offset = (*page - 1) * *size;
  return query;
}

Reply List(RouteContext& ctx, const HttpRequest& req) {
  auto query = FindingQueryFrom(req.query, req.caller);
  if (!query.ok()) return Failure(query.error(), req.lang);
  const bool masked = RoleSeesMaskedData(req.caller.user.role);
  auto page = SearchFindings(ctx.store, req.caller, *query);
  if (!page.ok()) return Failure(page.error(), req.lang);
  Json items = Json::array();
  for (const auto& f : page->items) items.push_back(FindingJson(f, masked));
  return Data(Json{{"total", page->total}, {"items", items}});
}

// Every match, one sheet (the service checks the role, masks and audits).
Reply Export(RouteContext& ctx, const HttpRequest& req) {
  auto query = FindingQueryFrom(req.query, req.caller);
  if (!query.ok()) return Failure(query.error(), req.lang);
  auto findings = FindingsForExport(ctx.store, req.caller, *query);
  if (!findings.ok()) return Failure(findings.error(), req.lang);
  auto bytes = WorkbookBytes(ctx.database_path, [&](XlsxWriter& book) -> Status {
    // A header to freeze and filter; numbers as numbers, codes and ID numbers as text.
    auto sheet = book.AddSheet("核查发现", FindingSheetLayout());
    if (!sheet.ok()) return Error::Io("无法写入工作簿", "cannot write the workbook");
    FUPIN_RETURN_IF_ERROR((*sheet)->WriteRow(FindingTableHeader()));
    for (const auto& f : *findings) FUPIN_RETURN_IF_ERROR((*sheet)->WriteRow(FindingTableRow(f)));
    return Status::Ok();
  });
  if (!bytes.ok()) return Failure(bytes.error(), req.lang);
  return Workbook(std::move(*bytes), "findings.xlsx");
}

Reply Counts(RouteContext& ctx, const HttpRequest& req) {
  auto region = RegionParam(req.query.Get("region"), req.caller);
  if (!region.ok()) return Failure(region.error(), req.lang);
  if (!req.caller.InScope(*region)) return Failure(RegionNotFound(*region), req.lang);
  auto counts = CountFindings(ctx.store, req.caller, *region);
  if (!counts.ok()) return Failure(counts.error(), req.lang);
  return Data(FindingCountsJson(*counts));
}

Reply Decide(RouteContext& ctx, const HttpRequest& req, bool confirm) {
  const Lang lang = req.lang;
  const std::string id(req.Param("id").substr(0, 32));
  // Not a finding's number is no finding: 404 as for one that does not exist.
  if (id.empty() || id.size() > 18 || id.find_first_not_of("0123456789") != std::string::npos ||
      std::stoll(id) <= 0) {
    return Failure(Error::NotFound("没有这条核查发现：" + id, "no such finding: " + id), lang);
  }
  std::string reason;
  if (!BlankBody(req.body)) {
    auto body = ParseBody(req.body, {"reason"});
    if (!body.ok()) return Failure(body.error(), lang);
    if (body->contains("reason") && !(*body)["reason"].is_null()) {
      if (!(*body)["reason"].is_string()) {
        return Failure(Error{"E_FORMAT", "reason 应为字符串", "reason must be a string"}, lang);
      }
      reason = (*body)["reason"].get<std::string>();
    }
  }
  // The service looks the finding up (404 outside the scope) before it checks the role
  // (403), and asks for a dismissal's reason (E_REQUIRED) last.
  auto row = DecideFinding(ctx.store, req.caller, std::stoll(id), confirm, reason);
  if (!row.ok()) return Failure(row.error(), lang);
  return Data(FindingJson(*row, RoleSeesMaskedData(req.caller.user.role)));
}

}  // namespace

void AddFindingRoutes(Routes& routes) {
  routes.push_back({"GET", "/api/v1/findings", true, Work::kRead, List, nullptr});
  routes.push_back({"GET", "/api/v1/findings/counts", true, Work::kRead, Counts, nullptr});
  routes.push_back(
      {"POST", "/api/v1/findings/:id/confirm", true, Work::kWrite,
       [](RouteContext& ctx, const HttpRequest& req) { return Decide(ctx, req, true); }, nullptr});
  routes.push_back(
      {"POST", "/api/v1/findings/:id/dismiss", true, Work::kWrite,
       [](RouteContext& ctx, const HttpRequest& req) { return Decide(ctx, req, false); }, nullptr});
  routes.push_back({"GET", "/api/v1/exports/findings.xlsx", true, Work::kRead, Export, nullptr});
}

}  // namespace fupin
