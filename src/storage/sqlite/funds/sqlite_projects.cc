#include "storage/sqlite/funds/sqlite_projects.h"

#include <sqlite3.h>

#include <functional>
#include <string_view>
#include <utility>
#include <vector>

namespace fupin {
namespace {

using sqlite::Database;
using sqlite::Statement;

constexpr std::string_view kColumns =
    "id, region_code, name, category, nature, year, start_on, end_on, unit, person, tasks, "
    "households_count, people_count, poor_households, poor_people, linkage, stage, state, "
    "notice_start, closes_on, opened_by, opened_at, reviewed_by, approved_on, accepted_on, "
    "acceptance_result, accepted_by";

constexpr std::string_view kChildTables[] = {"project_budget",   "project_households",
                                             "project_targets",  "project_steps",
                                             "project_progress", "project_assets"};

ProjectRow ReadProject(const Statement& s) {
  ProjectRow r;
  int i = 0;
  r.id = s.Int(i++);
  r.region_code = s.Int(i++);
  r.name = s.Text(i++);
  r.category = static_cast<int>(s.Int(i++));
  r.nature = static_cast<int>(s.Int(i++));
  r.year = static_cast<int>(s.Int(i++));
  r.start_on = s.Text(i++);
  r.end_on = s.Text(i++);
  r.unit = s.Text(i++);
  r.person = s.Text(i++);
  r.tasks = s.Text(i++);
  r.households_count = s.Int(i++);
  r.people_count = s.Int(i++);
  r.poor_households = s.Int(i++);
  r.poor_people = s.Int(i++);
  r.linkage = s.Text(i++);
  r.stage = s.Text(i++);
  r.state = s.Text(i++);
  r.notice_start = s.Text(i++);
  r.closes_on = s.Text(i++);
  r.opened_by = s.Text(i++);
  r.opened_at = s.Text(i++);
  r.reviewed_by = s.Text(i++);
  r.approved_on = s.Text(i++);
  r.accepted_on = s.Text(i++);
  r.acceptance_result = s.Text(i++);
  r.accepted_by = s.Text(i++);
  return r;
}

// Binds the columns after id, in kColumns order, from index 1.
void BindProject(Statement& s, const ProjectRow& r) {
  int i = 0;
  auto bind = [&](const auto& value) { s.Bind(++i, value); };
  bind(r.region_code), bind(r.name), bind(r.category), bind(r.nature), bind(r.year);
  bind(r.start_on), bind(r.end_on), bind(r.unit), bind(r.person), bind(r.tasks);
  bind(r.BudgetTotal()), bind(r.households_count), bind(r.people_count);
  bind(r.poor_households), bind(r.poor_people), bind(r.linkage), bind(r.stage), bind(r.state);
  bind(r.notice_start), bind(r.closes_on), bind(r.opened_by), bind(r.opened_at);
  bind(r.reviewed_by), bind(r.approved_on), bind(r.accepted_on), bind(r.acceptance_result);
  bind(r.accepted_by);
}

class SqliteProjectStore final : public ProjectStore {
 public:
  explicit SqliteProjectStore(Database& db) : db_(db) {}

