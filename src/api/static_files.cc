#include "api/static_files.h"

#include <filesystem>
#include <fstream>
#include <sstream>

namespace fupin {
namespace {

namespace fs = std::filesystem;

constexpr size_t kMaxFiles = 4000;
constexpr uintmax_t kMaxBytes = 64ull << 20;

// The app's own policy: its scripts and styles, images from itself, data: and blob: (photo
// previews), requests to its own API; Element Plus sets inline styles.
constexpr const char* kAppPolicy =
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; "
    "frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

std::string TypeOf(const std::string& path) {
  const std::string ext = fs::path(path).extension().string();
  if (ext == ".html") return "text/html; charset=utf-8";
  if (ext == ".js" || ext == ".mjs") return "text/javascript; charset=utf-8";
  if (ext == ".css") return "text/css; charset=utf-8";
  if (ext == ".json") return "application/json; charset=utf-8";
  if (ext == ".svg") return "image/svg+xml";
  if (ext == ".png") return "image/png";
  if (ext == ".jpg" || ext == ".jpeg") return "image/jpeg";
  if (ext == ".ico") return "image/x-icon";
  if (ext == ".woff2") return "font/woff2";
  if (ext == ".woff") return "font/woff";
  if (ext == ".txt") return "text/plain; charset=utf-8";
  return "application/octet-stream";
}

// FNV-1a 64 of the bytes, as an ETag: the files change only with a new build.
std::string Etag(const std::string& bytes) {
  uint64_t h = 1469598103934665603ull;
  for (unsigned char c : bytes) {
    h ^= c;
    h *= 1099511628211ull;
  }
  char text[24];
  std::snprintf(text, sizeof text, "\"%016llx\"", static_cast<unsigned long long>(h));
  return text;
}

Result<std::string> ReadAll(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error::Io("无法读取网页文件：" + path.string(), "cannot read " + path.string());
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

bool Accepts(std::string_view accept_encoding, std::string_view coding) {
  size_t pos = 0;
  while ((pos = accept_encoding.find(coding, pos)) != std::string_view::npos) {
    const bool starts =
        pos == 0 || accept_encoding[pos - 1] == ' ' || accept_encoding[pos - 1] == ',';
    const size_t end = pos + coding.size();
    const bool ends = end == accept_encoding.size() || accept_encoding[end] == ',' ||
                      accept_encoding[end] == ';' || accept_encoding[end] == ' ';
    if (starts && ends) {
      // "br;q=0" refuses it.
      const std::string_view rest = accept_encoding.substr(end);
      return !(rest.starts_with(";q=0") && !rest.starts_with(";q=0."));
    }
    pos = end;
  }
  return false;
}

}  // namespace

Result<StaticFiles> StaticFiles::Load(const std::string& root) {
  StaticFiles out;
  std::error_code ec;
  if (root.empty() || !fs::is_directory(root, ec)) return out;
  uintmax_t total = 0;
  std::vector<fs::path> paths;
  for (auto it = fs::recursive_directory_iterator(root, ec); !ec && it != fs::end(it);
       it.increment(ec)) {
    if (!it->is_regular_file(ec)) continue;
    total += it->file_size(ec);
    paths.push_back(it->path());
    if (paths.size() > kMaxFiles || total > kMaxBytes) {
      return Error::Io("网页文件过多或过大：" + root, "too many or too large web files: " + root);
    }
  }
  if (ec) return Error::Io("无法读取网页目录：" + root, "cannot read the web folder " + root);
  for (const fs::path& path : paths) {
    const std::string ext = path.extension().string();
    if (ext == ".gz" || ext == ".br") continue;
    auto bytes = ReadAll(path);
    if (!bytes.ok()) return bytes.error();
    File file;
    file.content_type = TypeOf(path.string());
    file.etag = Etag(*bytes);
    file.identity = std::move(*bytes);
    for (auto [suffix, slot] : {std::pair{".gz", &file.gzip}, std::pair{".br", &file.brotli}}) {
      fs::path variant = path;
      variant += suffix;
      if (fs::exists(variant, ec)) {
        auto packed = ReadAll(variant);
        if (!packed.ok()) return packed.error();
        *slot = std::move(*packed);
      }
    }
    const std::string url = "/" + fs::relative(path, root, ec).generic_string();
    out.files_.emplace(url, std::move(file));
  }
  return out;
}

bool StaticFiles::IsFor(const HttpRequest& request) {
  return (request.method == "GET" || request.method == "HEAD") && request.path != "/api" &&
         !request.path.starts_with("/api/") &&
         !request.path.starts_with("/public/");  // the public village page
}

Reply StaticFiles::Serve(const HttpRequest& request) const {
  std::string path = request.path.empty() || request.path == "/" ? "/index.html" : request.path;
  auto it = files_.find(path);
  const bool odd = path.find("/..") != std::string::npos || path.find("//") != std::string::npos;
  if (it == files_.end() && !odd) {
    // An app route (/households/H1) is the app itself; a missing file is missing.
    const std::string last = path.substr(path.rfind('/') + 1);
    if (last.find('.') == std::string::npos) it = files_.find("/index.html");
  }
  Reply reply;
  if (it == files_.end()) {
    reply.status = 404;
    reply.content_type = "text/plain; charset=utf-8";
    reply.body = "404 没有这个文件 / not found\n";
    return reply;
  }
  const File& file = it->second;
  const bool hashed = it->first.starts_with("/assets/");
  reply.content_type = file.content_type;
  reply.headers.emplace_back("Cache-Control",
                             hashed ? "public, max-age=31536000, immutable" : "no-cache");
  reply.headers.emplace_back("ETag", file.etag);
  reply.headers.emplace_back("Vary", "Accept-Encoding");
  if (file.content_type.starts_with("text/html")) {
    reply.headers.emplace_back("Content-Security-Policy", kAppPolicy);
  }
  if (request.if_none_match == file.etag) {
    reply.status = 304;
    return reply;
  }
  if (!file.brotli.empty() && Accepts(request.accept_encoding, "br")) {
    reply.headers.emplace_back("Content-Encoding", "br");
    reply.body = file.brotli;
  } else if (!file.gzip.empty() && Accepts(request.accept_encoding, "gzip")) {
    reply.headers.emplace_back("Content-Encoding", "gzip");
    reply.body = file.gzip;
  } else {
    reply.body = file.identity;
  }
  if (request.method == "HEAD") reply.body.clear();
  return reply;
}

}  // namespace fupin
