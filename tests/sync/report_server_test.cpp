// The report routes as a black box: a real schoolshare-sync process on 127.0.0.1 over a real SQLite
// file. Every report in JSON and CSV, bad input, the scope of every role, resolving and signing off a
// month, and the lock on every write path afterwards (REST and sync push), facts included.
#include <gtest/gtest.h>

#include "schoolshare/ids.h"
#include "schoolshare/tokens.h"
#include "sync/server_process.h"
#include "testutil.h"

namespace schoolshare::testing {
namespace {

// October 2026 (over by the time these tests run) at school a:
//   oct-used    a-field by b, Wed 10-14 16:00-18:00, checked in 16:00 and out 18:00 (no item)
//   oct-noshow  a-field by a, Thu 10-15 10:00-11:00, nobody came (item no_show:oct-noshow)
//   oct-pending a-hall by b,  Tue 10-20 09:00-10:00, pending at the owner stage
class ReportServerTest : public ::testing::Test {
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
      auto named = IssueToken(*store, Role::kSchoolManager, "a", "甲校 场馆管理员", Actor::System(), clock_.Now());
      ASSERT_TRUE(named.ok()) << named.status().ToString();
      manager_a_ = named->token;
      manager_b_ = issue(Role::kSchoolManager, "b");
      kiosk_a_ = issue(Role::kKiosk, "a");
      auditor_ = issue(Role::kAuditor, "");
      Insert(*store, "oct-used", "a-field", "b", "2026-10-14 16:00", "2026-10-14 18:00", BookingStatus::kConfirmed);
      Insert(*store, "oct-noshow", "a-field", "a", "2026-10-15 10:00", "2026-10-15 11:00", BookingStatus::kConfirmed);
      Insert(*store, "oct-pending", "a-hall", "b", "2026-10-20 09:00", "2026-10-20 10:00", BookingStatus::kPending);
      for (auto [id, kind, at] : {std::tuple{"f-in", FactKind::kCheckIn, "2026-10-14 16:00"},
                                  std::tuple{"f-out", FactKind::kCheckOut, "2026-10-14 18:00"}}) {
        UsageFact f;
        f.id = id;
        f.kind = kind;
        f.booking_id = "oct-used";
        f.resource_id = "a-field";
        f.school_id = "b";
        f.at = At(at);
        ASSERT_TRUE(store->InsertFact(f, Actor::System()).ok());
      }
    }
    ASSERT_TRUE(server_.Start(db_, dir_.File("server.log"))) << "the server did not start";
  }

  static void Insert(Store& store, const std::string& id, const std::string& resource, const std::string& school,
                     const std::string& from, const std::string& to, BookingStatus status) {
    Booking b;
    b.id = id;
    b.resource_id = resource;
    b.school_id = school;
    b.title = "十月活动";
    b.start = At(from);
    b.end = At(to);
    b.status = status;
    b.stage = status == BookingStatus::kPending ? ApprovalStage::kOwner : ApprovalStage::kNone;
    b.code = "K" + id.substr(4, 5);
    b.created_at = b.updated_at = At("2026-10-01 08:00");
    b.version = 1;
    ASSERT_TRUE(store.InsertBooking(b, Actor::System()).ok());
  }

  static std::string T(const std::string& local) { return Shanghai().FormatRfc3339(At(local)); }

  Json Mutation(std::int64_t seq, const std::string& name, Json args) const {
    return {{"id", NewUuid()}, {"client_seq", seq}, {"name", name}, {"args", std::move(args)}};
  }

  TempDir dir_;
  SystemClock clock_;
  std::string db_;
  ServerProcess server_;
  std::string admin_, manager_a_, manager_b_, kiosk_a_, auditor_;
};

const std::string kOctober = "from=2026-10-01&to=2026-10-31";

