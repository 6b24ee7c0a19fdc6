// GET /v1/availability (and /v1/availability/common) against a real schoolshare-sync on 127.0.0.1:
// ranked JSON for any role, the district offset in times, the language, and 400 for bad parameters.
#include <gtest/gtest.h>

#include "schoolshare/tokens.h"
#include "sync/server_process.h"
#include "testutil.h"

namespace schoolshare::testing {
namespace {

class AvailabilityHttpTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = dir_.File("district.db");
    {
      auto store = OpenStore(db_, &clock_);
      ASSERT_TRUE(store);
      SeedSmallDistrict(*store);
      auto issue = [&](Role role, const std::string& school) {
        return IssueTestToken(*store, role, school, clock_.Now());
      };
      admin_ = issue(Role::kDistrictAdmin, "");
      kiosk_b_ = issue(Role::kKiosk, "b");
      auditor_ = issue(Role::kAuditor, "");
    }
    ASSERT_TRUE(server_.Start(db_, dir_.File("server.log"))) << "the server did not start";
  }

  // A week from now (district date) at hh:00, as URL-safe RFC 3339 ("+" written %2B).
  std::string InAWeek(int hour) const {
    CivilDate d = Shanghai().LocalDate(clock_.Now()).AddDays(7);
    std::string t = Shanghai().FormatRfc3339(*Shanghai().ToInstant(d, hour * 60));
    return t.replace(t.find('+'), 1, "%2B");
  }
  std::string Window() const { return "&from=" + InAWeek(8) + "&to=" + InAWeek(12) + "&duration_min=120"; }

  TempDir dir_;
  SystemClock clock_;
  std::string db_;
  ServerProcess server_;
  std::string admin_, kiosk_b_, auditor_;
};

TEST_F(AvailabilityHttpTest, RankedSlotsForAnyRole) {
  auto kiosk = server_.Client(kiosk_b_);
  // A kiosk's own school is the requesting school when for_school is left out.
  Answer a = Get(*kiosk, "/v1/availability?type=hall&min_capacity=150" + Window());
  ASSERT_EQ(a.status, 200) << a.text;
  ASSERT_FALSE(a.body["items"].empty()) << a.text;
  const Json& best = a.body["items"][0];
  EXPECT_EQ(best["resource_id"], "b-hall");
  EXPECT_EQ(best["start"].get<std::string>().substr(19), "+08:00");
  EXPECT_EQ(best["status"], "confirmed");
  EXPECT_EQ(best["reasons"][0]["text"], "fits: 150 needed, holds 200");
  for (const auto& item : a.body["items"]) EXPECT_NE(item["resource_id"], "a-lab");  // not a hall

  auto auditor = server_.Client(auditor_);
  a = Get(*auditor, "/v1/availability?type=hall&min_capacity=150&for_school=b&limit=1&lang=zh-CN" + Window());
  ASSERT_EQ(a.status, 200) << a.text;
  ASSERT_EQ(a.body["items"].size(), 1u);
  EXPECT_EQ(a.body["items"][0]["reasons"][0]["text"], "容量合适：需要 150 人，可容纳 200 人");

  auto anon = server_.Client("");
  EXPECT_EQ(Get(*anon, "/v1/availability?type=hall&for_school=b" + Window()).status, 401);
}

TEST_F(AvailabilityHttpTest, BadParametersAre400WithAClearMessage) {
  auto admin = server_.Client(admin_);
  auto expect_400 = [&](const std::string& query, const std::string& words) {
    Answer a = Get(*admin, "/v1/availability?" + query);
    EXPECT_EQ(a.status, 400) << query << ": " << a.text;
    EXPECT_EQ(a.body.value("error", ""), "invalid_request") << a.text;
    EXPECT_NE(a.body.value("message", "").find(words), std::string::npos) << a.text;
  };
  expect_400("type=hall" + Window(), "for_school");  // an admin has no school of its own
  expect_400("for_school=b&from=" + InAWeek(12) + "&to=" + InAWeek(8) + "&duration_min=60", "reversed");
  expect_400("for_school=b&type=spaceship" + Window(), "spaceship");
  expect_400("for_school=b&from=" + InAWeek(8) + "&to=" + InAWeek(9) + "&duration_min=120", "longer than the window");
  expect_400("for_school=b&from=" + InAWeek(8) + "&to=" + InAWeek(9) + "&duration_min=abc", "duration_min");
  expect_400("for_school=b&from=yesterday&to=" + InAWeek(9) + "&duration_min=60", "from");
  expect_400("for_school=b&scope=galaxy" + Window(), "scope");
  Answer unknown = Get(*admin, "/v1/availability?for_school=nowhere" + Window());
  EXPECT_EQ(unknown.status, 404) << unknown.text;
  EXPECT_NE(unknown.body.value("message", "").find("nowhere"), std::string::npos);
}

TEST_F(AvailabilityHttpTest, CommonFreeTimeOfSeveralSchools) {
  {  // School a's class has lessons all day that day except 12:00-13:00.
    auto store = OpenStore(db_, &clock_);
    ASSERT_TRUE(store);
    const int weekday = Shanghai().LocalDate(clock_.Now()).AddDays(7).IsoWeekday();
    SchoolClass c;
    c.id = "a-7-1";
    c.school_id = "a";
    c.name = "七年级(1)班";
    c.lessons = {{weekday, 7 * 60, 12 * 60}, {weekday, 13 * 60, 21 * 60}};
    ASSERT_TRUE(store->PutClass(c, Actor::System()).ok());
  }
  auto auditor = server_.Client(auditor_);
  const std::string day = "&from=" + InAWeek(8) + "&to=" + InAWeek(18) + "&duration_min=60";
  Answer a = Get(*auditor, "/v1/availability/common?schools=a,b&type=hall&min_capacity=150" + day);
  ASSERT_EQ(a.status, 200) << a.text;
  ASSERT_FALSE(a.body["items"].empty()) << a.text;
  for (const auto& item : a.body["items"]) {
    EXPECT_EQ(item["start"].get<std::string>().substr(10), "T12:00:00+08:00") << item.dump();
  }
  EXPECT_EQ(a.body["items"][0]["reasons"].back()["key"], "search.reason.people_free");

  // b's classes only (it has none): the whole day is open.
  a = Get(*auditor, "/v1/availability/common?schools=b&type=hall&min_capacity=150&limit=50" + day);
  ASSERT_EQ(a.status, 200) << a.text;
  EXPECT_GT(a.body["items"].size(), 2u);

  Answer bad = Get(*auditor, "/v1/availability/common?type=hall" + day);
  EXPECT_EQ(bad.status, 400) << bad.text;
  EXPECT_NE(bad.body.value("message", "").find("schools"), std::string::npos) << bad.text;
  bad = Get(*auditor, "/v1/availability/common?schools=b&classes=a-7-1" + day);
  EXPECT_EQ(bad.status, 400) << bad.text;
  EXPECT_NE(bad.body.value("message", "").find("a-7-1"), std::string::npos) << bad.text;
  bad = Get(*auditor, "/v1/availability/common?schools=b,nowhere" + day);
  EXPECT_EQ(bad.status, 404) << bad.text;
}

}  // namespace
}  // namespace schoolshare::testing
