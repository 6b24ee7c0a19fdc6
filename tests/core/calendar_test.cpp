// The district calendar and ExpandWeeklyWindows: holidays, school-specific entries, 调休, windows past
// midnight, merging, and DST weeks.
#include "schoolshare/calendar.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace schoolshare {
namespace {

TimeZone Zone(const std::string& name) {
  Result<TimeZone> tz = TimeZone::Find(name);
  EXPECT_TRUE(tz.ok()) << tz.status().ToString();
  return tz.ok() ? *tz : TimeZone::Utc();
}

Instant At(const TimeZone& tz, const CivilDate& d, const char* hhmm) {
  Result<int> m = ParseMinuteOfDay(hhmm);
  EXPECT_TRUE(m.ok()) << hhmm;
  Result<Instant> t = tz.ToInstant(d, m.ok() ? *m : 0);
  EXPECT_TRUE(t.ok()) << t.status().ToString();
  return t.ok() ? *t : 0;
}

// Intervals as local text, for readable expectations.
std::vector<std::string> Local(const TimeZone& tz, const std::vector<Interval>& ivs) {
  std::vector<std::string> out;
  for (const Interval& iv : ivs) out.push_back(tz.FormatLocal(iv.start) + " / " + tz.FormatLocal(iv.end));
  return out;
}

std::vector<WeeklyWindow> Weekdays(int start, int end) {
  std::vector<WeeklyWindow> w;
  for (int d = 1; d <= 5; ++d) w.push_back({d, start, end});
  return w;
}

CalendarDay Day(CivilDate date, CalendarDayKind kind, std::string school = "", int runs = 0, std::string name = "") {
  CalendarDay d;
  d.date = date;
  d.kind = kind;
  d.school_id = std::move(school);
  d.runs_weekday = runs;
  d.name = std::move(name);
  return d;
}

// 2026-10-01 (Thursday) National Day; 2026-10-10 (Saturday) runs Friday's timetable; 2026-10-11 (Sunday)
// runs Monday's. School "s1" has a school-specific exam on 10-02 (over the district's holiday) and a
// school holiday on 10-14; district-wide exams on 10-15.
DistrictCalendar TestCalendar() {
  return DistrictCalendar({
      Day({2026, 10, 1}, CalendarDayKind::kPublicHoliday, "", 0, "国庆节"),
      Day({2026, 10, 2}, CalendarDayKind::kPublicHoliday, "", 0, "国庆节"),
      Day({2026, 10, 2}, CalendarDayKind::kExam, "s1", 0, "补考"),
      Day({2026, 10, 10}, CalendarDayKind::kMakeupWorkday, "", 5, "国庆调休"),
      Day({2026, 10, 11}, CalendarDayKind::kMakeupWorkday, "", 1, "国庆调休"),
      Day({2026, 10, 14}, CalendarDayKind::kSchoolHoliday, "s1", 0, "校庆"),
      Day({2026, 10, 15}, CalendarDayKind::kExam, "", 0, "期中考试"),
      Day({2026, 10, 16}, CalendarDayKind::kExam, "s2", 0, "月考"),
  });
}

TEST(DistrictCalendarTest, EffectiveWeekdayTable) {
  const DistrictCalendar cal = TestCalendar();
  struct Case {
    CivilDate date;
    const char* school;
    int weekday;
    bool holiday;
    bool exam;
  };
  const Case cases[] = {
      {{2026, 9, 30}, "s1", 3, false, false},                                          // ordinary Wednesday
      {{2026, 10, 1}, "s1", 0, true, false},                                           // public holiday
      {{2026, 10, 1}, "s2", 0, true, false},   {{2026, 10, 2}, "s2", 0, true, false},  // district holiday
      {{2026, 10, 2}, "s1", 5, false, true},    // the school's own entry wins: an exam day, not a holiday
      {{2026, 10, 10}, "s1", 5, false, false},  // 调休 Saturday runs Friday
      {{2026, 10, 11}, "s2", 1, false, false},  // 调休 Sunday runs Monday
      {{2026, 10, 14}, "s1", 0, true, false},   // school holiday of s1 only
      {{2026, 10, 14}, "s2", 3, false, false}, {{2026, 10, 15}, "s1", 4, false, true},  // district exams
      {{2026, 10, 16}, "s1", 5, false, false},                                          // s2's exam does not concern s1
      {{2026, 10, 16}, "s2", 5, false, true},  {{2026, 10, 17}, "", 6, false, false},   // plain Saturday
      {{2026, 10, 1}, "", 0, true, false},                                              // district view
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.date.ToString() + " " + c.school);
    EXPECT_EQ(cal.EffectiveWeekday(c.date, c.school), c.weekday);
    EXPECT_EQ(cal.IsHoliday(c.date, c.school), c.holiday);
    EXPECT_EQ(cal.IsExamDay(c.date, c.school), c.exam);
  }
}

