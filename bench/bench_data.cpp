#include "bench_data.h"

#include <sqlite3.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <utility>

#include "schoolshare/generator.h"
#include "schoolshare/ids.h"

namespace schoolshare::bench {
namespace fs = std::filesystem;

namespace {

void RemoveDb(const std::string& path) {
  for (const char* suffix : {"", "-wal", "-shm", ".done"}) fs::remove(path + suffix);
}

// Runs SQL on a raw connection (setup only), dying on error.
void ExecOrDie(sqlite3* db, const std::string& sql) {
  char* err = nullptr;
  if (sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
    std::string msg = err != nullptr ? err : "?";
    sqlite3_free(err);
    Die("sqlite: " + msg + " in: " + sql.substr(0, 200));
  }
}

std::int64_t QueryInt(sqlite3* db, const std::string& sql) {
  sqlite3_stmt* st = nullptr;
  if (sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr) != SQLITE_OK) Die("sqlite prepare: " + sql);
  std::int64_t v = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : -1;
  sqlite3_finalize(st);
  return v;
}

sqlite3* OpenRaw(const std::string& path) {
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr) != SQLITE_OK) {
    Die("cannot open " + path);
  }
  return db;
}

// A data file is complete when its marker exists (written after the last commit) and the check passes.
bool Ready(const std::string& path, const std::string& check_sql, std::int64_t expected) {
  if (!fs::exists(path) || !fs::exists(path + ".done")) return false;
  sqlite3* db = OpenRaw(path);
  std::int64_t got = QueryInt(db, check_sql);
  sqlite3_close(db);
  if (got != expected) {
    std::fprintf(stderr, "[bench-data] %s: expected %lld, found %lld: rebuilding\n", path.c_str(),
                 static_cast<long long>(expected), static_cast<long long>(got));
  }
  return got == expected;
}

void MarkDone(const std::string& path) { std::ofstream(path + ".done") << "ok\n"; }

double Since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

std::vector<WeeklyWindow> Weekdays(int from_minute, int to_minute, int days) {
  std::vector<WeeklyWindow> w;
  for (int d = 1; d <= days; ++d) w.push_back({d, from_minute, to_minute});
  return w;
}

const TimeZone& Shanghai() {
  static const TimeZone tz = [] {
    auto z = TimeZone::Find("Asia/Shanghai");
    if (!z.ok()) Die("time zone", z.status());
    return *z;
  }();
  return tz;
}

std::string SchoolId(int n) {
  char id[16];
  std::snprintf(id, sizeof id, "s%05d", n);
  return id;
}

std::uint64_t Fnv1a(const std::string& s) {
  std::uint64_t h = 1469598103934665603ULL;
  for (unsigned char c : s) h = (h ^ c) * 1099511628211ULL;
  return h;
}

}  // namespace

const CityScale& Scale() {
  static const CityScale scale = [] {
    const char* s = std::getenv("SCHOOLSHARE_BENCH_SCALE");
    if (s != nullptr && std::string(s) == "small") return CityScale{"city-small", 200, 4000, 100000};
    return CityScale{"city", 2000, 40000, 1000000};
  }();
  return scale;
}

std::string DataDir() {
  const char* d = std::getenv("SCHOOLSHARE_BENCH_DATA");
  std::string dir = d != nullptr && *d != '\0' ? d : SCHOOLSHARE_BENCH_DATA_DIR;
  fs::create_directories(dir);
  return dir;
}

std::string WorkDir() {
  const char* d = std::getenv("SCHOOLSHARE_BENCH_WORK");
  if (d == nullptr || *d == '\0') return DataDir();
  fs::create_directories(d);
  return d;
}

void Die(const std::string& what, const Status& s) {
  std::fprintf(stderr, "schoolshare_bench: %s%s%s\n", what.c_str(), s.ok() ? "" : ": ",
               s.ok() ? "" : s.ToString().c_str());
  std::exit(2);
}

ManualClock& BenchClock() {
  static ManualClock clock(kCityNow);
  return clock;
}

