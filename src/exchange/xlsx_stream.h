// Private to the XLSX reader (xlsx_*.cc): the parts of a workbook read from its zip, each
// inflated in bounded chunks and counted against its allowance (table.h), and streamed
// a batch of elements at a time (ElementStream).
#pragma once

#include <zip.h>

#include <cstdint>
#include <memory>
#include <pugixml.hpp>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/error.h"
#include "exchange/table.h"
#include "exchange/xlsx_xml.h"

namespace fupin::xlsx {

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
                              const std::string& name);

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

}  // namespace fupin::xlsx