TEST_F(ReportServerTest, EveryReportInJsonAndCsv) {
  auto admin = server_.Client(admin_);
  for (const char* kind : {"utilization", "ledger", "equity"}) {
    Answer json = Get(*admin, std::string("/v1/reports/") + kind + "?" + kOctober);
    EXPECT_EQ(json.status, 200) << kind << ": " << json.text;
    EXPECT_TRUE(json.body.is_object()) << kind;
    auto csv = admin->Get(std::string("/v1/reports/") + kind + "?" + kOctober + "&format=csv&lang=en");
    ASSERT_TRUE(csv);
    EXPECT_EQ(csv->status, 200) << kind;
    EXPECT_EQ(csv->get_header_value("Content-Type"), "text/csv; charset=utf-8");
    EXPECT_EQ(csv->body.rfind("\xEF\xBB\xBF", 0), 0u) << kind;  // BOM for spreadsheets
    EXPECT_NE(csv->body.find("\r\n"), std::string::npos) << kind;
  }
  // Utilization of the month: 2 h + 1 h booked on a-field, 2 h used (oct-noshow: nobody came).
  Answer u = Get(*admin, "/v1/reports/utilization?" + kOctober);
  EXPECT_DOUBLE_EQ(u.body["total"]["booked_hours"].get<double>(), 3.0);
  EXPECT_DOUBLE_EQ(u.body["total"]["used_hours"].get<double>(), 2.0);
  Answer l = Get(*admin, "/v1/reports/ledger?" + kOctober);
  EXPECT_DOUBLE_EQ(l.body["shared_hours"].get<double>(), 2.0);
  EXPECT_DOUBLE_EQ(l.body["shared_used_hours"].get<double>(), 2.0);
  auto zh = admin->Get(("/v1/reports/equity?" + kOctober + "&format=csv&lang=zh-CN").c_str());
  ASSERT_TRUE(zh);
  EXPECT_EQ(zh->body.rfind("\xEF\xBB\xBF学校,名称,薄弱校", 0), 0u) << zh->body;
  auto en = admin->Get("/v1/reports/reconciliation?school=a&month=2026-10&format=csv&lang=en");
  ASSERT_TRUE(en);
  EXPECT_EQ(en->body.rfind("\xEF\xBB\xBFitem,reason,resource", 0), 0u) << en->body;
}

TEST_F(ReportServerTest, BadInputIsAClearError) {
  auto admin = server_.Client(admin_);
  Answer reversed = Get(*admin, "/v1/reports/utilization?from=2026-10-31&to=2026-10-01");
  EXPECT_EQ(reversed.status, 400);
  EXPECT_NE(reversed.body["message"].get<std::string>().find("reversed"), std::string::npos) << reversed.text;
  Answer unknown = Get(*admin, "/v1/reports/ledger?" + kOctober + "&school=nope");
  EXPECT_EQ(unknown.status, 404) << unknown.text;
  Answer format = Get(*admin, "/v1/reports/equity?" + kOctober + "&format=xml");
  EXPECT_EQ(format.status, 400);
  EXPECT_NE(format.body["message"].get<std::string>().find("unsupported format"), std::string::npos);
  EXPECT_EQ(Get(*admin, "/v1/reports/utilization?from=2026-10-01").status, 400);
  EXPECT_EQ(Get(*admin, "/v1/reports/reconciliation?school=a&month=2026-1").status, 400);
  EXPECT_EQ(Get(*admin, "/v1/reports/reconciliation?month=2026-10").status, 400);
  EXPECT_EQ(Get(*admin, "/v1/reports/nonsense?" + kOctober).status, 404);
  EXPECT_EQ(Post(*admin, "/v1/reports/reconciliation/no_show:oct-noshow/resolve", Json::object()).status, 400);
  EXPECT_EQ(Post(*admin, "/v1/reports/reconciliation/nothing/resolve", Json{{"note", "x"}}).status, 404);
}

