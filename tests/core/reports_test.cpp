// The period reports on a tiny district where every number is computed by hand (the arithmetic is in
// the comments), the reconciliation of a month, its resolution and sign-off, and the lock afterwards.
#include "schoolshare/reports.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <deque>

#include "forwarding_store.h"
#include "schoolshare/booking_service.h"
#include "schoolshare/report_format.h"
#include "testutil.h"

namespace schoolshare {
namespace {

using testing::At;

// District d1 (Asia/Shanghai), the week Mon 2026-11-02 .. Sun 2026-11-08:
//   Wed 11-04 is a public holiday; Sat 11-07 is a makeup workday running Wednesday's hours (调休).
// Schools: a (20 students), b (100 students, weak), c (40 students).
// Resources and their opening hours in that week:
//   a-hall  hall, Mon-Fri 08-18, shared, fee 1000 fen/h: Mon Tue Thu Fri + Sat(as Wed) = 5 x 10 h = 50 h
//   a-lab   lab, Mon-Fri 08-12, home-only:                 5 x 4 h = 20 h
//   a-balls equipment, Mon-Fri 08-09, home-only:           5 x 1 h = 5 h
//   b-room  room, every day 08-12, shared: all but Wed (Sat runs Wed, which has a window) = 6 x 4 h = 24 h
//   c-field field, Sat-Sun 08-18, shared, fee 500 fen/h: Sat runs Wed (no window) so only Sun = 10 h
// Bookings (confirmed unless said) and their facts:
//   bk1 a-hall  by a  Mon 09-11 (2 h)   in 09:00 out 10:30            used 1.5 h
//   bk2 a-hall  by b  Tue 14-17 (3 h)   in 14:30 (late), no out        used 2.5 h (to the end)
//   bk3 b-room  by a  Thu 08-10 (2 h)   no facts (no-show)             used 0
//   bk4 c-field by b  Sun 08-12 (4 h)   in 08:00 out 12:30 (overrun)   used 4.5 h
//   bk5 b-room  by b  Sat 09-11 (2 h)   in 09:00 out 11:00             used 2 h
//   bk6 a-lab   by a  Fri 08-10 cancelled Thu 20:00 (12 h before: late cancellation), not counted
//   bk7 a-hall  by c  Fri 14-16 pending, not counted
//   bk8 c-field by c  Sun 13-17 (4 h)   in 13:00 out 17:00             used 4 h
//   bk9 a-balls by a  Thu 08-09 (1 h) x5 hand-out 5 at 08:00, return 3 at 08:30 (2 overdue)  used 0.5 h
class ReportsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = testing::OpenStore(dir_.File("r.db"), &clock_);
    ASSERT_NE(store_, nullptr);
    Actor sys = Actor::System();
    ASSERT_TRUE(store_->PutDistrict({"d1", "测试学区", "Asia/Shanghai", "zh-CN"}, sys).ok());
    ASSERT_TRUE(
        store_->PutSchool({"a", "d1", "甲校", "School A", SchoolKind::kCore, false, 20, {29.5, 106.5}, {}}, sys).ok());
    ASSERT_TRUE(
        store_->PutSchool({"b", "d1", "乙校", "School B", SchoolKind::kMember, true, 100, {29.52, 106.5}, {}}, sys)
            .ok());
    ASSERT_TRUE(
        store_->PutSchool({"c", "d1", "丙校", "School C", SchoolKind::kMember, false, 40, {29.55, 106.5}, {}}, sys)
            .ok());
    CalendarDay holiday{*CivilDate::Parse("2026-11-04"), CalendarDayKind::kPublicHoliday, "", 0, "校庆"};
    CalendarDay makeup{*CivilDate::Parse("2026-11-07"), CalendarDayKind::kMakeupWorkday, "", 3, "调休"};
    ASSERT_TRUE(store_->PutCalendarDay(holiday, "d1", sys).ok());
    ASSERT_TRUE(store_->PutCalendarDay(makeup, "d1", sys).ok());

