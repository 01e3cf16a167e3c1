// storage_test, part one: what a store keeps and finds — opening and migrating, households and
// their members, regions, the search, and the audit of reads and transactions. Part two,
// how an update writes, is sqlite_store_writes_test.cc.
#include "storage/sqlite/sqlite_store.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>

#include "storage/postgres/pg_db.h"
#include "storage/postgres/pg_test_server.h"
#include "storage/postgres/pg_test_store.h"
#include "storage/sqlite/sqlite_db.h"
#include "storage/sqlite/sqlite_store_test_fixture.h"
#include "storage/store.h"

namespace fupin {
namespace {

TEST_F(StoreTest, OpeningAMissingDatabaseAsksForInit) {
  SKIP_ON_CLUSTER("a cluster's databases get their schema from `cluster init`");
  auto store = Store::Open(path_, Store::OpenMode::kExisting);
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.error().code, "E_NO_SCHEMA");
  EXPECT_NE(store.error().en.find("fupin init"), std::string::npos);
  EXPECT_FALSE(std::filesystem::exists(path_));
}

TEST_F(StoreTest, OpeningADatabaseWithoutSchemaAsksForInit) {
  SKIP_ON_CLUSTER("a cluster's databases get their schema from `cluster init`");
  ASSERT_TRUE(Store::Open(path_, Store::OpenMode::kCreate).ok());
  auto store = Store::Open(path_, Store::OpenMode::kExisting);
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.error().code, "E_NO_SCHEMA");
}

TEST_F(StoreTest, MigratingTwiceIsHarmless) {
  Create();
  auto store = Store::Open(path_, Store::OpenMode::kCreate);
  ASSERT_TRUE(store.ok());
  auto version = (*store)->Migrate();
  ASSERT_TRUE(version.ok());
  EXPECT_GE(*version, 1);
  EXPECT_TRUE(Store::Open(path_, Store::OpenMode::kExisting).ok());
}

TEST_F(StoreTest, AFileThatIsNotADatabaseIsRefusedClearly) {
  SKIP_ON_POSTGRES("a file that is not a database");
  std::ofstream(path_) << "户编号,姓名\nthis is a CSV, not a database\n";
  auto store = Store::Open(path_, Store::OpenMode::kExisting);
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.error().code, "E_DATABASE");
}

TEST_F(StoreTest, ADatabaseInAFolderThatCannotBeWrittenIsRefused) {
  auto store = Store::Open("/proc/fupin-nowhere/t.db", Store::OpenMode::kCreate);
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.error().code, "E_DATABASE");
}

TEST_F(StoreTest, AHouseholdIsWrittenAndReadBackWithItsMembers) {
  auto store = Create();
  Household h = MakeHousehold("H1", 620422101205, {"620422198001010011", "620422200501010012"});
  ASSERT_TRUE(store->Begin().ok());
  ASSERT_TRUE(store->InsertHousehold(h, 1, "b1").ok());
  ASSERT_TRUE(store->Commit().ok());
  auto found = store->FindHousehold("H1");
  ASSERT_TRUE(found.ok());
  ASSERT_TRUE(found->has_value());
  EXPECT_EQ((*found)->household, h);
  EXPECT_EQ((*found)->version, 1);
  auto owner = store->FindPerson(1, "620422200501010012");
  ASSERT_TRUE(owner.ok() && owner->has_value());
  EXPECT_EQ(**owner, "H1");
}

