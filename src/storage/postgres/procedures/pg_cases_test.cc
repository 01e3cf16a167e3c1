// CaseStore on PostgreSQL: a case reads back as written, with its steps and parameters; an
// update appends only the new steps; a household has one open case at a time (E_CASE_OPEN,
// the transaction going on); ids are numbered without gaps; and every filter of the
// search answers as in SQLite (sqlite_cases.cc).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "storage/postgres/procedures/pg_procs_test_fixture.h"

namespace fupin::pg::testing {
namespace {

class PgCaseStoreTest : public PgProcsTest {
 protected:
  int64_t Insert(StoredCase& c) {
    EXPECT_TRUE(InTransaction([&] { return cases_->InsertCase(c); }).ok());
    return c.id;
  }
  void Update(const StoredCase& c, size_t first_new) {
    EXPECT_TRUE(InTransaction([&] { return cases_->UpdateCase(c, first_new); }).ok());
  }
  std::vector<int64_t> Ids(const CaseQuery& q, int64_t* total = nullptr) {
    auto page = cases_->SearchCases(q);
    EXPECT_TRUE(page.ok()) << page.error().en;
    std::vector<int64_t> ids;
    if (!page.ok()) return ids;
    for (const StoredCase& c : page->items) {
      EXPECT_TRUE(c.value.steps.empty()) << "a page does not load steps";
      ids.push_back(c.id);
    }
    if (total != nullptr) *total = page->total;
    return ids;
  }
  static CaseQuery Under(int64_t region) {
    CaseQuery q;
    q.region = RegionCode::FromInt(region);
    return q;
  }
};

TEST_F(PgCaseStoreTest, ACaseReadsBackAsWrittenWithItsStepsMetaAndParameters) {
  StoredCase c = OpenedCase(kHousehold1, kVillage, ProcedureKind::kMonitor);
  c.params.finding = 77;
  c.params.cause = 3;
  c.params.reason = "99";
  c.params.labor_override = "县里书面说明";
  c.value.steps.front().to = Step::kVerify;
  c.value.steps.front().action = ActionKind::kReturn;
  c.value.checked_by = "t1";
  const int64_t id = Insert(c);
  EXPECT_EQ(id, 1);
  auto got = cases_->GetCase(id);
  ASSERT_TRUE(got.ok() && got->has_value());
  const StoredCase& read = **got;
  EXPECT_EQ(read.household_code, kHousehold1);
  EXPECT_EQ(read.village_code.value(), kVillage);
  EXPECT_EQ(read.value, c.value);
  EXPECT_EQ(read.meta, c.meta);
  EXPECT_EQ(read.params, c.params);
  EXPECT_EQ(read.opened_at, c.opened_at);
  EXPECT_EQ(read.due_on, c.due_on);
  EXPECT_EQ(read.closed_at, "");
  EXPECT_FALSE(cases_->GetCase(id + 1)->has_value());
}

TEST_F(PgCaseStoreTest, AnUpdateRewritesTheRowAndAppendsOnlyTheNewSteps) {
  StoredCase c = OpenedCase(kHousehold1, kVillage);
  Insert(c);
  const size_t first_new = c.value.steps.size();
  Advance(c, "v1", "2026-06-02");  // verify
  Advance(c, "v1", "2026-06-03");  // review: the notice is current now
  ASSERT_TRUE(c.value.notice.has_value());
  Update(c, first_new);
  auto got = cases_->GetCase(c.id);
  ASSERT_TRUE(got.ok() && got->has_value());
  EXPECT_EQ((*got)->value, c.value);
  EXPECT_EQ((*got)->value.steps.size(), 3u);
  EXPECT_EQ((*got)->meta, c.meta);
  // Writing steps already stored again breaks the (case_id, seq) key.
  EXPECT_EQ(InTransaction([&] { return cases_->UpdateCase(c, 0); }).error().code, "E_CONFLICT");
  while (c.value.state == CaseState::kOpen) Advance(c, "c1", "2026-06-20");
  Update(c, 3);
  got = cases_->GetCase(c.id);
  EXPECT_EQ((*got)->value.state, CaseState::kDone);
  EXPECT_EQ((*got)->closed_at, c.closed_at);
  EXPECT_EQ((*got)->value.steps.size(), Steps(ProcedureKind::kIdentify).size());
}

TEST_F(PgCaseStoreTest, ASecondOpenCaseIsRefusedAndTheTransactionGoesOnWithoutAGapInIds) {
  ASSERT_TRUE(InTransaction([&]() -> Status {
                StoredCase first = OpenedCase(kHousehold1, kVillage);
                FUPIN_RETURN_IF_ERROR(cases_->InsertCase(first));
                StoredCase second = OpenedCase(kHousehold1, kVillage, ProcedureKind::kMonitor);
                const Status refused = cases_->InsertCase(second);
                EXPECT_EQ(refused.error().code, "E_CASE_OPEN");
                StoredCase other = OpenedCase(kHousehold2, kVillage);
                FUPIN_RETURN_IF_ERROR(cases_->InsertCase(other));
                EXPECT_EQ(other.id, 2) << "the refused insert took no id";
                return Status::Ok();
              }).ok());
  EXPECT_EQ(cases_->OpenCaseOf(kHousehold1)->value_or(0), 1);
  // Outside a transaction the insert runs in one of its own, and is refused alike.
  StoredCase again = OpenedCase(kHousehold1, kVillage);
  EXPECT_EQ(cases_->InsertCase(again).error().code, "E_CASE_OPEN");
  EXPECT_FALSE(db_->in_transaction());
}

TEST_F(PgCaseStoreTest, ARolledBackInsertLeavesNoGapAsInSqlite) {
  ASSERT_TRUE(db_->Begin().ok());
  StoredCase dropped = OpenedCase(kHousehold1, kVillage);
  ASSERT_TRUE(cases_->InsertCase(dropped).ok());
  EXPECT_EQ(dropped.id, 1);
  ASSERT_TRUE(db_->Rollback().ok());
  StoredCase kept = OpenedCase(kHousehold2, kVillage);
  EXPECT_EQ(Insert(kept), 1);
  EXPECT_FALSE(cases_->GetCase(2)->has_value());
}

TEST_F(PgCaseStoreTest, AHouseholdsCasesComeNewestFirstWithTheirStepsAndOneOpenAtATime) {
  StoredCase old = OpenedCase(kHousehold1, kVillage);
  Insert(old);
  while (old.value.state == CaseState::kOpen) Advance(old, "c1", "2026-06-20");
  Update(old, 1);
  EXPECT_FALSE(cases_->OpenCaseOf(kHousehold1)->has_value());
  StoredCase now = OpenedCase(kHousehold1, kVillage, ProcedureKind::kMonitor, "2026-07-01");
  Insert(now);
  EXPECT_EQ(cases_->OpenCaseOf(kHousehold1)->value_or(0), now.id);
  EXPECT_FALSE(cases_->OpenCaseOf(kHousehold2)->has_value());
  auto all = cases_->CasesOf(kHousehold1);
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[0].id, now.id);
  EXPECT_EQ((*all)[0].value, now.value);
  EXPECT_EQ((*all)[1].id, old.id);
  EXPECT_EQ((*all)[1].value, old.value);
  EXPECT_TRUE(cases_->CasesOf(kHousehold4)->empty());
}

TEST_F(PgCaseStoreTest, TheSearchFiltersByRegionKindStateHouseholdAndHelper) {
  StoredCase a = OpenedCase(kHousehold1, kVillage);  // 1: identify, open
  StoredCase b = OpenedCase(kHousehold3, kOtherVillage, ProcedureKind::kMonitor);  // 2
  StoredCase c = OpenedCase(kHousehold5, kFarVillage, ProcedureKind::kMonitor);    // 3
  StoredCase d = OpenedCase(kHousehold2, kVillage);                                // 4, done
  for (StoredCase* x : {&a, &b, &c, &d}) Insert(*x);
  while (d.value.state == CaseState::kOpen) Advance(d, "c1", "2026-06-20");
  Update(d, 1);
  int64_t total = 0;
  EXPECT_EQ(Ids(Under(0), &total), (std::vector<int64_t>{4, 3, 2, 1}));
  EXPECT_EQ(total, 4);
  EXPECT_EQ(Ids(Under(kCounty)), (std::vector<int64_t>{4, 2, 1}));
  EXPECT_EQ(Ids(Under(kVillage)), (std::vector<int64_t>{4, 1}));
  CaseQuery q = Under(kCounty);
  q.kind = ProcedureKind::kMonitor;
  EXPECT_EQ(Ids(q), std::vector<int64_t>{2});
  q = Under(0);
  q.state = CaseState::kDone;
  EXPECT_EQ(Ids(q), std::vector<int64_t>{4});
  q = Under(0);
  q.household_code = kHousehold3;
  EXPECT_EQ(Ids(q), std::vector<int64_t>{2});
  q = Under(0);
  q.assigned_to = "h1";
  EXPECT_EQ(Ids(q), (std::vector<int64_t>{2, 1}));
  q.assigned_to = "h2";  // h2's assignment to kHousehold3 has ended
  EXPECT_EQ(Ids(q), std::vector<int64_t>{4});
}

TEST_F(PgCaseStoreTest, TheWorklistFiltersWaitingOverdueAndClosableCases) {
  StoredCase a = OpenedCase(kHousehold1, kVillage);  // waits at the village (verify)
  StoredCase b = OpenedCase(kHousehold2, kVillage, ProcedureKind::kMonitor, "2026-05-01");
  StoredCase c = OpenedCase(kHousehold3, kOtherVillage);
  for (StoredCase* x : {&a, &b, &c}) Insert(*x);
  Advance(c, "v1", "2026-06-02");
  Advance(c, "v1", "2026-06-03");  // notice from 06-03, closes on 06-10
  Update(c, 1);
  StoredCase d = c;
  Advance(d, "v1", "2026-06-10");  // check, at the township
  Update(d, 3);
  CaseQuery q = Under(kCounty);
  q.waiting_at = Level::kVillage;
  EXPECT_EQ(Ids(q), (std::vector<int64_t>{2, 1}));
  q.waiting_at = Level::kTownship;
  EXPECT_EQ(Ids(q), std::vector<int64_t>{3});
  q.waiting_at = Level::kAdmin;
  EXPECT_EQ(Ids(q), (std::vector<int64_t>{3, 2, 1}));
  q = Under(kCounty);
  q.overdue_on = Day("2026-05-17");  // b is due on 05-16
  EXPECT_EQ(Ids(q), std::vector<int64_t>{2});
  q.overdue_on = Day("2026-05-16");
  EXPECT_EQ(Ids(q), std::vector<int64_t>{});
  // Closable: the notice of a case whose notice step is current.
  StoredCase e = OpenedCase(kHousehold5, kFarVillage);
  Insert(e);
  Advance(e, "v1", "2026-06-02");
  Advance(e, "v1", "2026-06-03");
  Update(e, 1);
  q = Under(0);
  q.closable_on = Day("2026-06-09");
  EXPECT_EQ(Ids(q), std::vector<int64_t>{});
  q.closable_on = Day("2026-06-10");
  EXPECT_EQ(Ids(q), std::vector<int64_t>{4});
}

TEST_F(PgCaseStoreTest, APageHasItsLimitAndOffsetAndTheExactTotal) {
  const std::vector<std::string> households = {kHousehold1, kHousehold2, kHousehold3, kHousehold4};
  for (const std::string& h : households) {
    StoredCase c = OpenedCase(h, h == kHousehold1 || h == kHousehold2 ? kVillage : kOtherVillage);
    Insert(c);
  }
  CaseQuery q = Under(kCounty);
  q.limit = 2;
  q.offset = 1;
  int64_t total = 0;
  EXPECT_EQ(Ids(q, &total), (std::vector<int64_t>{3, 2}));
  EXPECT_EQ(total, 4);
  q.offset = 3;
  EXPECT_EQ(Ids(q), std::vector<int64_t>{1});
  q.limit = 0;  // all: the offset is ignored, as in SQLite
  EXPECT_EQ(Ids(q), (std::vector<int64_t>{4, 3, 2, 1}));
  q.limit = 10;
  q.offset = -5;  // a negative offset is 0
  EXPECT_EQ(Ids(q), (std::vector<int64_t>{4, 3, 2, 1}));
}

}  // namespace
}  // namespace fupin::pg::testing