    AddResource("a-hall", "a", ResourceType::kHall, Days(1, 5, 8, 18), true, 1000);
    AddResource("a-lab", "a", ResourceType::kLab, Days(1, 5, 8, 12), false, 0);
    AddResource("a-balls", "a", ResourceType::kEquipment, Days(1, 5, 8, 9), false, 0);
    AddResource("b-room", "b", ResourceType::kRoom, Days(1, 7, 8, 12), true, 0);
    AddResource("c-field", "c", ResourceType::kField, Days(6, 7, 8, 18), true, 500);

    Book("bk1", "a-hall", "a", "2026-11-02 09:00", "2026-11-02 11:00");
    Fact("f1", FactKind::kCheckIn, "bk1", "a-hall", "2026-11-02 09:00");
    Fact("f2", FactKind::kCheckOut, "bk1", "a-hall", "2026-11-02 10:30");
    Book("bk2", "a-hall", "b", "2026-11-03 14:00", "2026-11-03 17:00");
    Fact("f3", FactKind::kCheckIn, "bk2", "a-hall", "2026-11-03 14:30");
    Book("bk3", "b-room", "a", "2026-11-05 08:00", "2026-11-05 10:00");
    Book("bk4", "c-field", "b", "2026-11-08 08:00", "2026-11-08 12:00");
    Fact("f4", FactKind::kCheckIn, "bk4", "c-field", "2026-11-08 08:00");
    Fact("f5", FactKind::kCheckOut, "bk4", "c-field", "2026-11-08 12:30");
    Book("bk5", "b-room", "b", "2026-11-07 09:00", "2026-11-07 11:00");
    Fact("f6", FactKind::kCheckIn, "bk5", "b-room", "2026-11-07 09:00");
    Fact("f7", FactKind::kCheckOut, "bk5", "b-room", "2026-11-07 11:00");
    Booking& bk6 = Book("bk6", "a-lab", "a", "2026-11-06 08:00", "2026-11-06 10:00");
    bk6.status = BookingStatus::kCancelled;
    bk6.updated_at = At("2026-11-05 20:00");
    ASSERT_TRUE(store_->UpdateBooking(bk6, sys, "booking.cancel").ok());
    Booking& bk7 = Book("bk7", "a-hall", "c", "2026-11-06 14:00", "2026-11-06 16:00");
    bk7.status = BookingStatus::kPending;
    bk7.stage = ApprovalStage::kOwner;
    ASSERT_TRUE(store_->UpdateBooking(bk7, sys, "booking.update").ok());
    Book("bk8", "c-field", "c", "2026-11-08 13:00", "2026-11-08 17:00");
    Fact("f8", FactKind::kCheckIn, "bk8", "c-field", "2026-11-08 13:00");
    Fact("f9", FactKind::kCheckOut, "bk8", "c-field", "2026-11-08 17:00");
    Book("bk9", "a-balls", "a", "2026-11-05 08:00", "2026-11-05 09:00", 5);
    Fact("f10", FactKind::kHandOut, "bk9", "a-balls", "2026-11-05 08:00", 5);
    Fact("f11", FactKind::kReturn, "bk9", "a-balls", "2026-11-05 08:30", 3);
  }

  static std::vector<WeeklyWindow> Days(int first, int last, int from_hour, int to_hour) {
    std::vector<WeeklyWindow> w;
    for (int d = first; d <= last; ++d) w.push_back({d, from_hour * 60, to_hour * 60});
    return w;
  }

  void AddResource(const std::string& id, const std::string& school, ResourceType type, std::vector<WeeklyWindow> hours,
                   bool shared, int fee) {
    Resource r;
    r.id = id;
    r.school_id = school;
    r.name = id;
    r.type = type;
    r.quantity = type == ResourceType::kEquipment ? 20 : 0;
    r.opening_hours = std::move(hours);
    r.policy.shared = shared;
    r.policy.approval = ApprovalMode::kNone;
    r.policy.hourly_fee_cents = fee;
    ASSERT_TRUE(store_->PutResource(r, Actor::System()).ok());
  }

