#include "service/accounts/audit_service.h"

#include <fcntl.h>
#include <sodium.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <utility>

#include "service/accounts/crypto.h"
#include "service/clock.h"

namespace fupin {
namespace {

constexpr char kSeparator = '\x1f';  // U+001F; Clean() keeps it out of the fields
const std::string kNoPreviousHash(64, '0');
constexpr char kKeyCheckText[] = "fupin audit key check";
constexpr char kKeyCheckMeta[] = "audit_key_check";
constexpr char kLegacyCountMeta[] = "legacy_records";  // written by the storage migration
constexpr char kLegacySealMeta[] = "legacy_records_seal";

using Key = std::string;  // crypto_auth_hmacsha256_KEYBYTES raw bytes

// Control characters become spaces, so that the separator cannot occur in a field.
std::string Clean(std::string text) {
  for (char& c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f) c = ' ';
  }
  return text;
}

// prev_hash ‖ seq ‖ at ‖ actor ‖ role ‖ action ‖ target ‖ detail ‖ remote [‖ region].
std::string HashedText(const AuditRow& r, bool with_region) {
  std::string text = r.prev_hash;
  for (const std::string& field :
       {std::to_string(r.seq), r.at, r.actor, r.role, r.action, r.target, r.detail, r.remote}) {
    text += kSeparator;
    text += field;
  }
  if (with_region) {
    text += kSeparator;
    text += std::to_string(r.region_code);
  }
  return text;
}

std::string Hex(const unsigned char* bytes, size_t size) {
  std::string out(size * 2 + 1, '\0');
  sodium_bin2hex(out.data(), out.size(), bytes, size);
  out.pop_back();
  return out;
}

std::string Hmac(const Key& key, std::string_view text) {
  unsigned char mac[crypto_auth_hmacsha256_BYTES];
  crypto_auth_hmacsha256(mac, reinterpret_cast<const unsigned char*>(text.data()), text.size(),
                         reinterpret_cast<const unsigned char*>(key.data()));
  return Hex(mac, sizeof mac);
}

// The hash of a record by its rule: keyed, or the old unkeyed SHA-256 for legacy records.
std::string AuditHash(const Key& key, const AuditRow& r) {
  if (r.legacy) return Sha256Hex(HashedText(r, false));
  return Hmac(key, HashedText(r, true));
}

Error KeyError(const std::string& path, const std::string& zh, const std::string& en) {
  return Error{"E_AUDIT_KEY", "审计密钥文件 " + path + " " + zh,
               "the audit key file " + path + " " + en};
}

// A database server (PostgreSQL) has no file to keep the key beside: it must be named.
Error NoKeyPath() {
  return Error{"E_AUDIT_KEY",
               "数据库不是文件（PostgreSQL）：请用 FUPIN_AUDIT_KEY 或服务器配置的 audit_key "
               "指明审计密钥文件",
               "the database is not a file (PostgreSQL): name the audit key file with "
               "FUPIN_AUDIT_KEY or the server's audit_key"};
}

// Reads the key file: 64 hex digits, optionally followed by a line break.
Result<Key> ReadKey(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return KeyError(path, "不存在或无法读取（运行 fupin init 创建，或用 FUPIN_AUDIT_KEY 指明）",
                    "is missing or unreadable (run `fupin init` to create it, or name it with "
                    "FUPIN_AUDIT_KEY)");
  }
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
  Key key(crypto_auth_hmacsha256_KEYBYTES, '\0');
  size_t size = 0;
  if (text.size() != 2 * key.size() ||
      sodium_hex2bin(reinterpret_cast<unsigned char*>(key.data()), key.size(), text.data(),
                     text.size(), nullptr, &size, nullptr) != 0 ||
      size != key.size()) {
    return KeyError(path, "格式错误：应为 64 位十六进制数字",
                    "is malformed: it must hold 64 hex digits");
  }
  return key;
}

// The key, checked against the accounts file's check value.
Result<Key> LoadKey(Store& store) {
  FUPIN_RETURN_IF_ERROR(InitSodium());
  const std::string path = AuditKeyPath(store);
  if (path.empty()) return NoKeyPath();
  auto check = store.accounts().GetMeta(kKeyCheckMeta);
  if (!check.ok()) return check.error();
  auto key = ReadKey(path);
  if (!key.ok()) return key.error();
  if (!check->has_value()) {
    return KeyError(path, "尚未登记到此数据库：请运行 fupin init",
                    "is not registered with this database: run `fupin init`");
  }
  if (!ConstantTimeEqual(Hmac(*key, kKeyCheckText), **check)) {
    return KeyError(path, "中的密钥不是此数据库的审计密钥",
                    "holds a key that is not this database's audit key");
  }
  return key;
}

// Writes a new random key to `path`, created with mode 0600 (never over an existing file).
Status WriteNewKey(const std::string& path) {
  unsigned char bytes[crypto_auth_hmacsha256_KEYBYTES];
  randombytes_buf(bytes, sizeof bytes);
  const std::string text = Hex(bytes, sizeof bytes) + "\n";
  sodium_memzero(bytes, sizeof bytes);
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    const std::string why = std::strerror(errno);
    return Error::Io("无法创建审计密钥文件 " + path + "：" + why,
                     "cannot create the audit key file " + path + ": " + why);
  }
  const bool written = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  const bool synced = ::fsync(fd) == 0;
  ::close(fd);
  if (!written || !synced) {
    ::unlink(path.c_str());
    return Error::Io("无法写入审计密钥文件 " + path, "cannot write the audit key file " + path);
  }
  return Status::Ok();
}

