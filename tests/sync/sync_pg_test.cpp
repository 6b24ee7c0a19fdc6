// Two `schoolshare-sync` instances over one PostgreSQL database (a fresh database of the throwaway
// cluster ctest starts, fixture pg_cluster): a race across instances has exactly one winner, a client
// may switch instances between pushes, kill -9 of one instance loses and doubles nothing, and a pull
// at either instance sees what the other wrote. The same promises as sync_server_test.cpp on SQLite.
#include <gtest/gtest.h>

#include <atomic>
#include <random>
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
  std::string admin_, manager_b_, kiosk_a_;
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