  Booking& Book(const std::string& id, const std::string& resource, const std::string& school, const std::string& from,
                const std::string& to, int quantity = 0) {
    Booking b;
    b.id = id;
    b.resource_id = resource;
    b.school_id = school;
    b.title = "活动 " + id;
    b.quantity = quantity;
    b.start = At(from);
    b.end = At(to);
    b.status = BookingStatus::kConfirmed;
    b.code = "C" + id;
    b.created_at = b.updated_at = At("2026-10-20 08:00");
    b.version = 1;
    EXPECT_TRUE(store_->InsertBooking(b, Actor::System()).ok());
    bookings_.push_back(b);
    return bookings_.back();
  }

  void Fact(const std::string& id, FactKind kind, const std::string& booking, const std::string& resource,
            const std::string& at, int quantity = 0) {
    UsageFact f;
    f.id = id;
    f.kind = kind;
    f.booking_id = booking;
    f.resource_id = resource;
    f.at = At(at);
    f.quantity = quantity;
    f.received_at = f.at;
    ASSERT_TRUE(store_->InsertFact(f, Actor::System()).ok());
  }

  ReportScope Week(const std::string& school = "") {
    ReportScope s;
    s.district_id = "d1";
    s.school_id = school;
    s.from = At("2026-11-02 00:00");
    s.to = At("2026-11-09 00:00");
    return s;
  }

  testing::TempDir dir_;
  ManualClock clock_{At("2026-12-01 10:00")};
  std::unique_ptr<Store> store_;
  std::deque<Booking> bookings_;
  Actor manager_a_{"tok-ma", Role::kSchoolManager, "a", "甲校 场馆管理员"};
  Actor manager_b_{"tok-mb", Role::kSchoolManager, "b"};
  Actor auditor_{"tok-au", Role::kAuditor, ""};
};

const UtilizationRow& Row(const std::vector<UtilizationRow>& rows, const std::string& id) {
  static const UtilizationRow none;
  auto it = std::find_if(rows.begin(), rows.end(), [&](const auto& r) { return r.id == id; });
  EXPECT_NE(it, rows.end()) << id;
  return it == rows.end() ? none : *it;
}

void ExpectRow(const UtilizationRow& r, double opening, double booked, double used, int bookings) {
  EXPECT_DOUBLE_EQ(r.opening_hours, opening) << r.id;
  EXPECT_DOUBLE_EQ(r.booked_hours, booked) << r.id;
  EXPECT_DOUBLE_EQ(r.used_hours, used) << r.id;
  EXPECT_EQ(r.bookings, bookings) << r.id;
}

TEST_F(ReportsTest, UtilizationByResourceSchoolTypeWithHolidayAndMakeupDay) {
  auto u = BuildUtilization(*store_, Week());
  ASSERT_TRUE(u.ok()) << u.status().ToString();
  ASSERT_EQ(u->resources.size(), 5u);
  ExpectRow(Row(u->resources, "a-hall"), 50, 2 + 3, 1.5 + 2.5, 2);
  ExpectRow(Row(u->resources, "a-lab"), 20, 0, 0, 0);  // bk6 was cancelled
  ExpectRow(Row(u->resources, "a-balls"), 5, 1, 0.5, 1);
  ExpectRow(Row(u->resources, "b-room"), 24, 2 + 2, 0 + 2, 2);
  ExpectRow(Row(u->resources, "c-field"), 10, 4 + 4, 4.5 + 4, 2);
  ExpectRow(Row(u->schools, "a"), 50 + 20 + 5, 5 + 1, 4 + 0.5, 3);
  ExpectRow(Row(u->schools, "b"), 24, 4, 2, 2);
  ExpectRow(Row(u->schools, "c"), 10, 8, 8.5, 2);
  ExpectRow(Row(u->types, "equipment"), 5, 1, 0.5, 1);
  ExpectRow(Row(u->types, "hall"), 50, 5, 4, 2);
  ExpectRow(u->total, 109, 18, 15, 7);
  EXPECT_DOUBLE_EQ(Row(u->resources, "a-hall").booked_share(), 5.0 / 50);
  EXPECT_DOUBLE_EQ(Row(u->schools, "c").used_share(), 8.5 / 10);
  // One ISO week: Thursday 11-05 is day 309 of 2026, (309 - 1) / 7 + 1 = 45.
  ASSERT_EQ(u->weeks.size(), 1u);
  EXPECT_EQ(u->weeks[0].week, "2026-W45");
  EXPECT_DOUBLE_EQ(u->weeks[0].opening_hours, 109);
  EXPECT_DOUBLE_EQ(u->weeks[0].booked_hours, 18);
  EXPECT_DOUBLE_EQ(u->weeks[0].used_hours, 15);
}

