// The county-by-county write path of an import into a cluster (storage/county_writers.h):
// the batch catalog (cluster.batches, cluster.batch_counties on the coordinator), the done
// markers (meta key "cluster_batch:<batch>:<county>" on the county's shard, written in the
// county's transaction), the person_index reservations through the coordinator, and a
// county's transaction on its shard with the county's lock held on the coordinator.
#include <algorithm>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <tuple>
#include <utility>
#include <vector>

#include "storage/postgres/cluster/cluster.h"
#include "storage/postgres/cluster/cluster_sql.h"
#include "storage/postgres/pg_statements.h"
#include "storage/postgres/pg_store.h"
#include "storage/postgres/pg_store_impl.h"

namespace fupin {
namespace cluster {
namespace {

constexpr std::string_view kLockSql = "SELECT pg_advisory_xact_lock($1::bigint)";
// Rows of person_index per statement (and per commit) of a reservation.
constexpr size_t kReserveChunk = 20000;
// Connections to the coordinator that reserve at once.
constexpr size_t kReserveConnections = 3;

std::string MarkerKey(const std::string& batch, int64_t county) {
  return "cluster_batch:" + batch + ":" + std::to_string(county);
}

class PgCountyWrite : public CountyWrite {
 public:
  PgCountyWrite(std::unique_ptr<pg::Connection> coordinator, std::unique_ptr<Store> shard,
                std::string batch, int64_t county)
      : coordinator_(std::move(coordinator)),
        shard_(std::move(shard)),
        batch_(std::move(batch)),
        county_(county) {}
  ~PgCountyWrite() override {
    if (shard_->in_transaction()) shard_->Rollback();
    if (coordinator_->in_transaction()) (void)coordinator_->Rollback();
  }

  Store& store() override { return *shard_; }

  Result<std::map<std::string, int64_t>> Versions(const std::vector<std::string>& codes) override {
    auto& db = static_cast<pg::PgStore&>(*shard_).connection();
    std::map<std::string, int64_t> out;
    for (size_t at = 0; at < codes.size(); at += kReserveChunk) {
      const std::vector<std::string> chunk(
          codes.begin() + at, codes.begin() + std::min(codes.size(), at + kReserveChunk));
      auto rows = db.Query(
          "SELECT household_code, version FROM households WHERE county_code = $1 AND "
          "household_code = ANY($2::text[])",
          pg::Params().Int(county_).Text(pg::TextArray(chunk)));
      if (!rows.ok()) return rows.error();
      for (int r = 0; r < rows->size(); ++r) out[rows->Text(r, 0)] = rows->Int(r, 1);
    }
    return out;
  }

  Status Commit() override {
    auto& db = static_cast<pg::PgStore&>(*shard_).connection();
    auto marked = db.Run("INSERT INTO meta(key, value) VALUES ($1, now()::text)",
                         pg::Params().Text(MarkerKey(batch_, county_)));
    if (!marked.ok()) return marked.error();
    FUPIN_RETURN_IF_ERROR(shard_->Commit());
    // Written: the county's aggregates from its rows, under the lock still held.
    auto checked = internal::CheckCountyLocked(*coordinator_, county_, /*fix=*/true,
                                               /*new_generation=*/true);
    if (!checked.ok()) return checked.error();
    auto done = coordinator_->Run(
        "UPDATE cluster.batch_counties SET done = true WHERE batch_id = $1 AND county_code = $2",
        pg::Params().Text(batch_).Int(county_));
    if (!done.ok()) return done.error();
    return coordinator_->Commit();
  }

 private:
  std::unique_ptr<pg::Connection> coordinator_;
  std::unique_ptr<Store> shard_;
  std::string batch_;
  int64_t county_;
};

class PgCountyWriters : public CountyWriters {
 public:
  PgCountyWriters(std::string url, StoreOptions options)
      : url_(std::move(url)), options_(std::move(options)) {}

