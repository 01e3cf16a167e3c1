// The fixture of storage_test (sqlite_store_test.cc, sqlite_store_writes_test.cc): a fresh
// register in a temporary folder with a few regions, or with FUPIN_TEST_DB=postgres a fresh
// PostgreSQL database instead, dropped after each test (with FUPIN_TEST_DB=cluster a fresh
// cluster database, cluster/pg_test_cluster.h).
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "storage/postgres/cluster/pg_test_cluster.h"
#include "storage/postgres/pg_test_server.h"
#include "storage/postgres/pg_test_store.h"
#include "storage/store.h"

namespace fupin {

// With FUPIN_TEST_DB=postgres, path_ is the URL of an empty PostgreSQL database instead
// (pg_test_store.h), and the tests of SQLite's files, locks and plans are skipped.
#define SKIP_ON_POSTGRES(reason) \
  if (pg::testing::UsePostgres()) GTEST_SKIP() << "SQLite only: " << reason

// With FUPIN_TEST_DB=cluster: what a cluster database cannot be (it is made with its schema).
#define SKIP_ON_CLUSTER(reason) \
  if (pg::testing::UseCluster()) GTEST_SKIP() << "not on a cluster: " << reason

class StoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char dir[] = "/tmp/fupin-store-XXXXXX";
    dir_ = mkdtemp(dir);
    path_ = dir_ + "/t.db";
    if (pg::testing::UseCluster()) {  // a fresh cluster (its schema there already)
      path_ = pg::testing::FreshMigratedDatabase();
    } else if (pg::testing::UsePostgres()) {
      static int next = 0;
      path_ = pg::testing::FreshDatabase("fupin_store_" + std::to_string(getpid()) + "_" +
                                         std::to_string(next++));
    }
  }
  void TearDown() override {
    if (pg::testing::UsePostgres()) pg::testing::DropDatabase(path_);
    std::filesystem::remove_all(dir_);
  }

  std::unique_ptr<Store> Create() {
    auto store = Store::Open(path_, Store::OpenMode::kCreate);
    EXPECT_TRUE(store.ok());
    EXPECT_TRUE((*store)->Migrate().ok());
    auto s = std::move(store).value();
    EXPECT_TRUE(s->Begin().ok());
    EXPECT_TRUE(s->UpsertRegions({{RegionCode::FromInt(620000000000), "甘肃省", std::nullopt},
                                  {RegionCode::FromInt(620400000000), "白银市", std::nullopt},
                                  {RegionCode::FromInt(620422000000), "会宁县", 500000},
                                  {RegionCode::FromInt(620422101000), "甲镇", std::nullopt},
                                  {RegionCode::FromInt(620422101205), "甲村", std::nullopt},
                                  {RegionCode::FromInt(620422102201), "乙村", std::nullopt}})
                    .ok());
    EXPECT_TRUE(s->Commit().ok());
    return s;
  }

  static Household MakeHousehold(const std::string& code, int64_t village,
                                 std::vector<std::string> ids) {
    Household h;
    h.household_code = code;
    h.village_code = RegionCode::FromInt(village);
    h.poverty_status = 0;
    h.registered_year = 2016;
    h.main_cause = 1;
    h.housing_grade = 1;
    h.wage_income = Money::FromYuan(3000);
    h.monitor_since = *Date::FromYmd(2022, 1, 2);
    for (size_t i = 0; i < ids.size(); ++i) {
      Member m;
      m.name = "成员" + std::to_string(i);
      m.id_number = ids[i];
      m.relation = i == 0 ? 1 : 3;
      m.sex = 1;
      m.birth_date = *Date::FromYmd(1980, 1, 1);
      m.school_status = 0;
      m.health.Add(1);
      m.labor = 1;
      m.resident_medical_insurance = true;
      h.members.push_back(m);
    }
    return h;
  }

  std::string dir_, path_;
};

}  // namespace fupin
