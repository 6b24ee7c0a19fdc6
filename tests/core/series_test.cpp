// Weekly series over a term, with exceptions and holidays; all-or-nothing versus skip-conflicts.
#include <gtest/gtest.h>

#include "schoolshare/booking_service.h"
#include "testutil.h"

namespace schoolshare {
namespace {

using testing::At;

class SeriesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = testing::OpenStore(dir_.File("s.db"), &clock_);
    ASSERT_NE(store_, nullptr);
    testing::SeedSmallDistrict(*store_);
    service_ = std::make_unique<BookingService>(*store_, clock_);
  }

  SeriesRequest PeClass() {
    SeriesRequest r;
    r.series.resource_id = "a-field";
    r.series.school_id = "a";
    r.series.organizer = "体育组";
    r.series.title = "体育课";
    r.series.activity_type = "teaching";
    r.series.attendees = 45;
    r.series.first_date = *CivilDate::Parse("2026-11-23");  // Monday
    r.series.last_date = *CivilDate::Parse("2026-12-20");   // four weeks
    r.series.weekdays = {2, 4};                             // Tuesday and Thursday
    r.series.start_minute = 14 * 60;
    r.series.end_minute = 14 * 60 + 40;
    return r;
  }

  testing::TempDir dir_;
  ManualClock clock_{At("2026-11-23 08:00")};
  std::unique_ptr<Store> store_;
  std::unique_ptr<BookingService> service_;
  Actor manager_a_{"tok-ma", Role::kSchoolManager, "a"};
};

TEST_F(SeriesTest, WeeklyOccurrencesWithExceptionsAndHolidays) {
  ASSERT_TRUE(store_
                  ->PutCalendarDay({*CivilDate::Parse("2026-12-03"), CalendarDayKind::kPublicHoliday, "", 0, "校运会"},
                                   "d1", Actor::System())
                  .ok());
  // A makeup Sunday that runs Tuesday's timetable adds an occurrence.
  ASSERT_TRUE(store_
                  ->PutCalendarDay({*CivilDate::Parse("2026-12-06"), CalendarDayKind::kMakeupWorkday, "", 2, "调休"},
                                   "d1", Actor::System())
                  .ok());
  auto r = PeClass();
  r.series.exceptions = {*CivilDate::Parse("2026-12-10")};
  auto out = service_->CreateSeries(r, manager_a_);
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  EXPECT_TRUE(out->accepted);
  // 8 Tue/Thu dates, minus the holiday (12-03) and the exception (12-10), plus the makeup Sunday (12-06).
  EXPECT_EQ(out->created, 7);
  BookingFilter f;
  f.series_id = out->series.id;
  auto stored = store_->ListBookings(f);
  ASSERT_EQ(stored->size(), 7u);
  EXPECT_EQ((*stored)[0].start, At("2026-11-24 14:00"));
  bool has_sunday = false;
  for (const auto& b : *stored) has_sunday |= b.start == At("2026-12-06 14:00");
  EXPECT_TRUE(has_sunday);
  EXPECT_TRUE(store_->GetSeries(out->series.id).ok());
}

TEST_F(SeriesTest, AllOrNothingReportsEveryConflictAndWritesNothing) {
  BookingRequest blocker;
  blocker.resource_id = "a-field";
  blocker.school_id = "a";
  blocker.title = "运动会彩排";
  for (const char* day : {"2026-11-26", "2026-12-08"}) {
    blocker.id.clear();
    blocker.start = At(std::string(day) + " 13:30");
    blocker.end = At(std::string(day) + " 15:00");
    ASSERT_TRUE(service_->Create(blocker, manager_a_)->accepted);
  }
  auto out = service_->CreateSeries(PeClass(), manager_a_);
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  EXPECT_FALSE(out->accepted);
  EXPECT_EQ(out->refused, 2);
  EXPECT_EQ(out->created, 0);
  int conflicts = 0;
  for (const auto& o : out->occurrences) {
    if (!o.outcome.violations.empty()) {
      ++conflicts;
      EXPECT_EQ(o.outcome.violations[0].rule, Rule::kOverlap);
    }
  }
  EXPECT_EQ(conflicts, 2);
  EXPECT_EQ(store_->ListBookings({})->size(), 2u);  // only the blockers
  EXPECT_EQ(store_->GetSeries(out->series.id).status().code(), StatusCode::kNotFound);

  auto skip = PeClass();
  skip.mode = SeriesRequest::Mode::kSkipConflicts;
  auto written = service_->CreateSeries(skip, manager_a_);
  ASSERT_TRUE(written.ok());
  EXPECT_TRUE(written->accepted);
  EXPECT_EQ(written->created, 6);
  EXPECT_EQ(written->refused, 2);
  EXPECT_EQ(store_->ListBookings({})->size(), 8u);
}

TEST_F(SeriesTest, SkipConflictsThatBooksNothingIsARefusal) {
  auto r = PeClass();
  r.series.school_id = "b";  // another school may not use a home-only lab at all
  r.series.resource_id = "a-lab";
  r.mode = SeriesRequest::Mode::kSkipConflicts;
  auto out = service_->CreateSeries(r, Actor::System());
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  EXPECT_FALSE(out->accepted);
  EXPECT_EQ(out->created, 0);
  EXPECT_EQ(out->refused, 8);
  EXPECT_TRUE(store_->ListBookings({})->empty());
  EXPECT_EQ(store_->GetSeries(out->series.id).status().code(), StatusCode::kNotFound);
}

TEST_F(SeriesTest, BadSeriesIsAnError) {
  auto r = PeClass();
  r.series.weekdays.clear();
  EXPECT_EQ(service_->CreateSeries(r, manager_a_).status().code(), StatusCode::kInvalidArgument);
  r = PeClass();
  r.series.last_date = *CivilDate::Parse("2026-11-01");
  EXPECT_EQ(service_->CreateSeries(r, manager_a_).status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace schoolshare
