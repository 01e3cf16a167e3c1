#include "common/text.h"

#include <iconv.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstdio>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace fupin {
namespace {

constexpr size_t kChunkSize = size_t{1} << 20;  // bytes of the file decoded per Read()
constexpr size_t kHeadSize = size_t{64} << 10;  // bytes looked at to detect the encoding
constexpr std::string_view kUtf8Bom = "\xEF\xBB\xBF";

// Length of the longest prefix of `bytes` made of whole, well-formed UTF-8 characters
// (Unicode 15, table 3-7: no overlong forms, no surrogates, nothing above U+10FFFF).
// `*truncated_tail` tells whether the bytes after that prefix are the beginning of a
// well-formed character cut short by the end of `bytes`.
size_t Utf8ValidPrefix(std::string_view bytes, bool* truncated_tail) {
  *truncated_tail = false;
  const auto* p = reinterpret_cast<const unsigned char*>(bytes.data());
  const size_t n = bytes.size();
  size_t i = 0;
  while (i < n) {
    const unsigned char lead = p[i];
    if (lead < 0x80) {
      ++i;
      continue;
    }
    size_t length;
    unsigned char second_lo = 0x80, second_hi = 0xBF;
    if (lead >= 0xC2 && lead <= 0xDF) {
      length = 2;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
      length = 3;
      if (lead == 0xE0) second_lo = 0xA0;
      if (lead == 0xED) second_hi = 0x9F;
    } else if (lead >= 0xF0 && lead <= 0xF4) {
      length = 4;
      if (lead == 0xF0) second_lo = 0x90;
      if (lead == 0xF4) second_hi = 0x8F;
    } else {
      return i;
    }
    for (size_t k = 1; k < length; ++k) {
      if (i + k == n) {
        *truncated_tail = true;
        return i;
      }
      const unsigned char lo = k == 1 ? second_lo : 0x80;
      const unsigned char hi = k == 1 ? second_hi : 0xBF;
      if (p[i + k] < lo || p[i + k] > hi) return i;
    }
    i += length;
  }
  return i;
}

// An iconv conversion descriptor, closed on destruction.
class IconvHandle {
 public:
  IconvHandle(const char* to, const char* from) : cd_(iconv_open(to, from)) {}
  ~IconvHandle() {
    if (ok()) iconv_close(cd_);
  }
  IconvHandle(const IconvHandle&) = delete;
  IconvHandle& operator=(const IconvHandle&) = delete;

  bool ok() const { return cd_ != reinterpret_cast<iconv_t>(-1); }
  iconv_t get() const { return cd_; }

