// The same findings — some thousands, of several villages of two counties, three rules,
// two lists and the quality checks, some decided — in a SQLite store and in PostgreSQL:
// every reader of CompareStore answers the same, for every filter (as finding_blocks_test
// compares the blocks with the rows).
#include <gtest/gtest.h>

#include <cstdio>
#include <string>
#include <vector>

#include "storage/finding_batch.h"
#include "storage/postgres/crosscheck/pg_xcheck_test_fixture.h"

namespace fupin::pg {
namespace {

const char* const kRules[] = {"deceased_member", "name_mismatch", "deceased_head"};

// Finding n: villages of two counties, the rules taking turns, lists 7, 8 and none.
FindingRow Finding(int n) {
  FindingRow f;
  f.rule = kRules[n % 3];
  char id[19];
  std::snprintf(id, sizeof id, "6204221980%08d", n);
  f.id_number = id;
  if (n % 11 == 10) {  // a household rule: its 户编号 the subject, no ID number
    f.subject = "H" + std::to_string(n / 3);
    f.id_number.clear();
  }
  f.list_id = n % 5 == 4 ? 0 : 7 + n % 2;
  f.village_code = n % 7 == 6 ? kOtherCountyVillage + n % 2 : kVillage + n % 5;
  f.household_code = "H" + std::to_string(n / 3);
  f.name = "某" + std::to_string(n % 10);
  f.detail = "死亡日期 2020-03-0" + std::to_string(n % 9 + 1);
  f.row = n % 4 ? "{\"证件号码\":\"" + f.id_number + "\"}" : "";
  f.created_at = "2026-06-30T00:00:00Z";
  return f;
}

// A finding as one line (pg_xcheck_test_fixture.h), beside this file's other Show.
using pg::Show;

std::string Show(const Result<FindingPage>& page) {
  if (!page.ok()) return "error " + page.error().code;
  std::string out = "total " + std::to_string(page->total) + "\n";
  for (const auto& f : page->items) out += Show(f) + "\n";
  return out;
}

std::string Show(const Result<std::vector<FindingCount>>& counts) {
  if (!counts.ok()) return "error " + counts.error().code;
  std::string out;
  for (const auto& c : *counts) {
    out += c.rule + "|" + std::to_string(c.village_code) + "|" + std::to_string(c.open) + "|" +
           std::to_string(c.confirmed) + "|" + std::to_string(c.dismissed) + "\n";
  }
  return out;
}

// 户编号 "H<i>" (appended: GCC 12 warns falsely of "H" + std::to_string(i) here).
std::string Code(int i) {
  std::string code = "H";
  code += std::to_string(i);
  return code;
}

class PgCompareDiffTest : public BothStoresTest {
 protected:
  void SetUp() override {
    BothStoresTest::SetUp();
    // Households H0 … H29 of kVillage, H0 … H9 assigned to h1, H5 … H14 to h2.
    for (int i = 0; i < 30; ++i) AddHousehold(Code(i), kVillage);
    BeginBoth();
    for (CompareStore* s : {compare_.get(), &lite_compare()}) {
      for (int i = 0; i < 10; ++i) {
        ASSERT_TRUE(s->Assign("h1", Code(i), "2026-06-01T00:00:00Z").ok());
      }
      for (int i = 5; i < 15; ++i) {
        ASSERT_TRUE(s->Assign("h2", Code(i), "2026-06-01T00:00:00Z").ok());
      }
    }
    CommitBoth();
  }

  // Puts findings [from, from + count) in both, in batches of `batch` (rows), the ids
  // given compared.
  void Put(int from, int count, size_t batch) {
    std::deque<FindingRow> rows;
    for (int n = from; n < from + count; ++n) rows.push_back(Finding(n));
    BeginBoth();
    while (!rows.empty()) {
      std::deque<FindingRow> part;
      while (!rows.empty() && part.size() < batch) {
        part.push_back(rows.front());
        rows.pop_front();
      }
      auto lite = part;
      Status s = compare_->InsertFindings(part);
      ASSERT_TRUE(s.ok()) << s.error().en;
      ASSERT_TRUE(lite_compare().InsertFindings(lite).ok());
      for (size_t i = 0; i < part.size(); ++i) ASSERT_EQ(part[i].id, lite[i].id);
    }
    CommitBoth();
  }

  // Decides finding `id` in both as the service does: the finding as read, its decision
  // set (nothing when there is no such finding).
  void Decide(int64_t id, const std::string& status) {
    auto found = lite_compare().GetFinding(id);
    ASSERT_TRUE(found.ok());
    FindingRow r = found->value_or(FindingRow{});
    r.id = id;
    r.status = status;
    r.reason = "核实：" + std::to_string(id);
    r.decided_by = "op" + std::to_string(id % 3);
    r.decided_at = "2026-07-0" + std::to_string(id % 9 + 1) + "T08:00:00Z";
    ASSERT_TRUE(compare_->DecideFinding(r).ok());
    ASSERT_TRUE(lite_compare().DecideFinding(r).ok());
  }

