// POST /imports: an upload of the import template (two CSV files or one workbook).
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <iterator>

#include "api/reply.h"
#include "api/routes/routes.h"
#include "service/accounts/audit_service.h"
#include "service/imports/import_service.h"
#include "service/scratch.h"
#include "views/json_views.h"

namespace fupin {
namespace {

bool Flag(const Query& q, const char* name) { return q.Get(name) == "1" || q.Get(name) == "true"; }

std::string Base64(const std::string& bytes) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    const uint32_t n =
        (uint8_t(bytes[i]) << 16) | (uint8_t(bytes[i + 1]) << 8) | uint8_t(bytes[i + 2]);
    for (int shift : {18, 12, 6, 0}) out += kAlphabet[(n >> shift) & 63];
  }
  if (i < bytes.size()) {
    uint32_t n = uint8_t(bytes[i]) << 16;
    if (i + 1 < bytes.size()) n |= uint8_t(bytes[i + 1]) << 8;
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    out += i + 1 < bytes.size() ? kAlphabet[(n >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

// The rejected rows an import with skip_invalid wrote (households.csv and members.csv, or
// rejects.xlsx, each with an added 错误 column), as files the browser can save.
Result<Json> RejectFiles(const std::filesystem::path& dir) {
  Json files = Json::array();
  std::error_code ec;
  if (!std::filesystem::exists(dir, ec)) return files;
  for (const char* name : {"households.csv", "members.csv", "rejects.xlsx"}) {
    const auto path = dir / name;
    if (!std::filesystem::exists(path, ec)) continue;
    std::ifstream in(path, std::ios::binary);
    std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (!in.good() && !in.eof()) return Error::Io("无法读取被拒绝的行", "cannot read the rejects");
    files.push_back(Json{{"name", name}, {"base64", Base64(bytes)}});
  }
  return files;
}

Reply Import(RouteContext& ctx, const HttpRequest& req) {
  const Caller& caller = req.caller;
  const Lang lang = req.lang;
  if (!RoleMay(caller.user.role, Permission::kImport)) return Failure(Forbidden(), lang);
  std::vector<const FormPart*> uploads;
  for (const FormPart& part : req.form) {
    if (part.filename) uploads.push_back(&part);  // files only, as browsers send them
  }
  if (!req.is_form || uploads.empty() || uploads.size() > 2) {
    return Failure(
        Error{"E_USAGE", "请以 multipart/form-data 上传户表和人表两个 CSV 文件，或一个 XLSX 文件",
              "upload two CSV files or one XLSX file as multipart/form-data"},
        lang);
  }
  // A scratch folder of our own, locked while it lives: removed when this returns, and by
  // the next start or import if the server is killed meanwhile.
  auto folder = NewScratchFolder(ctx.database_path, "upload-");
  if (!folder.ok()) return Failure(folder.error(), lang);
  const std::filesystem::path dir(folder->path());
  std::vector<std::string> files;
  for (const FormPart* part : uploads) {
    std::string name = part->filename.value_or(part->name);
    if (name.empty() || name == "." || name == "..") name = "upload" + std::to_string(files.size());
    const auto path = (dir / (std::to_string(files.size()) + "-" + name)).string();
    std::ofstream out(path, std::ios::binary);
    out.write(part->body.data(), static_cast<std::streamsize>(part->body.size()));
    out.close();
    if (!out) {
      return Failure(Error::Io("无法保存上传的文件", "cannot store the upload"), lang);
    }
    files.push_back(path);
  }
  ImportOptions options;
  options.files = files;
  options.dry_run = Flag(req.query, "dry_run");
  options.skip_invalid = Flag(req.query, "skip_invalid");
  if (options.skip_invalid && !options.dry_run) options.rejects_dir = (dir / "rejects").string();
  options.actor = caller.user.username;
  options.scope = caller.user.region;
  // Codes and ID numbers taken outside the caller's region: the answer only says they
  // cannot be used; the attempt is on record.
  const auto audit_conflicts = [&](const ImportReport& r) -> Status {
    for (const std::string& code : r.scope_conflicts) {
      FUPIN_RETURN_IF_ERROR(AppendAudit(ctx.store, caller, caller.user.region, "household.conflict",
                                        code, "import: taken outside the region"));
    }
    return Status::Ok();
  };
  // The import's audit records commit with it, or neither does.
  bool audited_in_commit = false;
  options.before_commit = [&](const std::string& batch_id, const ImportReport& r) -> Status {
    FUPIN_RETURN_IF_ERROR(AppendAudit(ctx.store, caller, caller.user.region, "import", batch_id,
                                      std::to_string(r.households_created) + " created, " +
                                          std::to_string(r.households_updated) + " updated"));
    FUPIN_RETURN_IF_ERROR(audit_conflicts(r));
    audited_in_commit = true;
    return Status::Ok();
  };
  auto report = RunImport(ctx.store, options);
  if (!report.ok()) return Failure(report.error(), lang);
  // An import that wrote nothing (refused, or a dry run): its attempts are on record all
  // the same, or the answer is the failure to record them (503 E_BUSY: try again).
  if (!audited_in_commit) {
    if (Status s = audit_conflicts(*report); !s.ok()) return Failure(s.error(), lang);
  }
  // File names in the report are the temporary paths: show the uploaded names.
  for (auto* list : {&report->errors, &report->warnings}) {
    for (auto& issue : *list) {
      auto slash = issue.file.rfind('/');
      if (slash != std::string::npos) issue.file = issue.file.substr(slash + 1);
      auto dash = issue.file.find('-');
      if (dash != std::string::npos) issue.file = issue.file.substr(dash + 1);
    }
  }
  Json data = ImportReportJson(*report, lang, options.dry_run);
  if (!options.rejects_dir.empty()) {
    auto rejects = RejectFiles(options.rejects_dir);
    if (!rejects.ok()) return Failure(rejects.error(), lang);
    data["rejects"] = std::move(*rejects);
  }
  if (!report->errors.empty() && !options.skip_invalid) {
    const auto& first = report->errors.front();
    return Failure(Error{first.code, first.zh, first.en}, lang, data["errors"]);
  }
  return Data(data);
}

}  // namespace

void AddImportRoutes(Routes& routes) {
  routes.push_back({"POST", "/api/v1/imports", true, Work::kWrite, Import, nullptr});
}

}  // namespace fupin
