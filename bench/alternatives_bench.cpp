// The alternatives search: BookingService::FindAlternatives (3 per kind, as Create asks for) for a request
// refused because it overlaps a booking.
//
//  - city_busy_resource: the venue of district d0001 with the most held bookings in the four weeks after
//    kCityNow + 7 days, asked for at the very time of one of its bookings by another school of the
//    district (the target case).
//  - saturated_resource: "rbusy", booked solid ten times a day for 1,000 days, asked for one hour that
//    cannot fit in any of its 30-minute gaps: the same-resource search walks all 14 days each way
//    without finding anything (a worst case, no target).
#include <benchmark/benchmark.h>
#include <sqlite3.h>

#include <string>

#include "bench_data.h"

namespace schoolshare::bench {
namespace {

// The target case, chosen from the city data with plain SQL.
BookingRequest CityRequest() {
  const std::string& path = BusyDb();
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) Die("open " + path);
  const std::string from = std::to_string(kCityNow + 7 * kDay);
  const std::string to = std::to_string(kCityNow + 35 * kDay);
  const std::string sql =
      "WITH busiest AS (SELECT b.resource_id AS id, r.school_id AS owner, count(*) AS n FROM bookings b "
      "JOIN resources r ON r.id = b.resource_id JOIN schools s ON s.id = r.school_id "
      "WHERE s.district_id = 'd0001' AND r.id <> 'rbusy' AND r.type <> 'equipment' AND r.shared = 1 AND r.active = 1 "
      "AND b.status IN ('pending','confirmed') AND b.start_at >= " +
      from + " AND b.start_at < " + to +
      " GROUP BY b.resource_id ORDER BY n DESC, b.resource_id LIMIT 1) "
      "SELECT busiest.id, busiest.owner, b.start_at, b.end_at, busiest.n FROM busiest JOIN bookings b "
      "ON b.resource_id = busiest.id WHERE b.status IN ('pending','confirmed') AND b.start_at >= " +
      from + " ORDER BY b.start_at LIMIT 1";
  sqlite3_stmt* st = nullptr;
  if (sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr) != SQLITE_OK)
    Die(std::string("sql: ") + sqlite3_errmsg(db));
  if (sqlite3_step(st) != SQLITE_ROW) Die("no busy venue in district d0001");
  BookingRequest r;
  r.id = "a0000000-0000-4000-8000-000000000001";
  r.resource_id = reinterpret_cast<const char*>(sqlite3_column_text(st, 0));
  const std::string owner = reinterpret_cast<const char*>(sqlite3_column_text(st, 1));
  r.start = sqlite3_column_int64(st, 2);
  r.end = sqlite3_column_int64(st, 3);
  std::fprintf(stderr, "[alternatives] busiest venue of d0001: %s (%lld held bookings in 4 weeks)\n",
               r.resource_id.c_str(), static_cast<long long>(sqlite3_column_int64(st, 4)));
  sqlite3_finalize(st);
  sqlite3_close(db);
  r.school_id = owner == "s00002" ? "s00003" : "s00002";
  r.organizer = "赵老师";
  r.title = "公开课";
  r.activity_type = "teaching";
  r.attendees = 10;
  return r;
}

BookingRequest SaturatedRequest() {
  auto tz = TimeZone::Find("Asia/Shanghai");
  if (!tz.ok()) Die("time zone", tz.status());
  auto start = tz->ToInstant(tz->LocalDate(kCityNow).AddDays(30), 8 * 60);
  if (!start.ok()) Die("time", start.status());
  BookingRequest r;
  r.id = "a0000000-0000-4000-8000-000000000002";
  r.resource_id = kBusyResource;
  r.school_id = kBusyRequester;
  r.organizer = "赵老师";
  r.title = "实验课";
  r.activity_type = "teaching";
  r.attendees = 30;
  r.start = *start;
  r.end = *start + kHour;
  return r;
}

void Alternatives(benchmark::State& state, bool saturated) {
  Store& store = OpenStore(BusyDb(), false);
  BookingService service(store, BenchClock());
  const BookingRequest request = saturated ? SaturatedRequest() : CityRequest();
  const Actor actor = RequesterOf(request);
  {  // It must be refused for an overlap, else we would time something else.
    auto out = service.Create(request, actor, CreateOptions{.with_alternatives = false, .dry_run = true});
    if (!out.ok()) Die("dry run", out.status());
    bool overlap = false;
    std::string why;
    for (const auto& v : out->violations) {
      overlap = overlap || v.rule == Rule::kOverlap;
      why += std::string(" ") + RuleName(v.rule);
    }
    if (out->accepted || !overlap) {
      state.SkipWithError(("request not refused for an overlap:" + why).c_str());
      return;
    }
  }
  std::size_t found = 0, same = 0;
  for (auto _ : state) {
    auto alts = service.FindAlternatives(request, actor, 3);
    if (!alts.ok()) {
      state.SkipWithError(alts.status().ToString().c_str());
      return;
    }
    found = alts->size();
    same = 0;
    for (const auto& a : *alts) same += a.kind == Alternative::Kind::kSameResourceOtherTime ? 1 : 0;
  }
  state.counters["same_resource"] = static_cast<double>(same);
  state.counters["other_resource"] = static_cast<double>(found - same);
  state.SetLabel(request.resource_id);
}

[[maybe_unused]] const bool registered = [] {
  benchmark::RegisterBenchmark("alternatives/city_busy_resource", [](benchmark::State& s) { Alternatives(s, false); })
      ->UseRealTime()
      ->Unit(benchmark::kMillisecond);
  benchmark::RegisterBenchmark("alternatives/saturated_resource", [](benchmark::State& s) { Alternatives(s, true); })
      ->UseRealTime()
      ->Unit(benchmark::kMillisecond);
  return true;
}();

}  // namespace
}  // namespace schoolshare::bench
