// iCalendar feeds checked against RFC 5545's grammar: CRLF, folding at 75 octets never inside a UTF-8
// sequence, TEXT escaping, required properties, VTIMEZONE, stable UIDs, cancelled bookings, a weekly
// series as RRULE with EXDATE. And the feed tokens that open one feed only.
#include "schoolshare/ics.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <sstream>

#include "schoolshare/csv.h"
#include "schoolshare/tokens.h"
#include "testutil.h"

namespace schoolshare {
namespace {

using testing::At;

// Checks the physical form and returns the unfolded content lines.
std::vector<std::string> Validate(const std::string& ics) {
  std::vector<std::string> physical;
  std::size_t pos = 0;
  while (pos < ics.size()) {
    std::size_t crlf = ics.find("\r\n", pos);
    EXPECT_NE(crlf, std::string::npos) << "the feed must end with CRLF";
    if (crlf == std::string::npos) break;
    physical.push_back(ics.substr(pos, crlf - pos));
    pos = crlf + 2;
  }
  std::vector<std::string> lines;
  for (const auto& p : physical) {
    EXPECT_LE(p.size(), 75u) << "longer than 75 octets: " << p;
    EXPECT_EQ(p.find('\n'), std::string::npos) << "bare LF in: " << p;
    EXPECT_EQ(p.find('\r'), std::string::npos) << "bare CR in: " << p;
    EXPECT_TRUE(IsValidUtf8(p)) << "a fold split a UTF-8 sequence: " << p;
    if (!p.empty() && p[0] == ' ') {
      EXPECT_FALSE(lines.empty());
      if (!lines.empty()) lines.back() += p.substr(1);
    } else {
      lines.push_back(p);
    }
  }
  // Components nest properly; each line is NAME[;params]:value.
  std::vector<std::string> stack;
  for (const auto& l : lines) {
    EXPECT_NE(l.find(':'), std::string::npos) << l;
    if (l.rfind("BEGIN:", 0) == 0) stack.push_back(l.substr(6));
    if (l.rfind("END:", 0) == 0) {
      EXPECT_FALSE(stack.empty());
      if (!stack.empty()) {
        EXPECT_EQ(stack.back(), l.substr(4));
        stack.pop_back();
      }
    }
  }
  EXPECT_TRUE(stack.empty());
  return lines;
}

// The events of a feed: property name (without parameters) -> values.
std::vector<std::multimap<std::string, std::string>> Events(const std::vector<std::string>& lines) {
  std::vector<std::multimap<std::string, std::string>> events;
  bool in = false;
  for (const auto& l : lines) {
    if (l == "BEGIN:VEVENT") {
      in = true;
      events.emplace_back();
    } else if (l == "END:VEVENT") {
      in = false;
    } else if (in) {
      const std::size_t colon = l.find(':');
      const std::size_t semi = l.find(';');
      const std::size_t name_end = std::min(colon, semi);
      events.back().emplace(l.substr(0, name_end),
                            l.substr(0, colon) == l.substr(0, name_end) ? l.substr(colon + 1) : l.substr(name_end + 1));
    }
  }
  return events;
}

class IcsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = testing::OpenStore(dir_.File("i.db"), &clock_);
    ASSERT_NE(store_, nullptr);
    testing::SeedSmallDistrict(*store_);
  }

  Booking Insert(const std::string& id, const std::string& resource, const std::string& title, const std::string& from,
                 const std::string& to, BookingStatus status = BookingStatus::kConfirmed,
                 const std::string& series = "") {
    Booking b;
    b.id = id;
    b.resource_id = resource;
    b.school_id = "b";
    b.title = title;
    b.organizer = "王老师";
    b.start = At(from);
    b.end = At(to);
    b.status = status;
    b.series_id = series;
    b.code = "I" + id.substr(id.size() > 5 ? id.size() - 5 : 0);  // unique while the ids' ends differ
    b.created_at = b.updated_at = At("2026-11-01 08:00");
    b.version = 1;
    EXPECT_TRUE(store_->InsertBooking(b, Actor::System()).ok());
    return b;
  }

