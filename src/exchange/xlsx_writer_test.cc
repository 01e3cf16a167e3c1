// The XlsxWriter's typed sheets (SheetLayout), checked as an independent reader sees them:
// openpyxl (Debian's python3-openpyxl, through scripts/describe_workbook.py) and the
// workbook's own XML.
#include <gtest/gtest.h>
#include <zip.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "domain/codes.h"
#include "exchange/table.h"
#include "exchange/template.h"
#include "exchange/template_workbook.h"

namespace fupin {
namespace {

using Cells = std::vector<std::string>;

// The workbooks the tests wrote, removed when the test program ends.
struct TempFiles {
  std::vector<std::string> paths;
  ~TempFiles() {
    for (const auto& p : paths) std::filesystem::remove(p);
  }
};
TempFiles g_temp_files;

std::string TempPath(const std::string& name) {
  const std::string path =
      (std::filesystem::path(::testing::TempDir()) /
       (std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()) + "_" + name))
          .string();
  g_temp_files.paths.push_back(path);
  return path;
}

// The lines scripts/describe_workbook.py prints for `path`.
std::vector<std::string> Describe(const std::string& path) {
  const std::string command =
      std::string("/usr/bin/python3 ") + FUPIN_DESCRIBE_WORKBOOK + " '" + path + "' 2>&1";
  std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen(command.c_str(), "r"), pclose);
  EXPECT_NE(pipe, nullptr);
  std::string out;
  char buffer[4096];
  while (pipe && fgets(buffer, sizeof buffer, pipe.get()) != nullptr) out += buffer;
  std::vector<std::string> lines;
  std::istringstream in(out);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

bool Has(const std::vector<std::string>& lines, const std::string& line) {
  return std::find(lines.begin(), lines.end(), line) != lines.end();
}

std::string Joined(const std::vector<std::string>& lines) {
  std::string all;
  for (const auto& l : lines) all += l + "\n";
  return all;
}

// The text of one part of a zip ("" when absent).
std::string ZipPart(const std::string& path, const std::string& part) {
  int error = 0;
  zip_t* zip = zip_open(path.c_str(), ZIP_RDONLY, &error);
  if (zip == nullptr) return "";
  std::string text;
  if (zip_file_t* file = zip_fopen(zip, part.c_str(), 0)) {
    char buffer[4096];
    for (zip_int64_t n; (n = zip_fread(file, buffer, sizeof buffer)) > 0;) text.append(buffer, n);
    zip_fclose(file);
  }
  zip_close(zip);
  return text;
}

SheetLayout Layout(std::vector<CellFormat> kinds) {
  SheetLayout layout;
  for (CellFormat kind : kinds) layout.columns.push_back(SheetColumn{kind, {}, true, ""});
  return layout;
}

// Writes one sheet "s" with `layout` and `rows` (the first is the header).
void WriteBook(const std::string& path, const SheetLayout& layout, const std::vector<Cells>& rows) {
  auto book = XlsxWriter::Create(path);
  ASSERT_TRUE(book.ok());
  auto sheet = (*book)->AddSheet("s", layout);
  ASSERT_TRUE(sheet.ok()) << sheet.error().en;
  for (const auto& row : rows) ASSERT_TRUE((*sheet)->WriteRow(row).ok());
  ASSERT_TRUE((*book)->Close().ok());
}

TEST(XlsxTypedSheetTest, MoneyIsANumberWithTwoDecimalsAndDatesAreDates) {
  const std::string path = TempPath("t.xlsx");
  WriteBook(path,
            Layout({CellFormat::kText, CellFormat::kMoney, CellFormat::kWhole, CellFormat::kDate}),
            {{"户编号", "工资性收入", "家庭人口数", "出生日期"},
             {"0101", "16767.82", "4", "1960-04-05"},
             {"0102", "1234.50", "12", "2024-03-01"}});
  auto lines = Describe(path);
  EXPECT_TRUE(Has(lines, "cell s A2 s @ 0101")) << Joined(lines);
  EXPECT_TRUE(Has(lines, "cell s B2 n 0.00 16767.82")) << Joined(lines);
  EXPECT_TRUE(Has(lines, "cell s B3 n 0.00 1234.5")) << Joined(lines);
  EXPECT_TRUE(Has(lines, "cell s C2 n 0 4")) << Joined(lines);
  EXPECT_TRUE(Has(lines, "cell s D2 d yyyy-mm-dd 1960-04-05 00:00:00")) << Joined(lines);
  EXPECT_TRUE(Has(lines, "cell s D3 d yyyy-mm-dd 2024-03-01 00:00:00")) << Joined(lines);
}

TEST(XlsxTypedSheetTest, AnIdNumberInATextColumnIsNeverANumber) {
  const std::string path = TempPath("t.xlsx");
  WriteBook(path, Layout({CellFormat::kText, CellFormat::kText}),
            {{"证件号码", "行政区划代码"}, {"620422196004057550", "620422101205"}});
  auto lines = Describe(path);
  EXPECT_TRUE(Has(lines, "cell s A2 s @ 620422196004057550")) << Joined(lines);
  EXPECT_TRUE(Has(lines, "cell s B2 s @ 620422101205")) << Joined(lines);
}

TEST(XlsxTypedSheetTest, ATextThatIsNotItsKindIsWrittenAsText) {
  const std::string path = TempPath("t.xlsx");
  WriteBook(path, Layout({CellFormat::kMoney, CellFormat::kWhole, CellFormat::kDate}),
            {{"a", "b", "c"}, {"***", "未知", "2024/03/01"}});
  auto lines = Describe(path);
  EXPECT_TRUE(Has(lines, "cell s A2 s @ ***")) << Joined(lines);
  EXPECT_TRUE(Has(lines, "cell s B2 s @ 未知")) << Joined(lines);
  EXPECT_TRUE(Has(lines, "cell s C2 s @ 2024/03/01")) << Joined(lines);
}

// libxlsxwriter writes a double as its %.16G text: a reader must take the shortest decimal
// that gives the same double (every amount up to 1,000,000.00 yuan does, measured).
TEST(XlsxTypedSheetTest, NumbersAreStoredAsTheSixteenDigitTextOfTheDouble) {
  const std::string path = TempPath("t.xlsx");
  WriteBook(path, Layout({CellFormat::kMoney}), {{"a"}, {"16767.82"}, {"884.69"}});
  const std::string xml = ZipPart(path, "xl/worksheets/sheet1.xml");
  EXPECT_NE(xml.find("<v>16767.82</v>"), std::string::npos) << xml;
  EXPECT_NE(xml.find("<v>884.6900000000001</v>"), std::string::npos) << xml;
}

TEST(XlsxTypedSheetTest, TheHeaderIsFrozenAndTheFilterCoversTheRowsWritten) {
  const std::string path = TempPath("t.xlsx");
  WriteBook(path, Layout({CellFormat::kText, CellFormat::kMoney}),
            {{"户编号", "工资性收入"}, {"1", "1.00"}, {"2", "2.00"}});
  auto lines = Describe(path);
  EXPECT_TRUE(Has(lines, "freeze s A2")) << Joined(lines);
  EXPECT_TRUE(Has(lines, "filter s A1:B3")) << Joined(lines);
}

TEST(XlsxTypedSheetTest, ColumnsAreWideEnoughForTheirChineseHeadersAndValues) {
  const std::string path = TempPath("t.xlsx");
  WriteBook(path, Layout({CellFormat::kText, CellFormat::kText, CellFormat::kText}),
            {{"参加城乡居民基本医疗保险", "a", "证件号码"}, {"是", "b", "620422196004057550"}});
  double widths[3] = {0, 0, 0};
  for (const auto& line : Describe(path)) {
    for (int c = 0; c < 3; ++c) {
      const std::string prefix = std::string("width s ") + char('A' + c) + " ";
      if (line.rfind(prefix, 0) == 0) widths[c] = std::stod(line.substr(prefix.size()));
    }
  }
  EXPECT_GE(widths[0], 24 + 3);  // 12 CJK characters count 2 each, and the filter's button
  EXPECT_LE(widths[0], 24 + 8);
  EXPECT_GE(widths[1], 8);   // a narrow column still shows its filter button
  EXPECT_GE(widths[2], 18);  // the ID number, not its header, is the widest
}

TEST(XlsxTypedSheetTest, AColumnWithChoicesOffersThemInADropDownList) {
  const std::string path = TempPath("t.xlsx");
  SheetLayout layout = Layout({CellFormat::kText, CellFormat::kText, CellFormat::kText});
  layout.columns[1].choices = {"是", "否"};
  layout.columns[2].choices = {"因病", "因残"};
  layout.columns[2].strict = false;
  layout.columns[2].prompt = "可填多个";
  WriteBook(path, layout, {{"户编号", "不愁吃", "其他致贫原因"}, {"1", "是", "因病；因残"}});
  auto lines = Describe(path);
  EXPECT_TRUE(Has(lines, "validation s B2:B1048576 list \"是,否\" stop")) << Joined(lines);
  EXPECT_TRUE(Has(lines, "validation s C2:C1048576 list \"因病,因残\" information"))
      << Joined(lines);
}

TEST(XlsxTypedSheetTest, AListOverTheInlineLimitIsReadFromAHiddenSheet) {
  const std::string path = TempPath("t.xlsx");
  SheetLayout layout = Layout({CellFormat::kText});
  for (int i = 0; i < 100; ++i) layout.columns[0].choices.push_back("选项" + std::to_string(i));
  WriteBook(path, layout, {{"a"}, {"选项1"}});  // 100 labels of 3-4 characters: over 255
  auto lines = Describe(path);
  EXPECT_TRUE(Has(lines, std::string("sheet ") + kXlsxListsSheet + " hidden")) << Joined(lines);
  EXPECT_TRUE(Has(lines, std::string("validation s A2:A1048576 list '") + kXlsxListsSheet +
                             "'!$A$1:$A$100 stop"))
      << Joined(lines);
  EXPECT_TRUE(Has(lines, std::string("cell ") + kXlsxListsSheet + " A1 s General 选项0"))
      << Joined(lines);
  EXPECT_TRUE(Has(lines, std::string("cell ") + kXlsxListsSheet + " A100 s General 选项99"))
      << Joined(lines);
}

TEST(XlsxTypedSheetTest, TheListsSheetNameIsReserved) {
  auto book = XlsxWriter::Create(TempPath("t.xlsx"));
  ASSERT_TRUE(book.ok());
  auto sheet = (*book)->AddSheet(kXlsxListsSheet);
  ASSERT_FALSE(sheet.ok());
  EXPECT_EQ(sheet.error().code, "E_FORMAT");
}

TEST(XlsxTypedSheetTest, ASheetWithoutALayoutStillHoldsStringsOnly) {
  const std::string path = TempPath("t.xlsx");
  {
    auto book = XlsxWriter::Create(path);
    ASSERT_TRUE(book.ok());
    auto sheet = (*book)->AddSheet("s");
    ASSERT_TRUE(sheet.ok());
    ASSERT_TRUE((*sheet)->WriteRow({"a", "1234.50", "2024-03-01"}).ok());
    ASSERT_TRUE((*book)->Close().ok());
  }
  auto lines = Describe(path);
  EXPECT_TRUE(Has(lines, "cell s B1 s General 1234.50")) << Joined(lines);
  EXPECT_TRUE(Has(lines, "cell s C1 s General 2024-03-01")) << Joined(lines);
  for (const auto& line : lines) EXPECT_EQ(line.rfind("freeze", 0), std::string::npos) << line;
}

// The drop-down lists of the template offer exactly the labels the import reads back.
TEST(TemplateLayoutTest, EveryChoiceIsALabelTheImportAccepts) {
  for (TemplateTable table : {TemplateTable::kHouseholds, TemplateTable::kMembers}) {
    auto columns = TemplateColumns(table);
    SheetLayout layout = TemplateLayout(table);
    ASSERT_EQ(layout.columns.size(), columns.size());
    for (size_t c = 0; c < columns.size(); ++c) {
      const TemplateColumn& column = columns[c];
      const SheetColumn& out = layout.columns[c];
      SCOPED_TRACE(std::string(column.zh));
      if (column.kind == ColumnKind::kYesNo) {
        EXPECT_EQ(out.choices, (std::vector<std::string>{"是", "否"}));
      } else if (column.kind == ColumnKind::kCode || column.kind == ColumnKind::kCodes) {
        ASSERT_EQ(out.choices.size(), CodeEntries(column.list).size());
        for (const auto& label : out.choices) {
          auto code = ParseCode(column.list, label);
          ASSERT_TRUE(code.has_value()) << label;
          EXPECT_EQ(CodeLabel(column.list, *code), label);
        }
        EXPECT_EQ(out.strict, column.kind == ColumnKind::kCode);
      } else {
        EXPECT_TRUE(out.choices.empty());
      }
    }
  }
}

TEST(TemplateLayoutTest, MoneyDatesAndCountsAreTypedAndEverythingElseIsText) {
  std::vector<std::string> money, dates, whole;
  for (TemplateTable table : {TemplateTable::kHouseholds, TemplateTable::kMembers}) {
    auto columns = TemplateColumns(table);
    SheetLayout layout = TemplateLayout(table);
    for (size_t c = 0; c < columns.size(); ++c) {
      const std::string name(columns[c].zh);
      switch (layout.columns[c].format) {
        case CellFormat::kMoney:
          money.push_back(name);
          break;
        case CellFormat::kDate:
          dates.push_back(name);
          break;
        case CellFormat::kWhole:
          whole.push_back(name);
          break;
        case CellFormat::kText:
          break;
      }
    }
  }
  EXPECT_EQ(money, (std::vector<std::string>{"工资性收入", "生产经营性收入", "生产经营性支出",
                                             "财产性收入", "转移性收入", "合规自付医疗支出",
                                             "教育支出", "灾害损失"}));
  EXPECT_EQ(dates, (std::vector<std::string>{"纳入监测日期", "出生日期"}));
  EXPECT_EQ(whole, (std::vector<std::string>{"家庭人口数", "务工月数"}));
}

}  // namespace
}  // namespace fupin
