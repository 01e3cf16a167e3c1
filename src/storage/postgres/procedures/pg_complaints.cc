#include "storage/postgres/procedures/pg_complaints.h"

#include <algorithm>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "storage/postgres/pg_statements.h"

namespace fupin {
namespace {

using pg::Params;
using pg::Rows;
using pg::StatementCache;

#define FUPIN_COMPLAINT_COLUMNS                                                            \
  "id, channel, region_code, subject, text, name, phone, county_code, household_code, "    \
  "received_on, due_on, state, level_code, escalated_to, escalated_at, answer, evidence, " \
  "answered_by, answered_at, confirmed_at, satisfied, case_id, created_by, created_at"

constexpr std::string_view kColumns = FUPIN_COMPLAINT_COLUMNS;

// The id is SQLite's max(id) + 1, under the numbering lock (pg_statements.h LockIds).
constexpr std::string_view kInsert =
    "INSERT INTO complaints(id, channel, region_code, subject, text, name, phone, county_code, "
    "household_code, received_on, due_on, state, level_code, case_id, created_by, created_at) "
    "VALUES ((SELECT coalesce(max(id), 0) + 1 FROM complaints), $1, $2, $3, $4, $5, $6, $7, $8, "
    "$9, $10, $11, $12, $13, $14, $15) RETURNING id";
constexpr std::string_view kUpdate =
    "UPDATE complaints SET state = $1, level_code = $2, escalated_to = $3, escalated_at = $4, "
    "answer = $5, evidence = $6, answered_by = $7, answered_at = $8, confirmed_at = $9, "
    "satisfied = $10, case_id = $11 WHERE id = $12";
constexpr std::string_view kGet =
    "SELECT " FUPIN_COMPLAINT_COLUMNS " FROM complaints WHERE id = $1";
constexpr std::string_view kGetLocked =
    "SELECT " FUPIN_COMPLAINT_COLUMNS " FROM complaints WHERE id = $1 FOR UPDATE";
constexpr std::string_view kUnder =
    "SELECT " FUPIN_COMPLAINT_COLUMNS
    " FROM complaints WHERE region_code >= $1 AND region_code < $2 ORDER BY id";
constexpr std::string_view kDue =
    "SELECT " FUPIN_COMPLAINT_COLUMNS
    " FROM complaints WHERE state = 'open' AND escalated_to = 0 AND due_on < $1 ORDER BY id";
// In a transaction the sweep locks what it will escalate; a row another server escalated
// meanwhile is re-checked once its lock is free (READ COMMITTED) and left out.
constexpr std::string_view kDueLocked =
    "SELECT " FUPIN_COMPLAINT_COLUMNS
    " FROM complaints WHERE state = 'open' AND escalated_to = 0 AND due_on < $1 ORDER BY id "
    "FOR UPDATE";

#undef FUPIN_COMPLAINT_COLUMNS

ComplaintRow ReadComplaint(const Rows& rows, int i) {
  ComplaintRow r;
  r.id = rows.Int(i, 0);
  r.channel = rows.Text(i, 1);
  r.region_code = rows.Int(i, 2);
  r.subject = rows.Text(i, 3);
  r.text = rows.Text(i, 4);
  r.name = rows.Text(i, 5);
  r.phone = rows.Text(i, 6);
  r.county_code = rows.Int(i, 7);
  r.household_code = rows.Text(i, 8);
  r.received_on = rows.Text(i, 9);
  r.due_on = rows.Text(i, 10);
  r.state = rows.Text(i, 11);
  r.level_code = rows.Int(i, 12);
  r.escalated_to = rows.Int(i, 13);
  r.escalated_at = rows.Text(i, 14);
  r.answer = rows.Text(i, 15);
  r.evidence = rows.Text(i, 16);
  r.answered_by = rows.Text(i, 17);
  r.answered_at = rows.Text(i, 18);
  r.confirmed_at = rows.Text(i, 19);
  if (!rows.IsNull(i, 20)) r.satisfied = rows.Bool(i, 20);
  r.case_id = rows.Int(i, 21);
  r.created_by = rows.Text(i, 22);
  r.created_at = rows.Text(i, 23);
  return r;
}

std::vector<ComplaintRow> ReadAll(const Rows& rows) {
  std::vector<ComplaintRow> out;
  out.reserve(rows.size());
  for (int i = 0; i < rows.size(); ++i) out.push_back(ReadComplaint(rows, i));
  return out;
}

class PgComplaintStore final : public ComplaintStore {
 public:
  explicit PgComplaintStore(pg::Connection& db) : db_(db), statements_(db) {}

