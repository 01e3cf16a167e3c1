#include <gtest/gtest.h>
#include <sys/resource.h>
#include <zip.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "exchange/table.h"
#include "exchange/zip_testing.h"

namespace fupin {
namespace {

using Cells = std::vector<std::string>;

std::string TempPath(const std::string& name) {
  return (std::filesystem::path(::testing::TempDir()) /
          (std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()) + "_" +
           name))
      .string();
}

// Every record of `sheet` in `book`, with its line.
std::vector<Record> ReadSheet(XlsxBook& book, const std::string& sheet) {
  std::vector<Record> records;
  Result<std::unique_ptr<TableReader>> reader = book.Sheet(sheet);
  EXPECT_TRUE(reader.ok()) << (reader.ok() ? "" : reader.error().en);
  if (!reader.ok()) return records;
  EXPECT_EQ((*reader)->encoding(), Encoding::kUtf8);
  Record record;
  for (;;) {
    Result<bool> more = (*reader)->Next(record);
    EXPECT_TRUE(more.ok()) << (more.ok() ? "" : more.error().en);
    if (!more.ok() || !*more) break;
    records.push_back(record);
  }
  return records;
}

// Writes a zip holding `parts` (name, content), as a hand-made workbook.
void WriteZip(const std::string& path,
              const std::vector<std::pair<std::string, std::string>>& parts) {
  int error = 0;
  zip_t* zip = zip_open(path.c_str(), ZIP_CREATE | ZIP_TRUNCATE, &error);
  ASSERT_NE(zip, nullptr);
  for (const auto& [name, content] : parts) {
    zip_source_t* source = zip_source_buffer(zip, content.data(), content.size(), 0);
    ASSERT_NE(source, nullptr);
    ASSERT_GE(zip_file_add(zip, name.c_str(), source, ZIP_FL_ENC_UTF_8), 0);
  }
  ASSERT_EQ(zip_close(zip), 0);
}

class XlsxRoundTripTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = TempPath("book.xlsx");
    Result<std::unique_ptr<XlsxWriter>> writer = XlsxWriter::Create(path_);
    ASSERT_TRUE(writer.ok()) << writer.error().en;
    Result<TableWriter*> households = (*writer)->AddSheet("户表");
    Result<TableWriter*> members = (*writer)->AddSheet("人表");
    ASSERT_TRUE(households.ok() && members.ok());
    for (const Cells& row : households_) ASSERT_TRUE((*households)->WriteRow(row).ok());
    for (const Cells& row : members_) ASSERT_TRUE((*members)->WriteRow(row).ok());
    ASSERT_TRUE((*writer)->Close().ok());
  }
  void TearDown() override { std::remove(path_.c_str()); }

  std::unique_ptr<XlsxBook> OpenBook() {
    Result<std::unique_ptr<XlsxBook>> book = XlsxBook::Open(path_);
    EXPECT_TRUE(book.ok()) << (book.ok() ? "" : book.error().en);
    return book.ok() ? std::move(book).value() : nullptr;
  }

  std::string path_;
  std::vector<Cells> households_ = {{"户编号", "户主姓名", "家庭人口数", "备注"},
                                    {"01", "张三", "4", "因病,因学"},
                                    {"02", "", "", "户主待补"},
                                    {"03", "李四", "1", "说\"好\""}};
  std::vector<Cells> members_ = {
      {"户编号", "姓名", "与户主关系"}, {"01", "张三", "户主"}, {"01", "王五", "配偶"}};
};

TEST_F(XlsxRoundTripTest, SheetNamesComeBackInOrder) {
  std::unique_ptr<XlsxBook> book = OpenBook();
  ASSERT_TRUE(book);
  EXPECT_EQ(book->SheetNames(), (Cells{"户表", "人表"}));
}

TEST_F(XlsxRoundTripTest, CellsWrittenAsStringsReadBackUnchanged) {
  std::unique_ptr<XlsxBook> book = OpenBook();
  ASSERT_TRUE(book);
  std::vector<Record> households = ReadSheet(*book, "户表");
  ASSERT_EQ(households.size(), households_.size());
  for (size_t i = 0; i < households.size(); ++i) {
    EXPECT_EQ(households[i].cells, households_[i]) << "row " << i + 1;
    EXPECT_EQ(households[i].line, i + 1);
  }
  std::vector<Record> members = ReadSheet(*book, "人表");
  ASSERT_EQ(members.size(), members_.size());
  for (size_t i = 0; i < members.size(); ++i) EXPECT_EQ(members[i].cells, members_[i]);
}

TEST_F(XlsxRoundTripTest, ReaderNameHoldsTheFileAndTheSheet) {
  std::unique_ptr<XlsxBook> book = OpenBook();
  ASSERT_TRUE(book);
  Result<std::unique_ptr<TableReader>> reader = book->Sheet("人表");
  ASSERT_TRUE(reader.ok());
  EXPECT_NE((*reader)->name().find(path_), std::string::npos);
  EXPECT_NE((*reader)->name().find("人表"), std::string::npos);
}

