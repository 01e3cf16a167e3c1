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

namespace fupin {
namespace {

constexpr unsigned kParseOptions = pugi::parse_default | pugi::parse_ws_pcdata_single;

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

// The attribute with local name `local` ("id" finds "r:id").
const char* Attribute(pugi::xml_node node, std::string_view local) {
  for (pugi::xml_attribute a = node.first_attribute(); a; a = a.next_attribute()) {
    if (LocalName(a.name()) == local) return a.value();
  }
  return "";
}

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

// Appends the text of a <t>, undoing OOXML's "_xHHHH_" escapes of control characters
// ("_x000D_" is a CR, "_x005F_" a literal '_').
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

// The text of an <si> or <is>: its <t>, or the <t> of each rich-text run <r>. Phonetic
// runs <rPh> are not part of the text.
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

// "C5" → column index 2 (0-based); npos when `ref` does not start with letters.
size_t ColumnIndex(const char* ref) {
  size_t column = 0;
  const char* p = ref;
  for (; *p >= 'A' && *p <= 'Z'; ++p) {
    column = std::min<size_t>(column * 26 + (*p - 'A' + 1), 16385);  // no wrap-around
  }
  if (p == ref || column > 16384) return std::string::npos;
  return column - 1;
}

// Whether the built-in number format `id` is a date (or time) format: 14-22 in every
// locale, 27-36 and 50-58 in the East Asian ones (年月日), 45-47 the minutes and seconds.
bool IsBuiltInDateFormat(unsigned long id) {
  return (id >= 14 && id <= 22) || (id >= 27 && id <= 36) || (id >= 45 && id <= 47) ||
         (id >= 50 && id <= 58);
}

// Whether a custom number format code formats a date: it has a y, m or d (either case)
// outside "quoted text", [brackets] ([Red], [$-804], [h]) and the character after a
// backslash, '_' or '*' (an escaped, a spacing and a fill character).
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

// Days from 1970-01-01 to the epochs of the two date systems: serial 0 of the 1904 system
// is 1904-01-01; in the 1900 system serial 61 is 1900-03-01 (serial 25569 is 1970-01-01),
// and serials 1-59 (1900-01-01 to 02-28) are one day later than that count, because Excel
// counts a 1900-02-29 (serial 60) that never was, as Lotus 1-2-3 did.
constexpr int32_t kDays1904 = -24107;
constexpr int32_t kDays1900 = -25569;
constexpr double kLastSerial1900 = 2958465;  // 9999-12-31
constexpr double kLastSerial1904 = 2957003;  // 9999-12-31

// The text of a number cell <v>`text`</v> as a spreadsheet shows it (table.h), and its
// kind: kDate when `date_style` and the serial is in range, else kNumber.
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

// Out of memory or a size past what a string can hold, while reading `path`: a workbook
// too large for this machine is refused like a malformed one, never a crash.
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

// The shared strings of a workbook, end to end in one string: 8 bytes an item besides its
// text, so that millions of tiny <si/> cannot cost more memory than their XML.
class SharedStrings {
 public:
  size_t size() const { return ends_.size(); }
  std::string_view operator[](size_t i) const {
    const size_t begin = i == 0 ? 0 : ends_[i - 1];
    return std::string_view(text_).substr(begin, ends_[i] - begin);
  }
  // Appends the text of the <si> `item`.
  void Add(pugi::xml_node item) {
    AppendStringItem(text_, item);
    ends_.push_back(text_.size());
  }
  void Shrink() {
    text_.shrink_to_fit();
    ends_.shrink_to_fit();
  }

 private:
  std::string text_;
  std::vector<uint64_t> ends_;
};

// A part's bytes and the document parsed in place over them (pugixml keeps pointers into
// `bytes`, so the two live and die together).
struct ParsedPart {
  std::string bytes;
  pugi::xml_document doc;
};

// The bytes of the part `name` that may be inflated: E_FORMAT if absent, or at once if its
// headers claim more than that. The compressed size is a claim too: no entry can be
// larger than the whole file.
Result<uint64_t> AllowedBytes(zip_t* zip, const std::string& path, uint64_t file_size,
                              const std::string& name) {
  zip_stat_t stat;
  zip_stat_init(&stat);
  if (zip_stat(zip, name.c_str(), 0, &stat) != 0) return NotAWorkbook(path);
  uint64_t compressed = file_size;
  if ((stat.valid & ZIP_STAT_COMP_SIZE) && stat.comp_size < compressed) {
    compressed = stat.comp_size;
  }
  const uint64_t allowed = std::min<uint64_t>(
      kXlsxMaxPartBytes, std::max<uint64_t>(kXlsxRatioFloorBytes, compressed * kXlsxMaxRatio));
  if ((stat.valid & ZIP_STAT_SIZE) && stat.size > allowed) return PartTooLarge(path, name);
  return allowed;
}

// An open part, inflated a chunk at a time and counted against its allowance.
class PartStream {
 public:
  PartStream(std::shared_ptr<zip_t> zip, std::string path, std::string name)
      : zip_(std::move(zip)), path_(std::move(path)), name_(std::move(name)) {}
  PartStream(const PartStream&) = delete;
  PartStream& operator=(const PartStream&) = delete;
  ~PartStream() {
    if (file_ != nullptr) zip_fclose(file_);
  }

