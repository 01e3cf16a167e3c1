// The import template as a workbook a clerk can work in: 户表 and 人表 with typed cells
// (money as numbers with two decimals, dates as dates, codes and ID numbers as text),
// a frozen header, an autofilter, fitted widths and a drop-down list of the labels on every
// coded column; and the empty template with a 说明 sheet that explains each column
// (spec/import-template.md). What these workbooks hold, the import reads.
#pragma once

#include <string>
#include <vector>

#include "common/error.h"
#include "exchange/table.h"
#include "exchange/template.h"

namespace fupin {

// The layout of a table of the template: each column's cell kind (kMoney, kWhole, kDate,
// otherwise kText) and, for coded and yes/no columns, the labels the import accepts as a
// drop-down list (refusing other values, except on the multi-valued columns, which may hold
// several labels separated by '；'). Without `with_group`, the 户表 lacks 村民小组 (as
// TemplateHeader).
SheetLayout TemplateLayout(TemplateTable table, bool with_group = true);

// 户表 and 人表, added to `book` with their layouts and their header rows written (the 户表
// without 村民小组 unless `with_group`).
struct RegisterSheets {
  TableWriter* households = nullptr;
  TableWriter* members = nullptr;
};
Result<RegisterSheets> AddRegisterSheets(XlsxWriter& book, bool with_group = true);

// One row of the 说明 sheet per column of a table: 表, 列名, 英文列名, 是否必填, 格式,
// 允许的值, 示例, 说明 (the notes of spec/import-template.md, in Chinese). The first row is
// the header.
std::vector<std::vector<std::string>> TemplateNotes();

// Writes the empty import template to `path`: 户表 and 人表 (headers only) as
// AddRegisterSheets makes them, then 说明. E_IO when the file cannot be written.
Status WriteTemplateWorkbook(const std::string& path);

}  // namespace fupin
