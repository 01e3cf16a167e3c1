// ParseJsonBody: a flat scan of the raw bytes that enforces JsonLimits, then nlohmann.
#include "api/json_body.h"

#include <cmath>
#include <cstdlib>
#include <string>
#include <vector>

#include "common/text.h"

namespace fupin {
namespace {

using Json = nlohmann::ordered_json;  // as views/json_views.h: keys keep their order

Error JsonError(const std::string& zh, const std::string& en, size_t offset) {
  std::string at = std::to_string(offset);
  return Error{"E_JSON", zh + "（第 " + at + " 字节）", en + " (at byte " + at + ")"};
}

Error NotAnObject() {
  return Error{"E_JSON", "请求体不是有效的 JSON 对象", "the request body is not a JSON object"};
}

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

bool IsNumberChar(char c) {
  return (c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E';
}

// One open array or object during the scan.
struct Frame {
  bool object = false;
  bool expect_key = false;  // in an object: the next string is a key
  size_t keys = 0;
};

// Checks every bound of `limits` over `body` (valid UTF-8 already) without recursion.
// Malformed JSON that stays within the bounds passes; nlohmann refuses it afterwards.
Status ScanBounds(std::string_view body, const JsonLimits& limits) {
  std::vector<Frame> open;
  size_t values = 0;
  auto count_value = [&](size_t at) -> Status {
    if (++values > limits.max_values) {
      std::string n = std::to_string(limits.max_values);
      return JsonError("JSON 含有超过 " + n + " 个值", "JSON holds more than " + n + " values", at);
    }
    return Status::Ok();
  };

  const size_t size = body.size();
  size_t i = 0;
  while (i < size) {
    const char c = body[i];
    if (IsSpace(c)) {
      ++i;
    } else if (c == '"') {
      const size_t start = i++;
      while (i < size && body[i] != '"') i += body[i] == '\\' ? 2 : 1;
      const size_t length = (i < size ? i : size) - start - 1;
      if (length > limits.max_string_bytes) {
        std::string n = std::to_string(limits.max_string_bytes);
        return JsonError("JSON 字符串超过 " + n + " 字节",
                         "a JSON string longer than " + n + " bytes", start);
      }
      ++i;  // the closing quote
      if (!open.empty() && open.back().object && open.back().expect_key) {
        open.back().expect_key = false;
        if (++open.back().keys > limits.max_keys) {
          std::string n = std::to_string(limits.max_keys);
          return JsonError("JSON 对象含有超过 " + n + " 个键",
                           "a JSON object with more than " + n + " keys", start);
        }
      } else {
        FUPIN_RETURN_IF_ERROR(count_value(start));
      }
    } else if (c == '{' || c == '[') {
      FUPIN_RETURN_IF_ERROR(count_value(i));
      if (open.size() + 1 > limits.max_depth) {
        std::string n = std::to_string(limits.max_depth);
        return JsonError("JSON 嵌套超过 " + n + " 层", "JSON nested deeper than " + n + " levels",
                         i);
      }
      open.push_back({c == '{', c == '{', 0});
      ++i;
    } else if (c == '}' || c == ']') {
      if (!open.empty()) open.pop_back();
      ++i;
    } else if (c == ',') {
      if (!open.empty() && open.back().object) open.back().expect_key = true;
      ++i;
    } else if (c == ':') {
      if (!open.empty()) open.back().expect_key = false;
      ++i;
    } else if (IsNumberChar(c)) {
      const size_t start = i;
      while (i < size && IsNumberChar(body[i])) ++i;
      if (i - start > limits.max_number_chars) {
        std::string n = std::to_string(limits.max_number_chars);
        return JsonError("JSON 数字超过 " + n + " 个字符",
                         "a JSON number longer than " + n + " characters", start);
      }
      std::string text(body.substr(start, i - start));
      if (!std::isfinite(std::strtod(text.c_str(), nullptr))) {
        return JsonError("JSON 数字超出范围", "a JSON number out of range", start);
      }
      FUPIN_RETURN_IF_ERROR(count_value(start));
    } else {  // true, false, null, or bytes nlohmann will refuse
      const size_t start = i;
      while (i < size && body[i] >= 'a' && body[i] <= 'z') ++i;
      if (i == start) {
        ++i;
      } else {
        FUPIN_RETURN_IF_ERROR(count_value(start));
      }
    }
  }
  return Status::Ok();
}

}  // namespace

Result<Json> ParseJsonBody(std::string_view body, const JsonLimits& limits) {
  if (body.size() > limits.max_bytes) {
    std::string n = std::to_string(limits.max_bytes);
    return JsonError("请求体超过 " + n + " 字节", "the JSON body is over " + n + " bytes",
                     limits.max_bytes);
  }
  if (!IsValidUtf8(body)) {
    return Error{"E_JSON", "请求体不是有效的 UTF-8 文本", "the request body is not valid UTF-8"};
  }
  size_t first = 0;
  while (first < body.size() && IsSpace(body[first])) ++first;
  if (first == body.size() || body[first] != '{') return NotAnObject();

  FUPIN_RETURN_IF_ERROR(ScanBounds(body, limits));

  Json parsed = Json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded() || !parsed.is_object()) return NotAnObject();
  return parsed;
}

}  // namespace fupin