TEST_F(XlsxRoundTripTest, MissingSheetIsNotFound) {
  std::unique_ptr<XlsxBook> book = OpenBook();
  ASSERT_TRUE(book);
  Result<std::unique_ptr<TableReader>> reader = book->Sheet("Sheet1");
  ASSERT_FALSE(reader.ok());
  EXPECT_EQ(reader.error().code, "E_NOT_FOUND");
}

TEST(XlsxWriterTest, EmptyCellsInTheMiddleAreEmptyAndTrailingOnesAbsent) {
  std::string path = TempPath("gaps.xlsx");
  {
    auto writer = XlsxWriter::Create(path);
    ASSERT_TRUE(writer.ok());
    auto sheet = (*writer)->AddSheet("户表");
    ASSERT_TRUE(sheet.ok());
    ASSERT_TRUE((*sheet)->WriteRow({"a", "", "", "d", "", ""}).ok());
    ASSERT_TRUE((*sheet)->WriteRow({"", "", ""}).ok());  // row 2 holds nothing
    ASSERT_TRUE((*sheet)->WriteRow({"", "x"}).ok());
    ASSERT_TRUE((*writer)->Close().ok());
    EXPECT_TRUE((*writer)->Close().ok());
  }
  auto book = XlsxBook::Open(path);
  ASSERT_TRUE(book.ok());
  std::vector<Record> records = ReadSheet(**book, "户表");
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[0].cells, (Cells{"a", "", "", "d"}));
  EXPECT_EQ(records[1].cells, (Cells{"", "x"}));
  EXPECT_EQ(records[1].line, 3u);
  std::remove(path.c_str());
}

TEST(XlsxWriterTest, UnwritablePathIsAnIoError) {
  auto writer = XlsxWriter::Create("/nonexistent/dir/out.xlsx");
  ASSERT_FALSE(writer.ok());
  EXPECT_EQ(writer.error().code, "E_IO");
}

TEST(XlsxWriterTest, DuplicateSheetNameIsRefused) {
  std::string path = TempPath("dup.xlsx");
  auto writer = XlsxWriter::Create(path);
  ASSERT_TRUE(writer.ok());
  ASSERT_TRUE((*writer)->AddSheet("户表").ok());
  EXPECT_FALSE((*writer)->AddSheet("户表").ok());
  ASSERT_TRUE((*writer)->Close().ok());
  std::remove(path.c_str());
}

TEST(XlsxBookTest, TextFileNamedXlsxIsAFormatError) {
  std::string path = TempPath("text.xlsx");
  {
    std::ofstream out(path);
    out << "户编号,姓名\n01,张三\n";
  }
  Result<std::unique_ptr<XlsxBook>> book = XlsxBook::Open(path);
  ASSERT_FALSE(book.ok());
  EXPECT_EQ(book.error().code, "E_FORMAT");
  EXPECT_EQ(book.error().en, "not a valid XLSX workbook: " + path);
  EXPECT_EQ(book.error().zh, "不是有效的 XLSX 工作簿：" + path);
  std::remove(path.c_str());
}

TEST(XlsxBookTest, ZipWithoutWorkbookIsAFormatError) {
  std::string path = TempPath("plain.zip");
  WriteZip(path, {{"readme.txt", "hello"}});
  Result<std::unique_ptr<XlsxBook>> book = XlsxBook::Open(path);
  ASSERT_FALSE(book.ok());
  EXPECT_EQ(book.error().code, "E_FORMAT");
  std::remove(path.c_str());
}

TEST(XlsxBookTest, MissingFileIsAnIoError) {
  Result<std::unique_ptr<XlsxBook>> book = XlsxBook::Open("/nonexistent/dir/book.xlsx");
  ASSERT_FALSE(book.ok());
  EXPECT_EQ(book.error().code, "E_IO");
}

// A workbook as other programs write it: shared strings with rich text and phonetic runs,
// inline strings, numbers, booleans, formula strings, gaps between columns, an absolute
// relationship target and namespace prefixes.
class HandMadeXlsxTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = TempPath("hand.xlsx");
    WriteZip(
        path_,
        {
            {"[Content_Types].xml",
             R"(<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>)"},
            {"xl/workbook.xml",
             R"(<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"
          xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">
  <sheets>
    <sheet name="户表" sheetId="1" r:id="rId2"/>
    <sheet name="说明" sheetId="2" r:id="rId1"/>
  </sheets>
</workbook>)"},
            {"xl/_rels/workbook.xml.rels",
             R"(<?xml version="1.0" encoding="UTF-8"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
  <Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="/xl/worksheets/notes.xml"/>
  <Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>
  <Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>
</Relationships>)"},
            {"xl/sharedStrings.xml",
             R"(<?xml version="1.0" encoding="UTF-8"?>
<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="4" uniqueCount="4">
  <si><t>户编号</t></si>
  <si><r><rPr><b/></rPr><t>张</t></r><r><t xml:space="preserve">三 </t></r><rPh sb="0" eb="1"><t>ZHANG</t></rPh></si>
  <si><t xml:space="preserve"> </t></si>
  <si><t>一_x000D_二</t></si>
</sst>)"},
            {"xl/worksheets/sheet1.xml",
             R"(<?xml version="1.0" encoding="UTF-8"?>
<x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main">
  <x:sheetData>
    <x:row r="1"><x:c r="A1" t="s"><x:v>0</x:v></x:c><x:c r="C1" t="inlineStr"><x:is><x:t>姓名</x:t></x:is></x:c></x:row>
    <x:row r="2"><x:c r="A2" s="1"/><x:c r="B2"/></x:row>
    <x:row r="4"><x:c r="A4" t="s"><x:v>1</x:v></x:c><x:c r="B4"><x:v>1234.5000000001</x:v></x:c><x:c r="D4" t="b"><x:v>1</x:v></x:c><x:c r="E4" t="str"><x:f>A4</x:f><x:v>张三</x:v></x:c></x:row>
    <x:row r="5"><x:c r="B5" t="n"><x:v>42</x:v></x:c><x:c r="C5" t="s"><x:v>2</x:v></x:c><x:c r="D5" t="s"><x:v>3</x:v></x:c></x:row>
  </x:sheetData>
</x:worksheet>)"},
            {"xl/worksheets/notes.xml",
             R"(<?xml version="1.0" encoding="UTF-8"?>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">
  <sheetData><row r="1"><c r="A1" t="inlineStr"><is><r><t>填表</t></r><r><t>说明</t></r></is></c></row></sheetData>
</worksheet>)"},
        });
  }
  void TearDown() override { std::remove(path_.c_str()); }

  std::string path_;
};

