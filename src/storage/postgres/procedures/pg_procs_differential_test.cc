// The same operations on the SQLite store (Store::Open on a temporary file) and on the
// PostgreSQL stores, from the same seeded register, give the same answers: the ids given,
// the errors, and every read of the three stores (each case, page, measure, visit,
// attachment with its bytes, worklist and complaint), line by line.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "storage/postgres/procedures/pg_procs_test_fixture.h"
#include "storage/sqlite/sqlite_db.h"
#include "storage/store.h"

namespace fupin::pg::testing {
namespace {

// One back end as the script sees it.
struct Backend {
  std::function<Status()> begin, commit;
  std::function<void()> rollback;
  CaseStore* cases;
  CareStore* care;
  ComplaintStore* complaints;
};

std::string Code(const Status& s) { return s.ok() ? "ok" : s.error().code; }
template <class T>
std::string Code(const Result<T>& r) {
  return r.ok() ? "ok" : r.error().code;
}
std::string DateText(const std::optional<Date>& d) { return d ? d->ToString() : "-"; }

std::string Describe(const StoredCase& c) {
  const Case& v = c.value;
  std::string out =
      "case " + std::to_string(c.id) + " " + std::string(ProcedureKindKey(v.kind)) + " " +
      c.household_code + " " + c.village_code.ToString() + " " + std::to_string(v.year) + " " +
      std::string(CaseStateKey(v.state)) + " " + std::to_string(v.step_index) + " notice " +
      (v.notice ? v.notice->start.ToString() + ".." + v.notice->closes_on.ToString() : "-") + " " +
      v.opened_by + " " + v.opened_on.ToString() + " " + c.opened_at + " " + v.checked_by +
      " clue " + DateText(v.clue_date) + " due " + DateText(c.due_on) + " params " +
      std::to_string(c.params.cause) + "," + c.params.reason + "," +
      std::to_string(c.params.finding) + "," + std::to_string(c.params.monitor_type) + "," +
      std::to_string(c.params.risk_types.bits()) + "," + c.params.source + "," +
      c.params.labor_override + "," + std::to_string(c.params.method) + " closed " + c.closed_at;
  for (size_t i = 0; i < v.steps.size(); ++i) {
    const StepRecord& r = v.steps[i];
    out += "\n  step " + std::to_string(i) + " " + std::string(StepKey(r.step)) + " " +
           std::string(ActionKindKey(r.action)) + " " + r.actor + " " +
           std::string(LevelKey(r.level)) + " " + r.date.ToString() + " " + r.comment + " " +
           std::to_string(r.attachments) + " " + (r.to ? std::string(StepKey(*r.to)) : "-");
    if (i < c.meta.size()) out += " " + c.meta[i].role + " " + c.meta[i].at;
  }
  return out;
}

std::string Describe(const MeasureRow& m) {
  return "measure " + std::to_string(m.id) + " " + std::to_string(m.county_code) + " " +
         m.household_code + " " + std::to_string(m.category) + " " + m.date + " " +
         (m.amount_fen ? std::to_string(*m.amount_fen) : "-") + " " + m.description + " " +
         m.recorded_by + " " + m.recorded_at;
}

std::string Describe(const VisitRow& v) {
  return "visit " + std::to_string(v.id) + " " + std::to_string(v.county_code) + " " +
         v.household_code + " " + v.date + " " +
         (v.helper_id ? std::to_string(*v.helper_id) : "-") + " " + v.visitor + " " + v.findings +
         " " + v.recorded_at;
}

std::string Describe(const AttachmentRow& a) {
  return "attachment " + std::to_string(a.id) + " [" + a.owner + "] " +
         std::to_string(a.county_code) + " " + a.household_code + " " + a.file_name + " " +
         a.media_type + " " + std::to_string(a.size) + " " + a.sha256 + " " + a.uploaded_by + " " +
         a.uploaded_at;
}

std::string Describe(const ComplaintRow& c) {
  return "complaint " + std::to_string(c.id) + " " + c.channel + " " +
         std::to_string(c.region_code) + " " + c.subject + " " + c.text + " " + c.name + " " +
         c.phone + " " + std::to_string(c.county_code) + " " + c.household_code + " " +
         c.received_on + " " + c.due_on + " " + c.state + " " + std::to_string(c.level_code) + " " +
         std::to_string(c.escalated_to) + " " + c.escalated_at + " " + c.answer + " " + c.evidence +
         " " + c.answered_by + " " + c.answered_at + " " + c.confirmed_at + " " +
         (c.satisfied ? (*c.satisfied ? "satisfied" : "unsatisfied") : "-") + " " +
         std::to_string(c.case_id) + " " + c.created_by + " " + c.created_at;
}

// The writes, then every read; what each answered, one line per fact.
std::vector<std::string> Script(Backend& b) {
  std::vector<std::string> out;
  auto in_transaction = [&](const std::string& what, const std::function<Status()>& write) {
    Status s = b.begin();
    if (s.ok()) s = write();
    if (s.ok()) {
      s = b.commit();
    } else {
      b.rollback();
    }
    out.push_back(what + ": " + Code(s));
  };
  std::vector<StoredCase> cases = {
      OpenedCase(kHousehold1, kVillage),
      OpenedCase(kHousehold2, kVillage, ProcedureKind::kMonitor, "2026-05-01"),
      OpenedCase(kHousehold3, kOtherVillage),
      OpenedCase(kHousehold5, kFarVillage, ProcedureKind::kMonitor)};
  for (StoredCase& c : cases) {
    in_transaction("open " + c.household_code, [&] { return b.cases->InsertCase(c); });
    out.push_back("  id " + std::to_string(c.id));
  }
  // A refused second case in a transaction that goes on and commits.
  in_transaction("refused and a complaint", [&]() -> Status {
    StoredCase again = OpenedCase(kHousehold1, kVillage, ProcedureKind::kExit);
    out.push_back("  second case: " + Code(b.cases->InsertCase(again)));
    ComplaintRow row = Complaint(kVillage, "2026-06-10");
    FUPIN_RETURN_IF_ERROR(b.complaints->InsertComplaint(row));
    out.push_back("  complaint " + std::to_string(row.id));
    return Status::Ok();
  });
  // A transaction rolled back: its ids are given again.
  StoredCase h4 = OpenedCase(kHousehold4, kOtherVillage, ProcedureKind::kRemove);
  h4.params.reason = "03";
  h4.params.finding = 12;
  in_transaction("rolled back", [&]() -> Status {
    FUPIN_RETURN_IF_ERROR(b.cases->InsertCase(h4));
    MeasureRow m = Measure(kCounty, kHousehold4, "2026-06-01", 5);
    FUPIN_RETURN_IF_ERROR(b.care->InsertMeasure(m));
    ComplaintRow c = Complaint(kOtherVillage, "2026-06-10");
    FUPIN_RETURN_IF_ERROR(b.complaints->InsertComplaint(c));
    AttachmentRow a = Attachment("x.png", "x");
    FUPIN_RETURN_IF_ERROR(b.care->InsertAttachment(a, "x"));
    return Error{"E_TEST", "回滚", "roll back"};
  });
  in_transaction("open " + kHousehold4, [&] { return b.cases->InsertCase(h4); });
  out.push_back("  id " + std::to_string(h4.id));
  // Moves: the first to its notice, the third to its end.
  Advance(cases[0], "v1", "2026-06-02");
  Advance(cases[0], "v1", "2026-06-03");
  in_transaction("move 1", [&] { return b.cases->UpdateCase(cases[0], 1); });
  while (cases[2].value.state == CaseState::kOpen) Advance(cases[2], "t1", "2026-06-20");
  in_transaction("move 3", [&] { return b.cases->UpdateCase(cases[2], 1); });
  // Measures, visits, attachments.
  const std::vector<MeasureRow> measures = {Measure(kCounty, kHousehold1, "2026-04-30", 150000),
                                            Measure(kCounty, kHousehold1, "2026-06-01"),
                                            Measure(kCounty, kHousehold1, "2026-04-30", 0),
                                            Measure(kCounty, kHousehold2, "2026-05-20", 99),
                                            Measure(kOtherCounty, kHousehold5, "2026-06-05")};
  for (MeasureRow m : measures) {
    in_transaction("measure", [&] { return b.care->InsertMeasure(m); });
    out.push_back("  id " + std::to_string(m.id));
  }
  VisitRow v1 = Visit(kCounty, kHousehold1, "2026-06-02");
  v1.helper_id = 1;
  VisitRow v2 = Visit(kCounty, kHousehold1, "2026-06-02");
  for (VisitRow* v : {&v1, &v2}) {
    in_transaction("visit", [&] { return b.care->InsertVisit(*v); });
    out.push_back("  id " + std::to_string(v->id));
  }
  const std::string png("\x89PNG\r\n\x1a\n\0\0\\\t", 12);
  std::vector<int64_t> files;
  for (const std::string& content : {png, std::string("%PDF-1.4"), std::string("third")}) {
    AttachmentRow a = Attachment("file", content);
    in_transaction("upload", [&] { return b.care->InsertAttachment(a, content); });
    files.push_back(a.id);
  }
  in_transaction("claims", [&]() -> Status {
    for (auto [id, owner] : std::vector<std::pair<int64_t, std::string>>{
             {files[0], "visit:1"}, {files[1], "case:1:1"}, {files[0], "case:1:1"}, {99, "x"}}) {
      auto claimed = b.care->ClaimAttachment(id, owner, kCounty, kHousehold1);
      if (!claimed.ok()) return claimed.error();
      out.push_back("  claim " + std::to_string(id) + " " + owner + " " +
                    (*claimed ? "yes" : "no"));
    }
    return Status::Ok();
  });
  // Complaints: intake, escalation, answer, confirmation.
  std::vector<ComplaintRow> complaints = {
      Complaint(kVillage, "2026-06-16"), Complaint(kOtherVillage, "2026-06-11"),
      Complaint(kTownship, "2026-06-09"), Complaint(kFarVillage, "2026-06-05")};
  complaints[1].county_code = kCounty;
  complaints[1].household_code = kHousehold3;
  complaints[2].channel = "hotline";
  complaints[2].case_id = 2;
  for (ComplaintRow& c : complaints) {
    in_transaction("complaint", [&] { return b.complaints->InsertComplaint(c); });
    out.push_back("  id " + std::to_string(c.id));
  }
  in_transaction("sweep", [&]() -> Status {
    auto due = b.complaints->DueForEscalation("2026-06-10");
    if (!due.ok()) return due.error();
    for (ComplaintRow& c : *due) {
      c.escalated_to = RegionCode::FromInt(c.region_code).parent().value();
      c.level_code = c.escalated_to;
      c.escalated_at = "2026-06-10T00:00:00Z";
      FUPIN_RETURN_IF_ERROR(b.complaints->UpdateComplaint(c));
      out.push_back("  escalated " + std::to_string(c.id));
    }
    return Status::Ok();
  });
  in_transaction("answer and confirm", [&]() -> Status {
    auto row = b.complaints->GetComplaint(complaints[0].id);
    if (!row.ok()) return row.error();
    ComplaintRow c = **row;
    c.state = "confirmed";
    c.answer = "已答复";
    c.answered_by = "v1";
    c.answered_at = "2026-06-08T00:00:00Z";
    c.confirmed_at = "2026-06-09T00:00:00Z";
    c.satisfied = true;
    return b.complaints->UpdateComplaint(c);
  });

  // Every read.
  for (int64_t id = 1; id <= 7; ++id) {
    auto c = b.cases->GetCase(id);
    out.push_back(!c.ok() ? Code(c) : *c ? Describe(**c) : "case " + std::to_string(id) + " none");
  }
  for (const std::string& h :
       {kHousehold1, kHousehold2, kHousehold3, kHousehold4, kHousehold5, std::string("none")}) {
    auto open = b.cases->OpenCaseOf(h);
    out.push_back("open case of " + h + ": " +
                  (!open.ok() ? Code(open)
                   : *open    ? std::to_string(**open)
                              : "none"));
    auto all = b.cases->CasesOf(h);
    out.push_back("cases of " + h + ": " + Code(all));
    if (all.ok()) {
      for (const StoredCase& c : *all) out.push_back(Describe(c));
    }
  }
  std::vector<std::pair<std::string, CaseQuery>> queries;
  auto query = [&](const std::string& name, int64_t region) -> CaseQuery& {
    CaseQuery q;
    q.region = RegionCode::FromInt(region);
    queries.emplace_back(name, q);
    return queries.back().second;
  };
  query("nation", 0);
  query("county", kCounty);
  query("village", kVillage);
  query("kind monitor", 0).kind = ProcedureKind::kMonitor;
  query("state done", 0).state = CaseState::kDone;
  query("state open", kCounty).state = CaseState::kOpen;
  query("household", 0).household_code = kHousehold2;
  query("waiting V", 0).waiting_at = Level::kVillage;
  query("waiting T", 0).waiting_at = Level::kTownship;
  query("waiting admin", 0).waiting_at = Level::kAdmin;
  query("overdue", 0).overdue_on = Day("2026-05-17");
  query("closable early", 0).closable_on = Day("2026-06-09");
  query("closable", 0).closable_on = Day("2026-06-10");
  query("assigned h1", 0).assigned_to = "h1";
  query("assigned h2", 0).assigned_to = "h2";
  {
    CaseQuery& q = query("page", 0);
    q.limit = 2;
    q.offset = 1;
  }
  {
    CaseQuery& q = query("all with an offset", 0);
    q.limit = 0;
    q.offset = 2;
  }
  {
    CaseQuery& q = query("negative offset", 0);
    q.limit = 3;
    q.offset = -1;
  }
  for (const auto& [name, q] : queries) {
    auto page = b.cases->SearchCases(q);
    std::string line = "search " + name + ": " + Code(page);
    if (page.ok()) {
      line += " total " + std::to_string(page->total);
      for (const StoredCase& c : page->items) line += "\n  " + Describe(c);
    }
    out.push_back(line);
  }
  for (const auto& [county, h] :
       std::vector<std::pair<int64_t, std::string>>{{kCounty, kHousehold1},
                                                    {kCounty, kHousehold2},
                                                    {kCounty, kHousehold4},
                                                    {kOtherCounty, kHousehold5},
                                                    {kOtherCounty, kHousehold1}}) {
    auto m = b.care->Measures(county, h);
    out.push_back("measures of " + h + ": " + Code(m));
    if (m.ok()) {
      for (const MeasureRow& r : *m) out.push_back(Describe(r));
    }
    auto v = b.care->Visits(county, h);
    out.push_back("visits of " + h + ": " + Code(v));
    if (v.ok()) {
      for (const VisitRow& r : *v) out.push_back(Describe(r));
    }
    auto latest = b.care->LatestMeasureDate(county, h);
    out.push_back("latest measure: " +
                  (!latest.ok() ? Code(latest) : latest->value_or(std::string("none"))));
  }
  for (int64_t id = 1; id <= 4; ++id) {
    auto a = b.care->GetAttachment(id);
    out.push_back(!a.ok() ? Code(a) : *a ? Describe(**a) : "attachment none");
    auto content = b.care->AttachmentContent(id);
    out.push_back("content " + (content.ok() ? *content : Code(content)));
  }
  for (const std::string owner : {"visit:1", "case:1:1", "case:9:0"}) {
    auto of = b.care->AttachmentsOf(owner);
    out.push_back("attachments of " + owner + ": " + Code(of));
    if (of.ok()) {
      for (const AttachmentRow& a : *of) out.push_back(Describe(a));
    }
  }
  struct Stale {
    int64_t region;
    std::string since, helper;
    int64_t offset, limit;
  };
  for (const Stale& s : std::vector<Stale>{{0, "2026-05-01", "", 0, 0},
                                           {kCounty, "2026-04-30", "", 0, 0},
                                           {kCounty, "2026-06-01", "h1", 0, 0},
                                           {0, "2026-07-01", "", 1, 2},
                                           {0, "2026-07-01", "", 2, 0},
                                           {0, "2026-07-01", "", -4, 1}}) {
    auto page = b.care->MonitoredWithoutMeasureSince(RegionCode::FromInt(s.region), s.since,
                                                     s.helper, s.offset, s.limit);
    std::string line =
        "stale " + std::to_string(s.region) + " " + s.since + " " + s.helper + ": " + Code(page);
    if (page.ok()) {
      line += " total " + std::to_string(page->total);
      for (const auto& h : page->items) {
        line += "\n  " + h.household_code + " " + std::to_string(h.village_code) + " " +
                h.monitor_since + " " + h.latest_measure_date;
      }
    }
    out.push_back(line);
  }
  for (int64_t id = 1; id <= 7; ++id) {
    auto c = b.complaints->GetComplaint(id);
    out.push_back(!c.ok() ? Code(c) : *c ? Describe(**c) : "complaint none");
  }
  std::vector<std::pair<std::string, ComplaintQuery>> searches;
  auto search = [&](const std::string& name, int64_t region) -> ComplaintQuery& {
    ComplaintQuery q;
    q.region = RegionCode::FromInt(region);
    searches.emplace_back(name, q);
    return searches.back().second;
  };
  search("nation", 0);
  search("county", kCounty);
  search("open", 0).state = "open";
  search("overdue", 0).overdue_on = "2026-06-12";
  search("desk township", kCounty).desk = kTownship;
  search("desk village", kCounty).desk = kVillage;
  {
    ComplaintQuery& q = search("page", 0);
    q.limit = 2;
    q.offset = 1;
  }
  {
    ComplaintQuery& q = search("all from 2", 0);
    q.limit = 0;
    q.offset = 2;
  }
  for (const auto& [name, q] : searches) {
    auto page = b.complaints->SearchComplaints(q);
    std::string line = "complaints " + name + ": " + Code(page);
    if (page.ok()) {
      line += " total " + std::to_string(page->total);
      for (const ComplaintRow& c : page->items) line += "\n  " + Describe(c);
    }
    out.push_back(line);
  }
  for (int64_t region : {int64_t{0}, kTownship, kFarVillage}) {
    auto under = b.complaints->ComplaintsUnder(RegionCode::FromInt(region));
    out.push_back("under " + std::to_string(region) + ": " + Code(under));
    if (under.ok()) {
      for (const ComplaintRow& c : *under) out.push_back(Describe(c));
    }
  }
  for (const std::string day : {"2026-06-10", "2026-06-12", "2026-06-30"}) {
    auto due = b.complaints->DueForEscalation(day);
    out.push_back("due " + day + ": " + Code(due));
    if (due.ok()) {
      for (const ComplaintRow& c : *due) out.push_back(Describe(c));
    }
  }
  return out;
}

class PgProcsDifferentialTest : public PgProcsTest {
 protected:
  void SetUp() override {
    PgProcsTest::SetUp();
    char dir[] = "/tmp/fupin-procs-XXXXXX";
    ASSERT_NE(mkdtemp(dir), nullptr);
    dir_ = dir;
    auto store = Store::Open(dir_ + "/t.db", Store::OpenMode::kCreate);
    ASSERT_TRUE(store.ok()) << store.error().en;
    ASSERT_TRUE((*store)->Migrate().ok());
    sqlite_ = std::move(store).value();
    auto seed = sqlite::Database::Open(dir_ + "/t.db", false);
    ASSERT_TRUE(seed.ok()) << seed.error().en;
    const Status seeded = seed->Exec(kSeedSql);
    ASSERT_TRUE(seeded.ok()) << seeded.error().en;
  }
  void TearDown() override {
    sqlite_.reset();
    std::filesystem::remove_all(dir_);
    PgProcsTest::TearDown();
  }
  std::string dir_;
  std::unique_ptr<Store> sqlite_;
};

TEST_F(PgProcsDifferentialTest, TheSameOperationsGiveTheSameAnswersOnSqliteAndPostgresql) {
  Backend lite{[&] { return sqlite_->Begin(); },
               [&] { return sqlite_->Commit(); },
               [&] { sqlite_->Rollback(); },
               &sqlite_->cases(),
               &sqlite_->care(),
               &sqlite_->complaints()};
  Backend pg{[&] { return db_->Begin(); },
             [&] { return db_->Commit(); },
             [&] { (void)db_->Rollback(); },
             cases_.get(),
             care_.get(),
             complaints_.get()};
  const std::vector<std::string> expected = Script(lite);
  const std::vector<std::string> got = Script(pg);
  ASSERT_EQ(got.size(), expected.size());
  for (size_t i = 0; i < expected.size(); ++i) EXPECT_EQ(got[i], expected[i]) << "line " << i;
  // The script must exercise what it claims to: refusals, claims, a sweep, pages.
  const std::string all = [&] {
    std::string s;
    for (const std::string& line : expected) s += line + "\n";
    return s;
  }();
  EXPECT_NE(all.find("second case: E_CASE_OPEN"), std::string::npos);
  EXPECT_NE(all.find("rolled back: E_TEST"), std::string::npos);
  EXPECT_NE(all.find("claim 1 case:1:1 no"), std::string::npos);
  EXPECT_NE(all.find("escalated"), std::string::npos);
  EXPECT_NE(all.find("case 5 remove"), std::string::npos);
}

}  // namespace
}  // namespace fupin::pg::testing
