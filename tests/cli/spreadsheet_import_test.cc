// Integration tests of importing workbooks that real spreadsheet programs wrote (issue 10):
// Debian's python3-openpyxl (numbers as numbers, money carrying a double's tail, dates as
// date cells, booleans, a title above each header, a formula with its cached value, an
// inline rich-text string) and LibreOffice (headless conversion of the template's CSV files:
// it types numbers and dates itself, and writes shared strings). Each workbook is made in
// the test from tests/data/import/ by tests/data/spreadsheets/make_workbook.py, imported by
// the real `fupin`, and its register compared with the one the same CSV files give.
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "fupin_process.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"

namespace fupin::testing {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

const fs::path kData = fs::path(FUPIN_TESTDATA_DIR);
const fs::path kImport = kData / "import";
const fs::path kScript = kData / "spreadsheets" / "make_workbook.py";

// The database every test copies: the region tree of tests/data/regions.csv.
const fs::path& RegionsDb() {
  static const fs::path path = [] {
    const fs::path db = ProgramTempDir("fupin_spreadsheet_test") / "regions.db";
    EXPECT_EQ(RunFupin({"--db", db.string(), "init"}).exit_code, 0);
    RunResult load = RunFupin(
        {"--db", db.string(), "regions", "load", "--from", (kData / "regions.csv").string()});
    EXPECT_EQ(load.exit_code, 0) << load.err;
    return db;
  }();
  return path;
}

class SpreadsheetImportTest : public TempDirTest {
 protected:
  SpreadsheetImportTest() : TempDirTest("fupin_spreadsheet_test") {}

  // Runs a shell command (the paths here hold no spaces) and expects it to succeed.
  void Shell(const std::string& command) {
    RunResult r = RunShell(command);
    ASSERT_EQ(r.exit_code, 0) << command << "\n" << r.out;
  }

  // /usr/bin/python3 make_workbook.py ARGS... (Debian's python, which has openpyxl).
  void MakeWorkbook(const std::vector<std::string>& args) {
    std::string command = "/usr/bin/python3 " + kScript.string();
    for (const auto& a : args) command += " " + a;
    Shell(command);
  }

  // LibreOffice converts `csv` to an XLSX workbook in `out_dir`, reading it as
  // `infilter` says (its own profile, so that parallel runs do not collide).
  void LibreOffice(const std::string& infilter, const std::string& file,
                   const std::string& out_dir) {
    Shell("soffice -env:UserInstallation=file://" + Path("lo-profile") +
          " --headless --infilter=\"" + infilter + "\" --convert-to xlsx --outdir " + out_dir +
          " " + file + " >/dev/null 2>&1");
  }

  // LibreOffice's workbook of the CSV files `households` and `members`: each converted by
  // LibreOffice (ID numbers as text unless `ids_as_numbers`), the two sheets joined into
  // one workbook, and that converted by LibreOffice again, so that it wrote every byte.
  std::string LibreOfficeBook(const fs::path& households, const fs::path& members,
                              bool ids_as_numbers = false) {
    const std::string csv = Path("csv"), one = Path("one"), two = Path("two");
    fs::create_directories(csv);
    fs::copy_file(households, csv + "/households.csv");
    fs::copy_file(members, csv + "/members.csv");
    // "CSV:44,34,76,1,COLUMNS": comma, double quote, UTF-8, from line 1; in COLUMNS, column
    // 3 (证件号码) of the 人表 typed 2, text, as a clerk formats it.
    LibreOffice("CSV:44,34,76,1", csv + "/households.csv", one);
    LibreOffice(ids_as_numbers ? "CSV:44,34,76,1" : "CSV:44,34,76,1,1/1/2/1/3/2",
                csv + "/members.csv", one);
    MakeWorkbook({"merge", one + "/households.xlsx", one + "/members.xlsx", Path("joined.xlsx")});
    LibreOffice("Calc MS Excel 2007 XML", Path("joined.xlsx"), two);
    return two + "/joined.xlsx";
  }

  std::string NewDb(const std::string& name) {
    const std::string db = Path(name);
    CopyDatabase(RegionsDb(), db);
    return db;
  }

  json Import(const std::string& db, const std::vector<std::string>& files, int expected_exit) {
    std::vector<std::string> args{"--db", db, "import"};
    args.insert(args.end(), files.begin(), files.end());
    args.push_back("--json");
    RunResult r = RunFupin(args);
    EXPECT_EQ(r.exit_code, expected_exit) << r.out << r.err;
    json report = json::parse(r.out, nullptr, /*allow_exceptions=*/false);
    EXPECT_FALSE(report.is_discarded()) << r.out << r.err;
    return report;
  }