TEST_F(HandMadeXlsxTest, SheetNamesFollowTheWorkbookOrder) {
  auto book = XlsxBook::Open(path_);
  ASSERT_TRUE(book.ok()) << book.error().en;
  EXPECT_EQ((*book)->SheetNames(), (Cells{"户表", "说明"}));
}

TEST_F(HandMadeXlsxTest, CellsOfEveryTypeReadAsText) {
  auto book = XlsxBook::Open(path_);
  ASSERT_TRUE(book.ok()) << book.error().en;
  std::vector<Record> records = ReadSheet(**book, "户表");
  ASSERT_EQ(records.size(), 3u);
  EXPECT_EQ(records[0].line, 1u);
  EXPECT_EQ(records[0].cells, (Cells{"户编号", "", "姓名"}));
  EXPECT_EQ(records[1].line, 4u);
  EXPECT_EQ(records[1].cells, (Cells{"张三 ", "1234.5000000001", "", "是", "张三"}));
  EXPECT_EQ(records[2].line, 5u);
  EXPECT_EQ(records[2].cells, (Cells{"", "42", " ", "一\r二"}));
}

TEST_F(HandMadeXlsxTest, AbsoluteTargetAndRichInlineStringAreRead) {
  auto book = XlsxBook::Open(path_);
  ASSERT_TRUE(book.ok()) << book.error().en;
  std::vector<Record> records = ReadSheet(**book, "说明");
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].cells, (Cells{"填表说明"}));
}

// ---- cells as spreadsheet programs store them (issue 10) ----

// A workbook of one sheet "户表" with the rows `sheet_data` (the inside of <sheetData>),
// the styles below and, when `date1904`, the 1904 date system.
void WriteStyledBook(const std::string& path, const std::string& sheet_data,
                     bool date1904 = false) {
  WriteZip(
      path,
      {
          {"xl/workbook.xml",
           std::string(
               R"(<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">)") +
               (date1904 ? R"(<workbookPr date1904="1"/>)" : R"(<workbookPr/>)") +
               R"(<sheets><sheet name="户表" sheetId="1" r:id="rId1"/></sheets></workbook>)"},
          {"xl/_rels/workbook.xml.rels",
           R"(<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
  <Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>
  <Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>
</Relationships>)"},
          // cellXfs: 0 General, 1 built-in 14 (m/d/yyyy), 2 a custom 年月日 date, 3 a custom
          // number with [Red] and a quoted "d", 4 built-in 4 (#,##0.00), 5 built-in 58 (a
          // CJK date), 6 built-in 49 (text), 7 built-in 22 (date and time).
          {"xl/styles.xml",
           R"(<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">
  <numFmts count="2">
    <numFmt numFmtId="164" formatCode="yyyy&quot;年&quot;m&quot;月&quot;d&quot;日&quot;;@"/>
    <numFmt numFmtId="165" formatCode="0.00_);[Red]\(0.00\)&quot; days&quot;"/>
  </numFmts>
  <cellStyleXfs count="1"><xf numFmtId="14"/></cellStyleXfs>
  <cellXfs count="8">
    <xf numFmtId="0"/><xf numFmtId="14" applyNumberFormat="1"/><xf numFmtId="164"/>
    <xf numFmtId="165"/><xf numFmtId="4"/><xf numFmtId="58"/><xf numFmtId="49"/>
    <xf numFmtId="22"/>
  </cellXfs>
  <dxfs count="1"><dxf><numFmt numFmtId="166" formatCode="yyyy"/></dxf></dxfs>
</styleSheet>)"},
          {"xl/worksheets/sheet1.xml",
           R"(<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>)" +
               sheet_data + "</sheetData></worksheet>"},
      });
}

