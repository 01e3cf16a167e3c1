// Integration tests of the command line (spec/cli.md, spec/import-template.md): each test
// runs the real `fupin` binary against its own database in its own temporary directory,
// with FUPIN_TODAY pinned to 2026-06-30.
//
// The import fixtures are in tests/data/import/ (see its README.md): `base/` is a clean
// register of four households; every other folder holds the one table (or two) that
// differs from it by one fault.
#include <iconv.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdlib.h>

#include <array>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <thread>
#include <tuple>
#include <utility>
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
const fs::path kImportDir = kDataDir / "import";
constexpr const char* kHouseholds = "households.csv";
constexpr const char* kMembers = "members.csv";

// ---- files and encodings ----

std::vector<std::string> Lines(std::string_view text) {
  std::vector<std::string> lines;
  std::string line;
  std::istringstream in{std::string(text)};
  while (std::getline(in, line)) lines.push_back(line);
  return lines;
}

// Converts between encodings with iconv(3); nullopt when the input is not valid `from`.
std::optional<std::string> Convert(std::string_view in, const char* from, const char* to) {
  iconv_t cd = iconv_open(to, from);
  if (cd == reinterpret_cast<iconv_t>(-1)) return std::nullopt;
  std::string input(in), output(in.size() * 4 + 16, '\0');
  char* src = input.data();
  size_t src_left = input.size();
  char* dst = output.data();
  size_t dst_left = output.size();
  const size_t rc = iconv(cd, &src, &src_left, &dst, &dst_left);
  iconv_close(cd);
  if (rc == static_cast<size_t>(-1) || src_left != 0) return std::nullopt;
  output.resize(output.size() - dst_left);
  return output;
}

std::string ToGb18030(std::string_view utf8) { return Convert(utf8, "UTF-8", "GB18030").value(); }

