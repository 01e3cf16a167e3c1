// The clerk's loop (issue 10): export the register to a workbook, work in it with a real
// spreadsheet program, import it again. The programs are Debian's: python3-openpyxl (as
// Excel and WPS store cells) and LibreOffice headless. Nothing here skips: without them the
// tests fail.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

#include "fupin_process.h"

namespace fupin::testing {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

const fs::path kDataDir = FUPIN_TESTDATA_DIR;
const fs::path kBase = kDataDir / "import" / "base";

// Runs a shell command; its exit status, and its output in `out`.
int Shell(const std::string& command, std::string* out = nullptr, const fs::path& = {}) {
  RunResult r = RunShell(command);
  if (out) *out = r.out;
  return r.exit_code;
}

class SpreadsheetRoundTripTest : public TempDirTest {
 protected:
  SpreadsheetRoundTripTest() : TempDirTest("fupin_roundtrip") {}
  void SetUp() override {
    TempDirTest::SetUp();
    if (HasFatalFailure()) return;
    db_ = Path("t.db");
    ASSERT_EQ(RunFupin({"--db", db_, "init"}).exit_code, 0);
    ASSERT_EQ(
        RunFupin({"--db", db_, "regions", "load", "--from", (kDataDir / "regions.csv").string()})
            .exit_code,
        0);
    RunResult imported = RunFupin({"--db", db_, "import", (kBase / "households.csv").string(),
                                   (kBase / "members.csv").string(), "--json"});
    ASSERT_EQ(imported.exit_code, 0) << imported.err;
    households_ = json::parse(imported.out)["households_created"].get<int>();
    ASSERT_GT(households_, 1);
  }
  // The register as two CSV files' text (the export is deterministic).
  std::string Register() {
    const fs::path out = dir_ / ("register-" + std::to_string(++exports_));
    RunResult r = RunFupin({"--db", db_, "export", "--out", out.string()});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return ReadFile(out / "households.csv") + ReadFile(out / "members.csv");
  }
  fs::path ExportWorkbook() {
    const fs::path book = dir_ / "export.xlsx";
    RunResult r = RunFupin({"--db", db_, "export", "--out", book.string()});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return book;
  }
  json Import(const fs::path& book) {
    RunResult r = RunFupin({"--db", db_, "import", book.string(), "--json"});
    EXPECT_EQ(r.exit_code, 0) << r.err << r.out;
    return r.out.empty() ? json::object() : json::parse(r.out);
  }

