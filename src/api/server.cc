// The RESTinio adapter of the HTTP API (spec/api.md): sockets (api/limited_socket.h), turning a
// RESTinio request into a plain HttpRequest, choosing the thread a route runs on, writing
// the Reply, and one log line per request. RESTinio is included here and nowhere else;
// the handlers live in api/routes/, one file per resource.
//
// Threads: the network threads (asio) only read, parse and write. Every route runs on a
// WorkQueue: the readers (config.threads of them), the one writer (writes queue in arrival
// order within config.write_wait; past it 503 E_BUSY with Retry-After) and the password
// hasher (logins; argon2 never runs on a network thread). Every answer is written from a
// queue's thread, never inside RESTinio's handler call; with at most one request in
// flight per connection, every request that was run is answered, in order.
#include "api/server.h"

#include <fmt/format.h>
#include <sys/stat.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <functional>
#include <limits>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <restinio/all.hpp>
#include <restinio/helpers/file_upload.hpp>
#include <restinio/helpers/multipart_body.hpp>
#include <thread>

#include "api/head_filter.h"
#include "api/limited_socket.h"
#include "api/reply.h"
#include "api/routes/routes.h"
#include "api/static_files.h"
#include "api/work_queue.h"
#include "exchange/policy_file.h"
#include "service/accounts/audit_service.h"
#include "service/accounts/auth_service.h"
#include "service/accounts/login_throttle.h"
#include "service/accounts/session_cache.h"
#include "service/clock.h"
#include "service/register/report_service.h"
#include "service/scratch.h"

namespace fupin {
namespace socket_limits {

// RESTinio finds these by argument-dependent lookup, as for its own socket types.
template <typename Connection, typename StartRead, typename Failed>
void prepare_connection_and_start_read(LimitedSocket&, Connection&, StartRead start_read, Failed) {
  start_read();
}
inline restinio::tls_socket_t* make_tls_socket_pointer_for_state_listener(LimitedSocket&) noexcept {
  return nullptr;
}

}  // namespace socket_limits

namespace {

using socket_limits::g_network;
using socket_limits::LimitedSocket;
using socket_limits::NetworkState;

struct Traits : public restinio::default_traits_t {
  using stream_socket_t = LimitedSocket;
  static constexpr bool use_connection_count_limiter = true;
};
using RestRequest = restinio::request_handle_t;

// ---- logging: one JSON object per line on stderr; never a query string, body, ID
// number, phone or password ----

enum class LogLevel { kDebug, kInfo, kWarn, kError, kOff };

class Log {
 public:
  void set_level(LogLevel level) { level_ = level; }
  void Write(LogLevel level, const Json& fields) {
    if (level < level_) return;
    static const char* kNames[] = {"debug", "info", "warn", "error", "off"};
    Json line{{"time", NowIso()}, {"level", kNames[static_cast<int>(level)]}};
    for (auto it = fields.begin(); it != fields.end(); ++it) line[it.key()] = it.value();
    const std::string text = line.dump(-1, ' ', false, Json::error_handler_t::replace) + "\n";
    std::lock_guard<std::mutex> lock(mutex_);
    std::fwrite(text.data(), 1, text.size(), stderr);
  }

