// A process-wide cache of sessions (the HTTP server's): token hash → the user and the
// session's end, so that a request authenticates without reading the session and the user
// from the accounts file. Each entry carries the accounts file's generation
// (AccountStore::Generation) read before the session was; it is used only while the
// generation is still that value, which every change of a user or a session (a login,
// a logout, a disabled account, a new password, a changed role — by this process or by
// another, such as `fupin user disable`) replaces in its commit. So the answer is the one
// Authenticate gives, at the cost of one read of the generation per request.
// Thread-safe; each thread passes its own Store (on the same accounts file).
#pragma once

#include <cstddef>
#include <cstdint>
#include <mutex>
#include <string>
#include <unordered_map>

#include "service/accounts/auth_service.h"

namespace fupin {

class SessionCache {
 public:
  explicit SessionCache(std::size_t capacity = 100000) : capacity_(capacity) {}

  // As fupin::Authenticate (the same answers and errors), from memory when it can.
  Result<User> Authenticate(Store& store, const std::string& token,
                            const AuthSettings& settings = {});

  // For tests and benchmarks: the answers given from memory, and read from the file.
  struct Counts {
    int64_t hits = 0, misses = 0;
  };
  Counts counts() const;

 private:
  struct Entry {
    User user;
    std::string expires_at;  // ISO 8601 UTC
  };
  const std::size_t capacity_;
  mutable std::mutex mutex_;
  int64_t generation_ = 0;                          // of every entry
  std::unordered_map<std::string, Entry> entries_;  // by token hash
  Counts counts_;
};

}  // namespace fupin
