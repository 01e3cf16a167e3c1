// The project library (扶贫项目库, spec/funds.md "Projects", docs/projects.md): propose, list,
// read and move projects like cases (advance, objections, return, reject), their progress
// and their assets. Money in and out is a string of yuan with two decimals; refusals by the
// rules carry the details of cases (the failing criteria, the notice's closing date).
#include <nlohmann/json.hpp>

#include "api/reply.h"
#include "api/routes/routes.h"
#include "common/money.h"
#include "service/projects/project_codes.h"
#include "service/projects/project_report.h"
#include "service/projects/project_service.h"
#include "views/case_json.h"

namespace fupin {
namespace {

std::string YuanText(int64_t fen) { return Money::FromFen(fen).ToString(); }

Json OrNull(const std::string& text) { return text.empty() ? Json(nullptr) : Json(text); }

Json Coded(ProjectCodeList list, int code) {
  return Json{{"code", code},
              {"key", std::string(ProjectCodeKey(list, code))},
              {"label", std::string(ProjectCodeLabel(list, code))}};
}

}  // namespace

Json ProjectJson(const ProjectView& v, bool full) {
  const ProjectRow& p = v.row;
  Json budget = Json::array();
  for (const ProjectBudgetLine& b : p.budget) {
    budget.push_back(
        {{"source", std::string(ProjectCodeKey(ProjectCodeList::kBudgetSource, b.source))},
         {"label", std::string(ProjectCodeLabel(ProjectCodeList::kBudgetSource, b.source))},
         {"amount", YuanText(b.amount_fen)}});
  }
  Json targets = Json::array();
  for (const ProjectTarget& t : p.targets) {
    targets.push_back({{"indicator", t.indicator}, {"target", t.target}});
  }
  Json j{{"id", p.id},
         {"name", p.name},
         {"category", Coded(ProjectCodeList::kCategory, p.category)},
         {"nature", Coded(ProjectCodeList::kNature, p.nature)},
         {"region", RegionCode::FromInt(p.region_code).ToString()},
         {"year", p.year},
         {"start_on", p.start_on},
         {"end_on", p.end_on},
         {"unit", p.unit},
         {"person", p.person},
         {"tasks", p.tasks},
         {"budget", budget},
         {"budget_total", YuanText(p.BudgetTotal())},
         {"households", p.households},
         {"beneficiaries",
          {{"households", p.households_count},
           {"people", p.people_count},
           {"poor_households", p.poor_households},
           {"poor_people", p.poor_people}}},
         {"performance_targets", targets},
         {"poverty_linkage", p.linkage},
         {"stage", p.stage},
         {"stage_label", std::string(ProjectStageLabel(p.stage))},
         {"state", p.state},
         {"in_library", !p.approved_on.empty() && p.state != "rejected"},
         {"notice", p.notice_start.empty()
                        ? Json(nullptr)
                        : Json{{"start", p.notice_start}, {"closes_on", p.closes_on}}},
         {"opened_by", p.opened_by},
         {"opened_at", p.opened_at},
         {"reviewed_by", OrNull(p.reviewed_by)},
         {"approved_on", OrNull(p.approved_on)},
         {"allocated", YuanText(v.allocated_fen)},
         {"disbursed", YuanText(v.disbursed_fen)},
         {"acceptance", p.accepted_on.empty() ? Json(nullptr)
                                              : Json{{"date", p.accepted_on},
                                                     {"result", p.acceptance_result},
                                                     {"by", p.accepted_by}}}};
  if (!full) return j;
  Json steps = Json::array();
  for (const ProjectStepRow& s : p.steps) {
    steps.push_back({{"step", s.step},
                     {"action", s.action},
                     {"by", s.by},
                     {"role", s.role},
                     {"level", s.level},
                     {"date", s.date},
                     {"at", s.at},
                     {"comment", s.comment},
                     {"to", OrNull(s.to)}});
  }
  Json progress = Json::array();
  for (const ProjectProgressRow& r : p.progress) {
    progress.push_back(
        {{"date", r.date}, {"percent", r.percent}, {"note", r.note}, {"by", r.by}, {"at", r.at}});
  }
  Json assets = Json::array();
  for (const ProjectAssetRow& a : p.assets) {
    assets.push_back({{"kind", Coded(ProjectCodeList::kAssetKind, a.kind)},
                      {"name", a.name},
                      {"value", YuanText(a.value_fen)},
                      {"owner", a.owner},
                      {"keeper", a.keeper},
                      {"date", a.date},
                      {"by", a.by},
                      {"at", a.at}});
  }
  j["steps"] = steps;
  j["progress"] = progress;
  j["assets"] = assets;
  return j;
}

namespace {

Result<int64_t> ProjectId(const HttpRequest& req) { return PathId(req, "项目", "project"); }

Error TypeError(const std::string& key, const char* zh, const char* en) {
  return Error{"E_FORMAT", key + zh, key + en};
}

// A member holding text (numbers taken as their text when `numbers`); "" when absent/null.
Result<std::string> Text(const Json& body, const std::string& key, bool numbers = false) {
  if (!body.contains(key) || body[key].is_null()) return std::string();
  const Json& v = body[key];
  if (v.is_string()) return v.get<std::string>();
  if (numbers && v.is_number())
    return v.is_number_float() ? v.dump() : std::to_string(v.get<int64_t>());
  return TypeError(key, " 应为字符串", " must be a string");
}

// A whole number member in [0, max]; `fallback` when absent/null.
Result<int64_t> Whole(const Json& body, const std::string& key, int64_t fallback, int64_t max) {
  if (!body.contains(key) || body[key].is_null()) return fallback;
  const Json& v = body[key];
  if (!v.is_number_integer() || v.get<int64_t>() < 0 || v.get<int64_t>() > max) {
    return Error{"E_NUMBER", key + " 应为 0 至 " + std::to_string(max) + " 的整数",
                 key + " must be a whole number from 0 to " + std::to_string(max)};
  }
  return v.get<int64_t>();
}

// Reads POST /projects into `in` (the region is checked by the service).
Status ReadProject(const Json& body, const Caller& caller, ProjectInput& in) {
  for (auto [key, field] :
       {std::pair{"name", &in.name}, std::pair{"unit", &in.unit}, std::pair{"person", &in.person},
        std::pair{"tasks", &in.tasks}, std::pair{"poverty_linkage", &in.linkage},
        std::pair{"start_on", &in.start_on}, std::pair{"end_on", &in.end_on},
        std::pair{"comment", &in.comment}}) {
    auto text = Text(body, key);
    if (!text.ok()) return text.error();
    *field = std::move(*text);
  }
  for (auto [key, field] : {std::pair{"category", &in.category}, std::pair{"nature", &in.nature}}) {
    auto text = Text(body, key, true);
    if (!text.ok()) return text.error();
    *field = std::move(*text);
  }
  auto year = Whole(body, "year", 0, 9999);
  if (!year.ok()) return Error{"E_YEAR", "year 应为四位数字", "year must be four digits"};
  in.year = static_cast<int>(*year);
  auto region_text = Text(body, "region", true);
  if (!region_text.ok()) return region_text.error();
  auto region = RegionParam(*region_text, caller);
  if (!region.ok()) return region.error();
  in.region = *region;
  if (body.contains("budget") && !body["budget"].is_null()) {
    const Json& b = body["budget"];
    if (!b.is_object()) {
      return TypeError("budget", " 应为对象 {来源: 金额}", " must be an object {source: amount}");
    }
    for (const auto& [source, amount] : b.items()) {
      auto text = Text(b, source, true);
      if (!text.ok()) return text.error();
      in.budget.emplace_back(source, *text);
    }
  }
  if (body.contains("households") && !body["households"].is_null()) {
    const Json& h = body["households"];
    if (!h.is_array())
      return TypeError("households", " 应为户编号数组", " must be an array of codes");
    for (const Json& code : h) {
      if (!code.is_string())
        return TypeError("households", " 应为户编号数组", " must be an array of codes");
      in.households.push_back(code.get<std::string>().substr(0, 64));
    }
  }
  if (body.contains("beneficiaries") && !body["beneficiaries"].is_null()) {
    const Json& n = body["beneficiaries"];
    if (!n.is_object()) return TypeError("beneficiaries", " 应为对象", " must be an object");
    for (auto [key, field] :
         {std::pair{"households", &in.households_count}, std::pair{"people", &in.people_count},
          std::pair{"poor_households", &in.poor_households},
          std::pair{"poor_people", &in.poor_people}}) {
      auto count = Whole(n, key, 0, 10'000'000);
      if (!count.ok()) return count.error();
      *field = *count;
    }
  }
  if (body.contains("performance_targets") && !body["performance_targets"].is_null()) {
    const Json& t = body["performance_targets"];
    if (!t.is_array()) {
      return TypeError("performance_targets", " 应为数组", " must be an array");
    }
    for (const Json& row : t) {
      if (!row.is_object()) {
        return TypeError("performance_targets", " 的每一项应为 {indicator, target}",
                         " items must be {indicator, target}");
      }
      auto indicator = Text(row, "indicator", true);
      if (!indicator.ok()) return indicator.error();
      auto target = Text(row, "target", true);
      if (!target.ok()) return target.error();
      in.targets.emplace_back(*indicator, *target);
    }
  }
  return Status::Ok();
}

}  // namespace

Result<ProjectInput> ParseProjectInput(std::string_view text, const Caller& caller) {
  auto body = ParseBody(text, {"name", "category", "nature", "region", "year", "start_on", "end_on",
                               "unit", "person", "tasks", "budget", "households", "beneficiaries",
                               "performance_targets", "poverty_linkage", "comment"});
  if (!body.ok()) return body.error();
  ProjectInput in;
  FUPIN_RETURN_IF_ERROR(ReadProject(*body, caller, in));
  return in;
}

namespace {

Reply ProjectFailure(const Error& error, Lang lang, const ProjectRefusal& refusal = {}) {
  CaseRefusal details;
  details.conditions = refusal.conditions;
  details.closes_on = refusal.closes_on;
  return Failure(error, lang, RefusalDetails(details, lang));
}

Reply Create(RouteContext& ctx, const HttpRequest& req) {
  auto in = ParseProjectInput(req.body, req.caller);
  if (!in.ok()) return Failure(in.error(), req.lang);
  auto view = ProposeProject(ctx.store, ctx.policy, req.caller, *in);
  if (!view.ok()) return Failure(view.error(), req.lang);
  return Data(ProjectJson(*view, true), 201);
}

// ?region= (default the caller's), stage=, year=, category=, page=, size=.
Reply List(RouteContext& ctx, const HttpRequest& req) {
  const Query& q = req.query;
  ProjectQuery query;
  auto region = RegionParam(q.Get("region"), req.caller);
  if (!region.ok()) return Failure(region.error(), req.lang);
  query.region = *region;
  if (q.Has("stage")) {
    const std::string stage(q.Get("stage").substr(0, 32));
    if (FindProjectStage(stage) == nullptr && stage != "done" && stage != "rejected") {
      return Failure(Error::Usage("stage 不正确：" + stage, "not a stage: " + stage), req.lang);
    }
    query.stage = stage;
  }
  auto year = OptionalYearParam(q);
  if (!year.ok()) return Failure(year.error(), req.lang);
  query.year = *year;
  if (q.Has("category")) {
    auto category = ParseProjectCode(ProjectCodeList::kCategory, q.Get("category").substr(0, 40));
    if (!category) {
      return Failure(Error{"E_CODE", "项目类别不正确", "not a project category"}, req.lang);
    }
    query.category = *category;
  }
  auto paging = PageParam(q);
  if (!paging.ok()) return Failure(paging.error(), req.lang);
  query.limit = paging->size;
  query.offset = paging->offset;
  auto list = ListProjects(ctx.store, req.caller, query);
  if (!list.ok()) return Failure(list.error(), req.lang);
  Json items = Json::array();
  for (const ProjectView& v : list->items) items.push_back(ProjectJson(v, false));
  return Data(Json{
      {"total", list->total}, {"page", paging->page}, {"size", paging->size}, {"items", items}});
}

Reply Show(RouteContext& ctx, const HttpRequest& req) {
  auto id = ProjectId(req);
  if (!id.ok()) return Failure(id.error(), req.lang);
  auto view = GetProject(ctx.store, req.caller, *id);
  if (!view.ok()) return Failure(view.error(), req.lang);
  return Data(ProjectJson(*view, true));
}

Reply Advance(RouteContext& ctx, const HttpRequest& req) {
  auto id = ProjectId(req);
  if (!id.ok()) return Failure(id.error(), req.lang);
  auto body = ParseBody(BlankBody(req.body) ? "{}" : req.body, {"comment", "result", "date"});
  if (!body.ok()) return Failure(body.error(), req.lang);
  AdvanceInput in;
  for (auto [key, field] : {std::pair{"comment", &in.comment}, std::pair{"result", &in.result},
                            std::pair{"date", &in.date}}) {
    auto text = Text(*body, key);
    if (!text.ok()) return Failure(text.error(), req.lang);
    *field = std::move(*text);
  }
  ProjectRefusal refusal;
  auto view = AdvanceProject(ctx.store, ctx.policy, req.caller, *id, in, &refusal);
  if (!view.ok()) return ProjectFailure(view.error(), req.lang, refusal);
  return Data(ProjectJson(*view, true));
}

// POST /objections {"text"}, /return {"to", "reason"}, /reject {"reason"}.
Reply Objection(RouteContext& ctx, const HttpRequest& req) {
  auto id = ProjectId(req);
  if (!id.ok()) return Failure(id.error(), req.lang);
  auto body = ParseBody(req.body, {"text"});
  if (!body.ok()) return Failure(body.error(), req.lang);
  auto text = Text(*body, "text");
  if (!text.ok()) return Failure(text.error(), req.lang);
  auto view = ObjectToProject(ctx.store, ctx.policy, req.caller, *id, *text);
  if (!view.ok()) return Failure(view.error(), req.lang);
  return Data(ProjectJson(*view, true), 201);
}

Reply Return(RouteContext& ctx, const HttpRequest& req) {
  auto id = ProjectId(req);
  if (!id.ok()) return Failure(id.error(), req.lang);
  auto body = ParseBody(req.body, {"to", "reason"});
  if (!body.ok()) return Failure(body.error(), req.lang);
  auto to = Text(*body, "to");
  if (!to.ok()) return Failure(to.error(), req.lang);
  auto reason = Text(*body, "reason");
  if (!reason.ok()) return Failure(reason.error(), req.lang);
  auto view = ReturnProject(ctx.store, ctx.policy, req.caller, *id, *to, *reason);
  if (!view.ok()) return Failure(view.error(), req.lang);
  return Data(ProjectJson(*view, true));
}

Reply Reject(RouteContext& ctx, const HttpRequest& req) {
  auto id = ProjectId(req);
  if (!id.ok()) return Failure(id.error(), req.lang);
  auto body = ParseBody(req.body, {"reason"});
  if (!body.ok()) return Failure(body.error(), req.lang);
  auto reason = Text(*body, "reason");
  if (!reason.ok()) return Failure(reason.error(), req.lang);
  auto view = RejectProject(ctx.store, ctx.policy, req.caller, *id, *reason);
  if (!view.ok()) return Failure(view.error(), req.lang);
  return Data(ProjectJson(*view, true));
}

Reply Progress(RouteContext& ctx, const HttpRequest& req) {
  auto id = ProjectId(req);
  if (!id.ok()) return Failure(id.error(), req.lang);
  auto body = ParseBody(req.body, {"date", "percent", "note"});
  if (!body.ok()) return Failure(body.error(), req.lang);
  ProgressInput in;
  auto date = Text(*body, "date");
  if (!date.ok()) return Failure(date.error(), req.lang);
  in.date = *date;
  auto percent = Whole(*body, "percent", -1, 100);
  if (!percent.ok()) return Failure(percent.error(), req.lang);
  if (*percent < 0) {
    return Failure(Error{"E_REQUIRED", "请给出 percent", "percent is required"}, req.lang);
  }
  in.percent = static_cast<int>(*percent);
  auto note = Text(*body, "note");
  if (!note.ok()) return Failure(note.error(), req.lang);
  in.note = *note;
  auto view = AddProgress(ctx.store, req.caller, *id, in);
  if (!view.ok()) return Failure(view.error(), req.lang);
  return Data(ProjectJson(*view, true), 201);
}

Reply Asset(RouteContext& ctx, const HttpRequest& req) {
  auto id = ProjectId(req);
  if (!id.ok()) return Failure(id.error(), req.lang);
  auto body = ParseBody(req.body, {"kind", "name", "value", "owner", "keeper", "date"});
  if (!body.ok()) return Failure(body.error(), req.lang);
  AssetInput in;
  for (auto [key, field, numbers] :
       {std::tuple{"kind", &in.kind, true}, std::tuple{"name", &in.name, false},
        std::tuple{"value", &in.value, true}, std::tuple{"owner", &in.owner, false},
        std::tuple{"keeper", &in.keeper, false}, std::tuple{"date", &in.date, false}}) {
    auto text = Text(*body, key, numbers);
    if (!text.ok()) return Failure(text.error(), req.lang);
    *field = std::move(*text);
  }
  auto view = AddAsset(ctx.store, req.caller, *id, in);
  if (!view.ok()) return Failure(view.error(), req.lang);
  return Data(ProjectJson(*view, true), 201);
}

Json ReportRowJson(const ProjectReportRow& row) {
  return Json{{"region", row.total ? std::string() : row.region.ToString()},
              {"name", row.name},
              {"own", row.own},
              {"total", row.total},
              {"projects", row.projects},
              {"in_library", row.in_library},
              {"accepted", row.accepted},
              {"done", row.done},
              {"budget", Money::FromFen(row.budget_fen).ToString()},
              {"allocated", Money::FromFen(row.allocated_fen).ToString()},
              {"disbursed", Money::FromFen(row.disbursed_fen).ToString()}};
}

// The projects table. ?region= (default the caller's), year=, format=json (default) or xlsx
// (with the projects one by one); audited "project.report".
Reply ReportRoute(RouteContext& ctx, const HttpRequest& req) {
  auto region = RegionParam(req.query.Get("region"), req.caller);
  if (!region.ok()) return Failure(region.error(), req.lang);
  auto year = YearParam(req.query);
  if (!year.ok()) return Failure(year.error(), req.lang);
  const std::string format =
      req.query.Has("format") ? std::string(req.query.Get("format").substr(0, 8)) : "json";
  if (format != "json" && format != "xlsx") {
    return Failure(Error::Usage("format 只能是 json 或 xlsx", "format must be json or xlsx"),
                   req.lang);
  }
  auto report = ProjectReportFor(ctx.store, req.caller, *region, *year);
  if (!report.ok()) return Failure(report.error(), req.lang);
  if (format == "xlsx") {
    auto bytes = WorkbookBytes(ctx.database_path,
                               [&](XlsxWriter& book) { return WriteProjectReport(*report, book); });
    if (!bytes.ok()) return Failure(bytes.error(), req.lang);
    return Workbook(std::move(*bytes), "projects-report.xlsx");
  }
  return Data(ProjectReportJson(*report));
}

// Counts by stage and category. ?region= (default the caller's), year= (default all years).
Reply StatsRoute(RouteContext& ctx, const HttpRequest& req) {
  auto region = RegionParam(req.query.Get("region"), req.caller);
  if (!region.ok()) return Failure(region.error(), req.lang);
  auto year = OptionalYearParam(req.query);
  if (!year.ok()) return Failure(year.error(), req.lang);
  auto stats = ProjectStatistics(ctx.store, req.caller, *region, *year);
  if (!stats.ok()) return Failure(stats.error(), req.lang);
  return Data(ProjectStatsJson(*stats));
}

}  // namespace

Json ProjectStatsJson(const ProjectStats& stats) {
  Json stages = Json::array();
  for (const auto& [stage, n] : stats.by_stage) {
    stages.push_back(
        {{"stage", stage}, {"label", std::string(ProjectStageLabel(stage))}, {"count", n}});
  }
  Json categories = Json::array();
  for (const auto& [category, n] : stats.by_category) {
    categories.push_back({{"category", Coded(ProjectCodeList::kCategory, category)}, {"count", n}});
  }
  return Json{{"region", stats.region.ToString()},
              {"year", stats.year ? Json(*stats.year) : Json(nullptr)},
              {"total", stats.total},
              {"by_stage", stages},
              {"by_category", categories}};
}

Json ProjectReportJson(const ProjectReport& report) {
  Json rows = Json::array();
  for (const ProjectReportRow& row : report.rows) rows.push_back(ReportRowJson(row));
  return Json{{"region", report.region.ToString()},
              {"region_name", report.region_name},
              {"year", report.year},
              {"rows", rows},
              {"total", ReportRowJson(report.total)}};
}

void AddProjectRoutes(Routes& routes) {
  routes.push_back({"POST", "/api/v1/projects", true, Work::kWrite, Create, nullptr});
  routes.push_back({"GET", "/api/v1/projects", true, Work::kRead, List, nullptr});
  // Before /projects/:id, which would take "report" or "stats" for a number.
  routes.push_back({"GET", "/api/v1/projects/report", true, Work::kRead, ReportRoute, nullptr});
  routes.push_back({"GET", "/api/v1/projects/stats", true, Work::kRead, StatsRoute, nullptr});
  routes.push_back({"GET", "/api/v1/projects/:id", true, Work::kRead, Show, nullptr});
  routes.push_back({"POST", "/api/v1/projects/:id/advance", true, Work::kWrite, Advance, nullptr});
  routes.push_back(
      {"POST", "/api/v1/projects/:id/objections", true, Work::kWrite, Objection, nullptr});
  routes.push_back({"POST", "/api/v1/projects/:id/return", true, Work::kWrite, Return, nullptr});
  routes.push_back({"POST", "/api/v1/projects/:id/reject", true, Work::kWrite, Reject, nullptr});
  routes.push_back(
      {"POST", "/api/v1/projects/:id/progress", true, Work::kWrite, Progress, nullptr});
  routes.push_back({"POST", "/api/v1/projects/:id/assets", true, Work::kWrite, Asset, nullptr});
}

}  // namespace fupin
