// Enum words (persistent), their parse errors, distances and the small helpers of model.h; the booking's
// change-log JSON and booking codes.
#include "schoolshare/model.h"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "json/booking_text.h"
#include "schoolshare/ids.h"
#include "schoolshare/json.h"

namespace schoolshare {
namespace {

// Every value of an enum maps to its word and back.
template <typename E>
void ExpectRoundTrips(const std::vector<std::pair<E, std::string>>& table, Result<E> (*parse)(const std::string&)) {
  for (const auto& [value, word] : table) {
    EXPECT_EQ(std::string(ToString(value)), word);
    Result<E> back = parse(word);
    ASSERT_TRUE(back.ok()) << word << ": " << back.status().ToString();
    EXPECT_EQ(*back, value) << word;
  }
}

TEST(ModelEnumTest, RoundTrips) {
  ExpectRoundTrips<SchoolKind>(
      {{SchoolKind::kCore, "core"}, {SchoolKind::kMember, "member"}, {SchoolKind::kPartner, "partner"}},
      &ParseSchoolKind);
  ExpectRoundTrips<ResourceType>({{ResourceType::kField, "field"},
                                  {ResourceType::kHall, "hall"},
                                  {ResourceType::kLab, "lab"},
                                  {ResourceType::kRoom, "room"},
                                  {ResourceType::kEquipment, "equipment"}},
                                 &ParseResourceType);
  ExpectRoundTrips<ApprovalMode>({{ApprovalMode::kNone, "none"},
                                  {ApprovalMode::kOwner, "owner"},
                                  {ApprovalMode::kOwnerThenDistrict, "owner_then_district"}},
                                 &ParseApprovalMode);
  ExpectRoundTrips<BookingStatus>({{BookingStatus::kPending, "pending"},
                                   {BookingStatus::kConfirmed, "confirmed"},
                                   {BookingStatus::kRejected, "rejected"},
                                   {BookingStatus::kCancelled, "cancelled"}},
                                  &ParseBookingStatus);
  ExpectRoundTrips<ApprovalStage>(
      {{ApprovalStage::kNone, "none"}, {ApprovalStage::kOwner, "owner"}, {ApprovalStage::kDistrict, "district"}},
      &ParseApprovalStage);
  ExpectRoundTrips<FactKind>({{FactKind::kCheckIn, "check_in"},
                              {FactKind::kCheckOut, "check_out"},
                              {FactKind::kWalkIn, "walk_in"},
                              {FactKind::kHandOut, "hand_out"},
                              {FactKind::kReturn, "return"}},
                             &ParseFactKind);
  ExpectRoundTrips<Role>({{Role::kDistrictAdmin, "district_admin"},
                          {Role::kSchoolManager, "school_manager"},
                          {Role::kKiosk, "kiosk"},
                          {Role::kAuditor, "auditor"},
                          {Role::kFeed, "feed"}},
                         &ParseRole);
  ExpectRoundTrips<BlackoutKind>({{BlackoutKind::kMaintenance, "maintenance"},
                                  {BlackoutKind::kExam, "exam"},
                                  {BlackoutKind::kEvent, "event"},
                                  {BlackoutKind::kOther, "other"}},
                                 &ParseBlackoutKind);
  ExpectRoundTrips<CalendarDayKind>({{CalendarDayKind::kPublicHoliday, "public_holiday"},
                                     {CalendarDayKind::kSchoolHoliday, "school_holiday"},
                                     {CalendarDayKind::kExam, "exam"},
                                     {CalendarDayKind::kMakeupWorkday, "makeup_workday"}},
                                    &ParseCalendarDayKind);
  ExpectRoundTrips<PeriodStatus>({{PeriodStatus::kOpen, "open"}, {PeriodStatus::kSignedOff, "signed_off"}},
                                 &ParsePeriodStatus);
}

TEST(ModelEnumTest, ParseErrorsNameTheAcceptedWords) {
  struct Case {
    Status status;
    const char* message;
  };
  const Case cases[] = {
      {ParseResourceType("gym").status(), "unknown resource type \"gym\" (expected field|hall|lab|room|equipment)"},
      {ParseSchoolKind("").status(), "unknown school kind \"\" (expected core|member|partner)"},
      {ParseApprovalMode("Owner").status(),
       "unknown approval mode \"Owner\" (expected none|owner|owner_then_district)"},
      {ParseBookingStatus("canceled").status(),
       "unknown booking status \"canceled\" (expected pending|confirmed|rejected|cancelled)"},
      {ParseApprovalStage("school").status(), "unknown approval stage \"school\" (expected none|owner|district)"},
      {ParseFactKind("checkin").status(),
       "unknown fact kind \"checkin\" (expected check_in|check_out|walk_in|hand_out|return)"},
      {ParseRole("admin").status(),
       "unknown role \"admin\" (expected district_admin|school_manager|kiosk|auditor|feed)"},
      {ParseBlackoutKind(" exam").status(), "unknown blackout kind \" exam\" (expected maintenance|exam|event|other)"},
      {ParseCalendarDayKind("holiday").status(),
       "unknown calendar day kind \"holiday\" (expected public_holiday|school_holiday|exam|makeup_workday)"},
      {ParsePeriodStatus("closed").status(), "unknown period status \"closed\" (expected open|signed_off)"},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(c.status.code(), StatusCode::kInvalidArgument) << c.message;
    EXPECT_EQ(c.status.message(), c.message);
  }
}

TEST(ModelTest, DistanceKm) {
  struct Case {
    const char* name;
    GeoPoint a;
    GeoPoint b;
    double km;
    double tolerance;
  };
  const Case cases[] = {
      {"same_point", {39.9, 116.4}, {39.9, 116.4}, 0.0, 1e-9},
      {"one_degree_of_latitude", {0, 0}, {1, 0}, 111.195, 0.01},
      {"one_degree_of_longitude_at_equator", {0, 0}, {0, 1}, 111.195, 0.01},
      {"beijing_shanghai", {39.9042, 116.4074}, {31.2304, 121.4737}, 1067.0, 5.0},
      {"across_the_antimeridian", {0, 179.5}, {0, -179.5}, 111.195, 0.01},
      {"antipodes", {0, 0}, {0, 180}, 20015.1, 0.5},
      {"campuses_in_one_district", {39.9834, 116.3160}, {39.9900, 116.3100}, 0.89, 0.05},
  };
  for (const Case& c : cases) {
    EXPECT_NEAR(DistanceKm(c.a, c.b), c.km, c.tolerance) << c.name;
    EXPECT_NEAR(DistanceKm(c.b, c.a), c.km, c.tolerance) << c.name << " (symmetric)";
  }
}

TEST(ModelTest, HasFeatureAndCovers) {
  Resource r;
  r.features = {"400m-track", "projector"};
  EXPECT_TRUE(r.HasFeature("projector"));
  EXPECT_FALSE(r.HasFeature("stage"));
  EXPECT_FALSE(r.HasFeature("Projector"));
  EXPECT_FALSE(Resource{}.HasFeature("projector"));

  SharingAgreement every;
  EXPECT_TRUE(every.Covers("hall-1"));
  SharingAgreement some;
  some.resource_ids = {"hall-1", "lab-2"};
  EXPECT_TRUE(some.Covers("lab-2"));
  EXPECT_FALSE(some.Covers("field-3"));
}

TEST(ModelTest, HeldBookings) {
  Booking b;
  for (auto [status, held] : std::vector<std::pair<BookingStatus, bool>>{{BookingStatus::kPending, true},
                                                                         {BookingStatus::kConfirmed, true},
                                                                         {BookingStatus::kRejected, false},
                                                                         {BookingStatus::kCancelled, false}}) {
    b.status = status;
    EXPECT_EQ(b.held(), held) << ToString(status);
  }
}

// The change log's booking text is written directly; it must stay byte for byte what the Json tree gives.
TEST(BookingJsonTextTest, SameTextAsTheJsonTree) {
  const TimeZone utc = TimeZone::Utc();
  Booking b;
  EXPECT_EQ(BookingJsonText(b), ToJson(b, utc).dump());  // all defaults
  b.id = "0b7e6c1a-8d1f-4c1e-9a57-3f0d3c2b1a00";
  b.resource_id = "r-hall";
  b.school_id = "s00001";
  b.organizer = "王老师 \"Wang\" \\ back/slash";
  b.title = std::string("公开课\n\t\r\b\f") + '\x01' + '\x1f' + '\x7f' + " ünïcode 🎓";
  b.activity_type = "teaching";
  b.attendees = -3;
  b.quantity = 2147483647;
  b.start = 1772409600;
  b.end = -86401;  // before 1970, odd seconds
  b.status = BookingStatus::kConfirmed;
  b.stage = ApprovalStage::kDistrict;
  b.code = "ABC234";
  b.note = "";
  b.created_by = "tok-1";
  b.created_at = 1;
  b.updated_at = 253402300799;  // 9999-12-31T23:59:59Z
  b.version = 9007199254740993;
  EXPECT_EQ(BookingJsonText(b), ToJson(b, utc).dump());
  b.series_id = "series-1";
  b.class_id = "c-7a";
  b.created_at = -62167219201;  // the year before year 0
  b.updated_at = -62167219200;  // 0000-01-01T00:00:00Z
  b.status = BookingStatus::kCancelled;
  b.stage = ApprovalStage::kNone;
  EXPECT_EQ(BookingJsonText(b), ToJson(b, utc).dump());
  for (int c = 0; c < 128; ++c) {
    b.note = std::string("x") + static_cast<char>(c) + "y";
    ASSERT_EQ(BookingJsonText(b), ToJson(b, utc).dump()) << c;
  }
}

// The REST reply's text in the district's zone (and one with daylight saving time) is the tree's too.
TEST(BookingJsonTextTest, SameTextAsTheJsonTreeInAnyZone) {
  Booking b;
  b.id = "0b7e6c1a-8d1f-4c1e-9a57-3f0d3c2b1a00";
  b.title = "公开课 \"双语\"";
  b.code = "ABC234";
  b.class_id = "c-7a";
  b.status = BookingStatus::kPending;
  b.stage = ApprovalStage::kOwner;
  for (const char* zone : {"Asia/Shanghai", "Europe/Berlin", "America/St_Johns", "UTC"}) {
    auto tz = TimeZone::Find(zone);
    ASSERT_TRUE(tz.ok()) << zone;
    // Around Berlin's change to summer time (2026-03-29 01:00 UTC), before 1970 and far ahead.
    for (Instant t : {Instant{1774744200}, Instant{1774746000}, Instant{-86401}, Instant{253402300799}}) {
      b.start = t;
      b.end = t + 3600;
      b.created_at = t - 7;
      b.updated_at = t + 7;
      ASSERT_EQ(BookingJsonText(b, *tz), ToJson(b, *tz).dump()) << zone << " " << t;
    }
  }
  b.note = "\xff";
  EXPECT_ANY_THROW(BookingJsonText(b, *TimeZone::Find("Asia/Shanghai")));
}

TEST(BookingJsonTextTest, MalformedUtf8IsRefusedLikeTheTree) {
  const TimeZone utc = TimeZone::Utc();
  for (const std::string& bad : {std::string("\xff"), std::string("\xc0\xaf"), std::string("\xed\xa0\x80"),
                                 std::string("\xe4\xb8"), std::string("\xf4\x90\x80\x80")}) {
    Booking b;
    b.title = "a" + bad;
    EXPECT_ANY_THROW(ToJson(b, utc).dump());
    EXPECT_ANY_THROW(BookingJsonText(b));
  }
}

TEST(BookingCodeTest, CodesAreValidAndMadeInRunsSharingAPrefix) {
  std::set<std::string> codes;
  std::set<std::string> prefixes;
  for (int i = 0; i < 4 * kBookingCodeRun; ++i) {
    std::string code = NewBookingCode();
    ASSERT_EQ(NormalizeBookingCode(code), code);
    codes.insert(code);
    prefixes.insert(code.substr(0, kBookingCodePrefixLength));
  }
  EXPECT_GT(codes.size(), static_cast<size_t>(4 * kBookingCodeRun - 4));  // the endings are random
  // Four runs (five when the thread was mid-run), each with one prefix (two runs may draw the same one).
  EXPECT_LE(prefixes.size(), 5u);
}

}  // namespace
}  // namespace schoolshare
