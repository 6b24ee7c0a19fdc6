// schoolshare_sync_load: an HTTP load driver for the sync service (issue 3). In one run, on 127.0.0.1
// only, with N concurrent keep-alive clients (cpp-httplib, TCP_NODELAY, one thread per client, a fixed
// measured duration after a warm-up), it measures side by side:
//
//   1 bare       a bare cpp-httplib server answering a create-booking-sized POST with a small JSON
//   2 composed   the same server doing one raw SQLite overlap-check-and-insert per POST (WAL,
//                synchronous=FULL, one transaction per booking, writers serialized by a mutex)
//   3 create     the real server (schoolshare::http::Server, in-process) answering POST /v1/bookings
//   4 push       POST /v1/sync/push, batches of 100 record_fact mutations (kiosks), then of 100
//                create_booking mutations (school managers)
//   5 pull       a catch-up of every change of the seeded district from an empty cursor
//                (GET /v1/sync/pull, pages of up to 20,000), timed as a client sees it
//
// The seeded database (GenerateCity plus the benchmark's resources and tokens, ~100,000 change-log
// entries) is made once under the data directory and reused; every run works on fresh copies.
// docs/performance.md ("Sync service (issue 3)") describes the method and the figures.
//
// For bench/run-scale.sh (issue 8) it also works against external servers: --seed-store writes the
// same city (smaller, dated today) into a SQLite file or a postgresql:// database and its tokens to a
// file; --ports drives phase 3 alone at running schoolshare-sync instances on 127.0.0.1, clients
// round-robin over them, every --conflict-every'th request racing an earlier one for its slot.
#include <httplib.h>
#include <spdlog/sinks/basic_file_sink.h>
#include <spdlog/spdlog.h>
#include <sqlite3.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <atomic>
#include <barrier>
#include <cctype>
#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <mutex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "http_server.h"
#include "schoolshare/generator.h"
#include "schoolshare/json.h"
#include "schoolshare/store.h"
#include "schoolshare/time.h"
#include "schoolshare/tokens.h"

namespace schoolshare::loadbench {
namespace {

namespace fs = std::filesystem;
using Steady = std::chrono::steady_clock;

// ------------------------------------------------------------------------------------------ the data

constexpr Instant kNow = 1772409600;  // 2026-03-02T00:00:00Z: the generator's `now`, the server's clock
constexpr int kSchoolsPerDistrict = 10;
constexpr int kSchools = 200;  // 20 districts
constexpr int kDistricts = kSchools / kSchoolsPerDistrict;
constexpr int kCityResources = 4000;
constexpr int kWriteResources = 2000;  // "lw-NNNN": the create-booking stream of phases 2 and 3
constexpr int kHomeSchools = 100;      // push of create_booking: managers of s00001..s00100 book their own rooms
constexpr int kHomeResources = 10;     // "lh-sNNNNN-KK" per such school
constexpr int kKioskSchools = 100;     // push of record_fact: kiosks of s00001..s00100
constexpr std::int64_t kSeedChanges = 100000;  // change-log entries of the seed: what phase 5 catches up
constexpr std::int64_t kSeedBookings =
    kSeedChanges - (kDistricts + kSchools + kCityResources + kWriteResources + kHomeSchools * kHomeResources);
constexpr Instant kBuffer = 10 * kMinute;  // buffer of the benchmark's rooms, honoured by the composed check
constexpr const char kSeedVersion[] = "sync-load-seed-1";

[[noreturn]] void Die(const std::string& what, const Status& s = Status::Ok()) {
  std::fprintf(stderr, "schoolshare_sync_load: %s%s%s\n", what.c_str(), s.ok() ? "" : ": ",
               s.ok() ? "" : s.ToString().c_str());
  std::exit(2);
}

const TimeZone& Shanghai() {
  static const TimeZone tz = [] {
    auto z = TimeZone::Find("Asia/Shanghai");
    if (!z.ok()) Die("time zone", z.status());
    return *z;
  }();
  return tz;
}

std::string SchoolId(int n) {  // 1-based
  char id[16];
  std::snprintf(id, sizeof id, "s%05d", n);
  return id;
}
std::string SchoolAt(int district, int position) { return SchoolId(1 + district * kSchoolsPerDistrict + position); }
std::string WriteResourceId(int k) {
  char id[16];
  std::snprintf(id, sizeof id, "lw-%04d", k);
  return id;
}
std::string HomeResourceId(int school, int k) {  // school 1-based
  char id[24];
  std::snprintf(id, sizeof id, "lh-s%05d-%02d", school, k);
  return id;
}
// Distinct, well-formed UUID text: (stream, index) -> id.
std::string Uuid(unsigned stream, std::uint64_t index) {
  char id[40];
  std::snprintf(id, sizeof id, "%08x-%04x-4000-8000-%012llx", 0x5eed0000u + stream,
                static_cast<unsigned>((index >> 48) & 0xffff),
                static_cast<unsigned long long>(index & 0xffffffffffffULL));
  return id;
}

std::vector<WeeklyWindow> Weekdays(int from_minute, int to_minute) {
  std::vector<WeeklyWindow> w;
  for (int d = 1; d <= 5; ++d) w.push_back({d, from_minute, to_minute});
  return w;
}

Resource BenchRoom(const std::string& id, const std::string& school, const std::string& name) {
  Resource r;
  r.id = id;
  r.school_id = school;
  r.name = "压测教室" + name;
  r.name_en = "Load room " + name;
  r.type = ResourceType::kRoom;
  r.capacity = 60;
  r.features = {"projector"};
  r.opening_hours = Weekdays(7 * 60 + 30, 18 * 60);
  r.buffer_minutes = 10;
  r.policy.shared = true;
  r.policy.approval = ApprovalMode::kOwner;
  r.policy.weekly_cap_minutes = 360;
  return r;
}

// The create stream's "now": kNow in-process; the seed's time (the real clock) against external servers.
Instant g_stream_now = kNow;

// Slot n of a room: the n-th one-hour slot from the first Monday a week after now, 8 a weekday
// (08:00, 09:15, ... 16:45), weekdays only: never overlapping, buffers included, inside opening hours.
Instant SlotStart(std::int64_t n) {
  static const CivilDate monday = [] {
    const CivilDate week_after = Shanghai().LocalDate(g_stream_now).AddDays(7);
    return week_after.AddDays((8 - week_after.IsoWeekday()) % 7);
  }();
  const std::int64_t day = n / 8;
  const int slot = static_cast<int>(n % 8);
  auto start = Shanghai().ToInstant(monday.AddDays(static_cast<int>(day / 5 * 7 + day % 5)), 8 * 60 + 75 * slot);
  if (!start.ok()) Die("slot time", start.status());
  return *start;
}

struct Seed {
  std::string db;       // GenerateCity + benchmark resources + tokens (read-only; copied per run)
  std::string bare_db;  // a plain bookings table holding the seed's bookings (composed baseline)
  std::map<std::string, std::string> manager_token;  // school id -> school_manager token
  std::map<std::string, std::string> kiosk_token;    // school id -> kiosk token
  std::string admin_token;                           // district_admin
  std::int64_t changes = 0;
  std::int64_t bookings = 0;
};

void ExecOrDie(sqlite3* db, const std::string& sql) {
  char* err = nullptr;
  if (sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
    std::string msg = err != nullptr ? err : "?";
    sqlite3_free(err);
    Die("sqlite: " + msg + " in: " + sql.substr(0, 160));
  }
}

std::int64_t QueryInt(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) Die("open " + path);
  sqlite3_stmt* st = nullptr;
  if (sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr) != SQLITE_OK) Die("prepare " + sql);
  std::int64_t v = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : -1;
  sqlite3_finalize(st);
  sqlite3_close(db);
  return v;
}

