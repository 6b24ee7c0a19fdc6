// A real `schoolshare-sync` child process on 127.0.0.1 for tests: start on a database with --port 0,
// read the "listening on" line, stop with SIGTERM or kill -9. Plus small HTTP helpers.
#pragma once

#include <httplib.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "schoolshare/json.h"

#ifndef SCHOOLSHARE_SYNC_BIN
#error "SCHOOLSHARE_SYNC_BIN must name the schoolshare-sync binary"
#endif

namespace schoolshare::testing {

class ServerProcess {
 public:
  ServerProcess() = default;
  ~ServerProcess() { Kill(); }
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  // Starts the server on `db` and waits until it listens. Logs go to `log_path`.
  bool Start(const std::string& db, const std::string& log_path, const std::vector<std::string>& extra = {}) {
    int out[2];
    if (pipe(out) != 0) return false;
    pid_ = fork();
    if (pid_ == 0) {
      dup2(out[1], STDOUT_FILENO);
      FILE* log = std::fopen(log_path.c_str(), "a");
      if (log) dup2(fileno(log), STDERR_FILENO);
      close(out[0]);
      close(out[1]);
      std::vector<std::string> args = {SCHOOLSHARE_SYNC_BIN, "--db", db, "--threads", "64"};
      // `extra` may choose the address itself (--listen); otherwise any free port on 127.0.0.1.
      if (std::find(extra.begin(), extra.end(), "--listen") == extra.end()) {
        args.insert(args.end(), {"--host", "127.0.0.1", "--port", "0"});
      }
      args.insert(args.end(), extra.begin(), extra.end());
      std::vector<char*> argv;
      for (auto& a : args) argv.push_back(a.data());
      argv.push_back(nullptr);
      execv(SCHOOLSHARE_SYNC_BIN, argv.data());
      _exit(127);
    }
    close(out[1]);
    const std::string line = ReadFirstLine(out[0], kStartTimeoutMs);
    close(out[0]);
    const std::string prefix = "listening on 127.0.0.1:";
    if (line.rfind(prefix, 0) != 0) {
      Kill();
      return false;
    }
    port_ = std::stoi(line.substr(prefix.size()));
    return true;
  }

  // SIGTERM and wait: returns the exit status (0 on a clean stop).
  int Stop() {
    if (pid_ <= 0) return -1;
    kill(pid_, SIGTERM);
    int status = 0;
    waitpid(pid_, &status, 0);
    pid_ = -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  }

  // kill -9: no chance to finish anything.
  void Kill() {
    if (pid_ <= 0) return;
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
    pid_ = -1;
  }

  bool running() const { return pid_ > 0; }
  // How long Start() waits for the "listening on" line: a server that hangs before it listens fails
  // the test instead of holding it until ctest's time-out.
  static constexpr int kStartTimeoutMs = 30'000;
  int port() const { return port_; }

  // The first line written to `fd` ("" when none comes within `timeout_ms` or the pipe closes).
  static std::string ReadFirstLine(int fd, int timeout_ms) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    std::string line;
    for (;;) {
      const auto left =
          std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now()).count();
      pollfd p{fd, POLLIN, 0};
      if (left <= 0 || poll(&p, 1, static_cast<int>(left)) <= 0) return "";
      char c;
      if (read(fd, &c, 1) != 1) return "";
      if (c == '\n') return line;
      line += c;
    }
  }

  std::unique_ptr<httplib::Client> Client(const std::string& token) const {
    auto cli = std::make_unique<httplib::Client>("127.0.0.1", port_);
    cli->set_tcp_nodelay(true);
    cli->set_connection_timeout(5, 0);
    cli->set_read_timeout(30, 0);
    if (!token.empty()) cli->set_default_headers({{"Authorization", "Bearer " + token}, {"Accept-Language", "en"}});
    return cli;
  }

 private:
  pid_t pid_ = -1;
  int port_ = 0;
};

// The answer of one request: status (0 when the connection failed) and parsed JSON body.
struct Answer {
  int status = 0;
  Json body;
  std::string text;
};

inline Answer ToAnswer(const httplib::Result& r) {
  Answer a;
  if (!r) return a;
  a.status = r->status;
  a.text = r->body;
  a.body = Json::parse(r->body, nullptr, false);
  return a;
}

inline Answer Post(httplib::Client& c, const std::string& path, const std::string& body) {
  return ToAnswer(c.Post(path.c_str(), body, "application/json"));
}
inline Answer Post(httplib::Client& c, const std::string& path, const Json& body) { return Post(c, path, body.dump()); }
inline Answer Get(httplib::Client& c, const std::string& path) { return ToAnswer(c.Get(path.c_str())); }

}  // namespace schoolshare::testing