  Status InsertComplaint(ComplaintRow& r) override {
    Params p;
    p.Text(r.channel).Int(r.region_code).Text(r.subject).Text(r.text);
    p.Text(r.name).Text(r.phone).Int(r.county_code).Text(r.household_code);
    p.Text(r.received_on).Text(r.due_on).Text(r.state).Int(r.level_code);
    p.Int(r.case_id).Text(r.created_by).Text(r.created_at);
    return pg::InTransaction(db_, [&]() -> Status {
      FUPIN_RETURN_IF_ERROR(pg::LockIds(statements_, "complaints"));
      auto inserted = statements_.Query(kInsert, p);
      if (!inserted.ok()) return inserted.error();
      r.id = inserted->Int(0, 0);
      return Status::Ok();
    });
  }

  Status UpdateComplaint(const ComplaintRow& r) override {
    Params p;
    p.Text(r.state).Int(r.level_code).Int(r.escalated_to).Text(r.escalated_at);
    p.Text(r.answer).Text(r.evidence).Text(r.answered_by).Text(r.answered_at);
    p.Text(r.confirmed_at);
    if (r.satisfied) {
      p.Bool(*r.satisfied);
    } else {
      p.Null();
    }
    p.Int(r.case_id).Int(r.id);
    auto updated = statements_.Run(kUpdate, p);
    if (!updated.ok()) return updated.error();
    return Status::Ok();
  }

  Result<std::optional<ComplaintRow>> GetComplaint(int64_t id) override {
    auto rows = statements_.Query(pg::LocksRows(db_) ? kGetLocked : kGet, Params().Int(id));
    if (!rows.ok()) return rows.error();
    if (rows->size() == 0) return std::optional<ComplaintRow>();
    return std::optional<ComplaintRow>(ReadComplaint(*rows, 0));
  }

  Result<ComplaintPage> SearchComplaints(const ComplaintQuery& q) override {
    // The filters of sqlite_complaints.cc, their parameters numbered in the order they apply.
    Params p;
    std::string where = " WHERE region_code >= $1 AND region_code < $2";
    p.Int(q.region.subtree_lo()).Int(q.region.subtree_hi());
    auto param = [&]() { return pg::Placeholder(p.size()); };
    if (!q.state.empty()) {
      p.Text(q.state);
      where += " AND state = " + param();
    }
    if (!q.overdue_on.empty()) {
      p.Text(q.overdue_on);
      where += " AND state = 'open' AND due_on < " + param();
    }
    if (q.desk != 0) {
      p.Int(q.desk);
      where += " AND (region_code = " + param() + " OR level_code = " + param() + ")";
    }
    ComplaintPage page;
    auto count = statements_.Query("SELECT count(*) FROM complaints" + where, p);
    if (!count.ok()) return count.error();
    page.total = count->Int(0, 0);
    // LIMIT NULL is no limit (SQLite's -1); a negative offset is SQLite's 0.
    pg::Page(p, q.limit, q.offset);
    const std::string sql = "SELECT " + std::string(kColumns) + " FROM complaints" + where +
                            " ORDER BY id LIMIT " + pg::Placeholder(p.size() - 1) + " OFFSET " +
                            pg::Placeholder(p.size());
    auto rows = statements_.Query(sql, p);
    if (!rows.ok()) return rows.error();
    page.items = ReadAll(*rows);
    return page;
  }

  Result<std::vector<ComplaintRow>> ComplaintsUnder(RegionCode region) override {
    auto rows =
        statements_.Query(kUnder, Params().Int(region.subtree_lo()).Int(region.subtree_hi()));
    if (!rows.ok()) return rows.error();
    return ReadAll(*rows);
  }

  Result<std::vector<ComplaintRow>> DueForEscalation(const std::string& today) override {
    auto rows = statements_.Query(pg::LocksRows(db_) ? kDueLocked : kDue, Params().Text(today));
    if (!rows.ok()) return rows.error();
    return ReadAll(*rows);
  }

 private:
  pg::Connection& db_;
  StatementCache statements_;
};

}  // namespace

std::unique_ptr<ComplaintStore> NewPgComplaintStore(pg::Connection& db) {
  return std::make_unique<PgComplaintStore>(db);
}

}  // namespace fupin