// The batched look-ups (an import's checks) answer key by key as FindHousehold and
// FindPerson do, in the order asked, across the PostgreSQL store's chunks of keys.
TEST_F(StoreTest, HouseholdsFoundInOneBatchAreThoseFoundOneByOneInTheOrderAsked) {
  auto store = Create();
  Household h1 = MakeHousehold("H1", 620422101205, {"620422198001010011", "620422200501010012"});
  Household h2 = MakeHousehold("H2", 620421100201, {"620421197001010021"});
  Household h3 = MakeHousehold("H3", 620422102201,
                               {"620422196001010031", "620422196001010032", "620422196001010033"});
  ASSERT_TRUE(store->Begin().ok());
  for (const Household* h : {&h1, &h2, &h3}) ASSERT_TRUE(store->InsertHousehold(*h, 1, "").ok());
  ASSERT_TRUE(store->Commit().ok());

  // More keys than one chunk (kLookupChunk, 4096), the households on both sides of its end.
  std::vector<std::string> codes;
  for (int i = 0; i < 5000; ++i) codes.push_back("X" + std::to_string(i));
  codes[0] = "H2";
  codes[4095] = "H1";
  codes[4096] = "H3";
  codes[4999] = "H1";  // asked twice, answered twice
  auto found = store->FindHouseholds(codes);
  ASSERT_TRUE(found.ok()) << found.error().en;
  ASSERT_EQ(found->size(), codes.size());
  for (size_t i = 0; i < codes.size(); ++i) {
    auto one = store->FindHousehold(codes[i]);
    ASSERT_TRUE(one.ok());
    ASSERT_EQ((*found)[i].has_value(), one->has_value()) << codes[i];
    if (!one->has_value()) continue;
    EXPECT_EQ((*found)[i]->household, (*one)->household) << codes[i];
    EXPECT_EQ((*found)[i]->version, (*one)->version);
  }
  ASSERT_TRUE((*found)[4096].has_value());
  EXPECT_EQ((*found)[4096]->household, h3) << "the members in their stored order";
  EXPECT_EQ((*found)[0]->household, h2);
  EXPECT_TRUE(store->FindHouseholds({})->empty());
}

TEST_F(StoreTest, PersonsFoundInOneBatchAreThoseFoundOneByOneInTheOrderAsked) {
  auto store = Create();
  Household h1 = MakeHousehold("H1", 620422101205, {"620422198001010011", "G12345678"});
  h1.members[1].id_type = 2;  // another kind of document
  Household h2 = MakeHousehold("H2", 620421100201, {"620421197001010021"});
  ASSERT_TRUE(store->Begin().ok());
  ASSERT_TRUE(store->InsertHousehold(h1, 1, "").ok());
  ASSERT_TRUE(store->InsertHousehold(h2, 1, "").ok());
  ASSERT_TRUE(store->Commit().ok());

  std::vector<Store::PersonKey> keys;
  for (int i = 0; i < 5000; ++i) keys.push_back({1, "62042219990101" + std::to_string(1000 + i)});
  keys[1] = {2, "G12345678"};
  keys[2] = {1, "G12345678"};  // the number under another type is not that person
  keys[4095] = {1, "620421197001010021"};
  keys[4096] = {1, "620422198001010011"};
  keys[4999] = {1, "620422198001010011"};
  auto owners = store->FindPersons(keys);
  ASSERT_TRUE(owners.ok()) << owners.error().en;
  ASSERT_EQ(owners->size(), keys.size());
  for (size_t i = 0; i < keys.size(); ++i) {
    auto one = store->FindPerson(keys[i].id_type, keys[i].id_number);
    ASSERT_TRUE(one.ok());
    EXPECT_EQ((*owners)[i], *one) << keys[i].id_number;
  }
  EXPECT_EQ((*owners)[1], "H1");
  EXPECT_EQ((*owners)[2], std::nullopt);
  EXPECT_EQ((*owners)[4095], "H2");
  EXPECT_EQ((*owners)[4096], "H1");
  EXPECT_EQ((*owners)[4999], "H1");

  // In a transaction too (by the single reads there).
  ASSERT_TRUE(store->Begin().ok());
  owners = store->FindPersons({{1, "620421197001010021"}, {1, "620421197001019999"}});
  auto households = store->FindHouseholds({"H1", "X"});
  store->Rollback();
  ASSERT_TRUE(owners.ok() && households.ok());
  EXPECT_EQ((*owners)[0], "H2");
  EXPECT_EQ((*owners)[1], std::nullopt);
  ASSERT_TRUE((*households)[0].has_value());
  EXPECT_EQ((*households)[0]->household, h1);
  EXPECT_FALSE((*households)[1].has_value());
}

