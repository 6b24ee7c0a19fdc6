#include "checkpointer.h"

#include <spdlog/spdlog.h>

namespace schoolshare::http {

Checkpointer::Checkpointer(std::unique_ptr<Store> store, std::chrono::milliseconds every)
    : store_(std::move(store)), every_(every) {
  thread_ = std::thread([this] { Loop(); });
}

Checkpointer::~Checkpointer() {
  {
    std::lock_guard<std::mutex> hold(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

void Checkpointer::Loop() {
  bool warned = false;  // one warning per run of failures, not one per interval
  for (;;) {
    bool last;
    {
      std::unique_lock<std::mutex> hold(mu_);
      last = wake_.wait_for(hold, every_, [this] { return stopping_; });
    }
    Status s = store_->Checkpoint();
    if (!s.ok() && !warned)
      spdlog::warn("WAL checkpoint failed (the WAL keeps growing until one succeeds): {}", s.ToString());
    warned = !s.ok();
    if (last) return;
  }
}

}  // namespace schoolshare::http
