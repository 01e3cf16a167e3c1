// The annual update (年度动态调整, issue 10): the whole county imported again, a share of it
// changed. Households that are the same as registered are left alone (no rewrite, no
// history, no new version) and counted as households_unchanged; changed households are
// rewritten with their history; what today's imports guarantee still holds (members moving
// between households, households left out of the files stay, --skip-invalid, --dry-run).
//
// Each test runs the real `fupin` against a register of 200 generated households
// (county 620422, seed 3) and reads the register's tables to see what was written, on
// SQLite or on PostgreSQL (FUPIN_TEST_DB=postgres; register_sql.h).
#include <filesystem>
#include <map>
#include <set>
#include <sstream>
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

const fs::path kDataDir = FUPIN_TESTDATA_DIR;

// A CSV table of the generated files, which quote nothing: a header and rows of cells.
struct Table {
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;

  static Table Read(const fs::path& path) {
    Table t;
    std::istringstream in(ReadFile(path));
    std::string line;
    bool first = true;
    while (std::getline(in, line)) {
      if (!line.empty() && line.back() == '\r') line.pop_back();
      if (line.empty()) continue;
      std::vector<std::string> cells;
      std::string cell;
      std::istringstream cs(line);
      while (std::getline(cs, cell, ',')) cells.push_back(cell);
      if (line.back() == ',') cells.push_back("");
      (first ? t.header : t.rows.emplace_back()) = cells;
      if (first) first = false;
    }
    return t;
  }
  void Write(const fs::path& path) const {
    std::string out;
    auto line = [&](const std::vector<std::string>& cells) {
      for (size_t i = 0; i < cells.size(); ++i) out += (i ? "," : "") + cells[i];
      out += "\n";
    };
    line(header);
    for (const auto& r : rows) line(r);
    WriteFile(path, out);
  }
  size_t Column(const std::string& name) const {
    for (size_t i = 0; i < header.size(); ++i) {
      if (header[i] == name) return i;
    }
    ADD_FAILURE() << "no column " << name;
    return 0;
  }
};

class AnnualUpdateTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = MakeTempDir("fupin_annual_test");
    ASSERT_FALSE(dir_.empty());
    db_ = Path("fupin.db");
    ASSERT_EQ(Fupin({"--db", db_, "init"}).exit_code, 0);
    RunResult load =
        Fupin({"--db", db_, "regions", "load", "--from", (kDataDir / "regions.csv").string()});
    ASSERT_EQ(load.exit_code, 0) << load.err;
    RunResult gen = Fupin({"--db", db_, "generate", "--county", "620422", "--households", "200",
                           "--seed", "3", "--out", Path("year1")});
    ASSERT_EQ(gen.exit_code, 0) << gen.err;
    fs::create_directories(Path("year2"));
    households_ = Table::Read(Path("year1/households.csv"));
    members_ = Table::Read(Path("year1/members.csv"));
    ASSERT_EQ(households_.rows.size(), 200u);
    json first = ImportJson("year1");
    ASSERT_EQ(first["households_created"], 200) << first.dump();
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  std::string Path(const std::string& name) const { return (dir_ / name).string(); }
  RunResult Fupin(const std::vector<std::string>& args) { return RunFupin(args, {}, dir_); }

  RunResult Import(const std::string& folder, const std::vector<std::string>& flags = {}) {
    std::vector<std::string> args{
        "--db",  db_, "import", Path(folder + "/households.csv"), Path(folder + "/members.csv"),
        "--json"};
    args.insert(args.end(), flags.begin(), flags.end());
    return Fupin(args);
  }
  json ImportJson(const std::string& folder, const std::vector<std::string>& flags = {}) {
    RunResult r = Import(folder, flags);
    EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
    json j = json::parse(r.out, nullptr, false);
    EXPECT_FALSE(j.is_discarded()) << r.out << r.err;
    return j;
  }
  // Writes the (edited) tables as the second year's files.
  void WriteYear2() {
    households_.Write(Path("year2/households.csv"));
    members_.Write(Path("year2/members.csv"));
  }

  int64_t Count(const std::string& sql) { return SqlInt(db_, sql); }
  int64_t HistoryRows() { return Count("SELECT count(*) FROM household_history"); }
  int64_t Version(const std::string& code) {
    return Count("SELECT version FROM households WHERE household_code = '" + code + "'");
  }
  std::string Generation() {
    return SqlText(db_, "SELECT value FROM meta WHERE key = 'register_generation'");
  }
  std::string Code(size_t row) { return households_.rows[row][0]; }

  fs::path dir_;
  std::string db_;
  Table households_, members_;
};

