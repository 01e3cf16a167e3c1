// The test cluster of a test binary (FUPIN_TEST_DB=cluster): pg_test_server.h starts three
// instances with scripts/pg-test-cluster (stopped after, also on failure); a cluster
// database here is a coordinator database NAME on the first instance and shard databases
// NAME_s0, NAME_s1, NAME_s2 on instances 0, 1 and 2, cluster-inited (cluster.h). Fresh ones
// are copies of a template cluster inited once per binary: CREATE DATABASE … TEMPLATE on
// every node, then cluster::Retarget on the copy's coordinator.
#pragma once

#include <string>
#include <vector>

namespace fupin::pg::testing {

// Whether the tests run on the test cluster (FUPIN_TEST_DB=cluster).
bool UseCluster();
// The partitions per sharded table of the tests' clusters: FUPIN_TEST_CLUSTER_PARTITIONS,
// else 64.
int ClusterPartitions();
// The URL of the coordinator of a new cluster database `name` (dropped first if it exists),
// a copy of the binary's template cluster, or of the cluster database `source` when given.
std::string FreshClusterDatabase(const std::string& name, const std::string& source = "");
// Drops the cluster database `name` (coordinator and shards), its connections closed.
void DropClusterDatabase(const std::string& name);
// The URLs of the shard databases of cluster database `name` (shard K on instance K).
std::vector<std::string> ClusterShardUrls(const std::string& name);

}  // namespace fupin::pg::testing