  Result<int> ShardOf(int64_t county) override {
    std::lock_guard lock(mu_);  // BeginCounty runs on the import's threads, one per shard
    FUPIN_RETURN_IF_ERROR(Connect());
    if (auto it = shards_.find(county); it != shards_.end()) return it->second;
    auto rows = db_->Query(
        "SELECT p.node_id FROM cluster.partitions p, cluster.settings s "
        "WHERE p.table_name = 'households' AND "
        "satisfies_hash_partition('public.households'::regclass, s.partitions, p.remainder, "
        "$1::bigint)",
        pg::Params().Int(county));
    if (!rows.ok()) return rows.error();
    if (rows->size() != 1) {
      return Error::Database(
          "集群目录缺少县 " + std::to_string(county) + " 的分区",
          "the cluster's catalog has no partition for county " + std::to_string(county));
    }
    return shards_[county] = static_cast<int>(rows->Int(0, 0));
  }

  Status OpenBatch(const ClusterBatch& batch) override {
    FUPIN_RETURN_IF_ERROR(Connect());
    FUPIN_RETURN_IF_ERROR(db_->Begin());
    auto fail = [&](const Error& e) {
      (void)db_->Rollback();
      return e;
    };
    auto opened = db_->Run(
        "INSERT INTO cluster.batches(id, started_at, actor, sources, sha256, state) "
        "VALUES ($1, $2, $3, $4, $5, 'open')",
        pg::Params()
            .Text(batch.id)
            .Text(batch.started_at)
            .Text(batch.actor)
            .Text(batch.sources)
            .Text(batch.sha256));
    if (!opened.ok()) return fail(opened.error());
    std::vector<int64_t> counties, shards;
    for (const BatchCounty& c : batch.counties) {
      counties.push_back(c.county);
      shards.push_back(c.shard);
    }
    auto planned = db_->Run(
        "INSERT INTO cluster.batch_counties(batch_id, county_code, node_id) "
        "SELECT $1, * FROM unnest($2::bigint[], $3::int[])",
        pg::Params().Text(batch.id).Text(pg::IntArray(counties)).Text(pg::IntArray(shards)));
    if (!planned.ok()) return fail(planned.error());
    return db_->Commit();
  }

  Result<std::optional<ClusterBatch>> FindBatch(const std::string& id) override {
    auto batches = ReadBatches("b.id = $1", pg::Params().Text(id));
    if (!batches.ok()) return batches.error();
    std::optional<ClusterBatch> out;
    if (!batches->empty()) out = std::move(batches->front());
    return out;
  }

  Result<std::vector<ClusterBatch>> OpenBatches() override {
    return ReadBatches("b.state = 'open'", pg::Params());
  }

  Status RemovePersons(const std::vector<PersonEntry>& rows) override {
    FUPIN_RETURN_IF_ERROR(Connect());
    for (size_t at = 0; at < rows.size(); at += kReserveChunk) {
      FUPIN_RETURN_IF_ERROR(db_->Begin());
      for (size_t i = at; i < std::min(rows.size(), at + kReserveChunk); ++i) {
        if (Status gone = Release(*db_, rows[i]); !gone.ok()) {
          (void)db_->Rollback();
          return gone;
        }
      }
      FUPIN_RETURN_IF_ERROR(db_->Commit());
    }
    return Status::Ok();
  }

