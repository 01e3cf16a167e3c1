// What only the PostgreSQL store has to prove: several connections (servers) writing one
// register at once, and a bulk load through COPY that reads back as SQLite's. The scenarios
// both back ends share are sqlite_store_test's, run here with FUPIN_TEST_DB=postgres.
#include "storage/postgres/pg_store.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <atomic>
#include <barrier>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "storage/postgres/pg_db.h"
#include "storage/postgres/pg_test_server.h"
#include "storage/postgres/pg_test_store.h"
#include "storage/store.h"

namespace fupin {
namespace {

constexpr int64_t kCountyA = 620422000000, kCountyB = 620423000000;
constexpr int64_t kVillageA = 620422101205, kVillageB = 620423101201;

Household MakeHousehold(const std::string& code, int64_t village, int members, int salt) {
  Household h;
  h.household_code = code;
  h.village_code = RegionCode::FromInt(village);
  h.poverty_status = salt % 3 == 0 ? kNone : salt % 2;
  h.registered_year = 2016;
  h.main_cause = 1 + salt % 5;
  h.housing_grade = 1;
  h.wage_income = Money::FromFen(100000 + salt * 37);
  h.transfer_income = Money::FromFen(salt * 11);
  h.food_secure = salt % 2 == 0;
  h.phone = salt % 4 == 0 ? "" : "1380000" + std::to_string(1000 + salt % 9000);
  h.village_group = salt % 5 == 0 ? "一组" : "";
  if (salt % 7 == 0) h.monitor_since = *Date::FromYmd(2022, 1, 2);
  for (int i = 0; i < members; ++i) {
    Member m;
    m.name = "成员" + std::to_string(salt) + "\t" + std::to_string(i);  // a tab for COPY
    m.id_number = code + "-" + std::to_string(i);
    m.relation = i == 0 ? 1 : 3;
    m.sex = 1 + i % 2;
    if (i % 3 != 2) m.birth_date = *Date::FromYmd(1950 + (salt + i) % 60, 1 + i % 12, 1);
    m.school_status = i % 4;
    m.health.Add(1 + i % 3);
    m.labor = 1;
    m.ethnicity = i % 2 ? "汉族" : "";
    m.resident_medical_insurance = i % 2 == 0;
    m.dibao = salt % 6 == 0;
    h.members.push_back(m);
  }
  return h;
}

class PgStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    url_ = pg::testing::FreshMigratedDatabase();
    store_ = Open();
    ASSERT_TRUE(store_);
    ASSERT_TRUE(store_->Begin().ok());
    ASSERT_TRUE(store_
                    ->UpsertRegions({{RegionCode::FromInt(620000000000), "甘肃省", std::nullopt},
                                     {RegionCode::FromInt(620400000000), "白银市", std::nullopt},
                                     {RegionCode::FromInt(kCountyA), "会宁县", std::nullopt},
                                     {RegionCode::FromInt(kCountyB), "景泰县", std::nullopt},
                                     {RegionCode::FromInt(620422101000), "甲镇", std::nullopt},
                                     {RegionCode::FromInt(kVillageA), "甲村", std::nullopt},
                                     {RegionCode::FromInt(620423101000), "乙镇", std::nullopt},
                                     {RegionCode::FromInt(kVillageB), "乙村", std::nullopt}})
                    .ok());
    ASSERT_TRUE(store_->Commit().ok());
  }
  void TearDown() override {
    store_.reset();
    pg::testing::DropDatabase(url_);
  }

  // Another connection to the register, as another server's.
  std::unique_ptr<Store> Open(int busy_timeout_ms = 5000) {
    StoreOptions options;
    options.busy_timeout_ms = busy_timeout_ms;
    auto store = Store::Open(url_, Store::OpenMode::kExisting, options);
    EXPECT_TRUE(store.ok()) << store.error().en;
    return store.ok() ? std::move(store).value() : nullptr;
  }

  Status Insert(Store& store, const Household& h) {
    FUPIN_RETURN_IF_ERROR(store.Begin());
    if (Status s = store.InsertHousehold(h, 1, "b1"); !s.ok()) {
      store.Rollback();
      return s;
    }
    return store.Commit();
  }

  std::string url_;
  std::unique_ptr<Store> store_;
};

