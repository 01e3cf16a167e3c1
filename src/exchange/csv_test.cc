#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "exchange/table.h"

namespace fupin {
namespace {

using Cells = std::vector<std::string>;

// A file under the test's temporary directory, removed when the test ends.
class TempFile {
 public:
  explicit TempFile(const std::string& name)
      : path_((std::filesystem::path(::testing::TempDir()) /
               (std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()) + "_" +
                name))
                  .string()) {}
  ~TempFile() { std::remove(path_.c_str()); }
  const std::string& path() const { return path_; }

  void Write(const std::string& bytes) const {
    std::ofstream out(path_, std::ios::binary | std::ios::trunc);
    out << bytes;
  }
  std::string Read() const {
    std::ifstream in(path_, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }

 private:
  std::string path_;
};

std::unique_ptr<TableReader> Open(const TempFile& file, Encoding encoding = Encoding::kAuto) {
  Result<std::unique_ptr<TableReader>> reader = OpenCsv(file.path(), encoding);
  EXPECT_TRUE(reader.ok()) << (reader.ok() ? "" : reader.error().en);
  return reader.ok() ? std::move(reader).value() : nullptr;
}

// Every record of `bytes` read as CSV.
std::vector<Record> ReadAll(const std::string& bytes) {
  TempFile file("in.csv");
  file.Write(bytes);
  std::unique_ptr<TableReader> reader = Open(file);
  std::vector<Record> records;
  if (!reader) return records;
  Record record;
  for (;;) {
    Result<bool> more = reader->Next(record);
    EXPECT_TRUE(more.ok()) << (more.ok() ? "" : more.error().en);
    if (!more.ok() || !*more) break;
    records.push_back(record);
  }
  return records;
}

TEST(CsvReaderTest, QuotedFieldsHoldCommasDoubledQuotesAndLineBreaks) {
  std::vector<Record> records =
      ReadAll("姓名,备注\n\"张,三\",\"他说\"\"好\"\"\"\n李四,\"第一行\n第二行\"\n");
  ASSERT_EQ(records.size(), 3u);
  EXPECT_EQ(records[0].cells, (Cells{"姓名", "备注"}));
  EXPECT_EQ(records[1].cells, (Cells{"张,三", "他说\"好\""}));
  EXPECT_EQ(records[2].cells, (Cells{"李四", "第一行\n第二行"}));
}

TEST(CsvReaderTest, QuotedFieldSpanningLinesKeepsTheLineWhereTheRecordStarts) {
  std::vector<Record> records = ReadAll("a,b\n1,\"x\ny\nz\"\n2,w\n");
  ASSERT_EQ(records.size(), 3u);
  EXPECT_EQ(records[0].line, 1u);
  EXPECT_EQ(records[1].line, 2u);
  EXPECT_EQ(records[2].line, 5u);
  EXPECT_EQ(records[2].cells, (Cells{"2", "w"}));
}

TEST(CsvReaderTest, CrlfLineEndsAreNotPartOfTheLastCell) {
  std::vector<Record> records = ReadAll("a,b\r\n1,\"2\"\r\n3,\"x\r\ny\"\r\n");
  ASSERT_EQ(records.size(), 3u);
  EXPECT_EQ(records[0].cells, (Cells{"a", "b"}));
  EXPECT_EQ(records[1].cells, (Cells{"1", "2"}));
  EXPECT_EQ(records[2].cells, (Cells{"3", "x\r\ny"}));
  EXPECT_EQ(records[2].line, 3u);
}

TEST(CsvReaderTest, LoneCrInsideQuotesStays) {
  std::vector<Record> records = ReadAll("a,\"b\r\"\n");
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].cells, (Cells{"a", "b\r"}));
}

TEST(CsvReaderTest, BlankLinesAreSkippedButCounted) {
  std::vector<Record> records = ReadAll("a,b\n\n1,2\r\n\r\n\n3,4\n\n");
  ASSERT_EQ(records.size(), 3u);
  EXPECT_EQ(records[0].line, 1u);
  EXPECT_EQ(records[1].line, 3u);
  EXPECT_EQ(records[2].line, 6u);
  EXPECT_EQ(records[2].cells, (Cells{"3", "4"}));
}

TEST(CsvReaderTest, QuotedEmptyFieldIsARecordNotABlankLine) {
  std::vector<Record> records = ReadAll("\"\"\n");
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].cells, (Cells{""}));
}

TEST(CsvReaderTest, UnquotedFieldsKeepTheirSpacesAndEmptyFieldsAreKept) {
  std::vector<Record> records = ReadAll(" a , b ,,\n");
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].cells, (Cells{" a ", " b ", "", ""}));
}

TEST(CsvReaderTest, LastLineWithoutLineBreakIsRead) {
  std::vector<Record> records = ReadAll("a,b\n1,2");
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[1].cells, (Cells{"1", "2"}));
  EXPECT_EQ(records[1].line, 2u);
}

