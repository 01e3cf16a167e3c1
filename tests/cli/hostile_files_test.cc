// Hostile workbooks on the command line (issue 9, fault 4): `fupin import` and `fupin
// compare` refuse a workbook whose parts claim or inflate to gigabytes with exit 2 and
// E_FORMAT naming the file and the part, in a bounded time and memory, and never crash.
#include <sys/resource.h>
#include <sys/wait.h>

#include <filesystem>
#include <string>
#include <vector>

#include "exchange/zip_testing.h"
#include "fupin_process.h"
#include "gtest/gtest.h"

namespace fupin::testing {
namespace {

namespace fs = std::filesystem;

const fs::path kData = fs::path(FUPIN_TESTDATA_DIR);

// The peak RSS of the children reaped so far, in MiB.
long ChildrenPeakRssMib() {
  struct rusage usage;
  getrusage(RUSAGE_CHILDREN, &usage);
  return usage.ru_maxrss / 1024;
}

class HostileFilesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = MakeTempDir("fupin_hostile_files_test");
    ASSERT_FALSE(dir_.empty());
    db_ = (dir_ / "fupin.db").string();
    ASSERT_EQ(Fupin({"init"}).exit_code, 0);
    ASSERT_EQ(Fupin({"regions", "load", "--from", (kData / "regions.csv").string()}).exit_code, 0);
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  RunResult Fupin(std::vector<std::string> args) {
    args.insert(args.begin(), {"--db", db_});
    return RunFupin(args, {}, dir_.string());
  }

  // A workbook whose sheet claims 4 GB, and one that really inflates to 1 GiB of zeros.
  std::string ClaimsFourGigabytes() {
    RawZipEntry sheet = Deflated("", SheetXml(R"(<row r="1"><c r="A1"><v>1</v></c></row>)"));
    sheet.size = 0xFFFFFFFEu;
    const std::string path = (dir_ / "claims.xlsx").string();
    EXPECT_TRUE(WriteRawZip(path, MinimalWorkbook(sheet)));
    return path;
  }
  std::string ZipBomb() {
    const std::string zeros(size_t{1} << 20, '\0');
    const std::string path = (dir_ / "bomb.xlsx").string();
    EXPECT_TRUE(WriteRawZip(path, MinimalWorkbook(DeflatedRepeat("", zeros, 1024))));
    return path;
  }

  void ExpectFormatError(const RunResult& r, const std::string& file) {
    EXPECT_EQ(r.signal, 0);
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_NE(r.err.find("E_FORMAT"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find(file), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("xl/worksheets/sheet1.xml 解压后过大"), std::string::npos) << r.err;
  }

  fs::path dir_;
  std::string db_;
};

TEST_F(HostileFilesTest, ImportOfAZipBombExitsTwoWithAFormatError) {
  const std::string bomb = ZipBomb();
  ExpectFormatError(Fupin({"import", bomb}), bomb);
  EXPECT_LT(ChildrenPeakRssMib(), 300);
}

TEST_F(HostileFilesTest, ImportOfAWorkbookClaimingFourGigabytesExitsTwoWithAFormatError) {
  const std::string claims = ClaimsFourGigabytes();
  ExpectFormatError(Fupin({"import", claims}), claims);
  EXPECT_LT(ChildrenPeakRssMib(), 300);
}

TEST_F(HostileFilesTest, CompareWithAZipBombListExitsTwoWithAFormatError) {
  ASSERT_EQ(Fupin({"import", (kData / "compare" / "households.csv").string(),
                   (kData / "compare" / "members.csv").string()})
                .exit_code,
            0);
  const std::string bomb = ZipBomb();
  ExpectFormatError(Fupin({"compare", "deaths", bomb, "--as-of", "2026-06-30"}), bomb);
  const std::string claims = ClaimsFourGigabytes();
  ExpectFormatError(Fupin({"compare", "deaths", claims, "--as-of", "2026-06-30"}), claims);
  EXPECT_LT(ChildrenPeakRssMib(), 300);
}

TEST_F(HostileFilesTest, TheRefusalIsInEnglishWithLangEn) {
  const std::string bomb = ZipBomb();
  RunResult r = Fupin({"--lang", "en", "import", bomb});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("xl/worksheets/sheet1.xml inflates too large"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace fupin::testing
