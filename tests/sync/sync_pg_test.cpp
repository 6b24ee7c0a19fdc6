// Two `schoolshare-sync` instances over one PostgreSQL database (a fresh database of the throwaway
// cluster ctest starts, fixture pg_cluster): a race across instances has exactly one winner, a client
// may switch instances between pushes, kill -9 of one instance loses and doubles nothing, and a pull
// at either instance sees what the other wrote. The same promises as sync_server_test.cpp on SQLite.
#include <gtest/gtest.h>
#include <libpq-fe.h>

#include <atomic>
#include <fstream>
#include <random>
#include <sstream>
#include <thread>

#include "schoolshare/ids.h"
#include "sync/invariant.h"
#include "sync/race.h"
#include "sync/server_process.h"
#include "testutil.h"

namespace schoolshare::testing {
namespace {

class SyncPgTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (PgClusterUrl().empty()) GTEST_SKIP() << "no PostgreSQL test cluster (run through ctest, fixture pg_cluster)";
    pg_ = std::make_unique<PgDatabase>();
    ASSERT_TRUE(pg_->ok()) << pg_->error();
    {
      auto store = Open();
      ASSERT_TRUE(store);
      SeedSmallDistrict(*store);
      admin_ = IssueTestToken(*store, Role::kDistrictAdmin, "", clock_.Now());
      manager_b_ = IssueTestToken(*store, Role::kSchoolManager, "b", clock_.Now());
      kiosk_a_ = IssueTestToken(*store, Role::kKiosk, "a", clock_.Now());
      kiosk_b_ = IssueTestToken(*store, Role::kKiosk, "b", clock_.Now());
    }
    ASSERT_TRUE(one_.Start(pg_->url(), dir_.File("one.log"))) << "instance one did not start";
    ASSERT_TRUE(two_.Start(pg_->url(), dir_.File("two.log"))) << "instance two did not start";
  }

  std::unique_ptr<Store> Open() {
    auto s = Store::OpenPostgres(pg_->url());
    EXPECT_TRUE(s.ok()) << s.status().ToString();
    return s.ok() ? std::move(s).value() : nullptr;
  }

  Instant Tomorrow(int hour) const {
    CivilDate d = Shanghai().LocalDate(clock_.Now()).AddDays(1);
    return *Shanghai().ToInstant(d, hour * 60);
  }
  static std::string T(Instant t) { return Shanghai().FormatRfc3339(t); }

  // Facts `from`..`to` (client_seq) of kiosk-a-1, in one push body.
  Json FactPush(int from, int to) const {
    Json body = {{"client_id", "kiosk-a-1"}, {"mutations", Json::array()}};
    for (int seq = from; seq <= to; ++seq) {
      Json fact = {{"id", "fact-" + std::to_string(seq)},
                   {"kind", "check_out"},
                   {"resource_id", "a-field"},
                   {"at", T(clock_.Now() - seq)}};
      body["mutations"].push_back({{"id", "m-" + std::to_string(seq)},
                                   {"client_seq", seq},
                                   {"name", "record_fact"},
                                   {"args", fact},
                                   {"client_time", T(clock_.Now())}});
    }
    return body;
  }

  static Answer Register(httplib::Client& c) { return Post(c, "/v1/sync/register", Json{{"client_id", "kiosk-a-1"}}); }

  TempDir dir_;
  SystemClock clock_;
  std::unique_ptr<PgDatabase> pg_;
  ServerProcess one_, two_;
  std::string admin_, manager_b_, kiosk_a_, kiosk_b_;
};

TEST_F(SyncPgTest, ARaceAcrossInstancesHasExactlyOneWinner) {
  ExpectOneWinnerOfARace(
      20, [&](int i) { return (i % 2 ? one_ : two_).Client(manager_b_); },
      [&](int) {
        return Json{{"id", NewUuid()}, {"resource_id", "a-field"}, {"school_id", "b"},
                    {"title", "test"}, {"start", T(Tomorrow(15))}, {"end", T(Tomorrow(16))}};
      });
  BookingFilter f;
  f.resource_id = "a-field";
  EXPECT_EQ(Open()->ListBookings(f)->size(), 1u);
}

