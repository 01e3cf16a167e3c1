// `cluster add-node` (cluster.h AddNode), in storage_cluster_test: a cluster of two shards
// (instances 0 and 1) with a register of six counties, and a third node (instance 2) added —
// every row there exactly once after, 21 or 22 partitions each, a moved county read, updated
// and written, the refusals, a move stopped at each step and mended, and writers and readers
// through the coordinator meanwhile.
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "storage/postgres/cluster/cluster.h"
#include "storage/postgres/cluster/cluster_shape.h"
#include "storage/postgres/cluster/tests/cluster_test_fixture.h"
#include "storage/postgres/pg_db.h"
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

class AddNodeTest : public ClusterTest {
 protected:
  static constexpr int kHouseholdsPerCounty = 8;

  void SetUp() override {
    ClusterTest::SetUp();
    auto report = cluster::Init(coordinator_, {{shards_[0], shards_[1]}, kPartitions});
    ASSERT_TRUE(report.ok()) << report.error().en;
    auto store = Store::Open(coordinator_, Store::OpenMode::kExisting);
    ASSERT_TRUE(store.ok()) << store.error().en;
    ASSERT_TRUE((*store)->Begin().ok());
    ASSERT_TRUE(UpsertTestRegions(**store).ok());
    for (int64_t village : kVillages) {
      for (int i = 1; i <= kHouseholdsPerCounty; ++i) {
        const std::string code = std::to_string(village) + "000" + std::to_string(i);
        Status s = (*store)->InsertHousehold(MakeHousehold(code, village), 1, "b1");
        ASSERT_TRUE(s.ok()) << s.error().en;
      }
    }
    Status s = (*store)->Commit();
    ASSERT_TRUE(s.ok()) << s.error().en;
  }

  // Per sharded table, through the coordinator: its rows counted and an md5 of them all.
  std::map<std::string, std::string> Snapshot() {
    auto coordinator = Connect(coordinator_);
    std::map<std::string, std::string> out;
    for (const std::string& table : cluster::ShardedTables()) {
      auto rows = coordinator->Query(
          "SELECT count(*)::text || ' ' || md5(coalesce(string_agg(t::text, "
          "'|' ORDER BY t::text), '')) FROM " +
          table + " t");
      EXPECT_TRUE(rows.ok()) << (rows.ok() ? "" : rows.error().en);
      out[table] = rows.ok() ? rows->Text(0, 0) : "";
    }
    return out;
  }

  // Every node holds exactly the partitions the catalog gives it, the coordinator's foreign
  // partitions point at their owner's server, and the rows on the shards add up to those
  // read through the coordinator (none twice).
  void ExpectConsistent() {
    auto coordinator = Connect(coordinator_);
    ASSERT_TRUE(coordinator);
    auto nodes = coordinator->Query("SELECT id::bigint, url FROM cluster.nodes ORDER BY id");
    ASSERT_TRUE(nodes.ok()) << nodes.error().en;
    for (const std::string& table : cluster::ShardedTables()) {
      int64_t on_shards = 0;
      for (int k = 0; k < nodes->size(); ++k) {
        auto shard = Connect(nodes->Text(k, 1));
        ASSERT_TRUE(shard);
        auto held = shard->Query(
            "SELECT coalesce(string_agg(c.relname::text, ',' ORDER BY c.relname), '') "
            "FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
            "WHERE i.inhparent = $1::regclass",
            pg::Params().Text(table));
        auto owned = coordinator->Query(
            "SELECT coalesce(string_agg(format('%s_p%s', table_name, lpad(remainder::text, 2, "
            "'0')), ',' ORDER BY format('%s_p%s', table_name, lpad(remainder::text, 2, '0'))), '') "
            "FROM cluster.partitions WHERE table_name = $1 AND node_id = $2",
            pg::Params().Text(table).Int(nodes->Int(k, 0)));
        ASSERT_TRUE(held.ok() && owned.ok());
        EXPECT_EQ(held->Text(0, 0), owned->Text(0, 0)) << table << " on node " << k;
        on_shards += Count(*shard, "SELECT count(*) FROM " + table);
      }
      EXPECT_EQ(on_shards, Count(*coordinator, "SELECT count(*) FROM " + table)) << table;
    }
    EXPECT_EQ(Count(*coordinator,
                    "SELECT count(*) FROM cluster.partitions p JOIN pg_class c ON c.relname = "
                    "format('%s_p%s', p.table_name, lpad(p.remainder::text, 2, '0')) "
                    "JOIN pg_foreign_table f ON f.ftrelid = c.oid JOIN pg_foreign_server s ON "
                    "s.oid = f.ftserver WHERE s.srvname <> 'fupin_shard_' || p.node_id"),
              0);
    EXPECT_EQ(Count(*coordinator,
                    "SELECT count(*) FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
                    "WHERE i.inhparent = 'households'::regclass AND c.relkind = 'f'"),
              kPartitions);
  }