  Status Open(uint64_t file_size) {
    Result<uint64_t> allowed = AllowedBytes(zip_.get(), path_, file_size, name_);
    if (!allowed.ok()) return allowed.error();
    allowed_ = *allowed;
    file_ = zip_fopen(zip_.get(), name_.c_str(), 0);
    if (file_ == nullptr) return NotAWorkbook(path_);
    return Status::Ok();
  }

  // Appends up to kXlsxReadChunk inflated bytes to `out`; false at the end of the part.
  Result<bool> Read(std::string& out) {
    const size_t at = out.size();
    out.resize(at + kXlsxReadChunk);
    const zip_int64_t got = zip_fread(file_, out.data() + at, kXlsxReadChunk);
    out.resize(at + static_cast<size_t>(got < 0 ? 0 : got));
    if (got < 0) {
      const std::string reason = zip_file_strerror(file_);
      return Error{
          "E_FORMAT",
          "不是有效的 XLSX 工作簿：" + path_ + "（无法解压 " + name_ + "：" + reason + "）",
          "not a valid XLSX workbook: " + path_ + " (cannot inflate " + name_ + ": " + reason +
              ")"};
    }
    inflated_ += static_cast<uint64_t>(got);
    if (inflated_ > allowed_) return PartTooLarge(path_, name_);
    return got > 0;
  }

  const std::string& path() const { return path_; }
  const std::string& name() const { return name_; }

 private:
  std::shared_ptr<zip_t> zip_;  // kept open while the part is read
  std::string path_;
  std::string name_;
  zip_file_t* file_ = nullptr;
  uint64_t allowed_ = 0;
  uint64_t inflated_ = 0;
};

// The <item> children of the first <container> element of a part (the rows of
// <sheetData>, the <si> of <sst>), a batch of whole items at a time: the XML is scanned as
// it is inflated (comments, CDATA, processing instructions and DOCTYPEs skipped whole,
// quoted attribute values respected), and each batch of about kBatchBytes of complete
// items is parsed by pugixml as a fragment. Memory: one batch and one item, never the part.
class ElementStream {
 public:
  ElementStream(std::unique_ptr<PartStream> part, std::string_view container, std::string_view item)
      : part_(std::move(part)), container_(container), item_(item) {}

  // The first item of the next batch (its siblings follow), or a null node at the end.
  // E_FORMAT for XML that is not well formed, an item over kMaxItemBytes, or a part past
  // its allowance. The nodes stay valid until the next call.
  Result<pugi::xml_node> NextBatch();

 private:
  static constexpr size_t kBatchBytes = size_t{1} << 20;
  static constexpr size_t kMaxItemBytes = size_t{16} << 20;
  enum class State { kBeforeContainer, kInContainer, kDone };

  // Advances scan_ over the complete markup in text_; stops at an incomplete piece.
  void Scan();
  Error Malformed(const std::string& zh, const std::string& en) const {
    return Error{
        "E_FORMAT",
        "不是有效的 XLSX 工作簿：" + part_->path() + "（" + part_->name() + "：" + zh + "）",
        "not a valid XLSX workbook: " + part_->path() + " (" + part_->name() + ": " + en + ")"};
  }

