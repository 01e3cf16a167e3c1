// Private to cluster/: the shaping of nodes that `cluster init` and `cluster add-node` share
// — the checks of an empty database, the reshaping of the sharded tables into hash-partitioned
// ones, a shard's local partitions, the coordinator's servers, user mappings and foreign
// partitions, and the catalog's rows.
#pragma once

#include <cstdint>
#include <string>
#include <tuple>
#include <vector>

#include "common/error.h"
#include "storage/postgres/pg_db.h"

namespace fupin::cluster::internal {

// Where a database is: its server's address and port and its name (two URLs naming one
// database are refused).
using Identity = std::tuple<std::string, int64_t, std::string>;
Result<Identity> IdentityOf(pg::Connection& db);

// The checks before anything changes on `db` (after its migrations): the C collation
// (E_DATABASE), no households, not the coordinator of a cluster, not a shard (E_CONFLICT).
// With `allow_empty_shard`, a database whose sharded tables are partitioned already but
// hold no partition at all passes (a node that add-node reshaped before it failed).
Status CheckEmpty(pg::Connection& db, const std::string& url, bool coordinator,
                  bool allow_empty_shard = false);

// Whether `db`'s households table is partitioned already (the node is shaped as a shard).
Result<bool> IsShaped(pg::Connection& db);

// "FOR VALUES WITH (MODULUS p, REMAINDER r)".
std::string HashBounds(int partitions, int remainder);

// Replaces `table` (empty) by a table of the same columns, defaults and checks,
// PARTITION BY HASH of its key. On a shard (`keep_indexes`) the table's primary key and
// indexes are made again on it, with the same names and definitions.
Status Reshape(pg::Connection& db, const std::string& table, bool keep_indexes);

// A shard: every sharded table reshaped, holding the local partitions `remainders`.
Status MakeShard(pg::Connection& db, const std::vector<int>& remainders, int partitions);

// On the coordinator: the postgres_fdw server fupin_shard_`id` of the shard at `url`, its
// user mapping FOR PUBLIC, and its row in cluster.nodes.
Status AddServer(pg::Connection& db, int id, const std::string& url);

// On the coordinator: the foreign partition `remainder` of `table` on server fupin_shard_`id`.
Status CreateForeignPartition(pg::Connection& db, const std::string& table, int remainder,
                              int partitions, int id);

// AddNode (cluster.h) stopped at `crash` of its move number `on_move` (0 the first) as a
// killed process stops: its connections closed, their open transactions rolled back, nothing
// mended. For the tests of what each step of a move leaves.
enum class CrashPoint { kNone, kAfterCopy, kAfterNewNodeCommit, kAfterCoordinatorCommit };
}  // namespace fupin::cluster::internal

namespace fupin::cluster {
struct AddNodeReport;
namespace internal {
Result<AddNodeReport> AddNode(const std::string& coordinator_url, const std::string& node_url,
                              CrashPoint crash, int on_move);
}  // namespace internal
}  // namespace fupin::cluster
