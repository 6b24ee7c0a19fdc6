#include "schoolshare/demo.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "schoolshare/clock.h"
#include "schoolshare/generator.h"
#include "schoolshare/rules.h"
#include "schoolshare/store.h"
#include "testutil.h"

namespace schoolshare {
namespace {

using testing::At;

class DemoTest : public ::testing::Test {
 protected:
  std::unique_ptr<Store> Open(const std::string& name) { return testing::OpenStore(dir_.File(name), nullptr); }
  static Instant Shanghai(const std::string& local) { return At(local); }

  testing::TempDir dir_;
};

std::string Refusals(const DemoInfo& info) {
  std::string text;
  for (const std::string& r : info.refusals) text += "\n  " + r;
  return text;
}

// Held bookings of one resource (and of a whole and its parts) must keep the larger buffer apart.
void ExpectNoOverlaps(Store& store) {
  auto resources = store.ListResources({});
  ASSERT_TRUE(resources.ok());
  std::map<std::string, Resource> by_id;
  for (const Resource& r : *resources) by_id[r.id] = r;
  BookingFilter filter;
  filter.statuses = {BookingStatus::kPending, BookingStatus::kConfirmed};
  auto bookings = store.ListBookings(filter);
  ASSERT_TRUE(bookings.ok());
  // Group by the whole of a divisible venue; halves of one whole may be used together.
  std::map<std::string, std::vector<Booking>> by_resource;
  for (const Booking& b : *bookings) by_resource[b.resource_id].push_back(b);
  int checked = 0;
  for (auto& [id, list] : by_resource) {
    const Resource& r = by_id.at(id);
    if (r.is_equipment()) continue;  // equipment may overlap within its stock
    std::vector<Booking> against = list;
    if (!r.parent_id.empty()) {
      const auto& whole = by_resource[r.parent_id];
      against.insert(against.end(), whole.begin(), whole.end());
    }
    for (const Booking& a : list) {
      for (const Booking& b : against) {
        if (a.id == b.id) continue;
        const Instant gap = std::max(r.buffer_minutes, by_id.at(b.resource_id).buffer_minutes) * kMinute;
        EXPECT_FALSE(Conflicts(a.start, a.end, b.start, b.end, gap))
            << id << ": " << a.title << " [" << a.start << "," << a.end << ") vs " << b.resource_id << " " << b.title
            << " [" << b.start << "," << b.end << ")";
        ++checked;
      }
    }
  }
  EXPECT_GT(checked, 0);
}

struct DemoCase {
  const char* name;
  const char* now;  // Asia/Shanghai wall clock
};

class DemoAtTimeTest : public DemoTest, public ::testing::WithParamInterface<DemoCase> {};

TEST_P(DemoAtTimeTest, SeedsAPlausibleDistrictWithoutRefusals) {
  auto store = Open("demo.db");
  ASSERT_NE(store, nullptr);
  const Instant now = Shanghai(GetParam().now);
  ManualClock clock(now);
  auto seeded = SeedDemoDistrict(*store, clock);
  ASSERT_TRUE(seeded.ok()) << seeded.status().ToString();
  const DemoInfo& info = *seeded;
  EXPECT_EQ(info.refused, 0) << Refusals(info);
  EXPECT_EQ(info.district_id, "jlp");
  EXPECT_EQ(info.tour_school_id, "xjw");
  EXPECT_EQ(info.tour_resource_id, "xjw-football");
  EXPECT_GE(info.schools, 14);
  EXPECT_GE(info.resources, 40);
  EXPECT_GE(info.bookings, 200);
  EXPECT_GT(info.facts, 100);

  // The counts are what the store holds.
  auto schools = store->ListSchools("jlp");
  ASSERT_TRUE(schools.ok());
  EXPECT_EQ(static_cast<int>(schools->size()), info.schools);
  int partners = 0, weak = 0;
  for (const School& s : *schools) {
    EXPECT_FALSE(s.name_en.empty()) << s.id;
    partners += s.kind == SchoolKind::kPartner;
    weak += s.weak;
    if (s.kind != SchoolKind::kPartner) {
      EXPECT_GE(s.periods.size(), 7u) << s.id;
    }
  }
  EXPECT_EQ(partners, 2);
  EXPECT_GE(weak, 2);
  ResourceFilter in_district;
  in_district.district_id = "jlp";
  auto resources = store->ListResources(in_district);
  ASSERT_TRUE(resources.ok());
  EXPECT_EQ(static_cast<int>(resources->size()), info.resources);
  auto all = store->ListBookings({});
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(static_cast<int>(all->size()), info.bookings);

  // Every status appears; some requests wait for the owner and one for the district.
  std::map<BookingStatus, int> statuses;
  int at_district = 0;
  for (const Booking& b : *all) {
    ++statuses[b.status];
    at_district += b.status == BookingStatus::kPending && b.stage == ApprovalStage::kDistrict;
    if (b.status == BookingStatus::kPending) {
      EXPECT_GT(b.start, now) << b.title;
    }
  }
  EXPECT_GE(statuses[BookingStatus::kPending], 3);
  EXPECT_GE(statuses[BookingStatus::kConfirmed], 200);
  EXPECT_GE(statuses[BookingStatus::kRejected], 1);
  EXPECT_GE(statuses[BookingStatus::kCancelled], 1);
  EXPECT_GE(at_district, 1);

  // Facts of every kind, a damaged return, and a loan that was never returned.
  auto facts = store->ListFacts({});
  ASSERT_TRUE(facts.ok());
  EXPECT_EQ(static_cast<int>(facts->size()), info.facts);
  std::set<FactKind> kinds;
  int damaged = 0;
  std::map<std::string, int> handed, returned;
  for (const UsageFact& f : *facts) {
    kinds.insert(f.kind);
    EXPECT_LE(f.at, now);
    damaged += f.condition == "damaged";
    if (f.kind == FactKind::kHandOut) handed[f.booking_id] += f.quantity;
    if (f.kind == FactKind::kReturn) returned[f.booking_id] += f.quantity;
    if (f.kind == FactKind::kWalkIn) {
      EXPECT_TRUE(f.booking_id.empty());
    }
  }
  for (FactKind k :
       {FactKind::kCheckIn, FactKind::kCheckOut, FactKind::kWalkIn, FactKind::kHandOut, FactKind::kReturn}) {
    EXPECT_TRUE(kinds.count(k)) << ToString(k);
  }
  EXPECT_EQ(damaged, 1);
  int overdue = 0;
  for (const auto& [booking_id, quantity] : handed) {
    auto b = store->GetBooking(booking_id);
    ASSERT_TRUE(b.ok());
    if (b->end < now && returned[booking_id] < quantity) ++overdue;
  }
  EXPECT_EQ(overdue, 1);

  // A divisible venue: the tour pitch has two halves.
  auto parts = store->RelatedResources(info.tour_resource_id);
  ASSERT_TRUE(parts.ok());
  EXPECT_EQ(parts->size(), 2u);

  // Today's schedule at the tour school is never empty.
  auto tz = TimeZone::Find("Asia/Shanghai");
  const CivilDate today = tz->LocalDate(now);
  BookingFilter schedule;
  schedule.owner_school_id = info.tour_school_id;
  schedule.from = *tz->ToInstant(today, 0);
  schedule.to = *tz->ToInstant(today.AddDays(1), 0);
  schedule.statuses = {BookingStatus::kPending, BookingStatus::kConfirmed};
  auto todays = store->ListBookings(schedule);
  ASSERT_TRUE(todays.ok());
  EXPECT_GE(todays->size(), 2u) << GetParam().name;

  ExpectNoOverlaps(*store);
}

INSTANTIATE_TEST_SUITE_P(AnyMoment, DemoAtTimeTest,
                         ::testing::Values(DemoCase{"SundayNight", "2026-11-22 23:53"},
                                           DemoCase{"TuesdayAfterSchool", "2026-11-24 16:35"},
                                           DemoCase{"MondayDawn", "2026-11-23 06:10"},
                                           DemoCase{"NationalDay", "2026-10-02 10:00"},
                                           DemoCase{"SpringTermSaturday", "2027-03-13 09:40"}),
                         [](const auto& info) { return std::string(info.param.name); });

TEST_F(DemoTest, SchoolDayHasAGroupCheckedInNowAndOneNext) {
  auto store = Open("demo.db");
  ASSERT_NE(store, nullptr);
  const Instant now = Shanghai("2026-11-25 10:17");  // a Wednesday, during the third period
  ManualClock clock(now);
  auto info = SeedDemoDistrict(*store, clock);
  ASSERT_TRUE(info.ok()) << info.status().ToString();
  EXPECT_EQ(info->refused, 0) << Refusals(*info);

  BookingFilter around;
  around.owner_school_id = info->tour_school_id;
  around.from = now;
  around.to = now + 3 * kHour;
  around.statuses = {BookingStatus::kConfirmed};
  auto bookings = store->ListBookings(around);
  ASSERT_TRUE(bookings.ok());
  bool in_progress_checked_in = false, next = false;
  for (const Booking& b : *bookings) {
    if (b.start <= now && now < b.end) {
      FactFilter f;
      f.booking_id = b.id;
      auto facts = store->ListFacts(f);
      ASSERT_TRUE(facts.ok());
      for (const UsageFact& fact : *facts) in_progress_checked_in |= fact.kind == FactKind::kCheckIn;
    }
    next |= b.start > now;
  }
  EXPECT_TRUE(in_progress_checked_in);
  EXPECT_TRUE(next);
}

TEST_F(DemoTest, SameClockGivesTheSameDemo) {
  ManualClock clock(Shanghai("2026-11-24 09:05"));
  auto a = Open("a.db");
  auto b = Open("b.db");
  ASSERT_NE(a, nullptr);
  ASSERT_NE(b, nullptr);
  auto first = SeedDemoDistrict(*a, clock);
  auto second = SeedDemoDistrict(*b, clock);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  EXPECT_EQ(first->schools, second->schools);
  EXPECT_EQ(first->resources, second->resources);
  EXPECT_EQ(first->bookings, second->bookings);
  EXPECT_EQ(first->facts, second->facts);
  EXPECT_EQ(first->refused, 0) << Refusals(*first);

  // Bookings made one by one carry the same ids and times.
  auto list = [](Store& s) {
    std::vector<std::string> rows;
    auto bookings = s.ListBookings({});
    for (const Booking& bk : bookings.value()) {
      if (bk.series_id.empty()) rows.push_back(bk.id + " " + bk.resource_id + " " + std::to_string(bk.start));
    }
    std::sort(rows.begin(), rows.end());
    return rows;
  };
  EXPECT_EQ(list(*a), list(*b));

  // Seeding again into a seeded store is refused and changes nothing.
  auto again = SeedDemoDistrict(*a, clock);
  EXPECT_EQ(again.status().code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(static_cast<int>(a->ListBookings({})->size()), first->bookings);
}

TEST_F(DemoTest, GenerateCityWritesExactlyWhatWasAskedWithoutOverlaps) {
  auto store = Open("city.db");
  ASSERT_NE(store, nullptr);
  GenOptions options;
  options.schools = 20;
  options.resources = 200;
  options.bookings = 5000;
  options.schools_per_district = 10;
  options.now = Shanghai("2026-11-22 12:00");
  options.batch = 1000;
  int reports = 0;
  auto stats = GenerateCity(*store, options, [&](const GenStats&) { ++reports; });
  ASSERT_TRUE(stats.ok()) << stats.status().ToString();
  EXPECT_EQ(stats->districts, 2);
  EXPECT_EQ(stats->schools, 20);
  EXPECT_EQ(stats->resources, 200);
  EXPECT_EQ(stats->bookings, 5000);
  EXPECT_GE(reports, 5);

  EXPECT_EQ(store->ListDistricts()->size(), 2u);
  EXPECT_EQ(store->ListSchools()->size(), 20u);
  ResourceFilter every;
  every.include_inactive = true;
  auto bookings = store->ListBookings({});
  ASSERT_TRUE(bookings.ok());
  EXPECT_EQ(bookings->size(), 5000u);
  std::set<std::string> codes;
  std::set<ResourceType> types;
  auto resources = store->ListResources(every);
  ASSERT_TRUE(resources.ok());
  EXPECT_EQ(resources->size(), 200u);
  for (const Resource& r : *resources) types.insert(r.type);
  EXPECT_EQ(types.size(), 5u);
  for (const Booking& b : *bookings) {
    codes.insert(b.code);
    EXPECT_LT(b.start, b.end);
  }
  EXPECT_EQ(codes.size(), 5000u);
  ExpectNoOverlaps(*store);

  // The same seed gives the same data; a generated store is not generated into twice.
  auto other = Open("city2.db");
  ASSERT_NE(other, nullptr);
  ASSERT_TRUE(GenerateCity(*other, options).ok());
  auto ids = [](Store& s) {
    std::vector<std::string> rows;
    auto bookings = s.ListBookings({});
    for (const Booking& b : bookings.value()) rows.push_back(b.id + b.resource_id + std::to_string(b.start) + b.code);
    std::sort(rows.begin(), rows.end());
    return rows;
  };
  EXPECT_EQ(ids(*store), ids(*other));
  EXPECT_EQ(GenerateCity(*store, options).status().code(), StatusCode::kAlreadyExists);
}

}  // namespace
}  // namespace schoolshare
