#include "storage/postgres/procedures/pg_care.h"

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

#define FUPIN_MEASURE_COLUMNS                                                               \
  "id, county_code, household_code, category, date, amount_fen, description, recorded_by, " \
  "recorded_at"
#define FUPIN_VISIT_COLUMNS \
  "id, county_code, household_code, date, helper_id, visitor, findings, recorded_at"
#define FUPIN_ATTACHMENT_COLUMNS                                                               \
  "id, owner, county_code, household_code, file_name, media_type, size, sha256, uploaded_by, " \
  "uploaded_at"

// Ids are SQLite's max(id) + 1, under the numbering lock (pg_statements.h LockIds).
constexpr std::string_view kInsertMeasure =
    "INSERT INTO measures(id, county_code, household_code, category, date, amount_fen, "
    "description, recorded_by, recorded_at) VALUES ((SELECT coalesce(max(id), 0) + 1 FROM "
    "measures), $1, $2, $3, $4, $5, $6, $7, $8) RETURNING id";
constexpr std::string_view kInsertVisit =
    "INSERT INTO visits(id, county_code, household_code, date, helper_id, visitor, findings, "
    "recorded_at) VALUES ((SELECT coalesce(max(id), 0) + 1 FROM visits), $1, $2, $3, $4, $5, $6, "
    "$7) RETURNING id";
constexpr std::string_view kInsertAttachment =
    "INSERT INTO attachments(id, owner, county_code, household_code, file_name, media_type, "
    "size, sha256, content, uploaded_by, uploaded_at) VALUES ((SELECT coalesce(max(id), 0) + 1 "
    "FROM attachments), NULL, NULL, NULL, $1, $2, $3, $4, $5, $6, $7) RETURNING id";
constexpr std::string_view kClaimAttachment =
    "UPDATE attachments SET owner = $1, county_code = $2, household_code = $3 "
    "WHERE id = $4 AND owner IS NULL";
constexpr std::string_view kMeasures =
    "SELECT " FUPIN_MEASURE_COLUMNS
    " FROM measures WHERE county_code = $1 AND household_code = $2 ORDER BY date DESC, id DESC";
constexpr std::string_view kVisits =
    "SELECT " FUPIN_VISIT_COLUMNS
    " FROM visits WHERE county_code = $1 AND household_code = $2 ORDER BY date DESC, id DESC";
constexpr std::string_view kLatestMeasureDate =
    "SELECT max(date) FROM measures WHERE county_code = $1 AND household_code = $2";
constexpr std::string_view kGetAttachment =
    "SELECT " FUPIN_ATTACHMENT_COLUMNS " FROM attachments WHERE id = $1";
constexpr std::string_view kAttachmentContent = "SELECT content FROM attachments WHERE id = $1";
constexpr std::string_view kAttachmentsOf =
    "SELECT " FUPIN_ATTACHMENT_COLUMNS " FROM attachments WHERE owner = $1 ORDER BY id";

// MonitoredWithoutMeasureSince: 监测状态 监测中 is code 1 (domain/codes.h code::kMonitoring).
constexpr std::string_view kStaleWhere =
    " FROM households h WHERE h.village_code >= $1 AND h.village_code < $2 AND "
    "h.monitor_status = 1 AND NOT EXISTS (SELECT 1 FROM measures m WHERE m.county_code = "
    "h.county_code AND m.household_code = h.household_code AND m.date >= $3)";
constexpr std::string_view kStaleAssigned =
    " AND EXISTS (SELECT 1 FROM helper_assignments a WHERE a.county_code = h.county_code "
    "AND a.household_code = h.household_code AND a.username = $4)";
constexpr std::string_view kStaleColumns =
    "SELECT h.household_code, h.village_code, h.monitor_since, (SELECT max(date) FROM "
    "measures m WHERE m.county_code = h.county_code AND m.household_code = h.household_code)";

#undef FUPIN_MEASURE_COLUMNS
#undef FUPIN_VISIT_COLUMNS
#undef FUPIN_ATTACHMENT_COLUMNS

// A category as stored: the two digits of codes.md ("01", "99").
std::string CategoryText(int category) {
  std::string out = std::to_string(category);
  if (category < 10) out.insert(out.begin(), '0');
  return out;
}

