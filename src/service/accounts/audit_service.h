// The audit trail: every write, every unmasked read of a person and every export leaves
// a record (who, when, what, from where, the region it concerns), chained by a keyed hash
// so that a changed, deleted or re-made record is detected by whoever holds the key.
//
// The key: 32 random bytes, written as 64 hex digits in a key file of mode 0600 that
// `fupin init` creates when absent (CreateAuditKey). Its path (AuditKeyPath) is
// StoreOptions::audit_key_path (the server's `audit_key = PATH`), else $FUPIN_AUDIT_KEY,
// else `<db path>-audit.key` — and for a database that is not a file (PostgreSQL) no
// default: AuditKeyPath is "" and reading or creating the key is E_AUDIT_KEY. The default sits
// beside the database for a first start only: whoever can rewrite the database then holds the key
// too and can re-make the chain, so a deployment should keep the key where the database's other
// users and its backups cannot read it (another owner, another volume) and point audit_key or
// FUPIN_AUDIT_KEY there. The accounts file keeps a check value (the HMAC of a fixed text) that
// tells a wrong key from the right one.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/error.h"
#include "common/region_code.h"
#include "service/accounts/auth_service.h"
#include "storage/store.h"

namespace fupin {

// The key file's path for `store` (see above).
std::string AuditKeyPath(const Store& store);

// For `fupin init`: creates the key file (mode 0600) when it is absent and the trail has
// never been keyed, stores the key check, and seals the count of legacy records (moved
// from an older database) with the key. Idempotent. E_AUDIT_KEY when the key file is
// missing although the trail was keyed, unreadable, malformed, or not this database's key;
// E_IO when it cannot be created.
Status CreateAuditKey(Store& store);

// Whether the key is there and is this database's: E_AUDIT_KEY otherwise (missing,
// unreadable, malformed, wrong, or never created: run `fupin init`). Commands that append
// records call it before they change anything.
Status CheckAuditKey(Store& store);

// Appends a record about `region` (a household's village for household.* and person.read;
// the region queried for exports, lists and checks; the user's region for user.*, login*,
// logout; 0 for the nation): at = now, seq = the last seq + 1 (1 for the first) and
// hash = HMAC-SHA-256(key, prev_hash ‖ seq ‖ at ‖ actor ‖ role ‖ action ‖ target ‖ detail ‖
// remote ‖ region), hex, the fields joined with U+001F, seq and region in decimal;
// prev_hash is the previous record's hash, 64 zeros for the first. seq, prev_hash and hash
// are computed by the AccountStore under the accounts file's write lock (the seal passed to
// AccountStore::AppendAudit). Control characters in the fields are stored as spaces (so the
// separator cannot occur in them). `detail` never holds ID numbers, phones or passwords.
// While the register has a transaction open, the record is written when it commits (and
// dropped when it rolls back); otherwise at once, in a short transaction of the accounts
// file, which never waits for a writer of the register. E_AUDIT_KEY without the key,
// E_BUSY when the accounts file stays locked.
Status AppendAudit(Store& store, const Caller& caller, RegionCode region, const std::string& action,
                   const std::string& target, const std::string& detail);

struct AuditVerifyReport {
  int64_t records = 0;
  int64_t legacy = 0;  // records moved from an older database, hashed by the old rule
  std::string head;    // the last record's hash; 64 zeros when there is none
  bool ok = true;
  int64_t first_broken = 0;  // seq of the first record whose link is broken
  std::string reason_zh, reason_en;
};
// Walks the chain from the first record: a changed record, a deleted one (a gap in the
// sequence, or a first record whose seq is not 1), a reordered one, one re-made without
// the key, or a change in the number of legacy records breaks it, and the report names the
// first record found broken. Legacy records (storage/accounts.h) are checked with the old
// rule, SHA-256 of the same fields without the region, and must all come first. Removing
// records from the end (or all of them) leaves a shorter chain that holds: keep `head`
// and `records` elsewhere and compare. E_AUDIT_KEY without this database's key.
Result<AuditVerifyReport> VerifyAuditChain(Store& store);

// A page of the trail for the API: only records about the caller's region subtree
// (the nation's records only for a caller of the nation). E_FORBIDDEN unless the caller's
// role may kReadAudit.
Result<AuditPage> SearchAudit(Store& store, const Caller& caller, const AuditQuery& query);

}  // namespace fupin
