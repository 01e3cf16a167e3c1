#include "storage/postgres/procedures/pg_cases.h"

#include <algorithm>
#include <string>
#include <string_view>
#include <utility>

#include "storage/postgres/pg_statements.h"

namespace fupin {
namespace {

using pg::Params;
using pg::Rows;
using pg::StatementCache;

#define FUPIN_CASE_COLUMNS                                                                    \
  "id, kind, household_code, village_code, year, state, step_index, notice_start, "           \
  "notice_closes_on, opened_by, opened_on, opened_at, checked_by, clue_date, due_on, cause, " \
  "reason, finding, monitor_type, risk_types, source, labor_override, method, closed_at"

constexpr std::string_view kCaseColumns = FUPIN_CASE_COLUMNS;

// The id is SQLite's max(id) + 1, under the numbering lock (pg_statements.h LockIds).
// A second open case of the household (the partial unique index cases_one_open) inserts
// nothing: E_CASE_OPEN without aborting the transaction, as SQLite's failed statement.
constexpr std::string_view kInsertCase =
    "INSERT INTO cases(id, kind, household_code, village_code, year, state, step_index, "
    "notice_start, notice_closes_on, opened_by, opened_on, opened_at, checked_by, clue_date, "
    "due_on, cause, reason, finding, monitor_type, risk_types, source, labor_override, method, "
    "closed_at, step, level) VALUES ((SELECT coalesce(max(id), 0) + 1 FROM cases), $1, $2, $3, "
    "$4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, "
    "$23, $24, $25) ON CONFLICT (household_code) WHERE state = 'open' DO NOTHING RETURNING id";
constexpr std::string_view kUpdateCase =
    "UPDATE cases SET kind = $1, household_code = $2, village_code = $3, year = $4, state = $5, "
    "step_index = $6, notice_start = $7, notice_closes_on = $8, opened_by = $9, opened_on = $10, "
    "opened_at = $11, checked_by = $12, clue_date = $13, due_on = $14, cause = $15, reason = $16, "
    "finding = $17, monitor_type = $18, risk_types = $19, source = $20, labor_override = $21, "
    "method = $22, closed_at = $23, step = $24, level = $25 WHERE id = $26";
constexpr std::string_view kInsertStep =
    "INSERT INTO case_steps(case_id, seq, step, action, actor, level, role, at, date, comment, "
    "attachments, to_step) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)";
constexpr std::string_view kGetCase = "SELECT " FUPIN_CASE_COLUMNS " FROM cases WHERE id = $1";
constexpr std::string_view kGetCaseLocked =
    "SELECT " FUPIN_CASE_COLUMNS " FROM cases WHERE id = $1 FOR UPDATE";
constexpr std::string_view kOpenCaseOf =
    "SELECT id FROM cases WHERE household_code = $1 AND state = 'open'";
constexpr std::string_view kCasesOf =
    "SELECT " FUPIN_CASE_COLUMNS " FROM cases WHERE household_code = $1 ORDER BY id DESC";
constexpr std::string_view kLoadSteps =
    "SELECT step, action, actor, level, role, at, date, comment, attachments, to_step "
    "FROM case_steps WHERE case_id = $1 ORDER BY seq";

#undef FUPIN_CASE_COLUMNS

std::optional<Date> DateColumn(const Rows& rows, int row, int column) {
  if (rows.IsNull(row, column)) return std::nullopt;
  Result<Date> d = Date::Parse(rows.TextView(row, column));
  if (!d.ok()) return std::nullopt;
  return *d;
}

Params& DateOrNull(Params& p, const std::optional<Date>& d) {
  return d ? p.Text(d->ToString()) : p.Null();
}

StoredCase ReadCase(const Rows& rows, int i) {
  StoredCase c;
  c.id = rows.Int(i, 0);
  c.value.kind = ParseProcedureKind(rows.TextView(i, 1)).value_or(ProcedureKind::kIdentify);
  c.household_code = rows.Text(i, 2);
  c.village_code = RegionCode::FromInt(rows.Int(i, 3));
  c.value.year = static_cast<int>(rows.Int(i, 4));
  const std::string_view state = rows.TextView(i, 5);
  c.value.state = state == "open"   ? CaseState::kOpen
                  : state == "done" ? CaseState::kDone
                                    : CaseState::kRejected;
  c.value.step_index = static_cast<size_t>(rows.Int(i, 6));
  if (auto start = DateColumn(rows, i, 7), closes = DateColumn(rows, i, 8); start && closes) {
    c.value.notice = Notice{*start, *closes};
  }
  c.value.opened_by = rows.Text(i, 9);
  c.value.opened_on = DateColumn(rows, i, 10).value_or(Date());
  c.opened_at = rows.Text(i, 11);
  c.value.checked_by = rows.Text(i, 12);
  c.value.clue_date = DateColumn(rows, i, 13);
  c.due_on = DateColumn(rows, i, 14);
  auto optional_int = [&](int column) {
    return rows.IsNull(i, column) ? kNone : static_cast<int>(rows.Int(i, column));
  };
  c.params.cause = optional_int(15);
  c.params.reason = rows.Text(i, 16);
  c.params.finding = rows.IsNull(i, 17) ? 0 : rows.Int(i, 17);
  c.params.monitor_type = optional_int(18);
  c.params.risk_types = CodeSet::FromBits(static_cast<uint64_t>(rows.Int(i, 19)));
  c.params.source = rows.Text(i, 20);
  c.params.labor_override = rows.Text(i, 21);
  c.params.method = optional_int(22);
  c.closed_at = rows.IsNull(i, 23) ? "" : rows.Text(i, 23);
  return c;
}

// The level of the current step of an open case; NULL once it is closed.
std::optional<std::string_view> CurrentLevel(const Case& c) {
  if (c.state != CaseState::kOpen) return std::nullopt;
  return LevelKey(Steps(c.kind)[c.step_index].level);
}

// $1 … $25 of kInsertCase and kUpdateCase, as sqlite_cases.cc binds them.
Params RowParams(const StoredCase& c) {
  const Case& v = c.value;
  Params p;
  p.Text(ProcedureKindKey(v.kind)).Text(c.household_code).Int(c.village_code.value());
  p.Int(v.year).Text(CaseStateKey(v.state)).Int(static_cast<int64_t>(v.step_index));
  DateOrNull(p, v.notice ? std::optional<Date>(v.notice->start) : std::nullopt);
  DateOrNull(p, v.notice ? std::optional<Date>(v.notice->closes_on) : std::nullopt);
  p.Text(v.opened_by).Text(v.opened_on.ToString()).Text(c.opened_at).Text(v.checked_by);
  DateOrNull(p, v.clue_date);
  DateOrNull(p, c.due_on);
  const CaseParams& cp = c.params;
  pg::IntOrNull(p, cp.cause, kNone);
  p.Text(cp.reason);
  pg::IntOrNull(p, cp.finding, 0);
  pg::IntOrNull(p, cp.monitor_type, kNone);
  p.Int(static_cast<int64_t>(cp.risk_types.bits()));
  p.Text(cp.source).Text(cp.labor_override);
  pg::IntOrNull(p, cp.method, kNone);
  if (c.closed_at.empty()) {
    p.Null();
  } else {
    p.Text(c.closed_at);
  }
  if (auto level = CurrentLevel(v)) {
    p.Text(StepKey(v.current_step())).Text(*level);
  } else {
    p.Null().Null();
  }
  return p;
}

class PgCaseStore final : public CaseStore {
 public:
  explicit PgCaseStore(pg::Connection& db) : db_(db), statements_(db) {}

