#include "storage/postgres/funds/pg_projects.h"

#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "storage/postgres/pg_statements.h"

namespace fupin {
namespace {

using pg::Params;
using pg::Rows;

const std::string kColumns =
    "id, region_code, name, category, nature, year, start_on, end_on, unit, person, tasks, "
    "households_count, people_count, poor_households, poor_people, linkage, stage, state, "
    "notice_start, closes_on, opened_by, opened_at, reviewed_by, approved_on, accepted_on, "
    "acceptance_result, accepted_by";

const std::string kInsertProject =
    "INSERT INTO projects(region_code, name, category, nature, year, start_on, end_on, unit, "
    "person, tasks, budget_fen, households_count, people_count, poor_households, poor_people, "
    "linkage, stage, state, notice_start, closes_on, opened_by, opened_at, reviewed_by, "
    "approved_on, accepted_on, acceptance_result, accepted_by) VALUES ($1, $2, $3, $4, $5, $6, "
    "$7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, "
    "$25, $26, $27) RETURNING id";
const std::string kUpdateProject =
    "UPDATE projects SET region_code = $1, name = $2, category = $3, nature = $4, year = $5, "
    "start_on = $6, end_on = $7, unit = $8, person = $9, tasks = $10, budget_fen = $11, "
    "households_count = $12, people_count = $13, poor_households = $14, poor_people = $15, "
    "linkage = $16, stage = $17, state = $18, notice_start = $19, closes_on = $20, "
    "opened_by = $21, opened_at = $22, reviewed_by = $23, approved_on = $24, accepted_on = $25, "
    "acceptance_result = $26, accepted_by = $27 WHERE id = $28";
// The lists of a project are rewritten with it: removed in one statement, then each written
// from array parameters (seq is the position in the list, from 0, as in SQLite).
const std::string kDeleteLists =
    "WITH budget AS (DELETE FROM project_budget WHERE project_id = $1), "
    "households AS (DELETE FROM project_households WHERE project_id = $1), "
    "targets AS (DELETE FROM project_targets WHERE project_id = $1), "
    "steps AS (DELETE FROM project_steps WHERE project_id = $1), "
    "progress AS (DELETE FROM project_progress WHERE project_id = $1) "
    "DELETE FROM project_assets WHERE project_id = $1";
const std::string kInsertBudget =
    "INSERT INTO project_budget(project_id, source, amount_fen) "
    "SELECT $1, u.source, u.amount FROM unnest($2::bigint[], $3::bigint[]) AS u(source, amount)";
// As SQLite's INSERT OR IGNORE: a household given twice is stored once.
const std::string kInsertHouseholds =
    "INSERT INTO project_households(project_id, household_code) "
    "SELECT $1, u.code FROM unnest($2::text[]) AS u(code) ON CONFLICT DO NOTHING";
const std::string kInsertTargets =
    "INSERT INTO project_targets(project_id, seq, indicator, target) "
    "SELECT $1, u.n - 1, u.indicator, u.target FROM unnest($2::text[], $3::text[]) "
    "WITH ORDINALITY AS u(indicator, target, n)";
const std::string kInsertSteps =
    "INSERT INTO project_steps(project_id, seq, step, action, by, role, level, date, at, "
    "comment, to_step) SELECT $1, u.n - 1, u.step, u.action, u.who, u.role, u.level, u.date, "
    "u.at, u.comment, u.to_step FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], "
    "$6::text[], $7::text[], $8::text[], $9::text[], $10::text[]) "
    "WITH ORDINALITY AS u(step, action, who, role, level, date, at, comment, to_step, n)";
const std::string kInsertProgress =
    "INSERT INTO project_progress(project_id, seq, date, percent, note, by, at) "
    "SELECT $1, u.n - 1, u.date, u.percent, u.note, u.who, u.at FROM unnest($2::text[], "
    "$3::bigint[], $4::text[], $5::text[], $6::text[]) "
    "WITH ORDINALITY AS u(date, percent, note, who, at, n)";
const std::string kInsertAssets =
    "INSERT INTO project_assets(project_id, seq, kind, name, value_fen, owner, keeper, date, by, "
    "at) SELECT $1, u.n - 1, u.kind, u.name, u.value_fen, u.owner, u.keeper, u.date, u.who, u.at "
    "FROM unnest($2::bigint[], $3::text[], $4::bigint[], $5::text[], $6::text[], $7::text[], "
    "$8::text[], $9::text[]) "
    "WITH ORDINALITY AS u(kind, name, value_fen, owner, keeper, date, who, at, n)";
const std::string kGetProject = "SELECT " + kColumns + " FROM projects WHERE id = $1";
// In a transaction (pg_projects.h): the row stays locked until it ends.
const std::string kGetProjectLocked =
    "SELECT " + kColumns + " FROM projects WHERE id = $1 FOR NO KEY UPDATE";
// The lists of the projects of an array of ids, by project.
const std::string kBudgets =
    "SELECT project_id, source, amount_fen FROM project_budget WHERE project_id = "
    "ANY($1::bigint[]) "
    "ORDER BY project_id, source";
const std::string kHouseholds =
    "SELECT project_id, household_code FROM project_households "
    "WHERE project_id = ANY($1::bigint[]) ORDER BY project_id, household_code COLLATE \"C\"";
const std::string kTargets =
    "SELECT project_id, indicator, target FROM project_targets "
    "WHERE project_id = ANY($1::bigint[]) ORDER BY project_id, seq";
const std::string kSteps =
    "SELECT step, action, by, role, level, date, at, comment, to_step FROM project_steps "
    "WHERE project_id = $1 ORDER BY seq";
const std::string kProgress =
    "SELECT date, percent, note, by, at FROM project_progress WHERE project_id = $1 ORDER BY seq";
const std::string kAssets =
    "SELECT kind, name, value_fen, owner, keeper, date, by, at FROM project_assets "
    "WHERE project_id = $1 ORDER BY seq";
// SearchProjects: the conditions of a query, in this order, each with the next parameter.
const std::string kSearchWhere = " FROM projects WHERE region_code >= $1 AND region_code < $2";
const std::string kSearchStage = " AND stage = $";
const std::string kSearchYear = " AND year = $";
const std::string kSearchCategory = " AND category = $";
const std::string kProjectsAt =
    "SELECT " + kColumns + " FROM projects WHERE region_code = $1 ORDER BY id";
const std::string kFundsOf =
    "SELECT coalesce(sum(a.amount_fen), 0)::bigint, coalesce((SELECT sum(d.amount_fen) FROM "
    "fund_disbursements d JOIN fund_allocations b ON b.id = d.allocation_id WHERE "
    "b.project_id = $1), 0)::bigint FROM fund_allocations a WHERE a.project_id = $1";
const std::string kCount =
    "SELECT stage, category, count(*) FROM projects WHERE region_code >= $1 AND region_code < $2";
const std::string kCountOfYear = kCount + " AND year = $3";
const std::string kCountOrder = " GROUP BY stage, category ORDER BY stage COLLATE \"C\", category";

ProjectRow ReadProject(const Rows& s, int row) {
  ProjectRow r;
  int i = 0;
  r.id = s.Int(row, i++);
  r.region_code = s.Int(row, i++);
  r.name = s.Text(row, i++);
  r.category = static_cast<int>(s.Int(row, i++));
  r.nature = static_cast<int>(s.Int(row, i++));
  r.year = static_cast<int>(s.Int(row, i++));
  r.start_on = s.Text(row, i++);
  r.end_on = s.Text(row, i++);
  r.unit = s.Text(row, i++);
  r.person = s.Text(row, i++);
  r.tasks = s.Text(row, i++);
  r.households_count = s.Int(row, i++);
  r.people_count = s.Int(row, i++);
  r.poor_households = s.Int(row, i++);
  r.poor_people = s.Int(row, i++);
  r.linkage = s.Text(row, i++);
  r.stage = s.Text(row, i++);
  r.state = s.Text(row, i++);
  r.notice_start = s.Text(row, i++);
  r.closes_on = s.Text(row, i++);
  r.opened_by = s.Text(row, i++);
  r.opened_at = s.Text(row, i++);
  r.reviewed_by = s.Text(row, i++);
  r.approved_on = s.Text(row, i++);
  r.accepted_on = s.Text(row, i++);
  r.acceptance_result = s.Text(row, i++);
  r.accepted_by = s.Text(row, i++);
  return r;
}

// The columns after id, in kColumns order (budget_fen after tasks), as $1 … $27.
Params ProjectParams(const ProjectRow& r) {
  Params p;
  p.Int(r.region_code).Text(r.name).Int(r.category).Int(r.nature).Int(r.year);
  p.Text(r.start_on).Text(r.end_on).Text(r.unit).Text(r.person).Text(r.tasks);
  p.Int(r.BudgetTotal()).Int(r.households_count).Int(r.people_count);
  p.Int(r.poor_households).Int(r.poor_people).Text(r.linkage).Text(r.stage).Text(r.state);
  p.Text(r.notice_start).Text(r.closes_on).Text(r.opened_by).Text(r.opened_at);
  p.Text(r.reviewed_by).Text(r.approved_on).Text(r.accepted_on).Text(r.acceptance_result);
  p.Text(r.accepted_by);
  return p;
}

// One array parameter per field of a list: `field` of each element of `items`.
template <class T, class F>
std::string Texts(const std::vector<T>& items, F field) {
  std::vector<std::string> out;
  out.reserve(items.size());
  for (const T& item : items) out.push_back(field(item));
  return pg::TextArray(out);
}
template <class T, class F>
std::string Ints(const std::vector<T>& items, F field) {
  std::vector<int64_t> out;
  out.reserve(items.size());
  for (const T& item : items) out.push_back(field(item));
  return pg::IntArray(out);
}

class PgProjectStore final : public ProjectStore {
 public:
  explicit PgProjectStore(pg::Connection& db) : db_(db) {}

