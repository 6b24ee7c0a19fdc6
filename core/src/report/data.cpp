#include <algorithm>
#include <iterator>
#include <memory>

#include "report/report_data.h"
#include "store/district_source.h"

namespace schoolshare {

namespace {

// UsedInterval of the booking `id` ending at `end`.
bool UsedIntervalOf(const std::string& id, Instant end, const std::vector<UsageFact>& facts, Interval* used) {
  Instant in = 0;
  Instant out = 0;
  for (const auto& f : facts) {
    if (f.booking_id != id) continue;
    if (f.kind == FactKind::kCheckIn || f.kind == FactKind::kHandOut || f.kind == FactKind::kWalkIn) {
      if (in == 0 || f.at < in) in = f.at;
    } else if (out == 0 || f.at > out) {
      out = f.at;
    }
  }
  if (in == 0) return false;
  if (out <= in) out = std::max(in, end);  // checked in, never checked out: until the booking's end
  *used = {in, out};
  return true;
}

}  // namespace

bool UsedInterval(const Booking& b, const std::vector<UsageFact>& facts, Interval* used) {
  return UsedIntervalOf(b.id, b.end, facts, used);
}

Result<ReportScope> ScopeFromDates(Store& store, const std::string& school_id, const std::string& district_id,
                                   const std::string& from, const std::string& to, TimeZone* tz) {
  ReportScope scope;
  scope.school_id = school_id;
  scope.district_id = district_id;
  District district;
  if (!school_id.empty()) {
    SS_ASSIGN_OR_RETURN(district, store.DistrictOfSchool(school_id));
  } else if (!district_id.empty()) {
    SS_ASSIGN_OR_RETURN(district, store.GetDistrict(district_id));
  } else {
    SS_ASSIGN_OR_RETURN(std::vector<District> all, store.ListDistricts());
    if (!all.empty()) district = all.front();
  }
  auto zone = district.id.empty() ? Result<TimeZone>(TimeZone::Utc()) : TimeZone::Find(district.time_zone);
  if (!zone.ok()) return zone.status();
  *tz = *zone;
  auto first = CivilDate::Parse(from);
  if (!first.ok()) return Status::InvalidArgument("from: " + first.status().message());
  auto last = CivilDate::Parse(to);
  if (!last.ok()) return Status::InvalidArgument("to: " + last.status().message());
  if (*last < *first)
    return Status::InvalidArgument("to " + to + " comes before from " + from + ": the range is reversed");
  SS_ASSIGN_OR_RETURN(scope.from, tz->ToInstant(*first, 0));
  SS_ASSIGN_OR_RETURN(scope.to, tz->ToInstant(last->AddDays(1), 0));
  return scope;
}

namespace report {
namespace {

constexpr Instant kFactSlack = kDay;  // facts of a booking touching the period may lie this far outside

std::string ProfileKey(const Resource& r, bool school_calendar) {
  std::string key = school_calendar ? r.school_id : "";
  for (const auto& w : r.opening_hours) {
    key += "|" + std::to_string(w.weekday) + ":" + std::to_string(w.start_minute) + "-" + std::to_string(w.end_minute);
  }
  return key;
}

std::vector<WeeklyWindow> AllDay() {
  std::vector<WeeklyWindow> w;
  for (int d = 1; d <= 7; ++d) w.push_back({d, 0, 24 * 60});
  return w;
}

OpeningProfile Profile(const DistrictData& d, const Resource& r) {
  static const std::vector<WeeklyWindow> all_day = AllDay();
  const auto& windows = r.opening_hours.empty() ? all_day : r.opening_hours;
  OpeningProfile p;
  for (const Interval& iv : ExpandWeeklyWindows(windows, d.calendar, r.school_id, d.tz, d.scope->from, d.scope->to)) {
    const double h = Hours(iv.end - iv.start);
    p.hours += h;
    p.weeks[d.tz.LocalDate(iv.start).MondayOfWeek().ToDays()] += h;
  }
  return p;
}

using FactsByBooking = std::unordered_map<std::string, std::vector<UsageFact>>;

Span SpanOf(Instant from, Instant to, const BookingSpan& b, const FactsByBooking& facts) {
  Span s;
  s.booked = {std::max(b.start, from), std::min(b.end, to)};
  if (s.booked.end < s.booked.start) s.booked.end = s.booked.start;
  auto it = facts.find(b.id);
  Interval used;
  if (it != facts.end() && UsedIntervalOf(b.id, b.end, it->second, &used)) {
    s.used = {std::max(used.start, from), std::min(used.end, to)};
    if (s.used.end < s.used.start) s.used.end = s.used.start;
  }
  return s;
}

// The district's confirmed bookings and their facts: one query each from a store that can
// (DistrictReportSource), else one booking query per school and one fact query per resource.
Status ReadBookingsAndFacts(Store& store, const DistrictData& d, std::vector<BookingSpan>* spans,
                            std::vector<UsageFact>* facts) {
  const Instant from = d.scope->from;
  const Instant to = d.scope->to;
  if (auto* source = dynamic_cast<DistrictReportSource*>(&store)) {
    SS_ASSIGN_OR_RETURN(*spans, source->ListDistrictSpans(d.district.id, from, to));
    SS_ASSIGN_OR_RETURN(*facts, source->ListDistrictFacts(d.district.id, from - kFactSlack, to + kFactSlack));
    return Status::Ok();
  }
  for (const auto& s : d.schools) {
    BookingFilter f;
    f.owner_school_id = s.id;
    f.from = from;
    f.to = to;
    f.statuses = {BookingStatus::kConfirmed};
    SS_ASSIGN_OR_RETURN(std::vector<Booking> bookings, store.ListBookings(f));
    for (auto& b : bookings) {
      spans->push_back({std::move(b.id), std::move(b.resource_id), std::move(b.school_id), b.start, b.end});
    }
  }
  for (const auto& r : d.resources) {
    FactFilter f;
    f.resource_id = r.id;
    f.from = from - kFactSlack;
    f.to = to + kFactSlack;
    SS_ASSIGN_OR_RETURN(std::vector<UsageFact> some, store.ListFacts(f));
    std::move(some.begin(), some.end(), std::back_inserter(*facts));
  }
  return Status::Ok();
}

Status LoadBookings(Store& store, DistrictData* d) {
  std::vector<BookingSpan> spans;
  std::vector<UsageFact> facts;
  SS_RETURN_IF_ERROR(ReadBookingsAndFacts(store, *d, &spans, &facts));
  FactsByBooking by_booking;  // facts on the active resources only
  for (auto& f : facts) {
    if (!f.booking_id.empty() && d->resource_index.count(f.resource_id) > 0) {
      by_booking[f.booking_id].push_back(std::move(f));
    }
  }
  struct Keyed {
    std::size_t resource;
    std::size_t owner;
    const BookingSpan* b;
  };
  std::vector<Keyed> keyed;
  keyed.reserve(spans.size());
  for (const auto& b : spans) {
    auto r = d->resource_index.find(b.resource_id);
    if (r == d->resource_index.end()) continue;  // an inactive resource
    auto owner = d->school_index.find(d->resources[r->second].school_id);
    if (owner == d->school_index.end()) continue;
    keyed.push_back({r->second, owner->second, &b});
  }
  // Owner school, start, resource, id: the order the sums were always added in (resources are by id).
  std::sort(keyed.begin(), keyed.end(), [](const Keyed& x, const Keyed& y) {
    if (x.owner != y.owner) return x.owner < y.owner;
    if (x.b->start != y.b->start) return x.b->start < y.b->start;
    if (x.resource != y.resource) return x.resource < y.resource;
    return x.b->id < y.b->id;
  });
  d->bookings.reserve(keyed.size());
  for (const auto& k : keyed) {
    ReportBooking rb;
    rb.resource = k.resource;
    rb.owner = k.owner;
    auto school = d->school_index.find(k.b->school_id);
    if (school != d->school_index.end()) rb.school = static_cast<std::ptrdiff_t>(school->second);
    rb.school_id = k.b->school_id;
    rb.span = SpanOf(d->scope->from, d->scope->to, *k.b, by_booking);
    d->bookings.push_back(std::move(rb));
  }
  return Status::Ok();
}

Status LoadDistrict(Store& store, const ReportScope& scope, const District& district, DistrictData* d) {
  const Instant from = scope.from;
  const Instant to = scope.to;
  d->scope = &scope;
  d->district = district;
  SS_ASSIGN_OR_RETURN(d->tz, TimeZone::Find(district.time_zone));
  SS_ASSIGN_OR_RETURN(
      std::vector<CalendarDay> days,
      store.ListCalendarDays(district.id, d->tz.LocalDate(from).AddDays(-2), d->tz.LocalDate(to).AddDays(2)));
  std::map<std::string, bool> school_calendar;
  for (const auto& day : days) {
    if (!day.school_id.empty()) school_calendar[day.school_id] = true;
  }
  d->calendar = DistrictCalendar(std::move(days));
  SS_ASSIGN_OR_RETURN(d->schools, store.ListSchools(district.id));
  std::sort(d->schools.begin(), d->schools.end(), [](const School& a, const School& b) { return a.id < b.id; });
  for (std::size_t i = 0; i < d->schools.size(); ++i) d->school_index[d->schools[i].id] = i;
  if (auto* source = dynamic_cast<DistrictReportSource*>(&store)) {
    SS_ASSIGN_OR_RETURN(d->resources, source->ListDistrictReportResources(district.id));
  } else {
    ResourceFilter rf;
    rf.district_id = district.id;
    SS_ASSIGN_OR_RETURN(d->resources, store.ListResources(rf));
  }
  std::sort(d->resources.begin(), d->resources.end(), [](const Resource& a, const Resource& b) { return a.id < b.id; });
  std::map<std::string, const OpeningProfile*> by_key;
  for (std::size_t i = 0; i < d->resources.size(); ++i) {
    const Resource& r = d->resources[i];
    d->resource_index[r.id] = i;
    const std::string key = ProfileKey(r, school_calendar.count(r.school_id) > 0);
    auto it = by_key.find(key);
    if (it == by_key.end()) {
      d->profiles.push_back(std::make_unique<OpeningProfile>(Profile(*d, r)));
      it = by_key.emplace(key, d->profiles.back().get()).first;
    }
    d->opening.push_back(it->second);
  }
  return LoadBookings(store, d);
}

}  // namespace

double Hours(Instant seconds) { return static_cast<double>(seconds) / kHour; }

Status ForEachDistrict(Store& store, const ReportScope& scope, const std::function<Status(DistrictData&)>& fn) {
  if (scope.to <= scope.from) return Status::InvalidArgument("the report period must end after it starts");
  std::vector<District> districts;
  if (!scope.school_id.empty()) {
    SS_ASSIGN_OR_RETURN(School s, store.GetSchool(scope.school_id));
    if (!scope.district_id.empty() && s.district_id != scope.district_id) {
      return Status::InvalidArgument("school \"" + s.id + "\" is not in district \"" + scope.district_id + "\"");
    }
    SS_ASSIGN_OR_RETURN(District d, store.GetDistrict(s.district_id));
    districts.push_back(d);
  } else if (!scope.district_id.empty()) {
    SS_ASSIGN_OR_RETURN(District d, store.GetDistrict(scope.district_id));
    districts.push_back(d);
  } else {
    SS_ASSIGN_OR_RETURN(districts, store.ListDistricts());
  }
  for (const auto& district : districts) {
    DistrictData d;
    SS_RETURN_IF_ERROR(store.ReadTransaction([&] { return LoadDistrict(store, scope, district, &d); }));
    SS_RETURN_IF_ERROR(fn(d));
  }
  return Status::Ok();
}

}  // namespace report
}  // namespace schoolshare
