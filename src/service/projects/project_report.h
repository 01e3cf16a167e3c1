// The projects table of a region and year (issue 14, "Reports"): one row per child region
// (a county's by township, a township's by village), a row for the projects located at the
// region itself (本级) and a total — projects, those in the library, accepted and done,
// their budgets, what the funds ledger allocated to them and disbursed — and, as a
// workbook, the projects one by one. Roles: every role that reads projects, inside its
// scope (E_NOT_FOUND outside, as a missing region). Audited "project.report".
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/error.h"
#include "exchange/table.h"
#include "service/accounts/auth_service.h"
#include "service/projects/project_service.h"
#include "storage/store.h"

namespace fupin {

// A report covers at most this many projects (E_TOO_LARGE beyond: ask for a child region).
inline constexpr int64_t kMaxReportProjects = 20'000;

struct ProjectReportRow {
  RegionCode region;
  std::string name;    // "（本级）" added for the projects of the region itself
  bool own = false;    // projects located at the report's region itself
  bool total = false;  // the total row
  int64_t projects = 0;
  int64_t in_library = 0;  // approved into the library (and not rejected)
  int64_t accepted = 0;    // accepted (验收) or further
  int64_t done = 0;        // assets recorded: the project is complete
  int64_t budget_fen = 0, allocated_fen = 0, disbursed_fen = 0;
};

struct ProjectReport {
  RegionCode region;
  std::string region_name;
  int year = 0;
  std::vector<ProjectReportRow> rows;  // the region's own (when any), then every child
  ProjectReportRow total;
  std::vector<ProjectView> projects;  // by id
};

// E_NOT_FOUND outside the scope or for a region not in the tree; E_YEAR; E_TOO_LARGE past
// kMaxReportProjects. Audited "project.report".
Result<ProjectReport> ProjectReportFor(Store& store, const Caller& caller, RegionCode region,
                                       int year);

// The projects of a region (and year) counted by stage and by category, for the dashboard
// (GET /projects/stats): one query, whatever the number of projects. Every role that reads
// projects, inside its scope (E_NOT_FOUND outside, as a missing region); E_YEAR. Not audited
// (a read, like the list).
struct ProjectStats {
  RegionCode region;
  std::optional<int> year;
  int64_t total = 0;
  // Every stage in the order of the procedure, then done and rejected, zeros included.
  std::vector<std::pair<std::string, int64_t>> by_stage;
  // The categories with projects, by code.
  std::vector<std::pair<int, int64_t>> by_category;
};
Result<ProjectStats> ProjectStatistics(Store& store, const Caller& caller, RegionCode region,
                                       std::optional<int> year);

// 项目汇总表 (the rows), 项目明细 (each project: number, name, category, nature, place,
// period, unit, stage, budget, allocated, disbursed, beneficiaries) and 说明. Money cells
// are numbers in yuan with the format 0.00.
Status WriteProjectReport(const ProjectReport& report, XlsxWriter& book);

}  // namespace fupin
