// Workbooks a clerk can work in (issue 10, part 2): `fupin export --out X.xlsx` and
// `fupin template --out X.xlsx`, read back by an independent reader, Debian's
// python3-openpyxl (scripts/describe_workbook.py prints what it sees, one fact a line).
// Each test runs the real `fupin` against its own database in its own temporary directory.
#include <algorithm>
#include <filesystem>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "fupin_process.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"

namespace fupin::testing {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

const fs::path kDataDir = FUPIN_TESTDATA_DIR;
const fs::path kBase = kDataDir / "import" / "base";
const fs::path kDescribe = fs::path(FUPIN_SOURCE_DIR) / "scripts" / "describe_workbook.py";

class SpreadsheetExportTest : public TempDirTest {
 protected:
  SpreadsheetExportTest() : TempDirTest("fupin_spreadsheet_test") {}
  RunResult Fupin(const std::vector<std::string>& args) {
    return RunFupin(args, {}, dir_.string());
  }

  // A register holding the four households of tests/data/import/base.
  std::string BaseRegister() {
    const std::string db = Path("fupin.db");
    EXPECT_EQ(Fupin({"--db", db, "init"}).exit_code, 0);
    EXPECT_EQ(Fupin({"--db", db, "regions", "load", "--from", (kDataDir / "regions.csv").string()})
                  .exit_code,
              0);
    return db;
  }
  std::string BaseRegisterWithHouseholds() {
    const std::string db = BaseRegister();
    RunResult r = Fupin({"--db", db, "import", (kBase / "households.csv").string(),
                         (kBase / "members.csv").string()});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return db;
  }

  // Runs a Python script with Debian's python3 (which has openpyxl); its stdout.
  std::string Python(const std::string& script, const std::vector<std::string>& args) {
    const std::string file = Path("script.py");
    WriteFile(file, script);
    std::vector<std::string> argv{file};
    argv.insert(argv.end(), args.begin(), args.end());
    std::string command = "/usr/bin/python3";
    for (const auto& a : argv) command += " '" + a + "'";
    RunResult r = RunShell(command);
    EXPECT_EQ(r.exit_code, 0) << r.out;
    return r.out;
  }

