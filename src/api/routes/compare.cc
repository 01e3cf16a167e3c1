// The cross-check (比对核查, spec/compare.md): uploading a department list, the lists
// loaded, and the register's own quality checks.
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <map>

#include "api/reply.h"
#include "api/routes/routes.h"
#include "common/text.h"
#include "service/crosscheck/compare_service.h"
#include "service/scratch.h"
#include "views/json_views.h"

namespace fupin {
namespace {

// The parts of a form by field name, each one of `allowed`: `not_a_form` when the body is
// not multipart/form-data or a part has no name, E_UNKNOWN_FIELD for another name, E_USAGE
// for a name given twice.
Result<std::map<std::string, const FormPart*>> FormFields(
    const HttpRequest& req, std::initializer_list<const char*> allowed, const Error& not_a_form) {
  if (!req.is_form) return not_a_form;
  std::map<std::string, const FormPart*> out;
  for (const FormPart& part : req.form) {
    if (part.name.empty()) return not_a_form;
    if (std::none_of(allowed.begin(), allowed.end(),
                     [&](const char* key) { return part.name == key; })) {
      return Error{"E_UNKNOWN_FIELD", "未知字段：" + part.name, "unknown field: " + part.name};
    }
    if (!out.emplace(part.name, &part).second) {
      return Error::Usage("字段重复：" + part.name, "a field appears twice: " + part.name);
    }
  }
  return out;
}

Reply Upload(RouteContext& ctx, const HttpRequest& req) {
  const Caller& caller = req.caller;
  const Lang lang = req.lang;
  if (!RoleMay(caller.user.role, Permission::kCompare)) return Failure(Forbidden(), lang);
  auto form = FormFields(
      req, {"kind", "as_of", "region", "list"},
      Error::Usage("请以 multipart/form-data 上传：kind、as_of、可选的 region 和名单文件 list",
                   "upload as multipart/form-data: kind, as_of, an optional region and the "
                   "file list"));
  if (!form.ok()) return Failure(form.error(), lang);
  auto field = [&](const char* name) {
    auto it = form->find(name);
    return it == form->end() ? std::string() : std::string(TrimSpaces(it->second->body));
  };
  for (const char* name : {"kind", "as_of", "list"}) {
    if (!form->contains(name) || (std::string_view(name) != "list" && field(name).empty())) {
      return Failure(Error{"E_REQUIRED", std::string("缺少字段 ") + name,
                           std::string("the field ") + name + " is required"},
                     lang);
    }
  }
  CompareRequest request;
  request.kind = field("kind");
  request.today = Date::Today();
  const std::string as_of = field("as_of").substr(0, 64);
  auto date = Date::Parse(as_of);
  if (!date.ok()) {
    return Failure(
        Error{"E_DATE", "as_of 不是有效日期：" + as_of, "as_of is not a valid date: " + as_of},
        lang);
  }
  request.as_of = *date;
  auto region = RegionParam(field("region"), caller);
  if (!region.ok()) return Failure(region.error(), lang);
  request.region = *region;

  // The list goes to a file of its own (CompareList reads a path), named as uploaded so
  // that a structural error names the user's file; removed once compared.
  const FormPart& list = *form->at("list");
  request.file_name = list.filename.value_or("");
  if (request.file_name.empty() || request.file_name == "." || request.file_name == "..") {
    request.file_name = "list";
  }
  auto folder = NewScratchFolder(ctx.database_path, "compare-");
  if (!folder.ok()) return Failure(folder.error(), lang);
  const std::filesystem::path dir(folder->path());
  request.path = (dir / request.file_name).string();
  Result<CompareReport> report = Error::Io("无法保存上传的文件", "cannot store the upload");
  {
    std::ofstream out(request.path, std::ios::binary);
    out.write(list.body.data(), static_cast<std::streamsize>(list.body.size()));
    out.close();
    if (out) report = CompareList(ctx.store, ctx.policy, caller, request);
  }
  if (!report.ok()) return Failure(report.error(), lang);
  return DataText(CompareReportText(*report, lang, RoleSeesMaskedData(caller.user.role)));
}

Reply Lists(RouteContext& ctx, const HttpRequest& req) {
  auto lists = ListDepartmentLists(ctx.store, req.caller, std::string(req.query.Get("kind")));
  if (!lists.ok()) return Failure(lists.error(), req.lang);
  Json out = Json::array();
  for (const auto& l : *lists) out.push_back(DepartmentListJson(l));
  return Data(out);
}

Reply QualityCheck(RouteContext& ctx, const HttpRequest& req) {
  const Caller& caller = req.caller;
  const Lang lang = req.lang;
  if (!RoleMay(caller.user.role, Permission::kDecideFindings)) return Failure(Forbidden(), lang);
  std::string text;
  if (!BlankBody(req.body)) {
    auto body = ParseBody(req.body, {"region"});
    if (!body.ok()) return Failure(body.error(), lang);
    if (body->contains("region") && !(*body)["region"].is_null()) {
      if (!(*body)["region"].is_string()) {
        return Failure(Error{"E_FORMAT", "region 应为字符串", "region must be a string"}, lang);
      }
      text = (*body)["region"].get<std::string>();
    }
  }
  auto region = KnownRegion(ctx.store, text, caller);
  if (!region.ok()) return Failure(region.error(), lang);
  auto report = CheckQuality(ctx.store, caller, *region);
  if (!report.ok()) return Failure(report.error(), lang);
  return DataText(CompareReportText(*report, lang, RoleSeesMaskedData(caller.user.role)));
}

}  // namespace

void AddCompareRoutes(Routes& routes) {
  routes.push_back({"POST", "/api/v1/compare/lists", true, Work::kWrite, Upload, nullptr});
  routes.push_back({"GET", "/api/v1/compare/lists", true, Work::kRead, Lists, nullptr});
  routes.push_back({"POST", "/api/v1/quality-checks", true, Work::kWrite, QualityCheck, nullptr});
}

}  // namespace fupin
