// Remembers for a short while who a bearer token belongs to, so a request does not read the tokens
// table on every call (a read on a pooled connection whose page cache the writer's commits keep
// emptying: a fifth of a create's time on its HTTP thread). Only tokens that authenticated are
// remembered, by their hash; a revoked token stops working at the latest `keep` after its revocation.
#pragma once

#include <chrono>
#include <mutex>
#include <string>
#include <unordered_map>

#include "schoolshare/model.h"
#include "schoolshare/store.h"

namespace schoolshare::http {

class TokenMemory {
 public:
  explicit TokenMemory(std::chrono::milliseconds keep) : keep_(keep) {}

  // schoolshare::Authenticate, answered from memory when it said yes less than `keep` ago.
  Result<Actor> Authenticate(Store& store, const std::string& token);

 private:
  static constexpr std::size_t kMaxEntries = 100000;  // then it starts afresh
  struct Entry {
    Actor actor;
    std::chrono::steady_clock::time_point at;
  };
  const std::chrono::milliseconds keep_;
  std::mutex mu_;
  std::unordered_map<std::string, Entry> known_;  // by token hash
};

}  // namespace schoolshare::http
