// The cluster's layout (cluster.h), on the binary's three-instance test cluster
// (FUPIN_TEST_DB=cluster; pg_test_server.h starts it with scripts/pg-test-cluster and stops
// it after): init on empty databases, every partition on exactly one shard, rows written
// through the coordinator stored on the shard that owns their partition, a shard refusing a
// row it does not own, init's refusals, and status.
#include "storage/postgres/cluster/cluster.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <map>
#include <set>
#include <string>
#include <vector>

#include "storage/postgres/cluster/cluster_sql.h"
#include "storage/postgres/cluster/pg_test_cluster.h"
#include "storage/postgres/cluster/tests/cluster_test_fixture.h"
#include "storage/postgres/pg_db.h"
#include "storage/postgres/pg_schema.h"
#include "storage/postgres/pg_test_server.h"
#include "storage/store.h"

namespace fupin {
namespace {

using cluster_testing::ClusterTest;
using cluster_testing::Connect;
using cluster_testing::Count;
using cluster_testing::kPartitions;
using cluster_testing::kShards;
using cluster_testing::kVillages;
using cluster_testing::MakeHousehold;

TEST_F(ClusterTest, InitGivesEveryPartitionOfEveryShardedTableToExactlyOneShard) {
  Init();
  auto coordinator = Connect(coordinator_);
  ASSERT_TRUE(coordinator);
  for (const std::string& table : cluster::ShardedTables()) {
    // The coordinator: 64 partitions, every one a foreign table.
    EXPECT_EQ(Count(*coordinator,
                    "SELECT count(*) FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
                    "WHERE i.inhparent = $1::regclass AND c.relkind = 'f'",
                    pg::Params().Text(table)),
              kPartitions)
        << table;
    // The shards: local partitions, disjoint, 64 together, r on shard r mod 3.
    std::set<std::string> seen;
    for (int k = 0; k < kShards; ++k) {
      auto shard = Connect(shards_[k]);
      ASSERT_TRUE(shard);
      auto rows = shard->Query(
          "SELECT c.relname::text, c.relkind::text FROM pg_inherits i "
          "JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = $1::regclass",
          pg::Params().Text(table));
      ASSERT_TRUE(rows.ok()) << rows.error().en;
      for (int r = 0; r < rows->size(); ++r) {
        const std::string partition = rows->Text(r, 0);
        EXPECT_EQ(rows->Text(r, 1), "r") << partition;
        EXPECT_TRUE(seen.insert(partition).second) << partition << " on two shards";
        const int remainder = std::stoi(partition.substr(partition.rfind("_p") + 2));
        EXPECT_EQ(remainder % kShards, k) << partition;
      }
    }
    EXPECT_EQ(seen.size(), static_cast<size_t>(kPartitions)) << table;
  }
  // The catalog says the same.
  EXPECT_EQ(Count(*coordinator,
                  "SELECT count(*) FROM cluster.partitions WHERE node_id <> "
                  "remainder % 3"),
            0);
  EXPECT_EQ(Count(*coordinator, "SELECT count(*) FROM cluster.partitions"), 4 * kPartitions);
  EXPECT_EQ(Count(*coordinator, "SELECT partitions::bigint FROM cluster.settings"), kPartitions);
}

TEST_F(ClusterTest, TheCoordinatorsPartitionsPointAtTheSamePartitionOnTheOwningShard) {
  Init();
  auto coordinator = Connect(coordinator_);
  ASSERT_TRUE(coordinator);
  auto rows = coordinator->Query(
      "SELECT s.srvname::text, array_to_string(f.ftoptions, ',') FROM pg_foreign_table f "
      "JOIN pg_foreign_server s ON s.oid = f.ftserver WHERE f.ftrelid = "
      "'households_p05'::regclass");
  ASSERT_TRUE(rows.ok()) << rows.error().en;
  ASSERT_EQ(rows->size(), 1);
  EXPECT_EQ(rows->Text(0, 0), "fupin_shard_2");
  EXPECT_EQ(rows->Text(0, 1), "schema_name=public,table_name=households_p05");
  // Uniqueness is the shards': the coordinator's parents have no index.
  EXPECT_EQ(
      Count(*coordinator, "SELECT count(*) FROM pg_index WHERE indrelid = 'households'::regclass"),
      0);
  auto shard = Connect(shards_[2]);
  ASSERT_TRUE(shard);
  EXPECT_EQ(Count(*shard,
                  "SELECT count(*) FROM pg_constraint WHERE conrelid = "
                  "'households'::regclass AND contype = 'p'"),
            1);
}

TEST_F(ClusterTest, RowsWrittenThroughTheCoordinatorAreStoredOnTheShardOwningTheirPartition) {
  Init();
  WriteHouseholds();
  auto coordinator = Connect(coordinator_);
  ASSERT_TRUE(coordinator);
  std::vector<std::unique_ptr<pg::Connection>> shards;
  for (const std::string& url : shards_) shards.push_back(Connect(url));
  std::set<int> shards_used;
  for (int64_t village : kVillages) {
    const int64_t county = village / 1000000 * 1000000;
    // The partition the coordinator routed the county's household to.
    auto routed =
        coordinator->Query("SELECT tableoid::regclass::text FROM households WHERE county_code = $1",
                           pg::Params().Int(county));
    ASSERT_TRUE(routed.ok()) << routed.error().en;
    ASSERT_EQ(routed->size(), 1) << county;
    const std::string partition = routed->Text(0, 0);
    const int owner = std::stoi(partition.substr(partition.rfind("_p") + 2)) % kShards;
    shards_used.insert(owner);
    for (int k = 0; k < kShards; ++k) {
      const pg::Params params = pg::Params().Int(county);
      EXPECT_EQ(Count(*shards[k], "SELECT count(*) FROM households WHERE county_code = $1", params),
                k == owner ? 1 : 0)
          << county << " on shard " << k;
      EXPECT_EQ(Count(*shards[k], "SELECT count(*) FROM members WHERE county_code = $1", params),
                k == owner ? 2 : 0)
          << county << " on shard " << k;
    }
    EXPECT_EQ(Count(*shards[owner], "SELECT count(*) FROM " + partition + " WHERE county_code = $1",
                    pg::Params().Int(county)),
              1);
  }
  EXPECT_GE(shards_used.size(), 2u) << "six counties, all on one shard: the test proves little";
  // person_index is placed by ID number, members by county: every entry is on exactly one
  // shard, and all of them are there.
  int64_t entries = 0;
  for (auto& shard : shards) entries += Count(*shard, "SELECT count(*) FROM person_index");
  EXPECT_EQ(entries, 2 * static_cast<int64_t>(kVillages.size()));
  // Through the coordinator the register reads whole.
  EXPECT_EQ(Count(*coordinator, "SELECT count(*) FROM members"), entries);
}

TEST_F(ClusterTest, AShardRefusesARowOfAPartitionItDoesNotOwn) {
  Init();
  auto coordinator = Connect(coordinator_);
  auto shard = Connect(shards_[1]);
  ASSERT_TRUE(coordinator && shard);
  int refused = 0, stored = 0;
  for (int64_t county = 620401000000; county < 620431000000; county += 1000000) {
    const int64_t remainder =
        Count(*coordinator,
              "SELECT r::bigint FROM generate_series(0, 63) r "
              "WHERE satisfies_hash_partition('households'::regclass, 64, r, $1::bigint)",
              pg::Params().Int(county));
    auto written = shard->Run(
        "INSERT INTO household_history(county_code, household_code, at, actor, source, field) "
        "VALUES ($1, 'h', 't', 'a', 's', 'f')",
        pg::Params().Int(county));
    if (remainder % kShards == 1) {
      EXPECT_TRUE(written.ok()) << county;
      ++stored;
    } else {
      ASSERT_FALSE(written.ok()) << county << " stored on a shard that does not own it";
      EXPECT_EQ(written.error().code, "E_CONFLICT") << written.error().en;
      ++refused;
    }
  }
  EXPECT_GT(refused, 0);
  EXPECT_GT(stored, 0);
}

TEST_F(ClusterTest, InitIsRefusedOnACoordinatorThatIsAlreadyOne) {
  Init();
  auto again = cluster::Init(coordinator_, {shards_, kPartitions});
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, "E_CONFLICT");
  EXPECT_NE(again.error().en.find("already a cluster"), std::string::npos) << again.error().en;
}

TEST_F(ClusterTest, InitIsRefusedWhenANodeHoldsHouseholdsAndChangesNothing) {
  {
    auto store = Store::Open(shards_[1], Store::OpenMode::kCreate);
    ASSERT_TRUE(store.ok()) << store.error().en;
    ASSERT_TRUE((*store)->Migrate().ok());
    ASSERT_TRUE((*store)->Begin().ok());
    ASSERT_TRUE(
        (*store)->InsertHousehold(MakeHousehold("6204221012050001", 620422101205), 1, "b").ok());
    ASSERT_TRUE((*store)->Commit().ok());
  }
  auto init = cluster::Init(coordinator_, {shards_, kPartitions});
  ASSERT_FALSE(init.ok());
  EXPECT_EQ(init.error().code, "E_CONFLICT");
  EXPECT_NE(init.error().en.find("holds households"), std::string::npos) << init.error().en;
  auto coordinator = Connect(coordinator_);
  auto shard0 = Connect(shards_[0]);
  ASSERT_TRUE(coordinator && shard0);
  EXPECT_EQ(Count(*coordinator, "SELECT count(*) FROM pg_namespace WHERE nspname = 'cluster'"), 0);
  EXPECT_EQ(Count(*shard0,
                  "SELECT count(*) FROM pg_class WHERE relname = 'households' AND "
                  "relkind = 'p'"),
            0);
}

TEST_F(ClusterTest, InitIsRefusedForADatabaseNamedTwiceOrNoShardOrTooFewPartitions) {
  auto twice = cluster::Init(coordinator_, {{shards_[0], shards_[0]}, kPartitions});
  ASSERT_FALSE(twice.ok());
  EXPECT_EQ(twice.error().code, "E_USAGE");
  auto itself = cluster::Init(coordinator_, {{coordinator_}, kPartitions});
  ASSERT_FALSE(itself.ok());
  EXPECT_EQ(itself.error().code, "E_USAGE");
  auto none = cluster::Init(coordinator_, {{}, kPartitions});
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.error().code, "E_USAGE");
  auto few = cluster::Init(coordinator_, {shards_, 2});
  ASSERT_FALSE(few.ok());
  EXPECT_EQ(few.error().code, "E_USAGE");
}

