#include "cli/cli_common.h"

#include <cstdlib>
#include <iostream>

#include "service/accounts/audit_service.h"
#include "service/accounts/auth_service.h"

namespace fupin {

int ExitCodeFor(const Error& e) {
  // Not the input's fault: the database, a busy database, an interruption, a missing or
  // wrong audit key, a bug.
  for (const char* code : {"E_DATABASE", "E_BUSY", "E_INTERRUPTED", "E_INTERNAL", "E_AUDIT_KEY"}) {
    if (e.code == code) return 1;
  }
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

Status AuditCli(Store& store, RegionCode region, const std::string& action,
                const std::string& target, const std::string& detail) {
  return AppendAudit(store, CliCaller(), region, action, target, detail);
}

Result<RegionCode> ParseRegionOption(const std::string& text) {
  if (text.empty() || text == "0") return RegionCode::Nation();
  auto code = RegionCode::Parse(text);
  if (!code.ok()) {
    return Error{"E_REGION", "区划代码格式错误：" + text, "malformed region code: " + text};
  }
  return *code;
}

// Prints issues for people: one line each, "file:line 列 值 — CODE message".
void PrintIssues(const Globals& g, const std::vector<ImportIssue>& issues, std::ostream& out) {
  for (const auto& i : issues) {
    out << i.file;
    if (i.line) out << ":" << i.line;
    // Values come from files: control characters are shown escaped, never sent raw.
    if (!i.column.empty()) out << " [" << EscapeControls(i.column) << "]";
    if (!i.value.empty()) out << " \"" << EscapeControls(i.value) << "\"";
    out << " " << i.code << " " << EscapeControls(g.lang == Lang::kEn ? i.en : i.zh) << "\n";
  }
}

}  // namespace fupin
