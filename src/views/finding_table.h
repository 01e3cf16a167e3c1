// The findings of the cross-check as a table: the columns of GET /exports/findings.xlsx
// (编号, 规则, 户编号, 证件号码, 姓名, 村, 说明, 状态, 理由, 名单编号, 发现时间), shared with
// `fupin compare --out FILE` (CSV or XLSX). Cells are shown as the service returned them
// (masked for the roles that see masked data).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "common/error.h"
#include "exchange/table.h"
#include "storage/compare_store.h"

namespace fupin {

std::vector<std::string> FindingTableHeader();
// Numbers as numbers (编号, 名单编号), everything else as text.
SheetLayout FindingSheetLayout();
// A finding's cells, in the header's order; the status in Chinese (待核实, 已确认, 已驳回).
std::vector<std::string> FindingTableRow(const FindingRow& finding);

// Whether `path` names a file the findings can be written to (.csv or .xlsx, any case).
bool IsFindingTablePath(const std::string& path);

// Writes findings to a new file, row by row: CSV (UTF-8 with a BOM, so that Excel reads the
// Chinese header) or XLSX (sheet 核查发现; past the 1,048,575 rows a sheet holds below its
// header, more sheets 核查发现2, 核查发现3 … with the same header). The format is that of
// `name` (IsFindingTablePath), the bytes go to `path`.
class FindingTableWriter {
 public:
  // E_USAGE for a name that is not .csv or .xlsx; E_IO when the file cannot be made.
  static Result<std::unique_ptr<FindingTableWriter>> Create(const std::string& path,
                                                            const std::string& name);
  Status Write(const FindingRow& finding);
  // Finishes the file; E_IO when it cannot.
  Status Close();
  int64_t rows() const { return rows_; }

 private:
  FindingTableWriter() = default;
  Status NextSheet();

  std::unique_ptr<CsvWriter> csv_;
  std::unique_ptr<XlsxWriter> book_;
  TableWriter* sheet_ = nullptr;
  int sheets_ = 0;
  int64_t rows_ = 0, sheet_rows_ = 0;
};

}  // namespace fupin