 private:
  static std::string NowIso() {
    std::time_t t = std::time(nullptr);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
  }
  LogLevel level_ = LogLevel::kInfo;
  std::mutex mutex_;
};

// The error of a head that HeadFilter refused, by the status it chose.
Error RefusalError(int status, const ServerConfig& config) {
  switch (status) {
    case 413:
      return Error{"E_TOO_LARGE",
                   "请求体超过上传限制（" + std::to_string(config.upload_limit) + " 字节）",
                   "the request body is over the upload limit (" +
                       std::to_string(config.upload_limit) + " bytes)"};
    case 414:
      return Error{"E_URI_TOO_LONG", "请求地址过长", "the request URI is too long"};
    case 431:
      return Error{"E_HEADERS_TOO_LARGE", "请求头过大或过多", "the request headers are too large"};
    case 411:
      return Error{"E_LENGTH_REQUIRED", "请求体须注明 Content-Length（不接受分块传输）",
                   "a request body needs a Content-Length (chunked bodies are not accepted)"};
    case 401:
      return Error{"E_AUTH", "上传前请先登录", "log in before uploading"};
    default:
      return Error{"E_BUSY", "服务器正忙（上传过多或连接过多），请稍后再试",
                   "the server is busy (too many uploads or connections): try again shortly"};
  }
}

Error Busy() {
  return Error{"E_BUSY", "服务器正忙，请稍后再试", "the server is busy: try again shortly"};
}

// ---- the API: routes, queues and the answer ----

StoreOptions StoreOptionsOf(const ServerConfig& config) {
  StoreOptions options;
  options.audit_key_path = config.audit_key;
  return options;
}

struct ThreadContext {
  std::unique_ptr<Store> store;
  std::unique_ptr<PolicySet> policy;
  std::unique_ptr<Store> replica;  // the config's read_database, opened when first read
};

class Api {
 public:
  Api(const ServerConfig& config, std::string database_path, StaticFiles web, asio::io_context& io)
      : config_(config),
        io_(io),
        database_path_(std::move(database_path)),
        web_(std::move(web)),
        routes_(AllRoutesAndPublicPages()),
        objection_limit_(config.public_objections_per_hour, std::chrono::hours(1)),
        search_views_([this]() -> Result<std::unique_ptr<Store>> {
          return Store::Open(config_.database, Store::OpenMode::kExisting, StoreOptionsOf(config_));
        }),
        readers_({.threads = std::max(1, config.threads),
                  .capacity = 1024,
                  .per_key = 256,
                  .max_wait = std::chrono::seconds(30)}),
        writer_(
            {.threads = 1,
             .capacity = 1024,
             .per_key = 256,
             .max_wait = std::chrono::duration_cast<std::chrono::milliseconds>(config.write_wait)}),
        hasher_({.threads = 1, .capacity = 32, .per_key = 2, .max_wait = std::chrono::seconds(5)}) {
    static const std::pair<const char*, LogLevel> kLevels[] = {{"debug", LogLevel::kDebug},
                                                               {"info", LogLevel::kInfo},
                                                               {"warn", LogLevel::kWarn},
                                                               {"error", LogLevel::kError},
                                                               {"off", LogLevel::kOff}};
    for (auto [name, level] : kLevels) {
      if (config.log_level == name) log_.set_level(level);
    }
    search_views_.Refresh();  // the household search's view, built while the server starts
  }

  Log& log() { return log_; }
  restinio::request_handling_status_t Handle(const RestRequest& req);
  // Whether `token` is a live session (the network threads' check of large uploads).
  bool Authorized(std::string_view token);

 private:
  struct Pending {
    RestRequest rest;
    HttpRequest http;
    std::chrono::steady_clock::time_point started;
    bool head = false;  // a HEAD request, handled as GET and answered without the body
  };
  Result<ThreadContext*> Context();
  // The thread's store of read_database, opened now if it is not (again after a failure).
  Result<Store*> OpenReplica(ThreadContext& ctx);
  void Run(const std::shared_ptr<Pending>& pending, const Route& route);
  void Answer(const std::shared_ptr<Pending>& pending, Reply reply, const std::string& user);
  // Answers from the network thread's executor, but after the handler call has returned.
  void AnswerLater(const std::shared_ptr<Pending>& pending, Reply reply);
  WorkQueue& QueueFor(Work work);

