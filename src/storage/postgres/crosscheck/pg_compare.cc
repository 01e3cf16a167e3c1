#include "storage/postgres/crosscheck/pg_compare.h"

#include <algorithm>
#include <cstring>
#include <functional>
#include <optional>
#include <string_view>
#include <unordered_set>
#include <utility>
#include <vector>

#include "common/clock.h"
#include "storage/finding_batch.h"
#include "storage/postgres/pg_db.h"
#include "storage/postgres/pg_statements.h"

namespace fupin {
namespace {

using pg::Params;
using pg::Rows;

// ---- The SQL (text is ordered COLLATE "C": SQLite compares text byte by byte).

const std::string kListColumns =
    "id, kind, as_of, region_code, uploaded_by, uploaded_at, file_name, checksum, rows, "
    "matched, errors, findings, known";
const std::string kFindingColumns =
    "id, rule, subject, list_id, village_code, household_code, id_number, name, detail, row, "
    "status, reason, decided_by, decided_at, created_at";
const std::string kInsertColumns =
    "id, rule, subject, list_id, county_code, village_code, household_code, id_number, name, "
    "detail, row, status, reason, decided_by, decided_at, created_at";

// A list's id is the largest plus one (under LockIds), as SQLite's rowid.
const std::string kInsertList =
    "INSERT INTO department_lists(id, kind, as_of, region_code, uploaded_by, uploaded_at, "
    "file_name, checksum, rows, matched, errors, findings, known, id_keys) SELECT "
    "coalesce(max(id), 0) + 1, $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13 FROM "
    "department_lists RETURNING id";
const std::string kUpdateListCounts =
    "UPDATE department_lists SET matched = $1, errors = $2, findings = $3, known = $4 "
    "WHERE id = $5";
const std::string kLists = "SELECT " + kListColumns +
                           " FROM department_lists WHERE ($1::text = '' OR kind = $1) AND "
                           "region_code >= $2 AND region_code < $3 ORDER BY id DESC";
const std::string kPreviousList = "SELECT " + kListColumns +
                                  ", id_keys FROM department_lists WHERE kind = $1 AND "
                                  "region_code = $2 AND id < $3 ORDER BY id DESC LIMIT 1";

// The subjects of a rule, a chunk at a time after the last one read, along the unique
// index (rule, subject) in the database's own collation (its order: any order will do).
constexpr int kSubjectChunk = 65536;
const std::string kSubjectsFirst =
    "SELECT subject FROM findings WHERE rule = $1 ORDER BY subject LIMIT " +
    std::to_string(kSubjectChunk);
const std::string kSubjects =
    "SELECT subject FROM findings WHERE rule = $1 AND subject > $2 ORDER BY subject LIMIT " +
    std::to_string(kSubjectChunk);

const std::string kNextFindingId = "SELECT coalesce(max(id), 0) + 1 FROM findings";
// SQLite's INSERT OR IGNORE: a finding whose rule and subject are stored is skipped.
const std::string kInsertFinding = "INSERT INTO findings(" + kInsertColumns +
                                   ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, "
                                   "$12, $13, $14, $15, $16) ON CONFLICT DO NOTHING";
const std::string kGetFinding = "SELECT " + kFindingColumns + " FROM findings WHERE id = $1";
const std::string kDecideFinding =
    "UPDATE findings SET status = $1, reason = $2, decided_by = $3, decided_at = $4 "
    "WHERE id = $5";

// The findings of households helper $n is assigned to (as sqlite_compare.cc AssignedTo).
std::string AssignedTo(int parameter) {
  return " AND EXISTS (SELECT 1 FROM helper_assignments a WHERE a.county_code = "
         "findings.county_code AND a.household_code = findings.household_code AND "
         "a.username = $" +
         std::to_string(parameter) + ")";
}

// The rows a FindingQuery keeps ($1 … $5, $6 the helper when assigned_to is given).
const std::string kFilter =
    " FROM findings WHERE village_code >= $1 AND village_code < $2 AND ($3::text = '' OR "
    "rule = $3) AND ($4::text = '' OR status = $4) AND ($5::bigint = 0 OR list_id = $5)";
const std::string kCountFindings = "SELECT count(*)" + kFilter;
const std::string kCountAssignedFindings = "SELECT count(*)" + kFilter + AssignedTo(6);
// LIMIT NULL is LIMIT ALL.
const std::string kPage = "SELECT " + kFindingColumns + kFilter + " ORDER BY id LIMIT $6 OFFSET $7";
const std::string kAssignedPage =
    "SELECT " + kFindingColumns + kFilter + AssignedTo(6) + " ORDER BY id LIMIT $7 OFFSET $8";

const std::string kCountsSelect =
    "SELECT rule, village_code, count(*) FILTER (WHERE status = 'open'), count(*) FILTER "
    "(WHERE status = 'confirmed'), count(*) FILTER (WHERE status = 'dismissed') FROM findings "
    "WHERE village_code >= $1 AND village_code < $2";
const std::string kCountsOrder =
    " GROUP BY rule, village_code ORDER BY rule COLLATE \"C\", village_code";
const std::string kCounts = kCountsSelect + kCountsOrder;
const std::string kAssignedCounts = kCountsSelect + AssignedTo(3) + kCountsOrder;

// Helper assignments, in the helpers' tables (storage/helper_store.h).
const std::string kHelperOfAccount = "SELECT id FROM helpers WHERE username = $1";
// The account's helper, id the largest plus one (under LockIds "helpers", as
// procedures/pg_helpers.cc); INSERT OR IGNORE on the unique username.
const std::string kInsertAccountHelper =
    "INSERT INTO helpers(id, region_code, name, work_unit, phone, username, created_at, "
    "created_by) SELECT coalesce(max(id), 0) + 1, 0, $1, '', '', $1, $2, 'account' FROM "
    "helpers ON CONFLICT (username) DO NOTHING";
// A current assignment unless there is one; ON CONFLICT makes two racing ones one (the
// unique partial index helper_households_current), as SQLite's single writer does.
const std::string kAssign =
    "INSERT INTO helper_households(helper_id, county_code, household_code, since, until) "
    "SELECT h.id, hh.county_code, hh.household_code, $3, NULL FROM helpers h, households hh "
    "WHERE h.username = $2 AND hh.household_code = $1 AND NOT EXISTS (SELECT 1 FROM "
    "helper_households x WHERE x.helper_id = h.id AND x.county_code = hh.county_code AND "
    "x.household_code = hh.household_code AND x.until IS NULL) ON CONFLICT (helper_id, "
    "county_code, household_code) WHERE until IS NULL DO NOTHING";
const std::string kUnassign =
    "UPDATE helper_households SET until = $3 WHERE household_code = $2 AND until IS NULL AND "
    "helper_id = (SELECT id FROM helpers WHERE username = $1)";
const std::string kAssignedHouseholds =
    "SELECT household_code FROM helper_assignments WHERE username = $1 ORDER BY county_code, "
    "household_code COLLATE \"C\"";
const std::string kIsAssigned =
    "SELECT EXISTS (SELECT 1 FROM helper_assignments WHERE username = $1 AND "
    "household_code = $2)";
const std::string kAssignedAnyHousehold =
    "SELECT DISTINCT household_code FROM helper_households WHERE until IS NULL";

// A batch of at least this many findings goes in by COPY; fewer, one statement each.
constexpr size_t kCopyRows = 64;

// ---- Reading rows

DepartmentListRow ReadList(const Rows& rows, int r) {
  DepartmentListRow l;
  l.id = rows.Int(r, 0);
  l.kind = rows.Text(r, 1);
  l.as_of = rows.Text(r, 2);
  l.region_code = rows.Int(r, 3);
  l.uploaded_by = rows.Text(r, 4);
  l.uploaded_at = rows.Text(r, 5);
  l.file_name = rows.Text(r, 6);
  l.checksum = rows.Text(r, 7);
  l.rows = rows.Int(r, 8);
  l.matched = rows.Int(r, 9);
  l.errors = rows.Int(r, 10);
  l.findings = rows.Int(r, 11);
  l.known = rows.Int(r, 12);
  return l;
}

FindingRow ReadFinding(const Rows& rows, int r) {
  FindingRow f;
  f.id = rows.Int(r, 0);
  f.rule = rows.Text(r, 1);
  f.subject = rows.Text(r, 2);
  f.list_id = rows.Int(r, 3);  // 0 for NULL
  f.village_code = rows.Int(r, 4);
  f.household_code = rows.Text(r, 5);
  f.id_number = rows.Text(r, 6);
  f.name = rows.Text(r, 7);
  f.detail = rows.Text(r, 8);
  f.row = rows.Text(r, 9);
  f.status = rows.Text(r, 10);
  f.reason = rows.Text(r, 11);
  f.decided_by = rows.Text(r, 12);
  f.decided_at = rows.Text(r, 13);
  f.created_at = rows.Text(r, 14);
  return f;
}

std::string_view SubjectOf(const FindingRow& r) {
  return r.subject.empty() ? std::string_view(r.id_number) : std::string_view(r.subject);
}

int64_t CountyOf(int64_t village_code) {
  return RegionCode::FromInt(village_code).county().value();
}

// The local date (UTC+8) of instant `at`, as SQLite's coalesce(date(at, '+8 hours'),
// substr(at, 1, 10)): a time without an offset is UTC; a plain date stays itself.
std::string LocalDate(const std::string& at) {
  auto seconds = ParseInstant(at);
  if (!seconds.ok()) seconds = ParseInstant(at + "Z");
  if (seconds.ok()) return LocalDateOf(*seconds).ToString();
  return at.substr(0, 10);
}

// The findings a bulk insert writes, read through one interface: rows or a FindingBatch.
struct RowsView {
  std::deque<FindingRow>& rows;
  size_t size() const { return rows.size(); }
  std::string_view rule(size_t i) const { return rows[i].rule; }
  std::string_view subject(size_t i) const { return SubjectOf(rows[i]); }
  void set_id(size_t i, int64_t id) { rows[i].id = id; }
  void Copy(pg::CopyWriter& w, size_t i, int64_t id) const {
    const FindingRow& r = rows[i];
    w.Int(id).Text(r.rule).Text(SubjectOf(r));
    if (r.list_id) {
      w.Int(r.list_id);
    } else {
      w.Null();
    }
    w.Int(CountyOf(r.village_code)).Int(r.village_code).Text(r.household_code);
    w.Text(r.id_number).Text(r.name).Text(r.detail).Text(r.row).Text(r.status).Text(r.reason);
    w.Text(r.decided_by).Text(r.decided_at).Text(r.created_at);
  }
};

struct BatchView {
  FindingBatch& batch;
  mutable std::string row_buffer;  // one finding's list row at a time
  size_t size() const { return batch.size(); }
  std::string_view rule(size_t i) const { return batch.rule(i); }
  std::string_view subject(size_t i) const {
    return batch.subject(i).empty() ? batch.id_number(i) : batch.subject(i);
  }
  void set_id(size_t i, int64_t id) { batch.set_id(i, id); }
  void Copy(pg::CopyWriter& w, size_t i, int64_t id) const {
    w.Int(id).Text(batch.rule(i)).Text(subject(i));
    if (batch.list_id()) {
      w.Int(batch.list_id());
    } else {
      w.Null();
    }
    const int64_t village = batch.village_code(i);
    w.Int(CountyOf(village)).Int(village).Text(batch.household_code(i));
    row_buffer.clear();
    batch.AppendRow(i, row_buffer);  // the list row, from the arena or the list itself
    w.Text(batch.id_number(i)).Text(batch.name(i)).Text(batch.detail(i)).Text(row_buffer);
    w.Text("open").Text("").Text("").Text("").Text(batch.created_at());
  }
};

// A finding's rule and subject, for the batch's own duplicates.
struct KeyHash {
  size_t operator()(const std::pair<std::string_view, std::string_view>& k) const {
    const size_t a = std::hash<std::string_view>()(k.first);
    return a ^ (std::hash<std::string_view>()(k.second) + 0x9e3779b97f4a7c15ULL + (a << 6));
  }
};

class PgCompareStore final : public CompareStore {
 public:
  explicit PgCompareStore(pg::Connection& db) : db_(db), sql_(db) {}

