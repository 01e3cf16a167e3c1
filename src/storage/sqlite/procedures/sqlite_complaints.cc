#include "storage/sqlite/procedures/sqlite_complaints.h"

#include <sqlite3.h>

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace fupin {
namespace {

using sqlite::Database;
using sqlite::Statement;

constexpr std::string_view kColumns =
    "id, channel, region_code, subject, text, name, phone, county_code, household_code, "
    "received_on, due_on, state, level_code, escalated_to, escalated_at, answer, evidence, "
    "answered_by, answered_at, confirmed_at, satisfied, case_id, created_by, created_at";

ComplaintRow ReadComplaint(const Statement& s) {
  ComplaintRow r;
  r.id = s.Int(0);
  r.channel = s.Text(1);
  r.region_code = s.Int(2);
  r.subject = s.Text(3);
  r.text = s.Text(4);
  r.name = s.Text(5);
  r.phone = s.Text(6);
  r.county_code = s.Int(7);
  r.household_code = s.Text(8);
  r.received_on = s.Text(9);
  r.due_on = s.Text(10);
  r.state = s.Text(11);
  r.level_code = s.Int(12);
  r.escalated_to = s.Int(13);
  r.escalated_at = s.Text(14);
  r.answer = s.Text(15);
  r.evidence = s.Text(16);
  r.answered_by = s.Text(17);
  r.answered_at = s.Text(18);
  r.confirmed_at = s.Text(19);
  if (!s.IsNull(20)) r.satisfied = s.Int(20) != 0;
  r.case_id = s.Int(21);
  r.created_by = s.Text(22);
  r.created_at = s.Text(23);
  return r;
}

class SqliteComplaintStore final : public ComplaintStore {
 public:
  explicit SqliteComplaintStore(Database& db) : db_(db) {}

  Status InsertComplaint(ComplaintRow& r) override {
    auto s = db_.Prepare(
        "INSERT INTO complaints(channel, region_code, subject, text, name, phone, county_code, "
        "household_code, received_on, due_on, state, level_code, case_id, created_by, "
        "created_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
    if (!s.ok()) return s.error();
    s->Bind(1, r.channel).Bind(2, r.region_code).Bind(3, r.subject).Bind(4, r.text);
    s->Bind(5, r.name).Bind(6, r.phone).Bind(7, r.county_code).Bind(8, r.household_code);
    s->Bind(9, r.received_on).Bind(10, r.due_on).Bind(11, r.state).Bind(12, r.level_code);
    s->Bind(13, r.case_id).Bind(14, r.created_by).Bind(15, r.created_at);
    FUPIN_RETURN_IF_ERROR(s->Run());
    r.id = sqlite3_last_insert_rowid(db_.handle());
    return Status::Ok();
  }

  Status UpdateComplaint(const ComplaintRow& r) override {
    auto s = db_.Prepare(
        "UPDATE complaints SET state = ?, level_code = ?, escalated_to = ?, escalated_at = ?, "
        "answer = ?, evidence = ?, answered_by = ?, answered_at = ?, confirmed_at = ?, "
        "satisfied = ?, case_id = ? WHERE id = ?");
    if (!s.ok()) return s.error();
    s->Bind(1, r.state).Bind(2, r.level_code).Bind(3, r.escalated_to).Bind(4, r.escalated_at);
    s->Bind(5, r.answer).Bind(6, r.evidence).Bind(7, r.answered_by).Bind(8, r.answered_at);
    s->Bind(9, r.confirmed_at);
    if (r.satisfied) {
      s->Bind(10, *r.satisfied ? 1 : 0);
    } else {
      s->BindNull(10);
    }
    s->Bind(11, r.case_id).Bind(12, r.id);
    return s->Run();
  }

  Result<std::optional<ComplaintRow>> GetComplaint(int64_t id) override {
    auto s = db_.Prepare("SELECT " + std::string(kColumns) + " FROM complaints WHERE id = ?");
    if (!s.ok()) return s.error();
    s->Bind(1, id);
    auto more = s->Step();
    if (!more.ok()) return more.error();
    if (!*more) return std::optional<ComplaintRow>();
    return std::optional<ComplaintRow>(ReadComplaint(*s));
  }

  Result<ComplaintPage> SearchComplaints(const ComplaintQuery& q) override {
    std::string where = " WHERE region_code >= ?1 AND region_code < ?2";
    if (!q.state.empty()) where += " AND state = ?3";
    if (!q.overdue_on.empty()) where += " AND state = 'open' AND due_on < ?4";
    if (q.desk != 0) where += " AND (region_code = ?5 OR level_code = ?5)";
    auto bind = [&](Statement& s) {
      s.Bind(1, q.region.subtree_lo()).Bind(2, q.region.subtree_hi());
      if (!q.state.empty()) s.Bind(3, q.state);
      if (!q.overdue_on.empty()) s.Bind(4, q.overdue_on);
      if (q.desk != 0) s.Bind(5, q.desk);
    };
    ComplaintPage page;
    auto count = db_.Prepare("SELECT count(*) FROM complaints" + where);
    if (!count.ok()) return count.error();
    bind(*count);
    auto more = count->Step();
    if (!more.ok()) return more.error();
    page.total = count->Int(0);
    std::string sql = "SELECT " + std::string(kColumns) + " FROM complaints" + where +
                      " ORDER BY id LIMIT ?6 OFFSET ?7";
    auto s = db_.Prepare(sql);
    if (!s.ok()) return s.error();
    bind(*s);
    s->Bind(6, q.limit > 0 ? q.limit : int64_t{-1}).Bind(7, q.offset);
    FUPIN_RETURN_IF_ERROR(
        s->ForEachRow([&](const Statement& row) { page.items.push_back(ReadComplaint(row)); }));
    return page;
  }

  Result<std::vector<ComplaintRow>> ComplaintsUnder(RegionCode region) override {
    auto s = db_.Prepare("SELECT " + std::string(kColumns) +
                         " FROM complaints WHERE region_code >= ? AND region_code < ? ORDER BY id");
    if (!s.ok()) return s.error();
    s->Bind(1, region.subtree_lo()).Bind(2, region.subtree_hi());
    std::vector<ComplaintRow> out;
    FUPIN_RETURN_IF_ERROR(
        s->ForEachRow([&](const Statement& row) { out.push_back(ReadComplaint(row)); }));
    return out;
  }

  Result<std::vector<ComplaintRow>> DueForEscalation(const std::string& today) override {
    auto s = db_.Prepare("SELECT " + std::string(kColumns) +
                         " FROM complaints WHERE state = 'open' AND escalated_to = 0 AND "
                         "due_on < ? ORDER BY id");
    if (!s.ok()) return s.error();
    s->Bind(1, today);
    std::vector<ComplaintRow> out;
    FUPIN_RETURN_IF_ERROR(
        s->ForEachRow([&](const Statement& row) { out.push_back(ReadComplaint(row)); }));
    return out;
  }

 private:
  Database& db_;
};

}  // namespace

std::unique_ptr<ComplaintStore> NewSqliteComplaintStore(Database& db) {
  return std::make_unique<SqliteComplaintStore>(db);
}

}  // namespace fupin
