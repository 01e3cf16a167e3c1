// What every `fupin` command shares: the global options, the exit codes, error output and
// the one way to open the register.
#pragma once

#include <iosfwd>
#include <memory>
#include <string>
#include <vector>

#include "common/error.h"
#include "service/imports/import_service.h"
#include "storage/store.h"

namespace fupin {

struct Globals {
  std::string db;
  std::string policy;
  std::string lang_text = "zh";
  Lang lang = Lang::kZh;
  bool json = false;
};

// Exit codes: 2 for bad input of any kind, 1 for everything else.
int ExitCodeFor(const Error& e);

const std::string& Msg(const Globals& g, const Error& e);
std::string Say(const Globals& g, const char* zh, const char* en);

// Prints "fupin: CODE: message" on stderr; returns `exit_code`, or ExitCodeFor(e) when
// it is negative.
int Fail(const Globals& g, const Error& e, int exit_code = -1);

// --db, else $FUPIN_DB, else ./fupin.db.
std::string DbUrl(const Globals& g);

// "" or "0" → the nation; else a region code (E_REGION when malformed).
Result<RegionCode> ParseRegionOption(const std::string& text);

// Prints issues for people: one line each, "file:line [列] "值" CODE message".
void PrintIssues(const Globals& g, const std::vector<ImportIssue>& issues, std::ostream& out);

// Opens the register; failures to open are bad input (exit 2).
Result<std::unique_ptr<Store>> OpenStore(const Globals& g, Store::OpenMode mode);

// The audit record of a command that wrote or exported something (actor and remote "cli",
// service/audit_service.h AppendAudit). Commands check the key (CheckAuditKey) before they
// change anything, so that a write without its record is unlikely.
Status AuditCli(Store& store, RegionCode region, const std::string& action,
                const std::string& target, const std::string& detail);

}  // namespace fupin
