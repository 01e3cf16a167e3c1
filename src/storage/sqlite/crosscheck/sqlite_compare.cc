#include "storage/sqlite/crosscheck/sqlite_compare.h"

#include <sqlite3.h>

#include <algorithm>
#include <climits>
#include <cstring>
#include <map>
#include <optional>
#include <string_view>
#include <utility>
#include <vector>

#include "common/id_number.h"
#include "storage/sqlite/crosscheck/finding_blocks.h"

namespace fupin {
namespace {

using sqlite::Database;
using sqlite::Statement;

constexpr std::string_view kListColumns =
    "id, kind, as_of, region_code, uploaded_by, uploaded_at, file_name, checksum, rows, "
    "matched, errors, findings, known";
constexpr std::string_view kFindingColumns =
    "id, rule, subject, list_id, village_code, household_code, id_number, name, detail, row, "
    "status, reason, decided_by, decided_at, created_at";

DepartmentListRow ReadList(const Statement& s) {
  DepartmentListRow r;
  r.id = s.Int(0);
  r.kind = s.Text(1);
  r.as_of = s.Text(2);
  r.region_code = s.Int(3);
  r.uploaded_by = s.Text(4);
  r.uploaded_at = s.Text(5);
  r.file_name = s.Text(6);
  r.checksum = s.Text(7);
  r.rows = s.Int(8);
  r.matched = s.Int(9);
  r.errors = s.Int(10);
  r.findings = s.Int(11);
  r.known = s.Int(12);
  return r;
}

FindingRow ReadFinding(const Statement& s) {
  FindingRow r;
  r.id = s.Int(0);
  r.rule = s.Text(1);
  r.subject = s.Text(2);
  r.list_id = s.IsNull(3) ? 0 : s.Int(3);
  r.village_code = s.Int(4);
  r.household_code = s.Text(5);
  r.id_number = s.Text(6);
  r.name = s.Text(7);
  r.detail = s.Text(8);
  r.row = s.Text(9);
  r.status = s.Text(10);
  r.reason = s.Text(11);
  r.decided_by = s.Text(12);
  r.decided_at = s.Text(13);
  r.created_at = s.Text(14);
  return r;
}

std::pair<int64_t, int64_t> SubtreeRange(RegionCode region) {
  return {region.subtree_lo(), region.subtree_hi()};
}

// The condition that keeps the findings of households helper ?N is assigned to (the same
// as HouseholdQuery::assigned_to in sqlite_search.cc).
std::string AssignedTo(int parameter) {
  return " AND EXISTS (SELECT 1 FROM helper_assignments a WHERE a.county_code = "
         "findings.county_code AND a.household_code = findings.household_code AND "
         "a.username = ?" +
         std::to_string(parameter) + ")";
}

// The rows of `findings` a query keeps: the condition from FROM on (parameters ?1–?5 and ?8;
// ?6 and ?7 are left for LIMIT and OFFSET) and how to bind it.
struct RowFilter {
  explicit RowFilter(const FindingQuery& query) : q(query) {
    where =
        " FROM findings WHERE village_code >= ?1 AND village_code < ?2 AND (?3 = '' OR rule = "
        "?3) AND (?4 = '' OR status = ?4) AND (?5 = 0 OR list_id = ?5)";
    if (!q.assigned_to.empty()) where += AssignedTo(8);
  }
  void Bind(Statement& s) const {
    const auto [lo, hi] = SubtreeRange(q.region);
    s.Bind(1, lo).Bind(2, hi).Bind(3, q.rule).Bind(4, q.status).Bind(5, q.list_id);
    if (!q.assigned_to.empty()) s.Bind(8, q.assigned_to);
  }
  const FindingQuery& q;
  std::string where;
};

// Batches of findings at least this large are stored the bulk way (InsertFindings).
constexpr size_t kBulkRows = 1024;
constexpr size_t kBulkStatementRows = 128;  // × 16 values, within SQLite's 32,766
constexpr std::string_view kInsertColumns =
    "id, rule, subject, list_id, county_code, village_code, household_code, id_number, name, "
    "detail, row, status, reason, decided_by, decided_at, created_at";

class SqliteCompareStore final : public CompareStore {
 public:
  explicit SqliteCompareStore(Database& db) : db_(db), blocks_(db) {}

