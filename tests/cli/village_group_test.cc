// The village group (村民小组, issue 14): an optional 户表 column that the import reads (CSV
// and XLSX, into an empty register and over a registered one) and the export writes back —
// but only when a household has a group, so that the export of a register without groups
// is what it was before the column existed.
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "fupin_process.h"

namespace fupin::testing {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

const fs::path kDataDir = FUPIN_TESTDATA_DIR;
const fs::path kBase = kDataDir / "import" / "base";
const fs::path kGroups = kDataDir / "import" / "groups";

// The 户表 header of every export before the column existed.
const std::string kHeaderWithoutGroup =
    "户编号,行政区划代码,户类型,贫困状态,识别年度,脱贫年度,户属性,主要致贫原因,其他致贫原因,"
    "家庭人口数,工资性收入,生产经营性收入,生产经营性支出,财产性收入,转移性收入,合规自付医疗支出,"
    "教育支出,灾害损失,不愁吃,不愁穿,住房安全等级,危房改造,易地搬迁,饮水安全,监测对象类型,"
    "监测状态,纳入监测日期,风险类型,联系电话";

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

// The line without its cell `index` (no cell of these files is quoted).
std::string WithoutCell(const std::string& line, size_t index) {
  size_t start = 0;
  for (size_t i = 0; i < index; ++i) start = line.find(',', start) + 1;
  const size_t end = line.find(',', start);
  return line.substr(0, start) + line.substr(end + 1);
}

std::string WithoutBom(std::string text) {
  return text.rfind("\xEF\xBB\xBF", 0) == 0 ? text.substr(3) : text;
}

class VillageGroupTest : public TempDirTest {
 protected:
  VillageGroupTest() : TempDirTest("fupin_group") {}

  std::string NewDb() {
    const std::string db = Path("r" + std::to_string(++dbs_) + ".db");
    EXPECT_EQ(RunFupin({"--db", db, "init"}).exit_code, 0);
    EXPECT_EQ(
        RunFupin({"--db", db, "regions", "load", "--from", (kDataDir / "regions.csv").string()})
            .exit_code,
        0);
    return db;
  }
  json Import(const std::string& db, const std::vector<std::string>& files) {
    std::vector<std::string> args = {"--db", db, "import"};
    args.insert(args.end(), files.begin(), files.end());
    args.push_back("--json");
    RunResult r = RunFupin(args);
    EXPECT_EQ(r.exit_code, 0) << r.err << r.out;
    return r.out.empty() ? json::object() : json::parse(r.out);
  }
  json ImportFolder(const std::string& db, const fs::path& households) {
    return Import(db, {(households / "households.csv").string(), (kBase / "members.csv").string()});
  }
  // The export of `db` as CSV: the 户表's text and the 人表's.
  std::pair<std::string, std::string> Export(const std::string& db) {
    const fs::path out = dir_ / ("export-" + std::to_string(++exports_));
    RunResult r = RunFupin({"--db", db, "export", "--out", out.string()});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return {WithoutBom(ReadFile(out / "households.csv")),
            WithoutBom(ReadFile(out / "members.csv"))};
  }

