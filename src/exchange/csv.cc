// CSV reading (a streaming RFC 4180 state machine over DecodingReader's UTF-8 chunks) and
// writing (buffered, converted to GB18030 a buffer at a time when asked).
#include <algorithm>
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

constexpr size_t kMaxRecordBytes = size_t{4} << 20;

// Prefixes both messages of `error` with the file name, unless they already name it.
Error WithFileName(Error error, const std::string& path) {
  if (error.en.find(path) == std::string::npos) {
    error.zh = path + "：" + error.zh;
    error.en = path + ": " + error.en;
  }
  return error;
}

class CsvReader : public TableReader {
 public:
  CsvReader(std::string path, std::unique_ptr<DecodingReader> in)
      : path_(std::move(path)), in_(std::move(in)) {}

  Result<bool> Next(Record& record) override;
  const std::string& name() const override { return path_; }
  Encoding encoding() const override { return in_->encoding(); }

 private:
  enum class State {
    kFieldStart,     // before the first character of a field
    kUnquoted,       // inside a field that is not (or no longer) quoted
    kQuoted,         // inside quotes
    kQuoteInQuoted,  // just after a '"' inside quotes: a doubled quote or the closing one
  };

  // Replaces the buffer with the next decoded chunk; false at the end of the file.
  Result<bool> Refill();
  // The first ',' or '\n' in [p, end), or `end`.
  const char* FindDelimiter(const char* p, const char* end);

  std::string path_;
  std::unique_ptr<DecodingReader> in_;
  std::string buffer_;  // decoded UTF-8 text; [pos_, size) not yet parsed
  size_t pos_ = 0;
  size_t newline_ = 0;  // offset of the next '\n' at or after pos_ (or the size)
  bool newline_known_ = false;
  bool eof_ = false;
  size_t line_ = 1;  // physical line at pos_
};

Result<bool> CsvReader::Refill() {
  buffer_.clear();  // keeps the capacity
  pos_ = 0;
  newline_known_ = false;
  Result<bool> more = in_->Read(buffer_);
  if (!more.ok()) return WithFileName(more.error(), path_);
  if (!*more) eof_ = true;
  return !eof_;
}

const char* CsvReader::FindDelimiter(const char* p, const char* end) {
  const char* base = buffer_.data();
  if (!newline_known_ || base + newline_ < p) {
    const void* nl = std::memchr(p, '\n', end - p);
    newline_ = nl ? static_cast<const char*>(nl) - base : buffer_.size();
    newline_known_ = true;
  }
  const char* limit = base + newline_;
  const void* comma = std::memchr(p, ',', limit - p);
  return comma ? static_cast<const char*>(comma) : limit;
}