// Creates and cancels through both instances at once, on a divisible field (whole and parts: the
// service's check, not the database's constraint, guards those), halls and equipment.
TEST_F(SyncPgTest, AStormOfCreatesAndCancelsThroughBothInstancesKeepsTheInvariant) {
  constexpr int kThreads = 8;
  constexpr int kOpsPerThread = 60;
  const std::vector<std::string> venues = {"a-field", "a-field-n", "a-field-s", "b-hall"};
  StormCounts n = RunBookingStorm(
      kThreads, kOpsPerThread, 4321, [&](int t) { return (t % 2 ? one_ : two_).Client(admin_); },
      [&](std::mt19937& rng) {
        const bool equipment = rng() % 3 == 0;
        const Instant start = Tomorrow(8) + static_cast<Instant>(rng() % 24) * 30 * 60;
        const Instant end = start + static_cast<Instant>(1 + rng() % 3) * 30 * 60;
        return Json{{"id", NewUuid()},
                    {"resource_id", equipment ? std::string("a-balls") : venues[rng() % venues.size()]},
                    {"school_id", "a"},
                    {"title", "storm"},
                    {"start", T(start)},
                    {"end", T(end)},
                    {"quantity", equipment ? 1 + static_cast<int>(rng() % 8) : 0}};
      });
  EXPECT_EQ(n.failed, 0);
  EXPECT_GT(n.created, 20);
  EXPECT_GT(n.refused, 20);  // the storm really contended
  auto store = Open();
  ASSERT_TRUE(store);
  ExpectInvariant(*store);
}

// A kiosk's scope holds across instances: registered at one, it pulls at the other only its school's
// changes (and the district-wide ones), and a push of its for another school's venue is refused there and
// writes nothing; its client id stays its own on both.
TEST_F(SyncPgTest, AKioskStaysInsideItsSchoolAtEitherInstance) {
  auto kiosk_at_one = one_.Client(kiosk_a_);
  auto kiosk_at_two = two_.Client(kiosk_a_);
  ASSERT_EQ(Register(*kiosk_at_one).status, 200);
  Answer snapshot = Get(*kiosk_at_two, "/v1/sync/snapshot?client_id=kiosk-a-1");
  ASSERT_EQ(snapshot.status, 200) << snapshot.text;
  int resources = 0;
  for (const auto& e : snapshot.body["entities"]) {
    if (e["entity"] != "resource") continue;
    ++resources;
    EXPECT_EQ(e["data"]["school_id"], "a") << "a kiosk replicates its own school only";
  }
  EXPECT_GT(resources, 0);
  const std::string cursor = snapshot.body["cursor"];

  // The admin books at instance one: on school a's field and on school b's hall.
  auto admin = one_.Client(admin_);
  const std::string on_a = NewUuid();
  const std::string on_b = NewUuid();
  for (const auto& [id, resource] : {std::pair{on_a, "a-field"}, std::pair{on_b, "b-hall"}}) {
    Answer a = Post(*admin, "/v1/bookings",
                    Json{{"id", id},
                         {"resource_id", resource},
                         {"school_id", "a"},
                         {"title", "scope"},
                         {"start", T(Tomorrow(9))},
                         {"end", T(Tomorrow(10))}});
    ASSERT_EQ(a.status, 201) << a.text;
  }
  Answer pull = Get(*kiosk_at_two, "/v1/sync/pull?client_id=kiosk-a-1&cursor=" + cursor);
  ASSERT_EQ(pull.status, 200) << pull.text;
  ASSERT_EQ(pull.body["changes"].size(), 1u) << "only the booking on school a's field: " << pull.text;
  EXPECT_EQ(pull.body["changes"][0]["id"], on_a);

  // Pushed at instance two, writes for school b's venue are refused one by one and write nothing.
  auto store = Open();
  const std::int64_t before = *store->LatestVersion();
  Json fact = {{"id", NewUuid()}, {"kind", "check_in"}, {"resource_id", "b-hall"}, {"at", T(clock_.Now())}};
  Json push = {{"client_id", "kiosk-a-1"},
               {"mutations",
                {{{"id", NewUuid()},
                  {"client_seq", 1},
                  {"name", "record_fact"},
                  {"args", fact},
                  {"client_time", T(clock_.Now())}},
                 {{"id", NewUuid()},
                  {"client_seq", 2},
                  {"name", "cancel_booking"},
                  {"args", {{"booking_id", on_b}}},
                  {"client_time", T(clock_.Now())}}}}};
  Answer pushed = Post(*kiosk_at_two, "/v1/sync/push", push);
  ASSERT_EQ(pushed.status, 200) << pushed.text;
  ASSERT_EQ(pushed.body["results"].size(), 2u) << pushed.text;
  for (const auto& r : pushed.body["results"]) {
    EXPECT_EQ(r["status"], "rejected") << r.dump();
    EXPECT_EQ(r["error"], "forbidden") << r.dump();
  }
  EXPECT_EQ(pushed.body["last_client_seq"], 2);
  EXPECT_EQ(*store->LatestVersion(), before);
  EXPECT_EQ(store->GetBooking(on_b)->status, BookingStatus::kConfirmed);

  // Kiosk b cannot take over kiosk a's client id at either instance.
  for (ServerProcess* instance : {&one_, &two_}) {
    auto kiosk_b = instance->Client(kiosk_b_);
    EXPECT_EQ(Post(*kiosk_b, "/v1/sync/register", Json{{"client_id", "kiosk-a-1"}}).status, 403);
    EXPECT_EQ(Post(*kiosk_b, "/v1/sync/push", Json{{"client_id", "kiosk-a-1"}, {"mutations", Json::array()}}).status,
              403);
  }
}