  Status InsertCase(StoredCase& c) override {
    return pg::InTransaction(db_, [&]() -> Status {
      FUPIN_RETURN_IF_ERROR(pg::LockIds(statements_, "cases"));
      auto inserted = statements_.Query(kInsertCase, RowParams(c));
      if (!inserted.ok()) return inserted.error();
      if (inserted->size() == 0) {
        return Error{"E_CASE_OPEN", "该户已有未办结的办件：" + c.household_code,
                     "the household already has an open case: " + c.household_code};
      }
      c.id = inserted->Int(0, 0);
      return InsertSteps(c, 0);
    });
  }

  Status UpdateCase(const StoredCase& c, size_t first_new_step) override {
    return pg::InTransaction(db_, [&]() -> Status {
      Params p = RowParams(c);
      p.Int(c.id);
      auto updated = statements_.Run(kUpdateCase, p);
      if (!updated.ok()) return updated.error();
      return InsertSteps(c, first_new_step);
    });
  }

  Result<std::optional<StoredCase>> GetCase(int64_t id) override {
    auto rows = statements_.Query(pg::LocksRows(db_) ? kGetCaseLocked : kGetCase, Params().Int(id));
    if (!rows.ok()) return rows.error();
    std::optional<StoredCase> out;
    if (rows->size() == 0) return out;
    out = ReadCase(*rows, 0);
    FUPIN_RETURN_IF_ERROR(LoadSteps(*out));
    return out;
  }

  Result<std::optional<int64_t>> OpenCaseOf(const std::string& household_code) override {
    auto rows = statements_.Query(kOpenCaseOf, Params().Text(household_code));
    if (!rows.ok()) return rows.error();
    std::optional<int64_t> out;
    if (rows->size() > 0) out = rows->Int(0, 0);
    return out;
  }

  Result<std::vector<StoredCase>> CasesOf(const std::string& household_code) override {
    auto rows = statements_.Query(kCasesOf, Params().Text(household_code));
    if (!rows.ok()) return rows.error();
    std::vector<StoredCase> out;
    out.reserve(rows->size());
    for (int i = 0; i < rows->size(); ++i) out.push_back(ReadCase(*rows, i));
    for (StoredCase& c : out) FUPIN_RETURN_IF_ERROR(LoadSteps(c));
    return out;
  }

