// Helpers (帮扶责任人) as people, their households, and the village work teams (驻村工作队):
// the routes over service/procedures/helper_service.h, which checks roles and scope, masks
// phones and audits.
#include <optional>

#include "api/reply.h"
#include "api/routes/routes.h"
#include "service/procedures/helper_service.h"
#include "views/helper_views.h"

namespace fupin {
namespace {

// A positive whole number from a path; nullopt for anything else (then 404, as missing).
std::optional<int64_t> IdParam(std::string_view text) {
  if (text.empty() || text.size() > 18 || text.find_first_not_of("0123456789") != text.npos) {
    return std::nullopt;
  }
  const int64_t id = std::stoll(std::string(text));
  if (id <= 0) return std::nullopt;
  return id;
}

Error NoSuchHelper(std::string_view text) {
  return Error::NotFound("没有这个帮扶责任人：" + std::string(text),
                         "no such helper: " + std::string(text));
}

// A string member of a body: absent or null → nullopt; another type → E_FORMAT.
Result<std::optional<std::string>> StringField(const Json& body, const char* name) {
  if (!body.contains(name) || body[name].is_null()) return std::optional<std::string>();
  if (!body[name].is_string()) {
    return Error{"E_FORMAT", std::string(name) + " 应为字符串",
                 std::string(name) + " must be a string"};
  }
  return std::optional<std::string>(body[name].get<std::string>());
}

// Reads the named string fields into `out` (absent ones are left as they are).
Status ReadStrings(const Json& body,
                   std::initializer_list<std::pair<const char*, std::string*>> fields) {
  for (const auto& [name, target] : fields) {
    auto v = StringField(body, name);
    if (!v.ok()) return v.error();
    if (*v) *target = std::move(**v);
  }
  return Status::Ok();
}

// A region of a body ("region_code"): E_REGION when malformed.
Result<RegionCode> BodyRegion(const std::string& text) {
  auto region = text == "0" ? Result<RegionCode>(RegionCode::Nation()) : RegionCode::Parse(text);
  if (!region.ok()) {
    return Error{"E_REGION", "区划代码格式错误：" + text, "not a region code: " + text};
  }
  return region;
}

// A village of a path: E_NOT_FOUND for text that is not a code (as a missing village).
Result<RegionCode> VillageParam(std::string_view text) {
  auto region = RegionCode::Parse(text);
  if (!region.ok()) {
    return Error::NotFound("村不存在：" + std::string(text),
                           "no such village: " + std::string(text));
  }
  return region;
}

Reply List(RouteContext& ctx, const HttpRequest& req) {
  HelperQuery query;
  auto region = RegionParam(req.query.Get("region"), req.caller);
  if (!region.ok()) return Failure(region.error(), req.lang);
  query.region = *region;
  query.name = std::string(req.query.Get("name").substr(0, 64));
  auto page = IntParam(req.query, "page", 1, 1, 100000000);
  if (!page.ok()) return Failure(page.error(), req.lang);
  auto size = IntParam(req.query, "size", 50, 1, 500);
  if (!size.ok()) return Failure(size.error(), req.lang);
  query.limit = *size;
  query.offset = (*page - 1) * *size;
  auto found = ListHelpers(ctx.store, req.caller, query);
  if (!found.ok()) return Failure(found.error(), req.lang);
  Json items = Json::array();
  for (const auto& h : found->items) items.push_back(HelperJson(h));
  return Data(Json{{"total", found->total}, {"items", items}});
}

Reply Create(RouteContext& ctx, const HttpRequest& req) {
  auto body = ParseBody(req.body, {"name", "work_unit", "phone", "region_code", "username"});
  if (!body.ok()) return Failure(body.error(), req.lang);
  HelperInput input;
  std::string region_text;
  Status s = ReadStrings(*body, {{"name", &input.name},
                                 {"work_unit", &input.work_unit},
                                 {"phone", &input.phone},
                                 {"region_code", &region_text},
                                 {"username", &input.username}});
  if (!s.ok()) return Failure(s.error(), req.lang);
  input.region = req.caller.user.region;
  if (!region_text.empty()) {
    auto region = BodyRegion(region_text);
    if (!region.ok()) return Failure(region.error(), req.lang);
    input.region = *region;
  }
  auto row = AddHelper(ctx.store, req.caller, std::move(input));
  if (!row.ok()) return Failure(row.error(), req.lang);
  return Data(HelperJson(*row), 201);
}

Reply Show(RouteContext& ctx, const HttpRequest& req) {
  auto id = IdParam(req.Param("id"));
  if (!id) return Failure(NoSuchHelper(req.Param("id")), req.lang);
  auto row = GetHelper(ctx.store, req.caller, *id);
  if (!row.ok()) return Failure(row.error(), req.lang);
  auto households = HelperHouseholds(ctx.store, req.caller, *id);
  if (!households.ok()) return Failure(households.error(), req.lang);
  Json out = HelperJson(*row);
  Json list = Json::array();
  for (const auto& a : *households) {
    list.push_back(Json{{"household_code", a.household_code},
                        {"village_code", RegionCode::FromInt(a.village_code).ToString()},
                        {"since", a.since},
                        {"until", a.until.empty() ? Json(nullptr) : Json(a.until)},
                        {"current", a.until.empty()}});
  }
  out["households"] = list;
  return Data(out);
}

Reply Patch(RouteContext& ctx, const HttpRequest& req) {
  auto id = IdParam(req.Param("id"));
  if (Status may = MayManageHelpers(req.caller); !may.ok()) return Failure(may.error(), req.lang);
  if (!id) return Failure(NoSuchHelper(req.Param("id")), req.lang);
  auto body = ParseBody(req.body, {"name", "work_unit", "phone", "region_code", "username"});
  if (!body.ok()) return Failure(body.error(), req.lang);
  HelperPatch patch;
  for (auto [name, target] :
       {std::pair{"name", &patch.name}, {"work_unit", &patch.work_unit}, {"phone", &patch.phone}}) {
    auto v = StringField(*body, name);
    if (!v.ok()) return Failure(v.error(), req.lang);
    *target = std::move(*v);
  }
  if (body->contains("username")) {
    // null unlinks the account, as "" does.
    auto v = StringField(*body, "username");
    if (!v.ok()) return Failure(v.error(), req.lang);
    patch.username = v->value_or("");
  }
  auto region = StringField(*body, "region_code");
  if (!region.ok()) return Failure(region.error(), req.lang);
  if (*region) {
    auto code = BodyRegion(**region);
    if (!code.ok()) return Failure(code.error(), req.lang);
    patch.region = *code;
  }
  auto row = UpdateHelper(ctx.store, req.caller, *id, patch);
  if (!row.ok()) return Failure(row.error(), req.lang);
  return Data(HelperJson(*row));
}

Reply HouseholdList(RouteContext& ctx, const HttpRequest& req) {
  const std::string code(req.Param("code").substr(0, 64));
  auto rows = HouseholdHelpers(ctx.store, req.caller, code);
  if (!rows.ok()) return Failure(rows.error(), req.lang);
  return Data(HelperAssignmentsJson(*rows));
}

Reply HouseholdAssign(RouteContext& ctx, const HttpRequest& req) {
  const std::string code(req.Param("code").substr(0, 64));
  auto body = ParseBody(req.body, {"helper_id", "since"});
  if (!body.ok()) return Failure(body.error(), req.lang);
  if (!body->contains("helper_id") || !(*body)["helper_id"].is_number_integer()) {
    return Failure(Error{"E_REQUIRED", "缺少帮扶责任人编号 helper_id（整数）",
                         "helper_id (a whole number) is required"},
                   req.lang);
  }
  const int64_t helper_id = (*body)["helper_id"].get<int64_t>();
  std::optional<Date> since;
  auto since_text = StringField(*body, "since");
  if (!since_text.ok()) return Failure(since_text.error(), req.lang);
  if (*since_text) {
    auto d = Date::Parse(**since_text);
    if (!d.ok()) {
      return Failure(
          Error{"E_DATE", "since 不是日期（YYYY-MM-DD）", "since is not a date (YYYY-MM-DD)"},
          req.lang);
    }
    since = *d;
  }
  Status s = AssignHelperToHouseholds(ctx.store, req.caller, helper_id, {code}, since);
  if (!s.ok()) return Failure(s.error(), req.lang);
  auto rows = HouseholdHelpers(ctx.store, req.caller, code);
  if (!rows.ok()) return Failure(rows.error(), req.lang);
  return Data(HelperAssignmentsJson(*rows), 201);
}

Reply HouseholdUnassign(RouteContext& ctx, const HttpRequest& req) {
  const std::string code(req.Param("code").substr(0, 64));
  if (Status may = MayManageHelpers(req.caller); !may.ok()) return Failure(may.error(), req.lang);
  auto id = IdParam(req.Param("helper_id"));
  if (!id) return Failure(NoSuchHelper(req.Param("helper_id")), req.lang);
  Status s = UnassignHelperFromHouseholds(ctx.store, req.caller, *id, {code});
  if (!s.ok()) return Failure(s.error(), req.lang);
  auto rows = HouseholdHelpers(ctx.store, req.caller, code);
  if (!rows.ok()) return Failure(rows.error(), req.lang);
  return Data(HelperAssignmentsJson(*rows));
}

Reply Team(RouteContext& ctx, const HttpRequest& req) {
  auto village = VillageParam(req.Param("code"));
  if (!village.ok()) return Failure(village.error(), req.lang);
  auto rows = WorkTeam(ctx.store, req.caller, *village);
  if (!rows.ok()) return Failure(rows.error(), req.lang);
  Json current = Json::array(), past = Json::array();
  for (const auto& m : *rows)
    (m.ended_on.empty() ? current : past).push_back(WorkTeamMemberJson(m));
  return Data(Json{{"village_code", village->ToString()}, {"current", current}, {"past", past}});
}

Reply TeamAdd(RouteContext& ctx, const HttpRequest& req) {
  if (Status may = MayManageHelpers(req.caller); !may.ok()) return Failure(may.error(), req.lang);
  auto village = VillageParam(req.Param("code"));
  if (!village.ok()) return Failure(village.error(), req.lang);
  auto body = ParseBody(req.body, {"role", "name", "work_unit", "phone", "started_on"});
  if (!body.ok()) return Failure(body.error(), req.lang);
  TeamMemberInput input;
  Status s = ReadStrings(*body, {{"role", &input.role},
                                 {"name", &input.name},
                                 {"work_unit", &input.work_unit},
                                 {"phone", &input.phone},
                                 {"started_on", &input.started_on}});
  if (!s.ok()) return Failure(s.error(), req.lang);
  auto row = AddTeamMember(ctx.store, req.caller, *village, input);
  if (!row.ok()) return Failure(row.error(), req.lang);
  return Data(WorkTeamMemberJson(*row), 201);
}

Reply TeamEnd(RouteContext& ctx, const HttpRequest& req) {
  if (Status may = MayManageHelpers(req.caller); !may.ok()) return Failure(may.error(), req.lang);
  auto village = VillageParam(req.Param("code"));
  if (!village.ok()) return Failure(village.error(), req.lang);
  auto id = IdParam(req.Param("id"));
  if (!id) {
    return Failure(Error::NotFound("驻村工作队中没有这位成员", "no such work team member"),
                   req.lang);
  }
  std::string ended_on;
  if (!BlankBody(req.body)) {
    auto body = ParseBody(req.body, {"ended_on"});
    if (!body.ok()) return Failure(body.error(), req.lang);
    Status s = ReadStrings(*body, {{"ended_on", &ended_on}});
    if (!s.ok()) return Failure(s.error(), req.lang);
  }
  auto row = EndTeamMember(ctx.store, req.caller, *village, *id, ended_on);
  if (!row.ok()) return Failure(row.error(), req.lang);
  return Data(WorkTeamMemberJson(*row));
}

}  // namespace

void AddHelperRoutes(Routes& routes) {
  routes.push_back({"GET", "/api/v1/helpers", true, Work::kRead, List, nullptr});
  routes.push_back({"POST", "/api/v1/helpers", true, Work::kWrite, Create, nullptr});
  routes.push_back({"GET", "/api/v1/helpers/:id", true, Work::kRead, Show, nullptr});
  routes.push_back({"PATCH", "/api/v1/helpers/:id", true, Work::kWrite, Patch, nullptr});
  routes.push_back(
      {"GET", "/api/v1/households/:code/helpers", true, Work::kRead, HouseholdList, nullptr});
  routes.push_back(
      {"POST", "/api/v1/households/:code/helpers", true, Work::kWrite, HouseholdAssign, nullptr});
  routes.push_back({"DELETE", "/api/v1/households/:code/helpers/:helper_id", true, Work::kWrite,
                    HouseholdUnassign, nullptr});
  routes.push_back({"GET", "/api/v1/regions/:code/work-team", true, Work::kRead, Team, nullptr});
  routes.push_back(
      {"POST", "/api/v1/regions/:code/work-team", true, Work::kWrite, TeamAdd, nullptr});
  routes.push_back(
      {"POST", "/api/v1/regions/:code/work-team/:id/end", true, Work::kWrite, TeamEnd, nullptr});
}

}  // namespace fupin
