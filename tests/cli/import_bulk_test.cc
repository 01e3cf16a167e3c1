// The bulk load of an empty register against the ordinary import (issue 13, item 3): an
// import into an empty register defers the secondary indexes of households and
// household_history to its commit (storage/sqlite/sqlite_store_impl.h DeferIndexes); an
// import into a register that already holds another county writes every index row by row
// as before. The same files through both must give the same report, export, rejects and
// rows, and the deferred indexes must come back whole, with the schema of `fupin init`.
// On PostgreSQL (FUPIN_TEST_DB=postgres) an import into an empty register skips the checks
// of keys already in the tables (storage/postgres/pg_store.cc) instead: the same files must
// give the same outcome there too, and its indexes stay as `fupin init` made them and valid.
#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "fupin_process.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "register_sql.h"

namespace fupin::testing {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

// tests/data/regions.csv (county 620422) and a second county for the ordinary path.
const char* kRegions =
    "行政区划代码,名称,农村人口\n"
    "62,甘肃省,\n"
    "6204,白银市,\n"
    "620421,靖远县,\n"
    "620421100,乌兰镇,\n"
    "620421100201,城关村,500\n"
    "620422,会宁县,\n"
    "620422101,会师镇,\n"
    "620422102,太平店镇,\n"
    "620422101205,南关村,800\n"
    "620422102201,太平店村,900\n"
    "620422102202,新庄村,700\n";

// Every row a query gives, its columns joined by '|' and its rows by '\n' (register_sql.h).
std::string Dump(const std::string& db_path, const std::string& sql) {
  return SqlRows(db_path, sql);
}

// The rows of county 620422 in every table an import writes (the batch id, random, left
// out), and the aggregates of the county and below.
std::string CountyRows(const std::string& db) {
  const std::string county = " WHERE county_code = 620422 ";
  return Dump(db,
              "SELECT county_code, household_code, village_code, kind, poverty_status, "
              "registered_year, exit_year, attribute, main_cause, other_causes, declared_size, "
              "member_count, wage_income, business_income, business_cost, property_income, "
              "transfer_income, medical_out_of_pocket, education_cost, disaster_loss, "
              "food_secure, clothing_secure, housing_grade, renovation, relocation, water_safe, "
              "monitor_type, monitor_status, monitor_since, risk_types, phone, version "
              "FROM households" +
                  county + "ORDER BY household_code") +
         Dump(db, "SELECT * FROM members" + county + "ORDER BY household_code, seq") +
         Dump(db, "SELECT * FROM person_index" + county + "ORDER BY id_type, id_number") +
         Dump(db,
              "SELECT county_code, household_code, at, actor, field, old_value, new_value "
              "FROM household_history" +
                  county +
                  (OnPostgres() ? "ORDER BY household_code, at, field, old_value, new_value"
                                : "ORDER BY rowid")) +
         Dump(db,
              "SELECT * FROM region_aggregates WHERE region_code BETWEEN 620422000000 AND "
              "620422999999 ORDER BY region_code, metric");
}

// The indexes of the register's tables as `fupin init` made them, in name order.
std::string Indexes(const std::string& db) {
  if (OnPostgres()) {
    return Dump(db,
                "SELECT indexname, tablename, indexdef FROM pg_indexes "
                "WHERE schemaname IN ('public', 'accounts') ORDER BY schemaname, indexname");
  }
  return Dump(db,
              "SELECT name, tbl_name, sql FROM sqlite_master WHERE type = 'index' ORDER BY name");
}

// "ok|\n" when the database's indexes are whole: SQLite's integrity check, or on PostgreSQL
// no index left invalid or not ready (as an interrupted CREATE INDEX would leave it).
std::string IntegrityCheck(const std::string& db) {
  if (OnPostgres()) {
    return Dump(db,
                "SELECT CASE WHEN count(*) = 0 THEN 'ok' ELSE 'invalid indexes' END "
                "FROM pg_index WHERE NOT indisvalid OR NOT indisready");
  }
  return Dump(db, "PRAGMA integrity_check");
}

// A count of households read through the index `index` (SQLite: INDEXED BY; PostgreSQL:
// with sequential scans off, so that the planner reads an index).
std::string CountThroughIndex(const std::string& db, const std::string& index,
                              const std::string& where) {
  if (OnPostgres()) {
    return Dump(db, "SET enable_seqscan = off; SELECT count(*) FROM households WHERE " + where);
  }
  return Dump(db, "SELECT count(*) FROM households INDEXED BY " + index + " WHERE " + where);
}

class ImportBulkTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = MakeTempDir("fupin_import_bulk_test");
    ASSERT_FALSE(dir_.empty());
    WriteFile(Path("regions.csv"), kRegions);
    // The empty register, and one that holds a household of 靖远县.
    empty_ = Path("empty.db");
    other_ = Path("other.db");
    for (const auto& db : {empty_, other_}) {
      ASSERT_EQ(Fupin({"--db", db, "init"}).exit_code, 0);
      RunResult load = Fupin({"--db", db, "regions", "load", "--from", Path("regions.csv")});
      ASSERT_EQ(load.exit_code, 0) << load.err;
    }
    init_indexes_ = Indexes(empty_);
    ASSERT_NE(init_indexes_.find("households"), std::string::npos) << init_indexes_;
    RunResult gen = Fupin({"--db", empty_, "generate", "--county", "620422", "--households", "1500",
                           "--seed", "7", "--out", Path("gen")});
    ASSERT_EQ(gen.exit_code, 0) << gen.err;
    gen = Fupin({"--db", other_, "generate", "--county", "620421", "--households", "3", "--seed",
                 "7", "--out", Path("other")});
    ASSERT_EQ(gen.exit_code, 0) << gen.err;
    RunResult first = Import(other_, "other", {});
    ASSERT_EQ(first.exit_code, 0) << first.out << first.err;
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  std::string Path(const std::string& name) const { return (dir_ / name).string(); }
  RunResult Fupin(const std::vector<std::string>& args) { return RunFupin(args, {}, dir_); }
  RunResult Import(const std::string& db, const std::string& folder,
                   const std::vector<std::string>& flags) {
    std::vector<std::string> args{
        "--db",  db, "import", Path(folder + "/households.csv"), Path(folder + "/members.csv"),
        "--json"};
    args.insert(args.end(), flags.begin(), flags.end());
    return Fupin(args);
  }
  // The report without its batch id.
  static json Report(const RunResult& r) {
    json j = json::parse(r.out, nullptr, false);
    EXPECT_FALSE(j.is_discarded()) << r.out << r.err;
    if (j.is_object()) j.erase("batch_id");
    return j;
  }