  Status InsertList(DepartmentListRow& row, const std::vector<uint64_t>& keys) override {
    return pg::InTransaction(db_, [&]() -> Status {
      FUPIN_RETURN_IF_ERROR(pg::LockIds(sql_, "department_lists"));
      Params p;
      p.Text(row.kind).Text(row.as_of).Int(row.region_code).Text(row.uploaded_by);
      p.Text(row.uploaded_at).Text(row.file_name).Text(row.checksum).Int(row.rows);
      p.Int(row.matched).Int(row.errors).Int(row.findings).Int(row.known);
      p.Bytes(std::string_view(reinterpret_cast<const char*>(keys.data()),
                               keys.size() * sizeof(uint64_t)));
      auto rows = sql_.Query(kInsertList, p);
      if (!rows.ok()) return rows.error();
      row.id = rows->Int(0, 0);
      return Status::Ok();
    });
  }

  Status UpdateListCounts(const DepartmentListRow& row) override {
    Params p;
    p.Int(row.matched).Int(row.errors).Int(row.findings).Int(row.known).Int(row.id);
    return sql_.Run(kUpdateListCounts, p).status();
  }

  Result<std::vector<DepartmentListRow>> Lists(const std::string& kind, RegionCode scope) override {
    auto rows =
        sql_.Query(kLists, Params().Text(kind).Int(scope.subtree_lo()).Int(scope.subtree_hi()));
    if (!rows.ok()) return rows.error();
    std::vector<DepartmentListRow> out;
    for (int r = 0; r < rows->size(); ++r) out.push_back(ReadList(*rows, r));
    return out;
  }