const std::string& CityDb() {
  static const std::string path = [] {
    const CityScale& sc = Scale();
    std::string p = DataDir() + "/" + sc.name + ".db";
    const std::string check =
        "SELECT (SELECT count(*) FROM schools) * 1000000000000 + "
        "(SELECT count(*) FROM resources) * 10000000 + (SELECT count(*) FROM bookings)";
    const std::int64_t expected =
        std::int64_t{sc.schools} * 1000000000000 + std::int64_t{sc.resources} * 10000000 + sc.bookings;
    if (Ready(p, check, expected)) return p;
    RemoveDb(p);
    std::fprintf(stderr, "[bench-data] generating %s: %d schools, %d resources, %lld bookings (once)\n", p.c_str(),
                 sc.schools, sc.resources, static_cast<long long>(sc.bookings));
    {
      StoreOptions o;
      o.synchronous_full = false;
      o.clock = &BenchClock();
      auto store = Store::OpenSqlite(p, o);
      if (!store.ok()) Die("open " + p, store.status());
      GenOptions g;
      g.schools = sc.schools;
      g.resources = sc.resources;
      g.bookings = sc.bookings;
      g.now = kCityNow;
      std::int64_t last_report = 0;
      auto stats = GenerateCity(**store, g, [&](const GenStats& s) {
        if (s.bookings - last_report >= 100000) {
          last_report = s.bookings;
          std::fprintf(stderr, "[bench-data]   %lld bookings, %.0f s\n", static_cast<long long>(s.bookings), s.seconds);
        }
      });
      if (!stats.ok()) Die("GenerateCity", stats.status());
      std::fprintf(stderr, "[bench-data] generated in %.1f s\n", stats->seconds);
    }  // closing the store checkpoints the WAL into the file
    MarkDone(p);
    return p;
  }();
  return path;
}

const std::string& BusyDb() {
  static const std::string path = [] {
    std::string p = DataDir() + "/" + Scale().name + "-busy.db";
    const std::string check = std::string("SELECT count(*) FROM bookings WHERE resource_id = '") + kBusyResource + "'";
    if (Ready(p, check, kBusyBookings)) return p;
    const std::string& city = CityDb();
    RemoveDb(p);
    auto t0 = std::chrono::steady_clock::now();
    fs::copy_file(city, p, fs::copy_options::overwrite_existing);
    {
      StoreOptions o;
      o.synchronous_full = false;
      o.clock = &BenchClock();
      auto opened = Store::OpenSqlite(p, o);
      if (!opened.ok()) Die("open " + p, opened.status());
      Store& store = **opened;
      // A lab open every day 07:00-22:00, booked solid: ten one-hour bookings a day, every 90 minutes from
      // 07:00, from 500 days before kCityNow to 500 days after (gaps of 30 minutes, buffer 10 minutes).
      Resource r;
      r.id = kBusyResource;
      r.school_id = kBusyOwner;
      r.name = "繁忙实验室";
      r.name_en = "Busy lab";
      r.type = ResourceType::kLab;
      r.capacity = 50;
      r.features = {"projector"};
      r.opening_hours = Weekdays(7 * 60, 22 * 60, 7);
      r.buffer_minutes = 10;
      r.policy.shared = true;
      r.policy.approval = ApprovalMode::kNone;
      const Actor by = Actor::System();
      Status s = store.Transaction([&]() -> Status {
        SS_RETURN_IF_ERROR(store.PutResource(r, by));
        const CivilDate first = Shanghai().LocalDate(kCityNow).AddDays(-kBusyBookings / 20);
        for (int i = 0; i < kBusyBookings; ++i) {
          Booking b;
          char id[40];
          std::snprintf(id, sizeof id, "b0000000-0000-4000-8000-%012d", i);
          b.id = id;
          b.resource_id = r.id;
          b.school_id = SchoolId(1 + i % 10);
          b.organizer = "李老师";
          b.title = "实验课";
          b.activity_type = "teaching";
          b.attendees = 40;
          SS_ASSIGN_OR_RETURN(b.start, Shanghai().ToInstant(first.AddDays(i / 10), 7 * 60 + 90 * (i % 10)));
          b.end = b.start + kHour;
          b.status = BookingStatus::kConfirmed;
          do {
            b.code = NewBookingCode();
          } while (store.BookingCodeExists(b.code));
          b.created_by = by.id;
          b.created_at = b.updated_at = kCityNow - 30 * kDay;
          b.version = 1;
          SS_RETURN_IF_ERROR(store.InsertBooking(b, by, "booking.generate"));
        }
        return Status::Ok();
      });
      if (!s.ok()) Die("filling " + std::string(kBusyResource), s);
    }
    MarkDone(p);
    std::fprintf(stderr, "[bench-data] %s made in %.1f s\n", p.c_str(), Since(t0));
    return p;
  }();
  return path;
}

