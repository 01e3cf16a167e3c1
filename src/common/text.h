// Text encodings of input files: UTF-8 (with or without BOM) and GB18030 (a superset of
// GBK, what Excel on a Chinese Windows writes for "CSV"), through glibc iconv.
#pragma once

#include <cstddef>
#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "common/error.h"

namespace fupin {

enum class Encoding { kAuto, kUtf8, kGb18030 };

// "auto", "utf-8"/"utf8", "gb18030"/"gbk", in any case; anything else yields nullopt.
std::optional<Encoding> ParseEncoding(std::string_view text);
const char* EncodingName(Encoding encoding);  // "utf-8", "gb18030", "auto"

// `text` without leading and trailing spaces, tabs, CR and ideographic spaces (U+3000,
// common in spreadsheets typed by hand).
std::string_view TrimSpaces(std::string_view text);
// ASCII letters compared without case; other bytes exactly.
bool EqualsIgnoreCase(std::string_view a, std::string_view b);

// Appends `text` as a JSON string literal: quotes, backslashes and control characters
// escaped, UTF-8 kept (for JSON written without building a tree).
void AppendJsonString(std::string& out, std::string_view text);

// ---- characters refused in stored text (issue 9, fault 14) ----
//
// Control characters hide in names and break what reads them: a NUL cuts a name in XLSX
// and in C strings, ESC and BEL drive terminals, and bidi controls (U+202E …) make a value
// read differently from what it holds. fupin refuses them in every text it stores.

// Whether TAB, LF and CR are refused too (names, codes) or accepted (a free-text cell that
// may span lines in a spreadsheet, such as 民族).
enum class LineBreaks { kRefused, kAllowed };

// A refused character: its byte offset in the text and its code point.
struct ForbiddenControl {
  size_t offset = 0;
  char32_t code_point = 0;
};

// The first refused character of UTF-8 `text`, or nullopt when there is none. Refused:
// C0 controls U+0000–U+001F (TAB, LF and CR only with LineBreaks::kRefused), DEL U+007F,
// C1 controls U+0080–U+009F, and the bidi controls U+202A–U+202E, U+2066–U+2069 and the
// marks U+200E, U+200F and U+061C. Bytes that are not UTF-8 are not looked at.
std::optional<ForbiddenControl> FindForbiddenControl(std::string_view text,
                                                     LineBreaks line_breaks = LineBreaks::kRefused);

// For free text typed into a service (a finding's dismissal reason …): E_FORMAT naming the
// field ("理由" / "reason") and the character when `text` holds one FindForbiddenControl
// refuses, Ok otherwise.
Status CheckNoControls(std::string_view text, std::string_view field_zh, std::string_view field_en,
                       LineBreaks line_breaks);

// Whether `bytes` may hold a character FindForbiddenControl refuses (TAB, LF, CR included):
// a fast test (16 bytes a step) for hot loops, true for some text that holds none (any
// character of U+2000–U+2FFF, say). False means there is none.
bool MayHoldControl(std::string_view bytes);

// `text` fit to be shown in a message, a log or a terminal: every character
// FindForbiddenControl refuses is written escaped — TAB, LF and CR as \t, \n and \r, other
// C0 and C1 controls and DEL as \u0000 … \u009F, bidi controls as <U+202E> — and the rest
// is kept as it is. Text with nothing to escape is returned unchanged.
std::string EscapeControls(std::string_view text);

// "U+202E" for a code point (at least 4 hex digits, upper case).
std::string CodePointName(char32_t code_point);

// Whether a spreadsheet would read `text` as a formula: it begins with = + - @, TAB or CR
// (OWASP, CSV injection).
bool StartsLikeFormula(std::string_view text);

// True when `bytes` is valid UTF-8. With `allow_truncated_tail`, an incomplete sequence
// at the very end (a chunk boundary) is accepted.
bool IsValidUtf8(std::string_view bytes, bool allow_truncated_tail = false);

// Decides the encoding of a file from its first bytes: a UTF-8 BOM or valid UTF-8 →
// kUtf8; otherwise valid GB18030 → kGb18030; otherwise nullopt (E_ENCODING).
std::optional<Encoding> DetectEncoding(std::string_view head);

// Whole-string conversions (for small texts: cells, messages).
Result<std::string> Gb18030ToUtf8(std::string_view bytes);
Result<std::string> Utf8ToGb18030(std::string_view text);

// Reads a file as UTF-8 text in chunks, whatever its encoding, never holding the whole
// file. Detects the encoding from the first 64 KiB unless one is forced; when those are
// all ASCII, the first non-ASCII bytes decide. A UTF-8 BOM is
// dropped. Bytes invalid in the detected encoding yield E_ENCODING with the 1-based line
// where they stand.
class DecodingReader {
 public:
  // Opens `path`; E_IO when it cannot be read, E_ENCODING (with Error::line) when kAuto
  // finds neither encoding in the first 64 KiB.
  static Result<std::unique_ptr<DecodingReader>> Open(const std::string& path, Encoding forced);
  ~DecodingReader();
  DecodingReader(const DecodingReader&) = delete;
  DecodingReader& operator=(const DecodingReader&) = delete;

  // The encoding in use (never kAuto).
  Encoding encoding() const { return encoding_; }

  // Appends the next chunk of UTF-8 text (up to about 1 MiB, always whole characters) to
  // `out`. Returns false at the end of the file with `out` untouched. On bad bytes the
  // Status holds E_ENCODING with Error::line.
  Result<bool> Read(std::string& out);

 private:
  DecodingReader() = default;
  std::FILE* file_ = nullptr;
  std::string path_;  // for error messages
  Encoding encoding_ = Encoding::kUtf8;
  void* iconv_ = nullptr;    // iconv_t when converting
  std::string pending_;      // undecoded bytes carried over between chunks
  size_t lines_before_ = 0;  // newlines already returned, for error positions
  bool first_ = true;
  bool eof_ = false;
  // Auto-detection saw only ASCII so far: the first byte that is not valid UTF-8 switches
  // to GB18030 (ASCII reads the same in both), the first valid UTF-8 character settles it.
  bool undecided_ = false;
};

}  // namespace fupin
