// `fupin import` into a cluster writes county by county under one batch (issue 15;
// storage/county_writers.h, DESIGN.md Storage rule 6), and `fupin cluster check` reports,
// finishes and rolls back a batch that stopped half-way. On the binary's three-instance test
// cluster (FUPIN_TEST_DB=cluster); the same files imported into SQLite are the reference.
// The kill -9 of a shard in the middle of an import is tests/ops/cluster_kill_test.sh.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "fupin_process.h"
#include "storage/postgres/cluster/pg_test_cluster.h"
#include "storage/postgres/pg_db.h"

namespace fupin::testing {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

const char* kRegions =
    "行政区划代码,名称,农村人口\n"
    "62,甘肃省,\n"
    "6204,白银市,\n"
    "620402,白银区,\n"
    "620402100,水川镇,\n"
    "620402100201,金滩村,300\n"
    "620421,靖远县,\n"
    "620421100,乌兰镇,\n"
    "620421100201,城关村,500\n"
    "620422,会宁县,\n"
    "620422101,会师镇,\n"
    "620422101205,南关村,800\n"
    "620423,景泰县,\n"
    "620423100,一条山镇,\n"
    "620423100201,条山村,600\n";
const std::vector<std::string> kCounties{"620402", "620421", "620422", "620423"};

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}
void WriteFile(const fs::path& path, const std::string& text) {
  std::ofstream(path, std::ios::binary) << text;
}

class ClusterImportTest : public ::testing::Test {
 protected:
  void SetUp() override {
    static int next = 0;
    name_ = "fupin_ci" + std::to_string(getpid()) + "_" + std::to_string(next++);
    url_ = pg::testing::FreshClusterDatabase(name_);
    dir_ = MakeTempDir("fupin_cluster_import");
    env_ = {"FUPIN_AUDIT_KEY=" + Path("audit.key"), "FUPIN_NOW=2026-06-30T10:00:00+08:00"};
    WriteFile(Path("regions.csv"), kRegions);
    plain_ = Path("plain.db");
    for (const std::string& db : {url_, plain_}) {
      ASSERT_EQ(Fupin({"--db", db, "init"}).exit_code, 0);
      RunResult load = Fupin({"--db", db, "regions", "load", "--from", Path("regions.csv")});
      ASSERT_EQ(load.exit_code, 0) << Err();
    }
    // Four counties of 40 households each, in one pair of files.
    for (const std::string& county : kCounties) {
      RunResult gen = Fupin({"--db", plain_, "generate", "--county", county, "--households", "40",
                             "--seed", "5", "--out", Path("g" + county)});
      ASSERT_EQ(gen.exit_code, 0) << Err();
      for (const char* file : {"households.csv", "members.csv"}) {
        std::string text = ReadFile(Path("g" + county + "/" + file));
        if (fs::exists(Path(file))) text = ReadFile(Path(file)) + text.substr(text.find('\n') + 1);
        WriteFile(Path(file), text);
      }
    }
  }
  void TearDown() override {
    pg::testing::DropClusterDatabase(name_);
    fs::remove_all(dir_);
  }

  std::string Path(const std::string& name) const { return dir_ + "/" + name; }
  // fupin on the cluster database (url_), or on the SQLite file plain_: run by the shell,
  // since RunFupin makes every database path a cluster database in this binary.
  RunResult Fupin(const std::vector<std::string>& args) {
    std::string command;
    for (const std::string& e : env_) command += e + " ";
    command += FUPIN_BIN;
    for (const std::string& a : args) command += " '" + a + "'";
    return RunShell("{ " + command + " 2>" + Path("stderr") + "; }");
  }
  RunResult Import(const std::string& db) {
    return Fupin({"--lang", "en", "--db", db, "import", Path("households.csv"), Path("members.csv"),
                  "--json"});
  }
  // What the last Fupin wrote on stderr.
  std::string Err() { return ReadFile(Path("stderr")); }
  // The rows of `sql` on the cluster, '|' between columns, a line each.
  std::string Sql(const std::string& sql) {
    RunResult r =
        RunShell("/usr/lib/postgresql/15/bin/psql -qtAX '" + url_ + "' -c \"" + sql + "\"");
    EXPECT_EQ(r.exit_code, 0) << sql << ": " << r.out;
    return r.out;
  }
  // The register's export (every region), both files joined.
  std::string Export(const std::string& db, const std::string& folder) {
    RunResult r = Fupin({"--db", db, "export", "--out", Path(folder)});
    EXPECT_EQ(r.exit_code, 0) << Err();
    return ReadFile(Path(folder + "/households.csv")) + ReadFile(Path(folder + "/members.csv"));
  }
  // The shard URL and the household_history partition that hold county `county` (6 digits):
  // a lock on it holds the county's write (at its commit) and nothing else.
  std::pair<std::string, std::string> ShardAndPartition(const std::string& county) {
    const std::string row =
        Sql("SELECT n.url, p.remainder FROM cluster.partitions p JOIN cluster.nodes n ON n.id = "
            "p.node_id, cluster.settings s WHERE p.table_name = 'households' AND "
            "satisfies_hash_partition('public.households'::regclass, s.partitions, p.remainder, " +
            county + "000000::bigint)");
    const size_t bar = row.find('|');
    char partition[32];
    std::snprintf(partition, sizeof partition, "household_history_p%02d",
                  std::stoi(row.substr(bar + 1)));
    return {row.substr(0, bar), partition};
  }

