// Instants, civil dates and the district's time zone.
//
// Contract: instants are stored and compared as UTC seconds; every conversion between an instant and
// a wall-clock time goes through TimeZone (IANA database via howardhinnant/date, never a hand-written
// offset). Booking intervals are half-open: [start, end).
#pragma once

#include <compare>
#include <cstdint>
#include <string>

#include "schoolshare/status.h"

namespace schoolshare {

using Instant = std::int64_t;  // seconds since 1970-01-01T00:00:00Z
constexpr Instant kMinute = 60;
constexpr Instant kHour = 3600;
constexpr Instant kDay = 86400;

// A calendar date with no time zone (a district's local date).
struct CivilDate {
  int year = 1970;
  int month = 1;  // 1..12
  int day = 1;    // 1..31

  static Result<CivilDate> Parse(const std::string& text);  // "2026-11-23"
  static CivilDate FromDays(std::int64_t days_since_epoch);
  std::int64_t ToDays() const;  // days since 1970-01-01
  int IsoWeekday() const;       // 1 = Monday .. 7 = Sunday
  CivilDate AddDays(int n) const { return FromDays(ToDays() + n); }
  CivilDate MondayOfWeek() const { return AddDays(1 - IsoWeekday()); }
  std::string ToString() const;  // "2026-11-23"
  bool valid() const;
  auto operator<=>(const CivilDate&) const = default;
};

struct LocalDateTime {
  CivilDate date;
  int minute_of_day = 0;  // 0..1439
  int second = 0;
  std::string ToString() const;  // "2026-11-23 08:00"
};

class TimeZone {
 public:
  // Looks up an IANA zone name ("Asia/Shanghai", "Europe/Berlin").
  static Result<TimeZone> Find(const std::string& iana_name);
  static TimeZone Utc();

  const std::string& name() const { return name_; }

  // Local wall-clock time to an instant. minute_of_day may be >= 1440 (past midnight of the next day).
  // A time that does not exist (the spring-forward gap) is InvalidArgument; an ambiguous time (the
  // autumn fall-back hour) resolves to the earlier instant.
  Result<Instant> ToInstant(const CivilDate& date, int minute_of_day) const;
  LocalDateTime ToLocal(Instant t) const;
  CivilDate LocalDate(Instant t) const { return ToLocal(t).date; }
  int OffsetSeconds(Instant t) const;

  std::string FormatRfc3339(Instant t) const;  // "2026-11-23T08:00:00+08:00"
  std::string FormatLocal(Instant t) const;    // "2026-11-23 08:00"
  std::string FormatTime(Instant t) const;     // "08:00"

  // Accepts RFC 3339 with "Z" or an offset, or a local "YYYY-MM-DD HH:MM[:SS]" / "YYYY-MM-DDTHH:MM[:SS]"
  // read in this zone.
  Result<Instant> Parse(const std::string& text) const;

 private:
  TimeZone(const void* zone, std::string name) : zone_(zone), name_(std::move(name)) {}
  const void* zone_;  // const date::time_zone*, owned by the tz database; null means UTC
  std::string name_;
};

// "08:00" -> 480; accepts "24:00" -> 1440 and "26:00" -> 1560 (past midnight).
Result<int> ParseMinuteOfDay(const std::string& text);
std::string FormatMinuteOfDay(int minute);  // 480 -> "08:00", 1560 -> "26:00"

}  // namespace schoolshare
