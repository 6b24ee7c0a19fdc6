#include "http_server.h"

#include <fcntl.h>
#include <httplib.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <map>
#include <set>
#include <thread>

#include "availability_routes.h"
#include "checkpointer.h"
#include "group_committer.h"
#include "report_routes.h"
#include "schoolshare/i18n.h"
#include "schoolshare/json.h"
#include "schoolshare/sync_service.h"
#include "schoolshare/usage.h"
#include "token_memory.h"

namespace schoolshare::http {

// One store (SQLite connection) per concurrent request: a Store is used by one thread at a time.
class Server::StorePool {
 public:
  StorePool(std::string path, StoreOptions options) : path_(std::move(path)), options_(options) {}

  Result<std::unique_ptr<Store>> Take() {
    {
      std::lock_guard<std::mutex> hold(mu_);
      if (!idle_.empty()) {
        auto s = std::move(idle_.back());
        idle_.pop_back();
        return s;
      }
    }
    StoreOptions o = options_;
    o.create_if_missing = false;
    o.verify_integrity = false;  // checked once at start-up
    return Store::Open(path_, o);
  }
  void Give(std::unique_ptr<Store> s) {
    std::lock_guard<std::mutex> hold(mu_);
    idle_.push_back(std::move(s));
  }
  void Close() {
    std::lock_guard<std::mutex> hold(mu_);
    idle_.clear();
  }

