// Tables in files: CSV (UTF-8 with or without BOM, or GB18030) and XLSX sheets, read
// row by row and written the same way. Both stream: CSV a decoded chunk at a time, an
// XLSX sheet (and its shared strings) a batch of about 1 MiB of whole rows at a time,
// inflated as it is read; neither ever holds the whole file.
#pragma once

#include <cstddef>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "common/error.h"
#include "common/text.h"

namespace fupin {

// What a cell held in the file, before it became text. CSV cells are all text; an XLSX
// cell is text (a string of any form), a number, a date (a number with a date format, or an
// ISO date cell), a boolean or an error value ("#N/A", "#DIV/0!").
enum class CellKind : unsigned char { kText, kNumber, kDate, kBoolean, kError };

// One record of a table. `line` is the physical line where the record starts in a CSV
// (the header is line 1; a quoted field may span lines) or the sheet row number in XLSX.
struct Record {
  size_t line = 0;
  std::vector<std::string> cells;  // UTF-8; empty trailing cells may be absent
  // The kind of each cell: empty when every cell is text (a CSV reader never fills it, so
  // it costs CSV nothing), else as many as `cells` (the XLSX reader replaces it each row).
  std::vector<CellKind> kinds;

  CellKind kind(size_t cell) const { return cell < kinds.size() ? kinds[cell] : CellKind::kText; }
};

class TableReader {
 public:
  virtual ~TableReader() = default;
  // Reads the next non-blank record into `record` (its cells are replaced). Returns false
  // at the end of the table. Blank lines (nothing but the line break) are skipped.
  // Errors: E_ENCODING (bad bytes, with the line), E_FORMAT (a quote left open at the
  // end of the file), E_IO.
  virtual Result<bool> Next(Record& record) = 0;
  // The file name as the user gave it (for messages); for XLSX "PATH:SHEET".
  virtual const std::string& name() const = 0;
  // The text encoding of the source (UTF-8 for XLSX).
  virtual Encoding encoding() const = 0;
};

// Opens a CSV file (RFC 4180: ',' separated, '"' quoted with '""' for a quote, CRLF or
// LF line ends). E_IO if it cannot be opened, E_ENCODING if neither encoding fits.
Result<std::unique_ptr<TableReader>> OpenCsv(const std::string& path, Encoding encoding);

// The bounds of the XLSX reader. A zip entry's header may claim any size: none is trusted.
// Each part is inflated in chunks of kXlsxReadChunk bytes, counted as they come, and refused
// (E_FORMAT, naming the file and the part) past kXlsxMaxPartBytes or past kXlsxMaxRatio
// times its compressed size (parts under kXlsxRatioFloorBytes are never refused for their
// ratio), so a part's memory is bounded by the file's real size, whatever it claims. The
// measured reference, a sheet of 1,048,576 rows x 30 columns of generated register data as
// XlsxWriter writes it (inline strings, the largest form; Excel, WPS and LibreOffice write
// shared strings and a smaller sheet), has a sheet part of 1,662,945,228 bytes compressed
// 11x (151 MB); the other parts compress 2-5x. The limits leave 2.5x and 9x of margin;
// that workbook reads in 16 s with a peak RSS of 14 MB. The shared strings are held in
// memory (their text, bounded like any part).
inline constexpr size_t kXlsxReadChunk = size_t{64} << 10;
inline constexpr unsigned long long kXlsxMaxPartBytes = 4ULL << 30;
inline constexpr unsigned long long kXlsxMaxRatio = 100;
inline constexpr unsigned long long kXlsxRatioFloorBytes = 1ULL << 20;
// Entries of the zip (a real workbook has a few dozen).
inline constexpr size_t kXlsxMaxEntries = 10'000;
// Rows and columns of a sheet, as in Excel: a row number past kXlsxMaxRows, more <row>
// elements than that, or a column past XFD is E_FORMAT.
inline constexpr size_t kXlsxMaxRows = 1'048'576;
inline constexpr size_t kXlsxMaxColumns = 16'384;
// The text of one row (shared strings may be referred to by any number of cells, so this
// bounds the copies), as for a CSV record; the text a sheet yields in all is bounded by
// kXlsxMaxPartBytes.
inline constexpr size_t kXlsxMaxRecordBytes = size_t{4} << 20;
// Cell styles (cellXfs) and custom number formats read from xl/styles.xml (Excel allows
// 64,000 of each).
inline constexpr size_t kXlsxMaxStyles = 65'536;

// An XLSX workbook (Office Open XML), read with libzip and pugixml, each cell as a clerk
// sees it in a spreadsheet program, with its kind in Record::kinds:
// - strings: shared, inline (t="inlineStr"), rich text (the <t> of each run joined,
//   phonetic runs dropped) and formula strings (t="str") — kText;
// - numbers — kNumber: the double rounded to 15 significant digits (Excel's precision, what
//   it shows), written as the shortest decimal without exponent: 884.6900000000001 is
//   "884.69", 620422100001.0 "620422100001", 4.11525199001011E+17 "411525199001011000";
//   text that is not a finite number is kept as written;
// - dates — kDate, "YYYY-MM-DD": a number whose style (xl/styles.xml cellXfs numFmtId) is a
//   date format (built-in 14-22, 27-36, 45-47, 50-58, or a custom code with y, m or d outside
//   quotes and brackets), in the workbook's date system: 1900 (Excel's, with its leap-year
//   bug: serial 60 is "1900-02-29", which never was, and 61 is 1900-03-01) or 1904
//   (workbookPr date1904); the time of day is dropped; a serial outside 1..2958465
//   (1904: 0..2957003) stays a number. An ISO date cell (t="d") keeps its date part;
// - booleans (t="b") — kBoolean: "是" or "否" (TRUE, FALSE), which the template reads in
//   its yes-no columns and its 是/否 code lists alike, and no number column takes for 1 or 0;
// - error values (t="e") — kError: as written ("#N/A"); a formula by its cached value <v>.
// Empty cells between others come back as "", trailing ones are absent, and rows with no
// text are skipped. At most kXlsxMaxStyles cell styles and custom formats are read; a cell
// styled past them reads as a number. A sheet reader may outlive its book.
class XlsxBook {
 public:
  // E_IO when the file is missing or unreadable; E_FORMAT when it is not a workbook, when
  // a part crosses the bounds above, or when memory runs out (std::bad_alloc and
  // std::length_error are caught here, in Sheet() and in the reader's Next()).
  static Result<std::unique_ptr<XlsxBook>> Open(const std::string& path);
  virtual ~XlsxBook() = default;
  virtual std::vector<std::string> SheetNames() const = 0;
  // A reader over the named sheet; E_NOT_FOUND when there is no such sheet.
  virtual Result<std::unique_ptr<TableReader>> Sheet(const std::string& sheet_name) = 0;
};

// How a workbook stores a cell: its type and number format. A CSV file holds the text whatever
// the format.
enum class CellFormat : unsigned char {
  kText,   // a string cell, never a number: codes, ID numbers, phones, labels, names
  kMoney,  // yuan as written by Money::ToString ("1234.50"): a number cell, format 0.00
  kWhole,  // a whole number ("12"): a number cell, format 0
  kDate,   // an ISO date ("2024-03-01"): a date cell, format yyyy-mm-dd
};

class TableWriter {
 public:
  virtual ~TableWriter() = default;
  virtual Status WriteRow(const std::vector<std::string>& cells) = 0;
};

// Writes a CSV file: cells quoted only when they hold ',', '"', CR, LF or start or end
// with a space; a cell that begins with = + - @, TAB or CR is written after a single quote
// ('=1+2 for =1+2, so that no spreadsheet runs it); lines end with LF. UTF-8 files start with a BOM
// when `bom` is set (so Excel reads Chinese correctly); GB18030 files never do.
class CsvWriter : public TableWriter {
 public:
  static Result<std::unique_ptr<CsvWriter>> Create(const std::string& path, Encoding encoding,
                                                   bool bom);
  ~CsvWriter() override;
  Status WriteRow(const std::vector<std::string>& cells) override;
  // Flushes and closes; E_IO on a failed write. Called by the destructor if not called.
  Status Close();

