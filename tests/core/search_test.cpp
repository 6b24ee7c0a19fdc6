// Search and recommendation over a real SQLite file: free means the booking rules would accept it,
// each ranking factor changes the order on its own, weekly patterns, and bad queries.
#include "schoolshare/search.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <deque>

#include "forwarding_store.h"
#include "testutil.h"

namespace schoolshare {
namespace {

using testing::At;

// A district of three schools: the requester "a" at the centre, "b" 2 km north, "c" 10 km north.
class SearchTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = testing::OpenStore(dir_.File("s.db"), &clock_);
    ASSERT_NE(store_, nullptr);
    ASSERT_TRUE(store_->PutDistrict({"d1", "海淀", "Asia/Shanghai", "zh-CN"}, admin_).ok());
    AddSchool("a", 39.9000);
    AddSchool("b", 39.9000 + 2.0 / 111.2);
    AddSchool("c", 39.9000 + 10.0 / 111.2);
  }

  void AddSchool(const std::string& id, double lat) {
    School s;
    s.id = id;
    s.district_id = "d1";
    s.name = "学校" + id;
    s.students = 1000;
    s.location = {lat, 116.40};
    ASSERT_TRUE(store_->PutSchool(s, admin_).ok());
  }

  // A shared hall with no approval, no limits and no opening hours: only what a test sets differs.
  Resource& AddHall(const std::string& id, const std::string& school, int capacity) {
    Resource r;
    r.id = id;
    r.school_id = school;
    r.name = "礼堂" + id;
    r.type = ResourceType::kHall;
    r.capacity = capacity;
    r.policy.approval = ApprovalMode::kNone;
    halls_.push_back(r);
    return halls_.back();
  }
  void Save() {
    for (const auto& r : halls_) ASSERT_TRUE(store_->PutResource(r, admin_).ok()) << r.id;
    halls_.clear();
  }

  void Book(const std::string& id, const std::string& resource, const std::string& school, const std::string& from,
            const std::string& to, const std::string& class_id = "") {
    Booking b;
    b.id = id;
    b.resource_id = resource;
    b.school_id = school;
    b.title = "已有活动";
    b.start = At(from);
    b.end = At(to);
    b.status = BookingStatus::kConfirmed;
    b.code = id.substr(0, 6);
    b.class_id = class_id;
    ASSERT_TRUE(store_->InsertBooking(b, admin_).ok());
  }

  // Saturday morning, two hours, 30 people, for school a.
  AvailabilityQuery Saturday() {
    AvailabilityQuery q;
    q.types = {ResourceType::kHall};
    q.min_capacity = 30;
    q.from = At("2026-11-28 08:00");
    q.to = At("2026-11-28 12:00");
    q.duration_minutes = 120;
    q.for_school_id = "a";
    q.per_resource = 1;
    return q;
  }

  std::vector<RankedSlot> Find(const AvailabilityQuery& q, const RankingWeights& w = {}) {
    auto out = FindAvailability(*store_, q, clock_.Now(), w);
    EXPECT_TRUE(out.ok()) << out.status().ToString();
    return out.ok() ? *out : std::vector<RankedSlot>{};
  }

  static std::vector<std::string> Ids(const std::vector<RankedSlot>& slots) {
    std::vector<std::string> ids;
    for (const auto& s : slots) ids.push_back(s.resource_id);
    return ids;
  }

  static bool HasReason(const RankedSlot& s, const std::string& key) {
    for (const auto& r : s.reasons) {
      if (r.key == key) return true;
    }
    return false;
  }

  testing::TempDir dir_;
  ManualClock clock_{At("2026-11-23 08:00")};  // a Monday
  std::unique_ptr<Store> store_;
  Actor admin_ = Actor::System();
  std::deque<Resource> halls_;  // AddHall's references stay valid
  using V = std::vector<std::string>;
};

// In each ranking test the two halls differ in one factor only; the hall that is better on it has the
// id that sorts last, so with that factor weighed 0 the tie-break (id) turns the order round.

