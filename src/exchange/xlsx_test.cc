#include <gtest/gtest.h>
#include <zip.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "exchange/table.h"

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
  EXPECT_EQ(records[1].cells, (Cells{"张三 ", "1234.5000000001", "", "1", "张三"}));
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

}  // namespace
}  // namespace fupin