  int dbs_ = 0;
  int exports_ = 0;
};

TEST_F(VillageGroupTest, GroupsImportedFromCsvAreExportedAfterTheVillageCode) {
  const std::string db = NewDb();
  EXPECT_EQ(ImportFolder(db, kGroups)["households_created"], 4);
  const auto lines = Lines(Export(db).first);
  ASSERT_EQ(lines.size(), 5u);
  EXPECT_EQ(lines[0].rfind("户编号,行政区划代码,村民小组,户类型,", 0), 0u) << lines[0];
  EXPECT_EQ(lines[1].rfind("H2210120500001,620422101205,第三村民小组,", 0), 0u) << lines[1];
  EXPECT_EQ(lines[2].rfind("H2210220100000,620422102201,1组,", 0), 0u) << lines[2];
  EXPECT_EQ(lines[3].rfind("H2210220100002,620422102201,,", 0), 0u) << lines[3];
  EXPECT_EQ(lines[4].rfind("H2210220200003,620422102202,2组,", 0), 0u) << lines[4];
}

TEST_F(VillageGroupTest, AnExportWithGroupsReimportsWithNothingChanged) {
  const std::string db = NewDb();
  ImportFolder(db, kGroups);
  const auto exported = Export(db);
  const fs::path out = dir_ / ("export-" + std::to_string(exports_));
  json again = Import(db, {(out / "households.csv").string(), (out / "members.csv").string()});
  EXPECT_EQ(again["households_unchanged"], 4) << again.dump();
  EXPECT_EQ(again["households_updated"], 0);

  const std::string fresh = NewDb();
  Import(fresh, {(out / "households.csv").string(), (out / "members.csv").string()});
  EXPECT_EQ(Export(fresh), exported);
}

TEST_F(VillageGroupTest, AWorkbookExportWithGroupsImportsIntoAFreshRegisterAsTheSameRegister) {
  const std::string db = NewDb();
  ImportFolder(db, kGroups);
  const std::string book = Path("register.xlsx");
  ASSERT_EQ(RunFupin({"--db", db, "export", "--out", book}).exit_code, 0);
  const std::string fresh = NewDb();
  EXPECT_EQ(Import(fresh, {book})["households_created"], 4);
  EXPECT_EQ(Export(fresh), Export(db));
}

TEST_F(VillageGroupTest, ARegisterWithoutGroupsExportsAsBeforeTheColumnExisted) {
  const std::string plain = NewDb();
  ImportFolder(plain, kBase);
  const auto without = Export(plain);
  EXPECT_EQ(Lines(without.first)[0], kHeaderWithoutGroup);
  // The same register with groups: the same bytes once the 村民小组 cell is taken out.
  const std::string grouped = NewDb();
  ImportFolder(grouped, kGroups);
  const auto with = Export(grouped);
  std::string stripped;
  for (const std::string& line : Lines(with.first)) stripped += WithoutCell(line, 2) + "\n";
  EXPECT_EQ(stripped, without.first);
  EXPECT_EQ(with.second, without.second);
}

TEST_F(VillageGroupTest, AnImportOverTheRegisterGivesChangesAndKeepsGroupsAsTheFileSays) {
  const std::string db = NewDb();
  ImportFolder(db, kBase);
  json r = ImportFolder(db, kGroups);  // three households gain a group; one stays without
  EXPECT_EQ(r["households_updated"], 3) << r.dump();
  EXPECT_EQ(r["households_unchanged"], 1);
  const std::string fresh = NewDb();
  ImportFolder(fresh, kGroups);
  EXPECT_EQ(Export(db), Export(fresh));
}

TEST_F(VillageGroupTest, AFileWithoutTheColumnLeavesTheRegisteredGroupsAsTheyAre) {
  const std::string db = NewDb();
  ImportFolder(db, kGroups);
  const auto grouped = Export(db);
  json r = ImportFolder(db, kBase);  // the same households, in a file without 村民小组
  EXPECT_EQ(r["households_unchanged"], 4) << r.dump();
  EXPECT_EQ(r["households_updated"], 0);
  EXPECT_EQ(Export(db), grouped);
  // A changed household of such a file keeps its group too.
  std::string households = ReadFile(kBase / "households.csv");
  const std::string from =
      "H2210120500001,620422101205,建档立卡户,未脱贫,2016,,低保户,因灾,,3881.62";
  ASSERT_NE(households.find(from), std::string::npos);
  households.replace(households.find(from), from.size(),
                     "H2210120500001,620422101205,建档立卡户,未脱贫,2016,,低保户,因灾,,4881.62");
  WriteFile(dir_ / "changed.csv", households);
  r = Import(db, {Path("changed.csv"), (kBase / "members.csv").string()});
  EXPECT_EQ(r["households_updated"], 1) << r.dump();
  EXPECT_EQ(Lines(Export(db).first)[1].rfind("H2210120500001,620422101205,第三村民小组,", 0), 0u);
}

}  // namespace
}  // namespace fupin::testing