struct CellRead {
  std::string text;
  CellKind kind;
  friend bool operator==(const CellRead&, const CellRead&) = default;
  friend std::ostream& operator<<(std::ostream& out, const CellRead& c) {
    return out << '"' << c.text << "\" kind " << static_cast<int>(c.kind);
  }
};

// The cells of the single row of a styled book made of `cells` (the inside of <row>).
std::vector<CellRead> ReadStyledRow(const std::string& path, const std::string& cells,
                                    bool date1904 = false) {
  WriteStyledBook(path, R"(<row r="3">)" + cells + "</row>", date1904);
  std::vector<CellRead> out;
  auto book = XlsxBook::Open(path);
  EXPECT_TRUE(book.ok()) << (book.ok() ? "" : book.error().en);
  if (!book.ok()) return out;
  std::vector<Record> records = ReadSheet(**book, "户表");
  EXPECT_EQ(records.size(), 1u);
  if (records.size() != 1) return out;
  EXPECT_EQ(records[0].line, 3u);
  EXPECT_EQ(records[0].kinds.size(), records[0].cells.size());
  for (size_t i = 0; i < records[0].cells.size(); ++i) {
    out.push_back({records[0].cells[i], records[0].kind(i)});
  }
  std::remove(path.c_str());
  return out;
}

constexpr CellKind kText = CellKind::kText;
constexpr CellKind kNumber = CellKind::kNumber;
constexpr CellKind kDate = CellKind::kDate;

TEST(XlsxCellTest, NumbersAreReadAsTheDecimalTheClerkTypedWithoutTheDoublesTail) {
  EXPECT_EQ(ReadStyledRow(TempPath("n.xlsx"), R"(<c r="A3" s="4"><v>884.6900000000001</v></c>)"
                                              R"(<c r="B3"><v>9202.129999999999</v></c>)"
                                              R"(<c r="C3" t="n"><v>0.30000000000000004</v></c>)"
                                              R"(<c r="D3"><v>16767.82</v></c>)"
                                              R"(<c r="E3"><v>1.5E-3</v></c>)"
                                              R"(<c r="F3"><v>-12.5</v></c>)"
                                              R"(<c r="G3"><v>1E-7</v></c>)"),
            (std::vector<CellRead>{{"884.69", kNumber},
                                   {"9202.13", kNumber},
                                   {"0.3", kNumber},
                                   {"16767.82", kNumber},
                                   {"0.0015", kNumber},
                                   {"-12.5", kNumber},
                                   {"0.0000001", kNumber}}));
}

TEST(XlsxCellTest, CodesTypedAsNumbersAreReadAsTheirDigits) {
  EXPECT_EQ(ReadStyledRow(TempPath("codes.xlsx"), R"(<c r="A3"><v>620422101205</v></c>)"
                                                  R"(<c r="B3"><v>2016</v></c>)"
                                                  R"(<c r="C3"><v>2016.0</v></c>)"
                                                  R"(<c r="D3"><v>4.11525199001011E+17</v></c>)"
                                                  R"(<c r="E3"><v>411525199001011234</v></c>)"
                                                  R"(<c r="F3"><v>1E+20</v></c>)"
                                                  R"(<c r="G3"><v>-0</v></c>)"),
            (std::vector<CellRead>{{"620422101205", kNumber},
                                   {"2016", kNumber},
                                   {"2016", kNumber},
                                   {"411525199001011000", kNumber},
                                   {"411525199001011000", kNumber},
                                   {"100000000000000000000", kNumber},
                                   {"0", kNumber}}));
}

TEST(XlsxCellTest, ANumberCellThatIsNotANumberIsKeptAsWritten) {
  EXPECT_EQ(ReadStyledRow(TempPath("nan.xlsx"), R"(<c r="A3"><v>abc</v></c>)"
                                                R"(<c r="B3" s="1"><v>NaN</v></c>)"
                                                R"(<c r="C3"><v>1e999</v></c>)"
                                                R"(<c r="D3"><v>+5</v></c>)"),
            (std::vector<CellRead>{
                {"abc", kNumber}, {"NaN", kNumber}, {"1e999", kNumber}, {"+5", kNumber}}));
}

TEST(XlsxCellTest, DateStyledNumbersAreDatesInThe1900System) {
  EXPECT_EQ(ReadStyledRow(TempPath("d1900.xlsx"),
                          R"(<c r="A3" s="1"><v>23617</v></c>)"     // 出生日期
                          R"(<c r="B3" s="2"><v>45717</v></c>)"     // 纳入监测日期, 年月日
                          R"(<c r="C3" s="5"><v>45717</v></c>)"     // built-in CJK date
                          R"(<c r="D3" s="7"><v>45717.75</v></c>)"  // with a time
                          R"(<c r="E3" s="3"><v>45717</v></c>)"     // a number format
                          R"(<c r="F3"><v>45717</v></c>)"           // General
                          R"(<c r="G3" s="6"><v>45717</v></c>)"),   // a text format
            (std::vector<CellRead>{{"1964-08-28", kDate},
                                   {"2025-03-01", kDate},
                                   {"2025-03-01", kDate},
                                   {"2025-03-01", kDate},
                                   {"45717", kNumber},
                                   {"45717", kNumber},
                                   {"45717", kNumber}}));
}

