// Attachments (附件): the photos of visits and the evidence of the steps of cases (minutes
// of a 民主评议, a household's signature). A file is uploaded first, unclaimed; the visit
// or case step that uses it then claims it in its own transaction, binding it to an owner
// ("visit:<id>", "case:<id>:<seq>") and to that owner's household, whose read scope then
// decides who may read it. Files are kept in the Store with their SHA-256, never at a path
// a client named: the client's file name is a label only.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.h"
#include "service/accounts/auth_service.h"
#include "storage/store.h"

namespace fupin {

inline constexpr int64_t kMaxAttachmentBytes = int64_t{10} << 20;  // 10 MiB
inline constexpr int kMaxAttachmentsPerOwner = 9;
inline constexpr size_t kMaxAttachmentLabel = 100;  // characters of a file name kept

// The media type of `bytes` from their first bytes alone: "image/jpeg" (FF D8 FF),
// "image/png" (89 50 4E 47 0D 0A 1A 0A) or "application/pdf" ("%PDF-"); nullopt for
// anything else.
std::optional<std::string_view> SniffMediaType(std::string_view bytes);

// A client's file name as a label: its last path component (after '/' or '\'), without
// control characters (common/text.h FindForbiddenControl) or bytes that are not UTF-8,
// surrounding spaces trimmed, at most kMaxAttachmentLabel characters; "附件" when nothing
// is left (or only "." or "..").
std::string AttachmentLabel(std::string_view file_name);

// Stores an unclaimed file uploaded by the caller. E_FORBIDDEN unless the role may record
// assistance (kRecordAssistance); E_EMPTY for no bytes; E_TOO_LARGE over
// kMaxAttachmentBytes; E_ATTACHMENT_TYPE unless the bytes are JPEG, PNG or PDF (whatever
// the name says). Audited ("attachment.upload", the caller's region). Returns the row
// (id, label, media type, size, SHA-256).
Result<AttachmentRow> UploadAttachment(Store& store, const Caller& caller,
                                       const std::string& file_name, std::string_view bytes);

// Within the caller's open transaction (E_INTERNAL without one): binds attachments `ids`
// to `owner` and to the household (`county`, `household_code`). Each must exist, be
// unclaimed and have been uploaded by this caller; an id given twice, another's file, a
// claimed or unknown one is E_ATTACHMENT naming the id (nothing is claimed then: the
// caller rolls back), and so is going over kMaxAttachmentsPerOwner for the owner.
Status ClaimAttachments(Store& store, const Caller& caller, const std::vector<int64_t>& ids,
                        const std::string& owner, RegionCode county,
                        const std::string& household_code);

// The attachments of `owner`, in upload order (no scope check: for services that have
// checked the owner's).
Result<std::vector<AttachmentRow>> AttachmentsOf(Store& store, const std::string& owner);

struct AttachmentFile {
  AttachmentRow row;
  std::string content;
};

// An attachment with its bytes. A claimed one for whoever may read its household
// (care_scope.h); an unclaimed one only for its uploader. E_NOT_FOUND otherwise, the same
// as for an id that does not exist. Audited ("attachment.read", "attachment:<id>").
Result<AttachmentFile> ReadAttachment(Store& store, const Caller& caller, int64_t id);

}  // namespace fupin
