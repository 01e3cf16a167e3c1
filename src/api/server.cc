// The HTTP API of spec/api.md on RESTinio: routes, the JSON envelope, authentication and
// the mapping of error codes to HTTP statuses. Every use case is a service call; this file
// parses, authorises the session, calls, and prints.
#include "api/server.h"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
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
#include <set>
#include <thread>

#include "api/body_limit.h"
#include "common/id_number.h"
#include "exchange/policy_file.h"
#include "exchange/table.h"
#include "exchange/template.h"
#include "service/assess_service.h"
#include "service/audit_service.h"
#include "service/auth_service.h"
#include "service/compare_service.h"
#include "service/department_list.h"
#include "service/household_service.h"
#include "service/import_service.h"
#include "service/report_service.h"
#include "views/json_views.h"

namespace fupin {

std::string_view OpenApiDocument();  // openapi.cc, generated from openapi.json

namespace {

// ---- the socket: a TCP socket whose reads pass through a BodyLimitFilter ----

// The upload limit of the running server (one server per process).
std::atomic<std::uint64_t> g_upload_limit{std::numeric_limits<std::uint64_t>::max()};

class LimitedSocket {
 public:
  using executor_type = asio::ip::tcp::socket::executor_type;

  explicit LimitedSocket(asio::io_context& io) : socket_(io) {}
  LimitedSocket(LimitedSocket&&) = default;
  LimitedSocket& operator=(LimitedSocket&&) = default;

  asio::ip::tcp::socket& lowest_layer() { return socket_; }
  const asio::ip::tcp::socket& lowest_layer() const { return socket_; }
  executor_type get_executor() { return socket_.get_executor(); }
  auto remote_endpoint() const { return socket_.remote_endpoint(); }
  bool is_open() const { return socket_.is_open(); }
  template <typename... Args>
  void cancel(Args&&... args) {
    socket_.cancel(std::forward<Args>(args)...);
  }
  void shutdown(asio::socket_base::shutdown_type what, asio::error_code& ec) {
    // After a refusal only the sending side closes here; see close().
    if (Refused()) what = asio::socket_base::shutdown_send;
    socket_.shutdown(what, ec);
  }
  void close() {
    if (!Refused()) {
      asio::error_code ignored;
      socket_.close(ignored);
      return;
    }
    // The 413 is written. Closing now, with the client still sending its body, would reset
    // the connection and could destroy the answer before the client reads it; so the
    // socket lingers, dropping what arrives, until the client closes or kLinger passes.
    auto linger = std::make_shared<Linger>(std::move(socket_));
    linger->Start(linger);
    if (state_->parked) {
      asio::post(state_->parked_executor, [parked = std::move(state_->parked)]() mutable {
        parked(asio::error::operation_aborted, 0);
      });
    }
  }
  template <typename... Args>
  auto async_write_some(Args&&... args) {
    return socket_.async_write_some(std::forward<Args>(args)...);
  }

  // Reads through the filter: delivers what it lets through, reads again while a head is
  // incomplete, and after a refused head reads and drops until the connection closes.
  template <typename Handler>
  void async_read_some(asio::mutable_buffer buffer, Handler&& handler) {
    if (!state_) state_ = std::make_unique<State>(g_upload_limit.load());
    auto executor = asio::get_associated_executor(handler, socket_.get_executor());
    if (Refused() && state_->ready.empty()) {
      // Nothing more goes to the parser; the read ends when the connection closes.
      auto shared = std::make_shared<std::decay_t<Handler>>(std::forward<Handler>(handler));
      state_->parked = [shared](const asio::error_code& ec, std::size_t n) { (*shared)(ec, n); };
      state_->parked_executor = executor;
      return;
    }
    if (!state_->ready.empty()) {
      const std::size_t n = Deliver(buffer);
      asio::post(executor,
                 [h = std::forward<Handler>(handler), n]() mutable { h(asio::error_code{}, n); });
      return;
    }
    socket_.async_read_some(
        asio::buffer(state_->scratch),
        asio::bind_executor(executor, [this, buffer, h = std::forward<Handler>(handler)](
                                          const asio::error_code& ec, std::size_t n) mutable {
          if (ec) return h(ec, std::size_t{0});
          state_->filter.Feed(std::string_view(state_->scratch.data(), n), state_->ready);
          if (state_->ready.empty()) return async_read_some(buffer, std::move(h));
          h(ec, Deliver(buffer));
        }));
  }

 private:
  static constexpr auto kLinger = std::chrono::seconds(2);

  struct State {
    explicit State(std::uint64_t limit) : filter(limit) {}
    BodyLimitFilter filter;
    std::string ready;  // filtered bytes not yet handed to the parser
    std::array<char, 16 * 1024> scratch{};
    std::function<void(const asio::error_code&, std::size_t)> parked;  // the parser's read
    asio::any_io_executor parked_executor;
  };

  // A refused connection's last moments: reads and drops until EOF or kLinger, then closes.
  struct Linger {
    explicit Linger(asio::ip::tcp::socket s) : socket(std::move(s)), timer(socket.get_executor()) {}
    void Start(const std::shared_ptr<Linger>& self) {
      timer.expires_after(kLinger);
      timer.async_wait([self](const asio::error_code&) {
        asio::error_code ignored;
        self->socket.close(ignored);
      });
      Read(self);
    }
    void Read(const std::shared_ptr<Linger>& self) {
      socket.async_read_some(asio::buffer(drain), [self](const asio::error_code& ec, std::size_t) {
        if (!ec) return self->Read(self);
        self->timer.cancel();
        asio::error_code ignored;
        self->socket.close(ignored);
      });
    }
    asio::ip::tcp::socket socket;
    asio::steady_timer timer;
    std::array<char, 16 * 1024> drain{};
  };

  bool Refused() const { return state_ && state_->filter.refused(); }
  std::size_t Deliver(asio::mutable_buffer buffer) {
    const std::size_t n = std::min(buffer.size(), state_->ready.size());
    std::memcpy(buffer.data(), state_->ready.data(), n);
    state_->ready.erase(0, n);
    return n;
  }

