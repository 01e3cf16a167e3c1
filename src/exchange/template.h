// The registry import template of spec/import-template.md: its two tables (户表 and 人表),
// their columns in Chinese and English, and the translation of a row to a Household or
// Member and back. Used by the import, the export and the generator's writer alike, so
// what one writes the other reads.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/date.h"
#include "domain/codes.h"
#include "domain/household.h"
#include "exchange/table.h"

namespace fupin {

enum class TemplateTable { kHouseholds, kMembers };

// What a column holds, and so how a workbook stores it (text, a number, a date) and which
// values it offers in a drop-down list (template_workbook.h).
enum class ColumnKind : unsigned char {
  kText,  // free text or a code written as text: 户编号, 行政区划代码, years, ID numbers, phones
  kCode,   // one label of `list`
  kCodes,  // several labels of `list`, separated by '；'
  kYesNo,  // 是 / 否
  kMoney,  // yuan, two decimals
  kWhole,  // a whole number
  kDate,   // an ISO date
};

struct TemplateColumn {
  std::string_view zh;   // 户编号
  std::string_view key;  // household_code
  bool required;         // must be in the header
  ColumnKind kind = ColumnKind::kText;
  CodeList list = CodeList::kHouseholdKind;  // the code list of a kCode or kCodes column
};

// The columns of a table in template order (the order exports write).
std::span<const TemplateColumn> TemplateColumns(TemplateTable table);

// A problem in one cell (or the whole row when column is empty).
struct CellIssue {
  std::string code;
  std::string column;  // Chinese column name
  std::string value;
  std::string zh, en;
};

// Which template column each cell of a row holds.
class HeaderMap {
 public:
  // Maps a header record. Column names match the Chinese name or the English key (spaces
  // around them ignored, keys case-insensitive). Appends E_HEADER issues for unknown,
  // repeated and missing required columns; the map is usable only when none was added.
  static HeaderMap Build(TemplateTable table, const Record& header, std::vector<CellIssue>& issues);

  size_t cell_count() const { return column_of_cell_.size(); }
  // Column index (into TemplateColumns) of cell i, or -1.
  int column_of_cell(size_t cell) const { return column_of_cell_[cell]; }
  bool has_column(int column) const { return cell_of_column_[column] >= 0; }
  // The cell text of `column` in `record` ("" when absent or beyond the row's end).
  std::string_view Cell(const Record& record, int column) const;

 private:
  std::vector<int> column_of_cell_;
  std::vector<int> cell_of_column_;
};

// Parses a 户表 row into `household` (members untouched). Values are checked one by one
// (E_REQUIRED, E_FORMAT, E_CODE, E_NUMBER, E_DATE, E_REGION for a code that is not 12
// digits of a village) and then as a row (domain CheckHouseholdRow). Issues are appended;
// returns true when none was an error. Warnings (W_…) go to `issues` too.
bool ParseHouseholdRow(const HeaderMap& map, const Record& record, Date today, Household& household,
                       std::vector<CellIssue>& issues);

// Parses a 人表 row into `member` and its 户编号 (E_ID_* for 居民身份证 numbers,
// E_SEX_MISMATCH, W_ID_UPGRADED, and the row checks of CheckMemberRow).
bool ParseMemberRow(const HeaderMap& map, const Record& record, Date today, Member& member,
                    std::string& household_code, std::vector<CellIssue>& issues);

// The header row of a table (Chinese names, template order) and the cells of a record.
// Coded values are written as their Chinese labels, amounts as "1234.50", dates ISO.
std::vector<std::string> TemplateHeader(TemplateTable table);
void HouseholdCells(const Household& household, std::vector<std::string>& cells);
void MemberCells(const std::string& household_code, const Member& member,
                 std::vector<std::string>& cells);

// Whether a record is blank (every cell empty or spaces): such rows are skipped.
bool IsBlankRecord(const Record& record);

}  // namespace fupin
