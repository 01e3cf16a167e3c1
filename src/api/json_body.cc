#include "api/json_body.h"

namespace fupin {

Result<nlohmann::ordered_json> ParseJsonBody(std::string_view body, const JsonLimits& limits) {
  if (body.size() > limits.max_bytes) {
    return Error{"E_JSON", "JSON 请求体过大", "the JSON body is too large"};
  }
  std::size_t depth = 0;
  bool in_string = false, escaped = false;
  for (char c : body) {
    if (in_string) {
      if (escaped) {
        escaped = false;
      } else if (c == '\\') {
        escaped = true;
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > limits.max_depth) {
        return Error{
            "E_JSON", "JSON 嵌套超过 " + std::to_string(limits.max_depth) + " 层",
            "the JSON is nested deeper than " + std::to_string(limits.max_depth) + " levels"};
      }
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  nlohmann::ordered_json doc =
      nlohmann::ordered_json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded() || !doc.is_object()) {
    return Error{"E_JSON", "请求体不是有效的 JSON 对象", "the request body is not a JSON object"};
  }
  return doc;
}

}  // namespace fupin
