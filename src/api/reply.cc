#include "api/reply.h"

#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "api/json_body.h"
#include "service/scratch.h"

namespace fupin {

bool Query::Has(std::string_view name) const {
  for (const auto& [k, v] : items_) {
    if (k == name) return true;
  }
  return false;
}

std::string_view Query::Get(std::string_view name) const {
  for (const auto& [k, v] : items_) {
    if (k == name) return v;
  }
  return {};
}

std::string_view HttpRequest::Param(std::string_view name) const {
  for (const auto& [k, v] : params) {
    if (k == name) return v;
  }
  return {};
}

int HttpStatusFor(std::string_view code) {
  if (code == "E_AUTH") return 401;
  if (code == "E_DISABLED" || code == "E_FORBIDDEN" || code == "E_STEP_LEVEL" ||
      code == "E_SEPARATION") {
    return 403;
  }
  if (code == "E_NOT_FOUND") return 404;
  if (code == "E_METHOD") return 405;
  if (code == "E_CONFLICT" || code == "E_VERSION_CONFLICT" || code == "E_CASE_OPEN" ||
      code == "E_STATE" || code == "E_NOTICE_OPEN") {
    return 409;
  }
  if (code == "E_CONDITIONS" || code == "E_EVIDENCE") return 422;
  if (code == "E_OVER_FUND" || code == "E_OVER_ALLOCATION") return 422;  // spec/funds.md
  if (code == "E_COMPLAINT_STATE") return 409;                           // 12317 complaints
  if (code == "E_OVERDUE_DAYS") return 422;  // 扶贫小额信贷 microcredit: compensation too early
  if (code == "E_TOO_LARGE") return 413;
  if (code == "E_ATTACHMENT_TYPE") return 415;
  if (code == "E_URI_TOO_LONG") return 414;
  if (code == "E_THROTTLED") return 429;
  if (code == "E_HEADERS_TOO_LARGE") return 431;
  if (code == "E_BUSY") return 503;
  if (code == "E_DATABASE" || code == "E_INTERNAL" || code == "E_IO" || code == "E_INTERRUPTED" ||
      code == "E_AUDIT_KEY") {
    return 500;
  }
  return 400;
}

std::string ContentDisposition(std::string_view filename) {
  std::string fallback, encoded;
  bool plain = true;
  for (unsigned char c : filename) {
    const bool safe = (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') ||
                      c == '.' || c == '-' || c == '_' || c == ' ';
    plain = plain && (safe || (c >= 0x20 && c < 0x7F && c != '"' && c != '\\' && c != '%'));
    fallback += (c >= 0x20 && c < 0x7F && c != '"' && c != '\\') ? static_cast<char>(c) : '_';
    if (safe && c != ' ') {
      encoded += static_cast<char>(c);
    } else {
      static constexpr char kHex[] = "0123456789ABCDEF";
      encoded += '%';
      encoded += kHex[c >> 4];
      encoded += kHex[c & 15];
    }
  }
  std::string out = "attachment; filename=\"" + fallback + "\"";
  if (!plain) out += "; filename*=UTF-8''" + encoded;
  return out;
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
    case 414:
      return "URI Too Long";
    case 415:
      return "Unsupported Media Type";
    case 422:
      return "Unprocessable Content";
    case 429:
      return "Too Many Requests";
    case 431:
      return "Request Header Fields Too Large";
    case 503:
      return "Service Unavailable";
    default:
      return "Internal Server Error";
  }
}

Reply Data(const Json& data, int status) {
  Reply reply;
  reply.status = status;
  reply.body = Json{{"data", data}}.dump();
  return reply;
}

Reply DataText(std::string data) {
  Reply reply;
  reply.body = "{\"data\":" + std::move(data) + "}";
  return reply;
}

Reply Failure(const Error& error, Lang lang, const Json& details, int retry_after) {
  Reply reply;
  reply.status = HttpStatusFor(error.code);
  reply.body =
      Json{
          {"error", {{"code", error.code}, {"message", error.message(lang)}, {"details", details}}}}
          .dump();
  if (reply.status == 503 || reply.status == 429) reply.retry_after = std::max(1, retry_after);
  return reply;
}

Reply Workbook(std::string bytes, const char* filename) {
  Reply reply;
  reply.body = std::move(bytes);
  reply.content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
  reply.filename = filename;
  return reply;
}

Result<std::string> WorkbookBytes(const std::string& database_path,
                                  const std::function<Status(XlsxWriter&)>& fill) {
  auto entry = NewScratchFile(database_path, "export-", ".xlsx");
  if (!entry.ok()) return entry.error();
  const std::string path = entry->path();
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
  if (!status.ok()) return status.error();
  return bytes;  // the entry removes the file
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

Result<Json> ParseBody(std::string_view body, std::initializer_list<const char*> allowed) {
  auto parsed = ParseJsonBody(body);
  if (!parsed.ok()) return parsed.error();
  Json doc = std::move(parsed).value();
  if (allowed.size() > 0) {
    for (auto it = doc.begin(); it != doc.end(); ++it) {
      bool known = false;
      for (const char* key : allowed) known |= it.key() == key;
      if (!known) {
        return Error{"E_UNKNOWN_FIELD", "未知字段：" + it.key(), "unknown field: " + it.key()};
      }
    }
  }
  return doc;
}

bool BlankBody(std::string_view body) {
  return body.find_first_not_of(" \t\r\n") == std::string_view::npos;
}

Result<int> YearParam(const Query& query) {
  if (!query.Has("year")) {
    return Error{"E_YEAR", "缺少年度参数 year", "the year parameter is required"};
  }
  std::string text(query.Get("year"));
  if (text.size() != 4 || text.find_first_not_of("0123456789") != std::string::npos) {
    return Error{"E_YEAR", "年度不正确：" + text, "not a year: " + text};
  }
  return std::stoi(text);
}

Result<std::optional<int>> OptionalYearParam(const Query& query) {
  if (!query.Has("year")) return std::optional<int>();
  auto year = YearParam(query);
  if (!year.ok()) return year.error();
  return std::optional<int>(*year);
}

Result<RegionCode> RegionParam(std::string_view text, const Caller& caller) {
  if (text.empty()) return caller.user.region;
  if (text == "0" || text == "000000000000") return RegionCode::Nation();
  auto code = RegionCode::Parse(text);
  if (!code.ok()) {
    const std::string shown(text.substr(0, 32));
    return Error::NotFound("区划不存在：" + shown, "no such region: " + shown);
  }
  return *code;
}

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

Result<int64_t> PathId(const HttpRequest& req, const char* what_zh, const char* what_en) {
  const std::string_view id = req.Param("id");
  if (!id.empty() && id.size() <= 18 && id.find_first_not_of("0123456789") == std::string::npos) {
    const int64_t value = std::stoll(std::string(id));
    if (value > 0) return value;
  }
  const std::string shown(id.substr(0, 32));
  return Error::NotFound(std::string(what_zh) + "不存在：" + shown,
                         std::string("no such ") + what_en + ": " + shown);
}

Result<bool> BoolParam(const Query& q, const char* name) {
  const std::string_view value = q.Get(name);
  if (q.Has(name) && value != "true" && value != "false") {
    return Error::Usage(std::string(name) + " 应为 true 或 false",
                        std::string(name) + " must be true or false");
  }
  return value == "true";
}

Result<PageParams> PageParam(const Query& q) {
  auto page = IntParam(q, "page", 1, 1, 100000000);
  if (!page.ok()) return page.error();
  auto size = IntParam(q, "size", 50, 1, 500);
  if (!size.ok()) return size.error();
  return PageParams{*page, *size, (*page - 1) * *size};
}

Result<int64_t> IntParam(const Query& q, const char* name, int64_t fallback, int64_t lo,
                         int64_t hi) {
  if (!q.Has(name)) return fallback;
  std::string text(q.Get(name));
  if (text.empty() || text.size() > 9 ||
      text.find_first_not_of("0123456789") != std::string::npos) {
    return Error{"E_NUMBER", std::string(name) + " 应为正整数",
                 std::string(name) + " must be a positive whole number"};
  }
  const int64_t v = std::stoll(text);
  if (v < lo || v > hi) {
    return Error{"E_NUMBER", std::string(name) + " 超出范围",
                 std::string(name) + " is out of range"};
  }
  return v;
}

Error RegionNotFound(RegionCode code) {
  return Error::NotFound("区划不存在：" + code.ToString(), "no such region: " + code.ToString());
}

Error Forbidden() {
  return Error{"E_FORBIDDEN", "您的角色无权进行此操作", "your role may not do this"};
}

}  // namespace fupin
