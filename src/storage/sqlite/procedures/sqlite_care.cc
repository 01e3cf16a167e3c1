#include "storage/sqlite/procedures/sqlite_care.h"

#include <sqlite3.h>

#include <string_view>
#include <utility>
#include <vector>

namespace fupin {
namespace {

using sqlite::Database;
using sqlite::Statement;

constexpr std::string_view kMeasureColumns =
    "id, county_code, household_code, category, date, amount_fen, description, recorded_by, "
    "recorded_at";
constexpr std::string_view kVisitColumns =
    "id, county_code, household_code, date, helper_id, visitor, findings, recorded_at";
constexpr std::string_view kAttachmentColumns =
    "id, owner, county_code, household_code, file_name, media_type, size, sha256, uploaded_by, "
    "uploaded_at";

MeasureRow ReadMeasure(const Statement& s) {
  MeasureRow r;
  r.id = s.Int(0);
  r.county_code = s.Int(1);
  r.household_code = s.Text(2);
  r.category = static_cast<int>(std::stoi("0" + s.Text(3)));
  r.date = s.Text(4);
  if (!s.IsNull(5)) r.amount_fen = s.Int(5);
  r.description = s.Text(6);
  r.recorded_by = s.Text(7);
  r.recorded_at = s.Text(8);
  return r;
}

VisitRow ReadVisit(const Statement& s) {
  VisitRow r;
  r.id = s.Int(0);
  r.county_code = s.Int(1);
  r.household_code = s.Text(2);
  r.date = s.Text(3);
  if (!s.IsNull(4)) r.helper_id = s.Int(4);
  r.visitor = s.Text(5);
  r.findings = s.Text(6);
  r.recorded_at = s.Text(7);
  return r;
}

AttachmentRow ReadAttachment(const Statement& s) {
  AttachmentRow r;
  r.id = s.Int(0);
  if (!s.IsNull(1)) r.owner = s.Text(1);
  if (!s.IsNull(2)) r.county_code = s.Int(2);
  if (!s.IsNull(3)) r.household_code = s.Text(3);
  r.file_name = s.Text(4);
  r.media_type = s.Text(5);
  r.size = s.Int(6);
  r.sha256 = s.Text(7);
  r.uploaded_by = s.Text(8);
  r.uploaded_at = s.Text(9);
  return r;
}

// A category as stored: the two digits of codes.md ("01", "99").
std::string CategoryText(int category) {
  return category < 10 ? "0" + std::to_string(category) : std::to_string(category);
}

class SqliteCareStore final : public CareStore {
 public:
  explicit SqliteCareStore(Database& db) : db_(db) {}

  Status InsertMeasure(MeasureRow& r) override {
    auto s = db_.Prepare(
        "INSERT INTO measures(county_code, household_code, category, date, amount_fen, "
        "description, recorded_by, recorded_at) VALUES (?,?,?,?,?,?,?,?)");
    if (!s.ok()) return s.error();
    s->Bind(1, r.county_code).Bind(2, r.household_code).Bind(3, CategoryText(r.category));
    s->Bind(4, r.date);
    if (r.amount_fen) {
      s->Bind(5, *r.amount_fen);
    } else {
      s->BindNull(5);
    }
    s->Bind(6, r.description).Bind(7, r.recorded_by).Bind(8, r.recorded_at);
    FUPIN_RETURN_IF_ERROR(s->Run());
    r.id = sqlite3_last_insert_rowid(db_.handle());
    return Status::Ok();
  }

  Status InsertVisit(VisitRow& r) override {
    auto s = db_.Prepare(
        "INSERT INTO visits(county_code, household_code, date, helper_id, visitor, findings, "
        "recorded_at) VALUES (?,?,?,?,?,?,?)");
    if (!s.ok()) return s.error();
    s->Bind(1, r.county_code).Bind(2, r.household_code).Bind(3, r.date);
    if (r.helper_id) {
      s->Bind(4, *r.helper_id);
    } else {
      s->BindNull(4);
    }
    s->Bind(5, r.visitor).Bind(6, r.findings).Bind(7, r.recorded_at);
    FUPIN_RETURN_IF_ERROR(s->Run());
    r.id = sqlite3_last_insert_rowid(db_.handle());
    return Status::Ok();
  }

  Status InsertAttachment(AttachmentRow& r, std::string_view content) override {
    auto s = db_.Prepare(
        "INSERT INTO attachments(owner, county_code, household_code, file_name, media_type, "
        "size, sha256, content, uploaded_by, uploaded_at) "
        "VALUES (NULL, NULL, NULL, ?,?,?,?,?,?,?)");
    if (!s.ok()) return s.error();
    s->Bind(1, r.file_name).Bind(2, r.media_type).Bind(3, r.size).Bind(4, r.sha256);
    s->BindBlobStatic(5, content).Bind(6, r.uploaded_by).Bind(7, r.uploaded_at);
    FUPIN_RETURN_IF_ERROR(s->Run());
    r.id = sqlite3_last_insert_rowid(db_.handle());
    r.owner.clear();
    r.county_code = 0;
    r.household_code.clear();
    return Status::Ok();
  }

  Result<bool> ClaimAttachment(int64_t id, const std::string& owner, int64_t county_code,
                               const std::string& household_code) override {
    auto s = db_.Prepare(
        "UPDATE attachments SET owner = ?, county_code = ?, household_code = ? "
        "WHERE id = ? AND owner IS NULL");
    if (!s.ok()) return s.error();
    s->Bind(1, owner).Bind(2, county_code).Bind(3, household_code).Bind(4, id);
    FUPIN_RETURN_IF_ERROR(s->Run());
    return sqlite3_changes(db_.handle()) == 1;
  }

