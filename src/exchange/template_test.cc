#include "exchange/template.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <optional>

#include "common/text.h"

namespace fupin {
namespace {

Date Today() { return *Date::FromYmd(2026, 6, 30); }

Record Row(std::vector<std::string> cells, size_t line = 2) {
  return Record{line, std::move(cells)};
}

HeaderMap Map(TemplateTable table, std::vector<std::string> names) {
  std::vector<CellIssue> issues;
  HeaderMap map = HeaderMap::Build(table, Row(std::move(names), 1), issues);
  EXPECT_TRUE(issues.empty());
  return map;
}

const std::vector<std::string> kHouseholdHeader = {
    "户编号",       "行政区划代码", "户类型",         "贫困状态",       "识别年度",   "脱贫年度",
    "主要致贫原因", "工资性收入",   "生产经营性收入", "生产经营性支出", "财产性收入", "转移性收入",
    "不愁吃",       "不愁穿",       "住房安全等级",   "饮水安全"};

std::vector<std::string> GoodHousehold() {
  return {
      "H2210120500001", "620422101205", "建档立卡户", "已脱贫", "2016", "2019", "因灾", "3881.62",
      "5,981.02",       "1862.64",      "0",          "0",      "是",   "Y",    "a",    "1"};
}

TEST(HeaderMapTest, AcceptsChineseNamesOrEnglishKeysInAnyOrder) {
  std::vector<CellIssue> issues;
  HeaderMap::Build(TemplateTable::kMembers,
                   Row({"NAME", "户编号", "id_number", "与户主关系", "在校生状况", "health",
                        "劳动能力", "参加城乡居民基本医疗保险"},
                       1),
                   issues);
  EXPECT_TRUE(issues.empty());
}

TEST(HeaderMapTest, ReportsUnknownRepeatedAndMissingColumnsTogether) {
  std::vector<CellIssue> issues;
  HeaderMap::Build(TemplateTable::kMembers, Row({"户编号", "姓名", "姓名", "身份证"}, 1), issues);
  std::vector<std::string> codes;
  for (const auto& i : issues) codes.push_back(i.code + ":" + i.column);
  EXPECT_EQ(codes, (std::vector<std::string>{
                       "E_HEADER:姓名", "E_HEADER:身份证", "E_HEADER:证件号码",
                       "E_HEADER:与户主关系", "E_HEADER:在校生状况", "E_HEADER:健康状况",
                       "E_HEADER:劳动能力", "E_HEADER:参加城乡居民基本医疗保险"}));
}

TEST(ParseHouseholdRowTest, ReadsCodesAmountsAndDefaults) {
  HeaderMap map = Map(TemplateTable::kHouseholds, kHouseholdHeader);
  Household h;
  std::vector<CellIssue> issues;
  ASSERT_TRUE(ParseHouseholdRow(map, Row(GoodHousehold()), Today(), h, issues));
  EXPECT_TRUE(issues.empty());
  EXPECT_EQ(h.village_code.value(), 620422101205);
  EXPECT_EQ(h.poverty_status, code::kExited);
  EXPECT_EQ(h.business_income.fen(), 598102);
  EXPECT_EQ(h.housing_grade, 1);
  EXPECT_TRUE(h.clothing_secure);
  EXPECT_EQ(h.attribute, 1);                        // default 一般户
  EXPECT_EQ(h.monitor_status, code::kMonitorNone);  // default for 非监测对象
}

struct CellCase {
  size_t column;
  std::string value;
  std::string code;
};

class ParseHouseholdCellTest : public ::testing::TestWithParam<CellCase> {};

TEST_P(ParseHouseholdCellTest, ABadCellIsReportedWithItsCodeAndColumn) {
  HeaderMap map = Map(TemplateTable::kHouseholds, kHouseholdHeader);
  auto cells = GoodHousehold();
  cells[GetParam().column] = GetParam().value;
  Household h;
  std::vector<CellIssue> issues;
  EXPECT_FALSE(ParseHouseholdRow(map, Row(cells), Today(), h, issues));
  ASSERT_FALSE(issues.empty());
  EXPECT_EQ(issues[0].code, GetParam().code);
  EXPECT_EQ(issues[0].column, kHouseholdHeader[GetParam().column]);
}

INSTANTIATE_TEST_SUITE_P(
    Cells, ParseHouseholdCellTest,
    ::testing::Values(CellCase{0, "H 1", "E_FORMAT"}, CellCase{0, std::string(33, 'A'), "E_FORMAT"},
                      CellCase{1, "620422101", "E_REGION"}, CellCase{1, "62042210120", "E_REGION"},
                      CellCase{3, "脱贫了", "E_CODE"}, CellCase{4, "2012", "E_YEAR"},
                      CellCase{4, "二〇一六", "E_NUMBER"}, CellCase{5, "2015", "E_YEAR"},
                      CellCase{7, "", "E_REQUIRED"}, CellCase{7, "1.234", "E_NUMBER"},
                      CellCase{7, "-5", "E_NUMBER"}, CellCase{7, "12,34", "E_NUMBER"},
                      CellCase{12, "有", "E_CODE"}, CellCase{14, "E", "E_CODE"}));

TEST(ParseHouseholdRowTest, ExtraNonEmptyCellsAreAFormatError) {
  HeaderMap map = Map(TemplateTable::kHouseholds, kHouseholdHeader);
  auto cells = GoodHousehold();
  cells.push_back("");
  Household h;
  std::vector<CellIssue> issues;
  EXPECT_TRUE(ParseHouseholdRow(map, Row(cells), Today(), h, issues));
  cells.push_back("surplus");
  EXPECT_FALSE(ParseHouseholdRow(map, Row(cells), Today(), h, issues));
  EXPECT_EQ(issues.back().code, "E_FORMAT");
}

const std::vector<std::string> kMemberHeader = {"户编号",
                                                "姓名",
                                                "证件号码",
                                                "与户主关系",
                                                "性别",
                                                "出生日期",
                                                "在校生状况",
                                                "健康状况",
                                                "残疾等级",
                                                "劳动能力",
                                                "参加城乡居民基本医疗保险"};

std::vector<std::string> GoodMember() {
  return {"H1",   "成员0_1", "620422196105284322", "配偶", "女", "", "非在校生",
          "健康", "",        "普通劳动力",         "是"};
}

TEST(ParseMemberRowTest, DerivesSexAndBirthDateFromTheIdNumber) {
  HeaderMap map = Map(TemplateTable::kMembers, kMemberHeader);
  auto cells = GoodMember();
  cells[4] = "";
  Member m;
  std::string code;
  std::vector<CellIssue> issues;
  ASSERT_TRUE(ParseMemberRow(map, Row(cells), Today(), m, code, issues));
  EXPECT_EQ(code, "H1");
  EXPECT_EQ(m.sex, 2);
  EXPECT_EQ(m.birth_date->ToString(), "1961-05-28");
}

TEST(ParseMemberRowTest, AFifteenDigitNumberIsUpgradedWithAWarning) {
  HeaderMap map = Map(TemplateTable::kMembers, kMemberHeader);
  auto cells = GoodMember();
  cells[2] = "130503670401001";
  cells[4] = "男";
  Member m;
  std::string code;
  std::vector<CellIssue> issues;
  ASSERT_TRUE(ParseMemberRow(map, Row(cells), Today(), m, code, issues));
  EXPECT_EQ(m.id_number, "130503196704010016");
  ASSERT_EQ(issues.size(), 1u);
  EXPECT_EQ(issues[0].code, "W_ID_UPGRADED");
}

TEST(ParseMemberRowTest, SexOrBirthDateDisagreeingWithTheIdNumberIsAMismatch) {
  HeaderMap map = Map(TemplateTable::kMembers, kMemberHeader);
  Member m;
  std::string code;
  std::vector<CellIssue> issues;
  auto cells = GoodMember();
  cells[4] = "男";
  EXPECT_FALSE(ParseMemberRow(map, Row(cells), Today(), m, code, issues));
  EXPECT_EQ(issues.back().code, "E_SEX_MISMATCH");
  cells = GoodMember();
  cells[5] = "1961-05-29";
  EXPECT_FALSE(ParseMemberRow(map, Row(cells), Today(), m, code, issues));
  EXPECT_EQ(issues.back().code, "E_SEX_MISMATCH");
  EXPECT_EQ(issues.back().column, "出生日期");
}

TEST(ParseMemberRowTest, IdNumberErrorsKeepTheirCodes) {
  HeaderMap map = Map(TemplateTable::kMembers, kMemberHeader);
  Member m;
  std::string code;
  for (auto [value, expected] : {std::pair{"62042219610528432", "E_ID_FORMAT"},
                                 std::pair{"620422196105284321", "E_ID_CHECKSUM"},
                                 std::pair{"620422196102304320", "E_ID_BIRTHDATE"}}) {
    std::vector<CellIssue> issues;
    auto cells = GoodMember();
    cells[2] = value;
    EXPECT_FALSE(ParseMemberRow(map, Row(cells), Today(), m, code, issues));
    ASSERT_FALSE(issues.empty());
    EXPECT_EQ(issues[0].code, expected) << value;
    EXPECT_EQ(issues[0].column, "证件号码");
  }
}

TEST(ParseMemberRowTest, NamesLongerThanFiftyCharactersAreRefused) {
  HeaderMap map = Map(TemplateTable::kMembers, kMemberHeader);
  auto cells = GoodMember();
  std::string name;
  for (int i = 0; i < 51; ++i) name += "张";
  cells[1] = name;
  Member m;
  std::string code;
  std::vector<CellIssue> issues;
  EXPECT_FALSE(ParseMemberRow(map, Row(cells), Today(), m, code, issues));
  EXPECT_EQ(issues[0].code, "E_FORMAT");
  cells[1] = name.substr(3);  // 50 characters
  issues.clear();
  EXPECT_TRUE(ParseMemberRow(map, Row(cells), Today(), m, code, issues));
}

TEST(TemplateRoundTripTest, CellsWrittenFromARecordParseBackToTheSameRecord) {
  HeaderMap hmap = Map(TemplateTable::kHouseholds, TemplateHeader(TemplateTable::kHouseholds));
  HeaderMap mmap = Map(TemplateTable::kMembers, TemplateHeader(TemplateTable::kMembers));
  Household h;
  std::vector<CellIssue> issues;
  HeaderMap short_map = Map(TemplateTable::kHouseholds, kHouseholdHeader);
  ASSERT_TRUE(ParseHouseholdRow(short_map, Row(GoodHousehold()), Today(), h, issues));
  h.other_causes.Add(7);
  h.other_causes.Add(99);
  h.phone = "13800000000";
  h.village_group = "第三村民小组";
  Member m;
  std::string code;
  HeaderMap member_map = Map(TemplateTable::kMembers, kMemberHeader);
  ASSERT_TRUE(ParseMemberRow(member_map, Row(GoodMember()), Today(), m, code, issues));
  m.ethnicity = "回族";
  m.months_worked = 7;
  h.members.push_back(m);

  std::vector<std::string> cells;
  HouseholdCells(h, cells);
  Household back;
  ASSERT_TRUE(ParseHouseholdRow(hmap, Row(cells), Today(), back, issues)) << issues[0].zh;
  MemberCells(h.household_code, m, cells);
  Member member_back;
  ASSERT_TRUE(ParseMemberRow(mmap, Row(cells), Today(), member_back, code, issues));
  back.members.push_back(member_back);
  back.size = 0;
  h.size = 0;
  EXPECT_EQ(back, h);
}

// ---- control characters and formulas (issue 9, faults 8 and 14) ----

using namespace std::string_literals;

// The issues of one member row whose cell `column` is `value`.
std::vector<CellIssue> MemberIssues(size_t column, const std::string& value, Member* out = nullptr,
                                    std::vector<std::string> header = kMemberHeader) {
  HeaderMap map = Map(TemplateTable::kMembers, header);
  auto cells = GoodMember();
  cells.resize(header.size());
  cells[column] = value;
  Member m;
  std::string code;
  std::vector<CellIssue> issues;
  ParseMemberRow(map, Row(cells), Today(), m, code, issues);
  if (out) *out = m;
  return issues;
}

TEST(ParseMemberRowTest, ANameWithAControlCharacterIsRefusedAndShownEscaped) {
  for (const std::string& name :
       {"黎志\0evil"s, "黎志\x1b[2J"s, "黎志\a"s, "黎\x7f志"s, "黎\u0085志"s, "abc\u202Efdp"s,
        "黎\u2066志\u2069"s, "黎\u200F志"s, "黎\u061C志"s, "黎\n志"s, "黎\t志"s}) {
    auto issues = MemberIssues(1, name);
    ASSERT_EQ(issues.size(), 1u) << EscapeControls(name);
    EXPECT_EQ(issues[0].code, "E_FORMAT");
    EXPECT_EQ(issues[0].column, "姓名");
    EXPECT_EQ(issues[0].value, EscapeControls(name));
    EXPECT_FALSE(FindForbiddenControl(issues[0].value)) << issues[0].value;
    EXPECT_FALSE(FindForbiddenControl(issues[0].zh));
  }
  auto issues = MemberIssues(1, "黎志\0evil"s);
  EXPECT_EQ(issues[0].zh, "“姓名”的第 3 个字符是不允许的控制字符 U+0000");
  EXPECT_EQ(issues[0].value, "黎志\\u0000evil");
}

TEST(ParseMemberRowTest, ControlCharactersAreRefusedInCodedCellsToo) {
  auto issues = MemberIssues(3, "配偶\x1b");
  ASSERT_EQ(issues.size(), 1u);  // once, as E_FORMAT, not again as E_CODE or E_REQUIRED
  EXPECT_EQ(issues[0].code, "E_FORMAT");
  EXPECT_EQ(issues[0].column, "与户主关系");
}

TEST(ParseMemberRowTest, EthnicityMaySpanLinesButHoldsNoOtherControl) {
  auto header = kMemberHeader;
  header.push_back("民族");
  Member m;
  EXPECT_TRUE(MemberIssues(header.size() - 1, "回族\n（回）", &m, header).empty());
  EXPECT_EQ(m.ethnicity, "回族\n（回）");
  auto issues = MemberIssues(header.size() - 1, "回族\u202E", nullptr, header);
  ASSERT_EQ(issues.size(), 1u);
  EXPECT_EQ(issues[0].code, "E_FORMAT");
}

TEST(ParseMemberRowTest, ANameThatBeginsAsAFormulaIsRefused) {
  for (const char* name : {"=cmd|' /C calc'!A0", "+1+2", "-2+3", "@SUM(1+1)", "'=1+1"}) {
    auto issues = MemberIssues(1, name);
    ASSERT_EQ(issues.size(), 1u) << name;
    EXPECT_EQ(issues[0].code, "E_FORMAT") << name;
    EXPECT_EQ(issues[0].column, "姓名");
  }
  EXPECT_TRUE(MemberIssues(1, "李=四").empty());
}

TEST(ParseHouseholdRowTest, TheQuoteBeforeAFormulaLikeCellIsReadAway) {
  HeaderMap map = Map(TemplateTable::kHouseholds, [] {
    auto header = kHouseholdHeader;
    header.push_back("联系电话");
    return header;
  }());
  auto cells = GoodHousehold();
  cells.push_back("'+8613812345678");  // how CSV exports write a phone that begins with +
  cells[0] = "'-H1";
  Household h;
  std::vector<CellIssue> issues;
  ASSERT_TRUE(ParseHouseholdRow(map, Row(cells), Today(), h, issues));
  EXPECT_EQ(h.phone, "+8613812345678");
  EXPECT_EQ(h.household_code, "-H1");
  // A quote before anything else is part of the value.
  cells[0] = "'H1";
  EXPECT_FALSE(ParseHouseholdRow(map, Row(cells), Today(), h, issues));
}

TEST(ParseHouseholdRowTest, APhoneWithAControlCharacterIsRefusedWithoutRepeatingIt) {
  HeaderMap map = Map(TemplateTable::kHouseholds, [] {
    auto header = kHouseholdHeader;
    header.push_back("联系电话");
    return header;
  }());
  auto cells = GoodHousehold();
  cells.push_back(
      "138\x00"
      "12345678"s);
  Household h;
  std::vector<CellIssue> issues;
  ASSERT_FALSE(ParseHouseholdRow(map, Row(cells), Today(), h, issues));
  ASSERT_EQ(issues.size(), 1u);
  EXPECT_EQ(issues[0].code, "E_FORMAT");
  EXPECT_EQ(issues[0].value, "");
}

TEST(HeaderMapTest, AnUnknownColumnIsNamedEscaped) {
  std::vector<CellIssue> issues;
  HeaderMap::Build(TemplateTable::kMembers, Row({"户编号", "姓\u202E名"}, 1), issues);
  ASSERT_FALSE(issues.empty());
  EXPECT_EQ(issues[0].column, "姓<U+202E>名");
}

// ---- cells from workbooks: their kinds (issue 10) ----

// A row whose cells all have `kind` but the ones given in `kinds` (cell index, kind).
Record TypedRow(std::vector<std::string> cells, std::vector<std::pair<size_t, CellKind>> kinds,
                size_t line = 2) {
  Record record = Row(std::move(cells), line);
  record.kinds.assign(record.cells.size(), CellKind::kText);
  for (auto [cell, kind] : kinds) record.kinds[cell] = kind;
  return record;
}

TEST(ParseMemberRowTest, AnIdNumberTypedAsANumberAsksForATextColumn) {
  HeaderMap map = Map(TemplateTable::kMembers, kMemberHeader);
  auto cells = GoodMember();
  cells[2] = "620422196105284000";  // what a number cell kept of 620422196105284322
  Member m;
  std::string code;
  std::vector<CellIssue> issues;
  ASSERT_FALSE(
      ParseMemberRow(map, TypedRow(cells, {{2, CellKind::kNumber}}), Today(), m, code, issues));
  ASSERT_EQ(issues.size(), 1u);
  EXPECT_EQ(issues[0].code, "E_ID_FORMAT");
  EXPECT_EQ(issues[0].column, "证件号码");
  EXPECT_EQ(issues[0].zh, "证件号码列须设置为文本格式，数字格式会丢失末位");
  EXPECT_NE(issues[0].en.find("formatted as text"), std::string::npos);
}

TEST(ParseMemberRowTest, TheSameIdNumberAsTextIsAccepted) {
  HeaderMap map = Map(TemplateTable::kMembers, kMemberHeader);
  Member m;
  std::string code;
  std::vector<CellIssue> issues;
  EXPECT_TRUE(ParseMemberRow(map, TypedRow(GoodMember(), {{0, CellKind::kNumber}}), Today(), m,
                             code, issues));
  EXPECT_TRUE(issues.empty());
}

TEST(ParseMemberRowTest, ADateCellInTheBirthDateColumnIsRead) {
  HeaderMap map = Map(TemplateTable::kMembers, kMemberHeader);
  auto cells = GoodMember();
  cells[5] = "1961-05-28";
  Member m;
  std::string code;
  std::vector<CellIssue> issues;
  ASSERT_TRUE(
      ParseMemberRow(map, TypedRow(cells, {{5, CellKind::kDate}}), Today(), m, code, issues));
  EXPECT_EQ(m.birth_date->ToString(), "1961-05-28");
}

TEST(ParseMemberRowTest, APlainNumberInTheBirthDateColumnStaysANumberAndIsRefused) {
  HeaderMap map = Map(TemplateTable::kMembers, kMemberHeader);
  auto cells = GoodMember();
  cells[5] = "22429";
  Member m;
  std::string code;
  std::vector<CellIssue> issues;
  ASSERT_FALSE(
      ParseMemberRow(map, TypedRow(cells, {{5, CellKind::kNumber}}), Today(), m, code, issues));
  ASSERT_EQ(issues.size(), 1u);
  EXPECT_EQ(issues[0].code, "E_DATE");
  EXPECT_EQ(issues[0].value, "22429");
}

TEST(ParseMemberRowTest, AnErrorValueIsAFormatErrorNamingTheCell) {
  HeaderMap map = Map(TemplateTable::kMembers, kMemberHeader);
  auto cells = GoodMember();
  cells[5] = "#N/A";
  Member m;
  std::string code;
  std::vector<CellIssue> issues;
  ASSERT_FALSE(
      ParseMemberRow(map, TypedRow(cells, {{5, CellKind::kError}}, 7), Today(), m, code, issues));
  ASSERT_EQ(issues.size(), 1u);  // reported once, not again as a bad date
  EXPECT_EQ(issues[0].code, "E_FORMAT");
  EXPECT_EQ(issues[0].column, "出生日期");
  EXPECT_EQ(issues[0].value, "#N/A");
  EXPECT_EQ(issues[0].zh, "单元格 F7（“出生日期”）是错误值 #N/A，请改正公式或填写数值");
  EXPECT_EQ(issues[0].en,
            "cell F7 (birth_date) holds the error value #N/A; correct the formula or type the "
            "value");
}

TEST(ParseMemberRowTest, AnErrorValueInARequiredColumnIsReportedOnce) {
  HeaderMap map = Map(TemplateTable::kMembers, kMemberHeader);
  auto cells = GoodMember();
  cells[1] = "#REF!";
  Member m;
  std::string code;
  std::vector<CellIssue> issues;
  ASSERT_FALSE(
      ParseMemberRow(map, TypedRow(cells, {{1, CellKind::kError}}), Today(), m, code, issues));
  ASSERT_EQ(issues.size(), 1u);
  EXPECT_EQ(issues[0].code, "E_FORMAT");
  EXPECT_NE(issues[0].zh.find("B2"), std::string::npos);
}

TEST(ParseMemberRowTest, TheSameTextFromACsvIsNotAnErrorValue) {
  HeaderMap map = Map(TemplateTable::kMembers, kMemberHeader);
  auto cells = GoodMember();
  cells[7] = "#N/A";  // 健康状况: a bad code, as any text
  Member m;
  std::string code;
  std::vector<CellIssue> issues;
  ASSERT_FALSE(ParseMemberRow(map, Row(cells), Today(), m, code, issues));
  ASSERT_EQ(issues.size(), 1u);
  EXPECT_EQ(issues[0].code, "E_CODE");
}

class PhoneCellTest : public ::testing::Test {
 protected:
  std::vector<CellIssue> Parse(const std::string& phone, CellKind kind) {
    auto header = kHouseholdHeader;
    header.push_back("联系电话");
    HeaderMap map = Map(TemplateTable::kHouseholds, header);
    auto cells = GoodHousehold();
    cells.push_back(phone);
    std::vector<CellIssue> issues;
    ParseHouseholdRow(map, TypedRow(cells, {{cells.size() - 1, kind}}), Today(), household_,
                      issues);
    return issues;
  }
  Household household_;
};

TEST_F(PhoneCellTest, AMobileNumberTypedAsANumberIsReadAsItsDigits) {
  EXPECT_TRUE(Parse("13812345678", CellKind::kNumber).empty());
  EXPECT_EQ(household_.phone, "13812345678");
}

TEST_F(PhoneCellTest, ALandlineTypedAsANumberHasLostItsZeroAndIsRefused) {
  auto issues = Parse("9318123456", CellKind::kNumber);  // 0931-8123456
  ASSERT_EQ(issues.size(), 1u);
  EXPECT_EQ(issues[0].code, "E_FORMAT");
  EXPECT_EQ(issues[0].value, "");  // personal data
  EXPECT_EQ(issues[0].zh, "联系电话列须设置为文本格式，数字格式会丢失开头的 0");
}

TEST_F(PhoneCellTest, TheSameLandlineAsTextIsAccepted) {
  EXPECT_TRUE(Parse("09318123456", CellKind::kText).empty());
}

TEST(ParseHouseholdRowTest, CodesAndYearsTypedAsNumbersAreReadAsTheirDigits) {
  HeaderMap map = Map(TemplateTable::kHouseholds, kHouseholdHeader);
  Household h;
  std::vector<CellIssue> issues;
  // The reader gives number cells as digits: 620422101205, 2016, 3881.62.
  ASSERT_TRUE(ParseHouseholdRow(
      map,
      TypedRow(GoodHousehold(),
               {{1, CellKind::kNumber}, {4, CellKind::kNumber}, {7, CellKind::kNumber}}),
      Today(), h, issues));
  EXPECT_EQ(h.village_code.value(), 620422101205);
  EXPECT_EQ(h.registered_year, 2016);
}

// A table in memory, read record by record.
class VectorReader : public TableReader {
 public:
  explicit VectorReader(std::vector<Record> records) : records_(std::move(records)) {}
  Result<bool> Next(Record& record) override {
    if (at_ == records_.size()) {
      if (error_) return *error_;
      return false;
    }
    record = records_[at_++];
    return true;
  }
  const std::string& name() const override { return name_; }
  Encoding encoding() const override { return Encoding::kUtf8; }
  std::optional<Error> error_;