  testing::TempDir dir_;
  ManualClock clock_{At("2026-11-23 08:00")};
  std::unique_ptr<Store> store_;
};

TEST(IcsFormatTest, EscapingOfTextValues) {
  EXPECT_EQ(IcsEscapeText("a,b;c\\d\ne"), "a\\,b\\;c\\\\d\\ne");
  EXPECT_EQ(IcsEscapeText("x\r\ny"), "x\\ny");
  EXPECT_EQ(IcsEscapeText("篮球：训练"), "篮球：训练");
}

TEST(IcsFormatTest, FoldingAt75OctetsNeverSplitsACharacter) {
  const std::string ascii = "DESCRIPTION:" + std::string(200, 'x');
  const std::string folded = IcsFold(ascii);
  EXPECT_EQ(folded.substr(0, 77), ascii.substr(0, 75) + "\r\n");
  EXPECT_EQ(folded[77], ' ');
  std::string chinese = "SUMMARY:";
  for (int i = 0; i < 60; ++i) chinese += "篮";  // 3 octets each
  auto lines = Validate(IcsFold(chinese));
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0], chinese);
  EXPECT_EQ(IcsFold("SHORT:x"), "SHORT:x\r\n");
}

TEST_F(IcsTest, ResourceFeedHasTimezoneUidsStatusAndEscaping) {
  Insert("bk-1", "b-hall", "家长会, 第一场; 报告\\厅", "2026-11-24 16:00", "2026-11-24 17:30");
  Insert("bk-2", "b-hall", "取消的活动", "2026-11-25 09:00", "2026-11-25 10:00", BookingStatus::kCancelled);
  Insert("bk-3", "b-hall", "被驳回", "2026-11-26 09:00", "2026-11-26 10:00", BookingStatus::kRejected);
  std::string long_title;
  for (int i = 0; i < 40; ++i) long_title += "跨校联合教研活动";
  Insert("bk-4", "b-hall", long_title, "2026-11-27 09:00", "2026-11-27 10:00", BookingStatus::kPending);
  auto feed = CalendarFeed(*store_, "b-hall", clock_.Now());
  ASSERT_TRUE(feed.ok()) << feed.status().ToString();
  auto lines = Validate(*feed);
  ASSERT_GE(lines.size(), 3u);
  EXPECT_EQ(lines.front(), "BEGIN:VCALENDAR");
  EXPECT_EQ(lines.back(), "END:VCALENDAR");
  auto has = [&](const std::string& l) { return std::find(lines.begin(), lines.end(), l) != lines.end(); };
  EXPECT_TRUE(has("VERSION:2.0"));
  EXPECT_TRUE(has("BEGIN:VTIMEZONE"));
  EXPECT_TRUE(has("TZID:Asia/Shanghai"));
  EXPECT_TRUE(has("TZOFFSETFROM:+0800"));
  EXPECT_TRUE(has("TZOFFSETTO:+0800"));
  EXPECT_NE(feed->find("PRODID:"), std::string::npos);

  auto events = Events(lines);
  ASSERT_EQ(events.size(), 3u);  // the rejected booking is left out
  for (const auto& e : events) {
    for (const char* required : {"UID", "DTSTAMP", "DTSTART", "DTEND", "STATUS", "SUMMARY"}) {
      EXPECT_EQ(e.count(required), 1u) << required;
    }
  }
  EXPECT_EQ(events[0].find("UID")->second, "bk-1@schoolshare");
  EXPECT_EQ(events[0].find("DTSTART")->second, "TZID=Asia/Shanghai:20261124T160000");
  EXPECT_EQ(events[0].find("SUMMARY")->second, "家长会\\, 第一场\\; 报告\\\\厅");
  EXPECT_EQ(events[0].find("STATUS")->second, "CONFIRMED");
  EXPECT_EQ(events[1].find("STATUS")->second, "CANCELLED");
  EXPECT_EQ(events[2].find("STATUS")->second, "TENTATIVE");
  EXPECT_EQ(events[2].find("SUMMARY")->second, long_title);  // folded, and unfolds back whole
  EXPECT_EQ(events[0].find("DTSTAMP")->second, "20261101T000000Z");

  // The same data gives the same feed (stable UIDs and stamps: subscribers see no spurious changes).
  EXPECT_EQ(*CalendarFeed(*store_, "b-hall", clock_.Now()), *feed);
  EXPECT_EQ(CalendarFeed(*store_, "nope", clock_.Now()).status().code(), StatusCode::kNotFound);
}

