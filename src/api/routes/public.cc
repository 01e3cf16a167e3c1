// The public village page (公示栏, spec/funds.md "The public village page",
// docs/public-page.md): HTML for anyone, without sign-in, outside the JSON API (so the table
// here is `pages`, not the API's `routes`, and openapi.json does not list it):
//   GET  /public/villages/:code                 what is in force, with the objection form
//   GET  /public/villages/:code/archive?page=N  past notices, 50 a page
//   GET  /public/villages/:code/print           for the village board, with the QR code
//   GET  /public/villages/:code/qr.svg          the QR code of the page's address
//   POST /public/villages/:code/objections      an objection: JSON {"name", "phone", "text",
//        "notice"} → 201 JSON, or the form's urlencoded fields → 201 HTML
// Reads are not audited (nothing personal is shown) and come from the server's cache
// (PublicPageCache). Objections are limited per client address (429 E_THROTTLED with
// Retry-After) and audited by the service.
#include <nlohmann/json.hpp>

#include "api/reply.h"
#include "api/routes/routes.h"
#include "service/disclosure/public_page.h"
#include "views/public_page.h"

namespace fupin {
namespace {

constexpr size_t kMaxObjectionBody = 16 * 1024;  // bytes

Reply Html(std::string body, int status = 200) {
  Reply reply;
  reply.status = status;
  reply.body = std::move(body);
  reply.content_type = "text/html; charset=utf-8";
  reply.headers.emplace_back("Cache-Control", "no-cache");
  // The page's own inline style and SVG, and its form posting back here: nothing else.
  reply.headers.emplace_back("Content-Security-Policy",
                             "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; "
                             "form-action 'self'; frame-ancestors 'none'; base-uri 'none'");
  return reply;
}

Reply ErrorPage(const Error& error, Lang lang) {
  if (error.code == "E_NOT_FOUND") return Html(PublicNotFoundHtml(""), 404);
  return Failure(error, lang);
}

// The village of the path, or the 404 page.
Result<RegionCode> Village(const HttpRequest& req) {
  const std::string_view text = req.Param("code");
  auto code = RegionCode::Parse(text.substr(0, 32));
  if (!code.ok() || code->level() != RegionLevel::kVillage) {
    return Error::NotFound("村不存在", "no such village");
  }
  return *code;
}

// The page through the server's cache (when it has one).
Result<std::string> Cached(RouteContext& ctx, const std::string& key,
                           const std::function<Result<std::string>()>& build) {
  if (ctx.public_pages == nullptr) return build();
  return ctx.public_pages->Get(ctx.store, key, build);
}

// The page's absolute address: the configured public_url, else http:// and the Host header
// (only the characters a host and port may have), else the listening address.
std::string PageUrl(const RouteContext& ctx, const HttpRequest& req, const std::string& code) {
  std::string base = ctx.config.public_url;
  if (base.empty()) {
    const bool plain = !req.host.empty() && req.host.find_first_not_of(
                                                "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTU"
                                                "VWXYZ0123456789.-:[]") == std::string::npos;
    base = "http://" + (plain ? req.host : ctx.config.listen);
  }
  while (!base.empty() && base.back() == '/') base.pop_back();
  return base + PublicPagePath(code);
}

Reply PageRoute(RouteContext& ctx, const HttpRequest& req) {
  auto village = Village(req);
  if (!village.ok()) return Html(PublicNotFoundHtml(req.Param("code")), 404);
  auto html = Cached(ctx, "page|" + village->ToString(), [&]() -> Result<std::string> {
    auto page = PublicPageOf(ctx.store, ctx.policy, *village);
    if (!page.ok()) return page.error();
    return PublicPageHtml(*page);
  });
  if (!html.ok()) {
    if (html.error().code == "E_NOT_FOUND") return Html(PublicNotFoundHtml(req.Param("code")), 404);
    return ErrorPage(html.error(), req.lang);
  }
  return Html(std::move(*html));
}

Reply ArchiveRoute(RouteContext& ctx, const HttpRequest& req) {
  auto village = Village(req);
  if (!village.ok()) return Html(PublicNotFoundHtml(req.Param("code")), 404);
  auto number = IntParam(req.query, "page", 1, 1, 1000000);
  if (!number.ok()) return Failure(number.error(), req.lang);
  const std::string key = "archive|" + village->ToString() + "|" + std::to_string(*number);
  auto html = Cached(ctx, key, [&]() -> Result<std::string> {
    auto page = PublicPageOf(ctx.store, ctx.policy, *village);
    if (!page.ok()) return page.error();
    return PublicArchiveHtml(*page, ArchivePageOf(*page, static_cast<int>(*number)));
  });
  if (!html.ok()) {
    if (html.error().code == "E_NOT_FOUND") return Html(PublicNotFoundHtml(req.Param("code")), 404);
    return ErrorPage(html.error(), req.lang);
  }
  return Html(std::move(*html));
}

Reply PrintRoute(RouteContext& ctx, const HttpRequest& req) {
  auto village = Village(req);
  if (!village.ok()) return Html(PublicNotFoundHtml(req.Param("code")), 404);
  const std::string url = PageUrl(ctx, req, village->ToString());
  auto html = Cached(ctx, "print|" + url, [&]() -> Result<std::string> {
    auto page = PublicPageOf(ctx.store, ctx.policy, *village);
    if (!page.ok()) return page.error();
    return PublicPrintHtml(*page, url);
  });
  if (!html.ok()) {
    if (html.error().code == "E_NOT_FOUND") return Html(PublicNotFoundHtml(req.Param("code")), 404);
    return ErrorPage(html.error(), req.lang);
  }
  return Html(std::move(*html));
}

Reply QrRoute(RouteContext& ctx, const HttpRequest& req) {
  auto village = Village(req);
  if (!village.ok()) return Html(PublicNotFoundHtml(req.Param("code")), 404);
  auto known = ctx.store.GetRegion(*village);
  if (!known.ok()) return Failure(known.error(), req.lang);
  if (!known->has_value()) return Html(PublicNotFoundHtml(req.Param("code")), 404);
  auto svg = QrSvg(PageUrl(ctx, req, village->ToString()));
  if (!svg.ok()) return Failure(svg.error(), req.lang);
  Reply reply;
  reply.body = std::move(*svg);
  reply.content_type = "image/svg+xml";
  reply.headers.emplace_back("Cache-Control", "public, max-age=86400");
  reply.headers.emplace_back("Content-Security-Policy", "default-src 'none'");
  return reply;
}

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// application/x-www-form-urlencoded: name=value&… ('+' a space, %XX a byte); the first
// value of each known name. E_FORMAT for a malformed escape.
Result<PublicObjection> FromForm(std::string_view body) {
  PublicObjection o;
  bool seen[4] = {false, false, false, false};
  size_t start = 0;
  while (start <= body.size()) {
    size_t end = body.find('&', start);
    if (end == std::string_view::npos) end = body.size();
    const std::string_view pair = body.substr(start, end - start);
    const size_t eq = pair.find('=');
    const std::string_view name = pair.substr(0, eq);
    std::string value;
    if (eq != std::string_view::npos) {
      for (size_t i = eq + 1; i < pair.size(); ++i) {
        if (pair[i] == '+') {
          value += ' ';
        } else if (pair[i] == '%') {
          if (i + 2 >= pair.size()) {
            return Error{"E_FORMAT", "表单编码不正确", "the form is not well encoded"};
          }
          const int hi = HexDigit(pair[i + 1]), lo = HexDigit(pair[i + 2]);
          if (hi < 0 || lo < 0) {
            return Error{"E_FORMAT", "表单编码不正确", "the form is not well encoded"};
          }
          value += static_cast<char>(hi * 16 + lo);
          i += 2;
        } else {
          value += pair[i];
        }
      }
    }
    std::string* fields[4] = {&o.name, &o.phone, &o.text, &o.notice};
    const char* names[4] = {"name", "phone", "text", "notice"};
    for (int k = 0; k < 4; ++k) {
      if (name == names[k] && !seen[k]) {
        *fields[k] = std::move(value);
        seen[k] = true;
        break;
      }
    }
    start = end + 1;
  }
  // Browsers send the text area's line breaks as CR LF.
  std::string text;
  for (size_t i = 0; i < o.text.size(); ++i) {
    if (o.text[i] == '\r' && i + 1 < o.text.size() && o.text[i + 1] == '\n') continue;
    text += o.text[i];
  }
  o.text = std::move(text);
  return o;
}

// A JSON object {"name", "phone", "text", "notice"?}: strings (notice may be null).
Result<PublicObjection> FromJson(std::string_view body) {
  auto json = ParseBody(body, {"name", "phone", "text", "notice"});
  if (!json.ok()) return json.error();
  PublicObjection o;
  for (auto [key, field] : {std::pair{"name", &o.name}, std::pair{"phone", &o.phone},
                            std::pair{"text", &o.text}, std::pair{"notice", &o.notice}}) {
    if (!json->contains(key) || (*json)[key].is_null()) continue;
    if (!(*json)[key].is_string()) {
      return Error{"E_FORMAT", std::string(key) + " 应为字符串",
                   std::string(key) + " must be a string"};
    }
    *field = (*json)[key].get<std::string>();
  }
  return o;
}

std::string Trim(std::string text) {
  const size_t first = text.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) return "";
  const size_t last = text.find_last_not_of(" \t\r\n");
  return text.substr(first, last - first + 1);
}

Reply ObjectionRoute(RouteContext& ctx, const HttpRequest& req) {
  const size_t lead = req.body.find_first_not_of(" \t\r\n");
  const bool json = lead != std::string_view::npos && req.body[lead] == '{';
  const std::string code(req.Param("code").substr(0, 32));
  auto refuse = [&](const Error& error, int retry_after = 0) {
    if (json) return Failure(error, req.lang, Json::array(), retry_after);
    if (error.code == "E_NOT_FOUND") return Html(PublicNotFoundHtml(code), 404);
    Reply reply = Html(PublicObjectionRefusedHtml(code, error), HttpStatusFor(error.code));
    reply.retry_after = retry_after;
    return reply;
  };
  auto village = Village(req);
  if (!village.ok()) return refuse(village.error());
  if (req.body.size() > kMaxObjectionBody) {
    return refuse(Error{"E_TOO_LARGE", "提交的内容过长", "the objection is too large"});
  }
  if (ctx.objection_limit != nullptr) {
    const auto wait = ctx.objection_limit->Take(req.remote_address, RateLimiter::Clock::now());
    if (wait.count() > 0) {
      return refuse(Error{"E_THROTTLED", "提交过于频繁，请稍后再试（每个地址每小时限提交若干次）",
                          "too many objections from this address: try again later"},
                    static_cast<int>(wait.count()));
    }
  }
  auto objection = json ? FromJson(req.body) : FromForm(req.body);
  if (!objection.ok()) return refuse(objection.error());
  objection->name = Trim(std::move(objection->name));
  objection->phone = Trim(std::move(objection->phone));
  objection->text = Trim(std::move(objection->text));
  objection->notice = Trim(std::move(objection->notice));
  auto filed = FilePublicObjection(ctx.store, ctx.policy, *village, *objection, req.remote);
  if (!filed.ok()) return refuse(filed.error());
  if (!json) return Html(PublicObjectionFiledHtml(village->ToString(), *filed), 201);
  Json data = ComplaintSummaryJson(filed->complaint);
  data["case_id"] = filed->case_id ? Json(*filed->case_id) : Json(nullptr);
  return Data(data, 201);
}

}  // namespace

void AddPublicPageRoutes(Routes& pages) {
  pages.push_back({"GET", "/public/villages/:code", false, Work::kRead, PageRoute, nullptr});
  pages.push_back(
      {"GET", "/public/villages/:code/archive", false, Work::kRead, ArchiveRoute, nullptr});
  pages.push_back({"GET", "/public/villages/:code/print", false, Work::kRead, PrintRoute, nullptr});
  pages.push_back({"GET", "/public/villages/:code/qr.svg", false, Work::kRead, QrRoute, nullptr});
  pages.push_back(
      {"POST", "/public/villages/:code/objections", false, Work::kWrite, ObjectionRoute, nullptr});
}

}  // namespace fupin