 private:
  iconv_t cd_;
};

struct Conversion {
  std::string output;
  size_t consumed = 0;  // bytes of input converted into `output`
  int error = 0;        // 0 when all input was converted, else EILSEQ or EINVAL
};

// Converts as much of `input` as forms whole valid characters. iconv stops at an invalid
// sequence (EILSEQ) or at an incomplete one at the end of the input (EINVAL).
Conversion Convert(iconv_t cd, std::string_view input) {
  Conversion c;
  iconv(cd, nullptr, nullptr, nullptr, nullptr);  // back to the initial state
  c.output.resize(input.size() * 2 + 16);
  char* in = const_cast<char*>(input.data());
  size_t in_left = input.size();
  size_t out_used = 0;
  while (in_left > 0) {
    char* out = c.output.data() + out_used;
    size_t out_left = c.output.size() - out_used;
    const size_t r = iconv(cd, &in, &in_left, &out, &out_left);
    const int saved_errno = errno;
    out_used = static_cast<size_t>(out - c.output.data());
    if (r != static_cast<size_t>(-1)) break;
    if (saved_errno == E2BIG) {
      c.output.resize(c.output.size() * 2);
      continue;
    }
    c.error = saved_errno == EINVAL ? EINVAL : EILSEQ;
    break;
  }
  c.output.resize(out_used);
  c.consumed = input.size() - in_left;
  return c;
}

// Length of the longest prefix of `bytes` that is valid GB18030 (whole characters), and
// whether the rest is an incomplete character at the very end. False if iconv lacks
// GB18030.
bool Gb18030ValidPrefix(std::string_view bytes, size_t* valid, bool* truncated_tail) {
  IconvHandle cd("UTF-8", "GB18030");
  if (!cd.ok()) return false;
  Conversion c = Convert(cd.get(), bytes);
  *valid = c.consumed;
  *truncated_tail = c.error == EINVAL;
  return true;
}

size_t CountNewlines(std::string_view text) {
  return static_cast<size_t>(std::count(text.begin(), text.end(), '\n'));
}

Error EncodingError(std::string zh, std::string en) {
  return {"E_ENCODING", std::move(zh), std::move(en)};
}

Error NoGb18030Support() {
  return EncodingError("系统的 iconv 不支持 GB18030 编码", "iconv on this system lacks GB18030");
}

Error BadBytesError(const std::string& path, Encoding encoding, size_t line) {
  const std::string name = encoding == Encoding::kGb18030 ? "GB18030" : "UTF-8";
  const std::string n = std::to_string(line);
  Error error = EncodingError(
      "文件编码错误：" + path + " 第 " + n + " 行的字节不是有效的 " + name,
      "bad encoding in " + path + ": the bytes on line " + n + " are not valid " + name);
  error.line = line;
  return error;
}

bool HasNonAscii(std::string_view text) {
  return std::any_of(text.begin(), text.end(),
                     [](char c) { return static_cast<unsigned char>(c) >= 0x80; });
}

Error ReadError(const std::string& path) {
  return Error::Io("无法读取文件：" + path, "cannot read file: " + path);
}

}  // namespace