void RemoveDb(const std::string& path) {
  for (const char* suffix : {"", "-wal", "-shm", ".done"}) fs::remove(path + suffix);
}

// Writes the benchmark's city into `store` (empty): GenerateCity (200 schools in 20 districts,
// `resources` resources, `bookings` bookings around `now`), the create stream's 2,000 rooms, with
// `home_rooms` ten rooms for each of s00001..s00100 (the push phase's), and tokens; returns the tokens
// as {"managers", "kiosks", "admin"}.
Json FillSeed(Store& store, Instant now, int resources, std::int64_t bookings, bool home_rooms) {
  GenOptions g;
  g.schools = kSchools;
  g.resources = resources;
  g.bookings = bookings;
  g.schools_per_district = kSchoolsPerDistrict;
  g.now = now;
  auto stats = GenerateCity(store, g);
  if (!stats.ok()) Die("GenerateCity", stats.status());
  Status s = store.Transaction([&]() -> Status {
    // The create-booking stream's rooms: room k in district k % 20, owned by school (k / 20) % 10 of it.
    for (int k = 0; k < kWriteResources; ++k) {
      SS_RETURN_IF_ERROR(store.PutResource(
          BenchRoom(WriteResourceId(k), SchoolAt(k % kDistricts, (k / kDistricts) % kSchoolsPerDistrict),
                    std::to_string(k)),
          Actor::System()));
    }
    for (int sc = 1; home_rooms && sc <= kHomeSchools; ++sc) {
      for (int k = 0; k < kHomeResources; ++k) {
        SS_RETURN_IF_ERROR(store.PutResource(
            BenchRoom(HomeResourceId(sc, k), SchoolId(sc), SchoolId(sc) + "-" + std::to_string(k)), Actor::System()));
      }
    }
    return Status::Ok();
  });
  if (!s.ok()) Die("benchmark resources", s);
  Json managers = Json::object(), kiosks = Json::object();
  for (int sc = 1; sc <= kSchools; ++sc) {
    auto t = IssueToken(store, Role::kSchoolManager, SchoolId(sc), "load manager", Actor::System(), now);
    if (!t.ok()) Die("token", t.status());
    managers[SchoolId(sc)] = t->token;
    if (sc <= kKioskSchools) {
      auto k = IssueToken(store, Role::kKiosk, SchoolId(sc), "load kiosk", Actor::System(), now);
      if (!k.ok()) Die("token", k.status());
      kiosks[SchoolId(sc)] = k->token;
    }
  }
  auto admin = IssueToken(store, Role::kDistrictAdmin, "", "load admin", Actor::System(), now);
  if (!admin.ok()) Die("token", admin.status());
  return {{"managers", managers}, {"kiosks", kiosks}, {"admin", admin->token}};
}

void ReadTokens(const Json& tokens, Seed* seed) {
  for (auto& [k, v] : tokens["managers"].items()) seed->manager_token[k] = v.get<std::string>();
  for (auto& [k, v] : tokens["kiosks"].items()) seed->kiosk_token[k] = v.get<std::string>();
  seed->admin_token = tokens["admin"].get<std::string>();
}

Seed MakeSeed(const std::string& dir, ManualClock& clock) {
  Seed seed;
  seed.db = dir + "/seed.db";
  seed.bare_db = dir + "/seed-bare.db";
  const std::string tokens_path = dir + "/seed-tokens.json";
  auto ready = [&] {
    std::ifstream in(seed.db + ".done");
    std::string v;
    std::getline(in, v);
    return v == kSeedVersion && fs::exists(seed.bare_db + ".done") && fs::exists(tokens_path);
  };
  if (!ready()) {
    RemoveDb(seed.db);
    RemoveDb(seed.bare_db);
    const auto t0 = Steady::now();
    std::fprintf(stderr, "[load-data] generating %s: %d schools, %d resources, %lld bookings (once)\n", seed.db.c_str(),
                 kSchools, kCityResources, static_cast<long long>(kSeedBookings));
    Json tokens = Json::object();
    {
      StoreOptions o;
      o.synchronous_full = false;
      o.clock = &clock;
      auto opened = Store::OpenSqlite(seed.db, o);
      if (!opened.ok()) Die("open " + seed.db, opened.status());
      tokens = FillSeed(**opened, kNow, kCityResources, kSeedBookings, true);
    }  // closing checkpoints the WAL into the file
    std::ofstream(tokens_path) << tokens.dump(1) << "\n";
    std::ofstream(seed.db + ".done") << kSeedVersion << "\n";

    // The composed baseline's table: the same 19 columns, the primary key and the overlap index.
    sqlite3* db = nullptr;
    if (sqlite3_open(seed.bare_db.c_str(), &db) != SQLITE_OK) Die("open " + seed.bare_db);
    ExecOrDie(db, "PRAGMA journal_mode = WAL");
    ExecOrDie(db,
              "CREATE TABLE bookings (id TEXT PRIMARY KEY, resource_id TEXT NOT NULL, school_id TEXT NOT NULL, "
              "organizer TEXT NOT NULL DEFAULT '', title TEXT NOT NULL DEFAULT '', activity_type TEXT NOT NULL, "
              "attendees INTEGER NOT NULL DEFAULT 0, quantity INTEGER NOT NULL DEFAULT 0, start_at INTEGER NOT NULL, "
              "end_at INTEGER NOT NULL, status TEXT NOT NULL, stage TEXT NOT NULL, series_id TEXT, code TEXT NOT NULL, "
              "note TEXT NOT NULL DEFAULT '', created_by TEXT NOT NULL, created_at INTEGER NOT NULL, "
              "updated_at INTEGER NOT NULL, version INTEGER NOT NULL DEFAULT 1)");
    ExecOrDie(db, "ATTACH DATABASE '" + seed.db + "' AS seed");
    ExecOrDie(db,
              "INSERT INTO bookings SELECT id, resource_id, school_id, organizer, title, activity_type, attendees, "
              "quantity, start_at, end_at, status, stage, series_id, code, note, created_by, created_at, "
              "updated_at, version FROM seed.bookings");
    ExecOrDie(db, "DETACH DATABASE seed");
    ExecOrDie(db, "CREATE INDEX bookings_resource_start ON bookings(resource_id, start_at)");
    ExecOrDie(db, "PRAGMA wal_checkpoint(TRUNCATE)");
    sqlite3_close(db);
    std::ofstream(seed.bare_db + ".done") << "ok\n";
    std::fprintf(stderr, "[load-data] made in %.1f s\n", std::chrono::duration<double>(Steady::now() - t0).count());
  }
  std::ifstream in(tokens_path);
  Json tokens = Json::parse(in, nullptr, false);
  if (tokens.is_discarded()) Die("unreadable " + tokens_path + ": delete the data directory");
  ReadTokens(tokens, &seed);
  seed.changes = QueryInt(seed.db, "SELECT count(*) FROM change_log");
  seed.bookings = QueryInt(seed.db, "SELECT count(*) FROM bookings");
  return seed;
}