  Result<std::optional<std::pair<DepartmentListRow, std::vector<uint64_t>>>> PreviousList(
      const std::string& kind, RegionCode region, int64_t before_id) override {
    auto rows = sql_.Query(kPreviousList, Params().Text(kind).Int(region.value()).Int(before_id));
    if (!rows.ok()) return rows.error();
    std::optional<std::pair<DepartmentListRow, std::vector<uint64_t>>> out;
    if (rows->size() == 0) return out;
    out.emplace();
    out->first = ReadList(*rows, 0);
    const std::string_view blob = rows->Bytes(0, 13);
    out->second.resize(blob.size() / sizeof(uint64_t));
    if (!out->second.empty()) {
      std::memcpy(out->second.data(), blob.data(), out->second.size() * sizeof(uint64_t));
    }
    return out;
  }

  // In chunks (a rule may have millions of findings), in the index's order.
  Status ForEachSubject(const std::string& rule,
                        const std::function<void(std::string_view)>& fn) override {
    std::string after;
    for (bool first = true;; first = false) {
      auto rows = first ? sql_.Query(kSubjectsFirst, Params().Text(rule))
                        : sql_.Query(kSubjects, Params().Text(rule).Text(after));
      if (!rows.ok()) return rows.error();
      for (int r = 0; r < rows->size(); ++r) fn(rows->TextView(r, 0));
      if (rows->size() < kSubjectChunk) return Status::Ok();
      after = rows->Text(rows->size() - 1, 0);
    }
  }

