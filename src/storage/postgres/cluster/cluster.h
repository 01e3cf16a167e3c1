// The sharded PostgreSQL cluster (issue 15; docs/cluster.md): one coordinator database (the
// URL given as --db) and N shard databases, each given by its URL, in one PostgreSQL
// instance or several. PostgreSQL's own scale-out, no distribution layer of fupin's:
//  - every node holds the whole fupin schema (pg::Migrate): dictionaries, codes, policy
//    tables and meta are on every node;
//  - households, members and household_history are PARTITION BY HASH (county_code),
//    person_index PARTITION BY HASH (id_type, id_number), with the same number of
//    partitions (64 by default, fixed at init); partition T_pNN (remainder NN) is owned by
//    shard NN mod N;
//  - on a shard, each of those tables holds only the partitions it owns, as local tables
//    with the table's primary key and indexes: a row of another shard's partition is
//    refused by the shard itself (E_CONFLICT, "no partition of relation … found for row");
//  - on the coordinator, each is a partitioned table whose partitions are FOREIGN TABLEs
//    (postgres_fdw, server fupin_shard_K) on the owning shard; without a primary key or
//    unique index there (PostgreSQL refuses them over foreign partitions): uniqueness is
//    the shards' (per county for the register, national for person_index);
//  - everything else (findings, cases, funds, accounts …) stays on the coordinator;
//  - the catalog is the coordinator's schema `cluster`: nodes(id, url, added_at),
//    partitions(table_name, remainder, node_id), settings(partitions).
// The PgStore works on the coordinator unchanged: PostgreSQL routes, prunes by county and
// pushes down. Not atomic across shards (postgres_fdw in PostgreSQL 15 has no two-phase
// commit): a transaction writing one county and person_index rows on another shard can
// commit on one and fail on the other.
//
// No libpq or SQL in this header: the CLI (cli/cluster_commands.cc) calls it.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "common/error.h"
#include "storage/store.h"

