// The upload limit, enforced at the headers. RESTinio 0.6 can only close a connection whose
// announced body is too large; the limit of spec/api.md is a 413 answer without reading the
// body. BodyLimitFilter sits between the socket and RESTinio's parser and watches the
// request heads go by: a head whose Content-Length exceeds the limit has that header's name
// replaced by kRefusedHeader (same length, so nothing moves). The router then sees a request
// without a body and a refusal header, answers 413 and closes; every later byte on the
// connection is dropped unread by the parser.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace fupin {

// Same length as "Content-Length", on purpose.
inline constexpr std::string_view kRefusedHeader = "X-Fupin-Refuse";

class BodyLimitFilter {
 public:
  explicit BodyLimitFilter(std::uint64_t limit) : limit_(limit) {}

  // Appends to `out` the bytes of `data` that may go on to the parser. A request head that
  // is not complete yet is held back until it is; bytes after a refused head are dropped.
  void Feed(std::string_view data, std::string& out);

  bool refused() const { return state_ == State::kRefused; }

 private:
  enum class State { kHead, kBody, kPassThrough, kRefused };
  // Inspects the complete head in head_ (and may rename its Content-Length); sets the state.
  void Inspect();

  std::uint64_t limit_;
  State state_ = State::kHead;
  std::string head_;
  std::size_t scanned_ = 0;  // bytes of head_ already searched for the blank line
  std::uint64_t body_left_ = 0;
};

}  // namespace fupin
