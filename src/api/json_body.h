// The one parser of JSON request bodies, bounded in size and shape before anything walks
// them. nlohmann's parser is iterative, but every walk of the tree it builds (serialising a
// cell, copying, comparing) recurses; a body nested 50,000 arrays deep ran the server out of
// stack (issue 9, fault 1). ParseJsonBody scans the raw bytes first, counting depth, values,
// keys and string lengths outside and inside strings, and refuses an out-of-bounds body with
// E_JSON before nlohmann sees it. Pure: no RESTinio, no I/O; thread-safe.
#pragma once

#include <cstddef>
#include <nlohmann/json.hpp>
#include <string_view>

#include "common/error.h"

namespace fupin {

// The bounds of a JSON body. The defaults fit every body of spec/api.md with a wide margin
// (a household with its members is a few KiB, 2 levels deep).
struct JsonLimits {
  // The whole body, in bytes.
  size_t max_bytes = size_t{8} << 20;
  // Nesting of arrays and objects: the top-level object is level 1, so `{"a":[1]}` is 2
  // levels deep. A string holding brackets does not nest.
  size_t max_depth = 16;
  // Values of any kind (objects, arrays, strings, numbers, true/false/null), the top-level
  // object included; object keys are not values.
  size_t max_values = 100'000;
  // The bytes of one string or key as written between its quotes (escapes counted as
  // written, so "\u4e2d" is 6 bytes).
  size_t max_string_bytes = size_t{1} << 20;
  // Keys of one object (duplicates counted).
  size_t max_keys = 1'000;
  // Characters of one number as written; a number must also be finite as a double
  // (1e999 is refused).
  size_t max_number_chars = 64;
};

// Parses `body` as one JSON object. Success: the object. Failure, all E_JSON with a zh/en
// message naming the bound and the byte offset where it was crossed: a body over
// max_bytes; invalid UTF-8; nesting deeper than max_depth; more than max_values values; a
// string or key over max_string_bytes; an object with more than max_keys keys; a number
// over max_number_chars or not finite; malformed JSON or a top level that is not an object
// ("请求体不是有效的 JSON 对象"). Deep input is refused by the byte scan, which uses no
// recursion and memory proportional to max_depth only; nlohmann never sees it.
Result<nlohmann::ordered_json> ParseJsonBody(std::string_view body, const JsonLimits& limits = {});

}  // namespace fupin
