#include "service/crosscheck/department_list.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>

#include "common/id_number.h"
#include "exchange/table.h"

namespace fupin {
namespace {

namespace fs = std::filesystem;

// A valid ID number of 会宁县 for birth date 19YYMMDD-ish sequence n.
std::string IdNumber(int n) {
  char first17[18];
  std::snprintf(first17, sizeof first17, "62042219%02d0101%03d", 40 + n / 1000 % 60, n % 1000);
  return std::string(first17, 17) + IdCheckCharacter(std::string_view(first17, 17));
}

// A valid ID number for any n below 336,000, each its own (born in 1940).
std::string ManyIdNumber(int n) {
  char first17[18];
  std::snprintf(first17, sizeof first17, "6204221940%02d%02d%03d", 1 + n / 28000 % 12,
                1 + n / 1000 % 28, n % 1000);
  return std::string(first17, 17) + IdCheckCharacter(std::string_view(first17, 17));
}

class DepartmentListTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("fupin_list_test_" + std::to_string(::getpid()));
    fs::create_directories(dir_);
    options_.today = *Date::Parse("2026-06-30");
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string Write(const std::string& name, const std::string& bytes) {
    std::ofstream(dir_ / name, std::ios::binary) << bytes;
    return (dir_ / name).string();
  }
  fs::path dir_;
  ListReadOptions options_;
};

TEST_F(DepartmentListTest, EveryKindOfCompareMdIsKnownWithItsColumns) {
  const ListKindInfo* vehicles = FindListKind("vehicles");
  ASSERT_NE(vehicles, nullptr);
  ASSERT_EQ(vehicles->columns.size(), 2u);
  EXPECT_STREQ(vehicles->columns[1].name, "购置价格");
  EXPECT_EQ(ListKinds().size(), 9u);
  EXPECT_EQ(FindListKind("bicycles"), nullptr);
}

// A list over 1 MiB is read in two halves at once: the line numbers of the second half's
// errors must still be the file's.
TEST_F(DepartmentListTest, ABigListReadInTwoHalvesKeepsTheFilesLineNumbers) {
  std::string csv = "证件号码,姓名,死亡日期\n";
  const int rows = 40000;  // about 1.3 MB
  for (int i = 0; i < rows; ++i) {
    std::string id = IdNumber(i);
    if (i == 5 || i == 39000) id[17] = id[17] == '0' ? '1' : '0';  // a wrong check character
    csv += id + ",某某某,2020-01-01\n";
  }
  ASSERT_GT(csv.size(), size_t{1} << 20);
  auto list = ReadDepartmentList(Write("big.csv", csv), *FindListKind("deaths"), options_);
  ASSERT_TRUE(list.ok()) << list.error().zh;
  EXPECT_EQ(list->rows_read, rows);
  EXPECT_EQ(list->rows.size(), static_cast<size_t>(rows - 2));
  ASSERT_EQ(list->errors.size(), 2u);
  EXPECT_EQ(list->errors[0].line, 7u);  // data row 5 is line 7 (header = line 1)
  EXPECT_EQ(list->errors[1].line, 39002u);
  EXPECT_EQ(list->errors[1].code, "E_ID_CHECKSUM");
  // Sorted by key, and every row's cells are still readable.
  for (size_t i = 1; i < list->rows.size(); ++i) {
    ASSERT_LT(list->rows[i - 1].key, list->rows[i].key);
  }
  EXPECT_EQ(list->Cell(list->rows[0], 1), "某某某");
  EXPECT_EQ(list->checksum.substr(0, 7), "sha256:");
}

// The two halves of a big list are sorted apart and merged: a person listed again, in the
// same half or the other one, keeps the row of the first line, and every later line is an
// E_ID_DUPLICATE naming the first one, in line order.
TEST_F(DepartmentListTest, DuplicatesWithinAndAcrossTheHalvesOfABigListKeepTheFirstLine) {
  std::string csv = "证件号码,姓名,死亡日期\n";
  const int rows = 240000;  // about 8 MB: more than 100,000 rows in each half
  // Data row → the earlier data row it repeats.
  const std::map<int, int> repeats = {{10, 3},     {20, 3},          {119000, 100},
                                      {125000, 7}, {200000, 130000}, {239999, 100}};
  for (int i = 0; i < rows; ++i) {
    const auto again = repeats.find(i);
    const int person = again == repeats.end() ? i : again->second;
    csv += ManyIdNumber(person) + ",某" + std::to_string(i) + ",2020-01-01\n";
  }
  auto list = ReadDepartmentList(Write("dups.csv", csv), *FindListKind("deaths"), options_);
  ASSERT_TRUE(list.ok()) << list.error().zh;
  EXPECT_EQ(list->rows_read, rows);
  ASSERT_EQ(list->rows.size(), static_cast<size_t>(rows) - repeats.size());
  for (size_t i = 1; i < list->rows.size(); ++i) {
    ASSERT_LT(list->rows[i - 1].key, list->rows[i].key);
  }
  std::set<std::string> names;
  for (const auto& r : list->rows) names.insert(std::string(list->Cell(r, 1)));
  for (const auto& [later, first] : repeats) {
    EXPECT_FALSE(names.contains("某" + std::to_string(later))) << later;
    EXPECT_TRUE(names.contains("某" + std::to_string(first))) << first;
  }
  ASSERT_EQ(list->errors.size(), repeats.size());
  auto error = list->errors.begin();
  for (const auto& [later, first] : repeats) {
    EXPECT_EQ(error->code, "E_ID_DUPLICATE");
    EXPECT_EQ(error->line, static_cast<size_t>(later + 2));
    EXPECT_NE(error->zh.find("第 " + std::to_string(first + 2) + " 行"), std::string::npos)
        << error->zh;
    ++error;
  }
}

TEST_F(DepartmentListTest, AnXlsxListReadsLikeTheCsv) {
  const std::string path = (dir_ / "list.xlsx").string();
  {
    auto book = XlsxWriter::Create(path);
    ASSERT_TRUE(book.ok());
    auto sheet = (*book)->AddSheet("名单");
    ASSERT_TRUE(sheet.ok());
    ASSERT_TRUE((*sheet)->WriteRow({"证件号码", "姓名", "号牌", "购置价格", "备注"}).ok());
    ASSERT_TRUE((*sheet)->WriteRow({IdNumber(1), "甲", "甘D1", "45000", "新车"}).ok());
    ASSERT_TRUE((*sheet)->WriteRow({IdNumber(2), "乙", "甘D2", "abc"}).ok());
    ASSERT_TRUE((*book)->Close().ok());
  }
  auto list = ReadDepartmentList(path, *FindListKind("vehicles"), options_);
  ASSERT_TRUE(list.ok()) << list.error().zh;
  ASSERT_EQ(list->rows.size(), 1u);
  EXPECT_EQ(list->rows[0].value, 4500000);  // fen
  EXPECT_EQ(list->Cells(list->rows[0])[4], "新车");
  ASSERT_EQ(list->errors.size(), 1u);
  EXPECT_EQ(list->errors[0].code, "E_NUMBER");
  EXPECT_EQ(list->errors[0].line, 3u);
}

TEST_F(DepartmentListTest, StructuralProblemsFailTheWholeList) {
  auto missing = ReadDepartmentList(Write("m.csv", "证件号码,姓名\n" + IdNumber(1) + ",甲\n"),
                                    *FindListKind("deaths"), options_);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, "E_HEADER");
  EXPECT_NE(missing.error().zh.find("死亡日期"), std::string::npos);
  auto twice = ReadDepartmentList(Write("t.csv", "证件号码,姓名,姓名,单位\n"),
                                  *FindListKind("public_employees"), options_);
  ASSERT_FALSE(twice.ok());
  EXPECT_EQ(twice.error().code, "E_HEADER");
  auto empty = ReadDepartmentList(Write("e.csv", "证件号码,姓名,单位\n"),
                                  *FindListKind("public_employees"), options_);
  ASSERT_FALSE(empty.ok());
  EXPECT_EQ(empty.error().code, "E_EMPTY");
  auto bytes = ReadDepartmentList(Write("b.csv", "证件号码,姓名,单位\n\xff\xfe\xfd\n"),
                                  *FindListKind("public_employees"), options_);
  ASSERT_FALSE(bytes.ok());
  EXPECT_EQ(bytes.error().code, "E_ENCODING");
}