std::string_view TrimSpaces(std::string_view s) {
  constexpr std::string_view kIdeographicSpace = "\xE3\x80\x80";
  while (true) {
    if (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r')) {
      s.remove_prefix(1);
    } else if (s.starts_with(kIdeographicSpace)) {
      s.remove_prefix(3);
    } else if (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) {
      s.remove_suffix(1);
    } else if (s.ends_with(kIdeographicSpace)) {
      s.remove_suffix(3);
    } else {
      return s;
    }
  }
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

std::optional<Encoding> ParseEncoding(std::string_view text) {
  std::string lower(text);
  std::transform(lower.begin(), lower.end(), lower.begin(), [](char c) {
    return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
  });
  if (lower == "auto") return Encoding::kAuto;
  if (lower == "utf-8" || lower == "utf8") return Encoding::kUtf8;
  if (lower == "gb18030" || lower == "gbk") return Encoding::kGb18030;
  return std::nullopt;
}

const char* EncodingName(Encoding encoding) {
  switch (encoding) {
    case Encoding::kUtf8:
      return "utf-8";
    case Encoding::kGb18030:
      return "gb18030";
    case Encoding::kAuto:
      break;
  }
  return "auto";
}

bool IsValidUtf8(std::string_view bytes, bool allow_truncated_tail) {
  bool truncated = false;
  const size_t valid = Utf8ValidPrefix(bytes, &truncated);
  return valid == bytes.size() || (allow_truncated_tail && truncated);
}

std::optional<Encoding> DetectEncoding(std::string_view head) {
  if (head.starts_with(kUtf8Bom)) return Encoding::kUtf8;
  if (IsValidUtf8(head, /*allow_truncated_tail=*/true)) return Encoding::kUtf8;
  size_t valid = 0;
  bool truncated = false;
  if (Gb18030ValidPrefix(head, &valid, &truncated) && (valid == head.size() || truncated)) {
    return Encoding::kGb18030;
  }
  return std::nullopt;
}

Result<std::string> Gb18030ToUtf8(std::string_view bytes) {
  IconvHandle cd("UTF-8", "GB18030");
  if (!cd.ok()) return NoGb18030Support();
  Conversion c = Convert(cd.get(), bytes);
  if (c.error != 0) {
    return EncodingError("文本不是有效的 GB18030 编码", "text is not valid GB18030");
  }
  return std::move(c.output);
}

Result<std::string> Utf8ToGb18030(std::string_view text) {
  if (!IsValidUtf8(text)) {
    return EncodingError("文本不是有效的 UTF-8 编码", "text is not valid UTF-8");
  }
  IconvHandle cd("GB18030", "UTF-8");
  if (!cd.ok()) return NoGb18030Support();
  Conversion c = Convert(cd.get(), text);
  if (c.error != 0) {
    return EncodingError("文本无法转换为 GB18030 编码", "text cannot be converted to GB18030");
  }
  return std::move(c.output);
}

Result<std::unique_ptr<DecodingReader>> DecodingReader::Open(const std::string& path,
                                                             Encoding forced) {
  std::FILE* file = std::fopen(path.c_str(), "rb");
  if (file == nullptr) return ReadError(path);
  std::unique_ptr<DecodingReader> reader(new DecodingReader());
  reader->file_ = file;
  reader->path_ = path;

  Encoding encoding = forced;
  if (forced == Encoding::kAuto) {
    // The head stays in pending_: Read() decodes it first.
    std::string head(kHeadSize, '\0');
    const size_t got = std::fread(head.data(), 1, head.size(), file);
    if (std::ferror(file)) return ReadError(path);
    head.resize(got);
    if (got < kHeadSize) reader->eof_ = true;
    std::optional<Encoding> detected = DetectEncoding(head);
    if (!detected) {
      // Point at the bytes where the encoding that reads further stops making sense.
      bool truncated = false;
      size_t where = Utf8ValidPrefix(head, &truncated);
      size_t gb_valid = 0;
      if (Gb18030ValidPrefix(head, &gb_valid, &truncated)) where = std::max(where, gb_valid);
      const size_t line = 1 + CountNewlines(head.substr(0, where));
      const std::string n = std::to_string(line);
      Error error = EncodingError(
          "文件编码无法识别：" + path + " 第 " + n + " 行的字节既不是 UTF-8 也不是 GB18030",
          "cannot tell the encoding of " + path + ": the bytes on line " + n +
              " are neither UTF-8 nor GB18030");
      error.line = line;
      return error;
    }
    encoding = *detected;
    reader->undecided_ = encoding == Encoding::kUtf8 && !HasNonAscii(head);
    reader->pending_ = std::move(head);
  }
  reader->encoding_ = encoding;

  if (encoding == Encoding::kGb18030) {
    iconv_t cd = iconv_open("UTF-8", "GB18030");
    if (cd == reinterpret_cast<iconv_t>(-1)) return NoGb18030Support();
    reader->iconv_ = cd;
  }
  return reader;
}

DecodingReader::~DecodingReader() {
  if (iconv_ != nullptr) iconv_close(static_cast<iconv_t>(iconv_));
  if (file_ != nullptr) std::fclose(file_);
}

Result<bool> DecodingReader::Read(std::string& out) {
  while (true) {
    // Fill pending_ up to one chunk, so chunks end at multiples of kChunkSize in the file.
    if (!eof_ && pending_.size() < kChunkSize) {
      const size_t old_size = pending_.size();
      const size_t want = kChunkSize - old_size;
      pending_.resize(kChunkSize);
      const size_t got = std::fread(pending_.data() + old_size, 1, want, file_);
      pending_.resize(old_size + got);
      if (got < want) {
        if (std::ferror(file_)) return ReadError(path_);
        eof_ = true;
      }
    }
    if (first_) {
      first_ = false;
      if (encoding_ == Encoding::kUtf8 && std::string_view(pending_).starts_with(kUtf8Bom)) {
        pending_.erase(0, kUtf8Bom.size());
      }
    }
    if (pending_.empty()) return false;  // only at the end of the file

    if (encoding_ == Encoding::kUtf8) {
      bool truncated = false;
      const size_t valid = Utf8ValidPrefix(pending_, &truncated);
      const std::string_view text = std::string_view(pending_).substr(0, valid);
      const size_t newlines = CountNewlines(text);
      if (undecided_ && HasNonAscii(text)) undecided_ = false;
      if (valid < pending_.size() && !(truncated && !eof_)) {
        if (!undecided_) return BadBytesError(path_, encoding_, lines_before_ + 1 + newlines);
        // Everything so far was ASCII, which GB18030 reads the same: switch and go on.
        iconv_t cd = iconv_open("UTF-8", "GB18030");
        if (cd == reinterpret_cast<iconv_t>(-1)) return NoGb18030Support();
        iconv_ = cd;
        encoding_ = Encoding::kGb18030;
        undecided_ = false;
        out.append(text);
        lines_before_ += newlines;
        pending_.erase(0, valid);
        if (valid > 0) return true;
        continue;
      }
      out.append(text);
      lines_before_ += newlines;
      pending_.erase(0, valid);  // keeps a character cut by the chunk's end
      if (valid > 0) return true;
    } else {
      Conversion c = Convert(static_cast<iconv_t>(iconv_), pending_);
      const size_t newlines = CountNewlines(c.output);
      if (c.error == EILSEQ || (c.error == EINVAL && eof_)) {
        return BadBytesError(path_, encoding_, lines_before_ + 1 + newlines);
      }
      out.append(c.output);
      lines_before_ += newlines;
      pending_.erase(0, c.consumed);  // keeps a character cut by the chunk's end
      if (!c.output.empty()) return true;
    }
  }
}

void AppendJsonString(std::string& out, std::string_view text) {
  out.push_back('"');
  // Runs of bytes that need no escape (nearly all of them) are appended at once.
  size_t run = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c != '"' && c != '\\' && static_cast<unsigned char>(c) >= 0x20) continue;
    out.append(text.data() + run, i - run);
    run = i + 1;
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default: {  // another control character
        static const char kHex[] = "0123456789abcdef";
        out += "\\u00";
        out.push_back(kHex[(c >> 4) & 15]);
        out.push_back(kHex[c & 15]);
      }
    }
  }
  out.append(text.data() + run, text.size() - run);
  out.push_back('"');
}