Result<bool> CsvReader::Next(Record& record) {
  std::vector<std::string>& cells = record.cells;
  size_t used = 0;         // cells of this record so far
  size_t quoted_end = 0;   // length of the current cell when its quotes closed
  bool had_quote = false;  // the record holds a quoted field (so it is never blank)
  size_t start_line = line_;
  State state = State::kFieldStart;

  for (;;) {
    if (pos_ == buffer_.size()) {
      if (eof_) break;
      // A record longer than any real row means a missing line break or closing quote:
      // stop before it fills the memory (a 2 GB file without a line break is refused here).
      size_t record_bytes = 0;
      for (size_t i = 0; i < used; ++i) record_bytes += cells[i].size();
      if (record_bytes > kMaxRecordBytes) {
        std::string n = std::to_string(start_line);
        Error error{"E_FORMAT",
                    path_ + "：第 " + n + " 行：一条记录超过 4 MiB，可能缺少换行或右引号",
                    path_ + ": line " + n +
                        ": a record over 4 MiB (a line break or a closing quote is missing?)"};
        error.line = start_line;
        return error;
      }
      Result<bool> more = Refill();
      if (!more.ok()) return more.error();
      continue;
    }
    const char* base = buffer_.data();
    const char* p = base + pos_;
    const char* end = base + buffer_.size();
    bool record_done = false;

    switch (state) {
      case State::kFieldStart:
        if (used == cells.size()) {
          cells.emplace_back();
        } else {
          cells[used].clear();
        }
        ++used;
        quoted_end = 0;
        if (*p == '"') {
          had_quote = true;
          ++p;
          state = State::kQuoted;
        } else {
          state = State::kUnquoted;
        }
        break;

      case State::kUnquoted: {
        std::string& cell = cells[used - 1];
        const char* stop = FindDelimiter(p, end);
        cell.append(p, stop);
        if (stop == end) {
          p = end;
        } else if (*stop == ',') {
          p = stop + 1;
          state = State::kFieldStart;
        } else {  // '\n'
          if (cell.size() > quoted_end && cell.back() == '\r') cell.pop_back();
          p = stop + 1;
          ++line_;
          record_done = true;
        }
        break;
      }

      case State::kQuoted: {
        std::string& cell = cells[used - 1];
        const char* quote = static_cast<const char*>(std::memchr(p, '"', end - p));
        const char* stop = quote ? quote : end;
        line_ += std::count(p, stop, '\n');
        cell.append(p, stop);
        if (quote) {
          p = quote + 1;
          state = State::kQuoteInQuoted;
        } else {
          p = end;
        }
        break;
      }

      case State::kQuoteInQuoted: {
        std::string& cell = cells[used - 1];
        if (*p == '"') {
          cell.push_back('"');
          ++p;
          state = State::kQuoted;
        } else if (*p == ',') {
          ++p;
          state = State::kFieldStart;
        } else if (*p == '\n') {
          ++p;
          ++line_;
          record_done = true;
        } else {
          // Text after the closing quote ("ab"c, or the CR of a CRLF) is kept as unquoted.
          quoted_end = cell.size();
          state = State::kUnquoted;
        }
        break;
      }
    }
    pos_ = p - base;

    if (record_done) {
      if (used == 1 && cells[0].empty() && !had_quote) {  // a blank line
        used = 0;
        start_line = line_;
        state = State::kFieldStart;
        continue;
      }
      cells.resize(used);
      record.line = start_line;
      return true;
    }
  }

  // End of the file.
  switch (state) {
    case State::kFieldStart:
      if (used == 0) {
        cells.clear();
        return false;
      }
      // "a,b," ends with an empty field.
      if (used == cells.size()) {
        cells.emplace_back();
      } else {
        cells[used].clear();
      }
      ++used;
      break;
    case State::kQuoted: {
      std::string n = std::to_string(start_line);
      Error error{"E_FORMAT", path_ + "：第 " + n + " 行：引号未闭合",
                  path_ + ": line " + n + ": unterminated quote"};
      error.line = start_line;
      return error;
    }
    case State::kUnquoted: {
      std::string& cell = cells[used - 1];
      if (cell.size() > quoted_end && !cell.empty() && cell.back() == '\r') cell.pop_back();
      break;
    }
    case State::kQuoteInQuoted:
      break;
  }
  if (used == 1 && cells[0].empty() && !had_quote) {  // a last line of nothing but a CR
    cells.clear();
    return false;
  }
  cells.resize(used);
  record.line = start_line;
  return true;
}

constexpr size_t kFlushSize = 1 << 20;

Error WriteError(const std::string& path, int error_number) {
  std::string reason = std::strerror(error_number);
  return Error::Io("无法写入文件 " + path + "：" + reason,
                   "cannot write file " + path + ": " + reason);
}

}  // namespace

Result<std::unique_ptr<TableReader>> OpenCsv(const std::string& path, Encoding encoding) {
  Result<std::unique_ptr<DecodingReader>> in = DecodingReader::Open(path, encoding);
  if (!in.ok()) return WithFileName(in.error(), path);
  return std::unique_ptr<TableReader>(new CsvReader(path, std::move(in).value()));
}

