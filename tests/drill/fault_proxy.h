// A fault-injecting HTTP proxy on 127.0.0.1 for the term drill: it sits between the sync clients and
// `schoolshare-sync` and, per request and with seeded probabilities, drops the request (502, nothing
// forwarded), drops the answer (forwarded, then 502), delays, forwards the request twice (push must
// deduplicate), truncates the answer's body or stalls the request past the client's read timeout (the
// client gives up and sends again while the first one is still on its way).  Every fault is counted.
#pragma once

#include <httplib.h>

#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <random>
#include <string>
#include <thread>

namespace schoolshare::drill {

struct FaultRates {  // each in [0, 1], drawn per request in this order; at most one fault per request
  double drop_request = 0;
  double drop_answer = 0;
  double duplicate = 0;
  double truncate = 0;
  double delay = 0;
  int max_delay_ms = 200;
  double stall = 0;  // held this long before it is forwarded: past the client's read timeout
  int stall_ms = 2500;
};

class FaultProxy {
 public:
  explicit FaultProxy(std::uint64_t seed) : rng_(seed) {}
  ~FaultProxy() { Stop(); }
  FaultProxy(const FaultProxy&) = delete;
  FaultProxy& operator=(const FaultProxy&) = delete;

  // Listens on 127.0.0.1 (any free port) and forwards to 127.0.0.1:`upstream_port`.
  bool Start(int upstream_port);
  void Stop();
  int port() const { return port_; }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }

  void SetRates(const FaultRates& rates);
  // Injected faults by kind ("drop_request", "drop_answer", "duplicate", "truncate", "delay", "stall") and
  // "forwarded" (requests that reached the server at least once).
  std::map<std::string, std::int64_t> Counts() const;

 private:
  enum class Fault { kNone, kDropRequest, kDropAnswer, kDuplicate, kTruncate, kDelay, kStall };
  Fault Draw(int* delay_ms);
  void Handle(const httplib::Request& req, httplib::Response& res);
  void Count(const std::string& kind);

  httplib::Server server_;
  std::thread thread_;
  int port_ = 0;
  int upstream_port_ = 0;
  mutable std::mutex mu_;
  std::mt19937_64 rng_;
  FaultRates rates_;
  std::map<std::string, std::int64_t> counts_;
};

}  // namespace schoolshare::drill