std::string FreshCopy(const std::string& src, const std::string& dst) {
  RemoveDb(dst);
  fs::copy_file(src, dst, fs::copy_options::overwrite_existing);
  return dst;
}

// ------------------------------------------------------------------------------------------ requests

// Booking i of the create stream (phases 1-3): room i % 2000 at its slot i / 2000, requested by another
// school of the room's district in turn (cross-school; 4-5 hours a week per requester, under the cap).
// With `rival` >= 0 it is request `rival` asking for booking i's room and slot as the next school in
// turn: a conflict (whichever of the two commits first wins).
struct CreateRequest {
  std::string body;
  std::string requester;
};
CreateRequest CreateBooking(std::int64_t i, std::int64_t rival = -1) {
  const int k = static_cast<int>(i % kWriteResources);
  const std::int64_t n = i / kWriteResources;
  const int district = k % kDistricts;
  const int owner = (k / kDistricts) % kSchoolsPerDistrict;
  CreateRequest r;
  const int turn = static_cast<int>((n + (rival >= 0 ? 1 : 0)) % 9);
  r.requester = SchoolAt(district, (owner + 1 + turn) % kSchoolsPerDistrict);
  const Instant start = SlotStart(n);
  Json j = {{"id", Uuid(1, static_cast<std::uint64_t>(rival >= 0 ? rival : i))},
            {"resource_id", WriteResourceId(k)},
            {"school_id", r.requester},
            {"organizer", "王老师"},
            {"title", "公开课"},
            {"activity_type", "teaching"},
            {"attendees", 30},
            {"start", Shanghai().FormatRfc3339(start)},
            {"end", Shanghai().FormatRfc3339(start + kHour)}};
  r.body = j.dump();
  return r;
}

// A held, past booking of a kiosk's school (non-equipment), for check-ins and check-outs.
struct HeldBooking {
  std::string id;
  std::string resource_id;
  Instant start = 0;
  Instant end = 0;
};
std::vector<HeldBooking> HeldBookingsOf(const std::string& db_path, const std::string& school) {
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(db_path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) Die("open " + db_path);
  sqlite3_stmt* st = nullptr;
  const char* sql =
      "SELECT b.id, b.resource_id, b.start_at, b.end_at FROM bookings b JOIN resources r ON r.id = b.resource_id "
      "WHERE r.school_id = ?1 AND r.type <> 'equipment' AND b.status = 'confirmed' AND b.end_at < ?2 "
      "ORDER BY b.start_at LIMIT 400";
  if (sqlite3_prepare_v2(db, sql, -1, &st, nullptr) != SQLITE_OK) Die("prepare held bookings");
  sqlite3_bind_text(st, 1, school.c_str(), -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64(st, 2, kNow);
  std::vector<HeldBooking> out;
  while (sqlite3_step(st) == SQLITE_ROW) {
    out.push_back({reinterpret_cast<const char*>(sqlite3_column_text(st, 0)),
                   reinterpret_cast<const char*>(sqlite3_column_text(st, 1)), sqlite3_column_int64(st, 2),
                   sqlite3_column_int64(st, 3)});
  }
  sqlite3_finalize(st);
  sqlite3_close(db);
  if (out.empty()) Die("no held past bookings at school " + school);
  return out;
}

// Mutation j of a kiosk: a check-in (even j) or check-out (odd j) of its school's held bookings in
// turn, inside the booking's window, so each is `applied` without flags.
Json FactMutation(int client, std::int64_t seq, const std::vector<HeldBooking>& held) {
  const std::int64_t j = seq - 1;
  const HeldBooking& b = held[static_cast<size_t>((j / 2) % static_cast<std::int64_t>(held.size()))];
  const std::int64_t round = j / (2 * static_cast<std::int64_t>(held.size()));
  const bool in = j % 2 == 0;
  const Instant span = std::max<Instant>(kMinute, (b.end - b.start) / 2);
  const Instant at = in ? b.start - 10 * kMinute + (round * 7) % span : b.end - (round * 7) % span;
  const std::string when = Shanghai().FormatRfc3339(at);
  const std::uint64_t index = (static_cast<std::uint64_t>(client) << 32) | static_cast<std::uint64_t>(seq);
  return {{"id", Uuid(2, index)},
          {"client_seq", seq},
          {"name", "record_fact"},
          {"args",
           {{"id", Uuid(3, index)},
            {"kind", in ? "check_in" : "check_out"},
            {"booking_id", b.id},
            {"resource_id", b.resource_id},
            {"at", when},
            {"quantity", 0},
            {"note", ""}}},
          {"client_time", when}};
}

// Mutation j of a school manager: a booking of one of its own ten rooms (home use), room j % 10 at its
// slot j / 10.
Json CreateMutation(int school, std::int64_t seq) {
  const std::int64_t j = seq - 1;
  const Instant start = SlotStart(j / kHomeResources);
  const std::uint64_t index = (static_cast<std::uint64_t>(school) << 32) | static_cast<std::uint64_t>(seq);
  return {{"id", Uuid(4, index)},
          {"client_seq", seq},
          {"name", "create_booking"},
          {"args",
           {{"id", Uuid(5, index)},
            {"resource_id", HomeResourceId(school, static_cast<int>(j % kHomeResources))},
            {"school_id", SchoolId(school)},
            {"organizer", "张老师"},
            {"title", "社团活动"},
            {"activity_type", "club"},
            {"attendees", 25},
            {"start", Shanghai().FormatRfc3339(start)},
            {"end", Shanghai().FormatRfc3339(start + kHour)}}},
          {"client_time", Shanghai().FormatRfc3339(kNow)}};
}

// ------------------------------------------------------------------------------------------ load runner

double ThreadCpu() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}
double ProcessCpu() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
         static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) * 1e-6;
}

enum class AnswerVerdict { kOk, kRefused, kError };
struct Answer {
  AnswerVerdict verdict = AnswerVerdict::kError;
  std::int64_t units = 0;  // mutations done (push); 1 for a single request
  std::string error;
  std::map<std::string, std::int64_t> statuses;  // HTTP statuses (single requests), result statuses (push)
};

struct ClientTally {
  std::vector<double> latency_ms;
  std::int64_t ok = 0, refused = 0, errors = 0, units = 0;
  std::map<std::string, std::int64_t> statuses;
  double cpu = 0;
  std::string first_error;
};

struct PhaseResult {
  std::string name;
  double seconds = 0;
  std::int64_t requests = 0, ok = 0, refused = 0, errors = 0, units = 0;
  std::map<std::string, std::int64_t> statuses;
  double p50 = 0, p99 = 0, max = 0;
  double cpu_process = 0, cpu_clients = 0;  // CPU-seconds in the measured window
  std::string first_error;
  double per_second() const { return seconds > 0 ? static_cast<double>(requests) / seconds : 0; }
  double units_per_second() const { return seconds > 0 ? static_cast<double>(units) / seconds : 0; }
};

struct RunOptions {
  int port = 0;
  int clients = 50;
  double warmup = 1;
  double seconds = 8;
  std::vector<int> ports;  // external servers on 127.0.0.1: client c talks to ports[c % size] (round-robin)
};

using Setup = std::function<bool(httplib::Client&, int client, std::string* error)>;
using Request = std::function<Answer(httplib::Client&, int client)>;