  const ServerConfig& config_;
  asio::io_context& io_;
  const std::string database_path_;
  const StaticFiles web_;  // the web app (web/dist), when it is built
  const Routes routes_;
  LoginThrottle throttle_;
  // Sessions checked against the accounts file's generation on every request.
  SessionCache sessions_;
  // Region summaries, checked against Store::RegisterStamp on every request.
  SummaryCache summaries_;
  // The household search's columnar view, checked against Store::RegisterStamp on every
  // search and rebuilt by its own thread when stale (the SQL path answers meanwhile).
  SearchViewCache search_views_;
  // The public village page: rendered pages, and the objections' limit per address.
  PublicPageCache public_pages_;
  RateLimiter objection_limit_;
  Log log_;
  // Last, so that they stop (and finish their jobs) before anything above goes.
  WorkQueue readers_, writer_, hasher_;
};

Result<ThreadContext*> Api::Context() {
  thread_local ThreadContext ctx;
  if (!ctx.store) {
    auto store = Store::Open(config_.database, Store::OpenMode::kExisting, StoreOptionsOf(config_));
    if (!store.ok()) return store.error();
    auto policy = LoadPolicy(config_.policy);
    if (!policy.ok()) return policy.error();
    ctx.store = std::move(store).value();
    ctx.policy = std::make_unique<PolicySet>(std::move(policy).value());
  }
  return &ctx;
}

Result<Store*> Api::OpenReplica(ThreadContext& ctx) {
  if (!ctx.replica) {
    auto store =
        Store::Open(config_.read_database, Store::OpenMode::kExisting, StoreOptionsOf(config_));
    if (!store.ok()) return store.error();
    ctx.replica = std::move(store).value();
  }
  return ctx.replica.get();
}

bool Api::Authorized(std::string_view token) {
  auto ctx = Context();
  if (!ctx.ok()) return false;
  return sessions_.Authenticate(*(*ctx)->store, std::string(token)).ok();
}

WorkQueue& Api::QueueFor(Work work) {
  switch (work) {
    case Work::kWrite:
      return writer_;
    case Work::kHash:
      return hasher_;
    default:
      return readers_;
  }
}

std::string BearerToken(const RestRequest& req) {
  auto value = req->header().opt_value_of(restinio::http_field::authorization);
  if (!value) return "";
  std::string_view v(value->data(), value->size());
  if (v.size() > 7 && (v.substr(0, 7) == "Bearer " || v.substr(0, 7) == "bearer ")) {
    return std::string(v.substr(7));
  }
  return "";
}

// The parts of a multipart/form-data body; false when the body is not one.
bool ReadForm(const RestRequest& req, std::vector<FormPart>& parts) {
  namespace hfp = restinio::http_field_parsers;
  bool named_all = true;
  auto result = restinio::multipart_body::enumerate_parts(
      *req,
      [&](restinio::multipart_body::parsed_part_t part) {
        FormPart out;
        out.body = part.body;
        auto file = restinio::file_upload::analyze_part(part);
        if (file) {
          out.name = file->name;
          // Only the base name: it is shown in reports and kept with lists.
          std::string name = std::filesystem::path(file->filename.value_or("")).filename().string();
          out.filename = name.substr(0, 255);
        } else if (auto field =
                       part.fields.opt_value_of(restinio::http_field::content_disposition)) {
          if (auto d = hfp::content_disposition_value_t::try_parse(*field);
              d && d->value == "form-data") {
            if (auto n = hfp::find_first(d->parameters, "name")) out.name = std::string(*n);
          }
        }
        named_all &= !out.name.empty();
        parts.push_back(std::move(out));
        return parts.size() > 64
                   ? restinio::multipart_body::handling_result_t::terminate_enumeration
                   : restinio::multipart_body::handling_result_t::continue_enumeration;
      },
      "multipart", "form-data");
  return result && parts.size() <= 64;
}

restinio::request_handling_status_t Api::Handle(const RestRequest& req) {
  auto pending = std::make_shared<Pending>();
  pending->rest = req;
  pending->started = std::chrono::steady_clock::now();
  HttpRequest& http = pending->http;
  http.method = std::string(req->header().method().c_str());
  http.path = std::string(req->header().path());
  if (http.method == "HEAD") {  // every GET route answers HEAD: as GET, without the body
    pending->head = true;
    http.method = "GET";
  }
  {
    const auto& endpoint = req->remote_endpoint();
    http.remote_address = endpoint.address().to_string();
    http.remote = http.remote_address + ":" + std::to_string(endpoint.port());
  }
  if (auto accept = req->header().opt_value_of(restinio::http_field::accept_language)) {
    if (accept->size() >= 2 && accept->substr(0, 2) == "en") http.lang = Lang::kEn;
  }
  if (auto refused = req->header().opt_value_of(kRefusedHeader)) {
    // HeadFilter refused this request's head; its body (if any) was never read.
    const int status = std::atoi(std::string(*refused).c_str());
    Reply reply = Failure(RefusalError(status, config_), http.lang, Json::array(), 5);
    reply.status = status;
    reply.close = true;
    AnswerLater(pending, std::move(reply));
    return restinio::request_accepted();
  }
  try {
    // RESTinio throws on a malformed percent-encoding: that is a bad request, not a crash.
    const auto query = restinio::parse_query(req->header().query());
    std::vector<std::pair<std::string, std::string>> items;
    for (const auto& [name, value] : query)
      items.emplace_back(std::string(name), std::string(value));
    http.query = Query(std::move(items));
  } catch (const std::exception&) {
    AnswerLater(pending, Failure(Error{"E_QUERY", "查询参数的编码不正确",
                                       "the query string is not well encoded"},
                                 http.lang));
    return restinio::request_accepted();
  }
  if (http.query.Has("lang")) http.lang = http.query.Get("lang") == "en" ? Lang::kEn : Lang::kZh;
  http.bearer_token = BearerToken(req);
  http.body = req->body();
  if (auto type = req->header().opt_value_of(restinio::http_field::content_type);
      type && type->find("multipart/form-data") != std::string_view::npos) {
    http.is_form = ReadForm(req, http.form);
  }

  if (http.path.starts_with("/public/")) {  // the public village page names its own address
    if (auto v = req->header().opt_value_of(restinio::http_field::host)) {
      http.host = std::string(v->substr(0, 256));
    }
  }
  if (!web_.empty() && StaticFiles::IsFor(http)) {
    if (auto v = req->header().opt_value_of(restinio::http_field::accept_encoding)) {
      http.accept_encoding = std::string(v->substr(0, 256));
    }
    if (auto v = req->header().opt_value_of(restinio::http_field::if_none_match)) {
      http.if_none_match = std::string(v->substr(0, 128));
    }
    AnswerLater(pending, web_.Serve(http));
    return restinio::request_accepted();
  }
  bool path_known = false;
  const Route* route = MatchRoute(routes_, http.method, http.path, http.params, path_known);
  if (!route) {
    AnswerLater(
        pending,
        path_known
            ? Failure(Error{"E_METHOD", "此地址不支持该方法", "this method is not allowed here"},
                      http.lang)
            : Failure(Error::NotFound("没有这个地址", "no such resource"), http.lang));
    return restinio::request_accepted();
  }
  if (route->admit) {
    if (auto reply = route->admit(http, throttle_)) {
      AnswerLater(pending, std::move(*reply));
      return restinio::request_accepted();
    }
  }
  if (route->work == Work::kInline) {
    // Health and the OpenAPI document: no store, answered at once.
    AnswerLater(pending, route->handle_inline(http));
    return restinio::request_accepted();
  }
  const bool queued =
      QueueFor(route->work)
          .TryPost(
              http.remote_address, [this, pending, route] { Run(pending, *route); },
              [this, pending] {
                Answer(pending, Failure(Busy(), pending->http.lang, Json::array(), 5), "-");
              });
  if (!queued) AnswerLater(pending, Failure(Busy(), http.lang, Json::array(), 5));
  return restinio::request_accepted();
}

void Api::Run(const std::shared_ptr<Pending>& pending, const Route& route) {
  HttpRequest& http = pending->http;
  Reply reply;
  std::string user = "-";
  try {
    auto ctx = Context();
    if (!ctx.ok()) {
      reply = Failure(ctx.error(), http.lang);
    } else {
      bool ok = true;
      http.caller.remote = http.remote;
      if (route.needs_session) {
        auto who = http.bearer_token.empty()
                       ? Result<User>(Error{"E_AUTH", "请先登录", "log in first"})
                       : sessions_.Authenticate(*(*ctx)->store, http.bearer_token);
        if (!who.ok()) {
          reply = who.error().code == "E_BUSY"
                      ? Failure(who.error(), http.lang)
                      : Failure(Error{"E_AUTH", "未登录或会话已失效，请重新登录",
                                      "not logged in, or the session has ended: log in again"},
                                http.lang);
          ok = false;
        } else {
          http.caller.user = *who;
          user = who->username;
        }
      }
      if (ok) {
        RouteContext context{*(*ctx)->store, *(*ctx)->policy, config_,       throttle_,
                             database_path_, &summaries_,     &search_views_};
        context.public_pages = &public_pages_;  // the public village page
        context.objection_limit = &objection_limit_;
        if (!config_.read_database.empty())
          context.open_replica = [ctx = *ctx, this]() { return OpenReplica(*ctx); };
        reply = route.handle(context, http);
      }
    }
  } catch (const std::exception& e) {
    log_.Write(LogLevel::kError, Json{{"event", "exception"}, {"what", e.what()}});
    reply = Failure(Error{"E_INTERNAL", "服务器内部错误", "internal server error"}, http.lang);
  }
  Answer(pending, std::move(reply), user);
}

void Api::AnswerLater(const std::shared_ptr<Pending>& pending, Reply reply) {
  asio::post(io_, [this, pending, reply = std::move(reply)]() mutable {
    Answer(pending, std::move(reply), "-");
  });
}

// The status line and headers of `reply` on `response` (a RESTinio response builder).
template <typename Builder>
void AddHeaders(Builder& response, const Reply& reply) {
  response.append_header(restinio::http_field::content_type, reply.content_type);
  bool cache_control = false;
  for (const auto& [name, value] : reply.headers) {
    response.append_header(name, value);
    cache_control |= name == "Cache-Control";
  }
  if (!cache_control) response.append_header(restinio::http_field::cache_control, "no-store");
  response.append_header("X-Content-Type-Options", "nosniff");
  if (!reply.filename.empty()) {
    response.append_header(restinio::http_field::content_disposition,
                           ContentDisposition(reply.filename));
  }
  if (reply.retry_after > 0) {
    response.append_header(restinio::http_field::retry_after, std::to_string(reply.retry_after));
  }
  if (reply.close) response.connection_close();
}

void Api::Answer(const std::shared_ptr<Pending>& pending, Reply reply, const std::string& user) {
  const RestRequest& req = pending->rest;
  const restinio::http_status_line_t status{
      restinio::http_status_code_t{static_cast<std::uint16_t>(reply.status)},
      ReasonFor(reply.status)};
  const double ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - pending->started)
          .count();
  // The path only: query strings may hold names or ID numbers.
  log_.Write(LogLevel::kInfo, Json{{"method", pending->head ? "HEAD" : pending->http.method},
                                   {"path", pending->http.path.substr(0, 256)},
                                   {"status", reply.status},
                                   {"ms", std::round(ms * 100) / 100},
                                   {"user", user}});
  if (pending->head) {  // the GET reply's headers and its body's length, not the body
    auto response = req->create_response<restinio::user_controlled_output_t>(status);
    AddHeaders(response, reply);
    response.set_content_length(reply.body.size());
    response.done();
    return;
  }
  auto response = req->create_response(status);
  AddHeaders(response, reply);
  response.set_body(std::move(reply.body));
  response.done();
}

std::atomic<bool> g_stop_requested{false};

}  // namespace