  std::unique_ptr<PartStream> part_;
  std::string container_;
  std::string item_;
  State state_ = State::kBeforeContainer;
  bool eof_ = false;
  bool saw_element_ = false;
  std::string text_;        // inflated XML not yet handed out
  size_t scan_ = 0;         // text_[0, scan_) is scanned
  size_t batch_start_ = 0;  // where the next batch begins (in the container)
  size_t items_end_ = 0;    // the end of the last complete item; 0 when none yet
  bool in_item_ = false;
  std::string batch_;  // the bytes pugixml parsed in place
  pugi::xml_document doc_;
};

void ElementStream::Scan() {
  const size_t size = text_.size();
  constexpr size_t npos = std::string::npos;
  while (state_ != State::kDone) {
    const size_t lt = text_.find('<', scan_);
    if (lt == npos) {
      scan_ = size;
      return;
    }
    const std::string_view rest(text_.data() + lt, size - lt);
    if (rest.size() < 9 && !eof_) {  // too short to tell "<![CDATA[" from a tag
      scan_ = lt;
      return;
    }
    size_t end = npos;  // the last byte of this piece of markup
    if (rest.starts_with("<!--")) {
      end = text_.find("-->", lt + 4);
      if (end != npos) end += 2;
    } else if (rest.starts_with("<![CDATA[")) {
      end = text_.find("]]>", lt + 9);
      if (end != npos) end += 2;
    } else if (rest.starts_with("<?")) {
      end = text_.find("?>", lt + 2);
      if (end != npos) end += 1;
    } else if (rest.starts_with("<!")) {  // a DOCTYPE, perhaps with an internal subset
      end = text_.find('>', lt);
      const size_t bracket = text_.find('[', lt);
      if (end != npos && bracket < end) {
        const size_t close = text_.find(']', bracket);
        end = close == npos ? npos : text_.find('>', close);
      }
    } else {
      // A start or end tag: its '>' outside quoted attribute values.
      char quote = 0;
      for (size_t i = lt + 1; i < size; ++i) {
        const char c = text_[i];
        if (quote != 0) {
          if (c == quote) quote = 0;
        } else if (c == '"' || c == '\'') {
          quote = c;
        } else if (c == '>') {
          end = i;
          break;
        }
      }
      if (end != npos) {
        const bool end_tag = text_[lt + 1] == '/';
        const size_t name_start = lt + (end_tag ? 2 : 1);
        size_t name_end = name_start;
        while (name_end < end && !std::strchr(" \t\r\n/>", text_[name_end])) ++name_end;
        const std::string name(text_, name_start, name_end - name_start);
        const std::string_view local = LocalName(name.c_str());
        const bool self_closing = !end_tag && text_[end - 1] == '/';
        saw_element_ = true;
        if (state_ == State::kBeforeContainer) {
          if (!end_tag && local == container_) {
            state_ = self_closing ? State::kDone : State::kInContainer;
            batch_start_ = end + 1;
          }
        } else if (end_tag) {
          if (in_item_ && local == item_) {
            in_item_ = false;
            items_end_ = end + 1;
          } else if (!in_item_ && local == container_) {
            state_ = State::kDone;
          }
        } else if (!in_item_ && local == item_) {
          if (self_closing) {
            items_end_ = end + 1;
          } else {
            in_item_ = true;
          }
        }
      }
    }
    if (end == npos) {  // incomplete: scan it again when more text has come
      scan_ = lt;
      return;
    }
    scan_ = end + 1;
  }
}

Result<pugi::xml_node> ElementStream::NextBatch() {
  for (;;) {
    Scan();
    const bool ended = state_ == State::kDone || eof_;
    if (items_end_ > 0 && (ended || items_end_ - batch_start_ >= kBatchBytes)) {
      batch_.assign(text_, batch_start_, items_end_ - batch_start_);
      text_.erase(0, items_end_);
      scan_ -= items_end_;
      batch_start_ = 0;
      items_end_ = 0;
      pugi::xml_parse_result parsed = doc_.load_buffer_inplace(
          batch_.data(), batch_.size(), kParseOptions | pugi::parse_fragment, pugi::encoding_utf8);
      if (!parsed) return Malformed(parsed.description(), parsed.description());
      for (pugi::xml_node c = doc_.first_child(); c; c = c.next_sibling()) {
        if (c.type() == pugi::node_element && LocalName(c.name()) == item_) return c;
      }
      continue;  // nothing but whitespace and comments
    }
    if (ended) {
      if (!saw_element_) return Malformed("不是 XML", "not XML");
      if (state_ == State::kInContainer) return Malformed("文件不完整", "truncated");
      doc_.reset();
      return pugi::xml_node();
    }
    // Before the container nothing scanned is kept; in it, an item may not grow forever.
    if (state_ == State::kBeforeContainer) {
      text_.erase(0, scan_);
      scan_ = 0;
    }
    const size_t pending = text_.size() - (items_end_ > 0 ? items_end_ : batch_start_);
    if (pending > kMaxItemBytes + kBatchBytes) {
      return Malformed("一个元素超过 16 MiB", "an element over 16 MiB");
    }
    Result<bool> more = part_->Read(text_);
    if (!more.ok()) return more.error();
    if (!*more) eof_ = true;
  }
}

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

Result<std::unique_ptr<XlsxBook>> XlsxBook::Open(const std::string& path) {
  try {
    return OpenBook(path);
  } catch (const std::bad_alloc&) {
    return TooLargeForMemory(path);
  } catch (const std::length_error&) {
    return TooLargeForMemory(path);
  }
}

}  // namespace fupin
