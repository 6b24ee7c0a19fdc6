// Booking rules: every rule and its boundaries, approval decisions, NextStage and the MayAct table.
//
// The world: district zone Asia/Shanghai; "own" owns a divisible pitch (halves "half-a" and "half-b"),
// a hall and 10 projectors; "other" is a borrowing school. Most bookings fall on Monday 2026-11-23;
// now is Friday 2026-11-20 08:00.
#include "schoolshare/rules.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <string>
#include <vector>

namespace schoolshare {
namespace {

TimeZone Shanghai() {
  Result<TimeZone> tz = TimeZone::Find("Asia/Shanghai");
  EXPECT_TRUE(tz.ok());
  return tz.ok() ? *tz : TimeZone::Utc();
}

// "10:00" is that time on Monday 2026-11-23; otherwise a full local "YYYY-MM-DD HH:MM".
Instant T(const std::string& text) {
  const std::string full = text.size() == 5 ? "2026-11-23 " + text : text;
  Result<Instant> t = Shanghai().Parse(full);
  EXPECT_TRUE(t.ok()) << full;
  return t.ok() ? *t : 0;
}

Booking Bk(const std::string& id, const std::string& resource, const std::string& school, const std::string& start,
           const std::string& end, int quantity = 0, BookingStatus status = BookingStatus::kConfirmed) {
  Booking b;
  b.id = id;
  b.resource_id = resource;
  b.school_id = school;
  b.start = T(start);
  b.end = T(end);
  b.quantity = quantity;
  b.status = status;
  return b;
}

std::vector<WeeklyWindow> Every(int from_weekday, int to_weekday, int start, int end) {
  std::vector<WeeklyWindow> out;
  for (int d = from_weekday; d <= to_weekday; ++d) out.push_back({d, start, end});
  return out;
}

struct World {
  World() {
    owner.id = "own";
    owner.name = "实验一小";
    Resource pitch;
    pitch.id = "pitch";
    pitch.school_id = "own";
    pitch.name = "足球场";
    pitch.name_en = "Football pitch";
    pitch.type = ResourceType::kField;
    pitch.capacity = 200;
    pitch.policy.approval = ApprovalMode::kOwner;
    resources["pitch"] = pitch;
    Resource half = pitch;
    half.id = "half-a";
    half.name = "足球场A半场";
    half.name_en = "";
    half.parent_id = "pitch";
    half.capacity = 100;
    resources["half-a"] = half;
    half.id = "half-b";
    half.name = "足球场B半场";
    resources["half-b"] = half;
    Resource hall = pitch;
    hall.id = "hall";
    hall.name = "报告厅";
    hall.type = ResourceType::kHall;
    resources["hall"] = hall;
    Resource proj;
    proj.id = "proj";
    proj.school_id = "own";
    proj.name = "投影仪";
    proj.type = ResourceType::kEquipment;
    proj.quantity = 10;
    proj.capacity = 5;  // ignored for equipment
    proj.policy.approval = ApprovalMode::kNone;
    resources["proj"] = proj;
  }

  RuleInput Input(const Booking& candidate, const std::vector<Booking>& nearby = {}) const {
    RuleInput in;
    in.resource = &resources.at(candidate.resource_id);
    in.owner = &owner;
    in.candidate = candidate;
    in.nearby = nearby;
    for (const Booking& b : nearby) {
      auto it = resources.find(b.resource_id);
      if (b.resource_id != candidate.resource_id && it != resources.end()) in.related[b.resource_id] = it->second;
    }
    in.calendar = &calendar;
    in.tz = &tz;
    in.now = now;
    return in;
  }

  Verdict Check(const Booking& candidate, const std::vector<Booking>& nearby = {}) const {
    return CheckBooking(Input(candidate, nearby));
  }

