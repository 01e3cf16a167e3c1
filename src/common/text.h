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
