// The print views (issue 11): HTML pages with print CSS, in Chinese — a household's policy
// card (明白卡) and the notice of a village's cases of one kind (公示 / 公告).
#include "api/reply.h"
#include "api/routes/routes.h"
#include "service/procedures/print_service.h"
#include "views/print_views.h"

namespace fupin {
namespace {

Reply Html(std::string body) {
  Reply reply;
  reply.body = std::move(body);
  reply.content_type = "text/html; charset=utf-8";
  // Nothing but the page's own inline style may load or run.
  reply.headers.emplace_back(
      "Content-Security-Policy",
      "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'");
  return reply;
}

Reply PolicyCardRoute(RouteContext& ctx, const HttpRequest& req) {
  const std::string code(req.Param("code").substr(0, 64));
  auto card = PolicyCardOf(ctx.store, req.caller, code);
  if (!card.ok()) return Failure(card.error(), req.lang);
  return Html(PolicyCardHtml(*card));
}

Reply NoticeRoute(RouteContext& ctx, const HttpRequest& req) {
  const Lang lang = req.lang;
  auto village = RegionCode::Parse(req.query.Get("village"));
  if (!village.ok()) {
    return Failure(
        Error{"E_REQUIRED", "须给出村的区划代码 village", "village (a village code) is required"},
        lang);
  }
  const auto kind = ParseProcedureKind(req.query.Get("kind"));
  if (!kind) {
    return Failure(
        Error::Usage("kind 应为 identify、exit、return、remove、monitor 或 eliminate",
                     "kind must be identify, exit, return, remove, monitor or eliminate"),
        lang);
  }
  int year = Date::Today().year();
  if (req.query.Has("year")) {
    auto y = YearParam(req.query);
    if (!y.ok()) return Failure(y.error(), lang);
    year = *y;
  }
  auto sheet = NoticeOf(ctx.store, ctx.policy, req.caller, *village, *kind, year);
  if (!sheet.ok()) return Failure(sheet.error(), lang);
  return Html(NoticeHtml(*sheet));
}

}  // namespace

void AddPrintRoutes(Routes& routes) {
  routes.push_back(
      {"GET", "/api/v1/print/policy-card/:code", true, Work::kRead, PolicyCardRoute, nullptr});
  routes.push_back({"GET", "/api/v1/print/notice", true, Work::kRead, NoticeRoute, nullptr});
}

}  // namespace fupin
