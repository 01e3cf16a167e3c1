// The findings of a bulk list stored as per-village blocks (finding_blocks.h) read back
// exactly as the same findings stored row by row, through every reader of CompareStore:
// the same ids, pages, totals, counts, single findings and subjects, decided or not; a
// batch that meets a stored finding falls back to rows; a failure leaves nothing.
#include "storage/sqlite/crosscheck/finding_blocks.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include "storage/finding_batch.h"
#include "storage/sqlite/sqlite_db.h"
#include "storage/store.h"

namespace fupin {
namespace {

constexpr int64_t kCounty = 620422000000;
constexpr int64_t kVillage = 620422102201;
constexpr int64_t kOtherCountyVillage = 620421100201;
const char* const kRules[] = {"deceased_member", "name_mismatch", "deceased_head"};

// Finding n of `rule`: villages of two counties, ids interleaved across villages.
FindingRow Finding(const std::string& rule, int n, int64_t list_id = 7) {
  FindingRow f;
  f.rule = rule;
  char id[19];
  std::snprintf(id, sizeof id, "6204221980%08d", n);
  f.id_number = id;
  f.list_id = list_id;
  f.village_code = n % 7 == 6 ? kOtherCountyVillage + n % 2 : kVillage + n % 5;
  f.household_code = "H" + std::to_string(n / 3);
  f.name = "某" + std::to_string(n % 10);
  f.detail = "死亡日期 2020-03-0" + std::to_string(n % 9 + 1);
  f.row = n % 4 ? "{\"证件号码\":\"" + f.id_number + "\"}" : "";
  f.created_at = "2026-06-30T00:00:00Z";
  return f;
}

// `count` findings from n = `from` on, the rules taking turns.
std::deque<FindingRow> Batch(int from, int count, int64_t list_id = 7) {
  std::deque<FindingRow> out;
  for (int n = from; n < from + count; ++n) out.push_back(Finding(kRules[n % 3], n, list_id));
  return out;
}

// `count` findings over `villages` villages of kCounty (findings of a village far apart, as
// a comparison raises them in ID number order), the three rules taking turns.
std::deque<FindingRow> ManyVillages(int count, int villages) {
  std::deque<FindingRow> out;
  for (int n = 0; n < count; ++n) {
    FindingRow f = Finding(kRules[n % 3], n);
    f.village_code = kVillage + (n * 7919) % villages;
    out.push_back(std::move(f));
  }
  return out;
}

// The threads of this process.
size_t Threads() {
  size_t n = 0;
  for ([[maybe_unused]] const auto& task : std::filesystem::directory_iterator("/proc/self/task")) {
    ++n;
  }
  return n;
}

// Sets when FindingBlocks builds blocks on a second thread, until the end of the scope.
struct OverlapFrom {
  explicit OverlapFrom(size_t findings) { FindingBlocks::SetOverlapFrom(findings); }
  ~OverlapFrom() { FindingBlocks::SetOverlapFrom(FindingBlocks::kOverlapFindings); }
};

std::string Show(const FindingRow& f) {
  return std::to_string(f.id) + "|" + f.rule + "|" + f.subject + "|" + std::to_string(f.list_id) +
         "|" + std::to_string(f.village_code) + "|" + f.household_code + "|" + f.id_number + "|" +
         f.name + "|" + f.detail + "|" + f.row + "|" + f.status + "|" + f.reason + "|" +
         f.decided_by + "|" + f.decided_at + "|" + f.created_at;
}

class FindingBlocksTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char dir[] = "/tmp/fupin-blocks-XXXXXX";
    dir_ = mkdtemp(dir);
    blocks_ = Create("blocks.db");
    rows_ = Create("rows.db");
  }
  void TearDown() override {
    blocks_.reset();
    rows_.reset();
    std::filesystem::remove_all(dir_);
  }