TEST_F(IcsTest, WeeklySeriesIsOneEventWithRruleAndExdate) {
  BookingSeries s;
  s.id = "series-1";
  s.resource_id = "b-hall";
  s.school_id = "b";
  s.title = "周二社团";
  s.first_date = *CivilDate::Parse("2026-12-01");  // a Tuesday
  s.last_date = *CivilDate::Parse("2026-12-22");
  s.weekdays = {2};
  s.start_minute = 16 * 60;
  s.end_minute = 17 * 60;
  s.created_at = At("2026-11-01 08:00");
  ASSERT_TRUE(store_->PutSeries(s, Actor::System()).ok());
  Insert("occ-1", "b-hall", "周二社团", "2026-12-01 16:00", "2026-12-01 17:00", BookingStatus::kConfirmed, "series-1");
  Insert("occ-2", "b-hall", "周二社团", "2026-12-08 16:00", "2026-12-08 17:00", BookingStatus::kCancelled, "series-1");
  Insert("occ-4", "b-hall", "周二社团", "2026-12-22 16:00", "2026-12-22 17:00", BookingStatus::kConfirmed, "series-1");
  // 12-15 has no occurrence at all (skipped as a conflict when the series was made).
  auto feed = CalendarFeed(*store_, "b", clock_.Now());
  ASSERT_TRUE(feed.ok()) << feed.status().ToString();
  auto events = Events(Validate(*feed));
  ASSERT_EQ(events.size(), 1u);
  const auto& e = events[0];
  EXPECT_EQ(e.find("UID")->second, "series-1@schoolshare");
  EXPECT_EQ(e.find("DTSTART")->second, "TZID=Asia/Shanghai:20261201T160000");
  EXPECT_EQ(e.find("DTEND")->second, "TZID=Asia/Shanghai:20261201T170000");
  // UNTIL is the end of the last date in UTC: 12-22 24:00 +08:00 = 12-22 16:00Z, minus one second.
  EXPECT_EQ(e.find("RRULE")->second, "FREQ=WEEKLY;BYDAY=TU;UNTIL=20261222T155959Z");
  std::vector<std::string> exdates;
  for (auto [it, end] = e.equal_range("EXDATE"); it != end; ++it) exdates.push_back(it->second);
  EXPECT_EQ(exdates,
            (std::vector<std::string>{"TZID=Asia/Shanghai:20261208T160000", "TZID=Asia/Shanghai:20261215T160000"}));
  EXPECT_EQ(e.find("STATUS")->second, "CONFIRMED");
}

