// The district calendar and the expansion of weekly windows into concrete intervals.
//
// Decisions (see calendar.h for the contract):
// - For one date, the entries for `school_id` win over the district-wide entries (empty school_id);
//   entries of other schools are ignored. Within the winning group a holiday outranks a makeup workday,
//   which outranks an exam day (so Find, EffectiveWeekday and IsHoliday always agree).
// - A makeup workday whose runs_weekday is not 1..7 runs its own weekday.
// - ExpandWeeklyWindows: a window edge that falls in a DST gap (a local time that does not exist) is moved
//   to the first valid instant after it, i.e. the moment the clocks jump; an edge in the ambiguous
//   fall-back hour takes the earlier instant (TimeZone::ToInstant). A window is therefore never longer
//   in wall-clock terms than written, and a window lying wholly inside a gap is empty.
#include "schoolshare/calendar.h"

#include <algorithm>
#include <utility>

namespace schoolshare {
namespace {

bool IsHolidayKind(CalendarDayKind k) {
  return k == CalendarDayKind::kPublicHoliday || k == CalendarDayKind::kSchoolHoliday;
}

int Rank(CalendarDayKind k) {
  if (IsHolidayKind(k)) return 0;
  if (k == CalendarDayKind::kMakeupWorkday) return 1;
  return 2;
}

// The instant of local (date, minute); inside a DST gap, the first valid instant after it.
Instant EdgeInstant(const TimeZone& tz, const CivilDate& date, int minute) {
  for (int m = minute; m < minute + 2 * 24 * 60; ++m) {  // gaps are at most a day long (Samoa 2011)
    Result<Instant> t = tz.ToInstant(date, m);
    if (t.ok()) return *t;
  }
  // Unreachable with the real tz database; fall back to a UTC reading rather than fail.
  return date.ToDays() * kDay + static_cast<Instant>(minute) * kMinute;
}

}  // namespace

DistrictCalendar::DistrictCalendar(std::vector<CalendarDay> days) : days_(std::move(days)) {
  for (size_t i = 0; i < days_.size(); ++i) by_day_.emplace(days_[i].date.ToDays(), i);
}

const CalendarDay* DistrictCalendar::Find(const CivilDate& date, const std::string& school_id) const {
  const CalendarDay* best_school = nullptr;
  const CalendarDay* best_district = nullptr;
  auto [lo, hi] = by_day_.equal_range(date.ToDays());
  for (auto it = lo; it != hi; ++it) {
    const CalendarDay& d = days_[it->second];
    const CalendarDay** slot = nullptr;
    if (d.school_id.empty()) {
      slot = &best_district;
    } else if (!school_id.empty() && d.school_id == school_id) {
      slot = &best_school;
    } else {
      continue;
    }
    if (*slot == nullptr || Rank(d.kind) < Rank((*slot)->kind)) *slot = &d;
  }
  return best_school != nullptr ? best_school : best_district;
}

int DistrictCalendar::EffectiveWeekday(const CivilDate& date, const std::string& school_id) const {
  const CalendarDay* d = Find(date, school_id);
  if (d != nullptr) {
    if (IsHolidayKind(d->kind)) return 0;
    if (d->kind == CalendarDayKind::kMakeupWorkday && d->runs_weekday >= 1 && d->runs_weekday <= 7) {
      return d->runs_weekday;
    }
  }
  return date.IsoWeekday();
}

bool DistrictCalendar::IsHoliday(const CivilDate& date, const std::string& school_id) const {
  const CalendarDay* d = Find(date, school_id);
  return d != nullptr && IsHolidayKind(d->kind);
}

bool DistrictCalendar::IsExamDay(const CivilDate& date, const std::string& school_id) const {
  // Exam entries rank last in Find, so look at the winning group directly: an exam entry of the school
  // (or, when the school has no entry that date, of the district) makes it an exam day unless that same
  // group also declares a holiday.
  const CalendarDay* winner = Find(date, school_id);
  if (winner == nullptr || IsHolidayKind(winner->kind)) return false;
  const bool school_group = !winner->school_id.empty();
  auto [lo, hi] = by_day_.equal_range(date.ToDays());
  for (auto it = lo; it != hi; ++it) {
    const CalendarDay& d = days_[it->second];
    if (d.kind != CalendarDayKind::kExam) continue;
    if (school_group ? d.school_id == school_id : d.school_id.empty()) return true;
  }
  return false;
}

std::vector<Interval> ExpandWeeklyWindows(const std::vector<WeeklyWindow>& windows, const DistrictCalendar& calendar,
                                          const std::string& school_id, const TimeZone& tz, Instant from, Instant to) {
  std::vector<Interval> out;
  if (to <= from) return out;
  if (windows.empty()) {
    out.push_back({from, to});
    return out;
  }
  // A window that ends past midnight belongs to the date it starts on: look back far enough to catch it.
  int max_end = 0;
  for (const WeeklyWindow& w : windows) max_end = std::max(max_end, w.end_minute);
  const int days_back = std::max(1, (max_end + 24 * 60 - 1) / (24 * 60) - 1);

  const std::int64_t first = tz.LocalDate(from).ToDays() - days_back;
  const std::int64_t last = tz.LocalDate(to).ToDays();
  for (std::int64_t day = first; day <= last; ++day) {
    const CivilDate date = CivilDate::FromDays(day);
    const int weekday = calendar.EffectiveWeekday(date, school_id);
    if (weekday == 0) continue;
    for (const WeeklyWindow& w : windows) {
      if (w.weekday != weekday || w.end_minute <= w.start_minute) continue;
      const Instant s = std::max(from, EdgeInstant(tz, date, w.start_minute));
      const Instant e = std::min(to, EdgeInstant(tz, date, w.end_minute));
      if (s < e) out.push_back({s, e});
    }
  }
  std::sort(out.begin(), out.end(), [](const Interval& a, const Interval& b) {
    return a.start != b.start ? a.start < b.start : a.end < b.end;
  });
  std::vector<Interval> merged;
  for (const Interval& iv : out) {
    if (!merged.empty() && iv.start <= merged.back().end) {
      merged.back().end = std::max(merged.back().end, iv.end);
    } else {
      merged.push_back(iv);
    }
  }
  return merged;
}

}  // namespace schoolshare