// 村民小组 (issue 14): stored with the household, changed in place, and looked for by region
// (the export writes its column only when a household of the region has one).
TEST_F(StoreTest, AVillageGroupIsStoredUpdatedAndFoundByRegion) {
  auto store = Create();
  Household h1 = MakeHousehold("H1", 620422101205, {"620422198001010011"});
  Household h2 = MakeHousehold("H2", 620422102201, {"620422200501010012"});
  h2.village_group = "3组";
  ASSERT_TRUE(store->Begin().ok());
  ASSERT_TRUE(store->InsertHousehold(h1, 1, "").ok());
  ASSERT_TRUE(store->InsertHousehold(h2, 1, "").ok());
  ASSERT_TRUE(store->Commit().ok());
  auto any = [&](int64_t region) { return *store->AnyVillageGroup(RegionCode::FromInt(region)); };
  EXPECT_FALSE(any(620422101205));
  EXPECT_TRUE(any(620422102201));
  EXPECT_TRUE(any(620422000000));
  EXPECT_TRUE(any(0));
  EXPECT_EQ((*store->FindHousehold("H2"))->household.village_group, "3组");

  auto stored = store->FindHousehold("H1");
  h1.village_group = "第一村民小组";
  ASSERT_TRUE(store->Begin().ok());
  ASSERT_TRUE(store->UpdateHousehold(**stored, h1, 2, "").ok());
  stored = store->FindHousehold("H2");
  h2.village_group.clear();
  ASSERT_TRUE(store->UpdateHousehold(**stored, h2, 2, "").ok());
  ASSERT_TRUE(store->Commit().ok());
  EXPECT_EQ((*store->FindHousehold("H1"))->household, h1);
  EXPECT_TRUE(any(620422101205));
  EXPECT_FALSE(any(620422102201)) << "an empty group is none";
}

TEST_F(StoreTest, AnIdNumberCanBeRegisteredOnlyOnce) {
  auto store = Create();
  ASSERT_TRUE(store->Begin().ok());
  ASSERT_TRUE(
      store->InsertHousehold(MakeHousehold("H1", 620422101205, {"620422198001010011"}), 1, "")
          .ok());
  Status s =
      store->InsertHousehold(MakeHousehold("H2", 620422101205, {"620422198001010011"}), 1, "");
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, "E_CONFLICT");
  store->Rollback();
  auto found = store->FindHousehold("H1");
  ASSERT_TRUE(found.ok());
  EXPECT_FALSE(found->has_value());
}

TEST_F(StoreTest, DeletingAHouseholdFreesItsPeople) {
  auto store = Create();
  ASSERT_TRUE(store->Begin().ok());
  ASSERT_TRUE(
      store->InsertHousehold(MakeHousehold("H1", 620422101205, {"620422198001010011"}), 1, "")
          .ok());
  ASSERT_TRUE(store->DeleteHousehold(RegionCode::FromInt(620422000000), "H1").ok());
  ASSERT_TRUE(
      store->InsertHousehold(MakeHousehold("H2", 620422102201, {"620422198001010011"}), 1, "")
          .ok());
  ASSERT_TRUE(store->Commit().ok());
  EXPECT_EQ(**store->FindPerson(1, "620422198001010011"), "H2");
}

TEST_F(StoreTest, ForEachHouseholdKeepsToTheRegionInKeyOrder) {
  auto store = Create();
  ASSERT_TRUE(store->Begin().ok());
  ASSERT_TRUE(
      store->InsertHousehold(MakeHousehold("H3", 620422102201, {"620422198001010038"}), 1, "")
          .ok());
  ASSERT_TRUE(store
                  ->InsertHousehold(MakeHousehold("H1", 620422101205,
                                                  {"620422198001010011", "620422198001010020"}),
                                    1, "")
                  .ok());
  ASSERT_TRUE(
      store->InsertHousehold(MakeHousehold("H2", 620422102201, {"620422198001010046"}), 1, "")
          .ok());
  ASSERT_TRUE(store->Commit().ok());
  std::vector<std::string> seen;
  ASSERT_TRUE(store
                  ->ForEachHousehold(RegionCode::Nation(),
                                     [&](const Household& h) {
                                       seen.push_back(h.household_code + "/" +
                                                      std::to_string(h.members.size()));
                                       return Status::Ok();
                                     })
                  .ok());
  EXPECT_EQ(seen, (std::vector<std::string>{"H1/2", "H2/1", "H3/1"}));
  seen.clear();
  ASSERT_TRUE(store
                  ->ForEachHousehold(RegionCode::FromInt(620422102201),
                                     [&](const Household& h) {
                                       seen.push_back(h.household_code + "/" +
                                                      std::to_string(h.members.size()));
                                       return Status::Ok();
                                     })
                  .ok());
  EXPECT_EQ(seen, (std::vector<std::string>{"H2/1", "H3/1"}));
}