  std::string name_, url_, dir_, plain_;
  std::vector<std::string> env_;
};

TEST_F(ClusterImportTest, AnImportWritesEveryCountyOnItsShardUnderOneBatchAsSqliteWould) {
  RunResult cluster = Import(url_);
  ASSERT_EQ(cluster.exit_code, 0) << cluster.out << Err();
  RunResult plain = Import(plain_);
  ASSERT_EQ(plain.exit_code, 0) << Err();
  const json report = json::parse(cluster.out), reference = json::parse(plain.out);
  EXPECT_EQ(report["households_created"], 160);
  EXPECT_EQ(report["households_created"], reference["households_created"]);
  EXPECT_EQ(report["members"], reference["members"]);
  const std::string batch = report["batch_id"];
  // One batch, finished, its four counties done; every household carries its id.
  EXPECT_EQ(Sql("SELECT id, state FROM cluster.batches"), batch + "|finished\n");
  EXPECT_EQ(Sql("SELECT count(*) FROM cluster.batch_counties WHERE done"), "4\n");
  EXPECT_EQ(Sql("SELECT DISTINCT batch_id FROM households"), batch + "\n");
  EXPECT_EQ(Sql("SELECT count(*) FROM import_batches WHERE id = '" + batch + "'"), "1\n");
  // Every member in person_index, to its household; the aggregates are the rows'.
  EXPECT_EQ(Sql("SELECT count(*) FROM person_index"), Sql("SELECT count(*) FROM members"));
  EXPECT_EQ(Sql("SELECT count(*) FROM members m JOIN person_index p USING (id_type, id_number) "
                "WHERE p.household_code <> m.household_code OR p.county_code <> m.county_code"),
            "0\n");
  RunResult check = Fupin({"--db", url_, "cluster", "check"});
  EXPECT_EQ(check.exit_code, 0) << check.out << Err();
  EXPECT_EQ(Export(url_, "cluster-export"), Export(plain_, "plain-export"));
  EXPECT_EQ(Fupin({"--db", url_, "report", "summary", "--json"}).out,
            Fupin({"--db", plain_, "report", "summary", "--json"}).out);
}

