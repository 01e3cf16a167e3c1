// The plain request and reply that every route handler sees (DESIGN.md, Interfaces): no
// RESTinio, no sockets. The adapter (server.cc) turns each HTTP request into an
// HttpRequest, runs the route's handler and writes its Reply back.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/error.h"
#include "service/accounts/auth_service.h"

namespace fupin {

// The decoded query string: names and values in the order given. A name given twice keeps
// its first value (Get); Has tells whether it was given at all.
class Query {
 public:
  Query() = default;
  explicit Query(std::vector<std::pair<std::string, std::string>> items)
      : items_(std::move(items)) {}
  bool Has(std::string_view name) const;
  // The value, or "" when the name is absent.
  std::string_view Get(std::string_view name) const;

 private:
  std::vector<std::pair<std::string, std::string>> items_;
};

// One part of a multipart/form-data body: its field name, the file name when it is a file,
// and its bytes (a view into the request body).
struct FormPart {
  std::string name;
  std::optional<std::string> filename;  // the base name only
  std::string_view body;
};

struct HttpRequest {
  std::string method;                                       // "GET", "POST", …
  std::string path;                                         // without the query string
  std::vector<std::pair<std::string, std::string>> params;  // ":code" → "620422" of the route
  Query query;
  std::string_view body;
  // The parts of a multipart/form-data body; `is_form` is false for any other body (or a
  // form that could not be read).
  bool is_form = false;
  std::vector<FormPart> form;
  std::string bearer_token;     // from Authorization: Bearer …; "" when absent
  std::string remote;           // "127.0.0.1:53422"
  std::string remote_address;   // "127.0.0.1"
  Lang lang = Lang::kZh;        // ?lang=en, else Accept-Language, else Chinese
  std::string accept_encoding;  // the Accept-Encoding header ("" when absent)
  std::string if_none_match;    // the If-None-Match header ("" when absent)
  std::string host;             // the Host header of a public page's request ("" otherwise)
  Caller caller;                // the authenticated user on routes that need a session

  // The value of the route parameter `name` ("" when the route has none).
  std::string_view Param(std::string_view name) const;
};

// What a handler answers: JSON, or a file to download.
struct Reply {
  int status = 200;
  std::string body;
  std::string content_type = "application/json; charset=utf-8";
  std::string filename;  // a download's name (Content-Disposition: attachment)
  int retry_after = 0;   // seconds; sent as Retry-After when > 0
  bool close = false;    // Connection: close after this answer
  // More headers (Cache-Control replaces the default no-store; ETag, Content-Encoding, …).
  std::vector<std::pair<std::string, std::string>> headers;
};

}  // namespace fupin
