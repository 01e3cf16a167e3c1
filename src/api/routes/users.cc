// User administration for admins (GET /users, POST /users, disable, a new password): the
// same service calls as `fupin user …`, which check kManageUsers and the admin's scope and
// audit each change. Passwords are never echoed or logged.
#include "api/reply.h"
#include "api/routes/routes.h"
#include "service/accounts/auth_service.h"

namespace fupin {
namespace {

std::string UserName(const HttpRequest& req) {
  return std::string(req.Param("name").substr(0, 128));
}

Error Required(const char* key) {
  return Error{"E_REQUIRED", std::string("缺少字段 ") + key, std::string(key) + " is required"};
}

// A string member of the body, E_REQUIRED when absent or not a string.
Result<std::string> Text(const Json& body, const char* key) {
  if (!body.contains(key) || !body[key].is_string()) return Required(key);
  return body[key].get<std::string>();
}

Json UserInfoJson(const UserInfo& info) {
  Json out = UserJson(info.user);
  out["created_at"] = info.created_at;
  out["failed_logins"] = info.failed_logins;
  return out;
}

Reply List(RouteContext& ctx, const HttpRequest& req) {
  auto users = ListUsers(ctx.store, req.caller);
  if (!users.ok()) return Failure(users.error(), req.lang);
  Json items = Json::array();
  for (const UserInfo& u : *users) items.push_back(UserInfoJson(u));
  return Data(Json{{"total", static_cast<int64_t>(users->size())}, {"items", items}});
}

// {"username", "role", "region_code", "password"} → 201 with the user.
Reply Create(RouteContext& ctx, const HttpRequest& req) {
  const Lang lang = req.lang;
  if (Status may = MayManageUsers(req.caller); !may.ok()) return Failure(may.error(), lang);
  auto body = ParseBody(req.body, {"username", "role", "region_code", "password"});
  if (!body.ok()) return Failure(body.error(), lang);
  std::string fields[4];
  const char* keys[4] = {"username", "role", "region_code", "password"};
  for (int i = 0; i < 4; ++i) {
    auto text = Text(*body, keys[i]);
    if (!text.ok()) return Failure(text.error(), lang);
    fields[i] = std::move(*text);
  }
  const auto role = ParseRole(fields[1]);
  if (!role) {
    return Failure(Error{"E_CODE", "未知角色：" + fields[1].substr(0, 64),
                         "unknown role: " + fields[1].substr(0, 64)},
                   lang);
  }
  RegionCode region = RegionCode::Nation();
  if (fields[2] != "0") {
    auto code = RegionCode::Parse(fields[2]);
    if (!code.ok()) {
      return Failure(Error{"E_REGION", "区划代码格式错误：" + fields[2].substr(0, 64),
                           "malformed region code: " + fields[2].substr(0, 64)},
                     lang);
    }
    region = *code;
  }
  Status s = AddUser(ctx.store, req.caller, fields[0], *role, region, fields[3]);
  if (!s.ok()) return Failure(s.error(), lang);
  return Data(UserJson(User{fields[0], *role, region, false}), 201);
}

Reply Disable(RouteContext& ctx, const HttpRequest& req) {
  const std::string name = UserName(req);
  if (Status s = DisableUser(ctx.store, req.caller, name); !s.ok()) {
    return Failure(s.error(), req.lang);
  }
  return Data(Json{{"username", name}, {"disabled", true}});
}

// {"password"}: the user's sessions end; they sign in with the new one.
Reply Password(RouteContext& ctx, const HttpRequest& req) {
  auto body = ParseBody(req.body, {"password"});
  if (!body.ok()) return Failure(body.error(), req.lang);
  auto password = Text(*body, "password");
  if (!password.ok()) return Failure(password.error(), req.lang);
  const std::string name = UserName(req);
  if (Status s = SetPassword(ctx.store, req.caller, name, *password); !s.ok()) {
    return Failure(s.error(), req.lang);
  }
  return Data(Json{{"username", name}, {"password_set", true}});
}

}  // namespace

void AddUserRoutes(Routes& routes) {
  routes.push_back({"GET", "/api/v1/users", true, Work::kRead, List, nullptr});
  // Adding a user and setting a password hash it (argon2id): on the hashing thread, as
  // logins are; they write the accounts file only.
  routes.push_back({"POST", "/api/v1/users", true, Work::kHash, Create, nullptr});
  routes.push_back({"POST", "/api/v1/users/:name/disable", true, Work::kWrite, Disable, nullptr});
  routes.push_back({"PUT", "/api/v1/users/:name/password", true, Work::kHash, Password, nullptr});
}

}  // namespace fupin