  Status InsertList(DepartmentListRow& row, const std::vector<uint64_t>& keys) override {
    auto s = db_.Prepare(
        "INSERT INTO department_lists(kind, as_of, region_code, uploaded_by, uploaded_at, "
        "file_name, checksum, rows, matched, errors, findings, known, id_keys) "
        "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)");
    if (!s.ok()) return s.error();
    s->Bind(1, row.kind).Bind(2, row.as_of).Bind(3, row.region_code).Bind(4, row.uploaded_by);
    s->Bind(5, row.uploaded_at).Bind(6, row.file_name).Bind(7, row.checksum).Bind(8, row.rows);
    s->Bind(9, row.matched).Bind(10, row.errors).Bind(11, row.findings).Bind(12, row.known);
    s->BindBlobStatic(13, std::string_view(reinterpret_cast<const char*>(keys.data()),
                                           keys.size() * sizeof(uint64_t)));
    FUPIN_RETURN_IF_ERROR(s->Run());
    row.id = sqlite3_last_insert_rowid(db_.handle());
    return Status::Ok();
  }

  Status UpdateListCounts(const DepartmentListRow& row) override {
    auto s = db_.Prepare(
        "UPDATE department_lists SET matched = ?, errors = ?, findings = ?, known = ? "
        "WHERE id = ?");
    if (!s.ok()) return s.error();
    s->Bind(1, row.matched).Bind(2, row.errors).Bind(3, row.findings).Bind(4, row.known);
    s->Bind(5, row.id);
    return s->Run();
  }

  Result<std::vector<DepartmentListRow>> Lists(const std::string& kind, RegionCode scope) override {
    const auto [lo, hi] = SubtreeRange(scope);
    auto s = db_.Prepare("SELECT " + std::string(kListColumns) +
                         " FROM department_lists WHERE (?1 = '' OR kind = ?1) AND "
                         "region_code >= ?2 AND region_code < ?3 ORDER BY id DESC");
    if (!s.ok()) return s.error();
    s->Bind(1, kind).Bind(2, lo).Bind(3, hi);
    std::vector<DepartmentListRow> out;
    FUPIN_RETURN_IF_ERROR(s->ForEachRow([&](Statement& st) { out.push_back(ReadList(st)); }));
    return out;
  }

  Result<std::optional<std::pair<DepartmentListRow, std::vector<uint64_t>>>> PreviousList(
      const std::string& kind, RegionCode region, int64_t before_id) override {
    auto s = db_.Prepare("SELECT " + std::string(kListColumns) +
                         ", id_keys FROM department_lists WHERE kind = ? AND region_code = ? "
                         "AND id < ? ORDER BY id DESC LIMIT 1");
    if (!s.ok()) return s.error();
    s->Bind(1, kind).Bind(2, region.value()).Bind(3, before_id);
    auto row = s->Step();
    if (!row.ok()) return row.error();
    std::optional<std::pair<DepartmentListRow, std::vector<uint64_t>>> out;
    if (!*row) return out;
    out.emplace();
    out->first = ReadList(*s);
    const std::string_view blob = s->BlobView(13);
    out->second.resize(blob.size() / sizeof(uint64_t));
    if (!out->second.empty()) std::memcpy(out->second.data(), blob.data(), out->second.size() * 8);
    return out;
  }

  Status ForEachSubject(const std::string& rule,
                        const std::function<void(std::string_view)>& fn) override {
    auto s = db_.Prepare("SELECT subject FROM findings WHERE rule = ?");
    if (!s.ok()) return s.error();
    s->Bind(1, rule);
    FUPIN_RETURN_IF_ERROR(s->ForEachRow([&](Statement& st) { fn(st.TextView(0)); }));
    return blocks_.ForEachSubject(rule, fn);
  }

