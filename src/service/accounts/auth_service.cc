#include "service/accounts/auth_service.h"

#include <sodium.h>

#include <mutex>
#include <utility>

#include "service/accounts/audit_service.h"
#include "service/accounts/crypto.h"
#include "service/clock.h"

namespace fupin {
namespace {

using Clock = std::chrono::system_clock;

// In the order of enum class Role.
constexpr std::string_view kRoleNames[] = {
    "admin",  "county_admin", "township_operator", "village_operator",
    "helper", "department",   "auditor",           "viewer"};
static_assert(std::size(kRoleNames) == std::size(kAllRoles));

constexpr size_t kMaxPasswordBytes = 1024;

Clock::time_point Now(const AuthSettings& settings) {
  return settings.now ? settings.now() : Clock::now();
}

Error AuthFailed() { return Error{"E_AUTH", "用户名或密码错误", "wrong user name or password"}; }
Error SessionInvalid() {
  return Error{"E_AUTH", "会话无效或已结束，请重新登录",
               "the session is unknown or has ended: log in again"};
}
Error Disabled() { return Error{"E_DISABLED", "账户已停用", "the account is disabled"}; }
Error Forbidden() {
  return Error{"E_FORBIDDEN", "您的角色无权管理用户", "your role may not manage users"};
}
Error NoSuchUser(const std::string& name) {
  return Error::NotFound("用户不存在：" + name, "no such user: " + name);
}
Error Password(std::string zh, std::string en) {
  return Error{"E_PASSWORD", std::move(zh), std::move(en)};
}

bool IsAsciiLetter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool IsAsciiDigit(char c) { return c >= '0' && c <= '9'; }
char AsciiLower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

bool ValidUsername(std::string_view name) {
  if (name.empty() || name.size() > 64 || name == "cli") return false;
  if (!IsAsciiLetter(name[0]) && !IsAsciiDigit(name[0])) return false;
  for (char c : name) {
    if (!IsAsciiLetter(c) && !IsAsciiDigit(c) && c != '.' && c != '_' && c != '-') return false;
  }
  return true;
}

Result<std::string> HashPassword(const std::string& password) {
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str(out, password.data(), password.size(), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                        crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0) {
    return Error{"E_INTERNAL", "密码散列失败（内存不足）",
                 "password hashing failed (out of memory)"};
  }
  return std::string(out);
}

// crypto_pwhash_str_verify compares in constant time.
bool VerifyPassword(const std::string& hash, const std::string& password) {
  return crypto_pwhash_str_verify(hash.c_str(), password.data(), password.size()) == 0;
}

// A hash to verify against when the user does not exist, so that an unknown name takes
// as long to refuse as a wrong password.
const std::string& DummyHash() {
  static std::once_flag once;
  static std::string hash;
  std::call_once(once, [] {
    auto h = HashPassword(RandomHex(16));
    hash = h.ok() ? *h : "";
  });
  return hash;
}

Result<User> ToUser(const UserRow& row) {
  auto role = ParseRole(row.role);
  if (!role) {
    return Error::Database("用户 " + row.username + " 的角色无法识别：" + row.role,
                           "user " + row.username + " has an unknown role: " + row.role);
  }
  return User{row.username, *role, RegionCode::FromInt(row.region_code), row.disabled};
}

// The user `username` as `by` may manage it: E_FORBIDDEN without the permission,
// E_NOT_FOUND when it does not exist or lies outside `by`'s scope.
Result<UserRow> ManagedUser(Store& store, const Caller& by, const std::string& username) {
  FUPIN_RETURN_IF_ERROR(MayManageUsers(by));
  auto found = store.accounts().GetUser(username);
  if (!found.ok()) return found.error();
  if (!found->has_value() || !by.InScope(RegionCode::FromInt((*found)->region_code))) {
    return NoSuchUser(username);
  }
  return std::move(**found);
}

// Runs `fn` in a transaction of the accounts file alone (never the register's: a login
// must not wait for an import), committed when `fn` succeeds and rolled back otherwise.
Status InAccountsTransaction(Store& store, const std::function<Status()>& fn) {
  AccountStore& accounts = store.accounts();
  FUPIN_RETURN_IF_ERROR(accounts.Begin());
  Status s = fn();
  if (!s.ok()) {
    accounts.Rollback();
    return s;
  }
  return accounts.Commit();
}

}  // namespace

Status MayManageUsers(const Caller& by) {
  if (!RoleMay(by.user.role, Permission::kManageUsers)) return Forbidden();
  return Status::Ok();
}

std::string_view RoleName(Role role) { return kRoleNames[static_cast<int>(role)]; }

std::optional<Role> ParseRole(std::string_view name) {
  for (Role role : kAllRoles) {
    if (RoleName(role) == name) return role;
  }
  return std::nullopt;
}

bool RoleMay(Role role, Permission p) {
  using P = Permission;
  switch (role) {
    case Role::kAdmin:
      return true;
    case Role::kCountyAdmin:
      return p == P::kRead || p == P::kWriteHousehold || p == P::kImport || p == P::kAssess ||
             p == P::kExport || p == P::kCompare || p == P::kDecideFindings ||
             p == P::kAssignHelpers || p == P::kRecordAssistance || p == P::kManageHelpers ||
             p == P::kRecordFunds || p == P::kAllocateFunds;
    case Role::kTownshipOperator:
      return p == P::kRead || p == P::kWriteHousehold || p == P::kImport || p == P::kAssess ||
             p == P::kExport || p == P::kRecordAssistance || p == P::kManageHelpers ||
             p == P::kAllocateFunds;
    case Role::kVillageOperator:
      return p == P::kRead || p == P::kWriteHousehold || p == P::kAssess || p == P::kExport ||
             p == P::kRecordAssistance || p == P::kManageHelpers;
    case Role::kHelper:
      return p == P::kRead || p == P::kAssess || p == P::kRecordAssistance;
    case Role::kViewer:
      return p == P::kRead || p == P::kAssess;
    case Role::kDepartment:
      return p == P::kRead || p == P::kCompare;
    case Role::kAuditor:
      return p == P::kRead || p == P::kAssess || p == P::kExport || p == P::kReadAudit;
  }
  return false;
}

bool RoleSeesMaskedData(Role role) {
  return role == Role::kViewer || role == Role::kAuditor || role == Role::kDepartment;
}

Caller CliCaller() { return Caller{User{"cli", Role::kAdmin, RegionCode::Nation(), false}, "cli"}; }

Status CheckPasswordRules(std::string_view username, std::string_view password) {
  if (password.size() > kMaxPasswordBytes) {
    return Password("密码过长（最多 1024 字节）", "the password is too long (at most 1024 bytes)");
  }
  size_t chars = 0;
  bool letter = false, digit = false;
  for (char c : password) {
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++chars;  // not a UTF-8 continuation
    letter = letter || IsAsciiLetter(c);
    digit = digit || IsAsciiDigit(c);
  }
  if (chars < 10) {
    return Password("密码至少需要 10 个字符", "the password needs at least 10 characters");
  }
  if (!letter || !digit) {
    return Password("密码须同时包含字母和数字", "the password needs both letters and digits");
  }
  bool same = password.size() == username.size();
  for (size_t i = 0; same && i < password.size(); ++i) {
    same = AsciiLower(password[i]) == AsciiLower(username[i]);
  }
  if (same) return Password("密码不能与用户名相同", "the password must not be the user name");
  return Status::Ok();
}

Status AddUser(Store& store, const Caller& by, const std::string& username, Role role,
               RegionCode region, const std::string& password) {
  FUPIN_RETURN_IF_ERROR(InitSodium());
  if (!ValidUsername(username)) {
    return Error::Usage(
        "用户名应为 1–64 个字母、数字或 . _ -，以字母或数字开头，且不能是 cli：" + username,
        "a user name is 1–64 letters, digits, '.', '_' or '-', starting with a "
        "letter or digit, and not \"cli\": " +
            username);
  }
  if (!RoleMay(by.user.role, Permission::kManageUsers) || !by.InScope(region)) return Forbidden();
  if (region != RegionCode::Nation()) {
    auto row = store.GetRegion(region);
    if (!row.ok()) return row.error();
    if (!row->has_value()) {
      return Error{"E_REGION", "区划代码不存在：" + region.ToString(),
                   "unknown region code: " + region.ToString()};
    }
  }
  FUPIN_RETURN_IF_ERROR(CheckPasswordRules(username, password));
  auto& accounts = store.accounts();
  auto taken = accounts.GetUser(username);
  if (!taken.ok()) return taken.error();
  const Error conflict =
      Error::Conflict("用户名已被使用：" + username, "the user name is taken: " + username);
  if (taken->has_value()) return conflict;
  auto hash = HashPassword(password);
  if (!hash.ok()) return hash.error();
  const UserRow row{username,    std::string(RoleName(role)), region.value(), false, *hash, 0, "",
                    NowIso8601()};
  return InAccountsTransaction(store, [&]() -> Status {
    if (Status s = accounts.InsertUser(row); !s.ok()) {
      return s.error().code == "E_CONFLICT" ? conflict : s.error();
    }
    return AppendAudit(store, by, region, "user.add", username,
                       "role " + row.role + ", region " + region.ShortString());
  });
}

Result<std::vector<UserInfo>> ListUsers(Store& store, const Caller& by,
                                        const AuthSettings& settings) {
  (void)settings;
  FUPIN_RETURN_IF_ERROR(MayManageUsers(by));
  auto rows = store.accounts().ListUsers();
  if (!rows.ok()) return rows.error();
  std::vector<UserInfo> out;
  for (const auto& row : *rows) {
    if (!by.InScope(RegionCode::FromInt(row.region_code))) continue;
    auto user = ToUser(row);
    if (!user.ok()) return user.error();
    out.push_back(UserInfo{*user, row.created_at, row.failed_logins});
  }
  return out;
}

Status DisableUser(Store& store, const Caller& by, const std::string& username) {
  FUPIN_RETURN_IF_ERROR(InitSodium());
  return InAccountsTransaction(store, [&]() -> Status {
    auto row = ManagedUser(store, by, username);
    if (!row.ok()) return row.error();
    row->disabled = true;
    FUPIN_RETURN_IF_ERROR(store.accounts().UpdateUser(*row));
    FUPIN_RETURN_IF_ERROR(store.accounts().DeleteUserSessions(username));
    return AppendAudit(store, by, RegionCode::FromInt(row->region_code), "user.disable", username,
                       "");
  });
}

Status SetPassword(Store& store, const Caller& by, const std::string& username,
                   const std::string& password) {
  FUPIN_RETURN_IF_ERROR(InitSodium());
  // Checked before the slow hash, and again in the transaction.
  if (auto row = ManagedUser(store, by, username); !row.ok()) return row.error();
  FUPIN_RETURN_IF_ERROR(CheckPasswordRules(username, password));
  auto hash = HashPassword(password);
  if (!hash.ok()) return hash.error();
  return InAccountsTransaction(store, [&]() -> Status {
    auto row = ManagedUser(store, by, username);
    if (!row.ok()) return row.error();
    row->password_hash = *hash;
    row->failed_logins = 0;
    row->locked_until.clear();
    FUPIN_RETURN_IF_ERROR(store.accounts().UpdateUser(*row));
    FUPIN_RETURN_IF_ERROR(store.accounts().DeleteUserSessions(username));
    return AppendAudit(store, by, RegionCode::FromInt(row->region_code), "user.passwd", username,
                       "");
  });
}

Result<Session> Login(Store& store, const std::string& username, const std::string& password,
                      const AuthSettings& settings, const std::string& remote) {
  FUPIN_RETURN_IF_ERROR(InitSodium());
  auto& accounts = store.accounts();
  auto found = accounts.GetUser(username);
  if (!found.ok()) return found.error();
  if (!found->has_value()) {
    (void)VerifyPassword(DummyHash(), password);
    return AuthFailed();
  }
  const UserRow row = std::move(**found);
  auto user = ToUser(row);
  if (!user.ok()) return user.error();
  const Clock::time_point now = Now(settings);
  const std::string now_text = FormatIso8601(now);

  const bool right = VerifyPassword(row.password_hash, password);
  if (row.disabled) return right ? Disabled() : AuthFailed();
  const Caller caller{*user, remote};

  if (!right) {
    // Counted and audited, never locked: a stranger must not lock the owner out. Guessing
    // is slowed by the server's throttle (service/login_throttle.h), by client address.
    Status s = InAccountsTransaction(store, [&]() -> Status {
      // Read again: other attempts may have counted meanwhile.
      auto current = accounts.GetUser(username);
      if (!current.ok()) return current.error();
      if (!current->has_value()) return Status::Ok();
      UserRow r = std::move(**current);
      r.failed_logins += 1;
      FUPIN_RETURN_IF_ERROR(accounts.UpdateUser(r));
      return AppendAudit(store, caller, user->region, "login.failed", username,
                         "failure " + std::to_string(r.failed_logins) + " in a row");
    });
    if (!s.ok()) return s.error();
    return AuthFailed();
  }

  // A hash made with weaker parameters than today's is replaced while the password is known.
  std::string rehashed;
  if (crypto_pwhash_str_needs_rehash(row.password_hash.c_str(), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                                     crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0) {
    auto hash = HashPassword(password);
    if (hash.ok()) rehashed = *hash;
  }
  Session session;
  session.token = RandomHex(32);
  session.expires_at = FormatIso8601(now + settings.session_lifetime);
  session.user = *user;
  Status s = InAccountsTransaction(store, [&]() -> Status {
    auto current = accounts.GetUser(username);
    if (!current.ok()) return current.error();
    if (!current->has_value()) return AuthFailed();
    UserRow r = std::move(**current);
    if (r.disabled) return Disabled();
    if (r.failed_logins != 0 || !r.locked_until.empty() || !rehashed.empty()) {
      r.failed_logins = 0;
      r.locked_until.clear();
      if (!rehashed.empty()) r.password_hash = rehashed;
      FUPIN_RETURN_IF_ERROR(accounts.UpdateUser(r));
    }
    FUPIN_RETURN_IF_ERROR(accounts.DeleteExpiredSessions(now_text));
    FUPIN_RETURN_IF_ERROR(accounts.InsertSession(
        SessionRow{Sha256Hex(session.token), username, now_text, session.expires_at}));
    return AppendAudit(store, caller, user->region, "login", username,
                       "session until " + session.expires_at);
  });
  if (!s.ok()) return s.error();
  return session;
}

Result<User> Authenticate(Store& store, const std::string& token, const AuthSettings& settings) {
  FUPIN_RETURN_IF_ERROR(InitSodium());
  if (token.size() != 64) return SessionInvalid();  // RandomHex(32)
  const std::string token_hash = Sha256Hex(token);
  auto session = store.accounts().GetSession(token_hash);
  if (!session.ok()) return session.error();
  if (!session->has_value() || !ConstantTimeEqual((*session)->token_hash, token_hash)) {
    return SessionInvalid();
  }
  if (FormatIso8601(Now(settings)) >= (*session)->expires_at) return SessionInvalid();
  auto row = store.accounts().GetUser((*session)->username);
  if (!row.ok()) return row.error();
  if (!row->has_value() || (*row)->disabled) return SessionInvalid();
  return ToUser(**row);
}

Status Logout(Store& store, const std::string& token, const std::string& remote) {
  FUPIN_RETURN_IF_ERROR(InitSodium());
  const std::string token_hash = Sha256Hex(token);
  auto& accounts = store.accounts();
  auto session = accounts.GetSession(token_hash);
  if (!session.ok()) return session.error();
  if (!session->has_value()) return Status::Ok();
  auto row = accounts.GetUser((*session)->username);
  if (!row.ok()) return row.error();
  return InAccountsTransaction(store, [&]() -> Status {
    FUPIN_RETURN_IF_ERROR(accounts.DeleteSession(token_hash));
    if (!row->has_value()) return Status::Ok();
    auto user = ToUser(**row);
    if (!user.ok()) return user.error();
    return AppendAudit(store, Caller{*user, remote}, user->region, "logout", user->username, "");
  });
}

}  // namespace fupin
