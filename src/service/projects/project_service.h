// The project library (扶贫项目库, spec/funds.md "Projects", docs/projects.md) as a use
// case: a project is proposed by a village (or by a township or county for its own), moves
// through its stages like a case (spec/procedures.md "Moving a case": by level, notices of
// [projects] notice_days, objections, return, reject, separation of duties) into the
// library and on to planning, work, acceptance (验收) and its assets (扶贫资产).
//
// Stages (key, level, notice): propose V → village_notice V (notice) → review T →
// township_notice T (notice) → approve C (公告 at once; E_CONDITIONS without
// performance_targets or poverty_linkage) → plan C → start_notice V (notice) → implement T
// (needs a progress entry of 100%) → accept C (the acceptance's result) → completion_notice
// V (notice) → assets C (needs an asset) → done. A township's own project skips
// village_notice and review; a county's own skips those and township_notice; a step's level
// is never below the level of the project's place (a township project's start_notice is T).
//
// Roles: village_operator, township_operator, county_admin and admin move projects at
// their level (LevelOf, E_FORBIDDEN for the others); every role that reads the register
// reads projects and may raise an objection during a notice. A project outside the
// caller's region answers E_NOT_FOUND, exactly as a missing one. Each write is one
// transaction with its audit record ("project.<action>", target "project:<id>").
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/date.h"
#include "common/error.h"
#include "domain/policy.h"
#include "domain/procedures/procedure.h"
#include "service/accounts/auth_service.h"
#include "storage/store.h"