TEST(XlsxCellTest, The1900SystemCountsExcelsLeapDayThatNeverWas) {
  EXPECT_EQ(ReadStyledRow(TempPath("leap.xlsx"), R"(<c r="A3" s="1"><v>1</v></c>)"
                                                 R"(<c r="B3" s="1"><v>59</v></c>)"
                                                 R"(<c r="C3" s="1"><v>60</v></c>)"
                                                 R"(<c r="D3" s="1"><v>61</v></c>)"
                                                 R"(<c r="E3" s="1"><v>2958465</v></c>)"
                                                 R"(<c r="F3" s="1"><v>0</v></c>)"
                                                 R"(<c r="G3" s="1"><v>2958466</v></c>)"
                                                 R"(<c r="H3" s="1"><v>-1</v></c>)"),
            (std::vector<CellRead>{{"1900-01-01", kDate},
                                   {"1900-02-28", kDate},
                                   {"1900-02-29", kDate},  // refused as a date later
                                   {"1900-03-01", kDate},
                                   {"9999-12-31", kDate},
                                   {"0", kNumber},  // Excel shows 1900-01-00
                                   {"2958466", kNumber},
                                   {"-1", kNumber}}));
}

TEST(XlsxCellTest, DateStyledNumbersAreDatesInThe1904System) {
  EXPECT_EQ(ReadStyledRow(TempPath("d1904.xlsx"),
                          R"(<c r="A3" s="1"><v>0</v></c>)"
                          R"(<c r="B3" s="1"><v>59</v></c>)"
                          R"(<c r="C3" s="1"><v>60</v></c>)"
                          R"(<c r="D3" s="1"><v>22155</v></c>)"
                          R"(<c r="E3" s="1"><v>2957003</v></c>)"
                          R"(<c r="F3" s="1"><v>2957004</v></c>)",
                          /*date1904=*/true),
            (std::vector<CellRead>{{"1904-01-01", kDate},
                                   {"1904-02-29", kDate},
                                   {"1904-03-01", kDate},
                                   {"1964-08-28", kDate},
                                   {"9999-12-31", kDate},
                                   {"2957004", kNumber}}));
}

TEST(XlsxCellTest, BooleansErrorsIsoDatesAndFormulasReadAsASpreadsheetShowsThem) {
  EXPECT_EQ(
      ReadStyledRow(TempPath("kinds.xlsx"),
                    R"(<c r="A3" t="b"><v>1</v></c>)"
                    R"(<c r="B3" t="b"><v>0</v></c>)"
                    R"(<c r="C3" t="e"><f>VLOOKUP(A1,B:C,2,0)</f><v>#N/A</v></c>)"
                    R"(<c r="D3" t="d"><v>2024-03-01T00:00:00</v></c>)"
                    R"(<c r="E3"><f>D9*1.1</f><v>10122.343000000001</v></c>)"
                    R"(<c r="F3" t="str"><f>"H"&amp;1</f><v>H1</v></c>)"
                    R"(<c r="G3"><f>A1</f></c>)"  // no cached value: empty
                    R"(<c r="H3" s="1"><f>TODAY()</f><v>45717</v></c>)"
                    R"(<c r="I3" t="inlineStr"><is><r><t>张</t></r><r><t>三</t></r></is></c>)"),
      (std::vector<CellRead>{{"是", CellKind::kBoolean},
                             {"否", CellKind::kBoolean},
                             {"#N/A", CellKind::kError},
                             {"2024-03-01", kDate},
                             {"10122.343", kNumber},
                             {"H1", kText},
                             {"", kText},
                             {"2025-03-01", kDate},
                             {"张三", kText}}));
}

TEST(XlsxCellTest, AWorkbookWithoutStylesReadsNumbersAsNumbers) {
  // The hand-made book above has no styles part: its numbers are still numbers.
  const std::string path = TempPath("nostyles.xlsx");
  WriteZip(
      path,
      {{"xl/workbook.xml",
        R"(<workbook><sheets><sheet name="S" sheetId="1"/></sheets></workbook>)"},
       {"xl/worksheets/sheet1.xml",
        R"(<worksheet><sheetData><row><c s="1"><v>45717</v></c></row></sheetData></worksheet>)"}});
  auto book = XlsxBook::Open(path);
  ASSERT_TRUE(book.ok()) << book.error().en;
  auto records = ReadSheet(**book, "S");
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].cells, (Cells{"45717"}));
  EXPECT_EQ(records[0].kind(0), kNumber);
  std::remove(path.c_str());
}

TEST(XlsxCellTest, KindsFollowTheCellsOfASparseRowAndAreReplacedEachRow) {
  const std::string path = TempPath("sparse.xlsx");
  WriteStyledBook(path, R"(<row r="2"><c r="C2" s="1"><v>45717</v></c></row>)"
                        R"(<row r="9"><c r="A9" t="inlineStr"><is><t>x</t></is></c></row>)");
  auto book = XlsxBook::Open(path);
  ASSERT_TRUE(book.ok()) << book.error().en;
  auto reader = (*book)->Sheet("户表");
  ASSERT_TRUE(reader.ok());
  Record record;
  ASSERT_TRUE(*(*reader)->Next(record));
  EXPECT_EQ(record.cells, (Cells{"", "", "2025-03-01"}));
  EXPECT_EQ(record.kinds, (std::vector<CellKind>{kText, kText, kDate}));
  ASSERT_TRUE(*(*reader)->Next(record));
  EXPECT_EQ(record.line, 9u);
  EXPECT_EQ(record.kinds, (std::vector<CellKind>{kText}));
  std::remove(path.c_str());
}

