// `fupin cluster add-node` (cluster.h): a new shard, then partitions moved to it one
// remainder at a time (the four sharded tables' remainder together), rows piped from the old
// shard to the new one by binary COPY under the coordinator's lock of those partitions.
#include <libpq-fe.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <set>

#include "storage/postgres/cluster/cluster.h"
#include "storage/postgres/cluster/cluster_shape.h"
#include "storage/postgres/cluster/cluster_sql.h"
#include "storage/postgres/pg_db.h"
#include "storage/postgres/pg_schema.h"

namespace fupin::cluster {
namespace {

using internal::Ident;
using internal::PartitionName;

// The coordinator's session advisory lock held by a run of add-node: one at a time.
constexpr int64_t kAddNodeLock = 0x66757069'6e616464;  // "fupinadd"
// Tries of one move aborted by a deadlock; the last locks the coordinator's parents first.
constexpr int kAttempts = 3;

struct Member {
  int id = -1;
  std::string url;
  std::unique_ptr<pg::Connection> db;
};

// The catalog: owner of (table, remainder).
using Owners = std::map<std::pair<std::string, int>, int>;

Error Failed(const std::string& zh, const std::string& en) { return Error::Database(zh, en); }

// The error of a libpq result or connection, E_DATABASE.
Error LibpqError(PGconn* conn, const std::string& what) {
  const std::string message = PQerrorMessage(conn);
  return Failed(what + "失败：" + message, what + " failed: " + message);
}

}  // namespace

namespace internal {

// The columns COPY carries (stored, not generated, not dropped), in order, from `db`.
Result<std::string> CopyColumns(pg::Connection& db, const std::string& table) {
  auto rows = db.Query(
      "SELECT string_agg(quote_ident(attname), ', ' ORDER BY attnum) FROM pg_attribute "
      "WHERE attrelid = $1::regclass AND attnum > 0 AND NOT attisdropped AND attgenerated = ''",
      pg::Params().Text("public." + table));
  if (!rows.ok()) return rows.error();
  return rows->Text(0, 0);
}

// Pipes the rows of `partition` on `from` into the same partition on `to` (both in their
// open transactions): COPY … TO STDOUT (FORMAT binary) into COPY … FROM STDIN. The rows the
// old shard sent, checked against those the new one stored.
Result<int64_t> Pipe(pg::Connection& from, pg::Connection& to, const std::string& partition,
                     const std::string& columns) {
  const std::string target = "public." + Ident(partition) + " (" + columns + ")";
  PGconn* src = from.handle();
  PGconn* dst = to.handle();
  PGresult* out = PQexec(src, ("COPY " + target + " TO STDOUT (FORMAT binary)").c_str());
  const bool out_ok = PQresultStatus(out) == PGRES_COPY_OUT;
  PQclear(out);
  if (!out_ok) return LibpqError(src, "读出 " + partition);
  PGresult* in = PQexec(dst, ("COPY " + target + " FROM STDIN (FORMAT binary)").c_str());
  const bool in_ok = PQresultStatus(in) == PGRES_COPY_IN;
  PQclear(in);
  std::string failure;
  if (!in_ok) failure = std::string("COPY FROM: ") + PQerrorMessage(dst);
  for (;;) {
    char* buffer = nullptr;
    const int n = PQgetCopyData(src, &buffer, 0);
    if (n == -1) break;
    if (n == -2) {
      if (failure.empty()) failure = std::string("COPY TO: ") + PQerrorMessage(src);
      break;
    }
    if (failure.empty() && PQputCopyData(dst, buffer, n) != 1) {
      failure = std::string("COPY FROM: ") + PQerrorMessage(dst);
    }
    PQfreemem(buffer);
  }
  int64_t sent = -1, stored = -1;
  while (PGresult* r = PQgetResult(src)) {
    if (PQresultStatus(r) == PGRES_COMMAND_OK) {
      sent = std::stoll(PQcmdTuples(r));
    } else if (failure.empty()) {
      failure = std::string("COPY TO: ") + PQresultErrorMessage(r);
    }
    PQclear(r);
  }
  if (in_ok) {
    PQputCopyEnd(dst, failure.empty() ? nullptr : "the source failed");
    while (PGresult* r = PQgetResult(dst)) {
      if (PQresultStatus(r) == PGRES_COMMAND_OK) {
        stored = std::stoll(PQcmdTuples(r));
      } else if (failure.empty()) {
        failure = std::string("COPY FROM: ") + PQresultErrorMessage(r);
      }
      PQclear(r);
    }
  }
  if (failure.empty() && sent != stored) {
    failure = "sent " + std::to_string(sent) + " rows, stored " + std::to_string(stored);
  }
  if (!failure.empty()) {
    return Failed("复制分区 " + partition + " 失败：" + failure,
                  "copying the partition " + partition + " failed: " + failure);
  }
  return stored;
}

}  // namespace internal

namespace {

using internal::CopyColumns;
using internal::Pipe;

// The partitions of each sharded table held by `db`, as (table, remainder).
Result<std::set<std::pair<std::string, int>>> Held(pg::Connection& db) {
  std::set<std::pair<std::string, int>> out;
  for (const std::string& table : ShardedTables()) {
    auto rows = db.Query(
        "SELECT c.relname::text FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
        "WHERE i.inhparent = to_regclass($1)",
        pg::Params().Text("public." + table));
    if (!rows.ok()) return rows.error();
    for (int r = 0; r < rows->size(); ++r) {
      const std::string name = rows->Text(r, 0);
      const size_t at = name.rfind("_p");
      if (at == std::string::npos) continue;
      out.insert({table, std::stoi(name.substr(at + 2))});
    }
  }
  return out;
}

// Drops the partitions every node holds without owning them, once their owner is seen to
// hold them (a move commits the new node's copy before the catalog names it): what an
// interrupted move leaves. The number of partitions dropped; E_CONFLICT when an owner lacks
// one of its partitions (not a state a move leaves: nothing is dropped then).
Result<int> Mend(std::vector<Member>& members, const Owners& owners, int partitions) {
  std::map<int, std::set<std::pair<std::string, int>>> held;
  for (Member& m : members) {
    auto found = Held(*m.db);
    if (!found.ok()) return found.error();
    held[m.id] = std::move(found).value();
  }
  for (const auto& [key, owner] : owners) {
    if (!held[owner].contains(key)) {
      const std::string name = PartitionName(key.first, key.second, partitions);
      return Error::Conflict(
          "分区 " + name + " 不在其所属节点 " + std::to_string(owner) + " 上",
          "the partition " + name + " is missing from its owner, node " + std::to_string(owner));
    }
  }
  int dropped = 0;
  for (Member& m : members) {
    for (const auto& key : held[m.id]) {
      auto owner = owners.find(key);
      if (owner != owners.end() && owner->second == m.id) continue;
      FUPIN_RETURN_IF_ERROR(m.db->Exec("DROP TABLE IF EXISTS public." +
                                       Ident(PartitionName(key.first, key.second, partitions))));
      ++dropped;
    }
  }
  return dropped;
}

// Moves remainder `r` of every sharded table from `from` to `to` (the protocol of
// cluster.h's AddNode); `crash` stops it as a killed process would.
// With `parents_first`, the coordinator's four parent tables are locked ACCESS EXCLUSIVE
// before anything else: the whole register waits for the move, but no deadlock is possible.
Status Move(pg::Connection& coordinator, Member& from, Member& to, int r, int partitions,
            bool parents_first, internal::CrashPoint crash,
            std::map<std::string, int64_t>& rows_moved) {
  using internal::CrashPoint;
  const Error crashed = Failed("（测试）在此中断", "(test) stopped here");
  auto fail = [&](const Error& e) {
    for (pg::Connection* db : {&coordinator, from.db.get(), to.db.get()}) {
      if (db->in_transaction()) (void)db->Rollback();
    }
    return e;
  };
  std::string locked;
  for (const std::string& table : ShardedTables()) {
    locked += std::string(locked.empty() ? "" : ", ") + "public." +
              Ident(PartitionName(table, r, partitions));
  }
  // 1. The coordinator's partitions: no reader or writer of these counties through it from
  // here to its commit (one holding them is waited for: its rows are on the old shard then).
  // LOCK TABLE refuses foreign tables (PostgreSQL 15); ALTER FOREIGN TABLE … OPTIONS takes
  // the same ACCESS EXCLUSIVE lock, and setting table_name to itself changes nothing.
  FUPIN_RETURN_IF_ERROR(coordinator.Begin());
  if (parents_first) {
    std::string parents;
    for (const std::string& table : ShardedTables()) {
      parents += std::string(parents.empty() ? "" : ", ") + "ONLY public." + table;
    }
    if (Status s = coordinator.Exec("LOCK TABLE " + parents + " IN ACCESS EXCLUSIVE MODE");
        !s.ok()) {
      return fail(s.error());
    }
  }
  for (const std::string& table : ShardedTables()) {
    const std::string partition = PartitionName(table, r, partitions);
    if (Status s =
            coordinator.Exec("ALTER FOREIGN TABLE public." + Ident(partition) +
                             " OPTIONS (SET table_name " + internal::Literal(partition) + ")");
        !s.ok()) {
      return fail(s.error());
    }
  }
  // 2. The old shard's: no writer straight into the shard either while the rows are copied.
  if (Status s = from.db->Begin(); !s.ok()) return fail(s.error());
  if (Status s = from.db->Exec("LOCK TABLE " + locked + " IN SHARE MODE"); !s.ok()) {
    return fail(s.error());
  }
  // 3. The new node: the local partitions and their rows, in one transaction.
  if (Status s = to.db->Begin(); !s.ok()) return fail(s.error());
  std::map<std::string, int64_t> copied;
  for (const std::string& table : ShardedTables()) {
    const std::string partition = PartitionName(table, r, partitions);
    if (Status s = to.db->Exec("CREATE TABLE public." + Ident(partition) + " PARTITION OF public." +
                               table + " " + internal::HashBounds(partitions, r));
        !s.ok()) {
      return fail(s.error());
    }
    auto columns = CopyColumns(*from.db, table);
    if (!columns.ok()) return fail(columns.error());
    auto rows = Pipe(*from.db, *to.db, partition, *columns);
    if (!rows.ok()) return fail(rows.error());
    copied[table] = *rows;
  }
  if (crash == CrashPoint::kAfterCopy) return crashed;
  // 4. The coordinator's partitions re-made on the new node's server, the catalog with them.
  for (const std::string& table : ShardedTables()) {
    const std::string partition = PartitionName(table, r, partitions);
    if (Status s = coordinator.Exec("DROP FOREIGN TABLE public." + Ident(partition)); !s.ok()) {
      return fail(s.error());
    }
    if (Status s = internal::CreateForeignPartition(coordinator, table, r, partitions, to.id);
        !s.ok()) {
      return fail(s.error());
    }
    auto updated = coordinator.Run(
        "UPDATE cluster.partitions SET node_id = $3 WHERE table_name = $1 AND remainder = $2",
        pg::Params().Text(table).Int(r).Int(to.id));
    if (!updated.ok()) return fail(updated.error());
  }
  // 5. The new node's copy first, then the coordinator: a failure between them leaves a copy
  // nobody reads (the catalog still names the old shard), which the next run drops.
  if (Status s = to.db->Commit(); !s.ok()) return fail(s.error());
  if (crash == CrashPoint::kAfterNewNodeCommit) return crashed;
  // A failed COMMIT may still have committed (the connection lost on its way back): the copy
  // on the new node is left for the next run's Mend, which knows from the catalog whose it is.
  if (Status s = coordinator.Commit(); !s.ok()) return fail(s.error());
  for (const auto& [table, rows] : copied) rows_moved[table] += rows;
  if (crash == CrashPoint::kAfterCoordinatorCommit) return crashed;
  // 6. The old shard's partitions, no longer read by anyone.
  for (const std::string& table : ShardedTables()) {
    if (Status s = from.db->Exec("DROP TABLE public." + Ident(PartitionName(table, r, partitions)));
        !s.ok()) {
      return fail(s.error());
    }
  }
  return from.db->Commit();
}

// The new node set up as shard `id`: migrated, checked, reshaped without partitions (unless
// an earlier run did), and the coordinator's server, user mapping and catalog row.
Status Join(pg::Connection& coordinator, Member& node) {
  auto migrated = pg::Migrate(*node.db);
  if (!migrated.ok()) return migrated.error();
  FUPIN_RETURN_IF_ERROR(internal::CheckEmpty(*node.db, node.url, false, true));
  auto shaped = internal::IsShaped(*node.db);
  if (!shaped.ok()) return shaped.error();
  auto fail = [&](const Error& e) {
    if (node.db->in_transaction()) (void)node.db->Rollback();
    if (coordinator.in_transaction()) (void)coordinator.Rollback();
    return e;
  };
  FUPIN_RETURN_IF_ERROR(node.db->Begin());
  if (!*shaped) {
    if (Status s = internal::MakeShard(*node.db, {}, 0); !s.ok()) return fail(s.error());
  }
  if (Status s = coordinator.Begin(); !s.ok()) return fail(s.error());
  if (Status s = internal::AddServer(coordinator, node.id, node.url); !s.ok()) {
    return fail(s.error());
  }
  if (Status s = node.db->Commit(); !s.ok()) return fail(s.error());
  if (Status s = coordinator.Commit(); !s.ok()) return fail(s.error());
  return Status::Ok();
}

}  // namespace

namespace internal {

Result<AddNodeReport> AddNode(const std::string& coordinator_url, const std::string& node_url,
                              CrashPoint crash, int on_move) {
  auto opened = OpenCoordinator(coordinator_url);
  if (!opened.ok()) return opened.error();
  pg::Connection& coordinator = **opened;
  auto lock =
      coordinator.Run("SELECT pg_advisory_lock($1::bigint)", pg::Params().Int(kAddNodeLock));
  if (!lock.ok()) return lock.error();
  auto settings = coordinator.Query("SELECT partitions::bigint FROM cluster.settings");
  if (!settings.ok()) return settings.error();
  const int partitions = static_cast<int>(settings->Int(0, 0));

  Member node{-1, node_url, nullptr};
  {
    auto db = OpenNode(node_url, "新节点", "the new node");
    if (!db.ok()) return db.error();
    node.db = std::move(db).value();
  }
  auto node_identity = IdentityOf(*node.db);
  if (!node_identity.ok()) return node_identity.error();
  auto coordinator_identity = IdentityOf(coordinator);
  if (!coordinator_identity.ok()) return coordinator_identity.error();
  if (*node_identity == *coordinator_identity) {
    return Error::Usage(
        "数据库 " + WithoutPassword(node_url) + " 是协调节点本身，不能作分片",
        "the database " + WithoutPassword(node_url) + " is the coordinator itself, not a shard");
  }
  // The members: every node of the catalog, reached, and which of them the new one is.
  std::vector<Member> members;
  auto listed = coordinator.Query("SELECT id::bigint, url FROM cluster.nodes ORDER BY id");
  if (!listed.ok()) return listed.error();
  int next_id = 0, existing = -1;
  for (int r = 0; r < listed->size(); ++r) {
    Member m{static_cast<int>(listed->Int(r, 0)), listed->Text(r, 1), nullptr};
    next_id = std::max(next_id, m.id + 1);
    auto db = OpenNode(m.url, "分片节点", "the shard");
    if (!db.ok()) return db.error();
    m.db = std::move(db).value();
    auto identity = IdentityOf(*m.db);
    if (!identity.ok()) return identity.error();
    if (*identity == *node_identity) existing = static_cast<int>(members.size());
    members.push_back(std::move(m));
  }
  AddNodeReport report;
  if (existing < 0) {
    node.id = next_id;
    FUPIN_RETURN_IF_ERROR(Join(coordinator, node));
    members.push_back(std::move(node));
    existing = static_cast<int>(members.size()) - 1;
    report.added = true;
  }
  Member& added = members[existing];
  report.node = added.id;

  Owners owners;
  auto placed = coordinator.Query(
      "SELECT table_name, remainder::bigint, node_id::bigint FROM cluster.partitions");
  if (!placed.ok()) return placed.error();
  for (int r = 0; r < placed->size(); ++r) {
    owners[{placed->Text(r, 0), static_cast<int>(placed->Int(r, 1))}] =
        static_cast<int>(placed->Int(r, 2));
  }
  auto mended = Mend(members, owners, partitions);
  if (!mended.ok()) return mended.error();
  report.mended = *mended;

  // The plan: remainders of households per node (the four tables share their owners).
  std::map<int, std::set<int>> owned;
  for (Member& m : members) owned[m.id];
  for (const auto& [key, owner] : owners) {
    if (key.first == "households") owned[owner].insert(key.second);
  }
  const int n = static_cast<int>(members.size());
  const int low = partitions / n, high = (partitions + n - 1) / n;
  const auto started = std::chrono::steady_clock::now();
  for (int move = 0;; ++move) {
    int donor = -1;
    for (const auto& [id, remainders] : owned) {
      if (id == added.id) continue;
      if (donor < 0 || remainders.size() > owned[donor].size()) donor = id;
    }
    const int mine = static_cast<int>(owned[added.id].size());
    const int most = donor < 0 ? 0 : static_cast<int>(owned[donor].size());
    if (donor < 0 || mine >= high || (mine >= low && most <= high)) break;
    const int r = *owned[donor].rbegin();
    Member* from = nullptr;
    for (Member& m : members) {
      if (m.id == donor) from = &m;
    }
    // A reader or writer of these counties through the coordinator holds the parent table and
    // waits for the partition we hold, and our DROP of the partition waits for the parent: a
    // deadlock, which aborts one of the two. A move aborted leaves nothing; it is tried again,
    // the last time with the parents locked first (the register waits, no deadlock).
    Status moved = Status::Ok();
    for (int attempt = 0; attempt < kAttempts; ++attempt) {
      moved = Move(coordinator, *from, added, r, partitions, attempt == kAttempts - 1,
                   move == on_move ? crash : CrashPoint::kNone, report.rows_moved);
      if (moved.ok() || moved.error().code != "E_BUSY") break;
      ++report.retries;
    }
    FUPIN_RETURN_IF_ERROR(moved);
    owned[donor].erase(r);
    owned[added.id].insert(r);
    report.moved.push_back(r);
  }
  report.seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  // The new node's copy of the dictionaries (regions).
  if (report.added) FUPIN_RETURN_IF_ERROR(SyncDictionaries(coordinator_url, added.id));
  for (const auto& [id, remainders] : owned) report.owned[id] = static_cast<int>(remainders.size());
  if (!report.added && report.moved.empty() && report.mended == 0) {
    return Error::Usage("数据库 " + WithoutPassword(node_url) + " 已是集群的节点 " +
                            std::to_string(added.id) + "（无分区可移，无残留可清）",
                        "the database " + WithoutPassword(node_url) + " is already node " +
                            std::to_string(added.id) +
                            " of the cluster (nothing left to move or mend)");
  }
  (void)coordinator.Run("SELECT pg_advisory_unlock($1::bigint)", pg::Params().Int(kAddNodeLock));
  return report;
}

}  // namespace internal

Result<AddNodeReport> AddNode(const std::string& coordinator_url, const std::string& node_url) {
  return internal::AddNode(coordinator_url, node_url, internal::CrashPoint::kNone, -1);
}

}  // namespace fupin::cluster