  // The remainder of a county's partition.
  int64_t RemainderOf(pg::Connection& db, int64_t county) {
    return Count(db,
                 "SELECT r::bigint FROM generate_series(0, 63) r "
                 "WHERE satisfies_hash_partition('households'::regclass, 64, r, $1::bigint)",
                 pg::Params().Int(county));
  }
};

TEST_F(AddNodeTest, MovesPartitionsUntilEveryNodeOwns21Or22AndKeepsEveryRowExactlyOnce) {
  const auto before = Snapshot();
  EXPECT_EQ(before.at("households").substr(0, 3), "48 ");
  auto report = cluster::AddNode(coordinator_, shards_[2]);
  ASSERT_TRUE(report.ok()) << report.error().en;
  EXPECT_EQ(report->node, 2);
  EXPECT_TRUE(report->added);
  EXPECT_EQ(report->moved.size(), 21u);  // as few as possible: 32 + 32 → 22 + 21 + 21
  EXPECT_GT(report->rows_moved["households"], 0) << "no county moved: the test proves little";
  EXPECT_GT(report->rows_moved["person_index"], 0);
  EXPECT_EQ(report->mended, 0);
  std::printf("add-node: %zu partitions moved per table, %lld households, %.2f s\n",
              report->moved.size(), static_cast<long long>(report->rows_moved["households"]),
              report->seconds);
  EXPECT_EQ(Snapshot(), before);
  auto coordinator = Connect(coordinator_);
  ASSERT_TRUE(coordinator);
  for (int k = 0; k < 3; ++k) {
    for (const std::string& table : cluster::ShardedTables()) {
      const int64_t owned =
          Count(*coordinator,
                "SELECT count(*) FROM cluster.partitions WHERE node_id = $1 AND table_name = $2",
                pg::Params().Int(k).Text(table));
      EXPECT_TRUE(owned == 21 || owned == 22) << table << " node " << k << ": " << owned;
    }
  }
  // The four tables' remainder NN stay together.
  EXPECT_EQ(Count(*coordinator,
                  "SELECT count(*) FROM (SELECT remainder FROM cluster.partitions GROUP BY "
                  "remainder HAVING count(DISTINCT node_id) <> 1) x"),
            0);
  ExpectConsistent();
  // The status shows the new node, its partitions and rows.
  auto status = cluster::ReadStatus(coordinator_);
  ASSERT_TRUE(status.ok()) << status.error().en;
  ASSERT_EQ(status->nodes.size(), 4u);
  EXPECT_EQ(status->nodes[3].id, 2);
  EXPECT_TRUE(status->nodes[3].reachable);
  EXPECT_EQ(status->nodes[3].partitions, 21);
  EXPECT_EQ(status->nodes[3].partitions_found, 21);
  EXPECT_EQ(status->nodes[3].rows.at("households"), report->rows_moved["households"]);
  EXPECT_EQ(status->nodes[0].rows.at("households"), 48);
}