TEST_F(StoreTest, AggregateDeltasAddUp) {
  auto store = Create();
  ASSERT_TRUE(store->Begin().ok());
  ASSERT_TRUE(store->ApplyAggregateDeltas({{{620422000000, "households"}, 3}}).ok());
  ASSERT_TRUE(store->ApplyAggregateDeltas({{{620422000000, "households"}, -1}}).ok());
  ASSERT_TRUE(store->Commit().ok());
  auto values = store->Aggregates(RegionCode::FromInt(620422000000));
  ASSERT_TRUE(values.ok());
  EXPECT_EQ(values->at("households"), 2);
}

TEST_F(StoreTest, RegionsKnowTheirVillagesChildrenAndPopulation) {
  auto store = Create();
  auto villages = store->Villages(RegionCode::FromInt(620422000000));
  ASSERT_TRUE(villages.ok());
  EXPECT_EQ(villages->size(), 2u);
  auto children = store->Children(RegionCode::FromInt(620422000000));
  ASSERT_TRUE(children.ok());
  ASSERT_EQ(children->size(), 1u);
  EXPECT_EQ((*children)[0].name, "甲镇");
  auto county = store->GetRegion(RegionCode::FromInt(620422000000));
  EXPECT_EQ(*(*county)->rural_population, 500000);
  EXPECT_TRUE(store->SetRuralPopulation(RegionCode::FromInt(620422101205), 812).ok());
  EXPECT_EQ(store->SetRuralPopulation(RegionCode::FromInt(620422101999), 5).error().code,
            "E_REGION");
}

TEST_F(StoreTest, SearchComputesPerCapitaIncomeExactlyAsTheDomainDoes) {
  auto store = Create();
  ASSERT_TRUE(store->Begin().ok());
  // Net incomes that round every way: 1.00/3, 2.00/3, −0.03/2, 0, 5.00/2.
  const int64_t nets[] = {100, 200, -3, 0, 500, 4000000, 399999};
  const char* ids[][3] = {{"620422198001010019", "620422198001010027", "620422198001010035"},
                          {"620422198001010043", "620422198001010051", "62042219800101006X"},
                          {
                              "620422198001010078",
                              "620422198001010086",
                              "",
                          },
                          {"620422198001010094", "", ""},
                          {"620422198001010107", "620422198001010115", ""},
                          {"620422198001010123", "", ""},
                          {"620422198001010131", "620422198001010140", "620422198001010158"}};
  for (int i = 0; i < 7; ++i) {
    std::vector<std::string> members;
    for (const char* id : ids[i]) {
      if (*id) members.push_back(id);
    }
    Household h = MakeHousehold("S" + std::to_string(i), 620422101205, members);
    h.wage_income = nets[i] >= 0 ? Money::FromFen(nets[i]) : Money();
    h.business_cost = nets[i] < 0 ? Money::FromFen(-nets[i]) : Money();
    ASSERT_TRUE(store->InsertHousehold(h, 1, "").ok());
  }
  ASSERT_TRUE(store->Commit().ok());
  HouseholdQuery query;
  query.sort = HouseholdQuery::Sort::kIncome;
  auto page = store->SearchHouseholds(query);
  ASSERT_TRUE(page.ok()) << page.error().en;
  ASSERT_EQ(page->total, 7);
  Money previous = Money::FromFen(INT64_MIN / 4);
  for (size_t i = 0; i < page->items.size(); ++i) {
    const Household& h = page->items[i].household;
    const Money per_capita =
        IncomeFigures{h.NetIncome(), h.RigidExpenses(), page->member_counts[i]}.PerCapita();
    EXPECT_LE(previous, per_capita);
    previous = per_capita;
    // Filtering at exactly this value finds this household.
    HouseholdQuery exact;
    exact.income_min = per_capita;
    exact.income_max = per_capita;
    auto found = store->SearchHouseholds(exact);
    ASSERT_TRUE(found.ok());
    bool seen = false;
    for (const auto& item : found->items) seen |= item.household.household_code == h.household_code;
    EXPECT_TRUE(seen) << h.household_code << " " << per_capita.ToString();
  }
}

