// schoolshare-sync's HTTP layer: routes of DESIGN.md section 5 over SyncService and the store, with
// bearer-token auth, scope checks, limits, request ids and structured logs. A library so tests and
// benchmarks can run a real server in-process as well as the binary.
#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "schoolshare/clock.h"
#include "schoolshare/store.h"

namespace httplib {
class Server;
}

namespace schoolshare::http {

class Checkpointer;
class GroupCommitter;
class TokenMemory;

struct ServerOptions {
  std::string db_path;
  std::string host = "127.0.0.1";
  int port = 8480;                       // 0: any free port (see Server::port())
  int threads = 64;                      // cpp-httplib holds one thread per keep-alive connection
  std::size_t max_body_bytes = 8 << 20;  // larger bodies: 413
  int read_timeout_seconds = 10;
  int write_timeout_seconds = 10;
  int keep_alive_seconds = 5;  // also bounds how long a stop waits for idle keep-alive connections
  std::string tls_cert;        // both set: HTTPS
  std::string tls_key;
  bool synchronous_full = true;  // acknowledged writes survive a power cut
  const Clock* clock = nullptr;  // null: the system clock
  // How long an authenticated bearer token is remembered (a revoked token works at most this long
  // after its revocation); 0 reads the tokens table on every request.
  int token_memory_ms = 2000;
  // SQLite with synchronous_full: the group committer's writer commits with NORMAL and its own thread
  // syncs the WAL before answering (the same promise, without the writer waiting for the disk).
  bool pipelined_commit = true;
};

class Server {
 public:
  explicit Server(ServerOptions options);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Opens the database (integrity check, migrations) and binds the socket; then Run() serves.
  Status Bind();
  int port() const { return port_; }
  // Serves until Stop(); in-flight requests finish before it returns. Then the database is closed.
  Status Run();
  // Safe from any thread (the SIGTERM watcher calls it).
  void Stop();

 private:
  class StorePool;
  void Routes();

  ServerOptions options_;
  std::unique_ptr<httplib::Server> http_;
  std::unique_ptr<StorePool> stores_;
  std::unique_ptr<GroupCommitter> committer_;
  std::unique_ptr<Checkpointer> checkpointer_;
  std::unique_ptr<TokenMemory> tokens_;  // SQLite: the WAL copied back off the writer's thread
  std::mutex write_lock_;
  int port_ = 0;
  std::atomic<bool> run_over_{false};  // Run() has returned (or will not serve)
};

}  // namespace schoolshare::http
