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

// The import builds the assessment view only where it is kept (a file beside the SQLite
// database): on PostgreSQL the stage is skipped, its progress line with it (issue 15).
TEST(PostgresCliTest, AnImportBuildsTheAssessmentViewOnlyForADatabaseFile) {
  const std::string url = pg::testing::FreshDatabase("fupin_cli_view");
  const std::string dir = MakeTempDir("fupin_pg_cli_view");
  ASSERT_FALSE(dir.empty());
  const std::vector<std::string> env{"FUPIN_AUDIT_KEY=" + dir + "/audit.key"};
  const fs::path base = kDataDir / "import" / "base";
  const std::string file = dir + "/register.db";
  for (const std::string& db : {file, url}) {
    ASSERT_EQ(RunFupin({"--db", db, "init"}, env, dir).exit_code, 0) << db;
    ASSERT_EQ(
        RunFupin({"--db", db, "regions", "load", "--from", (kDataDir / "regions.csv").string()},
                 env, dir)
            .exit_code,
        0)
        << db;
  }
  const std::vector<std::string> import_args{"--lang", "en", "import",
                                             (base / "households.csv").string(),
                                             (base / "members.csv").string()};
  auto with_db = [&](const std::string& db) {
    std::vector<std::string> args{"--db", db};
    args.insert(args.end(), import_args.begin(), import_args.end());
    return args;
  };
  RunResult on_file = RunFupin(with_db(file), env, dir);
  ASSERT_EQ(on_file.exit_code, 0) << on_file.err;
  EXPECT_NE(on_file.err.find("building the assessment view"), std::string::npos) << on_file.err;
  RunResult on_pg = RunFupin(with_db(url), env, dir);
  ASSERT_EQ(on_pg.exit_code, 0) << on_pg.err;
  EXPECT_EQ(on_pg.err.find("building the assessment view"), std::string::npos) << on_pg.err;
  // The same summary line on both.
  EXPECT_EQ(on_pg.out, on_file.out);
  fs::remove_all(dir);
}

}  // namespace
}  // namespace fupin::testing