  std::string db_;
  int households_ = 0;
  int exports_ = 0;
};

TEST_F(SpreadsheetRoundTripTest, AnExportSavedAgainByOpenpyxlImportsWithNothingChanged) {
  const std::string before = Register();
  const fs::path book = ExportWorkbook();
  const fs::path saved = dir_ / "saved.xlsx";
  std::string out;
  ASSERT_EQ(
      Shell("/usr/bin/python3 -c \"import openpyxl,sys; wb=openpyxl.load_workbook(sys.argv[1]);"
            " wb.save(sys.argv[2])\" '" +
                book.string() + "' '" + saved.string() + "'",
            &out, dir_),
      0)
      << out;
  json report = Import(saved);
  EXPECT_TRUE(report["errors"].empty()) << report.dump();
  EXPECT_EQ(report["households_unchanged"], households_) << report.dump();
  EXPECT_EQ(report["households_updated"], 0);
  EXPECT_EQ(Register(), before);
}

TEST_F(SpreadsheetRoundTripTest, AnIncomeEditedAsANumberInOpenpyxlChangesThatHouseholdAlone) {
  const std::string before = Register();
  const fs::path book = ExportWorkbook();
  const fs::path edited = dir_ / "edited.xlsx";
  // The clerk adds 100.10 to the first household's wage income (a number cell: the sum is a
  // binary double such as 3100.1000000000004) and types a new date of registration check.
  const std::string script =
      "import openpyxl,sys\n"
      "wb=openpyxl.load_workbook(sys.argv[1]); ws=wb['户表']\n"
      "head=None\n"
      "for row in ws.iter_rows(min_row=1, max_row=10):\n"
      "    names=[c.value for c in row]\n"
      "    if '户编号' in names: head=row[0].row; break\n"
      "names=[c.value for c in ws[head]]\n"
      "cell=ws.cell(head+1, names.index('工资性收入')+1)\n"
      "assert isinstance(cell.value,(int,float)), repr(cell.value)\n"
      "cell.value=cell.value+100.1\n"
      "print(ws.cell(head+1, names.index('户编号')+1).value)\n"
      "wb.save(sys.argv[2])\n";
  WriteFile(dir_ / "edit.py", script);
  std::string code;
  ASSERT_EQ(Shell("/usr/bin/python3 '" + (dir_ / "edit.py").string() + "' '" + book.string() +
                      "' '" + edited.string() + "'",
                  &code, dir_),
            0)
      << code;
  json report = Import(edited);
  EXPECT_TRUE(report["errors"].empty()) << report.dump();
  EXPECT_EQ(report["households_updated"], 1) << report.dump();
  EXPECT_EQ(report["households_unchanged"], households_ - 1);
  EXPECT_NE(Register(), before);
}

TEST_F(SpreadsheetRoundTripTest, AnExportSavedAgainByLibreOfficeImportsWithNothingChanged) {
  const std::string before = Register();
  const fs::path book = ExportWorkbook();
  const fs::path out_dir = dir_ / "lo";
  fs::create_directories(out_dir);
  std::string out;
  ASSERT_EQ(Shell("soffice -env:UserInstallation=file://" + (dir_ / "lo-profile").string() +
                      " --headless --convert-to xlsx --outdir '" + out_dir.string() + "' '" +
                      book.string() + "'",
                  &out, dir_),
            0)
      << out;
  const fs::path saved = out_dir / "export.xlsx";
  ASSERT_TRUE(fs::exists(saved)) << out;
  json report = Import(saved);
  EXPECT_TRUE(report["errors"].empty()) << report.dump();
  EXPECT_EQ(report["households_unchanged"], households_) << report.dump();
  EXPECT_EQ(Register(), before);
}

TEST_F(SpreadsheetRoundTripTest, TheEmptyTemplateFilledInOpenpyxlImports) {
  const fs::path tmpl = dir_ / "模板.xlsx";
  RunResult made = RunFupin({"--db", db_, "template", "--out", tmpl.string()});
  ASSERT_EQ(made.exit_code, 0) << made.err;
  // One new household typed into the template as a clerk would: numbers as numbers, the
  // birth date as a date.
  const std::string script =
      "import openpyxl,sys,datetime\n"
      "wb=openpyxl.load_workbook(sys.argv[1])\n"
      "def fill(ws, values):\n"
      "    head=None\n"
      "    for row in ws.iter_rows(min_row=1, max_row=10):\n"
      "        if '户编号' in [c.value for c in row]: head=row[0].row; break\n"
      "    names=[c.value for c in ws[head]]\n"
      "    for k,v in values.items(): ws.cell(head+1, names.index(k)+1).value=v\n"
      "fill(wb['户表'], "
      "{'户编号':'HT0000000001','行政区划代码':'620422102201','户类型':'建档立卡户',"
      "'贫困状态':'未脱贫','识别年度':2016,'户属性':'一般户','主要致贫原因':'因病','工资性收入':"
      "3000.5,"
      "'生产经营性收入':1000,'生产经营性支出':0,'财产性收入':0,'转移性收入':500.25,'不愁吃':'是',"
      "'不愁穿':'是','住房安全等级':'A','饮水安全':'是'})\n"
      "fill(wb['人表'], {'户编号':'HT0000000001','姓名':'模板户主','证件号码':'620422198001010377',"
      "'与户主关系':'户主','出生日期':datetime.date(1980,1,1),'在校生状况':'非在校生','健康状况':'"
      "健康',"
      "'劳动能力':'普通劳动力','参加城乡居民基本医疗保险':'是'})\n"
      "wb.save(sys.argv[2])\n";
  WriteFile(dir_ / "fill.py", script);
  const fs::path filled = dir_ / "filled.xlsx";
  std::string out;
  ASSERT_EQ(Shell("/usr/bin/python3 '" + (dir_ / "fill.py").string() + "' '" + tmpl.string() +
                      "' '" + filled.string() + "'",
                  &out, dir_),
            0)
      << out;
  json report = Import(filled);
  EXPECT_TRUE(report["errors"].empty()) << report.dump();
  EXPECT_EQ(report["households_created"], 1) << report.dump();
}

}  // namespace
}  // namespace fupin::testing