  // A store with a few households of kCounty, H0 … H9 of them assigned to helper "h1".
  std::unique_ptr<Store> Create(const std::string& name) {
    auto store = Store::Open(dir_ + "/" + name, Store::OpenMode::kCreate);
    EXPECT_TRUE(store.ok());
    EXPECT_TRUE((*store)->Migrate().ok());
    Store& s = **store;
    EXPECT_TRUE(s.Begin().ok());
    EXPECT_TRUE(s.UpsertRegions({{RegionCode::FromInt(620000000000), "甘肃省", std::nullopt},
                                 {RegionCode::FromInt(620400000000), "白银市", std::nullopt},
                                 {RegionCode::FromInt(kCounty), "会宁县", 500000},
                                 {RegionCode::FromInt(620422102000), "乙镇", std::nullopt},
                                 {RegionCode::FromInt(kVillage), "乙村", std::nullopt}})
                    .ok());
    for (int i = 0; i < 20; ++i) {
      Household h;
      h.household_code = "H" + std::to_string(i);
      h.village_code = RegionCode::FromInt(kVillage);
      h.registered_year = 2016;
      EXPECT_TRUE(s.InsertHousehold(h, 1, "").ok());
    }
    EXPECT_TRUE(s.Commit().ok());  // the households written, then assigned
    EXPECT_TRUE(s.Begin().ok());
    for (int i = 0; i < 10; ++i) {
      EXPECT_TRUE(s.compare().Assign("h1", "H" + std::to_string(i), "2026-06-01T00:00:00Z").ok());
    }
    EXPECT_TRUE(s.Commit().ok());
    return std::move(store).value();
  }

  // Stores `batch` in `store` in one transaction (one by one: a batch of one at a time)
  // and returns the ids given.
  static std::vector<int64_t> Insert(Store& store, std::deque<FindingRow> batch,
                                     bool one_by_one = false) {
    std::vector<int64_t> ids;
    EXPECT_TRUE(store.Begin().ok());
    if (one_by_one) {
      for (auto& f : batch) {
        std::deque<FindingRow> single = {f};
        EXPECT_TRUE(store.compare().InsertFindings(single).ok());
        ids.push_back(single[0].id);
      }
    } else {
      EXPECT_TRUE(store.compare().InsertFindings(batch).ok());
      for (const auto& f : batch) ids.push_back(f.id);
    }
    EXPECT_TRUE(store.Commit().ok());
    return ids;
  }

  // Stores `rows` in `store` in their compact form (InsertBatch) in one transaction and
  // returns the ids given.
  static std::vector<int64_t> InsertCompact(Store& store, const std::deque<FindingRow>& rows) {
    FindingBatch batch = FindingBatch::FromRows(rows);
    std::vector<int64_t> ids;
    EXPECT_TRUE(store.Begin().ok());
    EXPECT_TRUE(store.compare().InsertBatch(batch).ok());
    for (size_t i = 0; i < batch.size(); ++i) ids.push_back(batch.id(i));
    EXPECT_TRUE(store.Commit().ok());
    return ids;
  }

  // The rows of the block tables of database `name`, every column, in rowid order.
  std::vector<std::string> BlockTables(const std::string& name) {
    auto db = sqlite::Database::Open(dir_ + "/" + name, false);
    EXPECT_TRUE(db.ok());
    std::vector<std::string> out;
    if (!db.ok()) return out;
    for (const char* sql :
         {"SELECT rowid || '|' || list_id || '|' || county_code || '|' || village_code || '|' || "
          "first_id || '|' || last_id || '|' || n || '|' || created_at || '|' || counts || '|' "
          "|| hex(ids) || '|' || hex(data) FROM finding_blocks ORDER BY rowid",
          "SELECT rowid || '|' || rule || '|' || first_id || '|' || hex(keys) FROM finding_keys "
          "ORDER BY rowid",
          "SELECT first_id || '|' || count || '|' || base_block || '|' || hex(blocks) FROM "
          "finding_id_map ORDER BY first_id"}) {
      auto s = db->Prepare(sql);
      EXPECT_TRUE(s.ok());
      if (!s.ok()) continue;
      EXPECT_TRUE(s->ForEachRow([&](sqlite::Statement& st) { out.push_back(st.Text(0)); }).ok());
    }
    return out;
  }

  // The same batch into both stores: as blocks (when it may be) and row by row.
  void InsertBoth(const std::deque<FindingRow>& batch) {
    EXPECT_EQ(Insert(*blocks_, batch), Insert(*rows_, batch, true));
  }

  int64_t Blocks(const std::string& name) {
    auto db = sqlite::Database::Open(dir_ + "/" + name, false);
    EXPECT_TRUE(db.ok());
    auto s = db->Prepare("SELECT count(*) FROM finding_blocks");
    EXPECT_TRUE(s.ok());
    auto row = s->Step();
    EXPECT_TRUE(row.ok() && *row);
    return s->Int(0);
  }

  static std::vector<std::string> Page(Store& store, const FindingQuery& q) {
    auto page = store.compare().SearchFindings(q);
    EXPECT_TRUE(page.ok());
    std::vector<std::string> out;
    if (!page.ok()) return out;
    out.push_back("total " + std::to_string(page->total));
    for (const auto& f : page->items) out.push_back(Show(f));
    return out;
  }

