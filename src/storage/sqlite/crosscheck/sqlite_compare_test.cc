// CompareStore::InsertFindings: a large batch takes the bulk way (multi-row inserts, the
// indexes built after the load when the table holds fewer findings than the batch), and
// stores exactly what the row-by-row way stores, with the same ids, the same skipped
// clashes and the same indexes.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "storage/sqlite/sqlite_db.h"
#include "storage/store.h"

namespace fupin {
namespace {

constexpr int64_t kVillage = 620422102201;

FindingRow Finding(const std::string& rule, int n) {
  FindingRow f;
  f.rule = rule;
  char id[19];
  std::snprintf(id, sizeof id, "6204221980%08d", n);
  f.id_number = id;
  f.list_id = 7;
  f.village_code = kVillage + n % 3;
  f.household_code = "H" + std::to_string(n);
  f.name = "某" + std::to_string(n % 10);
  f.detail = "死亡日期 2020-03-02";
  f.row = "{\"证件号码\":\"" + f.id_number + "\"}";
  f.created_at = "2026-06-30T00:00:00Z";
  return f;
}

std::deque<FindingRow> Findings(const std::string& rule, int from, int count) {
  std::deque<FindingRow> out;
  for (int n = from; n < from + count; ++n) out.push_back(Finding(rule, n));
  return out;
}

class BulkFindingsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char dir[] = "/tmp/fupin-findings-XXXXXX";
    dir_ = mkdtemp(dir);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::unique_ptr<Store> Create(const std::string& name) {
    auto store = Store::Open(dir_ + "/" + name, Store::OpenMode::kCreate);
    EXPECT_TRUE(store.ok());
    EXPECT_TRUE((*store)->Migrate().ok());
    return std::move(store).value();
  }

  // Stores the batches in one transaction; `one_by_one` splits each into batches too
  // small for the bulk way. Returns the ids given, batch after batch.
  static std::vector<int64_t> Insert(Store& store, std::vector<std::deque<FindingRow>> batches,
                                     bool one_by_one) {
    std::vector<int64_t> ids;
    EXPECT_TRUE(store.Begin().ok());
    for (auto& batch : batches) {
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
    }
    EXPECT_TRUE(store.Commit().ok());
    return ids;
  }

  static std::vector<std::string> Stored(Store& store) {
    FindingQuery all;
    all.limit = 0;
    auto page = store.compare().SearchFindings(all);
    EXPECT_TRUE(page.ok());
    std::vector<std::string> out;
    if (!page.ok()) return out;
    for (const auto& f : page->items) {
      out.push_back(std::to_string(f.id) + "|" + f.rule + "|" + f.subject + "|" +
                    std::to_string(f.list_id) + "|" + std::to_string(f.village_code) + "|" +
                    f.household_code + "|" + f.id_number + "|" + f.name + "|" + f.detail + "|" +
                    f.row + "|" + f.status + "|" + f.created_at);
    }
    return out;
  }

  std::string Indexes(const std::string& name) {
    auto db = sqlite::Database::Open(dir_ + "/" + name, false);
    EXPECT_TRUE(db.ok());
    auto s = db->Prepare(
        "SELECT group_concat(sql, ';') FROM (SELECT sql FROM sqlite_master WHERE type = 'index' "
        "AND tbl_name = 'findings' ORDER BY name)");
    EXPECT_TRUE(s.ok());
    auto row = s->Step();
    EXPECT_TRUE(row.ok() && *row);
    return s->Text(0);
  }

  // The same batches both ways: the same ids, rows and indexes.
  void ExpectSameBothWays(const std::vector<std::deque<FindingRow>>& batches) {
    auto bulk = Create("bulk.db");
    auto single = Create("single.db");
    const auto bulk_ids = Insert(*bulk, batches, false);
    const auto single_ids = Insert(*single, batches, true);
    EXPECT_EQ(bulk_ids, single_ids);
    const auto stored = Stored(*bulk);
    EXPECT_EQ(stored, Stored(*single));
    EXPECT_FALSE(stored.empty());
    EXPECT_EQ(Indexes("bulk.db"), Indexes("single.db"));
    EXPECT_NE(Indexes("bulk.db").find("CREATE UNIQUE INDEX findings_subject"), std::string::npos);
  }