  Status InsertProject(ProjectRow& r) override {
    auto rows = db_.Query(kInsertProject, ProjectParams(r));
    if (!rows.ok()) return rows.error();
    r.id = rows->Int(0, 0);
    return WriteLists(r);
  }

  Status UpdateProject(const ProjectRow& r) override {
    Params p = ProjectParams(r);
    p.Int(r.id);
    auto updated = db_.Run(kUpdateProject, p);
    if (!updated.ok()) return updated.error();
    auto removed = db_.Run(kDeleteLists, Params().Int(r.id));
    if (!removed.ok()) return removed.error();
    return WriteLists(r);
  }

  Result<std::optional<ProjectRow>> GetProject(int64_t id) override {
    auto rows =
        db_.Query(db_.db().in_transaction() ? kGetProjectLocked : kGetProject, Params().Int(id));
    if (!rows.ok()) return rows.error();
    std::optional<ProjectRow> out;
    if (rows->size() == 0) return out;
    std::vector<ProjectRow> one{ReadProject(*rows, 0)};
    FUPIN_RETURN_IF_ERROR(ReadLists(one));
    FUPIN_RETURN_IF_ERROR(ReadHistory(one[0]));
    out = std::move(one[0]);
    return out;
  }

  Result<ProjectPage> SearchProjects(const ProjectQuery& q) override {
    int next = 3;
    Params p;
    p.Int(q.region.subtree_lo()).Int(q.region.subtree_hi());
    std::string where = kSearchWhere;
    if (!q.stage.empty()) {
      where += kSearchStage + std::to_string(next++);
      p.Text(q.stage);
    }
    if (q.year) {
      where += kSearchYear + std::to_string(next++);
      p.Int(*q.year);
    }
    if (q.category) {
      where += kSearchCategory + std::to_string(next++);
      p.Int(*q.category);
    }
    ProjectPage page;
    auto count = db_.Query("SELECT count(*)" + where, p);
    if (!count.ok()) return count.error();
    page.total = count->size() > 0 ? count->Int(0, 0) : 0;
    const std::string select = "SELECT " + kColumns + where + " ORDER BY id LIMIT $" +
                               std::to_string(next) + " OFFSET $" + std::to_string(next + 1);
    pg::Page(p, q.limit, q.offset);
    auto rows = db_.Query(select, p);
    if (!rows.ok()) return rows.error();
    page.items.reserve(rows->size());
    for (int i = 0; i < rows->size(); ++i) page.items.push_back(ReadProject(*rows, i));
    FUPIN_RETURN_IF_ERROR(ReadLists(page.items));
    return page;
  }