std::string LegacySealText(const std::string& count) { return "legacy_records:" + count; }

}  // namespace

std::string AuditKeyPath(const Store& store) {
  if (!store.options().audit_key_path.empty()) return store.options().audit_key_path;
  if (const char* env = std::getenv("FUPIN_AUDIT_KEY"); env && *env) return env;
  if (store.file_path().empty()) return "";  // a database that is not a file: no default
  return store.file_path() + "-audit.key";
}

Status CreateAuditKey(Store& store) {
  FUPIN_RETURN_IF_ERROR(InitSodium());
  const std::string path = AuditKeyPath(store);
  if (path.empty()) return NoKeyPath();
  auto& accounts = store.accounts();
  auto check = accounts.GetMeta(kKeyCheckMeta);
  if (!check.ok()) return check.error();
  if (!check->has_value() && access(path.c_str(), F_OK) != 0) {
    FUPIN_RETURN_IF_ERROR(WriteNewKey(path));
  }
  auto key = ReadKey(path);
  if (!key.ok()) return key.error();
  FUPIN_RETURN_IF_ERROR(accounts.Begin());
  Status s = [&]() -> Status {
    if (check->has_value()) {
      if (!ConstantTimeEqual(Hmac(*key, kKeyCheckText), **check)) {
        return KeyError(path, "中的密钥不是此数据库的审计密钥",
                        "holds a key that is not this database's audit key");
      }
    } else {
      FUPIN_RETURN_IF_ERROR(accounts.PutMeta(kKeyCheckMeta, Hmac(*key, kKeyCheckText)));
    }
    auto sealed = accounts.GetMeta(kLegacySealMeta);
    if (!sealed.ok()) return sealed.error();
    if (sealed->has_value()) return Status::Ok();
    auto count = accounts.GetMeta(kLegacyCountMeta);
    if (!count.ok()) return count.error();
    return accounts.PutMeta(kLegacySealMeta,
                            Hmac(*key, LegacySealText(count->value_or(std::string("0")))));
  }();
  if (!s.ok()) {
    accounts.Rollback();
    return s;
  }
  return accounts.Commit();
}

Status CheckAuditKey(Store& store) {
  auto key = LoadKey(store);
  return key.ok() ? Status::Ok() : Status(key.error());
}

Status AppendAudit(Store& store, const Caller& caller, RegionCode region, const std::string& action,
                   const std::string& target, const std::string& detail) {
  auto key = LoadKey(store);
  if (!key.ok()) return key.error();
  AuditRow row;
  row.at = NowIso8601();
  row.actor = Clean(caller.user.username);
  row.role = std::string(RoleName(caller.user.role));
  row.action = Clean(action);
  row.target = Clean(target);
  row.detail = Clean(detail);
  row.remote = Clean(caller.remote);
  row.region_code = region.value();
  return store.accounts().AppendAudit(
      std::move(row),
      [key = std::move(key).value()](const AuditRow& r) { return Hmac(key, HashedText(r, true)); });
}

Result<AuditVerifyReport> VerifyAuditChain(Store& store) {
  auto key = LoadKey(store);
  if (!key.ok()) return key.error();
  AuditVerifyReport report;
  report.head = kNoPreviousHash;
  int64_t previous_seq = 0;
  bool keyed_seen = false;
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
    if (r.legacy) ++report.legacy;
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
    } else if (r.legacy && keyed_seen) {
      broken(r.seq, "第 " + seq + " 条记录标为旧式（无密钥）记录，却在有密钥的记录之后",
             "record " + seq + " is marked legacy (unkeyed) but follows a keyed record");
    } else if (AuditHash(*key, r) != r.hash) {
      broken(r.seq, "第 " + seq + " 条记录的内容与其散列值不符（记录被改动，或未用密钥重算）",
             "record " + seq +
                 " does not match its hash (the record was changed, or re-made without the key)");
    }
    keyed_seen = keyed_seen || !r.legacy;
    previous_seq = r.seq;
    previous_hash = r.hash;
    report.head = r.hash;
    return Status::Ok();
  });
  if (!s.ok()) return s.error();
  // The number of legacy records was sealed with the key by `fupin init`: records turned
  // into legacy ones (to be re-made without the key) change it.
  auto count = store.accounts().GetMeta(kLegacyCountMeta);
  auto seal = store.accounts().GetMeta(kLegacySealMeta);
  if (!count.ok()) return count.error();
  if (!seal.ok()) return seal.error();
  const std::string sealed_count = count->value_or(std::string("0"));
  const bool seal_holds =
      seal->has_value() && ConstantTimeEqual(Hmac(*key, LegacySealText(sealed_count)), **seal);
  if (!seal_holds || sealed_count != std::to_string(report.legacy)) {
    broken(0, "旧式（无密钥）记录的条数与登记的 " + sealed_count + " 条不符",
           "the number of legacy (unkeyed) records differs from the " + sealed_count + " recorded");
  }
  return report;
}

Result<AuditPage> SearchAudit(Store& store, const Caller& caller, const AuditQuery& query) {
  if (!RoleMay(caller.user.role, Permission::kReadAudit)) {
    return Error{"E_FORBIDDEN", "您的角色无权查阅审计记录",
                 "your role may not read the audit trail"};
  }
  AuditQuery q = query;
  q.region_lo = caller.user.region.subtree_lo();
  q.region_hi = caller.user.region.subtree_hi();
  if (q.limit <= 0 || q.limit > 1000) q.limit = 1000;
  if (q.offset < 0) q.offset = 0;
  return store.accounts().SearchAudit(q);
}

}  // namespace fupin
