#include "storage/sqlite/procedures/sqlite_cases.h"

#include <sqlite3.h>

#include <string>
#include <string_view>
#include <utility>

namespace fupin {
namespace {

using sqlite::Database;
using sqlite::Statement;

constexpr std::string_view kCaseColumns =
    "id, kind, household_code, village_code, year, state, step_index, notice_start, "
    "notice_closes_on, opened_by, opened_on, opened_at, checked_by, clue_date, due_on, cause, "
    "reason, finding, monitor_type, risk_types, source, labor_override, method, closed_at";

std::optional<Date> DateColumn(const Statement& s, int column) {
  if (s.IsNull(column)) return std::nullopt;
  Result<Date> d = Date::Parse(s.TextView(column));
  if (!d.ok()) return std::nullopt;
  return *d;
}

void BindDate(Statement& s, int index, const std::optional<Date>& d) {
  if (d) {
    s.Bind(index, d->ToString());
  } else {
    s.BindNull(index);
  }
}

StoredCase ReadCase(const Statement& s) {
  StoredCase c;
  c.id = s.Int(0);
  c.value.kind = ParseProcedureKind(s.TextView(1)).value_or(ProcedureKind::kIdentify);
  c.household_code = s.Text(2);
  c.village_code = RegionCode::FromInt(s.Int(3));
  c.value.year = static_cast<int>(s.Int(4));
  const std::string_view state = s.TextView(5);
  c.value.state = state == "open"   ? CaseState::kOpen
                  : state == "done" ? CaseState::kDone
                                    : CaseState::kRejected;
  c.value.step_index = static_cast<size_t>(s.Int(6));
  if (auto start = DateColumn(s, 7), closes = DateColumn(s, 8); start && closes) {
    c.value.notice = Notice{*start, *closes};
  }
  c.value.opened_by = s.Text(9);
  c.value.opened_on = DateColumn(s, 10).value_or(Date());
  c.opened_at = s.Text(11);
  c.value.checked_by = s.Text(12);
  c.value.clue_date = DateColumn(s, 13);
  c.due_on = DateColumn(s, 14);
  auto optional_int = [&](int column) {
    return s.IsNull(column) ? kNone : static_cast<int>(s.Int(column));
  };
  c.params.cause = optional_int(15);
  c.params.reason = s.Text(16);
  c.params.finding = s.IsNull(17) ? 0 : s.Int(17);
  c.params.monitor_type = optional_int(18);
  c.params.risk_types = CodeSet::FromBits(static_cast<uint64_t>(s.Int(19)));
  c.params.source = s.Text(20);
  c.params.labor_override = s.Text(21);
  c.params.method = optional_int(22);
  c.closed_at = s.IsNull(23) ? "" : s.Text(23);
  return c;
}

// The level of the current step of an open case; NULL once it is closed.
std::optional<std::string_view> CurrentLevel(const Case& c) {
  if (c.state != CaseState::kOpen) return std::nullopt;
  return LevelKey(Steps(c.kind)[c.step_index].level);
}

class SqliteCaseStore final : public CaseStore {
 public:
  explicit SqliteCaseStore(Database& db) : db_(db) {}

  Status InsertCase(StoredCase& c) override {
    auto s = db_.Prepare(
        "INSERT INTO cases(kind, household_code, village_code, year, state, step_index, "
        "notice_start, notice_closes_on, opened_by, opened_on, opened_at, checked_by, "
        "clue_date, due_on, cause, reason, finding, monitor_type, risk_types, source, "
        "labor_override, method, closed_at, step, level) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,"
        "?10,?11,?12,?13,?14,?15,?16,?17,?18,?19,?20,?21,?22,?23,?24,?25)");
    if (!s.ok()) return s.error();
    BindRow(*s, c);
    if (Status st = s->Run(); !st.ok()) {
      if (st.error().code == "E_CONFLICT") {
        return Error{"E_CASE_OPEN", "该户已有未办结的办件：" + c.household_code,
                     "the household already has an open case: " + c.household_code};
      }
      return st;
    }
    c.id = sqlite3_last_insert_rowid(db_.handle());
    return InsertSteps(c, 0);
  }