TEST(XlsxCellTest, MalformedStylesAreAFormatError) {
  const std::string path = TempPath("badstyles.xlsx");
  WriteZip(path, {{"xl/workbook.xml",
                   R"(<workbook><sheets><sheet name="S" sheetId="1"/></sheets></workbook>)"},
                  {"xl/styles.xml", R"(<styleSheet><cellXfs><xf numFmtId="14">)"},
                  {"xl/worksheets/sheet1.xml", R"(<worksheet><sheetData/></worksheet>)"}});
  auto book = XlsxBook::Open(path);
  ASSERT_FALSE(book.ok());
  EXPECT_EQ(book.error().code, "E_FORMAT");
  std::remove(path.c_str());
}

TEST(XlsxCellTest, CellStylesPastTheLimitAreNotRead) {
  std::string xfs;
  for (size_t i = 0; i < kXlsxMaxStyles + 10; ++i) {
    xfs += i + 20 < kXlsxMaxStyles ? "<xf/>" : R"(<xf numFmtId="14"/>)";  // small, under the floor
  }
  const std::string path = TempPath("manystyles.xlsx");
  WriteZip(
      path,
      {{"xl/workbook.xml",
        R"(<workbook><sheets><sheet name="S" sheetId="1"/></sheets></workbook>)"},
       {"xl/styles.xml", "<styleSheet><cellXfs>" + xfs + "</cellXfs></styleSheet>"},
       {"xl/worksheets/sheet1.xml",
        R"(<worksheet><sheetData><row><c s="65535"><v>1</v></c><c s="65536"><v>1</v></c></row></sheetData></worksheet>)"}});
  auto book = XlsxBook::Open(path);
  ASSERT_TRUE(book.ok()) << book.error().en;
  auto records = ReadSheet(**book, "S");
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].cells, (Cells{"1900-01-01", "1"}));
  std::remove(path.c_str());
}

// ---- hostile workbooks (issue 9, fault 4): claimed sizes are never trusted ----

using testing::Deflated;
using testing::DeflatedRepeat;
using testing::MinimalWorkbook;
using testing::RawZipEntry;
using testing::SheetXml;
using testing::WriteRawZip;

// The peak resident set of this process, in MiB.
long PeakRssMib() {
  struct rusage usage;
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss / 1024;
}

// Opens `path` and reads every row of every sheet; returns the first error, or an Error
// with code "OK" when everything was read.
Error ReadWholeBook(const std::string& path) {
  Result<std::unique_ptr<XlsxBook>> book = XlsxBook::Open(path);
  if (!book.ok()) return book.error();
  for (const std::string& name : (*book)->SheetNames()) {
    Result<std::unique_ptr<TableReader>> sheet = (*book)->Sheet(name);
    if (!sheet.ok()) return sheet.error();
    Record record;
    for (;;) {
      Result<bool> more = (*sheet)->Next(record);
      if (!more.ok()) return more.error();
      if (!*more) break;
    }
  }
  return Error{"OK", "", ""};
}

class HostileXlsxTest : public ::testing::Test {
 protected:
  void SetUp() override { path_ = TempPath("hostile.xlsx"); }
  void TearDown() override { std::remove(path_.c_str()); }

  // Reads the whole of path_ and expects E_FORMAT whose messages hold `zh_part` and the
  // file name, with the peak RSS grown by less than 200 MiB.
  void ExpectRefused(const std::string& zh_part) {
    const long before = PeakRssMib();
    Error error = ReadWholeBook(path_);
    const long grown = PeakRssMib() - before;
    EXPECT_EQ(error.code, "E_FORMAT") << error.en;
    EXPECT_NE(error.zh.find(zh_part), std::string::npos) << error.zh;
    EXPECT_NE(error.zh.find(path_), std::string::npos) << error.zh;
    EXPECT_NE(error.en.find(path_), std::string::npos) << error.en;
    EXPECT_LT(grown, 200) << "peak RSS grew by " << grown << " MiB";
  }

  std::string path_;
};

TEST_F(HostileXlsxTest, APartClaimingFourGigabytesIsRefusedWithoutAllocatingThem) {
  RawZipEntry sheet = Deflated("", SheetXml(R"(<row r="1"><c r="A1"><v>1</v></c></row>)"));
  sheet.size = 0xFFFFFFFEu;
  ASSERT_TRUE(WriteRawZip(path_, MinimalWorkbook(sheet)));
  ExpectRefused("工作簿中的 xl/worksheets/sheet1.xml 解压后过大");
}

