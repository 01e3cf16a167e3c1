// Request bodies in JSON, read within bounds before anything walks them: a body nested
// 50,000 arrays deep must be a 400, never a stack overflow in a recursive walk.
#pragma once

#include <cstddef>
#include <nlohmann/json.hpp>
#include <string_view>

#include "common/error.h"

namespace fupin {

struct JsonLimits {
  std::size_t max_depth = 16;              // nested arrays and objects
  std::size_t max_values = 100000;         // values of any kind in the document
  std::size_t max_string_bytes = 1 << 20;  // one string or key
  std::size_t max_keys = 1000;             // keys of one object
  std::size_t max_bytes = 64u << 20;       // the whole body
};

// The body as a JSON object. E_JSON (zh/en message naming the bound) for malformed JSON,
// invalid UTF-8, a top level that is not an object, or any bound exceeded; the bounds are
// checked on the raw bytes before the document is built.
Result<nlohmann::ordered_json> ParseJsonBody(std::string_view body, const JsonLimits& limits = {});

}  // namespace fupin
