// Integration tests of the audit trail on the command line: every command that writes or
// exports leaves a record (actor and remote "cli", the region it concerns), the key file
// that `fupin init` makes, and `fupin audit verify` with its head, --expect and --json.
// Each test runs the real `fupin` binary on its own copy of a register of
// tests/data/compare/ (FUPIN_TODAY pinned to 2026-06-30).
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

const fs::path kData = fs::path(FUPIN_TESTDATA_DIR);

// The regions of tests/data/regions.csv (once per program).
const fs::path& RegionsDb() {
  static const fs::path path = [] {
    const fs::path db = ProgramTempDir("fupin_audit_test") / "regions.db";
    EXPECT_EQ(RunFupin({"--db", db.string(), "init"}).exit_code, 0);
    EXPECT_EQ(RunFupin({"--db", db.string(), "regions", "load", "--from",
                        (kData / "regions.csv").string()})
                  .exit_code,
              0);
    return db;
  }();
  return path;
}

class AuditTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = MakeTempDir("fupin_audit_test");
    ASSERT_FALSE(dir_.empty());
    db_ = (dir_ / "fupin.db").string();
    CopyDatabase(RegionsDb(), db_);
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  RunResult Run(std::vector<std::string> args) {
    args.insert(args.begin(), {"--db", db_});
    return RunFupin(args);
  }
  RunResult Import() {
    return Run({"import", (kData / "compare" / "households.csv").string(),
                (kData / "compare" / "members.csv").string()});
  }
  // The records whose action starts with `action`, newest first.
  json Records(const std::string& action) {
    RunResult r = Run({"audit", "list", "--action", action, "--json"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    json j = json::parse(r.out, nullptr, false);
    return j.is_discarded() ? json::array() : j["items"];
  }
  json Verify(const std::vector<std::string>& extra, int expected_exit) {
    std::vector<std::string> args{"audit", "verify", "--json"};
    args.insert(args.end(), extra.begin(), extra.end());
    RunResult r = Run(args);
    EXPECT_EQ(r.exit_code, expected_exit) << r.out << r.err;
    return json::parse(r.out, nullptr, false);
  }
  // Tampers with the audit trail behind fupin's back: the accounts file beside a SQLite
  // register, the schema `accounts` of a PostgreSQL one (register_sql.h).
  void Sql(const std::string& sql) { SqlExec(db_, sql, DbPart::kAccounts); }
  static void ExpectCliRecord(const json& record, const std::string& region) {
    EXPECT_EQ(record["actor"], "cli");
    EXPECT_EQ(record["remote"], "cli");
    EXPECT_EQ(record["region_code"], region);
  }

  fs::path dir_;
  std::string db_;
};

TEST_F(AuditTest, InitMakesAKeyFileOnlyItsOwnerReadsAndRecordsItself) {
  const auto perms = fs::status(db_ + "-audit.key").permissions();
  EXPECT_EQ(perms & fs::perms::all, fs::perms::owner_read | fs::perms::owner_write);
  json init = Records("database.init");
  ASSERT_EQ(init.size(), 1u);
  ExpectCliRecord(init[0], "000000000000");
}

TEST_F(AuditTest, RegionsLoadAndPopulationAreAudited) {
  json load = Records("regions.load");
  ASSERT_EQ(load.size(), 1u);
  EXPECT_NE(load[0]["detail"].get<std::string>().find("regions"), std::string::npos);
  WriteFile(dir_ / "pop.csv", "code,rural_population\n620422102201,1000\n");
  ASSERT_EQ(Run({"regions", "population", (dir_ / "pop.csv").string()}).exit_code, 0);
  ASSERT_EQ(Records("regions.population").size(), 1u);
}

TEST_F(AuditTest, AnImportIsAuditedWithItsBatchAndCountsAndADryRunIsNot) {
  ASSERT_EQ(Run({"import", (kData / "compare" / "households.csv").string(),
                 (kData / "compare" / "members.csv").string(), "--dry-run"})
                .exit_code,
            0);
  EXPECT_TRUE(Records("import").empty());
  RunResult r = Import();
  ASSERT_EQ(r.exit_code, 0) << r.err;
  json records = Records("import");
  ASSERT_EQ(records.size(), 1u);
  ExpectCliRecord(records[0], "000000000000");
  EXPECT_FALSE(records[0]["target"].get<std::string>().empty());  // the batch id
  EXPECT_NE(records[0]["detail"].get<std::string>().find(" created, "), std::string::npos);
  EXPECT_NE(records[0]["detail"].get<std::string>().find("households.csv"), std::string::npos);
}

TEST_F(AuditTest, AnExportIsAuditedWithItsRegionAndCount) {
  ASSERT_EQ(Import().exit_code, 0);
  RunResult r = Run({"export", "--region", "620422", "--out", (dir_ / "out").string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  json records = Records("export.households");
  ASSERT_EQ(records.size(), 1u);
  ExpectCliRecord(records[0], "620422000000");
  EXPECT_NE(records[0]["detail"].get<std::string>().find(" households, "), std::string::npos);
}

TEST_F(AuditTest, AnAssessmentWrittenToAWorkbookIsAuditedAndOnePrintedIsNot) {
  ASSERT_EQ(Import().exit_code, 0);
  ASSERT_EQ(Run({"assess", "exit", "--year", "2025", "--region", "620422"}).exit_code, 0);
  EXPECT_TRUE(Records("export.assess").empty());
  for (const char* kind : {"exit", "monitor"}) {
    RunResult r = Run({"assess", kind, "--year", "2025", "--region", "620422", "--xlsx",
                       (dir_ / (std::string(kind) + ".xlsx")).string()});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    json records = Records(std::string("export.assess_") + kind);
    ASSERT_EQ(records.size(), 1u) << kind;
    ExpectCliRecord(records[0], "620422000000");
  }
  RunResult r = Run({"assess", "regions", "--year", "2025", "--level", "village", "--region",
                     "620422", "--xlsx", (dir_ / "regions.xlsx").string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(Records("export.assess_regions").size(), 1u);
}

TEST_F(AuditTest, ACountyAssessmentIsAuditedAboutItsCounty) {
  RunResult r = Run({"regions", "assessment", "620422", "--year", "2020", "--wrong-exit-rate",
                     "0.01", "--missed-rate", "0.01", "--satisfaction", "0.95"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  json records = Records("county_assessment.put");
  ASSERT_EQ(records.size(), 1u);
  ExpectCliRecord(records[0], "620422000000");
}

TEST_F(AuditTest, UserCommandsAndHelperAssignmentsAreAuditedAboutTheUsersRegion) {
  ASSERT_EQ(Import().exit_code, 0);
  RunResult add = RunFupinWithInput({"--db", db_, "user", "add", "helper1", "--role", "helper",
                                     "--region", "620422", "--password-stdin"},
                                    "a-Long-passw0rd\n");
  ASSERT_EQ(add.exit_code, 0) << add.err;
  json added = Records("user.add");
  ASSERT_EQ(added.size(), 1u);
  ExpectCliRecord(added[0], "620422000000");
  ASSERT_EQ(Run({"user", "assign", "helper1", "C01"}).exit_code, 0);
  ASSERT_EQ(Run({"user", "unassign", "helper1", "C01"}).exit_code, 0);
  EXPECT_EQ(Records("helper.assign").size(), 1u);
  EXPECT_EQ(Records("helper.unassign").size(), 1u);
  ASSERT_EQ(Run({"user", "disable", "helper1"}).exit_code, 0);
  json disabled = Records("user.disable");
  ASSERT_EQ(disabled.size(), 1u);
  ExpectCliRecord(disabled[0], "620422000000");
}

TEST_F(AuditTest, VerifyPrintsTheCountAndTheHeadEveryTime) {
  ASSERT_EQ(Import().exit_code, 0);
  json report = Verify({}, 0);
  ASSERT_TRUE(report.is_object());
  EXPECT_EQ(report["ok"], true);
  EXPECT_EQ(report["records"], 3);  // init, regions load, import
  EXPECT_EQ(report["head"].get<std::string>().size(), 64u);
  EXPECT_TRUE(report["first_broken"].is_null());
  EXPECT_TRUE(report["reason"].is_null());
  RunResult text = Run({"--lang", "en", "audit", "verify"});
  EXPECT_EQ(text.exit_code, 0);
  EXPECT_NE(text.out.find("records: 3"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find(report["head"].get<std::string>()), std::string::npos) << text.out;
}

TEST_F(AuditTest, DeletingEveryRecordIsCaughtByExpect) {
  const std::string head = Verify({}, 0)["head"];
  Sql("DELETE FROM audit_log");
  EXPECT_EQ(Verify({}, 0)["records"], 0);       // an empty chain holds by itself …
  json report = Verify({"--expect", head}, 2);  // … but not against the head saved before
  ASSERT_TRUE(report.is_object());
  EXPECT_EQ(report["ok"], false);
  EXPECT_EQ(report["head"], std::string(64, '0'));
  RunResult r = Run({"--lang", "en", "audit", "verify", "--expect", head});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.out.find("differs from --expect"), std::string::npos) << r.out;
}

TEST_F(AuditTest, DeletingTheLastRecordIsCaughtByExpect) {
  ASSERT_EQ(Import().exit_code, 0);
  const std::string head = Verify({}, 0)["head"];
  Sql("DELETE FROM audit_log WHERE seq = (SELECT max(seq) FROM audit_log)");
  EXPECT_EQ(Verify({"--expect", head}, 2)["records"], 2);
}

TEST_F(AuditTest, AWrongKeyFileIsReportedAndTheImportDoesNotRun) {
  WriteFile(db_ + "-audit.key", std::string(64, 'b') + "\n");
  RunResult verify = Run({"--lang", "en", "audit", "verify"});
  EXPECT_EQ(verify.exit_code, 1);
  EXPECT_NE(verify.err.find("E_AUDIT_KEY"), std::string::npos) << verify.err;
  EXPECT_NE(verify.err.find("not this database's audit key"), std::string::npos) << verify.err;
  RunResult import = Import();
  EXPECT_EQ(import.exit_code, 1);
  EXPECT_NE(import.err.find("E_AUDIT_KEY"), std::string::npos) << import.err;
  RunResult summary = Run({"report", "summary", "--json"});
  EXPECT_NE(summary.out.find("\"households\":0"), std::string::npos) << summary.out;
}

TEST_F(AuditTest, AMissingKeyFileIsReportedWithWhereToPutIt) {
  fs::remove(db_ + "-audit.key");
  RunResult r = Run({"--lang", "en", "export", "--out", (dir_ / "out").string()});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("E_AUDIT_KEY"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("FUPIN_AUDIT_KEY"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(dir_ / "out"));
}

TEST_F(AuditTest, TheKeyFileCanLiveElsewhere) {
  const std::string db = (dir_ / "other.db").string();
  const std::string key = (dir_ / "keys" / "audit.key").string();
  fs::create_directories(dir_ / "keys");
  RunResult init = RunFupin({"--db", db, "init"}, {"FUPIN_AUDIT_KEY=" + key});
  ASSERT_EQ(init.exit_code, 0) << init.err;
  EXPECT_TRUE(fs::exists(key));
  EXPECT_FALSE(fs::exists(db + "-audit.key"));
  EXPECT_EQ(RunFupin({"--db", db, "audit", "verify"}, {"FUPIN_AUDIT_KEY=" + key}).exit_code, 0);
  EXPECT_EQ(RunFupin({"--db", db, "audit", "verify"}).exit_code, 1);  // the default is absent
}

}  // namespace
}  // namespace fupin::testing
