// The audit trail: every write, every unmasked read of a person and every export leaves
// a record (who, when, what, from where), hash-chained so that a changed or deleted
// record is detected.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/error.h"
#include "service/auth_service.h"
#include "storage/store.h"

namespace fupin {

// Appends a record inside the caller's transaction (or its own when none is open):
// seq = the last seq + 1 (1 for the first record), and
// hash = SHA-256(prev_hash ‖ seq ‖ at ‖ actor ‖ role ‖ action ‖ target ‖ detail ‖ remote),
// hex, the fields joined with U+001F; prev_hash is the previous record's hash, 64 zeros for
// the first. Control characters in the fields are stored as spaces (so the separator
// cannot occur in them). `detail` never holds ID numbers, phones or passwords. When it
// joins the caller's transaction and fails, the caller rolls back.
Status AppendAudit(Store& store, const Caller& caller, const std::string& action,
                   const std::string& target, const std::string& detail);

struct AuditVerifyReport {
  int64_t records = 0;
  bool ok = true;
  int64_t first_broken = 0;  // seq of the first record whose link is broken
  std::string reason_zh, reason_en;
};
// Walks the chain from the first record: a changed record, a deleted one (a gap in the
// sequence, or a first record whose seq is not 1) or a reordered one breaks it, and the
// report names the first record found broken. Removing records from the end (or all of
// them) leaves a shorter chain that holds: compare `records` with a count kept elsewhere.
Result<AuditVerifyReport> VerifyAuditChain(Store& store);

// A page of the trail for the API; E_FORBIDDEN unless the caller's role may kReadAudit.
// Records carry no region: a caller who may read the trail reads all of it.
Result<AuditPage> SearchAudit(Store& store, const Caller& caller, const AuditQuery& query);

}  // namespace fupin
