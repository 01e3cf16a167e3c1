// XlsxWriter over libxlsxwriter in constant-memory mode: each sheet keeps one row in memory
// and spools the rest to a temporary file until the workbook is closed. What does not depend
// on the rows (column formats, drop-down lists, the frozen header) is set when a sheet is
// added; what does (widths, the autofilter's range, the hidden sheet of long lists) at Close().
#include <unistd.h>
#include <xlsxwriter.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstring>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/date.h"
#include "exchange/table.h"

namespace fupin {
namespace {

class LxwWriter;

// Columns as wide as the text a spreadsheet shows in Song or YaHei: a CJK or full-width
// character takes about two widths of a Latin digit.
double DisplayWidth(std::string_view text) {
  double width = 0;
  for (size_t i = 0; i < text.size();) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    const size_t n = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
    width += n >= 3 ? 2 : 1;  // U+0800 and above: CJK, full-width punctuation
    i += n;
  }
  return width;
}

size_t Utf8Length(std::string_view s) {
  size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

// The formats of a workbook with typed sheets, made once.
struct Formats {
  lxw_format* header = nullptr;
  lxw_format* text = nullptr;
  lxw_format* money = nullptr;
  lxw_format* whole = nullptr;
  lxw_format* date = nullptr;
};

class LxwSheetWriter : public TableWriter {
 public:
  LxwSheetWriter(const LxwWriter* book, lxw_worksheet* sheet, std::string name,
                 const SheetLayout* layout, const Formats* formats)
      : book_(book), sheet_(sheet), name_(std::move(name)), formats_(formats) {
    if (layout != nullptr) layout_ = *layout;
  }
  Status WriteRow(const std::vector<std::string>& cells) override;
  // Sets what depends on the rows written: column widths and formats, the autofilter.
  Status Finish();

 private:
  Status WriteCell(lxw_row_t row, lxw_col_t col, const std::string& text);
  lxw_format* ColumnFormat(size_t column) const;
  CellFormat Format(size_t column) const {
    return column < layout_->columns.size() ? layout_->columns[column].format : CellFormat::kText;
  }

  const LxwWriter* book_;
  lxw_worksheet* sheet_;
  std::string name_;
  std::optional<SheetLayout> layout_;
  const Formats* formats_;
  std::vector<double> widths_;  // the widest cell of each column, with a layout
  lxw_row_t next_row_ = 0;
};

class LxwWriter : public XlsxWriter {
 public:
  LxwWriter(std::string path, lxw_workbook* workbook)
      : path_(std::move(path)), workbook_(workbook) {}
  ~LxwWriter() override {
    if (workbook_ != nullptr) (void)Close();
  }

  Result<TableWriter*> AddSheet(const std::string& name) override { return Add(name, nullptr); }
  Result<TableWriter*> AddSheet(const std::string& name, const SheetLayout& layout) override {
    return Add(name, &layout);
  }
  Status Close() override;

  bool closed() const { return workbook_ == nullptr; }
  const std::string& path() const { return path_; }

 private:
  Result<TableWriter*> Add(const std::string& name, const SheetLayout* layout);
  Status AddChoices(lxw_worksheet* sheet, const std::string& name, lxw_col_t col,
                    const SheetColumn& column);
  Status WriteLists();

  std::string path_;
  lxw_workbook* workbook_;
  Formats formats_;
  std::vector<std::unique_ptr<LxwSheetWriter>> sheets_;
  // The lists too long to be written inline, one column each of kXlsxListsSheet.
  std::vector<std::vector<std::string>> lists_;
};

Error ClosedError(const std::string& path) {
  return Error::Io("工作簿已关闭：" + path, "workbook already closed: " + path);
}

Error LxwError(const std::string& path, const std::string& sheet, lxw_row_t row, lxw_error error) {
  std::string n = std::to_string(row + 1);
  std::string reason = lxw_strerror(error);
  std::string code = error == LXW_ERROR_MAX_STRING_LENGTH_EXCEEDED ||
                             error == LXW_ERROR_WORKSHEET_INDEX_OUT_OF_RANGE
                         ? "E_FORMAT"
                         : "E_IO";
  return Error{code, path + "：工作表“" + sheet + "”第 " + n + " 行：" + reason,
               path + ": sheet \"" + sheet + "\" row " + n + ": " + reason};
}

lxw_format* LxwSheetWriter::ColumnFormat(size_t column) const {
  switch (Format(column)) {
    case CellFormat::kText:
      return formats_->text;
    case CellFormat::kMoney:
      return formats_->money;
    case CellFormat::kWhole:
      return formats_->whole;
    case CellFormat::kDate:
      return formats_->date;
  }
  return formats_->text;
}

Status LxwSheetWriter::WriteCell(lxw_row_t row, lxw_col_t col, const std::string& text) {
  lxw_error error = LXW_NO_ERROR;
  if (!layout_) {
    error = worksheet_write_string(sheet_, row, col, text.c_str(), nullptr);
  } else if (row == 0) {
    error = worksheet_write_string(sheet_, row, col, text.c_str(), formats_->header);
  } else {
    const char* begin = text.data();
    const char* end = begin + text.size();
    bool written = false;
    switch (Format(col)) {
      case CellFormat::kText:
        break;
      case CellFormat::kMoney: {
        double value = 0;
        auto [p, ec] = std::from_chars(begin, end, value, std::chars_format::fixed);
        if (ec == std::errc() && p == end) {
          error = worksheet_write_number(sheet_, row, col, value, formats_->money);
          written = true;
        }
        break;
      }
      case CellFormat::kWhole: {
        long long value = 0;
        auto [p, ec] = std::from_chars(begin, end, value);
        if (ec == std::errc() && p == end && value > -(1LL << 53) && value < (1LL << 53)) {
          error =
              worksheet_write_number(sheet_, row, col, static_cast<double>(value), formats_->whole);
          written = true;
        }
        break;
      }
      case CellFormat::kDate: {
        auto date = Date::Parse(text);
        if (date.ok() && text.size() == 10 && date->ToString() == text) {
          lxw_datetime when = {date->year(),
                               static_cast<uint8_t>(date->month()),
                               static_cast<uint8_t>(date->day()),
                               0,
                               0,
                               0};
          error = worksheet_write_datetime(sheet_, row, col, &when, formats_->date);
          written = true;
        }
        break;
      }
    }
    if (!written) error = worksheet_write_string(sheet_, row, col, text.c_str(), formats_->text);
  }
  if (error != LXW_NO_ERROR) return LxwError(book_->path(), name_, row, error);
  if (layout_) {
    if (widths_.size() <= col) widths_.resize(col + 1, 0);
    // The header also carries the autofilter's button.
    widths_[col] = std::max(widths_[col], DisplayWidth(text) + (row == 0 ? 3 : 0));
  }
  return Status::Ok();
}

Status LxwSheetWriter::WriteRow(const std::vector<std::string>& cells) {
  if (book_->closed()) return ClosedError(book_->path());
  if (next_row_ >= LXW_ROW_MAX) {
    return Error{"E_FORMAT",
                 book_->path() + "：工作表“" + name_ + "”超过 XLSX 的行数上限 " +
                     std::to_string(LXW_ROW_MAX),
                 book_->path() + ": sheet \"" + name_ + "\" exceeds the XLSX limit of " +
                     std::to_string(LXW_ROW_MAX) + " rows"};
  }
  lxw_row_t row = next_row_++;
  for (size_t i = 0; i < cells.size(); ++i) {
    if (cells[i].empty()) continue;
    FUPIN_RETURN_IF_ERROR(WriteCell(row, static_cast<lxw_col_t>(i), cells[i]));
  }
  return Status::Ok();
}

Status LxwSheetWriter::Finish() {
  if (!layout_) return Status::Ok();
  const size_t columns = std::max(layout_->columns.size(), widths_.size());
  if (columns == 0) return Status::Ok();
  widths_.resize(columns, 0);
  for (size_t c = 0; c < columns; ++c) {
    const double width = std::clamp(widths_[c] + 2, 8.0, kXlsxMaxColumnWidth);
    const auto col = static_cast<lxw_col_t>(c);
    lxw_error error = worksheet_set_column(sheet_, col, col, width, ColumnFormat(c));
    if (error != LXW_NO_ERROR) return LxwError(book_->path(), name_, 0, error);
  }
  const lxw_row_t last = next_row_ == 0 ? 0 : next_row_ - 1;
  lxw_error error = worksheet_autofilter(sheet_, 0, 0, last, static_cast<lxw_col_t>(columns - 1));
  if (error != LXW_NO_ERROR) return LxwError(book_->path(), name_, 0, error);
  return Status::Ok();
}

Status LxwWriter::AddChoices(lxw_worksheet* sheet, const std::string& name, lxw_col_t col,
                             const SheetColumn& column) {
  if (column.choices.empty()) return Status::Ok();
  // Excel refuses an inline list over 255 characters (the labels and the commas between
  // them); a label with a comma or a quote cannot be inline at all.
  size_t length = column.choices.size() - 1;
  bool inline_list = true;
  for (const auto& label : column.choices) {
    length += Utf8Length(label);
    inline_list &= label.find_first_of(",\"") == std::string::npos;
  }
  inline_list &= length <= 255;

  lxw_data_validation validation = {};
  std::vector<char*> list;
  std::string formula;
  if (inline_list) {
    for (const auto& label : column.choices) list.push_back(const_cast<char*>(label.c_str()));
    list.push_back(nullptr);
    validation.validate = LXW_VALIDATION_TYPE_LIST;
    validation.value_list = list.data();
  } else {
    size_t index = 0;
    while (index < lists_.size() && lists_[index] != column.choices) ++index;
    if (index == lists_.size()) lists_.push_back(column.choices);
    lxw_col_t list_col = static_cast<lxw_col_t>(index);
    // lxw_rowcol_to_range_abs writes "$A$1:$A$9"
    char range[64];
    lxw_rowcol_to_range_abs(range, 0, list_col, static_cast<lxw_row_t>(column.choices.size() - 1),
                            list_col);
    formula = std::string("='") + kXlsxListsSheet + "'!" + range;
    validation.validate = LXW_VALIDATION_TYPE_LIST_FORMULA;
    validation.value_formula = const_cast<char*>(formula.c_str());
  }
  std::string input_message = column.prompt;
  if (!input_message.empty()) {
    validation.input_message = const_cast<char*>(input_message.c_str());
  } else {
    validation.show_input = LXW_VALIDATION_OFF;
  }
  static constexpr char kErrorTitle[] = "不在代码表中";
  static constexpr char kStrictMessage[] = "请从下拉列表中选择一个值。";
  static constexpr char kLooseMessage[] =
      "该值不在下拉列表中；多个值请用“；”分隔，每个值都须在列表中。";
  validation.error_type =
      column.strict ? LXW_VALIDATION_ERROR_TYPE_STOP : LXW_VALIDATION_ERROR_TYPE_INFORMATION;
  validation.error_title = const_cast<char*>(kErrorTitle);
  validation.error_message = const_cast<char*>(column.strict ? kStrictMessage : kLooseMessage);
  lxw_error error =
      worksheet_data_validation_range(sheet, 1, col, LXW_ROW_MAX - 1, col, &validation);
  if (error != LXW_NO_ERROR) {
    std::string reason = lxw_strerror(error);
    return Error{"E_FORMAT", "工作表“" + name + "”的下拉列表无效：" + reason,
                 "sheet \"" + name + "\": invalid drop-down list: " + reason};
  }
  return Status::Ok();
}

Status LxwWriter::WriteLists() {
  if (lists_.empty()) return Status::Ok();
  lxw_worksheet* sheet = workbook_add_worksheet(workbook_, kXlsxListsSheet);
  if (sheet == nullptr) {
    return Error::Io(std::string("无法在 ") + path_ + " 中添加工作表“" + kXlsxListsSheet + "”",
                     std::string("cannot add sheet \"") + kXlsxListsSheet + "\" to " + path_);
  }
  worksheet_hide(sheet);
  size_t rows = 0;
  for (const auto& list : lists_) rows = std::max(rows, list.size());
  for (size_t r = 0; r < rows; ++r) {  // constant memory: row by row
    for (size_t c = 0; c < lists_.size(); ++c) {
      if (r >= lists_[c].size()) continue;
      lxw_error error =
          worksheet_write_string(sheet, static_cast<lxw_row_t>(r), static_cast<lxw_col_t>(c),
                                 lists_[c][r].c_str(), nullptr);
      if (error != LXW_NO_ERROR) {
        return LxwError(path_, kXlsxListsSheet, static_cast<lxw_row_t>(r), error);
      }
    }
  }
  return Status::Ok();
}

Result<TableWriter*> LxwWriter::Add(const std::string& name, const SheetLayout* layout) {
  if (closed()) return ClosedError(path_);
  lxw_error invalid = workbook_validate_sheet_name(workbook_, name.c_str());
  if (invalid == LXW_NO_ERROR && name == kXlsxListsSheet)
    invalid = LXW_ERROR_SHEETNAME_ALREADY_USED;
  if (invalid != LXW_NO_ERROR) {
    std::string reason = lxw_strerror(invalid);
    return Error{"E_FORMAT", "工作表名称“" + name + "”无效：" + reason,
                 "invalid sheet name \"" + name + "\": " + reason};
  }
  lxw_worksheet* sheet = workbook_add_worksheet(workbook_, name.c_str());
  if (sheet == nullptr) {
    return Error::Io("无法在 " + path_ + " 中添加工作表“" + name + "”",
                     "cannot add sheet \"" + name + "\" to " + path_);
  }
  if (layout != nullptr) {
    if (formats_.header == nullptr) {
      formats_.header = workbook_add_format(workbook_);
      format_set_bold(formats_.header);
      format_set_num_format(formats_.header, "@");
      formats_.text = workbook_add_format(workbook_);
      format_set_num_format(formats_.text, "@");
      formats_.money = workbook_add_format(workbook_);
      format_set_num_format(formats_.money, "0.00");
      formats_.whole = workbook_add_format(workbook_);
      format_set_num_format(formats_.whole, "0");
      formats_.date = workbook_add_format(workbook_);
      format_set_num_format(formats_.date, "yyyy-mm-dd");
    }
    worksheet_freeze_panes(sheet, 1, 0);
    // Codes and ID numbers are text on purpose: no green triangle on each of them.
    worksheet_ignore_errors(sheet, LXW_IGNORE_NUMBER_STORED_AS_TEXT, "A1:XFD1048576");
    for (size_t c = 0; c < layout->columns.size(); ++c) {
      FUPIN_RETURN_IF_ERROR(AddChoices(sheet, name, static_cast<lxw_col_t>(c), layout->columns[c]));
    }
  }
  sheets_.push_back(std::make_unique<LxwSheetWriter>(this, sheet, name, layout, &formats_));
  return static_cast<TableWriter*>(sheets_.back().get());
}

Status LxwWriter::Close() {
  if (closed()) return Status::Ok();
  Status finished = Status::Ok();
  for (auto& sheet : sheets_) {
    if (finished.ok()) finished = sheet->Finish();
  }
  if (finished.ok()) finished = WriteLists();
  lxw_error error = workbook_close(workbook_);  // frees the workbook whatever the outcome
  workbook_ = nullptr;
  if (!finished.ok()) return finished;
  if (error != LXW_NO_ERROR) {
    std::string reason = lxw_strerror(error);
    return Error::Io("无法写入工作簿 " + path_ + "：" + reason,
                     "cannot write workbook " + path_ + ": " + reason);
  }
  return Status::Ok();
}

}  // namespace

Result<std::unique_ptr<XlsxWriter>> XlsxWriter::Create(const std::string& path) {
  // libxlsxwriter opens the file only when the workbook is closed: find an unwritable path
  // now, before the rows are produced, without leaving a new file behind.
  bool existed = ::access(path.c_str(), F_OK) == 0;
  std::FILE* probe = std::fopen(path.c_str(), "ab");
  if (probe == nullptr) {
    std::string reason = std::strerror(errno);
    return Error::Io("无法创建文件 " + path + "：" + reason,
                     "cannot create file " + path + ": " + reason);
  }
  std::fclose(probe);
  if (!existed) std::remove(path.c_str());

  lxw_workbook_options options = {};
  options.constant_memory = LXW_TRUE;
  options.tmpdir = nullptr;
  lxw_workbook* workbook = workbook_new_opt(path.c_str(), &options);
  if (workbook == nullptr) {
    return Error::Io("无法创建工作簿 " + path, "cannot create workbook " + path);
  }
  return std::unique_ptr<XlsxWriter>(new LxwWriter(path, workbook));
}

}  // namespace fupin