  // Imports `folder` into both registers with `flags` and expects the same outcome.
  void ExpectSameOutcome(const std::string& folder, const std::vector<std::string>& flags,
                         int exit_code = 0) {
    std::vector<std::string> empty_flags = flags, other_flags = flags;
    const bool rejects = std::find(flags.begin(), flags.end(), "--skip-invalid") != flags.end();
    if (rejects) {
      empty_flags.insert(empty_flags.end(), {"--rejects", Path("rejects-empty")});
      other_flags.insert(other_flags.end(), {"--rejects", Path("rejects-other")});
    }
    RunResult bulk = Import(empty_, folder, empty_flags);
    RunResult ordinary = Import(other_, folder, other_flags);
    ASSERT_EQ(bulk.exit_code, exit_code) << bulk.out << bulk.err;
    ASSERT_EQ(ordinary.exit_code, exit_code) << ordinary.out << ordinary.err;
    EXPECT_EQ(Report(bulk), Report(ordinary));
    EXPECT_EQ(CountyRows(empty_), CountyRows(other_));
    if (rejects) {
      for (const char* name : {"households.csv", "members.csv"}) {
        EXPECT_EQ(ReadFile(Path("rejects-empty/") + name), ReadFile(Path("rejects-other/") + name))
            << name;
      }
    }
    for (const auto& db : {empty_, other_}) {
      RunResult out = Fupin({"--db", db, "export", "--region", "620422", "--out", db + "-out"});
      ASSERT_EQ(out.exit_code, 0) << out.err;
    }
    for (const char* name : {"/households.csv", "/members.csv"}) {
      const std::string bulk_export = ReadFile(empty_ + "-out" + name);
      EXPECT_FALSE(bulk_export.empty());
      EXPECT_EQ(bulk_export, ReadFile(other_ + "-out" + name)) << name;
    }
    // The indexes are back, as `fupin init` made them, and hold every row.
    EXPECT_EQ(Indexes(empty_), init_indexes_);
    EXPECT_EQ(IntegrityCheck(empty_), "ok|\n");
  }

