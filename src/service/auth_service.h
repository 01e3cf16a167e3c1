// Accounts, sessions and roles (spec/api.md): who may log in, for how long, and what each
// role may see and do within its region subtree.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.h"
#include "common/region_code.h"
#include "storage/store.h"

namespace fupin {

enum class Role {
  kAdmin,
  kCountyAdmin,
  kTownshipOperator,
  kVillageOperator,
  kHelper,
  kDepartment,
  kAuditor,
  kViewer,
};
inline constexpr Role kAllRoles[] = {Role::kAdmin,           Role::kCountyAdmin,
                                     Role::kTownshipOperator, Role::kVillageOperator,
                                     Role::kHelper,          Role::kDepartment,
                                     Role::kAuditor,         Role::kViewer};

// "admin", "county_admin", … as spec/api.md names them.
std::string_view RoleName(Role role);
std::optional<Role> ParseRole(std::string_view name);

// What a role may do (the service checks these on every call, with the region scope).
enum class Permission {
  kRead,             // regions, summaries, households and their members
  kWriteHousehold,   // create and update households
  kImport,           // upload an import
  kAssess,           // run the policy assessments
  kExport,           // export households to XLSX
  kReadAudit,        // read the audit trail
};
bool RoleMay(Role role, Permission permission);
// ID numbers and phones are masked for viewer, auditor and department (spec/api.md).
bool RoleSeesMaskedData(Role role);

struct User {
  std::string username;
  Role role = Role::kViewer;
  RegionCode region;  // the subtree the user acts in (the nation for code 0)
  bool disabled = false;
};

// The caller of a service: the user and where the request came from (for the audit).
struct Caller {
  User user;
  std::string remote;  // "127.0.0.1:53422", or "cli"
  bool InScope(RegionCode code) const { return user.region.Contains(code); }
};

struct AuthSettings {
  std::chrono::seconds session_lifetime{8 * 3600};
  int max_failed_logins = 5;                 // then the account is locked …
  std::chrono::seconds lockout{15 * 60};     // … for this long
};

// Password rules: at least 10 characters, letters and digits both, not the user name.
// E_PASSWORD with the rule broken.
Status CheckPasswordRules(std::string_view username, std::string_view password);

// Adds a user (E_CONFLICT if the name is taken, E_PASSWORD, E_REGION for a code not in the
// tree, E_USAGE for a bad name). The password is hashed with argon2id (libsodium).
Status AddUser(Store& store, const std::string& username, Role role, RegionCode region,
               const std::string& password);
Result<std::vector<User>> ListUsers(Store& store);
Status DisableUser(Store& store, const std::string& username);  // also ends their sessions
Status SetPassword(Store& store, const std::string& username, const std::string& password);

struct Session {
  std::string token;       // shown once; only its hash is stored
  std::string expires_at;  // ISO 8601 UTC
  User user;
};

// Logs in. E_AUTH (wrong name or password, said the same way for both), E_LOCKED after
// max_failed_logins failures in a row (for settings.lockout), E_DISABLED.
Result<Session> Login(Store& store, const std::string& username, const std::string& password,
                      const AuthSettings& settings);
// The user behind a bearer token; E_AUTH when it is unknown, expired, logged out or the
// user is disabled.
Result<User> Authenticate(Store& store, const std::string& token);
Status Logout(Store& store, const std::string& token);

}  // namespace fupin
