// The sync service as a black box: a real schoolshare-sync process on 127.0.0.1, real HTTP, a real
// SQLite file. Races, exactly-once delivery (repeats, gaps, restore from backup, kill -9), the scope of
// every role, and bad input.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <map>
#include <random>
#include <set>
#include <thread>

#include "schoolshare/ids.h"
#include "schoolshare/rules.h"
#include "schoolshare/tokens.h"
#include "sync/invariant.h"
#include "sync/race.h"
#include "sync/server_process.h"
#include "testutil.h"

namespace schoolshare::testing {
namespace {

class SyncServerTest : public ::testing::Test {
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
      manager_a_ = issue(Role::kSchoolManager, "a");
      manager_b_ = issue(Role::kSchoolManager, "b");
      kiosk_a_ = issue(Role::kKiosk, "a");
      kiosk_b_ = issue(Role::kKiosk, "b");
      auditor_ = issue(Role::kAuditor, "");
    }
    ASSERT_TRUE(server_.Start(db_, dir_.File("server.log"))) << "the server did not start";
  }

  std::unique_ptr<Store> Open() { return OpenStore(db_, &clock_); }

  // Tomorrow (district time) at hh:mm, plus `days`.
  Instant Tomorrow(int hour, int minute = 0, int days = 0) const {
    CivilDate d = Shanghai().LocalDate(clock_.Now()).AddDays(1 + days);
    return *Shanghai().ToInstant(d, hour * 60 + minute);
  }
  static std::string T(Instant t) { return Shanghai().FormatRfc3339(t); }

  Json Booking(const std::string& id, const std::string& resource, const std::string& school, Instant start,
               Instant end, int quantity = 0) const {
    return {{"id", id},          {"resource_id", resource}, {"school_id", school}, {"title", "test"},
            {"start", T(start)}, {"end", T(end)},           {"quantity", quantity}};
  }

  Json Mutation(std::int64_t seq, const std::string& name, Json args, const std::string& id = "") const {
    return {{"id", id.empty() ? NewUuid() : id},
            {"client_seq", seq},
            {"name", name},
            {"args", std::move(args)},
            {"client_time", T(clock_.Now())}};
  }

  Json Fact(const std::string& id, const std::string& kind, const std::string& resource, Instant at,
            const std::string& booking_id = "") const {
    Json f = {{"id", id}, {"kind", kind}, {"resource_id", resource}, {"at", T(at)}};
    if (!booking_id.empty()) f["booking_id"] = booking_id;
    return f;
  }

  Answer Register(httplib::Client& c, const std::string& client_id) {
    return Post(c, "/v1/sync/register", Json{{"client_id", client_id}});
  }

  TempDir dir_;
  SystemClock clock_;
  std::string db_;
  ServerProcess server_;
  std::string admin_, manager_a_, manager_b_, kiosk_a_, kiosk_b_, auditor_;
};

// ------------------------------------------------------------------------------------------ basics

TEST_F(SyncServerTest, HealthNeedsNoTokenEverythingElseDoes) {
  auto anon = server_.Client("");
  Answer health = Get(*anon, "/v1/health");
  EXPECT_EQ(health.status, 200);
  EXPECT_EQ(health.body["ok"], true);
  EXPECT_EQ(Get(*anon, "/v1/schools").status, 401);
  EXPECT_EQ(Get(*anon, "/v1/schools").body["error"], "unauthorized");
  auto bad = server_.Client("ss_not-a-real-token");
  EXPECT_EQ(Get(*bad, "/v1/resources").status, 401);
  auto admin = server_.Client(admin_);
  Answer schools = Get(*admin, "/v1/schools");
  ASSERT_EQ(schools.status, 200);
  EXPECT_EQ(schools.body["items"].size(), 3u);
}

// DESIGN.md's contract: --listen HOST:PORT (the same as --host and --port); a malformed one is a usage
// error before anything starts.
TEST_F(SyncServerTest, ListenTakesHostAndPortTogether) {
  ServerProcess other;
  ASSERT_TRUE(other.Start(db_, dir_.File("listen.log"), {"--listen", "127.0.0.1:0"}));
  EXPECT_GT(other.port(), 0);
  EXPECT_EQ(Get(*other.Client(""), "/v1/health").status, 200);
  EXPECT_EQ(other.Stop(), 0);
  for (const char* bad : {"127.0.0.1", "127.0.0.1:99999", ":80", "[::1:80"}) {
    ServerProcess refused;
    EXPECT_FALSE(refused.Start(db_, dir_.File("listen.log"), {"--listen", bad})) << bad;
  }
}

TEST_F(SyncServerTest, CreateAnswers201ThenIdempotentThen409WithAlternatives) {
  auto admin = server_.Client(admin_);
  Json b = Booking("11111111-0000-4000-8000-000000000001", "a-field", "b", Tomorrow(10), Tomorrow(11));
  Answer first = Post(*admin, "/v1/bookings", b);
  ASSERT_EQ(first.status, 201) << first.text;
  EXPECT_EQ(first.body["status"], "confirmed");
  EXPECT_EQ(first.body["code"].get<std::string>().size(), 6u);
  Answer again = Post(*admin, "/v1/bookings", b);
  EXPECT_EQ(again.status, 200) << again.text;
  EXPECT_EQ(again.body["code"], first.body["code"]);
  Answer clash = Post(*admin, "/v1/bookings",
                      Booking("11111111-0000-4000-8000-000000000002", "a-field", "c", Tomorrow(10, 30), Tomorrow(12)));
  ASSERT_EQ(clash.status, 409) << clash.text;
  EXPECT_EQ(clash.body["error"], "overlap");
  EXPECT_EQ(clash.body["conflicts"][0], b["id"]);
  EXPECT_FALSE(clash.body["alternatives"].empty());
  EXPECT_FALSE(clash.body["message"].get<std::string>().empty());
  Answer rule = Post(*admin, "/v1/bookings",
                     Booking("11111111-0000-4000-8000-000000000003", "a-lab", "b", Tomorrow(10), Tomorrow(11)));
  EXPECT_EQ(rule.status, 422) << rule.text;
  EXPECT_EQ(rule.body["error"], "home_only");
}