  TimeZone tz = Shanghai();
  DistrictCalendar calendar;
  School owner;
  std::map<std::string, Resource> resources;
  Instant now = T("2026-11-20 08:00");
};

std::vector<Rule> RulesOf(const Verdict& v) {
  std::vector<Rule> out;
  for (const Violation& x : v.violations) out.push_back(x.rule);
  return out;
}

const Violation* Find(const Verdict& v, Rule r) {
  for (const Violation& x : v.violations) {
    if (x.rule == r) return &x;
  }
  return nullptr;
}

// ---- Interval ----

TEST(RulesTest, InvalidIntervalStopsEverythingElse) {
  World w;
  w.resources["hall"].active = false;
  struct Case {
    const char* name;
    Instant start;
    Instant end;
    bool invalid;
  };
  const Case cases[] = {
      {"end_equals_start", T("10:00"), T("10:00"), true},
      {"end_before_start", T("10:00"), T("09:00"), true},
      {"start_not_whole_minute", T("10:00") + 30, T("11:00"), true},
      {"end_not_whole_minute", T("10:00"), T("11:00") - 1, true},
      {"one_minute", T("10:00"), T("10:01"), false},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    Booking b = Bk("c", "hall", "own", "10:00", "11:00");
    b.start = c.start;
    b.end = c.end;
    const Verdict v = w.Check(b);
    if (c.invalid) {
      ASSERT_EQ(RulesOf(v), std::vector<Rule>{Rule::kInvalidInterval});
      EXPECT_EQ(v.violations[0].params.at("start"), w.tz.FormatLocal(c.start));
    } else {
      EXPECT_EQ(RulesOf(v), std::vector<Rule>{Rule::kInactive});
    }
  }
}

// ---- Resource and requester ----

TEST(RulesTest, InactiveAndHomeOnly) {
  World w;
  w.resources["hall"].active = false;
  EXPECT_EQ(RulesOf(w.Check(Bk("c", "hall", "own", "10:00", "11:00"))), std::vector<Rule>{Rule::kInactive});
  w.resources["hall"].active = true;
  w.resources["hall"].policy.shared = false;
  const Verdict cross = w.Check(Bk("c", "hall", "other", "10:00", "11:00"));
  EXPECT_EQ(RulesOf(cross), std::vector<Rule>{Rule::kHomeOnly});
  EXPECT_EQ(cross.violations[0].params.at("resource"), "报告厅");
  EXPECT_TRUE(w.Check(Bk("c", "hall", "own", "10:00", "11:00")).ok());
}

TEST(RulesTest, PastAndBackfill) {
  World w;
  struct Case {
    const char* start;
    bool backfill;
    bool past;
  };
  const Case cases[] = {
      {"2026-11-20 07:59", false, true},
      {"2026-11-20 08:00", false, false},  // exactly now
      {"2026-11-19 10:00", true, false},   // an admin back-filling
      {"2026-11-20 08:01", false, false},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.start);
    Booking b = Bk("c", "hall", "own", c.start, "2026-11-20 12:00");
    RuleInput in = w.Input(b);
    in.allow_backfill = c.backfill;
    const Verdict v = CheckBooking(in);
    EXPECT_EQ(v.Breaks(Rule::kInThePast), c.past);
    if (c.past) {
      EXPECT_EQ(Find(v, Rule::kInThePast)->params.at("now"), "2026-11-20 08:00");
    }
  }
}

TEST(RulesTest, PeriodLocked) {
  World w;
  RuleInput in = w.Input(Bk("c", "hall", "own", "10:00", "11:00"));
  in.period_locked = true;
  const Verdict v = CheckBooking(in);
  ASSERT_EQ(RulesOf(v), std::vector<Rule>{Rule::kPeriodLocked});
  EXPECT_EQ(v.violations[0].params.at("month"), "2026-11");
}

// ---- Venue overlap: buffers and divisible venues ----

struct Existing {
  const char* id;
  const char* resource;
  const char* start;
  const char* end;
  BookingStatus status = BookingStatus::kConfirmed;
};

struct OverlapCase {
  const char* name;
  const char* resource;  // the candidate's
  const char* start;
  const char* end;
  std::vector<Existing> existing;
  std::map<std::string, int> buffers;  // resource id -> buffer minutes
  std::vector<std::string> conflicts;
};

TEST(RulesTest, OverlapTable) {
  const BookingStatus kPending = BookingStatus::kPending;
  const BookingStatus kCancelled = BookingStatus::kCancelled;
  const BookingStatus kRejected = BookingStatus::kRejected;
  const OverlapCase cases[] = {
      {"touching_after", "pitch", "10:00", "12:00", {{"x", "pitch", "08:00", "10:00"}}, {}, {}},
      {"touching_before", "pitch", "10:00", "12:00", {{"x", "pitch", "12:00", "13:00"}}, {}, {}},
      {"one_minute_overlap_start", "pitch", "10:00", "12:00", {{"x", "pitch", "08:00", "10:01"}}, {}, {"x"}},
      {"one_minute_overlap_end", "pitch", "10:00", "12:00", {{"x", "pitch", "11:59", "13:00"}}, {}, {"x"}},
      {"contained", "pitch", "10:00", "12:00", {{"x", "pitch", "10:30", "11:00"}}, {}, {"x"}},
      {"containing", "pitch", "10:00", "12:00", {{"x", "pitch", "09:00", "13:00"}}, {}, {"x"}},
      {"pending_holds_the_slot", "pitch", "10:00", "12:00", {{"x", "pitch", "11:00", "13:00", kPending}}, {}, {"x"}},
      {"cancelled_and_rejected_ignored",
       "pitch",
       "10:00",
       "12:00",
       {{"x", "pitch", "11:00", "13:00", kCancelled}, {"y", "pitch", "10:00", "12:00", kRejected}},
       {},
       {}},
      {"itself_ignored", "pitch", "10:00", "12:00", {{"c", "pitch", "10:00", "12:00"}}, {}, {}},
      {"other_venue_ignored", "pitch", "10:00", "12:00", {{"x", "hall", "10:00", "12:00"}}, {}, {}},
      {"all_conflicts_listed",
       "pitch",
       "10:00",
       "12:00",
       {{"x", "pitch", "09:00", "10:30"}, {"y", "pitch", "12:00", "13:00"}, {"z", "pitch", "11:30", "12:30"}},
       {},
       {"x", "z"}},
      // Buffers (minutes kept free between bookings), on both sides.
      {"buffer_before_too_close",
       "pitch",
       "10:00",
       "12:00",
       {{"x", "pitch", "08:00", "09:50"}},
       {{"pitch", 15}},
       {"x"}},
      {"buffer_before_exact", "pitch", "10:00", "12:00", {{"x", "pitch", "08:00", "09:45"}}, {{"pitch", 15}}, {}},
      {"buffer_after_too_close", "pitch", "10:00", "12:00", {{"x", "pitch", "12:14", "13:00"}}, {{"pitch", 15}}, {"x"}},
      {"buffer_after_exact", "pitch", "10:00", "12:00", {{"x", "pitch", "12:15", "13:00"}}, {{"pitch", 15}}, {}},
      // Mixed buffers: the larger of the two resources' buffers counts.
      {"mixed_other_buffer_larger",
       "pitch",
       "10:00",
       "12:00",
       {{"x", "half-a", "12:20", "13:00"}},
       {{"pitch", 0}, {"half-a", 30}},
       {"x"}},
      {"mixed_other_buffer_larger_exact",
       "pitch",
       "10:00",
       "12:00",
       {{"x", "half-a", "12:30", "13:00"}},
       {{"pitch", 0}, {"half-a", 30}},
       {}},
      {"mixed_own_buffer_larger",
       "half-a",
       "10:00",
       "12:00",
       {{"x", "pitch", "08:00", "09:40"}},
       {{"pitch", 0}, {"half-a", 30}},
       {"x"}},
      // Divisible venue: the whole conflicts with its parts and the reverse; two halves do not.
      {"whole_vs_half", "pitch", "10:00", "12:00", {{"x", "half-a", "11:00", "13:00"}}, {}, {"x"}},
      {"half_vs_whole", "half-a", "10:00", "12:00", {{"x", "pitch", "11:00", "13:00"}}, {}, {"x"}},
      {"half_vs_same_half", "half-a", "10:00", "12:00", {{"x", "half-a", "11:00", "13:00"}}, {}, {"x"}},
      {"half_vs_other_half", "half-a", "10:00", "12:00", {{"x", "half-b", "10:00", "12:00"}}, {}, {}},
      {"half_vs_other_half_with_buffers",
       "half-a",
       "10:00",
       "12:00",
       {{"x", "half-b", "12:00", "13:00"}},
       {{"half-a", 30}, {"half-b", 30}},
       {}},
      {"whole_vs_both_halves",
       "pitch",
       "10:00",
       "12:00",
       {{"x", "half-a", "10:00", "11:00"}, {"y", "half-b", "11:00", "12:00"}},
       {},
       {"x", "y"}},
      {"whole_touching_half", "pitch", "10:00", "12:00", {{"x", "half-b", "12:00", "13:00"}}, {}, {}},
  };
  for (const OverlapCase& c : cases) {
    SCOPED_TRACE(c.name);
    World w;
    for (const auto& [id, minutes] : c.buffers) w.resources[id].buffer_minutes = minutes;
    std::vector<Booking> nearby;
    for (const Existing& e : c.existing) nearby.push_back(Bk(e.id, e.resource, "own", e.start, e.end, 0, e.status));
    const Verdict v = w.Check(Bk("c", c.resource, "own", c.start, c.end), nearby);
    const Violation* overlap = Find(v, Rule::kOverlap);
    if (c.conflicts.empty()) {
      EXPECT_TRUE(v.ok()) << (v.ok() ? "" : RuleName(v.violations[0].rule));
    } else {
      ASSERT_NE(overlap, nullptr);
      EXPECT_EQ(v.violations.size(), 1u);
      EXPECT_EQ(overlap->conflicting_booking_ids, c.conflicts);
      EXPECT_EQ(overlap->params.at("count"), std::to_string(c.conflicts.size()));
    }
  }
}

TEST(RulesTest, OverlapParams) {
  World w;
  w.resources["pitch"].buffer_minutes = 10;
  const Verdict v = w.Check(Bk("c", "pitch", "other", "10:00", "12:00"),
                            {Bk("x", "pitch", "own", "09:00", "10:05"), Bk("y", "pitch", "own", "11:00", "12:30")});
  const Violation* o = Find(v, Rule::kOverlap);
  ASSERT_NE(o, nullptr);
  EXPECT_EQ(o->params.at("from"), "2026-11-23 09:00");
  EXPECT_EQ(o->params.at("until"), "2026-11-23 12:30");
  EXPECT_EQ(o->params.at("buffer"), "10");
  EXPECT_EQ(o->params.at("resource"), "足球场");
  EXPECT_EQ(o->params.at("resource_en"), "Football pitch");
}

// ---- Equipment ----

TEST(RulesTest, PeakQuantitySweep) {
  struct Case {
    const char* name;
    std::vector<Booking> bookings;
    int peak;
  };
  const Case cases[] = {
      {"none", {}, 0},
      {"one", {Bk("a", "proj", "own", "10:00", "11:00", 3)}, 3},
      {"sequential_do_not_add",
       {Bk("a", "proj", "own", "10:00", "11:00", 4), Bk("b", "proj", "own", "11:00", "12:00", 5)},
       5},
      {"overlapping_add",
       {Bk("a", "proj", "own", "10:00", "11:30", 4), Bk("b", "proj", "own", "11:00", "12:00", 5)},
       9},
      {"outside_the_window_ignored",
       {Bk("a", "proj", "own", "08:00", "10:00", 7), Bk("b", "proj", "own", "12:00", "13:00", 7)},
       0},
      {"overlap_only_outside_the_window",
       // a and b overlap 09:00-09:30, which lies before the window; inside it they never coincide.
       {Bk("a", "proj", "own", "08:00", "10:30", 4), Bk("b", "proj", "own", "09:00", "09:30", 5),
        Bk("c", "proj", "own", "11:00", "12:00", 2)},
       4},
      {"cancelled_ignored",
       {Bk("a", "proj", "own", "10:00", "12:00", 4, BookingStatus::kCancelled),
        Bk("b", "proj", "own", "10:00", "12:00", 1)},
       1},
      {"three_way",
       {Bk("a", "proj", "own", "09:00", "13:00", 1), Bk("b", "proj", "own", "10:30", "11:30", 2),
        Bk("c", "proj", "own", "11:00", "11:10", 3)},
       6},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    EXPECT_EQ(PeakQuantity(c.bookings, T("10:00"), T("12:00")), c.peak);
  }
}

TEST(RulesTest, EquipmentQuantityAndStock) {
  const std::vector<Booking> sequential = {Bk("a", "proj", "own", "10:00", "11:00", 4),
                                           Bk("b", "proj", "own", "11:00", "12:00", 4)};
  const std::vector<Booking> overlapping = {Bk("a", "proj", "own", "10:00", "11:30", 4),
                                            Bk("b", "proj", "own", "11:00", "12:00", 4),
                                            Bk("t", "proj", "own", "09:00", "10:00", 9)};  // touching: ignored
  struct Case {
    const char* name;
    int quantity;
    const std::vector<Booking>* nearby;
    std::vector<Rule> rules;
    std::vector<std::string> conflicts;
    int peak;  // of the held bookings inside 10:00-12:00
  };
  const std::vector<Booking> none;
  const Case cases[] = {
      {"zero", 0, &none, {Rule::kQuantity}, {}, 0},
      {"negative", -1, &none, {Rule::kQuantity}, {}, 0},
      {"over_stock", 11, &none, {Rule::kQuantity}, {}, 0},
      {"whole_stock", 10, &none, {}, {}, 0},
      {"sequential_fill_up", 6, &sequential, {}, {}, 4},
      {"sequential_one_too_many", 7, &sequential, {Rule::kEquipmentStock}, {"a", "b"}, 4},
      {"overlapping_fill_up", 2, &overlapping, {}, {}, 8},
      {"overlapping_one_too_many", 3, &overlapping, {Rule::kEquipmentStock}, {"a", "b"}, 8},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    World w;
    const Verdict v = w.Check(Bk("c", "proj", "own", "10:00", "12:00", c.quantity), *c.nearby);
    EXPECT_EQ(RulesOf(v), c.rules);
    if (const Violation* s = Find(v, Rule::kEquipmentStock)) {
      EXPECT_EQ(s->conflicting_booking_ids, c.conflicts);
      EXPECT_EQ(s->params.at("limit"), "10");
      EXPECT_EQ(s->params.at("actual"), std::to_string(c.peak + c.quantity));
      EXPECT_EQ(s->params.at("requested"), std::to_string(c.quantity));
      EXPECT_EQ(s->params.at("available"), std::to_string(10 - c.peak));
    }
    if (const Violation* q = Find(v, Rule::kQuantity)) {
      EXPECT_EQ(q->params.at("limit"), "10");
      EXPECT_EQ(q->params.at("actual"), std::to_string(c.quantity));
    }
  }
}

// ---- Capacity ----

TEST(RulesTest, Capacity) {
  struct Case {
    const char* resource;
    int capacity;
    int attendees;
    bool breaks;
  };
  const Case cases[] = {
      {"hall", 100, 100, false},
      {"hall", 100, 101, true},
      {"hall", 0, 5000, false},  // 0: not limited
      {"proj", 5, 50, false},    // equipment: no capacity
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(std::string(c.resource) + " " + std::to_string(c.attendees));
    World w;
    w.resources[c.resource].capacity = c.capacity;
    Booking b = Bk("c", c.resource, "own", "10:00", "11:00", c.resource == std::string("proj") ? 1 : 0);
    b.attendees = c.attendees;
    const Verdict v = w.Check(b);
    EXPECT_EQ(v.Breaks(Rule::kCapacity), c.breaks);
    if (c.breaks) {
      EXPECT_EQ(Find(v, Rule::kCapacity)->params.at("limit"), "100");
      EXPECT_EQ(Find(v, Rule::kCapacity)->params.at("actual"), "101");
    }
  }
}

// ---- Opening hours ----

TEST(RulesTest, OpeningHours) {
  struct Case {
    const char* name;
    const char* start;
    const char* end;
    bool breaks;
  };
  // Monday-Friday 08:00-18:00; Saturday 08:00 to Sunday 02:00 (26:00); Sunday closed.
  // 2026-11-24 (Tuesday) is the owner's school holiday; Sunday 2026-11-29 is a 调休 day running Monday.
  const Case cases[] = {
      {"inside", "2026-11-23 08:00", "2026-11-23 18:00", false},
      {"one_minute_early", "2026-11-23 07:59", "2026-11-23 09:00", true},
      {"one_minute_late", "2026-11-23 17:00", "2026-11-23 18:01", true},
      {"holiday", "2026-11-24 09:00", "2026-11-24 10:00", true},
      {"saturday_night_past_midnight", "2026-11-28 23:00", "2026-11-29 01:30", false},
      {"saturday_night_until_closing", "2026-11-28 08:00", "2026-11-29 02:00", false},
      {"saturday_night_too_late", "2026-11-28 23:00", "2026-11-29 02:30", true},
      {"makeup_sunday_runs_monday", "2026-11-29 09:00", "2026-11-29 10:00", false},
      {"plain_sunday_closed", "2026-11-22 09:00", "2026-11-22 10:00", true},
      {"spans_two_days", "2026-11-23 17:00", "2026-11-25 09:00", true},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    World w;
    std::vector<WeeklyWindow> hours = Every(1, 5, 8 * 60, 18 * 60);
    hours.push_back({6, 8 * 60, 26 * 60});
    w.resources["hall"].opening_hours = hours;
    CalendarDay holiday;
    holiday.date = {2026, 11, 24};
    holiday.kind = CalendarDayKind::kSchoolHoliday;
    holiday.school_id = "own";
    holiday.name = "校运会";
    CalendarDay makeup;
    makeup.date = {2026, 11, 29};
    makeup.kind = CalendarDayKind::kMakeupWorkday;
    makeup.runs_weekday = 1;
    w.calendar = DistrictCalendar({holiday, makeup});
    const Verdict v = w.Check(Bk("c", "hall", "own", c.start, c.end));
    EXPECT_EQ(v.Breaks(Rule::kOpeningHours), c.breaks);
    EXPECT_EQ(v.ok(), !c.breaks);
  }
}

TEST(RulesTest, OpeningHoursParams) {
  World w;
  w.resources["hall"].opening_hours = {{1, 8 * 60, 12 * 60}, {1, 14 * 60, 18 * 60}, {5, 18 * 60, 26 * 60}};
  CalendarDay holiday;
  holiday.date = {2026, 11, 24};
  holiday.kind = CalendarDayKind::kPublicHoliday;
  holiday.name = "测试节";
  w.calendar = DistrictCalendar({holiday});

  Verdict v = w.Check(Bk("c", "hall", "own", "12:00", "13:00"));
  ASSERT_TRUE(v.Breaks(Rule::kOpeningHours));
  const Violation* o = Find(v, Rule::kOpeningHours);
  EXPECT_EQ(o->params.at("date"), "2026-11-23");
  EXPECT_EQ(o->params.at("opening"), "08:00\u201312:00, 14:00\u201318:00");
  EXPECT_EQ(o->params.count("holiday"), 0u);

  v = w.Check(Bk("c", "hall", "own", "2026-11-24 09:00", "2026-11-24 10:00"));
  o = Find(v, Rule::kOpeningHours);
  ASSERT_NE(o, nullptr);
  EXPECT_EQ(o->params.at("holiday"), "测试节");
  EXPECT_EQ(o->params.at("opening"), "");

  v = w.Check(Bk("c", "hall", "own", "2026-11-27 17:00", "2026-11-27 19:00"));
  o = Find(v, Rule::kOpeningHours);
  ASSERT_NE(o, nullptr);
  EXPECT_EQ(o->params.at("opening"), "18:00\u201302:00");
}

// ---- Blackouts ----

TEST(RulesTest, Blackout) {
  Blackout bo;
  bo.id = "bo1";
  bo.resource_id = "pitch";
  bo.start = T("12:00");
  bo.end = T("14:00");
  bo.kind = BlackoutKind::kMaintenance;
  bo.reason = "更换草皮";
  struct Case {
    const char* start;
    const char* end;
    bool breaks;
  };
  const Case cases[] = {{"10:00", "12:00", false}, {"14:00", "15:00", false}, {"11:00", "12:01", true},
                        {"13:59", "15:00", true},  {"11:00", "15:00", true},  {"12:30", "13:00", true}};
  for (const Case& c : cases) {
    SCOPED_TRACE(std::string(c.start) + "-" + c.end);
    World w;
    RuleInput in = w.Input(Bk("c", "pitch", "own", c.start, c.end));
    in.blackouts = {bo};
    const Verdict v = CheckBooking(in);
    EXPECT_EQ(RulesOf(v), c.breaks ? std::vector<Rule>{Rule::kBlackout} : std::vector<Rule>{});
    if (c.breaks) {
      const auto& p = v.violations[0].params;
      EXPECT_EQ(p.at("reason"), "更换草皮");
      EXPECT_EQ(p.at("kind"), "maintenance");
      EXPECT_EQ(p.at("from"), "2026-11-23 12:00");
      EXPECT_EQ(p.at("until"), "2026-11-23 14:00");
    }
  }
}

// ---- Sharing policy (borrowing schools only) ----

struct PolicyCase {
  const char* name;
  SharingPolicy policy;
  Instant start;
  Instant end;
  int week_minutes;
  Rule rule;
  bool breaks;
  std::map<std::string, std::string> params;  // expected subset when it breaks
};

SharingPolicy Policy(int notice, int advance, int duration, int cap) {
  SharingPolicy p;
  p.approval = ApprovalMode::kNone;
  p.min_notice_minutes = notice;
  p.max_advance_days = advance;
  p.max_duration_minutes = duration;
  p.weekly_cap_minutes = cap;
  return p;
}

TEST(RulesTest, PolicyLimitsAtAndOverTheLimit) {
  const Instant now = T("2026-11-20 08:00");
  const PolicyCase cases[] = {
      // clang-format off
      {"min_notice_exact", Policy(1440, 0, 0, 0), now + kDay, now + kDay + kHour, 0, Rule::kMinNotice, false, {}},
      {"min_notice_one_minute_short", Policy(1440, 0, 0, 0), now + kDay - kMinute, now + kDay + kHour, 0,
       Rule::kMinNotice, true, {{"limit", "1440"}, {"actual", "1439"}}},
      {"max_advance_exact", Policy(0, 30, 0, 0), now + 30 * kDay, now + 30 * kDay + kHour, 0, Rule::kMaxAdvance, false,
       {}},
      {"max_advance_one_minute_over", Policy(0, 30, 0, 0), now + 30 * kDay + kMinute, now + 30 * kDay + kHour, 0,
       Rule::kMaxAdvance, true, {{"limit", "30"}, {"actual", "31"}}},
      {"max_duration_exact", Policy(0, 0, 120, 0), T("10:00"), T("12:00"), 0, Rule::kMaxDuration, false, {}},
      {"max_duration_one_minute_over", Policy(0, 0, 120, 0), T("10:00"), T("12:01"), 0, Rule::kMaxDuration, true,
       {{"limit", "120"}, {"actual", "121"}}},
      {"weekly_cap_exact", Policy(0, 0, 0, 240), T("10:00"), T("12:00"), 120, Rule::kWeeklyCap, false, {}},
      {"weekly_cap_one_minute_over", Policy(0, 0, 0, 240), T("10:00"), T("12:00"), 121, Rule::kWeeklyCap, true,
       {{"limit", "240"}, {"used", "121"}, {"requested", "120"}, {"actual", "241"}, {"remaining", "119"}}},
      {"zero_means_unlimited", Policy(0, 0, 0, 0), T("2027-06-01 00:00"), T("2027-06-03 00:00"), 99999,
       Rule::kWeeklyCap, false, {}},
      // clang-format on
  };
  for (const PolicyCase& c : cases) {
    SCOPED_TRACE(c.name);
    World w;
    w.resources["hall"].policy = c.policy;
    Booking b = Bk("c", "hall", "other", "10:00", "11:00");
    b.start = c.start;
    b.end = c.end;
    RuleInput in = w.Input(b);
    in.requester_week_minutes_on_resource = c.week_minutes;
    const Verdict v = CheckBooking(in);
    EXPECT_EQ(RulesOf(v), c.breaks ? std::vector<Rule>{c.rule} : std::vector<Rule>{});
    if (c.breaks) {
      for (const auto& [k, val] : c.params) EXPECT_EQ(v.violations[0].params.at(k), val) << k;
    }
    // The owner school is never bound by its own sharing policy.
    b.school_id = "own";
    in = w.Input(b);
    in.requester_week_minutes_on_resource = c.week_minutes;
    EXPECT_TRUE(CheckBooking(in).ok());
  }
}

TEST(RulesTest, ExamPeriodClosesToOtherSchools) {
  World w;
  CalendarDay exam;
  exam.date = {2026, 11, 25};
  exam.kind = CalendarDayKind::kExam;
  exam.school_id = "own";
  exam.name = "期中考试";
  CalendarDay other_exam = exam;
  other_exam.date = {2026, 11, 26};
  other_exam.school_id = "other";  // the borrower's exams do not matter
  w.calendar = DistrictCalendar({exam, other_exam});
  struct Case {
    const char* school;
    const char* start;
    const char* end;
    bool breaks;
  };
  const Case cases[] = {
      {"other", "2026-11-25 10:00", "2026-11-25 11:00", true},  {"own", "2026-11-25 10:00", "2026-11-25 11:00", false},
      {"other", "2026-11-24 23:00", "2026-11-25 00:30", true},   // runs into the exam day
      {"other", "2026-11-24 23:00", "2026-11-25 00:00", false},  // ends at its midnight
      {"other", "2026-11-26 10:00", "2026-11-26 11:00", false},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(std::string(c.school) + " " + c.start);
    const Verdict v = w.Check(Bk("c", "hall", c.school, c.start, c.end));
    EXPECT_EQ(v.Breaks(Rule::kExamPeriod), c.breaks);
    if (c.breaks) {
      EXPECT_EQ(Find(v, Rule::kExamPeriod)->params.at("date"), "2026-11-25");
      EXPECT_EQ(Find(v, Rule::kExamPeriod)->params.at("name"), "期中考试");
    }
  }
}

// ---- Agreements ----

SharingAgreement Agreement(const std::string& id, std::vector<std::string> resources, bool auto_approve, int cap = 0,
                           std::vector<WeeklyWindow> windows = {}) {
  SharingAgreement a;
  a.id = id;
  a.owner_school_id = "own";
  a.borrower_school_id = "other";
  a.resource_ids = std::move(resources);
  a.auto_approve = auto_approve;
  a.weekly_cap_minutes = cap;
  a.windows = std::move(windows);
  a.valid_from = {2026, 9, 1};
  a.valid_to = {2027, 1, 31};
  return a;
}

TEST(RulesTest, AgreementsTable) {
  struct Case {
    const char* name;
    ApprovalMode approval;
    std::vector<SharingAgreement> agreements;
    const char* start;
    const char* end;
    int used;
    std::string agreement_id;
    BookingStatus status;
    ApprovalStage stage;
    bool cap_breaks;
  };
  const auto kPending = BookingStatus::kPending;
  const auto kConfirmed = BookingStatus::kConfirmed;
  const std::vector<WeeklyWindow> monday_afternoon = {{1, 16 * 60, 18 * 60}};
  // clang-format off
  const Case cases[] = {
      // name, policy, agreements, start, end, minutes used on ag1, applying agreement, status, stage, cap broken
      {"no_agreement_owner_approves", ApprovalMode::kOwner, {}, "10:00", "11:00", 0, "",
       kPending, ApprovalStage::kOwner, false},
      {"auto_agreement_confirms", ApprovalMode::kOwner, {Agreement("ag1", {}, true)}, "10:00", "11:00", 0, "ag1",
       kConfirmed, ApprovalStage::kNone, false},
      {"agreement_with_approval", ApprovalMode::kOwner, {Agreement("ag1", {"hall"}, false)}, "10:00", "11:00", 0,
       "ag1", kPending, ApprovalStage::kOwner, false},
      {"agreement_not_covering", ApprovalMode::kOwner, {Agreement("ag1", {"pitch"}, true)}, "10:00", "11:00", 0, "",
       kPending, ApprovalStage::kOwner, false},
      {"first_covering_wins", ApprovalMode::kOwner,
       {Agreement("ag1", {"pitch"}, true), Agreement("ag2", {"hall"}, true), Agreement("ag3", {}, false)},
       "10:00", "11:00", 0, "ag2", kConfirmed, ApprovalStage::kNone, false},
      {"inside_window", ApprovalMode::kOwner, {Agreement("ag1", {}, true, 0, monday_afternoon)}, "16:00", "18:00", 0,
       "ag1", kConfirmed, ApprovalStage::kNone, false},
      {"partly_outside_window", ApprovalMode::kOwner, {Agreement("ag1", {}, true, 0, monday_afternoon)}, "15:59",
       "17:00", 0, "", kPending, ApprovalStage::kOwner, false},
      {"auto_then_district", ApprovalMode::kOwnerThenDistrict, {Agreement("ag1", {}, true)}, "10:00", "11:00", 0,
       "ag1", kPending, ApprovalStage::kDistrict, false},
      {"cap_exact", ApprovalMode::kOwner, {Agreement("ag1", {}, true, 600)}, "10:00", "11:00", 540, "ag1",
       kConfirmed, ApprovalStage::kNone, false},
      {"cap_one_minute_over", ApprovalMode::kOwner, {Agreement("ag1", {}, true, 600)}, "10:00", "11:00", 541, "ag1",
       kConfirmed, ApprovalStage::kNone, true},
      {"policy_none_no_agreement", ApprovalMode::kNone, {}, "10:00", "11:00", 0, "",
       kConfirmed, ApprovalStage::kNone, false},
  };
  // clang-format on
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    World w;
    w.resources["hall"].policy.approval = c.approval;
    RuleInput in = w.Input(Bk("c", "hall", "other", c.start, c.end));
    in.agreements = c.agreements;
    in.requester_week_minutes_by_agreement["ag1"] = c.used;
    const Verdict v = CheckBooking(in);
    EXPECT_EQ(v.agreement_id, c.agreement_id);
    if (c.cap_breaks) {
      ASSERT_EQ(RulesOf(v), std::vector<Rule>{Rule::kAgreementCap});
      const auto& p = v.violations[0].params;
      EXPECT_EQ(p.at("agreement"), "ag1");
      EXPECT_EQ(p.at("limit"), "600");
      EXPECT_EQ(p.at("used"), "541");
      EXPECT_EQ(p.at("actual"), "601");
      continue;
    }
    ASSERT_TRUE(v.ok()) << RuleName(v.violations[0].rule);
    EXPECT_EQ(v.status, c.status);
    EXPECT_EQ(v.stage, c.stage);
  }
}