  Result<std::vector<MeasureRow>> Measures(int64_t county_code,
                                           const std::string& household_code) override {
    auto s = db_.Prepare("SELECT " + std::string(kMeasureColumns) +
                         " FROM measures WHERE county_code = ? AND household_code = ? "
                         "ORDER BY date DESC, id DESC");
    if (!s.ok()) return s.error();
    s->Bind(1, county_code).Bind(2, household_code);
    std::vector<MeasureRow> out;
    FUPIN_RETURN_IF_ERROR(s->ForEachRow([&](Statement& st) { out.push_back(ReadMeasure(st)); }));
    return out;
  }

  Result<std::vector<VisitRow>> Visits(int64_t county_code,
                                       const std::string& household_code) override {
    auto s = db_.Prepare("SELECT " + std::string(kVisitColumns) +
                         " FROM visits WHERE county_code = ? AND household_code = ? "
                         "ORDER BY date DESC, id DESC");
    if (!s.ok()) return s.error();
    s->Bind(1, county_code).Bind(2, household_code);
    std::vector<VisitRow> out;
    FUPIN_RETURN_IF_ERROR(s->ForEachRow([&](Statement& st) { out.push_back(ReadVisit(st)); }));
    return out;
  }

  Result<std::optional<std::string>> LatestMeasureDate(int64_t county_code,
                                                       const std::string& household_code) override {
    auto s =
        db_.Prepare("SELECT max(date) FROM measures WHERE county_code = ? AND household_code = ?");
    if (!s.ok()) return s.error();
    s->Bind(1, county_code).Bind(2, household_code);
    auto row = s->Step();
    if (!row.ok()) return row.error();
    std::optional<std::string> out;
    if (*row && !s->IsNull(0)) out = s->Text(0);
    return out;
  }

  Result<std::optional<AttachmentRow>> GetAttachment(int64_t id) override {
    auto s =
        db_.Prepare("SELECT " + std::string(kAttachmentColumns) + " FROM attachments WHERE id = ?");
    if (!s.ok()) return s.error();
    s->Bind(1, id);
    auto row = s->Step();
    if (!row.ok()) return row.error();
    std::optional<AttachmentRow> out;
    if (*row) out = ReadAttachment(*s);
    return out;
  }

  Result<std::string> AttachmentContent(int64_t id) override {
    auto s = db_.Prepare("SELECT content FROM attachments WHERE id = ?");
    if (!s.ok()) return s.error();
    s->Bind(1, id);
    auto row = s->Step();
    if (!row.ok()) return row.error();
    if (!*row) return std::string();
    return std::string(s->BlobView(0));
  }

  Result<std::vector<AttachmentRow>> AttachmentsOf(const std::string& owner) override {
    auto s = db_.Prepare("SELECT " + std::string(kAttachmentColumns) +
                         " FROM attachments WHERE owner = ? ORDER BY id");
    if (!s.ok()) return s.error();
    s->Bind(1, owner);
    std::vector<AttachmentRow> out;
    FUPIN_RETURN_IF_ERROR(s->ForEachRow([&](Statement& st) { out.push_back(ReadAttachment(st)); }));
    return out;
  }

  Result<StaleMonitoredPage> MonitoredWithoutMeasureSince(RegionCode region,
                                                          const std::string& since,
                                                          const std::string& assigned_to,
                                                          int64_t offset, int64_t limit) override {
    // 监测状态 监测中 is code 1 (domain/codes.h code::kMonitoring).
    std::string where =
        " FROM households h WHERE h.village_code >= ?1 AND h.village_code < ?2 AND "
        "h.monitor_status = 1 AND NOT EXISTS (SELECT 1 FROM measures m WHERE m.county_code = "
        "h.county_code AND m.household_code = h.household_code AND m.date >= ?3)";
    if (!assigned_to.empty()) {
      where +=
          " AND EXISTS (SELECT 1 FROM helper_assignments a WHERE a.county_code = h.county_code "
          "AND a.household_code = h.household_code AND a.username = ?4)";
    }
    auto bind = [&](Statement& s) {
      s.Bind(1, region.subtree_lo()).Bind(2, region.subtree_hi()).Bind(3, since);
      if (!assigned_to.empty()) s.Bind(4, assigned_to);
    };
    StaleMonitoredPage page;
    {
      auto count = db_.Prepare("SELECT count(*)" + where);
      if (!count.ok()) return count.error();
      bind(*count);
      auto row = count->Step();
      if (!row.ok()) return row.error();
      page.total = count->Int(0);
    }
    auto s = db_.Prepare(
        "SELECT h.household_code, h.village_code, h.monitor_since, (SELECT max(date) FROM "
        "measures m WHERE m.county_code = h.county_code AND m.household_code = "
        "h.household_code)" +
        where + " ORDER BY h.county_code, h.household_code LIMIT ?5 OFFSET ?6");
    if (!s.ok()) return s.error();
    bind(*s);
    s->Bind(5, limit > 0 ? limit : int64_t{-1}).Bind(6, offset);
    FUPIN_RETURN_IF_ERROR(s->ForEachRow([&](Statement& st) {
      page.items.push_back(
          {st.Text(0), st.Int(1), st.IsNull(2) ? "" : st.Text(2), st.IsNull(3) ? "" : st.Text(3)});
    }));
    return page;
  }

 private:
  Database& db_;
};

}  // namespace

std::unique_ptr<CareStore> NewSqliteCareStore(sqlite::Database& db) {
  return std::make_unique<SqliteCareStore>(db);
}

}  // namespace fupin
