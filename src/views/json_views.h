// The JSON shapes of spec/cli.md and spec/api.md, shared by the command line and the HTTP
// API so that both print exactly the same keys: one formatter for each kind of result.
#pragma once

#include <functional>
#include <iosfwd>
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.h"
#include "domain/policy.h"
#include "service/crosscheck/compare_service.h"
#include "service/imports/import_service.h"
#include "service/policy/assess_service.h"
#include "service/register/report_service.h"
#include "storage/store.h"

namespace fupin {

using Json = nlohmann::ordered_json;

// `report summary --json` / GET /regions/{code}/summary.
Json SummaryJson(const RegionSummary& summary);
// One problem of an import (file, line, column, value, code, message).
Json IssueJson(const ImportIssue& issue, Lang lang);
// `import --json` / POST /imports.
Json ImportReportJson(const ImportReport& report, Lang lang, bool dry_run);
// `assess exit --json`, `assess monitor --json`, `assess regions --json`.
Json ExitResultsJson(const std::vector<ExitResult>& results);
Json MonitorResultsJson(const std::vector<MonitorResult>& results);
// The same documents as ExitResultsJson(results).dump() and MonitorResultsJson(…).dump(),
// byte for byte, written straight to text (a national list is ~200,000 results).
std::string ExitResultsText(const std::vector<ExitResult>& results);
std::string MonitorResultsText(const std::vector<MonitorResult>& results);
// The same, written to `stream` a megabyte at a time (the command line).
void WriteExitResultsJson(const std::vector<ExitResult>& results, std::ostream& stream);
void WriteMonitorResultsJson(const std::vector<MonitorResult>& results, std::ostream& stream);
Json RegionResultsJson(const std::vector<RegionResult>& results, bool county);
// `policy show --json`.
Json PolicyJson(const Policy& policy, RegionCode region, int year);

// A household as the API shows it: template keys, coded values as codes (strings where the
// code list has leading zeros, numbers otherwise), amounts as decimal strings, members when
// loaded. With `masked`, ID numbers and phones are masked (411525********1234).
Json HouseholdJson(const Household& household, int64_t version, int64_t member_count, bool masked);
Json HistoryJson(const std::vector<HistoryEntry>& history, bool masked);

// The cross-check (spec/compare.md): `fupin compare --json` / POST /compare/lists, and
// `fupin check quality --json`. With `masked`, ID numbers are masked.
Json CompareReportJson(const CompareReport& report, Lang lang, bool masked);
// The same document as text, written without building a tree (for large reports).
std::string CompareReportText(const CompareReport& report, Lang lang, bool masked);
// The same bytes again, handed to `write` in pieces of about kReportPieceBytes as they are
// formatted, so that a report of millions of findings is never one string in memory.
inline constexpr size_t kReportPieceBytes = size_t{1} << 20;
void WriteCompareReport(const CompareReport& report, Lang lang, bool masked,
                        const std::function<void(std::string_view)>& write);
Json FindingJson(const FindingRow& finding, bool masked);
Json DepartmentListJson(const DepartmentListRow& list);
Json FindingCountsJson(const std::vector<FindingCount>& counts);

}  // namespace fupin
