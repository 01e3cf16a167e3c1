// Store::Open: the URL names the back end (store.h).
#include <memory>
#include <string>

#include "storage/postgres/pg_store.h"
#include "storage/sqlite/sqlite_store.h"
#include "storage/store.h"

namespace fupin {

Result<std::unique_ptr<Store>> Store::Open(const std::string& url, OpenMode mode,
                                           const StoreOptions& options) {
  if (url.starts_with("postgresql://") || url.starts_with("postgres://")) {
    return OpenPgStore(url, mode, options);
  }
  std::string path = url;
  if (url.starts_with("sqlite:")) path = url.substr(7);
  if (path.empty()) {
    return Error::Usage("数据库路径为空", "the database path is empty");
  }
  return OpenSqliteStore(path, mode, options);
}

}  // namespace fupin
