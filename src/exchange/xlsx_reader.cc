// XlsxBook: the parts of an Office Open XML workbook that hold cell text, read with libzip
// and pugixml. Element and attribute names are matched by local name, so prefixed
// namespaces ("x:row") read the same as plain ones. Every part is inflated in bounded
// chunks counted against its allowance (table.h); sheets and shared strings are streamed
// (ElementStream), workbook.xml and its relationships, which are small, parsed whole.
#include <sys/stat.h>
#include <zip.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <new>
#include <pugixml.hpp>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "common/date.h"
#include "exchange/table.h"
#include "exchange/xlsx_stream.h"
#include "exchange/xlsx_xml.h"

namespace fupin {
namespace xlsx {
namespace {

class XlsxSheetReader : public TableReader {
 public:
  XlsxSheetReader(std::string name, std::shared_ptr<const SharedStrings> shared,
                  std::shared_ptr<const Styles> styles, std::unique_ptr<PartStream> part)
      : name_(std::move(name)),
        shared_(std::move(shared)),
        styles_(std::move(styles)),
        rows_(std::move(part), "sheetData", "row") {}

  Result<bool> Next(Record& record) override {
    try {
      return ReadRow(record);
    } catch (const std::bad_alloc&) {
      return TooLargeForMemory(name_);
    } catch (const std::length_error&) {
      return TooLargeForMemory(name_);
    }
  }
  const std::string& name() const override { return name_; }
  Encoding encoding() const override { return Encoding::kUtf8; }

 private:
  std::string name_;
  std::shared_ptr<const SharedStrings> shared_;
  std::shared_ptr<const Styles> styles_;
  Result<bool> ReadRow(Record& record);

  ElementStream rows_;
  pugi::xml_node row_;      // the next row to read in the current batch
  size_t last_row_ = 0;     // number of the row read last
  size_t rows_seen_ = 0;    // <row> elements passed so far
  uint64_t text_read_ = 0;  // bytes of cell text returned so far
};

Result<bool> XlsxSheetReader::ReadRow(Record& record) {
  std::vector<std::string>& cells = record.cells;
  std::vector<CellKind>& kinds = record.kinds;
  for (;;) {
    if (!row_) {
      Result<pugi::xml_node> batch = rows_.NextBatch();
      if (!batch.ok()) return batch.error();
      row_ = *batch;
      if (!row_) return false;
    }
    for (; row_; row_ = NextSibling(row_, "row")) {
      pugi::xml_node row = row_;
      const char* r = Attribute(row, "r");
      size_t number = last_row_ + 1;
      if (*r) {
        char* end = nullptr;
        number = std::strtoul(r, &end, 10);
        if (end == r || *end != '\0' || number == 0) number = kXlsxMaxRows + 1;
      }
      if (number > kXlsxMaxRows || ++rows_seen_ > kXlsxMaxRows) {
        const std::string max = std::to_string(kXlsxMaxRows);
        return RowError(name_, std::min(number, kXlsxMaxRows + 1),
                        "行号无效或行数超过 " + max + "（" + r + "）",
                        "invalid row number or more than " + max + " rows (" + r + ")");
      }
      last_row_ = number;

      size_t used = 0;  // cells[0, used) belong to this row
      size_t next_column = 0;
      uint64_t row_bytes = 0;
      for (pugi::xml_node c = Child(row, "c"); c; c = NextSibling(c, "c")) {
        const char* ref = Attribute(c, "r");
        size_t column = *ref ? ColumnIndex(ref) : next_column;
        if (column == std::string::npos || column >= kXlsxMaxColumns) {
          return RowError(name_, number, std::string("单元格引用无效 ") + ref,
                          std::string("invalid cell reference ") + ref);
        }
        next_column = column + 1;

        std::string_view type = Attribute(c, "t");
        std::string value;
        CellKind kind = CellKind::kText;
        if (type == "inlineStr") {
          AppendStringItem(value, Child(c, "is"));
        } else {
          pugi::xml_node v = Child(c, "v");
          if (!v) continue;  // a styled empty cell
          const char* text = v.child_value();
          if (type == "s") {
            char* end = nullptr;
            unsigned long index = std::strtoul(text, &end, 10);
            if (end == text || index >= shared_->size()) {
              return RowError(name_, number, std::string("共享字符串序号无效 ") + text,
                              std::string("invalid shared string index ") + text);
            }
            // One shared string may be referred to by every cell: bound the copies.
            if (row_bytes + (*shared_)[index].size() > kXlsxMaxRecordBytes) {
              return RowError(name_, number, "一行的文本超过 4 MiB", "a row's text is over 4 MiB");
            }
            value = std::string((*shared_)[index]);
          } else if (type == "str") {
            AppendText(value, text);
          } else if (type == "b") {
            kind = CellKind::kBoolean;
            const std::string_view flag(text);
            // 是/否: what the template's yes-no columns and its 是/否 code lists both read.
            value = flag == "1" ? "是" : flag == "0" ? "否" : text;
          } else if (type == "e") {
            kind = CellKind::kError;
            value = text;
          } else if (type == "d") {  // an ISO 8601 date cell: "2024-03-01T00:00:00"
            kind = CellKind::kDate;
            value = text;
            value = value.substr(0, value.find('T'));
          } else {  // "n", or no type: a number
            value =
                NumberCellText(text, styles_->IsDate(Attribute(c, "s")), styles_->date1904, kind);
          }
        }
        if (value.empty()) continue;
        row_bytes += value.size();
        if (row_bytes > kXlsxMaxRecordBytes) {
          return RowError(name_, number, "一行的文本超过 4 MiB", "a row's text is over 4 MiB");
        }
        // Columns in a row are normally increasing; a stray one still lands in its place.
        for (; used <= column; ++used) {
          if (used == cells.size()) {
            cells.emplace_back();
          } else {
            cells[used].clear();
          }
          if (used >= kinds.size()) kinds.resize(used + 1);
          kinds[used] = CellKind::kText;
        }
        cells[column] = std::move(value);
        kinds[column] = kind;
      }
      if (used == 0) continue;  // every cell empty
      text_read_ += row_bytes;
      if (text_read_ > kXlsxMaxPartBytes) {
        return RowError(name_, number, "工作表的文本总量过大", "the sheet holds too much text");
      }
      cells.resize(used);
      kinds.resize(used);
      record.line = number;
      row_ = NextSibling(row_, "row");
      return true;
    }
  }
}

class ZipBook : public XlsxBook {
 public:
  ZipBook(std::string path, zip_t* zip, uint64_t file_size)
      : path_(std::move(path)), zip_(zip, zip_discard), file_size_(file_size) {}

