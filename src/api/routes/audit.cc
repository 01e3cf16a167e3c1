// GET /audit: a page of the audit trail, for the roles that may read it.
#include "api/reply.h"
#include "api/routes/routes.h"
#include "common/id_number.h"
#include "service/accounts/audit_service.h"

namespace fupin {
namespace {

// ?since= / ?until=: an instant of ISO 8601 in UTC as the trail keeps it
// (2026-06-29T16:00:00Z) or a date (2026-06-29, its start in UTC); E_FORMAT otherwise.
Result<std::string> InstantParam(const Query& q, const char* name) {
  if (!q.Has(name)) return std::string();
  const std::string_view v = q.Get(name);
  const std::string_view shape = v.size() == 10   ? "dddd-dd-dd"
                                 : v.size() == 20 ? "dddd-dd-ddTdd:dd:ddZ"
                                                  : "";
  bool ok = !shape.empty();
  for (std::size_t i = 0; ok && i < v.size(); ++i) {
    ok = shape[i] == 'd' ? (v[i] >= '0' && v[i] <= '9') : v[i] == shape[i];
  }
  if (!ok) {
    return Error{"E_FORMAT", std::string(name) + " 应为 2026-06-29 或 2026-06-29T16:00:00Z",
                 std::string(name) + " must be like 2026-06-29 or 2026-06-29T16:00:00Z"};
  }
  return std::string(v);
}

Reply Audit(RouteContext& ctx, const HttpRequest& req) {
  const Lang lang = req.lang;
  if (!RoleMay(req.caller.user.role, Permission::kReadAudit)) return Failure(Forbidden(), lang);
  AuditQuery query;
  if (req.query.Has("actor")) query.actor = std::string(req.query.Get("actor").substr(0, 128));
  if (req.query.Has("action")) {
    query.action_prefix = std::string(req.query.Get("action").substr(0, 128));
  }
  if (req.query.Has("target")) {
    query.target_prefix = std::string(req.query.Get("target").substr(0, 128));
  }
  auto since = InstantParam(req.query, "since");
  if (!since.ok()) return Failure(since.error(), lang);
  query.since = *since;
  auto until = InstantParam(req.query, "until");
  if (!until.ok()) return Failure(until.error(), lang);
  query.until = *until;
  auto page = IntParam(req.query, "page", 1, 1, 100000000);
  if (!page.ok()) return Failure(page.error(), lang);
  auto size = IntParam(req.query, "size", 50, 1, 500);
  if (!size.ok()) return Failure(size.error(), lang);
  query.limit = *size;
  query.offset = (*page - 1) * *size;
  auto result = SearchAudit(ctx.store, req.caller, query);
  if (!result.ok()) return Failure(result.error(), lang);
  // The trail holds no personal data by design; a number typed into a target is masked for
  // the roles that see masked data, as everywhere else.
  const bool masked = RoleSeesMaskedData(req.caller.user.role);
  auto shown = [masked](const std::string& text) {
    return masked ? MaskPersonalNumbers(text) : text;
  };
  Json items = Json::array();
  for (const auto& r : result->items) {
    items.push_back(Json{{"seq", r.seq},
                         {"at", r.at},
                         {"actor", r.actor},
                         {"role", r.role},
                         {"action", r.action},
                         {"target", shown(r.target)},
                         {"detail", shown(r.detail)},
                         {"region_code", RegionCode::FromInt(r.region_code).ToString()},
                         {"remote", r.remote},
                         {"hash", r.hash}});
  }
  return Data(Json{{"total", result->total}, {"items", items}});
}

}  // namespace

void AddAuditRoutes(Routes& routes) {
  routes.push_back({"GET", "/api/v1/audit", true, Work::kRead, Audit, nullptr});
}

}  // namespace fupin