// The database refuses every attempt with a serialization failure (a trigger a second session installs
// raises SQLSTATE 40001 on every booking insert): after its bounded retries the instance answers 503
// "unavailable", and nothing of the attempts is left; once the database accepts again, so does it.
TEST_F(SyncPgTest, ExhaustedRetriesAnswer503AndWriteNothing) {
  PGconn* other = PQconnectdb(pg_->url().c_str());
  ASSERT_EQ(PQstatus(other), CONNECTION_OK) << PQerrorMessage(other);
  auto exec = [&](const char* sql) {
    PGresult* r = PQexec(other, sql);
    EXPECT_EQ(PQresultStatus(r), PGRES_COMMAND_OK) << sql << ": " << PQresultErrorMessage(r);
    PQclear(r);
  };
  exec(
      "CREATE FUNCTION always_busy() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION "
      "'could not serialize access (test)' USING ERRCODE = 'serialization_failure'; END $$");
  exec("CREATE TRIGGER always_busy BEFORE INSERT ON bookings FOR EACH ROW EXECUTE FUNCTION always_busy()");
  auto store = Open();
  const std::int64_t before = *store->LatestVersion();
  const std::string id = NewUuid();
  const Json booking = {{"id", id},        {"resource_id", "b-hall"}, {"school_id", "b"},
                        {"title", "busy"}, {"start", T(Tomorrow(9))}, {"end", T(Tomorrow(10))}};
  auto manager = one_.Client(manager_b_);
  Answer busy = Post(*manager, "/v1/bookings", booking);
  EXPECT_EQ(busy.status, 503) << busy.text;
  EXPECT_EQ(busy.body["error"], "unavailable") << busy.text;
  EXPECT_EQ(*store->LatestVersion(), before);
  EXPECT_EQ(store->GetBooking(id).status().code(), StatusCode::kNotFound);

  exec("DROP TRIGGER always_busy ON bookings");
  PQfinish(other);
  Answer again = Post(*two_.Client(manager_b_), "/v1/bookings", booking);
  EXPECT_EQ(again.status, 201) << again.text;
  EXPECT_EQ(store->ListBookings({})->size(), 1u);
}