// The plan as EXPLAIN (VERBOSE) prints it, one string.
std::string Plan(pg::Connection& db, const std::string& sql) {
  auto rows = db.Query("EXPLAIN (VERBOSE, COSTS OFF) " + sql);
  EXPECT_TRUE(rows.ok()) << (rows.ok() ? "" : rows.error().en);
  std::string out;
  for (int r = 0; rows.ok() && r < rows->size(); ++r) out += rows->Text(r, 0) + "\n";
  return out;
}

int Occurrences(const std::string& text, const std::string& what) {
  int n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

TEST_F(ClusterTest, AQueryThatKnowsTheCountyReachesOnePartitionOnOneShard) {
  Init();
  WriteHouseholds();
  auto coordinator = Connect(coordinator_);
  ASSERT_TRUE(coordinator);
  const std::string plan = Plan(*coordinator,
                                "SELECT household_code, version FROM households WHERE "
                                "county_code = 620422000000 AND poverty_status = 0");
  EXPECT_EQ(Occurrences(plan, "Foreign Scan"), 1) << plan;
  EXPECT_EQ(Occurrences(plan, "Remote SQL"), 1) << plan;
  EXPECT_NE(plan.find("WHERE ((county_code = 620422000000::bigint))"), std::string::npos) << plan;
}

TEST_F(ClusterTest, AGroupByCountyIsComputedOnTheShardsOnePartitionAtATime) {
  Init();
  WriteHouseholds();
  auto coordinator = Connect(coordinator_);
  ASSERT_TRUE(coordinator);
  // enable_partitionwise_aggregate is the coordinator database's own setting (init).
  auto setting = coordinator->Query("SELECT current_setting('enable_partitionwise_aggregate')");
  ASSERT_TRUE(setting.ok());
  EXPECT_EQ(setting->Text(0, 0), "on");
  const std::string sql =
      "SELECT county_code, count(*), sum(member_count) FROM households GROUP BY county_code";
  const std::string plan = Plan(*coordinator, sql);
  EXPECT_EQ(Occurrences(plan, "Relations: Aggregate on"), kPartitions) << plan;
  EXPECT_EQ(Occurrences(plan, "GROUP BY 1"), kPartitions) << plan;
  // And it answers: one household of two members per county.
  auto rows = coordinator->Query(sql);
  ASSERT_TRUE(rows.ok()) << rows.error().en;
  ASSERT_EQ(rows->size(), static_cast<int>(kVillages.size()));
  for (int r = 0; r < rows->size(); ++r) EXPECT_EQ(rows->Int(r, 1), 1);
}

TEST_F(ClusterTest, RecountingACountyRunsEveryGroupByOnItsShard) {
  Init();
  WriteHouseholds();
  auto coordinator = Connect(coordinator_);
  ASSERT_TRUE(coordinator);
  for (std::string sql : cluster::internal::RecountQueries()) {
    sql.replace(sql.find("$1"), 2, "620422000000");
    const std::string plan = Plan(*coordinator, sql);
    EXPECT_EQ(Occurrences(plan, "Relations: Aggregate on"), 1) << plan;
    EXPECT_EQ(Occurrences(plan, "Remote SQL"), 1) << plan;
    EXPECT_EQ(Occurrences(plan, "GroupAggregate"), 0) << plan;
  }
  auto recounted = cluster::RecountCounty(coordinator_, 620422000000);
  ASSERT_TRUE(recounted.ok()) << recounted.error().en;
  EXPECT_EQ(recounted->at({620422000000, "households"}), 1);
  EXPECT_EQ(recounted->at({620422101205, "persons"}), 2);
  EXPECT_EQ(recounted->at({620422101000, "registered"}), 1);
}

TEST_F(ClusterTest, StatusReportsEveryNodeItsVersionPartitionsAndRows) {
  Init();
  WriteHouseholds();
  auto status = cluster::ReadStatus(coordinator_);
  ASSERT_TRUE(status.ok()) << status.error().en;
  EXPECT_EQ(status->partitions, kPartitions);
  ASSERT_EQ(status->nodes.size(), 1u + kShards);
  EXPECT_EQ(status->nodes[0].id, -1);
  int64_t households = 0;
  int partitions = 0;
  for (int k = 0; k < kShards; ++k) {
    const cluster::NodeStatus& node = status->nodes[1 + k];
    EXPECT_EQ(node.id, k);
    EXPECT_TRUE(node.reachable) << node.error;
    EXPECT_EQ(node.schema_version, static_cast<int>(pg::Migrations().size()));
    EXPECT_EQ(node.partitions, k == 0 ? 22 : 21);
    EXPECT_EQ(node.partitions_found, node.partitions);
    households += node.rows.at("households");
    partitions += node.partitions;
  }
  EXPECT_EQ(households, static_cast<int64_t>(kVillages.size()));
  EXPECT_EQ(partitions, kPartitions);
  EXPECT_EQ(status->nodes[0].rows.at("members"), 2 * static_cast<int64_t>(kVillages.size()));
}

TEST_F(ClusterTest, StatusReportsANodeThatCannotBeReached) {
  Init();
  auto coordinator = Connect(coordinator_);
  ASSERT_TRUE(coordinator);
  ASSERT_TRUE(coordinator
                  ->Exec("UPDATE cluster.nodes SET url = 'postgresql://fupin:secret@127.0.0.1:1/x' "
                         "WHERE id = 2")
                  .ok());
  auto status = cluster::ReadStatus(coordinator_);
  ASSERT_TRUE(status.ok()) << status.error().en;
  EXPECT_TRUE(status->nodes[1].reachable);
  EXPECT_FALSE(status->nodes[3].reachable);
  EXPECT_EQ(status->nodes[3].url, "postgresql://fupin@127.0.0.1:1/x");  // never the password
  EXPECT_FALSE(status->nodes[3].error.empty());
}

TEST_F(ClusterTest, StatusOfADatabaseThatIsNoClusterIsAUsageError) {
  auto status = cluster::ReadStatus(coordinator_);
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().code, "E_USAGE");
}

// `cluster add-node` (cluster.h AddNode): a cluster of two shards (instances 0 and 1) with a

}  // namespace
}  // namespace fupin