  std::string dir_;
};

TEST_F(BulkFindingsTest, ALargeBatchIntoAnEmptyTableGetsTheIdsAndRowsOfTheRowByRowWay) {
  ExpectSameBothWays({Findings("deceased_member", 0, 5000)});
}

TEST_F(BulkFindingsTest, ALargeBatchBesideMoreStoredFindingsKeepsTheIndexesAndTheSameIds) {
  ExpectSameBothWays({Findings("vehicle", 0, 3000), Findings("deceased_member", 0, 1500)});
}

TEST_F(BulkFindingsTest, AFindingAlreadyStoredIsSkippedWithIdZeroAsRowByRow) {
  auto second = Findings("deceased_member", 1000, 2000);  // 1000 … 1999 clash
  ExpectSameBothWays({Findings("deceased_member", 0, 2000), second});
}

TEST_F(BulkFindingsTest, TwoFindingsOfOneRuleAndSubjectInOneBatchKeepTheFirst) {
  auto batch = Findings("name_mismatch", 0, 3000);
  batch.push_back(Finding("name_mismatch", 42));
  auto store = Create("first.db");
  const auto ids = Insert(*store, {batch}, false);
  EXPECT_EQ(ids.back(), 0);
  EXPECT_EQ(ids[2999], 3000);
  EXPECT_EQ(Stored(*store).size(), 3000u);
  ExpectSameBothWays({batch});
}

TEST_F(BulkFindingsTest, ARolledBackBulkBatchLeavesNothingAndTheIndexesInPlace) {
  auto store = Create("bulk.db");
  auto batch = Findings("deceased_member", 0, 4000);
  ASSERT_TRUE(store->Begin().ok());
  ASSERT_TRUE(store->compare().InsertFindings(batch).ok());
  store->Rollback();
  EXPECT_TRUE(Stored(*store).empty());
  auto fresh = Create("fresh.db");
  EXPECT_EQ(Indexes("bulk.db"), Indexes("fresh.db"));
}

// Store::BeginAddingFindings: a batch of kBulkFindings into an empty findings table goes
// through a rollback journal while the connection is alone (a -journal file beside the
// database, no -wal), and stores what Begin stores; the WAL is back after it.
class FindingsJournalTest : public BulkFindingsTest {
 protected:
  bool Exists(const std::string& name) { return std::filesystem::exists(dir_ + "/" + name); }

  std::string JournalMode(const std::string& name) {
    auto db = sqlite::Database::Open(dir_ + "/" + name, false);
    EXPECT_TRUE(db.ok());
    auto s = db->Prepare("PRAGMA journal_mode");
    EXPECT_TRUE(s.ok());
    auto row = s->Step();
    EXPECT_TRUE(row.ok() && *row);
    return s->Text(0);
  }

  // Stores `batch` through BeginAddingFindings; `during` is called before the commit.
  std::vector<int64_t> InsertAdding(Store& store, std::deque<FindingRow> batch,
                                    const std::function<void()>& during) {
    EXPECT_TRUE(store.BeginAddingFindings(static_cast<int64_t>(batch.size())).ok());
    EXPECT_TRUE(store.compare().InsertFindings(batch).ok());
    during();
    EXPECT_TRUE(store.Commit().ok());
    std::vector<int64_t> ids;
    for (const auto& f : batch) ids.push_back(f.id);
    return ids;
  }