TEST(RulesTest, OwnBookingsIgnoreAgreementsAndApproval) {
  World w;
  w.resources["hall"].policy.approval = ApprovalMode::kOwnerThenDistrict;
  RuleInput in = w.Input(Bk("c", "hall", "own", "10:00", "11:00"));
  in.agreements = {Agreement("ag1", {}, true, 1)};
  const Verdict v = CheckBooking(in);
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(v.status, BookingStatus::kConfirmed);
  EXPECT_EQ(v.stage, ApprovalStage::kNone);
  EXPECT_EQ(v.agreement_id, "");
}

// ---- Several rules at once ----

TEST(RulesTest, ReportsEveryViolation) {
  World w;
  Resource& hall = w.resources["hall"];
  hall.active = false;
  hall.policy.shared = false;
  hall.capacity = 50;
  hall.opening_hours = Every(1, 5, 8 * 60, 18 * 60);
  hall.policy.min_notice_minutes = 7 * 24 * 60;
  hall.policy.max_duration_minutes = 60;
  Booking b = Bk("c", "hall", "other", "17:00", "19:00");
  b.attendees = 80;
  RuleInput in = w.Input(b, {Bk("x", "hall", "own", "18:00", "20:00")});
  in.period_locked = true;
  Blackout bo;
  bo.start = T("18:30");
  bo.end = T("23:00");
  bo.kind = BlackoutKind::kEvent;
  in.blackouts = {bo};
  const Verdict v = CheckBooking(in);
  EXPECT_EQ(RulesOf(v),
            (std::vector<Rule>{Rule::kInactive, Rule::kHomeOnly, Rule::kOverlap, Rule::kCapacity, Rule::kOpeningHours,
                               Rule::kBlackout, Rule::kMinNotice, Rule::kMaxDuration, Rule::kPeriodLocked}));
  EXPECT_FALSE(v.ok());
  for (Rule r : RulesOf(v)) EXPECT_TRUE(v.Breaks(r));
  EXPECT_FALSE(v.Breaks(Rule::kWeeklyCap));
}