Status ReadServerConfig(const std::string& path, ServerConfig& config) {
  auto tree = ReadPolicyFile(path);  // any TOML file: the reader keeps lines
  if (!tree.ok()) {
    return Error{"E_CONFIG", tree.error().zh, tree.error().en};
  }
  for (const auto& [key, value] : tree->table) {
    auto bad = [&](const char* zh, const char* en) {
      std::string place = path + ":" + std::to_string(value.line) + " " + key;
      return Error{"E_CONFIG", place + "：" + zh, place + ": " + en};
    };
    using Kind = PolicyValue::Kind;
    if (key == "listen" || key == "database" || key == "policy" || key == "log_level" ||
        key == "audit_key" || key == "web_root" || key == "read_database") {
      if (value.kind != Kind::kString) return bad("应为字符串", "must be a string");
      if (key == "listen") config.listen = value.text;
      if (key == "database") config.database = value.text;
      if (key == "read_database") config.read_database = value.text;  // the dashboard's replica
      if (key == "policy") config.policy = value.text;
      if (key == "audit_key") config.audit_key = value.text;
      if (key == "web_root") config.web_root = value.text;
      if (key == "log_level") {
        if (value.text != "debug" && value.text != "info" && value.text != "warn" &&
            value.text != "error" && value.text != "off") {
          return bad("应为 debug、info、warn、error 或 off",
                     "must be debug, info, warn, error or off");
        }
        config.log_level = value.text;
      }
    } else if (key == "session_lifetime" || key == "upload_limit" || key == "threads" ||
               key == "write_wait" || key == "upload_memory" || key == "max_connections" ||
               key == "max_connections_per_address") {
      if (value.kind != Kind::kInteger || value.integer <= 0) {
        return bad("应为正整数", "must be a positive whole number");
      }
      if (key == "session_lifetime") config.session_lifetime = std::chrono::seconds(value.integer);
      if (key == "upload_limit") config.upload_limit = static_cast<uint64_t>(value.integer);
      if (key == "threads") config.threads = static_cast<int>(std::min<int64_t>(value.integer, 64));
      if (key == "write_wait") config.write_wait = std::chrono::seconds(value.integer);
      if (key == "upload_memory") config.upload_memory = static_cast<uint64_t>(value.integer);
      if (key == "max_connections") {
        config.max_connections = static_cast<std::size_t>(value.integer);
      }
      if (key == "max_connections_per_address") {
        config.max_connections_per_address = static_cast<std::size_t>(value.integer);
      }
    } else if (key == "public_url") {  // the public village page
      if (value.kind != Kind::kString) return bad("应为字符串", "must be a string");
      if (!value.text.empty() && !value.text.starts_with("http://") &&
          !value.text.starts_with("https://")) {
        return bad("应以 http:// 或 https:// 开头", "must start with http:// or https://");
      }
      config.public_url = value.text;
    } else if (key == "public_objections_per_hour") {
      if (value.kind != Kind::kInteger || value.integer <= 0 || value.integer > 1000000) {
        return bad("应为正整数", "must be a positive whole number");
      }
      config.public_objections_per_hour = static_cast<int>(value.integer);
    } else {
      return bad("未知的键", "unknown key");
    }
  }
  return Status::Ok();
}