TEST_F(PgStoreTest, AUrlOpensThePostgreSqlStoreWhichHasNoFile) {
  EXPECT_EQ(store_->file_path(), "");
  auto empty =
      Store::Open(pg::testing::FreshDatabase("fupin_pg_store_empty"), Store::OpenMode::kExisting);
  ASSERT_FALSE(empty.ok());
  EXPECT_EQ(empty.error().code, "E_NO_SCHEMA");
  EXPECT_NE(empty.error().en.find("fupin init"), std::string::npos);
}

TEST_F(PgStoreTest, AMessageNeverRepeatsTheUrlsPassword) {
  EXPECT_EQ(RedactedUrl("postgresql://fupin:secret@db.example:5432/fupin"),
            "postgresql://fupin@db.example:5432/fupin");
  EXPECT_EQ(RedactedUrl("postgres://fupin@127.0.0.1/x"), "postgres://fupin@127.0.0.1/x");
  auto refused = Store::Open("postgresql://nobody:secret@127.0.0.1:1/x?connect_timeout=2",
                             Store::OpenMode::kExisting);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().en.find("secret"), std::string::npos) << refused.error().en;
}

// Two offices change one household at once, each as the household service does: read the
// stored version in the transaction, compare it with the version the clerk edited, write
// version + 1. The second waits for the first's commit and reads the new version.
TEST_F(PgStoreTest, TwoOfficesUpdatingOneHouseholdAtOnceExactlyOneWins) {
  ASSERT_TRUE(Insert(*store_, MakeHousehold("H1", kVillageA, 2, 1)).ok());
  std::unique_ptr<Store> offices[2] = {Open(), Open()};
  std::barrier start(2);
  std::atomic<int> won{0}, conflicts{0};
  auto office = [&](int i) {
    Store& store = *offices[i];
    start.arrive_and_wait();
    ASSERT_TRUE(store.Begin().ok());
    auto stored = store.FindHousehold("H1");
    ASSERT_TRUE(stored.ok() && stored->has_value());
    if ((*stored)->version != 1) {  // the service's E_VERSION_CONFLICT
      store.Rollback();
      ++conflicts;
      return;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(200));  // the other reads meanwhile
    Household h = (*stored)->household;
    h.phone = "1390000000" + std::to_string(i);
    ASSERT_TRUE(store.UpdateHousehold(**stored, h, 2, "api").ok());
    ASSERT_TRUE(store.Commit().ok());
    ++won;
  };
  std::thread a(office, 0), b(office, 1);
  a.join();
  b.join();
  EXPECT_EQ(won, 1);
  EXPECT_EQ(conflicts, 1);
  auto now = store_->FindHousehold("H1");
  ASSERT_TRUE(now.ok() && now->has_value());
  EXPECT_EQ((*now)->version, 2);
}

// The import trusts households read before its transaction when RegisterStamp has not
// changed (Store::UpdateHousehold); a county locked after that reading, once another writer
// has committed, is E_BUSY instead of an update of a household read stale.
TEST_F(PgStoreTest, HouseholdsTrustedByTheStampAreNeverWrittenStale) {
  ASSERT_TRUE(Insert(*store_, MakeHousehold("H1", kVillageA, 2, 1)).ok());
  auto stored = store_->FindHousehold("H1");
  ASSERT_TRUE(stored.ok() && stored->has_value());
  auto before = store_->RegisterStamp();
  ASSERT_TRUE(store_->Begin().ok());
  ASSERT_EQ(*store_->RegisterStamp(), *before);  // nothing committed: H1 as read holds
  auto other = Open();
  auto mine = other->FindHousehold("H1");
  Household changed = (*mine)->household;
  changed.phone = "13900000000";
  ASSERT_TRUE(other->Begin().ok());
  ASSERT_TRUE(other->UpdateHousehold(**mine, changed, 2, "api").ok());
  ASSERT_TRUE(other->Commit().ok());
  Household h = (*stored)->household;
  h.wage_income = Money::FromYuan(9000);
  Status stale = store_->UpdateHousehold(**stored, h, 2, "import");
  ASSERT_FALSE(stale.ok());
  EXPECT_EQ(stale.error().code, "E_BUSY");
  store_->Rollback();
  EXPECT_EQ((*store_->FindHousehold("H1"))->household.phone, "13900000000");
}