TEST(RulesTest, RuleNamesAreDistinctWords) {
  std::vector<std::string> names;
  for (int i = 0; std::string(RuleName(static_cast<Rule>(i))) != "unknown"; ++i) {
    names.push_back(RuleName(static_cast<Rule>(i)));
  }
  EXPECT_GE(names.size(), 18u);
  EXPECT_EQ(names[0], "invalid_interval");
  EXPECT_EQ(RuleName(Rule::kOverlap), std::string("overlap"));
  EXPECT_EQ(RuleName(Rule::kEquipmentStock), std::string("equipment_stock"));
  std::vector<std::string> sorted = names;
  std::sort(sorted.begin(), sorted.end());
  EXPECT_EQ(std::unique(sorted.begin(), sorted.end()), sorted.end());
}

// ---- Approval ----

TEST(ApprovalTest, DecideApprovalTable) {
  struct Case {
    ApprovalMode mode;
    bool cross;
    int agreement;  // 0 none, 1 auto, 2 with approval
    BookingStatus status;
    ApprovalStage stage;
  };
  const auto P = BookingStatus::kPending;
  const auto C = BookingStatus::kConfirmed;
  const Case cases[] = {
      {ApprovalMode::kNone, false, 0, C, ApprovalStage::kNone},
      {ApprovalMode::kOwner, false, 0, C, ApprovalStage::kNone},
      {ApprovalMode::kOwnerThenDistrict, false, 1, C, ApprovalStage::kNone},
      {ApprovalMode::kNone, true, 0, C, ApprovalStage::kNone},
      {ApprovalMode::kOwner, true, 0, P, ApprovalStage::kOwner},
      {ApprovalMode::kOwnerThenDistrict, true, 0, P, ApprovalStage::kOwner},
      {ApprovalMode::kNone, true, 1, C, ApprovalStage::kNone},
      {ApprovalMode::kOwner, true, 1, C, ApprovalStage::kNone},
      {ApprovalMode::kOwnerThenDistrict, true, 1, P, ApprovalStage::kDistrict},
      {ApprovalMode::kNone, true, 2, C, ApprovalStage::kNone},
      {ApprovalMode::kOwner, true, 2, P, ApprovalStage::kOwner},
      {ApprovalMode::kOwnerThenDistrict, true, 2, P, ApprovalStage::kOwner},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(std::string(ToString(c.mode)) + (c.cross ? " cross " : " own ") + std::to_string(c.agreement));
    Resource r;
    r.policy.approval = c.mode;
    const SharingAgreement auto_ag = Agreement("a", {}, true);
    const SharingAgreement manual_ag = Agreement("m", {}, false);
    const SharingAgreement* ag = c.agreement == 1 ? &auto_ag : c.agreement == 2 ? &manual_ag : nullptr;
    const ApprovalDecision d = DecideApproval(r, c.cross, ag);
    EXPECT_EQ(d.status, c.status);
    EXPECT_EQ(d.stage, c.stage);
  }
}

