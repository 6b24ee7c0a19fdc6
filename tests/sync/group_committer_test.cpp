// The group committer on a real SQLite file, without HTTP: pipelined (the writer commits with NORMAL,
// a second thread syncs the WAL file before answering) and not; a sync that fails answers 503.
#include "group_committer.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <thread>

#include "schoolshare/ids.h"
#include "testutil.h"

namespace schoolshare::testing {
namespace {

// The small district in a fresh file, and the writer's connection to it (a pipelined writer commits
// with NORMAL).
std::unique_ptr<Store> SeedAndOpenWriter(const std::string& db, const Clock& clock, bool synchronous_full) {
  {
    auto seed = OpenStore(db, &clock);
    EXPECT_TRUE(seed);
    if (!seed) return nullptr;
    SeedSmallDistrict(*seed);
  }
  StoreOptions o;
  o.clock = &clock;
  o.background_checkpoints = true;
  o.synchronous_full = synchronous_full;
  auto writer = Store::OpenSqlite(db, o);
  EXPECT_TRUE(writer.ok()) << writer.status().ToString();
  return writer.ok() ? std::move(*writer) : nullptr;
}

// A one-hour booking of the field, `n` hours after tomorrow 07:00 (district time), by school b.
Json FieldBooking(const Clock& clock, int n) {
  CivilDate day = Shanghai().LocalDate(clock.Now()).AddDays(1 + n / 14);
  Instant start = *Shanghai().ToInstant(day, (7 + n % 14) * 60);
  return {{"id", NewUuid()},
          {"resource_id", "a-field"},
          {"school_id", "b"},
          {"title", "联合训练"},
          {"start", Shanghai().FormatRfc3339(start)},
          {"end", Shanghai().FormatRfc3339(start + 3600)}};
}

Reply CreateBooking(http::GroupCommitter& committer, const Json& args) {
  return committer.Submit(
      [&](SyncService& service) { return service.ApplyLocked(Actor::System(), "create_booking", args, Lang::kEn); });
}

class GroupCommitterTest : public ::testing::TestWithParam<bool> {
 protected:
  void SetUp() override {
    db_ = dir_.File("district.db");
    auto writer = SeedAndOpenWriter(db_, clock_, !Pipelined());
    ASSERT_TRUE(writer);
    const int wal_fd = Pipelined() ? ::open((db_ + "-wal").c_str(), O_RDONLY | O_CLOEXEC) : -1;
    if (Pipelined()) {
      ASSERT_GE(wal_fd, 0);
    }
    committer_ = std::make_unique<http::GroupCommitter>(std::move(writer), clock_, write_lock_, wal_fd);
  }

  bool Pipelined() const { return GetParam(); }
  Json Booking(int n) const { return FieldBooking(clock_, n); }
  Reply Create(const Json& args) { return CreateBooking(*committer_, args); }

  std::int64_t StoredBookings() {
    auto store = OpenStore(db_, &clock_);
    BookingFilter f;
    f.resource_id = "a-field";
    auto list = store->ListBookings(f);
    EXPECT_TRUE(list.ok());
    return list.ok() ? static_cast<std::int64_t>(list->size()) : -1;
  }

  TempDir dir_;
  SystemClock clock_;
  std::string db_;
  std::mutex write_lock_;
  std::unique_ptr<http::GroupCommitter> committer_;
};

TEST_P(GroupCommitterTest, EveryConcurrentWriteIsAnsweredAndStoredOnce) {
  const std::int64_t before = StoredBookings();
  constexpr int kThreads = 8;
  constexpr int kEach = 20;
  std::atomic<int> created{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        Reply r = Create(Booking(t * kEach + i));
        if (r.status == 201) ++created;
        committer_->AwaitDurable();
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(created.load(), kThreads * kEach);
  EXPECT_EQ(StoredBookings(), before + kThreads * kEach);
}

TEST_P(GroupCommitterTest, ARefusalIsAnsweredAndTheRestOfItsGroupStands) {
  Json first = Booking(3);
  EXPECT_EQ(Create(first).status, 201);
  Json clash = Booking(3);  // the same hour, another id
  Reply refused = Create(clash);
  EXPECT_EQ(refused.status, 409) << refused.body;
  EXPECT_NE(refused.body.find(first["id"].get<std::string>()), std::string::npos) << refused.body;
  EXPECT_EQ(Create(first).status, 200);  // the same again
}

INSTANTIATE_TEST_SUITE_P(Modes, GroupCommitterTest, ::testing::Values(true, false),
                         [](const ::testing::TestParamInfo<bool>& info) {
                           return std::string(info.param ? "Pipelined" : "SyncedByTheWriter");
                         });

// A WAL sync that fails (here: the descriptor is a pipe's) acknowledges nothing: every write of the
// group is answered 503 and retryable, and readers waiting for it are released.
TEST(GroupCommitterSyncFailure, AFailedSyncAnswers503Retryable) {
  TempDir dir;
  SystemClock clock;
  auto writer = SeedAndOpenWriter(dir.File("district.db"), clock, /*synchronous_full=*/false);
  ASSERT_TRUE(writer);
  int pipe_fds[2];
  ASSERT_EQ(::pipe(pipe_fds), 0);
  ::close(pipe_fds[1]);
  std::mutex write_lock;
  http::GroupCommitter committer(std::move(writer), clock, write_lock, pipe_fds[0]);
  Reply r = CreateBooking(committer, FieldBooking(clock, 2));  // tomorrow 09:00, as before
  EXPECT_EQ(r.status, 503) << r.body;
  EXPECT_NE(r.body.find("\"retryable\":true"), std::string::npos) << r.body;
  committer.AwaitDurable();  // returns: the failed group counts as settled
}

}  // namespace
}  // namespace schoolshare::testing
