// Integration tests of what fupin does with hostile text (issue 9, faults 8 and 14): control
// characters and bidi controls are refused at import and never echoed raw; cells that a
// spreadsheet would run as formulas are refused in names and neutralised in every CSV
// written, and XLSX exports hold strings, never formulas. Each test runs the real `fupin`
// binary in its own temporary directory with FUPIN_TODAY pinned to 2026-06-30.
#include <zip.h>

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "fupin_process.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "register_sql.h"

namespace fupin::testing {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using namespace std::string_literals;

const fs::path kDataDir = FUPIN_TESTDATA_DIR;
const fs::path kBase = kDataDir / "import" / "base";

const fs::path& TemplateDb() {
  static const fs::path path = [] {
    const fs::path db = ProgramTempDir("fupin_text_test") / "template.db";
    RunResult init = RunFupin({"--db", db.string(), "init"});
    EXPECT_EQ(init.exit_code, 0) << init.err;
    RunResult load = RunFupin(
        {"--db", db.string(), "regions", "load", "--from", (kDataDir / "regions.csv").string()});
    EXPECT_EQ(load.exit_code, 0) << load.err;
    return db;
  }();
  return path;
}

// Whether `text` holds a byte or character that a terminal would act on: C0 controls but
// LF and TAB, DEL, C1 controls (U+0080–U+009F) or the bidi controls fupin refuses.
bool HoldsRawControl(std::string_view text) {
  for (size_t i = 0; i < text.size(); ++i) {
    const auto b = static_cast<unsigned char>(text[i]);
    if ((b < 0x20 && b != '\n' && b != '\t') || b == 0x7F) return true;
    if (b == 0xC2 && i + 1 < text.size()) {
      const auto c = static_cast<unsigned char>(text[i + 1]);
      if (c >= 0x80 && c <= 0x9F) return true;
    }
    if (text.substr(i).starts_with("\u202E") || text.substr(i).starts_with("\u2066") ||
        text.substr(i).starts_with("\u200F")) {
      return true;
    }
  }
  return false;
}

// The base fixture's members table with the name on line 2 (成员0_0) replaced.
std::string MembersWithName(const std::string& name) {
  std::string members = ReadFile(kBase / "members.csv");
  const size_t at = members.find("成员0_0");
  members.replace(at, std::string_view("成员0_0").size(), name);
  return members;
}

class TextSafetyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = MakeTempDir("fupin_text_test");
    ASSERT_FALSE(dir_.empty());
    db_ = Path("fupin.db");
    CopyDatabase(TemplateDb(), db_);
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  std::string Path(const std::string& name) const { return (dir_ / name).string(); }

  RunResult Fupin(const std::vector<std::string>& args) {
    return RunFupin(args, {}, dir_.string());
  }
  RunResult Import(const std::string& households, const std::string& members, bool as_json) {
    std::vector<std::string> args{"--db", db_, "import", households, members};
    if (as_json) args.push_back("--json");
    return Fupin(args);
  }
  // Imports the base households with `members_text` as the members table.
  RunResult ImportMembers(const std::string& members_text, bool as_json = true) {
    WriteFile(Path("m.csv"), members_text);
    return Import((kBase / "households.csv").string(), Path("m.csv"), as_json);
  }
  // Runs SQL on the register behind fupin's back (data written before this release), on
  // either back end (register_sql.h).
  void Sql(const std::string& sql) { SqlExec(db_, sql); }

  fs::path dir_;
  std::string db_;
};

// ---- fault 14: control characters ----

TEST_F(TextSafetyTest, ANameWithANulIsE_FORMATWithItsLineAndColumnAndNothingIsWritten) {
  RunResult r = ImportMembers(MembersWithName("黎志\0evil"s));
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  json report = json::parse(r.out);
  ASSERT_EQ(report["errors"].size(), 1u) << r.out;
  const json& e = report["errors"][0];
  EXPECT_EQ(e["code"], "E_FORMAT");
  EXPECT_EQ(e["line"], 2);
  EXPECT_EQ(e["column"], "姓名");
  EXPECT_EQ(e["value"], "黎志\\u0000evil");
  EXPECT_EQ(report["households_created"], 0);
}

