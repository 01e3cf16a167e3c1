// `fupin cluster init|status|check` (docs/cluster.md): the sharded PostgreSQL cluster, --db being
// its coordinator. The work is storage/postgres/cluster/cluster.h's; this file parses and
// prints.
#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "storage/postgres/cluster/cluster.h"

namespace fupin {
namespace {

bool IsPostgresUrl(const std::string& url) {
  return url.starts_with("postgresql://") || url.starts_with("postgres://");
}

}  // namespace

ClusterCommands::ClusterCommands(CLI::App& app, Globals& g) : g_(g) {
  auto* cluster = app.add_subcommand(
      "cluster",
      "按县分片的 PostgreSQL 集群（--db 为协调节点）/ the sharded PostgreSQL cluster "
      "(--db is its coordinator)");
  init_ = cluster->add_subcommand(
      "init",
      "在空数据库上建立集群：各节点迁移、分区、postgres_fdw / make a cluster of empty "
      "databases: every node migrated, partitioned, linked by postgres_fdw");
  init_->add_option("--node", nodes_, "分片数据库地址，可多次 / a shard's URL, repeatable")
      ->required();
  init_->add_option("--partitions", partitions_,
                    "每张分片表的哈希分区数（默认 64）/ hash partitions per sharded table "
                    "(default 64)");
  init_->add_flag("--json", g.json);
  status_ = cluster->add_subcommand(
      "status",
      "各节点：可否连接、结构版本、分区、行数 / every node: reachable, schema version, "
      "partitions, rows");
  status_->add_flag("--json", g.json);
  check_ = cluster->add_subcommand(
      "check",
      "按县由分片上的户重算汇总并与协调节点所存比较 / recount every county's aggregates "
      "from its shard rows and compare them with the coordinator's");
  check_->add_option("--county", county_, "只查此县（12 位代码）/ this county only (12 digits)");
  check_->add_flag("--fix", fix_, "改正不符的汇总 / set differing aggregates right");
  check_
      ->add_option("--finish", finish_files_,
                   "用同样的文件完成中断的导入批次 / finish the interrupted import batch of "
                   "these same files")
      ->expected(1, 2);
  check_->add_option("--rollback", rollback_batch_,
                     "回退中断的导入批次中未写入的县 / roll back the counties not written of an "
                     "interrupted import batch");
  check_->add_flag("--json", g.json);
  add_node_ = cluster->add_subcommand(
      "add-node",
      "加入一个空数据库作新分片，并移入分区使各节点均衡 / add an empty database as a new "
      "shard and move partitions to it until every node owns its share");
  add_node_->add_option("--node", node_, "新分片的数据库地址 / the new shard's URL")->required();
  add_node_->add_flag("--json", g.json);
}

std::optional<int> ClusterCommands::Run() const {
  if (*init_) return Init();
  if (*status_) return Status();
  if (*check_) return Check();
  if (*add_node_) return AddNode();
  return std::nullopt;
}

int ClusterCommands::Init() const {
  const std::string coordinator = DbUrl(g_);
  if (!IsPostgresUrl(coordinator)) {
    return Fail(g_, Error::Usage("--db 须为 PostgreSQL 协调节点的地址（postgresql://…）",
                                 "--db must be the PostgreSQL coordinator's URL (postgresql://…)"));
  }
  for (const std::string& node : nodes_) {
    if (!IsPostgresUrl(node)) {
      return Fail(g_, Error::Usage("--node 须为 PostgreSQL 地址（postgresql://…）：" + node,
                                   "--node must be a PostgreSQL URL (postgresql://…): " + node));
    }
  }
  auto report = cluster::Init(coordinator, {nodes_, partitions_});
  if (!report.ok()) return Fail(g_, report.error());
  if (g_.json) {
    std::cout << nlohmann::ordered_json{{"coordinator", cluster::WithoutPassword(coordinator)},
                                        {"nodes", report->nodes},
                                        {"partitions", report->partitions},
                                        {"schema_version", report->schema_version}}
                     .dump()
              << "\n";
    return 0;
  }
  std::cout << Say(g_, "集群已建立：协调节点 ", "cluster ready: coordinator ")
            << cluster::WithoutPassword(coordinator) << Say(g_, "，", ", ") << report->nodes
            << Say(g_, " 个分片，每表 ", " shards, ") << report->partitions
            << Say(g_, " 个分区（结构版本 ", " partitions per table (schema version ")
            << report->schema_version << ")\n";
  return 0;
}

int ClusterCommands::Status() const {
  auto status = cluster::ReadStatus(DbUrl(g_));
  if (!status.ok()) return Fail(g_, status.error());
  int unreachable = 0;
  for (const cluster::NodeStatus& node : status->nodes) unreachable += node.reachable ? 0 : 1;
  if (g_.json) {
    nlohmann::ordered_json nodes = nlohmann::ordered_json::array();
    for (const cluster::NodeStatus& node : status->nodes) {
      nlohmann::ordered_json item{{"id", node.id < 0 ? nlohmann::ordered_json("coordinator")
                                                     : nlohmann::ordered_json(node.id)},
                                  {"url", node.url},
                                  {"reachable", node.reachable}};
      if (!node.error.empty()) item["error"] = node.error;
      item["schema_version"] = node.schema_version;
      item["partitions"] = node.partitions;
      item["partitions_found"] = node.partitions_found;
      item["rows"] = node.rows;
      nodes.push_back(std::move(item));
    }
    std::cout << nlohmann::ordered_json{{"partitions", status->partitions}, {"nodes", nodes}}.dump()
              << "\n";
  } else {
    std::cout << Say(g_, "每表分区数：", "partitions per table: ") << status->partitions << "\n";
    std::cout
        << Say(g_, "节点\t地址\t状态\t结构版本\t分区\t户\t成员\t变更记录\t身份证索引",
               "node\turl\tstate\tschema\tpartitions\thouseholds\tmembers\thistory\tperson_index")
        << "\n";
    for (const cluster::NodeStatus& node : status->nodes) {
      std::cout << (node.id < 0 ? Say(g_, "协调", "coordinator") : std::to_string(node.id)) << "\t"
                << node.url << "\t"
                << (node.reachable ? Say(g_, "正常", "ok") : Say(g_, "无法连接", "unreachable"))
                << "\t" << node.schema_version << "\t" << node.partitions;
      for (const std::string& table : cluster::ShardedTables()) {
        auto count = node.rows.find(table);
        std::cout << "\t" << (count == node.rows.end() ? "-" : std::to_string(count->second));
      }
      std::cout << "\n";
    }
  }
  if (unreachable > 0) {
    return Fail(g_, Error::Database(std::to_string(unreachable) + " 个节点无法连接",
                                    std::to_string(unreachable) + " node(s) cannot be reached"));
  }
  return 0;
}

namespace {

const char* StateName(CountyState state) {
  switch (state) {
    case CountyState::kDone:
      return "done";
    case CountyState::kWritten:
      return "written";
    case CountyState::kPending:
      break;
  }
  return "pending";
}

nlohmann::ordered_json BatchJson(const ClusterBatch& b) {
  nlohmann::ordered_json counties = nlohmann::ordered_json::array();
  for (const BatchCounty& c : b.counties) {
    counties.push_back({{"county", RegionCode::FromInt(c.county).ToString()},
                        {"shard", c.shard},
                        {"state", StateName(c.state)}});
  }
  return {{"batch", b.id},        {"started_at", b.started_at}, {"actor", b.actor},
          {"sources", b.sources}, {"sha256", b.sha256},         {"state", b.state},
          {"counties", counties}};
}

}  // namespace

int ClusterCommands::CheckBatches(Store& store, std::vector<ClusterBatch>& open) const {
  if (!rollback_batch_.empty()) {
    auto batch = RollBackImportBatch(store, rollback_batch_);
    if (!batch.ok()) return Fail(g_, batch.error());
    if (g_.json) {
      std::cout << nlohmann::ordered_json{{"rolled_back", BatchJson(*batch)}}.dump() << "\n";
    } else {
      std::cout << Say(g_, "已回退导入批次 ", "rolled back import batch ") << batch->id << "\n";
      for (const BatchCounty& c : batch->counties) {
        std::cout << "  " << RegionCode::FromInt(c.county).ToString() << "	"
                  << (c.state == CountyState::kDone
                          ? Say(g_, "已写入（保留）", "written (kept)")
                          : Say(g_, "未写入（已释放）", "not written (released)"))
                  << "\n";
      }
    }
    return 0;
  }
  auto batches = OpenImportBatches(store);
  if (!batches.ok()) return Fail(g_, batches.error());
  if (!finish_files_.empty()) {
    auto sha = FilesSha256(finish_files_);
    if (!sha.ok()) return Fail(g_, sha.error());
    for (const ClusterBatch& b : *batches) {
      if (b.sha256 != *sha) continue;
      ImportOptions options;
      options.files = finish_files_;
      options.batch_id = b.id;
      return CmdImport(g_, options, "auto");
    }
    return Fail(g_, Error::NotFound("没有由这些文件导入的未完成批次",
                                    "no unfinished import batch was imported from these files"));
  }
  open = *batches;
  if (g_.json) return 0;  // printed with the aggregates
  for (const ClusterBatch& b : open) {
    std::cout << Say(g_, "未完成的导入批次 ", "unfinished import batch ") << b.id << "	"
              << b.started_at << "	" << b.sources << "\n";
    for (const BatchCounty& c : b.counties) {
      std::cout << "  " << RegionCode::FromInt(c.county).ToString() << "	"
                << Say(g_, "分片 ", "shard ") << c.shard << "	"
                << (c.state == CountyState::kDone ? Say(g_, "已写入", "written")
                    : c.state == CountyState::kWritten
                        ? Say(g_, "已写入、待重算汇总", "written, aggregates to recount")
                        : Say(g_, "未写入", "not written"))
                << "\n";
    }
  }
  return 0;
}

int ClusterCommands::Check() const {
  std::vector<ClusterBatch> open;
  {
    auto store = OpenStore(g_, Store::OpenMode::kExisting);
    if (!store.ok()) return Fail(g_, store.error(), 2);
    if (!(*store)->county_writers()) {
      return Fail(
          g_, Error::Usage("数据库 " + cluster::WithoutPassword(DbUrl(g_)) + " 不是集群的协调节点",
                           "the database " + cluster::WithoutPassword(DbUrl(g_)) +
                               " is not a cluster's coordinator"));
    }
    const int rc = CheckBatches(**store, open);
    if (rc != 0 || !finish_files_.empty() || !rollback_batch_.empty()) return rc;
  }
  int64_t county = 0;
  if (!county_.empty()) {
    auto code = ParseRegionOption(county_);
    if (!code.ok()) return Fail(g_, code.error());
    if (code->level() != RegionLevel::kCounty) {
      return Fail(g_, Error::Usage("--county 须为县级区划代码：" + county_,
                                   "--county must be a county's code: " + county_));
    }
    county = code->value();
  }
  // The shards' copies of the dictionaries (regions), copied again with --fix.
  auto stale = cluster::StaleDictionaries(DbUrl(g_));
  if (!stale.ok()) return Fail(g_, stale.error());
  if (!stale->empty() && fix_) {
    if (fupin::Status s = cluster::SyncDictionaries(DbUrl(g_)); !s.ok()) return Fail(g_, s.error());
  }
  if (!g_.json) {
    for (int node : *stale) {
      std::cout << Say(g_, "分片 ", "shard ") << node
                << (fix_ ? Say(g_, " 的区划已按协调节点重新复制",
                               ": regions copied again from the coordinator")
                         : Say(g_, " 的区划与协调节点不同",
                               ": regions differ from the coordinator's"))
                << "\n";
    }
  }
  auto checks = cluster::CheckAggregates(DbUrl(g_), county, fix_);
  if (!checks.ok()) return Fail(g_, checks.error());
  int64_t differing = 0;
  for (const cluster::CountyCheck& check : *checks) differing += check.differences.empty() ? 0 : 1;
  if (g_.json) {
    nlohmann::ordered_json counties = nlohmann::ordered_json::array();
    for (const cluster::CountyCheck& check : *checks) {
      nlohmann::ordered_json differences = nlohmann::ordered_json::array();
      for (const cluster::AggregateDifference& d : check.differences) {
        differences.push_back({{"region", RegionCode::FromInt(d.region_code).ToString()},
                               {"metric", d.metric},
                               {"stored", d.stored},
                               {"recounted", d.recounted}});
      }
      counties.push_back({{"county", RegionCode::FromInt(check.county).ToString()},
                          {"differences", differences},
                          {"fixed", check.fixed}});
    }
    nlohmann::ordered_json batches = nlohmann::ordered_json::array();
    for (const ClusterBatch& b : open) batches.push_back(BatchJson(b));
    std::cout << nlohmann::ordered_json{{"batches", batches},
                                        {"stale_dictionaries", *stale},
                                        {"dictionaries_fixed", fix_ && !stale->empty()},
                                        {"counties", counties}}
                     .dump()
              << "\n";
  } else {
    for (const cluster::CountyCheck& check : *checks) {
      std::cout << RegionCode::FromInt(check.county).ToString() << "\t"
                << (check.differences.empty() ? Say(g_, "汇总一致", "aggregates agree")
                    : check.fixed             ? Say(g_, "汇总已改正", "aggregates fixed")
                                              : Say(g_, "汇总不符", "aggregates differ"))
                << "\n";
      for (const cluster::AggregateDifference& d : check.differences) {
        std::cout << "  " << RegionCode::FromInt(d.region_code).ToString() << "\t" << d.metric
                  << "\t" << Say(g_, "所存 ", "stored ") << d.stored
                  << Say(g_, "，重算 ", ", recounted ") << d.recounted << "\n";
      }
    }
  }
  if (!open.empty()) {
    return Fail(
        g_, Error::Conflict(
                std::to_string(open.size()) +
                    " 个导入批次未完成（用同样的文件 --finish 完成，或 --rollback 批次号 回退）",
                std::to_string(open.size()) +
                    " import batch(es) unfinished (--finish with the same files, or "
                    "--rollback BATCH)"));
  }
  if (!stale->empty() && !fix_) {
    return Fail(g_,
                Error::Conflict(
                    std::to_string(stale->size()) + " 个分片的区划与协调节点不同（--fix 重新复制）",
                    std::to_string(stale->size()) +
                        " shard(s) whose regions differ from the coordinator's (--fix copies "
                        "them again)"));
  }
  if (differing > 0 && !fix_) {
    return Fail(
        g_, Error::Conflict(std::to_string(differing) + " 个县的汇总与其户数据不符（--fix 改正）",
                            std::to_string(differing) +
                                " county(ies) whose aggregates differ from their rows "
                                "(--fix sets them right)"));
  }
  return 0;
}

int ClusterCommands::AddNode() const {
  if (!IsPostgresUrl(node_)) {
    return Fail(g_, Error::Usage("--node 须为 PostgreSQL 地址（postgresql://…）：" + node_,
                                 "--node must be a PostgreSQL URL (postgresql://…): " + node_));
  }
  auto report = cluster::AddNode(DbUrl(g_), node_);
  if (!report.ok()) return Fail(g_, report.error());
  if (g_.json) {
    nlohmann::ordered_json owned = nlohmann::ordered_json::object();
    for (const auto& [id, count] : report->owned) owned[std::to_string(id)] = count;
    std::cout << nlohmann::ordered_json{{"node", report->node},
                                        {"url", cluster::WithoutPassword(node_)},
                                        {"added", report->added},
                                        {"moved", report->moved},
                                        {"rows_moved", report->rows_moved},
                                        {"mended", report->mended},
                                        {"partitions", owned},
                                        {"seconds", report->seconds}}
                     .dump()
              << "\n";
    return 0;
  }
  std::cout << Say(g_, "节点 ", "node ") << report->node << " (" << cluster::WithoutPassword(node_)
            << ") "
            << (report->added ? Say(g_, "已加入", "added") : Say(g_, "已在集群中", "was in"))
            << Say(g_, "；移入 ", "; moved ") << report->moved.size()
            << Say(g_, " 个分区（每表），", " partitions (per table), ");
  int64_t households =
      report->rows_moved.count("households") ? report->rows_moved.at("households") : 0;
  char seconds[32];
  std::snprintf(seconds, sizeof seconds, "%.2f", report->seconds);
  std::cout << households << Say(g_, " 户，用时 ", " households, in ") << seconds
            << Say(g_, " 秒", " s");
  if (report->mended > 0) {
    std::cout << Say(g_, "；清除残留分区 ", "; leftover partitions dropped: ") << report->mended;
  }
  std::cout << "\n" << Say(g_, "节点\t分区", "node\tpartitions") << "\n";
  for (const auto& [id, count] : report->owned) std::cout << id << "\t" << count << "\n";
  return 0;
}

}  // namespace fupin
