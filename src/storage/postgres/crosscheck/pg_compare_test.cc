// The PostgreSQL CompareStore writing findings, lists and helper assignments: the
// scenarios of sqlite_compare_test.cc (a large batch by COPY gets the ids and rows of the
// row-by-row way; a stored finding or a second one of a rule and subject is skipped with
// id 0; a rolled-back batch leaves nothing) run on both stores with the same answers,
// the compact batch, 200,000 findings by COPY, and two writers at once.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "storage/finding_batch.h"
#include "storage/postgres/crosscheck/pg_xcheck_test_fixture.h"

namespace fupin::pg {
namespace {

FindingRow Finding(const std::string& rule, int n, int64_t list_id = 7) {
  FindingRow f;
  f.rule = rule;
  char id[19];
  std::snprintf(id, sizeof id, "6204221980%08d", n);
  f.id_number = id;
  f.list_id = list_id;
  f.village_code = kVillage + n % 3;
  f.household_code = "H" + std::to_string(n);
  f.name = "某" + std::to_string(n % 10);
  f.detail = "死亡日期 2020-03-02\t(制表符)\\";
  f.row = n % 4 ? "{\"证件号码\":\"" + f.id_number + "\"}" : "";
  f.created_at = "2026-06-30T00:00:00Z";
  return f;
}

std::deque<FindingRow> Findings(const std::string& rule, int from, int count) {
  std::deque<FindingRow> out;
  for (int n = from; n < from + count; ++n) out.push_back(Finding(rule, n));
  return out;
}

// A finding as one line (pg_xcheck_test_fixture.h), beside this file's other Show.
using pg::Show;

std::vector<std::string> Stored(CompareStore& store) {
  FindingQuery all;
  all.limit = 0;
  auto page = store.SearchFindings(all);
  EXPECT_TRUE(page.ok()) << (page.ok() ? "" : page.error().en);
  std::vector<std::string> out;
  if (!page.ok()) return out;
  for (const auto& f : page->items) out.push_back(Show(f));
  return out;
}

std::string Show(const DepartmentListRow& l) {
  return std::to_string(l.id) + "|" + l.kind + "|" + l.as_of + "|" + std::to_string(l.region_code) +
         "|" + l.uploaded_by + "|" + l.uploaded_at + "|" + l.file_name + "|" + l.checksum + "|" +
         std::to_string(l.rows) + "|" + std::to_string(l.matched) + "|" + std::to_string(l.errors) +
         "|" + std::to_string(l.findings) + "|" + std::to_string(l.known);
}

class PgCompareTest : public BothStoresTest {
 protected:
  // Stores the batches in one transaction of each store (`one_by_one`: a batch of one at a
  // time on PostgreSQL); the ids given, batch after batch, the same on both.
  std::vector<int64_t> Insert(std::vector<std::deque<FindingRow>> batches, bool one_by_one) {
    std::vector<int64_t> ids, lite_ids;
    BeginBoth();
    for (auto& batch : batches) {
      auto copy = batch;
      EXPECT_TRUE(lite_compare().InsertFindings(copy).ok());
      for (const auto& f : copy) lite_ids.push_back(f.id);
      if (one_by_one) {
        for (auto& f : batch) {
          std::deque<FindingRow> single = {f};
          EXPECT_TRUE(compare_->InsertFindings(single).ok());
          ids.push_back(single[0].id);
        }
      } else {
        Status s = compare_->InsertFindings(batch);
        EXPECT_TRUE(s.ok()) << s.error().en;
        for (const auto& f : batch) ids.push_back(f.id);
      }
    }
    CommitBoth();
    EXPECT_EQ(ids, lite_ids);
    EXPECT_EQ(Stored(*compare_), Stored(lite_compare()));
    return ids;
  }
};

TEST_F(PgCompareTest, ALargeBatchByCopyGetsTheIdsAndRowsOfSqlite) {
  const auto ids = Insert({Findings("deceased_member", 0, 5000)}, false);
  ASSERT_EQ(ids.size(), 5000u);
  EXPECT_EQ(ids.front(), 1);
  EXPECT_EQ(ids.back(), 5000);
}

TEST_F(PgCompareTest, OneByOneAndByCopyGiveTheSameIdsBesideStoredFindings) {
  Insert({Findings("vehicle", 0, 30), Findings("deceased_member", 0, 1500)}, true);
  Insert({Findings("name_mismatch", 0, 1500), Findings("vehicle", 20, 40)}, false);
  EXPECT_EQ(Stored(*compare_).size(), 1530u + 1500u + 30u);
}

TEST_F(PgCompareTest, AFindingAlreadyStoredIsSkippedWithIdZeroAsInSqlite) {
  const auto ids = Insert(
      {Findings("deceased_member", 0, 2000), Findings("deceased_member", 1000, 2000)}, false);
  ASSERT_EQ(ids.size(), 4000u);
  EXPECT_EQ(ids[2000], 0);  // 1000 … 1999 clash
  EXPECT_EQ(ids[2999], 0);
  EXPECT_EQ(ids[3000], 2001);
  EXPECT_EQ(Stored(*compare_).size(), 3000u);
}

TEST_F(PgCompareTest, TwoFindingsOfOneRuleAndSubjectInOneBatchKeepTheFirst) {
  auto batch = Findings("name_mismatch", 0, 3000);
  batch.push_back(Finding("name_mismatch", 42));
  batch.push_front(Finding("name_mismatch", 2999));
  const auto ids = Insert({batch}, false);
  EXPECT_EQ(ids.front(), 1);
  EXPECT_EQ(ids.back(), 0);
  EXPECT_EQ(ids[3000], 0);  // 2999, after the one in front
  EXPECT_EQ(Stored(*compare_).size(), 3000u);
}

TEST_F(PgCompareTest, ASmallBatchSkipsAStoredFindingToo) {
  Insert({Findings("vehicle", 0, 10)}, false);
  const auto ids = Insert({Findings("vehicle", 5, 10)}, false);
  EXPECT_EQ(ids, (std::vector<int64_t>{0, 0, 0, 0, 0, 11, 12, 13, 14, 15}));
}

TEST_F(PgCompareTest, ARolledBackBatchLeavesNothingAndTheNextGetsTheSameIds) {
  auto batch = Findings("deceased_member", 0, 4000);
  ASSERT_TRUE(pg_->Begin().ok());
  ASSERT_TRUE(compare_->InsertFindings(batch).ok());
  ASSERT_TRUE(pg_->Rollback().ok());
  EXPECT_TRUE(Stored(*compare_).empty());
  const auto ids = Insert({Findings("vehicle", 0, 100)}, false);
  EXPECT_EQ(ids.front(), 1);  // a rollback uses up no id, as in SQLite
}

TEST_F(PgCompareTest, WithoutATransactionABatchIsAllOrNothingOnItsOwn) {
  auto batch = Findings("deceased_member", 0, 200);
  ASSERT_TRUE(compare_->InsertFindings(batch).ok());
  EXPECT_FALSE(pg_->in_transaction());
  EXPECT_EQ(batch.back().id, 200);
  EXPECT_EQ(Stored(*compare_).size(), 200u);
}

TEST_F(PgCompareTest, ACompactBatchIsStoredAsItsRowsWouldBe) {
  Insert({Findings("vehicle", 0, 50)}, false);
  auto rows = Findings("vehicle", 0, 3000);  // the first 50 are stored
  FindingBatch batch = FindingBatch::FromRows(rows);
  FindingBatch lite = FindingBatch::FromRows(rows);
  batch.set_created_at("2026-07-01T00:00:00Z");
  lite.set_created_at("2026-07-01T00:00:00Z");
  BeginBoth();
  ASSERT_TRUE(compare_->InsertBatch(batch).ok());
  ASSERT_TRUE(lite_compare().InsertBatch(lite).ok());
  CommitBoth();
  ASSERT_EQ(batch.size(), lite.size());
  for (size_t i = 0; i < batch.size(); ++i) ASSERT_EQ(batch.id(i), lite.id(i)) << i;
  EXPECT_EQ(batch.id(49), 0);
  EXPECT_EQ(batch.id(50), 51);
  EXPECT_EQ(Stored(*compare_), Stored(lite_compare()));
}

TEST_F(PgCompareTest, TwoHundredThousandFindingsGoInByCopyInAFewSeconds) {
  constexpr int kCount = 200000;
  FindingBatch batch;
  batch.set_list_id(3);
  batch.set_created_at("2026-06-30T00:00:00Z");
  const char* const rules[] = {"deceased_member", "vehicle", "name_mismatch"};
  for (int n = 0; n < kCount; ++n) {
    const FindingRow f = Finding(rules[n % 3], n);
    batch.Add(f.rule, "", f.village_code + n % 40 * 1000, f.household_code, f.id_number, f.name,
              f.detail, f.row);
  }
  const auto started = std::chrono::steady_clock::now();
  ASSERT_TRUE(pg_->Begin().ok());
  Status s = compare_->InsertBatch(batch);
  ASSERT_TRUE(s.ok()) << s.error().en;
  ASSERT_TRUE(pg_->Commit().ok());
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  std::printf("[ timing ] %d findings by COPY in %.2f s (%.0f/s)\n", kCount, seconds,
              kCount / seconds);
  EXPECT_EQ(batch.id(kCount - 1), kCount);
  FindingQuery all;
  all.limit = 1;
  auto page = compare_->SearchFindings(all);
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(page->total, kCount);
  EXPECT_LT(seconds, 30.0);  // a few seconds on a quiet machine; the bound allows load
  // Each rule's 66,667 subjects come back once each, across chunks of 65,536.
  std::set<std::string> subjects;
  size_t calls = 0;
  for (const char* rule : rules) {
    ASSERT_TRUE(compare_
                    ->ForEachSubject(rule,
                                     [&](std::string_view s) {
                                       ++calls;
                                       subjects.emplace(std::string(rule) + ":" + std::string(s));
                                     })
                    .ok());
  }
  EXPECT_EQ(calls, static_cast<size_t>(kCount));
  EXPECT_EQ(subjects.size(), static_cast<size_t>(kCount));
}

// Two writers of one database at once (the server's worker threads): the lock on new
// ids makes them take turns, so ids stay unique and dense and a finding both raise is
// stored once (the later writer skips it, id 0).
TEST_F(PgCompareTest, TwoWritersAtOnceGetDistinctDenseIdsAndStoreAFindingOnce) {
  auto other = Open();
  ASSERT_TRUE(other);
  auto other_compare = NewPgCompareStore(*other);
  std::vector<int64_t> first_ids, second_ids;
  auto write = [](Connection& db, CompareStore& store, int from, std::vector<int64_t>& ids) {
    for (int round = 0; round < 5; ++round) {
      auto batch = Findings("deceased_member", from + round * 400, 600);
      ASSERT_TRUE(db.Begin().ok());
      Status s = store.InsertFindings(batch);
      ASSERT_TRUE(s.ok()) << s.error().en;
      ASSERT_TRUE(db.Commit().ok());
      for (const auto& f : batch) ids.push_back(f.id);
    }
  };
  std::thread a([&] { write(*pg_, *compare_, 0, first_ids); });
  std::thread b([&] { write(*other, *other_compare, 100, second_ids); });
  a.join();
  b.join();
  std::set<int64_t> ids;
  size_t given = 0;
  for (const auto* list : {&first_ids, &second_ids}) {
    for (int64_t id : *list) {
      if (id == 0) continue;
      ++given;
      ids.insert(id);
    }
  }
  EXPECT_EQ(ids.size(), given);  // no id twice
  const auto stored = Stored(*compare_);
  EXPECT_EQ(stored.size(), given);
  EXPECT_EQ(stored.size(), 2300u);                        // subjects 0 … 2299, each once
  EXPECT_EQ(*ids.rbegin(), static_cast<int64_t>(given));  // dense: 1 … n
}

TEST_F(PgCompareTest, EverySubjectOfARuleComesBackEvenAnEmptyOne) {
  auto batch = Findings("household_rule", 0, 5);
  batch[2].id_number.clear();  // no subject at all: stored as ""
  batch[3].id_number.clear();
  batch[3].subject = "H3";
  Insert({batch}, false);
  std::vector<std::string> pg, lite;
  ASSERT_TRUE(
      compare_->ForEachSubject("household_rule", [&](std::string_view s) { pg.emplace_back(s); })
          .ok());
  ASSERT_TRUE(
      lite_compare()
          .ForEachSubject("household_rule", [&](std::string_view s) { lite.emplace_back(s); })
          .ok());
  std::sort(pg.begin(), pg.end());
  std::sort(lite.begin(), lite.end());
  EXPECT_EQ(pg, lite);
  ASSERT_EQ(pg.size(), 5u);
  EXPECT_EQ(pg.front(), "");
}

// The server ends the connection (a restart, an administrator); Connection::Reset makes
// it again, on a new backend without the store's prepared statements: they are prepared
// again and the store goes on.
TEST_F(PgCompareTest, AStoreGoesOnOnAConnectionMadeAgain) {
  Insert({Findings("vehicle", 0, 3)}, false);
  ASSERT_TRUE(compare_->GetFinding(1).ok());
  auto pid = pg_->Query("SELECT pg_backend_pid()");
  ASSERT_TRUE(pid.ok());
  auto admin = Open();
  ASSERT_TRUE(admin);
  ASSERT_TRUE(
      admin->Query("SELECT pg_terminate_backend($1::int)", Params().Int(pid->Int(0, 0))).ok());
  for (int i = 0; i < 50 && pg_->Query("SELECT 1").ok(); ++i) usleep(20000);
  EXPECT_FALSE(pg_->ok());
  ASSERT_TRUE(pg_->Reset().ok());
  auto found = compare_->GetFinding(1);
  ASSERT_TRUE(found.ok()) << found.error().en;
  ASSERT_TRUE(found->has_value());
  EXPECT_EQ((*found)->rule, "vehicle");
}

TEST_F(PgCompareTest, ListsTheirCountsAndThePreviousListAreAsInSqlite) {
  auto list = [](const std::string& kind, int64_t region, const std::string& as_of) {
    DepartmentListRow l;
    l.kind = kind;
    l.as_of = as_of;
    l.region_code = region;
    l.uploaded_by = "op";
    l.uploaded_at = as_of + "T01:00:00Z";
    l.file_name = "名单.csv";
    l.checksum = "sha256:00";
    l.rows = 10;
    l.matched = 3;
    return l;
  };
  const std::vector<DepartmentListRow> lists = {
      list("deaths", kCounty, "2026-01-01"),  list("vehicles", kCounty, "2026-01-02"),
      list("deaths", kVillage, "2026-01-03"), list("deaths", kCounty, "2026-01-04"),
      list("deaths", 0, "2026-01-05"),        list("deaths", kOtherCountyVillage, "2026-01-06")};
  BeginBoth();
  for (size_t i = 0; i < lists.size(); ++i) {
    std::vector<uint64_t> keys;
    for (uint64_t k = 0; k < i * 1000; ++k) keys.push_back(k * 7 + i);
    auto a = lists[i], b = lists[i];
    ASSERT_TRUE(compare_->InsertList(a, keys).ok());
    ASSERT_TRUE(lite_compare().InsertList(b, keys).ok());
    EXPECT_EQ(a.id, b.id);
  }
  auto counted = lists[3];
  counted.id = 4;
  counted.matched = 9;
  counted.errors = 1;
  counted.findings = 5;
  counted.known = 2;
  ASSERT_TRUE(compare_->UpdateListCounts(counted).ok());
  ASSERT_TRUE(lite_compare().UpdateListCounts(counted).ok());
  CommitBoth();
  for (const std::string kind : {"", "deaths", "vehicles", "none"}) {
    for (int64_t scope : {int64_t{0}, kCounty, kVillage, kTownship, kOtherCountyVillage}) {
      auto pg = compare_->Lists(kind, RegionCode::FromInt(scope));
      auto lite = lite_compare().Lists(kind, RegionCode::FromInt(scope));
      ASSERT_TRUE(pg.ok() && lite.ok());
      std::vector<std::string> a, b;
      for (const auto& l : *pg) a.push_back(Show(l));
      for (const auto& l : *lite) b.push_back(Show(l));
      EXPECT_EQ(a, b) << kind << " " << scope;
    }
  }
  auto all = compare_->Lists("", RegionCode::Nation());
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 6u);
  EXPECT_EQ(all->front().id, 6);  // newest first
  for (int64_t before : {1, 3, 4, 5, 7}) {
    auto pg = compare_->PreviousList("deaths", RegionCode::FromInt(kCounty), before);
    auto lite = lite_compare().PreviousList("deaths", RegionCode::FromInt(kCounty), before);
    ASSERT_TRUE(pg.ok() && lite.ok());
    ASSERT_EQ(pg->has_value(), lite->has_value()) << before;
    if (!pg->has_value()) continue;
    EXPECT_EQ(Show((*pg)->first), Show((*lite)->first));
    EXPECT_EQ((*pg)->second, (*lite)->second);
  }
  auto previous = compare_->PreviousList("deaths", RegionCode::FromInt(kCounty), 7);
  ASSERT_TRUE(previous.ok() && previous->has_value());
  EXPECT_EQ((*previous)->first.id, 4);
  EXPECT_EQ((*previous)->first.matched, 9);
  EXPECT_EQ((*previous)->second.size(), 3000u);
}

TEST_F(PgCompareTest, AssignmentsOfAccountsAreAsInSqliteFromTheLocalDate) {
  for (int i = 0; i < 6; ++i) AddHousehold("H" + std::to_string(i), kVillage);
  AddHousehold("X1", kOtherCountyVillage);
  auto both = [&](auto&& fn) {
    BeginBoth();
    fn(*compare_);
    fn(lite_compare());
    CommitBoth();
  };
  both([](CompareStore& s) {
    EXPECT_TRUE(s.Assign("h1", "H3", "2026-06-01T20:00:00Z").ok());  // 2 June in China
    EXPECT_TRUE(s.Assign("h1", "H1", "2026-06-01T00:00:00Z").ok());
    EXPECT_TRUE(s.Assign("h1", "H1", "2026-06-05T00:00:00Z").ok());  // current already
    EXPECT_TRUE(s.Assign("h1", "X1", "2026-06-01").ok());
    EXPECT_TRUE(s.Assign("h2", "H1", "2026-06-01T10:00:00+08:00").ok());
    EXPECT_TRUE(s.Assign("h2", "NOPE", "2026-06-01T10:00:00Z").ok());  // no such household
    EXPECT_TRUE(s.Assign("h3", "H5", "2026-06-01T10:00:00Z").ok());
    EXPECT_TRUE(s.Unassign("h3", "H5", "2026-06-30T23:00:00Z").ok());
    EXPECT_TRUE(s.Unassign("h2", "H2", "2026-06-30T23:00:00Z").ok());  // none
  });
  for (const std::string user : {"h1", "h2", "h3", "nobody"}) {
    auto pg = compare_->AssignedHouseholds(user);
    auto lite = lite_compare().AssignedHouseholds(user);
    ASSERT_TRUE(pg.ok() && lite.ok());
    EXPECT_EQ(*pg, *lite) << user;
    for (const std::string code : {"H1", "H3", "H5", "X1", "NOPE"}) {
      auto a = compare_->IsAssigned(user, code);
      auto b = lite_compare().IsAssigned(user, code);
      ASSERT_TRUE(a.ok() && b.ok());
      EXPECT_EQ(*a, *b) << user << " " << code;
    }
  }
  EXPECT_EQ(*compare_->AssignedHouseholds("h1"), (std::vector<std::string>{"X1", "H1", "H3"}));
  std::set<std::string> pg_codes, lite_codes;
  ASSERT_TRUE(
      compare_->ForEachAssignedHousehold([&](std::string_view c) { pg_codes.emplace(c); }).ok());
  ASSERT_TRUE(lite_compare()
                  .ForEachAssignedHousehold([&](std::string_view c) { lite_codes.emplace(c); })
                  .ok());
  EXPECT_EQ(pg_codes, lite_codes);
  EXPECT_EQ(pg_codes, (std::set<std::string>{"H1", "H3", "X1"}));
  // The dates and helpers as stored, through the HelperStore of each.
  auto pg = helpers_->HouseholdAssignments("H3");
  auto lite = lite_helpers().HouseholdAssignments("H3");
  ASSERT_TRUE(pg.ok() && lite.ok());
  ASSERT_EQ(pg->size(), 1u);
  EXPECT_EQ((*pg)[0].since, "2026-06-02");
  EXPECT_EQ((*pg)[0].since, (*lite)[0].since);
  auto ended = helpers_->HouseholdAssignments("H5");
  ASSERT_TRUE(ended.ok() && ended->size() == 1u);
  EXPECT_EQ((*ended)[0].until, "2026-07-01");
  EXPECT_EQ((*ended)[0].helper.created_by, "account");
  EXPECT_EQ((*ended)[0].helper.id, 3);
}

}  // namespace
}  // namespace fupin::pg