TEST_F(ReportsTest, HeatMapSpreadsHoursOverLocalWeekdayAndHour) {
  auto u = BuildUtilization(*store_, Week());
  ASSERT_TRUE(u.ok());
  const auto& booked = u->heat_booked;
  const auto& used = u->heat_used;
  EXPECT_DOUBLE_EQ(booked[0][9], 1);   // Mon 09: bk1
  EXPECT_DOUBLE_EQ(used[0][10], 0.5);  // Mon 10:00-10:30: bk1 checked out at 10:30
  EXPECT_DOUBLE_EQ(used[1][14], 0.5);  // Tue 14:30-15:00: bk2 checked in late
  EXPECT_DOUBLE_EQ(used[1][16], 1);    // Tue 16-17: bk2 never checked out, counts to its end
  EXPECT_DOUBLE_EQ(booked[3][8], 2);   // Thu 08: bk3 and bk9
  EXPECT_DOUBLE_EQ(used[3][8], 0.5);   // Thu 08:00-08:30: bk9 (bk3 was a no-show)
  EXPECT_DOUBLE_EQ(used[6][12], 0.5);  // Sun 12:00-12:30: bk4's overrun
  EXPECT_DOUBLE_EQ(booked[6][12], 0);
  double total_booked = 0, total_used = 0;
  for (int d = 0; d < 7; ++d) {
    for (int h = 0; h < 24; ++h) {
      total_booked += booked[d][h];
      total_used += used[d][h];
    }
  }
  EXPECT_DOUBLE_EQ(total_booked, 18);
  EXPECT_DOUBLE_EQ(total_used, 15);
}

TEST_F(ReportsTest, SchoolFilterKeepsOnlyThatSchoolsResources) {
  auto u = BuildUtilization(*store_, Week("b"));
  ASSERT_TRUE(u.ok());
  ASSERT_EQ(u->resources.size(), 1u);
  ExpectRow(u->total, 24, 4, 2, 2);
}

TEST_F(ReportsTest, LedgerHasBookedAndUsedHoursFeesAndBalances) {
  auto l = BuildSharingLedger(*store_, Week());
  ASSERT_TRUE(l.ok()) << l.status().ToString();
  // Cross-school bookings: bk2 (b on a's hall), bk3 (a on b's room), bk4 (b on c's field).
  ASSERT_EQ(l->cells.size(), 3u);
  const LedgerCell& ab = l->cells[0];  // by owner then borrower: a<-b, b<-a, c<-b
  EXPECT_EQ(ab.owner_school_id, "a");
  EXPECT_EQ(ab.borrower_school_id, "b");
  EXPECT_DOUBLE_EQ(ab.hours, 3);
  EXPECT_DOUBLE_EQ(ab.used_hours, 2.5);
  EXPECT_EQ(ab.fee_cents, 3 * 1000);
  EXPECT_DOUBLE_EQ(l->cells[1].used_hours, 0);  // bk3: nobody came
  EXPECT_EQ(l->cells[2].fee_cents, 4 * 500);
  EXPECT_DOUBLE_EQ(l->shared_hours, 3 + 2 + 4);
  EXPECT_DOUBLE_EQ(l->shared_used_hours, 2.5 + 0 + 4.5);
  EXPECT_EQ(l->fees_cents, 3000 + 2000);
  ASSERT_EQ(l->schools.size(), 3u);
  const SchoolBalance& b = l->schools[1];
  EXPECT_EQ(b.school_id, "b");
  EXPECT_DOUBLE_EQ(b.hosted_hours, 2);
  EXPECT_DOUBLE_EQ(b.borrowed_hours, 3 + 4);
  EXPECT_DOUBLE_EQ(b.borrowed_used_hours, 2.5 + 4.5);
  EXPECT_EQ(b.fees_paid_cents, 5000);
  EXPECT_EQ(l->schools[2].fees_earned_cents, 2000);
}