  Result<std::vector<ProjectRow>> ProjectsAt(RegionCode region) override {
    auto rows = db_.Query(kProjectsAt, Params().Int(region.value()));
    if (!rows.ok()) return rows.error();
    std::vector<ProjectRow> out;
    out.reserve(rows->size());
    for (int i = 0; i < rows->size(); ++i) out.push_back(ReadProject(*rows, i));
    FUPIN_RETURN_IF_ERROR(ReadLists(out));
    return out;
  }

  Result<std::pair<int64_t, int64_t>> FundsOf(int64_t id) override {
    auto rows = db_.Query(kFundsOf, Params().Int(id));
    if (!rows.ok()) return rows.error();
    return std::pair<int64_t, int64_t>{rows->Int(0, 0), rows->Int(0, 1)};
  }

  Result<std::vector<ProjectCount>> CountProjects(RegionCode region,
                                                  std::optional<int> year) override {
    Params p;
    p.Int(region.subtree_lo()).Int(region.subtree_hi());
    if (year) p.Int(*year);
    auto rows = db_.Query((year ? kCountOfYear : kCount) + kCountOrder, p);
    if (!rows.ok()) return rows.error();
    std::vector<ProjectCount> out;
    out.reserve(rows->size());
    for (int i = 0; i < rows->size(); ++i) {
      out.push_back({rows->Text(i, 0), static_cast<int>(rows->Int(i, 1)), rows->Int(i, 2)});
    }
    return out;
  }

