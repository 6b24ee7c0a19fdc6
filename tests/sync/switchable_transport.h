// An HTTP sync transport for tests whose server can move (a restarted server listens on a new port)
// or vanish (no answer at all, as when the network is down).
#pragma once

#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <utility>

#include "schoolshare/sync_client.h"

namespace schoolshare::testing {

class SwitchableTransport final : public SyncTransport {
 public:
  explicit SwitchableTransport(std::string token,
                               std::chrono::milliseconds read_timeout = std::chrono::milliseconds(20000))
      : token_(std::move(token)), read_timeout_(read_timeout) {}

  void Point(const std::string& base_url) {
    std::lock_guard<std::mutex> hold(mu_);
    if (base_url.empty()) {
      inner_.reset();
      return;
    }
    HttpTransportOptions o;
    o.base_url = base_url;
    o.token = token_;
    o.connect_timeout = std::chrono::milliseconds(2000);
    o.read_timeout = read_timeout_;
    inner_ = MakeHttpTransport(o);
  }

  TransportReply Post(const std::string& path, const std::string& body) override {
    std::lock_guard<std::mutex> hold(mu_);
    ++calls_;
    if (!inner_) return {0, "", "no route to the server (test)"};
    return inner_->Post(path, body);
  }
  TransportReply Get(const std::string& path, const QueryParams& query) override {
    std::lock_guard<std::mutex> hold(mu_);
    ++calls_;
    if (!inner_) return {0, "", "no route to the server (test)"};
    return inner_->Get(path, query);
  }
  int calls() {
    std::lock_guard<std::mutex> hold(mu_);
    return calls_;
  }

 private:
  std::string token_;
  std::chrono::milliseconds read_timeout_;
  std::mutex mu_;
  std::unique_ptr<SyncTransport> inner_;
  int calls_ = 0;
};

}  // namespace schoolshare::testing