std::unique_ptr<httplib::Client> NewClient(int port) {
  auto c = std::make_unique<httplib::Client>("127.0.0.1", port);
  c->set_tcp_nodelay(true);
  c->set_keep_alive(true);
  c->set_connection_timeout(5, 0);
  c->set_read_timeout(60, 0);
  c->set_write_timeout(60, 0);
  return c;
}

// Closed loop: every client sends its next request as soon as the previous one is answered. Requests
// completing inside [start + warm-up, start + warm-up + seconds) are counted (throughput by completion
// time); their latencies are the percentiles.
PhaseResult RunLoad(const std::string& name, const RunOptions& o, const Setup& setup, const Request& request) {
  std::vector<ClientTally> tallies(static_cast<size_t>(o.clients));
  std::barrier ready(o.clients + 1);
  std::atomic<bool> setup_failed{false};
  std::string setup_error;
  std::mutex error_mu;
  Steady::time_point start, window_start, window_end;
  std::vector<std::thread> threads;
  // Clients connect one after the other (cpp-httplib's own listen backlog is 5: 50 clients connecting at
  // once could overflow the accept queue and stall for a 1 s retransmission), then all start together.
  std::mutex connecting;
  for (int c = 0; c < o.clients; ++c) {
    threads.emplace_back([&, c] {
      auto client = NewClient(o.ports.empty() ? o.port : o.ports[static_cast<size_t>(c) % o.ports.size()]);
      std::string error;
      {
        std::lock_guard<std::mutex> one_at_a_time(connecting);
        auto res = client->Get("/v1/health");
        if (!res) {
          setup_failed = true;
          std::lock_guard<std::mutex> hold(error_mu);
          if (setup_error.empty()) setup_error = "connect: " + httplib::to_string(res.error());
        }
      }
      if (setup && !setup(*client, c, &error)) {
        setup_failed = true;
        std::lock_guard<std::mutex> hold(error_mu);
        if (setup_error.empty()) setup_error = error;
      }
      ready.arrive_and_wait();  // the main thread sets the window, then releases everyone
      ready.arrive_and_wait();
      if (setup_failed) return;
      ClientTally& t = tallies[static_cast<size_t>(c)];
      bool in_window = false;
      double cpu0 = 0;
      for (;;) {
        const auto t0 = Steady::now();
        if (t0 >= window_end) break;
        if (!in_window && t0 >= window_start) {
          in_window = true;
          cpu0 = ThreadCpu();
        }
        Answer a = request(*client, c);
        const auto t1 = Steady::now();
        if (t1 < window_start || t1 >= window_end) continue;
        t.latency_ms.push_back(std::chrono::duration<double, std::milli>(t1 - t0).count());
        t.units += a.units;
        for (const auto& [k, v] : a.statuses) t.statuses[k] += v;
        if (a.verdict == AnswerVerdict::kOk) ++t.ok;
        if (a.verdict == AnswerVerdict::kRefused) ++t.refused;
        if (a.verdict == AnswerVerdict::kError) {
          ++t.errors;
          if (t.first_error.empty()) t.first_error = a.error;
        }
      }
      if (!in_window) cpu0 = ThreadCpu();
      t.cpu = ThreadCpu() - cpu0;
    });
  }
  ready.arrive_and_wait();
  start = Steady::now();
  window_start = start + std::chrono::duration_cast<Steady::duration>(std::chrono::duration<double>(o.warmup));
  window_end = window_start + std::chrono::duration_cast<Steady::duration>(std::chrono::duration<double>(o.seconds));
  ready.arrive_and_wait();
  if (setup_failed) {
    for (auto& th : threads) th.join();
    Die(name + ": client setup failed: " + setup_error);
  }
  std::this_thread::sleep_until(window_start);
  const double cpu_start = ProcessCpu();
  std::this_thread::sleep_until(window_end);
  const double cpu_end = ProcessCpu();
  for (auto& th : threads) th.join();

  PhaseResult r;
  r.name = name;
  r.seconds = o.seconds;
  r.cpu_process = cpu_end - cpu_start;
  std::vector<double> all;
  for (const ClientTally& t : tallies) {
    all.insert(all.end(), t.latency_ms.begin(), t.latency_ms.end());
    r.ok += t.ok;
    r.refused += t.refused;
    r.errors += t.errors;
    r.units += t.units;
    r.cpu_clients += t.cpu;
    for (const auto& [k, v] : t.statuses) r.statuses[k] += v;
    if (r.first_error.empty()) r.first_error = t.first_error;
  }
  r.requests = static_cast<std::int64_t>(all.size());
  std::sort(all.begin(), all.end());
  if (!all.empty()) {
    auto at = [&](double q) {
      size_t i = static_cast<size_t>(std::ceil(q * static_cast<double>(all.size()))) - 1;
      return all[std::min(i, all.size() - 1)];
    };
    r.p50 = at(0.50);
    r.p99 = at(0.99);
    r.max = all.back();
  }
  return r;
}

httplib::Headers Bearer(const std::string& token) { return {{"Authorization", "Bearer " + token}}; }

// Phases 1-3 share this request: the next booking of the create stream, POSTed as its requester. With
// conflict_every = m > 0, every m-th request instead asks for the room and slot of the request five
// before it (usually still in flight at another client, so the two race; one is refused).
Request CreateStream(const Seed& seed, std::atomic<std::int64_t>& next, int conflict_every = 0) {
  return [&seed, &next, conflict_every](httplib::Client& http, int) -> Answer {
    const std::int64_t i = next.fetch_add(1);
    CreateRequest r = conflict_every > 0 && i >= 5 && i % conflict_every == conflict_every - 1 ? CreateBooking(i - 5, i)
                                                                                               : CreateBooking(i);
    auto res = http.Post("/v1/bookings", Bearer(seed.manager_token.at(r.requester)), r.body, "application/json");
    if (!res) return {AnswerVerdict::kError, 0, "no answer: " + httplib::to_string(res.error()), {}};
    Answer a;
    a.statuses[std::to_string(res->status)] = 1;
    if (res->status == 201) {
      a.verdict = AnswerVerdict::kOk;
      a.units = 1;
    } else if (res->status == 409 || res->status == 422) {
      a.verdict = AnswerVerdict::kRefused;
    } else {
      a.error = std::to_string(res->status) + " " + res->body.substr(0, 300);
    }
    return a;
  };
}

// ------------------------------------------------------------------------------------------ baselines