TEST_F(ReportsTest, EquityPerStudentAndGiniWithAndWithoutSharing) {
  auto e = BuildEquity(*store_, Week());
  ASSERT_TRUE(e.ok()) << e.status().ToString();
  ASSERT_EQ(e->schools.size(), 3u);
  const EquityRow& a = e->schools[0];
  const EquityRow& b = e->schools[1];
  const EquityRow& c = e->schools[2];
  // Shared opening hours: a-hall 50 + b-room 24 + c-field 10 = 84; reachable = 84 minus one's own.
  EXPECT_DOUBLE_EQ(a.own_hours, 75);
  EXPECT_DOUBLE_EQ(a.reachable_hours, 34);
  EXPECT_DOUBLE_EQ(a.available_per_student(), (75.0 + 34) / 20);   // 5.45
  EXPECT_DOUBLE_EQ(b.available_per_student(), (24.0 + 60) / 100);  // 0.84
  EXPECT_DOUBLE_EQ(c.available_per_student(), (10.0 + 74) / 40);   // 2.1
  // Used by each school's groups: a = bk1 1.5 + bk3 0 + bk9 0.5 = 2 (all own); b = bk2 2.5 + bk4 4.5 +
  // bk5 2 = 9 (own: bk5 2); c = bk8 4 (own).
  EXPECT_DOUBLE_EQ(a.used_per_student(), 2.0 / 20);   // 0.1
  EXPECT_DOUBLE_EQ(b.used_per_student(), 9.0 / 100);  // 0.09
  EXPECT_DOUBLE_EQ(b.used_own_per_student(), 2.0 / 100);
  EXPECT_DOUBLE_EQ(c.used_per_student(), 4.0 / 40);  // 0.1
  // Gini = sum_i (2i - n + 1) x_(i) / (n * sum x), sorted ascending:
  //  with sharing [0.09, 0.1, 0.1]:    (-2 * 0.09 + 0 + 2 * 0.1) / (3 * 0.29) = 0.02 / 0.87
  //  without      [0.02, 0.1, 0.1]:    (-2 * 0.02 + 0 + 2 * 0.1) / (3 * 0.22) = 0.16 / 0.66
  EXPECT_NEAR(e->gini_with_sharing, 0.02 / 0.87, 1e-12);
  EXPECT_NEAR(e->gini_without_sharing, 0.16 / 0.66, 1e-12);
  EXPECT_LT(e->gini_with_sharing, e->gini_without_sharing);  // sharing narrowed the gap
  // Weak: b alone. The rest: a and c pooled, (109 + 84) h available and (2 + 4) h used over 60 students.
  EXPECT_EQ(e->weak.schools, 1);
  EXPECT_DOUBLE_EQ(e->weak.used_per_student, 0.09);
  EXPECT_EQ(e->rest.students, 60);
  EXPECT_DOUBLE_EQ(e->rest.available_per_student, 193.0 / 60);
  EXPECT_DOUBLE_EQ(e->rest.used_per_student, 6.0 / 60);
}