  asio::ip::tcp::socket socket_;
  std::unique_ptr<State> state_;  // made on the first read (a moved-from socket is reused)
};

// RESTinio finds these by argument-dependent lookup, as for its own socket types.
template <typename Connection, typename StartRead, typename Failed>
void prepare_connection_and_start_read(LimitedSocket&, Connection&, StartRead start_read, Failed) {
  start_read();
}
inline restinio::tls_socket_t* make_tls_socket_pointer_for_state_listener(LimitedSocket&) noexcept {
  return nullptr;
}

struct Traits : public restinio::default_traits_t {
  using request_handler_t = restinio::router::express_router_t<>;
  using stream_socket_t = LimitedSocket;
};
using Router = restinio::router::express_router_t<>;
using Request = restinio::request_handle_t;
using Params = restinio::router::route_params_t;

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
    const std::string text = line.dump() + "\n";
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

// ---- errors and the envelope ----

int HttpStatusFor(const std::string& code) {
  if (code == "E_AUTH") return 401;
  if (code == "E_DISABLED" || code == "E_FORBIDDEN") return 403;
  if (code == "E_NOT_FOUND") return 404;
  if (code == "E_CONFLICT" || code == "E_VERSION_CONFLICT") return 409;
  if (code == "E_TOO_LARGE") return 413;
  if (code == "E_LOCKED") return 423;
  if (code == "E_DATABASE" || code == "E_INTERNAL" || code == "E_IO" || code == "E_INTERRUPTED") {
    return 500;
  }
  return 400;
}

const char* ReasonFor(int status) {
  switch (status) {
    case 200:
      return "OK";
    case 201:
      return "Created";
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 409:
      return "Conflict";
    case 413:
      return "Payload Too Large";
    case 423:
      return "Locked";
    default:
      return "Internal Server Error";
  }
}

// What a handler answers: JSON, or a file.
struct Reply {
  int status = 200;
  std::string body;
  std::string content_type = "application/json; charset=utf-8";
  std::string filename;  // for downloads
};

Reply Data(const Json& data, int status = 200) {
  return Reply{status, Json{{"data", data}}.dump(), "application/json; charset=utf-8", ""};
}

// The envelope around a document already written as text.
Reply DataText(std::string data) {
  return Reply{200, "{\"data\":" + std::move(data) + "}", "application/json; charset=utf-8", ""};
}

// A workbook filled by `fill` (XlsxWriter writes files only: a temporary one, removed).
Result<std::string> WorkbookBytes(const std::function<Status(XlsxWriter&)>& fill) {
  char path_template[] = "/tmp/fupin-export-XXXXXX";
  const int fd = mkstemp(path_template);
  if (fd < 0) return Error::Io("无法创建临时文件", "cannot create a temporary file");
  close(fd);
  const std::string path = std::string(path_template) + ".xlsx";
  std::rename(path_template, path.c_str());
  Status status;
  {
    auto book = XlsxWriter::Create(path);
    status = book.ok() ? fill(**book) : Status(book.error());
    if (status.ok()) status = (*book)->Close();
  }
  std::string bytes;
  if (status.ok()) {
    std::ifstream in(path, std::ios::binary);
    bytes.assign(std::istreambuf_iterator<char>(in), {});
  }
  std::filesystem::remove(path);
  if (!status.ok()) return status.error();
  return bytes;
}

Reply Workbook(std::string bytes, const char* filename) {
  return Reply{200, std::move(bytes),
               "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", filename};
}

Reply Failure(const Error& error, Lang lang, const Json& details = Json::array()) {
  const int status = HttpStatusFor(error.code);
  Json body{
      {"error", {{"code", error.code}, {"message", error.message(lang)}, {"details", details}}}};
  return Reply{status, body.dump(), "application/json; charset=utf-8", ""};
}

Json CellIssuesJson(const std::vector<CellIssue>& issues, Lang lang) {
  Json out = Json::array();
  for (const auto& i : issues) {
    out.push_back(Json{{"column", i.column},
                       {"value", i.value},
                       {"code", i.code},
                       {"message", lang == Lang::kEn ? i.en : i.zh}});
  }
  return out;
}

Json UserJson(const User& u) {
  return Json{{"username", u.username},
              {"role", std::string(RoleName(u.role))},
              {"region_code", u.region.ToString()},
              {"disabled", u.disabled}};
}

// ---- per-thread state: each worker thread has its own connection and policy cache ----

struct ThreadContext {
  std::unique_ptr<Store> store;
  std::unique_ptr<PolicySet> policy;
};

class Api {
 public:
  explicit Api(const ServerConfig& config) : config_(config) {
    static const std::pair<const char*, LogLevel> kLevels[] = {{"debug", LogLevel::kDebug},
                                                               {"info", LogLevel::kInfo},
                                                               {"warn", LogLevel::kWarn},
                                                               {"error", LogLevel::kError},
                                                               {"off", LogLevel::kOff}};
    for (auto [name, level] : kLevels) {
      if (config.log_level == name) log_.set_level(level);
    }
    auth_.session_lifetime = config.session_lifetime;
  }

  Log& log() { return log_; }
  std::unique_ptr<Router> MakeRouter();

 private:
  using Handler =
      std::function<Reply(ThreadContext&, const Caller&, Lang, const Request&, const Params&)>;

  Result<ThreadContext*> Context();
  // Wraps a handler: the thread's context, the caller (when `authenticated`), the
  // language, exceptions, the response and one log line.
  restinio::request_handling_status_t Serve(const Request& req, const Params& params,
                                            bool authenticated, const Handler& handler);

  Reply Login(ThreadContext& ctx, Lang lang, const Request& req);
  Reply Logout(ThreadContext& ctx, const Request& req);
  Reply Region(ThreadContext& ctx, const Caller& caller, Lang lang, const std::string& code,
               bool children);
  Reply Summary(ThreadContext& ctx, const Caller& caller, Lang lang, const std::string& code);
  Reply SearchHouseholdsReply(ThreadContext& ctx, const Caller& caller, Lang lang,
                              const Request& req, bool xlsx);
  Reply HouseholdDetail(ThreadContext& ctx, const Caller& caller, Lang lang,
                        const std::string& code);
  Reply WriteHousehold(ThreadContext& ctx, const Caller& caller, Lang lang, const Request& req,
                       const std::string& code);
  Reply Import(ThreadContext& ctx, const Caller& caller, Lang lang, const Request& req);
  Reply Assess(ThreadContext& ctx, const Caller& caller, Lang lang, const Request& req,
               const std::string& kind);
  Reply Audit(ThreadContext& ctx, const Caller& caller, Lang lang, const Request& req);
  Reply CompareUpload(ThreadContext& ctx, const Caller& caller, Lang lang, const Request& req);
  Reply CompareLists(ThreadContext& ctx, const Caller& caller, Lang lang, const Request& req);
  Reply Findings(ThreadContext& ctx, const Caller& caller, Lang lang, const Request& req,
                 bool xlsx);
  Reply FindingCounts(ThreadContext& ctx, const Caller& caller, Lang lang, const Request& req);
  Reply Decide(ThreadContext& ctx, const Caller& caller, Lang lang, const Request& req,
               const std::string& id, bool confirm);
  Reply QualityCheck(ThreadContext& ctx, const Caller& caller, Lang lang, const Request& req);

