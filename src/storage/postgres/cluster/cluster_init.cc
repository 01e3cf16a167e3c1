// `fupin cluster init` (cluster.h): every node migrated, the sharded tables reshaped into
// hash-partitioned ones on the shards (their own partitions, local) and on the coordinator
// (every partition a foreign table on its shard), the postgres_fdw servers, and the catalog.
#include <set>
#include <tuple>

#include "storage/postgres/cluster/cluster.h"
#include "storage/postgres/cluster/cluster_sql.h"
#include "storage/postgres/pg_db.h"
#include "storage/postgres/pg_schema.h"

namespace fupin::cluster {
namespace {

using internal::Ident;
using internal::Literal;
using internal::PartitionKey;
using internal::PartitionName;

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

Error Conflict(const std::string& zh, const std::string& en) { return Error::Conflict(zh, en); }

// Where a database is: its server's address and port and its name (two URLs naming one
// database are refused).
Result<std::tuple<std::string, int64_t, std::string>> Identity(pg::Connection& db) {
  auto rows = db.Query(
      "SELECT coalesce(host(inet_server_addr()), ''), coalesce(inet_server_port(), 0)::bigint, "
      "current_database()::text");
  if (!rows.ok()) return rows.error();
  return std::tuple{rows->Text(0, 0), rows->Int(0, 1), rows->Text(0, 2)};
}

// The checks before anything changes on `db` (after its migrations): the C collation, no
// households, not already part of a cluster.
Status CheckEmpty(pg::Connection& db, const std::string& url, bool coordinator) {
  const std::string who = WithoutPassword(url);
  auto collation =
      db.Query("SELECT datcollate::text FROM pg_database WHERE datname = current_database()");
  if (!collation.ok()) return collation.error();
  const std::string collate = collation->size() ? collation->Text(0, 0) : "";
  if (collate != "C" && collate != "POSIX" && !collate.starts_with("C.")) {
    return Error::Database(
        "数据库 " + who + " 的排序规则须为 C（createdb --locale=C --template=template0）：" +
            collate,
        "the database " + who + " must have the C collation (createdb --locale=C " +
            "--template=template0), not " + collate);
  }
  auto shape = db.Query(
      "SELECT to_regnamespace('cluster') IS NOT NULL, "
      "(SELECT relkind::text FROM pg_class WHERE oid = 'public.households'::regclass)");
  if (!shape.ok()) return shape.error();
  if (shape->Bool(0, 0)) {
    return coordinator
               ? Conflict("数据库 " + who + " 已是集群的协调节点（cluster init 只做一次）",
                          "the database " + who +
                              " is already a cluster's coordinator (cluster init is "
                              "done once)")
               : Conflict("数据库 " + who + " 是另一个集群的协调节点，不能作分片",
                          "the database " + who + " is another cluster's coordinator, not a shard");
  }
  if (shape->Text(0, 1) == "p") {
    return Conflict("数据库 " + who + " 已是某个集群的分片（表已分区）",
                    "the database " + who +
                        " is already a shard of a cluster (its tables are "
                        "partitioned)");
  }
  auto households = db.Query("SELECT EXISTS (SELECT 1 FROM households)");
  if (!households.ok()) return households.error();
  if (households->Bool(0, 0)) {
    return Conflict("数据库 " + who + " 已有户数据：集群只能在空数据库上建立",
                    "the database " + who +
                        " holds households: a cluster is made of empty "
                        "databases only");
  }
  return Status::Ok();
}

// Replaces `table` (empty) by a table of the same columns, defaults and checks,
// PARTITION BY HASH of its key. On a shard (`keep_indexes`) the table's primary key and
// indexes are made again on it, with the same names and definitions.
Status Reshape(pg::Connection& db, const std::string& table, bool keep_indexes) {
  // The primary key as a constraint, the other indexes as their CREATE INDEX.
  auto indexes = db.Query(
      "SELECT coalesce(con.conname::text, ''), "
      "  CASE WHEN con.oid IS NULL THEN pg_get_indexdef(i.indexrelid) "
      "       ELSE pg_get_constraintdef(con.oid) END "
      "FROM pg_index i LEFT JOIN pg_constraint con ON con.conindid = i.indexrelid "
      "  AND con.conrelid = i.indrelid AND con.contype IN ('p', 'u') "
      "WHERE i.indrelid = $1::regclass ORDER BY i.indexrelid",
      pg::Params().Text("public." + table));
  if (!indexes.ok()) return indexes.error();
  const std::string staged = table + "__sharded";
  FUPIN_RETURN_IF_ERROR(
      db.Exec("CREATE TABLE " + staged + " (LIKE " + table +
              " INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING GENERATED INCLUDING IDENTITY "
              "INCLUDING STORAGE INCLUDING COMMENTS) PARTITION BY HASH (" +
              PartitionKey(table) + ");DROP TABLE " + table + ";ALTER TABLE " + staged +
              " RENAME TO " + table));
  if (!keep_indexes) return Status::Ok();
  for (int r = 0; r < indexes->size(); ++r) {
    const std::string constraint = indexes->Text(r, 0), definition = indexes->Text(r, 1);
    FUPIN_RETURN_IF_ERROR(db.Exec(constraint.empty() ? definition
                                                     : "ALTER TABLE " + table + " ADD CONSTRAINT " +
                                                           Ident(constraint) + " " + definition));
  }
  return Status::Ok();
}

std::string HashBounds(int partitions, int remainder) {
  return "FOR VALUES WITH (MODULUS " + std::to_string(partitions) + ", REMAINDER " +
         std::to_string(remainder) + ")";
}

// Shard `k` of `n`: the sharded tables reshaped, holding the partitions r with r mod n = k.
Status MakeShard(pg::Connection& db, int k, int n, int partitions) {
  for (const std::string& table : ShardedTables()) {
    FUPIN_RETURN_IF_ERROR(Reshape(db, table, true));
    for (int r = k; r < partitions; r += n) {
      FUPIN_RETURN_IF_ERROR(db.Exec("CREATE TABLE " + PartitionName(table, r, partitions) +
                                    " PARTITION OF " + table + " " + HashBounds(partitions, r)));
    }
  }
  return Status::Ok();
}

// The postgres_fdw server of shard `k` and the user mapping of every local user (PUBLIC).
Result<std::string> ServerOptions(const std::string& url) {
  auto parts = internal::ParseUrl(url);
  if (!parts.ok()) return parts.error();
  std::string options;
  auto add = [&](const char* key, const std::string& value) {
    if (value.empty()) return;
    if (!options.empty()) options += ", ";
    options += std::string(key) + " " + Literal(value);
  };
  add("host", parts->host);
  add("hostaddr", parts->hostaddr);
  add("port", parts->port);
  add("dbname", parts->dbname);
  add("sslmode", parts->sslmode);
  return options;
}

Result<std::string> MappingOptions(const std::string& url) {
  auto parts = internal::ParseUrl(url);
  if (!parts.ok()) return parts.error();
  std::string options;
  if (!parts->user.empty()) options = "user " + Literal(parts->user);
  if (!parts->password.empty()) {
    options += std::string(options.empty() ? "" : ", ") + "password " + Literal(parts->password);
  }
  return options;
}

Status MakeCoordinator(pg::Connection& db, const std::vector<std::string>& nodes, int partitions) {
  FUPIN_RETURN_IF_ERROR(db.Exec("CREATE EXTENSION IF NOT EXISTS postgres_fdw"));
  FUPIN_RETURN_IF_ERROR(db.Exec(std::string(kCatalog)));
  FUPIN_RETURN_IF_ERROR(db.Exec("INSERT INTO cluster.settings(partitions) VALUES (" +
                                std::to_string(partitions) + ")"));
  const int n = static_cast<int>(nodes.size());
  for (int k = 0; k < n; ++k) {
    auto server = ServerOptions(nodes[k]);
    if (!server.ok()) return server.error();
    auto mapping = MappingOptions(nodes[k]);
    if (!mapping.ok()) return mapping.error();
    const std::string name = "fupin_shard_" + std::to_string(k);
    FUPIN_RETURN_IF_ERROR(
        db.Exec("CREATE SERVER " + name + " FOREIGN DATA WRAPPER postgres_fdw OPTIONS (" + *server +
                ", fetch_size '10000', batch_size '1000', async_capable 'true')"));
    FUPIN_RETURN_IF_ERROR(db.Exec("CREATE USER MAPPING FOR PUBLIC SERVER " + name +
                                  (mapping->empty() ? "" : " OPTIONS (" + *mapping + ")")));
    auto added = db.Run("INSERT INTO cluster.nodes(id, url) VALUES ($1, $2)",
                        pg::Params().Int(k).Text(nodes[k]));
    if (!added.ok()) return added.error();
  }
  for (const std::string& table : ShardedTables()) {
    FUPIN_RETURN_IF_ERROR(Reshape(db, table, false));
    for (int r = 0; r < partitions; ++r) {
      const std::string partition = PartitionName(table, r, partitions);
      FUPIN_RETURN_IF_ERROR(
          db.Exec("CREATE FOREIGN TABLE " + partition + " PARTITION OF " + table + " " +
                  HashBounds(partitions, r) + " SERVER fupin_shard_" + std::to_string(r % n) +
                  " OPTIONS (schema_name 'public', table_name " + Literal(partition) + ")"));
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
  std::set<std::tuple<std::string, int64_t, std::string>> seen;
  std::vector<Node*> all{&coordinator};
  for (Node& shard : shards) all.push_back(&shard);
  for (Node* node : all) {
    auto identity = Identity(*node->db);
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
  FUPIN_RETURN_IF_ERROR(CheckEmpty(*coordinator.db, coordinator.url, true));
  for (Node& shard : shards) {
    auto migrated = pg::Migrate(*shard.db);
    if (!migrated.ok()) return migrated.error();
    FUPIN_RETURN_IF_ERROR(CheckEmpty(*shard.db, shard.url, false));
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
    if (Status s = MakeShard(*shards[k].db, k, n, options.partitions); !s.ok()) {
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