namespace {

// The refused character that begins at byte `i` of `p` (n bytes), or 0 when there is none
// there. `*length` receives its length in bytes. U+0000 is reported as 0x110000 so that 0
// can mean "none".
constexpr char32_t kNul = 0x110000;
char32_t RefusedAt(const unsigned char* p, size_t n, size_t i, LineBreaks line_breaks,
                   size_t* length) {
  const unsigned char b = p[i];
  *length = 1;
  if (b < 0x20) {
    if (line_breaks == LineBreaks::kAllowed && (b == '\t' || b == '\n' || b == '\r')) return 0;
    return b == 0 ? kNul : b;
  }
  if (b == 0x7F) return b;
  if (b == 0xC2 && i + 1 < n && p[i + 1] >= 0x80 && p[i + 1] <= 0x9F) {
    *length = 2;
    return p[i + 1];  // U+0080–U+009F
  }
  if (b == 0xD8 && i + 1 < n && p[i + 1] == 0x9C) {
    *length = 2;
    return 0x061C;
  }
  if (b == 0xE2 && i + 2 < n) {
    const unsigned char c = p[i + 1], d = p[i + 2];
    if ((c == 0x80 && (d == 0x8E || d == 0x8F || (d >= 0xAA && d <= 0xAE))) ||
        (c == 0x81 && d >= 0xA6 && d <= 0xA9)) {
      *length = 3;
      return 0x2000 + (static_cast<char32_t>(c - 0x80) << 6) + (d - 0x80);
    }
  }
  return 0;
}

bool IsBidiControl(char32_t cp) { return cp == 0x061C || cp >= 0x2000; }

}  // namespace