  Status UpdateCase(const StoredCase& c, size_t first_new_step) override {
    auto s = db_.Prepare(
        "UPDATE cases SET kind = ?1, household_code = ?2, village_code = ?3, year = ?4, "
        "state = ?5, step_index = ?6, notice_start = ?7, notice_closes_on = ?8, opened_by = ?9, "
        "opened_on = ?10, opened_at = ?11, checked_by = ?12, clue_date = ?13, due_on = ?14, "
        "cause = ?15, reason = ?16, finding = ?17, monitor_type = ?18, risk_types = ?19, "
        "source = ?20, labor_override = ?21, method = ?22, closed_at = ?23, step = ?24, "
        "level = ?25 WHERE id = ?26");
    if (!s.ok()) return s.error();
    BindRow(*s, c);
    s->Bind(26, c.id);
    FUPIN_RETURN_IF_ERROR(s->Run());
    return InsertSteps(c, first_new_step);
  }

  Result<std::optional<StoredCase>> GetCase(int64_t id) override {
    auto s = db_.Prepare("SELECT " + std::string(kCaseColumns) + " FROM cases WHERE id = ?");
    if (!s.ok()) return s.error();
    s->Bind(1, id);
    auto row = s->Step();
    if (!row.ok()) return row.error();
    std::optional<StoredCase> out;
    if (!*row) return out;
    out = ReadCase(*s);
    FUPIN_RETURN_IF_ERROR(LoadSteps(*out));
    return out;
  }

  Result<std::optional<int64_t>> OpenCaseOf(const std::string& household_code) override {
    auto s = db_.Prepare("SELECT id FROM cases WHERE household_code = ? AND state = 'open'");
    if (!s.ok()) return s.error();
    s->Bind(1, household_code);
    auto row = s->Step();
    if (!row.ok()) return row.error();
    std::optional<int64_t> out;
    if (*row) out = s->Int(0);
    return out;
  }

  Result<std::vector<StoredCase>> CasesOf(const std::string& household_code) override {
    auto s = db_.Prepare("SELECT " + std::string(kCaseColumns) +
                         " FROM cases WHERE household_code = ? ORDER BY id DESC");
    if (!s.ok()) return s.error();
    s->Bind(1, household_code);
    std::vector<StoredCase> out;
    FUPIN_RETURN_IF_ERROR(s->ForEachRow([&](Statement& st) { out.push_back(ReadCase(st)); }));
    for (StoredCase& c : out) FUPIN_RETURN_IF_ERROR(LoadSteps(c));
    return out;
  }

  Result<CasePage> SearchCases(const CaseQuery& q) override {
    std::string where = " WHERE village_code >= ?1 AND village_code < ?2";
    if (q.kind) where += " AND kind = ?3";
    if (q.state) where += " AND state = ?4";
    if (!q.household_code.empty()) where += " AND household_code = ?5";
    if (q.waiting_at) {
      where += " AND state = 'open'";
      if (*q.waiting_at != Level::kAdmin) where += " AND level = ?6";
    }
    if (q.overdue_on) where += " AND state = 'open' AND due_on < ?7";
    if (q.closable_on) where += " AND state = 'open' AND notice_closes_on <= ?8";
    if (!q.assigned_to.empty()) {
      where +=
          " AND EXISTS (SELECT 1 FROM helper_assignments a WHERE a.household_code = "
          "cases.household_code AND a.username = ?9)";
    }
    auto bind = [&](Statement& s) {
      s.Bind(1, q.region.subtree_lo()).Bind(2, q.region.subtree_hi());
      if (q.kind) s.Bind(3, ProcedureKindKey(*q.kind));
      if (q.state) s.Bind(4, CaseStateKey(*q.state));
      if (!q.household_code.empty()) s.Bind(5, q.household_code);
      if (q.waiting_at && *q.waiting_at != Level::kAdmin) s.Bind(6, LevelKey(*q.waiting_at));
      if (q.overdue_on) s.Bind(7, q.overdue_on->ToString());
      if (q.closable_on) s.Bind(8, q.closable_on->ToString());
      if (!q.assigned_to.empty()) s.Bind(9, q.assigned_to);
    };
    CasePage page;
    auto count = db_.Prepare("SELECT count(*) FROM cases" + where);
    if (!count.ok()) return count.error();
    bind(*count);
    auto counted = count->Step();
    if (!counted.ok()) return counted.error();
    page.total = count->Int(0);
    std::string sql =
        "SELECT " + std::string(kCaseColumns) + " FROM cases" + where + " ORDER BY id DESC";
    if (q.limit > 0) {
      sql += " LIMIT " + std::to_string(q.limit) + " OFFSET " + std::to_string(q.offset);
    }
    auto s = db_.Prepare(sql);
    if (!s.ok()) return s.error();
    bind(*s);
    FUPIN_RETURN_IF_ERROR(
        s->ForEachRow([&](Statement& st) { page.items.push_back(ReadCase(st)); }));
    return page;
  }