// The SQLite store answers a district's bookings and facts with one query each; any other store is
// read through the Store API (per school, per resource). Both give the same reports, with a booking by
// another district's school, one on another district's resource, one that starts before the period,
// and a booking and facts on an inactive resource (in no report). The SQLite store also reads the
// district's resources lean (only the fields the reports use), so their type, shared flag and fee count.
TEST_F(ReportsTest, OneQueryPerDistrictGivesTheSameReportsAsTheStoreApi) {
  Actor sys = Actor::System();
  ASSERT_TRUE(store_->PutDistrict({"d2", "第二学区", "Asia/Shanghai", "zh-CN"}, sys).ok());
  ASSERT_TRUE(
      store_->PutSchool({"x", "d2", "外校", "School X", SchoolKind::kMember, true, 50, {29.6, 106.6}, {}}, sys).ok());
  AddResource("x-gym", "x", ResourceType::kHall, Days(1, 7, 7, 21), true, 200);
  Book("bk10", "a-hall", "x", "2026-11-06 09:00", "2026-11-06 12:00");
  Fact("f12", FactKind::kCheckIn, "bk10", "a-hall", "2026-11-06 09:10");
  Book("bk11", "x-gym", "a", "2026-11-03 18:00", "2026-11-03 20:00");
  Fact("f13", FactKind::kCheckIn, "bk11", "x-gym", "2026-11-03 18:00");
  Fact("f14", FactKind::kCheckOut, "bk11", "x-gym", "2026-11-03 19:15");
  Book("bk12", "b-room", "c", "2026-11-01 22:00", "2026-11-02 10:00");
  Fact("f15", FactKind::kCheckIn, "bk12", "b-room", "2026-11-01 23:00");
  // The same opening hours as x-gym (the SQLite store parses each distinct text once), not shared, a fee.
  AddResource("x-lab", "x", ResourceType::kLab, Days(1, 7, 7, 21), false, 350);
  Book("bk14", "x-lab", "a", "2026-11-04 10:00", "2026-11-04 11:00");
  AddResource("c-old", "c", ResourceType::kRoom, Days(1, 5, 8, 12), true, 0);
  Book("bk13", "c-old", "a", "2026-11-02 08:00", "2026-11-02 09:00");
  Fact("f16", FactKind::kCheckIn, "bk13", "c-old", "2026-11-02 08:00");
  auto old = store_->GetResource("c-old");
  ASSERT_TRUE(old.ok());
  old->active = false;
  ASSERT_TRUE(store_->PutResource(*old, sys).ok());

  testing::ForwardingStore api(*store_);  // not the SQLite store itself: read through the Store API
  const TimeZone tz = *TimeZone::Find("Asia/Shanghai");
  ReportScope city = Week();
  city.district_id.clear();
  ReportScope school_x = city;
  school_x.school_id = "x";
  for (const ReportScope& scope : {Week(), Week("a"), Week("b"), city, school_x}) {
    SCOPED_TRACE(scope.district_id + "/" + scope.school_id);
    auto one_query = BuildReports(*store_, scope);
    auto per_row = BuildReports(api, scope);
    ASSERT_TRUE(one_query.ok()) << one_query.status().message();
    ASSERT_TRUE(per_row.ok()) << per_row.status().message();
    EXPECT_EQ(ToJson(one_query->utilization, tz).dump(), ToJson(per_row->utilization, tz).dump());
    EXPECT_EQ(ToJson(one_query->ledger, tz).dump(), ToJson(per_row->ledger, tz).dump());
    EXPECT_EQ(ToJson(one_query->equity, tz).dump(), ToJson(per_row->equity, tz).dump());
  }
  // The new rows are in: a-hall gains bk10 (3 h booked, 09:10-12:00 used); b-room bk12 from 00:00
  // (10 h booked, used from the period's start to the booking's end: no check-out); c-old is gone.
  auto city_reports = BuildReports(*store_, city);
  ASSERT_TRUE(city_reports.ok());
  ExpectRow(Row(city_reports->utilization.resources, "a-hall"), 50, 2 + 3 + 3, 1.5 + 2.5 + 17.0 / 6, 3);
  ExpectRow(Row(city_reports->utilization.resources, "b-room"), 24, 2 + 2 + 10, 0 + 2 + 10, 3);
  ExpectRow(Row(city_reports->utilization.resources, "x-gym"), 14 * 7, 2, 1.25, 1);
  ExpectRow(Row(city_reports->utilization.resources, "x-lab"), 14 * 7, 1, 0, 1);
  for (const auto& r : city_reports->utilization.resources) EXPECT_NE(r.id, "c-old");
}