TEST_F(TextSafetyTest, EscBelC1AndBidiControlsAreRefusedAndNeverEchoedRaw) {
  for (const std::string& name :
       {"黎志\x1b]0;pwned\x07"s, "黎志\u009B2J"s, "abc\u202Efdp"s, "黎\u2066志"s, "黎\u200F志"s}) {
    for (bool as_json : {true, false}) {
      RunResult r = ImportMembers(MembersWithName(name), as_json);
      EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
      EXPECT_NE((r.out + r.err).find("E_FORMAT"), std::string::npos) << r.out << r.err;
      // JSON escapes C0 itself, but not bidi controls: fupin escapes them in the value.
      EXPECT_FALSE(HoldsRawControl(r.out)) << r.out;
      EXPECT_FALSE(HoldsRawControl(r.err)) << r.err;
    }
  }
  RunResult r = ImportMembers(MembersWithName("abc\u202Efdp"), /*as_json=*/false);
  EXPECT_NE(r.err.find("abc<U+202E>fdp"), std::string::npos) << r.err;
}

TEST_F(TextSafetyTest, AMultiLineEthnicityIsStillAccepted) {
  std::string members = ReadFile(kBase / "members.csv");
  // Adds a 民族 column: "回族\n（回）" on the first member, 汉族 on the others.
  std::string out;
  bool header = true, first = true;
  for (size_t start = 0; start < members.size();) {
    size_t end = members.find('\n', start);
    std::string line = members.substr(start, end - start);
    start = end == std::string::npos ? members.size() : end + 1;
    if (line.empty()) continue;
    out += line + (header ? ",民族" : first ? ",\"回族\n（回）\"" : ",汉族") + "\n";
    if (!header) first = false;
    header = false;
  }
  RunResult r = ImportMembers(out);
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
}

// ---- fault 8: formulas ----

TEST_F(TextSafetyTest, NamesThatBeginAsFormulasAreE_FORMAT) {
  for (const char* name : {"=cmd|' /C calc'!A0", "+1+2", "-2+3", "@SUM(1+1)"}) {
    RunResult r = ImportMembers(MembersWithName(name));
    EXPECT_EQ(r.exit_code, 2) << name << r.out << r.err;
    json report = json::parse(r.out);
    ASSERT_EQ(report["errors"].size(), 1u) << r.out;
    EXPECT_EQ(report["errors"][0]["code"], "E_FORMAT");
    EXPECT_EQ(report["errors"][0]["column"], "姓名");
  }
}