  // Ids as SQLite gives them: the largest stored plus one, in the rows' order, a skipped
  // finding (its rule and subject stored already, or earlier in the batch) taking none.
  Status InsertFindings(std::deque<FindingRow>& rows) override {
    if (rows.size() >= kCopyRows) {
      RowsView view{rows};
      return InsertByCopy(view);
    }
    return pg::InTransaction(db_, [&]() -> Status {
      FUPIN_RETURN_IF_ERROR(pg::LockIds(sql_, "findings"));
      auto next = NextId();
      if (!next.ok()) return next.error();
      int64_t id = *next;
      for (auto& r : rows) {
        Params p;
        p.Int(id).Text(r.rule).Text(SubjectOf(r));
        if (r.list_id) {
          p.Int(r.list_id);
        } else {
          p.Null();
        }
        p.Int(CountyOf(r.village_code)).Int(r.village_code).Text(r.household_code);
        p.Text(r.id_number).Text(r.name).Text(r.detail).Text(r.row).Text(r.status);
        p.Text(r.reason).Text(r.decided_by).Text(r.decided_at).Text(r.created_at);
        auto inserted = sql_.Run(kInsertFinding, p);
        if (!inserted.ok()) return inserted.error();
        r.id = *inserted ? id++ : 0;
      }
      return Status::Ok();
    });
  }

  // A large batch is copied straight from its arena; a small one goes through rows.
  Status InsertBatch(FindingBatch& batch) override {
    if (batch.size() < kCopyRows) return CompareStore::InsertBatch(batch);
    BatchView view{batch};
    return InsertByCopy(view);
  }