  static std::vector<std::string> Counts(Store& store, RegionCode region,
                                         const std::string& assigned_to) {
    auto counts = store.compare().CountFindings(region, assigned_to);
    EXPECT_TRUE(counts.ok());
    std::vector<std::string> out;
    if (!counts.ok()) return out;
    for (const auto& c : *counts) {
      out.push_back(c.rule + "|" + std::to_string(c.village_code) + "|" + std::to_string(c.open) +
                    "|" + std::to_string(c.confirmed) + "|" + std::to_string(c.dismissed));
    }
    return out;
  }

  static std::set<std::string> Subjects(Store& store, const std::string& rule) {
    std::set<std::string> out;
    EXPECT_TRUE(store.compare()
                    .ForEachSubject(rule, [&](std::string_view s) { out.insert(std::string(s)); })
                    .ok());
    return out;
  }

  // Every reader gives the same in both stores; the number of queries compared.
  int ExpectSameEverywhere() {
    int compared = 0;
    const std::vector<RegionCode> regions = {
        RegionCode::Nation(), RegionCode::FromInt(620000000000), RegionCode::FromInt(kCounty),
        RegionCode::FromInt(kVillage + 2), RegionCode::FromInt(620421000000)};
    for (const RegionCode& region : regions) {
      for (const std::string rule : {"", "name_mismatch", "vehicle"}) {
        for (const std::string status : {"", "open", "confirmed", "dismissed"}) {
          for (const int64_t list_id : {0, 7, 8}) {
            for (const std::string helper : {"", "h1"}) {
              for (const auto& [offset, limit] : std::vector<std::pair<int64_t, int64_t>>{
                       {0, 50}, {1, 7}, {49, 50}, {1000, 50}, {2990, 50}, {0, 0}}) {
                FindingQuery q;
                q.region = region;
                q.rule = rule;
                q.status = status;
                q.list_id = list_id;
                q.assigned_to = helper;
                q.offset = offset;
                q.limit = limit;
                EXPECT_EQ(Page(*blocks_, q), Page(*rows_, q))
                    << region.value() << " " << rule << " " << status << " " << list_id << " "
                    << helper << " " << offset << "+" << limit;
                ++compared;
              }
            }
          }
        }
      }
      for (const std::string helper : {"", "h1"}) {
        EXPECT_EQ(Counts(*blocks_, region, helper), Counts(*rows_, region, helper));
      }
    }
    FindingQuery all;
    all.limit = 0;
    auto page = rows_->compare().SearchFindings(all);
    EXPECT_TRUE(page.ok());
    const int64_t last = page.ok() && !page->items.empty() ? page->items.back().id : 0;
    for (int64_t id = 0; id <= last + 2; ++id) {
      auto a = blocks_->compare().GetFinding(id);
      auto b = rows_->compare().GetFinding(id);
      EXPECT_TRUE(a.ok() && b.ok()) << id;
      if (!a.ok() || !b.ok()) continue;
      EXPECT_EQ(a->has_value(), b->has_value()) << id;
      if (a->has_value() && b->has_value()) {
        EXPECT_EQ(Show(**a), Show(**b));
      }
    }
    for (const std::string rule : {"deceased_member", "name_mismatch", "deceased_head", "x"}) {
      EXPECT_EQ(Subjects(*blocks_, rule), Subjects(*rows_, rule)) << rule;
    }
    return compared;
  }

  void Decide(int64_t id, const std::string& status) {
    for (Store* store : {blocks_.get(), rows_.get()}) {
      auto found = store->compare().GetFinding(id);
      ASSERT_TRUE(found.ok() && found->has_value());
      FindingRow f = **found;
      f.status = status;
      f.reason = "核实 " + std::to_string(id);
      f.decided_by = "admin";
      f.decided_at = "2026-07-01T08:00:00Z";
      ASSERT_TRUE(store->Begin().ok());
      ASSERT_TRUE(store->compare().DecideFinding(f).ok());
      ASSERT_TRUE(store->Commit().ok());
    }
  }

  std::string dir_;
  std::unique_ptr<Store> blocks_, rows_;
};

TEST_F(FindingBlocksTest, ABulkBatchBesideRowsReadsBackAsTheSameFindingsStoredRowByRow) {
  InsertBoth(Batch(0, 40));      // rows in both: too small for blocks
  InsertBoth(Batch(100, 3000));  // blocks in one, rows in the other
  InsertBoth(Batch(5000, 30));   // rows after the blocks
  EXPECT_GT(Blocks("blocks.db"), 5);
  EXPECT_EQ(Blocks("rows.db"), 0);
  EXPECT_GT(ExpectSameEverywhere(), 1000);
}

