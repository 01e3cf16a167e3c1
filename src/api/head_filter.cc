#include "api/head_filter.h"

#include <algorithm>
#include <charconv>
#include <vector>

#include "common/text.h"

namespace fupin {
namespace {

// The end of the head (the index after its blank line) searching from `from`, or npos.
std::size_t HeadEnd(const std::string& head, std::size_t from) {
  for (std::size_t i = head.find('\n', from); i != std::string::npos; i = head.find('\n', i + 1)) {
    if (i + 1 < head.size() && head[i + 1] == '\n') return i + 2;
    if (i + 2 < head.size() && head[i + 1] == '\r' && head[i + 2] == '\n') return i + 3;
  }
  return std::string::npos;
}

bool IsToken(std::string_view s) {
  return !s.empty() && s.size() <= 16 &&
         std::all_of(s.begin(), s.end(), [](char c) { return c >= 'A' && c <= 'Z'; });
}

}  // namespace

bool UploadBudget::Acquire(const std::string& address, std::uint64_t bytes) {
  std::lock_guard<std::mutex> lock(mutex_);
  int& n = bodies_[address];
  if (n >= per_address_ || used_ + bytes > total_) {
    if (n == 0) bodies_.erase(address);
    return false;
  }
  ++n;
  used_ += bytes;
  return true;
}

void UploadBudget::Release(const std::string& address, std::uint64_t bytes) {
  std::lock_guard<std::mutex> lock(mutex_);
  used_ -= std::min(used_, bytes);
  auto it = bodies_.find(address);
  if (it != bodies_.end() && --it->second <= 0) bodies_.erase(it);
}

std::uint64_t UploadBudget::used() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return used_;
}

HeadFilter::~HeadFilter() { ReleaseBudget(); }

void HeadFilter::ReleaseBudget() {
  if (held_ > 0 && budget_) budget_->Release(address_, held_);
  held_ = 0;
}