  Result<FindingPage> SearchFindings(const FindingQuery& q) override {
    const bool assigned = !q.assigned_to.empty();
    Params p;
    p.Int(q.region.subtree_lo()).Int(q.region.subtree_hi()).Text(q.rule).Text(q.status);
    p.Int(q.list_id);
    if (assigned) p.Text(q.assigned_to);
    auto total = sql_.Query(assigned ? kCountAssignedFindings : kCountFindings, p);
    if (!total.ok()) return total.error();
    FindingPage page;
    page.total = total->Int(0, 0);
    pg::Page(p, q.limit, q.offset);
    auto rows = sql_.Query(assigned ? kAssignedPage : kPage, p);
    if (!rows.ok()) return rows.error();
    page.items.reserve(rows->size());
    for (int r = 0; r < rows->size(); ++r) page.items.push_back(ReadFinding(*rows, r));
    return page;
  }

  Result<std::optional<FindingRow>> GetFinding(int64_t id) override {
    auto rows = sql_.Query(kGetFinding, Params().Int(id));
    if (!rows.ok()) return rows.error();
    std::optional<FindingRow> out;
    if (rows->size() > 0) out = ReadFinding(*rows, 0);
    return out;
  }

  // Nothing when there is no such finding (as SQLite).
  Status DecideFinding(const FindingRow& r) override {
    Params p;
    p.Text(r.status).Text(r.reason).Text(r.decided_by).Text(r.decided_at).Int(r.id);
    return sql_.Run(kDecideFinding, p).status();
  }

  Result<std::vector<FindingCount>> CountFindings(RegionCode region,
                                                  const std::string& assigned_to) override {
    Params p;
    p.Int(region.subtree_lo()).Int(region.subtree_hi());
    if (!assigned_to.empty()) p.Text(assigned_to);
    auto rows = sql_.Query(assigned_to.empty() ? kCounts : kAssignedCounts, p);
    if (!rows.ok()) return rows.error();
    std::vector<FindingCount> out;
    for (int r = 0; r < rows->size(); ++r) {
      out.push_back(
          {rows->Text(r, 0), rows->Int(r, 1), rows->Int(r, 2), rows->Int(r, 3), rows->Int(r, 4)});
    }
    return out;
  }

  // The account's helper (created, region 0, when there is none) gets a current
  // assignment from the local date of `at`.
  Status Assign(const std::string& username, const std::string& household_code,
                const std::string& at) override {
    return pg::InTransaction(db_, [&]() -> Status {
      auto helper = sql_.Query(kHelperOfAccount, Params().Text(username));
      if (!helper.ok()) return helper.error();
      if (helper->size() == 0) {
        FUPIN_RETURN_IF_ERROR(pg::LockIds(sql_, "helpers"));
        FUPIN_RETURN_IF_ERROR(
            sql_.Run(kInsertAccountHelper, Params().Text(username).Text(at)).status());
      }
      return sql_.Run(kAssign, Params().Text(household_code).Text(username).Text(LocalDate(at)))
          .status();
    });
  }

  Status Unassign(const std::string& username, const std::string& household_code,
                  const std::string& at) override {
    return sql_.Run(kUnassign, Params().Text(username).Text(household_code).Text(LocalDate(at)))
        .status();
  }

  Result<std::vector<std::string>> AssignedHouseholds(const std::string& username) override {
    auto rows = sql_.Query(kAssignedHouseholds, Params().Text(username));
    if (!rows.ok()) return rows.error();
    std::vector<std::string> out;
    for (int r = 0; r < rows->size(); ++r) out.push_back(rows->Text(r, 0));
    return out;
  }

  Result<bool> IsAssigned(const std::string& username, const std::string& household_code) override {
    auto rows = sql_.Query(kIsAssigned, Params().Text(username).Text(household_code));
    if (!rows.ok()) return rows.error();
    return rows->Bool(0, 0);
  }

  // Any helper counts, linked to an account or not.
  Status ForEachAssignedHousehold(const std::function<void(std::string_view)>& fn) override {
    auto rows = sql_.Query(kAssignedAnyHousehold, Params());
    if (!rows.ok()) return rows.error();
    for (int r = 0; r < rows->size(); ++r) fn(rows->TextView(r, 0));
    return Status::Ok();
  }

 private:
  Result<int64_t> NextId() {
    auto rows = sql_.Query(kNextFindingId, Params());
    if (!rows.ok()) return rows.error();
    return rows->Int(0, 0);
  }

