// schoolshare-sync --db FILE [--listen HOST:PORT | --host 127.0.0.1 --port 8480] [--tls-cert F --tls-key F]: the HTTP
// API and sync service. Prints "listening on HOST:PORT" once it accepts connections; SIGTERM or SIGINT finish the
// requests in flight, close the database cleanly and exit 0.
#include <signal.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <csignal>
#include <cstdio>
#include <thread>

#include "http_server.h"
#include "schoolshare/location.h"

namespace {

// "127.0.0.1:8480", "localhost:0", "[::1]:8480" -> host and port; false when it is not that shape.
bool SplitListen(const std::string& text, std::string* host, int* port) {
  const auto colon = text.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == text.size()) return false;
  std::string h = text.substr(0, colon);
  if (h.front() == '[') {
    if (h.size() < 3 || h.back() != ']') return false;
    h = h.substr(1, h.size() - 2);
  }
  const std::string digits = text.substr(colon + 1);
  if (digits.size() > 5 || digits.find_first_not_of("0123456789") != std::string::npos) return false;
  const int p = std::stoi(digits);
  if (p > 65535) return false;
  *host = h;
  *port = p;
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  using schoolshare::http::Server;
  using schoolshare::http::ServerOptions;
  ServerOptions options;
  std::string log_level = "info";
  CLI::App app{"schoolshare-sync: the HTTP API and sync service of schoolshare"};
  app.add_option("--db", options.db_path,
                 "SQLite database (made with `schoolshare init`), or a postgresql:// URI (several instances "
                 "may share one PostgreSQL database)")
      ->required();
  std::string listen;
  auto* listen_opt =
      app.add_option("--listen", listen, "HOST:PORT to listen on (IPv6 as [::1]:8480); or --host and --port")
          ->check([](const std::string& text) {
            std::string host;
            int port = 0;
            return SplitListen(text, &host, &port) ? std::string() : "expected HOST:PORT, e.g. 127.0.0.1:8480";
          });
  app.add_option("--host", options.host, "address to listen on")->capture_default_str()->excludes(listen_opt);
  app.add_option("--port", options.port, "port (0: any free port)")->capture_default_str()->excludes(listen_opt);
  app.add_option("--threads", options.threads, "worker threads (one per keep-alive connection)")->capture_default_str();
  app.add_option("--tls-cert", options.tls_cert, "PEM certificate: serve HTTPS");
  app.add_option("--tls-key", options.tls_key, "PEM private key of --tls-cert");
  app.add_option("--max-body-bytes", options.max_body_bytes, "largest request body (larger: 413)")
      ->capture_default_str();
  app.add_option("--log-level", log_level, "trace|debug|info|warn|error|off")->capture_default_str();
  CLI11_PARSE(app, argc, argv);
  if (!listen.empty()) SplitListen(listen, &options.host, &options.port);

  // Logs go to stderr (the journal under systemd); stdout only carries the "listening on" line.
  auto logger = spdlog::stderr_color_mt("sync");
  spdlog::set_default_logger(logger);
  spdlog::set_level(spdlog::level::from_str(log_level));
  spdlog::set_pattern("%Y-%m-%dT%H:%M:%S.%e%z %^%l%$ %v");

  // Block the stop signals in every thread; one watcher thread waits for them.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  std::signal(SIGPIPE, SIG_IGN);

  Server server(options);
  if (auto s = server.Bind(); !s.ok()) {
    spdlog::error("cannot start: {}", s.ToString());
    return 1;
  }
  std::thread watcher([&server, stop_signals] {
    int sig = 0;
    sigwait(&stop_signals, &sig);
    spdlog::info("signal {}: finishing requests in flight, then stopping", sig);
    server.Stop();
  });
  std::printf("listening on %s:%d\n", options.host.c_str(), server.port());
  std::fflush(stdout);
  spdlog::info("listening on {}:{} ({}), database {}", options.host, server.port(),
               options.tls_cert.empty() ? "http" : "https", schoolshare::RedactedLocation(options.db_path));
  auto s = server.Run();
  if (!s.ok()) kill(getpid(), SIGTERM);  // stopped by a failure, not a signal: release the watcher
  watcher.join();
  if (!s.ok()) {
    spdlog::error("{}", s.ToString());
    return 1;
  }
  spdlog::info("stopped cleanly");
  return 0;
}
