// Reading a workbook's parts: their allowance and the streaming of their elements
// (xlsx_stream.h).
#include "exchange/xlsx_stream.h"

#include <algorithm>
#include <cstring>
#include <new>
#include <string>

namespace fupin::xlsx {

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

}  // namespace fupin::xlsx