// An occurrence moved to another time (or still pending) is an override of its date's instance: same
// UID, RECURRENCE-ID of the rule's time on its original date, its own DTSTART/DTEND; the original date is
// not excluded (the override replaces it).
TEST_F(IcsTest, AMovedOccurrenceIsAnOverrideWithRecurrenceId) {
  BookingSeries s;
  s.id = "series-2";
  s.resource_id = "b-hall";
  s.school_id = "b";
  s.title = "周二社团";
  s.first_date = *CivilDate::Parse("2026-12-01");
  s.last_date = *CivilDate::Parse("2026-12-15");
  s.weekdays = {2};
  s.start_minute = 16 * 60;
  s.end_minute = 17 * 60;
  ASSERT_TRUE(store_->PutSeries(s, Actor::System()).ok());
  Insert("series-2-20261201", "b-hall", "周二社团", "2026-12-01 16:00", "2026-12-01 17:00", BookingStatus::kConfirmed,
         "series-2");
  // 12-08's occurrence moved to Wednesday 12-09 15:00-16:30.
  Insert("series-2-20261208", "b-hall", "周二社团（改期）", "2026-12-09 15:00", "2026-12-09 16:30",
         BookingStatus::kConfirmed, "series-2");
  Insert("series-2-20261215", "b-hall", "周二社团", "2026-12-15 16:00", "2026-12-15 17:00", BookingStatus::kConfirmed,
         "series-2");
  auto feed = CalendarFeed(*store_, "b", clock_.Now());
  ASSERT_TRUE(feed.ok()) << feed.status().ToString();
  auto events = Events(Validate(*feed));
  ASSERT_EQ(events.size(), 2u);
  const auto& master = events[0];
  EXPECT_EQ(master.find("RRULE")->second, "FREQ=WEEKLY;BYDAY=TU;UNTIL=20261215T155959Z");
  EXPECT_EQ(master.count("EXDATE"), 0u) << "the moved date is overridden, not excluded";
  const auto& moved = events[1];
  EXPECT_EQ(moved.find("UID")->second, "series-2@schoolshare");
  EXPECT_EQ(moved.find("RECURRENCE-ID")->second, "TZID=Asia/Shanghai:20261208T160000");
  EXPECT_EQ(moved.find("DTSTART")->second, "TZID=Asia/Shanghai:20261209T150000");
  EXPECT_EQ(moved.find("DTEND")->second, "TZID=Asia/Shanghai:20261209T163000");
  EXPECT_EQ(moved.find("SUMMARY")->second, "周二社团（改期）");
}

TEST_F(IcsTest, FeedTokensOpenTheirOneFeedOnlyAndCanBeRevoked) {
  auto issued = IssueFeedToken(*store_, "a-field", "教务处订阅", Actor::System(), clock_.Now());
  ASSERT_TRUE(issued.ok()) << issued.status().ToString();
  EXPECT_EQ(issued->record.role, Role::kFeed);
  EXPECT_EQ(issued->record.school_id, "a");
  EXPECT_TRUE(AuthenticateFeed(*store_, issued->token, "a-field").ok());
  EXPECT_EQ(AuthenticateFeed(*store_, issued->token, "a").code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(AuthenticateFeed(*store_, issued->token, "a-hall").code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(Authenticate(*store_, issued->token).status().code(), StatusCode::kPermissionDenied);  // not a bearer
  auto manager = IssueToken(*store_, Role::kSchoolManager, "a", "", Actor::System(), clock_.Now());
  ASSERT_TRUE(manager.ok());
  EXPECT_EQ(AuthenticateFeed(*store_, manager->token, "a").code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(IssueToken(*store_, Role::kFeed, "a", "", Actor::System(), clock_.Now()).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(IssueFeedToken(*store_, "nope", "", Actor::System(), clock_.Now()).status().code(), StatusCode::kNotFound);
  ASSERT_TRUE(store_->RevokeToken(issued->record.id, Actor::System()).ok());
  EXPECT_EQ(AuthenticateFeed(*store_, issued->token, "a-field").code(), StatusCode::kPermissionDenied);
  auto listed = store_->ListTokens();
  ASSERT_TRUE(listed.ok());
  auto feed =
      std::find_if(listed->begin(), listed->end(), [&](const TokenRecord& t) { return t.id == issued->record.id; });
  ASSERT_NE(feed, listed->end());
  EXPECT_EQ(feed->feed_id, "a-field");
  EXPECT_TRUE(feed->revoked);
}

}  // namespace
}  // namespace schoolshare