  // The bulk way, under the ids' lock: the batch's own duplicates dropped (the first
  // kept), then one COPY in a savepoint. Should it meet a stored finding (the unique index
  // findings_subject: E_CONFLICT), the savepoint is rolled back, the stored clashes are
  // found by a join with the batch's keys (a temporary table) and dropped too, and the
  // rest is copied again. The ids are those of the row-by-row way.
  template <class View>
  Status InsertByCopy(View& v) {
    return pg::InTransaction(db_, [&]() -> Status {
      FUPIN_RETURN_IF_ERROR(pg::LockIds(sql_, "findings"));
      auto next = NextId();
      if (!next.ok()) return next.error();
      const size_t n = v.size();
      std::vector<char> keep(n, 1);
      {
        std::unordered_set<std::pair<std::string_view, std::string_view>, KeyHash> seen;
        seen.reserve(n);
        for (size_t i = 0; i < n; ++i) {
          if (!seen.emplace(v.rule(i), v.subject(i)).second) keep[i] = 0;
        }
      }
      FUPIN_RETURN_IF_ERROR(db_.Exec("SAVEPOINT fupin_findings"));
      Status copied = Copy(v, keep, *next);
      if (copied.ok()) {
        FUPIN_RETURN_IF_ERROR(db_.Exec("RELEASE SAVEPOINT fupin_findings"));
      } else {
        FUPIN_RETURN_IF_ERROR(
            db_.Exec("ROLLBACK TO SAVEPOINT fupin_findings; RELEASE SAVEPOINT fupin_findings"));
        if (copied.error().code != "E_CONFLICT") return copied;
        FUPIN_RETURN_IF_ERROR(DropStored(v, keep));
        FUPIN_RETURN_IF_ERROR(Copy(v, keep, *next));
      }
      int64_t id = *next;
      for (size_t i = 0; i < n; ++i) v.set_id(i, keep[i] ? id++ : 0);
      return Status::Ok();
    });
  }

  // COPYs the findings `keep` marks, with ids from `first_id` on.
  template <class View>
  Status Copy(const View& v, const std::vector<char>& keep, int64_t first_id) {
    auto writer = db_.CopyIn("findings", kInsertColumns);
    if (!writer.ok()) return writer.error();
    int64_t id = first_id;
    for (size_t i = 0; i < v.size(); ++i) {
      if (!keep[i]) continue;
      v.Copy(*writer, i, id++);
      FUPIN_RETURN_IF_ERROR(writer->EndRow());
    }
    return writer->Finish().status();
  }

  // Unmarks in `keep` the findings whose rule and subject are stored.
  template <class View>
  Status DropStored(const View& v, std::vector<char>& keep) {
    FUPIN_RETURN_IF_ERROR(
        db_.Exec("CREATE TEMPORARY TABLE fupin_finding_keys (seq BIGINT NOT NULL, rule TEXT "
                 "NOT NULL, subject TEXT NOT NULL) ON COMMIT DROP"));
    {
      auto writer = db_.CopyIn("fupin_finding_keys", "seq, rule, subject");
      if (!writer.ok()) return writer.error();
      for (size_t i = 0; i < v.size(); ++i) {
        if (!keep[i]) continue;
        writer->Int(static_cast<int64_t>(i)).Text(v.rule(i)).Text(v.subject(i));
        FUPIN_RETURN_IF_ERROR(writer->EndRow());
      }
      FUPIN_RETURN_IF_ERROR(writer->Finish().status());
    }
    // Unprepared: the temporary table is new each time.
    auto clashes = db_.Query(
        "SELECT k.seq FROM fupin_finding_keys k JOIN findings f ON f.rule = k.rule AND "
        "f.subject = k.subject");
    if (!clashes.ok()) return clashes.error();
    for (int r = 0; r < clashes->size(); ++r) keep[static_cast<size_t>(clashes->Int(r, 0))] = 0;
    return db_.Exec("DROP TABLE fupin_finding_keys");
  }

  pg::Connection& db_;
  pg::StatementCache sql_;
};

}  // namespace

std::unique_ptr<CompareStore> NewPgCompareStore(pg::Connection& db) {
  return std::make_unique<PgCompareStore>(db);
}

}  // namespace fupin
