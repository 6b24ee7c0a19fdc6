// Shared data of the benchmarks: the generated city database (made once, reused while its counts match),
// the files derived from it, and the stream of valid candidate bookings the write benchmarks use.
//
// Files, all under DataDir() (build-bench/bench-data by default, SCHOOLSHARE_BENCH_DATA to override):
//   city.db         GenerateCity output (2,000 schools, 40,000 resources, 1,000,000 bookings), read-only
//   city-busy.db    city.db plus resource "rbusy" holding 10,000 bookings, read-only (conflict, alternatives)
//   bare.db         a plain bookings table of the same shape holding city.db's bookings (bare SQLite side)
//   *-work.db       fresh copies made once per process for the benchmarks that write; under WorkDir()
//                   (SCHOOLSHARE_BENCH_WORK, default DataDir()), so two checkouts can share one read-only
//                   data dir without overwriting each other's copies
//
// SCHOOLSHARE_BENCH_SCALE=small uses 200 schools, 4,000 resources and 100,000 bookings (city-small*.db)
// for trying the benchmarks quickly; the figures in docs/performance.md are from the full city.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "schoolshare/booking_service.h"
#include "schoolshare/clock.h"
#include "schoolshare/store.h"

namespace schoolshare::bench {

inline constexpr Instant kCityNow = 1772409600;  // 2026-03-02T00:00:00Z, the generator's default `now`
inline constexpr char kBusyResource[] = "rbusy";
inline constexpr int kBusyBookings = 10000;
inline constexpr char kBusyOwner[] = "s00001";
inline constexpr char kBusyRequester[] = "s00002";

struct CityScale {
  const char* name;  // "city" or "city-small"
  int schools;
  int resources;
  std::int64_t bookings;
};
const CityScale& Scale();

std::string DataDir();
std::string WorkDir();
// Paths of the data files above, each made on first use.
const std::string& CityDb();
const std::string& BusyDb();
const std::string& BareDb();
// A fresh copy of `src` made once per process (later calls return the same path).
const std::string& WorkCopy(const std::string& src, const std::string& name);

// Aborts the benchmark program with a message: the data is unusable, nothing can be measured.
[[noreturn]] void Die(const std::string& what, const Status& s = Status::Ok());

// A store on `path`, opened once per (path, synchronous mode) and kept for the process's life
// (opening runs an integrity check over the whole file, far too slow to repeat per benchmark run).
Store& OpenStore(const std::string& path, bool synchronous_full);
ManualClock& BenchClock();  // set to kCityNow

// The stream of valid candidate bookings for the write benchmarks. Candidate i goes to bench resource
// i % kWriteResources of the stream's set (created by EnsureWriteResources, spread over all districts), one
// hour at the n-th free slot of that resource (8 slots a weekday inside its 07:30-18:00 opening hours,
// 10-minute buffer respected), from the Monday a week after kCityNow onwards; requested by another school
// of the owner's district, in turn (a cross-school booking; the weekly cap of 6 hours is never reached).
// Both the validated and the bare benchmarks of one stream write the same candidates.
inline constexpr int kWriteResources = 500;
struct Candidate {
  BookingRequest request;
  std::string code;  // for the bare table (the service draws its own)
};
std::string WriteResourceId(const std::string& set, int k);
// Creates the stream's resources in `store`; idempotent.
void EnsureWriteResources(Store& store, const std::string& set);
std::vector<Candidate> MakeCandidates(const std::string& set, std::int64_t first, std::int64_t count);

// The actor that may create `request`: a school manager of the requesting school.
Actor RequesterOf(const BookingRequest& request);

}  // namespace schoolshare::bench