TEST(DistrictCalendarTest, FindPrefersSchoolEntry) {
  const DistrictCalendar cal = TestCalendar();
  const CalendarDay* d = cal.Find({2026, 10, 2}, "s1");
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(d->name, "补考");
  d = cal.Find({2026, 10, 2}, "s2");
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(d->name, "国庆节");
  EXPECT_EQ(cal.Find({2026, 10, 3}, "s1"), nullptr);
  EXPECT_EQ(cal.Find({2026, 10, 14}, "s2"), nullptr);
  EXPECT_EQ(cal.days().size(), 8u);
}

TEST(DistrictCalendarTest, HolidayOutranksExamInTheSameGroup) {
  const DistrictCalendar cal({Day({2026, 5, 1}, CalendarDayKind::kExam, "", 0, "考试"),
                              Day({2026, 5, 1}, CalendarDayKind::kPublicHoliday, "", 0, "劳动节")});
  EXPECT_TRUE(cal.IsHoliday({2026, 5, 1}, "s1"));
  EXPECT_FALSE(cal.IsExamDay({2026, 5, 1}, "s1"));
  EXPECT_EQ(cal.Find({2026, 5, 1}, "s1")->name, "劳动节");
  // A makeup day without a valid weekday runs its own.
  const DistrictCalendar bad({Day({2026, 5, 9}, CalendarDayKind::kMakeupWorkday, "", 9)});
  EXPECT_EQ(bad.EffectiveWeekday({2026, 5, 9}, ""), 6);
}

struct ExpandCase {
  const char* name;
  std::vector<WeeklyWindow> windows;
  const char* school;
  CivilDate from_date;
  const char* from_time;
  CivilDate to_date;
  const char* to_time;
  std::vector<std::string> expected;  // local "start / end"
};

class ExpandShanghaiTest : public ::testing::TestWithParam<ExpandCase> {};

TEST_P(ExpandShanghaiTest, Expands) {
  const ExpandCase& c = GetParam();
  const TimeZone sh = Zone("Asia/Shanghai");
  const DistrictCalendar cal = TestCalendar();
  const std::vector<Interval> got =
      ExpandWeeklyWindows(c.windows, cal, c.school, sh, At(sh, c.from_date, c.from_time), At(sh, c.to_date, c.to_time));
  EXPECT_EQ(Local(sh, got), c.expected);
  for (size_t i = 1; i < got.size(); ++i) EXPECT_LT(got[i - 1].end, got[i].start) << "sorted and merged";
}

