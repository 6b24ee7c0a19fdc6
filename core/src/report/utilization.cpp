// Utilization: booked and used hours against opening hours, per resource, school and type; the
// weekday x hour heat map; the trend per ISO week.
#include <algorithm>
#include <cstdio>

#include "report/report_data.h"

namespace schoolshare {

std::string IsoWeekLabel(const CivilDate& date) {
  const CivilDate thursday = date.MondayOfWeek().AddDays(3);  // the week belongs to its Thursday's year
  const CivilDate jan1{thursday.year, 1, 1};
  const int week = static_cast<int>((thursday.ToDays() - jan1.ToDays()) / 7) + 1;
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d-W%02d", thursday.year, week);
  return buf;
}

namespace report {
namespace {

void Add(UtilizationRow& row, const std::string& id, double opening, double booked, double used, int bookings) {
  row.id = id;
  row.opening_hours += opening;
  row.booked_hours += booked;
  row.used_hours += used;
  row.bookings += bookings;
}

}  // namespace

UtilizationBuilder::UtilizationBuilder(const ReportScope& scope) {
  u_.from = scope.from;
  u_.to = scope.to;
}

// Spreads [iv.start, iv.end) over local hours: the heat map cells and the week rows.
void UtilizationBuilder::Spread(const TimeZone& tz, const Interval& iv, bool used) {
  auto& heat = used ? u_.heat_used : u_.heat_booked;
  if (iv.end <= iv.start) return;
  // One zone lookup per interval (a booking does not straddle a DST change in practice; Asia/Shanghai
  // has none): the lookups dominated a city-scale run.
  const Instant offset = tz.OffsetSeconds(iv.start);
  Instant t = iv.start;
  while (t < iv.end) {
    const Instant local = t + offset;
    const Instant hour_end = (local / kHour + 1) * kHour;
    const Instant piece = std::min(iv.end - t, hour_end - local);
    const std::int64_t days = local >= 0 ? local / kDay : (local - kDay + 1) / kDay;
    const int weekday = static_cast<int>(((days % 7) + 7 + 3) % 7);  // 0 = Monday; 1970-01-01 was a Thursday
    const int hour = static_cast<int>((local - days * kDay) / kHour);
    const double h = Hours(piece);
    heat[weekday][hour] += h;
    WeekRow& w = Week(days - weekday);
    (used ? w.used_hours : w.booked_hours) += h;
    t += piece;
  }
}

// The week's row; the pieces of a booking fall in one week, so the last one is kept at hand.
WeekRow& UtilizationBuilder::Week(std::int64_t monday) {
  if (last_week_ == nullptr || last_monday_ != monday) {
    last_week_ = &weeks_[monday];  // std::map: the row stays where it is
    last_monday_ = monday;
  }
  return *last_week_;
}

void UtilizationBuilder::Add(const DistrictData& d) {
  // Every ISO week touching the period has a row, even an empty one.
  const std::int64_t last = d.tz.LocalDate(d.scope->to - 1).ToDays();
  for (CivilDate day = d.tz.LocalDate(d.scope->from).MondayOfWeek(); day.ToDays() <= last; day = day.AddDays(7)) {
    weeks_[day.ToDays()];
  }
  // The rows each resource's bookings add into (rows of unordered_map and map stay where they are);
  // none for a resource outside the school filter.
  struct Rows {
    UtilizationRow* resource = nullptr;
    UtilizationRow* school = nullptr;
    UtilizationRow* type = nullptr;
  };
  std::vector<Rows> rows(d.resources.size());
  for (std::size_t i = 0; i < d.resources.size(); ++i) {
    const Resource& r = d.resources[i];
    if (!d.InScope(r.school_id)) continue;
    const OpeningProfile& p = *d.opening[i];
    const std::string type = ToString(r.type);
    rows[i] = {&resources_[r.id], &schools_[r.school_id], &types_[type]};
    report::Add(*rows[i].resource, r.id, p.hours, 0, 0, 0);
    report::Add(*rows[i].school, r.school_id, p.hours, 0, 0, 0);
    report::Add(*rows[i].type, type, p.hours, 0, 0, 0);
    for (const auto& [monday, h] : p.weeks) weeks_[monday].opening_hours += h;
  }
  for (const auto& b : d.bookings) {
    const Rows& to = rows[b.resource];
    if (to.resource == nullptr) continue;
    const double booked = b.span.booked_hours();
    const double used = b.span.used_hours();
    for (UtilizationRow* row : {to.resource, to.school, to.type}) {
      row->booked_hours += booked;
      row->used_hours += used;
      ++row->bookings;
    }
    Spread(d.tz, b.span.booked, false);
    Spread(d.tz, b.span.used, true);
  }
}

Utilization UtilizationBuilder::Finish() {
  for (auto& [id, row] : resources_) u_.resources.push_back(row);
  auto by_id = [](const UtilizationRow& a, const UtilizationRow& b) { return a.id < b.id; };
  std::sort(u_.resources.begin(), u_.resources.end(), by_id);
  for (auto& [id, row] : schools_) {
    u_.schools.push_back(row);
    report::Add(u_.total, "", row.opening_hours, row.booked_hours, row.used_hours, row.bookings);
  }
  std::sort(u_.schools.begin(), u_.schools.end(), by_id);
  for (auto& [id, row] : types_) u_.types.push_back(row);
  for (auto& [monday, row] : weeks_) {
    row.monday = CivilDate::FromDays(monday);
    row.week = IsoWeekLabel(row.monday);
    u_.weeks.push_back(row);
  }
  return std::move(u_);
}

}  // namespace report

Result<Utilization> BuildUtilization(Store& store, const ReportScope& scope) {
  report::UtilizationBuilder builder(scope);
  SS_RETURN_IF_ERROR(report::ForEachDistrict(store, scope, [&](report::DistrictData& d) {
    builder.Add(d);
    return Status::Ok();
  }));
  return builder.Finish();
}

Result<ReportBundle> BuildReports(Store& store, const ReportScope& scope) {
  report::UtilizationBuilder utilization(scope);
  report::LedgerBuilder ledger(scope);
  report::EquityBuilder equity(scope);
  SS_RETURN_IF_ERROR(report::ForEachDistrict(store, scope, [&](report::DistrictData& d) {
    utilization.Add(d);
    ledger.Add(d);
    equity.Add(d);
    return Status::Ok();
  }));
  return ReportBundle{utilization.Finish(), ledger.Finish(), equity.Finish()};
}

}  // namespace schoolshare