// A bare cpp-httplib server on 127.0.0.1, configured as the real one (TCP_NODELAY, pool sized for the
// clients, keep-alive for the whole run).
class BareServer {
 public:
  explicit BareServer(int threads) {
    http_.set_tcp_nodelay(true);
    http_.new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
    http_.set_keep_alive_max_count(100000);
    http_.set_keep_alive_timeout(30);
  }
  httplib::Server& http() { return http_; }
  int Start() {
    // As the real server does (sync/http_server.cpp): raise cpp-httplib's listen backlog of 5 after bind.
    auto listening = std::make_shared<std::atomic<int>>(-1);
    http_.set_socket_options([listening](socket_t sock) {
      int yes = 1;
      setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
      listening->store(sock);
    });
    port_ = http_.bind_to_any_port("127.0.0.1");
    if (port_ <= 0) Die("bare server: cannot bind 127.0.0.1");
    if (listening->load() >= 0) ::listen(listening->load(), SOMAXCONN);
    thread_ = std::thread([this] { http_.listen_after_bind(); });
    while (!http_.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    return port_;
  }
  ~BareServer() {
    http_.stop();
    if (thread_.joinable()) thread_.join();
  }

 private:
  httplib::Server http_;
  std::thread thread_;
  int port_ = 0;
};

// The composed baseline's storage: one connection, WAL, synchronous=FULL, one transaction per booking:
// BEGIN IMMEDIATE, the bounded overlap SELECT, the 19-column INSERT, COMMIT (as bench/write_bench.cpp).
class ComposedStore {
 public:
  explicit ComposedStore(const std::string& path) {
    if (sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE, nullptr) != SQLITE_OK) Die("open " + path);
    ExecOrDie(db_, "PRAGMA journal_mode = WAL");
    ExecOrDie(db_, "PRAGMA synchronous = FULL");
    begin_ = Prepare("BEGIN IMMEDIATE");
    commit_ = Prepare("COMMIT");
    rollback_ = Prepare("ROLLBACK");
    overlap_ = Prepare(
        "SELECT 1 FROM bookings WHERE resource_id = ?1 AND start_at > ?2 AND start_at < ?3 AND end_at > ?4 "
        "AND status IN ('pending','confirmed') LIMIT 1");
    insert_ = Prepare(
        "INSERT INTO bookings(id, resource_id, school_id, organizer, title, activity_type, attendees, quantity, "
        "start_at, end_at, status, stage, series_id, code, note, created_by, created_at, updated_at, version) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 0, ?8, ?9, 'pending', 'owner', NULL, ?10, '', ?11, ?12, ?12, 1)");
    sqlite3_stmt* longest = Prepare("SELECT max(end_at - start_at) FROM bookings");
    if (sqlite3_step(longest) == SQLITE_ROW) longest_ = sqlite3_column_int64(longest, 0);
    sqlite3_finalize(longest);
    longest_ = std::max<Instant>(longest_, kHour);
  }
  ~ComposedStore() {
    for (sqlite3_stmt* st : {begin_, commit_, rollback_, overlap_, insert_}) sqlite3_finalize(st);
    sqlite3_close(db_);
  }
  ComposedStore(const ComposedStore&) = delete;
  ComposedStore& operator=(const ComposedStore&) = delete;

  // 1 inserted, 0 refused (overlap), -1 error. Serialized by the caller.
  int CheckAndInsert(const Json& j, Instant start, Instant end, const std::string& code) {
    if (!Step(begin_)) return -1;
    const std::string& resource = j["resource_id"].get_ref<const std::string&>();
    sqlite3_bind_text(overlap_, 1, resource.data(), static_cast<int>(resource.size()), SQLITE_STATIC);
    sqlite3_bind_int64(overlap_, 2, start - kBuffer - longest_);
    sqlite3_bind_int64(overlap_, 3, end + kBuffer);
    sqlite3_bind_int64(overlap_, 4, start - kBuffer);
    int rc = sqlite3_step(overlap_);
    sqlite3_reset(overlap_);
    if (rc != SQLITE_DONE) {
      Step(rollback_);
      return rc == SQLITE_ROW ? 0 : -1;
    }
    auto text = [&](int i, const char* key) {
      const std::string& v = j[key].get_ref<const std::string&>();
      sqlite3_bind_text(insert_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
    };
    text(1, "id");
    text(2, "resource_id");
    text(3, "school_id");
    text(4, "organizer");
    text(5, "title");
    text(6, "activity_type");
    sqlite3_bind_int64(insert_, 7, j.value("attendees", std::int64_t{0}));
    sqlite3_bind_int64(insert_, 8, start);
    sqlite3_bind_int64(insert_, 9, end);
    sqlite3_bind_text(insert_, 10, code.data(), static_cast<int>(code.size()), SQLITE_TRANSIENT);
    sqlite3_bind_text(insert_, 11, "load", -1, SQLITE_STATIC);
    sqlite3_bind_int64(insert_, 12, kNow);
    if (!Step(insert_)) {
      Step(rollback_);
      return -1;
    }
    return Step(commit_) ? 1 : -1;
  }

 private:
  bool Step(sqlite3_stmt* st) {
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    return rc == SQLITE_DONE;
  }
  sqlite3_stmt* Prepare(const char* sql) {
    sqlite3_stmt* st = nullptr;
    if (sqlite3_prepare_v2(db_, sql, -1, &st, nullptr) != SQLITE_OK) Die(std::string("prepare: ") + sql);
    return st;
  }

  sqlite3* db_ = nullptr;
  sqlite3_stmt *begin_ = nullptr, *commit_ = nullptr, *rollback_ = nullptr, *overlap_ = nullptr, *insert_ = nullptr;
  Instant longest_ = 0;
};

std::string CodeOf(const std::string& id) {
  std::uint64_t h = 1469598103934665603ULL;
  for (unsigned char c : id) h = (h ^ c) * 1099511628211ULL;
  std::string code(6, 'A');
  static const char kAlphabet[] = "ABCDEFGHJKMNPQRSTUVWXYZ23456789";
  for (int i = 5; i >= 0; --i, h /= 31) code[static_cast<size_t>(i)] = kAlphabet[h % 31];
  return code;
}

// ------------------------------------------------------------------------------------------ pull

struct PullRun {
  bool parse = false;  // the client parsed every page into a DOM (nlohmann::json), as a naive client would
  double seconds = 0;  // the whole catch-up as the client sees it
  double parse_seconds = 0;
  std::int64_t changes = 0;
  int pages = 0;
  std::int64_t bytes = 0;
};

std::string UrlEncode(const std::string& s) {
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      char hex[4];
      std::snprintf(hex, sizeof hex, "%%%02X", c);
      out += hex;
    }
  }
  return out;
}

// Catches up from an empty cursor, page after page, until "more" is false. Without `parse`, the client
// reads only what paging needs: the page's tail after the change list (cursor, more: the service writes
// it last) and the number of changes (each starts with {"version":); with `parse`, it builds the DOM of
// every page, and the figure includes that (and freeing it).
PullRun CatchUp(int port, const std::string& token, int page, bool parse) {
  auto http = NewClient(port);
  PullRun run;
  run.parse = parse;
  std::string cursor;
  const auto t0 = Steady::now();
  for (;;) {
    const std::string path = "/v1/sync/pull?limit=" + std::to_string(page) +
                             (cursor.empty() ? std::string() : "&cursor=" + UrlEncode(cursor));
    auto res = http->Get(path.c_str(), Bearer(token));
    if (!res) Die("pull: no answer: " + httplib::to_string(res.error()));
    if (res->status != 200) Die("pull: " + std::to_string(res->status) + " " + res->body.substr(0, 300));
    const std::string& body = res->body;
    run.bytes += static_cast<std::int64_t>(body.size());
    ++run.pages;
    bool more = false;
    if (parse) {
      const auto p0 = Steady::now();
      {
        Json j = Json::parse(body, nullptr, false);
        if (j.is_discarded() || !j.contains("changes") || j.value("reset", false)) Die("pull: unreadable page");
        run.changes += static_cast<std::int64_t>(j["changes"].size());
        cursor = j["cursor"].get<std::string>();
        more = j["more"].get<bool>();
      }
      run.parse_seconds += std::chrono::duration<double>(Steady::now() - p0).count();
    } else {
      const size_t tail = body.rfind("],\"cursor\":");
      if (tail == std::string::npos) Die("pull: no cursor in the page: " + body.substr(0, 300));
      Json j = Json::parse("{" + body.substr(tail + 2), nullptr, false);
      if (j.is_discarded() || !j.contains("cursor")) Die("pull: unreadable page tail");
      for (size_t at = body.find("{\"version\":"); at < tail; at = body.find("{\"version\":", at + 1)) ++run.changes;
      cursor = j["cursor"].get<std::string>();
      more = j["more"].get<bool>();
    }
    if (!more) break;
  }
  run.seconds = std::chrono::duration<double>(Steady::now() - t0).count();
  return run;
}