  // A large batch of a list's open person findings is stored as blocks (FindingBlocks);
  // another large batch goes the bulk way (InsertBulk). Should either meet a stored
  // finding, or two of its own with the same rule and subject, nothing of it stays and
  // the rows go one by one, skipping those, as a small batch does. Whichever way, the
  // ids and everything read back are the same.
  Status InsertFindings(std::deque<FindingRow>& rows) override {
    if (rows.size() >= kBulkRows) {
      if (FindingBlocks::Eligible(rows)) {
        auto next = NextId();
        if (!next.ok()) return next.error();
        auto stored = blocks_.Write(rows, *next);
        if (!stored.ok()) return stored.error();
        if (*stored) return Status::Ok();
      } else {
        auto clash = ClashesWithBlocks(rows);
        if (!clash.ok()) return clash.error();
        if (!*clash) {
          auto stored = InsertBulk(rows);
          if (!stored.ok()) return stored.error();
          if (*stored) return Status::Ok();
        }
      }
      for (auto& r : rows) r.id = 0;
    }
    return InsertOneByOne(rows);
  }

  // A bulk batch's blocks are written from it; anything else goes through rows.
  Status InsertBatch(FindingBatch& batch) override {
    if (batch.size() >= kBulkRows && FindingBlocks::Eligible(batch)) {
      auto next = NextId();
      if (!next.ok()) return next.error();
      auto stored = blocks_.Write(batch, *next);
      if (!stored.ok()) return stored.error();
      if (*stored) return Status::Ok();
    }
    return CompareStore::InsertBatch(batch);
  }

  Result<FindingPage> SearchFindings(const FindingQuery& q) override {
    auto any = blocks_.Any();
    if (!any.ok()) return any.error();
    if (*any) return SearchWithBlocks(q);
    const RowFilter filter(q);
    auto total = CountRows(filter);
    if (!total.ok()) return total.error();
    FindingPage page;
    page.total = *total;
    const std::string& where = filter.where;
    auto bind = [&](Statement& st) { filter.Bind(st); };
    auto s = db_.Prepare("SELECT " + std::string(kFindingColumns) + where +
                         " ORDER BY id LIMIT ?6 OFFSET ?7");
    if (!s.ok()) return s.error();
    bind(*s);
    s->Bind(6, q.limit > 0 ? q.limit : int64_t{-1}).Bind(7, q.offset);
    FUPIN_RETURN_IF_ERROR(
        s->ForEachRow([&](Statement& st) { page.items.push_back(ReadFinding(st)); }));
    return page;
  }

  Result<std::optional<FindingRow>> GetFinding(int64_t id) override {
    auto s = db_.Prepare("SELECT " + std::string(kFindingColumns) + " FROM findings WHERE id = ?");
    if (!s.ok()) return s.error();
    s->Bind(1, id);
    auto row = s->Step();
    if (!row.ok()) return row.error();
    std::optional<FindingRow> out;
    if (*row) {
      out = ReadFinding(*s);
      return out;
    }
    return blocks_.Get(id);
  }

  // A row's decision is its own; a block finding's goes to finding_decisions.
  Status DecideFinding(const FindingRow& r) override {
    auto s = db_.Prepare(
        "UPDATE findings SET status = ?, reason = ?, decided_by = ?, decided_at = ? WHERE id = ?");
    if (!s.ok()) return s.error();
    s->Bind(1, r.status).Bind(2, r.reason).Bind(3, r.decided_by).Bind(4, r.decided_at);
    s->Bind(5, r.id);
    FUPIN_RETURN_IF_ERROR(s->Run());
    if (sqlite3_changes(db_.handle()) > 0) return Status::Ok();
    auto decided = blocks_.Decide(r);
    if (!decided.ok()) return decided.error();
    return Status::Ok();
  }

  Result<std::vector<FindingCount>> CountFindings(RegionCode region,
                                                  const std::string& assigned_to) override {
    const auto [lo, hi] = SubtreeRange(region);
    auto s = db_.Prepare(
        "SELECT rule, village_code, sum(status = 'open'), sum(status = 'confirmed'), "
        "sum(status = 'dismissed') FROM findings WHERE village_code >= ?1 AND village_code < ?2" +
        (assigned_to.empty() ? std::string() : AssignedTo(3)) +
        " GROUP BY rule, village_code ORDER BY rule, village_code");
    if (!s.ok()) return s.error();
    s->Bind(1, lo).Bind(2, hi);
    if (!assigned_to.empty()) s->Bind(3, assigned_to);
    std::vector<FindingCount> out;
    FUPIN_RETURN_IF_ERROR(s->ForEachRow([&](Statement& st) {
      out.push_back({st.Text(0), st.Int(1), st.Int(2), st.Int(3), st.Int(4)});
    }));
    auto any = blocks_.Any();
    if (!any.ok()) return any.error();
    if (!*any) return out;
    // The rows' counts and the blocks' together, ordered by rule and village.
    std::map<std::pair<std::string, int64_t>, FindingCount> counts;
    for (auto& c : out) {
      auto key = std::make_pair(c.rule, c.village_code);
      counts.emplace(std::move(key), std::move(c));
    }
    FUPIN_RETURN_IF_ERROR(blocks_.Count(region, assigned_to, counts));
    out.clear();
    for (auto& [key, c] : counts) out.push_back(std::move(c));
    return out;
  }