 private:
  void BindRow(Statement& s, const StoredCase& c) {
    const Case& v = c.value;
    s.Bind(1, ProcedureKindKey(v.kind)).Bind(2, c.household_code);
    s.Bind(3, c.village_code.value()).Bind(4, v.year).Bind(5, CaseStateKey(v.state));
    s.Bind(6, static_cast<int64_t>(v.step_index));
    BindDate(s, 7, v.notice ? std::optional<Date>(v.notice->start) : std::nullopt);
    BindDate(s, 8, v.notice ? std::optional<Date>(v.notice->closes_on) : std::nullopt);
    s.Bind(9, v.opened_by).Bind(10, v.opened_on.ToString()).Bind(11, c.opened_at);
    s.Bind(12, v.checked_by);
    BindDate(s, 13, v.clue_date);
    BindDate(s, 14, c.due_on);
    const CaseParams& p = c.params;
    auto optional_int = [&](int index, int64_t value, int64_t none) {
      if (value == none) {
        s.BindNull(index);
      } else {
        s.Bind(index, value);
      }
    };
    optional_int(15, p.cause, kNone);
    s.Bind(16, p.reason);
    optional_int(17, p.finding, 0);
    optional_int(18, p.monitor_type, kNone);
    s.Bind(19, static_cast<int64_t>(p.risk_types.bits()));
    s.Bind(20, p.source).Bind(21, p.labor_override);
    optional_int(22, p.method, kNone);
    if (c.closed_at.empty()) {
      s.BindNull(23);
    } else {
      s.Bind(23, c.closed_at);
    }
    if (auto level = CurrentLevel(v)) {
      s.Bind(24, StepKey(v.current_step()));
      s.Bind(25, *level);
    } else {
      s.BindNull(24);
      s.BindNull(25);
    }
  }

  Status InsertSteps(const StoredCase& c, size_t first) {
    if (first >= c.value.steps.size()) return Status::Ok();
    auto s = db_.Prepare(
        "INSERT INTO case_steps(case_id, seq, step, action, actor, level, role, at, date, "
        "comment, attachments, to_step) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)");
    if (!s.ok()) return s.error();
    for (size_t i = first; i < c.value.steps.size(); ++i) {
      const StepRecord& r = c.value.steps[i];
      const StepMeta meta = i < c.meta.size() ? c.meta[i] : StepMeta{};
      s->Bind(1, c.id).Bind(2, static_cast<int64_t>(i)).Bind(3, StepKey(r.step));
      s->Bind(4, ActionKindKey(r.action)).Bind(5, r.actor).Bind(6, LevelKey(r.level));
      s->Bind(7, meta.role).Bind(8, meta.at).Bind(9, r.date.ToString()).Bind(10, r.comment);
      s->Bind(11, r.attachments);
      if (r.to) {
        s->Bind(12, StepKey(*r.to));
      } else {
        s->BindNull(12);
      }
      FUPIN_RETURN_IF_ERROR(s->Run());
    }
    return Status::Ok();
  }

  Status LoadSteps(StoredCase& c) {
    auto s = db_.Prepare(
        "SELECT step, action, actor, level, role, at, date, comment, attachments, to_step "
        "FROM case_steps WHERE case_id = ? ORDER BY seq");
    if (!s.ok()) return s.error();
    s->Bind(1, c.id);
    c.value.steps.clear();
    c.meta.clear();
    return s->ForEachRow([&](Statement& st) {
      StepRecord r;
      r.step = ParseStep(st.TextView(0)).value_or(Step::kApply);
      const std::string_view action = st.TextView(1);
      r.action = action == "objection" ? ActionKind::kObjection
                 : action == "return"  ? ActionKind::kReturn
                 : action == "reject"  ? ActionKind::kReject
                                       : ActionKind::kAdvance;
      r.actor = st.Text(2);
      const std::string_view level = st.TextView(3);
      r.level = level == "T"       ? Level::kTownship
                : level == "C"     ? Level::kCounty
                : level == "admin" ? Level::kAdmin
                                   : Level::kVillage;
      r.date = DateColumn(st, 6).value_or(Date());
      r.comment = st.Text(7);
      r.attachments = static_cast<int>(st.Int(8));
      if (!st.IsNull(9)) r.to = ParseStep(st.TextView(9));
      c.value.steps.push_back(std::move(r));
      c.meta.push_back({st.Text(4), st.Text(5)});
    });
  }

  Database& db_;
};

}  // namespace

std::unique_ptr<CaseStore> NewSqliteCaseStore(Database& db) {
  return std::make_unique<SqliteCaseStore>(db);
}

}  // namespace fupin