  // Creates `name` with one household in it: a register that is not empty, so that
  // the first import's rollback journal (Store::Begin) is not what a test sees.
  std::unique_ptr<Store> CreateRegister(const std::string& name) {
    auto store = Create(name);
    Household h;
    h.household_code = "H1";
    h.village_code = RegionCode::FromInt(kVillage);
    h.registered_year = 2016;
    EXPECT_TRUE(store->Begin().ok());
    EXPECT_TRUE(store
                    ->UpsertRegions({{RegionCode::FromInt(620000000000), "甘肃省", std::nullopt},
                                     {RegionCode::FromInt(620400000000), "白银市", std::nullopt},
                                     {RegionCode::FromInt(620422000000), "会宁县", 500000},
                                     {RegionCode::FromInt(620422102000), "乙镇", std::nullopt},
                                     {RegionCode::FromInt(kVillage), "乙村", std::nullopt}})
                    .ok());
    EXPECT_TRUE(store->InsertHousehold(h, 1, "").ok());
    EXPECT_TRUE(store->Commit().ok());
    return store;
  }

  const int kCount = static_cast<int>(Store::kBulkFindings);
};

TEST_F(FindingsJournalTest, ALargeBatchAloneGoesThroughARollbackJournalAndStoresTheSame) {
  auto adding = CreateRegister("adding.db");
  auto plain = CreateRegister("plain.db");
  const auto batch = Findings("deceased_member", 0, kCount);
  bool journal = false, wal = true;
  const auto ids = InsertAdding(*adding, batch, [&] {
    journal = Exists("adding.db-journal");
    wal = Exists("adding.db-wal");
  });
  EXPECT_TRUE(journal);
  EXPECT_FALSE(wal);
  EXPECT_EQ(ids, Insert(*plain, {batch}, false));
  EXPECT_EQ(Stored(*adding), Stored(*plain));
  EXPECT_EQ(Indexes("adding.db"), Indexes("plain.db"));
  EXPECT_EQ(JournalMode("adding.db"), "wal");
}

TEST_F(FindingsJournalTest, ALargeBatchBesideAnotherConnectionKeepsTheWal) {
  auto adding = CreateRegister("adding.db");
  auto reader = sqlite::Database::Open(dir_ + "/adding.db", false);
  ASSERT_TRUE(reader.ok());
  ASSERT_TRUE(reader->Exec("SELECT count(*) FROM findings").ok());
  bool journal = true;
  const auto ids = InsertAdding(*adding, Findings("deceased_member", 0, kCount),
                                [&] { journal = Exists("adding.db-journal"); });
  EXPECT_FALSE(journal);
  EXPECT_EQ(ids.back(), kCount);
  EXPECT_EQ(Stored(*adding).size(), static_cast<size_t>(kCount));
  EXPECT_EQ(JournalMode("adding.db"), "wal");
}

TEST_F(FindingsJournalTest, ABatchBesideMoreStoredFindingsKeepsTheWal) {
  auto adding = CreateRegister("adding.db");
  Insert(*adding, {Findings("vehicle", 0, kCount)}, false);
  bool journal = true;
  InsertAdding(*adding, Findings("deceased_member", 0, kCount),
               [&] { journal = Exists("adding.db-journal"); });
  EXPECT_FALSE(journal);
  EXPECT_EQ(Stored(*adding).size(), 2u * kCount);
}

TEST_F(FindingsJournalTest, ARolledBackLargeBatchLeavesNothingAndTheWalBack) {
  auto adding = CreateRegister("adding.db");
  auto batch = Findings("deceased_member", 0, kCount);
  ASSERT_TRUE(adding->BeginAddingFindings(kCount).ok());
  ASSERT_TRUE(adding->compare().InsertFindings(batch).ok());
  adding->Rollback();
  EXPECT_TRUE(Stored(*adding).empty());
  EXPECT_FALSE(Exists("adding.db-journal"));
  EXPECT_EQ(JournalMode("adding.db"), "wal");
  auto fresh = Create("fresh.db");
  EXPECT_EQ(Indexes("adding.db"), Indexes("fresh.db"));
}

}  // namespace
}  // namespace fupin
