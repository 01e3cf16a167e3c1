// `fupin compare KIND FILE --out FILE.csv|FILE.xlsx` (docs/cli.md): the new findings also
// written to a file, with the columns of the findings export, read back here; the report on
// stdout unchanged; a name that is neither .csv nor .xlsx, or a path that cannot be written,
// refused before anything is compared or stored, and no file left behind.
#include <unistd.h>

#include <filesystem>
#include <iterator>
#include <string>
#include <vector>

#include "exchange/table.h"
#include "fupin_process.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"

namespace fupin::testing {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

const fs::path kData = fs::path(FUPIN_TESTDATA_DIR);

// tests/data/compare/: 张病 and 张大 are registered, 张大 under another name on the list.
const std::string kDeaths =
    "证件号码,姓名,死亡日期\n"
    "620422195002020311,张病,2025-03-02\n"
    "620422197501010117,张太,2026-01-05\n"
    "110101199003070011,外人,2025-01-01\n";

const std::vector<std::string> kHeader = {"编号", "规则", "户编号", "证件号码", "姓名",    "村",
                                          "说明", "状态", "理由",   "名单编号", "发现时间"};

const fs::path& RegisterDb() { return CompareRegisterDb("fupin_compare_out_test"); }

class CompareOutTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = MakeTempDir("fupin_compare_out_test");
    ASSERT_FALSE(dir_.empty());
    db_ = (dir_ / "fupin.db").string();
    CopyDatabase(RegisterDb(), db_);
    WriteFile(dir_ / "deaths.csv", kDeaths);
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  RunResult Compare(std::vector<std::string> extra, const std::string& db = "") {
    std::vector<std::string> args{"--db",      db.empty() ? db_ : db,          "compare",
                                  "deaths",    (dir_ / "deaths.csv").string(), "--as-of",
                                  "2026-03-31"};
    args.insert(args.end(), extra.begin(), extra.end());
    return RunFupin(args, {}, dir_.string());
  }

  // The rows the findings export would show for the report's findings, in its order.
  static std::vector<std::vector<std::string>> Expected(const json& report, const json& listed) {
    std::vector<std::vector<std::string>> out;
    for (const auto& f : report["findings"]) {
      std::string created_at;
      for (const auto& item : listed["items"]) {
        if (item["id"] == f["id"]) created_at = item["created_at"];
      }
      EXPECT_FALSE(created_at.empty());
      out.push_back({std::to_string(f["id"].get<int64_t>()), f["rule"], f["household_code"],
                     f["id_number"], f["name"], f["village_code"], f["detail"], "待核实", "",
                     std::to_string(report["list_id"].get<int64_t>()), created_at});
    }
    return out;
  }

  static std::vector<std::vector<std::string>> ReadAll(TableReader& reader) {
    std::vector<std::vector<std::string>> rows;
    Record record;
    for (;;) {
      auto more = reader.Next(record);
      EXPECT_TRUE(more.ok());
      if (!more.ok() || !*more) break;
      record.cells.resize(kHeader.size());  // trailing empty cells may be absent
      rows.push_back(record.cells);
    }
    return rows;
  }

  // Nothing compared, nothing stored: no list.
  void ExpectNothingStored() {
    RunResult lists = RunFupin({"--db", db_, "lists", "--json"});
    EXPECT_EQ(lists.exit_code, 0);
    EXPECT_EQ(json::parse(lists.out), json::array());
  }

  fs::path dir_;
  std::string db_;
};

TEST_F(CompareOutTest, TheFindingsGoToACsvFileWithTheColumnsOfTheFindingsExport) {
  const std::string out = (dir_ / "findings.csv").string();
  RunResult r = Compare({"--json", "--out", out});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const json report = json::parse(r.out);
  ASSERT_EQ(report["findings"].size(), 3u);  // 张病 dead, 张大 dead and named otherwise
  const json listed = json::parse(RunFupin({"--db", db_, "findings", "list", "--json"}).out);

  auto csv = OpenCsv(out, Encoding::kAuto);
  ASSERT_TRUE(csv.ok());
  auto rows = ReadAll(**csv);
  ASSERT_FALSE(rows.empty());
  EXPECT_EQ(rows[0], kHeader);
  rows.erase(rows.begin());
  EXPECT_EQ(rows, Expected(report, listed));
  EXPECT_EQ(ReadFile(out).substr(0, 3), "\xEF\xBB\xBF");  // a BOM, for Excel
  // The file is an export of personal data: audited with the list.
  RunResult audit =
      RunFupin({"--db", db_, "audit", "list", "--action", "export.findings", "--json"});
  ASSERT_EQ(audit.exit_code, 0) << audit.err;
  const json records = json::parse(audit.out)["items"];
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0]["target"], "list:" + std::to_string(report["list_id"].get<int64_t>()));
  EXPECT_EQ(records[0]["detail"], "3 findings to " + out);
}