  // Through the helpers' tables (storage/helper_store.h): the account's helper (created,
  // region 0, when there is none) gets a current assignment from the local date of `at`.
  Status Assign(const std::string& username, const std::string& household_code,
                const std::string& at) override {
    auto helper = db_.Prepare(
        "INSERT OR IGNORE INTO helpers(region_code, name, work_unit, phone, username, "
        "created_at, created_by) VALUES (0, ?1, '', '', ?1, ?2, 'account')");
    if (!helper.ok()) return helper.error();
    helper->Bind(1, username).Bind(2, at);
    FUPIN_RETURN_IF_ERROR(helper->Run());
    auto s = db_.Prepare(
        "INSERT INTO helper_households(helper_id, county_code, household_code, since, until) "
        "SELECT h.id, hh.county_code, hh.household_code, "
        "coalesce(date(?3, '+8 hours'), substr(?3, 1, 10)), NULL FROM helpers h, households hh "
        "WHERE h.username = ?2 AND hh.household_code = ?1 AND NOT EXISTS (SELECT 1 FROM "
        "helper_households x WHERE x.helper_id = h.id AND x.county_code = hh.county_code AND "
        "x.household_code = hh.household_code AND x.until IS NULL)");
    if (!s.ok()) return s.error();
    s->Bind(1, household_code).Bind(2, username).Bind(3, at);
    return s->Run();
  }

  // Ends the account's current assignment to the household on the local date of `at`.
  Status Unassign(const std::string& username, const std::string& household_code,
                  const std::string& at) override {
    auto s = db_.Prepare(
        "UPDATE helper_households SET until = coalesce(date(?3, '+8 hours'), substr(?3, 1, 10)) "
        "WHERE household_code = ?2 AND until IS NULL AND helper_id = (SELECT id FROM helpers "
        "WHERE username = ?1)");
    if (!s.ok()) return s.error();
    s->Bind(1, username).Bind(2, household_code).Bind(3, at);
    return s->Run();
  }

  Result<std::vector<std::string>> AssignedHouseholds(const std::string& username) override {
    auto s = db_.Prepare(
        "SELECT household_code FROM helper_assignments WHERE username = ? ORDER BY "
        "county_code, household_code");
    if (!s.ok()) return s.error();
    s->Bind(1, username);
    std::vector<std::string> out;
    FUPIN_RETURN_IF_ERROR(s->ForEachRow([&](Statement& st) { out.push_back(st.Text(0)); }));
    return out;
  }

  Result<bool> IsAssigned(const std::string& username, const std::string& household_code) override {
    auto s = db_.Prepare(
        "SELECT EXISTS (SELECT 1 FROM helper_assignments WHERE username = ? AND "
        "household_code = ?)");
    if (!s.ok()) return s.error();
    s->Bind(1, username).Bind(2, household_code);
    auto row = s->Step();
    if (!row.ok()) return row.error();
    return s->Int(0) != 0;
  }

  Status ForEachAssignedHousehold(const std::function<void(std::string_view)>& fn) override {
    // Any helper counts, linked to an account or not.
    auto s =
        db_.Prepare("SELECT DISTINCT household_code FROM helper_households WHERE until IS NULL");
    if (!s.ok()) return s.error();
    FUPIN_RETURN_IF_ERROR(s->ForEachRow([&](Statement& st) { fn(st.TextView(0)); }));
    return Status::Ok();
  }