TEST_F(HostileXlsxTest, AZip64PartClaimingAHundredGigabytesIsRefused) {
  RawZipEntry sheet = Deflated("", SheetXml(R"(<row r="1"><c r="A1"><v>1</v></c></row>)"));
  sheet.size = 100ULL << 30;
  sheet.zip64 = true;
  ASSERT_TRUE(WriteRawZip(path_, MinimalWorkbook(sheet)));
  ExpectRefused("工作簿中的 xl/worksheets/sheet1.xml 解压后过大");
}

TEST_F(HostileXlsxTest, ADeflateBombOfZerosIsRefused) {
  const std::string zeros(size_t{1} << 20, '\0');
  ASSERT_TRUE(WriteRawZip(path_, MinimalWorkbook(DeflatedRepeat("", zeros, 1024))));  // 1 GiB
  ExpectRefused("工作簿中的 xl/worksheets/sheet1.xml 解压后过大");
}

TEST_F(HostileXlsxTest, ADeflateBombClaimingASmallSizeIsCountedAndRefused) {
  const std::string zeros(size_t{1} << 20, '\0');
  RawZipEntry bomb = DeflatedRepeat("", zeros, 1024);
  bomb.size = 100;  // a lie: the real inflated size is what counts
  ASSERT_TRUE(WriteRawZip(path_, MinimalWorkbook(bomb)));
  ExpectRefused("工作簿中的 xl/worksheets/sheet1.xml 解压后过大");
}

TEST_F(HostileXlsxTest, ASheetOfEmptyRowsPastTheRatioIsRefused) {
  // 16 KB of deflate holding millions of <row/>.
  ASSERT_TRUE(WriteRawZip(path_, MinimalWorkbook(DeflatedRepeat("", "<row/>", 3'000'000))));
  ExpectRefused("解压后过大");
}

TEST_F(HostileXlsxTest, ThousandsOfEntriesAreRefused) {
  std::vector<RawZipEntry> entries = MinimalWorkbook(Deflated("", SheetXml("")));
  for (size_t i = 0; i < kXlsxMaxEntries; ++i) {
    entries.push_back(Deflated("xl/media/" + std::to_string(i), ""));
  }
  ASSERT_TRUE(WriteRawZip(path_, entries));
  ExpectRefused("工作簿中的条目超过 10000 个");
}

TEST_F(HostileXlsxTest, TheLastCellOfASheetIsReadAsASparseRow) {
  ASSERT_TRUE(WriteRawZip(
      path_,
      MinimalWorkbook(Deflated(
          "",
          SheetXml(
              R"(<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>末</t></is></c></row>)")))));
  const long before = PeakRssMib();
  Result<std::unique_ptr<XlsxBook>> book = XlsxBook::Open(path_);
  ASSERT_TRUE(book.ok()) << book.error().en;
  std::vector<Record> records = ReadSheet(**book, "户表");
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].line, 1'048'576u);
  ASSERT_EQ(records[0].cells.size(), 16'384u);
  EXPECT_EQ(records[0].cells.back(), "末");
  EXPECT_LT(PeakRssMib() - before, 200);
}

TEST_F(HostileXlsxTest, ARowPastTheLastRowOfExcelIsRefused) {
  ASSERT_TRUE(WriteRawZip(
      path_, MinimalWorkbook(Deflated(
                 "", SheetXml(R"(<row r="1048577"><c r="A1048577"><v>1</v></c></row>)")))));
  ExpectRefused("第 1048577 行");
}

TEST_F(HostileXlsxTest, ACellPastColumnXfdIsRefused) {
  ASSERT_TRUE(WriteRawZip(
      path_,
      MinimalWorkbook(Deflated("", SheetXml(R"(<row r="1"><c r="XFE1"><v>1</v></c></row>)")))));
  ExpectRefused("单元格引用无效 XFE1");
  // GKGWBYLWRXTLPU is 2^64 + 5: a 64-bit count wraps around to column E. Still past XFD.
  ASSERT_TRUE(WriteRawZip(
      path_, MinimalWorkbook(Deflated(
                 "", SheetXml(R"(<row r="1"><c r="GKGWBYLWRXTLPU1"><v>1</v></c></row>)")))));
  ExpectRefused("单元格引用无效 GKGWBYLWRXTLPU1");
  std::string cells;
  for (size_t i = 0; i <= kXlsxMaxColumns; ++i) cells += "<c><v>1</v></c>";  // no references
  ASSERT_TRUE(
      WriteRawZip(path_, MinimalWorkbook(Deflated("", SheetXml("<row>" + cells + "</row>")))));
  ExpectRefused("单元格引用无效");
}

TEST_F(HostileXlsxTest, OneSharedStringRepeatedAcrossARowIsBounded) {
  std::vector<RawZipEntry> entries = MinimalWorkbook(Deflated(
      "",
      SheetXml(
          R"(<row r="1"><c t="s"><v>0</v></c><c t="s"><v>0</v></c><c t="s"><v>0</v></c><c t="s"><v>0</v></c><c t="s"><v>0</v></c></row>)")));
  entries.push_back(Deflated("xl/sharedStrings.xml",
                             "<sst><si><t>" + std::string(1'000'000, 'a') + "</t></si></sst>"));
  ASSERT_TRUE(WriteRawZip(path_, entries));
  ExpectRefused("一行的文本超过 4 MiB");
}