TEST_F(AddNodeTest, AMovedCountyIsReadUpdatedAndWrittenAndItsIdNumbersStayUnique) {
  ASSERT_TRUE(cluster::AddNode(coordinator_, shards_[2]).ok());
  auto coordinator = Connect(coordinator_);
  auto moved_to = Connect(shards_[2]);
  ASSERT_TRUE(coordinator && moved_to);
  int64_t village = 0;
  for (int64_t v : kVillages) {
    if (Count(*coordinator,
              "SELECT node_id::bigint FROM cluster.partitions WHERE table_name = 'households' "
              "AND remainder = $1",
              pg::Params().Int(RemainderOf(*coordinator, v / 1000000 * 1000000))) == 2) {
      village = v;
    }
  }
  ASSERT_NE(village, 0) << "no county of the register moved";
  const int64_t county = village / 1000000 * 1000000;
  auto store = Store::Open(coordinator_, Store::OpenMode::kExisting);
  ASSERT_TRUE(store.ok()) << store.error().en;
  const std::string code = std::to_string(village) + "0001";
  ASSERT_TRUE((*store)->Begin().ok());
  auto found = (*store)->FindHousehold(code);
  ASSERT_TRUE(found.ok() && found->has_value()) << code;
  Household changed = (*found)->household;
  changed.wage_income = Money::FromYuan(4500);
  Status updated = (*store)->UpdateHousehold(**found, changed, (*found)->version + 1, "b2");
  ASSERT_TRUE(updated.ok()) << updated.error().en;
  Status inserted =
      (*store)->InsertHousehold(MakeHousehold(std::to_string(village) + "0099", village), 1, "b2");
  ASSERT_TRUE(inserted.ok()) << inserted.error().en;
  ASSERT_TRUE((*store)->Commit().ok());
  auto again = (*store)->FindHousehold(code);
  ASSERT_TRUE(again.ok() && again->has_value());
  EXPECT_EQ((*again)->version, (*found)->version + 1);
  EXPECT_EQ((*again)->household.wage_income, Money::FromYuan(4500));
  // Both are on the new node, and only there.
  EXPECT_EQ(Count(*moved_to, "SELECT count(*) FROM households WHERE county_code = $1",
                  pg::Params().Int(county)),
            kHouseholdsPerCounty + 1);
  for (int k = 0; k < 2; ++k) {
    auto old = Connect(shards_[k]);
    EXPECT_EQ(Count(*old, "SELECT count(*) FROM households WHERE county_code = $1",
                    pg::Params().Int(county)),
              0);
  }
  // An ID number whose person_index partition moved is still refused a second time.
  auto entry = moved_to->Query("SELECT id_type, id_number FROM person_index LIMIT 1");
  ASSERT_TRUE(entry.ok() && entry->size() == 1);
  auto clash = coordinator->Run(
      "INSERT INTO person_index(id_type, id_number, county_code, household_code) "
      "VALUES ($1, $2, 620422000000, 'x')",
      pg::Params().Int(entry->Int(0, 0)).Text(entry->Text(0, 1)));
  ASSERT_FALSE(clash.ok());
  EXPECT_EQ(clash.error().code, "E_CONFLICT") << clash.error().en;
  Household twin = MakeHousehold(std::to_string(kVillages[0]) + "0077", kVillages[0]);
  twin.members[1].id_type = static_cast<int>(entry->Int(0, 0));
  twin.members[1].id_number = entry->Text(0, 1);
  ASSERT_TRUE((*store)->Begin().ok());
  Status refused = (*store)->InsertHousehold(twin, 1, "b3");
  if (refused.ok()) refused = (*store)->Commit();  // the Store writes its rows at commit
  if ((*store)->in_transaction()) (*store)->Rollback();
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, "E_CONFLICT") << refused.error().en;
}