void HeadFilter::Feed(std::string_view data, std::string& out) {
  std::string rest;  // what follows a complete head, fed again
  while (!data.empty()) {
    switch (state_) {
      case State::kRefused:
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
        // The next request begins: the last large body has been read and handed on.
        ReleaseBudget();
        head_.append(data);
        data = {};
        const std::size_t end = HeadEnd(head_, scanned_ > 2 ? scanned_ - 2 : 0);
        if (end == std::string::npos) {
          scanned_ = head_.size();
          const std::size_t line_end = head_.find('\n');
          if ((line_end == std::string::npos ? head_.size() : line_end) > limits_.request_line) {
            Refuse(414, false);
            out.append(head_);
          } else if (head_.size() > limits_.head) {
            Refuse(431, true);
            out.append(head_);
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

// Whether the head asks for English (?lang=en, or Accept-Language: en…), so that a refusal
// speaks the client's language as any other answer does.
static bool WantsEnglish(std::string_view head) {
  const std::size_t line_end = head.find('\n');
  const std::string_view line = head.substr(0, line_end);
  const std::size_t q = line.find('?');
  if (q != std::string_view::npos) {
    const std::string_view query = line.substr(q);
    if (query.find("?lang=en") != std::string_view::npos ||
        query.find("&lang=en") != std::string_view::npos) {
      return true;
    }
  }
  for (std::size_t at = line_end; at != std::string_view::npos && at + 1 < head.size();
       at = head.find('\n', at + 1)) {
    const std::string_view rest = head.substr(at + 1);
    if (rest.size() > 16 && EqualsIgnoreCase(rest.substr(0, 16), "accept-language:")) {
      const std::string_view value = TrimSpaces(rest.substr(16, rest.find('\n') - 16));
      return value.size() >= 2 && EqualsIgnoreCase(value.substr(0, 2), "en");
    }
  }
  return false;
}

void HeadFilter::Refuse(int status, bool keep_path) {
  std::string method = "GET", target = "/";
  const bool english = WantsEnglish(head_);
  const std::size_t line_end = head_.find('\n');
  if (keep_path && line_end != std::string::npos && line_end <= limits_.request_line) {
    std::string_view line(head_.data(), line_end);
    const std::size_t sp1 = line.find(' ');
    const std::size_t sp2 = sp1 == std::string_view::npos ? sp1 : line.find(' ', sp1 + 1);
    if (sp2 != std::string_view::npos && IsToken(line.substr(0, sp1))) {
      method = std::string(line.substr(0, sp1));
      target = std::string(line.substr(sp1 + 1, sp2 - sp1 - 1));
      // Only the path: the query may hold what a log must not.
      target = target.substr(0, target.find('?'));
      if (target.empty() || target[0] != '/') target = "/";
    }
  }
  head_ = method + " " + target + " HTTP/1.1\r\n" + std::string(kRefusedHeader) + ": " +
          std::to_string(status) + "\r\n" + (english ? "Accept-Language: en\r\n" : "") + "\r\n";
  state_ = State::kRefused;
  ReleaseBudget();
}

void HeadFilter::Inspect() {
  if (refuse_next_ != 0) return Refuse(refuse_next_, true);
  const std::size_t first_line_end = head_.find('\n');
  if (first_line_end > limits_.request_line) return Refuse(414, false);
  if (head_.size() > limits_.head) return Refuse(431, true);

  std::uint64_t length = 0;
  int lengths = 0, lines = 0;
  bool bad_length = false, transfer_encoding = false;
  std::string token;
  std::string kept = head_.substr(0, first_line_end + 1);  // the request line
  std::size_t begin = first_line_end + 1;
  while (begin < head_.size()) {
    std::size_t line_end = head_.find('\n', begin);
    if (line_end == std::string::npos) line_end = head_.size() - 1;
    const std::string_view raw(head_.data() + begin, line_end + 1 - begin);
    begin = line_end + 1;
    std::string_view line = raw;
    while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.remove_suffix(1);
    if (line.empty()) {
      kept.append(raw);  // the blank line that ends the head
      continue;
    }
    ++lines;
    const std::size_t colon = line.find(':');
    const std::string_view name = colon == std::string_view::npos ? line : line.substr(0, colon);
    const std::string_view value =
        colon == std::string_view::npos ? std::string_view() : TrimSpaces(line.substr(colon + 1));
    if (name.size() >= 8 && EqualsIgnoreCase(name.substr(0, 8), "x-fupin-")) continue;
    if (EqualsIgnoreCase(name, "content-length")) {
      ++lengths;
      auto [ptr, ec] = std::from_chars(value.data(), value.data() + value.size(), length);
      if (ec != std::errc() || ptr != value.data() + value.size()) bad_length = true;
    } else if (EqualsIgnoreCase(name, "transfer-encoding")) {
      transfer_encoding = true;
    } else if (EqualsIgnoreCase(name, "authorization")) {
      if (value.size() > 7 && EqualsIgnoreCase(value.substr(0, 7), "bearer ")) {
        token = std::string(TrimSpaces(value.substr(7)));
      }
    }
    kept.append(raw);
  }
  if (lines > static_cast<int>(limits_.headers)) return Refuse(431, true);
  // A body whose end is not one plain Content-Length is refused (411): chunked bodies could
  // not be measured here, and two lengths are how requests are smuggled.
  if (transfer_encoding || bad_length || lengths > 1) return Refuse(411, true);
  if (length > limits_.body) return Refuse(413, true);
  if (length > limits_.large_body) {
    if (!authorize_ || token.empty() || !authorize_(token)) return Refuse(401, true);
    if (budget_) {
      if (!budget_->Acquire(address_, length)) return Refuse(503, true);
      held_ = length;
    }
  }
  head_ = std::move(kept);
  body_left_ = length;
  state_ = length > 0 ? State::kBody : State::kHead;
}

}  // namespace fupin
