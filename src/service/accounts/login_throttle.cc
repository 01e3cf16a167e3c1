#include "service/accounts/login_throttle.h"

#include <algorithm>
#include <vector>

namespace fupin {
namespace {

std::string AddressKey(std::string_view address) { return "a|" + std::string(address); }

}  // namespace

std::string LoginThrottle::NameKey(std::string_view address, std::string_view name) {
  // Names are compared as typed (accounts are case-sensitive) but bounded in length.
  return "n|" + std::string(address) + "|" + std::string(name.substr(0, 128));
}

std::chrono::seconds LoginThrottle::Remaining(const Count& c, Clock::time_point now) const {
  if (now - c.last > settings_.forget_after || now >= c.next_allowed) {
    return std::chrono::seconds(0);
  }
  const auto left = c.next_allowed - now;
  return std::max(std::chrono::seconds(1), std::chrono::ceil<std::chrono::seconds>(left));
}

std::chrono::seconds LoginThrottle::Wait(std::string_view address, std::string_view name,
                                         Clock::time_point now) {
  std::lock_guard<std::mutex> lock(mutex_);
  std::chrono::seconds wait(0);
  for (const std::string& key : {AddressKey(address), NameKey(address, name)}) {
    auto it = counts_.find(key);
    if (it != counts_.end()) wait = std::max(wait, Remaining(it->second, now));
  }
  return wait;
}

void LoginThrottle::Record(const std::string& key, int free, Clock::time_point now) {
  Count& c = counts_[key];
  if (c.failures > 0 && now - c.last > settings_.forget_after) c = Count{};
  c.failures += 1;
  c.last = now;
  const int over = c.failures - free;
  if (over <= 0) return;
  // first_delay · 2^(over-1), capped.
  auto delay = settings_.first_delay;
  for (int i = 1; i < over && delay < settings_.max_delay; ++i) delay *= 2;
  delay = std::min(delay, settings_.max_delay);
  c.next_allowed = now + delay;
}

void LoginThrottle::Failed(std::string_view address, std::string_view name, Clock::time_point now) {
  std::lock_guard<std::mutex> lock(mutex_);
  Record(AddressKey(address), settings_.free_failures_per_address, now);
  Record(NameKey(address, name), settings_.free_failures_per_name, now);
  if (counts_.size() > settings_.max_entries) Evict(now);
}

void LoginThrottle::Succeeded(std::string_view address, std::string_view name,
                              Clock::time_point now) {
  std::lock_guard<std::mutex> lock(mutex_);
  counts_.erase(NameKey(address, name));
  auto it = counts_.find(AddressKey(address));
  if (it != counts_.end()) {
    it->second.failures /= 2;
    if (it->second.failures == 0) counts_.erase(it);
  }
  (void)now;
}

std::size_t LoginThrottle::entries() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return counts_.size();
}

void LoginThrottle::Evict(Clock::time_point now) {
  // First what has been quiet long enough, then the oldest until a tenth is free.
  for (auto it = counts_.begin(); it != counts_.end();) {
    it = now - it->second.last > settings_.forget_after ? counts_.erase(it) : std::next(it);
  }
  if (counts_.size() <= settings_.max_entries) return;
  std::vector<std::pair<Clock::time_point, std::string>> by_age;
  by_age.reserve(counts_.size());
  for (const auto& [key, c] : counts_) by_age.emplace_back(c.last, key);
  const std::size_t drop = counts_.size() - settings_.max_entries * 9 / 10;
  std::nth_element(by_age.begin(), by_age.begin() + static_cast<std::ptrdiff_t>(drop),
                   by_age.end());
  for (std::size_t i = 0; i < drop; ++i) counts_.erase(by_age[i].second);
}

}  // namespace fupin