  // The chunks go over kReserveConnections connections at once: each coordinator backend
  // routes its rows to the shards' partitions (postgres_fdw batches of batch_size rows), and
  // one backend is the bound (bench/RESULTS.md, issue 15: 3 connections gave 1.9× the rows
  // per second of one on this 2-core machine).
  Status AddPersons(const std::vector<PersonEntry>& rows) override {
    std::vector<std::pair<size_t, size_t>> chunks;
    for (size_t at = 0; at < rows.size(); at += kReserveChunk) {
      chunks.emplace_back(at, std::min(rows.size(), at + kReserveChunk));
    }
    if (chunks.empty()) return Status::Ok();
    while (reservers_.size() < std::min(chunks.size(), kReserveConnections)) {
      auto db = internal::OpenNode(url_, "协调节点", "the coordinator");
      if (!db.ok()) return db.error();
      reservers_.push_back(std::move(db).value());
    }
    std::vector<Status> results(reservers_.size(), Status::Ok());
    std::vector<std::thread> threads;
    for (size_t k = 0; k < std::min(chunks.size(), reservers_.size()); ++k) {
      threads.emplace_back([&, k] {
        for (size_t c = k; c < chunks.size() && results[k].ok(); c += reservers_.size()) {
          results[k] = Reserve(*reservers_[k], rows, chunks[c].first, chunks[c].second);
        }
      });
    }
    for (auto& t : threads) t.join();
    for (const Status& s : results) FUPIN_RETURN_IF_ERROR(s);
    return Status::Ok();
  }

  Result<std::unique_ptr<CountyWrite>> BeginCounty(const std::string& batch,
                                                   int64_t county) override {
    auto shard = ShardOf(county);
    if (!shard.ok()) return shard.error();
    auto url = NodeUrl(*shard);
    if (!url.ok()) return url.error();
    auto coordinator = pg::Connection::Open(url_);
    if (!coordinator.ok()) return coordinator.error();
    FUPIN_RETURN_IF_ERROR((*coordinator)->Begin());
    auto locked = (*coordinator)->Run(kLockSql, pg::Params().Int(-county));
    if (!locked.ok()) return locked.error();
    auto store = OpenPgStore(*url, Store::OpenMode::kExisting, options_);
    if (!store.ok()) return store.error();
    static_cast<pg::PgStore&>(**store).SetShardWriter();
    FUPIN_RETURN_IF_ERROR((*store)->Begin());
    return std::unique_ptr<CountyWrite>(std::make_unique<PgCountyWrite>(
        std::move(coordinator).value(), std::move(store).value(), batch, county));
  }

  Status ResyncPersons(const std::vector<int64_t>& counties) override {
    FUPIN_RETURN_IF_ERROR(Connect());
    // One transaction, the counties locked in order; every county's stale rows go before
    // any missing one is added (a person may have been reserved for another of them). Not
    // atomic across shards, but a second run finds what the first did not finish.
    FUPIN_RETURN_IF_ERROR(db_->Begin());
    Status s = Resync(std::set<int64_t>(counties.begin(), counties.end()));
    if (!s.ok()) {
      (void)db_->Rollback();
      return s;
    }
    return db_->Commit();
  }

  Status FinishWrittenCounty(const std::string& batch, int64_t county) override {
    FUPIN_RETURN_IF_ERROR(Connect());
    FUPIN_RETURN_IF_ERROR(db_->Begin());
    auto fail = [&](const Error& e) {
      (void)db_->Rollback();
      return e;
    };
    auto locked = db_->Run(kLockSql, pg::Params().Int(-county));
    if (!locked.ok()) return fail(locked.error());
    auto checked = internal::CheckCountyLocked(*db_, county, /*fix=*/true, /*new_generation=*/true);
    if (!checked.ok()) return fail(checked.error());
    auto done = db_->Run(
        "UPDATE cluster.batch_counties SET done = true WHERE batch_id = $1 AND county_code = $2",
        pg::Params().Text(batch).Int(county));
    if (!done.ok()) return fail(done.error());
    return db_->Commit();
  }

  Status CloseBatch(const std::string& batch, const std::string& state) override {
    FUPIN_RETURN_IF_ERROR(Connect());
    auto closed = db_->Run("UPDATE cluster.batches SET state = $2 WHERE id = $1",
                           pg::Params().Text(batch).Text(state));
    if (!closed.ok()) return closed.error();
    return Status::Ok();
  }

