#include "storage/postgres/procedures/pg_procs_test_fixture.h"

#include <atomic>
#include <cstdio>
#include <utility>

#include "storage/postgres/pg_statements.h"
#include "storage/postgres/pg_test_database.h"
#include "storage/postgres/procedures/pg_care.h"
#include "storage/postgres/procedures/pg_cases.h"
#include "storage/postgres/procedures/pg_complaints.h"

namespace fupin::pg::testing {

// Households carry the columns NOT NULL wants, zero or false unless a scenario needs them.
#define FUPIN_HOUSEHOLD_COLUMNS                                                                \
  "INSERT INTO households(county_code, household_code, village_code, kind, attribute, "        \
  "other_causes, member_count, wage_income, business_income, business_cost, property_income, " \
  "transfer_income, medical_out_of_pocket, education_cost, disaster_loss, food_secure, "       \
  "clothing_secure, housing_grade, renovation, relocation, water_safe, monitor_type, "         \
  "monitor_status, monitor_since, risk_types, version) VALUES "
#define FUPIN_HOUSEHOLD_ZEROS "1, 0, 0, 3, 0, 0, 0, 0, 0, 0, 0, 0, TRUE, TRUE, 1, 0, 0, TRUE, "

const char* const kSeedSql =
    "INSERT INTO regions(code, name, level, parent, rural_population) VALUES "
    "(620000000000, '甘肃省', 1, 0, NULL), (620400000000, '白银市', 2, 620000000000, NULL), "
    "(620422000000, '会宁县', 3, 620400000000, NULL), "
    "(620422102000, '甘沟驿镇', 4, 620422000000, NULL), "
    "(620422102201, '一村', 5, 620422102000, NULL), (620422102202, '二村', 5, 620422102000, NULL), "
    "(620423000000, '景泰县', 3, 620400000000, NULL), "
    "(620423100000, '一条山镇', 4, 620423000000, NULL), "
    "(620423100201, '三村', 5, 620423100000, NULL);\n" FUPIN_HOUSEHOLD_COLUMNS
    "(620422000000, '6204221022010001', 620422102201, " FUPIN_HOUSEHOLD_ZEROS
    "1, 1, '2026-01-10', 0, 1), "
    "(620422000000, '6204221022010002', 620422102201, " FUPIN_HOUSEHOLD_ZEROS
    "1, 1, '2026-02-01', 0, 1), "
    "(620422000000, '6204221022020001', 620422102202, " FUPIN_HOUSEHOLD_ZEROS
    "2, 1, '2026-03-01', 0, 1), "
    "(620422000000, '6204221022020002', 620422102202, " FUPIN_HOUSEHOLD_ZEROS
    "0, 0, NULL, 0, 1), "
    "(620423000000, '6204231002010001', 620423100201, " FUPIN_HOUSEHOLD_ZEROS
    "1, 1, '2026-01-05', 0, 1);\n"
    "INSERT INTO helpers(id, region_code, name, work_unit, phone, username, created_at, "
    "created_by) VALUES (1, 620422102201, '李帮扶', '县农业农村局', '13900000001', 'h1', "
    "'2026-01-01T00:00:00Z', 'admin'), (2, 620422102201, '赵帮扶', '县教育局', '13900000002', "
    "'h2', '2026-01-01T00:00:00Z', 'admin');\n"
    "INSERT INTO helper_households(helper_id, county_code, household_code, since, until) VALUES "
    "(1, 620422000000, '6204221022010001', '2026-01-01', NULL), "
    "(2, 620422000000, '6204221022010002', '2026-01-01', NULL), "
    "(1, 620422000000, '6204221022020001', '2026-01-01', NULL), "
    "(2, 620422000000, '6204221022020001', '2025-01-01', '2025-12-31');\n";

#undef FUPIN_HOUSEHOLD_COLUMNS
#undef FUPIN_HOUSEHOLD_ZEROS

void PgProcsTest::SetUp() {
  static std::atomic<int> databases{0};
  auto url = CopyOfTemplate("procs_template", "procs_" + std::to_string(++databases),
                            [](Connection& db) { return db.Exec(kSeedSql); });
  ASSERT_TRUE(url.ok()) << url.error().en;
  url_ = *url;
  auto db = Connection::Open(url_);
  ASSERT_TRUE(db.ok()) << db.error().en;
  db_ = std::move(*db);
  cases_ = NewPgCaseStore(*db_);
  care_ = NewPgCareStore(*db_);
  complaints_ = NewPgComplaintStore(*db_);
}

void PgProcsTest::TearDown() {
  cases_.reset();
  care_.reset();
  complaints_.reset();
  db_.reset();
}

std::unique_ptr<Connection> PgProcsTest::Connect() {
  auto db = Connection::Open(url_);
  EXPECT_TRUE(db.ok()) << db.error().en;
  return db.ok() ? std::move(*db) : nullptr;
}

Status PgProcsTest::InTransaction(const std::function<Status()>& write) {
  return pg::InTransaction(*db_, write);
}

Date Day(const std::string& iso) { return Date::Parse(iso).value(); }

StoredCase OpenedCase(const std::string& household, int64_t village, ProcedureKind kind,
                      const std::string& day) {
  StoredCase c;
  c.household_code = household;
  c.village_code = RegionCode::FromInt(village);
  c.value.kind = kind;
  c.value.year = 2026;
  c.value.opened_by = "v1";
  c.value.opened_on = Day(day);
  c.opened_at = day + "T02:00:00Z";
  c.value.step_index = 0;
  Advance(c, "v1", day);
  if (kind == ProcedureKind::kMonitor) {
    c.params.monitor_type = 1;
    c.params.source = "hotline";
    c.params.risk_types = CodeSet::FromBits(0b1010);
    c.value.clue_date = Day(day);
    c.due_on = Date::FromDays(Day(day).days() + 15);
  }
  return c;
}

void Advance(StoredCase& c, const std::string& actor, const std::string& day) {
  const auto steps = Steps(c.value.kind);
  StepRecord r;
  r.step = steps[c.value.step_index].step;
  r.actor = actor;
  r.level = steps[c.value.step_index].level;
  r.date = Day(day);
  r.comment = "办理 " + std::string(StepKey(r.step));
  r.attachments = static_cast<int>(c.value.steps.size() % 3);
  c.value.steps.push_back(r);
  c.meta.push_back(
      {r.level == Level::kVillage ? "village_operator" : "township_operator", day + "T03:00:00Z"});
  c.value.notice.reset();
  if (c.value.step_index + 1 == steps.size()) {
    c.value.state = CaseState::kDone;
    c.closed_at = day + "T04:00:00Z";
    return;
  }
  ++c.value.step_index;
  if (IsNoticeStep(c.value.current_step())) {
    c.value.notice = Notice{Day(day), Date::FromDays(Day(day).days() + 7)};
  }
}

MeasureRow Measure(int64_t county, const std::string& household, const std::string& date,
                   std::optional<int64_t> amount_fen) {
  MeasureRow r;
  r.county_code = county;
  r.household_code = household;
  r.category = 3;
  r.date = date;
  r.amount_fen = amount_fen;
  r.description = "产业帮扶：发放鸡苗 50 只\n第二行";
  r.recorded_by = "v1";
  r.recorded_at = date + "T08:00:00Z";
  return r;
}

VisitRow Visit(int64_t county, const std::string& household, const std::string& date) {
  VisitRow r;
  r.county_code = county;
  r.household_code = household;
  r.date = date;
  r.visitor = "h1";
  r.findings = "两不愁三保障均已落实";
  r.recorded_at = date + "T09:00:00Z";
  return r;
}

AttachmentRow Attachment(const std::string& file_name, const std::string& content) {
  AttachmentRow r;
  r.file_name = file_name;
  r.media_type = "image/png";
  r.size = static_cast<int64_t>(content.size());
  r.sha256 = std::string(64, "0123456789abcdef"[content.size() % 16]);
  r.uploaded_by = "v1";
  r.uploaded_at = "2026-06-01T05:00:00Z";
  return r;
}

}  // namespace fupin::pg::testing