TEST_F(DepartmentListTest, A15DigitNumberIsUpgradedAndLowerCaseXAccepted) {
  const std::string id18 = IdNumber(7);
  std::string lower = id18;
  if (lower[17] == 'X') lower[17] = 'x';
  auto list = ReadDepartmentList(
      Write("u.csv", "证件号码,姓名,单位\n620422800101123,甲,县局\n" + lower + ",乙,县局\n"),
      *FindListKind("public_employees"), options_);
  ASSERT_TRUE(list.ok());
  EXPECT_EQ(list->errors.size(), 0u);
  ASSERT_EQ(list->rows.size(), 2u);
  char text[18];
  std::set<std::string> ids;
  for (const auto& r : list->rows) ids.insert(std::string(UnpackIdNumber(r.key, text)));
  EXPECT_TRUE(ids.contains(UpgradeId15To18("620422800101123")));
  EXPECT_TRUE(ids.contains(id18));
}

TEST_F(DepartmentListTest, ControlCharactersInAnyCellAreRefusedWithTheirLineAndColumn) {
  using namespace std::string_literals;
  // Fast path (no quotes): a NUL in a name, ESC in an extra column, U+202E in 单位.
  const std::string csv = "证件号码,姓名,单位,备注\n"s + IdNumber(1) + ",黎志\0evil"s + ",县局,\n" +
                          IdNumber(2) + ",乙,县局,\x1b[31m\n" + IdNumber(3) + ",丙,\u202E局县,\n" +
                          IdNumber(4) + ",丁,县局—办公室,第一行\t说明\n";
  for (const char* name : {"fast.csv", "slow.csv"}) {
    std::string bytes = csv;
    // A quoted cell sends the whole file down the general path.
    if (std::string(name) == "slow.csv") bytes += IdNumber(5) + ",\"戊\",县局,\n";
    auto list = ReadDepartmentList(Write(name, bytes), *FindListKind("public_employees"), options_);
    ASSERT_TRUE(list.ok()) << list.error().zh;
    ASSERT_EQ(list->errors.size(), 3u) << name;
    EXPECT_EQ(list->errors[0].line, 2u);
    EXPECT_EQ(list->errors[0].code, "E_FORMAT");
    EXPECT_EQ(list->errors[0].column, "姓名");
    EXPECT_EQ(list->errors[0].value, "黎志\\u0000evil");
    EXPECT_EQ(list->errors[1].line, 3u);
    EXPECT_EQ(list->errors[1].column, "备注");
    EXPECT_EQ(list->errors[1].value, "\\u001B[31m");
    EXPECT_EQ(list->errors[2].line, 4u);
    EXPECT_EQ(list->errors[2].column, "单位");
    EXPECT_NE(list->errors[2].en.find("U+202E"), std::string::npos);
    // A dash (U+2014, a suspect first byte) and a tab in free text are fine.
    EXPECT_EQ(list->rows.size(), std::string(name) == "slow.csv" ? 2u : 1u);
  }
  auto header = ReadDepartmentList(Write("h.csv", "证件号码,姓名,单位,备\x07注\n"),
                                   *FindListKind("public_employees"), options_);
  ASSERT_FALSE(header.ok());
  EXPECT_EQ(header.error().code, "E_FORMAT");
  EXPECT_EQ(header.error().line, 1u);
}

}  // namespace
}  // namespace fupin