TEST_F(CompareOutTest, TheFindingsGoToAnXlsxSheetReadBackCellForCell) {
  const std::string out = (dir_ / "findings.xlsx").string();
  RunResult r = Compare({"--json", "--out", out});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const json report = json::parse(r.out);
  const json listed = json::parse(RunFupin({"--db", db_, "findings", "list", "--json"}).out);

  auto book = XlsxBook::Open(out);
  ASSERT_TRUE(book.ok());
  EXPECT_EQ((*book)->SheetNames(), std::vector<std::string>{"核查发现"});
  auto sheet = (*book)->Sheet("核查发现");
  ASSERT_TRUE(sheet.ok());
  auto rows = ReadAll(**sheet);
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_EQ(rows[0], kHeader);
  rows.erase(rows.begin());
  EXPECT_EQ(rows, Expected(report, listed));
}

TEST_F(CompareOutTest, TheReportOnStdoutIsTheSameWithOrWithoutOut) {
  const std::string other = (dir_ / "other.db").string();
  CopyDatabase(RegisterDb(), other);
  RunResult plain = Compare({"--json"}, other);
  RunResult with_out = Compare({"--json", "--out", (dir_ / "f.csv").string()});
  ASSERT_EQ(plain.exit_code, 0);
  ASSERT_EQ(with_out.exit_code, 0);
  EXPECT_EQ(with_out.out, plain.out);

  RunResult text = Compare({"--out", (dir_ / "g.xlsx").string()}, other);
  ASSERT_EQ(text.exit_code, 0);
  EXPECT_NE(text.err.find("已写出 0 条核查发现到"), std::string::npos) << text.err;  // all known
}

TEST_F(CompareOutTest, AFileOnAnotherFileSystemThanTheDatabaseIsCopiedIntoPlace) {
  // The scratch folder is beside the database; /dev/shm is another file system, where a
  // rename cannot go.
  std::error_code ec;
  if (!fs::is_directory("/dev/shm", ec) || ::access("/dev/shm", W_OK) != 0) {
    GTEST_SKIP() << "no writable /dev/shm";
  }
  const fs::path folder = fs::path("/dev/shm") / dir_.filename();
  fs::create_directories(folder);
  const std::string out = (folder / "findings.csv").string();
  RunResult r = Compare({"--json", "--out", out});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  auto csv = OpenCsv(out, Encoding::kAuto);
  ASSERT_TRUE(csv.ok());
  EXPECT_EQ(ReadAll(**csv).size(), 4u);  // the header and 3 findings
  EXPECT_EQ(std::distance(fs::directory_iterator(folder), fs::directory_iterator()), 1);
  fs::remove_all(folder, ec);
}

TEST_F(CompareOutTest, ANameThatIsNeitherCsvNorXlsxIsAUsageErrorAndNothingIsCompared) {
  for (const char* name : {"findings.txt", "findings", "findings.xls", "findings.csv.gz"}) {
    RunResult r = Compare({"--json", "--out", (dir_ / name).string()});
    EXPECT_EQ(r.exit_code, 2) << name;
    EXPECT_NE(r.err.find("E_USAGE"), std::string::npos) << r.err;
    EXPECT_TRUE(r.out.empty());
    EXPECT_FALSE(fs::exists(dir_ / name)) << name;
  }
  ExpectNothingStored();
}

TEST_F(CompareOutTest, APathThatCannotBeWrittenIsRefusedBeforeAnythingIsStored) {
  fs::create_directory(dir_ / "taken.csv");
  for (const fs::path& out : {dir_ / "no-such-folder" / "f.csv", dir_ / "taken.csv"}) {
    RunResult r = Compare({"--json", "--out", out.string()});
    EXPECT_EQ(r.exit_code, 2) << out;
    EXPECT_NE(r.err.find("E_IO"), std::string::npos) << r.err;
    EXPECT_TRUE(r.out.empty());
  }
  EXPECT_FALSE(fs::exists(dir_ / "no-such-folder"));
  EXPECT_TRUE(fs::is_directory(dir_ / "taken.csv"));
  ExpectNothingStored();
  // And nothing was left in the scratch folder.
  const fs::path scratch = db_ + "-tmp";
  if (fs::exists(scratch)) {
    EXPECT_TRUE(fs::is_empty(scratch));
  }
}

}  // namespace
}  // namespace fupin::testing
