// Throttling of failed logins (issue: "never let a stranger lock out the owner"). Failures
// are counted per client address and per (client address, user name), never per account
// alone: a stranger guessing from another address cannot delay the owner. After a few free
// failures each further one doubles the wait before the next attempt from that address (or
// for that name from that address), up to `max_delay`. Known and unknown names are counted
// and answered alike, so the throttle says nothing about which accounts exist. A success
// clears the (address, name) count and halves the address's.
//
// State is in memory, per server process, bounded by `max_entries` (the oldest entries go
// first). Thread-safe.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>

namespace fupin {

class LoginThrottle {
 public:
  using Clock = std::chrono::steady_clock;

  struct Settings {
    int free_failures_per_name = 3;      // (address, name): failures before waits begin
    int free_failures_per_address = 10;  // address, any names
    std::chrono::seconds first_delay{1};
    std::chrono::seconds max_delay{15 * 60};
    std::chrono::seconds forget_after{60 * 60};  // a quiet hour clears a count
    std::size_t max_entries = 100000;
  };

  LoginThrottle() : LoginThrottle(Settings{}) {}
  explicit LoginThrottle(Settings settings) : settings_(settings) {}

  // Zero when an attempt for `name` from `address` may go on now; otherwise how long until
  // it may (rounded up to whole seconds, at least 1).
  std::chrono::seconds Wait(std::string_view address, std::string_view name, Clock::time_point now);
  void Failed(std::string_view address, std::string_view name, Clock::time_point now);
  void Succeeded(std::string_view address, std::string_view name, Clock::time_point now);

  std::size_t entries() const;

 private:
  struct Count {
    int failures = 0;
    Clock::time_point last;
    Clock::time_point next_allowed;
  };
  static std::string NameKey(std::string_view address, std::string_view name);
  std::chrono::seconds Remaining(const Count& c, Clock::time_point now) const;
  void Record(const std::string& key, int free, Clock::time_point now);
  void Evict(Clock::time_point now);

  Settings settings_;
  mutable std::mutex mutex_;
  std::map<std::string, Count, std::less<>> counts_;  // "a|<address>" and "n|<address>|<name>"
};

}  // namespace fupin