TEST(CsvReaderTest, Utf8BomIsDropped) {
  std::vector<Record> records = ReadAll("\xEF\xBB\xBF户编号,姓名\n");
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].cells, (Cells{"户编号", "姓名"}));
}

TEST(CsvReaderTest, MoreCellsThanTheHeaderAreReturnedAsTheyAre) {
  std::vector<Record> records = ReadAll("a,b\n1,2,3,4\n5\n");
  ASSERT_EQ(records.size(), 3u);
  EXPECT_EQ(records[1].cells, (Cells{"1", "2", "3", "4"}));
  EXPECT_EQ(records[2].cells, (Cells{"5"}));
}

TEST(CsvReaderTest, UnterminatedQuoteIsAFormatErrorAtTheLineWhereTheRecordStarts) {
  TempFile file("open.csv");
  file.Write("a,b\n1,2\n3,\"never\nclosed\n");
  std::unique_ptr<TableReader> reader = Open(file);
  ASSERT_TRUE(reader);
  Record record;
  ASSERT_TRUE(*reader->Next(record));
  ASSERT_TRUE(*reader->Next(record));
  Result<bool> result = reader->Next(record);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, "E_FORMAT");
  EXPECT_NE(result.error().en.find("line 3: unterminated quote"), std::string::npos)
      << result.error().en;
  EXPECT_NE(result.error().zh.find("第 3 行：引号未闭合"), std::string::npos) << result.error().zh;
  EXPECT_NE(result.error().en.find(file.path()), std::string::npos);
}

TEST(CsvReaderTest, NameIsThePathAsGiven) {
  TempFile file("name.csv");
  file.Write("a\n");
  std::unique_ptr<TableReader> reader = Open(file);
  ASSERT_TRUE(reader);
  EXPECT_EQ(reader->name(), file.path());
  EXPECT_EQ(reader->encoding(), Encoding::kUtf8);
}

TEST(CsvReaderTest, MissingFileIsAnIoError) {
  Result<std::unique_ptr<TableReader>> reader =
      OpenCsv("/nonexistent/dir/no-such-file.csv", Encoding::kAuto);
  ASSERT_FALSE(reader.ok());
  EXPECT_EQ(reader.error().code, "E_IO");
}

TEST(CsvReaderTest, FileLargerThanTheDecodingChunkParsesWithTheRightLineNumbers) {
  TempFile file("big.csv");
  std::string bytes = "户编号,姓名,备注\n";
  size_t line = 2;
  std::vector<size_t> lines;  // where each data record starts
  const int kRows = 40000;    // about 2.6 MiB, so records cross chunk boundaries
  for (int i = 1; i <= kRows; ++i) {
    lines.push_back(line);
    bytes += std::to_string(i) + ",张三" + std::to_string(i);
    if (i % 7 == 0) {  // a quoted field spanning two lines
      bytes += ",\"第一行,\n第二行 \"\"引\"\"\"\n";
      line += 2;
    } else {
      bytes += ",普通的备注文字，用来把文件撑大一些。\n";
      line += 1;
    }
    if (i % 11 == 0) {  // a blank line
      bytes += "\n";
      line += 1;
    }
  }
  ASSERT_GT(bytes.size(), 2u << 20);
  file.Write(bytes);
  std::unique_ptr<TableReader> reader = Open(file);
  ASSERT_TRUE(reader);

  Record record;
  ASSERT_TRUE(*reader->Next(record));
  for (int i = 1; i <= kRows; ++i) {
    Result<bool> more = reader->Next(record);
    ASSERT_TRUE(more.ok()) << more.error().en;
    ASSERT_TRUE(*more) << "row " << i;
    ASSERT_EQ(record.line, lines[i - 1]) << "row " << i;
    ASSERT_EQ(record.cells.size(), 3u);
    ASSERT_EQ(record.cells[0], std::to_string(i));
    if (i % 7 == 0) {
      ASSERT_EQ(record.cells[2], "第一行,\n第二行 \"引\"");
    }
  }
  // The last record starts after the header, one line per earlier record, one more for
  // each earlier two-line record and one for each blank line.
  EXPECT_EQ(record.line, 2u + (kRows - 1) + (kRows - 1) / 7 + (kRows - 1) / 11);
  EXPECT_FALSE(*reader->Next(record));
}

TEST(CsvWriterTest, QuotesOnlyTheCellsThatNeedIt) {
  TempFile file("out.csv");
  auto writer = CsvWriter::Create(file.path(), Encoding::kUtf8, /*bom=*/false);
  ASSERT_TRUE(writer.ok());
  ASSERT_TRUE((*writer)->WriteRow({"plain", "a,b", "say \"hi\"", "two\nlines", " lead", ""}).ok());
  ASSERT_TRUE((*writer)->WriteRow({"01", "张三"}).ok());
  ASSERT_TRUE((*writer)->Close().ok());
  EXPECT_EQ(file.Read(), "plain,\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\",\" lead\",\n01,张三\n");
}