TEST_F(PgStoreTest, AWriterThatCannotGetACountysLockInTimeGetsE_BUSY) {
  ASSERT_TRUE(Insert(*store_, MakeHousehold("H1", kVillageA, 1, 1)).ok());
  ASSERT_TRUE(store_->Begin().ok());
  ASSERT_TRUE(store_->FindHousehold("H1").ok());  // holds the county, as a long import does
  auto other = Open(/*busy_timeout_ms=*/100);
  ASSERT_TRUE(other->Begin().ok());
  auto waited = other->FindHousehold("H1");
  ASSERT_FALSE(waited.ok());
  EXPECT_EQ(waited.error().code, "E_BUSY");
  other->Rollback();
  // Another county is not held.
  ASSERT_TRUE(other->Begin().ok());
  EXPECT_TRUE(other->InsertHousehold(MakeHousehold("H2", kVillageB, 1, 2), 1, "b").ok());
  EXPECT_TRUE(other->Commit().ok());
  store_->Rollback();
}

TEST_F(PgStoreTest, TwoImportsIntoDifferentCountiesAtOnceBothSucceed) {
  std::unique_ptr<Store> servers[2] = {Open(), Open()};
  constexpr int kHouseholds = 5000;  // more than one COPY batch each
  std::barrier start(2);
  Status results[2];
  auto import = [&](int i) {
    Store& store = *servers[i];
    const int64_t village = i == 0 ? kVillageA : kVillageB;
    start.arrive_and_wait();
    results[i] = [&]() -> Status {
      FUPIN_RETURN_IF_ERROR(store.Begin());
      AggregateDeltas deltas;
      for (int k = 0; k < kHouseholds; ++k) {
        const std::string code = (i == 0 ? "A" : "B") + std::to_string(100000 + k);
        FUPIN_RETURN_IF_ERROR(store.InsertHousehold(MakeHousehold(code, village, 3, k), 1, "b"));
        deltas[{0, "households"}] += 1;
        deltas[{village, "households"}] += 1;
      }
      FUPIN_RETURN_IF_ERROR(store.ApplyAggregateDeltas(deltas));
      return store.Commit();
    }();
    if (!results[i].ok()) store.Rollback();
  };
  std::thread a(import, 0), b(import, 1);
  a.join();
  b.join();
  ASSERT_TRUE(results[0].ok()) << results[0].error().en;
  ASSERT_TRUE(results[1].ok()) << results[1].error().en;
  auto nation = store_->Aggregates(RegionCode::Nation());
  ASSERT_TRUE(nation.ok());
  EXPECT_EQ((*nation)["households"], 2 * kHouseholds);
  auto page = store_->SearchHouseholds(HouseholdQuery{});
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(page->total, 2 * kHouseholds);
}