 private:
  std::vector<Record> records_;
  size_t at_ = 0;
  std::string name_ = "book.xlsx:户表";
};

std::vector<size_t> Lines(TableReader& reader) {
  std::vector<size_t> lines;
  Record record;
  for (;;) {
    auto next = reader.Next(record);
    if (!next.ok()) {
      lines.push_back(0);  // the error
      break;
    }
    if (!*next) break;
    lines.push_back(record.line);
  }
  return lines;
}

TEST(SkipTitleRowsTest, TitleLinesAboveTheHeaderAreDroppedAndLinesKept) {
  auto reader = SkipTitleRows(
      std::make_unique<VectorReader>(std::vector<Record>{
          Row({"某某县建档立卡贫困户信息表"}, 1), Row({"填报单位：", "", "填报日期："}, 2),
          Row(kMemberHeader, 4), Row(GoodMember(), 5), Row(GoodMember(), 6)}),
      TemplateTable::kMembers);
  Record header;
  ASSERT_TRUE(*reader->Next(header));
  EXPECT_EQ(header.line, 4u);
  EXPECT_EQ(header.cells[0], "户编号");
  EXPECT_EQ(Lines(*reader), (std::vector<size_t>{5, 6}));
  EXPECT_EQ(reader->name(), "book.xlsx:户表");
}

TEST(SkipTitleRowsTest, AHeaderInTheFirstRowDropsNothing) {
  auto reader = SkipTitleRows(std::make_unique<VectorReader>(std::vector<Record>{
                                  Row(kHouseholdHeader, 1), Row(GoodHousehold(), 2)}),
                              TemplateTable::kHouseholds);
  EXPECT_EQ(Lines(*reader), (std::vector<size_t>{1, 2}));
}

TEST(SkipTitleRowsTest, WithoutAHeaderInTheFirstTenRowsNothingIsDropped) {
  std::vector<Record> records;
  for (size_t line = 1; line <= 12; ++line) records.push_back(Row({"标题"}, line));
  records.push_back(Row(kHouseholdHeader, 13));  // too far down: not searched for
  auto reader = SkipTitleRows(std::make_unique<VectorReader>(records), TemplateTable::kHouseholds);
  auto lines = Lines(*reader);
  ASSERT_EQ(lines.size(), 13u);
  EXPECT_EQ(lines.front(), 1u);
}

TEST(SkipTitleRowsTest, AnErrorWhileLookingAheadComesAfterTheRecordsBeforeIt) {
  auto source = std::make_unique<VectorReader>(std::vector<Record>{Row({"标题"}, 1)});
  source->error_ = Error{"E_FORMAT", "坏", "bad"};
  auto reader = SkipTitleRows(std::move(source), TemplateTable::kHouseholds);
  EXPECT_EQ(Lines(*reader), (std::vector<size_t>{1, 0}));
}

TEST(NamesTemplateColumnTest, AHeaderNamesAColumnAndATitleDoesNot) {
  EXPECT_TRUE(NamesTemplateColumn(TemplateTable::kMembers, Row({"", " 姓名 "})));
  EXPECT_TRUE(NamesTemplateColumn(TemplateTable::kMembers, Row({"ID_NUMBER"})));
  EXPECT_FALSE(NamesTemplateColumn(TemplateTable::kMembers, Row({"人表", "2024年"})));
  EXPECT_FALSE(NamesTemplateColumn(TemplateTable::kHouseholds, Row({"姓名"})));
}

// ---- 村民小组 (issue 14, group) ----

// A 户表 row of GoodHousehold with a 村民小组 cell holding `group`; its issues in `issues`.
bool ParseWithGroup(const std::string& group, Household& h, std::vector<CellIssue>& issues) {
  auto header = kHouseholdHeader;
  header.push_back("village_group");
  auto cells = GoodHousehold();
  cells.push_back(group);
  return ParseHouseholdRow(Map(TemplateTable::kHouseholds, header), Row(cells), Today(), h, issues);
}

TEST(ParseHouseholdRowTest, AVillageGroupIsReadTrimmedAndMayBeLeftEmpty) {
  Household h;
  std::vector<CellIssue> issues;
  ASSERT_TRUE(ParseWithGroup("  第三村民小组 ", h, issues));
  EXPECT_EQ(h.village_group, "第三村民小组");
  ASSERT_TRUE(ParseWithGroup("", h, issues));
  EXPECT_EQ(h.village_group, "");
  ASSERT_TRUE(ParseHouseholdRow(Map(TemplateTable::kHouseholds, kHouseholdHeader),
                                Row(GoodHousehold()), Today(), h, issues));
  EXPECT_EQ(h.village_group, "") << "the column is optional";
  EXPECT_TRUE(issues.empty());
}

TEST(ParseHouseholdRowTest, AVillageGroupOfThirtyCharactersIsReadAndOfThirtyOneIsE_FORMAT) {
  std::string thirty;
  for (int i = 0; i < 30; ++i) thirty += "组";
  Household h;
  std::vector<CellIssue> issues;
  ASSERT_TRUE(ParseWithGroup(thirty, h, issues));
  EXPECT_EQ(h.village_group, thirty);
  EXPECT_FALSE(ParseWithGroup(thirty + "组", h, issues));
  ASSERT_EQ(issues.size(), 1u);
  EXPECT_EQ(issues[0].code, "E_FORMAT");
  EXPECT_EQ(issues[0].column, "村民小组");
  EXPECT_EQ(issues[0].value, thirty + "组");
  EXPECT_EQ(h.village_group, "");
}

TEST(ParseHouseholdRowTest, AVillageGroupThatBeginsAsAFormulaIsE_FORMAT) {
  Household h;
  std::vector<CellIssue> issues;
  EXPECT_FALSE(ParseWithGroup("=HYPERLINK(\"x\")", h, issues));
  ASSERT_EQ(issues.size(), 1u);
  EXPECT_EQ(issues[0].code, "E_FORMAT");
  EXPECT_EQ(issues[0].column, "村民小组");
}

TEST(TemplateHeaderTest, TheGroupFollowsTheVillageCodeAndIsLeftOutWithoutGroups) {
  const auto full = TemplateHeader(TemplateTable::kHouseholds);
  ASSERT_GT(full.size(), 3u);
  EXPECT_EQ(full[1], "行政区划代码");
  EXPECT_EQ(full[2], "村民小组");
  auto without = TemplateHeader(TemplateTable::kHouseholds, false);
  EXPECT_EQ(without.size(), full.size() - 1);
  EXPECT_EQ(std::find(without.begin(), without.end(), "村民小组"), without.end());
  EXPECT_EQ(without.back(), "联系电话");

  Household h;
  std::vector<CellIssue> issues;
  ASSERT_TRUE(ParseWithGroup("3组", h, issues));
  std::vector<std::string> cells;
  HouseholdCells(h, cells);
  EXPECT_EQ(cells.size(), full.size());
  EXPECT_EQ(cells[2], "3组");
  HouseholdCells(h, cells, false);
  EXPECT_EQ(cells.size(), without.size());
  EXPECT_EQ(cells[2], "建档立卡户") << "户类型 follows 行政区划代码";
  EXPECT_FALSE(AnyVillageGroup(std::vector<Household>{Household()}));
  EXPECT_TRUE(AnyVillageGroup(std::vector<Household>{Household(), h}));
}

}  // namespace
}  // namespace fupin
