// Search and recommendation (issue 4) on the generated city (city.db: 2,000 schools in 200 districts of
// 10, 40,000 resources, 1,000,000 bookings), read-only. Each iteration is timed on its own; the p50 and
// p99 of all iterations are reported as counters (p99_ms is what the targets are about).
//
//  - availability/district_hall_500: a hall with at least 500 seats, Saturday 08:00-12:00 two weeks after
//    kCityNow, two hours, anywhere in district d0001, for school s00002 (target p99 < 5 ms).
//  - availability/city_hall_500: the same over every district (target p99 < 50 ms).
#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <vector>

#include "bench_data.h"
#include "schoolshare/search.h"

namespace schoolshare::bench {
namespace {

AvailabilityQuery SaturdayHalls(bool city) {
  auto tz = TimeZone::Find("Asia/Shanghai");
  if (!tz.ok()) Die("time zone", tz.status());
  const CivilDate monday = tz->LocalDate(kCityNow).MondayOfWeek().AddDays(14);
  AvailabilityQuery q;
  q.types = {ResourceType::kHall};
  q.min_capacity = 500;
  q.from = *tz->ToInstant(monday.AddDays(5), 8 * 60);
  q.to = *tz->ToInstant(monday.AddDays(5), 12 * 60);
  q.duration_minutes = 120;
  q.for_school_id = "s00002";
  q.whole_city = city;
  q.limit = 10;
  return q;
}

// Times fn per iteration; p50_ms and p99_ms over every iteration of the run.
template <typename Fn>
void Percentiles(benchmark::State& state, Fn fn) {
  std::vector<double> ms;
  for (auto _ : state) {
    const auto t0 = std::chrono::steady_clock::now();
    if (!fn()) return;
    ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
  }
  if (ms.empty()) return;
  std::sort(ms.begin(), ms.end());
  auto at = [&](double p) { return ms[std::min(ms.size() - 1, static_cast<size_t>(p * ms.size()))]; };
  state.counters["p50_ms"] = at(0.50);
  state.counters["p99_ms"] = at(0.99);
  state.counters["max_ms"] = ms.back();
}

void Availability(benchmark::State& state, bool city) {
  Store& store = OpenStore(CityDb(), false);
  const AvailabilityQuery q = SaturdayHalls(city);
  size_t found = 0;
  Percentiles(state, [&] {
    auto slots = FindAvailability(store, q, kCityNow);
    if (!slots.ok()) {
      state.SkipWithError(slots.status().ToString().c_str());
      return false;
    }
    found = slots->size();
    benchmark::DoNotOptimize(slots->data());
    return true;
  });
  state.counters["slots"] = static_cast<double>(found);
}

[[maybe_unused]] const bool registered = [] {
  benchmark::RegisterBenchmark("availability/district_hall_500", [](benchmark::State& s) { Availability(s, false); })
      ->UseRealTime()
      ->Unit(benchmark::kMillisecond);
  benchmark::RegisterBenchmark("availability/city_hall_500", [](benchmark::State& s) { Availability(s, true); })
      ->UseRealTime()
      ->Unit(benchmark::kMillisecond);
  return true;
}();

}  // namespace
}  // namespace schoolshare::bench