TEST_F(AddNodeTest, ANodeAddedTwiceTheCoordinatorOrANonEmptyDatabaseIsRefused) {
  // Not empty: households written on a plain database first; nothing changes.
  {
    auto store = Store::Open(shards_[2], Store::OpenMode::kCreate);
    ASSERT_TRUE(store.ok()) << store.error().en;
    ASSERT_TRUE((*store)->Migrate().ok());
    ASSERT_TRUE((*store)->Begin().ok());
    ASSERT_TRUE(
        (*store)->InsertHousehold(MakeHousehold("6204221012050001", 620422101205), 1, "b").ok());
    ASSERT_TRUE((*store)->Commit().ok());
  }
  const auto before = Snapshot();
  auto full = cluster::AddNode(coordinator_, shards_[2]);
  ASSERT_FALSE(full.ok());
  EXPECT_EQ(full.error().code, "E_CONFLICT");
  EXPECT_NE(full.error().en.find("holds households"), std::string::npos) << full.error().en;
  auto coordinator = Connect(coordinator_);
  ASSERT_TRUE(coordinator);
  EXPECT_EQ(Count(*coordinator, "SELECT count(*) FROM cluster.nodes"), 2);
  EXPECT_EQ(Snapshot(), before);
  // The coordinator, and a database that is no coordinator.
  auto itself = cluster::AddNode(coordinator_, coordinator_);
  ASSERT_FALSE(itself.ok());
  EXPECT_EQ(itself.error().code, "E_USAGE");
  auto plain = cluster::AddNode(shards_[2], shards_[1]);
  ASSERT_FALSE(plain.ok());
  EXPECT_EQ(plain.error().code, "E_USAGE");
  // A node already in the cluster (a balanced one: nothing to resume).
  auto member = cluster::AddNode(coordinator_, shards_[1]);
  ASSERT_FALSE(member.ok());
  EXPECT_EQ(member.error().code, "E_USAGE");
  EXPECT_NE(member.error().en.find("already node 1"), std::string::npos) << member.error().en;
  // Unreachable.
  auto gone = cluster::AddNode(coordinator_, "postgresql://fupin@127.0.0.1:1/x");
  ASSERT_FALSE(gone.ok());
  EXPECT_EQ(gone.error().code, "E_DATABASE");
  // Added, then added again.
  MakeDatabase(2, name_ + "_s2");
  ASSERT_TRUE(cluster::AddNode(coordinator_, shards_[2]).ok());
  auto twice = cluster::AddNode(coordinator_, shards_[2]);
  ASSERT_FALSE(twice.ok());
  EXPECT_EQ(twice.error().code, "E_USAGE");
  EXPECT_EQ(Count(*coordinator, "SELECT count(*) FROM cluster.nodes"), 3);
  EXPECT_EQ(Snapshot(), before);
}

// A run stopped at each step of a move (its connections closed, as a killed process leaves
// them): no row lost or read twice through the coordinator; what is left over shows in the
// status; a second run mends it and goes on.
TEST_F(AddNodeTest, AMoveStoppedAtAnyStepLosesNoRowAndARunAgainMendsAndFinishes) {
  using cluster::internal::CrashPoint;
  const auto before = Snapshot();
  struct Stop {
    CrashPoint at;
    bool leftover;  // a partition held by a node that does not own it
  };
  const std::vector<Stop> stops{{CrashPoint::kAfterCopy, false},
                                {CrashPoint::kAfterNewNodeCommit, true},
                                {CrashPoint::kAfterCoordinatorCommit, true}};
  int run = 0;
  for (const Stop& stop : stops) {
    SCOPED_TRACE(run);
    auto stopped = cluster::internal::AddNode(coordinator_, shards_[2], stop.at, 1);
    ASSERT_FALSE(stopped.ok());
    EXPECT_EQ(Snapshot(), before);
    auto status = cluster::ReadStatus(coordinator_);
    ASSERT_TRUE(status.ok()) << status.error().en;
    ASSERT_EQ(status->nodes.size(), 4u);
    bool leftover = false;
    for (const cluster::NodeStatus& node : status->nodes) {
      if (node.id >= 0) leftover |= node.partitions_found != node.partitions;
    }
    EXPECT_EQ(leftover, stop.leftover);
    ++run;
  }
  auto finished = cluster::AddNode(coordinator_, shards_[2]);
  ASSERT_TRUE(finished.ok()) << finished.error().en;
  EXPECT_FALSE(finished->added);
  EXPECT_EQ(finished->mended, 4);  // the old shard's four partitions of the last stop
  EXPECT_EQ(finished->owned.at(2), 21);
  EXPECT_EQ(Snapshot(), before);
  ExpectConsistent();
}