 private:
  // Runs `sql` with the project's id and `arrays`, unless the list is empty.
  Status WriteList(const std::string& sql, bool empty, int64_t id,
                   const std::vector<std::string>& arrays) {
    if (empty) return Status::Ok();
    Params p;
    p.Int(id);
    for (const std::string& array : arrays) p.Text(array);
    auto written = db_.Run(sql, p);
    if (!written.ok()) return written.error();
    return Status::Ok();
  }

  Status WriteLists(const ProjectRow& r) {
    using Budget = ProjectBudgetLine;
    using Step = ProjectStepRow;
    using Progress = ProjectProgressRow;
    using Asset = ProjectAssetRow;
    FUPIN_RETURN_IF_ERROR(
        WriteList(kInsertBudget, r.budget.empty(), r.id,
                  {Ints(r.budget, [](const Budget& b) { return int64_t{b.source}; }),
                   Ints(r.budget, [](const Budget& b) { return b.amount_fen; })}));
    FUPIN_RETURN_IF_ERROR(
        WriteList(kInsertHouseholds, r.households.empty(), r.id, {pg::TextArray(r.households)}));
    FUPIN_RETURN_IF_ERROR(
        WriteList(kInsertTargets, r.targets.empty(), r.id,
                  {Texts(r.targets, [](const ProjectTarget& t) { return t.indicator; }),
                   Texts(r.targets, [](const ProjectTarget& t) { return t.target; })}));
    FUPIN_RETURN_IF_ERROR(WriteList(kInsertSteps, r.steps.empty(), r.id,
                                    {Texts(r.steps, [](const Step& t) { return t.step; }),
                                     Texts(r.steps, [](const Step& t) { return t.action; }),
                                     Texts(r.steps, [](const Step& t) { return t.by; }),
                                     Texts(r.steps, [](const Step& t) { return t.role; }),
                                     Texts(r.steps, [](const Step& t) { return t.level; }),
                                     Texts(r.steps, [](const Step& t) { return t.date; }),
                                     Texts(r.steps, [](const Step& t) { return t.at; }),
                                     Texts(r.steps, [](const Step& t) { return t.comment; }),
                                     Texts(r.steps, [](const Step& t) { return t.to; })}));
    FUPIN_RETURN_IF_ERROR(
        WriteList(kInsertProgress, r.progress.empty(), r.id,
                  {Texts(r.progress, [](const Progress& p) { return p.date; }),
                   Ints(r.progress, [](const Progress& p) { return int64_t{p.percent}; }),
                   Texts(r.progress, [](const Progress& p) { return p.note; }),
                   Texts(r.progress, [](const Progress& p) { return p.by; }),
                   Texts(r.progress, [](const Progress& p) { return p.at; })}));
    return WriteList(kInsertAssets, r.assets.empty(), r.id,
                     {Ints(r.assets, [](const Asset& a) { return int64_t{a.kind}; }),
                      Texts(r.assets, [](const Asset& a) { return a.name; }),
                      Ints(r.assets, [](const Asset& a) { return a.value_fen; }),
                      Texts(r.assets, [](const Asset& a) { return a.owner; }),
                      Texts(r.assets, [](const Asset& a) { return a.keeper; }),
                      Texts(r.assets, [](const Asset& a) { return a.date; }),
                      Texts(r.assets, [](const Asset& a) { return a.by; }),
                      Texts(r.assets, [](const Asset& a) { return a.at; })});
  }