TEST_F(SearchTest, FitPrefersCapacityCloseToTheNeed) {
  AddHall("a-big", "b", 800);
  AddHall("z-fits", "b", 40);
  Save();
  auto slots = Find(Saturday());
  EXPECT_EQ(Ids(slots), (V{"z-fits", "a-big"}));
  ASSERT_EQ(slots.size(), 2u);
  EXPECT_DOUBLE_EQ(slots[0].factors.fit, 0.75);
  EXPECT_TRUE(HasReason(slots[0], "search.reason.fit"));
  EXPECT_TRUE(HasReason(slots[1], "search.reason.too_big"));
  RankingWeights no_fit;
  no_fit.fit = 0;
  EXPECT_EQ(Ids(Find(Saturday(), no_fit)), (V{"a-big", "z-fits"}));
}

TEST_F(SearchTest, DistancePrefersTheNearCampus) {
  AddHall("a-far", "c", 100);
  AddHall("z-near", "b", 100);
  Save();
  auto slots = Find(Saturday());
  ASSERT_EQ(Ids(slots), (V{"z-near", "a-far"}));
  EXPECT_NEAR(slots[0].distance_km, 2.0, 0.05);
  EXPECT_NEAR(slots[1].distance_km, 10.0, 0.1);
  EXPECT_GT(slots[0].factors.distance, slots[1].factors.distance);
  RankingWeights no_distance;
  no_distance.distance = 0;
  EXPECT_EQ(Ids(Find(Saturday(), no_distance)), (V{"a-far", "z-near"}));
}

TEST_F(SearchTest, ApprovalPrefersNoApprovalAndOwnSchoolCountsAsNone) {
  AddHall("a-owner", "b", 100).policy.approval = ApprovalMode::kOwner;
  AddHall("m-district", "b", 100).policy.approval = ApprovalMode::kOwnerThenDistrict;
  AddHall("z-none", "b", 100);
  Save();
  auto slots = Find(Saturday());
  ASSERT_EQ(Ids(slots), (V{"z-none", "a-owner", "m-district"}));
  EXPECT_EQ(slots[0].status, BookingStatus::kConfirmed);
  EXPECT_EQ(slots[1].status, BookingStatus::kPending);
  EXPECT_TRUE(HasReason(slots[2], "search.reason.approval_district"));
  RankingWeights no_approval;
  no_approval.approval = 0;
  EXPECT_EQ(Ids(Find(Saturday(), no_approval)), (V{"a-owner", "m-district", "z-none"}));

  // The requester's own hall needs no approval even when its policy asks others for it.
  AddHall("own", "a", 100).policy.approval = ApprovalMode::kOwnerThenDistrict;
  Save();
  auto with_own = Find(Saturday());
  ASSERT_FALSE(with_own.empty());
  EXPECT_EQ(with_own[0].resource_id, "own");
  EXPECT_TRUE(HasReason(with_own[0], "search.reason.own_school"));
  EXPECT_DOUBLE_EQ(with_own[0].factors.approval, 1.0);
}

TEST_F(SearchTest, FairSharePrefersTheResourceWithWeeklyHoursLeft) {
  AddHall("a-capped", "b", 100).policy.weekly_cap_minutes = 300;
  AddHall("z-open", "b", 100);
  Save();
  Book("bk-friday", "a-capped", "a", "2026-11-27 10:00", "2026-11-27 12:00");  // 120 of a's 300 minutes
  auto slots = Find(Saturday());
  ASSERT_EQ(Ids(slots), (V{"z-open", "a-capped"}));
  EXPECT_DOUBLE_EQ(slots[0].factors.fair_share, 1.0);
  EXPECT_DOUBLE_EQ(slots[1].factors.fair_share, 60.0 / 300.0);  // 300 - 120 used - 120 asked
  ASSERT_TRUE(HasReason(slots[1], "search.reason.fair_share"));
  RankingWeights no_share;
  no_share.fair_share = 0;
  EXPECT_EQ(Ids(Find(Saturday(), no_share)), (V{"a-capped", "z-open"}));
}