TEST_F(ReportServerTest, ScopeOfEveryRole) {
  auto manager_a = server_.Client(manager_a_);
  Answer own = Get(*manager_a, "/v1/reports/utilization?" + kOctober);
  ASSERT_EQ(own.status, 200) << own.text;
  for (const auto& r : own.body["resources"]) EXPECT_EQ(r["id"].get<std::string>().rfind("a-", 0), 0u) << r;
  EXPECT_EQ(Get(*manager_a, "/v1/reports/utilization?" + kOctober + "&school=b").status, 403);
  EXPECT_EQ(Get(*manager_a, "/v1/reports/reconciliation?school=b&month=2026-10").status, 403);
  auto kiosk = server_.Client(kiosk_a_);
  EXPECT_EQ(Get(*kiosk, "/v1/reports/ledger?" + kOctober).status, 403);
  auto auditor = server_.Client(auditor_);
  EXPECT_EQ(Get(*auditor, "/v1/reports/equity?" + kOctober).status, 200);
  EXPECT_EQ(Get(*auditor, "/v1/reports/reconciliation?school=a&month=2026-10").status, 200);
  EXPECT_EQ(Post(*auditor, "/v1/reports/reconciliation/no_show:oct-noshow/resolve", Json{{"note", "x"}}).status, 403);
  EXPECT_EQ(Post(*auditor, "/v1/reports/periods/a/2026-10/sign-off", Json::object()).status, 403);
  auto manager_b = server_.Client(manager_b_);
  EXPECT_EQ(Post(*manager_b, "/v1/reports/reconciliation/no_show:oct-noshow/resolve", Json{{"note", "x"}}).status, 403);
  EXPECT_EQ(Post(*manager_b, "/v1/reports/periods/a/2026-10/sign-off", Json::object()).status, 403);
  EXPECT_EQ(Get(*server_.Client(""), "/v1/reports/ledger?" + kOctober).status, 401);
}

TEST_F(ReportServerTest, SignOffAfterResolvingThenEveryWritePathIsRefused) {
  auto manager_a = server_.Client(manager_a_);
  Answer rec = Get(*manager_a, "/v1/reports/reconciliation?school=a&month=2026-10");
  ASSERT_EQ(rec.status, 200) << rec.text;
  ASSERT_EQ(rec.body["items"].size(), 1u) << rec.text;
  EXPECT_EQ(rec.body["items"][0]["id"], "no_show:oct-noshow");
  EXPECT_EQ(rec.body["lines"].size(), 2u);  // confirmed bookings: booked against actual

  Answer refused = Post(*manager_a, "/v1/reports/periods/a/2026-10/sign-off", Json::object());
  EXPECT_EQ(refused.status, 409);
  EXPECT_EQ(refused.body["error"], "open_items");
  EXPECT_NE(refused.body["message"].get<std::string>().find("no_show:oct-noshow"), std::string::npos);
  Answer resolved =
      Post(*manager_a, "/v1/reports/reconciliation/no_show:oct-noshow/resolve", Json{{"note", "临时停课，已电话告知"}});
  ASSERT_EQ(resolved.status, 200) << resolved.text;
  EXPECT_EQ(resolved.body["resolved"], true);
  Answer signed_off = Post(*manager_a, "/v1/reports/periods/a/2026-10/sign-off", Json::object());
  ASSERT_EQ(signed_off.status, 200) << signed_off.text;
  EXPECT_EQ(signed_off.body["status"], "signed_off");
  EXPECT_EQ(signed_off.body["signed_off_by"], "甲校 场馆管理员");  // the token's label names the signer

  // REST writes into the month: create (back-filled by an admin), cancel, approve, reject.
  auto admin = server_.Client(admin_);
  Json create = {{"id", NewUuid()}, {"resource_id", "a-field"},       {"school_id", "a"},
                 {"title", "补录"}, {"start", T("2026-10-21 16:00")}, {"end", T("2026-10-21 17:00")},
                 {"backfill", true}};
  Answer created = Post(*admin, "/v1/bookings", create);
  EXPECT_EQ(created.status, 422) << created.text;
  EXPECT_EQ(created.body["error"], "period_locked");
  for (const char* verb : {"cancel", "approve", "reject"}) {
    const std::string id = std::string(verb) == "cancel" ? "oct-used" : "oct-pending";
    Answer a = Post(*admin, "/v1/bookings/" + id + "/" + verb, Json{{"reason", "测试"}});
    EXPECT_EQ(a.status, 422) << verb << ": " << a.text;
    EXPECT_EQ(a.body["error"], "period_locked") << verb;
  }

  // Sync push: the same four writes from an offline admin client.
  ASSERT_EQ(Post(*admin, "/v1/sync/register", Json{{"client_id", "admin-1"}}).status, 200);
  create["id"] = NewUuid();
  Json push = {{"client_id", "admin-1"},
               {"mutations",
                {Mutation(1, "create_booking", create), Mutation(2, "cancel_booking", {{"booking_id", "oct-used"}}),
                 Mutation(3, "approve_booking", {{"booking_id", "oct-pending"}}),
                 Mutation(4, "reject_booking", {{"booking_id", "oct-pending"}, {"reason", "不行"}})}}};
  Answer pushed = Post(*admin, "/v1/sync/push", push);
  ASSERT_EQ(pushed.status, 200) << pushed.text;
  ASSERT_EQ(pushed.body["results"].size(), 4u);
  for (const auto& r : pushed.body["results"]) {
    EXPECT_EQ(r["status"], "rejected") << r;
    EXPECT_EQ(r["error"], "period_locked") << r;
  }

  // A fact still stands (it happened) but is flagged, and raises an item in the month it arrives.
  auto kiosk = server_.Client(kiosk_a_);
  Json fact = {{"id", NewUuid()},
               {"kind", "check_out"},
               {"resource_id", "a-field"},
               {"booking_id", "oct-used"},
               {"at", T("2026-10-14 18:05")}};
  Answer recorded = Post(*kiosk, "/v1/facts", fact);
  ASSERT_EQ(recorded.status, 201) << recorded.text;
  EXPECT_NE(recorded.text.find("period_locked"), std::string::npos) << recorded.text;
  ASSERT_EQ(recorded.body["reconciliation_ids"].size(), 1u) << recorded.text;
  const CivilDate today = Shanghai().LocalDate(clock_.Now());
  char month[16];
  std::snprintf(month, sizeof month, "%04d-%02d", today.year, today.month);
  Answer now = Get(*manager_a, std::string("/v1/reports/reconciliation?school=a&month=") + month);
  ASSERT_EQ(now.status, 200);
  bool found = false;
  for (const auto& item : now.body["items"]) found |= item["reason"] == "period_locked";
  EXPECT_TRUE(found) << now.text;
  Answer october = Get(*manager_a, "/v1/reports/reconciliation?school=a&month=2026-10");
  EXPECT_EQ(october.body["open_items"], 0) << october.text;
  EXPECT_EQ(october.body["period"]["status"], "signed_off");
}

