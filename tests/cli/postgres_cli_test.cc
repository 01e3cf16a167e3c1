// `fupin --db postgresql://…` (issue 15): the command line on a PostgreSQL database of a
// throwaway server (scripts/pg-test-server, started by pg_test_server.h for this binary).
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "fupin_process.h"
#include "storage/postgres/pg_test_server.h"

namespace fupin::testing {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;

const fs::path kDataDir = FUPIN_TESTDATA_DIR;

TEST(PostgresCliTest, InitRegionsImportAndSummaryRunOnAPostgreSqlDatabase) {
  const std::string url = pg::testing::FreshDatabase("fupin_cli");
  const std::string dir = MakeTempDir("fupin_pg_cli_test");
  ASSERT_FALSE(dir.empty());
  // The audit key of a database that is not a file is named by FUPIN_AUDIT_KEY.
  const std::vector<std::string> env{"FUPIN_AUDIT_KEY=" + dir + "/audit.key"};

  // Before `init`: the schema is missing, and the message says what to do.
  RunResult early = RunFupin({"--db", url, "report", "summary"}, env, dir);
  EXPECT_NE(early.exit_code, 0);
  EXPECT_NE(early.err.find("E_NO_SCHEMA"), std::string::npos) << early.err;

  RunResult init = RunFupin({"--db", url, "init"}, env, dir);
  ASSERT_EQ(init.exit_code, 0) << init.err;
  RunResult regions = RunFupin(
      {"--db", url, "regions", "load", "--from", (kDataDir / "regions.csv").string()}, env, dir);
  ASSERT_EQ(regions.exit_code, 0) << regions.err;
  const fs::path base = kDataDir / "import" / "base";
  RunResult import = RunFupin(
      {"--db", url, "import", (base / "households.csv").string(), (base / "members.csv").string()},
      env, dir);
  ASSERT_EQ(import.exit_code, 0) << import.err;
  RunResult summary = RunFupin({"--db", url, "report", "summary", "--json"}, env, dir);
  ASSERT_EQ(summary.exit_code, 0) << summary.err;
  const json j = json::parse(summary.out, nullptr, /*allow_exceptions=*/false);
  ASSERT_FALSE(j.is_discarded()) << summary.out;
  EXPECT_EQ(j["households"], 4);

  // The same import again changes nothing.
  RunResult again = RunFupin(
      {"--db", url, "import", (base / "households.csv").string(), (base / "members.csv").string()},
      env, dir);
  ASSERT_EQ(again.exit_code, 0) << again.err;
  RunResult after = RunFupin({"--db", url, "report", "summary", "--json"}, env, dir);
  ASSERT_EQ(after.exit_code, 0) << after.err;
  EXPECT_EQ(json::parse(after.out, nullptr, false), j);
  fs::remove_all(dir);
}

}  // namespace
}  // namespace fupin::testing