 private:
  // Deletes one person_index row by its whole key (so PostgreSQL prunes to its partition).
  static Status Release(pg::Connection& db, const PersonEntry& p) {
    auto gone = db.Run(
        "DELETE FROM person_index WHERE id_type = $1 AND id_number = $2 AND county_code = $3 "
        "AND household_code = $4",
        pg::Params().Int(p.id_type).Text(p.id_number).Int(p.county).Text(p.household_code));
    return gone.ok() ? Status::Ok() : Status(gone.error());
  }

  // Rows [from, to) into person_index through `db`, in one statement (committed with the
  // connection's transaction, or by itself outside one).
  static Status Reserve(pg::Connection& db, const std::vector<PersonEntry>& rows, size_t from,
                        size_t to) {
    std::vector<int64_t> types, counties;
    std::vector<std::string> numbers, codes;
    for (size_t i = from; i < to; ++i) {
      types.push_back(rows[i].id_type);
      numbers.push_back(rows[i].id_number);
      counties.push_back(rows[i].county);
      codes.push_back(rows[i].household_code);
    }
    auto added = db.Run(
        "INSERT INTO person_index(id_type, id_number, county_code, household_code) "
        "SELECT * FROM unnest($1::bigint[], $2::text[], $3::bigint[], $4::text[])",
        pg::Params()
            .Text(pg::IntArray(types))
            .Text(pg::TextArray(numbers))
            .Text(pg::IntArray(counties))
            .Text(pg::TextArray(codes)));
    if (added.ok()) return Status::Ok();
    Error e = added.error();
    if (e.code == "E_CONFLICT") {
      e.zh = "预留证件号码时发现已登记在另一户的证件号码（另一处刚刚导入）：" + e.zh;
      e.en =
          "an ID number being reserved is registered in another household (imported "
          "elsewhere meanwhile): " +
          e.en;
    }
    return e;
  }

  Status Connect() {
    if (db_) return Status::Ok();
    auto db = internal::OpenNode(url_, "协调节点", "the coordinator");
    if (!db.ok()) return db.error();
    db_ = std::move(db).value();
    return Status::Ok();
  }

  Result<std::string> NodeUrl(int node) {
    std::lock_guard lock(mu_);
    if (auto it = urls_.find(node); it != urls_.end()) return it->second;
    FUPIN_RETURN_IF_ERROR(Connect());
    auto rows = db_->Query("SELECT url FROM cluster.nodes WHERE id = $1", pg::Params().Int(node));
    if (!rows.ok()) return rows.error();
    if (rows->size() != 1) {
      return Error::Database("集群目录中没有节点 " + std::to_string(node),
                             "the cluster's catalog has no node " + std::to_string(node));
    }
    return urls_[node] = rows->Text(0, 0);
  }

  // The batches matching `where` (on cluster.batches b), each county's state read from the
  // catalog, and for those not done from the marker on its shard.
  Result<std::vector<ClusterBatch>> ReadBatches(const std::string& where,
                                                const pg::Params& params) {
    FUPIN_RETURN_IF_ERROR(Connect());
    auto rows = db_->Query(
        "SELECT b.id, b.started_at, b.actor, b.sources, b.sha256, b.state, c.county_code, "
        "c.node_id, c.done FROM cluster.batches b LEFT JOIN cluster.batch_counties c ON "
        "c.batch_id = b.id WHERE " +
            where + " ORDER BY b.started_at, b.id, c.county_code",
        params);
    if (!rows.ok()) return rows.error();
    std::vector<ClusterBatch> out;
    std::map<int, std::unique_ptr<pg::Connection>> shards;
    for (int r = 0; r < rows->size(); ++r) {
      if (out.empty() || out.back().id != rows->TextView(r, 0)) {
        ClusterBatch& b = out.emplace_back();
        std::tie(b.id, b.started_at, b.actor, b.sources, b.sha256, b.state) =
            std::make_tuple(rows->Text(r, 0), rows->Text(r, 1), rows->Text(r, 2), rows->Text(r, 3),
                            rows->Text(r, 4), rows->Text(r, 5));
      }
      if (rows->IsNull(r, 6)) continue;  // a batch of no county
      BatchCounty& c = out.back().counties.emplace_back();
      c.county = rows->Int(r, 6);
      c.shard = static_cast<int>(rows->Int(r, 7));
      c.state = rows->Bool(r, 8) ? CountyState::kDone : CountyState::kPending;
      if (c.state == CountyState::kDone) continue;
      auto& shard = shards[c.shard];
      if (!shard) {
        auto url = NodeUrl(c.shard);
        if (!url.ok()) return url.error();
        auto db = internal::OpenNode(*url, "分片节点", "the shard");
        if (!db.ok()) return db.error();
        shard = std::move(db).value();
      }
      auto marker = shard->Query("SELECT 1 FROM meta WHERE key = $1",
                                 pg::Params().Text(MarkerKey(out.back().id, c.county)));
      if (!marker.ok()) return marker.error();
      if (marker->size()) c.state = CountyState::kWritten;
    }
    return out;
  }

