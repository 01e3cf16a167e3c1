// Health, the OpenAPI document, logging in and out, and who am I.
#include "api/reply.h"
#include "api/routes/routes.h"

namespace fupin {

std::string_view OpenApiDocument();  // openapi.cc, generated from openapi.json

namespace {

// The user name of a login body, for the throttle (any string; "" when there is none).
std::string LoginName(const HttpRequest& req) {
  auto body = ParseBody(req.body, {});
  if (!body.ok() || !body->contains("username") || !(*body)["username"].is_string()) return "";
  return (*body)["username"].get<std::string>();
}

Reply Throttled(std::chrono::seconds wait, Lang lang) {
  const std::string s = std::to_string(wait.count());
  return Failure(Error{"E_THROTTLED", "登录失败次数过多，请 " + s + " 秒后再试",
                       "too many failed logins: try again in " + s + " s"},
                 lang, Json::array(), static_cast<int>(wait.count()));
}

// Before the login is queued for hashing: answered at once while the client address (or
// this name from it) must wait.
std::optional<Reply> AdmitLogin(const HttpRequest& req, LoginThrottle& throttle) {
  const auto wait = throttle.Wait(req.remote_address, LoginName(req), LoginThrottle::Clock::now());
  if (wait.count() > 0) return Throttled(wait, req.lang);
  return std::nullopt;
}

Reply LogIn(RouteContext& ctx, const HttpRequest& req) {
  auto body = ParseBody(req.body, {"username", "password"});
  if (!body.ok()) return Failure(body.error(), req.lang);
  if (!(*body)["username"].is_string() || !(*body)["password"].is_string()) {
    return Failure(Error{"E_REQUIRED", "需要用户名和密码", "username and password are required"},
                   req.lang);
  }
  const std::string username = (*body)["username"].get<std::string>();
  // Checked again here: attempts queued together must not all pass.
  const auto now = LoginThrottle::Clock::now();
  if (auto wait = ctx.throttle.Wait(req.remote_address, username, now); wait.count() > 0) {
    return Throttled(wait, req.lang);
  }
  AuthSettings settings;
  settings.session_lifetime = ctx.config.session_lifetime;
  auto session = fupin::Login(ctx.store, username, (*body)["password"].get<std::string>(), settings,
                              req.remote);
  if (!session.ok()) {
    if (session.error().code == "E_AUTH") {
      ctx.throttle.Failed(req.remote_address, username, LoginThrottle::Clock::now());
    }
    return Failure(session.error(), req.lang);
  }
  ctx.throttle.Succeeded(req.remote_address, username, LoginThrottle::Clock::now());
  return Data(Json{{"token", session->token},
                   {"expires_at", session->expires_at},
                   {"user", UserJson(session->user)}},
              201);
}

Reply LogOut(RouteContext& ctx, const HttpRequest& req) {
  Status s = fupin::Logout(ctx.store, req.bearer_token, req.remote);
  if (!s.ok()) return Failure(s.error(), req.lang);
  return Data(Json{{"logged_out", true}});
}

}  // namespace

void AddSessionRoutes(Routes& routes) {
  routes.push_back(
      {"GET", "/api/v1/health", false, Work::kInline, nullptr, nullptr, [](const HttpRequest&) {
         return Data(Json{{"status", "ok"}, {"version", "0.1.0"}});
       }});
  routes.push_back({"GET", "/api/v1/openapi.json", false, Work::kInline, nullptr, nullptr,
                    [](const HttpRequest&) {
                      Reply reply;
                      reply.body = std::string(OpenApiDocument());
                      return reply;
                    }});
  routes.push_back({"POST", "/api/v1/session", false, Work::kHash, LogIn, AdmitLogin});
  // Logging out writes the accounts file only: it never waits for the register's writer.
  routes.push_back({"DELETE", "/api/v1/session", true, Work::kRead, LogOut, nullptr});
  routes.push_back(
      {"GET", "/api/v1/me", true, Work::kRead,
       [](RouteContext&, const HttpRequest& req) { return Data(UserJson(req.caller.user)); },
       nullptr});
}

}  // namespace fupin
