// Search and recommendation (issue 4) on the generated city (city.db: 2,000 schools in 200 districts of
// 10, 40,000 resources, 1,000,000 bookings), read-only. Each iteration is timed on its own; the p50 and
// p99 of all iterations are reported as counters (p99_ms is what the targets are about).
//
//  - availability/district_hall_500: a hall with at least 500 seats, Saturday 08:00-12:00 two weeks after
//    kCityNow, two hours, anywhere in district d0001, for school s00002 (target p99 < 5 ms).
//  - availability/city_hall_500: the same over every district (target p99 < 50 ms).
//  - common/five_schools_month: common free time of schools s00001-s00005 (district d0001) over four
//    weeks, two hours, a hall of 200+ seats; each school has 24 classes with lessons Monday-Friday
//    08:00-12:00 and 14:00-17:00 (written once into a work copy of city.db; the generator makes no
//    classes) (target < 20 ms).
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

// Runs `search` once per iteration (see Percentiles); `slots` is how many the last run found.
template <typename Search>
void MeasureSearch(benchmark::State& state, Search search) {
  size_t found = 0;
  Percentiles(state, [&] {
    Result<std::vector<RankedSlot>> slots = search();
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

void Availability(benchmark::State& state, bool city) {
  Store& store = OpenStore(CityDb(), false);
  const AvailabilityQuery q = SaturdayHalls(city);
  MeasureSearch(state, [&] { return FindAvailability(store, q, kCityNow); });
}

constexpr int kClassesPerSchool = 24;
const char* const kCommonSchools[] = {"s00001", "s00002", "s00003", "s00004", "s00005"};

// city.db with timetabled classes for the five schools (made once per process).
Store& CityWithClasses() {
  Store& store = OpenStore(WorkCopy(CityDb(), "classes-work.db"), false);
  static const bool seeded = [&store] {
    for (const char* school : kCommonSchools) {
      for (int k = 0; k < kClassesPerSchool; ++k) {
        SchoolClass c;
        c.id = std::string(school) + "-c" + std::to_string(k);
        c.school_id = school;
        c.name = "班级" + std::to_string(k);
        c.grade = 1 + k / 4;
        c.students = 40;
        for (int day = 1; day <= 5; ++day) {
          c.lessons.push_back({day, 8 * 60, 12 * 60});
          c.lessons.push_back({day, 14 * 60, 17 * 60});
        }
        Status s = store.PutClass(c, Actor::System());
        if (!s.ok()) Die("class " + c.id, s);
      }
    }
    return true;
  }();
  (void)seeded;
  return store;
}

void CommonFreeTime(benchmark::State& state) {
  Store& store = CityWithClasses();
  auto tz = TimeZone::Find("Asia/Shanghai");
  if (!tz.ok()) Die("time zone", tz.status());
  const CivilDate monday = tz->LocalDate(kCityNow).MondayOfWeek().AddDays(14);
  CommonTimeQuery q;
  for (const char* school : kCommonSchools) q.school_ids.push_back(school);
  q.from = *tz->ToInstant(monday, 0);
  q.to = *tz->ToInstant(monday.AddDays(28), 0);
  q.duration_minutes = 120;
  q.types = {ResourceType::kHall};
  q.min_capacity = 200;
  q.limit = 10;
  MeasureSearch(state, [&] { return FindCommonFreeTime(store, q, kCityNow); });
}

[[maybe_unused]] const bool registered = [] {
  benchmark::RegisterBenchmark("common/five_schools_month", [](benchmark::State& s) { CommonFreeTime(s); })
      ->UseRealTime()
      ->Unit(benchmark::kMillisecond);
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