// Two loads of one county into an empty register: the second waits for the first, then
// finds its household taken as SQLite would (E_CONFLICT, its transaction still usable).
TEST_F(PgStoreTest, ASecondLoadIntoAnEmptyRegistersCountyFindsTheFirstsKeysTaken) {
  auto first = Open();
  auto second = Open();
  ASSERT_TRUE(first->Begin().ok());
  ASSERT_TRUE(second->Begin().ok());  // both begin on an empty register
  ASSERT_TRUE(first->InsertHousehold(MakeHousehold("H1", kVillageA, 2, 1), 1, "b").ok());
  Status taken, other;
  std::thread waiting([&] {
    taken = second->InsertHousehold(MakeHousehold("H1", kVillageA, 1, 2), 1, "b");
    other = second->InsertHousehold(MakeHousehold("H2", kVillageA, 1, 3), 1, "b");
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  ASSERT_TRUE(first->Commit().ok());
  waiting.join();
  ASSERT_FALSE(taken.ok());
  EXPECT_EQ(taken.error().code, "E_CONFLICT");
  ASSERT_TRUE(other.ok()) << other.error().en;
  ASSERT_TRUE(second->Commit().ok());
  EXPECT_EQ((*store_->FindHousehold("H1"))->household.members.size(), 2u);
  EXPECT_TRUE(store_->FindHousehold("H2")->has_value());
}

TEST_F(PgStoreTest, TwoStoresAppendingAuditRecordsAtOnceMakeOneUnbrokenChain) {
  std::unique_ptr<Store> servers[2] = {Open(), Open()};
  constexpr int kRecords = 60;
  auto seal = [](const AuditRow& r) {
    return std::to_string(std::hash<std::string>()(r.prev_hash + "|" + std::to_string(r.seq) + "|" +
                                                   r.actor + "|" + r.target));
  };
  std::barrier start(2);
  auto append = [&](int i) {
    Store& store = *servers[i];
    start.arrive_and_wait();
    for (int k = 0; k < kRecords; ++k) {
      AuditRow row;
      row.at = "2026-06-30T00:00:00Z";
      row.actor = "server" + std::to_string(i);
      row.role = "admin";
      row.action = "household.read";
      row.target = std::to_string(k);
      row.remote = "cli";
      if (k % 3 == 0) {  // staged in a register transaction, written at its commit
        ASSERT_TRUE(store.Begin().ok());
        ASSERT_TRUE(store.accounts().AppendAudit(row, seal).ok());
        ASSERT_TRUE(store.Commit().ok());
      } else {
        ASSERT_TRUE(store.accounts().AppendAudit(row, seal).ok());
      }
    }
  };
  std::thread a(append, 0), b(append, 1);
  a.join();
  b.join();
  int64_t expected_seq = 1;
  std::string prev(64, '0');
  int per_server[2] = {0, 0};
  ASSERT_TRUE(store_->accounts()
                  .ForEachAudit([&](const AuditRow& r) {
                    EXPECT_EQ(r.seq, expected_seq++);
                    EXPECT_EQ(r.prev_hash, prev);
                    EXPECT_EQ(r.hash, seal(r));
                    prev = r.hash;
                    ++per_server[r.actor == "server1"];
                    return Status::Ok();
                  })
                  .ok());
  EXPECT_EQ(expected_seq, 2 * kRecords + 1);
  EXPECT_EQ(per_server[0], kRecords);
  EXPECT_EQ(per_server[1], kRecords);
}

TEST_F(PgStoreTest, RegisterStampChangesWithACommitOfTheRegisterAndNotWithARollback) {
  auto first = store_->RegisterStamp();
  ASSERT_TRUE(first.ok());
  EXPECT_NE(first->find(':'), std::string::npos);
  ASSERT_TRUE(store_->Begin().ok());
  ASSERT_TRUE(store_->InsertHousehold(MakeHousehold("H1", kVillageA, 1, 1), 1, "b").ok());
  store_->Rollback();
  EXPECT_EQ(*store_->RegisterStamp(), *first);
  ASSERT_TRUE(store_->Begin().ok());
  ASSERT_TRUE(store_->SetRuralPopulation(RegionCode::FromInt(kVillageA), 10).ok());
  ASSERT_TRUE(store_->Commit().ok());  // regions are not the register's households
  EXPECT_EQ(*store_->RegisterStamp(), *first);
  ASSERT_TRUE(Insert(*store_, MakeHousehold("H1", kVillageA, 1, 1)).ok());
  auto second = store_->RegisterStamp();
  EXPECT_NE(*second, *first);
  EXPECT_EQ(second->substr(0, second->find(':')), first->substr(0, first->find(':')));
  ASSERT_TRUE(store_->Begin().ok());
  ASSERT_TRUE(store_->ApplyAggregateDeltas({{{kVillageA, "households"}, 1}}).ok());
  ASSERT_TRUE(store_->Commit().ok());
  EXPECT_NE(*store_->RegisterStamp(), *second);
}

TEST_F(PgStoreTest, AKeyTakenInTheSameTransactionIsAConflictAndTheTransactionGoesOn) {
  ASSERT_TRUE(store_->Begin().ok());
  ASSERT_TRUE(store_->InsertHousehold(MakeHousehold("H1", kVillageA, 2, 1), 1, "b").ok());
  auto again = store_->InsertHousehold(MakeHousehold("H1", kVillageA, 1, 2), 1, "b");
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, "E_CONFLICT");
  Household taken = MakeHousehold("H2", kVillageA, 1, 3);
  taken.members[0].id_number = "H1-1";  // H1's second member, not yet written
  auto person = store_->InsertHousehold(taken, 1, "b");
  ASSERT_FALSE(person.ok());
  EXPECT_EQ(person.error().code, "E_CONFLICT");
  ASSERT_TRUE(store_->FindHousehold("H1")->has_value());  // written now
  EXPECT_EQ(store_->InsertHousehold(taken, 1, "b").error().code, "E_CONFLICT");
  ASSERT_TRUE(store_->InsertHousehold(MakeHousehold("H3", kVillageA, 1, 4), 1, "b").ok());
  ASSERT_TRUE(store_->Commit().ok());
  EXPECT_EQ(store_->FindPerson(1, "H1-1")->value_or(""), "H1");
  EXPECT_TRUE(store_->FindHousehold("H3")->has_value());
  EXPECT_FALSE(store_->FindHousehold("H2")->has_value());
}

// A load of more households than one COPY batch reads back, through every read, as the
// same load into SQLite does.
TEST_F(PgStoreTest, ABulkLoadThroughCopyReadsBackAsTheSameLoadIntoSqlite) {
  char dir[] = "/tmp/fupin-pg-store-XXXXXX";
  ASSERT_NE(mkdtemp(dir), nullptr);
  auto sqlite = Store::Open(std::string(dir) + "/t.db", Store::OpenMode::kCreate);
  ASSERT_TRUE(sqlite.ok());
  ASSERT_TRUE((*sqlite)->Migrate().ok());
  auto regions = store_->RegionsUnder(RegionCode::Nation());
  ASSERT_TRUE(regions.ok());
  for (Store* store : {sqlite->get(), store_.get()}) {
    if (store != store_.get()) {
      ASSERT_TRUE(store->Begin().ok());
      ASSERT_TRUE(store->UpsertRegions(*regions).ok());
      ASSERT_TRUE(store->Commit().ok());
    }
    ASSERT_TRUE(store->Begin().ok());
    for (int k = 0; k < 4500; ++k) {
      const int64_t village = k % 3 ? kVillageA : kVillageB;
      ASSERT_TRUE(
          store
              ->InsertHousehold(MakeHousehold("H" + std::to_string(k), village, 1 + k % 4, k),
                                1 + k % 2, k % 2 ? "b1" : "")
              .ok());
    }
    ASSERT_TRUE(store->Commit().ok());
  }
  auto all = [](Store& store) {
    std::vector<Household> out;
    EXPECT_TRUE(store
                    .ForEachHousehold(RegionCode::Nation(),
                                      [&](const Household& h) {
                                        out.push_back(h);
                                        return Status::Ok();
                                      })
                    .ok());
    return out;
  };
  const auto expected = all(**sqlite);
  ASSERT_EQ(expected.size(), 4500u);
  EXPECT_TRUE(all(*store_) == expected);
  std::vector<std::string> a, b;
  for (auto [store, out] : {std::pair{sqlite->get(), &a}, std::pair{store_.get(), &b}}) {
    EXPECT_TRUE(store
                    ->ScanForAssessment([&](const Household& h) {
                      out->push_back(h.household_code + ":" + std::to_string(h.members.size()));
                      return Status::Ok();
                    })
                    .ok());
  }
  EXPECT_EQ(a, b);
  for (auto sort : {HouseholdQuery::Sort::kCode, HouseholdQuery::Sort::kIncome,
                    HouseholdQuery::Sort::kSize, HouseholdQuery::Sort::kVillage}) {
    HouseholdQuery q;
    q.sort = sort;
    q.descending = sort == HouseholdQuery::Sort::kIncome;
    q.offset = 100;
    q.limit = 30;
    q.poverty_status = 1;
    auto x = (*sqlite)->SearchHouseholds(q);
    auto y = store_->SearchHouseholds(q);
    ASSERT_TRUE(x.ok() && y.ok());
    EXPECT_EQ(x->total, y->total);
    ASSERT_EQ(x->items.size(), y->items.size());
    for (size_t i = 0; i < x->items.size(); ++i) {
      EXPECT_EQ(x->items[i].household, y->items[i].household);
    }
    EXPECT_EQ(x->head_names, y->head_names);
    EXPECT_EQ(x->village_names, y->village_names);
  }
  auto middle = store_->MiddleHousehold(10);
  ASSERT_TRUE(middle.ok() && middle->has_value());
  EXPECT_EQ((*middle)->code, (*(*sqlite)->MiddleHousehold(10))->code);
  std::filesystem::remove_all(dir);
}

// Inserts `households` in one transaction: the first error, of an InsertHousehold or of the
// Commit (where a clash with a committed key may be found), after which it rolls back.
Status InsertAll(Store& store, const std::vector<Household>& households) {
  FUPIN_RETURN_IF_ERROR(store.Begin());
  for (const Household& h : households) {
    if (Status s = store.InsertHousehold(h, 1, "b"); !s.ok()) {
      store.Rollback();
      return s;
    }
  }
  return store.Commit();
}

// Households H<from>..H<from + n - 1>, one member each.
std::vector<Household> Households(int from, int n) {
  std::vector<Household> out;
  for (int k = from; k < from + n; ++k) {
    out.push_back(MakeHousehold("H" + std::to_string(k), k % 2 ? kVillageA : kVillageB, 1, k));
  }
  return out;
}

// Into a register not empty at Begin, the new keys are looked up in batches: a clash with
// a committed household is still E_CONFLICT, and nothing of the transaction stays.
TEST_F(PgStoreTest, AHouseholdCodeTakenByACommittedHouseholdIsAConflictAndLeavesNothing) {
  ASSERT_TRUE(Insert(*store_, MakeHousehold("T1", kVillageA, 2, 1)).ok());
  for (int at : {0, 10, 5000}) {  // first, among the first flush's, after one flush
    std::vector<Household> load = Households(1, 6000);
    load[at] = MakeHousehold("T1", kVillageA, 1, 7);
    load[at].members[0].id_number = "new-" + std::to_string(at);
    Status s = InsertAll(*store_, load);
    ASSERT_FALSE(s.ok()) << at;
    EXPECT_EQ(s.error().code, "E_CONFLICT");
    EXPECT_NE(s.error().en.find("household_code"), std::string::npos) << s.error().en;
    EXPECT_FALSE(store_->FindHousehold("H1")->has_value());
    EXPECT_FALSE(store_->FindPerson(1, "new-" + std::to_string(at))->has_value());
    EXPECT_FALSE(store_->FindPerson(1, "H5999-0")->has_value());
  }
  auto t1 = store_->FindHousehold("T1");
  ASSERT_TRUE(t1.ok() && t1->has_value());
  EXPECT_EQ((*t1)->household.members.size(), 2u);
  EXPECT_EQ(store_->FindPerson(1, "T1-1")->value_or(""), "T1");
}

TEST_F(PgStoreTest, AnIdNumberTakenByACommittedHouseholdIsAConflictAndLeavesNothing) {
  ASSERT_TRUE(Insert(*store_, MakeHousehold("T1", kVillageA, 2, 1)).ok());
  for (int at : {0, 10, 5000}) {
    std::vector<Household> load = Households(1, 6000);
    load[at].members[0].id_number = "T1-1";  // T1's second member
    Status s = InsertAll(*store_, load);
    ASSERT_FALSE(s.ok()) << at;
    EXPECT_EQ(s.error().code, "E_CONFLICT");
    EXPECT_NE(s.error().en.find("person_index"), std::string::npos) << s.error().en;
    EXPECT_FALSE(store_->FindHousehold("H" + std::to_string(at + 1))->has_value());
    EXPECT_FALSE(store_->FindHousehold("H1")->has_value());
    EXPECT_FALSE(store_->FindPerson(1, "H5999-0")->has_value());
  }
  EXPECT_EQ(store_->FindPerson(1, "T1-1")->value_or(""), "T1");
  // Keys that need quoting in an array literal are looked up as they are.
  Household quoted = MakeHousehold("Q\"1\\", kVillageA, 1, 2);
  quoted.members[0].id_number = "a,\"b\"\\{c}";
  ASSERT_TRUE(Insert(*store_, quoted).ok());
  Household same = MakeHousehold("Q2", kVillageA, 1, 3);
  same.members[0].id_number = quoted.members[0].id_number;
  EXPECT_EQ(InsertAll(*store_, {MakeHousehold("Q3", kVillageA, 1, 4), same}).error().code,
            "E_CONFLICT");
  EXPECT_EQ(InsertAll(*store_, {MakeHousehold("Q\"1\\", kVillageA, 1, 5)}).error().code,
            "E_CONFLICT");
  EXPECT_FALSE(store_->FindHousehold("Q3")->has_value());
  EXPECT_TRUE(InsertAll(*store_, {MakeHousehold("Q4", kVillageA, 1, 6)}).ok());
}

// Deleting a household after a new one took its key (noted, not yet looked up) still
// finds the key taken, as SQLite does at the insert.
TEST_F(PgStoreTest, AKeyNotedBeforeItsHolderIsDeletedIsStillAConflict) {
  ASSERT_TRUE(Insert(*store_, MakeHousehold("T1", kVillageA, 1, 1)).ok());
  ASSERT_TRUE(store_->Begin().ok());
  Household h = MakeHousehold("N1", kVillageA, 1, 2);
  h.members[0].id_number = "T1-0";
  Status s = store_->InsertHousehold(h, 1, "b");
  if (s.ok()) s = store_->DeleteHousehold(RegionCode::FromInt(kCountyA), "T1");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, "E_CONFLICT");
  store_->Rollback();
  EXPECT_TRUE(store_->FindHousehold("T1")->has_value());
  EXPECT_FALSE(store_->FindHousehold("N1")->has_value());
}

