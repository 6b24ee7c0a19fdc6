// The district calendar: which local dates are holidays, exam days or makeup workdays (调休), and so
// which weekday's timetable and opening hours a date follows.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "schoolshare/model.h"

namespace schoolshare {

class DistrictCalendar {
 public:
  DistrictCalendar() = default;
  explicit DistrictCalendar(std::vector<CalendarDay> days);

  // The weekday (1..7) whose timetable and opening hours `date` follows for `school_id`:
  // 0 on a public or school holiday, runs_weekday on a makeup workday, else the date's own weekday.
  int EffectiveWeekday(const CivilDate& date, const std::string& school_id) const;
  bool IsHoliday(const CivilDate& date, const std::string& school_id) const;
  bool IsExamDay(const CivilDate& date, const std::string& school_id) const;
  // The entry that explains the date for the school (school-specific first), or null.
  const CalendarDay* Find(const CivilDate& date, const std::string& school_id) const;

  const std::vector<CalendarDay>& days() const { return days_; }

 private:
  std::vector<CalendarDay> days_;
  std::multimap<std::int64_t, size_t> by_day_;  // ToDays() -> index in days_
};

// The concrete local-time intervals (as instants, merged, sorted) in which `windows` are open between
// [from, to), following the calendar for `school_id`. An empty `windows` means "always open".
struct Interval {
  Instant start = 0;
  Instant end = 0;
  bool operator==(const Interval&) const = default;
};
std::vector<Interval> ExpandWeeklyWindows(const std::vector<WeeklyWindow>& windows, const DistrictCalendar& calendar,
                                          const std::string& school_id, const TimeZone& tz, Instant from, Instant to);

}  // namespace schoolshare
