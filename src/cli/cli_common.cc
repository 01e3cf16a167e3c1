#include "cli/cli_common.h"

#include <cstdlib>
#include <iostream>

namespace fupin {

int ExitCodeFor(const Error& e) {
  if (e.code == "E_DATABASE" || e.code == "E_INTERRUPTED" || e.code == "E_INTERNAL") return 1;
  return 2;
}

const std::string& Msg(const Globals& g, const Error& e) { return e.message(g.lang); }

std::string Say(const Globals& g, const char* zh, const char* en) {
  return g.lang == Lang::kEn ? en : zh;
}

int Fail(const Globals& g, const Error& e, int exit_code) {
  std::cerr << "fupin: " << e.code << ": " << Msg(g, e) << "\n";
  return exit_code >= 0 ? exit_code : ExitCodeFor(e);
}

std::string DbUrl(const Globals& g) {
  if (!g.db.empty()) return g.db;
  if (const char* env = std::getenv("FUPIN_DB"); env && *env) return env;
  return "./fupin.db";
}

Result<std::unique_ptr<Store>> OpenStore(const Globals& g, Store::OpenMode mode) {
  return Store::Open(DbUrl(g), mode);
}

}  // namespace fupin