 private:
  // How many rows `rows` keeps.
  Result<int64_t> CountRows(const RowFilter& rows) {
    auto count = db_.Prepare("SELECT count(*)" + rows.where);
    if (!count.ok()) return count.error();
    rows.Bind(*count);
    auto row = count->Step();
    if (!row.ok()) return row.error();
    return count->Int(0);
  }

  // The id the next finding gets: after the largest of the rows and the block findings
  // (what SQLite gives a row when there are no blocks).
  Result<int64_t> NextId() {
    auto last = db_.Prepare("SELECT coalesce(max(id), 0) FROM findings");
    if (!last.ok()) return last.error();
    auto stepped = last->Step();
    if (!stepped.ok()) return stepped.error();
    const int64_t rows = last->Int(0);
    auto blocks = blocks_.LastId();
    if (!blocks.ok()) return blocks.error();
    return std::max(rows, *blocks) + 1;
  }

  // The stored block subjects of each rule (sorted packed ID numbers), loaded when asked.
  class BlockSubjects {
   public:
    explicit BlockSubjects(FindingBlocks& blocks) : blocks_(blocks) {}
    // Whether a block finding has `rule` and `subject`.
    Result<bool> Contains(const std::string& rule, std::string_view subject) {
      const auto key = PackIdNumber(subject);
      if (!key) return false;
      auto it = keys_.find(rule);
      if (it == keys_.end()) {
        auto loaded = blocks_.Keys(rule);
        if (!loaded.ok()) return loaded.error();
        it = keys_.emplace(rule, std::move(loaded).value()).first;
      }
      char text[18];
      for (const auto& batch : it->second) {
        if (std::binary_search(batch.begin(), batch.end(), *key) &&
            UnpackIdNumber(*key, text) == subject) {
          return true;
        }
      }
      return false;
    }

   private:
    FindingBlocks& blocks_;
    std::map<std::string, std::vector<std::vector<uint64_t>>> keys_;
  };

  static std::string_view SubjectOf(const FindingRow& r) {
    return r.subject.empty() ? std::string_view(r.id_number) : std::string_view(r.subject);
  }

  // Whether a finding of `rows` has the rule and subject of a block finding.
  Result<bool> ClashesWithBlocks(const std::deque<FindingRow>& rows) {
    auto any = blocks_.Any();
    if (!any.ok()) return any.error();
    if (!*any) return false;
    BlockSubjects subjects(blocks_);
    for (const auto& r : rows) {
      auto found = subjects.Contains(r.rule, SubjectOf(r));
      if (!found.ok()) return found.error();
      if (*found) return true;
    }
    return false;
  }