// The measure of issue 15: an import of FUPIN_PG_IMPORT_HOUSEHOLDS (default 20,000) new
// households of one member into a register that is not empty.
TEST_F(PgStoreTest, AnImportIntoANonEmptyRegisterIsQuick) {
  const char* env = getenv("FUPIN_PG_IMPORT_HOUSEHOLDS");
  const int n = env ? atoi(env) : 20000;
  ASSERT_TRUE(InsertAll(*store_, Households(1, 1000)).ok());
  const auto load = Households(1001, n);
  const auto start = std::chrono::steady_clock::now();
  ASSERT_TRUE(InsertAll(*store_, load).ok());
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  printf("imported %d households into a register of 1000 in %.2f s\n", n, seconds);
  EXPECT_EQ(store_->FindPerson(1, "H" + std::to_string(1000 + n) + "-0")->value_or(""),
            "H" + std::to_string(1000 + n));
}

// `regions load` sends its regions in batches, one statement each (issue 15); the result is
// the one of a statement per region: a code given twice keeps its last name and the last
// population given, a row without a population keeps the one stored, and a name is stored
// as it is, quotes, backslashes, commas and braces included.
TEST_F(PgStoreTest, RegionsUpsertedInBatchesEndAsUpsertedOneByOne) {
  const std::string odd_name = "a\"b\\c,{d} NULL";
  auto before = store_->CountRegions();
  ASSERT_TRUE(before.ok());
  ASSERT_TRUE(store_->Begin().ok());
  ASSERT_TRUE(store_->SetRuralPopulation(RegionCode::FromInt(kVillageA), 700).ok());
  ASSERT_TRUE(store_->Commit().ok());
  std::vector<RegionRow> rows;
  rows.push_back({RegionCode::FromInt(kVillageB), odd_name, 5});
  rows.push_back({RegionCode::FromInt(kVillageA), "甲村新名", std::nullopt});
  // More than one batch: 22 towns of 999 villages each.
  for (int64_t town = 200; town < 222; ++town) {
    for (int64_t v = 1; v < 1000; ++v) {
      rows.push_back({RegionCode::FromInt(kCountyA + town * 1000 + v), "村" + std::to_string(v),
                      v % 2 ? std::optional<int64_t>(v) : std::nullopt});
    }
  }
  rows.push_back({RegionCode::FromInt(kVillageB), "乙村最后", std::nullopt});
  rows.push_back({RegionCode::FromInt(kCountyA + 221 * 1000 + 999), "最后一村", 42});
  ASSERT_TRUE(store_->Begin().ok());
  ASSERT_TRUE(store_->UpsertRegions(rows).ok());
  ASSERT_TRUE(store_->Commit().ok());

  auto get = [&](int64_t code) {
    auto row = store_->GetRegion(RegionCode::FromInt(code));
    EXPECT_TRUE(row.ok() && row->has_value()) << code;
    return row.ok() && row->has_value() ? **row : RegionRow{};
  };
  EXPECT_EQ(get(kVillageB).name, "乙村最后");
  EXPECT_EQ(get(kVillageB).rural_population, 5);
  EXPECT_EQ(get(kVillageA).name, "甲村新名");
  EXPECT_EQ(get(kVillageA).rural_population, 700);
  EXPECT_EQ(get(kCountyA + 221 * 1000 + 999).name, "最后一村");
  EXPECT_EQ(get(kCountyA + 221 * 1000 + 999).rural_population, 42);
  EXPECT_EQ(get(kCountyA + 210 * 1000 + 998).name, "村998");
  EXPECT_EQ(get(kCountyA + 210 * 1000 + 998).rural_population, std::nullopt);
  EXPECT_EQ(get(kCountyA + 210 * 1000 + 997).rural_population, 997);
  auto count = store_->CountRegions();
  ASSERT_TRUE(count.ok());
  EXPECT_EQ(*count, *before + 22 * 999);
  // The tree reads back through the parent each row was given.
  auto town = store_->Children(RegionCode::FromInt(kCountyA + 205 * 1000));
  ASSERT_TRUE(town.ok());
  EXPECT_EQ(town->size(), 999u);

  // The name with quotes, a backslash and braces round trips exactly.
  ASSERT_TRUE(store_->Begin().ok());
  ASSERT_TRUE(
      store_->UpsertRegions({{RegionCode::FromInt(kVillageB), odd_name, std::nullopt}}).ok());
  ASSERT_TRUE(store_->Commit().ok());
  EXPECT_EQ(get(kVillageB).name, odd_name);
  EXPECT_EQ(get(kVillageB).rural_population, 5);
}

