// Attachments: POST /attachments (multipart/form-data, one file in the part "file") stores
// an unclaimed file; a visit (or a case step) claims it by its id. GET /attachments/{id}
// answers the bytes with the media type found in them (never the client's).
#include "api/reply.h"
#include "api/routes/routes.h"
#include "service/procedures/attachment_service.h"
#include "views/care_json.h"

namespace fupin {
namespace {

Reply Upload(RouteContext& ctx, const HttpRequest& req) {
  const FormPart* file = nullptr;
  int files = 0;
  for (const FormPart& part : req.form) {
    if (part.name == "file") {
      file = &part;
      ++files;
    }
  }
  if (!req.is_form || files != 1) {
    return Failure(Error{"E_USAGE", "请以 multipart/form-data 上传一个名为 file 的文件",
                         "upload one file in the multipart/form-data part named \"file\""},
                   req.lang);
  }
  auto row = UploadAttachment(ctx.store, req.caller, file->filename.value_or(""), file->body);
  if (!row.ok()) return Failure(row.error(), req.lang);
  return Data(AttachmentJson(*row), 201);
}

Reply Download(RouteContext& ctx, const HttpRequest& req) {
  const std::string id(req.Param("id").substr(0, 32));
  // Not an attachment's number is no attachment: 404 as for one that does not exist.
  if (id.empty() || id.size() > 18 || id.find_first_not_of("0123456789") != std::string::npos ||
      std::stoll(id) <= 0) {
    return Failure(Error::NotFound("附件不存在", "no such attachment"), req.lang);
  }
  auto file = ReadAttachment(ctx.store, req.caller, std::stoll(id));
  if (!file.ok()) return Failure(file.error(), req.lang);
  Reply reply;
  reply.body = std::move(file->content);
  reply.content_type = file->row.media_type;
  reply.filename = file->row.file_name;
  return reply;
}

}  // namespace

void AddAttachmentRoutes(Routes& routes) {
  routes.push_back({"POST", "/api/v1/attachments", true, Work::kWrite, Upload, nullptr});
  routes.push_back({"GET", "/api/v1/attachments/:id", true, Work::kRead, Download, nullptr});
}

}  // namespace fupin
