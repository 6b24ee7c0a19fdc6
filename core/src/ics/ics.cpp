#include "schoolshare/ics.h"

#include <algorithm>
#include <cstdio>
#include <map>
#include <set>

#include "schoolshare/booking_service.h"
#include "schoolshare/calendar.h"

namespace schoolshare {
namespace {

constexpr std::size_t kMaxOctets = 75;

const char* kDayWords[] = {"", "MO", "TU", "WE", "TH", "FR", "SA", "SU"};

std::string Utc(Instant t) {
  LocalDateTime l = TimeZone::Utc().ToLocal(t);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d%02d%02dT%02d%02d%02dZ", l.date.year % 10000, l.date.month % 100,
                l.date.day % 100, (l.minute_of_day / 60) % 100, l.minute_of_day % 60, l.second % 100);
  return buf;
}

std::string LocalStamp(const CivilDate& d, int minute) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d%02d%02dT%02d%02d00", d.year % 10000, d.month % 100, d.day % 100,
                (minute / 60) % 100, minute % 60);
  return buf;
}

// How times are written: in a fixed-offset zone with its VTIMEZONE, or in UTC.
struct Zone {
  const TimeZone& tz;
  bool fixed = false;

  std::string Property(const std::string& name, Instant t) const {
    if (!fixed) return name + ":" + Utc(t);
    LocalDateTime l = tz.ToLocal(t);
    return name + ";TZID=" + tz.name() + ":" + LocalStamp(l.date, l.minute_of_day);
  }
  std::string Property(const std::string& name, const CivilDate& d, int minute) const {
    if (fixed) return name + ";TZID=" + tz.name() + ":" + LocalStamp(d, minute);
    auto t = tz.ToInstant(d, minute);
    return name + ":" + Utc(t.ok() ? *t : 0);
  }
};

std::string Offset(int seconds) {
  char buf[16];
  const int m = std::abs(seconds) / 60;
  std::snprintf(buf, sizeof buf, "%c%02d%02d", seconds < 0 ? '-' : '+', (m / 60) % 100, m % 60);
  return buf;
}

class Writer {
 public:
  void Line(const std::string& line) { out_ += IcsFold(line); }
  void Text(const std::string& name, const std::string& value) { Line(name + ":" + IcsEscapeText(value)); }
  std::string Take() { return std::move(out_); }

 private:
  std::string out_;
};

const char* StatusWord(BookingStatus s) {
  switch (s) {
    case BookingStatus::kCancelled:
      return "CANCELLED";
    case BookingStatus::kPending:
      return "TENTATIVE";
    default:
      return "CONFIRMED";
  }
}

struct Names {
  std::map<std::string, std::string> resources;  // id -> "name（school）"
};

void Common(Writer& w, const Booking& b, const std::string& location, Instant stamp) {
  w.Text("SUMMARY", b.title.empty() ? b.code : b.title);
  w.Text("LOCATION", location);
  std::string description = b.organizer.empty() ? "" : b.organizer + "\n";
  w.Text("DESCRIPTION", description + "预订码 / booking code: " + b.code);
  w.Line("DTSTAMP:" + Utc(stamp));
  w.Line("LAST-MODIFIED:" + Utc(b.updated_at ? b.updated_at : stamp));
  w.Line("SEQUENCE:" + std::to_string(std::max<std::int64_t>(0, b.version - 1)));
}

}  // namespace

std::string IcsEscapeText(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '\\' || c == ',' || c == ';') {
      out += '\\';
      out += c;
    } else if (c == '\r') {
      if (i + 1 < text.size() && text[i + 1] == '\n') ++i;
      out += "\\n";
    } else if (c == '\n') {
      out += "\\n";
    } else if (static_cast<unsigned char>(c) < 0x20 && c != '\t') {
      continue;  // other control characters are not allowed in TEXT
    } else {
      out += c;
    }
  }
  return out;
}

std::string IcsFold(const std::string& line) {
  std::string out;
  std::size_t pos = 0;
  std::size_t budget = kMaxOctets;  // the first physical line holds 75 octets, the next ones 74 after the space
  while (line.size() - pos > budget) {
    std::size_t cut = pos + budget;
    // Step back over UTF-8 continuation bytes (10xxxxxx) so a character is never split.
    while (cut > pos && (static_cast<unsigned char>(line[cut]) & 0xC0) == 0x80) --cut;
    out.append(line, pos, cut - pos);
    out += "\r\n ";
    pos = cut;
    budget = kMaxOctets - 1;
  }
  out.append(line, pos, std::string::npos);
  out += "\r\n";
  return out;
}