  // In db_'s transaction: the counties' locks, then their person_index rows made those of
  // their members (rows of other counties are left alone; a member's ID number registered
  // elsewhere is E_CONFLICT).
  Status Resync(const std::set<int64_t>& counties) {
    using Key =
        std::tuple<int64_t, std::string, int64_t, std::string>;  // type, number, county, household
    std::set<Key> members, indexed;
    for (int64_t county : counties) {
      auto locked = db_->Run(kLockSql, pg::Params().Int(-county));
      if (!locked.ok()) return locked.error();
      auto m = db_->Query(
          "SELECT id_type, id_number, household_code FROM members WHERE county_code = $1",
          pg::Params().Int(county));
      if (!m.ok()) return m.error();
      for (int r = 0; r < m->size(); ++r)
        members.insert({m->Int(r, 0), m->Text(r, 1), county, m->Text(r, 2)});
    }
    std::vector<int64_t> list(counties.begin(), counties.end());
    auto p = db_->Query(
        "SELECT id_type, id_number, county_code, household_code FROM person_index "
        "WHERE county_code = ANY($1::bigint[])",
        pg::Params().Text(pg::IntArray(list)));
    if (!p.ok()) return p.error();
    for (int r = 0; r < p->size(); ++r)
      indexed.insert({p->Int(r, 0), p->Text(r, 1), p->Int(r, 2), p->Text(r, 3)});
    std::vector<PersonEntry> stale, missing;
    for (const Key& k : indexed) {
      if (!members.count(k))
        stale.push_back(
            {static_cast<int>(std::get<0>(k)), std::get<1>(k), std::get<2>(k), std::get<3>(k)});
    }
    for (const Key& k : members) {
      if (!indexed.count(k))
        missing.push_back(
            {static_cast<int>(std::get<0>(k)), std::get<1>(k), std::get<2>(k), std::get<3>(k)});
    }
    for (const PersonEntry& e : stale) FUPIN_RETURN_IF_ERROR(Release(*db_, e));
    return missing.empty() ? Status::Ok() : Reserve(*db_, missing, 0, missing.size());
  }

  std::string url_;
  StoreOptions options_;
  // db_ and the caches are used by ShardOf and NodeUrl on several threads at once (under
  // mu_); the other calls come from the import's own thread.
  std::mutex mu_;
  std::unique_ptr<pg::Connection> db_;
  std::map<int64_t, int> shards_;
  std::map<int, std::string> urls_;
  std::vector<std::unique_ptr<pg::Connection>> reservers_;  // AddPersons' connections
};

}  // namespace

std::unique_ptr<CountyWriters> MakeCountyWriters(const std::string& coordinator_url,
                                                 const StoreOptions& options) {
  return std::make_unique<PgCountyWriters>(coordinator_url, options);
}

}  // namespace cluster

namespace pg {

CountyWriters* PgStore::county_writers() {
  if (!cluster_) return nullptr;
  if (!county_writers_) county_writers_ = cluster::MakeCountyWriters(url_, options_);
  return county_writers_.get();
}

}  // namespace pg
}  // namespace fupin
