// What `cluster init` and `cluster add-node` share (cluster_shape.h): the checks of an empty
// database and the shaping of shards and coordinator.
#include "storage/postgres/cluster/cluster_shape.h"

#include "storage/postgres/cluster/cluster.h"
#include "storage/postgres/cluster/cluster_sql.h"

namespace fupin::cluster::internal {
namespace {

Error Conflict(const std::string& zh, const std::string& en) { return Error::Conflict(zh, en); }

// The postgres_fdw server's options from a shard's URL.
Result<std::string> ServerOptions(const std::string& url) {
  auto parts = ParseUrl(url);
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

// The user mapping's options from a shard's URL.
Result<std::string> MappingOptions(const std::string& url) {
  auto parts = ParseUrl(url);
  if (!parts.ok()) return parts.error();
  std::string options;
  if (!parts->user.empty()) options = "user " + Literal(parts->user);
  if (!parts->password.empty()) {
    options += std::string(options.empty() ? "" : ", ") + "password " + Literal(parts->password);
  }
  return options;
}

}  // namespace

Result<Identity> IdentityOf(pg::Connection& db) {
  auto rows = db.Query(
      "SELECT coalesce(host(inet_server_addr()), ''), coalesce(inet_server_port(), 0)::bigint, "
      "current_database()::text");
  if (!rows.ok()) return rows.error();
  return Identity{rows->Text(0, 0), rows->Int(0, 1), rows->Text(0, 2)};
}

Result<bool> IsShaped(pg::Connection& db) {
  auto shape =
      db.Query("SELECT relkind::text FROM pg_class WHERE oid = 'public.households'::regclass");
  if (!shape.ok()) return shape.error();
  return shape->size() > 0 && shape->Text(0, 0) == "p";
}

Status CheckEmpty(pg::Connection& db, const std::string& url, bool coordinator,
                  bool allow_empty_shard) {
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
      "(SELECT relkind::text FROM pg_class WHERE oid = 'public.households'::regclass), "
      "(SELECT count(*) FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhparent "
      "  JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' "
      "  AND c.relname IN ('households', 'members', 'household_history', 'person_index'))");
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
  if (shape->Text(0, 1) == "p" && !(allow_empty_shard && shape->Int(0, 2) == 0)) {
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

std::string HashBounds(int partitions, int remainder) {
  return "FOR VALUES WITH (MODULUS " + std::to_string(partitions) + ", REMAINDER " +
         std::to_string(remainder) + ")";
}

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

Status MakeShard(pg::Connection& db, const std::vector<int>& remainders, int partitions) {
  for (const std::string& table : ShardedTables()) {
    FUPIN_RETURN_IF_ERROR(Reshape(db, table, true));
    for (int r : remainders) {
      FUPIN_RETURN_IF_ERROR(db.Exec("CREATE TABLE " + PartitionName(table, r, partitions) +
                                    " PARTITION OF " + table + " " + HashBounds(partitions, r)));
    }
  }
  return Status::Ok();
}

Status AddServer(pg::Connection& db, int id, const std::string& url) {
  auto server = ServerOptions(url);
  if (!server.ok()) return server.error();
  auto mapping = MappingOptions(url);
  if (!mapping.ok()) return mapping.error();
  const std::string name = "fupin_shard_" + std::to_string(id);
  FUPIN_RETURN_IF_ERROR(db.Exec("CREATE SERVER " + name +
                                " FOREIGN DATA WRAPPER postgres_fdw OPTIONS (" + *server +
                                ", fetch_size '10000', batch_size '1000', async_capable 'true')"));
  FUPIN_RETURN_IF_ERROR(db.Exec("CREATE USER MAPPING FOR PUBLIC SERVER " + name +
                                (mapping->empty() ? "" : " OPTIONS (" + *mapping + ")")));
  auto added =
      db.Run("INSERT INTO cluster.nodes(id, url) VALUES ($1, $2)", pg::Params().Int(id).Text(url));
  if (!added.ok()) return added.error();
  return Status::Ok();
}

Status CreateForeignPartition(pg::Connection& db, const std::string& table, int remainder,
                              int partitions, int id) {
  const std::string partition = PartitionName(table, remainder, partitions);
  return db.Exec("CREATE FOREIGN TABLE " + partition + " PARTITION OF " + table + " " +
                 HashBounds(partitions, remainder) + " SERVER fupin_shard_" + std::to_string(id) +
                 " OPTIONS (schema_name 'public', table_name " + Literal(partition) + ")");
}

}  // namespace fupin::cluster::internal
