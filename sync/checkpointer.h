// Copies the WAL into the database file from a thread of its own (a SQLite PASSIVE checkpoint every
// interval), so the server's writer never stops after a commit to do it. The server opens its
// connections with StoreOptions::background_checkpoints; this is the "regularly" that option asks for.
#pragma once

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>

#include "schoolshare/store.h"

namespace schoolshare::http {

class Checkpointer {
 public:
  Checkpointer(std::unique_ptr<Store> store, std::chrono::milliseconds every);
  ~Checkpointer();  // one last checkpoint, then the thread ends
  Checkpointer(const Checkpointer&) = delete;
  Checkpointer& operator=(const Checkpointer&) = delete;

 private:
  void Loop();

  std::unique_ptr<Store> store_;
  const std::chrono::milliseconds every_;
  std::mutex mu_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace schoolshare::http