// The server's writer never copies the WAL back itself (its connections have background_checkpoints);
// the checkpointer thread does, within its interval. 30 creates make a few hundred WAL frames: SQLite's
// own automatic checkpoint (at 1,000) would not have run, so only the checkpointer can have copied them.
TEST_F(SyncServerTest, TheCheckpointerCopiesTheWalBackOffTheWriter) {
  auto admin = server_.Client(admin_);
  for (int i = 0; i < 30; ++i) {
    Answer a =
        Post(*admin, "/v1/bookings",
             Booking(NewUuid(), "a-field", "b", Tomorrow(8 + i % 10, 0, i / 10), Tomorrow(9 + i % 10, 0, i / 10)));
    ASSERT_EQ(a.status, 201) << a.text;
  }
  WalProgress wal;
  for (int tries = 0; tries < 100; ++tries) {  // 100 ms a checkpoint; give it up to 5 s
    wal = ReadWalProgress(db_);
    if (wal.frames > 0 && wal.copied_back == wal.frames) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_GT(wal.frames, 100u);
  EXPECT_EQ(wal.copied_back, wal.frames);
}

// The server remembers an authenticated token for two seconds (ServerOptions::token_memory_ms), so a
// revoked token is refused at the latest two seconds after its revocation, and from then on.
TEST_F(SyncServerTest, ARevokedTokenIsRefusedWithinTheTokenMemory) {
  auto manager = server_.Client(manager_b_);
  ASSERT_EQ(Get(*manager, "/v1/schools").status, 200);
  {
    auto store = Open();
    auto actor = Authenticate(*store, manager_b_);
    ASSERT_TRUE(actor.ok());
    ASSERT_TRUE(store->RevokeToken(actor->id, Actor::System()).ok());
  }
  const auto revoked = std::chrono::steady_clock::now();
  int status = 200;
  while (status == 200 && std::chrono::steady_clock::now() - revoked < std::chrono::seconds(5)) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    status = Get(*manager, "/v1/schools").status;
  }
  EXPECT_EQ(status, 401);
  EXPECT_LT(std::chrono::steady_clock::now() - revoked, std::chrono::milliseconds(3000));
  EXPECT_EQ(Get(*manager, "/v1/resources").status, 401);
  EXPECT_EQ(Get(*server_.Client(manager_a_), "/v1/schools").status, 200);  // the others still work
}

// ------------------------------------------------------------------------------------------ races

TEST_F(SyncServerTest, TwentyClientsRaceForOneSlotExactlyOneWins) {
  ExpectOneWinnerOfARace(
      20, [&](int) { return server_.Client(manager_b_); },
      [&](int) { return Booking(NewUuid(), "a-field", "b", Tomorrow(15), Tomorrow(16)); });
  auto store = Open();
  BookingFilter f;
  f.resource_id = "a-field";
  EXPECT_EQ(store->ListBookings(f)->size(), 1u);
}

TEST_F(SyncServerTest, RandomStormOfCreatesAndCancelsKeepsTheInvariant) {
  constexpr int kThreads = 16;
  constexpr int kOpsPerThread = 150;  // 2,400 operations
  const std::vector<std::string> venues = {"a-field", "a-field-n", "a-field-s", "b-hall", "c-hall"};
  StormCounts n = RunBookingStorm(
      kThreads, kOpsPerThread, 1234, [&](int) { return server_.Client(admin_); },
      [&](std::mt19937& rng) {
        const bool equipment = rng() % 3 == 0;
        const int slot = static_cast<int>(rng() % 24);  // half hours between 08:00 and 20:00
        const Instant start = Tomorrow(8, 0, static_cast<int>(rng() % 2)) + slot * 30 * 60;
        const Instant end = start + (1 + rng() % 3) * 30 * 60;
        return equipment ? Booking(NewUuid(), "a-balls", "a", start, end, 1 + static_cast<int>(rng() % 8))
                         : Booking(NewUuid(), venues[rng() % venues.size()], "a", start, end);
      });
  EXPECT_EQ(n.failed, 0);
  EXPECT_GT(n.created, 50);
  EXPECT_GT(n.refused, 100);  // the storm really contended
  EXPECT_GT(n.cancelled, 50);
  auto store = Open();
  ExpectInvariant(*store);
}

// ------------------------------------------------------------------------------------------ exactly once

TEST_F(SyncServerTest, TheSamePushTwiceAnswersTheStoredResultsWordForWord) {
  auto kiosk = server_.Client(kiosk_a_);
  ASSERT_EQ(Register(*kiosk, "kiosk-a-1").status, 200);
  Json push = {{"client_id", "kiosk-a-1"}, {"mutations", Json::array()}};
  for (int i = 1; i <= 5; ++i) {
    push["mutations"].push_back(
        Mutation(i, "record_fact", Fact(NewUuid(), "check_in", "a-field", clock_.Now() - 60 * i)));
  }
  Answer first = Post(*kiosk, "/v1/sync/push", push);
  ASSERT_EQ(first.status, 200) << first.text;
  EXPECT_EQ(first.body["last_client_seq"], 5);
  Answer second = Post(*kiosk, "/v1/sync/push", push);
  ASSERT_EQ(second.status, 200) << second.text;
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(second.body["results"][i]["status"], "duplicate");
    EXPECT_EQ(second.body["results"][i]["original"], first.body["results"][i]);
  }
  auto store = Open();
  EXPECT_EQ(store->ListFacts({})->size(), 5u);
}