TEST_F(FindingBlocksTest, ADecidedBlockFindingShowsItsDecisionInEveryReader) {
  InsertBoth(Batch(0, 2500));
  ASSERT_GT(Blocks("blocks.db"), 0);
  Decide(1, "confirmed");
  Decide(17, "dismissed");
  Decide(2500, "dismissed");
  auto got = blocks_->compare().GetFinding(17);
  ASSERT_TRUE(got.ok() && got->has_value());
  EXPECT_EQ((*got)->status, "dismissed");
  EXPECT_EQ((*got)->reason, "核实 17");
  FindingQuery dismissed;
  dismissed.status = "dismissed";
  auto page = blocks_->compare().SearchFindings(dismissed);
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(page->total, 2);
  FindingQuery helper;  // households H0 … H9 of kCounty: findings 0 … 29 outside 620421
  helper.assigned_to = "h1";
  auto mine = blocks_->compare().SearchFindings(helper);
  ASSERT_TRUE(mine.ok());
  EXPECT_EQ(mine->total, 26);
  ExpectSameEverywhere();
}

TEST_F(FindingBlocksTest, ABatchMeetingStoredBlockFindingsFallsBackToRowsWithTheSameResult) {
  InsertBoth(Batch(0, 2000));
  ASSERT_GT(Blocks("blocks.db"), 0);
  const int64_t blocks = Blocks("blocks.db");
  InsertBoth(Batch(1500, 2000));  // 1500 … 1999 are stored already: skipped, id 0
  EXPECT_EQ(Blocks("blocks.db"), blocks);
  auto ids = Insert(*blocks_, Batch(1990, 5));  // a small batch meets block findings too
  EXPECT_EQ(ids, std::vector<int64_t>(5, 0));
  ExpectSameEverywhere();
}

TEST_F(FindingBlocksTest, ABatchMeetingAStoredRowFallsBackToRowsWithTheSameResult) {
  InsertBoth(Batch(700, 3));
  InsertBoth(Batch(0, 2000));
  EXPECT_EQ(Blocks("blocks.db"), 0);
  ExpectSameEverywhere();
}

TEST_F(FindingBlocksTest, AnotherListsBatchAndDuplicatesWithinABatchStayCorrect) {
  InsertBoth(Batch(0, 1500));
  auto second = Batch(1500, 1500, 8);
  second.push_back(Finding(kRules[0], 1503, 8));  // the same rule and subject twice
  InsertBoth(second);
  InsertBoth(Batch(3000, 1200, 8));
  EXPECT_GT(Blocks("blocks.db"), 0);
  ExpectSameEverywhere();
}

TEST_F(FindingBlocksTest, AFailureInTheMiddleOfABulkBatchLeavesNothing) {
  {
    auto db = sqlite::Database::Open(dir_ + "/blocks.db", false);
    ASSERT_TRUE(db.ok());
    ASSERT_TRUE(db->Exec("CREATE TRIGGER fail_third BEFORE INSERT ON finding_blocks WHEN "
                         "NEW.village_code = " +
                         std::to_string(kVillage + 3) + " BEGIN SELECT RAISE(ABORT, 'boom'); END")
                    .ok());
  }
  auto batch = Batch(0, 3000);
  ASSERT_TRUE(blocks_->Begin().ok());
  EXPECT_FALSE(blocks_->compare().InsertFindings(batch).ok());
  blocks_->Rollback();
  FindingQuery all;
  all.limit = 0;
  auto page = blocks_->compare().SearchFindings(all);
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(page->total, 0);
  EXPECT_TRUE(page->items.empty());
  EXPECT_EQ(Blocks("blocks.db"), 0);
  EXPECT_TRUE(Subjects(*blocks_, "deceased_member").empty());
  auto counts = blocks_->compare().CountFindings(RegionCode::Nation(), "");
  ASSERT_TRUE(counts.ok());
  EXPECT_TRUE(counts->empty());
}