// ------------------------------------------------------------------------------------------ output

std::string Fmt(double v, int decimals = 0) {  // 12345.6 -> "12,345.6"
  char text[64];
  std::snprintf(text, sizeof text, "%.*f", decimals, std::fabs(v));
  const std::string digits = text;
  const size_t integer = std::min(digits.find('.'), digits.size());
  std::string out = v < 0 ? "-" : "";
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && i < integer && (integer - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

std::string Percent(double a, double b) { return b > 0 ? Fmt(100.0 * a / b, 1) + "%" : "-"; }

void PrintPhase(const PhaseResult& r, double vcpu, const char* unit) {
  std::printf(
      "%-44s %9s/s %9s %s/s  p50 %6s ms  p99 %6s ms  max %7s ms  ok %s refused %s errors %s  CPU %s%% (clients %s%%)\n",
      r.name.c_str(), Fmt(r.per_second()).c_str(), Fmt(r.units_per_second()).c_str(), unit, Fmt(r.p50, 2).c_str(),
      Fmt(r.p99, 2).c_str(), Fmt(r.max, 1).c_str(), Fmt(static_cast<double>(r.ok)).c_str(),
      Fmt(static_cast<double>(r.refused)).c_str(), Fmt(static_cast<double>(r.errors)).c_str(),
      Fmt(100.0 * r.cpu_process / (r.seconds * vcpu)).c_str(), Fmt(100.0 * r.cpu_clients / (r.seconds * vcpu)).c_str());
  if (!r.statuses.empty()) {
    std::printf("%-44s   statuses:", "");
    for (const auto& [k, v] : r.statuses) std::printf(" %s=%s", k.c_str(), Fmt(static_cast<double>(v)).c_str());
    std::printf("\n");
  }
  if (!r.first_error.empty()) std::printf("%-44s   first error: %s\n", "", r.first_error.c_str());
  std::fflush(stdout);
}

Json PhaseJson(const PhaseResult& r) {
  return {{"name", r.name},
          {"seconds", r.seconds},
          {"requests", r.requests},
          {"requests_per_second", r.per_second()},
          {"units", r.units},
          {"units_per_second", r.units_per_second()},
          {"ok", r.ok},
          {"refused", r.refused},
          {"errors", r.errors},
          {"statuses", r.statuses},
          {"p50_ms", r.p50},
          {"p99_ms", r.p99},
          {"max_ms", r.max},
          {"cpu_seconds_process", r.cpu_process},
          {"cpu_seconds_clients", r.cpu_clients}};
}

double LoadAverage() {
  double l[1] = {0};
  return getloadavg(l, 1) == 1 ? l[0] : -1;
}

// --seed-store and --ports: the multi-instance benchmark of bench/run-scale.sh. The servers are separate
// processes on the real clock, so the seed's `now` is the real time (its day, 00:00 UTC), stored with
// the tokens; the create stream starts a week later.
int RunExternal(const std::string& seed_store, int seed_resources, std::int64_t seed_bookings,
                const std::string& tokens_path, const RunOptions& ro, int conflict_every, const std::string& label,
                const std::string& json_out) {
  if (tokens_path.empty()) Die("--seed-store and --ports need --tokens");
  if (!seed_store.empty()) {
    const Instant now = std::time(nullptr) / kDay * kDay;
    const auto t0 = Steady::now();
    StoreOptions o;
    o.synchronous_full = false;
    auto opened = Store::Open(seed_store, o);
    if (!opened.ok()) Die("open the seed store", opened.status());
    Json tokens = FillSeed(**opened, now, seed_resources, seed_bookings, false);
    tokens["now"] = now;
    std::ofstream(tokens_path) << tokens.dump(1) << "\n";
    std::fprintf(stderr, "[seed] %d schools, %d resources, %lld bookings in %.1f s\n", kSchools,
                 seed_resources + kWriteResources, static_cast<long long>(seed_bookings),
                 std::chrono::duration<double>(Steady::now() - t0).count());
    return 0;
  }
  std::ifstream in(tokens_path);
  const Json tokens = Json::parse(in, nullptr, false);
  if (tokens.is_discarded() || !tokens.contains("now")) Die("unreadable tokens file " + tokens_path);
  Seed seed;
  ReadTokens(tokens, &seed);
  g_stream_now = tokens["now"].get<Instant>();
  std::atomic<std::int64_t> next{0};
  const PhaseResult r = RunLoad(label, ro, {}, CreateStream(seed, next, conflict_every));
  PrintPhase(r, static_cast<double>(std::max(1u, std::thread::hardware_concurrency())), "req");
  if (!json_out.empty()) std::ofstream(json_out) << PhaseJson(r).dump(1) << "\n";
  return r.errors == 0 ? 0 : 1;
}

}  // namespace
}  // namespace schoolshare::loadbench

