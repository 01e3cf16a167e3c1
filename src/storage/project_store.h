// ProjectStore: the project library (扶贫项目库, spec/funds.md "Projects") as stored — each
// project with the fields of the national guidance, its budget by source, beneficiaries,
// performance targets, every step done on it, its progress entries, acceptance and the
// assets it created. The service layer (service/projects/project_service) gives the stages
// their meaning, checks roles, levels and scope. It shares its Store's connection, so its
// writes join the Store's open transaction. Threading: as its Store.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/error.h"
#include "common/region_code.h"

namespace fupin {

struct ProjectBudgetLine {
  int source = 0;  // service/projects/project_codes.h: 1 中央 … 9 其他
  int64_t amount_fen = 0;
};

struct ProjectTarget {  // 绩效目标: an indicator and its target value
  std::string indicator, target;
};

// One move recorded on a project, like a case's step.
struct ProjectStepRow {
  std::string step;    // the stage that was current (service/projects/project_flow.h)
  std::string action;  // advance | objection | return | reject
  std::string by, role, level;
  std::string date;  // local date (YYYY-MM-DD)
  std::string at;    // ISO 8601 UTC
  std::string comment;
  std::string to;  // a return's target stage
};

struct ProjectProgressRow {
  std::string date;  // YYYY-MM-DD
  int percent = 0;   // 0–100
  std::string note, by, at;
};

struct ProjectAssetRow {  // 扶贫资产
  int kind = 0;           // 1 经营性, 2 公益性, 3 到户类
  std::string name;
  int64_t value_fen = 0;
  std::string owner;   // 所有权人
  std::string keeper;  // 管护主体
  std::string date;    // YYYY-MM-DD
  std::string by, at;
};

struct ProjectRow {
  int64_t id = 0;
  int64_t region_code = 0;  // where it is: a village, or a township's or county's own
  std::string name;
  int category = 0;  // project_codes.h
  int nature = 0;    // 建设性质
  int year = 0;
  std::string start_on, end_on;  // the period, YYYY-MM-DD
  std::string unit, person;      // 责任单位, 责任人
  std::string tasks;             // 建设任务
  std::vector<ProjectBudgetLine> budget;
  std::vector<std::string> households;  // 户编号 of the register (the project's county)
  int64_t households_count = 0, people_count = 0, poor_households = 0, poor_people = 0;
  std::vector<ProjectTarget> targets;
  std::string linkage;                  // 带贫减贫机制
  std::string stage;                    // the current stage, or done / rejected
  std::string state = "open";           // open | done | rejected
  std::string notice_start, closes_on;  // the running notice, or empty
  std::string opened_by, opened_at, reviewed_by, approved_on;
  std::vector<ProjectStepRow> steps;
  std::vector<ProjectProgressRow> progress;
  std::string accepted_on, acceptance_result, accepted_by;
  std::vector<ProjectAssetRow> assets;

  int64_t BudgetTotal() const {
    int64_t sum = 0;
    for (const ProjectBudgetLine& b : budget) sum += b.amount_fen;
    return sum;
  }
};

struct ProjectQuery {
  RegionCode region;  // projects located in this subtree
  std::string stage;  // exactly this stage, when given
  std::optional<int> year, category;
  int64_t offset = 0;
  int64_t limit = 50;  // 0 for all
};

struct ProjectPage {
  int64_t total = 0;
  std::vector<ProjectRow> items;  // by id; budget, targets and households loaded, no steps
};

// Projects by stage (done and rejected included) and category: how many of each pair.
struct ProjectCount {
  std::string stage;
  int category = 0;
  int64_t projects = 0;
};

class ProjectStore {
 public:
  virtual ~ProjectStore() = default;

  // Writes (in a transaction). Insert writes the project with all its lists and sets
  // row.id; Update rewrites the project and replaces its lists.
  virtual Status InsertProject(ProjectRow& row) = 0;
  virtual Status UpdateProject(const ProjectRow& row) = 0;

  // The project with every list; nullopt when there is none.
  virtual Result<std::optional<ProjectRow>> GetProject(int64_t id) = 0;
  virtual Result<ProjectPage> SearchProjects(const ProjectQuery& query) = 0;
  // The projects located exactly in `region` (a village's), by id, with their lists but
  // no steps, progress or assets.
  virtual Result<std::vector<ProjectRow>> ProjectsAt(RegionCode region) = 0;
  // What the funds ledger allocated to project `id`, and disbursed of it (fen).
  virtual Result<std::pair<int64_t, int64_t>> FundsOf(int64_t id) = 0;
  // The projects located in the subtree of `region`, of `year` when given, counted by
  // (stage, category), ordered so.
  virtual Result<std::vector<ProjectCount>> CountProjects(RegionCode region,
                                                          std::optional<int> year) = 0;
};

}  // namespace fupin
