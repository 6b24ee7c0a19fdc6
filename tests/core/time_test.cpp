// Instants, civil dates and zones: Asia/Shanghai (no DST) and the DST zones Europe/Berlin and
// America/New_York (gaps, ambiguous hours, offsets that change).
#include "schoolshare/time.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <string>

#include "schoolshare/clock.h"

namespace schoolshare {
namespace {

// 2026-11-23T00:00:00Z, i.e. 08:00 in Shanghai.
constexpr Instant k20261123Utc = 1795392000;

TimeZone Zone(const std::string& name) {
  Result<TimeZone> tz = TimeZone::Find(name);
  EXPECT_TRUE(tz.ok()) << tz.status().ToString();
  return tz.ok() ? *tz : TimeZone::Utc();
}

CivilDate D(int y, int m, int d) { return CivilDate{y, m, d}; }

// ---- CivilDate ----

TEST(CivilDateTest, ParsesAndFormats) {
  Result<CivilDate> d = CivilDate::Parse("2026-11-23");
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(*d, D(2026, 11, 23));
  EXPECT_EQ(d->ToString(), "2026-11-23");
  EXPECT_EQ(d->ToDays(), 20780);
  EXPECT_EQ(d->IsoWeekday(), 1);
  EXPECT_EQ(CivilDate::FromDays(20780), D(2026, 11, 23));
  EXPECT_EQ(CivilDate::FromDays(-1), D(1969, 12, 31));
  EXPECT_EQ(D(2026, 11, 29).IsoWeekday(), 7);
  EXPECT_EQ(D(2026, 11, 26).MondayOfWeek(), D(2026, 11, 23));
  EXPECT_EQ(D(2026, 11, 29).MondayOfWeek(), D(2026, 11, 23));
  EXPECT_EQ(D(2026, 12, 31).AddDays(1), D(2027, 1, 1));
  EXPECT_EQ(D(2024, 2, 28).AddDays(1), D(2024, 2, 29));
}

TEST(CivilDateTest, RejectsInvalidText) {
  for (const char* text : {"2026-02-30", "2026-13-01", "2026-00-10", "2025-02-29", "2026-11-31", "2026-1-5", "26-11-23",
                           "2026/11/23", "2026-11-23 ", "", "abcd-ef-gh", "2026-11-23T08:00"}) {
    Result<CivilDate> d = CivilDate::Parse(text);
    EXPECT_FALSE(d.ok()) << text;
    if (!d.ok()) {
      EXPECT_EQ(d.status().code(), StatusCode::kInvalidArgument) << text;
    }
  }
  EXPECT_TRUE(CivilDate::Parse("2024-02-29").ok());
  EXPECT_FALSE(D(2026, 2, 30).valid());
  EXPECT_TRUE(D(2026, 2, 28).valid());
}

// ---- Minutes of the day ----

TEST(MinuteOfDayTest, Table) {
  struct Case {
    const char* text;
    int minutes;  // -1: error
  };
  const Case cases[] = {{"08:00", 480},  {"8:00", 480},   {"00:00", 0},  {"23:59", 1439}, {"24:00", 1440},
                        {"26:00", 1560}, {"48:00", 2880}, {"48:01", -1}, {"08:60", -1},   {"0800", -1},
                        {"08:0", -1},    {"", -1},        {"ab:cd", -1}, {"-1:00", -1},   {"08:00:00", -1}};
  for (const Case& c : cases) {
    Result<int> m = ParseMinuteOfDay(c.text);
    if (c.minutes < 0) {
      EXPECT_FALSE(m.ok()) << c.text;
    } else {
      ASSERT_TRUE(m.ok()) << c.text << ": " << m.status().ToString();
      EXPECT_EQ(*m, c.minutes) << c.text;
    }
  }
  EXPECT_EQ(FormatMinuteOfDay(480), "08:00");
  EXPECT_EQ(FormatMinuteOfDay(0), "00:00");
  EXPECT_EQ(FormatMinuteOfDay(1440), "24:00");
  EXPECT_EQ(FormatMinuteOfDay(1560), "26:00");
  EXPECT_EQ(FormatMinuteOfDay(605), "10:05");
}

// ---- Zones ----

TEST(TimeZoneTest, FindKnownAndUnknown) {
  EXPECT_TRUE(TimeZone::Find("Asia/Shanghai").ok());
  EXPECT_EQ(Zone("Asia/Shanghai").name(), "Asia/Shanghai");
  EXPECT_EQ(TimeZone::Utc().name(), "UTC");
  for (const char* bad : {"Asia/Beijing", "Mars/Olympus", "", "asia/shanghai"}) {
    Result<TimeZone> tz = TimeZone::Find(bad);
    EXPECT_FALSE(tz.ok()) << bad;
    if (!tz.ok()) {
      EXPECT_EQ(tz.status().code(), StatusCode::kInvalidArgument);
      EXPECT_NE(tz.status().message().find(bad), std::string::npos);
    }
  }
}

TEST(TimeZoneTest, ShanghaiRoundTrips) {
  const TimeZone sh = Zone("Asia/Shanghai");
  Result<Instant> t = sh.ToInstant(D(2026, 11, 23), 8 * 60);
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(*t, k20261123Utc);
  EXPECT_EQ(sh.OffsetSeconds(*t), 8 * 3600);
  EXPECT_EQ(sh.FormatRfc3339(*t), "2026-11-23T08:00:00+08:00");
  EXPECT_EQ(sh.FormatLocal(*t), "2026-11-23 08:00");
  EXPECT_EQ(sh.FormatTime(*t), "08:00");
  const LocalDateTime l = sh.ToLocal(*t + 59);
  EXPECT_EQ(l.date, D(2026, 11, 23));
  EXPECT_EQ(l.minute_of_day, 480);
  EXPECT_EQ(l.second, 59);
  // Local midnight is the previous UTC day.
  EXPECT_EQ(sh.LocalDate(k20261123Utc - 8 * kHour), D(2026, 11, 23));
  EXPECT_EQ(sh.LocalDate(k20261123Utc - 8 * kHour - 1), D(2026, 11, 22));
  // Minutes past midnight run into the next day.
  Result<Instant> late = sh.ToInstant(D(2026, 11, 23), 26 * 60);
  ASSERT_TRUE(late.ok());
  EXPECT_EQ(sh.FormatLocal(*late), "2026-11-24 02:00");

  // Every quarter hour of a year round-trips.
  for (Instant x = k20261123Utc - 200 * kDay; x < k20261123Utc + 200 * kDay; x += 15 * kMinute + 7 * kDay) {
    const LocalDateTime lx = sh.ToLocal(x);
    Result<Instant> back = sh.ToInstant(lx.date, lx.minute_of_day);
    ASSERT_TRUE(back.ok());
    EXPECT_EQ(*back + lx.second, x);
    Result<Instant> parsed = sh.Parse(sh.FormatRfc3339(x));
    ASSERT_TRUE(parsed.ok());
    EXPECT_EQ(*parsed, x);
  }
}

TEST(TimeZoneTest, UtcFormatsWithZ) {
  const TimeZone utc = TimeZone::Utc();
  EXPECT_EQ(utc.FormatRfc3339(k20261123Utc), "2026-11-23T00:00:00Z");
  EXPECT_EQ(utc.FormatRfc3339(-1), "1969-12-31T23:59:59Z");
  EXPECT_EQ(utc.ToLocal(-1).date, D(1969, 12, 31));
  EXPECT_EQ(utc.ToLocal(-1).minute_of_day, 1439);
  EXPECT_EQ(utc.OffsetSeconds(0), 0);
}

struct DstCase {
  const char* zone;
  CivilDate date;
  int minute;
  bool exists;
  Instant expected;  // when it exists
};

class DstTest : public ::testing::TestWithParam<DstCase> {};

TEST_P(DstTest, ToInstant) {
  const DstCase& c = GetParam();
  const TimeZone tz = Zone(c.zone);
  Result<Instant> t = tz.ToInstant(c.date, c.minute);
  if (!c.exists) {
    ASSERT_FALSE(t.ok());
    EXPECT_EQ(t.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(t.status().message().find("does not exist"), std::string::npos) << t.status().message();
    EXPECT_NE(t.status().message().find(c.zone), std::string::npos);
    return;
  }
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  EXPECT_EQ(*t, c.expected);
}

INSTANTIATE_TEST_SUITE_P(
    Zones, DstTest,
    ::testing::Values(
        // Berlin springs forward on 2026-03-29: 02:00 -> 03:00 (01:00 UTC).
        DstCase{"Europe/Berlin", {2026, 3, 29}, 1 * 60 + 59, true, 1774746000 - 60},
        DstCase{"Europe/Berlin", {2026, 3, 29}, 2 * 60, false, 0},
        DstCase{"Europe/Berlin", {2026, 3, 29}, 2 * 60 + 30, false, 0},
        DstCase{"Europe/Berlin", {2026, 3, 29}, 2 * 60 + 59, false, 0},
        DstCase{"Europe/Berlin", {2026, 3, 29}, 3 * 60, true, 1774746000},
        // Berlin falls back on 2026-10-25: 03:00 CEST -> 02:00 CET; 02:30 happens twice.
        DstCase{"Europe/Berlin", {2026, 10, 25}, 2 * 60 + 30, true, 1792888200},  // the earlier, +02:00
        DstCase{"Europe/Berlin", {2026, 10, 25}, 3 * 60 + 30, true, 1792891800 + 3600},
        // New York springs forward on 2026-03-08 02:00 -> 03:00 (07:00 UTC), falls back 2026-11-01.
        DstCase{"America/New_York", {2026, 3, 8}, 2 * 60 + 15, false, 0},
        DstCase{"America/New_York", {2026, 3, 8}, 3 * 60, true, 1772953200},
        DstCase{"America/New_York", {2026, 11, 1}, 1 * 60 + 30, true, 1793511000},  // the earlier, -04:00
        DstCase{"America/New_York", {2026, 11, 1}, 2 * 60 + 30, true, 1793514600 + 3600}));

TEST(TimeZoneTest, BerlinOffsetsChangeAcrossTransitions) {
  const TimeZone berlin = Zone("Europe/Berlin");
  const Instant spring = 1774746000;  // 2026-03-29T01:00:00Z
  EXPECT_EQ(berlin.OffsetSeconds(spring - 1), 3600);
  EXPECT_EQ(berlin.OffsetSeconds(spring), 7200);
  EXPECT_EQ(berlin.FormatRfc3339(spring - 1), "2026-03-29T01:59:59+01:00");
  EXPECT_EQ(berlin.FormatRfc3339(spring), "2026-03-29T03:00:00+02:00");
  const Instant autumn = 1792891800 - 1800;  // 2026-10-25T01:00:00Z
  EXPECT_EQ(berlin.OffsetSeconds(autumn - 1), 7200);
  EXPECT_EQ(berlin.OffsetSeconds(autumn), 3600);
  // The repeated hour formats distinctly, and both readings parse back exactly with their offsets.
  EXPECT_EQ(berlin.FormatRfc3339(1792888200), "2026-10-25T02:30:00+02:00");
  EXPECT_EQ(berlin.FormatRfc3339(1792888200 + 3600), "2026-10-25T02:30:00+01:00");
  EXPECT_EQ(*berlin.Parse("2026-10-25T02:30:00+01:00"), 1792888200 + 3600);
  EXPECT_EQ(*berlin.Parse("2026-10-25 02:30"), 1792888200);  // local reading: the earlier
  EXPECT_EQ(berlin.FormatLocal(1792888200 + 3600), "2026-10-25 02:30");
  // The day of the spring transition has 23 hours, the autumn one 25.
  EXPECT_EQ(*berlin.ToInstant({2026, 3, 30}, 0) - *berlin.ToInstant({2026, 3, 29}, 0), 23 * kHour);
  EXPECT_EQ(*berlin.ToInstant({2026, 10, 26}, 0) - *berlin.ToInstant({2026, 10, 25}, 0), 25 * kHour);
  // Summer and winter.
  EXPECT_EQ(berlin.FormatRfc3339(*berlin.ToInstant({2026, 7, 1}, 12 * 60)), "2026-07-01T12:00:00+02:00");
  EXPECT_EQ(berlin.FormatRfc3339(*berlin.ToInstant({2026, 1, 1}, 12 * 60)), "2026-01-01T12:00:00+01:00");
}

TEST(TimeZoneTest, NewYorkNegativeOffset) {
  const TimeZone ny = Zone("America/New_York");
  EXPECT_EQ(ny.OffsetSeconds(k20261123Utc), -5 * 3600);
  EXPECT_EQ(ny.FormatRfc3339(k20261123Utc), "2026-11-22T19:00:00-05:00");
  EXPECT_EQ(*ny.Parse("2026-11-22T19:00:00-05:00"), k20261123Utc);
  EXPECT_EQ(*ny.Parse("2026-11-22 19:00"), k20261123Utc);
}

// ---- Parsing ----

TEST(TimeZoneTest, ParseAcceptedForms) {
  const TimeZone sh = Zone("Asia/Shanghai");
  struct Case {
    const char* text;
    Instant expected;
  };
  const Case cases[] = {
      {"2026-11-23T08:00:00+08:00", k20261123Utc}, {"2026-11-23T08:00+08:00", k20261123Utc},
      {"2026-11-23T00:00:00Z", k20261123Utc},      {"2026-11-23T00:00Z", k20261123Utc},
      {"2026-11-23t00:00:00z", k20261123Utc},      {"2026-11-23T00:00:00.000Z", k20261123Utc},
      {"2026-11-23T01:00:00+01:00", k20261123Utc}, {"2026-11-22T19:00:00-05:00", k20261123Utc},
      {"2026-11-23T05:30:00+05:30", k20261123Utc}, {"2026-11-23 08:00", k20261123Utc},  // local in Shanghai
      {"2026-11-23 08:00:30", k20261123Utc + 30},  {"2026-11-23T08:00", k20261123Utc},
      {"2026-11-23T08:00:00", k20261123Utc},
  };
  for (const Case& c : cases) {
    Result<Instant> t = sh.Parse(c.text);
    ASSERT_TRUE(t.ok()) << c.text << ": " << t.status().ToString();
    EXPECT_EQ(*t, c.expected) << c.text;
  }
}

TEST(TimeZoneTest, ParseRejects) {
  const TimeZone sh = Zone("Asia/Shanghai");
  const TimeZone berlin = Zone("Europe/Berlin");
  for (const char* text :
       {"", "2026-11-23", "2026-11-23 8:00", "2026-11-23 08", "2026-11-23X08:00", "2026-02-30T08:00:00Z",
        "2026-11-23T24:00:00Z", "2026-11-23T08:60:00Z", "2026-11-23T08:00:00+8:00", "2026-11-23T08:00:00+0800",
        "2026-11-23T08:00:00 +08:00", "2026-11-23T08:00:00Zjunk", "2026-11-23T08:00:00+24:00", "tomorrow"}) {
    Result<Instant> t = sh.Parse(text);
    EXPECT_FALSE(t.ok()) << text;
    if (!t.ok()) {
      EXPECT_EQ(t.status().code(), StatusCode::kInvalidArgument) << text;
    }
  }
  // A local time in the gap is an error; the same wall time with an explicit offset is fine.
  EXPECT_FALSE(berlin.Parse("2026-03-29 02:30").ok());
  EXPECT_TRUE(berlin.Parse("2026-03-29T02:30:00+01:00").ok());
}

TEST(TimeZoneTest, InvalidDatesAreRefused) {
  const TimeZone sh = Zone("Asia/Shanghai");
  EXPECT_FALSE(sh.ToInstant({2026, 2, 30}, 0).ok());
  EXPECT_FALSE(sh.ToInstant({2026, 13, 1}, 0).ok());
  EXPECT_FALSE(sh.ToInstant({2026, 11, 23}, -1).ok());
}

TEST(LocalDateTimeTest, ToString) {
  EXPECT_EQ((LocalDateTime{{2026, 11, 23}, 480, 0}).ToString(), "2026-11-23 08:00");
  EXPECT_EQ((LocalDateTime{{2026, 11, 23}, 480, 5}).ToString(), "2026-11-23 08:00:05");
}

TEST(ClockTest, SystemAndManual) {
  SystemClock sys;
  EXPECT_GT(sys.Now(), k20261123Utc - 2000 * kDay);  // after 2021
  ManualClock manual(k20261123Utc);
  manual.Advance(kHour);
  EXPECT_EQ(manual.Now(), k20261123Utc + kHour);
  manual.Set(5);
  EXPECT_EQ(manual.Now(), 5);
}

}  // namespace
// Dates and clock times are written digit by digit; the text must stay what "%04d-%02d-%02d" and
// "%02d:%02d" give, also outside the usual ranges.
TEST(TimeTest, FormattingMatchesPrintf) {
  char want[64];
  for (int year : {-12, -1, 0, 7, 999, 1970, 2026, 9999, 10000, 32767}) {
    for (int month : {0, 1, 9, 10, 12, 100}) {
      for (int day : {0, 1, 9, 31, 99, 100}) {
        std::snprintf(want, sizeof want, "%04d-%02d-%02d", year, month, day);
        EXPECT_EQ((CivilDate{year, month, day}.ToString()), want);
      }
    }
  }
  for (int minute = -130; minute < 6100; ++minute) {
    const int m = minute < 0 ? -minute : minute;
    std::snprintf(want, sizeof want, "%s%02d:%02d", minute < 0 ? "-" : "", m / 60, m % 60);
    ASSERT_EQ(FormatMinuteOfDay(minute), want) << minute;
  }
}

}  // namespace schoolshare