TEST(ApprovalTest, NextStageTable) {
  struct Case {
    ApprovalMode mode;
    ApprovalStage stage;
    ApprovalStage next;
  };
  const Case cases[] = {
      {ApprovalMode::kOwner, ApprovalStage::kOwner, ApprovalStage::kNone},
      {ApprovalMode::kOwnerThenDistrict, ApprovalStage::kOwner, ApprovalStage::kDistrict},
      {ApprovalMode::kOwnerThenDistrict, ApprovalStage::kDistrict, ApprovalStage::kNone},
      {ApprovalMode::kOwner, ApprovalStage::kDistrict, ApprovalStage::kNone},
      {ApprovalMode::kNone, ApprovalStage::kOwner, ApprovalStage::kNone},
      {ApprovalMode::kOwnerThenDistrict, ApprovalStage::kNone, ApprovalStage::kNone},
  };
  for (const Case& c : cases) {
    Resource r;
    r.policy.approval = c.mode;
    EXPECT_EQ(NextStage(r, c.stage), c.next) << ToString(c.mode) << " " << ToString(c.stage);
  }
}

TEST(ApprovalTest, MayActTable) {
  const Actor admin{"t1", Role::kDistrictAdmin, ""};
  const Actor manager{"t2", Role::kSchoolManager, "s1"};
  const Actor kiosk{"t3", Role::kKiosk, "s1"};
  const Actor auditor{"t4", Role::kAuditor, ""};
  const Actor unscoped{"t5", Role::kSchoolManager, ""};
  using A = Action;
  const auto kO = ApprovalStage::kOwner;
  const auto kD = ApprovalStage::kDistrict;
  const auto kN = ApprovalStage::kNone;
  struct Case {
    const char* name;
    const Actor* actor;
    Action action;
    const char* requesting;
    const char* owner;
    ApprovalStage stage;
    bool allowed;
  };
  const Case cases[] = {
      // district admin: everything
      {"admin_create", &admin, A::kCreateBooking, "s2", "s3", kN, true},
      {"admin_approve_owner", &admin, A::kApproveBooking, "s2", "s3", kO, true},
      {"admin_approve_district", &admin, A::kApproveBooking, "s2", "s3", kD, true},
      {"admin_sign_off", &admin, A::kSignOff, "", "s3", kN, true},
      {"admin_edit", &admin, A::kEditCatalogue, "", "s3", kN, true},
      // auditor: read only
      {"auditor_read", &auditor, A::kRead, "", "", kN, true},
      {"auditor_create", &auditor, A::kCreateBooking, "s1", "s1", kN, false},
      {"auditor_approve", &auditor, A::kApproveBooking, "s1", "s1", kO, false},
      {"auditor_fact", &auditor, A::kRecordFact, "s1", "s1", kN, false},
      // school manager
      {"manager_read", &manager, A::kRead, "", "", kN, true},
      {"manager_create_for_own_school", &manager, A::kCreateBooking, "s1", "s2", kN, true},
      {"manager_create_for_other_school", &manager, A::kCreateBooking, "s2", "s1", kN, false},
      {"manager_cancel_own_request", &manager, A::kCancelBooking, "s1", "s2", kN, true},
      {"manager_cancel_on_own_resource", &manager, A::kCancelBooking, "s2", "s1", kN, true},
      {"manager_cancel_foreign", &manager, A::kCancelBooking, "s2", "s3", kN, false},
      {"manager_approve_owner_stage", &manager, A::kApproveBooking, "s2", "s1", kO, true},
      {"manager_approve_district_stage", &manager, A::kApproveBooking, "s2", "s1", kD, false},
      {"manager_approve_not_owner", &manager, A::kApproveBooking, "s1", "s2", kO, false},
      {"manager_fact_own", &manager, A::kRecordFact, "s2", "s1", kN, true},
      {"manager_fact_foreign", &manager, A::kRecordFact, "s1", "s2", kN, false},
      {"manager_edit_own", &manager, A::kEditCatalogue, "", "s1", kN, true},
      {"manager_edit_foreign", &manager, A::kEditCatalogue, "", "s2", kN, false},
      {"manager_sign_off_own", &manager, A::kSignOff, "", "s1", kN, true},
      {"manager_sign_off_foreign", &manager, A::kSignOff, "", "s2", kN, false},
      {"unscoped_manager_create", &unscoped, A::kCreateBooking, "", "", kN, false},
      {"unscoped_manager_read", &unscoped, A::kRead, "", "", kN, true},
      // kiosk
      {"kiosk_read", &kiosk, A::kRead, "", "", kN, true},
      {"kiosk_fact_own", &kiosk, A::kRecordFact, "s2", "s1", kN, true},
      {"kiosk_fact_foreign", &kiosk, A::kRecordFact, "s1", "s2", kN, false},
      {"kiosk_walk_in_own", &kiosk, A::kCreateBooking, "s2", "s1", kN, true},
      {"kiosk_walk_in_foreign", &kiosk, A::kCreateBooking, "s1", "s2", kN, false},
      {"kiosk_cancel", &kiosk, A::kCancelBooking, "s1", "s1", kN, false},
      {"kiosk_approve", &kiosk, A::kApproveBooking, "s2", "s1", kO, false},
      {"kiosk_edit", &kiosk, A::kEditCatalogue, "", "s1", kN, false},
      {"kiosk_sign_off", &kiosk, A::kSignOff, "", "s1", kN, false},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(MayAct(*c.actor, c.action, c.requesting, c.owner, c.stage), c.allowed) << c.name;
  }
}