  Result<CasePage> SearchCases(const CaseQuery& q) override {
    // The filters of sqlite_cases.cc, their parameters numbered in the order they apply.
    Params p;
    std::string where = " WHERE village_code >= $1 AND village_code < $2";
    p.Int(q.region.subtree_lo()).Int(q.region.subtree_hi());
    auto param = [&]() { return pg::Placeholder(p.size()); };
    if (q.kind) {
      p.Text(ProcedureKindKey(*q.kind));
      where += " AND kind = " + param();
    }
    if (q.state) {
      p.Text(CaseStateKey(*q.state));
      where += " AND state = " + param();
    }
    if (!q.household_code.empty()) {
      p.Text(q.household_code);
      where += " AND household_code = " + param();
    }
    if (q.waiting_at) {
      where += " AND state = 'open'";
      if (*q.waiting_at != Level::kAdmin) {
        p.Text(LevelKey(*q.waiting_at));
        where += " AND level = " + param();
      }
    }
    if (q.overdue_on) {
      p.Text(q.overdue_on->ToString());
      where += " AND state = 'open' AND due_on < " + param();
    }
    if (q.closable_on) {
      p.Text(q.closable_on->ToString());
      where += " AND state = 'open' AND notice_closes_on <= " + param();
    }
    if (!q.assigned_to.empty()) {
      p.Text(q.assigned_to);
      where +=
          " AND EXISTS (SELECT 1 FROM helper_assignments a WHERE a.household_code = "
          "cases.household_code AND a.username = " +
          param() + ")";
    }
    CasePage page;
    auto count = statements_.Query("SELECT count(*) FROM cases" + where, p);
    if (!count.ok()) return count.error();
    page.total = count->Int(0, 0);
    std::string sql =
        "SELECT " + std::string(kCaseColumns) + " FROM cases" + where + " ORDER BY id DESC";
    if (q.limit > 0) {  // as SQLite: without a limit, the offset is ignored too
      p.Int(q.limit);
      sql += " LIMIT " + param();
      p.Int(std::max<int64_t>(q.offset, 0));  // SQLite reads a negative offset as 0
      sql += " OFFSET " + param();
    }
    auto rows = statements_.Query(sql, p);
    if (!rows.ok()) return rows.error();
    page.items.reserve(rows->size());
    for (int i = 0; i < rows->size(); ++i) page.items.push_back(ReadCase(*rows, i));
    return page;
  }

 private:
  Status InsertSteps(const StoredCase& c, size_t first) {
    for (size_t i = first; i < c.value.steps.size(); ++i) {
      const StepRecord& r = c.value.steps[i];
      const StepMeta meta = i < c.meta.size() ? c.meta[i] : StepMeta{};
      Params p;
      p.Int(c.id).Int(static_cast<int64_t>(i)).Text(StepKey(r.step));
      p.Text(ActionKindKey(r.action)).Text(r.actor).Text(LevelKey(r.level));
      p.Text(meta.role).Text(meta.at).Text(r.date.ToString()).Text(r.comment);
      p.Int(r.attachments);
      if (r.to) {
        p.Text(StepKey(*r.to));
      } else {
        p.Null();
      }
      auto inserted = statements_.Run(kInsertStep, p);
      if (!inserted.ok()) return inserted.error();
    }
    return Status::Ok();
  }

  Status LoadSteps(StoredCase& c) {
    auto rows = statements_.Query(kLoadSteps, Params().Int(c.id));
    if (!rows.ok()) return rows.error();
    c.value.steps.clear();
    c.meta.clear();
    for (int i = 0; i < rows->size(); ++i) {
      StepRecord r;
      r.step = ParseStep(rows->TextView(i, 0)).value_or(Step::kApply);
      const std::string_view action = rows->TextView(i, 1);
      r.action = action == "objection" ? ActionKind::kObjection
                 : action == "return"  ? ActionKind::kReturn
                 : action == "reject"  ? ActionKind::kReject
                                       : ActionKind::kAdvance;
      r.actor = rows->Text(i, 2);
      const std::string_view level = rows->TextView(i, 3);
      r.level = level == "T"       ? Level::kTownship
                : level == "C"     ? Level::kCounty
                : level == "admin" ? Level::kAdmin
                                   : Level::kVillage;
      r.date = DateColumn(*rows, i, 6).value_or(Date());
      r.comment = rows->Text(i, 7);
      r.attachments = static_cast<int>(rows->Int(i, 8));
      if (!rows->IsNull(i, 9)) r.to = ParseStep(rows->TextView(i, 9));
      c.value.steps.push_back(std::move(r));
      c.meta.push_back({rows->Text(i, 4), rows->Text(i, 5)});
    }
    return Status::Ok();
  }

  pg::Connection& db_;
  StatementCache statements_;
};

}  // namespace

std::unique_ptr<CaseStore> NewPgCaseStore(pg::Connection& db) {
  return std::make_unique<PgCaseStore>(db);
}

}  // namespace fupin
