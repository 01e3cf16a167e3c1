// The PostgreSQL server of a test binary: scripts/pg-test-server starts one throwaway
// server (initdb in a temporary folder, 127.0.0.1, a free port) when a test first asks for
// its URL, and stops it after the last test, even when a test fails or the binary crashes
// (a watchdog child stops it when the binary's end of a pipe closes). FUPIN_PG_URL, when set, names
// a server to use instead (nothing is started or stopped then). With FUPIN_TEST_DB=cluster
// the binary's server is a three-instance test cluster instead (scripts/pg-test-cluster).
#pragma once

#include <string>
#include <vector>

namespace fupin::pg::testing {

// The URL of the test database (postgresql://fupin@127.0.0.1:PORT/fupin_test).
const std::string& TestUrl();
// FUPIN_TEST_DB=cluster (scripts/pg-test-cluster, three instances): TestUrl() is the first
// instance's test database and these the empty databases fupin_shardK on instance K (0, 1,
// 2), through which a test reaches the instances; empty otherwise.
const std::vector<std::string>& ShardServers();
// The URL of another database on the same server, created empty by this call.
std::string FreshDatabase(const std::string& name);

}  // namespace fupin::pg::testing
