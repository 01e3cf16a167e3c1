// `fupin cluster status` (cluster.h): the catalog read on the coordinator, then every node
// asked directly — its schema version, the partitions it holds, its rows per sharded table.
#include "storage/postgres/cluster/cluster.h"
#include "storage/postgres/cluster/cluster_sql.h"
#include "storage/postgres/pg_db.h"
#include "storage/postgres/pg_schema.h"

namespace fupin::cluster {
namespace {

// What node `status` is: reachable, its version, partitions and rows (counted on it).
void Probe(NodeStatus& status, bool shard) {
  auto db = internal::OpenNode(status.url, "节点", "the node");
  if (!db.ok()) {
    status.error = db.error().en;
    return;
  }
  status.reachable = true;
  auto version = pg::SchemaVersion(**db, "register");
  if (!version.ok()) {
    status.error = version.error().en;
    return;
  }
  status.schema_version = *version;
  auto found = (*db)->Query(
      "SELECT count(*) FROM pg_inherits WHERE inhparent = to_regclass('public.households')");
  if (found.ok()) status.partitions_found = static_cast<int>(found->Int(0, 0));
  if (!shard) return;
  for (const std::string& table : ShardedTables()) {
    auto rows = (*db)->Query("SELECT count(*) FROM public." + table);
    if (!rows.ok()) {
      status.error = rows.error().en;
      return;
    }
    status.rows[table] = rows->Int(0, 0);
  }
}

}  // namespace

Result<ClusterStatus> ReadStatus(const std::string& coordinator_url) {
  auto db = internal::OpenCoordinator(coordinator_url);
  if (!db.ok()) return db.error();
  ClusterStatus out;
  auto settings = (*db)->Query("SELECT partitions::bigint FROM cluster.settings");
  if (!settings.ok()) return settings.error();
  out.partitions = settings->size() ? static_cast<int>(settings->Int(0, 0)) : 0;
  auto nodes = (*db)->Query(
      "SELECT n.id::bigint, n.url, (SELECT count(*) FROM cluster.partitions p "
      "  WHERE p.node_id = n.id AND p.table_name = 'households') "
      "FROM cluster.nodes n ORDER BY n.id");
  if (!nodes.ok()) return nodes.error();
  NodeStatus coordinator;
  coordinator.url = coordinator_url;
  Probe(coordinator, false);
  out.nodes.push_back(std::move(coordinator));
  for (int r = 0; r < nodes->size(); ++r) {
    NodeStatus node;
    node.id = static_cast<int>(nodes->Int(r, 0));
    node.url = nodes->Text(r, 1);
    node.partitions = static_cast<int>(nodes->Int(r, 2));
    Probe(node, true);
    for (const auto& [table, count] : node.rows) out.nodes[0].rows[table] += count;
    out.nodes.push_back(std::move(node));
  }
  out.nodes[0].partitions = out.partitions;
  for (NodeStatus& node : out.nodes) node.url = WithoutPassword(node.url);
  return out;
}

}  // namespace fupin::cluster