TEST_F(StoreTest, SearchMatchesNamesAsTextNeverAsPatterns) {
  auto store = Create();
  ASSERT_TRUE(store->Begin().ok());
  Household h = MakeHousehold("N1", 620422101205, {"620422198001010019"});
  h.members[0].name = "王_100%";
  ASSERT_TRUE(store->InsertHousehold(h, 1, "").ok());
  ASSERT_TRUE(
      store->InsertHousehold(MakeHousehold("N2", 620422101205, {"620422198001010027"}), 1, "")
          .ok());
  ASSERT_TRUE(store->Commit().ok());
  for (auto [name, expected] : {std::pair{"_100%", 1}, std::pair{"%", 1}, std::pair{"_", 1},
                                std::pair{"' OR 1=1 --", 0}, std::pair{"成员", 1}}) {
    HouseholdQuery query;
    query.name = name;
    auto page = store->SearchHouseholds(query);
    ASSERT_TRUE(page.ok()) << name;
    EXPECT_EQ(page->total, expected) << name;
  }
  HouseholdQuery by_id;
  by_id.id_number = "620422198001010027";
  EXPECT_EQ(store->SearchHouseholds(by_id)->items.at(0).household.household_code, "N2");
}

TEST_F(StoreTest, SearchNamesEachHouseholdByItsHeadAndVillageAndCountsOnlyWhenAsked) {
  auto store = Create();
  ASSERT_TRUE(store->Begin().ok());
  Household first = MakeHousehold("K1", 620422101205, {"620422198001010019", "620422200501010012"});
  first.members[0].relation = 3;  // the head is listed second
  first.members[1].relation = 1;
  first.members[1].name = "张三";
  ASSERT_TRUE(store->InsertHousehold(first, 1, "").ok());
  ASSERT_TRUE(
      store->InsertHousehold(MakeHousehold("K2", 620422102201, {"620422198001010027"}), 1, "")
          .ok());
  ASSERT_TRUE(store->Commit().ok());
  HouseholdQuery query;
  auto page = store->SearchHouseholds(query);
  ASSERT_TRUE(page.ok()) << page.error().en;
  ASSERT_EQ(page->items.size(), 2u);
  EXPECT_EQ(page->total, 2);
  EXPECT_EQ(page->head_names, (std::vector<std::string>{"张三", "成员0"}));
  EXPECT_EQ(page->village_names, (std::vector<std::string>{"甲村", "乙村"}));
  query.count = false;
  query.offset = 1;
  auto next = store->SearchHouseholds(query);
  ASSERT_TRUE(next.ok());
  EXPECT_EQ(next->total, -1);
  EXPECT_EQ(next->head_names, (std::vector<std::string>{"成员0"}));
}

AuditRow ReadRecord(const std::string& target) {
  AuditRow row;
  row.at = "2026-06-30T00:00:00Z";
  row.actor = "county";
  row.role = "county_admin";
  row.action = "person.read";
  row.target = target;
  row.remote = "127.0.0.1:1";
  row.region_code = 620422101205;
  return row;
}
std::string SealBySeq(const AuditRow& r) { return "sealed-" + std::to_string(r.seq); }