// A school's own manager keeps its profile and timetable; its kind, weak flag and district, and new
// schools, are the district office's; other roles and other schools are refused.
TEST(SchoolEditTest, WhoMayChangeWhat) {
  School stored;
  stored.id = "s1";
  stored.district_id = "d";
  stored.name = "一中";
  stored.kind = SchoolKind::kMember;
  const Actor admin{"t0", Role::kDistrictAdmin, ""};
  const Actor manager{"t1", Role::kSchoolManager, "s1"};
  const Actor other{"t2", Role::kSchoolManager, "s2"};
  const Actor kiosk{"t3", Role::kKiosk, "s1"};
  const Actor auditor{"t4", Role::kAuditor, ""};

  School edited = stored;
  edited.students = 1200;
  edited.periods = {{1, 480, 520}, {2, 530, 570}};
  edited.name_en = "No. 1 Middle School";
  EXPECT_TRUE(MayEditSchool(manager, &stored, edited).ok());
  EXPECT_TRUE(MayEditSchool(admin, &stored, edited).ok());
  for (const Actor* a : {&other, &kiosk, &auditor}) {
    Status s = MayEditSchool(*a, &stored, edited);
    EXPECT_EQ(s.code(), StatusCode::kPermissionDenied) << ToString(a->role);
    EXPECT_NE(s.message().find("school \"s1\""), std::string::npos) << s.message();
  }

  School weak = edited;
  weak.weak = true;
  Status s = MayEditSchool(manager, &stored, weak);
  EXPECT_EQ(s.code(), StatusCode::kPermissionDenied);
  EXPECT_NE(s.message().find("weak flag"), std::string::npos) << s.message();
  EXPECT_TRUE(MayEditSchool(admin, &stored, weak).ok());
  School core = edited;
  core.kind = SchoolKind::kCore;
  EXPECT_NE(MayEditSchool(manager, &stored, core).message().find("kind"), std::string::npos);
  School moved = edited;
  moved.district_id = "d2";
  EXPECT_NE(MayEditSchool(manager, &stored, moved).message().find("district"), std::string::npos);
  EXPECT_NE(MayEditSchool(manager, nullptr, edited).message().find("only the district office adds"), std::string::npos);
  EXPECT_TRUE(MayEditSchool(admin, nullptr, edited).ok());
}

TEST(SchoolEditTest, ClassPeriodsAreNumberedInOrderAndNeverOverlap) {
  EXPECT_TRUE(CheckClassPeriods({}).ok());
  EXPECT_TRUE(CheckClassPeriods({{2, 530, 570}, {1, 480, 520}}).ok()) << "stored order does not matter";
  EXPECT_TRUE(CheckClassPeriods({{1, 480, 520}, {2, 520, 560}}).ok()) << "back to back";
  Status overlap = CheckClassPeriods({{1, 480, 525}, {2, 520, 560}});
  EXPECT_EQ(overlap.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(overlap.message(), "period 1 (08:00-08:45) overlaps period 2 (08:40-09:20)");
  EXPECT_NE(CheckClassPeriods({{1, 480, 520}, {1, 600, 640}}).message().find("appears twice"), std::string::npos);
  EXPECT_NE(CheckClassPeriods({{0, 480, 520}}).message().find("from 1"), std::string::npos);
  EXPECT_FALSE(CheckClassPeriods({{1, 520, 480}}).ok());
  EXPECT_FALSE(CheckClassPeriods({{1, 1400, 1500}}).ok());
}

}  // namespace
}  // namespace schoolshare