TEST_F(ClusterImportTest, ASecondImportUpdatesHouseholdsAndMovesAPersonBetweenCounties) {
  ASSERT_EQ(Import(url_).exit_code, 0);
  ASSERT_EQ(Import(plain_).exit_code, 0);
  // The first member of a household of 白银区 moves to a household of 景泰县.
  std::string members = ReadFile(Path("members.csv"));
  const std::string from = ReadFile(Path("g620402/households.csv"));
  const std::string to = ReadFile(Path("g620423/households.csv"));
  auto first_code = [](const std::string& csv) {
    const size_t row = csv.find('\n') + 1;
    return csv.substr(row, csv.find(',', row) - row);
  };
  const std::string leaving = first_code(from), joining = first_code(to);
  size_t at = members.find("\n" + leaving + ",");
  // The household's second member row (its first is its head, who stays).
  at = members.find("\n" + leaving + ",", at + 1);
  ASSERT_NE(at, std::string::npos);
  members.replace(at + 1, leaving.size(), joining);
  WriteFile(Path("members.csv"), members);
  // And the two households' 家庭人口数 follow (the generated files hold no quoted commas).
  std::string households = ReadFile(Path("households.csv"));
  const std::string header = households.substr(0, households.find('\n'));
  int size_column = 0;
  for (size_t p = 0; p < header.find("家庭人口数"); ++p) size_column += header[p] == ',';
  for (const auto& [code, delta] : {std::pair{leaving, -1}, std::pair{joining, +1}}) {
    size_t cell = households.find("\n" + code + ",") + 1;
    for (int c = 0; c < size_column; ++c) cell = households.find(',', cell) + 1;
    const size_t end = households.find(',', cell);
    households.replace(cell, end - cell,
                       std::to_string(std::stoi(households.substr(cell, end - cell)) + delta));
  }
  WriteFile(Path("households.csv"), households);
  RunResult cluster = Import(url_);
  ASSERT_EQ(cluster.exit_code, 0) << cluster.out << Err();
  RunResult plain = Import(plain_);
  ASSERT_EQ(plain.exit_code, 0) << Err();
  const json report = json::parse(cluster.out), reference = json::parse(plain.out);
  EXPECT_EQ(report["households_updated"], 2);
  EXPECT_EQ(report["households_updated"], reference["households_updated"]);
  EXPECT_EQ(report["households_unchanged"], reference["households_unchanged"]);
  EXPECT_EQ(Sql("SELECT count(*) FROM cluster.batch_counties WHERE batch_id = '" +
                report["batch_id"].get<std::string>() + "' AND done"),
            "2\n");  // only the two counties with a change
  EXPECT_EQ(Sql("SELECT count(*) FROM person_index WHERE household_code = '" + joining + "'"),
            Sql("SELECT count(*) FROM members WHERE household_code = '" + joining + "'"));
  EXPECT_EQ(Sql("SELECT count(*) FROM person_index"), Sql("SELECT count(*) FROM members"));
  EXPECT_EQ(Fupin({"--db", url_, "cluster", "check"}).exit_code, 0);
  EXPECT_EQ(Export(url_, "cluster-export"), Export(plain_, "plain-export"));
  EXPECT_EQ(Fupin({"--db", url_, "report", "summary", "--json"}).out,
            Fupin({"--db", plain_, "report", "summary", "--json"}).out);
}