// The start-up log line names the database without its password.
TEST_F(SyncPgTest, TheLogNeverShowsTheDatabasePassword) {
  std::string url = pg_->url();
  const std::size_t at = url.find('@');
  ASSERT_NE(at, std::string::npos) << url;
  url.insert(at, ":s3cret-pw");  // the test cluster trusts loopback: it still connects
  ServerProcess three;
  const std::string log = dir_.File("three.log");
  ASSERT_TRUE(three.Start(url, log)) << "instance three did not start";
  EXPECT_EQ(Get(*three.Client(admin_), "/v1/resources").status, 200);
  three.Stop();
  std::ifstream in(log);
  std::stringstream text;
  text << in.rdbuf();
  EXPECT_EQ(text.str().find("s3cret-pw"), std::string::npos) << text.str();
  EXPECT_NE(text.str().find(":***@"), std::string::npos) << text.str();
}

TEST_F(SyncPgTest, AClientMaySwitchInstancesBetweenPushes) {
  auto at_one = one_.Client(kiosk_a_);
  auto at_two = two_.Client(kiosk_a_);
  ASSERT_EQ(Register(*at_one).status, 200);
  Answer first = Post(*at_one, "/v1/sync/push", FactPush(1, 20));
  ASSERT_EQ(first.status, 200) << first.text;
  EXPECT_EQ(first.body["last_client_seq"], 20);
  // The other instance knows the client, answers the repeated part from the stored results word for
  // word and applies the new part once.
  Answer second = Post(*at_two, "/v1/sync/push", FactPush(1, 30));
  ASSERT_EQ(second.status, 200) << second.text;
  EXPECT_EQ(second.body["last_client_seq"], 30);
  for (int i = 0; i < 20; ++i) {
    EXPECT_EQ(second.body["results"][i]["status"], "duplicate");
    EXPECT_EQ(second.body["results"][i]["original"], first.body["results"][i]);
  }
  // A pull at the first instance sees what the second wrote.
  Answer pull = Get(*at_one, "/v1/sync/pull?client_id=kiosk-a-1&cursor=&results_after=20");
  ASSERT_EQ(pull.status, 200) << pull.text;
  EXPECT_EQ(pull.body["last_client_seq"], 30);
  EXPECT_EQ(pull.body["results"].size(), 10u);
  auto store = Open();
  EXPECT_EQ(store->ListFacts({})->size(), 30u);
}

TEST_F(SyncPgTest, KillNineOfOneInstanceLosesNothingAndDoublesNothing) {
  auto at_one = one_.Client(kiosk_a_);
  ASSERT_EQ(Register(*at_one).status, 200);
  constexpr int kBatches = 20;
  constexpr int kPerBatch = 100;
  std::atomic<int> acknowledged{0};
  std::thread pusher([&] {
    auto c = one_.Client(kiosk_a_);
    for (int b = 0; b < kBatches; ++b) {
      Answer a = Post(*c, "/v1/sync/push", FactPush(b * kPerBatch + 1, (b + 1) * kPerBatch));
      if (a.status != 200) return;
      acknowledged = a.body["last_client_seq"].get<int>();
    }
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(150));
  one_.Kill();
  pusher.join();
  // The client carries on at the surviving instance, re-sending everything from the start.
  auto at_two = two_.Client(kiosk_a_);
  Answer reg = Register(*at_two);
  ASSERT_EQ(reg.status, 200) << reg.text;
  EXPECT_GE(reg.body["last_client_seq"].get<int>(), acknowledged.load()) << "an acknowledged mutation was lost";
  for (int b = 0; b < kBatches; ++b) {
    Answer a = Post(*at_two, "/v1/sync/push", FactPush(b * kPerBatch + 1, (b + 1) * kPerBatch));
    ASSERT_EQ(a.status, 200) << a.text;
  }
  auto store = Open();
  EXPECT_EQ(store->ListFacts({})->size(), static_cast<size_t>(kBatches * kPerBatch));
  auto client = store->GetSyncClient("kiosk-a-1");
  ASSERT_TRUE(client.ok());
  EXPECT_EQ(client->last_client_seq, kBatches * kPerBatch);
}

}  // namespace
}  // namespace schoolshare::testing
