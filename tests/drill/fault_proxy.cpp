#include "drill/fault_proxy.h"

#include <chrono>

namespace schoolshare::drill {

bool FaultProxy::Start(int upstream_port) {
  upstream_port_ = upstream_port;
  auto handler = [this](const httplib::Request& req, httplib::Response& res) { Handle(req, res); };
  server_.Get(".*", handler);
  server_.Post(".*", handler);
  port_ = server_.bind_to_any_port("127.0.0.1");
  if (port_ <= 0) return false;
  thread_ = std::thread([this] { server_.listen_after_bind(); });
  return true;
}

void FaultProxy::Stop() {
  if (!thread_.joinable()) return;
  server_.stop();
  thread_.join();
}

void FaultProxy::SetRates(const FaultRates& rates) {
  std::lock_guard<std::mutex> hold(mu_);
  rates_ = rates;
}

std::map<std::string, std::int64_t> FaultProxy::Counts() const {
  std::lock_guard<std::mutex> hold(mu_);
  return counts_;
}

void FaultProxy::Count(const std::string& kind) {
  std::lock_guard<std::mutex> hold(mu_);
  ++counts_[kind];
}

FaultProxy::Fault FaultProxy::Draw(int* delay_ms) {
  std::lock_guard<std::mutex> hold(mu_);
  std::uniform_real_distribution<double> u(0, 1);
  const double x = u(rng_);
  double edge = rates_.drop_request;
  if (x < edge) return Fault::kDropRequest;
  if (x < (edge += rates_.drop_answer)) return Fault::kDropAnswer;
  if (x < (edge += rates_.duplicate)) return Fault::kDuplicate;
  if (x < (edge += rates_.truncate)) return Fault::kTruncate;
  if (x < (edge += rates_.delay)) {
    *delay_ms = 1 + static_cast<int>(rng_() % static_cast<std::uint64_t>(std::max(1, rates_.max_delay_ms)));
    return Fault::kDelay;
  }
  if (x < (edge += rates_.stall)) {
    *delay_ms = rates_.stall_ms;
    return Fault::kStall;
  }
  return Fault::kNone;
}

void FaultProxy::Handle(const httplib::Request& req, httplib::Response& res) {
  int delay_ms = 0;
  const Fault fault = Draw(&delay_ms);
  if (fault == Fault::kDropRequest) {
    Count("drop_request");
    res.status = 502;
    res.set_content(R"({"error":"bad_gateway","message":"dropped by the drill's proxy"})", "application/json");
    return;
  }
  if (fault == Fault::kDelay || fault == Fault::kStall) {
    Count(fault == Fault::kDelay ? "delay" : "stall");
    std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms));
  }
  httplib::Client upstream("127.0.0.1", upstream_port_);
  upstream.set_connection_timeout(2, 0);
  upstream.set_read_timeout(20, 0);
  httplib::Headers headers;
  for (const auto& [name, value] : req.headers) {
    if (name == "Authorization" || name == "Accept-Language" || name == "Content-Type") headers.emplace(name, value);
  }
  const std::string target = req.target.empty() ? req.path : req.target;
  auto send = [&]() {
    return req.method == "POST"
               ? upstream.Post(target.c_str(), headers, req.body, req.get_header_value("Content-Type").c_str())
               : upstream.Get(target.c_str(), headers);
  };
  auto answer = send();
  if (answer && fault == Fault::kDuplicate) {
    Count("duplicate");
    answer = send();
  }
  if (!answer) {
    Count("upstream_unreachable");
    res.status = 502;
    res.set_content(R"({"error":"bad_gateway","message":"the server did not answer the drill's proxy"})",
                    "application/json");
    return;
  }
  Count("forwarded");
  if (fault == Fault::kDropAnswer) {
    Count("drop_answer");
    res.status = 502;
    res.set_content(R"({"error":"bad_gateway","message":"answer dropped by the drill's proxy"})", "application/json");
    return;
  }
  res.status = answer->status;
  std::string body = answer->body;
  if (fault == Fault::kTruncate && body.size() > 1) {
    Count("truncate");
    body.resize(body.size() / 2);
  }
  res.set_content(body, answer->get_header_value("Content-Type").c_str());
}

}  // namespace schoolshare::drill