// A county whose shard keeps its partition locked fails (E_BUSY after the lock timeout):
// the other counties stay written, `cluster check` lists the batch, --rollback releases the
// county's reserved ID numbers, and importing the files again writes what is missing.
TEST_F(ClusterImportTest, ACountyThatCannotBeWrittenLeavesAnOpenBatchThatCheckReportsAndRollsBack) {
  const auto [shard, partition] = ShardAndPartition("620421");
  auto holder = pg::Connection::Open(shard);
  ASSERT_TRUE(holder.ok());
  ASSERT_TRUE((*holder)->Exec("BEGIN; LOCK TABLE " + partition + " IN ACCESS EXCLUSIVE MODE").ok());
  RunResult failed = Import(url_);
  ASSERT_TRUE((*holder)->Exec("ROLLBACK").ok());
  EXPECT_NE(failed.exit_code, 0) << failed.out;
  EXPECT_NE(Err().find("E_BUSY"), std::string::npos) << Err();
  EXPECT_NE(Err().find("cluster check"), std::string::npos) << Err();
  EXPECT_EQ(Sql("SELECT count(*) FROM households WHERE county_code = 620421000000"), "0\n");
  EXPECT_NE(Sql("SELECT count(*) FROM households"), "0\n");
  // The ID numbers of 靖远县 were reserved before the counties were written.
  EXPECT_NE(Sql("SELECT count(*) FROM person_index WHERE county_code = 620421000000"), "0\n");

  RunResult check = Fupin({"--lang", "en", "--db", url_, "cluster", "check", "--json"});
  EXPECT_NE(check.exit_code, 0);
  EXPECT_NE(Err().find("E_CONFLICT"), std::string::npos) << Err();
  const json found = json::parse(check.out);
  ASSERT_EQ(found["batches"].size(), 1u);
  const std::string batch = found["batches"][0]["batch"];
  // 靖远县 is pending, and so are the counties its shard had still to write after it.
  int pending = 0;
  for (const json& c : found["batches"][0]["counties"]) {
    if (c["county"] == "620421000000") EXPECT_EQ(c["state"], "pending");
    EXPECT_TRUE(c["state"] == "pending" || c["state"] == "done") << c.dump();
    pending += c["state"] == "pending" ? 1 : 0;
  }
  EXPECT_LT(pending, 4);
  RunResult text = Fupin({"--db", url_, "cluster", "check"});
  EXPECT_NE(text.out.find("未完成的导入批次 " + batch), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("620421000000"), std::string::npos) << text.out;

  RunResult rollback = Fupin({"--db", url_, "cluster", "check", "--rollback", batch});
  ASSERT_EQ(rollback.exit_code, 0) << Err();
  EXPECT_EQ(Sql("SELECT state FROM cluster.batches WHERE id = '" + batch + "'"), "rolled_back\n");
  EXPECT_EQ(Sql("SELECT count(*) FROM person_index WHERE county_code = 620421000000"), "0\n");
  EXPECT_EQ(Sql("SELECT count(*) FROM person_index"), Sql("SELECT count(*) FROM members"));
  EXPECT_EQ(Fupin({"--db", url_, "cluster", "check"}).exit_code, 0);
  RunResult again = Fupin({"--db", url_, "cluster", "check", "--rollback", batch});
  EXPECT_NE(again.exit_code, 0);
  EXPECT_NE(Err().find("E_NOT_FOUND"), std::string::npos) << Err();

  // The same files again: only the counties not written are; the register is SQLite's.
  RunResult rest = Import(url_);
  ASSERT_EQ(rest.exit_code, 0) << Err();
  EXPECT_EQ(json::parse(rest.out)["households_created"], 40 * pending);
  EXPECT_EQ(json::parse(rest.out)["households_unchanged"], 160 - 40 * pending);
  ASSERT_EQ(Import(plain_).exit_code, 0);
  EXPECT_EQ(Export(url_, "cluster-export"), Export(plain_, "plain-export"));
}

// Two offices import two counties at once (two processes): both batches finish, each county
// under its own lock, and the register holds both, consistent.
TEST_F(ClusterImportTest, TwoImportsOfTwoCountiesAtOnceBothFinish) {
  std::string command;
  for (const std::string county : {"620402", "620423"}) {
    command += "{ ";
    for (const std::string& e : env_) command += e + " ";
    command += std::string(FUPIN_BIN) + " --db '" + url_ + "' import " + Path("g" + county) +
               "/households.csv " + Path("g" + county) + "/members.csv >" + Path(county + ".out") +
               " 2>&1; echo $? >" + Path(county + ".rc") + "; } & ";
  }
  RunResult both = RunShell(command + "wait");
  ASSERT_EQ(both.exit_code, 0) << both.out;
  for (const std::string county : {"620402", "620423"}) {
    EXPECT_EQ(ReadFile(Path(county + ".rc")), "0\n") << ReadFile(Path(county + ".out"));
  }
  EXPECT_EQ(Sql("SELECT state, count(*) FROM cluster.batches GROUP BY state"), "finished|2\n");
  EXPECT_EQ(Sql("SELECT count(*) FROM households"), "80\n");
  EXPECT_EQ(Sql("SELECT count(*) FROM person_index"), Sql("SELECT count(*) FROM members"));
  RunResult check = Fupin({"--db", url_, "cluster", "check"});
  EXPECT_EQ(check.exit_code, 0) << check.out << Err();
}

TEST_F(ClusterImportTest, FinishWithOtherFilesFindsNoBatchAndCheckOnOneServerIsRefused) {
  RunResult finish = Fupin({"--lang", "en", "--db", url_, "cluster", "check", "--finish",
                            Path("households.csv"), Path("members.csv")});
  EXPECT_NE(finish.exit_code, 0);
  EXPECT_NE(Err().find("E_NOT_FOUND"), std::string::npos) << Err();
  RunResult plain = Fupin({"--lang", "en", "--db", plain_, "cluster", "check"});
  EXPECT_NE(plain.exit_code, 0);
  EXPECT_NE(Err().find("not a cluster's coordinator"), std::string::npos) << Err();
}

}  // namespace
}  // namespace fupin::testing