Result<std::string> CalendarFeed(Store& store, const std::string& id, Instant now) {
  std::string calendar_name;
  std::string school_id;
  BookingFilter by_owner, by_requester;
  by_owner.from = by_requester.from = now - kIcsPast;
  by_owner.to = by_requester.to = now + kIcsFuture;
  bool school_feed = false;
  if (auto school = store.GetSchool(id); school.ok()) {
    school_feed = true;
    school_id = school->id;
    calendar_name = school->name;
    by_owner.owner_school_id = school->id;
    by_requester.school_id = school->id;
  } else if (auto resource = store.GetResource(id); resource.ok()) {
    school_id = resource->school_id;
    calendar_name = resource->name;
    by_owner.resource_id = resource->id;
  } else {
    return Status::NotFound("no school or resource \"" + id + "\" to make a calendar of");
  }
  SS_ASSIGN_OR_RETURN(District district, store.DistrictOfSchool(school_id));
  SS_ASSIGN_OR_RETURN(TimeZone tz, TimeZone::Find(district.time_zone));
  SS_ASSIGN_OR_RETURN(std::vector<Booking> bookings, store.ListBookings(by_owner));
  if (school_feed) {
    SS_ASSIGN_OR_RETURN(std::vector<Booking> made, store.ListBookings(by_requester));
    std::set<std::string> seen;
    for (const auto& b : bookings) seen.insert(b.id);
    for (auto& b : made) {
      if (seen.insert(b.id).second) bookings.push_back(std::move(b));
    }
  }
  std::sort(bookings.begin(), bookings.end(),
            [](const Booking& a, const Booking& b) { return a.start != b.start ? a.start < b.start : a.id < b.id; });

  // A zone keeps one offset all year (no DST) when January and July agree around now.
  const Zone zone{tz, tz.OffsetSeconds(now) == tz.OffsetSeconds(now + 182 * kDay)};
  Writer w;
  w.Line("BEGIN:VCALENDAR");
  w.Line("VERSION:2.0");
  w.Line("PRODID:-//schoolshare//schoolshare " SCHOOLSHARE_VERSION "//ZH");
  w.Line("CALSCALE:GREGORIAN");
  w.Line("METHOD:PUBLISH");
  w.Text("X-WR-CALNAME", calendar_name);
  w.Line("X-WR-TIMEZONE:" + tz.name());
  if (zone.fixed) {
    const std::string offset = Offset(tz.OffsetSeconds(now));
    w.Line("BEGIN:VTIMEZONE");
    w.Line("TZID:" + tz.name());
    w.Line("BEGIN:STANDARD");
    w.Line("DTSTART:19700101T000000");
    w.Line("TZOFFSETFROM:" + offset);
    w.Line("TZOFFSETTO:" + offset);
    w.Line("END:STANDARD");
    w.Line("END:VTIMEZONE");
  }

  std::map<std::string, std::string> locations;
  auto location = [&](const std::string& resource_id) -> std::string {
    if (auto it = locations.find(resource_id); it != locations.end()) return it->second;
    std::string text = resource_id;
    if (auto r = store.GetResource(resource_id); r.ok()) {
      text = r->name;
      if (auto s = store.GetSchool(r->school_id); s.ok()) text += ", " + s->name;
    }
    return locations[resource_id] = text;
  };

  std::map<std::string, std::vector<const Booking*>> series;
  for (const auto& b : bookings) {
    if (b.status == BookingStatus::kRejected) continue;
    if (!b.series_id.empty()) {
      series[b.series_id].push_back(&b);
      continue;
    }
    w.Line("BEGIN:VEVENT");
    w.Line("UID:" + b.id + "@" + kIcsDomain);
    w.Line(zone.Property("DTSTART", b.start));
    w.Line(zone.Property("DTEND", b.end));
    w.Line(std::string("STATUS:") + StatusWord(b.status));
    Common(w, b, location(b.resource_id), b.created_at ? b.created_at : now);
    w.Line("END:VEVENT");
  }

  for (const auto& [series_id, occurrences] : series) {
    auto s = store.GetSeries(series_id);
    if (!s.ok() || s->weekdays.empty()) continue;
    SS_ASSIGN_OR_RETURN(std::vector<CalendarDay> days,
                        store.ListCalendarDays(district.id, s->first_date, s->last_date));
    DistrictCalendar calendar(std::move(days));
    // Each occurrence belongs to the date the rule gave it (its id says which, SeriesOccurrenceId), even
    // when it was moved since: that date is its RECURRENCE-ID.
    const std::string prefix = series_id + "-";  // (a lambda may not capture a structured binding in clang 14)
    auto date_of = [&](const Booking& b) {
      if (b.id.size() == prefix.size() + 8 && b.id.compare(0, prefix.size(), prefix) == 0) {
        const std::string d = b.id.substr(prefix.size());
        if (auto parsed = CivilDate::Parse(d.substr(0, 4) + "-" + d.substr(4, 2) + "-" + d.substr(6, 2)); parsed.ok())
          return *parsed;
      }
      return tz.LocalDate(b.start);
    };
    std::set<std::int64_t> held;                                  // dates with a pending or confirmed occurrence
    std::vector<std::pair<CivilDate, const Booking*>> overrides;  // held occurrences unlike the rule
    const Booking* latest = occurrences.front();
    for (const Booking* b : occurrences) {
      if (b->updated_at > latest->updated_at) latest = b;
      if (!b->held()) continue;
      const CivilDate date = date_of(*b);
      held.insert(date.ToDays());
      auto rule_start = tz.ToInstant(date, s->start_minute);
      auto rule_end = tz.ToInstant(date, s->end_minute);
      const bool moved = !rule_start.ok() || !rule_end.ok() || *rule_start != b->start || *rule_end != b->end ||
                         b->resource_id != s->resource_id;
      if (moved || b->status == BookingStatus::kPending) overrides.emplace_back(date, b);
    }
    std::set<int> weekdays(s->weekdays.begin(), s->weekdays.end());
    std::string byday;
    for (int d : weekdays) byday += std::string(byday.empty() ? "" : ",") + kDayWords[std::clamp(d, 1, 7)];
    // The first date the RRULE generates is DTSTART: the first date of the range on one of the weekdays.
    CivilDate first = s->first_date;
    while (weekdays.count(first.IsoWeekday()) == 0 && first <= s->last_date) first = first.AddDays(1);
    Booking head = *latest;
    head.title = s->title;
    w.Line("BEGIN:VEVENT");
    w.Line("UID:" + series_id + "@" + kIcsDomain);
    w.Line(zone.Property("DTSTART", first, s->start_minute));
    w.Line(zone.Property("DTEND", first, s->end_minute));
    w.Line("RRULE:FREQ=WEEKLY;BYDAY=" + byday + ";UNTIL=" + Utc(tz.ToInstant(s->last_date.AddDays(1), 0).value() - 1));
    for (CivilDate d = first; d <= s->last_date; d = d.AddDays(1)) {
      if (weekdays.count(d.IsoWeekday()) != 0 && held.count(d.ToDays()) == 0) {
        w.Line(zone.Property("EXDATE", d, s->start_minute));
      }
    }
    for (std::int64_t day : held) {  // makeup days (调休) the weekly rule does not generate
      const CivilDate d = CivilDate::FromDays(day);
      if (weekdays.count(d.IsoWeekday()) == 0) w.Line(zone.Property("RDATE", d, s->start_minute));
    }
    w.Line(std::string("STATUS:") + (held.empty() ? "CANCELLED" : "CONFIRMED"));
    Common(w, head, location(s->resource_id), s->created_at ? s->created_at : now);
    w.Line("END:VEVENT");
    // A moved (or still pending) occurrence: an override of the instance of its date, same UID.
    for (const auto& [date, b] : overrides) {
      w.Line("BEGIN:VEVENT");
      w.Line("UID:" + series_id + "@" + kIcsDomain);
      w.Line(zone.Property("RECURRENCE-ID", date, s->start_minute));
      w.Line(zone.Property("DTSTART", b->start));
      w.Line(zone.Property("DTEND", b->end));
      w.Line(std::string("STATUS:") + StatusWord(b->status));
      Common(w, *b, location(b->resource_id), b->updated_at ? b->updated_at : now);
      w.Line("END:VEVENT");
    }
  }
  w.Line("END:VCALENDAR");
  return w.Take();
}

}  // namespace schoolshare
