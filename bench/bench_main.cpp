// The benchmark program's main: Google Benchmark's flags, plus a summary that sets the figures of one
// run against the targets (validated/bare write ratios, conflict check and alternatives latencies).
//
//   schoolshare_bench --prepare   makes the data files (city, busy resource, bare table) and exits
#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstring>
#include <map>
#include <string>

#include "bench_data.h"

namespace {

struct Figure {
  double items_per_second = 0;
  double seconds = 0;  // real time per iteration
  double refused = 0;
  bool from_aggregate = false;
};

double Seconds(const benchmark::BenchmarkReporter::Run& run) {
  double t = run.GetAdjustedRealTime();
  switch (run.time_unit) {
    case benchmark::kNanosecond:
      return t * 1e-9;
    case benchmark::kMicrosecond:
      return t * 1e-6;
    case benchmark::kMillisecond:
      return t * 1e-3;
    case benchmark::kSecond:
      return t;
  }
  return t;
}

// Prints as the console reporter does and keeps, per benchmark, the median of the repetitions (or the
// single run when there are no repetitions).
class SummaryReporter : public benchmark::ConsoleReporter {
 public:
  void ReportRuns(const std::vector<Run>& runs) override {
    ConsoleReporter::ReportRuns(runs);
    for (const Run& run : runs) {
      if (run.error_occurred) continue;
      const bool aggregate = run.run_type == Run::RT_Aggregate;
      if (aggregate && run.aggregate_name != "median") continue;
      Figure& f = figures_[run.run_name.function_name];
      if (f.from_aggregate && !aggregate) continue;
      f.from_aggregate = aggregate;
      f.seconds = Seconds(run);
      if (auto it = run.counters.find("items_per_second"); it != run.counters.end()) f.items_per_second = it->second;
      if (auto it = run.counters.find("refused"); it != run.counters.end()) f.refused = it->second;
    }
  }

  void Summarize() const {
    std::printf("\n==== Summary (medians of this run; absolute figures drift ~30%% between runs, ratios less) ====\n");
    bool any_write = false;
    for (const char* mode : {"normal", "full"}) {
      for (const char* batching : {"single", "batch1000"}) {
        const Figure* v = Find(std::string("write/validated/") + batching + "/" + mode);
        const Figure* b = Find(std::string("write/bare/") + batching + "/" + mode);
        if (v == nullptr || b == nullptr || b->items_per_second <= 0) continue;
        any_write = true;
        const double ratio = v->items_per_second / b->items_per_second;
        std::printf(
            "writes  %-9s synchronous=%-6s validated %9.0f/s  bare %9.0f/s  ratio %5.1f%%  (target >= 50%%: %s)%s\n",
            batching, mode, v->items_per_second, b->items_per_second, 100 * ratio, ratio >= 0.5 ? "met" : "MISSED",
            v->refused > 0 ? "  [REFUSED CREATES IN TIMED LOOP]" : "");
      }
    }
    if (!any_write) std::printf("writes: no validated/bare pair in this run\n");
    for (const char* kind : {"accepted", "refused"}) {
      if (const Figure* f = Find(std::string("conflict/dry_run/") + kind)) {
        std::printf("conflict check, 10,000-booking resource, %-8s candidate: %7.1f us  (target < 20 us: %s)\n", kind,
                    f->seconds * 1e6, f->seconds < 20e-6 ? "met" : "MISSED");
      }
    }
    if (const Figure* f = Find("conflict/bare_overlap_select")) {
      std::printf("  (floor: the bare overlap SELECT on the same rows: %.1f us)\n", f->seconds * 1e6);
    }
    if (const Figure* f = Find("alternatives/city_busy_resource")) {
      std::printf("alternatives, busiest venue of a district (city data):      %7.2f ms  (target < 5 ms: %s)\n",
                  f->seconds * 1e3, f->seconds < 5e-3 ? "met" : "MISSED");
    }
    if (const Figure* f = Find("alternatives/saturated_resource")) {
      std::printf("alternatives, saturated 10,000-booking lab (worst case):   %7.2f ms  (no target; stress)\n",
                  f->seconds * 1e3);
    }
  }

 private:
  const Figure* Find(const std::string& name) const {
    auto it = figures_.find(name);
    return it == figures_.end() ? nullptr : &it->second;
  }
  std::map<std::string, Figure> figures_;
};

}  // namespace

int main(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--prepare") == 0) {
      schoolshare::bench::CityDb();
      schoolshare::bench::BusyDb();
      schoolshare::bench::BareDb();
      return 0;
    }
  }
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  SummaryReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  reporter.Summarize();
  benchmark::Shutdown();
  return 0;
}