 private:
  std::string path_;
  StoreOptions options_;
  std::mutex mu_;
  std::vector<std::unique_ptr<Store>> idle_;
};

namespace {

const SystemClock kSystemClock;

// What a handler gets: its store, the authenticated actor, the language, the reply to fill.
struct Call {
  Store& store;
  const Clock& clock;
  std::mutex& write_lock;
  Actor actor;
  Lang lang;
  bool answered_durable = false;  // the group committer answered: on disk already
};

void Send(httplib::Response& res, const Reply& r) {
  res.status = r.status;
  res.set_content(r.body, r.content_type);
}

Lang LangOf(const httplib::Request& req) {
  std::string accept = req.get_header_value("Accept-Language");
  return accept.empty() ? Lang::kZh : ParseLang(accept);
}

std::string NewRequestId() {
  static std::atomic<std::uint64_t> counter{0};
  static const std::string prefix =
      std::to_string(std::chrono::steady_clock::now().time_since_epoch().count() % 100000);
  return prefix + "-" + std::to_string(++counter);
}

std::string Param(const httplib::Request& req, const char* name) {
  return req.has_param(name) ? req.get_param_value(name) : std::string();
}

Result<int> IntParam(const httplib::Request& req, const char* name, int fallback) {
  std::string v = Param(req, name);
  if (v.empty()) return fallback;
  try {
    std::size_t used = 0;
    long long n = std::stoll(v, &used);
    if (used != v.size() || n < 0 || n > 1000000000) throw std::out_of_range(name);
    return static_cast<int>(n);
  } catch (const std::exception&) {
    return Status::InvalidArgument(std::string("parameter \"") + name + "\" must be a whole number, got \"" + v + "\"");
  }
}

Result<std::int64_t> Int64Param(const httplib::Request& req, const char* name) {
  std::string v = Param(req, name);
  if (v.empty()) return std::int64_t{0};
  try {
    std::size_t used = 0;
    long long n = std::stoll(v, &used);
    if (used != v.size() || n < 0) throw std::out_of_range(name);
    return static_cast<std::int64_t>(n);
  } catch (const std::exception&) {
    return Status::InvalidArgument(std::string("parameter \"") + name + "\" must be a whole number, got \"" + v + "\"");
  }
}

Result<Json> Body(const httplib::Request& req) {
  if (sync::JsonDepth(req.body) > sync::kMaxJsonDepth) {
    return Status::InvalidArgument("the body nests deeper than " + std::to_string(sync::kMaxJsonDepth) + " levels");
  }
  SS_ASSIGN_OR_RETURN(Json j, ParseJson(req.body.empty() ? "{}" : req.body));
  if (!j.is_object()) return Status::InvalidArgument("the body must be a JSON object");
  return j;
}

// The district's zone for query times: the caller's school's district, or the only/first district.
TimeZone ZoneFor(Store& store, const Actor& actor) {
  Result<District> d =
      actor.school_id.empty() ? Result<District>(Status::NotFound("")) : store.DistrictOfSchool(actor.school_id);
  if (!d.ok()) {
    auto all = store.ListDistricts();
    if (all.ok() && !all->empty()) d = (*all)[0];
  }
  if (d.ok()) {
    auto tz = TimeZone::Find(d->time_zone);
    if (tz.ok()) return *tz;
  }
  return TimeZone::Utc();
}

Reply Schools(Call& c) {
  auto schools = c.store.ListSchools();
  if (!schools.ok()) return ErrorReply(schools.status());
  Json items = Json::array();
  for (const auto& s : *schools) items.push_back(ToJson(s));
  return JsonReply(200, {{"items", items}});
}

Reply Resources(Call& c, const httplib::Request& req) {
  ResourceFilter f;
  f.school_id = Param(req, "school");
  if (c.actor.role == Role::kKiosk) {
    if (!f.school_id.empty() && f.school_id != c.actor.school_id) {
      return ErrorReply(403, "forbidden", "a kiosk token sees only its own school's resources");
    }
    f.school_id = c.actor.school_id;
  }
  if (std::string type = Param(req, "type"); !type.empty()) {
    auto t = ParseResourceType(type);
    if (!t.ok()) return ErrorReply(400, "invalid_request", t.status().message());
    f.type = *t;
  }
  auto min = IntParam(req, "min_capacity", 0);
  if (!min.ok()) return ErrorReply(min.status());
  f.min_capacity = *min;
  if (req.has_param("feature")) {
    for (std::size_t i = 0; i < req.get_param_value_count("feature"); ++i) {
      f.features.push_back(req.get_param_value("feature", i));
    }
  }
  auto resources = c.store.ListResources(f);
  if (!resources.ok()) return ErrorReply(resources.status());
  Json items = Json::array();
  for (const auto& r : *resources) items.push_back(ToJson(r));
  return JsonReply(200, {{"items", items}});
}

Reply Bookings(Call& c, const httplib::Request& req) {
  const TimeZone tz = ZoneFor(c.store, c.actor);
  BookingFilter f;
  f.resource_id = Param(req, "resource");
  f.school_id = Param(req, "school");
  if (c.actor.role == Role::kKiosk) f.owner_school_id = c.actor.school_id;
  for (const char* name : {"from", "to"}) {
    std::string v = Param(req, name);
    if (v.empty()) continue;
    auto t = tz.Parse(v);
    if (!t.ok())
      return ErrorReply(400, "invalid_request", std::string("parameter \"") + name + "\": " + t.status().message());
    (std::string(name) == "from" ? f.from : f.to) = *t;
  }
  if (f.from && f.to && *f.to <= *f.from) {
    return ErrorReply(400, "invalid_request", "\"to\" must be after \"from\"");
  }
  auto limit = IntParam(req, "limit", 1000);
  if (!limit.ok()) return ErrorReply(limit.status());
  f.limit = std::min(std::max(*limit, 1), 10000);
  auto bookings = c.store.ListBookings(f);
  if (!bookings.ok()) return ErrorReply(bookings.status());
  const Instant now = c.clock.Now();
  Json items = Json::array();
  for (const auto& b : *bookings) {
    FactFilter ff;
    ff.booking_id = b.id;
    auto facts = c.store.ListFacts(ff);
    Json j = ToJson(b, tz);
    j["usage"] = ToString(UsageOf(b, facts.ok() ? *facts : std::vector<UsageFact>{}, now));
    items.push_back(std::move(j));
  }
  return JsonReply(200, {{"items", items}});
}

Reply OneBooking(Call& c, const std::string& id) {
  auto b = c.store.GetBooking(id);
  if (!b.ok()) return ErrorReply(b.status());
  if (c.actor.role == Role::kKiosk) {
    auto r = c.store.GetResource(b->resource_id);
    if (!r.ok() || r->school_id != c.actor.school_id) {
      return ErrorReply(403, "forbidden", "a kiosk token sees only bookings at its own school");
    }
  }
  FactFilter ff;
  ff.booking_id = b->id;
  auto facts = c.store.ListFacts(ff);
  Json j = ToJson(*b, ZoneFor(c.store, c.actor));
  j["usage"] = ToString(UsageOf(*b, facts.ok() ? *facts : std::vector<UsageFact>{}, c.clock.Now()));
  return JsonReply(200, j);
}

}  // namespace

Server::Server(ServerOptions options) : options_(std::move(options)) {}

Server::~Server() = default;

Status Server::Bind() {
  StoreOptions so;
  so.create_if_missing = false;
  so.synchronous_full = options_.synchronous_full;
  so.clock = options_.clock;
  so.verify_integrity = true;
  so.lang = LangFromEnvironment();  // the refusal of a damaged or newer file, logged before exiting 1
  tokens_ = std::make_unique<TokenMemory>(std::chrono::milliseconds(options_.token_memory_ms));
  const bool sqlite = !Store::IsPostgresLocation(options_.db_path);
  so.background_checkpoints = sqlite;  // the Checkpointer below copies the WAL back, not the writer
  {
    // Open once up front: integrity check and migrations happen here, not on the first request.
    SS_ASSIGN_OR_RETURN(auto first, Store::Open(options_.db_path, so));  // SQLite file or postgresql:// URI
    stores_ = std::make_unique<StorePool>(options_.db_path, so);
    stores_->Give(std::move(first));
    const Clock& clock = options_.clock ? *options_.clock : static_cast<const Clock&>(kSystemClock);
    // SQLite with FULL durability: the group committer's writer commits with NORMAL and syncs the WAL
    // file itself on a second thread (GroupCommitter, "pipelined"); without the WAL file it stays FULL.
    int wal_fd = -1;
    if (sqlite && options_.synchronous_full && options_.pipelined_commit) {
      wal_fd = ::open((options_.db_path + "-wal").c_str(), O_RDONLY | O_CLOEXEC);
      if (wal_fd >= 0 && ::fdatasync(wal_fd) != 0) {
        ::close(wal_fd);
        wal_fd = -1;
      }
      if (wal_fd < 0) spdlog::warn("cannot sync {}-wal directly; the writer commits with FULL", options_.db_path);
    }
    std::unique_ptr<Store> own;
    if (wal_fd >= 0) {
      StoreOptions normal = so;
      normal.synchronous_full = false;
      normal.verify_integrity = false;  // checked above
      auto opened = Store::Open(options_.db_path, normal);
      if (!opened.ok()) ::close(wal_fd);
      SS_RETURN_IF_ERROR(opened.status());
      own = std::move(*opened);
    } else {
      SS_ASSIGN_OR_RETURN(auto writer, stores_->Take());
      SS_ASSIGN_OR_RETURN(own, stores_->Take());  // the pool opens a new connection when empty
      stores_->Give(std::move(writer));
    }
    committer_ = std::make_unique<GroupCommitter>(std::move(own), clock, write_lock_, wal_fd);
    if (sqlite) {
      SS_ASSIGN_OR_RETURN(auto checkpoints, stores_->Take());
      checkpointer_ = std::make_unique<Checkpointer>(std::move(checkpoints), std::chrono::milliseconds(100));
    }
  }
  if (!options_.tls_cert.empty() || !options_.tls_key.empty()) {
    if (options_.tls_cert.empty() || options_.tls_key.empty()) {
      return Status::InvalidArgument("TLS needs both --tls-cert and --tls-key");
    }
    auto tls = std::make_unique<httplib::SSLServer>(options_.tls_cert.c_str(), options_.tls_key.c_str());
    if (!tls->is_valid()) {
      return Status::InvalidArgument("cannot use the TLS certificate " + options_.tls_cert + " with key " +
                                     options_.tls_key);
    }
    http_ = std::move(tls);
  } else {
    http_ = std::make_unique<httplib::Server>();
  }
  // Without TCP_NODELAY every keep-alive response waits ~40 ms for a delayed ACK (performance notes).
  http_->set_tcp_nodelay(true);
  const int threads = std::max(4, options_.threads);
  http_->new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
  http_->set_payload_max_length(options_.max_body_bytes);
  http_->set_read_timeout(options_.read_timeout_seconds, 0);
  http_->set_write_timeout(options_.write_timeout_seconds, 0);
  http_->set_keep_alive_timeout(options_.keep_alive_seconds);
  http_->set_keep_alive_max_count(100000);
  Routes();
  // cpp-httplib listens with a backlog of 5: bursts of new connections would lose SYNs and wait a
  // second for the retry. Remember the socket so its backlog can be raised after bind.
  auto listening = std::make_shared<std::atomic<int>>(-1);
  http_->set_socket_options([listening](socket_t sock) {
    int yes = 1;
    setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
    listening->store(sock);
  });
  if (options_.port == 0) {
    port_ = http_->bind_to_any_port(options_.host.c_str());
    if (port_ < 0) port_ = 0;
  } else {
    port_ = http_->bind_to_port(options_.host.c_str(), options_.port) ? options_.port : 0;
  }
  if (port_ == 0) {
    return Status::IoError("cannot listen on " + options_.host + ":" + std::to_string(options_.port));
  }
  if (listening->load() >= 0) ::listen(listening->load(), SOMAXCONN);  // Linux updates the backlog in place
  return Status::Ok();
}

Status Server::Run() {
  if (!http_) return Status::Internal("Bind() first");
  bool clean = http_->listen_after_bind();
  run_over_ = true;
  committer_.reset();     // every handler has returned, so its queue is empty: the writer ends
  checkpointer_.reset();  // a last checkpoint
  stores_->Close();       // every request has finished: close the connections (the last one removes the WAL)
  return clean ? Status::Ok() : Status::IoError("the server stopped listening unexpectedly");
}

void Server::Stop() {
  if (!http_) return;
  // cpp-httplib's stop() does nothing before listen_after_bind() has started running, so a stop that
  // comes right after "listening on" (a SIGTERM at start-up) waits for the loop to run, then ends it.
  while (!http_->is_running() && !run_over_) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  http_->stop();
}

void Server::Routes() {
  const Clock& clock = options_.clock ? *options_.clock : static_cast<const Clock&>(kSystemClock);
  using Handler = std::function<Reply(Call&, const httplib::Request&)>;

  // Wraps a handler: request id, auth, a pooled store, exceptions, and one log line per request.
  auto wrap = [this, &clock](Handler h, bool needs_auth = true) {
    return [this, &clock, h = std::move(h), needs_auth](const httplib::Request& req, httplib::Response& res) {
      const auto t0 = std::chrono::steady_clock::now();
      const std::string rid = NewRequestId();
      res.set_header("X-Request-Id", rid);
      std::string who = "-";
      auto taken = stores_->Take();
      if (!taken.ok()) {
        Send(res, ErrorReply(503, "unavailable", "cannot open the database: " + taken.status().message()));
      } else {
        std::unique_ptr<Store> store = std::move(*taken);
        try {
          Call call{*store, clock, write_lock_, Actor{}, LangOf(req)};
          bool allowed = true;
          if (needs_auth) {
            std::string auth = req.get_header_value("Authorization");
            const std::string bearer = "Bearer ";
            if (auth.compare(0, bearer.size(), bearer) != 0 || auth.size() == bearer.size()) {
              Send(res, ErrorReply(401, "unauthorized", "send Authorization: Bearer TOKEN"));
              allowed = false;
            } else {
              auto actor = tokens_->Authenticate(*store, auth.substr(bearer.size()));
              if (!actor.ok()) {
                Send(res, ErrorReply(401, "unauthorized", "unknown or revoked token"));
                allowed = false;
              } else {
                call.actor = *actor;
                who = actor->id;
              }
            }
          }
          if (allowed) {
            Reply reply = h(call, req);
            // What it read may include rows whose sync is under way: answer once they are on disk.
            if (!call.answered_durable) committer_->AwaitDurable();
            Send(res, reply);
          }
        } catch (const std::exception& e) {
          Send(res, ErrorReply(500, "internal", std::string("unexpected failure: ") + e.what()));
        }
        stores_->Give(std::move(store));
      }
      const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
      spdlog::info("rid={} {} {} status={} actor={} ms={:.2f}", rid, req.method, req.path, res.status, who, ms);
    };
  };

  auto& s = *http_;
  s.Get("/v1/health", wrap(
                          [](Call&, const httplib::Request&) {
                            return JsonReply(200, {{"ok", true}, {"version", SCHOOLSHARE_VERSION}});
                          },
                          false));
  s.Get("/v1/schools", wrap([](Call& c, const httplib::Request&) { return Schools(c); }));
  s.Get("/v1/resources", wrap([](Call& c, const httplib::Request& r) { return Resources(c, r); }));
  s.Get("/v1/bookings", wrap([](Call& c, const httplib::Request& r) { return Bookings(c, r); }));
  s.Get("/v1/availability", wrap([](Call& c, const httplib::Request& r) {
          return AvailabilityReply(c.store, c.clock.Now(), c.actor, c.lang, r.params);
        }));
  s.Get("/v1/availability/common", wrap([](Call& c, const httplib::Request& r) {
          return CommonTimeReply(c.store, c.clock.Now(), c.lang, r.params);
        }));
  s.Get(R"(/v1/bookings/([^/]+))",
        wrap([](Call& c, const httplib::Request& r) { return OneBooking(c, r.matches[1]); }));

  // Every write goes to the group committer, whose answer is on disk already (no AwaitDurable after).
  auto write = [this](Call& c, GroupCommitter::Work work) {
    c.answered_durable = true;
    return committer_->Submit(std::move(work));
  };
  auto apply = [write](Call& c, const char* name, const Json& args) {
    return write(c, [&](SyncService& service) { return service.ApplyLocked(c.actor, name, args, c.lang); });
  };
  auto mutation = [apply](const char* name) {
    return [apply, name](Call& c, const httplib::Request& r) {
      auto body = Body(r);
      if (!body.ok()) return ErrorReply(body.status());
      return apply(c, name, *body);
    };
  };
  s.Post("/v1/bookings", wrap(mutation(sync::kCreateBooking)));
  s.Post("/v1/facts", wrap(mutation(sync::kRecordFact)));
  for (auto [verb, name] : {std::pair{"cancel", sync::kCancelBooking}, std::pair{"approve", sync::kApproveBooking},
                            std::pair{"reject", sync::kRejectBooking}}) {
    s.Post(std::string(R"(/v1/bookings/([^/]+)/)") + verb,
           wrap([apply, name = name](Call& c, const httplib::Request& r) {
             auto body = Body(r);
             if (!body.ok()) return ErrorReply(body.status());
             (*body)["booking_id"] = std::string(r.matches[1]);
             return apply(c, name, *body);
           }));
  }

  s.Post("/v1/sync/register", wrap([](Call& c, const httplib::Request& r) {
           return SyncService(c.store, c.clock, c.write_lock).Register(c.actor, r.body);
         }));
  // A push is a write of the group commit too: its batch is a savepoint of the writer's transaction.
  s.Post("/v1/sync/push", wrap([write](Call& c, const httplib::Request& r) {
           auto prepared = SyncService::PreparePush(c.actor, r.body);
           if (auto* refused = std::get_if<Reply>(&prepared)) return *refused;
           const auto& req = std::get<sync::PushRequest>(prepared);
           return write(c, [&](SyncService& service) -> DeferredReply {
             return [reply = service.PushLocked(c.actor, req, c.lang)] { return reply; };
           });
         }));
  s.Get("/v1/sync/pull", wrap([](Call& c, const httplib::Request& r) {
          auto limit = IntParam(r, "limit", sync::kDefaultPullLimit);
          if (!limit.ok()) return ErrorReply(limit.status());
          auto after = Int64Param(r, "results_after");
          if (!after.ok()) return ErrorReply(after.status());
          return SyncService(c.store, c.clock, c.write_lock)
              .Pull(c.actor, Param(r, "client_id"), Param(r, "cursor"), *after, *limit);
        }));
  s.Get("/v1/sync/snapshot", wrap([](Call& c, const httplib::Request& r) {
          return SyncService(c.store, c.clock, c.write_lock).Snapshot(c.actor, Param(r, "client_id"));
        }));

  // Calendar apps cannot send headers: a feed token in the query opens this one feed; otherwise a bearer
  // token of any role but kiosk reads it.
  s.Get(R"(/v1/calendar/([^/]+)\.ics)", wrap(
                                            [](Call& c, const httplib::Request& r) {
                                              return CalendarReply(c.store, c.clock, r.matches[1],
                                                                   Param(r, "feed_token"),
                                                                   r.get_header_value("Authorization"));
                                            },
                                            false));
  s.Get(R"(/v1/reports/(utilization|ledger|equity|reconciliation))", wrap([&clock](Call& c, const httplib::Request& r) {
          return ReportGet(c.store, clock, c.actor, c.lang, r.matches[1],
                           [&r](const char* name) { return Param(r, name); });
        }));
  s.Post(R"(/v1/reports/reconciliation/([^/]+)/resolve)", wrap([](Call& c, const httplib::Request& r) {
           return ReportResolve(c.store, c.clock, c.write_lock, c.actor, r.matches[1], r.body);
         }));
  s.Post(R"(/v1/reports/periods/([^/]+)/([^/]+)/sign-off)", wrap([](Call& c, const httplib::Request& r) {
           return ReportSignOff(c.store, c.clock, c.write_lock, c.actor, r.matches[1], r.matches[2]);
         }));

  // Anything cpp-httplib answers by itself (404 no route, 413 too large, 400 unreadable) gets a JSON body.
  s.set_error_handler([](const httplib::Request&, httplib::Response& res) {
    if (!res.body.empty()) return;
    static const std::map<int, std::pair<const char*, const char*>> kErrors = {
        {400, {"invalid_request", "the request could not be read"}},
        {404, {"not_found", "no such route"}},
        {405, {"method_not_allowed", "this route does not take that method"}},
        {413, {"payload_too_large", "the body is larger than the server accepts"}},
        {414, {"uri_too_long", "the address is too long"}},
    };
    auto it = kErrors.find(res.status);
    Reply r = ErrorReply(res.status, it != kErrors.end() ? it->second.first : "error",
                         it != kErrors.end() ? it->second.second : "the request failed");
    res.set_content(r.body, "application/json; charset=utf-8");
  });
  s.set_exception_handler([](const httplib::Request&, httplib::Response& res, std::exception_ptr) {
    Send(res, ErrorReply(500, "internal", "unexpected failure"));
  });
}

}  // namespace schoolshare::http
