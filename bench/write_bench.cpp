// Validated booking writes (BookingService::Create: rules, audit and change log) against a bare SQLite
// overlap-check-and-insert loop on a table of the same shape, one booking per transaction and 1,000 per
// transaction, with synchronous=NORMAL and FULL (WAL on both sides).
//
// Both sides start from the same city (validated: a copy of city.db; bare: a copy of city-bare.db, its
// bookings in a plain table), and each pair of benchmarks writes the same stream of valid candidates
// (bench_data.h), so every create in the timed loop must be accepted: refusals are counted, reported as
// the `refused` counter, and are not counted as writes.
#include <benchmark/benchmark.h>
#include <sqlite3.h>

#include <algorithm>
#include <cstdio>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "bench_data.h"

namespace schoolshare::bench {
namespace {

constexpr int kBatch = 1000;
constexpr Instant kBuffer = 10 * kMinute;  // the bench resources' buffer, honoured by the bare check too

// Where each stream has got to: candidates are never reused, across the calls Google Benchmark makes.
std::int64_t& Next(const std::string& set) {
  static std::map<std::string, std::int64_t> next;
  return next[set];
}

std::string SetName(bool batch, bool full) { return std::string(batch ? "b" : "s") + (full ? "f" : "n"); }

void Report(benchmark::State& state, std::int64_t accepted, std::int64_t refused, std::int64_t errors) {
  state.SetItemsProcessed(accepted);
  state.counters["refused"] = static_cast<double>(refused);
  if (errors > 0) state.SkipWithError("creates failed with an error (see stderr)");
}

// ---------------------------------------------------------------- validated: BookingService::Create

void ValidatedWrites(benchmark::State& state, bool batch, bool full) {
  Store& store = OpenStore(WorkCopy(CityDb(), "validated-work.db"), full);
  const std::string set = SetName(batch, full);
  EnsureWriteResources(store, set);
  BookingService service(store, BenchClock());
  const std::int64_t per_iteration = batch ? kBatch : 1;
  const std::int64_t needed = static_cast<std::int64_t>(state.max_iterations) * per_iteration;
  std::vector<Candidate> candidates = MakeCandidates(set, Next(set), needed);
  Next(set) += needed;
  std::vector<Actor> actors;
  actors.reserve(candidates.size());
  for (const Candidate& c : candidates) actors.push_back(RequesterOf(c.request));
  const CreateOptions options{.with_alternatives = false};

  std::int64_t accepted = 0, refused = 0, errors = 0;
  size_t i = 0;
  auto create_one = [&]() -> Status {
    auto out = service.Create(candidates[i].request, actors[i], options);
    ++i;
    if (!out.ok()) {
      ++errors;
      return out.status();
    }
    if (out->accepted && !out->duplicate) {
      ++accepted;
    } else {
      ++refused;
    }
    return Status::Ok();
  };
  Status first_error;
  for (auto _ : state) {
    Status s;
    if (batch) {
      s = store.Transaction([&]() -> Status {
        for (int k = 0; k < kBatch; ++k) SS_RETURN_IF_ERROR(create_one());
        return Status::Ok();
      });
    } else {
      s = create_one();
    }
    if (!s.ok() && first_error.ok()) first_error = s;
  }
  if (!first_error.ok()) std::fprintf(stderr, "validated write error: %s\n", first_error.ToString().c_str());
  Report(state, accepted, refused, errors);
}

// ---------------------------------------------------------------- bare: raw sqlite3

class BareLoop {
 public:
  explicit BareLoop(const std::string& path, bool full) {
    if (sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE, nullptr) != SQLITE_OK) Die("open " + path);
    Exec("PRAGMA journal_mode = WAL");
    Exec(full ? "PRAGMA synchronous = FULL" : "PRAGMA synchronous = NORMAL");
    begin_ = Prepare("BEGIN IMMEDIATE");
    commit_ = Prepare("COMMIT");
    // The bounded overlap check: only bookings starting after start - longest - buffer can reach start.
    overlap_ = Prepare(
        "SELECT 1 FROM bookings WHERE resource_id = ?1 AND start_at > ?2 AND start_at < ?3 AND end_at > ?4 "
        "AND status IN ('pending','confirmed') LIMIT 1");
    insert_ = Prepare(
        "INSERT INTO bookings(id, resource_id, school_id, organizer, title, activity_type, attendees, quantity, "
        "start_at, end_at, status, stage, series_id, code, note, created_by, created_at, updated_at, version) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, 'pending', 'owner', NULL, ?11, '', ?12, ?13, ?13, 1)");
    sqlite3_stmt* longest = Prepare("SELECT max(end_at - start_at) FROM bookings");
    if (sqlite3_step(longest) == SQLITE_ROW) longest_ = sqlite3_column_int64(longest, 0);
    sqlite3_finalize(longest);
    longest_ = std::max<Instant>(longest_, kHour);  // the candidates are one hour long
  }
  ~BareLoop() {
    for (sqlite3_stmt* st : {begin_, commit_, overlap_, insert_}) sqlite3_finalize(st);
    sqlite3_close(db_);
  }
  BareLoop(const BareLoop&) = delete;
  BareLoop& operator=(const BareLoop&) = delete;

