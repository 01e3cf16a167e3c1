// An import into an empty register defers the secondary indexes of households and
// household_history, as the SQLite store does (sqlite_store.cc DeferIndexes): issue 15,
// helper pgbulk. Their CREATE INDEX statements are kept, the indexes dropped in the
// transaction before its first COPY of households, and built again before its commit,
// once over all the rows instead of row by row. DDL is transactional in PostgreSQL: a
// rollback brings the indexes back. The primary keys stay (they enforce the keys the
// import relies on). Not on a cluster's coordinator, whose tables are foreign (their
// indexes live on the shards).
#include <string>
#include <utility>
#include <vector>

#include "storage/postgres/pg_store_impl.h"

namespace fupin::pg {
namespace {

// The indexes that no constraint (primary key, unique) owns.
constexpr std::string_view kSecondaryIndexesSql =
    "SELECT c.relname, pg_get_indexdef(i.indexrelid) FROM pg_index i "
    "JOIN pg_class c ON c.oid = i.indexrelid "
    "WHERE i.indrelid IN ('households'::regclass, 'household_history'::regclass) "
    "AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid) "
    "ORDER BY c.relname";

}  // namespace

bool PgStore::ShouldDeferIndexes() const {
  return !cluster_ && !shard_writer_ && !indexes_deferred_ && households_were_empty_ &&
         persons_were_empty_ && pending_households_.size() >= kDeferIndexesFrom;
}

Status PgStore::DeferIndexes() {
  auto rows = db_->Query(kSecondaryIndexesSql);
  if (!rows.ok()) return rows.error();
  std::vector<std::string> definitions;
  std::string drop;
  for (int r = 0; r < rows->size(); ++r) {
    drop += (drop.empty() ? "DROP INDEX " : ", ") + Identifier(rows->Text(r, 0));
    definitions.push_back(rows->Text(r, 1));
  }
  indexes_deferred_ = true;  // tried once per transaction
  if (drop.empty()) return Status::Ok();
  // DROP INDEX locks the table against readers until the commit. When one reads it now (a
  // server's request), the import goes on with its indexes rather than wait or fail: the
  // drop is tried briefly, in a savepoint (a failed statement would end the transaction).
  FUPIN_RETURN_IF_ERROR(db_->Exec("SAVEPOINT defer_indexes; SET LOCAL lock_timeout = '200ms'"));
  if (Status dropped = db_->Exec(drop); !dropped.ok()) {
    return db_->Exec("ROLLBACK TO SAVEPOINT defer_indexes; RELEASE SAVEPOINT defer_indexes");
  }
  FUPIN_RETURN_IF_ERROR(
      db_->Exec("SET LOCAL lock_timeout = " + std::to_string(options_.busy_timeout_ms) +
                "; RELEASE SAVEPOINT defer_indexes"));
  deferred_indexes_ = std::move(definitions);
  return Status::Ok();
}

Status PgStore::RestoreIndexes() {
  if (!indexes_deferred_) return Status::Ok();
  std::vector<std::string> definitions = std::move(deferred_indexes_);
  deferred_indexes_.clear();
  indexes_deferred_ = false;
  if (definitions.empty()) return Status::Ok();
  FUPIN_RETURN_IF_ERROR(db_->Exec("SET LOCAL maintenance_work_mem = '256MB'"));
  for (const std::string& definition : definitions) {
    FUPIN_RETURN_IF_ERROR(db_->Exec(definition));
  }
  return Status::Ok();
}

std::string PgStore::Identifier(std::string_view name) {
  std::string out = "\"";
  for (char c : name) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

}  // namespace fupin::pg
