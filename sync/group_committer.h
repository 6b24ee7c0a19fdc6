// The single writer of the REST writes (POST /v1/bookings, /v1/facts, cancel/approve/reject): handlers
// queue their request and wait; the writer takes everything queued, applies each in its own savepoint
// inside one transaction under the write lock, commits once and answers them all only when the group is
// durable. A refusal undoes only its own savepoint; a failed commit answers every request of the group
// 503, none of them acknowledged. The writer's connection is the only one writing, so it keeps its page
// cache between groups. The writer only decides: each waiting handler writes its own reply's JSON
// (DeferredReply) on its own thread.
//
// Pipelined (SQLite, given the WAL file): the writer commits with synchronous=NORMAL (the group's WAL
// frames are written, not yet synced) and goes on with the next group while a second thread syncs the
// WAL file (fdatasync) and then answers the group: an answer still means "on disk", as with FULL, but
// the writer does not wait for the disk. Readers could see a group's rows before they are on disk (FULL
// would not show them before); AwaitDurable() holds a reader's answer until they are.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "schoolshare/store.h"
#include "schoolshare/sync_service.h"

namespace schoolshare::http {

class GroupCommitter {
 public:
  static constexpr std::size_t kMaxGroup = 256;

  // wal_fd >= 0: pipelined; `store` must commit with synchronous=NORMAL, and wal_fd (an open
  // descriptor of its WAL file, closed here) is synced before each answer. wal_fd < 0: `store` makes
  // its commits durable itself (synchronous=FULL, or PostgreSQL).
  GroupCommitter(std::unique_ptr<Store> store, const Clock& clock, std::mutex& write_lock, int wal_fd);
  ~GroupCommitter();  // answers everything queued, then stops
  GroupCommitter(const GroupCommitter&) = delete;
  GroupCommitter& operator=(const GroupCommitter&) = delete;

  // A write under the lock in the group's transaction (SyncService::ApplyLocked, PushLocked), answered
  // once the group is durable.
  using Work = std::function<DeferredReply(SyncService&)>;
  Reply Submit(Work work);
  // Returns once every group whose rows a read made before this call could have seen is on disk.
  // At once when nothing is being synced, and always when not pipelined.
  void AwaitDurable();

 private:
  struct Job {
    Work work;
    std::promise<DeferredReply> done;
  };
  struct Group {
    std::vector<Job*> jobs;
    std::vector<DeferredReply> replies;
    Status committed;
    std::uint64_t number = 0;  // 0: never applied (the transaction did not begin)
  };

  void WriteLoop();
  void SyncLoop();
  static void Answer(Group& g, const Status& synced);

  std::unique_ptr<Store> store_;
  SyncService service_;
  std::mutex& write_lock_;
  const int wal_fd_;

  std::mutex mu_;  // the queue of requests
  std::condition_variable wake_;
  std::deque<Job*> queue_;
  bool stopping_ = false;

  std::mutex sync_mu_;  // the groups waiting for their sync
  std::condition_variable sync_wake_;
  std::condition_variable durable_wake_;
  std::deque<Group> to_sync_;
  bool writer_done_ = false;
  std::uint64_t durable_ = 0;             // groups up to this number are on disk (or failed)
  std::atomic<std::uint64_t> sealed_{0};  // groups applied, whose commit may be under way

  std::thread writer_;
  std::thread syncer_;
};

}  // namespace schoolshare::http