TEST_F(SyncServerTest, AGapIsAnsweredWithTheExpectedSequence) {
  auto kiosk = server_.Client(kiosk_a_);
  ASSERT_EQ(Register(*kiosk, "kiosk-a-1").status, 200);
  Json later = {{"client_id", "kiosk-a-1"},
                {"mutations", {Mutation(3, "record_fact", Fact(NewUuid(), "check_in", "a-field", clock_.Now()))}}};
  Answer gap = Post(*kiosk, "/v1/sync/push", later);
  EXPECT_EQ(gap.status, 409) << gap.text;
  EXPECT_EQ(gap.body["error"], "out_of_order");
  EXPECT_EQ(gap.body["expected"], 1);
  Json unordered = {{"client_id", "kiosk-a-1"},
                    {"mutations",
                     {Mutation(2, "record_fact", Fact(NewUuid(), "check_in", "a-field", clock_.Now())),
                      Mutation(1, "record_fact", Fact(NewUuid(), "check_in", "a-field", clock_.Now()))}}};
  EXPECT_EQ(Post(*kiosk, "/v1/sync/push", unordered).status, 400);
  auto store = Open();
  EXPECT_TRUE(store->ListFacts({})->empty());
}

TEST_F(SyncServerTest, AServerRestoredFromAnOlderBackupGetsWhatItLostResent) {
  auto kiosk = server_.Client(kiosk_a_);
  Answer reg = Register(*kiosk, "kiosk-a-1");
  ASSERT_EQ(reg.status, 200);
  const std::string old_epoch = reg.body["server_epoch"];
  std::vector<Json> outbox;  // what the client retains
  for (int i = 1; i <= 10; ++i) {
    outbox.push_back(Mutation(i, "record_fact", Fact(NewUuid(), "check_in", "a-field", clock_.Now() - 60 * i)));
  }
  auto push = [&](int from, int to) {
    Json body = {{"client_id", "kiosk-a-1"}, {"mutations", Json::array()}};
    for (int i = from; i <= to; ++i) body["mutations"].push_back(outbox[i - 1]);
    return Post(*kiosk, "/v1/sync/push", body);
  };
  ASSERT_EQ(push(1, 5).status, 200);
  {
    auto store = Open();
    ASSERT_TRUE(store->Backup(dir_.File("backup.db")).ok());
  }
  ASSERT_EQ(push(6, 10).status, 200);
  ASSERT_EQ(server_.Stop(), 0);
  std::filesystem::remove(db_ + "-wal");
  std::filesystem::remove(db_ + "-shm");
  std::filesystem::copy_file(dir_.File("backup.db"), db_, std::filesystem::copy_options::overwrite_existing);
  ASSERT_TRUE(server_.Start(db_, dir_.File("server.log")));
  kiosk = server_.Client(kiosk_a_);
  // The pull says reset (new epoch); registering again tells what the server still has.
  Answer pull = Get(*kiosk, "/v1/sync/pull?client_id=kiosk-a-1&cursor=" + old_epoch + ":1");
  EXPECT_EQ(pull.body["reset"], true) << pull.text;
  reg = Register(*kiosk, "kiosk-a-1");
  ASSERT_EQ(reg.status, 200);
  EXPECT_NE(reg.body["server_epoch"], old_epoch);
  ASSERT_EQ(reg.body["last_client_seq"], 5);
  Answer resent = push(6, 10);
  ASSERT_EQ(resent.status, 200) << resent.text;
  for (const auto& r : resent.body["results"]) EXPECT_EQ(r["status"], "applied_flagged");  // no booking: flagged
  Answer all = push(1, 10);
  for (const auto& r : all.body["results"]) EXPECT_EQ(r["status"], "duplicate");
  auto store = Open();
  EXPECT_EQ(store->ListFacts({})->size(), 10u);
}