// The number the text begins with, 0 when none (SQLite's reading: stoi("0" + text)).
int LeadingNumber(std::string_view text) {
  int value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') break;
    value = value * 10 + (c - '0');
  }
  return value;
}

MeasureRow ReadMeasure(const Rows& rows, int i) {
  MeasureRow r;
  r.id = rows.Int(i, 0);
  r.county_code = rows.Int(i, 1);
  r.household_code = rows.Text(i, 2);
  r.category = LeadingNumber(rows.TextView(i, 3));
  r.date = rows.Text(i, 4);
  if (!rows.IsNull(i, 5)) r.amount_fen = rows.Int(i, 5);
  r.description = rows.Text(i, 6);
  r.recorded_by = rows.Text(i, 7);
  r.recorded_at = rows.Text(i, 8);
  return r;
}

VisitRow ReadVisit(const Rows& rows, int i) {
  VisitRow r;
  r.id = rows.Int(i, 0);
  r.county_code = rows.Int(i, 1);
  r.household_code = rows.Text(i, 2);
  r.date = rows.Text(i, 3);
  if (!rows.IsNull(i, 4)) r.helper_id = rows.Int(i, 4);
  r.visitor = rows.Text(i, 5);
  r.findings = rows.Text(i, 6);
  r.recorded_at = rows.Text(i, 7);
  return r;
}

AttachmentRow ReadAttachment(const Rows& rows, int i) {
  AttachmentRow r;
  r.id = rows.Int(i, 0);
  if (!rows.IsNull(i, 1)) r.owner = rows.Text(i, 1);
  if (!rows.IsNull(i, 2)) r.county_code = rows.Int(i, 2);
  if (!rows.IsNull(i, 3)) r.household_code = rows.Text(i, 3);
  r.file_name = rows.Text(i, 4);
  r.media_type = rows.Text(i, 5);
  r.size = rows.Int(i, 6);
  r.sha256 = rows.Text(i, 7);
  r.uploaded_by = rows.Text(i, 8);
  r.uploaded_at = rows.Text(i, 9);
  return r;
}

class PgCareStore final : public CareStore {
 public:
  explicit PgCareStore(pg::Connection& db) : db_(db), statements_(db) {}

  Status InsertMeasure(MeasureRow& r) override {
    Params p;
    p.Int(r.county_code).Text(r.household_code).Text(CategoryText(r.category)).Text(r.date);
    if (r.amount_fen) {
      p.Int(*r.amount_fen);
    } else {
      p.Null();
    }
    p.Text(r.description).Text(r.recorded_by).Text(r.recorded_at);
    return Insert("measures", kInsertMeasure, p, r.id);
  }

  Status InsertVisit(VisitRow& r) override {
    Params p;
    p.Int(r.county_code).Text(r.household_code).Text(r.date);
    if (r.helper_id) {
      p.Int(*r.helper_id);
    } else {
      p.Null();
    }
    p.Text(r.visitor).Text(r.findings).Text(r.recorded_at);
    return Insert("visits", kInsertVisit, p, r.id);
  }

  Status InsertAttachment(AttachmentRow& r, std::string_view content) override {
    Params p;
    p.Text(r.file_name).Text(r.media_type).Int(r.size).Text(r.sha256).Bytes(content);
    p.Text(r.uploaded_by).Text(r.uploaded_at);
    FUPIN_RETURN_IF_ERROR(Insert("attachments", kInsertAttachment, p, r.id));
    r.owner.clear();
    r.county_code = 0;
    r.household_code.clear();
    return Status::Ok();
  }

  Result<bool> ClaimAttachment(int64_t id, const std::string& owner, int64_t county_code,
                               const std::string& household_code) override {
    // One conditional UPDATE: a second server claiming the same file at once waits for the
    // first, then finds the owner set (READ COMMITTED re-checks the row) and claims nothing.
    auto claimed = statements_.Run(
        kClaimAttachment, Params().Text(owner).Int(county_code).Text(household_code).Int(id));
    if (!claimed.ok()) return claimed.error();
    return *claimed == 1;
  }

  Result<std::vector<MeasureRow>> Measures(int64_t county_code,
                                           const std::string& household_code) override {
    auto rows = statements_.Query(kMeasures, Params().Int(county_code).Text(household_code));
    if (!rows.ok()) return rows.error();
    std::vector<MeasureRow> out;
    out.reserve(rows->size());
    for (int i = 0; i < rows->size(); ++i) out.push_back(ReadMeasure(*rows, i));
    return out;
  }

