// Households: the search, one household with its members and history, writes (create and
// update through the import's own row parser) and the XLSX export.
#include <optional>

#include "api/reply.h"
#include "api/routes/routes.h"
#include "common/id_number.h"
#include "exchange/template_workbook.h"
#include "service/register/criteria_service.h"
#include "service/register/household_service.h"
#include "views/json_views.h"

namespace fupin {
namespace {

// A JSON value as a template cell: strings as they are, numbers and booleans as text, a list
// of those joined by ";". Anything else (objects, nested lists, null) has no cell text.
std::optional<std::string> CellText(const Json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_boolean()) return std::string(v.get<bool>() ? "是" : "否");
  if (v.is_number_integer()) return std::to_string(v.get<int64_t>());
  if (v.is_number_unsigned()) return std::to_string(v.get<uint64_t>());
  if (v.is_number_float()) return v.dump();
  if (v.is_array()) {
    std::string out;
    for (const auto& item : v) {
      if (item.is_array() || item.is_object() || item.is_null()) return std::nullopt;
      auto text = CellText(item);  // one level: item is a scalar
      if (!text) return std::nullopt;
      out += (out.empty() ? "" : ";") + *text;
    }
    return out;
  }
  return std::nullopt;
}

CellIssue NotACell(const std::string& column) {
  return {"E_FORMAT", column, "", "值应为文本、数字、是否或它们的列表",
          "the value must be text, a number, a boolean or a list of those"};
}

// A household as JSON (template keys) through the import's own parser, so that the API
// and the import accept and refuse exactly the same values with the same codes.
bool HouseholdFromJson(const Json& body, Date today, Household& h, std::vector<CellIssue>& issues) {
  Record header{1, {}}, row{2, {}};
  for (auto it = body.begin(); it != body.end(); ++it) {
    if (it.key() == "members" || it.key() == "version") continue;
    auto text = CellText(it.value());
    if (!text && !it.value().is_null()) {
      issues.push_back(NotACell(it.key()));
      continue;
    }
    header.cells.push_back(it.key());
    row.cells.push_back(text.value_or(""));
  }
  if (!issues.empty()) return false;
  HeaderMap map = HeaderMap::Build(TemplateTable::kHouseholds, header, issues);
  if (!issues.empty()) return false;
  bool ok = ParseHouseholdRow(map, row, today, h, issues);
  if (!body.contains("members") || !body["members"].is_array()) {
    issues.push_back({"E_REQUIRED", "members", "", "缺少成员列表 members", "members are required"});
    return false;
  }
  const auto& members = body["members"];
  for (size_t i = 0; i < members.size(); ++i) {
    const std::string prefix = "members[" + std::to_string(i) + "]";
    if (!members[i].is_object()) {
      issues.push_back({"E_JSON", prefix, "", "成员应为对象", "a member must be an object"});
      ok = false;
      continue;
    }
    Record mh{1, {"household_code"}}, mr{2, {h.household_code}};
    std::vector<CellIssue> member_issues;
    for (auto it = members[i].begin(); it != members[i].end(); ++it) {
      if (it.key() == "household_code") continue;
      auto text = CellText(it.value());
      if (!text && !it.value().is_null()) {
        member_issues.push_back(NotACell(it.key()));
        continue;
      }
      mh.cells.push_back(it.key());
      mr.cells.push_back(text.value_or(""));
    }
    Member m;
    std::string code;
    if (member_issues.empty()) {
      HeaderMap member_map = HeaderMap::Build(TemplateTable::kMembers, mh, member_issues);
      if (member_issues.empty()) {
        ok &= ParseMemberRow(member_map, mr, today, m, code, member_issues);
      } else {
        ok = false;
      }
    } else {
      ok = false;
    }
    for (auto& issue : member_issues) {
      issue.column = prefix + "." + issue.column;
      issues.push_back(std::move(issue));
    }
    h.members.push_back(std::move(m));
  }
  for (const auto& i : issues) ok &= i.code[0] != 'E';
  return ok;
}

Result<HouseholdQuery> QueryFrom(const Query& q, const Caller& caller) {
  HouseholdQuery query;
  auto region = RegionParam(q.Get("region"), caller);
  if (!region.ok()) return region.error();
  query.region = *region;
  auto code_param = [&](const char* name, CodeList list, std::optional<int>& out) -> Status {
    if (q.Get(name).empty()) return Status::Ok();
    auto code = ParseCode(list, q.Get(name));
    if (!code) {
      return Error{"E_CODE", std::string(name) + " 的值不在代码表中",
                   std::string(name) + ": not in the code list"};
    }
    out = *code;
    return Status::Ok();
  };
  FUPIN_RETURN_IF_ERROR(code_param("kind", CodeList::kHouseholdKind, query.kind));
  FUPIN_RETURN_IF_ERROR(code_param("status", CodeList::kPovertyStatus, query.poverty_status));
  FUPIN_RETURN_IF_ERROR(code_param("attribute", CodeList::kAttribute, query.attribute));
  FUPIN_RETURN_IF_ERROR(code_param("main_cause", CodeList::kCause, query.main_cause));
  FUPIN_RETURN_IF_ERROR(code_param("monitor_type", CodeList::kMonitorType, query.monitor_type));
  FUPIN_RETURN_IF_ERROR(
      code_param("monitor_status", CodeList::kMonitorStatus, query.monitor_status));
  for (auto [name, target] :
       {std::pair{"income_min", &query.income_min}, std::pair{"income_max", &query.income_max}}) {
    if (q.Get(name).empty()) continue;
    auto money = Money::Parse(q.Get(name));
    if (!money.ok()) {
      return Error{"E_NUMBER", std::string(name) + " 不是金额",
                   std::string(name) + ": not an amount"};
    }
    *target = *money;
  }
  if (q.Has("name")) query.name = std::string(q.Get("name").substr(0, 50 * 4));
  if (q.Has("id_number")) query.id_number = std::string(q.Get("id_number").substr(0, 64));
  if (q.Has("sort")) {
    const auto sort = q.Get("sort");
    if (sort == "household_code") {
      query.sort = HouseholdQuery::Sort::kCode;
    } else if (sort == "village_code") {
      query.sort = HouseholdQuery::Sort::kVillage;
    } else if (sort == "per_capita_income") {
      query.sort = HouseholdQuery::Sort::kIncome;
    } else if (sort == "size") {
      query.sort = HouseholdQuery::Sort::kSize;
    } else {
      return Error{"E_USAGE", "sort 只能是 household_code、village_code、per_capita_income 或 size",
                   "sort must be household_code, village_code, per_capita_income or size"};
    }
  }
  query.descending = q.Get("order") == "desc";
  // count=0: the next page of a query already counted; the total is not counted again.
  query.count = !(q.Get("count") == "0" || q.Get("count") == "false");
  auto page = IntParam(q, "page", 1, 1, 100000000);
  if (!page.ok()) return page.error();
  auto size = IntParam(q, "size", 50, 1, 500);
  if (!size.ok()) return size.error();
  query.limit = *size;
  query.offset = (*page - 1) * *size;
  return query;
}

Reply Search(RouteContext& ctx, const HttpRequest& req) {
  auto query = QueryFrom(req.query, req.caller);
  if (!query.ok()) return Failure(query.error(), req.lang);
  auto page = SearchHouseholds(ctx.store, req.caller, *query, ctx.search_views);
  if (!page.ok()) return Failure(page.error(), req.lang);
  // A list is not audited, so it shows no personal data whole, whatever the role: the
  // detail of one household does, and leaves an audit record.
  Json items = Json::array();
  for (size_t i = 0; i < page->items.size(); ++i) {
    Json item = HouseholdJson(page->items[i].household, page->items[i].version,
                              page->member_counts[i], /*masked=*/true);
    item["head_name"] = MaskPersonalNumbers(page->head_names[i]);
    item["village_name"] = page->village_names[i];
    items.push_back(std::move(item));
  }
  return Data(
      Json{{"total", page->total < 0 ? Json(nullptr) : Json(page->total)}, {"items", items}});
}

// Every match, in the import template, as one workbook (the service checks the role,
// masks and audits).
Reply Export(RouteContext& ctx, const HttpRequest& req) {
  auto query = QueryFrom(req.query, req.caller);
  if (!query.ok()) return Failure(query.error(), req.lang);
  auto households = HouseholdsForExport(ctx.store, req.caller, *query);
  if (!households.ok()) return Failure(households.error(), req.lang);
  auto bytes = WorkbookBytes(ctx.database_path, [&](XlsxWriter& book) -> Status {
    // 村民小组 only when a household has one (as the CLI export).
    const bool with_group = AnyVillageGroup(*households);
    auto sheets = AddRegisterSheets(book, with_group);  // typed cells, with their header rows
    if (!sheets.ok()) return sheets.error();
    std::vector<std::string> cells;
    for (const Household& h : *households) {
      HouseholdCells(h, cells, with_group);
      FUPIN_RETURN_IF_ERROR(sheets->households->WriteRow(cells));
      for (const Member& m : h.members) {
        MemberCells(h.household_code, m, cells);
        FUPIN_RETURN_IF_ERROR(sheets->members->WriteRow(cells));
      }
    }
    return Status::Ok();
  });
  if (!bytes.ok()) return Failure(bytes.error(), req.lang);
  return Workbook(std::move(*bytes), "households.xlsx");
}

Reply Detail(RouteContext& ctx, const HttpRequest& req) {
  auto view = GetHousehold(ctx.store, req.caller, std::string(req.Param("code")));
  if (!view.ok()) return Failure(view.error(), req.lang);
  const bool masked = RoleSeesMaskedData(req.caller.user.role);
  const Household& h = view->stored.household;
  Json out = HouseholdJson(h, view->stored.version, static_cast<int64_t>(h.members.size()), masked);
  out["history"] = HistoryJson(view->history, masked);
  return Data(out);
}

// The exit standard for one household and year: each criterion with pass or fail and why.
Reply Criteria(RouteContext& ctx, const HttpRequest& req) {
  int year = Date::Today().year();
  if (req.query.Has("year")) {
    auto y = YearParam(req.query);
    if (!y.ok()) return Failure(y.error(), req.lang);
    year = *y;
  }
  const std::string code(req.Param("code").substr(0, 64));
  auto result = CriteriaOf(ctx.store, ctx.policy, req.caller, code, year);
  if (!result.ok()) return Failure(result.error(), req.lang);
  const bool masked = RoleSeesMaskedData(req.caller.user.role);
  Json criteria = Json::array();
  for (const CriterionResult& c : result->criteria) {
    const std::string& reason = req.lang == Lang::kEn ? c.en : c.zh;
    criteria.push_back(Json{
        {"criterion", std::string(CriterionKey(c.criterion))},
        {"pass", c.pass},
        {"reason", c.pass ? Json(nullptr) : Json(masked ? MaskPersonalNumbers(reason) : reason)}});
  }
  Json out{{"household_code", result->household_code},
           {"year", result->year},
           {"poverty_line", result->poverty_line.ToString()},
           {"per_capita_income", result->per_capita_income.ToString()},
           {"exit_candidate", result->exit_candidate},
           {"meets", result->meets},
           {"criteria", criteria}};
  if (result->earlier_year_line) out["warnings"] = Json::array({"W_POLICY_YEAR"});
  return Data(out);
}

Reply Write(RouteContext& ctx, const HttpRequest& req) {
  const Caller& caller = req.caller;
  const Lang lang = req.lang;
  auto body = ParseBody(req.body, {});
  if (!body.ok()) return Failure(body.error(), lang);
  const std::string code(req.Param("code"));
  const bool update = !code.empty();
  int64_t version = 0;
  if (update) {
    if (!body->contains("version") || !(*body)["version"].is_number_integer()) {
      return Failure(Error{"E_REQUIRED", "修改时需要提供版本号 version",
                           "an update needs the version it replaces"},
                     lang);
    }
    version = (*body)["version"].get<int64_t>();
    if (!body->contains("household_code")) (*body)["household_code"] = code;
    if (!(*body)["household_code"].is_string() ||
        (*body)["household_code"].get<std::string>() != code) {
      return Failure(
          Error{"E_FORMAT", "请求体的户编号与地址不符", "household_code differs from the URL"},
          lang);
    }
  }
  Household h;
  std::vector<CellIssue> issues;
  if (!HouseholdFromJson(*body, Date::Today(), h, issues)) {
    Error first{"E_FORMAT", "户的数据有误", "the household is not valid"};
    for (const auto& i : issues) {
      if (i.code[0] == 'E') {
        first = Error{i.code, i.zh, i.en};
        break;
      }
    }
    return Failure(first, lang, CellIssuesJson(issues, lang));
  }
  auto written = update ? UpdateHousehold(ctx.store, caller, h, version, issues)
                        : CreateHousehold(ctx.store, caller, h, issues);
  if (!written.ok()) return Failure(written.error(), lang, CellIssuesJson(issues, lang));
  const Household& w = written->household;
  return Data(HouseholdJson(w, written->version, static_cast<int64_t>(w.members.size()),
                            RoleSeesMaskedData(caller.user.role)),
              update ? 200 : 201);
}

}  // namespace

void AddHouseholdRoutes(Routes& routes) {
  routes.push_back({"GET", "/api/v1/households", true, Work::kRead, Search, nullptr});
  routes.push_back({"GET", "/api/v1/exports/households.xlsx", true, Work::kRead, Export, nullptr});
  routes.push_back({"POST", "/api/v1/households", true, Work::kWrite, Write, nullptr});
  routes.push_back({"GET", "/api/v1/households/:code", true, Work::kRead, Detail, nullptr});
  routes.push_back({"PUT", "/api/v1/households/:code", true, Work::kWrite, Write, nullptr});
  routes.push_back(
      {"GET", "/api/v1/households/:code/criteria", true, Work::kRead, Criteria, nullptr});
}

}  // namespace fupin