INSTANTIATE_TEST_SUITE_P(
    Cases, ExpandShanghaiTest,
    ::testing::Values(
        ExpandCase{"holiday_closes",
                   Weekdays(8 * 60, 18 * 60),
                   "s2",
                   {2026, 9, 30},
                   "00:00",
                   {2026, 10, 3},
                   "00:00",
                   {"2026-09-30 08:00 / 2026-09-30 18:00"}},
        ExpandCase{"school_specific_entry_opens_for_that_school",
                   Weekdays(8 * 60, 18 * 60),
                   "s1",
                   {2026, 9, 30},
                   "00:00",
                   {2026, 10, 3},
                   "00:00",
                   {"2026-09-30 08:00 / 2026-09-30 18:00", "2026-10-02 08:00 / 2026-10-02 18:00"}},
        ExpandCase{"makeup_sunday_runs_monday",
                   {{1, 8 * 60, 12 * 60}, {5, 14 * 60, 16 * 60}},
                   "s2",
                   {2026, 10, 9},
                   "00:00",
                   {2026, 10, 13},
                   "00:00",
                   {"2026-10-09 14:00 / 2026-10-09 16:00", "2026-10-10 14:00 / 2026-10-10 16:00",
                    "2026-10-11 08:00 / 2026-10-11 12:00", "2026-10-12 08:00 / 2026-10-12 12:00"}},
        ExpandCase{"window_past_midnight_from_previous_day",
                   {{5, 18 * 60, 26 * 60}},
                   "s2",
                   {2026, 11, 28},
                   "00:00",
                   {2026, 11, 28},
                   "12:00",
                   {"2026-11-28 00:00 / 2026-11-28 02:00"}},
        ExpandCase{"window_past_midnight_whole",
                   {{5, 18 * 60, 26 * 60}},
                   "s2",
                   {2026, 11, 27},
                   "00:00",
                   {2026, 11, 29},
                   "00:00",
                   {"2026-11-27 18:00 / 2026-11-28 02:00"}},
        ExpandCase{"touching_and_overlapping_windows_merge",
                   {{1, 8 * 60, 12 * 60}, {1, 12 * 60, 14 * 60}, {1, 13 * 60, 15 * 60}, {1, 16 * 60, 17 * 60}},
                   "s2",
                   {2026, 11, 23},
                   "00:00",
                   {2026, 11, 24},
                   "00:00",
                   {"2026-11-23 08:00 / 2026-11-23 15:00", "2026-11-23 16:00 / 2026-11-23 17:00"}},
        ExpandCase{"clipped_to_from_and_to",
                   Weekdays(8 * 60, 18 * 60),
                   "s2",
                   {2026, 11, 23},
                   "10:00",
                   {2026, 11, 24},
                   "09:00",
                   {"2026-11-23 10:00 / 2026-11-23 18:00", "2026-11-24 08:00 / 2026-11-24 09:00"}},
        ExpandCase{"monday_window_runs_into_tuesday_window",
                   {{1, 20 * 60, 32 * 60}, {2, 7 * 60, 10 * 60}},
                   "s2",
                   {2026, 11, 23},
                   "00:00",
                   {2026, 11, 25},
                   "00:00",
                   {"2026-11-23 20:00 / 2026-11-24 10:00"}},
        ExpandCase{"always_open_when_no_windows",
                   {},
                   "s2",
                   {2026, 10, 1},
                   "09:00",
                   {2026, 10, 1},
                   "11:00",
                   {"2026-10-01 09:00 / 2026-10-01 11:00"}},
        ExpandCase{"empty_range", Weekdays(0, 24 * 60), "s2", {2026, 11, 23}, "11:00", {2026, 11, 23}, "11:00", {}}),
    [](const ::testing::TestParamInfo<ExpandCase>& info) { return std::string(info.param.name); });

