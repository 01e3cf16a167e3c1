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
// hash = SHA-256(previous hash ‖ seq ‖ at ‖ actor ‖ role ‖ action ‖ target ‖ detail ‖ remote).
// `detail` never holds ID numbers, phones or passwords.
Status AppendAudit(Store& store, const Caller& caller, const std::string& action,
                   const std::string& target, const std::string& detail);

struct AuditVerifyReport {
  int64_t records = 0;
  bool ok = true;
  int64_t first_broken = 0;  // seq of the first record whose link is broken
  std::string reason_zh, reason_en;
};
// Walks the chain from the first record: a changed record, a deleted one (a gap in the
// sequence) or a reordered one breaks it.
Result<AuditVerifyReport> VerifyAuditChain(Store& store);

}  // namespace fupin