TEST_F(AnnualUpdateTest, TheSameFilesAgainAreAllUnchangedWriteNoHistoryAndBumpNoVersion) {
  const int64_t history = HistoryRows();
  const std::string generation = Generation();
  json report = ImportJson("year1");
  EXPECT_EQ(report["households_created"], 0);
  EXPECT_EQ(report["households_updated"], 0);
  EXPECT_EQ(report["households_unchanged"], 200);
  EXPECT_EQ(report["members"], 0);  // members of the households written
  EXPECT_EQ(HistoryRows(), history);
  EXPECT_EQ(Count("SELECT max(version) FROM households"), 1);
  // Nothing of the register changed, so its stamp (the register index's key) did not.
  EXPECT_EQ(Generation(), generation);
  // The second batch (the first created every household) records them.
  EXPECT_EQ(Count("SELECT households_unchanged FROM import_batches WHERE households_created = 0"),
            200);
}

TEST_F(AnnualUpdateTest, AnOmittedHouseholdSizeIsNoChangeAndTheExportImportsUnchanged) {
  // Files without 家庭人口数 (it is optional): the export writes the member count there.
  for (auto& row : households_.rows) row[households_.Column("家庭人口数")] = "";
  WriteYear2();
  ASSERT_EQ(ImportJson("year2")["households_unchanged"], 200);
  ASSERT_EQ(Fupin({"--db", db_, "export", "--out", Path("exported")}).exit_code, 0);
  json report = ImportJson("exported");
  EXPECT_EQ(report["households_updated"], 0) << report.dump();
  EXPECT_EQ(report["households_unchanged"], 200);
}

TEST_F(AnnualUpdateTest, TheHumanReportCountsTheUnchangedHouseholds) {
  RunResult zh =
      Fupin({"--db", db_, "import", Path("year1/households.csv"), Path("year1/members.csv")});
  ASSERT_EQ(zh.exit_code, 0) << zh.err;
  EXPECT_NE(zh.out.find("未变 200 户"), std::string::npos) << zh.out;
  RunResult en = Fupin({"--db", db_, "--lang", "en", "import", Path("year1/households.csv"),
                        Path("year1/members.csv")});
  ASSERT_EQ(en.exit_code, 0) << en.err;
  EXPECT_NE(en.out.find("unchanged 200"), std::string::npos) << en.out;
}

TEST_F(AnnualUpdateTest, ChangingTwentyOfTwoHundredReportsTwentyUpdatedWithTheirHistory) {
  const size_t wage = households_.Column("工资性收入");
  std::set<std::string> changed;
  for (size_t i = 0; i < 200; i += 10) {
    households_.rows[i][wage] = "12345.67";
    changed.insert(Code(i));
  }
  WriteYear2();
  const int64_t history = HistoryRows();
  json report = ImportJson("year2");
  EXPECT_EQ(report["households_created"], 0);
  EXPECT_EQ(report["households_updated"], 20);
  EXPECT_EQ(report["households_unchanged"], 180);
  for (size_t i = 0; i < 200; ++i) {
    EXPECT_EQ(Version(Code(i)), changed.count(Code(i)) ? 2 : 1) << Code(i);
  }
  // One history row per changed household: its wage income (unless it was 12345.67).
  EXPECT_EQ(HistoryRows() - history,
            Count("SELECT count(*) FROM household_history WHERE field = 'wage_income'"));
  EXPECT_EQ(Count("SELECT count(DISTINCT household_code) FROM household_history WHERE field = "
                  "'wage_income'"),
            20);
  EXPECT_EQ(Count("SELECT count(*) FROM households WHERE wage_income = 1234567"), 20);
}

