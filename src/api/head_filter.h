// The request heads, checked before RESTinio's parser sees them. RESTinio 0.6 can only
// close a connection whose request line, headers or announced body are too large; the API
// answers such requests (414, 431, 413), refuses a large body from a caller without a valid
// session before reading it (401), and refuses one that would take the server's memory for
// uploads past its budget (503). HeadFilter sits between the socket and the parser and
// watches the heads go by. A head it refuses is replaced by a short head of the same method
// and path (or "/" when the path is what is too long) carrying `X-Fupin-Refuse: STATUS` and
// no body; the router answers that status and closes the connection, and every later byte
// on the connection is dropped unread. Clients cannot send X-Fupin-* headers themselves:
// the filter removes them.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <string_view>

namespace fupin {

inline constexpr std::string_view kRefusedHeader = "X-Fupin-Refuse";

// The memory for request bodies larger than HeadLimits::large_body, shared by every
// connection: a total in bytes and a number of such bodies per client address. Thread-safe.
class UploadBudget {
 public:
  UploadBudget(std::uint64_t total_bytes, int per_address)
      : total_(total_bytes), per_address_(per_address) {}
  bool Acquire(const std::string& address, std::uint64_t bytes);
  void Release(const std::string& address, std::uint64_t bytes);
  std::uint64_t used() const;

 private:
  const std::uint64_t total_;
  const int per_address_;
  mutable std::mutex mutex_;
  std::uint64_t used_ = 0;
  std::map<std::string, int> bodies_;
};

struct HeadLimits {
  std::uint64_t body = 64ull << 20;       // Content-Length over this: 413
  std::size_t request_line = 16 * 1024;   // over this: 414
  std::size_t head = 32 * 1024;           // request line and headers over this: 431
  std::size_t headers = 100;              // more header lines than this: 431
  std::uint64_t large_body = 256 * 1024;  // bodies over this need a session and the budget
};

class HeadFilter {
 public:
  // `authorize` tells whether a bearer token is a valid session (for large bodies; may be
  // empty, then every token is refused); `budget` may be null (no budget).
  HeadFilter(HeadLimits limits, std::string address,
             std::function<bool(std::string_view token)> authorize, UploadBudget* budget)
      : limits_(limits),
        address_(std::move(address)),
        authorize_(std::move(authorize)),
        budget_(budget) {}
  ~HeadFilter();
  HeadFilter(const HeadFilter&) = delete;
  HeadFilter& operator=(const HeadFilter&) = delete;

  // Appends to `out` the bytes of `data` that may go on to the parser. A request head that
  // is not complete yet is held back until it is; bytes after a refused head are dropped.
  void Feed(std::string_view data, std::string& out);

  bool refused() const { return state_ == State::kRefused; }
  // The next request head, whatever it is, is refused with `status` (a connection over the
  // per-address cap is answered 503 this way).
  void RefuseNextRequest(int status) { refuse_next_ = status; }

 private:
  enum class State { kHead, kBody, kRefused };
  // Checks the complete head in head_ and rewrites it (or refuses it); sets the state.
  void Inspect();
  void Refuse(int status, bool keep_path);
  void ReleaseBudget();

  const HeadLimits limits_;
  const std::string address_;
  std::function<bool(std::string_view)> authorize_;
  UploadBudget* budget_;
  State state_ = State::kHead;
  std::string head_;
  std::size_t scanned_ = 0;  // bytes of head_ already searched for the blank line
  std::uint64_t body_left_ = 0;
  std::uint64_t held_ = 0;  // bytes of the budget held for the current or last large body
  int refuse_next_ = 0;
};

}  // namespace fupin