  // Every reader, every filter: the same answers.
  void ExpectSameAnswers() {
    int queries = 0;
    for (int64_t region : {int64_t{0}, kCounty, kVillage, kVillage + 3, kOtherCountyVillage,
                           int64_t{620421000000}, kTownship}) {
      for (const std::string rule : {"", "deceased_member", "deceased_head", "none"}) {
        for (const std::string status : {"", "open", "confirmed", "dismissed"}) {
          for (int64_t list : {0, 7, 8}) {
            for (const std::string helper : {"", "h1", "h2", "nobody"}) {
              FindingQuery q;
              q.region = RegionCode::FromInt(region);
              q.rule = rule;
              q.status = status;
              q.list_id = list;
              q.assigned_to = helper;
              q.limit = 20;
              q.offset = queries % 4 == 0 ? 0 : 13 * (queries % 5);
              ASSERT_EQ(Show(compare_->SearchFindings(q)), Show(lite_compare().SearchFindings(q)))
                  << region << " " << rule << " " << status << " " << list << " " << helper;
              ++queries;
            }
          }
        }
      }
      for (const std::string helper : {"", "h1", "h2", "nobody"}) {
        EXPECT_EQ(Show(compare_->CountFindings(RegionCode::FromInt(region), helper)),
                  Show(lite_compare().CountFindings(RegionCode::FromInt(region), helper)))
            << region << " " << helper;
      }
    }
    FindingQuery all;
    all.limit = 0;
    const std::string whole = Show(compare_->SearchFindings(all));
    EXPECT_EQ(whole, Show(lite_compare().SearchFindings(all)));
    all.limit = 0;
    all.offset = -5;
    EXPECT_EQ(Show(compare_->SearchFindings(all)), whole);
    for (int64_t id : {int64_t{-1}, int64_t{0}, int64_t{1}, int64_t{2}, int64_t{777}, int64_t{4000},
                       int64_t{99999}}) {
      auto a = compare_->GetFinding(id);
      auto b = lite_compare().GetFinding(id);
      ASSERT_TRUE(a.ok() && b.ok());
      ASSERT_EQ(a->has_value(), b->has_value()) << id;
      if (a->has_value()) {
        EXPECT_EQ(Show(**a), Show(**b));
      }
    }
    for (const std::string rule : {"deceased_member", "name_mismatch", "deceased_head", "x"}) {
      std::vector<std::string> a, b;
      ASSERT_TRUE(
          compare_->ForEachSubject(rule, [&](std::string_view s) { a.emplace_back(s); }).ok());
      ASSERT_TRUE(
          lite_compare().ForEachSubject(rule, [&](std::string_view s) { b.emplace_back(s); }).ok());
      std::sort(a.begin(), a.end());
      std::sort(b.begin(), b.end());
      EXPECT_EQ(a, b) << rule;
    }
  }
};

TEST_F(PgCompareDiffTest, ThousandsOfFindingsReadBackAsInSqliteThroughEveryFilter) {
  Put(0, 3000, 4000);     // one batch by COPY
  Put(2990, 1200, 1);     // one by one, ten of them stored already
  Put(4500, 500, 100);    // small COPY batches
  Put(4100, 1000, 1000);  // overlapping: the stored ones skipped
  ExpectSameAnswers();
  FindingQuery all;
  all.limit = 1;
  auto page = compare_->SearchFindings(all);
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(page->total, 5100);  // 0 … 5099
}

TEST_F(PgCompareDiffTest, DecisionsReadBackAsInSqlite) {
  Put(0, 4000, 4000);
  BeginBoth();
  for (int64_t id = 1; id <= 4000; id += 7) Decide(id, id % 2 ? "confirmed" : "dismissed");
  Decide(3, "open");      // decided back to open
  Decide(99999, "open");  // no such finding: nothing, as in SQLite
  CommitBoth();
  ExpectSameAnswers();
  auto decided = compare_->GetFinding(8);
  ASSERT_TRUE(decided.ok() && decided->has_value());
  EXPECT_EQ((*decided)->status, "dismissed");
  EXPECT_EQ((*decided)->reason, "核实：8");
}

TEST_F(PgCompareDiffTest, ACompactBatchReadsBackAsTheSameRowsInSqlite) {
  std::deque<FindingRow> rows;
  for (int n = 0; n < 3000; ++n) {
    FindingRow f = Finding(n);
    f.list_id = 7;  // one list, every subject an ID number: SQLite stores blocks
    if (!f.subject.empty()) {
      char id[19];
      std::snprintf(id, sizeof id, "6204221980%08d", n);
      f.id_number = id;
      f.subject.clear();
    }
    rows.push_back(f);
  }
  FindingBatch batch = FindingBatch::FromRows(rows);
  FindingBatch lite = FindingBatch::FromRows(rows);
  BeginBoth();
  ASSERT_TRUE(compare_->InsertBatch(batch).ok());
  ASSERT_TRUE(lite_compare().InsertBatch(lite).ok());
  CommitBoth();
  for (size_t i = 0; i < batch.size(); ++i) ASSERT_EQ(batch.id(i), lite.id(i));
  BeginBoth();
  for (int64_t id = 5; id <= 3000; id += 13) Decide(id, "confirmed");
  CommitBoth();
  ExpectSameAnswers();
}

}  // namespace
}  // namespace fupin::pg