Status RunServer(const ServerConfig& config,
                 const std::function<void(const std::string& address)>& listening) {
  // Open once on this thread: a missing database or a bad policy fails before listening.
  std::string database_path;
  {
    auto store = Store::Open(config.database, Store::OpenMode::kExisting, StoreOptionsOf(config));
    if (!store.ok()) return store.error();
    // Every write is audited: without the key nothing could be, so the server does not start.
    if (Status s = CheckAuditKey(**store); !s.ok()) return s.error();
    // Every login writes a session: a database that takes no writes (a hot standby, named
    // as `database` instead of `read_database`) fails now, not at each request. The first
    // write is the time of this start, kept in the accounts' meta.
    if (Status s = (*store)->accounts().PutMeta("server_started_at", NowIso8601()); !s.ok()) {
      return s.error();
    }
    auto policy = LoadPolicy(config.policy);
    if (!policy.ok()) return policy.error();
    database_path = (*store)->file_path();
    if (!config.read_database.empty()) {  // the dashboard's replica: a wrong URL fails now
      auto replica =
          Store::Open(config.read_database, Store::OpenMode::kExisting, StoreOptionsOf(config));
      if (!replica.ok()) return replica.error();
    }
    // What a killed server or command left in the scratch folder (service/scratch.h).
    (void)CleanStale(database_path);
  }
  const auto colon = config.listen.rfind(':');
  if (colon == std::string::npos) {
    return Error::Usage("--listen 应为 地址:端口", "--listen must be host:port");
  }
  const std::string host = config.listen.substr(0, colon);
  const std::string port_text = config.listen.substr(colon + 1);
  if (port_text.empty() || port_text.size() > 5 ||
      port_text.find_first_not_of("0123456789") != std::string::npos ||
      std::stoi(port_text) > 65535) {
    return Error::Usage("端口不正确：" + port_text, "not a port: " + port_text);
  }
  using Pool =
      restinio::impl::ioctx_on_thread_pool_t<restinio::impl::own_io_context_for_thread_pool_t>;
  Pool pool(static_cast<std::size_t>(std::clamp(config.threads, 1, 2)));
  auto web = StaticFiles::Load(config.web_root);
  if (!web.ok()) return web.error();
  Api api(config, database_path, std::move(*web), pool.io_context());
  auto network = std::make_shared<NetworkState>();
  network->limits.body = config.upload_limit;
  network->budget = std::make_unique<UploadBudget>(config.upload_memory, 2);
  network->authorize = [&api](std::string_view token) { return api.Authorized(token); };
  network->max_connections_per_address = config.max_connections_per_address;
  g_network = network;
  std::string bound;
  using Settings = restinio::server_settings_t<Traits>;
  Settings settings;
  settings.address(host)
      .port(static_cast<std::uint16_t>(std::stoi(port_text)))
      .request_handler([&api](const RestRequest& req) { return api.Handle(req); })
      .max_pipelined_requests(1)
      .max_parallel_connections(config.max_connections)
      .handle_request_timeout(std::chrono::seconds(300))
      .read_next_http_message_timelimit(std::chrono::seconds(60))
      .incoming_http_msg_limits(restinio::incoming_http_msg_limits_t{}
                                    .max_body_size(config.upload_limit)
                                    .max_field_value_size(64 * 1024)
                                    .max_url_size(16 * 1024))
      .acceptor_post_bind_hook([&bound, host](asio::ip::tcp::acceptor& acceptor) {
        bound = host + ":" + std::to_string(acceptor.local_endpoint().port());
      });
  restinio::http_server_t<Traits> server{restinio::external_io_context(pool.io_context()),
                                         std::move(settings)};
  std::exception_ptr failure;
  asio::signal_set signals(pool.io_context(), SIGINT, SIGTERM);
  signals.async_wait([&](const asio::error_code& ec, int signal) {
    if (ec) return;
    g_stop_requested = true;
    api.log().Write(LogLevel::kInfo, Json{{"event", "stopping"}, {"signal", signal}});
    server.close_async([&] { pool.stop(); },
                       [&](std::exception_ptr e) {
                         failure = e;
                         pool.stop();
                       });
  });
  server.open_async(
      [&] {
        api.log().Write(LogLevel::kInfo, Json{{"event", "listening"}, {"address", bound}});
        if (listening) listening(bound);
      },
      [&](std::exception_ptr e) {
        failure = e;
        pool.stop();
      });
  pool.start();
  pool.wait();
  network->authorize = nullptr;  // sockets may outlive `api`
  g_network = nullptr;
  if (failure) {
    try {
      std::rethrow_exception(failure);
    } catch (const std::exception& e) {
      return Error::Io(std::string("无法监听 ") + config.listen + "：" + e.what(),
                       "cannot listen on " + config.listen + ": " + e.what());
    }
  }
  api.log().Write(LogLevel::kInfo, Json{{"event", "stopped"}});
  return Status::Ok();
}

}  // namespace fupin