int main(int argc, char** argv) {
  using namespace schoolshare;
  using namespace schoolshare::loadbench;
  RunOptions ro;
  std::string data_dir = SCHOOLSHARE_LOAD_DATA_DIR;
  std::string phases = "bare,composed,create,push,pull";
  std::string server_log;
  std::string json_out;
  int batch = 100;
  int page = 20000;
  int pull_repeats = 3;
  CLI::App app{"schoolshare_sync_load: HTTP load on 127.0.0.1 against the sync service and two baselines"};
  app.add_option("--clients", ro.clients, "concurrent keep-alive clients, one thread each")->capture_default_str();
  app.add_option("--seconds", ro.seconds, "measured seconds per load phase")->capture_default_str();
  app.add_option("--warmup", ro.warmup, "unmeasured seconds before each load phase")->capture_default_str();
  app.add_option("--phases", phases, "comma-separated: bare,composed,create,push (= push-facts,push-creates),pull")
      ->capture_default_str();
  app.add_option("--batch", batch, "mutations per push")->capture_default_str();
  app.add_option("--page", page, "pull page size (limit)")->capture_default_str();
  app.add_option("--pull-repeats", pull_repeats, "catch-ups from an empty cursor")->capture_default_str();
  app.add_option("--data", data_dir, "where the seed (made once) and the work copies live")->capture_default_str();
  app.add_option("--server-log", server_log,
                 "the real server's request log (one line per request, flushed, as in production); "
                 "'off' disables it; default DATA/server.log");
  std::string pipelined = "on";
  app.add_option("--pipelined-commit", pipelined,
                 "on: the real server's writer leaves the WAL sync to a second thread (the default); off: "
                 "it commits with synchronous=FULL itself")
      ->check(CLI::IsMember({"on", "off"}))
      ->capture_default_str();
  app.add_option("--json", json_out, "also write the results as JSON here");
  // Against external servers (bench/run-scale.sh): seed a store once, then drive running instances.
  std::string seed_store, tokens_path, label = "create";
  std::int64_t seed_bookings = 10000;
  int seed_resources = 2000;
  int conflict_every = 0;
  app.add_option("--seed-store", seed_store,
                 "write the benchmark city (now = the real clock) into this SQLite file or postgresql:// "
                 "database, its tokens to --tokens, and exit");
  app.add_option("--seed-bookings", seed_bookings, "bookings GenerateCity writes for --seed-store")
      ->capture_default_str();
  app.add_option("--seed-resources", seed_resources,
                 "resources GenerateCity writes for --seed-store (plus the create stream's 2,000 rooms)")
      ->capture_default_str();
  app.add_option("--tokens", tokens_path, "the tokens file of --seed-store (written, or read with --ports)");
  app.add_option("--ports", ro.ports,
                 "drive POST /v1/bookings only, against running schoolshare-sync instances on 127.0.0.1 at these "
                 "ports, clients round-robin over them (needs --tokens)")
      ->delimiter(',');
  app.add_option("--conflict-every", conflict_every,
                 "with --ports: every Nth request races the request five before it for the same slot (0: none)")
      ->capture_default_str();
  app.add_option("--label", label, "with --ports: the phase's name in the output")->capture_default_str();
  CLI11_PARSE(app, argc, argv);
  if (ro.clients < 1 || ro.clients > 100 || ro.seconds <= 0 || ro.seconds > 120 || batch < 1 || batch > 1000) {
    std::fprintf(stderr, "--clients 1..100, --seconds up to 120, --batch 1..1000\n");
    return 2;
  }
  auto wants = [&](const char* p) {
    return ("," + phases + ",").find("," + std::string(p) + ",") != std::string::npos;
  };
  std::signal(SIGPIPE, SIG_IGN);
  if (!seed_store.empty() || !ro.ports.empty()) {
    return RunExternal(seed_store, seed_resources, seed_bookings, tokens_path, ro, conflict_every, label, json_out);
  }
  fs::create_directories(data_dir);
  if (server_log.empty()) server_log = data_dir + "/server.log";

  ManualClock clock(kNow);
  const Seed seed = MakeSeed(data_dir, clock);
  const double vcpu = static_cast<double>(std::max(1u, std::thread::hardware_concurrency()));
  const int pool = std::max(64, ro.clients + 8);
  std::printf(
      "== schoolshare_sync_load: %d clients, %.0f s measured per phase after %.0f s warm-up; %.0f vCPU, "
      "load average %.2f at start\n",
      ro.clients, ro.seconds, ro.warmup, vcpu, LoadAverage());
  std::printf("   seed: %s bookings, %s change-log entries (%s)\n", Fmt(static_cast<double>(seed.bookings)).c_str(),
              Fmt(static_cast<double>(seed.changes)).c_str(), seed.db.c_str());
  std::fflush(stdout);

  Json out = {{"clients", ro.clients}, {"seconds", ro.seconds}, {"warmup", ro.warmup}, {"batch", batch}};
  std::map<std::string, PhaseResult> results;

  // 1. bare
  if (wants("bare")) {
    BareServer bare(pool);
    static const std::string kAnswer =
        R"({"id":"5eed0001-0000-4000-8000-000000000000","status":"pending","code":"ABC234"})";
    bare.http().Post("/v1/bookings", [](const httplib::Request&, httplib::Response& res) {
      res.status = 201;
      res.set_content(kAnswer, "application/json; charset=utf-8");
    });
    ro.port = bare.Start();
    std::atomic<std::int64_t> next{0};
    results["bare"] = RunLoad("1 bare httplib POST (small JSON answer)", ro, {}, CreateStream(seed, next));
    PrintPhase(results["bare"], vcpu, "req");
  }

  // 2. composed
  if (wants("composed")) {
    ComposedStore store(FreshCopy(seed.bare_db, data_dir + "/work-bare.db"));
    std::mutex write_lock;
    BareServer composed(pool);
    composed.http().Post("/v1/bookings", [&](const httplib::Request& req, httplib::Response& res) {
      Json j = Json::parse(req.body, nullptr, false);
      auto start = j.is_object() && j["start"].is_string() ? TimeZone::Utc().Parse(j["start"].get<std::string>())
                                                           : Result<Instant>(Status::InvalidArgument("start"));
      auto end = j.is_object() && j["end"].is_string() ? TimeZone::Utc().Parse(j["end"].get<std::string>())
                                                       : Result<Instant>(Status::InvalidArgument("end"));
      bool complete = start.ok() && end.ok();
      for (const char* key : {"id", "resource_id", "school_id", "organizer", "title", "activity_type"}) {
        complete = complete && j.contains(key) && j[key].is_string();
      }
      if (!complete) {
        res.status = 400;
        res.set_content(R"({"error":"invalid_request"})", "application/json");
        return;
      }
      const std::string code = CodeOf(j["id"].get<std::string>());
      int r;
      {
        std::lock_guard<std::mutex> hold(write_lock);
        r = store.CheckAndInsert(j, *start, *end, code);
      }
      res.status = r > 0 ? 201 : r == 0 ? 409 : 500;
      res.set_content(Json{{"id", j["id"]}, {"status", r > 0 ? "pending" : "refused"}, {"code", code}}.dump(),
                      "application/json; charset=utf-8");
    });
    ro.port = composed.Start();
    std::atomic<std::int64_t> next{0};
    results["composed"] = RunLoad("2 composed: POST + SQLite check+insert, FULL", ro, {}, CreateStream(seed, next));
    PrintPhase(results["composed"], vcpu, "req");
  }

  // 3-5: the real server, in-process, on a fresh copy of the seed.
  const bool push_facts = wants("push") || wants("push-facts");
  const bool push_creates = wants("push") || wants("push-creates");
  if (wants("create") || push_facts || push_creates || wants("pull")) {
    if (server_log == "off") {
      spdlog::set_level(spdlog::level::off);
    } else {
      auto logger = spdlog::basic_logger_mt("sync", server_log, true);
      logger->flush_on(spdlog::level::info);  // production logs to stderr, one flushed line per request
      spdlog::set_default_logger(logger);
      spdlog::set_pattern("%Y-%m-%dT%H:%M:%S.%e%z %^%l%$ %v");
    }
    http::ServerOptions so;
    so.db_path = FreshCopy(seed.db, data_dir + "/work.db");
    so.host = "127.0.0.1";
    so.port = 0;
    so.threads = pool;
    so.synchronous_full = true;
    so.pipelined_commit = pipelined == "on";
    so.clock = &clock;
    http::Server server(so);
    if (auto s = server.Bind(); !s.ok()) Die("real server", s);
    std::thread serving([&] {
      if (auto s = server.Run(); !s.ok()) std::fprintf(stderr, "real server: %s\n", s.ToString().c_str());
    });
    ro.port = server.port();
    {  // wait until it answers
      auto probe = NewClient(ro.port);
      for (int i = 0; i < 500 && !probe->Get("/v1/health"); ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }

    // 5 first, so that it catches up exactly the seed's changes.
    std::vector<PullRun> pulls;
    if (wants("pull")) {
      for (int i = 0; i < pull_repeats; ++i) {
        pulls.push_back(CatchUp(ro.port, seed.admin_token, page, false));
        pulls.push_back(CatchUp(ro.port, seed.admin_token, page, true));
      }
    }

    if (wants("create")) {
      std::atomic<std::int64_t> next{0};
      results["create"] = RunLoad("3 real POST /v1/bookings", ro, {}, CreateStream(seed, next));
      PrintPhase(results["create"], vcpu, "req");
    }

    if (push_facts || push_creates) {
      // 4a: kiosks pushing record_fact (check-ins and check-outs of held bookings).
      const int kiosks = std::min(ro.clients, kKioskSchools);
      std::vector<std::vector<HeldBooking>> held;
      for (int c = 0; c < kiosks; ++c) held.push_back(HeldBookingsOf(seed.db, SchoolId(c + 1)));
      auto push_phase = [&](const std::string& title, int clients, bool facts) {
        std::vector<std::int64_t> seq(static_cast<size_t>(clients), 0);
        auto token_of = [&](int c) {
          return facts ? seed.kiosk_token.at(SchoolId(c + 1)) : seed.manager_token.at(SchoolId(c + 1));
        };
        auto client_id = [&](int c) {
          return std::string(facts ? "load-kiosk-" : "load-manager-") + std::to_string(c);
        };
        Setup setup = [&](httplib::Client& http, int c, std::string* error) {
          auto res = http.Post("/v1/sync/register", Bearer(token_of(c)), Json{{"client_id", client_id(c)}}.dump(),
                               "application/json");
          if (!res || res->status != 200) {
            *error = res ? std::to_string(res->status) + " " + res->body : httplib::to_string(res.error());
            return false;
          }
          return true;
        };
        Request push = [&](httplib::Client& http, int c) -> Answer {
          std::int64_t& s = seq[static_cast<size_t>(c)];
          Json mutations = Json::array();
          for (int k = 0; k < batch; ++k) {
            mutations.push_back(facts ? FactMutation(c, s + 1 + k, held[static_cast<size_t>(c)])
                                      : CreateMutation(c + 1, s + 1 + k));
          }
          const std::string body = Json{{"client_id", client_id(c)}, {"mutations", std::move(mutations)}}.dump();
          auto res = http.Post("/v1/sync/push", Bearer(token_of(c)), body, "application/json");
          Answer a;
          if (!res) {
            a.error = "no answer: " + httplib::to_string(res.error());
            return a;
          }
          if (res->status != 200) {
            a.error = std::to_string(res->status) + " " + res->body.substr(0, 300);
            return a;
          }
          Json j = Json::parse(res->body, nullptr, false);
          if (j.is_discarded() || !j.contains("results")) {
            a.error = "unreadable push answer";
            return a;
          }
          for (const auto& r : j["results"]) {
            const std::string status = r.value("status", "?");
            ++a.statuses[status];
            if (status == "applied" || status == "applied_flagged") ++a.units;
          }
          s = j.value("last_client_seq", s);
          a.verdict = a.units == batch ? AnswerVerdict::kOk : AnswerVerdict::kRefused;
          return a;
        };
        return RunLoad(title, RunOptions{ro.port, clients, ro.warmup, ro.seconds, {}}, setup, push);
      };
      if (push_facts) {
        results["push_facts"] = push_phase(
            "4a push record_fact x" + std::to_string(batch) + " (" + std::to_string(kiosks) + " kiosks)", kiosks, true);
        PrintPhase(results["push_facts"], vcpu, "mut");
      }
      if (push_creates) {
        const int managers = std::min(ro.clients, kHomeSchools);
        results["push_creates"] = push_phase(
            "4b push create_booking x" + std::to_string(batch) + " (" + std::to_string(managers) + " managers)",
            managers, false);
        PrintPhase(results["push_creates"], vcpu, "mut");
      }
    }

    server.Stop();
    serving.join();

    if (!pulls.empty()) {
      std::vector<double> light, parsed;
      Json runs = Json::array();
      for (const PullRun& p : pulls) {
        (p.parse ? parsed : light).push_back(p.seconds);
        runs.push_back({{"client_parses_pages", p.parse},
                        {"seconds", p.seconds},
                        {"parse_seconds", p.parse_seconds},
                        {"changes", p.changes},
                        {"pages", p.pages},
                        {"bytes", p.bytes}});
        std::printf("%-44s %s changes, %d pages, %s MB: %s s%s\n",
                    p.parse ? "5 pull catch-up, client parses every page" : "5 pull catch-up (cursor and count only)",
                    Fmt(static_cast<double>(p.changes)).c_str(), p.pages,
                    Fmt(static_cast<double>(p.bytes) / 1e6, 1).c_str(), Fmt(p.seconds, 3).c_str(),
                    p.parse ? (" (of which parsing " + Fmt(p.parse_seconds, 3) + " s)").c_str() : "");
      }
      std::sort(light.begin(), light.end());
      std::sort(parsed.begin(), parsed.end());
      out["pull"] = {{"page", page},
                     {"runs", runs},
                     {"median_seconds", light[light.size() / 2]},
                     {"median_seconds_parsed", parsed[parsed.size() / 2]}};
    }
  }

  // Summary: ratios and targets, all from this run.
  std::printf("\n== summary (targets of issue 3)\n");
  auto get = [&](const char* k) -> const PhaseResult* {
    auto it = results.find(k);
    return it == results.end() ? nullptr : &it->second;
  };
  const PhaseResult* bare = get("bare");
  const PhaseResult* composed = get("composed");
  const PhaseResult* create = get("create");
  const PhaseResult* facts = get("push_facts");
  const PhaseResult* creates = get("push_creates");
  auto verdict = [](bool met) { return met ? "met" : "MISSED"; };
  if (composed && bare) {
    std::printf("composed / bare                       %s\n",
                Percent(composed->per_second(), bare->per_second()).c_str());
  }
  if (create) {
    const double accepted = static_cast<double>(create->ok) / create->seconds;
    if (composed) {
      std::printf("create accepted/s / composed          %s   (target >= 50%%: %s)\n",
                  Percent(accepted, composed->per_second()).c_str(), verdict(accepted >= 0.5 * composed->per_second()));
    }
    if (bare) std::printf("create accepted/s / bare              %s\n", Percent(accepted, bare->per_second()).c_str());
    std::printf("create accepted/s                     %s/s (target >= 9,250/s: %s)\n", Fmt(accepted).c_str(),
                verdict(accepted >= 9250));
    std::printf("create p99 at %d clients              %s ms (target < 20 ms: %s)\n", ro.clients,
                Fmt(create->p99, 2).c_str(), verdict(create->p99 < 20));
  }
  if (facts) {
    std::printf("push record_fact mutations/s          %s/s (target >= 20,000/s: %s)\n",
                Fmt(facts->units_per_second()).c_str(), verdict(facts->units_per_second() >= 20000));
  }
  if (creates) {
    std::printf("push create_booking mutations/s       %s/s (no target; compare composed: %s)\n",
                Fmt(creates->units_per_second()).c_str(),
                composed ? Percent(creates->units_per_second(), composed->per_second()).c_str() : "-");
  }
  if (out.contains("pull")) {
    const double median = out["pull"]["median_seconds"].get<double>();
    std::printf("pull catch-up (median of %d)           %s s (target < 1 s: %s); parsing every page: %s s\n",
                pull_repeats, Fmt(median, 3).c_str(), verdict(median < 1),
                Fmt(out["pull"]["median_seconds_parsed"].get<double>(), 3).c_str());
  }
  std::printf("load average at end %.2f\n", LoadAverage());
  if (!json_out.empty()) {
    Json phases_json = Json::object();
    for (const auto& [k, r] : results) phases_json[k] = PhaseJson(r);
    out["phases"] = phases_json;
    std::ofstream(json_out) << out.dump(1) << "\n";
  }
  return 0;
}