bool MayHoldControl(std::string_view bytes) {
  const auto* p = reinterpret_cast<const unsigned char*>(bytes.data());
  const size_t n = bytes.size();
  size_t i = 0;
#if defined(__SSE2__)
  const __m128i below = _mm_set1_epi8(0x1F);
  const __m128i del = _mm_set1_epi8(0x7F);
  const __m128i c2 = _mm_set1_epi8(static_cast<char>(0xC2));
  const __m128i d8 = _mm_set1_epi8(static_cast<char>(0xD8));
  const __m128i e2 = _mm_set1_epi8(static_cast<char>(0xE2));
  auto suspect = [&](const unsigned char* at) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(at));
    __m128i hit = _mm_cmpeq_epi8(_mm_min_epu8(v, below), v);  // v <= 0x1F
    hit = _mm_or_si128(hit, _mm_cmpeq_epi8(v, del));
    hit = _mm_or_si128(hit, _mm_cmpeq_epi8(v, c2));
    hit = _mm_or_si128(hit, _mm_cmpeq_epi8(v, d8));
    hit = _mm_or_si128(hit, _mm_cmpeq_epi8(v, e2));
    return _mm_movemask_epi8(hit) != 0;
  };
  if (n >= 16) {
    for (; i + 16 <= n; i += 16) {
      if (suspect(p + i)) return true;
    }
    // The last bytes in one more step, overlapping the previous one.
    return i < n && suspect(p + n - 16);
  }
#endif
  for (; i < n; ++i) {
    const unsigned char b = p[i];
    if (b < 0x20 || b == 0x7F || b == 0xC2 || b == 0xD8 || b == 0xE2) return true;
  }
  return false;
}

std::optional<ForbiddenControl> FindForbiddenControl(std::string_view text,
                                                     LineBreaks line_breaks) {
  if (!MayHoldControl(text)) return std::nullopt;
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  const size_t n = text.size();
  for (size_t i = 0; i < n; ++i) {
    size_t length;
    if (char32_t cp = RefusedAt(p, n, i, line_breaks, &length)) {
      return ForbiddenControl{i, cp == kNul ? 0 : cp};
    }
  }
  return std::nullopt;
}

Status CheckNoControls(std::string_view text, std::string_view field_zh, std::string_view field_en,
                       LineBreaks line_breaks) {
  const auto found = FindForbiddenControl(text, line_breaks);
  if (!found) return Status::Ok();
  const std::string what = CodePointName(found->code_point);
  return Error{
      "E_FORMAT", "“" + std::string(field_zh) + "”含有不允许的控制字符 " + what,
      std::string(field_en) + " holds a control character (" + what + "), which is not allowed"};
}

std::string CodePointName(char32_t code_point) {
  char buffer[16];
  std::snprintf(buffer, sizeof buffer, "U+%04X", static_cast<unsigned>(code_point));
  return buffer;
}

std::string EscapeControls(std::string_view text) {
  if (!MayHoldControl(text)) return std::string(text);
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  const size_t n = text.size();
  std::string out;
  out.reserve(n + 16);
  for (size_t i = 0; i < n;) {
    size_t length;
    char32_t cp = RefusedAt(p, n, i, LineBreaks::kRefused, &length);
    if (cp == 0) {
      out.push_back(static_cast<char>(p[i]));
      ++i;
      continue;
    }
    if (cp == kNul) cp = 0;
    if (cp == '\t') {
      out += "\\t";
    } else if (cp == '\n') {
      out += "\\n";
    } else if (cp == '\r') {
      out += "\\r";
    } else if (IsBidiControl(cp)) {
      out += "<" + CodePointName(cp) + ">";
    } else {
      char buffer[8];
      std::snprintf(buffer, sizeof buffer, "\\u%04X", static_cast<unsigned>(cp));
      out += buffer;
    }
    i += length;
  }
  return out;
}

bool StartsLikeFormula(std::string_view text) {
  if (text.empty()) return false;
  const char c = text.front();
  return c == '=' || c == '+' || c == '-' || c == '@' || c == '\t' || c == '\r';
}

}  // namespace fupin