namespace fupin {

inline constexpr size_t kMaxProjectText = 200;       // a name, unit, person, indicator
inline constexpr size_t kMaxProjectLongText = 2000;  // tasks, poverty linkage, comments

// The stages in order (see above) with their Chinese labels.
struct ProjectStage {
  const char* key;
  const char* label;
  Level level;
  bool notice;
};
std::span<const ProjectStage> ProjectStages();
const ProjectStage* FindProjectStage(std::string_view key);
// The label of a stage key, or of done (已完成) / rejected (不予通过).
std::string_view ProjectStageLabel(std::string_view key);

// A project as a client sends it (texts are validated by ProposeProject).
struct ProjectInput {
  std::string name;
  std::string category;          // project_codes.h kCategory: code, key or label
  std::string nature;            // kNature
  RegionCode region;             // a village, or the caller's own township or county
  int year = 0;                  // 2000–2100
  std::string start_on, end_on;  // YYYY-MM-DD; end not before start
  std::string unit, person, tasks;
  std::vector<std::pair<std::string, std::string>> budget;  // (source, yuan)
  std::vector<std::string> households;                      // 户编号 of the register
  int64_t households_count = 0, people_count = 0, poor_households = 0, poor_people = 0;
  std::vector<std::pair<std::string, std::string>> targets;  // (indicator, target)
  std::string linkage;
  std::string comment;
};

// Why a move was refused, beside its Error: E_CONDITIONS' failing criteria
// (`performance_targets`, `poverty_linkage`, `progress`, `assets`) and E_NOTICE_OPEN's date.
struct ProjectRefusal {
  std::vector<FailedCondition> conditions;
  std::optional<Date> closes_on;
};

// A project as shown: the stored row with what the funds ledger allocated to it and
// disbursed of that.
struct ProjectView {
  ProjectRow row;
  int64_t allocated_fen = 0;
  int64_t disbursed_fen = 0;
};

// E_FORBIDDEN for a role that does not move projects; E_NOT_FOUND for a region outside the
// scope or not in the tree, or a household that is not in the register within the scope;
// E_REGION for a region that is not a village, township or county; E_STEP_LEVEL when the
// caller's level is not the region's (admin proposes anywhere); E_REQUIRED, E_FORMAT,
// E_CODE, E_YEAR, E_DATE, E_NUMBER for the fields. The first stage is done by the caller;
// a village's village_notice starts at once. Audited "project.propose".
Result<ProjectView> ProposeProject(Store& store, const PolicySet& policy, const Caller& caller,
                                   const ProjectInput& input);

// What an advance carries: a comment, and at `accept` the acceptance (result required,
// date default today, not after it).
struct AdvanceInput {
  std::string comment;
  std::string result;
  std::string date;
};

// The moves, each on project `id` (E_NOT_FOUND outside the scope): E_STATE on a closed
// project; E_STEP_LEVEL at the wrong level; E_NOTICE_OPEN before a notice's closes_on;
// E_SEPARATION when the approver proposed or reviewed the project; E_CONDITIONS (refusal)
// at approve, implement and assets. An objection (anyone who reads the project, during a
// notice only, else E_STATE) sends it back to the stage before the notice; a return (from
// a township or county stage) to a named earlier stage; a reject closes it.
Result<ProjectView> AdvanceProject(Store& store, const PolicySet& policy, const Caller& caller,
                                   int64_t id, const AdvanceInput& input,
                                   ProjectRefusal* refusal = nullptr);
Result<ProjectView> ObjectToProject(Store& store, const PolicySet& policy, const Caller& caller,
                                    int64_t id, const std::string& text);
Result<ProjectView> ReturnProject(Store& store, const PolicySet& policy, const Caller& caller,
                                  int64_t id, const std::string& to, const std::string& reason);
Result<ProjectView> RejectProject(Store& store, const PolicySet& policy, const Caller& caller,
                                  int64_t id, const std::string& reason);

// A progress entry (进度) while the project is at `implement`: date (default today, not
// after it), percent 0–100, note. Any role that moves projects within scope. Audited.
struct ProgressInput {
  std::string date;
  int percent = 0;
  std::string note;
};
Result<ProjectView> AddProgress(Store& store, const Caller& caller, int64_t id,
                                const ProgressInput& input);

// An asset (扶贫资产) once the project is accepted (completion_notice or assets), by an
// account of the assets stage's level. Audited "project.asset".
struct AssetInput {
  std::string kind;  // kAssetKind
  std::string name;
  std::string value;  // yuan, > 0
  std::string owner, keeper;
  std::string date;  // default today
};
Result<ProjectView> AddAsset(Store& store, const Caller& caller, int64_t id,
                             const AssetInput& input);

Result<ProjectView> GetProject(Store& store, const Caller& caller, int64_t id);

struct ProjectList {
  int64_t total = 0;
  std::vector<ProjectView> items;  // without steps, progress and assets
};
// Projects located in the caller's scope (a query region outside it: E_NOT_FOUND).
Result<ProjectList> ListProjects(Store& store, const Caller& caller, ProjectQuery query);
// The region whose projects the caller asks for: `region`, or the caller's own for the
// nation's code; E_NOT_FOUND for a role that does not read projects, a region outside the
// caller's scope or one not in the tree.
Result<RegionCode> ProjectRegionOf(Store& store, const Caller& caller, RegionCode region);

// For the public village page: what a notice of each project located in `village` may
// show — never personal data (no persons, no households).
struct ProjectNotice {
  int64_t id = 0;
  std::string name;
  int category = 0;
  std::string category_label;
  std::string stage, stage_label;  // the current stage, done or rejected
  // proposed (申报中), approved (已入库: the county's 公告, on approved_on), accepted
  // (已验收), completed (已完成), rejected (不予通过).
  std::string decision, decision_label;
  std::string approved_on;  // YYYY-MM-DD, or empty
  int64_t budget_fen = 0;
  std::optional<Date> start, closes_on;  // the notice of the current stage, if it is one
  bool in_force = false;                 // a notice stage is current (start ≤ today)
};
Result<std::vector<ProjectNotice>> ProjectNoticesOf(Store& store, const PolicySet& policy,
                                                    RegionCode village, Date today);

}  // namespace fupin
