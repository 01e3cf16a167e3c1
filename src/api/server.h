// `fupin serve`: the HTTP JSON API of spec/api.md on RESTinio. This header knows nothing
// of RESTinio or JSON: RESTinio lives in server.cc alone, the handlers in routes/.
#pragma once

#ifndef FUPIN_WEB_ROOT
#define FUPIN_WEB_ROOT ""
#endif

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>

#include "common/error.h"

namespace fupin {

struct ServerConfig {
  std::string listen = "127.0.0.1:8080";  // host:port; port 0 picks a free one
  std::string database = "./fupin.db";
  // A read replica of `database` (a PostgreSQL hot standby, docs/operations.md) that the
  // dashboard's region summaries are read from; everything else — sessions, the audit
  // trail, every other read and every write — uses `database`. Empty: `database` alone.
  std::string read_database;
  std::string policy;  // layered over the built-in national policy
  // The audit trail's key file (service/audit_service.h): when empty, $FUPIN_AUDIT_KEY,
  // else `<database>-audit.key`.
  std::string audit_key;
  std::chrono::seconds session_lifetime{8 * 3600};
  uint64_t upload_limit = 64ull << 20;    // bytes of a request body
  std::string log_level = "info";         // "debug", "info", "warn", "error", "off"
  int threads = 2;                        // reader threads (and up to 2 network threads)
  std::chrono::seconds write_wait{10};    // a write waits this long for the writer, then 503
  uint64_t upload_memory = 256ull << 20;  // bytes of large request bodies held at once
  std::size_t max_connections = 4096;
  std::size_t max_connections_per_address = 256;
  // The web app's built files (web/dist), served beside the API; none when empty or absent.
  std::string web_root = FUPIN_WEB_ROOT;
  // The public village page (公示栏, docs/public-page.md): the address the QR codes name
  // ("https://fupin.example.gov.cn"; `--public-url`); when empty, http:// and the request's
  // Host header. Objections from the page allowed per client address and hour.
  std::string public_url;
  int public_objections_per_hour = 5;
};

// Reads a TOML config file (keys: listen, database, read_database, policy, audit_key,
// session_lifetime (seconds), upload_limit (bytes), log_level, threads, write_wait (seconds),
// upload_memory (bytes), max_connections, max_connections_per_address, web_root, public_url,
// public_objections_per_hour) over `config`. E_CONFIG with the file,
// line and key for an unknown key or a wrong type.
Status ReadServerConfig(const std::string& path, ServerConfig& config);

// Serves until SIGINT or SIGTERM: requests in flight finish, then the database is closed.
// `listening` is called once with the address actually bound ("127.0.0.1:39211").
Status RunServer(const ServerConfig& config,
                 const std::function<void(const std::string& address)>& listening);

}  // namespace fupin