TEST_F(SearchTest, TimePrefersTheSlotClosestToTheRequestedStart) {
  // a-busy fits slightly better (40 vs 42 seats) but is free only from 10:00.
  AddHall("a-busy", "b", 40);
  AddHall("z-free", "b", 42);
  Save();
  Book("bk-morning", "a-busy", "c", "2026-11-28 08:00", "2026-11-28 10:00");
  auto slots = Find(Saturday());
  ASSERT_EQ(Ids(slots), (V{"z-free", "a-busy"}));
  EXPECT_EQ(slots[0].start, At("2026-11-28 08:00"));
  EXPECT_EQ(slots[1].start, At("2026-11-28 10:00"));
  EXPECT_TRUE(HasReason(slots[0], "search.reason.on_time"));
  EXPECT_TRUE(HasReason(slots[1], "search.reason.later"));
  RankingWeights no_time;
  no_time.time = 0;
  EXPECT_EQ(Ids(Find(Saturday(), no_time)), (V{"a-busy", "z-free"}));
}

TEST_F(SearchTest, FreeMeansTheRulesWouldAccept) {
  AddHall("home-only", "b", 100).policy.shared = false;  // lent to nobody
  AddHall("own-home-only", "a", 100).policy.shared = false;
  AddHall("closed-saturday", "b", 100).opening_hours = {{1, 480, 1080}};  // Mondays only
  AddHall("small", "b", 20);
  AddHall("buffered", "b", 100).buffer_minutes = 30;
  AddHall("whole", "b", 200);
  AddHall("part-of-busy", "b", 100).parent_id = "whole";
  AddHall("exam-school", "c", 100);
  Save();
  Book("bk-buffered", "buffered", "c", "2026-11-28 06:00", "2026-11-28 08:00");  // 30 min buffer: 08:30 earliest
  Book("bk-whole", "whole", "c", "2026-11-28 08:00", "2026-11-28 12:00");        // the whole blocks its part
  CalendarDay exam;
  exam.date = *CivilDate::Parse("2026-11-28");
  exam.kind = CalendarDayKind::kExam;
  exam.school_id = "c";
  ASSERT_TRUE(store_->PutCalendarDay(exam, "d1", admin_).ok());
  auto slots = Find(Saturday());
  std::sort(slots.begin(), slots.end(), [](auto& x, auto& y) { return x.resource_id < y.resource_id; });
  ASSERT_EQ(Ids(slots), (V{"buffered", "own-home-only"}));
  EXPECT_EQ(slots[0].start, At("2026-11-28 08:30"));
}

TEST_F(SearchTest, SlotsOfOneResourceDoNotOverlapAndRespectLimits) {
  AddHall("h", "b", 100);
  Save();
  AvailabilityQuery q = Saturday();
  q.per_resource = 5;
  auto slots = Find(q);
  ASSERT_EQ(slots.size(), 2u);  // 08:00-10:00 and 10:00-12:00
  EXPECT_EQ(slots[0].start, At("2026-11-28 08:00"));
  EXPECT_EQ(slots[1].start, At("2026-11-28 10:00"));
  q.limit = 1;
  EXPECT_EQ(Find(q).size(), 1u);
}

TEST_F(SearchTest, EquipmentByQuantityAndFeatures) {
  Resource& kit = AddHall("kit", "b", 0);
  kit.type = ResourceType::kEquipment;
  kit.quantity = 10;
  Resource& proj = AddHall("proj", "b", 100);
  proj.features = {"projector"};
  AddHall("plain", "b", 100);
  Save();
  AvailabilityQuery q = Saturday();
  q.types = {ResourceType::kEquipment};
  q.min_capacity = 8;
  auto slots = Find(q);
  ASSERT_EQ(Ids(slots), (V{"kit"}));
  EXPECT_TRUE(HasReason(slots[0], "search.reason.stock"));
  q.min_capacity = 11;
  EXPECT_TRUE(Find(q).empty());
  q = Saturday();
  q.features = {"projector"};
  EXPECT_EQ(Ids(Find(q)), (V{"proj"}));
}

