#include "api/routes/routes.h"

namespace fupin {
namespace {

// The next segment of a path after `pos` (which points at a '/'), advancing `pos`.
std::string_view NextSegment(std::string_view path, std::size_t& pos) {
  if (pos >= path.size()) return {};
  const std::size_t start = pos + 1;
  std::size_t end = path.find('/', start);
  if (end == std::string_view::npos) end = path.size();
  pos = end;
  return path.substr(start, end - start);
}

bool Matches(std::string_view pattern, std::string_view path,
             std::vector<std::pair<std::string, std::string>>& params) {
  params.clear();
  std::size_t p = 0, q = 0;
  if (pattern.empty() || path.empty() || path[0] != '/') return false;
  while (p < pattern.size() && q < path.size()) {
    const std::string_view want = NextSegment(pattern, p);
    const std::string_view got = NextSegment(path, q);
    if (!want.empty() && want[0] == ':') {
      if (got.empty()) return false;
      params.emplace_back(std::string(want.substr(1)), std::string(got));
    } else if (want != got) {
      return false;
    }
  }
  return p >= pattern.size() && q >= path.size();
}

}  // namespace

Routes AllRoutes() {
  Routes routes;
  AddSessionRoutes(routes);
  AddRegionRoutes(routes);
  AddHouseholdRoutes(routes);
  AddImportRoutes(routes);
  AddAssessmentRoutes(routes);
  AddAuditRoutes(routes);
  AddCompareRoutes(routes);
  AddFindingRoutes(routes);
  AddCaseRoutes(routes);
  AddWorklistRoutes(routes);
  AddPrintRoutes(routes);
  AddMeasureRoutes(routes);
  AddAttachmentRoutes(routes);
  AddHelperRoutes(routes);
  AddUserRoutes(routes);
  AddFundRoutes(routes);
  AddComplaintRoutes(routes);  // 12317 complaints
  AddProjectRoutes(routes);    // project library
  AddLoanRoutes(routes);       // 扶贫小额信贷 microcredit
  return routes;
}

Routes AllRoutesAndPublicPages() {
  Routes routes = AllRoutes();
  AddPublicPageRoutes(routes);  // the public village page
  return routes;
}

const Route* MatchRoute(const Routes& routes, std::string_view method, std::string_view path,
                        std::vector<std::pair<std::string, std::string>>& params,
                        bool& path_known) {
  path_known = false;
  std::vector<std::pair<std::string, std::string>> found;
  for (const Route& route : routes) {
    if (!Matches(route.pattern, path, found)) continue;
    path_known = true;
    if (route.method == method) {
      params = std::move(found);
      return &route;
    }
  }
  return nullptr;
}

}  // namespace fupin
