#include "group_committer.h"

#include <spdlog/spdlog.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace schoolshare::http {

GroupCommitter::GroupCommitter(std::unique_ptr<Store> store, const Clock& clock, std::mutex& write_lock, int wal_fd)
    : store_(std::move(store)), service_(*store_, clock, write_lock), write_lock_(write_lock), wal_fd_(wal_fd) {
  writer_ = std::thread([this] { WriteLoop(); });
  if (wal_fd_ >= 0) syncer_ = std::thread([this] { SyncLoop(); });
}

GroupCommitter::~GroupCommitter() {
  {
    std::lock_guard<std::mutex> hold(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  writer_.join();
  if (syncer_.joinable()) syncer_.join();
  if (wal_fd_ >= 0) ::close(wal_fd_);
}

Reply GroupCommitter::Submit(Work work) {
  Job job{std::move(work), {}};
  std::future<DeferredReply> answer = job.done.get_future();
  {
    std::lock_guard<std::mutex> hold(mu_);
    queue_.push_back(&job);
  }
  wake_.notify_one();
  return answer.get()();
}

void GroupCommitter::AwaitDurable() {
  if (wal_fd_ < 0) return;
  const std::uint64_t seen = sealed_.load();
  std::unique_lock<std::mutex> hold(sync_mu_);
  durable_wake_.wait(hold, [&] { return durable_ >= seen; });
}

void GroupCommitter::WriteLoop() {
  for (;;) {
    Group g;
    {
      std::unique_lock<std::mutex> hold(mu_);
      wake_.wait(hold, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) break;  // stopping, and every request taken
      while (!queue_.empty() && g.jobs.size() < kMaxGroup) {
        g.jobs.push_back(queue_.front());
        queue_.pop_front();
      }
    }
    g.replies.resize(g.jobs.size());
    {
      std::lock_guard<std::mutex> hold(write_lock_);
      g.committed = store_->Transaction([&]() -> Status {
        for (std::size_t i = 0; i < g.jobs.size(); ++i) {
          Job& j = *g.jobs[i];
          try {
            g.replies[i] = j.work(service_);
          } catch (const std::exception& e) {  // its own savepoint has already rolled back
            g.replies[i] = [what = std::string(e.what())] {
              return ErrorReply(500, "internal", "unexpected failure: " + what);
            };
          }
        }
        g.number = ++sealed_;  // before the commit makes the rows visible
        return Status::Ok();
      });
    }
    if (wal_fd_ < 0) {
      Answer(g, Status::Ok());
      continue;
    }
    {
      std::lock_guard<std::mutex> hold(sync_mu_);
      to_sync_.push_back(std::move(g));
    }
    sync_wake_.notify_one();
  }
  std::lock_guard<std::mutex> hold(sync_mu_);
  writer_done_ = true;
  sync_wake_.notify_one();
}

void GroupCommitter::SyncLoop() {
  for (;;) {
    std::deque<Group> groups;
    {
      std::unique_lock<std::mutex> hold(sync_mu_);
      sync_wake_.wait(hold, [this] { return writer_done_ || !to_sync_.empty(); });
      if (to_sync_.empty()) return;  // the writer has stopped and every group is answered
      groups.swap(to_sync_);
    }
    // One sync for every group committed since the last one: their WAL frames were all written
    // before their commits returned, and fdatasync on any descriptor of the file flushes them all.
    Status synced;
    const bool any = std::any_of(groups.begin(), groups.end(), [](const Group& g) { return g.committed.ok(); });
    if (any && ::fdatasync(wal_fd_) != 0) {
      synced = Status::IoError(std::string("cannot sync the WAL file: ") + std::strerror(errno));
      spdlog::error("{}; the changes of {} group(s) are answered 503 (their retries are idempotent)", synced.message(),
                    groups.size());
    }
    std::uint64_t top = 0;
    for (Group& g : groups) {
      Answer(g, synced);
      top = std::max(top, g.number);
    }
    {
      std::lock_guard<std::mutex> hold(sync_mu_);
      durable_ = std::max(durable_, top);
    }
    durable_wake_.notify_all();
  }
}

void GroupCommitter::Answer(Group& g, const Status& synced) {
  for (std::size_t i = 0; i < g.jobs.size(); ++i) {
    if (g.committed.ok() && synced.ok()) {
      g.jobs[i]->done.set_value(std::move(g.replies[i]));
    } else {
      const Status& why = g.committed.ok() ? synced : g.committed;
      g.jobs[i]->done.set_value([message = why.message()] {
        return ErrorReply(503, "unavailable", "the server could not store the change; retry: " + message,
                          {{"retryable", true}});
      });
    }
  }
}

}  // namespace schoolshare::http