TEST_F(ReportServerTest, CalendarFeedWithFeedTokenOrBearer) {
  std::string feed_token, token_id;
  {
    auto store = OpenStore(db_, &clock_);
    auto issued = IssueFeedToken(*store, "a-field", "教务处", Actor::System(), clock_.Now());
    ASSERT_TRUE(issued.ok()) << issued.status().ToString();
    feed_token = issued->token;
    token_id = issued->record.id;
  }
  auto anon = server_.Client("");
  auto feed = anon->Get("/v1/calendar/a-field.ics?feed_token=" + feed_token);
  ASSERT_TRUE(feed);
  EXPECT_EQ(feed->status, 200) << feed->body;
  EXPECT_EQ(feed->get_header_value("Content-Type"), "text/calendar; charset=utf-8");
  EXPECT_EQ(feed->body.rfind("BEGIN:VCALENDAR\r\n", 0), 0u);
  EXPECT_NE(feed->body.find("UID:oct-used@schoolshare\r\n"), std::string::npos) << feed->body;
  // The token opens that one feed, nothing else: not another feed, not the API as a bearer.
  EXPECT_EQ(Get(*anon, "/v1/calendar/a.ics?feed_token=" + feed_token).status, 401);
  EXPECT_EQ(Get(*anon, "/v1/calendar/a-field.ics").status, 401);
  EXPECT_EQ(Get(*server_.Client(feed_token), "/v1/schools").status, 401);
  EXPECT_EQ(Get(*server_.Client(feed_token), "/v1/calendar/a-field.ics").status, 401);
  // A bearer token reads any feed, except a kiosk's.
  auto manager = server_.Client(manager_b_);
  auto school = manager->Get("/v1/calendar/a.ics");
  ASSERT_TRUE(school);
  EXPECT_EQ(school->status, 200);
  EXPECT_EQ(Get(*server_.Client(kiosk_a_), "/v1/calendar/a.ics").status, 403);
  EXPECT_EQ(Get(*manager, "/v1/calendar/nope.ics").status, 404);
  {
    auto store = OpenStore(db_, &clock_);
    ASSERT_TRUE(store->RevokeToken(token_id, Actor::System()).ok());
  }
  EXPECT_EQ(Get(*anon, "/v1/calendar/a-field.ics?feed_token=" + feed_token).status, 401);  // revoked
}

}  // namespace
}  // namespace schoolshare::testing
