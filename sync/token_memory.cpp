#include "token_memory.h"

#include "schoolshare/tokens.h"

namespace schoolshare::http {

Result<Actor> TokenMemory::Authenticate(Store& store, const std::string& token) {
  if (keep_.count() <= 0) return schoolshare::Authenticate(store, token);
  const std::string hash = HashToken(token);
  const auto now = std::chrono::steady_clock::now();
  {
    std::lock_guard<std::mutex> hold(mu_);
    auto it = known_.find(hash);
    if (it != known_.end() && now - it->second.at < keep_) return it->second.actor;
  }
  auto actor = schoolshare::Authenticate(store, token);
  if (actor.ok()) {
    std::lock_guard<std::mutex> hold(mu_);
    if (known_.size() >= kMaxEntries) known_.clear();
    known_[hash] = {*actor, now};
  }
  return actor;
}

}  // namespace schoolshare::http