TEST_F(AnnualUpdateTest, AMemberMovedBetweenTwoHouseholdsUpdatesBothAndTheIndexFollows) {
  // The last member of the first household with two or more moves to the last household.
  const std::string to = Code(199);
  std::map<std::string, int> sizes;
  for (const auto& m : members_.rows) ++sizes[m[0]];
  const size_t id_column = members_.Column("证件号码");
  const size_t relation = members_.Column("与户主关系");
  size_t moved = members_.rows.size();
  for (size_t i = 0; i < members_.rows.size() && moved == members_.rows.size(); ++i) {
    const std::string& h = members_.rows[i][0];
    if (h != to && sizes[h] >= 2 && members_.rows[i][relation] != "户主") moved = i;
  }
  ASSERT_LT(moved, members_.rows.size());
  const std::string from = members_.rows[moved][0];
  const std::string id = members_.rows[moved][id_column];
  members_.rows[moved][0] = to;
  members_.rows[moved][relation] = "其他";
  // 家庭人口数, when given, follows.
  const size_t size = households_.Column("家庭人口数");
  for (auto& h : households_.rows) {
    if (h[size].empty()) continue;
    if (h[0] == from) h[size] = std::to_string(std::stoi(h[size]) - 1);
    if (h[0] == to) h[size] = std::to_string(std::stoi(h[size]) + 1);
  }
  WriteYear2();
  const int64_t persons = Count("SELECT count(*) FROM person_index");
  RunResult r = Import("year2");
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  json report = json::parse(r.out);
  EXPECT_EQ(report["households_updated"], 2) << report.dump();
  EXPECT_EQ(report["households_unchanged"], 198);
  EXPECT_EQ(SqlText(db_, "SELECT household_code FROM person_index WHERE id_number = '" + id + "'"),
            to);
  EXPECT_EQ(Count("SELECT count(*) FROM person_index"), persons);
  EXPECT_EQ(Count("SELECT count(*) FROM household_history WHERE field = 'member_removed' AND "
                  "household_code = '" +
                  from + "'"),
            1);
  EXPECT_EQ(Count("SELECT count(*) FROM household_history WHERE field = 'member_added' AND "
                  "household_code = '" +
                  to + "'"),
            1);
}

TEST_F(AnnualUpdateTest, HouseholdsLeftOutStayRegisteredAndNewOnesAreCreated) {
  // The files of the second year lack the first ten households and bring one new one
  // (the last household's code and members, renumbered).
  std::set<std::string> dropped;
  for (size_t i = 0; i < 10; ++i) dropped.insert(Code(i));
  std::erase_if(households_.rows, [&](const auto& r) { return dropped.count(r[0]) > 0; });
  std::erase_if(members_.rows, [&](const auto& r) { return dropped.count(r[0]) > 0; });
  WriteYear2();
  json report = ImportJson("year2");
  EXPECT_EQ(report["households_created"], 0);
  EXPECT_EQ(report["households_updated"], 0);
  EXPECT_EQ(report["households_unchanged"], 190);
  EXPECT_EQ(Count("SELECT count(*) FROM households"), 200);  // an import removes nothing
}

TEST_F(AnnualUpdateTest, AReorderingOfMembersAloneIsNoChange) {
  // Members are compared by ID number: a household whose member rows come in another
  // order is unchanged, and keeps its registered order.
  std::map<std::string, int> sizes;
  for (const auto& m : members_.rows) ++sizes[m[0]];
  std::string code;
  for (size_t i = 0; i + 1 < members_.rows.size(); ++i) {
    if (sizes[members_.rows[i][0]] >= 2 && members_.rows[i][0] == members_.rows[i + 1][0]) {
      code = members_.rows[i][0];
      std::swap(members_.rows[i], members_.rows[i + 1]);
      break;
    }
  }
  ASSERT_FALSE(code.empty());
  WriteYear2();
  json report = ImportJson("year2");
  EXPECT_EQ(report["households_unchanged"], 200);
  EXPECT_EQ(Version(code), 1);
}

TEST_F(AnnualUpdateTest, SkipInvalidUpdatesTheValidChangesAndKeepsTheRejectedAsRegistered) {
  const size_t wage = households_.Column("工资性收入");
  households_.rows[0][wage] = "11111.11";
  households_.rows[1][wage] = "22222.22";
  households_.rows[2][wage] = "not a number";
  WriteYear2();
  RunResult r = Import("year2", {"--skip-invalid", "--rejects", Path("rejects")});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  json report = json::parse(r.out);
  EXPECT_EQ(report["households_updated"], 2);
  EXPECT_EQ(report["households_unchanged"], 197);
  EXPECT_EQ(report["rejected_households"], 1);
  EXPECT_EQ(Version(Code(0)), 2);
  EXPECT_EQ(Version(Code(2)), 1);
}

TEST_F(AnnualUpdateTest, ADryRunCountsTheChangesAndWritesNothing) {
  const size_t wage = households_.Column("工资性收入");
  for (size_t i = 0; i < 5; ++i) households_.rows[i][wage] = "12345.67";
  WriteYear2();
  const int64_t history = HistoryRows();
  json report = ImportJson("year2", {"--dry-run"});
  EXPECT_EQ(report["households_updated"], 5);
  EXPECT_EQ(report["households_unchanged"], 195);
  EXPECT_EQ(HistoryRows(), history);
  EXPECT_EQ(Count("SELECT max(version) FROM households"), 1);
}

}  // namespace
}  // namespace fupin::testing