TEST_F(StoreTest, AWriterThatCannotGetTheLockGetsE_BUSYWhileTheAuditOfAReadIsWritten) {
  SKIP_ON_POSTGRES(
      "SQLite's write lock on the register file (PostgreSQL: pg_store_test's county locks)");
  Create();
  // Another writer holds the register's write lock, as a long import does.
  auto holder = sqlite::Database::Open(path_, false);
  ASSERT_TRUE(holder.ok());
  ASSERT_TRUE(holder->Exec("BEGIN IMMEDIATE").ok());

  StoreOptions options;
  options.busy_timeout_ms = 100;
  auto store = Store::Open(path_, Store::OpenMode::kExisting, options);
  ASSERT_TRUE(store.ok());
  Status begin = (*store)->Begin();
  ASSERT_FALSE(begin.ok());
  EXPECT_EQ(begin.error().code, "E_BUSY");
  EXPECT_NE(begin.error().zh.find("数据库正忙，请稍后再试"), std::string::npos);

  // The record of a read goes to the accounts file, which no register writer holds.
  ASSERT_TRUE((*store)->accounts().AppendAudit(ReadRecord("H1"), SealBySeq).ok());
  auto last = (*store)->accounts().LastAudit();
  ASSERT_TRUE(last.ok() && last->has_value());
  EXPECT_EQ((*last)->seq, 1);
  EXPECT_EQ((*last)->hash, "sealed-1");
  EXPECT_EQ((*last)->region_code, 620422101205);
  ASSERT_TRUE(holder->Exec("ROLLBACK").ok());
}

TEST_F(StoreTest, AnAuditRecordOfATransactionIsWrittenWhenItCommitsAndDroppedWhenItRollsBack) {
  auto store = Create();
  ASSERT_TRUE(store->Begin().ok());
  ASSERT_TRUE(store->accounts().AppendAudit(ReadRecord("H1"), SealBySeq).ok());
  EXPECT_FALSE(store->accounts().LastAudit()->has_value());  // staged, not yet written
  store->Rollback();
  EXPECT_FALSE(store->accounts().LastAudit()->has_value());

  ASSERT_TRUE(store->Begin().ok());
  ASSERT_TRUE(store->accounts().AppendAudit(ReadRecord("H2"), SealBySeq).ok());
  ASSERT_TRUE(store->Commit().ok());
  auto last = store->accounts().LastAudit();
  ASSERT_TRUE(last.ok() && last->has_value());
  EXPECT_EQ((*last)->target, "H2");
  EXPECT_EQ((*last)->hash, "sealed-1");  // numbered and sealed at commit, under the lock
}

TEST_F(StoreTest, ACommitWhoseAuditRecordsCannotBeWrittenRollsBackWithE_BUSY) {
  SKIP_ON_POSTGRES("the accounts file's write lock (PostgreSQL: pg_store_test)");
  auto store = Create();
  auto holder = sqlite::Database::Open(AccountsPath(path_), false);
  ASSERT_TRUE(holder.ok());
  ASSERT_TRUE(store->Begin().ok());
  ASSERT_TRUE(store->SetRuralPopulation(RegionCode::FromInt(620422101205), 77).ok());
  ASSERT_TRUE(store->accounts().AppendAudit(ReadRecord("H1"), SealBySeq).ok());
  ASSERT_TRUE(holder->Exec("BEGIN IMMEDIATE").ok());
  Status commit = store->Commit();
  ASSERT_FALSE(commit.ok());
  EXPECT_EQ(commit.error().code, "E_BUSY");
  ASSERT_TRUE(holder->Exec("ROLLBACK").ok());
  EXPECT_FALSE(store->in_transaction());
  EXPECT_FALSE(store->GetRegion(RegionCode::FromInt(620422101205))->value().rural_population);
}

TEST_F(StoreTest, AnOpenWithoutTheAccountsFileAsksForInit) {
  SKIP_ON_POSTGRES("the accounts file");
  Create();
  std::filesystem::remove(AccountsPath(path_));
  auto store = Store::Open(path_, Store::OpenMode::kExisting);
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.error().code, "E_NO_SCHEMA");
}
}  // namespace
}  // namespace fupin
