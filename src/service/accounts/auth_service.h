// Accounts, sessions and roles (spec/api.md): who may log in, for how long, and what each
// role may see and do within its region subtree.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
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
inline constexpr Role kAllRoles[] = {
    Role::kAdmin,  Role::kCountyAdmin, Role::kTownshipOperator, Role::kVillageOperator,
    Role::kHelper, Role::kDepartment,  Role::kAuditor,          Role::kViewer};

// "admin", "county_admin", … as spec/api.md names them.
std::string_view RoleName(Role role);
std::optional<Role> ParseRole(std::string_view name);

// What a role may do (the service checks these on every call, with the region scope).
enum class Permission {
  kRead,            // regions, summaries, households and their members
  kWriteHousehold,  // create and update households
  kImport,          // upload an import
  kAssess,          // run the policy assessments
  kExport,          // export households to XLSX
  kReadAudit,       // read the audit trail
  kManageUsers,     // add, list, disable users and set their passwords (admin only)
  kCompare,         // load a department list and compare it (比对核查)
  kDecideFindings,  // confirm or dismiss findings, run the quality checks
  // Record assistance measures and visits (帮扶措施, 走访) and upload their files; a helper
  // only for the households it is assigned to.
  kRecordAssistance,
  kAssignHelpers,  // assign helper accounts (帮扶责任人) to households (`fupin user assign`)
  kManageHelpers,  // add and change helpers as people, assign them, and the work teams
  kRecordFunds,    // record funds received (扶贫资金, spec/funds.md): county offices and admins
  kAllocateFunds,  // allocate funds to households and disburse them (and township offices)
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

// The caller of a command run with the database file in hand (the fupin CLI): an admin of
// the nation, recorded in the audit trail as actor and remote "cli".
Caller CliCaller();

struct AuthSettings {
  std::chrono::seconds session_lifetime{8 * 3600};
  // The time of day; the system clock when empty (tests set it).
  std::function<std::chrono::system_clock::time_point()> now;
};

// Password rules: at least 10 characters (Unicode code points, at most 1024 bytes), an
// ASCII letter and an ASCII digit both, not the user name (ignoring case). E_PASSWORD with
// the rule broken.
Status CheckPasswordRules(std::string_view username, std::string_view password);

// Ok, or E_FORBIDDEN unless `by` may manage users (kManageUsers): the first check of
// every user change, and of the routes before they read a body.
Status MayManageUsers(const Caller& by);

// User management: `by` must hold kManageUsers (E_FORBIDDEN) and have the user's region in
// its scope (E_FORBIDDEN). Each change is one transaction with its audit record
// ("user.add", "user.disable", "user.passwd"); passwords never reach the audit trail.
//
// Adds a user (E_CONFLICT if the name is taken, E_PASSWORD, E_REGION for a code not in the
// tree, E_USAGE for a bad name: 1–64 of A–Z a–z 0–9 . _ - starting with a letter or digit,
// and not "cli"). The password is hashed with argon2id (libsodium).
Status AddUser(Store& store, const Caller& by, const std::string& username, Role role,
               RegionCode region, const std::string& password);

// A user as `fupin user list` shows them.
struct UserInfo {
  User user;
  std::string created_at;     // ISO 8601 UTC
  int64_t failed_logins = 0;  // consecutive failed logins (the account is never locked)
};
// Every user within `by`'s scope, by name.
Result<std::vector<UserInfo>> ListUsers(Store& store, const Caller& by,
                                        const AuthSettings& settings = {});
// Disables a user and ends their sessions (E_NOT_FOUND when there is no such user).
Status DisableUser(Store& store, const Caller& by, const std::string& username);
// Sets a new password (E_PASSWORD, E_NOT_FOUND), clears the count of failed logins and
// ends the user's sessions.
Status SetPassword(Store& store, const Caller& by, const std::string& username,
                   const std::string& password);

struct Session {
  std::string token;       // shown once; only its hash is stored
  std::string expires_at;  // ISO 8601 UTC
  User user;
};

// Logs in. E_AUTH (wrong name or password, said the same way for both, and taking the same
// time), E_DISABLED (only to the right password). An account is never locked: failures
// are counted (UserInfo::failed_logins; a success resets the count) and throttled by the
// caller by client address (service/login_throttle.h), so that a stranger cannot lock the
// owner out. Logins and failures of existing accounts are audited ("login",
// "login.failed") with `remote`; attempts on unknown names are not (people type passwords
// into the name field).
Result<Session> Login(Store& store, const std::string& username, const std::string& password,
                      const AuthSettings& settings, const std::string& remote = "");
// The user behind a bearer token; E_AUTH when it is unknown, expired, logged out or the
// user is disabled. Only settings.now is used.
Result<User> Authenticate(Store& store, const std::string& token,
                          const AuthSettings& settings = {});
// Ends the session of `token` (audited as "logout"); an unknown token is not an error.
Status Logout(Store& store, const std::string& token, const std::string& remote = "");

}  // namespace fupin