  fs::path dir_;
  std::string empty_, other_, init_indexes_;
};

TEST_F(ImportBulkTest, AnEmptyRegisterGetsTheSameRowsExportAndReportAsTheOrdinaryImport) {
  ExpectSameOutcome("gen", {});
  EXPECT_EQ(Dump(empty_, "SELECT count(*) FROM households"), "1500|\n");
  // Read through the rebuilt indexes: by 户编号 alone, by village, by status.
  EXPECT_EQ(CountThroughIndex(empty_, "households_code", "household_code >= 'G'"), "1500|\n");
  EXPECT_EQ(CountThroughIndex(empty_, "households_village", "village_code > 0"), "1500|\n");
}

TEST_F(ImportBulkTest, MemberRowsOutOfOrderGiveTheSameOutcome) {
  // The 人表 backwards: households' member rows are not together in the file order the
  // early writing wants, so the import writes after its checks.
  fs::create_directories(Path("shuffled"));
  fs::copy_file(Path("gen/households.csv"), Path("shuffled/households.csv"));
  const std::string members = ReadFile(Path("gen/members.csv"));
  std::vector<std::string> lines;
  size_t start = 0;
  while (start < members.size()) {
    size_t end = members.find('\n', start);
    if (end == std::string::npos) end = members.size();
    lines.push_back(members.substr(start, end - start + 1));
    start = end + 1;
  }
  std::reverse(lines.begin() + 1, lines.end());
  std::string out;
  for (auto& l : lines) out += l.ends_with('\n') ? l : l + "\n";
  WriteFile(Path("shuffled/members.csv"), out);
  ExpectSameOutcome("shuffled", {});
}

TEST_F(ImportBulkTest, SkippingInvalidHouseholdsGivesTheSameOutcomeAndRejects) {
  fs::create_directories(Path("invalid"));
  fs::copy_file(Path("gen/households.csv"), Path("invalid/households.csv"));
  std::string members = ReadFile(Path("gen/members.csv"));
  // The second member row's ID number made invalid (its last digit changed).
  size_t line = members.find('\n', members.find('\n') + 1);
  size_t id = members.find(",62", line);
  ASSERT_NE(id, std::string::npos);
  char& digit = members[id + 18];
  digit = digit == '1' ? '2' : '1';
  WriteFile(Path("invalid/members.csv"), members);
  // Exit code 2: written, with households rejected (spec/cli.md).
  ExpectSameOutcome("invalid", {"--skip-invalid"}, 2);
  // Without --skip-invalid nothing is written, and the indexes are there.
  ASSERT_EQ(Fupin({"--db", Path("third.db"), "init"}).exit_code, 0);
  RunResult load =
      Fupin({"--db", Path("third.db"), "regions", "load", "--from", Path("regions.csv")});
  ASSERT_EQ(load.exit_code, 0) << load.err;
  RunResult failed = Import(Path("third.db"), "invalid", {});
  EXPECT_NE(failed.exit_code, 0);
  EXPECT_EQ(Dump(Path("third.db"), "SELECT count(*) FROM households"), "0|\n");
  EXPECT_EQ(Indexes(Path("third.db")), init_indexes_);
}

TEST_F(ImportBulkTest, ADryRunLeavesTheRegisterAndItsIndexesAsTheyWere) {
  RunResult dry = Import(empty_, "gen", {"--dry-run"});
  ASSERT_EQ(dry.exit_code, 0) << dry.out << dry.err;
  EXPECT_EQ(Dump(empty_, "SELECT count(*) FROM households"), "0|\n");
  EXPECT_EQ(Indexes(empty_), init_indexes_);
}

}  // namespace
}  // namespace fupin::testing
