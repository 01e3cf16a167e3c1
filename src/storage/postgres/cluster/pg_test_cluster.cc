#include "storage/postgres/cluster/pg_test_cluster.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <mutex>

#include "storage/postgres/cluster/cluster.h"
#include "storage/postgres/pg_db.h"
#include "storage/postgres/pg_test_server.h"

namespace fupin::pg::testing {
namespace {

// A database of instance `k` through which it is reached (the coordinator's is instance 0).
const std::string& Instance(int k) { return ShardServers()[k]; }

std::string OnInstance(int k, const std::string& database) {
  const std::string& server = Instance(k);
  return server.substr(0, server.rfind('/') + 1) + database;
}

void RunOn(int k, const std::string& sql) {
  auto db = Connection::Open(Instance(k));
  ASSERT_TRUE(db.ok()) << db.error().en;
  Status s = (*db)->Exec(sql);
  ASSERT_TRUE(s.ok()) << sql << ": " << s.error().en;
}

int Shards() { return static_cast<int>(ShardServers().size()); }

// The template cluster of this process (two binaries may share nothing but the names).
const std::string& TemplateName() {
  static const std::string name = "fupin_ctpl_" + std::to_string(getpid());
  return name;
}

void MakeTemplate() {
  const std::string name = TemplateName();
  std::vector<std::string> shards;
  for (int k = 0; k < Shards(); ++k) {
    RunOn(k, "DROP DATABASE IF EXISTS " + name + "_s" + std::to_string(k));
    RunOn(k, "CREATE DATABASE " + name + "_s" + std::to_string(k) + " STRATEGY FILE_COPY");
    shards.push_back(OnInstance(k, name + "_s" + std::to_string(k)));
  }
  RunOn(0, "DROP DATABASE IF EXISTS " + name);
  RunOn(0, "CREATE DATABASE " + name + " STRATEGY FILE_COPY");
  auto report = cluster::Init(OnInstance(0, name), {shards, ClusterPartitions()});
  ASSERT_TRUE(report.ok()) << report.error().en;
}

}  // namespace

bool UseCluster() {
  const char* db = getenv("FUPIN_TEST_DB");
  return db && std::string(db) == "cluster";
}

int ClusterPartitions() {
  const char* given = getenv("FUPIN_TEST_CLUSTER_PARTITIONS");
  return given && *given ? atoi(given) : 64;
}

std::vector<std::string> ClusterShardUrls(const std::string& name) {
  std::vector<std::string> urls;
  for (int k = 0; k < Shards(); ++k) urls.push_back(OnInstance(k, name + "_s" + std::to_string(k)));
  return urls;
}

std::string FreshClusterDatabase(const std::string& name, const std::string& source) {
  static std::once_flag made;
  if (source.empty()) std::call_once(made, MakeTemplate);
  const std::string from = source.empty() ? TemplateName() : source;
  DropClusterDatabase(name);
  for (int k = 0; k < Shards(); ++k) {
    const std::string suffix = "_s" + std::to_string(k);
    RunOn(k, "CREATE DATABASE \"" + name + suffix + "\" TEMPLATE \"" + from + suffix +
                 "\" STRATEGY FILE_COPY");
  }
  RunOn(0, "CREATE DATABASE \"" + name + "\" TEMPLATE \"" + from + "\" STRATEGY FILE_COPY");
  const std::string url = OnInstance(0, name);
  Status retargeted = cluster::Retarget(url, ClusterShardUrls(name));
  EXPECT_TRUE(retargeted.ok()) << retargeted.error().en;
  return url;
}

void DropClusterDatabase(const std::string& name) {
  RunOn(0, "DROP DATABASE IF EXISTS \"" + name + "\" WITH (FORCE)");
  for (int k = 0; k < Shards(); ++k) {
    RunOn(k, "DROP DATABASE IF EXISTS \"" + name + "_s" + std::to_string(k) + "\" WITH (FORCE)");
  }
}

}  // namespace fupin::pg::testing