TEST(ExpandWeeklyWindowsTest, BerlinSpringForwardWeek) {
  const TimeZone berlin = Zone("Europe/Berlin");
  const DistrictCalendar cal;
  // Every day 08:00-10:00 over the week of 2026-03-23 (DST starts Sunday 03-29 at 02:00).
  std::vector<WeeklyWindow> daily;
  for (int d = 1; d <= 7; ++d) daily.push_back({d, 8 * 60, 10 * 60});
  const Instant from = At(berlin, {2026, 3, 23}, "00:00");
  const Instant to = At(berlin, {2026, 3, 30}, "00:00");
  const std::vector<Interval> got = ExpandWeeklyWindows(daily, cal, "", berlin, from, to);
  ASSERT_EQ(got.size(), 7u);
  for (const Interval& iv : got) {
    EXPECT_EQ(berlin.FormatTime(iv.start), "08:00");
    EXPECT_EQ(iv.end - iv.start, 2 * kHour);
  }
  // 08:00 is 07:00Z on Saturday (+01:00) and 06:00Z on Sunday (+02:00).
  EXPECT_EQ(got[5].start % kDay, 7 * kHour);
  EXPECT_EQ(got[6].start % kDay, 6 * kHour);

  // A Sunday window 01:00-04:00 spans the gap: three wall-clock hours, two real ones.
  std::vector<Interval> night = ExpandWeeklyWindows({{7, 1 * 60, 4 * 60}}, cal, "", berlin, from, to);
  ASSERT_EQ(night.size(), 1u);
  EXPECT_EQ(night[0].end - night[0].start, 2 * kHour);
  // An edge in the gap moves to the first valid instant after it (the jump itself, 01:00Z).
  night = ExpandWeeklyWindows({{7, 2 * 60 + 30, 3 * 60 + 30}}, cal, "", berlin, from, to);
  ASSERT_EQ(night.size(), 1u);
  EXPECT_EQ(night[0].start, 1774746000);
  EXPECT_EQ(berlin.FormatLocal(night[0].start), "2026-03-29 03:00");
  EXPECT_EQ(night[0].end - night[0].start, 30 * kMinute);
  // A window wholly inside the gap is empty.
  EXPECT_TRUE(ExpandWeeklyWindows({{7, 2 * 60, 2 * 60 + 59}}, cal, "", berlin, from, to).empty());
}

TEST(ExpandWeeklyWindowsTest, BerlinFallBackNightIsLonger) {
  const TimeZone berlin = Zone("Europe/Berlin");
  const DistrictCalendar cal;
  // Saturday 22:00 to Sunday 04:00 (written 22:00-28:00) across the autumn change: 7 real hours.
  const std::vector<Interval> got =
      ExpandWeeklyWindows({{6, 22 * 60, 28 * 60}}, cal, "", berlin, At(berlin, {2026, 10, 19}, "00:00"),
                          At(berlin, {2026, 10, 26}, "00:00"));
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].end - got[0].start, 7 * kHour);
  EXPECT_EQ(berlin.FormatRfc3339(got[0].start), "2026-10-24T22:00:00+02:00");
  EXPECT_EQ(berlin.FormatRfc3339(got[0].end), "2026-10-25T04:00:00+01:00");
}

TEST(ExpandWeeklyWindowsTest, NewYorkDstWeekDailyWindowsKeepLocalTimes) {
  const TimeZone ny = Zone("America/New_York");
  const DistrictCalendar cal;
  std::vector<WeeklyWindow> daily;
  for (int d = 1; d <= 7; ++d) daily.push_back({d, 9 * 60, 17 * 60});
  const std::vector<Interval> got =
      ExpandWeeklyWindows(daily, cal, "", ny, At(ny, {2026, 3, 5}, "00:00"), At(ny, {2026, 3, 12}, "00:00"));
  ASSERT_EQ(got.size(), 7u);
  for (const Interval& iv : got) {
    EXPECT_EQ(ny.FormatTime(iv.start), "09:00");
    EXPECT_EQ(ny.FormatTime(iv.end), "17:00");
  }
  EXPECT_EQ(ny.OffsetSeconds(got[0].start), -5 * 3600);
  EXPECT_EQ(ny.OffsetSeconds(got[6].start), -4 * 3600);
}

}  // namespace
}  // namespace schoolshare
