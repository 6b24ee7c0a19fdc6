// The conflict check: judging one candidate against a resource holding 10,000 bookings, through the
// public API (BookingService::Create with dry_run: the "while typing" check; nothing is written).
//
// The resource ("rbusy", city-busy.db) is a lab booked ten times a day for 1,000 days around kCityNow.
// Two candidates, 30 days ahead, requested by another school of the district: one that fits in a gap
// between two bookings (accepted) and one that overlaps a booking (refused). For scale, the bare overlap
// SELECT on the same rows with the raw sqlite3 API is measured too.
#include <benchmark/benchmark.h>
#include <sqlite3.h>

#include <string>

#include "bench_data.h"

namespace schoolshare::bench {
namespace {

BookingRequest BusyCandidate(bool fits) {
  auto tz = TimeZone::Find("Asia/Shanghai");
  if (!tz.ok()) Die("time zone", tz.status());
  const CivilDate day = tz->LocalDate(kCityNow).AddDays(30);
  // Bookings run 07:00-08:00, 08:30-09:30, ...: 08:10-08:20 keeps the 10-minute buffer on both sides;
  // 08:45-09:15 overlaps the 08:30 booking.
  auto start = tz->ToInstant(day, fits ? 8 * 60 + 10 : 8 * 60 + 45);
  if (!start.ok()) Die("candidate time", start.status());
  BookingRequest r;
  r.id = fits ? "c0000000-0000-4000-8000-000000000001" : "c0000000-0000-4000-8000-000000000002";
  r.resource_id = kBusyResource;
  r.school_id = kBusyRequester;
  r.organizer = "张老师";
  r.title = "兴趣小组";
  r.activity_type = "club";
  r.attendees = 20;
  r.start = *start;
  r.end = *start + (fits ? 10 : 30) * kMinute;
  return r;
}

void DryRun(benchmark::State& state, bool fits) {
  Store& store = OpenStore(BusyDb(), false);
  BookingService service(store, BenchClock());
  const BookingRequest request = BusyCandidate(fits);
  const Actor actor = RequesterOf(request);
  const CreateOptions options{.with_alternatives = false, .dry_run = true};
  {  // The verdict must be the one we mean to time.
    auto out = service.Create(request, actor, options);
    if (!out.ok()) Die("dry run", out.status());
    const bool overlap_only = out->violations.size() == 1 && out->violations[0].rule == Rule::kOverlap;
    if (fits ? !out->accepted : (out->accepted || !overlap_only)) {
      std::string why;
      for (const auto& v : out->violations) why += std::string(" ") + RuleName(v.rule);
      state.SkipWithError(("unexpected verdict:" + why).c_str());
      return;
    }
    state.SetLabel(fits ? "accepted"
                        : "refused: overlap with " + std::to_string(out->violations[0].conflicting_booking_ids.size()) +
                              " booking");
  }
  std::int64_t wrong = 0;
  for (auto _ : state) {
    auto out = service.Create(request, actor, options);
    if (!out.ok() || out->accepted != fits) ++wrong;
    benchmark::DoNotOptimize(out);
  }
  state.counters["wrong_verdicts"] = static_cast<double>(wrong);
}

// The floor: the bounded overlap SELECT alone, raw sqlite3, on the same file and rows.
void BareOverlapSelect(benchmark::State& state) {
  const std::string& path = BusyDb();
  OpenStore(path, false);  // the same file is open through the store too
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) Die("open " + path);
  sqlite3_stmt* st = nullptr;
  sqlite3_prepare_v2(db,
                     "SELECT id, start_at, end_at FROM bookings WHERE resource_id = ?1 AND start_at > ?2 "
                     "AND start_at < ?3 AND end_at > ?4 AND status IN ('pending','confirmed')",
                     -1, &st, nullptr);
  const BookingRequest r = BusyCandidate(false);
  const Instant pad = 10 * kMinute;
  std::int64_t rows = 0;
  for (auto _ : state) {
    sqlite3_bind_text(st, 1, r.resource_id.c_str(), -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, r.start - pad - kHour);
    sqlite3_bind_int64(st, 3, r.end + pad);
    sqlite3_bind_int64(st, 4, r.start - pad);
    while (sqlite3_step(st) == SQLITE_ROW) ++rows;
    sqlite3_reset(st);
  }
  state.counters["rows"] = benchmark::Counter(static_cast<double>(rows), benchmark::Counter::kAvgIterations);
  sqlite3_finalize(st);
  sqlite3_close(db);
}

[[maybe_unused]] const bool registered = [] {
  benchmark::RegisterBenchmark("conflict/dry_run/accepted", [](benchmark::State& s) { DryRun(s, true); })
      ->UseRealTime()
      ->Unit(benchmark::kMicrosecond);
  benchmark::RegisterBenchmark("conflict/dry_run/refused", [](benchmark::State& s) { DryRun(s, false); })
      ->UseRealTime()
      ->Unit(benchmark::kMicrosecond);
  benchmark::RegisterBenchmark("conflict/bare_overlap_select", BareOverlapSelect)
      ->UseRealTime()
      ->Unit(benchmark::kMicrosecond);
  return true;
}();

}  // namespace
}  // namespace schoolshare::bench