  Status InsertProject(ProjectRow& r) override {
    auto s = db_.Prepare(
        "INSERT INTO projects(region_code, name, category, nature, year, start_on, end_on, "
        "unit, person, tasks, budget_fen, households_count, people_count, poor_households, "
        "poor_people, linkage, stage, state, notice_start, closes_on, opened_by, opened_at, "
        "reviewed_by, approved_on, accepted_on, acceptance_result, accepted_by) VALUES "
        "(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
    if (!s.ok()) return s.error();
    BindProject(*s, r);
    FUPIN_RETURN_IF_ERROR(s->Run());
    r.id = sqlite3_last_insert_rowid(db_.handle());
    return WriteLists(r);
  }

  Status UpdateProject(const ProjectRow& r) override {
    auto s = db_.Prepare(
        "UPDATE projects SET region_code = ?, name = ?, category = ?, nature = ?, year = ?, "
        "start_on = ?, end_on = ?, unit = ?, person = ?, tasks = ?, budget_fen = ?, "
        "households_count = ?, people_count = ?, poor_households = ?, poor_people = ?, "
        "linkage = ?, stage = ?, state = ?, notice_start = ?, closes_on = ?, opened_by = ?, "
        "opened_at = ?, reviewed_by = ?, approved_on = ?, accepted_on = ?, "
        "acceptance_result = ?, accepted_by = ? WHERE id = ?");
    if (!s.ok()) return s.error();
    BindProject(*s, r);
    s->Bind(28, r.id);
    FUPIN_RETURN_IF_ERROR(s->Run());
    for (std::string_view table : kChildTables) {
      auto del = db_.Prepare("DELETE FROM " + std::string(table) + " WHERE project_id = ?");
      if (!del.ok()) return del.error();
      del->Bind(1, r.id);
      FUPIN_RETURN_IF_ERROR(del->Run());
    }
    return WriteLists(r);
  }

  Result<std::optional<ProjectRow>> GetProject(int64_t id) override {
    auto s = db_.Prepare("SELECT " + std::string(kColumns) + " FROM projects WHERE id = ?");
    if (!s.ok()) return s.error();
    s->Bind(1, id);
    auto row = s->Step();
    if (!row.ok()) return row.error();
    std::optional<ProjectRow> out;
    if (!*row) return out;
    out = ReadProject(*s);
    FUPIN_RETURN_IF_ERROR(ReadLists(*out));
    FUPIN_RETURN_IF_ERROR(ReadHistory(*out));
    return out;
  }

  Result<ProjectPage> SearchProjects(const ProjectQuery& q) override {
    std::string where = " WHERE region_code >= ? AND region_code < ?";  // [lo, hi)
    if (!q.stage.empty()) where += " AND stage = ?";
    if (q.year) where += " AND year = ?";
    if (q.category) where += " AND category = ?";
    auto bind = [&](Statement& s) {
      s.Bind(1, q.region.subtree_lo()).Bind(2, q.region.subtree_hi());
      int i = 3;
      if (!q.stage.empty()) s.Bind(i++, q.stage);
      if (q.year) s.Bind(i++, *q.year);
      if (q.category) s.Bind(i++, *q.category);
      return i;
    };
    ProjectPage page;
    auto count = db_.Prepare("SELECT count(*) FROM projects" + where);
    if (!count.ok()) return count.error();
    bind(*count);
    auto counted = count->Step();
    if (!counted.ok()) return counted.error();
    page.total = *counted ? count->Int(0) : 0;
    auto s = db_.Prepare("SELECT " + std::string(kColumns) + " FROM projects" + where +
                         " ORDER BY id LIMIT ? OFFSET ?");
    if (!s.ok()) return s.error();
    const int i = bind(*s);
    s->Bind(i, q.limit > 0 ? q.limit : int64_t{-1}).Bind(i + 1, q.offset);
    FUPIN_RETURN_IF_ERROR(
        s->ForEachRow([&](const Statement& row) { page.items.push_back(ReadProject(row)); }));
    for (ProjectRow& p : page.items) FUPIN_RETURN_IF_ERROR(ReadLists(p));
    return page;
  }

  Result<std::vector<ProjectRow>> ProjectsAt(RegionCode region) override {
    auto s = db_.Prepare("SELECT " + std::string(kColumns) +
                         " FROM projects WHERE region_code = ? ORDER BY id");
    if (!s.ok()) return s.error();
    s->Bind(1, region.value());
    std::vector<ProjectRow> out;
    FUPIN_RETURN_IF_ERROR(
        s->ForEachRow([&](const Statement& row) { out.push_back(ReadProject(row)); }));
    for (ProjectRow& p : out) FUPIN_RETURN_IF_ERROR(ReadLists(p));
    return out;
  }

  Result<std::pair<int64_t, int64_t>> FundsOf(int64_t id) override {
    auto s = db_.Prepare(
        "SELECT coalesce(sum(a.amount_fen), 0), coalesce((SELECT sum(d.amount_fen) FROM "
        "fund_disbursements d JOIN fund_allocations b ON b.id = d.allocation_id WHERE "
        "b.project_id = ?1), 0) FROM fund_allocations a WHERE a.project_id = ?1");
    if (!s.ok()) return s.error();
    s->Bind(1, id);
    auto row = s->Step();
    if (!row.ok()) return row.error();
    return std::pair<int64_t, int64_t>{s->Int(0), s->Int(1)};
  }

  Result<std::vector<ProjectCount>> CountProjects(RegionCode region,
                                                  std::optional<int> year) override {
    auto s = db_.Prepare(
        std::string("SELECT stage, category, count(*) FROM projects WHERE region_code >= ? AND "
                    "region_code < ?") +
        (year ? " AND year = ?" : "") + " GROUP BY stage, category ORDER BY stage, category");
    if (!s.ok()) return s.error();
    s->Bind(1, region.subtree_lo()).Bind(2, region.subtree_hi());
    if (year) s->Bind(3, int64_t{*year});
    std::vector<ProjectCount> out;
    FUPIN_RETURN_IF_ERROR(s->ForEachRow([&](const Statement& row) {
      out.push_back({row.Text(0), static_cast<int>(row.Int(1)), row.Int(2)});
    }));
    return out;
  }

 private:
  Status Insert(std::string_view sql, const std::function<void(Statement&)>& bind) {
    auto s = db_.Prepare(sql);
    if (!s.ok()) return s.error();
    bind(*s);
    return s->Run();
  }

  Status WriteLists(const ProjectRow& r) {
    for (const ProjectBudgetLine& b : r.budget) {
      FUPIN_RETURN_IF_ERROR(Insert("INSERT INTO project_budget VALUES (?,?,?)", [&](Statement& s) {
        s.Bind(1, r.id).Bind(2, b.source).Bind(3, b.amount_fen);
      }));
    }
    for (const std::string& h : r.households) {
      FUPIN_RETURN_IF_ERROR(Insert("INSERT OR IGNORE INTO project_households VALUES (?,?)",
                                   [&](Statement& s) { s.Bind(1, r.id).Bind(2, h); }));
    }
    for (size_t i = 0; i < r.targets.size(); ++i) {
      FUPIN_RETURN_IF_ERROR(
          Insert("INSERT INTO project_targets VALUES (?,?,?,?)", [&](Statement& s) {
            s.Bind(1, r.id).Bind(2, static_cast<int64_t>(i));
            s.Bind(3, r.targets[i].indicator).Bind(4, r.targets[i].target);
          }));
    }
    for (size_t i = 0; i < r.steps.size(); ++i) {
      const ProjectStepRow& t = r.steps[i];
      FUPIN_RETURN_IF_ERROR(
          Insert("INSERT INTO project_steps VALUES (?,?,?,?,?,?,?,?,?,?,?)", [&](Statement& s) {
            s.Bind(1, r.id).Bind(2, static_cast<int64_t>(i)).Bind(3, t.step).Bind(4, t.action);
            s.Bind(5, t.by).Bind(6, t.role).Bind(7, t.level).Bind(8, t.date).Bind(9, t.at);
            s.Bind(10, t.comment).Bind(11, t.to);
          }));
    }
    for (size_t i = 0; i < r.progress.size(); ++i) {
      const ProjectProgressRow& p = r.progress[i];
      FUPIN_RETURN_IF_ERROR(
          Insert("INSERT INTO project_progress VALUES (?,?,?,?,?,?,?)", [&](Statement& s) {
            s.Bind(1, r.id).Bind(2, static_cast<int64_t>(i)).Bind(3, p.date).Bind(4, p.percent);
            s.Bind(5, p.note).Bind(6, p.by).Bind(7, p.at);
          }));
    }
    for (size_t i = 0; i < r.assets.size(); ++i) {
      const ProjectAssetRow& a = r.assets[i];
      FUPIN_RETURN_IF_ERROR(
          Insert("INSERT INTO project_assets VALUES (?,?,?,?,?,?,?,?,?,?)", [&](Statement& s) {
            s.Bind(1, r.id).Bind(2, static_cast<int64_t>(i)).Bind(3, a.kind).Bind(4, a.name);
            s.Bind(5, a.value_fen).Bind(6, a.owner).Bind(7, a.keeper).Bind(8, a.date);
            s.Bind(9, a.by).Bind(10, a.at);
          }));
    }
    return Status::Ok();
  }

  Status Select(std::string_view sql, int64_t id, const std::function<void(const Statement&)>& f) {
    auto s = db_.Prepare(sql);
    if (!s.ok()) return s.error();
    s->Bind(1, id);
    return s->ForEachRow([&](const Statement& row) { f(row); });
  }

  // Budget, households and targets.
  Status ReadLists(ProjectRow& r) {
    FUPIN_RETURN_IF_ERROR(
        Select("SELECT source, amount_fen FROM project_budget WHERE project_id = ? ORDER BY source",
               r.id, [&](const Statement& s) {
                 r.budget.push_back({static_cast<int>(s.Int(0)), s.Int(1)});
               }));
    FUPIN_RETURN_IF_ERROR(
        Select("SELECT household_code FROM project_households WHERE project_id = ? ORDER BY 1",
               r.id, [&](const Statement& s) { r.households.push_back(s.Text(0)); }));
    return Select("SELECT indicator, target FROM project_targets WHERE project_id = ? ORDER BY seq",
                  r.id, [&](const Statement& s) {
                    r.targets.push_back({s.Text(0), s.Text(1)});
                  });
  }

  // Steps, progress and assets.
  Status ReadHistory(ProjectRow& r) {
    FUPIN_RETURN_IF_ERROR(Select(
        "SELECT step, action, by, role, level, date, at, comment, to_step FROM project_steps "
        "WHERE project_id = ? ORDER BY seq",
        r.id, [&](const Statement& s) {
          r.steps.push_back({s.Text(0), s.Text(1), s.Text(2), s.Text(3), s.Text(4), s.Text(5),
                             s.Text(6), s.Text(7), s.Text(8)});
        }));
    FUPIN_RETURN_IF_ERROR(
        Select("SELECT date, percent, note, by, at FROM project_progress WHERE project_id = ? "
               "ORDER BY seq",
               r.id, [&](const Statement& s) {
                 r.progress.push_back(
                     {s.Text(0), static_cast<int>(s.Int(1)), s.Text(2), s.Text(3), s.Text(4)});
               }));
    return Select(
        "SELECT kind, name, value_fen, owner, keeper, date, by, at FROM project_assets WHERE "
        "project_id = ? ORDER BY seq",
        r.id, [&](const Statement& s) {
          r.assets.push_back({static_cast<int>(s.Int(0)), s.Text(1), s.Int(2), s.Text(3), s.Text(4),
                              s.Text(5), s.Text(6), s.Text(7)});
        });
  }

  Database& db_;
};

}  // namespace

std::unique_ptr<ProjectStore> NewSqliteProjectStore(Database& db) {
  return std::make_unique<SqliteProjectStore>(db);
}

}  // namespace fupin
