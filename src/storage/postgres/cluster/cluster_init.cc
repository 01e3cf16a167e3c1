// `fupin cluster init` (cluster.h): every node migrated, the sharded tables reshaped into
// hash-partitioned ones on the shards (their own partitions, local) and on the coordinator
// (every partition a foreign table on its shard), the postgres_fdw servers, and the catalog.
#include <set>
#include <tuple>

#include "storage/postgres/cluster/cluster.h"
#include "storage/postgres/cluster/cluster_shape.h"
#include "storage/postgres/cluster/cluster_sql.h"
#include "storage/postgres/pg_db.h"
#include "storage/postgres/pg_schema.h"

namespace fupin::cluster {
namespace {

using internal::Literal;

constexpr int kMaxPartitions = 1024;

constexpr std::string_view kCatalog = R"sql(
CREATE SCHEMA cluster;
CREATE TABLE cluster.nodes (
  id INTEGER PRIMARY KEY,
  url TEXT NOT NULL,
  added_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE TABLE cluster.partitions (
  table_name TEXT NOT NULL,
  remainder INTEGER NOT NULL,
  node_id INTEGER NOT NULL REFERENCES cluster.nodes(id),
  PRIMARY KEY (table_name, remainder)
);
CREATE TABLE cluster.settings (
  partitions INTEGER NOT NULL
);
-- The imports written county by county (storage/county_writers.h, cluster_batches.cc).
CREATE TABLE cluster.batches (
  id TEXT PRIMARY KEY,
  started_at TEXT NOT NULL,
  actor TEXT NOT NULL,
  sources TEXT NOT NULL,
  sha256 TEXT NOT NULL,
  state TEXT NOT NULL
);
CREATE TABLE cluster.batch_counties (
  batch_id TEXT NOT NULL REFERENCES cluster.batches(id),
  county_code BIGINT NOT NULL,
  node_id INTEGER NOT NULL REFERENCES cluster.nodes(id),
  done BOOLEAN NOT NULL DEFAULT false,
  PRIMARY KEY (batch_id, county_code)
);
)sql";

struct Node {
  std::string url;
  std::unique_ptr<pg::Connection> db;
};

Status MakeCoordinator(pg::Connection& db, const std::vector<std::string>& nodes, int partitions) {
  FUPIN_RETURN_IF_ERROR(db.Exec("CREATE EXTENSION IF NOT EXISTS postgres_fdw"));
  FUPIN_RETURN_IF_ERROR(db.Exec(std::string(kCatalog)));
  FUPIN_RETURN_IF_ERROR(db.Exec("INSERT INTO cluster.settings(partitions) VALUES (" +
                                std::to_string(partitions) + ")"));
  const int n = static_cast<int>(nodes.size());
  for (int k = 0; k < n; ++k) FUPIN_RETURN_IF_ERROR(internal::AddServer(db, k, nodes[k]));
  for (const std::string& table : ShardedTables()) {
    FUPIN_RETURN_IF_ERROR(internal::Reshape(db, table, false));
    for (int r = 0; r < partitions; ++r) {
      FUPIN_RETURN_IF_ERROR(internal::CreateForeignPartition(db, table, r, partitions, r % n));
      auto placed = db.Run(
          "INSERT INTO cluster.partitions(table_name, remainder, node_id) "
          "VALUES ($1, $2, $3)",
          pg::Params().Text(table).Int(r).Int(r % n));
      if (!placed.ok()) return placed.error();
    }
  }
  return Status::Ok();
}

// The coordinator's session settings, kept by its database (ALTER DATABASE … SET): a
// GROUP BY county_code, or a join of two sharded tables on it, is done per partition and
// pushed down to its shard.
Status ApplyDatabaseSettings(pg::Connection& db) {
  return db.Exec(
      "DO $$ BEGIN "
      "EXECUTE format('ALTER DATABASE %I SET enable_partitionwise_aggregate = on', "
      "current_database()); "
      "EXECUTE format('ALTER DATABASE %I SET enable_partitionwise_join = on', "
      "current_database()); END $$");
}

}  // namespace

Result<InitReport> Init(const std::string& coordinator_url, const InitOptions& options) {
  const int n = static_cast<int>(options.nodes.size());
  if (n == 0) {
    return Error::Usage("至少需要一个分片节点（--node URL）",
                        "at least one shard is needed (--node URL)");
  }
  if (options.partitions < 1 || options.partitions > kMaxPartitions) {
    return Error::Usage("--partitions 应在 1 到 1024 之间", "--partitions must be 1 … 1024");
  }
  if (options.partitions < n) {
    return Error::Usage("分区数不能少于分片数",
                        "--partitions must be at least the number of shards");
  }
  Node coordinator{coordinator_url, nullptr};
  std::vector<Node> shards;
  {
    auto db = internal::OpenNode(coordinator_url, "协调节点", "the coordinator");
    if (!db.ok()) return db.error();
    coordinator.db = std::move(db).value();
  }
  for (const std::string& url : options.nodes) {
    auto db = internal::OpenNode(url, "分片节点", "the shard");
    if (!db.ok()) return db.error();
    shards.push_back({url, std::move(db).value()});
  }
  // Each database once.
  std::set<internal::Identity> seen;
  std::vector<Node*> all{&coordinator};
  for (Node& shard : shards) all.push_back(&shard);
  for (Node* node : all) {
    auto identity = internal::IdentityOf(*node->db);
    if (!identity.ok()) return identity.error();
    if (!seen.insert(*identity).second) {
      return Error::Usage(
          "数据库 " + WithoutPassword(node->url) + " 出现了两次（协调节点与分片须各不相同）",
          "the database " + WithoutPassword(node->url) +
              " is named twice (the coordinator and every shard must differ)");
    }
  }
  // Migrations first (each in its own transactions), then the checks, then one transaction
  // per node holding its whole reshaping, committed together at the end.
  auto version = pg::Migrate(*coordinator.db);
  if (!version.ok()) return version.error();
  FUPIN_RETURN_IF_ERROR(internal::CheckEmpty(*coordinator.db, coordinator.url, true));
  for (Node& shard : shards) {
    auto migrated = pg::Migrate(*shard.db);
    if (!migrated.ok()) return migrated.error();
    FUPIN_RETURN_IF_ERROR(internal::CheckEmpty(*shard.db, shard.url, false));
  }
  auto fail = [&](const Error& e) -> Result<InitReport> {
    for (Node& shard : shards) {
      if (shard.db->in_transaction()) (void)shard.db->Rollback();
    }
    if (coordinator.db->in_transaction()) (void)coordinator.db->Rollback();
    return e;
  };
  for (int k = 0; k < n; ++k) {
    if (Status s = shards[k].db->Begin(); !s.ok()) return fail(s.error());
    std::vector<int> remainders;
    for (int r = k; r < options.partitions; r += n) remainders.push_back(r);
    if (Status s = internal::MakeShard(*shards[k].db, remainders, options.partitions); !s.ok()) {
      return fail(s.error());
    }
  }
  if (Status s = coordinator.db->Begin(); !s.ok()) return fail(s.error());
  if (Status s = MakeCoordinator(*coordinator.db, options.nodes, options.partitions); !s.ok()) {
    return fail(s.error());
  }
  if (Status s = ApplyDatabaseSettings(*coordinator.db); !s.ok()) return fail(s.error());
  for (Node& shard : shards) {
    if (Status s = shard.db->Commit(); !s.ok()) return fail(s.error());
  }
  if (Status s = coordinator.db->Commit(); !s.ok()) return fail(s.error());
  return InitReport{n, options.partitions, *version};
}

fupin::Status Retarget(const std::string& coordinator_url, const std::vector<std::string>& nodes) {
  auto db = internal::OpenNode(coordinator_url, "协调节点", "the coordinator");
  if (!db.ok()) return db.error();
  FUPIN_RETURN_IF_ERROR((*db)->Begin());
  for (size_t k = 0; k < nodes.size(); ++k) {
    auto parts = internal::ParseUrl(nodes[k]);
    if (!parts.ok()) return parts.error();
    const std::string name = "fupin_shard_" + std::to_string(k);
    std::string set;
    for (auto [key, value] : {std::pair{"host", parts->host}, std::pair{"port", parts->port},
                              std::pair{"dbname", parts->dbname}}) {
      if (value.empty()) continue;
      set += std::string(set.empty() ? "" : ", ") + "SET " + key + " " + Literal(value);
    }
    if (!set.empty()) {
      FUPIN_RETURN_IF_ERROR((*db)->Exec("ALTER SERVER " + name + " OPTIONS (" + set + ")"));
    }
    auto updated = (*db)->Run("UPDATE cluster.nodes SET url = $2 WHERE id = $1",
                              pg::Params().Int(static_cast<int64_t>(k)).Text(nodes[k]));
    if (!updated.ok()) return updated.error();
  }
  FUPIN_RETURN_IF_ERROR(ApplyDatabaseSettings(**db));
  return (*db)->Commit();
}

}  // namespace fupin::cluster
