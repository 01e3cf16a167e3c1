// Store::Open: the URL names the back end (store.h).
#include <memory>
#include <string>

#include "storage/postgres/pg_store.h"
#include "storage/sqlite/sqlite_store.h"
#include "storage/store.h"

namespace fupin {

Error ForeignDatabase(const std::string& name) {
  return Error::Database(
      "数据库 " + name + " 中已有其他程序的表，不是 fupin 的数据库；init 不会写入它",
      "the database " + name +
          " holds another program's tables, not fupin's: init writes nothing "
          "into it");
}

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