// An import into an empty register drops the secondary indexes of households and
// household_history at its first COPY and builds them again before its commit (pg_bulk.cc,
// issue 15): a rebuilt index has a new oid, the same definition. Smaller transactions, a
// register with households, a rollback and a reader holding the table keep them as they are.
class PgBulkTest : public PgStoreTest {
 protected:
  // The secondary indexes of the two tables: name → oid and name → definition.
  std::map<std::string, std::string> Indexes(bool oids) {
    auto c = pg::Connection::Open(url_);
    EXPECT_TRUE(c.ok());
    std::map<std::string, std::string> out;
    if (!c.ok()) return out;
    auto rows = (*c)->Query(
        "SELECT c.relname, i.indexrelid::bigint::text, pg_get_indexdef(i.indexrelid) "
        "FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE i.indrelid IN "
        "('households'::regclass, 'household_history'::regclass) AND NOT i.indisprimary");
    EXPECT_TRUE(rows.ok());
    if (!rows.ok()) return out;
    for (int r = 0; r < rows->size(); ++r) out[rows->Text(r, 0)] = rows->Text(r, oids ? 1 : 2);
    return out;
  }
  Status InsertMany(int from, int count, bool commit = true) {
    FUPIN_RETURN_IF_ERROR(store_->Begin());
    for (int k = from; k < from + count; ++k) {
      Status s = store_->InsertHousehold(
          MakeHousehold("H" + std::to_string(k), k % 2 ? kVillageA : kVillageB, 1 + k % 3, k), 1,
          "");
      if (!s.ok()) {
        store_->Rollback();
        return s;
      }
    }
    if (!commit) {
      store_->Rollback();
      return Status::Ok();
    }
    return store_->Commit();
  }
};