TEST_F(SearchTest, ScopeIsTheDistrictOrOneSchoolOrTheCity) {
  ASSERT_TRUE(store_->PutDistrict({"d2", "朝阳", "Asia/Shanghai", "zh-CN"}, admin_).ok());
  School far;
  far.id = "x";
  far.district_id = "d2";
  far.name = "外区学校";
  far.location = {39.95, 116.50};
  ASSERT_TRUE(store_->PutSchool(far, admin_).ok());
  AddHall("hb", "b", 100);
  AddHall("hc", "c", 100);
  AddHall("hx", "x", 100);
  Save();
  AvailabilityQuery q = Saturday();
  auto ids = Ids(Find(q));
  std::sort(ids.begin(), ids.end());
  EXPECT_EQ(ids, (V{"hb", "hc"}));
  q.school_id = "c";
  EXPECT_EQ(Ids(Find(q)), (V{"hc"}));
  q.school_id.clear();
  q.whole_city = true;
  ids = Ids(Find(q));
  std::sort(ids.begin(), ids.end());
  EXPECT_EQ(ids, (V{"hb", "hc", "hx"}));
}

TEST_F(SearchTest, WeeklyPatternCountsFreeOccurrences) {
  AddHall("a-once-busy", "b", 100);
  AddHall("z-always", "b", 100);
  Save();
  Book("bk-tue", "a-once-busy", "c", "2026-12-08 14:00", "2026-12-08 16:00");
  CalendarDay holiday;  // the third Tuesday is a holiday: three dates remain
  holiday.date = *CivilDate::Parse("2026-12-15");
  holiday.kind = CalendarDayKind::kSchoolHoliday;
  ASSERT_TRUE(store_->PutCalendarDay(holiday, "d1", admin_).ok());
  AvailabilityQuery q = Saturday();
  q.recurring =
      RecurringPattern{2, 14 * 60, 16 * 60, *CivilDate::Parse("2026-12-01"), *CivilDate::Parse("2026-12-22"), 0};
  auto all = Find(q);
  ASSERT_EQ(Ids(all), (V{"z-always"}));
  EXPECT_EQ(all[0].occurrences_free, 3);
  EXPECT_EQ(all[0].occurrences_total, 3);
  EXPECT_EQ(all[0].start, At("2026-12-01 14:00"));
  q.recurring->min_occurrences = 2;
  auto most = Find(q);
  ASSERT_EQ(Ids(most), (V{"z-always", "a-once-busy"}));
  EXPECT_EQ(most[1].occurrences_free, 2);
  EXPECT_TRUE(HasReason(most[1], "search.reason.occurrences"));
}