  // The register of `db` as `fupin export` writes it: households.csv, then members.csv.
  std::string Exported(const std::string& db) {
    const std::string out = Path(fs::path(db).stem().string() + "-export");
    RunResult r = RunFupin({"--db", db, "export", "--out", out});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return ReadFile(fs::path(out) / "households.csv") + ReadFile(fs::path(out) / "members.csv");
  }

  // The register the CSV files of tests/data/import/base give.
  std::string BaseRegister() {
    const std::string db = NewDb("csv.db");
    json report = Import(db,
                         {(kImport / "base" / "households.csv").string(),
                          (kImport / "base" / "members.csv").string()},
                         0);
    EXPECT_EQ(report["households_created"], 4);
    return Exported(db);
  }
};

TEST_F(SpreadsheetImportTest, AWorkbookTypedWithOpenpyxlImportsWithNoErrorAndTheSameRegister) {
  const std::string book = Path("typed.xlsx");
  MakeWorkbook({"typed", (kImport / "base" / "households.csv").string(),
                (kImport / "base" / "members.csv").string(), book});
  const std::string db = NewDb("typed.db");
  json report = Import(db, {book}, 0);
  EXPECT_EQ(report["errors"].size(), 0u) << report["errors"].dump(1);
  EXPECT_EQ(report["households_created"], 4);
  const std::string imported = Exported(db);
  EXPECT_FALSE(imported.empty());
  EXPECT_EQ(imported, BaseRegister());
}

TEST_F(SpreadsheetImportTest, AWorkbookConvertedByLibreOfficeImportsWithNoErrorAndTheSameRegister) {
  const std::string book =
      LibreOfficeBook(kImport / "base" / "households.csv", kImport / "base" / "members.csv");
  const std::string db = NewDb("lo.db");
  json report = Import(db, {book}, 0);
  EXPECT_EQ(report["errors"].size(), 0u) << report["errors"].dump(1);
  EXPECT_EQ(report["households_created"], 4);
  EXPECT_EQ(Exported(db), BaseRegister());
}

TEST_F(SpreadsheetImportTest, IdNumbersLibreOfficeTypedAsNumbersAreRefusedAskingForATextColumn) {
  const std::string book =
      LibreOfficeBook(kImport / "base" / "households.csv", kImport / "base" / "members.csv",
                      /*ids_as_numbers=*/true);
  const std::string db = NewDb("lo.db");
  json report = Import(db, {book}, 2);
  const json& errors = report["errors"];
  // Every member of base/members.csv but the two whose number ends in X (text even so).
  const std::vector<size_t> lines = {2, 3, 4, 6, 7, 8, 9, 10, 11};
  ASSERT_EQ(errors.size(), lines.size()) << errors.dump(1);
  for (size_t i = 0; i < errors.size(); ++i) {
    EXPECT_EQ(errors[i]["code"], "E_ID_FORMAT") << errors[i].dump();
    EXPECT_EQ(errors[i]["column"], "证件号码") << errors[i].dump();
    EXPECT_EQ(errors[i]["line"], lines[i]) << errors[i].dump();
    EXPECT_EQ(errors[i]["message"], "证件号码列须设置为文本格式，数字格式会丢失末位")
        << errors[i].dump();
  }
  EXPECT_EQ(report["households_created"], 0);
}

TEST_F(SpreadsheetImportTest, ErrorsBelowATitleNameTheSheetsRealRows) {
  // three_decimals: 工资性收入 1.234 on line 3 of the CSV; the workbook puts a title and a
  // blank row above the header, so that row is row 5 of the sheet.
  const std::string book = Path("typed.xlsx");
  MakeWorkbook({"typed", (kImport / "three_decimals" / "households.csv").string(),
                (kImport / "base" / "members.csv").string(), book});
  const std::string db = NewDb("typed.db");
  json report = Import(db, {book}, 2);
  const json& errors = report["errors"];
  ASSERT_EQ(errors.size(), 1u) << errors.dump(1);
  EXPECT_EQ(errors[0]["code"], "E_NUMBER");
  EXPECT_EQ(errors[0]["line"], 5);
  EXPECT_EQ(errors[0]["column"], "工资性收入");
  EXPECT_EQ(errors[0]["value"], "1.234");
}

}  // namespace
}  // namespace fupin::testing