TEST(CsvWriterTest, CellsThatWouldRunAsFormulasAreWrittenAfterAQuote) {
  TempFile file("formula.csv");
  auto writer = CsvWriter::Create(file.path(), Encoding::kUtf8, /*bom=*/false);
  ASSERT_TRUE(writer.ok());
  ASSERT_TRUE((*writer)
                  ->WriteRow({"=cmd|' /C calc'!A0", "+1+2", "-2+3", "@SUM(1+1)", "\tx", "\rx",
                              "=a,b", "1-2", "a=b", "'=x"})
                  .ok());
  ASSERT_TRUE((*writer)->Close().ok());
  EXPECT_EQ(file.Read(),
            "'=cmd|' /C calc'!A0,'+1+2,'-2+3,'@SUM(1+1),'\tx,\"'\rx\",\"'=a,b\",1-2,a=b,'=x\n");
}

TEST(CsvWriterTest, Utf8BomIsWrittenWhenAsked) {
  TempFile file("bom.csv");
  auto writer = CsvWriter::Create(file.path(), Encoding::kUtf8, /*bom=*/true);
  ASSERT_TRUE(writer.ok());
  ASSERT_TRUE((*writer)->WriteRow({"户"}).ok());
  ASSERT_TRUE((*writer)->Close().ok());
  EXPECT_EQ(file.Read(), "\xEF\xBB\xBF户\n");
}

TEST(CsvWriterTest, CloseTwiceIsHarmlessAndTheDestructorCloses) {
  TempFile file("close.csv");
  {
    auto writer = CsvWriter::Create(file.path(), Encoding::kUtf8, /*bom=*/false);
    ASSERT_TRUE(writer.ok());
    ASSERT_TRUE((*writer)->WriteRow({"a"}).ok());
  }
  EXPECT_EQ(file.Read(), "a\n");
  auto writer = CsvWriter::Create(file.path(), Encoding::kUtf8, /*bom=*/false);
  ASSERT_TRUE(writer.ok());
  EXPECT_TRUE((*writer)->Close().ok());
  EXPECT_TRUE((*writer)->Close().ok());
  EXPECT_FALSE((*writer)->WriteRow({"late"}).ok());
}

TEST(CsvWriterTest, UnwritablePathIsAnIoError) {
  auto writer = CsvWriter::Create("/nonexistent/dir/out.csv", Encoding::kUtf8, false);
  ASSERT_FALSE(writer.ok());
  EXPECT_EQ(writer.error().code, "E_IO");
  EXPECT_NE(writer.error().en.find("/nonexistent/dir/out.csv"), std::string::npos);
}

TEST(CsvWriterTest, Gb18030FileRoundTripsThroughAutoDetection) {
  TempFile file("gb.csv");
  std::vector<Cells> rows = {{"户编号", "姓名", "备注"},
                             {"4301020001", "张三", "因病致贫,需\"帮扶\""},
                             {"4301020002", "李四𠀀", "多行\n备注"}};
  auto writer = CsvWriter::Create(file.path(), Encoding::kGb18030, /*bom=*/true);
  ASSERT_TRUE(writer.ok());
  for (const Cells& row : rows) ASSERT_TRUE((*writer)->WriteRow(row).ok());
  ASSERT_TRUE((*writer)->Close().ok());

  std::string bytes = file.Read();
  EXPECT_EQ(bytes.rfind("\xBB\xA7", 0), 0u) << "no BOM, 户 in GB18030 first";

  std::unique_ptr<TableReader> reader = Open(file, Encoding::kAuto);
  ASSERT_TRUE(reader);
  EXPECT_EQ(reader->encoding(), Encoding::kGb18030);
  Record record;
  for (const Cells& row : rows) {
    Result<bool> more = reader->Next(record);
    ASSERT_TRUE(more.ok() && *more);
    EXPECT_EQ(record.cells, row);
  }
  EXPECT_FALSE(*reader->Next(record));
}

}  // namespace

TEST(CsvReaderTest, ARecordOverFourMebibytesIsAFormatErrorNotAMemoryHog) {
  TempFile file("long.csv");
  file.Write("a,b\n1," + std::string(5 << 20, 'x') + "\n2,3\n");
  std::unique_ptr<TableReader> reader = Open(file);
  ASSERT_TRUE(reader);
  Record record;
  ASSERT_TRUE(*reader->Next(record));
  Result<bool> more = reader->Next(record);
  ASSERT_FALSE(more.ok());
  EXPECT_EQ(more.error().code, "E_FORMAT");
  EXPECT_EQ(more.error().line, 2u);
}

}  // namespace fupin