namespace fupin::cluster {

// The sharded tables, in the order they are reshaped and reported.
const std::vector<std::string>& ShardedTables();

struct InitOptions {
  std::vector<std::string> nodes;  // the shards' URLs, shard K = nodes[K]
  int partitions = 64;             // per sharded table, 1 … 1024
};

struct InitReport {
  int nodes = 0;
  int partitions = 0;
  int schema_version = 0;
};

// Makes the empty database of `coordinator_url` the coordinator of a cluster over
// `options.nodes` (empty databases too, created with the C collation): migrates every
// node, reshapes the sharded tables on each shard and on the coordinator, creates the
// postgres_fdw servers, user mappings and foreign partitions, the catalog, and sets
// enable_partitionwise_aggregate/join on the coordinator's database. Errors:
//   E_USAGE     no node, a node given twice or being the coordinator, partitions out of range;
//   E_CONFLICT  already a cluster (the coordinator has the schema `cluster`, or a node's
//               tables are partitioned already), or a node or the coordinator holds households;
//   E_DATABASE  a node unreachable, without the C collation, or a statement failed.
// The shards' work is done in one open transaction per node, committed only once every
// node's is ready, the coordinator's last: a failure before the commits leaves every node
// as it was (after its migrations).
Result<InitReport> Init(const std::string& coordinator_url, const InitOptions& options);

// One node as `cluster status` reports it.
struct NodeStatus {
  int id = -1;      // -1 for the coordinator
  std::string url;  // without its password
  bool reachable = false;
  std::string error;                    // why not, when not (English)
  int schema_version = 0;               // the register's migrations applied
  int partitions = 0;                   // partitions it owns per sharded table (catalog)
  int partitions_found = 0;             // partitions of households present on the node
  std::map<std::string, int64_t> rows;  // per sharded table, counted on the node itself
};

struct ClusterStatus {
  int partitions = 0;             // per sharded table (cluster.settings)
  std::vector<NodeStatus> nodes;  // the coordinator first, then shard 0, 1 …
};

// The status of the cluster whose coordinator is `coordinator_url`: E_USAGE when it is not a
// cluster's coordinator, E_DATABASE when it cannot be reached. An unreachable shard is not
// an error here (reachable = false).
Result<ClusterStatus> ReadStatus(const std::string& coordinator_url);

// Points the coordinator of `coordinator_url` at shards `nodes` (same count, same order):
// the servers' host/port/dbname, the user mappings and the catalog's URLs, and the
// coordinator database's settings again. For a copy of a cluster made database by database
// with CREATE DATABASE … TEMPLATE (the test fixtures do): the copy's coordinator still
// points at the template's shards until then.
fupin::Status Retarget(const std::string& coordinator_url, const std::vector<std::string>& nodes);

// Region aggregates keyed by (region code, metric), zero values left out (the metrics of
// service/register/aggregates.h).
using Aggregates = std::map<std::pair<int64_t, std::string>, int64_t>;

// The aggregates of county `county` (a 12-digit county code) — its villages, townships and
// itself — recomputed from its households, with the rules of service/register/aggregates.h,
// by GROUP BY county_code, village_code queries filtered by the county: the coordinator sends each
// to the one partition of the county, on its shard, and receives one row per village. What `cluster
// check` compares with the coordinator's region_aggregates (StoredAggregates).
Result<Aggregates> RecountCounty(const std::string& coordinator_url, int64_t county);
// The region_aggregates rows of county `county`'s regions (itself and below).
Result<Aggregates> StoredAggregates(const std::string& coordinator_url, int64_t county);

// One aggregate whose stored value is not what the county's rows give.
struct AggregateDifference {
  int64_t region_code = 0;
  std::string metric;
  int64_t stored = 0, recounted = 0;
};

struct CountyCheck {
  int64_t county = 0;
  std::vector<AggregateDifference> differences;  // in (region, metric) order
  bool fixed = false;
};

// `cluster check` (its aggregates part): every county with households or stored aggregates
// (or `only_county` when non-zero), its aggregates recounted (RecountCounty) under the
// county's write lock (the PgStore's advisory lock), compared with region_aggregates.
// With `fix`, the stored values of the county's regions are set to the recounted ones and the
// difference at the county is added to every region above it, in the same transaction (a
// new register generation with it): the county's rows and its regions' aggregates are taken
// to have drifted apart together (a commit that reached a shard and not the coordinator, or
// the reverse), the regions above having drifted with the county. E_USAGE when the database
// is no coordinator.
Result<std::vector<CountyCheck>> CheckAggregates(const std::string& coordinator_url,
                                                 int64_t only_county, bool fix);

// The county-by-county write path of imports into the cluster whose coordinator is
// `coordinator_url` (storage/county_writers.h; cluster_batches.cc); shards' stores are opened
// with `options`. What PgStore::county_writers() gives on a coordinator.
std::unique_ptr<CountyWriters> MakeCountyWriters(const std::string& coordinator_url,
                                                 const StoreOptions& options);

// The small dictionaries every node holds a copy of (DESIGN.md Storage, rule 5): "regions".
const std::vector<std::string>& DictionaryTables();
// Copies the coordinator's dictionaries to every shard (or shard `only_node` when >= 0), each
// shard's replaced whole in one transaction of its own, from one snapshot of the coordinator.
// What a change of the regions on a coordinator does after its commit (PgStore), what
// add-node does for a new node, and what `cluster check --fix` does for stale ones.
fupin::Status SyncDictionaries(const std::string& coordinator_url, int only_node = -1);
// The shards whose dictionaries differ from the coordinator's (compared by digest).
Result<std::vector<int>> StaleDictionaries(const std::string& coordinator_url);

// A URL without its password (postgresql://user:secret@host/db → postgresql://user@host/db).
std::string WithoutPassword(const std::string& url);

// `cluster add-node`: what a run did.
struct AddNodeReport {
  int node = -1;           // the node's id (its server is fupin_shard_<id>)
  bool added = false;      // false when the node was in the catalog already (a resumed run)
  std::vector<int> moved;  // the remainders moved to it by this run
  std::map<std::string, int64_t> rows_moved;  // per sharded table
  int mended = 0;            // partitions dropped from nodes that held them without owning them
  int retries = 0;           // moves tried again after a deadlock with a reader or writer
  std::map<int, int> owned;  // partitions of each sharded table per node id, after the run
  double seconds = 0;        // the time the moves took
};

// Adds the empty database of `node_url` (C collation) to the cluster of `coordinator_url` as
// shard N (the next id) and moves partitions to it, one remainder at a time and the four
// sharded tables' remainder NN together, taken from the nodes owning most, until every node
// owns ⌊P/(N+1)⌋ or ⌈P/(N+1)⌉ partitions. The node is migrated and reshaped as a shard
// without partitions; the coordinator gets server fupin_shard_N, its user mapping and the
// catalog row. A move: the coordinator's four foreign partitions locked ACCESS EXCLUSIVE (no
// reader or writer of those counties through the coordinator), the old shard's four locked
// SHARE, the rows piped from the old shard into new local partitions (binary COPY, in the
// new node's transaction), the coordinator's foreign partitions re-created on the new server
// and the catalog updated; the new node commits, then the coordinator; then the old shard
// drops its partitions. A run first drops the partitions a node holds without owning them
// (what an interrupted move leaves; never a row the owner lacks), so that a second run with
// the same node resumes and mends. Errors:
//   E_USAGE     not a coordinator; the node is the coordinator; the node is in the cluster
//               already and there is nothing left to move or mend;
//   E_CONFLICT  the node holds households, or is a coordinator or another cluster's shard;
//   E_DATABASE  a node unreachable, the new one without the C collation, a statement failed.
// A move aborted by a deadlock with a reader or writer of the coordinator (it holds a parent
// table and waits for the partition; the move holds the partition and waits for the parent
// to drop it) is tried again, the third time with the four parent tables locked first.
Result<AddNodeReport> AddNode(const std::string& coordinator_url, const std::string& node_url);

}  // namespace fupin::cluster
