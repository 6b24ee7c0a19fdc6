// The period reports of issue 4 at city scale: a whole year of utilization + ledger + equity in one pass
// (BuildReports) for one district (10 schools) and for the whole city (2,000 schools, 40,000 resources,
// 1,000,000 bookings), read from city.db. Targets: district < 100 ms, city < 3 s, peak memory < 1 GB
// (measured around the run with /usr/bin/time -v; see docs/performance.md).
#include <benchmark/benchmark.h>

#include "bench_data.h"
#include "schoolshare/reports.h"

namespace schoolshare::bench {
namespace {

// The generator's year: bookings run from kCityNow - 180 days to about kCityNow + 90 days.
ReportScope Year(const std::string& district) {
  ReportScope scope;
  scope.district_id = district;
  scope.from = kCityNow - 180 * kDay;
  scope.to = scope.from + 365 * kDay;
  return scope;
}

void Reports(benchmark::State& state, const std::string& district) {
  Store& store = OpenStore(CityDb(), false);
  double bookings = 0;
  for (auto _ : state) {
    auto bundle = BuildReports(store, Year(district));
    if (!bundle.ok()) Die("BuildReports", bundle.status());
    bookings = bundle->utilization.total.bookings;
    benchmark::DoNotOptimize(bundle->equity.gini_with_sharing);
  }
  state.counters["bookings"] = bookings;
}

[[maybe_unused]] const bool registered = [] {
  benchmark::RegisterBenchmark("report/district_year", [](benchmark::State& s) { Reports(s, "d0001"); })
      ->UseRealTime()
      ->Unit(benchmark::kMillisecond);
  benchmark::RegisterBenchmark("report/city_year", [](benchmark::State& s) { Reports(s, ""); })
      ->UseRealTime()
      ->Unit(benchmark::kMillisecond)
      ->Iterations(1);
  return true;
}();

}  // namespace
}  // namespace schoolshare::bench
