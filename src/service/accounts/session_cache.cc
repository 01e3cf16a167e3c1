#include "service/accounts/session_cache.h"

#include <utility>

#include "service/accounts/crypto.h"

namespace fupin {
namespace {

Error SessionInvalid() {
  return Error{"E_AUTH", "会话无效或已结束，请重新登录",
               "the session is unknown or has ended: log in again"};
}

}  // namespace

Result<User> SessionCache::Authenticate(Store& store, const std::string& token,
                                        const AuthSettings& settings) {
  FUPIN_RETURN_IF_ERROR(InitSodium());
  if (token.size() != 64) return SessionInvalid();  // as fupin::Authenticate
  // Read before the session: an entry made from what follows is then never newer than
  // its generation says, and a change committed meanwhile makes it unusable at once.
  auto generation = store.accounts().Generation();
  if (!generation.ok()) return generation.error();
  std::string token_hash = Sha256Hex(token);
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (*generation != generation_) {
      entries_.clear();
      generation_ = *generation;
    } else if (auto it = entries_.find(token_hash); it != entries_.end()) {
      const auto now = settings.now ? settings.now() : std::chrono::system_clock::now();
      if (FormatIso8601(now) >= it->second.expires_at) return SessionInvalid();
      ++counts_.hits;
      return it->second.user;
    }
    ++counts_.misses;
  }
  auto session = store.accounts().GetSession(token_hash);
  if (!session.ok()) return session.error();
  auto user = fupin::Authenticate(store, token, settings);
  if (!user.ok() || !session->has_value()) return user;
  std::lock_guard<std::mutex> lock(mutex_);
  if (generation_ == *generation) {
    if (entries_.size() >= capacity_) entries_.clear();
    entries_.insert_or_assign(std::move(token_hash), Entry{*user, (*session)->expires_at});
  }
  return user;
}

SessionCache::Counts SessionCache::counts() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return counts_;
}

}  // namespace fupin
