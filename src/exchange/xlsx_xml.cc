// The cell text of workbook XML and the reader's errors (xlsx_xml.h).
#include "exchange/xlsx_xml.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstring>
#include <string>
#include <string_view>

#include "common/date.h"

namespace fupin::xlsx {
namespace {

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

void AppendUtf8(std::string& out, unsigned cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

// Days from 1970-01-01 to the epochs of the two date systems: serial 0 of the 1904 system
// is 1904-01-01; in the 1900 system serial 61 is 1900-03-01 (serial 25569 is 1970-01-01),
// and serials 1-59 (1900-01-01 to 02-28) are one day later than that count, because Excel
// counts a 1900-02-29 (serial 60) that never was, as Lotus 1-2-3 did.
constexpr int32_t kDays1904 = -24107;
constexpr int32_t kDays1900 = -25569;
constexpr double kLastSerial1900 = 2958465;  // 9999-12-31
constexpr double kLastSerial1904 = 2957003;  // 9999-12-31

}  // namespace

std::string_view LocalName(const char* name) {
  std::string_view n(name);
  size_t colon = n.find(':');
  return colon == std::string_view::npos ? n : n.substr(colon + 1);
}

pugi::xml_node Child(pugi::xml_node node, std::string_view local) {
  for (pugi::xml_node c = node.first_child(); c; c = c.next_sibling()) {
    if (c.type() == pugi::node_element && LocalName(c.name()) == local) return c;
  }
  return {};
}

pugi::xml_node NextSibling(pugi::xml_node node, std::string_view local) {
  for (pugi::xml_node c = node.next_sibling(); c; c = c.next_sibling()) {
    if (c.type() == pugi::node_element && LocalName(c.name()) == local) return c;
  }
  return {};
}

const char* Attribute(pugi::xml_node node, std::string_view local) {
  for (pugi::xml_attribute a = node.first_attribute(); a; a = a.next_attribute()) {
    if (LocalName(a.name()) == local) return a.value();
  }
  return "";
}

void AppendText(std::string& out, const char* text) {
  std::string_view t(text);
  size_t from = 0;
  for (size_t at = t.find("_x"); at != std::string_view::npos; at = t.find("_x", at + 1)) {
    if (at + 7 > t.size() || t[at + 6] != '_') continue;
    unsigned cp = 0;
    bool hex = true;
    for (size_t i = at + 2; i < at + 6; ++i) {
      int d = HexDigit(t[i]);
      if (d < 0) hex = false;
      cp = cp * 16 + static_cast<unsigned>(d < 0 ? 0 : d);
    }
    if (!hex) continue;
    out.append(t, from, at - from);
    AppendUtf8(out, cp);
    from = at + 7;
    at += 6;
  }
  out.append(t, from, std::string_view::npos);
}

void AppendStringItem(std::string& out, pugi::xml_node item) {
  for (pugi::xml_node c = item.first_child(); c; c = c.next_sibling()) {
    if (c.type() != pugi::node_element) continue;
    std::string_view n = LocalName(c.name());
    if (n == "t") {
      AppendText(out, c.child_value());
    } else if (n == "r") {
      for (pugi::xml_node t = Child(c, "t"); t; t = NextSibling(t, "t")) {
        AppendText(out, t.child_value());
      }
    }
  }
}

size_t ColumnIndex(const char* ref) {
  size_t column = 0;
  const char* p = ref;
  for (; *p >= 'A' && *p <= 'Z'; ++p) {
    column = std::min<size_t>(column * 26 + (*p - 'A' + 1), 16385);  // no wrap-around
  }
  if (p == ref || column > 16384) return std::string::npos;
  return column - 1;
}

bool IsBuiltInDateFormat(unsigned long id) {
  return (id >= 14 && id <= 22) || (id >= 27 && id <= 36) || (id >= 45 && id <= 47) ||
         (id >= 50 && id <= 58);
}

bool IsDateFormatCode(std::string_view code) {
  for (size_t i = 0; i < code.size(); ++i) {
    const char c = code[i];
    if (c == '"' || c == '[') {
      const size_t end = code.find(c == '"' ? '"' : ']', i + 1);
      if (end == std::string_view::npos) return false;
      i = end;
    } else if (c == '\\' || c == '_' || c == '*') {
      ++i;
    } else if (c == 'y' || c == 'Y' || c == 'm' || c == 'M' || c == 'd' || c == 'D') {
      return true;
    }
  }
  return false;
}

std::string NumberCellText(std::string_view text, bool date_style, bool date1904, CellKind& kind) {
  kind = CellKind::kNumber;
  double value = 0;
  const char* const last = text.data() + text.size();
  auto [end, ec] = std::from_chars(text.data(), last, value);
  if (ec != std::errc() || end != last || !std::isfinite(value)) return std::string(text);
  if (date_style) {
    const double first = date1904 ? 0 : 1;
    const double final = date1904 ? kLastSerial1904 : kLastSerial1900;
    if (value >= first && value < final + 1) {
      kind = CellKind::kDate;
      const auto serial = static_cast<int32_t>(std::floor(value));
      if (date1904) return Date::FromDays(kDays1904 + serial).ToString();
      if (serial == 60) return "1900-02-29";
      return Date::FromDays(kDays1900 + serial + (serial < 60 ? 1 : 0)).ToString();
    }
  }
  // Excel keeps 15 significant digits; a double's 16th and 17th ("884.6900000000001",
  // the tail of binary arithmetic) are not what the clerk typed or sees. "%.15g", then its
  // exponent written out: 4.11525199001011e+17 is 411525199001011000, as Excel shows it.
  char general[32];
  const char* general_end =
      std::to_chars(general, general + sizeof general, value, std::chars_format::general, 15).ptr;
  std::string_view g(general, static_cast<size_t>(general_end - general));
  if (g == "0" || g == "-0") return "0";
  std::string out;
  if (g.front() == '-') {
    out += '-';
    g.remove_prefix(1);
  }
  int exponent = 0;
  if (const size_t e = g.find('e'); e != std::string_view::npos) {
    std::from_chars(g.data() + e + (g[e + 1] == '+' ? 2 : 1), g.data() + g.size(), exponent);
    g = g.substr(0, e);
  }
  std::string mantissa(g);  // digits and perhaps a point
  const size_t point = mantissa.find('.');
  const int integer_digits = static_cast<int>(point == std::string::npos ? mantissa.size() : point);
  if (point != std::string::npos) mantissa.erase(point, 1);
  const size_t first = mantissa.find_first_not_of('0');  // "0.0015": digits "00015"
  const int position = integer_digits + exponent - static_cast<int>(first);
  mantissa.erase(0, first);
  if (position <= 0) {
    out += "0.";
    out.append(static_cast<size_t>(-position), '0');
    out += mantissa;
  } else if (static_cast<size_t>(position) >= mantissa.size()) {
    out += mantissa;
    out.append(static_cast<size_t>(position) - mantissa.size(), '0');
  } else {
    out += mantissa.substr(0, static_cast<size_t>(position));
    out += '.';
    out += mantissa.substr(static_cast<size_t>(position));
  }
  return out;
}

Error NotAWorkbook(const std::string& path) {
  return Error{"E_FORMAT", "不是有效的 XLSX 工作簿：" + path, "not a valid XLSX workbook: " + path};
}

Error PartTooLarge(const std::string& path, const std::string& part) {
  const std::string cap = std::to_string(kXlsxMaxPartBytes >> 20);
  const std::string ratio = std::to_string(kXlsxMaxRatio);
  return Error{"E_FORMAT",
               path + "：工作簿中的 " + part + " 解压后过大（超过 " + cap + " MiB 或压缩比超过 " +
                   ratio + " 倍），可能是压缩炸弹",
               path + ": the workbook's part " + part + " inflates too large (over " + cap +
                   " MiB or over " + ratio + " times its compressed size); a zip bomb?"};
}

Error TooLargeForMemory(const std::string& path) {
  return Error{"E_FORMAT", "工作簿过大，无法读取：" + path,
               "the workbook is too large to be read: " + path};
}

Error RowError(const std::string& name, size_t number, const std::string& zh,
               const std::string& en) {
  Error error{"E_FORMAT", name + "：第 " + std::to_string(number) + " 行：" + zh,
              name + ": row " + std::to_string(number) + ": " + en};
  error.line = number;
  return error;
}

}  // namespace fupin::xlsx
