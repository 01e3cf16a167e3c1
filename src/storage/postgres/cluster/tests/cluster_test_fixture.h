// The fixture of storage_cluster_test's files (cluster_test.cc, cluster_add_node_test.cc): empty
// databases for a coordinator on instance 0 and shard K on instance K of the binary's test
// cluster (FUPIN_TEST_DB=cluster), and the helpers that write and count households.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <memory>
#include <string>
#include <vector>

#include "storage/postgres/cluster/cluster.h"
#include "storage/postgres/cluster/pg_test_cluster.h"
#include "storage/postgres/pg_db.h"
#include "storage/postgres/pg_test_server.h"
#include "storage/store.h"

namespace fupin::cluster_testing {

constexpr int kPartitions = 64;
constexpr int kShards = 3;

// Counties (and one village each) whose households the tests write.
inline const std::vector<int64_t> kVillages{620422101205, 620421101201, 620423101201,
                                            620402001001, 620502100201, 620521100201};

inline Household MakeHousehold(const std::string& code, int64_t village) {
  Household h;
  h.household_code = code;
  h.village_code = RegionCode::FromInt(village);
  h.poverty_status = 0;
  h.registered_year = 2016;
  h.main_cause = 1;
  h.housing_grade = 1;
  h.wage_income = Money::FromYuan(3000);
  for (int i = 0; i < 2; ++i) {
    Member m;
    m.name = "成员" + std::to_string(i);
    m.id_number = code + "-" + std::to_string(i);
    m.relation = i == 0 ? 1 : 3;
    m.sex = 1;
    m.school_status = 0;
    m.health.Add(1);
    m.labor = 1;
    h.members.push_back(m);
  }
  return h;
}

inline std::unique_ptr<pg::Connection> Connect(const std::string& url) {
  auto db = pg::Connection::Open(url);
  EXPECT_TRUE(db.ok()) << (db.ok() ? "" : db.error().en);
  return db.ok() ? std::move(db).value() : nullptr;
}

inline int64_t Count(pg::Connection& db, const std::string& sql, const pg::Params& params = {}) {
  auto rows = db.Query(sql, params);
  EXPECT_TRUE(rows.ok()) << sql << ": " << (rows.ok() ? "" : rows.error().en);
  return rows.ok() && rows->size() ? rows->Int(0, 0) : -1;
}

class ClusterTest : public ::testing::Test {
 protected:
  // Empty databases: a coordinator on instance 0 and shard K on instance K.
  void SetUp() override {
    static int next = 0;
    name_ = "fupin_ct" + std::to_string(getpid()) + "_" + std::to_string(next++);
    shards_ = pg::testing::ClusterShardUrls(name_);
    ASSERT_EQ(shards_.size(), static_cast<size_t>(kShards));
    for (int k = 0; k < kShards; ++k) MakeDatabase(k, name_ + "_s" + std::to_string(k));
    MakeDatabase(0, name_);
    const std::string& any = pg::testing::ShardServers()[0];
    coordinator_ = any.substr(0, any.rfind('/') + 1) + name_;
  }
  void TearDown() override { pg::testing::DropClusterDatabase(name_); }

  void MakeDatabase(int instance, const std::string& name) {
    auto db = Connect(pg::testing::ShardServers()[instance]);
    ASSERT_TRUE(db);
    ASSERT_TRUE(db->Exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)").ok());
    ASSERT_TRUE(db->Exec("CREATE DATABASE " + name + " STRATEGY FILE_COPY").ok());
  }

  void Init() {
    auto report = cluster::Init(coordinator_, {shards_, kPartitions});
    ASSERT_TRUE(report.ok()) << report.error().en;
    EXPECT_EQ(report->nodes, kShards);
    EXPECT_EQ(report->partitions, kPartitions);
  }

  // The province, kVillages and their counties, in `store`'s open transaction.
  static Status UpsertTestRegions(Store& store) {
    std::vector<RegionRow> regions{{RegionCode::FromInt(620000000000), "甘肃省", std::nullopt}};
    for (int64_t village : kVillages) {
      regions.push_back({RegionCode::FromInt(village / 1000000 * 1000000), "县", std::nullopt});
      regions.push_back({RegionCode::FromInt(village), "村", std::nullopt});
    }
    return store.UpsertRegions(regions);
  }

  // Writes one household of each of kVillages' counties through the coordinator's Store.
  void WriteHouseholds() {
    auto store = Store::Open(coordinator_, Store::OpenMode::kExisting);
    ASSERT_TRUE(store.ok()) << store.error().en;
    ASSERT_TRUE((*store)->Begin().ok());
    ASSERT_TRUE(UpsertTestRegions(**store).ok());
    for (int64_t village : kVillages) {
      const std::string code = std::to_string(village) + "0001";
      Status s = (*store)->InsertHousehold(MakeHousehold(code, village), 1, "b1");
      ASSERT_TRUE(s.ok()) << s.error().en;
    }
    Status s = (*store)->Commit();
    ASSERT_TRUE(s.ok()) << s.error().en;
  }

  std::string name_, coordinator_;
  std::vector<std::string> shards_;
};

}  // namespace fupin::cluster_testing