  // Budget, households and targets of `projects`, three statements for all of them.
  Status ReadLists(std::vector<ProjectRow>& projects) {
    if (projects.empty()) return Status::Ok();
    std::vector<int64_t> ids;
    std::unordered_map<int64_t, ProjectRow*> by_id;
    for (ProjectRow& p : projects) {
      ids.push_back(p.id);
      by_id[p.id] = &p;
    }
    const std::string array = pg::IntArray(ids);
    auto budgets = db_.Query(kBudgets, Params().Text(array));
    if (!budgets.ok()) return budgets.error();
    for (int i = 0; i < budgets->size(); ++i) {
      by_id[budgets->Int(i, 0)]->budget.push_back(
          {static_cast<int>(budgets->Int(i, 1)), budgets->Int(i, 2)});
    }
    auto households = db_.Query(kHouseholds, Params().Text(array));
    if (!households.ok()) return households.error();
    for (int i = 0; i < households->size(); ++i) {
      by_id[households->Int(i, 0)]->households.push_back(households->Text(i, 1));
    }
    auto targets = db_.Query(kTargets, Params().Text(array));
    if (!targets.ok()) return targets.error();
    for (int i = 0; i < targets->size(); ++i) {
      by_id[targets->Int(i, 0)]->targets.push_back({targets->Text(i, 1), targets->Text(i, 2)});
    }
    return Status::Ok();
  }

  // Steps, progress and assets.
  Status ReadHistory(ProjectRow& r) {
    auto steps = db_.Query(kSteps, Params().Int(r.id));
    if (!steps.ok()) return steps.error();
    for (int i = 0; i < steps->size(); ++i) {
      const Rows& s = *steps;
      r.steps.push_back({s.Text(i, 0), s.Text(i, 1), s.Text(i, 2), s.Text(i, 3), s.Text(i, 4),
                         s.Text(i, 5), s.Text(i, 6), s.Text(i, 7), s.Text(i, 8)});
    }
    auto progress = db_.Query(kProgress, Params().Int(r.id));
    if (!progress.ok()) return progress.error();
    for (int i = 0; i < progress->size(); ++i) {
      const Rows& s = *progress;
      r.progress.push_back(
          {s.Text(i, 0), static_cast<int>(s.Int(i, 1)), s.Text(i, 2), s.Text(i, 3), s.Text(i, 4)});
    }
    auto assets = db_.Query(kAssets, Params().Int(r.id));
    if (!assets.ok()) return assets.error();
    for (int i = 0; i < assets->size(); ++i) {
      const Rows& s = *assets;
      r.assets.push_back({static_cast<int>(s.Int(i, 0)), s.Text(i, 1), s.Int(i, 2), s.Text(i, 3),
                          s.Text(i, 4), s.Text(i, 5), s.Text(i, 6), s.Text(i, 7)});
    }
    return Status::Ok();
  }

  pg::StatementCache db_;
};

}  // namespace

std::unique_ptr<ProjectStore> NewPgProjectStore(pg::Connection& db) {
  return std::make_unique<PgProjectStore>(db);
}

}  // namespace fupin
