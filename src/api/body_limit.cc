#include "api/body_limit.h"

#include <algorithm>
#include <charconv>

#include "common/text.h"

namespace fupin {
namespace {

// Longer heads are left to the parser, which refuses them by its own limits.
constexpr std::size_t kMaxHead = 96 * 1024;

// The end of the head (the index after its blank line) searching from `from`, or npos.
std::size_t HeadEnd(const std::string& head, std::size_t from) {
  for (std::size_t i = head.find('\n', from); i != std::string::npos; i = head.find('\n', i + 1)) {
    if (i + 1 < head.size() && head[i + 1] == '\n') return i + 2;
    if (i + 2 < head.size() && head[i + 1] == '\r' && head[i + 2] == '\n') return i + 3;
  }
  return std::string::npos;
}

}  // namespace

void BodyLimitFilter::Feed(std::string_view data, std::string& out) {
  std::string rest;  // what follows a complete head, fed again
  while (!data.empty()) {
    switch (state_) {
      case State::kRefused:
        return;
      case State::kPassThrough:
        out.append(data);
        return;
      case State::kBody: {
        const auto n = static_cast<std::size_t>(
            std::min<std::uint64_t>(body_left_, static_cast<std::uint64_t>(data.size())));
        out.append(data.substr(0, n));
        data.remove_prefix(n);
        body_left_ -= n;
        if (body_left_ == 0) state_ = State::kHead;
        break;
      }
      case State::kHead: {
        // Blank lines between requests go straight through.
        while (head_.empty() && !data.empty() && (data[0] == '\r' || data[0] == '\n')) {
          out.push_back(data[0]);
          data.remove_prefix(1);
        }
        if (data.empty()) return;
        head_.append(data);
        data = {};
        const std::size_t end = HeadEnd(head_, scanned_ > 2 ? scanned_ - 2 : 0);
        if (end == std::string::npos) {
          scanned_ = head_.size();
          if (head_.size() > kMaxHead) {
            out.append(head_);
            head_.clear();
            state_ = State::kPassThrough;
          }
          return;
        }
        rest = head_.substr(end);
        head_.resize(end);
        Inspect();
        out.append(head_);
        head_.clear();
        scanned_ = 0;
        if (state_ == State::kRefused) return;
        data = rest;
        break;
      }
    }
  }
}

void BodyLimitFilter::Inspect() {
  std::uint64_t length = 0;
  std::size_t length_name = std::string::npos;
  int lengths = 0;
  bool chunked_or_odd = false;
  std::size_t line_start = head_.find('\n');  // the request line is not a header
  while (line_start != std::string::npos && line_start + 1 < head_.size()) {
    const std::size_t begin = line_start + 1;
    const std::size_t line_end = head_.find('\n', begin);
    if (line_end == std::string::npos) break;
    std::string_view line(head_.data() + begin, line_end - begin);
    line_start = line_end;
    const std::size_t colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    const std::string_view name = line.substr(0, colon);
    const std::string_view value = TrimSpaces(line.substr(colon + 1));
    if (EqualsIgnoreCase(name, "content-length")) {
      ++lengths;
      auto [ptr, ec] = std::from_chars(value.data(), value.data() + value.size(), length);
      if (ec != std::errc() || ptr != value.data() + value.size()) chunked_or_odd = true;
      length_name = begin;
    } else if (EqualsIgnoreCase(name, "transfer-encoding")) {
      chunked_or_odd = true;
    }
  }
  // Chunked bodies, repeated or unreadable lengths: the parser decides (and its own limit
  // closes a connection whose chunks add up to too much).
  if (chunked_or_odd || lengths > 1) {
    state_ = State::kPassThrough;
    return;
  }
  if (lengths == 1 && length > limit_) {
    head_.replace(length_name, kRefusedHeader.size(), kRefusedHeader);
    state_ = State::kRefused;
    return;
  }
  body_left_ = length;
  state_ = length > 0 ? State::kBody : State::kHead;
}

}  // namespace fupin
