#include "service/procedures/attachment_service.h"

#include <set>

#include "common/text.h"
#include "service/accounts/audit_service.h"
#include "service/accounts/crypto.h"
#include "service/clock.h"
#include "service/procedures/care_scope.h"
#include "service/transaction.h"

namespace fupin {
namespace {

// The same words for every id: one outside the scope reads as one that does not exist.
Error NoSuchAttachment() { return Error::NotFound("附件不存在", "no such attachment"); }

Error CannotClaim(int64_t id) {
  const std::string n = std::to_string(id);
  return Error{"E_ATTACHMENT", "附件 " + n + " 不存在、已被使用或不是您上传的",
               "attachment " + n + " does not exist, is used already or was not uploaded by you"};
}

// The characters FindForbiddenControl refuses (text.h), TAB, LF and CR included.
bool Refused(char32_t c) {
  return c < 0x20 || c == 0x7F || (c >= 0x80 && c <= 0x9F) || (c >= 0x202A && c <= 0x202E) ||
         (c >= 0x2066 && c <= 0x2069) || c == 0x200E || c == 0x200F || c == 0x061C;
}

// The next UTF-8 sequence of `text` at `pos`: its length, and its code point (or nullopt
// for bytes that are not a well-formed sequence; length 1 then).
std::pair<size_t, std::optional<char32_t>> NextChar(std::string_view text, size_t pos) {
  const auto b = static_cast<unsigned char>(text[pos]);
  size_t len = b < 0x80 ? 1 : (b >> 5) == 0x6 ? 2 : (b >> 4) == 0xE ? 3 : (b >> 3) == 0x1E ? 4 : 0;
  if (len == 0 || pos + len > text.size()) return {1, std::nullopt};
  if (!IsValidUtf8(text.substr(pos, len))) return {1, std::nullopt};
  char32_t c = len == 1 ? b : b & (0x7F >> len);
  for (size_t i = 1; i < len; ++i)
    c = (c << 6) | (static_cast<unsigned char>(text[pos + i]) & 0x3F);
  return {len, c};
}

}  // namespace

std::optional<std::string_view> SniffMediaType(std::string_view bytes) {
  if (bytes.size() >= 3 && bytes.substr(0, 3) == std::string_view("\xFF\xD8\xFF", 3)) {
    return "image/jpeg";
  }
  if (bytes.size() >= 8 && bytes.substr(0, 8) == std::string_view("\x89PNG\r\n\x1A\n", 8)) {
    return "image/png";
  }
  if (bytes.size() >= 5 && bytes.substr(0, 5) == "%PDF-") return "application/pdf";
  return std::nullopt;
}

std::string AttachmentLabel(std::string_view file_name) {
  const size_t slash = file_name.find_last_of("/\\");
  if (slash != std::string_view::npos) file_name = file_name.substr(slash + 1);
  std::string kept;
  size_t characters = 0;
  for (size_t pos = 0; pos < file_name.size() && characters < kMaxAttachmentLabel * 2;) {
    auto [len, c] = NextChar(file_name, pos);
    if (c && !Refused(*c)) {
      kept.append(file_name.substr(pos, len));
      ++characters;
    }
    pos += len;
  }
  std::string label(TrimSpaces(kept));
  // At most kMaxAttachmentLabel characters, cut at a character boundary.
  size_t pos = 0;
  for (size_t n = 0; pos < label.size() && n < kMaxAttachmentLabel; ++n) {
    pos += NextChar(label, pos).first;
  }
  label.resize(pos);
  if (label.empty() || label == "." || label == "..") return "附件";
  return label;
}

Result<AttachmentRow> UploadAttachment(Store& store, const Caller& caller,
                                       const std::string& file_name, std::string_view bytes) {
  if (!RoleMay(caller.user.role, Permission::kRecordAssistance)) {
    return Error{"E_FORBIDDEN", "您的角色无权上传附件", "your role may not upload attachments"};
  }
  if (bytes.empty()) return Error{"E_EMPTY", "文件是空的", "the file is empty"};
  if (static_cast<int64_t>(bytes.size()) > kMaxAttachmentBytes) {
    return Error{"E_TOO_LARGE", "附件超过 10 MiB", "the attachment is over 10 MiB"};
  }
  const auto media_type = SniffMediaType(bytes);
  if (!media_type) {
    return Error{"E_ATTACHMENT_TYPE", "附件只能是 JPEG、PNG 图片或 PDF 文件（按文件内容判断）",
                 "an attachment must be a JPEG or PNG image or a PDF file (judged by its "
                 "content)"};
  }
  FUPIN_RETURN_IF_ERROR(InitSodium());
  AttachmentRow row;
  row.file_name = AttachmentLabel(file_name);
  row.media_type = std::string(*media_type);
  row.size = static_cast<int64_t>(bytes.size());
  row.sha256 = Sha256Hex(bytes);
  row.uploaded_by = caller.user.username;
  row.uploaded_at = NowIso8601();
  FUPIN_RETURN_IF_ERROR(InTransaction(store, [&]() -> Status {
    FUPIN_RETURN_IF_ERROR(store.care().InsertAttachment(row, bytes));
    return AppendAudit(store, caller, caller.user.region, "attachment.upload",
                       "attachment:" + std::to_string(row.id),
                       row.media_type + " " + std::to_string(row.size) + " bytes");
  }));
  return row;
}

Status ClaimAttachments(Store& store, const Caller& caller, const std::vector<int64_t>& ids,
                        const std::string& owner, RegionCode county,
                        const std::string& household_code) {
  if (!store.in_transaction()) {
    return Error{"E_INTERNAL", "附件须在事务中认领", "attachments are claimed in a transaction"};
  }
  if (ids.empty()) return Status::Ok();
  std::set<int64_t> seen;
  for (int64_t id : ids) {
    if (!seen.insert(id).second) return CannotClaim(id);
  }
  auto existing = store.care().AttachmentsOf(owner);
  if (!existing.ok()) return existing.error();
  if (existing->size() + ids.size() > static_cast<size_t>(kMaxAttachmentsPerOwner)) {
    const std::string n = std::to_string(kMaxAttachmentsPerOwner);
    return Error{"E_ATTACHMENT", "附件最多 " + n + " 个", "at most " + n + " attachments"};
  }
  for (int64_t id : ids) {
    auto row = store.care().GetAttachment(id);
    if (!row.ok()) return row.error();
    if (!row->has_value() || !(*row)->owner.empty() ||
        (*row)->uploaded_by != caller.user.username) {
      return CannotClaim(id);
    }
    auto claimed = store.care().ClaimAttachment(id, owner, county.value(), household_code);
    if (!claimed.ok()) return claimed.error();
    if (!*claimed) return CannotClaim(id);
  }
  return Status::Ok();
}

Result<std::vector<AttachmentRow>> AttachmentsOf(Store& store, const std::string& owner) {
  return store.care().AttachmentsOf(owner);
}

Result<AttachmentFile> ReadAttachment(Store& store, const Caller& caller, int64_t id) {
  if (!RoleMay(caller.user.role, Permission::kRead)) return NoSuchAttachment();
  auto found = store.care().GetAttachment(id);
  if (!found.ok()) return found.error();
  if (!found->has_value()) return NoSuchAttachment();
  AttachmentFile file{std::move(**found), {}};
  RegionCode region = caller.user.region;
  if (file.row.owner.empty()) {
    if (file.row.uploaded_by != caller.user.username) return NoSuchAttachment();
  } else {
    auto household = HouseholdInReadScope(store, caller, file.row.household_code);
    if (!household.ok()) {
      if (household.error().code == "E_NOT_FOUND") return NoSuchAttachment();
      return household.error();
    }
    region = household->household.village_code;
  }
  auto content = store.care().AttachmentContent(id);
  if (!content.ok()) return content.error();
  file.content = std::move(*content);
  FUPIN_RETURN_IF_ERROR(AppendAudit(store, caller, region, "attachment.read",
                                    "attachment:" + std::to_string(id),
                                    file.row.owner.empty() ? "unclaimed" : file.row.owner));
  return file;
}

}  // namespace fupin
