// The sync client's HTTP transport over cpp-httplib (Debian builds it as a library with OpenSSL).
#include <httplib.h>

#include <mutex>

#include "schoolshare/sync_client.h"

namespace schoolshare {
namespace {

class HttpTransport final : public SyncTransport {
 public:
  explicit HttpTransport(const HttpTransportOptions& o) : client_(o.base_url) {
    client_.set_bearer_token_auth(o.token);
    client_.set_tcp_nodelay(true);  // small request/answer pairs: no Nagle delay
    client_.set_keep_alive(true);
    client_.set_connection_timeout(o.connect_timeout);
    client_.set_read_timeout(o.read_timeout);
    client_.set_write_timeout(o.write_timeout);
  }

  TransportReply Post(const std::string& path, const std::string& json_body) override {
    std::lock_guard<std::mutex> hold(mu_);
    return From(client_.Post(path, json_body, "application/json"));
  }

  TransportReply Get(const std::string& path, const QueryParams& query) override {
    httplib::Params params;
    for (const auto& [k, v] : query) params.emplace(k, v);
    std::lock_guard<std::mutex> hold(mu_);
    return From(client_.Get(path, params, httplib::Headers{}));
  }

 private:
  static TransportReply From(const httplib::Result& r) {
    TransportReply out;
    if (!r) {
      out.error = httplib::to_string(r.error());
      return out;
    }
    out.status = r->status;
    out.body = r->body;
    return out;
  }

  std::mutex mu_;  // one request at a time on the kept-alive connection
  httplib::Client client_;
};

}  // namespace

std::unique_ptr<SyncTransport> MakeHttpTransport(const HttpTransportOptions& options) {
  return std::make_unique<HttpTransport>(options);
}

}  // namespace schoolshare