TEST_F(SearchTest, BadQueriesAreClearErrors) {
  AvailabilityQuery q = Saturday();
  std::swap(q.from, q.to);
  auto reversed = FindAvailability(*store_, q, clock_.Now());
  ASSERT_FALSE(reversed.ok());
  EXPECT_EQ(reversed.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(reversed.status().message().find("reversed"), std::string::npos);

  q = Saturday();
  q.duration_minutes = 300;
  auto too_long = FindAvailability(*store_, q, clock_.Now());
  ASSERT_FALSE(too_long.ok());
  EXPECT_EQ(too_long.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(too_long.status().message().find("longer than the window"), std::string::npos);

  q = Saturday();
  q.for_school_id = "nowhere";
  auto unknown = FindAvailability(*store_, q, clock_.Now());
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.status().code(), StatusCode::kNotFound);
  EXPECT_NE(unknown.status().message().find("nowhere"), std::string::npos);

  q = Saturday();
  q.school_id = "nowhere";
  EXPECT_EQ(FindAvailability(*store_, q, clock_.Now()).status().code(), StatusCode::kNotFound);

  auto type = ParseResourceTypes("hall,spaceship");
  ASSERT_FALSE(type.ok());
  EXPECT_EQ(type.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(type.status().message().find("spaceship"), std::string::npos);
  auto types = ParseResourceTypes("hall,field,hall");
  ASSERT_TRUE(types.ok());
  EXPECT_EQ(types->size(), 2u);

  q = Saturday();
  q.recurring =
      RecurringPattern{9, 14 * 60, 16 * 60, *CivilDate::Parse("2026-12-01"), *CivilDate::Parse("2026-12-22"), 0};
  EXPECT_EQ(FindAvailability(*store_, q, clock_.Now()).status().code(), StatusCode::kInvalidArgument);
}

TEST_F(SearchTest, ReasonsReadInBothLanguages) {
  AddHall("h", "b", 40);
  Save();
  auto slots = Find(Saturday());
  ASSERT_EQ(slots.size(), 1u);
  ASSERT_FALSE(slots[0].reasons.empty());
  EXPECT_EQ(DescribeReason(Lang::kZh, slots[0].reasons[0]), "容量合适：需要 30 人，可容纳 40 人");
  EXPECT_EQ(DescribeReason(Lang::kEn, slots[0].reasons[0]), "fits: 30 needed, holds 40");
  for (const auto& r : slots[0].reasons) {
    EXPECT_NE(DescribeReason(Lang::kEn, r), r.key) << "missing text for " << r.key;
    EXPECT_NE(DescribeReason(Lang::kZh, r), r.key) << "missing text for " << r.key;
  }
}

// Counts the reads of held bookings: the search must not read them slot by slot.
class CountingStore : public testing::ForwardingStore {
 public:
  using ForwardingStore::ForwardingStore;
  Result<std::vector<Booking>> ListHeldBookings(const std::vector<std::string>& ids, Instant from,
                                                Instant to) override {
    ++held_reads;
    return ForwardingStore::ListHeldBookings(ids, from, to);
  }
  Result<int> HeldMinutes(const std::string& school, const std::vector<std::string>& ids, Instant from,
                          Instant to) override {
    ++held_reads;
    return ForwardingStore::HeldMinutes(school, ids, from, to);
  }
  int held_reads = 0;
};

TEST_F(SearchTest, HeldBookingsAreReadOnceForAllCandidates) {
  for (int i = 0; i < 6; ++i) AddHall("h" + std::to_string(i), i % 2 ? "b" : "c", 100).policy.weekly_cap_minutes = 600;
  Save();
  Book("bk-1", "h1", "a", "2026-11-28 08:00", "2026-11-28 09:00");
  CountingStore counting(*store_);
  AvailabilityQuery q = Saturday();
  q.per_resource = 3;
  auto slots = FindAvailability(counting, q, clock_.Now());
  ASSERT_TRUE(slots.ok()) << slots.status().ToString();
  EXPECT_GE(slots->size(), 6u);
  EXPECT_EQ(counting.held_reads, 1);
}

TEST_F(SearchTest, BestFirstGivesWhatJudgingEveryCandidateGives) {
  // More halls than one batch holds, at spread-out distances, sizes and policies; some taken.
  for (int i = 0; i < 120; ++i) {
    Resource& r = AddHall("h" + std::to_string(100 + i),
                          i % 3 == 0   ? "a"
                          : i % 3 == 1 ? "b"
                                       : "c",
                          30 + (i * 37) % 700);
    r.policy.approval = i % 4 == 0 ? ApprovalMode::kOwner : ApprovalMode::kNone;
  }
  Save();
  for (int i = 0; i < 120; i += 5) {
    Book("bk-" + std::to_string(i), "h" + std::to_string(100 + i), "c", "2026-11-28 08:00", "2026-11-28 09:30");
  }
  AvailabilityQuery q = Saturday();
  q.per_resource = 2;
  q.limit = 500;
  auto all = Find(q);
  ASSERT_GT(all.size(), 100u);
  q.limit = 7;
  auto top = Find(q);
  ASSERT_EQ(top.size(), 7u);
  for (size_t i = 0; i < top.size(); ++i) {
    EXPECT_EQ(top[i].resource_id, all[i].resource_id) << i;
    EXPECT_EQ(top[i].start, all[i].start) << i;
    EXPECT_DOUBLE_EQ(top[i].score, all[i].score) << i;
  }
}

// ---- common free time ----

class CommonTimeTest : public SearchTest {
 protected:
  void SetUp() override {
    SearchTest::SetUp();
    // Tuesday 2026-12-01 (weekday 2). a1 and b1 have lessons in the morning and early afternoon.
    AddClass("a1", "a", {{2, 8 * 60, 12 * 60}, {2, 14 * 60, 15 * 60}});
    AddClass("b1", "b", {{2, 8 * 60, 10 * 60}, {2, 13 * 60, 16 * 60}});
    AddClass("b2", "b", {{2, 16 * 60, 17 * 60}});
    AddHall("venue", "c", 100);
    Resource& room = AddHall("a-room", "a", 40);
    room.type = ResourceType::kRoom;
    Save();
  }
  void AddClass(const std::string& id, const std::string& school, std::vector<WeeklyWindow> lessons) {
    SchoolClass c;
    c.id = id;
    c.school_id = school;
    c.name = id + "班";
    c.grade = 7;
    c.students = 40;
    c.lessons = std::move(lessons);
    ASSERT_TRUE(store_->PutClass(c, admin_).ok());
  }
  CommonTimeQuery Tuesday(std::vector<std::string> classes = {}) {
    CommonTimeQuery q;
    q.school_ids = {"a", "b"};
    q.class_ids = std::move(classes);
    q.from = At("2026-12-01 08:00");
    q.to = At("2026-12-01 18:00");
    q.duration_minutes = 60;
    q.types = {ResourceType::kHall};
    q.min_capacity = 60;
    q.limit = 20;
    return q;
  }
  std::vector<std::string> Starts(const CommonTimeQuery& q) {
    auto out = FindCommonFreeTime(*store_, q, clock_.Now());
    EXPECT_TRUE(out.ok()) << out.status().ToString();
    std::vector<std::string> starts;
    if (!out.ok()) return starts;
    for (const auto& s : *out) {
      EXPECT_EQ(s.resource_id, "venue");
      starts.push_back(testing::Shanghai().FormatTime(s.start));
    }
    std::sort(starts.begin(), starts.end());
    return starts;
  }
};

TEST_F(CommonTimeTest, OnlyWhenNoInvolvedClassHasALesson) {
  // a1 and b1 busy 08:00-12:00 and 13:00-16:00: free 12:00-13:00 and 16:00-18:00.
  EXPECT_EQ(Starts(Tuesday({"a1", "b1"})), (V{"12:00", "16:00", "17:00"}));
  // Every class of both schools: b2 also has 16:00-17:00.
  EXPECT_EQ(Starts(Tuesday()), (V{"12:00", "17:00"}));
  auto slots = FindCommonFreeTime(*store_, Tuesday(), clock_.Now());
  ASSERT_TRUE(slots.ok());
  ASSERT_FALSE(slots->empty());
  EXPECT_EQ(slots->front().reasons.back().key, "search.reason.people_free");
  EXPECT_EQ(slots->front().reasons.back().params.at("classes"), "3");
}

TEST_F(CommonTimeTest, BookingsOfTheClassesAndOfTheVenueCount) {
  Book("bk-class", "a-room", "a", "2026-12-01 17:00", "2026-12-01 18:00", "a1");  // a1 is away
  Book("bk-noclass", "a-room", "b", "2026-12-01 12:00", "2026-12-01 13:00");      // names no class
  EXPECT_EQ(Starts(Tuesday()), (V{"12:00"}));
  EXPECT_EQ(Starts(Tuesday({"b1"})), (V{"10:00", "11:00", "12:00"}));      // a1's booking does not matter
  Book("bk-venue", "venue", "c", "2026-12-01 12:00", "2026-12-01 13:00");  // the venue is taken
  EXPECT_TRUE(Starts(Tuesday()).empty());
}

TEST_F(CommonTimeTest, BadQueries) {
  auto q = Tuesday({"a1", "x9"});
  EXPECT_EQ(FindCommonFreeTime(*store_, q, clock_.Now()).status().code(), StatusCode::kNotFound);
  AddClass("c1", "c", {});
  auto other = FindCommonFreeTime(*store_, Tuesday({"c1"}), clock_.Now());
  ASSERT_FALSE(other.ok());
  EXPECT_EQ(other.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(other.status().message().find("c1"), std::string::npos);
  q = Tuesday();
  q.school_ids = {"a", "nowhere"};
  EXPECT_EQ(FindCommonFreeTime(*store_, q, clock_.Now()).status().code(), StatusCode::kNotFound);
  q = Tuesday();
  std::swap(q.from, q.to);
  EXPECT_EQ(FindCommonFreeTime(*store_, q, clock_.Now()).status().code(), StatusCode::kInvalidArgument);
  q = Tuesday();
  q.school_ids.clear();
  EXPECT_EQ(FindCommonFreeTime(*store_, q, clock_.Now()).status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace schoolshare