 private:
  CsvWriter() = default;
  std::FILE* file_ = nullptr;
  Encoding encoding_ = Encoding::kUtf8;
  std::string buffer_;
  std::string path_;
};

// One column of a sheet with a layout (XlsxWriter::AddSheet(name, layout)).
struct SheetColumn {
  CellFormat format = CellFormat::kText;
  // The allowed values, offered as a drop-down list (data validation of type list) on
  // every row below the header; none when empty. A list whose joined text passes Excel's
  // inline limit of 255 characters is written to the hidden sheet kXlsxListsSheet and
  // referred to by its range.
  std::vector<std::string> choices;
  // Whether a value outside `choices` is refused by the spreadsheet (a stop); otherwise it
  // is only told (an information), as for a cell that may hold several values.
  bool strict = true;
  std::string prompt;  // shown when a cell of the column is selected; "" for none
};

// A sheet whose first row is a header: the header row is bold and frozen, an autofilter
// covers the header and the rows written, and each column is as wide as its widest cell
// (a CJK character counts 2, at most kXlsxMaxColumnWidth). Cells are stored by their
// column's format, each column keeps its number format for the cells a user adds (text
// columns are formatted as text, so a typed ID number stays text), and the spreadsheet's
// "number stored as text" warning is turned off. A cell whose text does not read as its
// format (a masked value, say) is written as text.
struct SheetLayout {
  std::vector<SheetColumn> columns;  // cells past the last column are text
};

inline constexpr double kXlsxMaxColumnWidth = 60;
inline constexpr const char* kXlsxListsSheet = "代码表";

// Writes an XLSX workbook with libxlsxwriter in constant-memory mode (rows in order;
// each sheet spools to a temporary file until Close()). Create fails with E_IO when the
// path cannot be written.
// A sheet without a layout holds strings only, so codes like "01" keep their leading zero.
// Numbers are written as libxlsxwriter writes them, the %.16G text of the double (884.69
// is "884.6900000000001"): a reader takes the shortest decimal that gives the same double.
class XlsxWriter {
 public:
  static Result<std::unique_ptr<XlsxWriter>> Create(const std::string& path);
  virtual ~XlsxWriter() = default;
  // Adds a sheet; the returned writer stays valid until Close(). E_FORMAT when the name
  // is not a valid sheet name or is already used. Its WriteRow skips empty cells and
  // fails with E_FORMAT past the XLSX limit of 1,048,576 rows.
  virtual Result<TableWriter*> AddSheet(const std::string& name) = 0;
  // The same for a sheet with a header and typed columns (SheetLayout above); the first
  // row written is the header.
  virtual Result<TableWriter*> AddSheet(const std::string& name, const SheetLayout& layout) = 0;
  // Writes the file; E_IO when it cannot. Idempotent; the destructor calls it if needed.
  virtual Status Close() = 0;
};

}  // namespace fupin