  // Reads workbook.xml, its relationships, the shared strings and the styles.
  Status Load();

  std::vector<std::string> SheetNames() const override {
    std::vector<std::string> names;
    for (const SheetEntry& s : sheets_) names.push_back(s.name);
    return names;
  }
  Result<std::unique_ptr<TableReader>> Sheet(const std::string& sheet_name) override;

 private:
  struct SheetEntry {
    std::string name;
    std::string part;  // path inside the zip, "xl/worksheets/sheet1.xml"
  };

  // The bytes of the part `name`, inflated in chunks of kXlsxReadChunk and counted as
  // they come: E_FORMAT if absent or past the bounds of table.h (whatever sizes its
  // headers claim), E_IO if it cannot be read.
  Result<std::string> ReadPart(const std::string& name);
  Result<std::unique_ptr<ParsedPart>> ParsePart(const std::string& name);
  Result<std::unique_ptr<TableReader>> OpenSheet(const std::string& sheet_name);
  // Which cell styles of the part `name` are dates (into styles_), streamed twice: its
  // custom number formats, then its cell styles.
  Status LoadStyles(const std::string& name);

  std::string path_;
  std::shared_ptr<zip_t> zip_;  // shared with the sheet readers, which may outlive the book
  uint64_t file_size_;
  std::vector<SheetEntry> sheets_;
  std::shared_ptr<SharedStrings> shared_ = std::make_shared<SharedStrings>();
  std::shared_ptr<Styles> styles_ = std::make_shared<Styles>();
};

Result<std::string> ZipBook::ReadPart(const std::string& name) {
  PartStream part(zip_, path_, name);
  FUPIN_RETURN_IF_ERROR(part.Open(file_size_));
  std::string bytes;
  for (;;) {
    Result<bool> more = part.Read(bytes);
    if (!more.ok()) return more.error();
    if (!*more) break;
  }
  bytes.shrink_to_fit();
  return bytes;
}

Result<std::unique_ptr<ParsedPart>> ZipBook::ParsePart(const std::string& name) {
  Result<std::string> bytes = ReadPart(name);
  if (!bytes.ok()) return bytes.error();
  auto part = std::make_unique<ParsedPart>();
  part->bytes = std::move(bytes).value();
  pugi::xml_parse_result parsed = part->doc.load_buffer_inplace(
      part->bytes.data(), part->bytes.size(), kParseOptions, pugi::encoding_utf8);
  if (!parsed) {
    return Error{
        "E_FORMAT",
        "不是有效的 XLSX 工作簿：" + path_ + "（" + name + "：" + parsed.description() + "）",
        "not a valid XLSX workbook: " + path_ + " (" + name + ": " + parsed.description() + ")"};
  }
  return part;
}

// "worksheets/sheet1.xml" (relative to xl/) or "/xl/worksheets/sheet1.xml" (absolute).
std::string ResolveTarget(std::string_view target) {
  if (!target.empty() && target.front() == '/') return std::string(target.substr(1));
  std::string base = "xl/";
  while (target.substr(0, 3) == "../") {
    target.remove_prefix(3);
    base.clear();
  }
  return base + std::string(target);
}

Status ZipBook::Load() {
  Result<std::unique_ptr<ParsedPart>> workbook = ParsePart("xl/workbook.xml");
  if (!workbook.ok()) return workbook.error();
  pugi::xml_node sheets = Child(Child((*workbook)->doc, "workbook"), "sheets");
  if (!sheets) return NotAWorkbook(path_);
  const std::string_view date1904 =
      Attribute(Child(Child((*workbook)->doc, "workbook"), "workbookPr"), "date1904");
  styles_->date1904 = date1904 == "1" || date1904 == "true";

  // Relationships: id → target. A workbook without them still lists its sheets, read at
  // the conventional part names.
  std::vector<std::pair<std::string, std::string>> targets;
  std::string shared_part = "xl/sharedStrings.xml";
  std::string styles_part = "xl/styles.xml";
  if (zip_name_locate(zip_.get(), "xl/_rels/workbook.xml.rels", 0) >= 0) {
    Result<std::unique_ptr<ParsedPart>> rels = ParsePart("xl/_rels/workbook.xml.rels");
    if (!rels.ok()) return rels.error();
    pugi::xml_node root = Child((*rels)->doc, "Relationships");
    for (pugi::xml_node r = Child(root, "Relationship"); r; r = NextSibling(r, "Relationship")) {
      std::string target = ResolveTarget(Attribute(r, "Target"));
      std::string_view type = Attribute(r, "Type");
      if (type.ends_with("/sharedStrings")) shared_part = target;
      if (type.ends_with("/styles")) styles_part = target;
      targets.emplace_back(Attribute(r, "Id"), std::move(target));
    }
  }

  int index = 0;
  for (pugi::xml_node s = Child(sheets, "sheet"); s; s = NextSibling(s, "sheet")) {
    ++index;
    std::string id = Attribute(s, "id");
    std::string part = "xl/worksheets/sheet" + std::to_string(index) + ".xml";
    for (const auto& [rid, target] : targets) {
      if (rid == id) part = target;
    }
    sheets_.push_back({Attribute(s, "name"), std::move(part)});
  }

  if (zip_name_locate(zip_.get(), shared_part.c_str(), 0) >= 0) {
    auto part = std::make_unique<PartStream>(zip_, path_, shared_part);
    FUPIN_RETURN_IF_ERROR(part->Open(file_size_));
    ElementStream items(std::move(part), "sst", "si");
    for (;;) {
      Result<pugi::xml_node> si = items.NextBatch();
      if (!si.ok()) return si.error();
      if (!*si) break;
      for (pugi::xml_node n = *si; n; n = NextSibling(n, "si")) {
        shared_->Add(n);
      }
    }
    shared_->Shrink();
  }
  return LoadStyles(styles_part);
}

Status ZipBook::LoadStyles(const std::string& name) {
  if (zip_name_locate(zip_.get(), name.c_str(), 0) < 0) return Status::Ok();
  // Each element of `container` in turn, while `more()`.
  auto each = [&](std::string_view container, std::string_view item, auto&& take,
                  auto&& more) -> Status {
    auto part = std::make_unique<PartStream>(zip_, path_, name);
    FUPIN_RETURN_IF_ERROR(part->Open(file_size_));
    ElementStream items(std::move(part), container, item);
    while (more()) {
      Result<pugi::xml_node> batch = items.NextBatch();
      if (!batch.ok()) return batch.error();
      if (!*batch) break;
      for (pugi::xml_node n = *batch; n && more(); n = NextSibling(n, item)) take(n);
    }
    return Status::Ok();
  };
  auto number = [](pugi::xml_node node, std::string_view attribute) {
    const char* text = Attribute(node, attribute);
    char* end = nullptr;
    const unsigned long value = std::strtoul(text, &end, 10);
    return end == text ? ~0UL : value;
  };
  std::unordered_map<unsigned long, bool> custom;  // numFmtId → whether a date
  FUPIN_RETURN_IF_ERROR(each(
      "numFmts", "numFmt",
      [&](pugi::xml_node n) {
        custom[number(n, "numFmtId")] = IsDateFormatCode(Attribute(n, "formatCode"));
      },
      [&] { return custom.size() < kXlsxMaxStyles; }));
  std::vector<bool>& date = styles_->date;
  FUPIN_RETURN_IF_ERROR(each(
      "cellXfs", "xf",
      [&](pugi::xml_node n) {
        const unsigned long id = number(n, "numFmtId");
        const auto found = custom.find(id);
        date.push_back(found != custom.end() ? found->second : IsBuiltInDateFormat(id));
      },
      [&] { return date.size() < kXlsxMaxStyles; }));
  return Status::Ok();
}

Result<std::unique_ptr<TableReader>> ZipBook::Sheet(const std::string& sheet_name) {
  try {
    return OpenSheet(sheet_name);
  } catch (const std::bad_alloc&) {
    return TooLargeForMemory(path_);
  } catch (const std::length_error&) {
    return TooLargeForMemory(path_);
  }
}

Result<std::unique_ptr<TableReader>> ZipBook::OpenSheet(const std::string& sheet_name) {
  for (const SheetEntry& s : sheets_) {
    if (s.name != sheet_name) continue;
    auto part = std::make_unique<PartStream>(zip_, path_, s.part);
    FUPIN_RETURN_IF_ERROR(part->Open(file_size_));
    return std::unique_ptr<TableReader>(
        new XlsxSheetReader(path_ + ":" + sheet_name, shared_, styles_, std::move(part)));
  }
  return Error::NotFound("工作簿 " + path_ + " 中没有工作表“" + sheet_name + "”",
                         "no sheet \"" + sheet_name + "\" in workbook " + path_);
}

Result<std::unique_ptr<XlsxBook>> OpenBook(const std::string& path) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) {
    std::string reason = std::strerror(errno);
    return Error::Io("无法打开文件 " + path + "：" + reason,
                     "cannot open file " + path + ": " + reason);
  }
  int code = 0;
  zip_t* zip = zip_open(path.c_str(), ZIP_RDONLY, &code);
  if (zip == nullptr) {
    zip_error_t error;
    zip_error_init_with_code(&error, code);
    std::string reason = zip_error_strerror(&error);
    zip_error_fini(&error);
    switch (code) {
      // The file exists (stat above): libzip's "no such file" is an archive whose directory
      // points at nothing, as a header that claims 0xFFFFFFFF bytes without a zip64 record.
      case ZIP_ER_OPEN:
      case ZIP_ER_READ:
      case ZIP_ER_SEEK:
        return Error::Io("无法打开文件 " + path + "：" + reason,
                         "cannot open file " + path + ": " + reason);
      default:
        return NotAWorkbook(path);
    }
  }
  auto book = std::make_unique<ZipBook>(path, zip, static_cast<uint64_t>(st.st_size));
  const zip_int64_t entries = zip_get_num_entries(zip, 0);
  if (entries < 0 || static_cast<uint64_t>(entries) > kXlsxMaxEntries) {
    const std::string max = std::to_string(kXlsxMaxEntries);
    return Error{"E_FORMAT", path + "：工作簿中的条目超过 " + max + " 个",
                 path + ": the workbook holds more than " + max + " entries"};
  }
  Status loaded = book->Load();
  if (!loaded.ok()) return loaded.error();
  return std::unique_ptr<XlsxBook>(std::move(book));
}

}  // namespace
}  // namespace xlsx

Result<std::unique_ptr<XlsxBook>> XlsxBook::Open(const std::string& path) {
  try {
    return xlsx::OpenBook(path);
  } catch (const std::bad_alloc&) {
    return xlsx::TooLargeForMemory(path);
  } catch (const std::length_error&) {
    return xlsx::TooLargeForMemory(path);
  }
}

}  // namespace fupin