TEST(GiniTest, KnownValues) {
  EXPECT_DOUBLE_EQ(Gini({}), 0);
  EXPECT_DOUBLE_EQ(Gini({0, 0}), 0);
  EXPECT_DOUBLE_EQ(Gini({5, 5, 5}), 0);
  EXPECT_DOUBLE_EQ(Gini({0, 0, 0, 1}), 0.75);  // one has everything: (n - 1) / n
  EXPECT_DOUBLE_EQ(Gini({1, 3}), 0.25);        // |1 - 3| * 2 / (2 * 4 * 2)
}

TEST(IsoWeekTest, YearBoundaries) {
  EXPECT_EQ(IsoWeekLabel(*CivilDate::Parse("2026-01-01")), "2026-W01");  // a Thursday
  EXPECT_EQ(IsoWeekLabel(*CivilDate::Parse("2025-12-29")), "2026-W01");
  EXPECT_EQ(IsoWeekLabel(*CivilDate::Parse("2027-01-01")), "2026-W53");  // a Friday
}

TEST_F(ReportsTest, BadScopesAreRefused) {
  ReportScope reversed = Week();
  std::swap(reversed.from, reversed.to);
  EXPECT_EQ(BuildUtilization(*store_, reversed).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(BuildEquity(*store_, Week("nope")).status().code(), StatusCode::kNotFound);
  ReportScope district = Week();
  district.district_id = "d9";
  EXPECT_EQ(BuildSharingLedger(*store_, district).status().code(), StatusCode::kNotFound);
}

std::vector<std::string> Ids(const Reconciliation& r) {
  std::vector<std::string> ids;
  for (const auto& i : r.items) ids.push_back(i.id);
  return ids;
}

TEST_F(ReportsTest, ReconciliationDerivesItemsAndListsRaisedOnes) {
  ReconciliationItem raised;
  raised.id = "item-1";
  raised.school_id = "a";
  raised.resource_id = "a-hall";
  raised.reason = "walk_in_conflict";
  raised.created_at = At("2026-11-06 09:00");
  ASSERT_TRUE(store_->PutReconciliationItem(raised, Actor::System()).ok());
  auto r = BuildReconciliation(*store_, "a", "2026-11", clock_.Now());
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  // a's resources: bk1 fine; bk2 checked in 30 min late (grace 15); bk9 3 of 5 balls back; bk6 cancelled
  // 12 h before its start (< 24 h); bk7 is pending (no item).
  EXPECT_EQ(Ids(*r), (std::vector<std::string>{"late_check_in:bk2", "equipment_overdue:bk9", "late_cancellation:bk6",
                                               "item-1"}));
  EXPECT_EQ(r->open_items(), 4);
  ASSERT_EQ(r->lines.size(), 3u);  // confirmed: bk1, bk2, bk9
  EXPECT_EQ(r->lines[0].booking.id, "bk1");
  EXPECT_EQ(r->lines[0].checked_out, At("2026-11-02 10:30"));
  EXPECT_EQ(r->lines[2].handed_out, 5);
  EXPECT_EQ(r->lines[2].returned, 3);

  auto b = BuildReconciliation(*store_, "b", "2026-11", clock_.Now());
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(Ids(*b), std::vector<std::string>{"no_show:bk3"});
  auto c = BuildReconciliation(*store_, "c", "2026-11", clock_.Now());
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(Ids(*c), std::vector<std::string>{"overrun:bk4"});
  EXPECT_EQ(BuildReconciliation(*store_, "a", "2026-13", clock_.Now()).status().code(), StatusCode::kInvalidArgument);
}

TEST_F(ReportsTest, SignOffNeedsEveryItemResolvedThenLocksEveryWrite) {
  const Instant now = clock_.Now();
  auto refused = SignOffPeriod(*store_, "a", "2026-11", manager_a_, now);
  ASSERT_EQ(refused.status().code(), StatusCode::kConflict);
  EXPECT_NE(refused.status().message().find("late_check_in:bk2"), std::string::npos);
  EXPECT_NE(refused.status().message().find("3 reconciliation item(s)"), std::string::npos);

  EXPECT_EQ(ResolveReconciliationItem(*store_, "late_check_in:bk2", "", manager_a_, now).status().code(),
            StatusCode::kInvalidArgument);  // a note is required
  EXPECT_EQ(ResolveReconciliationItem(*store_, "late_check_in:bk2", "ok", manager_b_, now).status().code(),
            StatusCode::kPermissionDenied);  // the owner school's manager resolves
  EXPECT_EQ(ResolveReconciliationItem(*store_, "no_show:bk1", "x", manager_a_, now).status().code(),
            StatusCode::kNotFound);  // bk1 was used
  EXPECT_EQ(ResolveReconciliationItem(*store_, "nonsense", "x", manager_a_, now).status().code(),
            StatusCode::kNotFound);
  for (const char* id : {"late_check_in:bk2", "equipment_overdue:bk9", "late_cancellation:bk6"}) {
    auto done = ResolveReconciliationItem(*store_, id, "已核实", manager_a_, now);
    ASSERT_TRUE(done.ok()) << id << ": " << done.status().ToString();
    EXPECT_TRUE(done->resolved);
  }
  auto rec = BuildReconciliation(*store_, "a", "2026-11", now);
  ASSERT_TRUE(rec.ok());
  EXPECT_EQ(rec->open_items(), 0);
  EXPECT_EQ(rec->items[0].resolution, "已核实");

  EXPECT_EQ(SignOffPeriod(*store_, "a", "2026-11", auditor_, now).status().code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(SignOffPeriod(*store_, "a", "2026-12", manager_a_, now).status().code(),
            StatusCode::kInvalidArgument);  // December is not over
  auto signed_off = SignOffPeriod(*store_, "a", "2026-11", manager_a_, now);
  ASSERT_TRUE(signed_off.ok()) << signed_off.status().ToString();
  EXPECT_EQ(signed_off->status, PeriodStatus::kSignedOff);
  EXPECT_EQ(signed_off->signed_off_by, "甲校 场馆管理员");  // the signer's name, not the token id
  EXPECT_EQ(signed_off->signed_off_at, now);
  EXPECT_EQ(store_->GetReportPeriod("a", "2026-11")->status, PeriodStatus::kSignedOff);
  EXPECT_TRUE(SignOffPeriod(*store_, "a", "2026-11", manager_a_, now).ok());  // again: a no-op

  // Every write into a's November is refused now: create (even backfilled by an admin), cancel,
  // approve and reject.
  BookingService service(*store_, clock_);
  BookingRequest req;
  req.resource_id = "a-hall";
  req.school_id = "a";
  req.start = At("2026-11-09 09:00");
  req.end = At("2026-11-09 10:00");
  CreateOptions backfill;
  backfill.allow_backfill = true;
  auto created = service.Create(req, Actor::System(), backfill);
  ASSERT_TRUE(created.ok());
  ASSERT_FALSE(created->accepted);
  EXPECT_TRUE(std::any_of(created->violations.begin(), created->violations.end(),
                          [](const Violation& v) { return v.rule == Rule::kPeriodLocked; }));
  for (int i = 0; i < 3; ++i) {
    auto out = i == 0   ? service.Cancel("bk1", Actor::System())
               : i == 1 ? service.Approve("bk7", Actor::System())
                        : service.Reject("bk7", Actor::System(), "不行");
    ASSERT_TRUE(out.ok());
    EXPECT_FALSE(out->accepted) << i;
    ASSERT_FALSE(out->violations.empty());
    EXPECT_EQ(out->violations[0].rule, Rule::kPeriodLocked) << i;
  }
  // b's November is still open.
  auto cancel_b = service.Cancel("bk5", Actor::System());
  ASSERT_TRUE(cancel_b.ok());
  EXPECT_TRUE(cancel_b->accepted);
}

}  // namespace
}  // namespace schoolshare