Result<std::unique_ptr<CsvWriter>> CsvWriter::Create(const std::string& path, Encoding encoding,
                                                     bool bom) {
  std::FILE* file = std::fopen(path.c_str(), "wb");
  if (file == nullptr) {
    std::string reason = std::strerror(errno);
    return Error::Io("无法创建文件 " + path + "：" + reason,
                     "cannot create file " + path + ": " + reason);
  }
  std::unique_ptr<CsvWriter> writer(new CsvWriter());
  writer->file_ = file;
  writer->path_ = path;
  writer->encoding_ = encoding == Encoding::kGb18030 ? Encoding::kGb18030 : Encoding::kUtf8;
  writer->buffer_.reserve(kFlushSize + 4096);
  if (bom && writer->encoding_ == Encoding::kUtf8) {
    writer->buffer_ = "\xEF\xBB\xBF";
  }
  return writer;
}

CsvWriter::~CsvWriter() {
  if (file_ != nullptr) (void)Close();
}

namespace {

// Writes `bytes` to `file`; E_IO with the path on a short write.
Status WriteAll(std::FILE* file, std::string_view bytes, const std::string& path) {
  if (bytes.empty()) return Status::Ok();
  if (std::fwrite(bytes.data(), 1, bytes.size(), file) != bytes.size()) {
    return WriteError(path, errno);
  }
  return Status::Ok();
}

// Writes the UTF-8 `buffer` (whole rows, so never ending inside a character) to `file`
// in `encoding`, and empties it.
Status WriteBuffer(std::FILE* file, Encoding encoding, std::string& buffer,
                   const std::string& path) {
  Status status;
  if (encoding == Encoding::kGb18030) {
    Result<std::string> converted = Utf8ToGb18030(buffer);
    status = converted.ok() ? WriteAll(file, *converted, path)
                            : Status(WithFileName(converted.error(), path));
  } else {
    status = WriteAll(file, buffer, path);
  }
  buffer.clear();
  return status;
}

// Appends `cell` to `out`, quoted when it holds ',', '"', CR or LF or starts or ends with a
// space, and after a single quote when a spreadsheet would read it as a formula (it
// begins with = + - @, TAB or CR: OWASP's advice against CSV injection). The import reads
// such a quote away again (exchange/template.cc), so an export imports unchanged.
void AppendCell(std::string& out, const std::string& cell) {
  const bool formula = StartsLikeFormula(cell);
  bool quote = !cell.empty() && (cell.front() == ' ' || cell.back() == ' ' ||
                                 cell.find_first_of(",\"\r\n") != std::string::npos);
  if (!quote) {
    if (formula) out += '\'';
    out += cell;
    return;
  }
  out += '"';
  if (formula) out += '\'';
  size_t from = 0;
  for (size_t q = cell.find('"'); q != std::string::npos; q = cell.find('"', from)) {
    out.append(cell, from, q + 1 - from);
    out += '"';
    from = q + 1;
  }
  out.append(cell, from, std::string::npos);
  out += '"';
}

}  // namespace

Status CsvWriter::WriteRow(const std::vector<std::string>& cells) {
  if (file_ == nullptr) {
    return Error::Io("文件已关闭：" + path_, "file already closed: " + path_);
  }
  for (size_t i = 0; i < cells.size(); ++i) {
    if (i > 0) buffer_ += ',';
    AppendCell(buffer_, cells[i]);
  }
  buffer_ += '\n';
  if (buffer_.size() < kFlushSize) return Status::Ok();
  return WriteBuffer(file_, encoding_, buffer_, path_);
}

Status CsvWriter::Close() {
  if (file_ == nullptr) return Status::Ok();
  Status status = WriteBuffer(file_, encoding_, buffer_, path_);
  buffer_.shrink_to_fit();
  bool flushed = std::fflush(file_) == 0;
  int flush_errno = errno;
  bool closed = std::fclose(file_) == 0;
  int close_errno = errno;
  file_ = nullptr;
  if (!status.ok()) return status;
  if (!flushed) return WriteError(path_, flush_errno);
  if (!closed) return WriteError(path_, close_errno);
  return Status::Ok();
}

}  // namespace fupin
