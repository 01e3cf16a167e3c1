#include "service/audit_service.h"

#include <utility>

#include "service/clock.h"
#include "service/crypto.h"

namespace fupin {
namespace {

constexpr char kSeparator = '\x1f';  // U+001F; Clean() keeps it out of the fields
const std::string kNoPreviousHash(64, '0');

// Control characters become spaces, so that the separator cannot occur in a field.
std::string Clean(std::string text) {
  for (char& c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f) c = ' ';
  }
  return text;
}

// SHA-256(prev_hash ‖ seq ‖ at ‖ actor ‖ role ‖ action ‖ target ‖ detail ‖ remote).
std::string AuditHash(const AuditRow& r) {
  std::string text = r.prev_hash;
  for (const std::string& field :
       {std::to_string(r.seq), r.at, r.actor, r.role, r.action, r.target, r.detail, r.remote}) {
    text += kSeparator;
    text += field;
  }
  return Sha256Hex(text);
}

}  // namespace

Status AppendAudit(Store& store, const Caller& caller, const std::string& action,
                   const std::string& target, const std::string& detail) {
  FUPIN_RETURN_IF_ERROR(InitSodium());
  return InTransaction(store, [&]() -> Status {
    auto last = store.accounts().LastAudit();
    if (!last.ok()) return last.error();
    AuditRow row;
    row.seq = last->has_value() ? (*last)->seq + 1 : 1;
    row.at = NowIso8601();
    row.actor = Clean(caller.user.username);
    row.role = std::string(RoleName(caller.user.role));
    row.action = Clean(action);
    row.target = Clean(target);
    row.detail = Clean(detail);
    row.remote = Clean(caller.remote);
    row.prev_hash = last->has_value() ? (*last)->hash : kNoPreviousHash;
    row.hash = AuditHash(row);
    return store.accounts().AppendAudit(row);
  });
}

Result<AuditVerifyReport> VerifyAuditChain(Store& store) {
  FUPIN_RETURN_IF_ERROR(InitSodium());
  AuditVerifyReport report;
  int64_t previous_seq = 0;
  std::string previous_hash = kNoPreviousHash;
  auto broken = [&](int64_t seq, std::string zh, std::string en) {
    if (!report.ok) return;
    report.ok = false;
    report.first_broken = seq;
    report.reason_zh = std::move(zh);
    report.reason_en = std::move(en);
  };
  Status s = store.accounts().ForEachAudit([&](const AuditRow& r) -> Status {
    ++report.records;
    const std::string seq = std::to_string(r.seq);
    if (r.seq != previous_seq + 1) {
      const std::string from = std::to_string(previous_seq + 1);
      const std::string to = std::to_string(r.seq - 1);
      const std::string missing = from == to ? from : from + "–" + to;
      if (r.seq > previous_seq + 1) {
        broken(r.seq, "第 " + seq + " 条记录之前的第 " + missing + " 条记录缺失（已被删除）",
               "record " + seq + " follows a gap: " +
                   (from == to ? "record " + from + " was" : "records " + missing + " were") +
                   " deleted");
      } else {
        broken(r.seq, "第 " + seq + " 条记录的序号不在顺序之内",
               "record " + seq + " is out of sequence");
      }
    } else if (r.prev_hash != previous_hash) {
      broken(r.seq, "第 " + seq + " 条记录与上一条的散列值不相连（记录被改动或调换）",
             "record " + seq +
                 " does not link to the record before it (a record was changed or moved)");
    } else if (AuditHash(r) != r.hash) {
      broken(r.seq, "第 " + seq + " 条记录的内容与其散列值不符（记录被改动）",
             "record " + seq + " does not match its hash (the record was changed)");
    }
    previous_seq = r.seq;
    previous_hash = r.hash;
    return Status::Ok();
  });
  if (!s.ok()) return s.error();
  return report;
}

Result<AuditPage> SearchAudit(Store& store, const Caller& caller, const AuditQuery& query) {
  if (!RoleMay(caller.user.role, Permission::kReadAudit)) {
    return Error{"E_FORBIDDEN", "您的角色无权查阅审计记录",
                 "your role may not read the audit trail"};
  }
  AuditQuery q = query;
  if (q.limit <= 0 || q.limit > 1000) q.limit = 1000;
  if (q.offset < 0) q.offset = 0;
  return store.accounts().SearchAudit(q);
}

}  // namespace fupin
