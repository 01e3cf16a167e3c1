// The small dictionaries on every node (DESIGN.md Storage, rule 5; cluster.h
// SyncDictionaries): the coordinator's are the truth, and each shard holds a copy, replaced
// whole in one transaction of the shard by a binary COPY from the coordinator's snapshot.
#include <string>
#include <vector>

#include "storage/postgres/cluster/cluster.h"
#include "storage/postgres/cluster/cluster_sql.h"
#include "storage/postgres/pg_db.h"

namespace fupin::cluster {
namespace {

// A digest of a table's rows, the same on two nodes when they hold the same rows.
Result<std::string> Digest(pg::Connection& db, const std::string& table) {
  auto rows = db.Query(
      "SELECT count(*)::text || ':' || coalesce(md5(string_agg(t::text, '|' "
      "ORDER BY t::text)), '') FROM public." +
      internal::Ident(table) + " t");
  if (!rows.ok()) return rows.error();
  return rows->Text(0, 0);
}

struct Shard {
  int id;
  std::string url;
};

Result<std::vector<Shard>> Shards(pg::Connection& coordinator) {
  auto rows = coordinator.Query("SELECT id::bigint, url FROM cluster.nodes ORDER BY id");
  if (!rows.ok()) return rows.error();
  std::vector<Shard> out;
  for (int r = 0; r < rows->size(); ++r) {
    out.push_back({static_cast<int>(rows->Int(r, 0)), rows->Text(r, 1)});
  }
  return out;
}

}  // namespace

const std::vector<std::string>& DictionaryTables() {
  static const std::vector<std::string> tables{"regions"};
  return tables;
}

Result<std::vector<int>> StaleDictionaries(const std::string& coordinator_url) {
  auto coordinator = internal::OpenCoordinator(coordinator_url);
  if (!coordinator.ok()) return coordinator.error();
  auto shards = Shards(**coordinator);
  if (!shards.ok()) return shards.error();
  std::vector<std::string> truth;
  for (const std::string& table : DictionaryTables()) {
    auto digest = Digest(**coordinator, table);
    if (!digest.ok()) return digest.error();
    truth.push_back(*digest);
  }
  std::vector<int> stale;
  for (const Shard& shard : *shards) {
    auto db = internal::OpenNode(shard.url, "分片节点", "the shard");
    if (!db.ok()) return db.error();
    for (size_t t = 0; t < truth.size(); ++t) {
      auto digest = Digest(**db, DictionaryTables()[t]);
      if (!digest.ok()) return digest.error();
      if (*digest != truth[t]) {
        stale.push_back(shard.id);
        break;
      }
    }
  }
  return stale;
}

Status SyncDictionaries(const std::string& coordinator_url, int only_node) {
  auto coordinator = internal::OpenCoordinator(coordinator_url);
  if (!coordinator.ok()) return coordinator.error();
  auto shards = Shards(**coordinator);
  if (!shards.ok()) return shards.error();
  // One snapshot of the coordinator for every shard.
  FUPIN_RETURN_IF_ERROR((*coordinator)->Exec("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"));
  for (const Shard& shard : *shards) {
    if (only_node >= 0 && shard.id != only_node) continue;
    auto db = internal::OpenNode(shard.url, "分片节点", "the shard");
    if (!db.ok()) return db.error();
    FUPIN_RETURN_IF_ERROR((*db)->Begin());
    for (const std::string& table : DictionaryTables()) {
      auto columns = internal::CopyColumns(**coordinator, table);
      if (!columns.ok()) return columns.error();
      FUPIN_RETURN_IF_ERROR((*db)->Exec("DELETE FROM public." + internal::Ident(table)));
      auto copied = internal::Pipe(**coordinator, **db, table, *columns);
      if (!copied.ok()) return copied.error();
    }
    FUPIN_RETURN_IF_ERROR((*db)->Commit());
  }
  return (*coordinator)->Exec("COMMIT");
}

}  // namespace fupin::cluster