TEST_F(HostileXlsxTest, AnOrdinaryCompressiblePartUnderTheFloorIsRead) {
  // A small part may compress far better than kXlsxMaxRatio: under the floor it is read.
  std::string rows;
  for (int i = 1; i <= 1000; ++i)
    rows += "<row r=\"" + std::to_string(i) + "\"><c r=\"A" + std::to_string(i) +
            "\"><v>0</v></c></row>";
  ASSERT_TRUE(WriteRawZip(path_, MinimalWorkbook(Deflated("", SheetXml(rows)))));
  Error error = ReadWholeBook(path_);
  EXPECT_EQ(error.code, "OK") << error.en;
}

// ---- streamed sheets: batches of rows, markup that looks like rows, bounds ----

TEST_F(HostileXlsxTest, RowsAcrossManyBatchesAreReadInOrderWithTheirLines) {
  // ~4 MiB of XML: several batches and many inflate chunks, with markup that a naive scan
  // would take for rows at every few rows.
  std::string rows;
  for (int i = 1; i <= 60'000; ++i) {
    const std::string n = std::to_string(i);
    rows += "<row r=\"" + n + "\" x=\"a>b</row>\"><c r=\"A" + n + "\" t=\"inlineStr\"><is><t>" +
            (i % 7 == 0 ? "<![CDATA[x</row><row>]]>" : "v" + n) + "</t></is></c></row>";
    if (i % 5 == 0) rows += "<!-- <row r=\"0\"> -->";
    if (i % 11 == 0) rows += "<?pi <row> ?>";
  }
  ASSERT_TRUE(WriteRawZip(path_, MinimalWorkbook(Deflated("", SheetXml(rows)))));
  Result<std::unique_ptr<XlsxBook>> book = XlsxBook::Open(path_);
  ASSERT_TRUE(book.ok()) << book.error().en;
  std::vector<Record> records = ReadSheet(**book, "户表");
  ASSERT_EQ(records.size(), 60'000u);
  for (size_t i = 0; i < records.size(); ++i) {
    const size_t n = i + 1;
    ASSERT_EQ(records[i].line, n);
    ASSERT_EQ(records[i].cells, (Cells{n % 7 == 0 ? "x</row><row>" : "v" + std::to_string(n)}));
  }
}

TEST_F(HostileXlsxTest, ASheetReaderOutlivesItsBook) {
  ASSERT_TRUE(WriteRawZip(
      path_, MinimalWorkbook(Deflated(
                 "", SheetXml(R"(<row><c><v>1</v></c></row><row><c><v>2</v></c></row>)")))));
  std::unique_ptr<TableReader> sheet;
  {
    Result<std::unique_ptr<XlsxBook>> book = XlsxBook::Open(path_);
    ASSERT_TRUE(book.ok()) << book.error().en;
    Result<std::unique_ptr<TableReader>> opened = (*book)->Sheet("户表");
    ASSERT_TRUE(opened.ok()) << opened.error().en;
    sheet = std::move(opened).value();
  }
  Record record;
  ASSERT_TRUE(*sheet->Next(record));
  EXPECT_EQ(record.cells, (Cells{"1"}));
  ASSERT_TRUE(*sheet->Next(record));
  EXPECT_EQ(record.cells, (Cells{"2"}));
  EXPECT_FALSE(*sheet->Next(record));
}

TEST_F(HostileXlsxTest, ARowOverSixteenMebibytesIsRefused) {
  std::string text(size_t{20} << 20, 'a');
  uint32_t state = 1;
  for (char& c : text) {  // letters that deflate poorly, so the ratio is not what refuses
    state = state * 1103515245 + 12345;
    c = static_cast<char>('a' + (state >> 16) % 26);
  }
  ASSERT_TRUE(
      WriteRawZip(path_, MinimalWorkbook(Deflated("", SheetXml(R"(<row><c t="inlineStr"><is><t>)" +
                                                               text + "</t></is></c></row>")))));
  ExpectRefused("一个元素超过 16 MiB");
}

TEST_F(HostileXlsxTest, ATruncatedSheetIsRefused) {
  ASSERT_TRUE(WriteRawZip(
      path_,
      MinimalWorkbook(Deflated("", SheetXml(R"(<row><c><v>1</v></c></row>)").substr(0, 150)))));
  ExpectRefused("xl/worksheets/sheet1.xml");
}

TEST_F(HostileXlsxTest, ASheetThatIsNotXmlIsRefused) {
  ASSERT_TRUE(WriteRawZip(path_, MinimalWorkbook(Deflated("", "户编号,姓名\n01,张三\n"))));
  ExpectRefused("不是有效的 XLSX 工作簿");
}

TEST_F(HostileXlsxTest, MalformedXmlInsideARowIsRefused) {
  ASSERT_TRUE(
      WriteRawZip(path_, MinimalWorkbook(Deflated("", SheetXml(R"(<row><c><v>1</x></c></row>)")))));
  ExpectRefused("不是有效的 XLSX 工作簿");
}

}  // namespace
}  // namespace fupin