  bool Step(sqlite3_stmt* st) {  // true when the statement ran to completion
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    return rc == SQLITE_DONE;
  }
  bool Begin() { return Step(begin_); }
  bool Commit() { return Step(commit_); }

  // 1: inserted, 0: refused (overlap), -1: error.
  int CheckAndInsert(const Candidate& c, const std::string& actor_id, Instant now) {
    const BookingRequest& r = c.request;
    sqlite3_bind_text(overlap_, 1, r.resource_id.data(), static_cast<int>(r.resource_id.size()), SQLITE_STATIC);
    sqlite3_bind_int64(overlap_, 2, r.start - kBuffer - longest_);
    sqlite3_bind_int64(overlap_, 3, r.end + kBuffer);
    sqlite3_bind_int64(overlap_, 4, r.start - kBuffer);
    int rc = sqlite3_step(overlap_);
    sqlite3_reset(overlap_);
    if (rc == SQLITE_ROW) return 0;
    if (rc != SQLITE_DONE) return -1;
    auto text = [&](int i, const std::string& v) {
      sqlite3_bind_text(insert_, i, v.data(), static_cast<int>(v.size()), SQLITE_STATIC);
    };
    text(1, r.id);
    text(2, r.resource_id);
    text(3, r.school_id);
    text(4, r.organizer);
    text(5, r.title);
    text(6, r.activity_type);
    sqlite3_bind_int64(insert_, 7, r.attendees);
    sqlite3_bind_int64(insert_, 8, r.quantity);
    sqlite3_bind_int64(insert_, 9, r.start);
    sqlite3_bind_int64(insert_, 10, r.end);
    text(11, c.code);
    text(12, actor_id);
    sqlite3_bind_int64(insert_, 13, now);
    return Step(insert_) ? 1 : -1;
  }

  const char* Error() const { return sqlite3_errmsg(db_); }

 private:
  void Exec(const char* sql) {
    if (sqlite3_exec(db_, sql, nullptr, nullptr, nullptr) != SQLITE_OK) Die(std::string("bare: ") + sql);
  }
  sqlite3_stmt* Prepare(const char* sql) {
    sqlite3_stmt* st = nullptr;
    if (sqlite3_prepare_v2(db_, sql, -1, &st, nullptr) != SQLITE_OK) Die(std::string("bare prepare: ") + sql);
    return st;
  }

  sqlite3* db_ = nullptr;
  sqlite3_stmt* begin_ = nullptr;
  sqlite3_stmt* commit_ = nullptr;
  sqlite3_stmt* overlap_ = nullptr;
  sqlite3_stmt* insert_ = nullptr;
  Instant longest_ = 0;
};

BareLoop& OpenBare(bool full) {
  static std::map<bool, std::unique_ptr<BareLoop>> dbs;
  auto& db = dbs[full];
  if (!db) db = std::make_unique<BareLoop>(WorkCopy(BareDb(), "bare-work.db"), full);
  return *db;
}

void BareWrites(benchmark::State& state, bool batch, bool full) {
  BareLoop& db = OpenBare(full);
  const std::string set = SetName(batch, full);
  const std::int64_t per_iteration = batch ? kBatch : 1;
  const std::int64_t needed = static_cast<std::int64_t>(state.max_iterations) * per_iteration;
  std::vector<Candidate> candidates = MakeCandidates(set, Next("bare-" + set), needed);
  Next("bare-" + set) += needed;
  std::vector<std::string> actor_ids;
  actor_ids.reserve(candidates.size());
  for (const Candidate& c : candidates) actor_ids.push_back(RequesterOf(c.request).id);
  const Instant now = BenchClock().Now();

  std::int64_t accepted = 0, refused = 0, errors = 0;
  size_t i = 0;
  auto one = [&]() {
    int r = db.CheckAndInsert(candidates[i], actor_ids[i], now);
    ++i;
    if (r > 0) {
      ++accepted;
    } else if (r == 0) {
      ++refused;
    } else {
      ++errors;
    }
  };
  for (auto _ : state) {
    if (!db.Begin()) ++errors;
    if (batch) {
      for (int k = 0; k < kBatch; ++k) one();
    } else {
      one();
    }
    if (!db.Commit()) ++errors;
  }
  if (errors > 0) std::fprintf(stderr, "bare write error: %s\n", db.Error());
  Report(state, accepted, refused, errors);
}

// Registered in pairs, validated then bare, so the two sides of a ratio run back to back.
[[maybe_unused]] const bool registered = [] {
  for (bool full : {false, true}) {
    for (bool batch : {false, true}) {
      const std::string suffix = std::string(batch ? "batch1000/" : "single/") + (full ? "full" : "normal");
      benchmark::RegisterBenchmark(("write/validated/" + suffix).c_str(),
                                   [=](benchmark::State& s) { ValidatedWrites(s, batch, full); })
          ->UseRealTime()
          ->Unit(batch ? benchmark::kMillisecond : benchmark::kMicrosecond);
      benchmark::RegisterBenchmark(("write/bare/" + suffix).c_str(),
                                   [=](benchmark::State& s) { BareWrites(s, batch, full); })
          ->UseRealTime()
          ->Unit(batch ? benchmark::kMillisecond : benchmark::kMicrosecond);
    }
  }
  return true;
}();

}  // namespace
}  // namespace schoolshare::bench