TEST_F(SyncServerTest, KillNineInTheMiddleOfAPushLosesNothingAndDoublesNothing) {
  auto kiosk = server_.Client(kiosk_a_);
  ASSERT_EQ(Register(*kiosk, "kiosk-a-1").status, 200);
  constexpr int kBatches = 20;
  constexpr int kPerBatch = 100;
  std::vector<Json> batches;
  int seq = 0;
  for (int b = 0; b < kBatches; ++b) {
    Json body = {{"client_id", "kiosk-a-1"}, {"mutations", Json::array()}};
    for (int i = 0; i < kPerBatch; ++i) {
      ++seq;
      body["mutations"].push_back(
          Mutation(seq, "record_fact", Fact(NewUuid(), "check_out", "a-field", clock_.Now() - seq)));
    }
    batches.push_back(body);
  }
  // Push from another thread and kill the server while it works.
  std::atomic<int> acknowledged{0};
  std::thread pusher([&] {
    auto c = server_.Client(kiosk_a_);
    for (const auto& body : batches) {
      Answer a = Post(*c, "/v1/sync/push", body);
      if (a.status != 200) return;
      acknowledged = a.body["last_client_seq"].get<int>();
    }
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(60));
  server_.Kill();
  pusher.join();
  ASSERT_TRUE(server_.Start(db_, dir_.File("server.log")));
  kiosk = server_.Client(kiosk_a_);
  Answer reg = Register(*kiosk, "kiosk-a-1");
  ASSERT_EQ(reg.status, 200);
  const int kept = reg.body["last_client_seq"];
  EXPECT_GE(kept, acknowledged.load()) << "an acknowledged mutation was lost";
  // The client re-sends everything from what the server has: whole batches, duplicates included.
  for (const auto& body : batches) {
    Answer a = Post(*kiosk, "/v1/sync/push", body);
    ASSERT_EQ(a.status, 200) << a.text;
  }
  auto store = Open();
  EXPECT_EQ(store->ListFacts({})->size(), static_cast<size_t>(kBatches * kPerBatch));
  auto client = store->GetSyncClient("kiosk-a-1");
  ASSERT_TRUE(client.ok());
  EXPECT_EQ(client->last_client_seq, kBatches * kPerBatch);
}

TEST_F(SyncServerTest, PullReturnsVisibleChangesResultsAndAnAdvancingCursor) {
  auto admin = server_.Client(admin_);
  auto kiosk_b = server_.Client(kiosk_b_);
  ASSERT_EQ(Register(*kiosk_b, "kiosk-b-1").status, 200);
  Answer start = Get(*kiosk_b, "/v1/sync/snapshot?client_id=kiosk-b-1");
  ASSERT_EQ(start.status, 200);
  for (const auto& e : start.body["entities"]) {
    if (e["entity"] == "resource") {
      EXPECT_EQ(e["data"]["school_id"], "b") << "a kiosk replicates its own school only";
    }
  }
  const std::string cursor = start.body["cursor"];
  ASSERT_EQ(Post(*admin, "/v1/bookings", Booking(NewUuid(), "a-field", "a", Tomorrow(9), Tomorrow(10))).status, 201);
  Json on_b = Booking(NewUuid(), "b-hall", "a", Tomorrow(9), Tomorrow(10));
  ASSERT_EQ(Post(*admin, "/v1/bookings", on_b).status, 201);
  Answer pull = Get(*kiosk_b, "/v1/sync/pull?client_id=kiosk-b-1&cursor=" + cursor);
  ASSERT_EQ(pull.status, 200) << pull.text;
  ASSERT_EQ(pull.body["changes"].size(), 1u) << "only the booking on school b's hall";
  EXPECT_EQ(pull.body["changes"][0]["id"], on_b["id"]);
  EXPECT_EQ(pull.body["more"], false);
  Answer again = Get(*kiosk_b, "/v1/sync/pull?client_id=kiosk-b-1&cursor=" + pull.body["cursor"].get<std::string>());
  EXPECT_TRUE(again.body["changes"].empty());
  EXPECT_EQ(Get(*kiosk_b, "/v1/sync/pull?cursor=garbage").status, 400);
}

// Two districts: a kiosk reads its own district only; a district-wide reader pages through both, each
// change once, and its cursor keeps a place per district. A cursor from before per-district versions
// (one number) still reads on from where it was.
TEST_F(SyncServerTest, PullReadsEveryDistrictInScopeKeepingAPlacePerDistrict) {
  auto admin = server_.Client(admin_);
  auto kiosk_a = server_.Client(kiosk_a_);
  ASSERT_EQ(Register(*kiosk_a, "kiosk-a-1").status, 200);
  Answer kiosk_start = Get(*kiosk_a, "/v1/sync/snapshot?client_id=kiosk-a-1");
  Answer admin_start = Get(*admin, "/v1/sync/snapshot");
  ASSERT_EQ(admin_start.status, 200);
  const std::string epoch = admin_start.body["server_epoch"];
  const std::int64_t before = *Open()->LatestVersion();
  SeedSecondDistrict(*Open(), "d2.north");
  if (HasFatalFailure()) return;
  Json on_a = Booking(NewUuid(), "a-field", "a", Tomorrow(9), Tomorrow(10));
  ASSERT_EQ(Post(*admin, "/v1/bookings", on_a).status, 201);
  const std::set<std::string> expected = {"d2.north", "z", "z-hall", on_a["id"]};

  Answer kiosk_pull =
      Get(*kiosk_a, "/v1/sync/pull?client_id=kiosk-a-1&cursor=" + kiosk_start.body["cursor"].get<std::string>());
  ASSERT_EQ(kiosk_pull.status, 200) << kiosk_pull.text;
  ASSERT_EQ(kiosk_pull.body["changes"].size(), 1u) << kiosk_pull.text;
  EXPECT_EQ(kiosk_pull.body["changes"][0]["id"], on_a["id"]);
  EXPECT_EQ(kiosk_pull.body["cursor"].get<std::string>().find("north"), std::string::npos)
      << "a kiosk's cursor names its own district only";

  // One change a page: each once, none lost, across both districts.
  std::multiset<std::string> seen;
  std::string cursor = admin_start.body["cursor"];
  for (int page = 0; page < 10; ++page) {
    Answer pull = Get(*admin, "/v1/sync/pull?limit=1&cursor=" + cursor);
    ASSERT_EQ(pull.status, 200) << pull.text;
    for (const auto& c : pull.body["changes"]) seen.insert(c["id"].get<std::string>());
    cursor = pull.body["cursor"];
    if (pull.body["more"] == false) break;
  }
  EXPECT_EQ(std::set<std::string>(seen.begin(), seen.end()), expected);
  EXPECT_EQ(seen.size(), expected.size()) << "a change came twice";
  EXPECT_NE(cursor.find("d2~2Enorth."), std::string::npos) << cursor;  // the '.' of the id is escaped
  EXPECT_TRUE(Get(*admin, "/v1/sync/pull?cursor=" + cursor).body["changes"].empty());

  Answer legacy = Get(*admin, "/v1/sync/pull?cursor=" + epoch + ":" + std::to_string(before));
  ASSERT_EQ(legacy.status, 200) << legacy.text;
  ASSERT_FALSE(legacy.body.contains("reset")) << legacy.text;
  std::set<std::string> from_legacy;
  for (const auto& c : legacy.body["changes"]) from_legacy.insert(c["id"].get<std::string>());
  EXPECT_EQ(from_legacy, expected);
}

// ------------------------------------------------------------------------------------------ scope

TEST_F(SyncServerTest, EveryRoleStaysInsideItsScope) {
  // Set-up as the admin: a pending request by school b on a-hall (owner approval), and a booking on b-hall.
  auto admin = server_.Client(admin_);
  const std::string pending_id = NewUuid();
  Answer p = Post(*admin, "/v1/bookings", Booking(pending_id, "a-hall", "b", Tomorrow(10, 0, 2), Tomorrow(11, 0, 2)));
  ASSERT_EQ(p.status, 201) << p.text;
  ASSERT_EQ(p.body["status"], "pending");
  const std::string b_booking = NewUuid();
  ASSERT_EQ(Post(*admin, "/v1/bookings", Booking(b_booking, "b-hall", "b", Tomorrow(10), Tomorrow(11))).status, 201);
  auto store = Open();
  const std::int64_t before = *store->LatestVersion();

  enum Expect { kAllowed, kForbidden };
  // Writes each role may or may not do; the answer for a refused write is 403 and nothing is written.
  struct Case {
    std::string token_name;
    std::string path;
    Json body;
    Expect expect;
  };
  std::map<std::string, std::string> tokens = {{"manager_a", manager_a_},
                                               {"manager_b", manager_b_},
                                               {"kiosk_a", kiosk_a_},
                                               {"kiosk_b", kiosk_b_},
                                               {"auditor", auditor_}};
  const Json create_b_at_b = Booking(NewUuid(), "b-hall", "b", Tomorrow(14), Tomorrow(15));
  const Json create_b_at_a = Booking(NewUuid(), "a-field", "b", Tomorrow(14), Tomorrow(15));
  std::vector<Case> forbidden = {
      {"auditor", "/v1/bookings", create_b_at_b, kForbidden},
      {"manager_a", "/v1/bookings", create_b_at_b, kForbidden},  // books only for its own school
      {"kiosk_a", "/v1/bookings", create_b_at_b, kForbidden},    // acts only at its own school
      {"kiosk_b", "/v1/bookings", create_b_at_a, kForbidden},
      {"manager_b", "/v1/bookings/" + pending_id + "/approve", Json::object(), kForbidden},  // not the owner
      {"kiosk_a", "/v1/bookings/" + pending_id + "/approve", Json::object(), kForbidden},
      {"auditor", "/v1/bookings/" + pending_id + "/reject", Json{{"reason", "x"}}, kForbidden},
      {"manager_a", "/v1/bookings/" + b_booking + "/cancel", Json::object(), kForbidden},
      {"kiosk_a", "/v1/bookings/" + b_booking + "/cancel", Json::object(), kForbidden},
      {"kiosk_a", "/v1/facts", Fact(NewUuid(), "check_in", "b-hall", clock_.Now(), b_booking), kForbidden},
      {"manager_a", "/v1/facts", Fact(NewUuid(), "check_in", "b-hall", clock_.Now(), b_booking), kForbidden},
      {"auditor", "/v1/facts", Fact(NewUuid(), "check_in", "a-field", clock_.Now()), kForbidden},
  };
  for (const Case& c : forbidden) {
    auto client = server_.Client(tokens.at(c.token_name));
    Answer a = Post(*client, c.path, c.body);
    EXPECT_EQ(a.status, 403) << c.token_name << " POST " << c.path << ": " << a.text;
    EXPECT_EQ(a.body["error"], "forbidden") << c.token_name << " " << c.path;
  }
  EXPECT_EQ(*store->LatestVersion(), before) << "a refused write changed something";

  // The same kinds of writes inside each role's scope succeed.
  std::vector<Case> allowed = {
      {"manager_b", "/v1/bookings", create_b_at_b, kAllowed},
      {"kiosk_b", "/v1/bookings", Booking(NewUuid(), "b-hall", "b", Tomorrow(16), Tomorrow(17)), kAllowed},
      {"manager_a", "/v1/bookings/" + pending_id + "/approve", Json::object(), kAllowed},
      {"kiosk_b", "/v1/facts", Fact(NewUuid(), "check_in", "b-hall", Tomorrow(10), b_booking), kAllowed},
      {"manager_b", "/v1/bookings/" + b_booking + "/cancel", Json::object(), kAllowed},
  };
  for (const Case& c : allowed) {
    auto client = server_.Client(tokens.at(c.token_name));
    Answer a = Post(*client, c.path, c.body);
    EXPECT_TRUE(a.status == 200 || a.status == 201) << c.token_name << " POST " << c.path << ": " << a.text;
  }

  // Reads: a kiosk sees only its school; others see the district.
  auto kiosk_a = server_.Client(kiosk_a_);
  Answer resources = Get(*kiosk_a, "/v1/resources");
  ASSERT_EQ(resources.status, 200);
  for (const auto& r : resources.body["items"]) EXPECT_EQ(r["school_id"], "a");
  EXPECT_EQ(Get(*kiosk_a, "/v1/resources?school=b").status, 403);
  EXPECT_EQ(Get(*kiosk_a, "/v1/bookings/" + b_booking).status, 403);
  Answer kiosk_bookings = Get(*kiosk_a, "/v1/bookings");
  for (const auto& b : kiosk_bookings.body["items"]) EXPECT_NE(b["resource_id"], "b-hall");
  auto auditor = server_.Client(auditor_);
  EXPECT_EQ(Get(*auditor, "/v1/bookings/" + b_booking).status, 200);
  EXPECT_EQ(Post(*auditor, "/v1/sync/push", Json{{"client_id", "x"}, {"mutations", Json::array()}}).status, 403);

  // In a push, an out-of-scope mutation is a "forbidden" result; the queue moves on and nothing is written.
  ASSERT_EQ(Register(*kiosk_a, "kiosk-a-1").status, 200);
  const std::int64_t mid = *store->LatestVersion();
  Answer push = Post(
      *kiosk_a, "/v1/sync/push",
      Json{{"client_id", "kiosk-a-1"},
           {"mutations",
            {Mutation(1, "record_fact", Fact(NewUuid(), "check_in", "b-hall", clock_.Now())),
             Mutation(2, "cancel_booking", {{"booking_id", b_booking}}),
             Mutation(3, "put_resource", {{"id", "b-hall"}, {"school_id", "b"}, {"name", "x"}, {"type", "hall"}})}}});
  ASSERT_EQ(push.status, 200) << push.text;
  for (const auto& r : push.body["results"]) {
    EXPECT_EQ(r["status"], "rejected");
    EXPECT_EQ(r["error"], "forbidden") << r.dump();
  }
  EXPECT_EQ(push.body["last_client_seq"], 3);
  EXPECT_EQ(*store->LatestVersion(), mid);
  // A client id belongs to the token that registered it.
  auto kiosk_b = server_.Client(kiosk_b_);
  EXPECT_EQ(Register(*kiosk_b, "kiosk-a-1").status, 403);
  EXPECT_EQ(Post(*kiosk_b, "/v1/sync/push", Json{{"client_id", "kiosk-a-1"}, {"mutations", Json::array()}}).status,
            403);
}

// Every role against every mutation kind (through push) and every read route: allowed ones are applied,
// the others are "forbidden" and write nothing.
TEST_F(SyncServerTest, ScopeMatrixOfEveryRoleAndEveryMutationKind) {
  const std::vector<std::pair<std::string, std::string>> roles = {{"admin", admin_},         {"manager_a", manager_a_},
                                                                  {"manager_b", manager_b_}, {"kiosk_a", kiosk_a_},
                                                                  {"kiosk_b", kiosk_b_},     {"auditor", auditor_}};
  auto admin = server_.Client(admin_);
  ASSERT_EQ(Register(*admin, "admin-setup").status, 200);
  std::int64_t setup_seq = 0;
  auto setup = [&](const std::string& name, Json args) {
    Answer a = Post(*admin, "/v1/sync/push",
                    Json{{"client_id", "admin-setup"}, {"mutations", {Mutation(++setup_seq, name, std::move(args))}}});
    EXPECT_EQ(a.status, 200) << a.text;
    EXPECT_NE(a.body["results"][0]["status"], "rejected") << a.text;
    return a.body["results"][0];
  };
  // A weekday at least two days ahead (a-hall opens Monday to Friday and needs a day's notice); the
  // rejections go a week later (the weekly cap of a-hall is 4 hours per borrowing school).
  int ahead = 2;
  while (Shanghai().LocalDate(Tomorrow(12, 0, ahead - 1)).IsoWeekday() > 5) ++ahead;

  struct Kind {
    std::string name;
    std::set<std::string> allowed;
    std::function<Json(int)> args;  // built fresh for role number i (set-up done by the admin)
  };
  std::vector<Kind> kinds = {
      {"create_booking",
       {"admin", "manager_a", "kiosk_a"},
       [&](int i) { return Booking(NewUuid(), "a-field", "a", Tomorrow(7 + i), Tomorrow(7 + i, 30)); }},
      {"create_booking",
       {"admin", "manager_b", "kiosk_a"},  // a kiosk books walk-ins of visitors too
       [&](int i) { return Booking(NewUuid(), "a-field", "b", Tomorrow(14 + i), Tomorrow(14 + i, 30)); }},
      {"cancel_booking",
       {"admin", "manager_a", "manager_b"},
       [&](int i) {
         Json b = Booking(NewUuid(), "a-field", "b", Tomorrow(7 + i, 0, 3), Tomorrow(7 + i, 30, 3));
         setup("create_booking", b);
         return Json{{"booking_id", b["id"]}};
       }},
      {"approve_booking",
       {"admin", "manager_a"},
       [&](int i) {
         Json b = Booking(NewUuid(), "a-hall", "b", Tomorrow(9 + i, 0, ahead - 1), Tomorrow(9 + i, 30, ahead - 1));
         EXPECT_EQ(setup("create_booking", b)["booking"]["status"], "pending");
         return Json{{"booking_id", b["id"]}};
       }},
      {"reject_booking",
       {"admin", "manager_a"},
       [&](int i) {
         Json b = Booking(NewUuid(), "a-hall", "b", Tomorrow(9 + i, 0, ahead + 6), Tomorrow(9 + i, 30, ahead + 6));
         setup("create_booking", b);
         return Json{{"booking_id", b["id"]}, {"reason", "维修"}};
       }},
      {"record_fact",
       {"admin", "manager_a", "kiosk_a"},
       [&](int) { return Fact(NewUuid(), "check_out", "a-field", clock_.Now()); }},
      {"put_resource",
       {"admin", "manager_a"},
       [&](int) {
         return Json{{"id", "a-lab"}, {"school_id", "a"}, {"name", "甲校实验室"},
                     {"type", "lab"}, {"capacity", 40},   {"policy", {{"shared", false}}}};
       }},
      {"put_blackout",
       {"admin", "manager_a"},
       [&](int i) {
         return Json{{"id", NewUuid()},
                     {"school_id", "a"},
                     {"resource_id", "a-field"},
                     {"start", T(Tomorrow(6, 0, 10 + i))},
                     {"end", T(Tomorrow(7, 0, 10 + i))},
                     {"kind", "maintenance"}};
       }},
      {"delete_blackout",
       {"admin", "manager_a"},
       [&](int i) {
         const std::string id = NewUuid();
         setup("put_blackout", Json{{"id", id},
                                    {"school_id", "a"},
                                    {"start", T(Tomorrow(5, 0, 20 + i))},
                                    {"end", T(Tomorrow(6, 0, 20 + i))}});
         return Json{{"id", id}};
       }},
      {"resolve_reconciliation",
       {"admin", "manager_a"},
       [&](int) {
         Json r = setup("record_fact", Fact(NewUuid(), "check_in", "a-field", clock_.Now()));
         return Json{{"id", r["reconciliation_ids"][0]}, {"resolution", "已核实"}};
       }},
  };
  auto store = Open();
  for (std::size_t r = 0; r < roles.size(); ++r) {
    const auto& [role, token] = roles[r];
    auto client = server_.Client(token);
    const std::string client_id = "matrix-" + role;
    if (role != "auditor") {
      ASSERT_EQ(Register(*client, client_id).status, 200);
    }
    std::int64_t seq = 0;
    for (const Kind& kind : kinds) {
      Json args = kind.args(static_cast<int>(r));
      const std::int64_t before = *store->LatestVersion();
      Answer a = Post(*client, "/v1/sync/push",
                      Json{{"client_id", client_id}, {"mutations", {Mutation(seq + 1, kind.name, args)}}});
      const std::string what = role + " " + kind.name + " " + args.dump();
      if (role == "auditor") {  // read-only: the whole push is refused
        EXPECT_EQ(a.status, 403) << what;
        EXPECT_EQ(*store->LatestVersion(), before) << what;
        continue;
      }
      ASSERT_EQ(a.status, 200) << what << ": " << a.text;
      ++seq;
      const Json& result = a.body["results"][0];
      if (kind.allowed.count(role)) {
        EXPECT_NE(result["status"], "rejected") << what << ": " << result.dump();
        EXPECT_GT(*store->LatestVersion(), before) << what;
      } else {
        EXPECT_EQ(result["status"], "rejected") << what;
        EXPECT_EQ(result["error"], "forbidden") << what << ": " << result.dump();
        EXPECT_EQ(*store->LatestVersion(), before) << what << ": a refused mutation wrote something";
      }
    }
  }

  // Reads.
  const std::string on_b = NewUuid();
  setup("create_booking", Booking(on_b, "b-hall", "b", Tomorrow(10), Tomorrow(11)));
  for (const auto& [role, token] : roles) {
    auto client = server_.Client(token);
    const bool kiosk_a = role == "kiosk_a";
    EXPECT_EQ(Get(*client, "/v1/schools").status, 200) << role;
    EXPECT_EQ(Get(*client, "/v1/resources").status, 200) << role;
    EXPECT_EQ(Get(*client, "/v1/resources?school=b").status, kiosk_a ? 403 : 200) << role;
    EXPECT_EQ(Get(*client, "/v1/bookings").status, 200) << role;
    EXPECT_EQ(Get(*client, "/v1/bookings/" + on_b).status, kiosk_a ? 403 : 200) << role;
    EXPECT_EQ(Get(*client, "/v1/sync/snapshot").status, 200) << role;
    EXPECT_EQ(Get(*client, "/v1/sync/pull").status, 200) << role;
  }
}

// ------------------------------------------------------------------------------------------ bad input

TEST_F(SyncServerTest, BadInputGetsADocumentedErrorAndTheServerKeepsServing) {
  auto admin = server_.Client(admin_);
  ASSERT_EQ(Register(*admin, "admin-1").status, 200);
  const std::string good_start = T(Tomorrow(10));
  const std::string good_end = T(Tomorrow(11));
  std::string deep(10000, '[');
  deep += std::string(10000, ']');
  std::string big(10 * 1024 * 1024, ' ');
  big = "{\"id\":\"" + std::string(10 * 1024 * 1024, 'x') + "\"}";
  struct Bad {
    std::string what;
    std::string path;
    std::string body;
    int status;
    std::string error;
  };
  auto booking = [&](const std::string& fields) {
    return "{\"id\":\"" + NewUuid() + "\",\"resource_id\":\"a-field\",\"school_id\":\"a\"" + fields + "}";
  };
  std::vector<Bad> cases = {
      {"malformed JSON", "/v1/bookings", "{\"id\": ", 400, "invalid_request"},
      {"not an object", "/v1/bookings", "[1,2,3]", 400, "invalid_request"},
      {"wrong type", "/v1/bookings", booking(",\"start\":5,\"end\":\"" + good_end + "\""), 400, "invalid_request"},
      {"missing field", "/v1/bookings", booking(",\"start\":\"" + good_start + "\""), 400, "invalid_request"},
      {"reversed interval", "/v1/bookings", booking(",\"start\":\"" + good_end + "\",\"end\":\"" + good_start + "\""),
       400, "invalid_request"},
      {"zero-length interval", "/v1/bookings",
       booking(",\"start\":\"" + good_start + "\",\"end\":\"" + good_start + "\""), 400, "invalid_request"},
      {"not a time", "/v1/bookings", booking(",\"start\":\"tomorrow\",\"end\":\"" + good_end + "\""), 400,
       "invalid_request"},
      {"unknown resource", "/v1/bookings",
       "{\"id\":\"x\",\"resource_id\":\"nope\",\"start\":\"" + good_start + "\",\"end\":\"" + good_end + "\"}", 404,
       "not_found"},
      {"SQL-looking strings", "/v1/bookings",
       "{\"id\":\"'; DROP TABLE bookings; --\",\"resource_id\":\"a-field' OR '1'='1\",\"start\":\"" + good_start +
           "\",\"end\":\"" + good_end + "\"}",
       404, "not_found"},
      {"invalid UTF-8", "/v1/bookings", booking(",\"title\":\"\xff\xfe\",\"start\":\"" + good_start + "\"}"), 400,
       "invalid_request"},
      {"10,000-deep nesting", "/v1/bookings", deep, 400, "invalid_request"},
      {"10 MB body", "/v1/bookings", big, 413, "payload_too_large"},
      {"unknown mutation", "/v1/sync/push",
       "{\"client_id\":\"admin-1\",\"mutations\":[{\"id\":\"m\",\"client_seq\":1,\"name\":\"drop_everything\","
       "\"args\":{}}]}",
       400, "invalid_request"},
      {"push without mutations", "/v1/sync/push", "{\"client_id\":\"admin-1\"}", 400, "invalid_request"},
      {"push with a string sequence", "/v1/sync/push",
       "{\"client_id\":\"admin-1\",\"mutations\":[{\"id\":\"m\",\"client_seq\":\"1\",\"name\":\"record_fact\","
       "\"args\":{}}]}",
       400, "invalid_request"},
      {"fact of an unknown kind", "/v1/facts",
       "{\"id\":\"f\",\"kind\":\"teleport\",\"resource_id\":\"a-field\",\"at\":\"" + good_start + "\"}", 400,
       "invalid_request"},
      {"register without client", "/v1/sync/register", "{}", 400, "invalid_request"},
      {"no such route", "/v1/nothing", "{}", 404, "not_found"},
  };
  for (const Bad& c : cases) {
    Answer a = Post(*admin, c.path, c.body);
    EXPECT_EQ(a.status, c.status) << c.what << ": " << a.text.substr(0, 300);
    ASSERT_TRUE(a.body.is_object()) << c.what << ": the error body is not JSON: " << a.text.substr(0, 300);
    EXPECT_EQ(a.body["error"], c.error) << c.what;
    EXPECT_TRUE(a.body["message"].is_string()) << c.what;
    // ... and the server still answers.
    EXPECT_EQ(Get(*admin, "/v1/health").status, 200) << "after " << c.what;
  }
  // A push whose mutation has bad arguments is a rejected result, not a blocked queue.
  Answer push = Post(*admin, "/v1/sync/push",
                     Json{{"client_id", "admin-1"},
                          {"mutations",
                           {Mutation(1, "create_booking", {{"resource_id", "a-field"}, {"id", "z"}}),
                            Mutation(2, "record_fact", Fact(NewUuid(), "check_in", "a-field", clock_.Now()))}}});
  ASSERT_EQ(push.status, 200) << push.text;
  EXPECT_EQ(push.body["results"][0]["status"], "rejected");
  EXPECT_EQ(push.body["results"][0]["error"], "invalid_request");
  EXPECT_EQ(push.body["results"][1]["status"], "applied_flagged");
  auto store = Open();
  BookingFilter f;
  f.resource_id = "a-field";
  EXPECT_TRUE(store->ListBookings(f)->empty());
  EXPECT_EQ(server_.Stop(), 0) << "the server did not stop cleanly";
}

TEST_F(SyncServerTest, ACursorOlderThanTheCompactedLogAnswersResetAndASnapshotRecovers) {
  auto admin = server_.Client(admin_);
  ASSERT_EQ(Post(*admin, "/v1/bookings", Booking(NewUuid(), "a-field", "a", Tomorrow(9), Tomorrow(10))).status, 201);
  Answer first = Get(*admin, "/v1/sync/pull");
  ASSERT_EQ(first.status, 200);
  const std::string epoch = first.body["server_epoch"];
  ASSERT_GT(Open()->CompactChanges(clock_.Now() + 1).value(), 0);
  Answer old = Get(*admin, "/v1/sync/pull?cursor=" + epoch + ":1");
  EXPECT_EQ(old.body["reset"], true) << old.text;
  EXPECT_EQ(old.body["reason"], "expired");
  Answer snapshot = Get(*admin, "/v1/sync/snapshot");
  ASSERT_EQ(snapshot.status, 200);
  int bookings = 0;
  for (const auto& e : snapshot.body["entities"]) bookings += e["entity"] == "booking";
  EXPECT_EQ(bookings, 1);
  Answer after = Get(*admin, "/v1/sync/pull?cursor=" + snapshot.body["cursor"].get<std::string>());
  EXPECT_EQ(after.status, 200);
  EXPECT_TRUE(after.body["changes"].empty());
}

TEST_F(SyncServerTest, SigtermFinishesTheRequestInFlightThenStopsCleanly) {
  auto kiosk = server_.Client(kiosk_a_);
  ASSERT_EQ(Register(*kiosk, "kiosk-a-1").status, 200);
  Json body = {{"client_id", "kiosk-a-1"}, {"mutations", Json::array()}};
  for (int i = 1; i <= 1000; ++i) {
    body["mutations"].push_back(Mutation(i, "record_fact", Fact(NewUuid(), "check_out", "a-field", clock_.Now() - i)));
  }
  Answer answer;
  std::thread pusher([&] { answer = Post(*kiosk, "/v1/sync/push", body); });
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  EXPECT_EQ(server_.Stop(), 0);
  pusher.join();
  // Either the push was in flight and finished (acknowledged, all stored), or it had not arrived yet.
  auto store = Open();
  if (answer.status == 200) {
    EXPECT_EQ(answer.body["last_client_seq"], 1000);
    EXPECT_EQ(store->ListFacts({})->size(), 1000u);
  } else {
    EXPECT_EQ(store->ListFacts({})->size(), 0u);
  }
  EXPECT_EQ(store->SchemaVersion(), OpenStore(dir_.File("fresh.db"), &clock_)->SchemaVersion());  // the latest
}

TEST_F(SyncServerTest, ServesHttpsWhenGivenACertificate) {
  ASSERT_EQ(server_.Stop(), 0);
  const std::string cert = dir_.File("cert.pem");
  const std::string key = dir_.File("key.pem");
  const std::string cmd = "openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=127.0.0.1 -keyout '" + key +
                          "' -out '" + cert + "' >/dev/null 2>&1";
  ASSERT_EQ(std::system(cmd.c_str()), 0) << "openssl is needed to make a test certificate";
  ASSERT_TRUE(server_.Start(db_, dir_.File("server.log"), {"--tls-cert", cert, "--tls-key", key}));
  httplib::SSLClient tls("127.0.0.1", server_.port());
  tls.enable_server_certificate_verification(false);  // self-signed
  auto health = tls.Get("/v1/health");
  ASSERT_TRUE(health) << "no HTTPS answer";
  EXPECT_EQ(health->status, 200);
  httplib::Client plain("127.0.0.1", server_.port());
  auto refused = plain.Get("/v1/health");
  EXPECT_TRUE(!refused || refused->status != 200) << "plain HTTP must not be served on the TLS port";
}

TEST_F(SyncServerTest, AWalkInOnABookedSlotStandsAndRaisesAReconciliationItem) {
  auto admin = server_.Client(admin_);
  const std::string booked = NewUuid();
  ASSERT_EQ(Post(*admin, "/v1/bookings", Booking(booked, "b-hall", "b", Tomorrow(10), Tomorrow(12))).status, 201);
  auto kiosk = server_.Client(kiosk_b_);
  Json walk_in = Fact(NewUuid(), "walk_in", "b-hall", Tomorrow(11));
  walk_in["end"] = T(Tomorrow(13));
  walk_in["organizer"] = "王老师";
  Answer a = Post(*kiosk, "/v1/facts", walk_in);
  ASSERT_EQ(a.status, 201) << a.text;
  // (A walk-in of tomorrow also carries clock_skew: it claims to have happened in the future.)
  const Json& flags = a.body["flags"];
  EXPECT_NE(std::find(flags.begin(), flags.end(), "walk_in_conflict"), flags.end()) << flags.dump();
  ASSERT_EQ(a.body["reconciliation_ids"].size(), 1u);
  auto store = Open();
  auto items = store->ListReconciliationItems("b", true);
  ASSERT_EQ(items->size(), 1u);
  EXPECT_EQ((*items)[0].reason, "walk_in_conflict");
  EXPECT_NE((*items)[0].detail.find(booked), std::string::npos) << (*items)[0].detail;
  EXPECT_EQ(store->ListFacts({})->size(), 1u);
  // A walk-in on a free slot becomes a confirmed booking of its own.
  Json free_walk_in = Fact(NewUuid(), "walk_in", "b-hall", Tomorrow(14));
  free_walk_in["end"] = T(Tomorrow(15));
  Answer ok = Post(*kiosk, "/v1/facts", free_walk_in);
  ASSERT_EQ(ok.status, 201) << ok.text;
  EXPECT_EQ(ok.body["booking_id"], free_walk_in["id"]);
  EXPECT_EQ(store->GetBooking(free_walk_in["id"])->status, BookingStatus::kConfirmed);
}

}  // namespace
}  // namespace schoolshare::testing