const std::string& BareDb() {
  static const std::string path = [] {
    std::string p = DataDir() + "/" + Scale().name + "-bare.db";
    if (Ready(p, "SELECT count(*) FROM bookings", Scale().bookings)) return p;
    const std::string& city = CityDb();
    RemoveDb(p);
    auto t0 = std::chrono::steady_clock::now();
    sqlite3* db = OpenRaw(p);
    ExecOrDie(db, "PRAGMA journal_mode = WAL");
    // The same columns as schoolshare's bookings table; only the primary key and the overlap index.
    ExecOrDie(db,
              "CREATE TABLE bookings (id TEXT PRIMARY KEY, resource_id TEXT NOT NULL, school_id TEXT NOT NULL, "
              "organizer TEXT NOT NULL DEFAULT '', title TEXT NOT NULL DEFAULT '', activity_type TEXT NOT NULL, "
              "attendees INTEGER NOT NULL DEFAULT 0, quantity INTEGER NOT NULL DEFAULT 0, start_at INTEGER NOT NULL, "
              "end_at INTEGER NOT NULL, status TEXT NOT NULL, stage TEXT NOT NULL, series_id TEXT, code TEXT NOT NULL, "
              "note TEXT NOT NULL DEFAULT '', created_by TEXT NOT NULL, created_at INTEGER NOT NULL, "
              "updated_at INTEGER NOT NULL, version INTEGER NOT NULL DEFAULT 1)");
    ExecOrDie(db, "ATTACH DATABASE '" + city + "' AS city");
    ExecOrDie(db,
              "INSERT INTO bookings SELECT id, resource_id, school_id, organizer, title, activity_type, attendees, "
              "quantity, start_at, end_at, status, stage, series_id, code, note, created_by, created_at, "
              "updated_at, version FROM city.bookings");
    ExecOrDie(db, "DETACH DATABASE city");
    ExecOrDie(db, "CREATE INDEX bookings_resource_start ON bookings(resource_id, start_at)");
    sqlite3_close(db);
    MarkDone(p);
    std::fprintf(stderr, "[bench-data] %s made in %.1f s\n", p.c_str(), Since(t0));
    return p;
  }();
  return path;
}

const std::string& WorkCopy(const std::string& src, const std::string& name) {
  static std::map<std::string, std::string> copies;
  auto it = copies.find(name);
  if (it != copies.end()) return it->second;
  std::string p = WorkDir() + "/" + Scale().name + "-" + name;
  RemoveDb(p);
  auto t0 = std::chrono::steady_clock::now();
  fs::copy_file(src, p, fs::copy_options::overwrite_existing);
  std::fprintf(stderr, "[bench-data] fresh copy %s (%.1f s)\n", p.c_str(), Since(t0));
  return copies.emplace(name, p).first->second;
}

Store& OpenStore(const std::string& path, bool synchronous_full) {
  static std::map<std::pair<std::string, bool>, std::unique_ptr<Store>> stores;
  auto key = std::make_pair(path, synchronous_full);
  auto it = stores.find(key);
  if (it != stores.end()) return *it->second;
  StoreOptions o;
  o.create_if_missing = false;
  o.synchronous_full = synchronous_full;
  o.clock = &BenchClock();
  auto t0 = std::chrono::steady_clock::now();
  auto store = Store::OpenSqlite(path, o);
  if (!store.ok()) Die("open " + path, store.status());
  std::fprintf(stderr, "[bench-data] opened %s (synchronous=%s) in %.1f s\n", path.c_str(),
               synchronous_full ? "FULL" : "NORMAL", Since(t0));
  return *stores.emplace(key, std::move(*store)).first->second;
}

// ---------------------------------------------------------------- the candidate stream

