// XlsxWriter over libxlsxwriter in constant-memory mode: each sheet keeps one row in memory
// and spools the rest to a temporary file until the workbook is closed.
#include <unistd.h>
#include <xlsxwriter.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "exchange/table.h"

namespace fupin {
namespace {

class LxwWriter;

class LxwSheetWriter : public TableWriter {
 public:
  LxwSheetWriter(const LxwWriter* book, lxw_worksheet* sheet, std::string name)
      : book_(book), sheet_(sheet), name_(std::move(name)) {}
  Status WriteRow(const std::vector<std::string>& cells) override;

 private:
  const LxwWriter* book_;
  lxw_worksheet* sheet_;
  std::string name_;
  lxw_row_t next_row_ = 0;
};

class LxwWriter : public XlsxWriter {
 public:
  LxwWriter(std::string path, lxw_workbook* workbook)
      : path_(std::move(path)), workbook_(workbook) {}
  ~LxwWriter() override {
    if (workbook_ != nullptr) (void)Close();
  }

  Result<TableWriter*> AddSheet(const std::string& name) override;
  Status Close() override;

  bool closed() const { return workbook_ == nullptr; }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
  lxw_workbook* workbook_;
  std::vector<std::unique_ptr<LxwSheetWriter>> sheets_;
};

Error ClosedError(const std::string& path) {
  return Error::Io("工作簿已关闭：" + path, "workbook already closed: " + path);
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
    lxw_error error =
        worksheet_write_string(sheet_, row, static_cast<lxw_col_t>(i), cells[i].c_str(), nullptr);
    if (error != LXW_NO_ERROR) {
      std::string n = std::to_string(row + 1);
      std::string reason = lxw_strerror(error);
      std::string code = error == LXW_ERROR_MAX_STRING_LENGTH_EXCEEDED ||
                                 error == LXW_ERROR_WORKSHEET_INDEX_OUT_OF_RANGE
                             ? "E_FORMAT"
                             : "E_IO";
      return Error{code, book_->path() + "：工作表“" + name_ + "”第 " + n + " 行：" + reason,
                   book_->path() + ": sheet \"" + name_ + "\" row " + n + ": " + reason};
    }
  }
  return Status::Ok();
}

Result<TableWriter*> LxwWriter::AddSheet(const std::string& name) {
  if (closed()) return ClosedError(path_);
  lxw_error invalid = workbook_validate_sheet_name(workbook_, name.c_str());
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
  sheets_.push_back(std::make_unique<LxwSheetWriter>(this, sheet, name));
  return static_cast<TableWriter*>(sheets_.back().get());
}

Status LxwWriter::Close() {
  if (closed()) return Status::Ok();
  lxw_error error = workbook_close(workbook_);  // frees the workbook whatever the outcome
  workbook_ = nullptr;
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
