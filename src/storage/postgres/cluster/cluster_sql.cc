#include "storage/postgres/cluster/cluster_sql.h"

#include <libpq-fe.h>

#include <cstdio>

#include "storage/postgres/cluster/cluster.h"
#include "storage/postgres/pg_store_impl.h"

namespace fupin::cluster {

const std::vector<std::string>& ShardedTables() {
  static const std::vector<std::string> tables{"households", "members", "household_history",
                                               "person_index"};
  return tables;
}

std::string WithoutPassword(const std::string& url) {
  // scheme://user:password@host… → scheme://user@host…; password=… in a keyword string.
  const size_t scheme = url.find("://");
  if (scheme == std::string::npos) {
    std::string out;
    size_t start = 0;
    while (start < url.size()) {
      size_t end = url.find(' ', start);
      if (end == std::string::npos) end = url.size();
      const std::string word = url.substr(start, end - start);
      if (!word.empty() && !word.starts_with("password=")) {
        if (!out.empty()) out += ' ';
        out += word;
      }
      start = end + 1;
    }
    return out;
  }
  const size_t at = url.find('@', scheme + 3);
  if (at == std::string::npos) return url;
  const size_t colon = url.find(':', scheme + 3);
  if (colon == std::string::npos || colon > at) return url;
  return url.substr(0, colon) + url.substr(at);
}

namespace internal {

Result<UrlParts> ParseUrl(const std::string& url) {
  char* error = nullptr;
  PQconninfoOption* options = PQconninfoParse(url.c_str(), &error);
  if (options == nullptr) {
    const std::string detail = error ? error : "out of memory";
    PQfreemem(error);
    return Error::Usage("无法解析数据库地址 " + WithoutPassword(url) + "：" + detail,
                        "cannot parse the database URL " + WithoutPassword(url) + ": " + detail);
  }
  UrlParts parts;
  for (PQconninfoOption* o = options; o->keyword != nullptr; ++o) {
    if (o->val == nullptr) continue;
    const std::string key = o->keyword;
    if (key == "host") parts.host = o->val;
    if (key == "hostaddr") parts.hostaddr = o->val;
    if (key == "port") parts.port = o->val;
    if (key == "dbname") parts.dbname = o->val;
    if (key == "user") parts.user = o->val;
    if (key == "password") parts.password = o->val;
    if (key == "sslmode") parts.sslmode = o->val;
  }
  PQconninfoFree(options);
  return parts;
}

std::string WithConnectTimeout(const std::string& url, int seconds) {
  if (url.find("connect_timeout") != std::string::npos) return url;
  const std::string value = "connect_timeout=" + std::to_string(seconds);
  if (url.find("://") == std::string::npos) return url + " " + value;
  return url + (url.find('?') == std::string::npos ? "?" : "&") + value;
}

std::string Literal(std::string_view text) { return pg::Literal(text); }

std::string Ident(std::string_view name) {
  std::string out = "\"";
  for (char c : name) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string PartitionName(const std::string& table, int remainder, int partitions) {
  char digits[16];
  std::snprintf(digits, sizeof digits, partitions > 100 ? "%03d" : "%02d", remainder);
  return table + "_p" + digits;
}

std::string PartitionKey(const std::string& table) {
  return table == "person_index" ? "id_type, id_number" : "county_code";
}

Result<std::unique_ptr<pg::Connection>> OpenNode(const std::string& url, std::string_view what_zh,
                                                 std::string_view what_en) {
  auto db = pg::Connection::Open(WithConnectTimeout(url, 5));
  if (db.ok()) return db;
  return Error::Database(
      std::string(what_zh) + " " + WithoutPassword(url) + " 无法连接：" + db.error().zh,
      std::string(what_en) + " " + WithoutPassword(url) + " cannot be reached: " + db.error().en);
}

Result<std::unique_ptr<pg::Connection>> OpenCoordinator(const std::string& url) {
  auto db = OpenNode(url, "协调节点", "the coordinator");
  if (!db.ok()) return db.error();
  auto is_cluster = (*db)->Query("SELECT to_regclass('cluster.nodes') IS NOT NULL");
  if (!is_cluster.ok()) return is_cluster.error();
  if (!is_cluster->Bool(0, 0)) {
    return Error::Usage(
        "数据库 " + WithoutPassword(url) + " 不是集群的协调节点（先运行 fupin cluster init）",
        "the database " + WithoutPassword(url) +
            " is not a cluster's coordinator (run `fupin cluster init` first)");
  }
  return db;
}

}  // namespace internal
}  // namespace fupin::cluster