  const ServerConfig& config_;
  AuthSettings auth_;
  Log log_;
};

Result<ThreadContext*> Api::Context() {
  thread_local ThreadContext ctx;
  if (!ctx.store) {
    auto store = Store::Open(config_.database, Store::OpenMode::kExisting);
    if (!store.ok()) return store.error();
    auto policy = LoadPolicy(config_.policy);
    if (!policy.ok()) return policy.error();
    ctx.store = std::move(store).value();
    ctx.policy = std::make_unique<PolicySet>(std::move(policy).value());
  }
  return &ctx;
}

std::string BearerToken(const Request& req) {
  auto value = req->header().opt_value_of(restinio::http_field::authorization);
  if (!value) return "";
  std::string_view v(value->data(), value->size());
  if (v.size() > 7 && (v.substr(0, 7) == "Bearer " || v.substr(0, 7) == "bearer ")) {
    return std::string(v.substr(7));
  }
  return "";
}

std::string Remote(const Request& req) {
  const auto& ep = req->remote_endpoint();
  return ep.address().to_string() + ":" + std::to_string(ep.port());
}

restinio::request_handling_status_t Api::Serve(const Request& req, const Params& params,
                                               bool authenticated, const Handler& handler) {
  const auto started = std::chrono::steady_clock::now();
  Lang lang = Lang::kZh;
  Reply reply;
  std::string user = "-";
  try {
    // RESTinio throws on a malformed percent-encoding: that is a bad request, not a crash.
    bool query_ok = true;
    try {
      const auto query = restinio::parse_query(req->header().query());
      if (query.has("lang") && query["lang"] == "en") lang = Lang::kEn;
      if (auto accept = req->header().opt_value_of(restinio::http_field::accept_language)) {
        if (!query.has("lang") && accept->size() >= 2 && accept->substr(0, 2) == "en") {
          lang = Lang::kEn;
        }
      }
    } catch (const std::exception&) {
      query_ok = false;
      reply = Failure(
          Error{"E_QUERY", "查询参数的编码不正确", "the query string is not well encoded"}, lang);
    }
    if (req->header().has_field(kRefusedHeader)) {
      // BodyLimitFilter renamed this request's Content-Length: its body is over the limit
      // and was never read.
      query_ok = false;
      reply =
          Failure(Error{"E_TOO_LARGE",
                        "请求体超过上传限制（" + std::to_string(config_.upload_limit) + " 字节）",
                        "the request body is over the upload limit (" +
                            std::to_string(config_.upload_limit) + " bytes)"},
                  lang);
    }
    if (query_ok) {
      auto ctx = Context();
      if (!ctx.ok()) {
        reply = Failure(ctx.error(), lang);
      } else {
        Caller caller;
        caller.remote = Remote(req);
        bool ok = true;
        if (authenticated) {
          const std::string token = BearerToken(req);
          auto who = token.empty() ? Result<User>(Error{"E_AUTH", "请先登录", "log in first"})
                                   : Authenticate(*(*ctx)->store, token);
          if (!who.ok()) {
            reply = Failure(Error{"E_AUTH", "未登录或会话已失效，请重新登录",
                                  "not logged in, or the session has ended: log in again"},
                            lang);
            ok = false;
          } else {
            caller.user = *who;
            user = caller.user.username;
          }
        }
        if (ok) reply = handler(**ctx, caller, lang, req, params);
      }
    }
  } catch (const std::exception& e) {
    log_.Write(LogLevel::kError, Json{{"event", "exception"}, {"what", e.what()}});
    reply = Failure(Error{"E_INTERNAL", "服务器内部错误", "internal server error"}, lang);
  }
  auto response = req->create_response(restinio::http_status_line_t{
      restinio::http_status_code_t{static_cast<std::uint16_t>(reply.status)},
      ReasonFor(reply.status)});
  response.append_header(restinio::http_field::content_type, reply.content_type);
  response.append_header(restinio::http_field::cache_control, "no-store");
  if (!reply.filename.empty()) {
    response.append_header(restinio::http_field::content_disposition,
                           "attachment; filename=\"" + reply.filename + "\"");
  }
  if (reply.status == 413) response.connection_close();
  response.set_body(std::move(reply.body));
  const double ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
  // The path only: query strings may hold names or ID numbers.
  log_.Write(LogLevel::kInfo, Json{{"method", std::string(req->header().method().c_str())},
                                   {"path", std::string(req->header().path())},
                                   {"status", reply.status},
                                   {"ms", std::round(ms * 100) / 100},
                                   {"user", user}});
  return response.done();
}

// ---- request parsing ----

// Parses a JSON object body; E_JSON for malformed JSON or another type, E_UNKNOWN_FIELD
// for a key outside `allowed`.
Result<Json> ParseBody(const Request& req, std::initializer_list<const char*> allowed) {
  Json body = Json::parse(req->body(), nullptr, /*allow_exceptions=*/false);
  if (body.is_discarded() || !body.is_object()) {
    return Error{"E_JSON", "请求体不是有效的 JSON 对象", "the request body is not a JSON object"};
  }
  if (allowed.size() > 0) {
    for (auto it = body.begin(); it != body.end(); ++it) {
      bool known = false;
      for (const char* key : allowed) known |= it.key() == key;
      if (!known) {
        return Error{"E_UNKNOWN_FIELD", "未知字段：" + it.key(), "unknown field: " + it.key()};
      }
    }
  }
  return body;
}

// A JSON value as a template cell: strings as they are, numbers and booleans as text.
std::string CellText(const Json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_boolean()) return v.get<bool>() ? "是" : "否";
  if (v.is_number_integer()) return std::to_string(v.get<int64_t>());
  if (v.is_number_float()) return v.dump();
  if (v.is_array()) {
    std::string out;
    for (const auto& item : v) out += (out.empty() ? "" : ";") + CellText(item);
    return out;
  }
  return "";
}

// A household as JSON (template keys) through the import's own parser, so that the API
// and the import accept and refuse exactly the same values with the same codes.
bool HouseholdFromJson(const Json& body, Date today, Household& h, std::vector<CellIssue>& issues) {
  Record header{1, {}}, row{2, {}};
  for (auto it = body.begin(); it != body.end(); ++it) {
    if (it.key() == "members" || it.key() == "version") continue;
    header.cells.push_back(it.key());
    row.cells.push_back(CellText(it.value()));
  }
  HeaderMap map = HeaderMap::Build(TemplateTable::kHouseholds, header, issues);
  if (!issues.empty()) return false;
  bool ok = ParseHouseholdRow(map, row, today, h, issues);
  if (!body.contains("members") || !body["members"].is_array()) {
    issues.push_back({"E_REQUIRED", "members", "", "缺少成员列表 members", "members are required"});
    return false;
  }
  const auto& members = body["members"];
  for (size_t i = 0; i < members.size(); ++i) {
    if (!members[i].is_object()) {
      issues.push_back({"E_JSON", "members[" + std::to_string(i) + "]", "", "成员应为对象",
                        "a member must be an object"});
      ok = false;
      continue;
    }
    Record mh{1, {"household_code"}}, mr{2, {h.household_code}};
    for (auto it = members[i].begin(); it != members[i].end(); ++it) {
      if (it.key() == "household_code") continue;
      mh.cells.push_back(it.key());
      mr.cells.push_back(CellText(it.value()));
    }
    std::vector<CellIssue> member_issues;
    HeaderMap member_map = HeaderMap::Build(TemplateTable::kMembers, mh, member_issues);
    Member m;
    std::string code;
    if (member_issues.empty()) {
      ok &= ParseMemberRow(member_map, mr, today, m, code, member_issues);
    } else {
      ok = false;
    }
    for (auto& issue : member_issues) {
      issue.column = "members[" + std::to_string(i) + "]." + issue.column;
      issues.push_back(std::move(issue));
    }
    h.members.push_back(std::move(m));
  }
  for (const auto& i : issues) ok &= i.code[0] != 'E';
  return ok;
}

Result<int> YearParam(const restinio::query_string_params_t& query) {
  if (!query.has("year"))
    return Error{"E_YEAR", "缺少年度参数 year", "the year parameter is required"};
  std::string text(query["year"]);
  if (text.size() != 4 || text.find_first_not_of("0123456789") != std::string::npos) {
    return Error{"E_YEAR", "年度不正确：" + text, "not a year: " + text};
  }
  return std::stoi(text);
}

Result<RegionCode> RegionParam(std::string_view text, const Caller& caller) {
  if (text.empty()) return caller.user.region;
  if (text == "0" || text == "000000000000") return RegionCode::Nation();
  auto code = RegionCode::Parse(text);
  if (!code.ok()) {
    return Error::NotFound("区划不存在：" + std::string(text),
                           "no such region: " + std::string(text));
  }
  return *code;
}

Error RegionNotFound(RegionCode code) {
  return Error::NotFound("区划不存在：" + code.ToString(), "no such region: " + code.ToString());
}

Error Forbidden() {
  return Error{"E_FORBIDDEN", "您的角色无权进行此操作", "your role may not do this"};
}

// ---- handlers ----

Reply Api::Login(ThreadContext& ctx, Lang lang, const Request& req) {
  auto body = ParseBody(req, {"username", "password"});
  if (!body.ok()) return Failure(body.error(), lang);
  if (!(*body)["username"].is_string() || !(*body)["password"].is_string()) {
    return Failure(Error{"E_REQUIRED", "需要用户名和密码", "username and password are required"},
                   lang);
  }
  auto session = fupin::Login(*ctx.store, (*body)["username"].get<std::string>(),
                              (*body)["password"].get<std::string>(), auth_, Remote(req));
  if (!session.ok()) return Failure(session.error(), lang);
  return Data(Json{{"token", session->token},
                   {"expires_at", session->expires_at},
                   {"user", UserJson(session->user)}},
              201);
}

Reply Api::Logout(ThreadContext& ctx, const Request& req) {
  (void)fupin::Logout(*ctx.store, BearerToken(req), Remote(req));
  return Data(Json{{"logged_out", true}});
}

Reply Api::Region(ThreadContext& ctx, const Caller& caller, Lang lang, const std::string& text,
                  bool children) {
  auto code = RegionParam(text, caller);
  if (!code.ok()) return Failure(code.error(), lang);
  if (!caller.InScope(*code)) return Failure(RegionNotFound(*code), lang);
  Json region;
  if (*code == RegionCode::Nation()) {
    region = Json{
        {"code", code->ToString()}, {"name", "全国"}, {"level", 0}, {"rural_population", nullptr}};
  } else {
    auto row = ctx.store->GetRegion(*code);
    if (!row.ok()) return Failure(row.error(), lang);
    if (!row->has_value()) return Failure(RegionNotFound(*code), lang);
    region = Json{{"code", code->ToString()},
                  {"name", (*row)->name},
                  {"level", static_cast<int>(code->level())},
                  {"rural_population",
                   (*row)->rural_population ? Json(*(*row)->rural_population) : Json(nullptr)}};
  }
  if (children) {
    auto kids = ctx.store->Children(*code);
    if (!kids.ok()) return Failure(kids.error(), lang);
    Json list = Json::array();
    for (const auto& k : *kids) {
      list.push_back(Json{{"code", k.code.ToString()},
                          {"name", k.name},
                          {"level", static_cast<int>(k.code.level())}});
    }
    region["children"] = std::move(list);
  }
  return Data(region);
}

Reply Api::Summary(ThreadContext& ctx, const Caller& caller, Lang lang, const std::string& text) {
  auto code = RegionParam(text, caller);
  if (!code.ok()) return Failure(code.error(), lang);
  if (!caller.InScope(*code)) return Failure(RegionNotFound(*code), lang);
  auto summary = SummarizeRegion(*ctx.store, *code);
  if (!summary.ok()) {
    return Failure(summary.error().code == "E_REGION" ? RegionNotFound(*code) : summary.error(),
                   lang);
  }
  return Data(SummaryJson(*summary));
}

// A whole-number query parameter within [lo, hi]; `fallback` when it is absent. E_NUMBER
// otherwise.
Result<int64_t> IntParam(const restinio::query_string_params_t& q, const char* name,
                         int64_t fallback, int64_t lo, int64_t hi) {
  if (!q.has(name)) return fallback;
  std::string text(q[name]);
  if (text.empty() || text.size() > 9 ||
      text.find_first_not_of("0123456789") != std::string::npos) {
    return Error{"E_NUMBER", std::string(name) + " 应为正整数",
                 std::string(name) + " must be a positive whole number"};
  }
  int64_t v = std::stoll(text);
  if (v < lo || v > hi) {
    return Error{"E_NUMBER", std::string(name) + " 超出范围",
                 std::string(name) + " is out of range"};
  }
  return v;
}

Result<HouseholdQuery> QueryFrom(const restinio::query_string_params_t& q, const Caller& caller) {
  HouseholdQuery query;
  auto region = RegionParam(q.has("region") ? q["region"] : std::string_view(), caller);
  if (!region.ok()) return region.error();
  query.region = *region;
  auto code_param = [&](const char* name, CodeList list, std::optional<int>& out) -> Status {
    if (!q.has(name) || q[name].empty()) return Status::Ok();
    auto code = ParseCode(list, q[name]);
    if (!code) {
      return Error{"E_CODE", std::string(name) + " 的值不在代码表中",
                   std::string(name) + ": not in the code list"};
    }
    out = *code;
    return Status::Ok();
  };
  FUPIN_RETURN_IF_ERROR(code_param("kind", CodeList::kHouseholdKind, query.kind));
  FUPIN_RETURN_IF_ERROR(code_param("status", CodeList::kPovertyStatus, query.poverty_status));
  FUPIN_RETURN_IF_ERROR(code_param("attribute", CodeList::kAttribute, query.attribute));
  FUPIN_RETURN_IF_ERROR(code_param("main_cause", CodeList::kCause, query.main_cause));
  FUPIN_RETURN_IF_ERROR(code_param("monitor_type", CodeList::kMonitorType, query.monitor_type));
  FUPIN_RETURN_IF_ERROR(
      code_param("monitor_status", CodeList::kMonitorStatus, query.monitor_status));
  for (auto [name, target] :
       {std::pair{"income_min", &query.income_min}, std::pair{"income_max", &query.income_max}}) {
    if (!q.has(name) || q[name].empty()) continue;
    auto money = Money::Parse(q[name]);
    if (!money.ok())
      return Error{"E_NUMBER", std::string(name) + " 不是金额",
                   std::string(name) + ": not an amount"};
    *target = *money;
  }
  if (q.has("name")) query.name = std::string(q["name"].substr(0, 50 * 4));
  if (q.has("id_number")) query.id_number = std::string(q["id_number"].substr(0, 64));
  if (q.has("sort")) {
    auto sort = q["sort"];
    if (sort == "household_code")
      query.sort = HouseholdQuery::Sort::kCode;
    else if (sort == "village_code")
      query.sort = HouseholdQuery::Sort::kVillage;
    else if (sort == "per_capita_income")
      query.sort = HouseholdQuery::Sort::kIncome;
    else if (sort == "size")
      query.sort = HouseholdQuery::Sort::kSize;
    else
      return Error{"E_USAGE", "sort 只能是 household_code、village_code、per_capita_income 或 size",
                   "sort must be household_code, village_code, per_capita_income or size"};
  }
  query.descending = q.has("order") && q["order"] == "desc";
  auto page = IntParam(q, "page", 1, 1, 100000000);
  if (!page.ok()) return page.error();
  auto size = IntParam(q, "size", 50, 1, 500);
  if (!size.ok()) return size.error();
  query.limit = *size;
  query.offset = (*page - 1) * *size;
  return query;
}

Reply Api::SearchHouseholdsReply(ThreadContext& ctx, const Caller& caller, Lang lang,
                                 const Request& req, bool xlsx) {
  if (xlsx && !RoleMay(caller.user.role, Permission::kExport)) return Failure(Forbidden(), lang);
  const auto q = restinio::parse_query(req->header().query());
  auto query = QueryFrom(q, caller);
  if (!query.ok()) return Failure(query.error(), lang);
  const bool masked = RoleSeesMaskedData(caller.user.role);
  if (!xlsx) {
    auto page = SearchHouseholds(*ctx.store, caller, *query);
    if (!page.ok()) return Failure(page.error(), lang);
    // A list is not audited, so it shows no personal data whole, whatever the role: the
    // detail of one household does, and leaves an audit record.
    Json items = Json::array();
    for (size_t i = 0; i < page->items.size(); ++i) {
      items.push_back(HouseholdJson(page->items[i].household, page->items[i].version,
                                    page->member_counts[i], /*masked=*/true));
    }
    return Data(Json{{"total", page->total}, {"items", items}});
  }
  // The export: every match, in the import template, as one workbook.
  query->offset = 0;
  query->limit = 1000000;
  auto page = SearchHouseholds(*ctx.store, caller, *query);
  if (!page.ok()) return Failure(page.error(), lang);
  auto bytes = WorkbookBytes([&](XlsxWriter& book) -> Status {
    auto hs = book.AddSheet("户表");
    auto ms = book.AddSheet("人表");
    if (!hs.ok() || !ms.ok()) return Error::Io("无法写入工作簿", "cannot write the workbook");
    Status status = (*hs)->WriteRow(TemplateHeader(TemplateTable::kHouseholds));
    if (status.ok()) status = (*ms)->WriteRow(TemplateHeader(TemplateTable::kMembers));
    std::vector<std::string> cells;
    for (auto& item : page->items) {
      if (!status.ok()) break;
      Household& h = item.household;
      status = ctx.store->LoadMembers(h);
      if (!status.ok()) break;
      HouseholdCells(h, cells);
      if (masked) cells.back() = cells.back().empty() ? "" : "***";  // 联系电话
      status = (*hs)->WriteRow(cells);
      for (const auto& m : h.members) {
        if (!status.ok()) break;
        Member shown = m;
        if (masked) shown.id_number = MaskIdNumber(m.id_number);
        MemberCells(h.household_code, shown, cells);
        status = (*ms)->WriteRow(cells);
      }
    }
    return status;
  });
  if (!bytes.ok()) return Failure(bytes.error(), lang);
  Status audit =
      AppendAudit(*ctx.store, caller, "export.households", query->region.ToString(),
                  std::to_string(page->items.size()) + " households" + (masked ? " masked" : ""));
  if (!audit.ok()) return Failure(audit.error(), lang);
  return Workbook(std::move(*bytes), "households.xlsx");
}

Reply Api::HouseholdDetail(ThreadContext& ctx, const Caller& caller, Lang lang,
                           const std::string& code) {
  auto view = GetHousehold(*ctx.store, caller, code);
  if (!view.ok()) return Failure(view.error(), lang);
  const bool masked = RoleSeesMaskedData(caller.user.role);
  const Household& h = view->stored.household;
  Json out = HouseholdJson(h, view->stored.version, static_cast<int64_t>(h.members.size()), masked);
  out["history"] = HistoryJson(view->history, masked);
  return Data(out);
}

Reply Api::WriteHousehold(ThreadContext& ctx, const Caller& caller, Lang lang, const Request& req,
                          const std::string& code) {
  if (!RoleMay(caller.user.role, Permission::kWriteHousehold)) return Failure(Forbidden(), lang);
  auto body = ParseBody(req, {});
  if (!body.ok()) return Failure(body.error(), lang);
  const bool update = !code.empty();
  int64_t version = 0;
  if (update) {
    if (!body->contains("version") || !(*body)["version"].is_number_integer()) {
      return Failure(Error{"E_REQUIRED", "修改时需要提供版本号 version",
                           "an update needs the version it replaces"},
                     lang);
    }
    version = (*body)["version"].get<int64_t>();
    if (!body->contains("household_code")) (*body)["household_code"] = code;
    if (!(*body)["household_code"].is_string() ||
        (*body)["household_code"].get<std::string>() != code) {
      return Failure(
          Error{"E_FORMAT", "请求体的户编号与地址不符", "household_code differs from the URL"},
          lang);
    }
  }
  Household h;
  std::vector<CellIssue> issues;
  if (!HouseholdFromJson(*body, Date::Today(), h, issues)) {
    Error first{"E_FORMAT", "户的数据有误", "the household is not valid"};
    for (const auto& i : issues) {
      if (i.code[0] == 'E') {
        first = Error{i.code, i.zh, i.en};
        break;
      }
    }
    return Failure(first, lang, CellIssuesJson(issues, lang));
  }
  auto written = update ? UpdateHousehold(*ctx.store, caller, h, version, issues)
                        : CreateHousehold(*ctx.store, caller, h, issues);
  if (!written.ok()) return Failure(written.error(), lang, CellIssuesJson(issues, lang));
  const Household& w = written->household;
  return Data(HouseholdJson(w, written->version, static_cast<int64_t>(w.members.size()),
                            RoleSeesMaskedData(caller.user.role)),
              update ? 200 : 201);
}

Reply Api::Import(ThreadContext& ctx, const Caller& caller, Lang lang, const Request& req) {
  if (!RoleMay(caller.user.role, Permission::kImport)) return Failure(Forbidden(), lang);
  const auto q = restinio::parse_query(req->header().query());
  char dir_template[] = "/tmp/fupin-upload-XXXXXX";
  if (!mkdtemp(dir_template)) {
    return Failure(Error::Io("无法创建临时目录", "cannot create a temporary folder"), lang);
  }
  const std::filesystem::path dir(dir_template);
  std::vector<std::string> files;
  Status written;
  auto parts = restinio::file_upload::enumerate_parts_with_files(
      *req, [&](restinio::file_upload::part_description_t part) {
        std::string name = part.filename ? *part.filename : part.name;
        // Only the base name, so an upload cannot write outside the folder.
        name = std::filesystem::path(name).filename().string();
        if (name.empty() || name == "." || name == "..")
          name = "upload" + std::to_string(files.size());
        const auto path = (dir / (std::to_string(files.size()) + "-" + name)).string();
        std::ofstream out(path, std::ios::binary);
        out.write(part.body.data(), static_cast<std::streamsize>(part.body.size()));
        if (!out) written = Error::Io("无法保存上传的文件", "cannot store the upload");
        files.push_back(path);
        return restinio::file_upload::handling_result_t::continue_enumeration;
      });
  auto cleanup = [&] { std::filesystem::remove_all(dir); };
  if (!parts || files.empty() || files.size() > 2) {
    cleanup();
    return Failure(
        Error{"E_USAGE", "请以 multipart/form-data 上传户表和人表两个 CSV 文件，或一个 XLSX 文件",
              "upload two CSV files or one XLSX file as multipart/form-data"},
        lang);
  }
  if (!written.ok()) {
    cleanup();
    return Failure(written.error(), lang);
  }
  ImportOptions options;
  options.files = files;
  options.dry_run = q.has("dry_run") && (q["dry_run"] == "1" || q["dry_run"] == "true");
  options.skip_invalid =
      q.has("skip_invalid") && (q["skip_invalid"] == "1" || q["skip_invalid"] == "true");
  options.actor = caller.user.username;
  options.scope = caller.user.region;
  auto report = RunImport(*ctx.store, options);
  cleanup();
  if (!report.ok()) return Failure(report.error(), lang);
  // File names in the report are the temporary paths: show the uploaded names.
  for (auto* list : {&report->errors, &report->warnings}) {
    for (auto& issue : *list) {
      auto slash = issue.file.rfind('/');
      if (slash != std::string::npos) issue.file = issue.file.substr(slash + 1);
      auto dash = issue.file.find('-');
      if (dash != std::string::npos) issue.file = issue.file.substr(dash + 1);
    }
  }
  if (report->written) {
    (void)AppendAudit(*ctx.store, caller, "import", report->batch_id,
                      std::to_string(report->households_created) + " created, " +
                          std::to_string(report->households_updated) + " updated");
  }
  Json data = ImportReportJson(*report, lang, options.dry_run);
  if (!report->errors.empty() && !options.skip_invalid) {
    const auto& first = report->errors.front();
    return Failure(Error{first.code, first.zh, first.en}, lang, data["errors"]);
  }
  return Data(data);
}

Reply Api::Assess(ThreadContext& ctx, const Caller& caller, Lang lang, const Request& req,
                  const std::string& kind) {
  if (!RoleMay(caller.user.role, Permission::kAssess)) return Failure(Forbidden(), lang);
  const auto q = restinio::parse_query(req->header().query());
  auto year = YearParam(q);
  if (!year.ok()) return Failure(year.error(), lang);
  auto region = RegionParam(q.has("region") ? q["region"] : std::string_view(), caller);
  if (!region.ok()) return Failure(region.error(), lang);
  if (!caller.InScope(*region)) return Failure(RegionNotFound(*region), lang);
  if (kind == "exit") {
    auto results = AssessExits(*ctx.store, *ctx.policy, *year, *region);
    if (!results.ok()) return Failure(results.error(), lang);
    if (Status s = KeepVisible(*ctx.store, caller, *results); !s.ok())
      return Failure(s.error(), lang);
    return Data(ExitResultsJson(*results));
  }
  if (kind == "monitor") {
    auto results = AssessMonitoringCandidates(*ctx.store, *ctx.policy, *year, *region);
    if (!results.ok()) return Failure(results.error(), lang);
    if (Status s = KeepVisible(*ctx.store, caller, *results); !s.ok())
      return Failure(s.error(), lang);
    return Data(MonitorResultsJson(*results));
  }
  std::string level = q.has("level") ? std::string(q["level"]) : "village";
  if (level != "village" && level != "county") {
    return Failure(
        Error::Usage("level 只能是 village 或 county", "level must be village or county"), lang);
  }
  const bool county = level == "county";
  auto results = AssessRegions(*ctx.store, *ctx.policy, *year,
                               county ? RegionLevel::kCounty : RegionLevel::kVillage, *region);
  if (!results.ok()) return Failure(results.error(), lang);
  return Data(RegionResultsJson(*results, county));
}

Reply Api::Audit(ThreadContext& ctx, const Caller& caller, Lang lang, const Request& req) {
  if (!RoleMay(caller.user.role, Permission::kReadAudit)) return Failure(Forbidden(), lang);
  const auto q = restinio::parse_query(req->header().query());
  AuditQuery query;
  if (q.has("actor")) query.actor = std::string(q["actor"]);
  if (q.has("action")) query.action_prefix = std::string(q["action"]);
  if (q.has("target")) query.target_prefix = std::string(q["target"]);
  int64_t page = 1, size = 50;
  for (auto [name, target, hi] :
       {std::tuple{"page", &page, int64_t{100000000}}, std::tuple{"size", &size, int64_t{500}}}) {
    if (!q.has(name)) continue;
    std::string text(q[name]);
    if (text.empty() || text.size() > 9 ||
        text.find_first_not_of("0123456789") != std::string::npos || std::stoll(text) < 1 ||
        std::stoll(text) > hi) {
      return Failure(Error{"E_NUMBER", std::string(name) + " 应为正整数",
                           std::string(name) + " must be a positive whole number"},
                     lang);
    }
    *target = std::stoll(text);
  }
  query.limit = size;
  query.offset = (page - 1) * size;
  auto result = SearchAudit(*ctx.store, caller, query);
  if (!result.ok()) return Failure(result.error(), lang);
  Json items = Json::array();
  for (const auto& r : result->items) {
    items.push_back(Json{{"seq", r.seq},
                         {"at", r.at},
                         {"actor", r.actor},
                         {"role", r.role},
                         {"action", r.action},
                         {"target", r.target},
                         {"detail", r.detail},
                         {"remote", r.remote},
                         {"hash", r.hash}});
  }
  return Data(Json{{"total", result->total}, {"items", items}});
}

// ---- the cross-check (比对核查, spec/compare.md) ----

// One part of a multipart/form-data body: a plain field, or a file with its name.
struct FormPart {
  std::string_view body;
  std::optional<std::string> filename;
};

// The parts of a form by field name, each of them one of `allowed`: `not_a_form` when the
// body is not multipart/form-data, E_UNKNOWN_FIELD for another name, E_USAGE for a name
// given twice. Files are found as the import finds them (restinio::file_upload).
Result<std::map<std::string, FormPart>> ParseForm(const Request& req,
                                                  std::initializer_list<const char*> allowed,
                                                  const Error& not_a_form) {
  namespace hfp = restinio::http_field_parsers;
  using restinio::multipart_body::handling_result_t;
  std::map<std::string, FormPart> out;
  std::optional<Error> failed;
  auto parts = restinio::multipart_body::enumerate_parts(
      *req,
      [&](restinio::multipart_body::parsed_part_t part) {
        std::optional<std::string> name;
        FormPart value{part.body, std::nullopt};
        auto file = restinio::file_upload::analyze_part(part);
        if (file) {
          name = file->name;
          // Only the base name: it is shown in the report and kept with the list.
          value.filename = std::filesystem::path(file->filename.value_or("")).filename().string();
        } else if (file.error() == restinio::file_upload::enumeration_error_t::no_files_found) {
          if (auto field = part.fields.opt_value_of(restinio::http_field::content_disposition)) {
            if (auto d = hfp::content_disposition_value_t::try_parse(*field);
                d && d->value == "form-data") {
              if (auto n = hfp::find_first(d->parameters, "name")) name = std::string(*n);
            }
          }
        }
        if (!name) {
          failed = not_a_form;
        } else if (std::none_of(allowed.begin(), allowed.end(),
                                [&](const char* key) { return *name == key; })) {
          failed = Error{"E_UNKNOWN_FIELD", "未知字段：" + *name, "unknown field: " + *name};
        } else if (!out.emplace(*name, std::move(value)).second) {
          failed = Error::Usage("字段重复：" + *name, "a field appears twice: " + *name);
        }
        return failed ? handling_result_t::terminate_enumeration
                      : handling_result_t::continue_enumeration;
      },
      "multipart", "form-data");
  if (failed) return *failed;
  if (!parts) return not_a_form;
  return out;
}

bool BlankBody(const Request& req) {
  return req->body().find_first_not_of(" \t\r\n") == std::string::npos;
}

// The filters of GET /findings and GET /exports/findings.xlsx: region (default: the
// caller's; outside the scope 404), rule, status, list, page and size.
Result<FindingQuery> FindingQueryFrom(const restinio::query_string_params_t& q,
                                      const Caller& caller) {
  FindingQuery query;
  auto region = RegionParam(q.has("region") ? q["region"] : std::string_view(), caller);
  if (!region.ok()) return region.error();
  if (!caller.InScope(*region)) return RegionNotFound(*region);
  query.region = *region;
  if (q.has("rule")) query.rule = std::string(q["rule"].substr(0, 64));
  if (q.has("status")) {
    query.status = std::string(q["status"]);
    if (!query.status.empty() && query.status != "open" && query.status != "confirmed" &&
        query.status != "dismissed") {
      return Error::Usage("status 只能是 open、confirmed 或 dismissed",
                          "status must be open, confirmed or dismissed");
    }
  }
  auto list = IntParam(q, "list", 0, 1, 999999999);
  if (!list.ok()) return list.error();
  query.list_id = *list;
  auto page = IntParam(q, "page", 1, 1, 100000000);
  if (!page.ok()) return page.error();
  auto size = IntParam(q, "size", 50, 1, 500);
  if (!size.ok()) return size.error();
  query.limit = *size;
  query.offset = (*page - 1) * *size;
  return query;
}

// A region named in a request body: inside the caller's scope and in the region tree, or
// 404 (outside the scope exactly as unknown).
Result<RegionCode> KnownRegion(Store& store, std::string_view text, const Caller& caller) {
  auto region = RegionParam(text, caller);
  if (!region.ok()) return region.error();
  if (!caller.InScope(*region)) return RegionNotFound(*region);
  if (*region != RegionCode::Nation()) {
    auto row = store.GetRegion(*region);
    if (!row.ok()) return row.error();
    if (!row->has_value()) return RegionNotFound(*region);
  }
  return *region;
}

Reply Api::CompareUpload(ThreadContext& ctx, const Caller& caller, Lang lang, const Request& req) {
  if (!RoleMay(caller.user.role, Permission::kCompare)) return Failure(Forbidden(), lang);
  auto form = ParseForm(
      req, {"kind", "as_of", "region", "list"},
      Error::Usage("请以 multipart/form-data 上传：kind、as_of、可选的 region 和名单文件 list",
                   "upload as multipart/form-data: kind, as_of, an optional region and the "
                   "file list"));
  if (!form.ok()) return Failure(form.error(), lang);
  auto field = [&](const char* name) {
    auto it = form->find(name);
    return it == form->end() ? std::string() : std::string(TrimSpaces(it->second.body));
  };
  for (const char* name : {"kind", "as_of", "list"}) {
    if (!form->contains(name) || (std::string_view(name) != "list" && field(name).empty())) {
      return Failure(Error{"E_REQUIRED", std::string("缺少字段 ") + name,
                           std::string("the field ") + name + " is required"},
                     lang);
    }
  }
  CompareRequest request;
  request.kind = field("kind");
  request.today = Date::Today();
  const std::string as_of = field("as_of");
  auto date = Date::Parse(as_of);
  if (!date.ok()) {
    return Failure(
        Error{"E_DATE", "as_of 不是有效日期：" + as_of, "as_of is not a valid date: " + as_of},
        lang);
  }
  request.as_of = *date;
  auto region = RegionParam(field("region"), caller);
  if (!region.ok()) return Failure(region.error(), lang);
  request.region = *region;

  // The list goes to a file of its own (CompareList reads a path), named as uploaded so
  // that a structural error names the user's file; removed once compared.
  const FormPart& list = form->at("list");
  request.file_name = list.filename.value_or("");
  if (request.file_name.empty() || request.file_name == "." || request.file_name == "..") {
    request.file_name = "list";
  }
  char dir_template[] = "/tmp/fupin-compare-XXXXXX";
  if (!mkdtemp(dir_template)) {
    return Failure(Error::Io("无法创建临时目录", "cannot create a temporary folder"), lang);
  }
  const std::filesystem::path dir(dir_template);
  request.path = (dir / request.file_name).string();
  Result<CompareReport> report = Error::Io("无法保存上传的文件", "cannot store the upload");
  {
    std::ofstream out(request.path, std::ios::binary);
    out.write(list.body.data(), static_cast<std::streamsize>(list.body.size()));
    out.close();
    if (out) report = CompareList(*ctx.store, *ctx.policy, caller, request);
  }
  std::error_code ignored;
  std::filesystem::remove_all(dir, ignored);
  if (!report.ok()) return Failure(report.error(), lang);
  return DataText(CompareReportText(*report, lang, RoleSeesMaskedData(caller.user.role)));
}

Reply Api::CompareLists(ThreadContext& ctx, const Caller& caller, Lang lang, const Request& req) {
  const auto q = restinio::parse_query(req->header().query());
  const std::string kind = q.has("kind") ? std::string(q["kind"]) : "";
  auto lists = ListDepartmentLists(*ctx.store, caller, kind);
  if (!lists.ok()) return Failure(lists.error(), lang);
  Json out = Json::array();
  for (const auto& l : *lists) out.push_back(DepartmentListJson(l));
  return Data(out);
}

Reply Api::Findings(ThreadContext& ctx, const Caller& caller, Lang lang, const Request& req,
                    bool xlsx) {
  if (xlsx && !RoleMay(caller.user.role, Permission::kExport)) return Failure(Forbidden(), lang);
  const auto q = restinio::parse_query(req->header().query());
  auto query = FindingQueryFrom(q, caller);
  if (!query.ok()) return Failure(query.error(), lang);
  const bool masked = RoleSeesMaskedData(caller.user.role);
  if (!xlsx) {
    auto page = SearchFindings(*ctx.store, caller, *query);
    if (!page.ok()) return Failure(page.error(), lang);
    Json items = Json::array();
    for (const auto& f : page->items) items.push_back(FindingJson(f, masked));
    return Data(Json{{"total", page->total}, {"items", items}});
  }
  // The export: every match, one sheet.
  query->offset = 0;
  query->limit = 0;
  auto page = SearchFindings(*ctx.store, caller, *query);
  if (!page.ok()) return Failure(page.error(), lang);
  auto bytes = WorkbookBytes([&](XlsxWriter& book) -> Status {
    auto sheet = book.AddSheet("核查发现");
    if (!sheet.ok()) return Error::Io("无法写入工作簿", "cannot write the workbook");
    Status status = (*sheet)->WriteRow({"编号", "规则", "户编号", "证件号码", "姓名", "村", "说明",
                                        "状态", "理由", "名单编号", "发现时间"});
    for (const auto& f : page->items) {
      if (!status.ok()) break;
      const char* state = f.status == "confirmed"   ? "已确认"
                          : f.status == "dismissed" ? "已驳回"
                                                    : "待核实";
      status =
          (*sheet)->WriteRow({std::to_string(f.id), f.rule, f.household_code,
                              masked ? MaskIdNumber(f.id_number) : f.id_number, f.name,
                              RegionCode::FromInt(f.village_code).ToString(), f.detail, state,
                              f.reason, f.list_id ? std::to_string(f.list_id) : "", f.created_at});
    }
    return status;
  });
  if (!bytes.ok()) return Failure(bytes.error(), lang);
  Status audit =
      AppendAudit(*ctx.store, caller, "export.findings", query->region.ToString(),
                  std::to_string(page->items.size()) + " findings" + (masked ? " masked" : ""));
  if (!audit.ok()) return Failure(audit.error(), lang);
  return Workbook(std::move(*bytes), "findings.xlsx");
}

Reply Api::FindingCounts(ThreadContext& ctx, const Caller& caller, Lang lang, const Request& req) {
  const auto q = restinio::parse_query(req->header().query());
  auto region = RegionParam(q.has("region") ? q["region"] : std::string_view(), caller);
  if (!region.ok()) return Failure(region.error(), lang);
  if (!caller.InScope(*region)) return Failure(RegionNotFound(*region), lang);
  auto counts = CountFindings(*ctx.store, caller, *region);
  if (!counts.ok()) return Failure(counts.error(), lang);
  return Data(FindingCountsJson(*counts));
}

Reply Api::Decide(ThreadContext& ctx, const Caller& caller, Lang lang, const Request& req,
                  const std::string& id, bool confirm) {
  // Not a finding's number is no finding: 404 as for one that does not exist.
  if (id.empty() || id.size() > 18 || id.find_first_not_of("0123456789") != std::string::npos ||
      std::stoll(id) <= 0) {
    return Failure(Error::NotFound("没有这条核查发现：" + id, "no such finding: " + id), lang);
  }
  std::string reason;
  if (!BlankBody(req)) {
    auto body = ParseBody(req, {"reason"});
    if (!body.ok()) return Failure(body.error(), lang);
    if (body->contains("reason") && !(*body)["reason"].is_null()) {
      if (!(*body)["reason"].is_string()) {
        return Failure(Error{"E_FORMAT", "reason 应为字符串", "reason must be a string"}, lang);
      }
      reason = (*body)["reason"].get<std::string>();
    }
  }
  // The service looks the finding up (404 outside the scope) before it checks the role
  // (403), and asks for a dismissal's reason (E_REQUIRED) last.
  auto row = DecideFinding(*ctx.store, caller, std::stoll(id), confirm, reason);
  if (!row.ok()) return Failure(row.error(), lang);
  return Data(FindingJson(*row, RoleSeesMaskedData(caller.user.role)));
}

Reply Api::QualityCheck(ThreadContext& ctx, const Caller& caller, Lang lang, const Request& req) {
  if (!RoleMay(caller.user.role, Permission::kDecideFindings)) return Failure(Forbidden(), lang);
  std::string text;
  if (!BlankBody(req)) {
    auto body = ParseBody(req, {"region"});
    if (!body.ok()) return Failure(body.error(), lang);
    if (body->contains("region") && !(*body)["region"].is_null()) {
      if (!(*body)["region"].is_string()) {
        return Failure(Error{"E_FORMAT", "region 应为字符串", "region must be a string"}, lang);
      }
      text = (*body)["region"].get<std::string>();
    }
  }
  auto region = KnownRegion(*ctx.store, text, caller);
  if (!region.ok()) return Failure(region.error(), lang);
  auto report = CheckQuality(*ctx.store, caller, *region);
  if (!report.ok()) return Failure(report.error(), lang);
  return DataText(CompareReportText(*report, lang, RoleSeesMaskedData(caller.user.role)));
}

std::unique_ptr<Router> Api::MakeRouter() {
  auto router = std::make_unique<Router>();
  auto open = [this](auto handler) {
    return [this, handler](const Request& req, Params params) {
      return Serve(req, params, false, handler);
    };
  };
  auto authed = [this](auto handler) {
    return [this, handler](const Request& req, Params params) {
      return Serve(req, params, true, handler);
    };
  };
  auto param = [](const Params& p, const char* name) { return std::string(p[name]); };

  router->http_get("/api/v1/health",
                   open([](ThreadContext&, const Caller&, Lang, const Request&, const Params&) {
                     return Data(Json{{"status", "ok"}, {"version", "0.1.0"}});
                   }));
  router->http_get("/api/v1/openapi.json", [](const Request& req, Params) {
    return req->create_response()
        .append_header(restinio::http_field::content_type, "application/json; charset=utf-8")
        .set_body(std::string(OpenApiDocument()))
        .done();
  });
  router->http_post("/api/v1/session",
                    open([this](ThreadContext& ctx, const Caller&, Lang lang, const Request& req,
                                const Params&) { return Login(ctx, lang, req); }));
  router->http_delete("/api/v1/session",
                      authed([this](ThreadContext& ctx, const Caller&, Lang, const Request& req,
                                    const Params&) { return Logout(ctx, req); }));
  router->http_get("/api/v1/me",
                   authed([](ThreadContext&, const Caller& caller, Lang, const Request&,
                             const Params&) { return Data(UserJson(caller.user)); }));
  router->http_get("/api/v1/regions/:code/summary",
                   authed([this, param](ThreadContext& ctx, const Caller& caller, Lang lang,
                                        const Request&, const Params& p) {
                     return Summary(ctx, caller, lang, param(p, "code"));
                   }));
  router->http_get("/api/v1/regions/:code/children",
                   authed([this, param](ThreadContext& ctx, const Caller& caller, Lang lang,
                                        const Request&, const Params& p) {
                     return Region(ctx, caller, lang, param(p, "code"), true);
                   }));
  router->http_get("/api/v1/regions/:code",
                   authed([this, param](ThreadContext& ctx, const Caller& caller, Lang lang,
                                        const Request&, const Params& p) {
                     return Region(ctx, caller, lang, param(p, "code"), false);
                   }));
  router->http_get("/api/v1/households",
                   authed([this](ThreadContext& ctx, const Caller& caller, Lang lang,
                                 const Request& req, const Params&) {
                     return SearchHouseholdsReply(ctx, caller, lang, req, false);
                   }));
  router->http_get("/api/v1/exports/households.xlsx",
                   authed([this](ThreadContext& ctx, const Caller& caller, Lang lang,
                                 const Request& req, const Params&) {
                     return SearchHouseholdsReply(ctx, caller, lang, req, true);
                   }));
  router->http_post(
      "/api/v1/households",
      authed([this](ThreadContext& ctx, const Caller& caller, Lang lang, const Request& req,
                    const Params&) { return WriteHousehold(ctx, caller, lang, req, ""); }));
  router->http_get("/api/v1/households/:code",
                   authed([this, param](ThreadContext& ctx, const Caller& caller, Lang lang,
                                        const Request&, const Params& p) {
                     return HouseholdDetail(ctx, caller, lang, param(p, "code"));
                   }));
  router->http_put("/api/v1/households/:code",
                   authed([this, param](ThreadContext& ctx, const Caller& caller, Lang lang,
                                        const Request& req, const Params& p) {
                     return WriteHousehold(ctx, caller, lang, req, param(p, "code"));
                   }));
  router->http_post("/api/v1/imports", authed([this](ThreadContext& ctx, const Caller& caller,
                                                     Lang lang, const Request& req, const Params&) {
                      return Import(ctx, caller, lang, req);
                    }));
  for (const char* kind : {"exit", "monitor", "regions"}) {
    router->http_get(
        std::string("/api/v1/assessments/") + kind,
        authed([this, kind](ThreadContext& ctx, const Caller& caller, Lang lang, const Request& req,
                            const Params&) { return Assess(ctx, caller, lang, req, kind); }));
  }
  router->http_get("/api/v1/audit", authed([this](ThreadContext& ctx, const Caller& caller,
                                                  Lang lang, const Request& req, const Params&) {
                     return Audit(ctx, caller, lang, req);
                   }));
  router->http_post(
      "/api/v1/compare/lists",
      authed([this](ThreadContext& ctx, const Caller& caller, Lang lang, const Request& req,
                    const Params&) { return CompareUpload(ctx, caller, lang, req); }));
  router->http_get(
      "/api/v1/compare/lists",
      authed([this](ThreadContext& ctx, const Caller& caller, Lang lang, const Request& req,
                    const Params&) { return CompareLists(ctx, caller, lang, req); }));
  router->http_get("/api/v1/findings", authed([this](ThreadContext& ctx, const Caller& caller,
                                                     Lang lang, const Request& req, const Params&) {
                     return Findings(ctx, caller, lang, req, false);
                   }));
  router->http_get(
      "/api/v1/findings/counts",
      authed([this](ThreadContext& ctx, const Caller& caller, Lang lang, const Request& req,
                    const Params&) { return FindingCounts(ctx, caller, lang, req); }));
  router->http_post("/api/v1/findings/:id/confirm",
                    authed([this, param](ThreadContext& ctx, const Caller& caller, Lang lang,
                                         const Request& req, const Params& p) {
                      return Decide(ctx, caller, lang, req, param(p, "id"), true);
                    }));
  router->http_post("/api/v1/findings/:id/dismiss",
                    authed([this, param](ThreadContext& ctx, const Caller& caller, Lang lang,
                                         const Request& req, const Params& p) {
                      return Decide(ctx, caller, lang, req, param(p, "id"), false);
                    }));
  router->http_get(
      "/api/v1/exports/findings.xlsx",
      authed([this](ThreadContext& ctx, const Caller& caller, Lang lang, const Request& req,
                    const Params&) { return Findings(ctx, caller, lang, req, true); }));
  router->http_post(
      "/api/v1/quality-checks",
      authed([this](ThreadContext& ctx, const Caller& caller, Lang lang, const Request& req,
                    const Params&) { return QualityCheck(ctx, caller, lang, req); }));
  router->non_matched_request_handler([this](const Request& req) {
    return Serve(req, Params{}, false,
                 [](ThreadContext&, const Caller&, Lang lang, const Request&, const Params&) {
                   return Failure(Error::NotFound("没有这个地址", "no such resource"), lang);
                 });
  });
  return router;
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
    if (key == "listen" || key == "database" || key == "policy" || key == "log_level") {
      if (value.kind != Kind::kString) return bad("应为字符串", "must be a string");
      if (key == "listen") config.listen = value.text;
      if (key == "database") config.database = value.text;
      if (key == "policy") config.policy = value.text;
      if (key == "log_level") {
        if (value.text != "debug" && value.text != "info" && value.text != "warn" &&
            value.text != "error" && value.text != "off") {
          return bad("应为 debug、info、warn、error 或 off",
                     "must be debug, info, warn, error or off");
        }
        config.log_level = value.text;
      }
    } else if (key == "session_lifetime" || key == "upload_limit" || key == "threads") {
      if (value.kind != Kind::kInteger || value.integer <= 0) {
        return bad("应为正整数", "must be a positive whole number");
      }
      if (key == "session_lifetime") config.session_lifetime = std::chrono::seconds(value.integer);
      if (key == "upload_limit") config.upload_limit = static_cast<uint64_t>(value.integer);
      if (key == "threads") config.threads = static_cast<int>(std::min<int64_t>(value.integer, 64));
    } else {
      return bad("未知的键", "unknown key");
    }
  }
  return Status::Ok();
}

Status RunServer(const ServerConfig& config,
                 const std::function<void(const std::string& address)>& listening) {
  // Open once on this thread: a missing database or a bad policy fails before listening.
  {
    auto store = Store::Open(config.database, Store::OpenMode::kExisting);
    if (!store.ok()) return store.error();
    auto policy = LoadPolicy(config.policy);
    if (!policy.ok()) return policy.error();
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
  g_upload_limit = config.upload_limit;
  Api api(config);
  using Pool =
      restinio::impl::ioctx_on_thread_pool_t<restinio::impl::own_io_context_for_thread_pool_t>;
  Pool pool(static_cast<std::size_t>(std::max(1, config.threads)));
  std::string bound;
  using Settings = restinio::server_settings_t<Traits>;
  Settings settings;
  settings.address(host)
      .port(static_cast<std::uint16_t>(std::stoi(port_text)))
      .request_handler(api.MakeRouter())
      .max_pipelined_requests(16)
      .handle_request_timeout(std::chrono::seconds(120))
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
