#include "storage/postgres/pg_test_server.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <mutex>
#include <string>
#include <vector>

#include "storage/postgres/pg_db.h"

namespace fupin::pg::testing {
namespace {

std::string url;
std::vector<std::string> shard_servers;  // FUPIN_TEST_DB=cluster: the other instances

bool ClusterMode() {
  const char* db = getenv("FUPIN_TEST_DB");
  return db && std::string(db) == "cluster";
}

class ServerEnvironment : public ::testing::Environment {
 public:
  void SetUp() override {}

  // Starts the server (once, on the first TestUrl()): a binary whose tests all run on
  // SQLite (FUPIN_TEST_DB unset) starts none.
  void Start() {
    // FUPIN_TEST_DB=cluster: scripts/pg-test-cluster's three instances instead of one
    // server (the first's URL is url, the shards' databases shard_servers).
    const bool cluster = ClusterMode();
    const char* script = cluster ? FUPIN_PG_TEST_CLUSTER : FUPIN_PG_TEST_SERVER;
    if (const char* given = getenv("FUPIN_PG_URL"); !cluster && given && *given) {
      url = given;
      return;
    }
    char dir[] = "/tmp/fupin-pg-XXXXXX";
    ASSERT_NE(mkdtemp(dir), nullptr);
    dir_ = dir;
    // The watchdog: stops the server once the read end sees EOF (TearDown, or the death
    // of this process, closes the write end).
    int fds[2];
    ASSERT_EQ(pipe2(fds, O_CLOEXEC), 0);  // the server started below must not hold it
    watchdog_ = fork();
    ASSERT_GE(watchdog_, 0);
    if (watchdog_ == 0) {
      close(fds[1]);
      char byte;
      while (read(fds[0], &byte, 1) > 0) {
      }
      if (std::filesystem::exists(dir_)) execl(script, script, "stop", dir_.c_str(), nullptr);
      _exit(0);
    }
    close(fds[0]);
    pipe_ = fds[1];
    const std::string command =
        std::string(script) + " start " + dir_ + (cluster ? " 3 --no-init" : "");
    FILE* out = popen(command.c_str(), "r");
    ASSERT_NE(out, nullptr);
    std::vector<std::string> lines;
    char line[512] = {};
    while (fgets(line, sizeof line, out) != nullptr) {
      lines.emplace_back(line);
      while (!lines.back().empty() && lines.back().back() == '\n') lines.back().pop_back();
    }
    const int status = pclose(out);
    ASSERT_TRUE(!lines.empty() && status == 0) << command << " failed";
    url = lines[0];
    shard_servers.assign(lines.begin() + 1, lines.end());
  }

  void TearDown() override {
    if (watchdog_ <= 0) return;
    close(pipe_);
    int status = 0;
    waitpid(watchdog_, &status, 0);
    watchdog_ = 0;
  }

 private:
  std::string dir_;
  pid_t watchdog_ = 0;
  int pipe_ = -1;
};

ServerEnvironment* const environment =
    static_cast<ServerEnvironment*>(::testing::AddGlobalTestEnvironment(new ServerEnvironment));

}  // namespace

const std::string& TestUrl() {
  static std::once_flag started;
  std::call_once(started, [] { environment->Start(); });
  return url;
}

const std::vector<std::string>& ShardServers() {
  TestUrl();
  return shard_servers;
}

std::string FreshDatabase(const std::string& name) {
  auto db = Connection::Open(TestUrl());
  EXPECT_TRUE(db.ok()) << (db.ok() ? "" : db.error().en);
  if (!db.ok()) return url;
  EXPECT_TRUE((*db)->Exec("DROP DATABASE IF EXISTS " + name).ok());
  EXPECT_TRUE((*db)->Exec("CREATE DATABASE " + name + " STRATEGY FILE_COPY").ok());
  return url.substr(0, url.rfind('/') + 1) + name;
}

}  // namespace fupin::pg::testing