  // Today's way, and the way of small batches: row by row, skipping a clash with a row or
  // a block finding (id 0).
  Status InsertOneByOne(std::deque<FindingRow>& rows) {
    auto next = NextId();
    if (!next.ok()) return next.error();
    auto any = blocks_.Any();
    if (!any.ok()) return any.error();
    BlockSubjects subjects(blocks_);
    auto s = db_.Prepare(
        "INSERT OR IGNORE INTO findings(id, rule, subject, list_id, county_code, village_code, "
        "household_code, id_number, name, detail, row, status, reason, decided_by, decided_at, "
        "created_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
    if (!s.ok()) return s.error();
    int64_t id = *next;
    for (auto& r : rows) {
      if (*any) {
        auto found = subjects.Contains(r.rule, SubjectOf(r));
        if (!found.ok()) return found.error();
        if (*found) {
          r.id = 0;
          continue;
        }
      }
      s->Bind(1, id).BindStatic(2, r.rule).BindStatic(3, SubjectOf(r));
      if (r.list_id) {
        s->Bind(4, r.list_id);
      } else {
        s->BindNull(4);
      }
      s->Bind(5, RegionCode::FromInt(r.village_code).county().value()).Bind(6, r.village_code);
      s->BindStatic(7, r.household_code).BindStatic(8, r.id_number).BindStatic(9, r.name);
      s->BindStatic(10, r.detail).BindStatic(11, r.row).BindStatic(12, r.status);
      s->BindStatic(13, r.reason).BindStatic(14, r.decided_by).BindStatic(15, r.decided_at);
      s->BindStatic(16, r.created_at);
      FUPIN_RETURN_IF_ERROR(s->RunKeepingBindings());
      r.id = sqlite3_changes(db_.handle()) ? id++ : 0;
    }
    return Status::Ok();
  }

  // SearchFindings when there are block findings: the rows and the block findings the
  // query matches, merged in id order; of the block findings only the page's are decoded.
  Result<FindingPage> SearchWithBlocks(const FindingQuery& q) {
    // The page needs no more than offset + limit of them in order.
    const int64_t offset = std::max<int64_t>(q.offset, 0);
    const int64_t end = q.limit > 0 ? offset + q.limit : INT64_MAX;
    auto hits = blocks_.Find(q, static_cast<size_t>(std::min<int64_t>(end, INT64_MAX / 2)));
    if (!hits.ok()) return hits.error();
    const RowFilter filter(q);
    auto total = CountRows(filter);
    if (!total.ok()) return total.error();
    FindingPage page;
    page.total = *total + static_cast<int64_t>(hits->size());
    const std::string& where = filter.where;
    auto bind = [&](Statement& st) { filter.Bind(st); };
    auto s =
        db_.Prepare("SELECT " + std::string(kFindingColumns) + where + " ORDER BY id LIMIT ?6");
    if (!s.ok()) return s.error();
    bind(*s);
    s->Bind(6, q.limit > 0 ? end : int64_t{-1});
    // The page in order: a row (its place in `rows`) or a block finding (in `page_hits`).
    std::vector<std::pair<bool, size_t>> order;
    std::vector<FindingRow> rows;
    std::vector<FindingBlocks::Hit> page_hits;
    int64_t at = 0;
    size_t h = 0;
    auto take_hits_before = [&](int64_t id) {
      for (; at < end && h < hits->size() && (*hits)[h].id < id; ++h, ++at) {
        if (at < offset) continue;
        order.emplace_back(false, page_hits.size());
        page_hits.push_back((*hits)[h]);
      }
    };
    FUPIN_RETURN_IF_ERROR(s->ForEachRow([&](Statement& st) {
      take_hits_before(st.Int(0));
      if (at >= end) return;
      if (at++ < offset) return;
      order.emplace_back(true, rows.size());
      rows.push_back(ReadFinding(st));
    }));
    take_hits_before(INT64_MAX);
    auto decoded = blocks_.Read(page_hits);
    if (!decoded.ok()) return decoded.error();
    page.items.reserve(order.size());
    for (const auto& [is_row, i] : order) {
      page.items.push_back(std::move(is_row ? rows[i] : (*decoded)[i]));
    }
    return page;
  }

  // Inserts every row with multi-row INSERTs (no OR IGNORE: a clash fails one) and the ids
  // SQLite would give them one by one (the largest plus one, in order). When the table
  // holds fewer findings than the batch brings, its indexes are dropped first and built
  // again from the loaded rows: one sort instead of millions of random B-tree inserts
  // (a duplicate then fails the CREATE UNIQUE INDEX). True when stored; false when it
  // failed and was undone (its rows deleted, the indexes back), so that the caller can go
  // row by row; an error when the undoing failed. No savepoint: an open one makes SQLite
  // keep a sub-journal of the whole load (in memory with temp_store=MEMORY, a chunk list
  // walked from its start at every write: 10 s for 2.5M findings).
  Result<bool> InsertBulk(std::deque<FindingRow>& rows) {
    auto next = NextId();
    if (!next.ok()) return next.error();
    const int64_t first_id = *next;
    // The largest id bounds the number of findings stored (none is ever deleted).
    const bool defer = static_cast<uint64_t>(first_id - 1) <= rows.size();
    std::vector<std::pair<std::string, std::string>> indexes;  // name, CREATE statement
    if (defer) {
      auto list = db_.Prepare(
          "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'findings' "
          "AND sql IS NOT NULL ORDER BY name");
      if (!list.ok()) return list.error();
      FUPIN_RETURN_IF_ERROR(list->ForEachRow(
          [&](const Statement& row) { indexes.emplace_back(row.Text(0), row.Text(1)); }));
    }
    Status s = LoadRows(rows, first_id, indexes);
    if (s.ok()) s = BuildIndexes(indexes);
    if (!s.ok()) {
      FUPIN_RETURN_IF_ERROR(Undo(first_id, indexes));
      return false;
    }
    int64_t id = first_id;
    for (auto& r : rows) r.id = id++;
    return true;
  }

  // Drops `indexes` and inserts the rows with ids from `first_id` on.
  Status LoadRows(const std::deque<FindingRow>& rows, int64_t first_id,
                  const std::vector<std::pair<std::string, std::string>>& indexes) {
    for (const auto& [name, sql] : indexes) {
      FUPIN_RETURN_IF_ERROR(db_.Exec("DROP INDEX \"" + name + "\""));
    }
    // Statements of kBulkStatementRows rows (and one for the rest), bound straight from the
    // rows: nothing is copied on the way.
    auto prepare = [&](size_t n) {
      std::string sql = "INSERT INTO findings(" + std::string(kInsertColumns) + ") VALUES ";
      for (size_t i = 0; i < n; ++i) {
        sql += i ? ",(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)" : "(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)";
      }
      return db_.Prepare(sql);
    };
    std::optional<Statement> full;
    int64_t id = first_id;
    for (size_t at = 0; at < rows.size(); at += kBulkStatementRows) {
      const size_t n = std::min(kBulkStatementRows, rows.size() - at);
      std::optional<Statement> rest;
      if (n == kBulkStatementRows && !full) {
        auto stmt = prepare(n);
        if (!stmt.ok()) return stmt.error();
        full.emplace(std::move(stmt).value());
      } else if (n < kBulkStatementRows) {
        auto stmt = prepare(n);
        if (!stmt.ok()) return stmt.error();
        rest.emplace(std::move(stmt).value());
      }
      Statement& st = rest ? *rest : *full;
      for (size_t i = at; i < at + n; ++i) {
        const FindingRow& r = rows[i];
        const int p = static_cast<int>(i - at) * 16;  // the row's values: p + 1 … p + 16
        st.Bind(p + 1, id++).BindStatic(p + 2, r.rule);
        st.BindStatic(p + 3, r.subject.empty() ? r.id_number : r.subject);
        if (r.list_id) {
          st.Bind(p + 4, r.list_id);
        } else {
          st.BindNull(p + 4);
        }
        st.Bind(p + 5, RegionCode::FromInt(r.village_code).county().value());
        st.Bind(p + 6, r.village_code).BindStatic(p + 7, r.household_code);
        st.BindStatic(p + 8, r.id_number).BindStatic(p + 9, r.name).BindStatic(p + 10, r.detail);
        st.BindStatic(p + 11, r.row).BindStatic(p + 12, r.status).BindStatic(p + 13, r.reason);
        st.BindStatic(p + 14, r.decided_by).BindStatic(p + 15, r.decided_at);
        st.BindStatic(p + 16, r.created_at);
      }
      FUPIN_RETURN_IF_ERROR(st.RunKeepingBindings());
    }
    return Status::Ok();
  }

  // Back to the table before LoadRows: the rows from `first_id` on deleted (a failed
  // statement has undone its own rows already), every index of `indexes` there again.
  Status Undo(int64_t first_id, const std::vector<std::pair<std::string, std::string>>& indexes) {
    auto remove = db_.Prepare("DELETE FROM findings WHERE id >= ?");
    if (!remove.ok()) return remove.error();
    remove->Bind(1, first_id);
    FUPIN_RETURN_IF_ERROR(remove->Run());
    for (const auto& [name, sql] : indexes) {
      auto exists =
          db_.Prepare("SELECT count(*) FROM sqlite_master WHERE type = 'index' AND name = ?");
      if (!exists.ok()) return exists.error();
      exists->Bind(1, name);
      auto row = exists->Step();
      if (!row.ok()) return row.error();
      const bool there = *row && exists->Int(0) > 0;
      exists->Reset();
      if (!there) FUPIN_RETURN_IF_ERROR(db_.Exec(sql));
    }
    return Status::Ok();
  }

  Status BuildIndexes(const std::vector<std::pair<std::string, std::string>>& indexes) {
    std::vector<std::string> statements;
    for (const auto& index : indexes) statements.push_back(index.second);
    return db_.CreateIndexes(statements);
  }

  Database& db_;
  FindingBlocks blocks_;
};

}  // namespace

std::unique_ptr<CompareStore> NewSqliteCompareStore(sqlite::Database& db) {
  return std::make_unique<SqliteCompareStore>(db);
}

}  // namespace fupin