// Offices keep writing households of every county, and a reader keeps counting them, through
// the coordinator while the node is added: each household committed is there exactly once
// after, none is lost to a move, and the register reads whole.
TEST_F(AddNodeTest, WritersAndReadersDuringTheMovesLoseNothingAndSeeNothingTwice) {
  std::atomic<bool> done{false};
  std::atomic<int> written_during{0};
  std::vector<std::string> written;
  std::string writer_error;
  std::atomic<bool> writer_failed{false};
  std::thread writer([&] {
    auto store = Store::Open(coordinator_, Store::OpenMode::kExisting);
    if (!store.ok()) {
      writer_error = store.error().en;
      writer_failed = true;
      return;
    }
    for (int i = 0; i < 900 && !done; ++i) {
      const int64_t village = kVillages[i % kVillages.size()];
      const std::string code = std::to_string(village) + std::to_string(1000 + i);
      for (int attempt = 0; attempt < 20; ++attempt) {
        Status s = (*store)->Begin();
        if (s.ok()) s = (*store)->InsertHousehold(MakeHousehold(code, village), 1, "w");
        if (s.ok()) s = (*store)->Commit();
        if ((*store)->in_transaction()) (*store)->Rollback();
        if (s.ok()) {
          written.push_back(code);
          ++written_during;
          break;
        }
        if (s.error().code != "E_BUSY") {
          writer_error = code + ": " + s.error().en;
          writer_failed = true;
          return;
        }
      }
    }
  });
  std::atomic<int64_t> reads{0};
  std::thread reader([&] {
    auto db = Connect(coordinator_);
    while (db && !done) {
      auto rows = db->Query("SELECT count(*) FROM households");
      if (rows.ok()) ++reads;
    }
  });
  while (written_during < 3 && !writer_failed) usleep(10000);
  const int before = written_during;
  auto report = cluster::AddNode(coordinator_, shards_[2]);
  const int during = written_during - before;
  done = true;
  writer.join();
  reader.join();
  ASSERT_TRUE(report.ok()) << report.error().en;
  ASSERT_TRUE(writer_error.empty()) << writer_error;
  std::printf("add-node under load: %d households written during it, %lld reads, %d retries\n",
              during, static_cast<long long>(reads.load()), report->retries);
  EXPECT_GT(during, 0) << "nothing written during the moves: the test proves little";
  EXPECT_EQ(report->moved.size(), 21u);
  auto coordinator = Connect(coordinator_);
  ASSERT_TRUE(coordinator);
  EXPECT_EQ(Count(*coordinator, "SELECT count(*) FROM households"),
            static_cast<int64_t>(kVillages.size() * kHouseholdsPerCounty + written.size()));
  for (const std::string& code : written) {
    EXPECT_EQ(Count(*coordinator, "SELECT count(*) FROM households WHERE household_code = $1",
                    pg::Params().Text(code)),
              1)
        << code;
  }
  EXPECT_EQ(Count(*coordinator, "SELECT count(*) FROM person_index"),
            2 * Count(*coordinator, "SELECT count(*) FROM households"));
  ExpectConsistent();
}

}  // namespace
}  // namespace fupin