// Whether `bytes` is well-formed UTF-8 (RFC 3629: no overlongs, surrogates or > U+10FFFF).
bool IsUtf8(std::string_view bytes) {
  size_t i = 0;
  while (i < bytes.size()) {
    const auto c = static_cast<unsigned char>(bytes[i]);
    size_t n = 0;
    uint32_t cp = 0;
    if (c < 0x80) {
      ++i;
      continue;
    } else if ((c & 0xE0) == 0xC0) {
      n = 1;
      cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      n = 2;
      cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      n = 3;
      cp = c & 0x07;
    } else {
      return false;
    }
    if (i + n >= bytes.size()) return false;
    for (size_t k = 1; k <= n; ++k) {
      const auto d = static_cast<unsigned char>(bytes[i + k]);
      if ((d & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (d & 0x3F);
    }
    static constexpr uint32_t kMin[] = {0, 0x80, 0x800, 0x10000};
    if (cp < kMin[n] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    i += n + 1;
  }
  return true;
}

bool IsAscii(std::string_view text) {
  for (char c : text) {
    if (static_cast<unsigned char>(c) >= 0x80) return false;
  }
  return true;
}

// ---- GB 11643 ID numbers ----

// The check character of the first 17 digits of a 居民身份证 number.
char IdCheckChar(std::string_view first17) {
  static constexpr std::array<int, 17> kWeights = {7, 9, 10, 5,  8, 4, 2, 1, 6,
                                                   3, 7, 9,  10, 5, 8, 4, 2};
  int sum = 0;
  for (size_t i = 0; i < 17; ++i) sum += (first17[i] - '0') * kWeights[i];
  return "10X98765432"[sum % 11];
}

std::string IdNumber(std::string_view first17) {
  return std::string(first17) + IdCheckChar(first17);
}

TEST(IdNumberHelperTest, AgreesWithTheSampleIdNumbers) {
  for (const char* id : {"620422196004057550", "62042220110125826X", "620422194308032169"}) {
    EXPECT_EQ(IdNumber(std::string_view(id, 17)), id);
  }
}

TEST(Utf8HelperTest, TellsUtf8FromGb18030) {
  EXPECT_TRUE(IsUtf8("户编号,abc"));
  EXPECT_FALSE(IsUtf8(ToGb18030("户编号,abc")));
  EXPECT_FALSE(IsUtf8("\xff\xfe\xfa"));
}

// The database NewDb copies: made on first use, removed when the test program ends.
const fs::path& TemplateDb() {
  static const fs::path path = [] {
    const fs::path db = ProgramTempDir("fupin_cli_test") / "template.db";
    RunResult init = RunFupin({"--db", db.string(), "init"});
    EXPECT_EQ(init.exit_code, 0) << init.err;
    RunResult load = RunFupin(
        {"--db", db.string(), "regions", "load", "--from", (kDataDir / "regions.csv").string()});
    EXPECT_EQ(load.exit_code, 0) << load.err;
    return db;
  }();
  return path;
}

// ---- the fixture ----

// A temporary directory per test; helpers run `fupin` in it.
class CliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = MakeTempDir("fupin_cli_test");
    ASSERT_FALSE(dir_.empty());
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  std::string Path(const std::string& name) const { return (dir_ / name).string(); }

  RunResult Fupin(const std::vector<std::string>& args, const std::vector<std::string>& env = {}) {
    return RunFupin(args, env, dir_.string());
  }

  // A database with the region tree of tests/data/regions.csv (a copy of one made with
  // `init` and `regions load` once per test program); returns its path.
  std::string NewDb(const std::string& name = "fupin.db") {
    const std::string db = Path(name);
    CopyDatabase(TemplateDb(), db);
    return db;
  }

  // The one JSON document a --json command printed on stdout (null, and a failure, if none).
  static json Json(const RunResult& r) {
    json j = json::parse(r.out, nullptr, /*allow_exceptions=*/false);
    if (j.is_discarded()) {
      ADD_FAILURE() << "stdout is not one JSON document:\n" << r.out << "\nstderr:\n" << r.err;
      return json();
    }
    return j;
  }

  json Summary(const std::string& db, const std::string& region = "") {
    std::vector<std::string> args{"--db", db, "report", "summary", "--json"};
    if (!region.empty()) args.insert(args.end(), {"--region", region});
    RunResult r = Fupin(args);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return Json(r);
  }

  RunResult Import(const std::string& db, const std::vector<std::string>& files,
                   const std::vector<std::string>& flags = {}) {
    std::vector<std::string> args{"--db", db, "import"};
    args.insert(args.end(), files.begin(), files.end());
    args.push_back("--json");
    args.insert(args.end(), flags.begin(), flags.end());
    return Fupin(args);
  }

  // Imports the two tables of fixture `name` and expects success; returns the report.
  json ImportOk(const std::string& db, const std::string& name) {
    RunResult r = Import(db, {Fixture(name, kHouseholds), Fixture(name, kMembers)});
    EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
    return Json(r);
  }

  void Export(const std::string& db, const std::string& out) {
    RunResult r = Fupin({"--db", db, "export", "--out", out});
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }

  void Generate(const std::string& db, int households, int seed, const std::string& out,
                const std::string& encoding = "") {
    std::vector<std::string> args{"--db",
                                  db,
                                  "generate",
                                  "--county",
                                  "620422",
                                  "--households",
                                  std::to_string(households),
                                  "--seed",
                                  std::to_string(seed),
                                  "--out",
                                  out};
    if (!encoding.empty()) args.insert(args.end(), {"--encoding", encoding});
    RunResult r = Fupin(args);
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }

  // A table of fixture `name`: its own file when it has one, else the clean base's.
  static std::string Fixture(const std::string& name, const char* table) {
    fs::path own = kImportDir / name / table;
    return (fs::exists(own) ? own : kImportDir / "base" / table).string();
  }

  fs::path dir_;
};

// The first issue with `code` in `issues`, if any.
std::optional<json> FindIssue(const json& issues, const std::string& code) {
  for (const auto& i : issues) {
    if (i.is_object() && i.value("code", "") == code) return i;
  }
  return std::nullopt;
}

// ---- import errors: one fault, one error, nothing written ----

struct ExpectedIssue {
  std::string code;
  const char* table;  // kHouseholds or kMembers: which file of the fixture
  size_t line;
  std::string column;
  std::optional<std::string> value = std::nullopt;
};

class ImportErrorsTest : public CliTest {
 protected:
  // Imports fixture `fault` into a fresh register and expects exit 2, `expected` among the
  // errors (the only one unless `only` is false), and nothing written.
  void ExpectRefused(const std::string& fault, const ExpectedIssue& expected, bool only = true) {
    const std::string db = NewDb();
    json before = Summary(db);
    const std::string households = Fixture(fault, kHouseholds);
    const std::string members = Fixture(fault, kMembers);
    RunResult r = Import(db, {households, members});
    EXPECT_EQ(r.exit_code, 2) << r.err;
    json report = Json(r);
    ASSERT_TRUE(report.is_object());
    json& errors = report["errors"];
    if (only) {
      EXPECT_EQ(errors.size(), 1u) << errors.dump(1);
    }
    std::optional<json> e = FindIssue(errors, expected.code);
    ASSERT_TRUE(e.has_value()) << "no " << expected.code << " in " << errors.dump(1);
    EXPECT_EQ((*e)["file"], expected.table == kHouseholds ? households : members) << e->dump();
    EXPECT_EQ((*e)["line"], expected.line) << e->dump();
    EXPECT_EQ((*e)["column"], expected.column) << e->dump();
    if (expected.value) {
      EXPECT_EQ((*e)["value"], *expected.value) << e->dump();
    }
    EXPECT_FALSE((*e)["message"].get<std::string>().empty()) << e->dump();
    EXPECT_EQ(report["households_created"], 0);
    EXPECT_EQ(report["households_updated"], 0);
    EXPECT_EQ(Summary(db), before) << "the refused import wrote something";
  }
};

TEST_F(ImportErrorsTest, BytesThatAreNeitherUtf8NorGb18030AreE_ENCODINGOnTheirLine) {
  ExpectRefused("bad_bytes", {"E_ENCODING", kHouseholds, 3, ""});
}

TEST_F(ImportErrorsTest, AnUnknownColumnIsE_HEADER) {
  ExpectRefused("unknown_column", {"E_HEADER", kHouseholds, 1, "备注"});
}

TEST_F(ImportErrorsTest, AMissingRequiredColumnIsE_HEADER) {
  ExpectRefused("missing_column", {"E_HEADER", kHouseholds, 1, "工资性收入"});
}

TEST_F(ImportErrorsTest, AColumnTwiceIsE_HEADER) {
  ExpectRefused("column_twice", {"E_HEADER", kMembers, 1, "姓名"});
}

TEST_F(ImportErrorsTest, AHeaderProblemStopsTheImportEvenWithSkipInvalid) {
  const std::string db = NewDb();
  RunResult r = Import(db, {Fixture("unknown_column", kHouseholds), Fixture("base", kMembers)},
                       {"--skip-invalid", "--rejects", Path("rejects")});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  json report = Json(r);
  EXPECT_TRUE(FindIssue(report["errors"], "E_HEADER").has_value()) << r.out;
  EXPECT_EQ(Summary(db)["households"], 0);
}

TEST_F(ImportErrorsTest, AnEmptyWageIncomeIsE_REQUIRED) {
  ExpectRefused("empty_wage_income", {"E_REQUIRED", kHouseholds, 3, "工资性收入", ""});
}

TEST_F(ImportErrorsTest, AnEmptyPovertyStatusOfARegisteredHouseholdIsE_REQUIRED) {
  ExpectRefused("empty_poverty_status", {"E_REQUIRED", kHouseholds, 4, "贫困状态", ""});
}

TEST_F(ImportErrorsTest, AHouseholdCodeWithASpaceIsE_FORMAT) {
  // The member rows carry the same code, so they are E_FORMAT too.
  ExpectRefused("code_with_space", {"E_FORMAT", kHouseholds, 3, "户编号", "H22101205 00001"},
                /*only=*/false);
}

TEST_F(ImportErrorsTest, AHouseholdCodeWithAHashIsE_FORMAT) {
  ExpectRefused("code_with_hash", {"E_FORMAT", kHouseholds, 3, "户编号", "H22101205#00001"},
                /*only=*/false);
}

TEST_F(ImportErrorsTest, ANameOverFiftyCharactersIsE_FORMAT) {
  ExpectRefused("name_too_long", {"E_FORMAT", kMembers, 3, "姓名"});
}

TEST_F(ImportErrorsTest, AVillageGroupOverThirtyCharactersIsE_FORMAT) {
  ExpectRefused("group_too_long", {"E_FORMAT", kHouseholds, 3, "村民小组"});
}

TEST_F(ImportErrorsTest, ARowWithMoreCellsThanTheHeaderIsE_FORMAT) {
  ExpectRefused("extra_cell", {"E_FORMAT", kMembers, 4, ""});
}

TEST_F(ImportErrorsTest, AnUnknownPovertyStatusIsE_CODE) {
  ExpectRefused("unknown_status", {"E_CODE", kHouseholds, 4, "贫困状态", "脱贫了"});
}

TEST_F(ImportErrorsTest, AnAmountWithThreeDecimalsIsE_NUMBER) {
  ExpectRefused("three_decimals", {"E_NUMBER", kHouseholds, 3, "工资性收入", "1.234"});
}

TEST_F(ImportErrorsTest, ANegativeAmountIsE_NUMBER) {
  ExpectRefused("negative_amount", {"E_NUMBER", kHouseholds, 4, "转移性收入", "-5.00"});
}

TEST_F(ImportErrorsTest, ThirteenMonthsWorkedIsE_NUMBER) {
  ExpectRefused("thirteen_months", {"E_NUMBER", kMembers, 11, "务工月数", "13"});
}

TEST_F(ImportErrorsTest, AnImpossibleDateIsE_DATE) {
  ExpectRefused("impossible_date", {"E_DATE", kHouseholds, 5, "纳入监测日期", "2020-02-30"});
}

TEST_F(ImportErrorsTest, ADateAfterTodayIsE_DATE) {
  ExpectRefused("future_date", {"E_DATE", kHouseholds, 5, "纳入监测日期", "2027-01-01"});
}

TEST_F(ImportErrorsTest, ARegisteredYearBefore2013IsE_YEAR) {
  ExpectRefused("year_2012", {"E_YEAR", kHouseholds, 3, "识别年度", "2012"});
}

TEST_F(ImportErrorsTest, AnExitYearBeforeTheRegisteredYearIsE_YEAR) {
  ExpectRefused("exit_before_registration", {"E_YEAR", kHouseholds, 5, "脱贫年度", "2013"});
}

TEST_F(ImportErrorsTest, AnExitedHouseholdWithoutExitYearIsE_YEARNotE_REQUIRED) {
  ExpectRefused("exited_without_exit_year", {"E_YEAR", kHouseholds, 5, "脱贫年度"});
}

TEST_F(ImportErrorsTest, AnIdNumberOf17DigitsIsE_ID_FORMAT) {
  ExpectRefused("id_17_digits", {"E_ID_FORMAT", kMembers, 5, "证件号码", "62042220110125826"});
}

TEST_F(ImportErrorsTest, AWrongCheckCharacterIsE_ID_CHECKSUM) {
  ExpectRefused("id_bad_checksum",
                {"E_ID_CHECKSUM", kMembers, 7, "证件号码", "620422194901222335"});
}

TEST_F(ImportErrorsTest, AnImpossibleBirthDateInsideTheIdIsE_ID_BIRTHDATE) {
  // 1999-02-30 with a correct check character.
  ExpectRefused("id_bad_birthdate",
                {"E_ID_BIRTHDATE", kMembers, 11, "证件号码", IdNumber("62042219990230031")});
}

TEST_F(ImportErrorsTest, TheSameIdNumberTwiceInOneImportIsE_ID_DUPLICATEOnTheSecondLine) {
  ExpectRefused("id_twice", {"E_ID_DUPLICATE", kMembers, 12, "证件号码", "62042220110125826X"});
}

TEST_F(ImportErrorsTest, AnIdNumberOfAnotherRegisteredHouseholdIsE_ID_DUPLICATE) {
  const std::string db = NewDb();
  ImportOk(db, "base");
  json before = Summary(db);
  // A new household whose member is already in H2210120500001, which this import leaves.
  const std::string members = Fixture("id_in_register", kMembers);
  RunResult r = Import(db, {Fixture("id_in_register", kHouseholds), members});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  json report = Json(r);
  ASSERT_EQ(report["errors"].size(), 1u) << r.out;
  json& e = report["errors"][0];
  EXPECT_EQ(e["code"], "E_ID_DUPLICATE");
  EXPECT_EQ(e["file"], members);
  EXPECT_EQ(e["line"], 2);
  EXPECT_EQ(e["column"], "证件号码");
  EXPECT_EQ(e["value"], "620422194901222334");
  EXPECT_EQ(Summary(db), before);
}

TEST_F(ImportErrorsTest, ASexThatDisagreesWithTheIdIsE_SEX_MISMATCH) {
  ExpectRefused("sex_disagrees", {"E_SEX_MISMATCH", kMembers, 11, "性别", "女"});
}

TEST_F(ImportErrorsTest, ABirthDateThatDisagreesWithTheIdIsE_SEX_MISMATCH) {
  ExpectRefused("birth_date_disagrees", {"E_SEX_MISMATCH", kMembers, 11, "出生日期", "1975-06-13"});
}

TEST_F(ImportErrorsTest, AnUnknownVillageIsE_REGIONOnItsLine) {
  ExpectRefused("unknown_village", {"E_REGION", kHouseholds, 4, "行政区划代码", "620422109999"});
}

TEST_F(ImportErrorsTest, ATownshipCodeIsE_REGION) {
  ExpectRefused("township_code", {"E_REGION", kHouseholds, 4, "行政区划代码", "620422101000"});
}

TEST_F(ImportErrorsTest, AHouseholdWithoutHeadIsE_HEADOnItsHouseholdRow) {
  ExpectRefused("no_head", {"E_HEAD", kHouseholds, 3, "户编号", "H2210120500001"});
}

TEST_F(ImportErrorsTest, ASecondHeadIsE_HEADOnItsMemberRow) {
  ExpectRefused("two_heads", {"E_HEAD", kMembers, 7, "与户主关系", "户主"});
}

TEST_F(ImportErrorsTest, AMemberOfAnUnknownHouseholdIsE_HOUSEHOLD) {
  ExpectRefused("member_of_unknown_household",
                {"E_HOUSEHOLD", kMembers, 13, "户编号", "H2210220200099"});
}

TEST_F(ImportErrorsTest, AHouseholdWithoutMembersIsE_HOUSEHOLD) {
  ExpectRefused("household_without_members",
                {"E_HOUSEHOLD", kHouseholds, 5, "户编号", "H2210220200003"});
}

TEST_F(ImportErrorsTest, AHouseholdCodeTwiceInTheHouseholdsTableIsE_HOUSEHOLDOnTheSecond) {
  ExpectRefused("household_twice", {"E_HOUSEHOLD", kHouseholds, 4, "户编号", "H2210120500001"});
}

TEST_F(ImportErrorsTest, ASizeThatDisagreesWithTheMemberRowsIsE_SIZE) {
  ExpectRefused("wrong_size", {"E_SIZE", kHouseholds, 5, "家庭人口数", "3"});
}

TEST_F(ImportErrorsTest, HealthyTogetherWithDisabledIsE_CONSISTENCY) {
  ExpectRefused("healthy_and_disabled", {"E_CONSISTENCY", kMembers, 9, "健康状况"});
}

TEST_F(ImportErrorsTest, DisabledWithoutDisabilityGradeIsE_CONSISTENCY) {
  ExpectRefused("disabled_without_grade", {"E_CONSISTENCY", kMembers, 9, "残疾等级"});
}

TEST_F(ImportErrorsTest, APovertyStatusOnAnOrdinaryHouseholdIsE_CONSISTENCY) {
  ExpectRefused("status_on_ordinary", {"E_CONSISTENCY", kHouseholds, 2, "贫困状态", "未脱贫"});
}

TEST_F(ImportErrorsTest, UnderMonitoringOnANonMonitoredHouseholdIsE_CONSISTENCY) {
  ExpectRefused("monitoring_not_monitored",
                {"E_CONSISTENCY", kHouseholds, 3, "监测状态", "监测中"});
}

TEST_F(ImportErrorsTest, EveryErrorOfAnImportIsReportedNotJustTheFirst) {
  const std::string db = NewDb();
  const std::string households = Fixture("several_errors", kHouseholds);
  const std::string members = Fixture("several_errors", kMembers);
  RunResult r = Import(db, {households, members});
  EXPECT_EQ(r.exit_code, 2);
  json report = Json(r);
  std::set<std::tuple<std::string, std::string, int>> found;
  for (const auto& e : report["errors"]) {
    found.emplace(e["code"], e["file"], e["line"]);
  }
  const std::set<std::tuple<std::string, std::string, int>> expected{
      {"E_NUMBER", households, 3}, {"E_REGION", households, 4}, {"E_ID_CHECKSUM", members, 7}};
  EXPECT_EQ(found, expected) << report["errors"].dump(1);
  EXPECT_EQ(Summary(db)["households"], 0);
}

TEST_F(ImportErrorsTest, LangEnGivesEnglishMessages) {
  const std::string db = NewDb();
  const std::vector<std::string> files{Fixture("several_errors", kHouseholds),
                                       Fixture("several_errors", kMembers)};
  json zh = Json(Import(db, files));
  RunResult r = Fupin({"--db", db, "--lang", "en", "import", files[0], files[1], "--json"});
  EXPECT_EQ(r.exit_code, 2);
  json en = Json(r);
  ASSERT_EQ(en["errors"].size(), 3u) << r.out;
  ASSERT_EQ(zh["errors"].size(), 3u);
  for (size_t i = 0; i < 3; ++i) {
    const std::string message = en["errors"][i]["message"];
    // The values in this fixture are ASCII, so an English message is ASCII throughout.
    EXPECT_TRUE(IsAscii(message)) << message;
    EXPECT_NE(message, zh["errors"][i]["message"]);
    EXPECT_EQ(en["errors"][i]["code"], zh["errors"][i]["code"]);
  }
}

TEST_F(ImportErrorsTest, WithoutJsonTheErrorsGoToStderrWithFileAndLine) {
  const std::string db = NewDb();
  const std::string households = Fixture("unknown_village", kHouseholds);
  RunResult r = Fupin({"--db", db, "import", households, Fixture("base", kMembers)});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find(households + ":4"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("E_REGION"), std::string::npos) << r.err;
}

TEST_F(ImportErrorsTest, LinesAreCountedPhysicallyAcrossQuotedLineBreaksAndBlankLines) {
  // Member line 2 holds a quoted 民族 spanning two lines and a blank line follows line 4,
  // so the bad check character of 成员1_1 (line 7 in base) is on physical line 9.
  ExpectRefused("multiline_field",
                {"E_ID_CHECKSUM", kMembers, 9, "证件号码", "620422194901222335"});
}

TEST_F(ImportErrorsTest, AConditionalColumnLeftOutIsE_REQUIREDOnTheRowThatNeedsIt) {
  // No 纳入监测日期 column, and H2210220200003 (line 5) is monitored.
  ExpectRefused("monitor_since_column_missing", {"E_REQUIRED", kHouseholds, 5, "纳入监测日期", ""});
}

TEST_F(ImportErrorsTest, HeaderProblemsOfBothFilesAreReportedTogether) {
  const std::string db = NewDb();
  const std::string households = Fixture("unknown_column", kHouseholds);
  const std::string members = Fixture("column_twice", kMembers);
  RunResult r = Import(db, {households, members});
  EXPECT_EQ(r.exit_code, 2);
  json report = Json(r);
  ASSERT_EQ(report["errors"].size(), 2u) << r.out;
  for (const auto& e : report["errors"]) {
    EXPECT_EQ(e["code"], "E_HEADER");
    EXPECT_EQ(e["line"], 1);
  }
  EXPECT_EQ(report["errors"][0]["file"], households);
  EXPECT_EQ(report["errors"][1]["file"], members);
}

TEST_F(ImportErrorsTest, ForcingUtf8OnAGb18030FileIsE_ENCODING) {
  const std::string db = NewDb();
  const std::string households = Path("h.csv");
  WriteFile(households, ToGb18030(ReadFile(Fixture("base", kHouseholds))));
  RunResult r = Import(db, {households, Fixture("base", kMembers)}, {"--encoding", "utf-8"});
  EXPECT_EQ(r.exit_code, 2);
  json report = Json(r);
  ASSERT_EQ(report["errors"].size(), 1u) << r.out;
  EXPECT_EQ(report["errors"][0]["code"], "E_ENCODING");
  EXPECT_EQ(report["errors"][0]["file"], households);
  EXPECT_EQ(Summary(db)["households"], 0);
}

// ---- import warnings: reported, never blocking ----

class ImportWarningsTest : public CliTest {
 protected:
  void ExpectImportedWithWarning(const std::string& fixture, const ExpectedIssue& expected) {
    const std::string db = NewDb();
    const std::string households = Fixture(fixture, kHouseholds);
    const std::string members = Fixture(fixture, kMembers);
    RunResult r = Import(db, {households, members});
    EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
    json report = Json(r);
    EXPECT_TRUE(report["errors"].empty()) << r.out;
    EXPECT_EQ(report["households_created"], 4);
    std::optional<json> w = FindIssue(report["warnings"], expected.code);
    ASSERT_TRUE(w.has_value()) << r.out;
    EXPECT_EQ((*w)["file"], expected.table == kHouseholds ? households : members);
    EXPECT_EQ((*w)["line"], expected.line);
    EXPECT_EQ((*w)["column"], expected.column);
    if (expected.value) {
      EXPECT_EQ((*w)["value"], *expected.value);
    }
    EXPECT_EQ(Summary(db)["households"], 4);
  }
};

TEST_F(ImportWarningsTest, A15DigitIdIsUpgradedWithW_ID_UPGRADED) {
  ExpectImportedWithWarning("warn_id_upgraded",
                            {"W_ID_UPGRADED", kMembers, 11, "证件号码", "620422750612031"});
  Export(Path("fupin.db"), Path("out"));
  const std::string members = ReadFile(Path("out/members.csv"));
  EXPECT_NE(members.find("620422197506120315"), std::string::npos);
  EXPECT_EQ(members.find("620422750612031,"), std::string::npos);
}

TEST_F(ImportWarningsTest, ACauseWithNoMatchingMemberIsW_CAUSE_MISMATCH) {
  // 因残 in a household where nobody is disabled.
  ExpectImportedWithWarning("warn_cause_mismatch",
                            {"W_CAUSE_MISMATCH", kHouseholds, 3, "主要致贫原因", "因残"});
}

TEST_F(ImportWarningsTest, AnOutlyingPerCapitaIncomeIsW_INCOME_OUTLIER) {
  ExpectImportedWithWarning("warn_income_outlier",
                            {"W_INCOME_OUTLIER", kHouseholds, 4, "人均纯收入"});
}

// ---- import behaviours ----

class ImportTest : public CliTest {};

TEST_F(ImportTest, TheCleanBaseImportsWithoutErrorsOrWarnings) {
  const std::string db = NewDb();
  json report = ImportOk(db, "base");
  EXPECT_EQ(report["households_created"], 4);
  EXPECT_EQ(report["households_updated"], 0);
  EXPECT_EQ(report["members"], 11);
  EXPECT_EQ(report["rejected_households"], 0);
  EXPECT_TRUE(report["errors"].empty());
  EXPECT_TRUE(report["warnings"].empty()) << report["warnings"].dump(1);
}

TEST_F(ImportTest, DryRunValidatesAndWritesNothing) {
  const std::string db = NewDb();
  json before = Summary(db);
  RunResult r =
      Import(db, {Fixture("base", kHouseholds), Fixture("base", kMembers)}, {"--dry-run"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(Json(r)["errors"].empty());
  EXPECT_EQ(Summary(db), before);
  // The same files then import for real.
  ImportOk(db, "base");
  EXPECT_EQ(Summary(db)["households"], 4);
}

TEST_F(ImportTest, DryRunReportsErrorsWithExit2) {
  const std::string db = NewDb();
  RunResult r = Import(db, {Fixture("unknown_village", kHouseholds), Fixture("base", kMembers)},
                       {"--dry-run"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(FindIssue(Json(r)["errors"], "E_REGION").has_value()) << r.out;
}

TEST_F(ImportTest, SkipInvalidImportsTheValidHouseholdsAndWritesTheRejects) {
  const std::string db = NewDb();
  const std::string households = Fixture("base", kHouseholds);
  const std::string members = Fixture("one_bad_member", kMembers);
  const std::string rejects = Path("rejects");
  RunResult r = Import(db, {households, members}, {"--skip-invalid", "--rejects", rejects});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  json report = Json(r);
  EXPECT_EQ(report["households_created"], 3);
  EXPECT_EQ(report["members"], 8);
  EXPECT_EQ(report["rejected_households"], 1);
  ASSERT_EQ(report["errors"].size(), 1u);
  EXPECT_EQ(report["errors"][0]["code"], "E_ID_CHECKSUM");
  json summary = Summary(db);
  EXPECT_EQ(summary["households"], 3);
  EXPECT_EQ(summary["persons"], 8);

  // The rejects hold the original rows, unchanged, each with an added 错误 cell.
  const auto in_h = Lines(ReadFile(households)), in_m = Lines(ReadFile(members));
  const auto out_h = Lines(ReadFile(rejects + "/households.csv"));
  const auto out_m = Lines(ReadFile(rejects + "/members.csv"));
  ASSERT_EQ(out_h.size(), 2u);
  EXPECT_EQ(out_h[0], in_h[0] + ",错误");
  EXPECT_TRUE(out_h[1].starts_with(in_h[3] + ",")) << out_h[1];  // H2210220100002
  EXPECT_GT(out_h[1].size(), in_h[3].size() + 1);
  ASSERT_EQ(out_m.size(), 4u);  // the household's three member rows, the bad one among them
  EXPECT_EQ(out_m[0], in_m[0] + ",错误");
  for (size_t i = 1; i < 4; ++i) {
    EXPECT_TRUE(out_m[i].starts_with(in_m[6 + i] + ",")) << out_m[i];
    EXPECT_GT(out_m[i].size(), in_m[6 + i].size() + 1) << "empty 错误 cell: " << out_m[i];
  }
}

TEST_F(ImportTest, AHouseholdWithOneBadMemberRowIsRejectedWhole) {
  const std::string db = NewDb();
  RunResult r = Import(db, {Fixture("base", kHouseholds), Fixture("one_bad_member", kMembers)},
                       {"--skip-invalid", "--rejects", Path("rejects")});
  EXPECT_EQ(r.exit_code, 2);
  // Village 620422102201 keeps H2210220100000 (4 persons) but not H2210220100002.
  json village = Summary(db, "620422102201");
  EXPECT_EQ(village["households"], 1);
  EXPECT_EQ(village["persons"], 4);
  Export(db, Path("out"));
  const std::string exported = ReadFile(Path("out/members.csv"));
  EXPECT_EQ(exported.find("H2210220100002"), std::string::npos);
  EXPECT_EQ(exported.find("620422194804270334"), std::string::npos);  // its valid head
}

TEST_F(ImportTest, RejectsOfAGb18030InputAreGb18030) {
  const std::string db = NewDb();
  const std::string households = Path("h.csv"), members = Path("m.csv");
  WriteFile(households, ToGb18030(ReadFile(Fixture("base", kHouseholds))));
  WriteFile(members, ToGb18030(ReadFile(Fixture("one_bad_member", kMembers))));
  const std::string rejects = Path("rejects");
  RunResult r = Import(db, {households, members}, {"--skip-invalid", "--rejects", rejects});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_EQ(Json(r)["households_created"], 3);
  for (const char* table : {kHouseholds, kMembers}) {
    const std::string bytes = ReadFile(rejects + "/" + table);
    EXPECT_FALSE(IsUtf8(bytes)) << table << " is UTF-8, not GB18030";
    auto utf8 = Convert(bytes, "GB18030", "UTF-8");
    ASSERT_TRUE(utf8.has_value()) << table << " is not GB18030";
    EXPECT_TRUE(utf8->starts_with("户编号,")) << *utf8;
    EXPECT_NE(Lines(*utf8)[0].find(",错误"), std::string::npos) << *utf8;
    EXPECT_NE(utf8->find("H2210220100002"), std::string::npos) << *utf8;
  }
}

TEST_F(ImportTest, Gb18030InputImportsTheSameAsUtf8) {
  const std::string utf8_db = NewDb("utf8.db");
  ImportOk(utf8_db, "base");
  const std::string gb_db = NewDb("gb.db");
  const std::string households = Path("h.csv"), members = Path("m.csv");
  WriteFile(households, ToGb18030(ReadFile(Fixture("base", kHouseholds))));
  WriteFile(members, ToGb18030(ReadFile(Fixture("base", kMembers))));
  RunResult r = Import(gb_db, {households, members});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(Summary(gb_db), Summary(utf8_db));
  // And forced: --encoding gb18030.
  const std::string forced_db = NewDb("forced.db");
  r = Import(forced_db, {households, members}, {"--encoding", "gb18030"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(Summary(forced_db), Summary(utf8_db));
}

TEST_F(ImportTest, Utf8WithBomImportsTheSameAsWithout) {
  const std::string plain_db = NewDb("plain.db");
  ImportOk(plain_db, "base");
  const std::string bom_db = NewDb("bom.db");
  const std::string households = Path("h.csv"), members = Path("m.csv");
  WriteFile(households, "\xEF\xBB\xBF" + ReadFile(Fixture("base", kHouseholds)));
  WriteFile(members, "\xEF\xBB\xBF" + ReadFile(Fixture("base", kMembers)));
  RunResult r = Import(bom_db, {households, members});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(Summary(bom_db), Summary(plain_db));
}

TEST_F(ImportTest, AnExportedWorkbookImportsToTheSameSummary) {
  const std::string a = NewDb("a.db");
  ImportOk(a, "base");
  Export(a, Path("a.xlsx"));
  const std::string b = NewDb("b.db");
  RunResult r = Import(b, {Path("a.xlsx")});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(Json(r)["households_created"], 4);
  EXPECT_EQ(Summary(b), Summary(a));
}

TEST_F(ImportTest, AWorkbookWithoutTheMembersSheetIsE_SHEETAndWritesNothing) {
  const std::string db = NewDb();
  const std::string book = (kImportDir / "no_members_sheet.xlsx").string();
  RunResult r = Import(db, {book});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  json report = Json(r);
  ASSERT_EQ(report["errors"].size(), 1u) << r.out;
  EXPECT_EQ(report["errors"][0]["code"], "E_SHEET");
  EXPECT_EQ(report["errors"][0]["file"], book);
  EXPECT_EQ(Summary(db)["households"], 0);
}

TEST_F(ImportTest, AFileThatDoesNotExistIsE_IO) {
  const std::string db = NewDb();
  const std::string missing = Path("no-such-file.csv");
  RunResult r = Import(db, {missing, Fixture("base", kMembers)});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  json report = Json(r);
  ASSERT_EQ(report["errors"].size(), 1u) << r.out;
  EXPECT_EQ(report["errors"][0]["code"], "E_IO");
  EXPECT_EQ(report["errors"][0]["file"], missing);
  EXPECT_EQ(Summary(db)["households"], 0);
}

TEST_F(ImportTest, AnEmptyFileIsE_EMPTY) {
  const std::string db = NewDb();
  const std::string empty = Fixture("empty", kHouseholds);
  RunResult r = Import(db, {empty, Fixture("base", kMembers)});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  json report = Json(r);
  ASSERT_EQ(report["errors"].size(), 1u) << r.out;
  EXPECT_EQ(report["errors"][0]["code"], "E_EMPTY");
  EXPECT_EQ(report["errors"][0]["file"], empty);
  EXPECT_EQ(Summary(db)["households"], 0);
}

TEST_F(ImportTest, AHeaderOnlyFileIsE_EMPTY) {
  const std::string db = NewDb();
  const std::string header_only = Fixture("header_only", kHouseholds);
  RunResult r = Import(db, {header_only, Fixture("base", kMembers)});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  json report = Json(r);
  ASSERT_EQ(report["errors"].size(), 1u) << r.out;
  EXPECT_EQ(report["errors"][0]["code"], "E_EMPTY");
  EXPECT_EQ(report["errors"][0]["file"], header_only);
  EXPECT_EQ(Summary(db)["households"], 0);
}

TEST_F(ImportTest, ReimportingAChangedHouseholdUpdatesIt) {
  const std::string db = NewDb();
  ImportOk(db, "base");
  json before = Summary(db);
  // H2210120500001 alone, with 工资性收入 3881.62 → 4881.62.
  json report = ImportOk(db, "changed_household");
  EXPECT_EQ(report["households_created"], 0);
  EXPECT_EQ(report["households_updated"], 1);
  EXPECT_EQ(report["members"], 2);
  EXPECT_EQ(Summary(db), before);  // the same households, persons and statuses
  Export(db, Path("out"));
  const std::string households = ReadFile(Path("out/households.csv"));
  EXPECT_NE(households.find("4881.62"), std::string::npos);
  EXPECT_EQ(households.find("3881.62"), std::string::npos);
}

TEST_F(ImportTest, APersonMayMoveBetweenHouseholdsWithinOneImport) {
  const std::string db = NewDb();
  ImportOk(db, "base");
  // 成员0_2 (620422202004236653) moves from H2210220100000 to H2210220100002.
  json report = ImportOk(db, "person_moves");
  EXPECT_TRUE(report["errors"].empty()) << report.dump();
  EXPECT_EQ(report["households_updated"], 2);  // the two the person moves between
  EXPECT_EQ(report["households_unchanged"], 2);
  Export(db, Path("out"));
  bool found = false;
  for (const auto& line : Lines(ReadFile(Path("out/members.csv")))) {
    if (line.find("620422202004236653") != std::string::npos) {
      EXPECT_NE(line.find("H2210220100002"), std::string::npos) << line;
      found = true;
    }
  }
  EXPECT_TRUE(found);
  EXPECT_EQ(Summary(db)["persons"], 11);
}

TEST_F(ImportTest, ImportingTheSameFilesTwiceLeavesEveryHouseholdAloneAndChangesNothing) {
  const std::string db = NewDb();
  ImportOk(db, "base");
  json once = Summary(db);
  json report = ImportOk(db, "base");
  EXPECT_EQ(report["households_created"], 0);
  EXPECT_EQ(report["households_updated"], 0);
  EXPECT_EQ(report["households_unchanged"], 4);
  EXPECT_EQ(report["members"], 0);  // of the households written
  EXPECT_EQ(Summary(db), once);
}

TEST_F(ImportTest, TheJsonReportHasTheKeysOfTheSpec) {
  const std::string db = NewDb();
  json report =
      Json(Import(db, {Fixture("unknown_village", kHouseholds), Fixture("base", kMembers)}));
  for (const char* key : {"households_created", "households_updated", "households_unchanged",
                          "members", "rejected_households", "errors", "warnings"}) {
    EXPECT_TRUE(report.contains(key)) << key << " missing in " << report.dump();
  }
  ASSERT_EQ(report["errors"].size(), 1u);
  json& e = report["errors"][0];
  for (const char* key : {"file", "line", "column", "value", "code", "message"}) {
    EXPECT_TRUE(e.contains(key)) << key << " missing in " << e.dump();
  }
  EXPECT_TRUE(e["line"].is_number_integer());
}

TEST_F(ImportTest, CodesEnglishKeysAndOtherAcceptedSpellingsImportLikeTheLabels) {
  // variants/ is base written differently: English keys (some upper case, with spaces) in
  // another order, codes for labels (`1` for `01`, ` 2 `, lower-case housing grades),
  // Y/1/true for 是, amounts like "4,287", dates as YYYY/MM/DD and YYYYMMDD, a lower-case
  // x in ID numbers, CRLF line ends and a blank line.
  const std::string base_db = NewDb("base.db");
  ImportOk(base_db, "base");
  const std::string variants_db = NewDb("variants.db");
  json report = ImportOk(variants_db, "variants");
  EXPECT_EQ(report["households_created"], 4);
  EXPECT_TRUE(report["warnings"].empty()) << report["warnings"].dump(1);
  Export(base_db, Path("base_out"));
  Export(variants_db, Path("variants_out"));
  for (const char* table : {kHouseholds, kMembers}) {
    EXPECT_TRUE(ReadFile(Path("base_out/") + table) == ReadFile(Path("variants_out/") + table))
        << table << " differs";
  }
}

TEST_F(ImportTest, ConditionalColumnsMayBeLeftOutWhenNoRowNeedsThem) {
  // No 脱贫年度, 监测状态, 纳入监测日期 or 风险类型 column; nobody has exited or is monitored.
  const std::string db = NewDb();
  json report = ImportOk(db, "conditional_columns_left_out");
  EXPECT_EQ(report["households_created"], 3);
}

TEST_F(ImportTest, SkipInvalidKeepsTheRegisteredVersionOfARejectedHousehold) {
  const std::string db = NewDb();
  ImportOk(db, "base");
  json before = Summary(db);
  RunResult r = Import(db, {Fixture("base", kHouseholds), Fixture("one_bad_member", kMembers)},
                       {"--skip-invalid", "--rejects", Path("rejects")});
  EXPECT_EQ(r.exit_code, 2);
  json report = Json(r);
  EXPECT_EQ(report["households_updated"], 0);
  EXPECT_EQ(report["households_unchanged"], 3);  // as registered
  EXPECT_EQ(report["rejected_households"], 1);
  EXPECT_EQ(Summary(db), before);  // H2210220100002 keeps its three registered members
}

TEST_F(ImportTest, SkipInvalidWritesAMemberRowOfAnUnknownHouseholdToTheRejects) {
  // Every household is valid; one member row names a 户编号 not in 户表 (line 13).
  const std::string db = NewDb();
  const std::string members = Fixture("member_of_unknown_household", kMembers);
  const std::string rejects = Path("rejects");
  RunResult r =
      Import(db, {Fixture("base", kHouseholds), members}, {"--skip-invalid", "--rejects", rejects});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(Json(r)["households_created"], 4);
  // The row was not imported, so it belongs in the rejects to be fixed and imported again.
  const std::string out = ReadFile(rejects + "/members.csv");
  EXPECT_NE(out.find("H2210220200099"), std::string::npos)
      << "the rejected member row is in no rejects file: " << rejects << "/members.csv is \"" << out
      << "\"";
}

// Household and member tables of `n` one-person households in English keys and codes, all
// ASCII except the last household's 主要致贫原因 (因病) and its member's name (张三0).
std::pair<std::string, std::string> AsciiRegisterEndingInChinese(int n) {
  std::string households =
      "household_code,village_code,household_kind,poverty_status,registered_year,main_cause,"
      "wage_income,business_income,business_cost,property_income,transfer_income,"
      "food_secure,clothing_secure,housing_grade,water_safe\n";
  std::string members =
      "household_code,name,id_number,relation,school_status,health,labor,"
      "resident_medical_insurance\n";
  for (int i = 0; i < n; ++i) {
    const bool last = i == n - 1;
    char id17[18], row[256];
    std::snprintf(id17, sizeof id17, "6204221980%02d%02d%03d", i / 28 % 12 + 1, i % 28 + 1,
                  i % 1000);
    std::snprintf(row, sizeof row,
                  "H%08d,620422102201,1,0,2016,%s,12000.00,3000.00,500.00,0.00,800.00,1,1,A,1\n", i,
                  last ? "因病" : "09");
    households += row;
    std::snprintf(row, sizeof row, "H%08d,%s%d,%s,01,00,2,1,1\n", i, last ? "张三" : "M",
                  last ? 0 : i, IdNumber(id17).c_str());
    members += row;
  }
  return {households, members};
}

TEST_F(ImportTest, Gb18030IsDetectedEvenWhenTheFirst64KiBAreAscii) {
  auto [households, members] = AsciiRegisterEndingInChinese(1000);
  ASSERT_GT(households.size(), 70000u);
  const std::string h = Path("h.csv"), m = Path("m.csv");
  WriteFile(h, ToGb18030(households));
  WriteFile(m, ToGb18030(members));
  const std::string db = NewDb();
  RunResult r = Import(db, {h, m});
  EXPECT_EQ(r.exit_code, 0) << r.out.substr(0, 1000) << r.err;
  // Forced, the same file imports.
  const std::string forced = NewDb("forced.db");
  r = Import(forced, {h, m}, {"--encoding", "gb18030"});
  EXPECT_EQ(r.exit_code, 0) << r.out.substr(0, 1000) << r.err;
  EXPECT_EQ(Summary(forced)["households"], 1000);
}

TEST_F(ImportTest, AnErrorDeepInALargeFileIsReportedOnItsLineInEitherEncoding) {
  const std::string db = NewDb();
  Generate(db, 6000, 3, Path("gen"));
  std::string members = ReadFile(Path("gen/members.csv"));
  if (members.starts_with("\xEF\xBB\xBF")) members.erase(0, 3);
  // Breaks the check character of the ID number on line 20000 (beyond the first MiB).
  std::vector<std::string> lines = Lines(members);
  ASSERT_GT(lines.size(), 20000u);
  std::string& line = lines[20000 - 1];
  size_t id_end = 0;
  for (int field = 0; field < 4; ++field) id_end = line.find(',', id_end) + 1;
  --id_end;  // the ',' after the 4th cell: 户编号,姓名,证件类型,证件号码
  const std::string id = line.substr(id_end - 18, 18);
  ASSERT_EQ(IdNumber(id.substr(0, 17)), id) << line;
  const char bad = id[17] == '0' ? '1' : '0';
  line[id_end - 1] = bad;
  std::string broken;
  for (const auto& l : lines) broken += l + "\n";
  const std::string households = Path("gen/households.csv");
  WriteFile(Path("utf8.csv"), broken);
  WriteFile(Path("gb.csv"), ToGb18030(broken));
  WriteFile(Path("gb_households.csv"), ToGb18030(ReadFile(households).substr(3)));
  for (auto [h, m] : {std::pair{households, Path("utf8.csv")},
                      std::pair{Path("gb_households.csv"), Path("gb.csv")}}) {
    RunResult r = Import(db, {h, m});
    EXPECT_EQ(r.exit_code, 2) << m;
    json report = Json(r);
    ASSERT_EQ(report["errors"].size(), 1u) << m << ": " << r.out.substr(0, 2000);
    EXPECT_EQ(report["errors"][0]["code"], "E_ID_CHECKSUM") << m;
    EXPECT_EQ(report["errors"][0]["line"], 20000) << m;
    EXPECT_EQ(report["errors"][0]["file"], m);
  }
  EXPECT_EQ(Summary(db)["households"], 0);
}

TEST_F(ImportTest, SkipInvalidWithoutRejectsIsAUsageError) {
  const std::string db = NewDb();
  RunResult r =
      Import(db, {Fixture("base", kHouseholds), Fixture("base", kMembers)}, {"--skip-invalid"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_FALSE(r.err.empty());
  EXPECT_EQ(Summary(db)["households"], 0);
}

TEST_F(ImportTest, AnUnknownEncodingIsAUsageError) {
  const std::string db = NewDb();
  RunResult r = Import(db, {Fixture("base", kHouseholds), Fixture("base", kMembers)},
                       {"--encoding", "latin1"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(Summary(db)["households"], 0);
}

// ---- the database ----

class DatabaseTest : public CliTest {};

TEST_F(DatabaseTest, InitTwiceIsHarmless) {
  const std::string db = NewDb();
  ImportOk(db, "base");
  RunResult r = Fupin({"--db", db, "init"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(Summary(db)["households"], 4);
}

TEST_F(DatabaseTest, APathThatCannotBeWrittenIsBadInput) {
  RunResult r = Fupin({"--db", "/proc/nonexistent/x.db", "init"});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_FALSE(r.err.empty());
}

TEST_F(DatabaseTest, ACorruptDatabaseFailsWithoutCrashing) {
  const std::string db = Path("corrupt.db");
  const std::string text = "this is not a database\n";
  // SQLite: a file that is not a database. PostgreSQL, where there is no file to break: a
  // database of another program, whose table `households` is not fupin's.
  const std::string foreign_rows = "this is not fupin's|\n";
  if (OnPostgres()) {
    SqlExec(db,
            "CREATE TABLE households (note TEXT); "
            "INSERT INTO households VALUES ('this is not fupin''s')");
  } else {
    WriteFile(db, text);
  }
  for (const auto& args : std::vector<std::vector<std::string>>{
           {"--db", db, "init"},
           {"--db", db, "report", "summary", "--json"},
           {"--db", db, "import", Fixture("base", kHouseholds), Fixture("base", kMembers)}}) {
    RunResult r = Fupin(args);
    EXPECT_EQ(r.signal, 0) << "killed by signal " << r.signal << ": " << args[2];
    EXPECT_NE(r.exit_code, 0) << args[2];
    EXPECT_NE(r.exit_code, -1) << args[2];
    EXPECT_FALSE(r.err.empty()) << args[2];
  }
  if (OnPostgres()) {
    EXPECT_EQ(SqlRows(db, "SELECT * FROM households"), foreign_rows) << "the table was changed";
  } else {
    EXPECT_EQ(ReadFile(db), text) << "the file was overwritten";
  }
}

TEST_F(DatabaseTest, InitRefusesAnotherProgramsDatabaseAndWritesNothingIntoItOrBesideIt) {
  const std::string db = Path("foreign.db");
  const char* theirs =
      "CREATE TABLE households (note TEXT); INSERT INTO households VALUES ('theirs')";
  if (OnPostgres()) {
    SqlExec(db, theirs);
  } else {  // a new SQLite file of another program
    sqlite3* handle = nullptr;
    ASSERT_EQ(sqlite3_open(db.c_str(), &handle), SQLITE_OK);
    EXPECT_EQ(sqlite3_exec(handle, theirs, nullptr, nullptr, nullptr), SQLITE_OK);
    sqlite3_close(handle);
  }
  const std::string before = OnPostgres() ? "" : ReadFile(db);
  for (const char* lang : {"zh", "en"}) {
    RunResult r = Fupin({"--db", db, "--lang", lang, "init"});
    EXPECT_EQ(r.exit_code, 2) << r.err;  // bad input, as a corrupt file
    EXPECT_NE(r.err.find("E_DATABASE"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find(std::string(lang) == "zh" ? "其他程序" : "another program's"),
              std::string::npos)
        << r.err;
  }
  EXPECT_EQ(SqlRows(db, "SELECT note FROM households"), "theirs|\n");
  if (OnPostgres()) {
    EXPECT_EQ(SqlRows(db,
                      "SELECT count(*) FROM pg_namespace WHERE nspname = 'accounts' UNION ALL "
                      "SELECT count(*) FROM pg_tables WHERE tablename <> 'households' AND "
                      "schemaname = 'public'"),
              "0|\n0|\n")
        << "init left a part of its schema";
  } else {
    EXPECT_TRUE(ReadFile(db) == before) << "the file was changed";
    EXPECT_FALSE(fs::exists(db + "-accounts")) << "an accounts file beside it";
    EXPECT_FALSE(fs::exists(db + "-tmp")) << "a scratch folder beside it";
  }
}

TEST_F(DatabaseTest, SummaryOfAMissingDatabaseSaysToRunInit) {
  RunResult r = Fupin({"--db", Path("missing.db"), "report", "summary", "--json"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(r.out.empty()) << r.out;
  EXPECT_NE(r.err.find("fupin init"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(Path("missing.db"))) << "summary created the database";
}

TEST_F(DatabaseTest, ImportIntoAMissingDatabaseSaysToRunInit) {
  RunResult r =
      Import(Path("missing.db"), {Fixture("base", kHouseholds), Fixture("base", kMembers)});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("fupin init"), std::string::npos) << r.err;
}

TEST_F(DatabaseTest, TheDatabaseComesFromFupinDbWhenNoFlagIsGiven) {
  const std::string db = NewDb();
  RunResult r = Fupin({"report", "summary", "--json"}, {"FUPIN_DB=" + db});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(Json(r)["households"], 0);
}

TEST_F(DatabaseTest, TheDefaultDatabaseIsFupinDbInTheWorkingDirectory) {
  RunResult r = Fupin({"init"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(fs::exists(Path("fupin.db")));
}

TEST_F(DatabaseTest, ASqliteUrlNamesTheFile) {
  SKIP_ON_POSTGRES("a sqlite: URL names a SQLite file");
  RunResult r = Fupin({"--db", "sqlite:" + Path("url.db"), "init"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(fs::exists(Path("url.db")));
  r = Fupin({"--db", "sqlite:" + Path("url.db"), "report", "summary", "--json"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
}

TEST_F(DatabaseTest, LoadingTheRegionCsvTwiceIsHarmless) {
  const std::string db = Path("regions.db");
  ASSERT_EQ(Fupin({"--db", db, "init"}).exit_code, 0);
  const std::string csv = (kDataDir / "regions.csv").string();
  for (int i = 0; i < 2; ++i) {
    RunResult r = Fupin({"--db", db, "regions", "load", "--from", csv, "--json"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    json report = Json(r);
    EXPECT_EQ(report["regions"], 8) << r.out;
    EXPECT_TRUE(report["errors"].empty()) << r.out;
  }
  EXPECT_EQ(Summary(db, "620422102201")["households"], 0);
}

// ---- report summary ----

class SummaryTest : public CliTest {
 protected:
  // A register holding the three households of spec/samples.
  std::string SampleDb() {
    const std::string db = NewDb();
    RunResult r = Import(db, {(kDataDir / "samples" / kHouseholds).string(),
                              (kDataDir / "samples" / kMembers).string()});
    EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
    return db;
  }
};

TEST_F(SummaryTest, HasTheKeysOfTheSpec) {
  json s = Summary(SampleDb());
  ASSERT_TRUE(s.is_object());
  for (const char* key : {"region_code", "households", "persons", "by_status", "by_main_cause",
                          "monitored_households"}) {
    EXPECT_TRUE(s.contains(key)) << key << " missing in " << s.dump();
  }
  EXPECT_TRUE(s["region_code"].is_string());
  EXPECT_TRUE(s["households"].is_number_integer());
  EXPECT_TRUE(s["persons"].is_number_integer());
  EXPECT_TRUE(s["monitored_households"].is_number_integer());
  std::set<std::string> statuses;
  for (const auto& [label, n] : s["by_status"].items()) statuses.insert(label);
  EXPECT_EQ(statuses, (std::set<std::string>{"未脱贫", "已脱贫", "返贫"}));
  const std::set<std::string> causes{
      "因病",   "因残",     "因学",   "因灾",         "缺土地",           "缺水",
      "缺技术", "缺劳动力", "缺资金", "交通条件落后", "自身发展动力不足", "因婚",
      "其他"};
  for (const auto& [label, n] : s["by_main_cause"].items()) {
    EXPECT_TRUE(causes.count(label)) << label;
    EXPECT_TRUE(n.is_number_integer()) << label;
  }
}

TEST_F(SummaryTest, CountsTheSampleRegister) {
  json s = Summary(SampleDb());
  EXPECT_EQ(s["households"], 3);
  EXPECT_EQ(s["persons"], 9);
  EXPECT_EQ(s["by_status"]["未脱贫"], 2);
  EXPECT_EQ(s["by_status"]["已脱贫"], 0);
  EXPECT_EQ(s["by_status"]["返贫"], 0);
  EXPECT_EQ(s["by_main_cause"]["因灾"], 1);
  EXPECT_EQ(s["by_main_cause"]["其他"], 1);
  int causes = 0;
  for (const auto& [label, n] : s["by_main_cause"].items()) causes += n.get<int>();
  EXPECT_EQ(causes, 2) << "only the two 建档立卡户 count";
  EXPECT_EQ(s["monitored_households"], 0);
}

TEST_F(SummaryTest, RegionScopesToAVillage) {
  const std::string db = SampleDb();
  json village = Summary(db, "620422102201");
  EXPECT_EQ(village["region_code"], "620422102201");
  EXPECT_EQ(village["households"], 2);
  EXPECT_EQ(village["persons"], 7);
  EXPECT_EQ(village["by_status"]["未脱贫"], 1);
  EXPECT_EQ(village["by_main_cause"]["其他"], 1);
  EXPECT_EQ(village["by_main_cause"]["因灾"], 0);
  json other = Summary(db, "620422101205");
  EXPECT_EQ(other["households"], 1);
  EXPECT_EQ(other["persons"], 2);
  EXPECT_EQ(other["by_main_cause"]["因灾"], 1);
  json empty = Summary(db, "620422102202");
  EXPECT_EQ(empty["households"], 0);
  json county = Summary(db, "620422");
  EXPECT_EQ(county["households"], 3);
  EXPECT_EQ(county["persons"], 9);
}

TEST_F(SummaryTest, CountsMonitoredHouseholds) {
  const std::string db = NewDb();
  ImportOk(db, "base");
  json s = Summary(db);
  EXPECT_EQ(s["households"], 4);
  EXPECT_EQ(s["persons"], 11);
  EXPECT_EQ(s["by_status"]["已脱贫"], 1);
  EXPECT_EQ(s["by_main_cause"]["因学"], 1);
  EXPECT_EQ(s["monitored_households"], 1);
}

TEST_F(SummaryTest, RemovedHouseholdsAreNotCounted) {
  // H2210120500001 (2 persons, 因灾, 未脱贫) is 已剔除.
  const std::string db = NewDb();
  ImportOk(db, "removed_household");
  json s = Summary(db);
  EXPECT_EQ(s["households"], 3);
  EXPECT_EQ(s["persons"], 9);
  EXPECT_EQ(s["by_status"]["未脱贫"], 1);
  EXPECT_EQ(s["by_main_cause"]["因灾"], 0);
}

TEST_F(SummaryTest, AfterAnAnnualUpdateTheSummaryIsThatOfTheNewRegister) {
  // annual_update moves H2210220100000 to 620422102202 without 成员0_3 and H2210120500001
  // exits poverty in 2020: every level must count as a register loaded with it directly.
  const std::string updated = NewDb("updated.db");
  ImportOk(updated, "base");
  json report = ImportOk(updated, "annual_update");
  EXPECT_EQ(report["households_updated"], 2);  // the two it changes
  EXPECT_EQ(report["households_unchanged"], 2);
  const std::string fresh = NewDb("fresh.db");
  ImportOk(fresh, "annual_update");
  for (const char* region : {"", "62", "6204", "620422", "620422101", "620422102", "620422101205",
                             "620422102201", "620422102202"}) {
    EXPECT_EQ(Summary(updated, region), Summary(fresh, region)) << "region " << region;
  }
  json s = Summary(updated);
  EXPECT_EQ(s["persons"], 10);
  EXPECT_EQ(s["by_status"]["已脱贫"], 2);
  EXPECT_EQ(Summary(updated, "620422102202")["households"], 2);
}

TEST_F(SummaryTest, AYearBefore2013FailsWithNothingOnStdout) {
  const std::string db = NewDb();
  RunResult r = Fupin({"--db", db, "report", "summary", "--year", "2012", "--json"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(r.out.empty()) << r.out;
}

// ---- round trips ----

class RoundTripTest : public CliTest {};

TEST_F(RoundTripTest, ExportThenImportThenExportIsByteIdentical) {
  const std::string a = NewDb("a.db");
  Generate(a, 300, 5, Path("gen"));
  RunResult r = Import(a, {Path("gen/households.csv"), Path("gen/members.csv")});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(Json(r)["households_created"], 300);
  Export(a, Path("e1"));

  const std::string b = NewDb("b.db");
  r = Import(b, {Path("e1/households.csv"), Path("e1/members.csv")});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  Export(b, Path("e2"));
  for (const char* table : {kHouseholds, kMembers}) {
    const std::string e1 = ReadFile(Path("e1/") + table);
    EXPECT_FALSE(e1.empty()) << table;
    EXPECT_TRUE(e1 == ReadFile(Path("e2/") + table)) << table << " differs after a round trip";
  }
  json summary_a = Summary(a);
  EXPECT_GT(summary_a["households"], 250);  // 已剔除 households are not counted
  EXPECT_EQ(Summary(b), summary_a);
}

TEST_F(RoundTripTest, AnXlsxExportImportsToTheSameRegister) {
  const std::string a = NewDb("a.db");
  Generate(a, 300, 5, Path("gen"));
  RunResult r = Import(a, {Path("gen/households.csv"), Path("gen/members.csv")});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  Export(a, Path("a.xlsx"));
  Export(a, Path("e1"));

  const std::string c = NewDb("c.db");
  r = Import(c, {Path("a.xlsx")});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(Summary(c), Summary(a));
  Export(c, Path("e3"));
  for (const char* table : {kHouseholds, kMembers}) {
    EXPECT_TRUE(ReadFile(Path("e1/") + table) == ReadFile(Path("e3/") + table))
        << table << " differs after an XLSX round trip";
  }
}

TEST_F(RoundTripTest, TheSameSeedGeneratesTheSameBytes) {
  const std::string db = NewDb();
  Generate(db, 300, 5, Path("g1"));
  Generate(db, 300, 5, Path("g2"));
  Generate(db, 300, 6, Path("g3"));
  for (const char* table : {kHouseholds, kMembers}) {
    const std::string g1 = ReadFile(Path("g1/") + table);
    EXPECT_FALSE(g1.empty());
    EXPECT_TRUE(g1 == ReadFile(Path("g2/") + table)) << table;
    EXPECT_FALSE(g1 == ReadFile(Path("g3/") + table)) << table << ": the seed is ignored";
  }
}

TEST_F(RoundTripTest, Gb18030GenerationImportsTheSameAsUtf8) {
  const std::string a = NewDb("a.db");
  Generate(a, 300, 5, Path("utf8"));
  Generate(a, 300, 5, Path("gb"), "gb18030");
  const std::string gb_households = ReadFile(Path("gb/households.csv"));
  EXPECT_FALSE(IsUtf8(gb_households)) << "--encoding gb18030 wrote UTF-8";
  RunResult r = Import(a, {Path("utf8/households.csv"), Path("utf8/members.csv")});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  const std::string b = NewDb("b.db");
  r = Import(b, {Path("gb/households.csv"), Path("gb/members.csv")});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(Summary(b), Summary(a));
}

// ---- Ctrl-C ----

bool IntegrityOk(const std::string& path, std::string& detail) {
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
    detail = db ? sqlite3_errmsg(db) : "cannot open";
    sqlite3_close(db);
    return false;
  }
  sqlite3_stmt* stmt = nullptr;
  bool ok = false;
  if (sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &stmt, nullptr) == SQLITE_OK &&
      sqlite3_step(stmt) == SQLITE_ROW) {
    detail = reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0));
    ok = detail == "ok";
  } else {
    detail = sqlite3_errmsg(db);
  }
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  return ok;
}

class InterruptTest : public CliTest {};

TEST_F(InterruptTest, CtrlCDuringAnImportLeavesTheRegisterAsItWas) {
  // If an import finishes before the signal lands, retry with a bigger one.
  bool interrupted = false;
  for (int households : {20000, 60000}) {
    const std::string db = NewDb("db" + std::to_string(households) + ".db");
    json before = Summary(db);
    const std::string gen = Path("gen" + std::to_string(households));
    Generate(db, households, 11, gen);
    FupinProcess import({"--db", db, "import", gen + "/households.csv", gen + "/members.csv"}, {},
                        dir_.string());
    // Progress goes to stderr; interrupt once the writing has begun.
    const bool writing = import.WaitForStderr("写入数据库", std::chrono::seconds(15));
    if (!writing) std::this_thread::sleep_for(std::chrono::milliseconds(300));
    import.Signal(SIGINT);
    RunResult r = import.Wait();
    ASSERT_EQ(r.signal, 0) << "killed by signal " << r.signal << "\n" << r.err;
    if (r.exit_code == 0) continue;  // finished first
    interrupted = true;
    EXPECT_EQ(r.exit_code, 1) << r.err;
    EXPECT_NE(r.err.find("E_INTERRUPTED"), std::string::npos) << r.err;
    EXPECT_EQ(Summary(db), before);
    EXPECT_EQ(before["households"], 0);
    // No row of the import is left in any table it writes, nor its batch.
    for (const char* table :
         {"households", "members", "person_index", "household_history", "import_batches"}) {
      EXPECT_EQ(SqlInt(db, std::string("SELECT count(*) FROM ") + table), 0) << table;
    }
    if (!OnPostgres()) {  // the file itself (PostgreSQL's own pages are not fupin's to check)
      std::string detail;
      EXPECT_TRUE(IntegrityOk(db, detail)) << detail;
    }
    break;
  }
  EXPECT_TRUE(interrupted) << "every import finished before SIGINT arrived";
}

}  // namespace

TEST_F(ImportTest, ATwoGigabyteFileWithoutLineBreaksIsRefusedWithoutReadingItWhole) {
  const std::string db = NewDb();
  json before = Summary(db);
  // A sparse file: 2 GiB of zero bytes, no line break, on disk in no time.
  const std::string big = (dir_ / "big.csv").string();
  {
    // The base fixture's header, so the reading gets past it into the endless first row.
    std::ifstream in(Fixture("base", kHouseholds), std::ios::binary);
    std::string header;
    std::getline(in, header);
    std::ofstream out(big, std::ios::binary);
    out << header << "\n";
  }
  std::filesystem::resize_file(big, uint64_t{2} << 30);
  const auto started = std::chrono::steady_clock::now();
  RunResult r = Import(db, {big, Fixture("base", kMembers)}, {});
  const auto seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_LT(seconds, 20.0);
  EXPECT_NE(r.out.find("E_FORMAT"), std::string::npos) << r.out;
  EXPECT_EQ(Summary(db), before);
  std::filesystem::remove(big);
}

}  // namespace fupin::testing