std::string WriteResourceId(const std::string& set, int k) {
  char id[64];
  std::snprintf(id, sizeof id, "rw-%s-%04d", set.c_str(), k);
  return id;
}

namespace {
// Bench resource k belongs to district k % districts (spread over the whole city, as real demand is), at
// position (k / districts) % 10 of its ten schools; requesters are the other schools of that district.
constexpr int kSchoolsPerDistrict = 10;  // GenOptions' default
int Districts() { return Scale().schools / kSchoolsPerDistrict; }
int DistrictOf(int k) { return k % Districts(); }
int OwnerPosition(int k) { return (k / Districts()) % kSchoolsPerDistrict; }
std::string SchoolAt(int district, int position) { return SchoolId(1 + district * kSchoolsPerDistrict + position); }
}  // namespace

void EnsureWriteResources(Store& store, const std::string& set) {
  if (store.GetResource(WriteResourceId(set, 0)).ok()) return;
  Status s = store.Transaction([&]() -> Status {
    for (int k = 0; k < kWriteResources; ++k) {
      Resource r;
      r.id = WriteResourceId(set, k);
      r.school_id = SchoolAt(DistrictOf(k), OwnerPosition(k));
      r.name = "基准测试教室" + std::to_string(k);
      r.name_en = "Bench room " + std::to_string(k);
      r.type = ResourceType::kRoom;
      r.capacity = 60;
      r.features = {"projector"};
      r.opening_hours = Weekdays(7 * 60 + 30, 18 * 60, 5);
      r.buffer_minutes = 10;
      r.policy.shared = true;
      r.policy.approval = ApprovalMode::kOwner;
      r.policy.weekly_cap_minutes = 360;
      SS_RETURN_IF_ERROR(store.PutResource(r, Actor::System()));
    }
    return Status::Ok();
  });
  if (!s.ok()) Die("creating the write benchmark's resources", s);
}

std::vector<Candidate> MakeCandidates(const std::string& set, std::int64_t first, std::int64_t count) {
  const TimeZone& tz = Shanghai();
  const CivilDate week_after = tz.LocalDate(kCityNow).AddDays(7);
  const CivilDate monday = week_after.AddDays((8 - week_after.IsoWeekday()) % 7);
  const std::uint64_t set_hash = Fnv1a(set) & 0xffffffffULL;
  std::vector<Candidate> out;
  out.reserve(static_cast<size_t>(count));
  for (std::int64_t i = first; i < first + count; ++i) {
    const int k = static_cast<int>(i % kWriteResources);
    const std::int64_t n = i / kWriteResources;  // the n-th booking on resource k
    const std::int64_t day = n / 8;              // n-th weekday
    const int slot = static_cast<int>(n % 8);    // 08:00, 09:15, ... 16:45, one hour each
    const CivilDate date = monday.AddDays(static_cast<int>(day / 5 * 7 + day % 5));
    auto start = tz.ToInstant(date, 8 * 60 + 75 * slot);
    if (!start.ok()) Die("candidate time", start.status());
    Candidate c;
    BookingRequest& r = c.request;
    char id[40];
    std::snprintf(id, sizeof id, "%08llx-0000-4000-8000-%012llx", static_cast<unsigned long long>(set_hash),
                  static_cast<unsigned long long>(i));
    r.id = id;
    r.resource_id = WriteResourceId(set, k);
    // Another school of the district, rotating so that no school exceeds the weekly cap.
    r.school_id = SchoolAt(DistrictOf(k), (OwnerPosition(k) + 1 + static_cast<int>(n % 9)) % kSchoolsPerDistrict);
    r.organizer = "王老师";
    r.title = "公开课";
    r.activity_type = "teaching";
    r.attendees = 30;
    r.start = *start;
    r.end = *start + kHour;
    std::uint64_t v = (Fnv1a(id) % 887503681ULL);
    c.code.assign(kBookingCodeLength, 'A');
    for (int j = kBookingCodeLength - 1; j >= 0; --j, v /= 31) c.code[j] = kBookingCodeAlphabet[v % 31];
    out.push_back(std::move(c));
  }
  return out;
}

Actor RequesterOf(const BookingRequest& request) {
  return Actor{"bench-" + request.school_id, Role::kSchoolManager, request.school_id};
}

}  // namespace schoolshare::bench
