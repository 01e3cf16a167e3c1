#include "storage/postgres/pg_test_store.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <atomic>
#include <mutex>
#include <string>

#include "storage/postgres/cluster/pg_test_cluster.h"
#include "storage/postgres/pg_db.h"
#include "storage/postgres/pg_schema.h"
#include "storage/postgres/pg_test_server.h"

namespace fupin::pg::testing {
namespace {

// The template of this process's databases (two test binaries may share a server given
// by FUPIN_PG_URL).
const std::string& Template() {
  static const std::string name = "fupin_template_" + std::to_string(getpid());
  return name;
}

std::string ServerUrl(const std::string& name) {
  const std::string& url = TestUrl();
  return url.substr(0, url.rfind('/') + 1) + name;
}

}  // namespace

bool UsePostgres() {
  const char* db = getenv("FUPIN_TEST_DB");
  return db && (std::string(db) == "postgres" || UseCluster());
}

std::string FreshMigratedDatabase() {
  if (UseCluster()) {  // a fresh cluster database: its coordinator's URL
    static std::atomic<int> next{0};
    return FreshClusterDatabase("fupin_c" + std::to_string(getpid()) + "_" +
                                std::to_string(next.fetch_add(1)));
  }
  static std::once_flag migrated;
  std::call_once(migrated, [] {
    const std::string url = FreshDatabase(Template());
    auto db = Connection::Open(url);
    ASSERT_TRUE(db.ok()) << db.error().en;
    auto version = Migrate(**db);
    ASSERT_TRUE(version.ok()) << version.error().en;
  });
  static std::atomic<int> next{0};
  const std::string name =
      "fupin_t" + std::to_string(getpid()) + "_" + std::to_string(next.fetch_add(1));
  auto server = Connection::Open(TestUrl());
  EXPECT_TRUE(server.ok()) << server.error().en;
  if (!server.ok()) return TestUrl();
  Status made = (*server)->Exec("CREATE DATABASE " + name + " TEMPLATE " + Template() +
                                " STRATEGY FILE_COPY");
  EXPECT_TRUE(made.ok()) << made.error().en;
  return ServerUrl(name);
}

void DropDatabase(const std::string& url) {
  const std::string name = url.substr(url.rfind('/') + 1);
  if (UseCluster()) return DropClusterDatabase(name);
  auto server = Connection::Open(TestUrl());
  if (!server.ok()) return;
  (void)(*server)->Exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
}

}  // namespace fupin::pg::testing