  std::vector<std::string> Describe(const std::string& book) {
    std::vector<std::string> lines;
    std::istringstream in(Python(ReadFile(kDescribe), {book}));
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    return lines;
  }
};

bool Has(const std::vector<std::string>& lines, const std::string& line) {
  return std::find(lines.begin(), lines.end(), line) != lines.end();
}
std::string Joined(const std::vector<std::string>& lines) {
  std::string all;
  for (const auto& l : lines) all += l + "\n";
  return all;
}
// The lines that start with `prefix`.
std::vector<std::string> Starting(const std::vector<std::string>& lines,
                                  const std::string& prefix) {
  std::vector<std::string> out;
  for (const auto& l : lines) {
    if (l.rfind(prefix, 0) == 0) out.push_back(l);
  }
  return out;
}

TEST_F(SpreadsheetExportTest, AnExportHoldsMoneyAsNumbersDatesAsDatesAndCodesAsText) {
  const std::string db = BaseRegisterWithHouseholds();
  ASSERT_EQ(Fupin({"--db", db, "export", "--out", Path("e.xlsx")}).exit_code, 0);
  auto lines = Describe(Path("e.xlsx"));
  // The first household of the register (H2210120500001) and its head.
  for (const char* line : {
           "cell 户表 A2 s @ H2210120500001",                // 户编号
           "cell 户表 B2 s @ 620422101205",                  // 行政区划代码
           "cell 户表 E2 s @ 2016",                          // 识别年度
           "cell 户表 J2 n 0 2",                             // 家庭人口数
           "cell 户表 K2 n 0.00 3881.62",                    // 工资性收入
           "cell 户表 Q2 n 0.00 2000",                       // 教育支出
           "cell 户表 U2 s @ A",                             // 住房安全等级
           "cell 人表 D2 s @ 620422194901222334",            // 证件号码: never a number
           "cell 人表 G2 d yyyy-mm-dd 1949-01-22 00:00:00",  // 出生日期
           "cell 人表 N2 n 0 0",                             // 务工月数
       }) {
    EXPECT_TRUE(Has(lines, line)) << line << "\n" << Joined(lines);
  }
  // Every amount of every row is a number: columns K to R of 户表.
  int amounts = 0;
  for (const auto& line : Starting(lines, "cell 户表 ")) {
    const std::string cell = line.substr(std::string("cell 户表 ").size());
    if (cell[0] < 'K' || cell[0] > 'R' || (cell[1] == '1' && cell[2] == ' ')) continue;
    if (cell[1] < '0' || cell[1] > '9') continue;  // AA, AB…
    EXPECT_NE(line.find(" n 0.00 "), std::string::npos) << line;
    ++amounts;
  }
  EXPECT_EQ(amounts, 4 * 8);
}

TEST_F(SpreadsheetExportTest, AnExportHasAFrozenHeaderAFilterOverItsRowsAndFittedWidths) {
  const std::string db = BaseRegisterWithHouseholds();
  ASSERT_EQ(Fupin({"--db", db, "export", "--out", Path("e.xlsx")}).exit_code, 0);
  auto lines = Describe(Path("e.xlsx"));
  EXPECT_TRUE(Has(lines, "freeze 户表 A2")) << Joined(lines);
  EXPECT_TRUE(Has(lines, "freeze 人表 A2")) << Joined(lines);
  EXPECT_TRUE(Has(lines, "filter 户表 A1:AC5")) << Joined(lines);  // 29 columns, 4 households
  EXPECT_TRUE(Has(lines, "filter 人表 A1:S12")) << Joined(lines);  // 19 columns, 11 members
  // 参加城乡居民基本医疗保险: 12 CJK characters, 2 widths each.
  auto width = Starting(lines, "width 人表 O ");
  ASSERT_EQ(width.size(), 1u) << Joined(lines);
  EXPECT_GE(std::stod(width[0].substr(std::string("width 人表 O ").size())), 24);
  // 证件号码: 18 digits.
  width = Starting(lines, "width 人表 D ");
  ASSERT_EQ(width.size(), 1u) << Joined(lines);
  EXPECT_GE(std::stod(width[0].substr(std::string("width 人表 D ").size())), 18);
}

TEST_F(SpreadsheetExportTest, CodedColumnsOfferTheirLabelsInADropDownList) {
  const std::string db = BaseRegisterWithHouseholds();
  ASSERT_EQ(Fupin({"--db", db, "export", "--out", Path("e.xlsx")}).exit_code, 0);
  auto lines = Describe(Path("e.xlsx"));
  for (const char* line : {
           "validation 户表 D2:D1048576 list \"未脱贫,已脱贫,返贫,已剔除\" stop",
           "validation 户表 S2:S1048576 list \"是,否\" stop",
           "validation 户表 U2:U1048576 list \"A,B,C,D\" stop",
           "validation 人表 F2:F1048576 list \"男,女\" stop",
           // several values may be typed, separated by '；': told, not refused
           "validation 人表 K2:K1048576 list \"健康,长期慢性病,患有大病,残疾\" information",
       }) {
    EXPECT_TRUE(Has(lines, line)) << line << "\n" << Joined(lines);
  }
  // 户类型 贫困状态 户属性 主要致贫原因 其他致贫原因 不愁吃 不愁穿 住房安全等级 危房改造 易地搬迁
  // 饮水安全 监测对象类型 监测状态 风险类型; 证件类型 与户主关系 性别 文化程度 在校生状况 健康状况
  // 残疾等级 劳动能力 and the five insurances and allowances.
  EXPECT_EQ(Starting(lines, "validation 户表 ").size(), 14u) << Joined(lines);
  EXPECT_EQ(Starting(lines, "validation 人表 ").size(), 13u) << Joined(lines);
}

TEST_F(SpreadsheetExportTest, TheTemplateHasBothTablesLikeAnExportAndANotesSheet) {
  RunResult r = Fupin({"template", "--out", Path("模板.xlsx"), "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(json::parse(r.out)["sheets"], json::array({"户表", "人表", "说明"}));
  auto lines = Describe(Path("模板.xlsx"));
  for (const char* line : {
           "sheet 户表 visible",
           "sheet 人表 visible",
           "sheet 说明 visible",
           "cell 户表 A1 s @ 户编号",
           "cell 户表 C1 s @ 村民小组",  // optional, after the village code (issue 14)
           "cell 户表 AD1 s @ 联系电话",
           "cell 人表 D1 s @ 证件号码",
           "freeze 户表 A2",
           "filter 户表 A1:AD1",
           "validation 人表 E2:E1048576 list "
           "\"户主,配偶,之子,之女,之儿媳,之女婿,之孙子,之孙女,之外孙子,之外孙女,之父,之母,之岳父,"
           "之岳母,之公公,之婆婆,之祖父,之祖母,之兄弟姐妹,其他\" stop",
           // The notes: 表, 列名, 英文列名, 是否必填, 格式, 允许的值, 示例, 说明.
           "cell 说明 A1 s @ 表",
           "cell 说明 B2 s @ 户编号",
           "cell 说明 C2 s @ household_code",
           "cell 说明 D2 s @ 是",
           "cell 说明 B4 s @ 村民小组",
           "cell 说明 D4 s @ 否",
           "cell 说明 G4 s @ 3组",
           "cell 说明 D6 s @ 建档立卡户必填",
           "cell 说明 F6 s @ 未脱贫、已脱贫、返贫、已剔除",
           "cell 说明 E13 s @ 数字，单位元，最多两位小数",
           "cell 说明 G13 s @ 3881.62",
       }) {
    EXPECT_TRUE(Has(lines, line)) << line << "\n" << Joined(lines);
  }
  // Only headers in the tables; a row of notes per column of both (30 + 19).
  EXPECT_EQ(Starting(lines, "cell 户表 ").size(), 30u);
  EXPECT_EQ(Starting(lines, "cell 人表 ").size(), 19u);
  EXPECT_TRUE(Has(lines, "cell 说明 B50 s @ 特困供养")) << Joined(lines);
  // The column formats wait for what the clerk types: text for ID numbers, 0.00 for money.
  std::string formats = Python(R"(
import sys, openpyxl
book = openpyxl.load_workbook(sys.argv[1])
for sheet, column in (("人表", "D"), ("户表", "L"), ("人表", "G")):
    print(sheet, column, book[sheet].column_dimensions[column].number_format
          if hasattr(book[sheet].column_dimensions[column], "number_format") else "?")
)",
                               {Path("模板.xlsx")});
  EXPECT_EQ(formats, "人表 D @\n户表 L 0.00\n人表 G yyyy-mm-dd\n");
}

TEST_F(SpreadsheetExportTest, AWorkbookFilledInFromTheTemplateImports) {
  ASSERT_EQ(Fupin({"template", "--out", Path("t.xlsx")}).exit_code, 0);
  // A clerk (here openpyxl) types the rows of the base fixture under the template's headers.
  Python(R"(
import csv, sys, openpyxl
book = openpyxl.load_workbook(sys.argv[1])
for sheet, path in (("户表", sys.argv[2]), ("人表", sys.argv[3])):
    ws = book[sheet]
    header = [c.value for c in ws[1]]
    with open(path, encoding="utf-8-sig") as f:
        for row in csv.DictReader(f):
            ws.append([row.get(name, "") or None for name in header])
book.save(sys.argv[4])
)",
         {Path("t.xlsx"), (kBase / "households.csv").string(), (kBase / "members.csv").string(),
          Path("filled.xlsx")});
  const std::string db = BaseRegister();
  RunResult r = Fupin({"--db", db, "import", Path("filled.xlsx"), "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(json::parse(r.out)["households_created"], 4);
}

TEST_F(SpreadsheetExportTest, TheTemplateIsWrittenOnlyToAnXlsxFile) {
  RunResult r = Fupin({"template", "--out", Path("模板.csv")});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("E_USAGE"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(Path("模板.csv")));
  r = Fupin({"--lang", "en", "template", "--out", Path("模板.csv")});
  EXPECT_NE(r.err.find("--out must be an .xlsx file"), std::string::npos) << r.err;
}

TEST_F(SpreadsheetExportTest, TheTemplateCommandIsInTheHelp) {
  RunResult r = Fupin({"--help"});
  EXPECT_NE(r.out.find("template"), std::string::npos) << r.out;
}

}  // namespace
}  // namespace fupin::testing