  Result<std::vector<VisitRow>> Visits(int64_t county_code,
                                       const std::string& household_code) override {
    auto rows = statements_.Query(kVisits, Params().Int(county_code).Text(household_code));
    if (!rows.ok()) return rows.error();
    std::vector<VisitRow> out;
    out.reserve(rows->size());
    for (int i = 0; i < rows->size(); ++i) out.push_back(ReadVisit(*rows, i));
    return out;
  }

  Result<std::optional<std::string>> LatestMeasureDate(int64_t county_code,
                                                       const std::string& household_code) override {
    auto rows =
        statements_.Query(kLatestMeasureDate, Params().Int(county_code).Text(household_code));
    if (!rows.ok()) return rows.error();
    std::optional<std::string> out;
    if (rows->size() > 0 && !rows->IsNull(0, 0)) out = rows->Text(0, 0);
    return out;
  }

  Result<std::optional<AttachmentRow>> GetAttachment(int64_t id) override {
    auto rows = statements_.Query(kGetAttachment, Params().Int(id));
    if (!rows.ok()) return rows.error();
    std::optional<AttachmentRow> out;
    if (rows->size() > 0) out = ReadAttachment(*rows, 0);
    return out;
  }

  Result<std::string> AttachmentContent(int64_t id) override {
    auto rows = statements_.Query(kAttachmentContent, Params().Int(id));
    if (!rows.ok()) return rows.error();
    if (rows->size() == 0) return std::string();
    return std::string(rows->Bytes(0, 0));
  }

  Result<std::vector<AttachmentRow>> AttachmentsOf(const std::string& owner) override {
    auto rows = statements_.Query(kAttachmentsOf, Params().Text(owner));
    if (!rows.ok()) return rows.error();
    std::vector<AttachmentRow> out;
    out.reserve(rows->size());
    for (int i = 0; i < rows->size(); ++i) out.push_back(ReadAttachment(*rows, i));
    return out;
  }

  Result<StaleMonitoredPage> MonitoredWithoutMeasureSince(RegionCode region,
                                                          const std::string& since,
                                                          const std::string& assigned_to,
                                                          int64_t offset, int64_t limit) override {
    std::string where(kStaleWhere);
    Params p;
    p.Int(region.subtree_lo()).Int(region.subtree_hi()).Text(since);
    if (!assigned_to.empty()) {
      where += kStaleAssigned;
      p.Text(assigned_to);
    }
    StaleMonitoredPage page;
    auto count = statements_.Query("SELECT count(*)" + where, p);
    if (!count.ok()) return count.error();
    page.total = count->Int(0, 0);
    // LIMIT NULL is no limit (SQLite's -1); a negative offset is SQLite's 0. The 户编号 in
    // SQLite's order (BINARY) whatever the database's collation.
    const std::string next = pg::Placeholder(p.size() + 1);
    const std::string after = pg::Placeholder(p.size() + 2);
    pg::Page(p, limit, offset);
    auto rows =
        statements_.Query(std::string(kStaleColumns) + where +
                              " ORDER BY h.county_code, h.household_code COLLATE \"C\" LIMIT " +
                              next + " OFFSET " + after,
                          p);
    if (!rows.ok()) return rows.error();
    page.items.reserve(rows->size());
    for (int i = 0; i < rows->size(); ++i) {
      page.items.push_back({rows->Text(i, 0), rows->Int(i, 1),
                            rows->IsNull(i, 2) ? "" : rows->Text(i, 2),
                            rows->IsNull(i, 3) ? "" : rows->Text(i, 3)});
    }
    return page;
  }

 private:
  // Inserts one numbered row (`sql` ends with RETURNING id) and sets `id`.
  Status Insert(std::string_view table, std::string_view sql, const Params& p, int64_t& id) {
    return pg::InTransaction(db_, [&]() -> Status {
      FUPIN_RETURN_IF_ERROR(pg::LockIds(statements_, table));
      return statements_.InsertReturningId(sql, p, &id);
    });
  }

  pg::Connection& db_;
  StatementCache statements_;
};

}  // namespace

std::unique_ptr<CareStore> NewPgCareStore(pg::Connection& db) {
  return std::make_unique<PgCareStore>(db);
}

}  // namespace fupin
