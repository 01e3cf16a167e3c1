// Two servers writing at once (two connections to one database): ids stay unique and
// gap-free as SQLite's one writer keeps them, a second open case of one household is
// refused, two offices moving one case or answering one complaint take turns (the second
// reads what the first committed), an escalation sweep run twice escalates each complaint
// once, and an attachment is claimed once.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <future>
#include <numeric>
#include <string>
#include <thread>
#include <vector>

#include "storage/postgres/procedures/pg_care.h"
#include "storage/postgres/procedures/pg_cases.h"
#include "storage/postgres/procedures/pg_complaints.h"
#include "storage/postgres/procedures/pg_procs_test_fixture.h"

namespace fupin::pg::testing {
namespace {

// A second server: its own connection and stores.
struct Server {
  explicit Server(std::unique_ptr<Connection> connection)
      : db(std::move(connection)),
        cases(NewPgCaseStore(*db)),
        care(NewPgCareStore(*db)),
        complaints(NewPgComplaintStore(*db)) {}
  std::unique_ptr<Connection> db;
  std::unique_ptr<CaseStore> cases;
  std::unique_ptr<CareStore> care;
  std::unique_ptr<ComplaintStore> complaints;
};

class PgProcsConcurrencyTest : public PgProcsTest {
 protected:
  // Waits until some transaction of the database waits for a lock (true), or 10 s pass.
  bool SomeoneWaits() {
    auto observer = Connect();
    for (int i = 0; i < 1000; ++i) {
      auto rows = observer->Query("SELECT count(*) FROM pg_locks WHERE NOT granted");
      if (rows.ok() && rows->Int(0, 0) > 0) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return false;
  }
};

std::vector<int64_t> OneToN(size_t n) {
  std::vector<int64_t> ids(n);
  std::iota(ids.begin(), ids.end(), 1);
  return ids;
}

TEST_F(PgProcsConcurrencyTest, TwoServersInsertingAtOnceGetEveryIdOnceWithoutGaps) {
  constexpr int kEach = 25;
  auto run = [&](int server) {
    Server s(Connect());
    std::vector<int64_t> ids;
    for (int i = 0; i < kEach; ++i) {
      EXPECT_TRUE(s.db->Begin().ok());
      const std::string household = std::to_string(server * 1000 + i);
      StoredCase c = OpenedCase(household, kVillage);
      ComplaintRow complaint = Complaint(kVillage, "2026-06-16");
      MeasureRow measure = Measure(kCounty, kHousehold1, "2026-06-01");
      const Status st = [&]() -> Status {
        FUPIN_RETURN_IF_ERROR(s.cases->InsertCase(c));
        FUPIN_RETURN_IF_ERROR(s.complaints->InsertComplaint(complaint));
        return s.care->InsertMeasure(measure);
      }();
      EXPECT_TRUE(st.ok()) << st.error().en;
      if (i % 5 == 4) {  // every fifth is rolled back: its ids are given again
        EXPECT_TRUE(s.db->Rollback().ok());
        continue;
      }
      EXPECT_TRUE(s.db->Commit().ok());
      EXPECT_EQ(c.id, complaint.id) << "both numberings advance together in this test";
      ids.push_back(c.id);
    }
    return ids;
  };
  auto first = std::async(std::launch::async, run, 1);
  auto second = std::async(std::launch::async, run, 2);
  std::vector<int64_t> ids = first.get();
  const std::vector<int64_t> more = second.get();
  ids.insert(ids.end(), more.begin(), more.end());
  std::sort(ids.begin(), ids.end());
  EXPECT_EQ(ids, OneToN(2 * (kEach - kEach / 5)));
  auto count = db_->Query("SELECT count(*), max(id) FROM measures");
  ASSERT_TRUE(count.ok());
  EXPECT_EQ(count->Int(0, 0), count->Int(0, 1)) << "measures are numbered without gaps too";
}

TEST_F(PgProcsConcurrencyTest, AnInsertRolledBackWhileAnotherServerWaitsLeavesNoGap) {
  Server other(Connect());
  ASSERT_TRUE(db_->Begin().ok());
  StoredCase mine = OpenedCase(kHousehold1, kVillage);
  ASSERT_TRUE(cases_->InsertCase(mine).ok());
  EXPECT_EQ(mine.id, 1);
  auto theirs = std::async(std::launch::async, [&] {
    EXPECT_TRUE(other.db->Begin().ok());
    StoredCase c = OpenedCase(kHousehold2, kVillage);
    const Status st = other.cases->InsertCase(c);
    EXPECT_TRUE(st.ok());
    EXPECT_TRUE(other.db->Commit().ok());
    return c.id;
  });
  ASSERT_TRUE(SomeoneWaits()) << "the second insert waits for the numbering lock";
  ASSERT_TRUE(db_->Rollback().ok());
  EXPECT_EQ(theirs.get(), 1);
}

TEST_F(PgProcsConcurrencyTest, OfTwoServersOpeningACaseOfOneHouseholdOneIsRefused) {
  Server other(Connect());
  ASSERT_TRUE(db_->Begin().ok());
  StoredCase mine = OpenedCase(kHousehold1, kVillage);
  ASSERT_TRUE(cases_->InsertCase(mine).ok());
  auto theirs = std::async(std::launch::async, [&] {
    EXPECT_TRUE(other.db->Begin().ok());
    StoredCase c = OpenedCase(kHousehold1, kVillage, ProcedureKind::kMonitor);
    const Status st = other.cases->InsertCase(c);
    (void)other.db->Rollback();
    return st;
  });
  ASSERT_TRUE(SomeoneWaits());
  ASSERT_TRUE(db_->Commit().ok());
  const Status refused = theirs.get();
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, "E_CASE_OPEN");
  EXPECT_EQ(cases_->CasesOf(kHousehold1)->size(), 1u);
}

TEST_F(PgProcsConcurrencyTest, TwoServersMovingOneCaseTakeTurnsAndItsStepsStayGapFree) {
  StoredCase c = OpenedCase(kHousehold1, kVillage);
  ASSERT_TRUE(InTransaction([&] { return cases_->InsertCase(c); }).ok());
  Server other(Connect());
  ASSERT_TRUE(db_->Begin().ok());
  auto mine = cases_->GetCase(c.id);
  ASSERT_TRUE(mine.ok() && mine->has_value());
  auto theirs = std::async(std::launch::async, [&]() -> Status {
    FUPIN_RETURN_IF_ERROR(other.db->Begin());
    auto read = other.cases->GetCase(c.id);  // waits for the first server's transaction
    if (!read.ok()) return read.error();
    StoredCase seen = **read;
    EXPECT_EQ(seen.value.steps.size(), 2u) << "it reads what the first server committed";
    const size_t first_new = seen.value.steps.size();
    Advance(seen, "v2", "2026-06-03");
    FUPIN_RETURN_IF_ERROR(other.cases->UpdateCase(seen, first_new));
    return other.db->Commit();
  });
  ASSERT_TRUE(SomeoneWaits()) << "the second server's read waits for the case's row lock";
  StoredCase moved = **mine;
  Advance(moved, "v1", "2026-06-02");
  ASSERT_TRUE(cases_->UpdateCase(moved, 1).ok());
  ASSERT_TRUE(db_->Commit().ok());
  const Status st = theirs.get();
  ASSERT_TRUE(st.ok()) << st.error().en;
  auto after = cases_->GetCase(c.id);
  ASSERT_EQ((*after)->value.steps.size(), 3u);
  EXPECT_EQ((*after)->value.steps[1].actor, "v1");
  EXPECT_EQ((*after)->value.steps[2].actor, "v2");
  auto seqs = db_->Query("SELECT count(*), max(seq) FROM case_steps WHERE case_id = 1");
  EXPECT_EQ(seqs->Int(0, 0), 3);
  EXPECT_EQ(seqs->Int(0, 1), 2);
}

TEST_F(PgProcsConcurrencyTest, TwoServersAnsweringOneComplaintTakeTurns) {
  ComplaintRow row = Complaint(kVillage, "2026-06-16");
  ASSERT_TRUE(InTransaction([&] { return complaints_->InsertComplaint(row); }).ok());
  Server other(Connect());
  ASSERT_TRUE(db_->Begin().ok());
  auto mine = complaints_->GetComplaint(row.id);
  ASSERT_TRUE(mine.ok() && mine->has_value());
  auto theirs = std::async(std::launch::async, [&]() -> std::string {
    EXPECT_TRUE(other.db->Begin().ok());
    auto read = other.complaints->GetComplaint(row.id);
    (void)other.db->Rollback();
    return read.ok() && read->has_value() ? (*read)->state : "?";
  });
  ASSERT_TRUE(SomeoneWaits());
  ComplaintRow answered = **mine;
  answered.state = "answered";
  answered.answer = "已核实";
  ASSERT_TRUE(complaints_->UpdateComplaint(answered).ok());
  ASSERT_TRUE(db_->Commit().ok());
  EXPECT_EQ(theirs.get(), "answered") << "the second sees the answer, as after SQLite's lock";
}

TEST_F(PgProcsConcurrencyTest, TwoEscalationSweepsAtOnceEscalateEachComplaintOnce) {
  for (int i = 0; i < 3; ++i) {
    ComplaintRow row = Complaint(kVillage, "2026-06-10");
    ASSERT_TRUE(InTransaction([&] { return complaints_->InsertComplaint(row); }).ok());
  }
  Server other(Connect());
  ASSERT_TRUE(db_->Begin().ok());
  auto due = complaints_->DueForEscalation("2026-06-12");
  ASSERT_TRUE(due.ok());
  ASSERT_EQ(due->size(), 3u);
  auto theirs = std::async(std::launch::async, [&]() -> size_t {
    EXPECT_TRUE(other.db->Begin().ok());
    auto again = other.complaints->DueForEscalation("2026-06-12");
    EXPECT_TRUE(again.ok());
    EXPECT_TRUE(other.db->Commit().ok());
    return again.ok() ? again->size() : 99;
  });
  ASSERT_TRUE(SomeoneWaits());
  for (ComplaintRow& c : *due) {
    c.escalated_to = kTownship;
    c.level_code = kTownship;
    ASSERT_TRUE(complaints_->UpdateComplaint(c).ok());
  }
  ASSERT_TRUE(db_->Commit().ok());
  EXPECT_EQ(theirs.get(), 0u) << "the second sweep finds them escalated";
}

TEST_F(PgProcsConcurrencyTest, OfTwoServersClaimingOneAttachmentExactlyOneSucceeds) {
  AttachmentRow file = Attachment("a.png", "bytes");
  ASSERT_TRUE(InTransaction([&] { return care_->InsertAttachment(file, "bytes"); }).ok());
  Server other(Connect());
  ASSERT_TRUE(db_->Begin().ok());
  auto mine = care_->ClaimAttachment(file.id, "visit:1", kCounty, kHousehold1);
  ASSERT_TRUE(mine.ok());
  EXPECT_TRUE(*mine);
  auto theirs = std::async(std::launch::async, [&]() -> bool {
    EXPECT_TRUE(other.db->Begin().ok());
    auto claimed = other.care->ClaimAttachment(file.id, "visit:2", kCounty, kHousehold2);
    EXPECT_TRUE(claimed.ok());
    EXPECT_TRUE(other.db->Commit().ok());
    return claimed.ok() && *claimed;
  });
  ASSERT_TRUE(SomeoneWaits());
  ASSERT_TRUE(db_->Commit().ok());
  EXPECT_FALSE(theirs.get());
  EXPECT_EQ((*care_->GetAttachment(file.id))->owner, "visit:1");
}

TEST_F(PgProcsConcurrencyTest, AfterAReconnectTheStoresPrepareTheirStatementsAgain) {
  ComplaintRow row = Complaint(kVillage, "2026-06-16");
  ASSERT_TRUE(InTransaction([&] { return complaints_->InsertComplaint(row); }).ok());
  ASSERT_TRUE(complaints_->GetComplaint(row.id).ok());  // prepared on this server process
  auto pid = db_->Query("SELECT pg_backend_pid()");
  ASSERT_TRUE(pid.ok());
  auto killer = Connect();
  ASSERT_TRUE(
      killer->Query("SELECT pg_terminate_backend($1::integer)", Params().Int(pid->Int(0, 0))).ok());
  EXPECT_FALSE(complaints_->GetComplaint(row.id).ok()) << "the server process is gone";
  ASSERT_TRUE(db_->Reset().ok());
  auto again = complaints_->GetComplaint(row.id);
  ASSERT_TRUE(again.ok()) << again.error().en;
  EXPECT_EQ((*again)->id, row.id);
}

}  // namespace
}  // namespace fupin::pg::testing
