// The one JSON envelope of spec/api.md and the mapping of error codes to HTTP statuses,
// and the small parsers every route shares (year, region, whole numbers, JSON bodies).
#pragma once

#include <cstdint>
#include <functional>
#include <initializer_list>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "api/http.h"
#include "common/error.h"
#include "common/region_code.h"
#include "exchange/table.h"
#include "exchange/template.h"
#include "service/accounts/auth_service.h"
#include "storage/store.h"

namespace fupin {

using Json = nlohmann::ordered_json;  // as views/json_views.h

// The HTTP status of an error code: E_AUTH 401, E_FORBIDDEN/E_DISABLED 403, E_NOT_FOUND 404,
// E_CONFLICT 409, E_TOO_LARGE 413, E_ATTACHMENT_TYPE 415, E_URI_TOO_LONG 414, E_THROTTLED 429,
// E_HEADERS_TOO_LARGE 431, E_BUSY 503, server-side failures 500, every other code 400.
int HttpStatusFor(std::string_view code);
const char* ReasonFor(int status);
// The Content-Disposition of a download named `filename`: `attachment; filename="…"` with
// quotes, backslashes and bytes outside printable ASCII as '_', and, when the name is not
// plain ASCII, the exact UTF-8 name as `filename*=UTF-8''…` (RFC 6266, percent-encoded).
std::string ContentDisposition(std::string_view filename);

// {"data": data}.
Reply Data(const Json& data, int status = 200);
// The envelope around a document already written as JSON text.
Reply DataText(std::string data);
// {"error": {"code", "message" (in `lang`), "details"}} with the code's status; E_BUSY and
// E_THROTTLED carry Retry-After (`retry_after` seconds, at least 1).
Reply Failure(const Error& error, Lang lang, const Json& details = Json::array(),
              int retry_after = 0);
// A workbook download.
Reply Workbook(std::string bytes, const char* filename);
// The bytes of a workbook filled by `fill`, written through a scratch file of the database
// at `database_path` (service/scratch.h) that is removed before this returns.
Result<std::string> WorkbookBytes(const std::string& database_path,
                                  const std::function<Status(XlsxWriter&)>& fill);

Json CellIssuesJson(const std::vector<CellIssue>& issues, Lang lang);
Json UserJson(const User& u);

// Parses a JSON object body within ParseJsonBody's bounds (api/json_body.h): E_JSON for
// malformed, too deep or too big JSON or another type, E_UNKNOWN_FIELD for a key outside
// `allowed` (every key is allowed when `allowed` is empty).
Result<Json> ParseBody(std::string_view body, std::initializer_list<const char*> allowed);
// Whether the body is empty or only white space.
bool BlankBody(std::string_view body);

// ?year=YYYY (E_YEAR when absent or malformed).
Result<int> YearParam(const Query& query);
// ?year=YYYY when given (nullopt when absent; E_YEAR when malformed).
Result<std::optional<int>> OptionalYearParam(const Query& query);
// A region code as text: the caller's region when empty, the nation for "0"; E_NOT_FOUND for
// text that is not a code.
Result<RegionCode> RegionParam(std::string_view text, const Caller& caller);
// A region named in a request: inside the caller's scope and in the region tree, or
// E_NOT_FOUND (outside the scope exactly as unknown).
Result<RegionCode> KnownRegion(Store& store, std::string_view text, const Caller& caller);
// A whole-number query parameter within [lo, hi]; `fallback` when it is absent; E_NUMBER
// otherwise.
Result<int64_t> IntParam(const Query& q, const char* name, int64_t fallback, int64_t lo,
                         int64_t hi);
// The positive whole number `:id` of the path; anything else is E_NOT_FOUND ("<what_zh>不存在：…",
// "no such <what_en>: …"), as a missing record.
Result<int64_t> PathId(const HttpRequest& req, const char* what_zh, const char* what_en);
// ?name=true|false: false when absent; E_USAGE for any other text.
Result<bool> BoolParam(const Query& q, const char* name);
// ?page= (from 1) and ?size= (1–500, default 50) as the rows to skip and to read.
struct PageParams {
  int64_t page = 1, size = 50, offset = 0;
};
Result<PageParams> PageParam(const Query& q);
Error RegionNotFound(RegionCode code);
Error Forbidden();

}  // namespace fupin
