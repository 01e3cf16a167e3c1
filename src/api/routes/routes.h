// The routes of the HTTP API, one file per resource (households.cc, findings.cc, …). Each
// handler sees a plain HttpRequest and the thread's store and policy, calls one service and
// shapes the Reply; nothing here knows RESTinio. The adapter (api/server.cc) decides on
// which thread a route runs from its Work.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "api/http.h"
#include "api/server.h"
#include "domain/policy.h"
#include "service/accounts/login_throttle.h"
#include "service/complaints/complaint_service.h"  // 12317 complaints
#include "service/disclosure/public_page.h"        // the public village page
#include "service/projects/project_service.h"      // project library
#include "service/register/report_service.h"
#include "service/register/search_view_cache.h"
#include "storage/store.h"
#include "views/json_views.h"  // 12317 complaints: Json

namespace fupin {

// What a handler may use: the calling thread's own connection and policy, and the server's
// settings. One thread at a time uses a RouteContext.
struct RouteContext {
  Store& store;
  const PolicySet& policy;
  const ServerConfig& config;
  LoginThrottle& throttle;
  // The register's file: temporary files (uploads, exports) are scratch entries beside it
  // (service/scratch.h), removed when done and swept after a crash.
  std::string database_path;
  // The server's cache of region summaries (service/register/report_service.h); none: read
  // the aggregates each time.
  SummaryCache* summaries = nullptr;
  // The server's columnar view of the households for the search
  // (service/register/search_view_cache.h); none: the search reads SQLite.
  SearchViewCache* search_views = nullptr;
  // The public village page (routes/public.cc): the server's cache of its rendered pages
  // and the limit of objections per client address; none: render each time, no limit.
  PublicPageCache* public_pages = nullptr;
  RateLimiter* objection_limit = nullptr;
  // The server's read replica (config read_database, a hot standby) for the dashboard's
  // region summaries: the thread's store of it, opened on first use. None: read `store`.
  std::function<Result<Store*>()> open_replica;
};

// Where a route runs: kRead on the reader threads; kWrite on the one writer thread, in
// arrival order, within a bounded wait (else 503 E_BUSY); kHash on the password-hashing
// thread (logins), within a bounded queue; kInline on the network thread, for the routes
// that need no store (health, the OpenAPI document).
enum class Work { kRead, kWrite, kHash, kInline };

struct Route {
  std::string method;   // "GET", "POST", "PUT", "DELETE"
  std::string pattern;  // "/api/v1/households/:code"
  bool needs_session = true;
  Work work = Work::kRead;
  std::function<Reply(RouteContext&, const HttpRequest&)> handle;  // all but kInline
  // Runs on the network thread before the request is queued, without a store: a reply here
  // answers at once (a throttled login), std::nullopt lets the request go on.
  std::function<std::optional<Reply>(const HttpRequest&, LoginThrottle&)> admit;
  std::function<Reply(const HttpRequest&)> handle_inline;  // kInline
};

using Routes = std::vector<Route>;

void AddSessionRoutes(Routes& routes);     // routes/session.cc: health, session, me
void AddRegionRoutes(Routes& routes);      // routes/regions.cc
void AddHouseholdRoutes(Routes& routes);   // routes/households.cc: search, detail, writes, export
void AddImportRoutes(Routes& routes);      // routes/imports.cc
void AddAssessmentRoutes(Routes& routes);  // routes/assessments.cc
void AddAuditRoutes(Routes& routes);       // routes/audit.cc
void AddCompareRoutes(Routes& routes);     // routes/compare.cc: department lists, quality checks
void AddFindingRoutes(Routes& routes);     // routes/findings.cc
void AddPrintRoutes(Routes& routes);       // routes/print.cc: policy card, notices
void AddWorklistRoutes(Routes& routes);    // routes/worklist.cc
void AddCaseRoutes(Routes& routes);        // routes/cases.cc: 办件 and their moves
void AddMeasureRoutes(Routes& routes);     // routes/measures.cc: measures, visits, timeline
void AddAttachmentRoutes(Routes& routes);  // routes/attachments.cc
void AddHelperRoutes(Routes& routes);  // routes/helpers.cc: helpers, their households, work teams
void AddUserRoutes(Routes& routes);    // routes/users.cc: user administration (admins)
void AddFundRoutes(Routes& routes);    // routes/funds.cc: funds, allocations, disbursements
void AddComplaintRoutes(Routes& routes);  // routes/complaints.cc: 12317 complaints
void AddLoanRoutes(Routes& routes);       // routes/loans.cc: 扶贫小额信贷 microcredit
// 12317 complaints as JSON (routes/complaints.cc; also `fupin complaints … --json`): the
// fixed reply of POST /complaints, a whole complaint, the statistics.
Json ComplaintSummaryJson(const ComplaintView& view);
Json ComplaintJson(const ComplaintView& view);
Json ComplaintStatsJson(const ComplaintStats& stats);
// Project library (扶贫项目库): routes/projects.cc; ProjectJson is also `fupin projects …
// --json` (full: with steps, progress and assets).
void AddProjectRoutes(Routes& routes);
Json ProjectJson(const ProjectView& view, bool full);
// The projects table of a region and year (project_report.h), also `fupin projects report
// --json`.
struct ProjectReport;
Json ProjectReportJson(const ProjectReport& report);
// Projects by stage and category (project_report.h ProjectStatistics): GET /projects/stats,
// also `fupin projects stats --json`.
struct ProjectStats;
Json ProjectStatsJson(const ProjectStats& stats);
// The body of POST /projects (also `fupin projects add --file`), read for `caller`.
Result<ProjectInput> ParseProjectInput(std::string_view body, const Caller& caller);

// Every route of the API.
Routes AllRoutes();

// The public village page (公示栏, routes/public.cc): HTML pages without sign-in outside the
// JSON API — /public/villages/:code, …/archive, …/print, …/qr.svg and POST …/objections —
// so neither in openapi.json (whose paths are the API's, under /api/v1) nor in AllRoutes.
void AddPublicPageRoutes(Routes& pages);
// What the server serves: AllRoutes and the public pages.
Routes AllRoutesAndPublicPages();

// The route for a method and path, with its parameters; `path_known` tells whether some
// route has this path with another method (405 rather than 404). nullptr when none matches.
const Route* MatchRoute(const Routes& routes, std::string_view method, std::string_view path,
                        std::vector<std::pair<std::string, std::string>>& params, bool& path_known);

}  // namespace fupin
