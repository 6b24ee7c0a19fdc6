// Weekly series over a term: every occurrence is judged; all-or-nothing writes none when one is
// refused, skip-conflicts writes the others. Either way the outcome lists every refused date.
#include <algorithm>

#include "schoolshare/booking_service.h"
#include "schoolshare/ids.h"

namespace schoolshare {

std::vector<CivilDate> SeriesDates(const BookingSeries& series, const DistrictCalendar& calendar,
                                   const std::string& school_id) {
  std::vector<CivilDate> dates;
  if (series.last_date < series.first_date) return dates;
  for (CivilDate d = series.first_date; d <= series.last_date; d = d.AddDays(1)) {
    if (std::find(series.exceptions.begin(), series.exceptions.end(), d) != series.exceptions.end()) continue;
    int weekday = calendar.EffectiveWeekday(d, school_id);
    if (weekday == 0) continue;  // holiday
    if (std::find(series.weekdays.begin(), series.weekdays.end(), weekday) != series.weekdays.end()) {
      dates.push_back(d);
    }
  }
  return dates;
}

std::string SeriesOccurrenceId(const std::string& series_id, const CivilDate& date) {
  std::string day = date.ToString();
  day.erase(std::remove(day.begin(), day.end(), '-'), day.end());
  return series_id + "-" + day;
}

Result<SeriesOutcome> BookingService::CreateSeries(const SeriesRequest& request, const Actor& actor,
                                                   const CreateOptions& options) {
  BookingSeries series = request.series;
  if (series.id.empty()) series.id = NewUuid();
  if (series.end_minute <= series.start_minute) return Status::InvalidArgument("a series must end after it starts");
  if (series.last_date < series.first_date) return Status::InvalidArgument("a series' last date is before its first");
  if (series.weekdays.empty()) return Status::InvalidArgument("a series needs at least one weekday");
  if (series.last_date.ToDays() - series.first_date.ToDays() > 400) {
    return Status::InvalidArgument("a series spans at most 400 days (a school year)");
  }
  SS_ASSIGN_OR_RETURN(Resource resource, store_.GetResource(series.resource_id));
  SS_ASSIGN_OR_RETURN(District district, store_.DistrictOfSchool(resource.school_id));
  SS_ASSIGN_OR_RETURN(TimeZone tz, TimeZone::Find(district.time_zone));
  SS_ASSIGN_OR_RETURN(std::vector<CalendarDay> days,
                      store_.ListCalendarDays(district.id, series.first_date, series.last_date));
  DistrictCalendar calendar(std::move(days));
  series.created_by = actor.id;
  series.created_at = clock_.Now();

  SeriesOutcome out;
  out.series = series;
  CreateOptions each = options;
  each.with_alternatives = false;
  Status s = store_.Transaction([&]() -> Status {
    if (!options.dry_run) SS_RETURN_IF_ERROR(store_.PutSeries(series, actor));
    for (const CivilDate& date : SeriesDates(series, calendar, resource.school_id)) {
      BookingRequest r;
      r.id = SeriesOccurrenceId(series.id, date);
      r.resource_id = series.resource_id;
      r.school_id = series.school_id;
      r.organizer = series.organizer;
      r.title = series.title;
      r.activity_type = series.activity_type;
      r.attendees = series.attendees;
      r.quantity = series.quantity;
      r.series_id = series.id;
      SS_ASSIGN_OR_RETURN(r.start, tz.ToInstant(date, series.start_minute));
      SS_ASSIGN_OR_RETURN(r.end, tz.ToInstant(date, series.end_minute));
      SS_ASSIGN_OR_RETURN(BookingOutcome o, Create(r, actor, each));
      if (o.accepted)
        ++out.created;
      else
        ++out.refused;
      out.occurrences.push_back({date, std::move(o)});
    }
    if (out.occurrences.empty())
      return Status::InvalidArgument("the series has no dates (holidays and exceptions remove them all)");
    if (out.refused > 0 && (request.mode == SeriesRequest::Mode::kAllOrNothing || out.created == 0)) {
      return Status::Conflict("series refused");  // rolls back every occurrence
    }
    return Status::Ok();
  });
  if (s.code() == StatusCode::kConflict && out.refused > 0) {
    out.accepted = false;
    out.created = 0;  // nothing was written; each occurrence's `accepted` still says whether its date passed
    return out;
  }
  if (!s.ok()) return s;
  out.accepted = true;
  return out;
}

}  // namespace schoolshare