TEST_F(PgBulkTest, AFirstLargeImportRebuildsTheSecondaryIndexesBeforeItsCommit) {
  const auto oids = Indexes(true), definitions = Indexes(false);
  const char* db = getenv("FUPIN_TEST_DB");
  if (db && std::string(db) == "cluster") {
    // A cluster's coordinator has foreign tables, without indexes (they live on the
    // shards, which the store never alters): the import goes on as it is.
    EXPECT_TRUE(oids.empty());
    ASSERT_TRUE(InsertMany(0, 5000).ok());
    auto found = store_->FindHousehold("H4999");
    ASSERT_TRUE(found.ok());
    EXPECT_TRUE(found->has_value());
    return;
  }
  ASSERT_GE(oids.size(), 7u);  // households: 6, household_history: 1
  ASSERT_TRUE(InsertMany(0, 5000).ok());
  const auto after = Indexes(true);
  ASSERT_EQ(after.size(), oids.size());
  for (const auto& [name, oid] : oids) EXPECT_NE(after.at(name), oid) << name;
  EXPECT_EQ(Indexes(false), definitions);
  // The indexes are in use: the households read back by code.
  auto found = store_->FindHousehold("H4999");
  ASSERT_TRUE(found.ok());
  EXPECT_TRUE(found->has_value());

  // The register has households now: the next import keeps its indexes.
  ASSERT_TRUE(InsertMany(5000, 5000).ok());
  EXPECT_EQ(Indexes(true), after);
}

TEST_F(PgBulkTest, ASmallFirstImportOrARolledBackOneKeepsTheIndexes) {
  const auto oids = Indexes(true);
  ASSERT_TRUE(InsertMany(0, 5000, /*commit=*/false).ok());
  EXPECT_EQ(Indexes(true), oids);
  ASSERT_TRUE(InsertMany(0, 100).ok());
  EXPECT_EQ(Indexes(true), oids);
}

TEST_F(PgBulkTest, AReaderOfTheHouseholdsTableMakesTheImportKeepItsIndexes) {
  const auto oids = Indexes(true);
  auto reader = pg::Connection::Open(url_);
  ASSERT_TRUE(reader.ok());
  ASSERT_TRUE((*reader)->Exec("BEGIN; SELECT count(*) FROM households").ok());
  ASSERT_TRUE(InsertMany(0, 5000).ok());
  ASSERT_TRUE((*reader)->Exec("COMMIT").ok());
  EXPECT_EQ(Indexes(true), oids);
  auto found = store_->FindHousehold("H4999");
  ASSERT_TRUE(found.ok());
  EXPECT_TRUE(found->has_value());
}

}  // namespace
}  // namespace fupin