TEST_F(FindingBlocksTest, ABatchInItsCompactFormRoundTripsItsFindingsInOrder) {
  const auto rows = Batch(0, 50);
  FindingBatch batch = FindingBatch::FromRows(Batch(0, 20));
  batch.Append(FindingBatch::FromRows(Batch(20, 30)));
  ASSERT_EQ(batch.size(), rows.size());
  EXPECT_EQ(batch.list_id(), 7);
  EXPECT_EQ(batch.created_at(), "2026-06-30T00:00:00Z");
  size_t i = 0;
  for (const FindingRow& f : batch) EXPECT_EQ(Show(f), Show(rows[i++]));
  EXPECT_EQ(i, rows.size());
  const auto back = batch.ToRows();
  for (size_t k = 0; k < rows.size(); ++k) EXPECT_EQ(Show(back[k]), Show(rows[k]));
  EXPECT_EQ(batch.EraseIf([](size_t k) { return k % 2 == 0; }), 25u);
  ASSERT_EQ(batch.size(), 25u);
  EXPECT_EQ(Show(*batch.begin()), Show(rows[1]));
  EXPECT_EQ(batch.id_number(24), rows[49].id_number);
}

TEST_F(FindingBlocksTest, ABulkBatchStoredFromItsCompactFormWritesTheSameBlocksAndIdsAsRows) {
  EXPECT_EQ(InsertCompact(*blocks_, Batch(0, 40)), Insert(*rows_, Batch(0, 40)));
  EXPECT_EQ(InsertCompact(*blocks_, Batch(100, 3000)), Insert(*rows_, Batch(100, 3000)));
  auto second = Batch(5000, 1500, 8);
  second.push_back(Finding(kRules[0], 5003, 8));  // the same rule and subject twice
  EXPECT_EQ(InsertCompact(*blocks_, second), Insert(*rows_, second));
  EXPECT_GT(Blocks("blocks.db"), 5);
  EXPECT_EQ(BlockTables("blocks.db"), BlockTables("rows.db"));
  EXPECT_GT(ExpectSameEverywhere(), 1000);
}

TEST_F(FindingBlocksTest, ACompactBatchMeetingStoredFindingsFallsBackToRowsLikeRowsDo) {
  EXPECT_EQ(InsertCompact(*blocks_, Batch(0, 2000)), Insert(*rows_, Batch(0, 2000)));
  const auto ids = InsertCompact(*blocks_, Batch(1500, 2000));  // 1500 … 1999 stored already
  EXPECT_EQ(ids, Insert(*rows_, Batch(1500, 2000)));
  EXPECT_EQ(ids[0], 0);
  EXPECT_GT(ids[600], 0);
  EXPECT_EQ(BlockTables("blocks.db"), BlockTables("rows.db"));
  ExpectSameEverywhere();
}

TEST_F(FindingBlocksTest, BlocksBuiltOnASecondThreadAreTheBlocksBuiltOneAfterTheOther) {
  const auto rows = ManyVillages(6000, 150);
  std::vector<int64_t> overlapped, sequential;
  {
    OverlapFrom always(0);
    overlapped = InsertCompact(*blocks_, rows);
  }
  {
    OverlapFrom never(SIZE_MAX);
    sequential = InsertCompact(*rows_, rows);
  }
  EXPECT_EQ(overlapped, sequential);
  EXPECT_EQ(overlapped.front(), 1);
  EXPECT_EQ(overlapped.back(), 6000);
  EXPECT_EQ(Blocks("blocks.db"), 150);
  EXPECT_EQ(BlockTables("blocks.db"), BlockTables("rows.db"));
  EXPECT_GT(ExpectSameEverywhere(), 1000);
}

TEST_F(FindingBlocksTest, AFailureWhileBlocksAreBuiltOnASecondThreadLeavesNothingAndNoThread) {
  {
    auto db = sqlite::Database::Open(dir_ + "/blocks.db", false);
    ASSERT_TRUE(db.ok());
    // The 61st of 150 villages fails: the blocks before it written, later ones being built.
    ASSERT_TRUE(db->Exec("CREATE TRIGGER fail_midway BEFORE INSERT ON finding_blocks WHEN "
                         "NEW.village_code = " +
                         std::to_string(kVillage + 60) + " BEGIN SELECT RAISE(ABORT, 'boom'); END")
                    .ok());
  }
  const size_t threads = Threads();
  OverlapFrom always(0);
  FindingBatch batch = FindingBatch::FromRows(ManyVillages(6000, 150));
  ASSERT_TRUE(blocks_->Begin().ok());
  EXPECT_FALSE(blocks_->compare().InsertBatch(batch).ok());
  EXPECT_EQ(Threads(), threads);
  blocks_->Rollback();
  EXPECT_EQ(batch.id(0), 0);
  EXPECT_EQ(Blocks("blocks.db"), 0);
  FindingQuery all;
  all.limit = 0;
  auto page = blocks_->compare().SearchFindings(all);
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(page->total, 0);
  EXPECT_TRUE(Subjects(*blocks_, "deceased_member").empty());
}

}  // namespace
}  // namespace fupin
