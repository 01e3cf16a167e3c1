// The registry import template of spec/import-template.md: its two tables (户表 and 人表),
// their columns in Chinese and English, and the translation of a row to a Household or
// Member and back. Used by the import, the export and the generator's writer alike, so
// what one writes the other reads.
#pragma once

#include <memory>
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

// The index (into TemplateColumns) of the column named `name` (the Chinese name, or the
// English key in any case), or -1.
int FindTemplateColumn(TemplateTable table, std::string_view name);

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
  // The kind of that cell (kText when absent, and always for CSV).
  CellKind Kind(const Record& record, int column) const;
  // Where that cell is in a sheet: "G5" for the 7th cell of the record on line 5.
  std::string CellReference(const Record& record, int column) const;

 private:
  std::vector<int> column_of_cell_;
  std::vector<int> cell_of_column_;
};

// The rows searched for a table's header: government templates put a title line (or a
// few) above it.
inline constexpr size_t kHeaderSearchRows = 10;

// Whether `record` names at least one column of `table` (a header, not a title above it).
bool NamesTemplateColumn(TemplateTable table, const Record& record);

// A reader over a template table whose first record is the table's header: of its first
// kHeaderSearchRows records, the first that names a column of `table`; the records above
// it (a title) are dropped. When none of them does, none is dropped (the first record is
// the header, and its unknown columns are reported as before). Records keep their lines
// (the sheet's real row numbers); an error met while looking ahead comes after the records
// read before it.
std::unique_ptr<TableReader> SkipTitleRows(std::unique_ptr<TableReader> reader,
                                           TemplateTable table);

// Parses a 户表 row into `household` (members untouched). Values are checked one by one
// (E_REQUIRED, E_FORMAT, E_CODE, E_NUMBER, E_DATE, E_REGION for a code that is not 12
// digits of a village) and then as a row (domain CheckHouseholdRow). Issues are appended;
// returns true when none was an error. Warnings (W_…) go to `issues` too. A cell that holds
// a spreadsheet error value (CellKind::kError, "#N/A") is E_FORMAT naming the cell; a
// phone typed as a number must have 11 digits (E_FORMAT: a number loses a leading 0); a
// 村民小组 (trimmed) of more than kMaxVillageGroupLength characters, or beginning as a formula
// does, is E_FORMAT.
bool ParseHouseholdRow(const HeaderMap& map, const Record& record, Date today, Household& household,
                       std::vector<CellIssue>& issues);

// Parses a 人表 row into `member` and its 户编号 (E_ID_* for 居民身份证 numbers,
// E_SEX_MISMATCH, W_ID_UPGRADED, and the row checks of CheckMemberRow). An ID number typed
// as a number (CellKind::kNumber: a spreadsheet keeps 15 digits of it) is E_ID_FORMAT,
// asking for the column to be formatted as text; error values as for 户表.
bool ParseMemberRow(const HeaderMap& map, const Record& record, Date today, Member& member,
                    std::string& household_code, std::vector<CellIssue>& issues);

// The header row of a table (Chinese names, template order) and the cells of a record.
// Coded values are written as their Chinese labels, amounts as "1234.50", dates ISO.
// Without `with_group`, the 户表 lacks its 村民小组 column: an export writes that column only
// when a household it holds has a group (AnyVillageGroup), so that the export of a register
// without groups is what it was before the column existed.
std::vector<std::string> TemplateHeader(TemplateTable table, bool with_group = true);
void HouseholdCells(const Household& household, std::vector<std::string>& cells,
                    bool with_group = true);
// Whether any of `households` has a 村民小组.
bool AnyVillageGroup(std::span<const Household> households);
void MemberCells(const std::string& household_code, const Member& member,
                 std::vector<std::string>& cells);

// Whether a record is blank (every cell empty or spaces): such rows are skipped.
bool IsBlankRecord(const Record& record);

}  // namespace fupin
