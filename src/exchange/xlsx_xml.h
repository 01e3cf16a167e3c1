// Private to the XLSX reader (xlsx_*.cc): how the XML of a workbook becomes cell text —
// names matched by local name, OOXML's text escapes, column references, date formats and
// the text of number cells — and the errors the reader gives.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <pugixml.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.h"
#include "exchange/table.h"

namespace fupin::xlsx {

inline constexpr unsigned kParseOptions = pugi::parse_default | pugi::parse_ws_pcdata_single;

std::string_view LocalName(const char* name);

pugi::xml_node Child(pugi::xml_node node, std::string_view local);

pugi::xml_node NextSibling(pugi::xml_node node, std::string_view local);

// The attribute with local name `local` ("id" finds "r:id").
const char* Attribute(pugi::xml_node node, std::string_view local);

// Appends the text of a <t>, undoing OOXML's "_xHHHH_" escapes of control characters
// ("_x000D_" is a CR, "_x005F_" a literal '_').
void AppendText(std::string& out, const char* text);

// The text of an <si> or <is>: its <t>, or the <t> of each rich-text run <r>. Phonetic
// runs <rPh> are not part of the text.
void AppendStringItem(std::string& out, pugi::xml_node item);

// "C5" → column index 2 (0-based); npos when `ref` does not start with letters.
size_t ColumnIndex(const char* ref);

// Whether the built-in number format `id` is a date (or time) format: 14-22 in every
// locale, 27-36 and 50-58 in the East Asian ones (年月日), 45-47 the minutes and seconds.
bool IsBuiltInDateFormat(unsigned long id);

// Whether a custom number format code formats a date: it has a y, m or d (either case)
// outside "quoted text", [brackets] ([Red], [$-804], [h]) and the character after a
// backslash, '_' or '*' (an escaped, a spacing and a fill character).
bool IsDateFormatCode(std::string_view code);

// The styles of a workbook that change how a cell reads: which cell styles (cellXfs
// indexes) format a number as a date, and the date system.
struct Styles {
  std::vector<bool> date;  // by cellXfs index; at most kXlsxMaxStyles
  bool date1904 = false;
  // Whether the style `s` of a cell (its text; none is style 0) is a date.
  bool IsDate(const char* style) const {
    char* end = nullptr;
    const unsigned long index = *style == '\0' ? 0 : std::strtoul(style, &end, 10);
    return (end == nullptr || *end == '\0') && index < date.size() && date[index];
  }
};

// The text of a number cell <v>`text`</v> as a spreadsheet shows it (table.h), and its
// kind: kDate when `date_style` and the serial is in range, else kNumber.
std::string NumberCellText(std::string_view text, bool date_style, bool date1904, CellKind& kind);

Error NotAWorkbook(const std::string& path);

Error PartTooLarge(const std::string& path, const std::string& part);

// Out of memory or a size past what a string can hold, while reading `path`: a workbook
// too large for this machine is refused like a malformed one, never a crash.
Error TooLargeForMemory(const std::string& path);

Error RowError(const std::string& name, size_t number, const std::string& zh,
               const std::string& en);

}  // namespace fupin::xlsx
