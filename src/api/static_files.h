// The web app's files (web/dist), served by `fupin serve` beside the API: loaded into
// memory at start, with their gzip and brotli variants precompressed at build time. Hashed
// assets (/assets/…) are cached for a year; index.html is revalidated (ETag) and answers
// every app route (a path that is no file and has no extension), so that a bookmarked
// /households/H1 opens the app. No path from a request ever reaches the file system.
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "api/http.h"
#include "common/error.h"

namespace fupin {

class StaticFiles {
 public:
  // Reads every file under `root` (E_IO beyond 4,000 files or 64 MB, or when unreadable).
  // An empty `root`, or one that does not exist, gives no files.
  static Result<StaticFiles> Load(const std::string& root);

  bool empty() const { return files_.empty(); }
  size_t size() const { return files_.size(); }

  // Whether a request is the web app's: GET or HEAD of a path outside /api/ (the server
  // hands a HEAD over as GET and drops the body itself).
  static bool IsFor(const HttpRequest& request);

  // The file for the request's path (Accept-Encoding and If-None-Match as given): 200 with
  // the best variant, 304 when the ETag matches, 404 for a missing file with an extension.
  Reply Serve(const HttpRequest& request) const;

 private:
  struct File {
    std::string content_type;
    std::string etag;  // "\"<hex>\"" of the identity bytes
    std::string identity, gzip, brotli;
  };
  std::map<std::string, File> files_;  // by URL path: "/index.html", "/assets/app-1a2b.js"
};

}  // namespace fupin
