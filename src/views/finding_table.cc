#include "views/finding_table.h"

#include "common/region_code.h"

namespace fupin {
namespace {

bool EndsWith(const std::string& path, std::string_view lower, std::string_view upper) {
  return path.size() > lower.size() && (path.ends_with(lower) || path.ends_with(upper));
}

}  // namespace

std::vector<std::string> FindingTableHeader() {
  return {"编号", "规则", "户编号", "证件号码", "姓名",    "村",
          "说明", "状态", "理由",   "名单编号", "发现时间"};
}

SheetLayout FindingSheetLayout() {
  SheetLayout layout;
  layout.columns.resize(11);
  layout.columns[0].format = CellFormat::kWhole;  // 编号
  layout.columns[9].format = CellFormat::kWhole;  // 名单编号
  return layout;
}

std::vector<std::string> FindingTableRow(const FindingRow& f) {
  const char* state = f.status == "confirmed"   ? "已确认"
                      : f.status == "dismissed" ? "已驳回"
                                                : "待核实";
  return {std::to_string(f.id),
          f.rule,
          f.household_code,
          f.id_number,
          f.name,
          RegionCode::FromInt(f.village_code).ToString(),
          f.detail,
          state,
          f.reason,
          f.list_id ? std::to_string(f.list_id) : "",
          f.created_at};
}

bool IsFindingTablePath(const std::string& path) {
  return EndsWith(path, ".csv", ".CSV") || EndsWith(path, ".xlsx", ".XLSX");
}

Result<std::unique_ptr<FindingTableWriter>> FindingTableWriter::Create(const std::string& path,
                                                                       const std::string& name) {
  if (!IsFindingTablePath(name)) {
    return Error::Usage("核查发现只能写入 .csv 或 .xlsx 文件：" + name,
                        "findings are written to a .csv or an .xlsx file: " + name);
  }
  std::unique_ptr<FindingTableWriter> out(new FindingTableWriter());
  if (EndsWith(name, ".csv", ".CSV")) {
    auto csv = CsvWriter::Create(path, Encoding::kUtf8, true);
    if (!csv.ok()) return csv.error();
    out->csv_ = std::move(*csv);
    out->sheet_ = out->csv_.get();
    FUPIN_RETURN_IF_ERROR(out->sheet_->WriteRow(FindingTableHeader()));
    return out;
  }
  auto book = XlsxWriter::Create(path);
  if (!book.ok()) return book.error();
  out->book_ = std::move(*book);
  FUPIN_RETURN_IF_ERROR(out->NextSheet());
  return out;
}

Status FindingTableWriter::NextSheet() {
  ++sheets_;
  const std::string name = sheets_ == 1 ? "核查发现" : "核查发现" + std::to_string(sheets_);
  auto sheet = book_->AddSheet(name, FindingSheetLayout());
  if (!sheet.ok()) return sheet.error();
  sheet_ = *sheet;
  sheet_rows_ = 0;
  return sheet_->WriteRow(FindingTableHeader());
}

Status FindingTableWriter::Write(const FindingRow& finding) {
  if (book_ && sheet_rows_ == static_cast<int64_t>(kXlsxMaxRows) - 1) {
    FUPIN_RETURN_IF_ERROR(NextSheet());
  }
  FUPIN_RETURN_IF_ERROR(sheet_->WriteRow(FindingTableRow(finding)));
  ++rows_;
  ++sheet_rows_;
  return Status::Ok();
}

Status FindingTableWriter::Close() {
  if (csv_) return csv_->Close();
  return book_->Close();
}

}  // namespace fupin