TEST_F(TextSafetyTest, CsvExportsWriteFormulaLikeCellsAfterAQuoteAndImportThemUnchanged) {
  // A household code that begins with '-' (the template allows it) and a phone with +86.
  std::string households = ReadFile(kBase / "households.csv");
  std::string members = ReadFile(kBase / "members.csv");
  auto replace_all = [](std::string& text, std::string_view from, std::string_view to) {
    for (size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
      text.replace(at, from.size(), to);
  };
  replace_all(households, "H2210220100000", "-H2210220100000");
  replace_all(members, "H2210220100000", "-H2210220100000");
  households.replace(households.find('\n'), 1, ",联系电话\n");
  for (size_t at = households.find('\n') + 1; at < households.size();) {
    const size_t end = households.find('\n', at);
    households.insert(end, ",+8613812345678");
    at = end + std::string_view(",+8613812345678").size() + 1;
  }
  WriteFile(Path("h.csv"), households);
  WriteFile(Path("m.csv"), members);
  RunResult r = Import(Path("h.csv"), Path("m.csv"), true);
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  // A name stored before names were checked.
  Sql("UPDATE members SET name = '=cmd|'' /C calc''!A0' WHERE name = '成员1_0'");

  r = Fupin({"--db", db_, "export", "--out", Path("e1")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string h1 = ReadFile(Path("e1/households.csv"));
  const std::string m1 = ReadFile(Path("e1/members.csv"));
  EXPECT_NE(h1.find("\n'-H2210220100000,"), std::string::npos) << h1;
  EXPECT_NE(h1.find(",'+8613812345678"), std::string::npos) << h1;
  EXPECT_EQ(h1.find(",+86"), std::string::npos) << h1;
  EXPECT_NE(m1.find(",'=cmd|' /C calc'!A0,"), std::string::npos) << m1;
  EXPECT_EQ(m1.find(",=cmd"), std::string::npos) << m1;

  // Export → import → export is byte-identical (the name aside, which is now refused).
  Sql("UPDATE members SET name = '成员1_0' WHERE name = '=cmd|'' /C calc''!A0'");
  r = Fupin({"--db", db_, "export", "--out", Path("e2")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  db_ = Path("b.db");
  CopyDatabase(TemplateDb(), db_);
  r = Import(Path("e2/households.csv"), Path("e2/members.csv"), true);
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  r = Fupin({"--db", db_, "export", "--out", Path("e3")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  for (const char* table : {"households.csv", "members.csv"}) {
    EXPECT_TRUE(ReadFile(Path("e2/") + table) == ReadFile(Path("e3/") + table)) << table;
  }
}

TEST_F(TextSafetyTest, TheRejectsOfAnImportNeutraliseFormulasToo) {
  WriteFile(Path("m.csv"), MembersWithName("=1+1"));
  RunResult r = Fupin({"--db", db_, "import", (kBase / "households.csv").string(), Path("m.csv"),
                       "--skip-invalid", "--rejects", Path("rejects")});
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  const std::string rejects = ReadFile(Path("rejects/members.csv"));
  EXPECT_NE(rejects.find(",'=1+1,"), std::string::npos) << rejects;
  EXPECT_EQ(rejects.find(",=1+1,"), std::string::npos) << rejects;
}

// The text of one part of a zip file ("" when it cannot be read).
std::string ZipPart(const std::string& path, const char* part) {
  int error = 0;
  zip_t* zip = zip_open(path.c_str(), ZIP_RDONLY, &error);
  if (zip == nullptr) return "";
  std::string text;
  zip_stat_t st;
  if (zip_stat(zip, part, 0, &st) == 0) {
    if (zip_file_t* file = zip_fopen(zip, part, 0)) {
      text.resize(st.size);
      const zip_int64_t n = zip_fread(file, text.data(), st.size);
      text.resize(n < 0 ? 0 : static_cast<size_t>(n));
      zip_fclose(file);
    }
  }
  zip_close(zip);
  return text;
}

TEST_F(TextSafetyTest, XlsxExportsHoldFormulaLikeNamesAsStringsNeverFormulas) {
  RunResult r = Import((kBase / "households.csv").string(), (kBase / "members.csv").string(), true);
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  Sql("UPDATE members SET name = '=cmd|'' /C calc''!A0' WHERE name = '成员1_0'");
  r = Fupin({"--db", db_, "export", "--out", Path("book.xlsx")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::string sheets;
  for (const char* part : {"xl/worksheets/sheet1.xml", "xl/worksheets/sheet2.xml"}) {
    sheets += ZipPart(Path("book.xlsx"), part);
  }
  const std::string strings = ZipPart(Path("book.xlsx"), "xl/sharedStrings.xml");
  ASSERT_FALSE(sheets.empty());
  EXPECT_EQ(sheets.find("<f>"), std::string::npos);
  EXPECT_EQ(sheets.find("<f "), std::string::npos);
  EXPECT_NE((sheets + strings).find("=cmd|' /C calc'!A0"), std::string::npos);
}

}  // namespace
}  // namespace fupin::testing
