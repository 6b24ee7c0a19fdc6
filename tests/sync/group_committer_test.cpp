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

class GroupCommitterTest : public ::testing::TestWithParam<bool> {
 protected:
  void SetUp() override {
    db_ = dir_.File("district.db");
    auto seed = OpenStore(db_, &clock_);
    ASSERT_TRUE(seed);
    SeedSmallDistrict(*seed);
    seed.reset();
    StoreOptions o;
    o.clock = &clock_;
    o.background_checkpoints = true;
    o.synchronous_full = !Pipelined();  // the pipelined writer commits with NORMAL
    auto writer = Store::OpenSqlite(db_, o);
    ASSERT_TRUE(writer.ok()) << writer.status().ToString();
    const int wal_fd = Pipelined() ? ::open((db_ + "-wal").c_str(), O_RDONLY | O_CLOEXEC) : -1;
    if (Pipelined()) {
      ASSERT_GE(wal_fd, 0);
    }
    committer_ = std::make_unique<http::GroupCommitter>(std::move(*writer), clock_, write_lock_, wal_fd);
  }

  bool Pipelined() const { return GetParam(); }

  // A one-hour booking of the field, `n` hours after tomorrow 07:00 (district time), by school b.
  Json Booking(int n) const {
    CivilDate day = Shanghai().LocalDate(clock_.Now()).AddDays(1 + n / 14);
    Instant start = *Shanghai().ToInstant(day, (7 + n % 14) * 60);
    return {{"id", NewUuid()},
            {"resource_id", "a-field"},
            {"school_id", "b"},
            {"title", "联合训练"},
            {"start", Shanghai().FormatRfc3339(start)},
            {"end", Shanghai().FormatRfc3339(start + 3600)}};
  }

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
  const Actor admin_ = Actor::System();
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
        Reply r = committer_->Submit(admin_, "create_booking", Booking(t * kEach + i), Lang::kEn);
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
  EXPECT_EQ(committer_->Submit(admin_, "create_booking", first, Lang::kEn).status, 201);
  Json clash = Booking(3);  // the same hour, another id
  Reply refused = committer_->Submit(admin_, "create_booking", clash, Lang::kEn);
  EXPECT_EQ(refused.status, 409) << refused.body;
  EXPECT_NE(refused.body.find(first["id"].get<std::string>()), std::string::npos) << refused.body;
  EXPECT_EQ(committer_->Submit(admin_, "create_booking", first, Lang::kEn).status, 200);  // the same again
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
  const std::string db = dir.File("district.db");
  {
    auto seed = OpenStore(db, &clock);
    ASSERT_TRUE(seed);
    SeedSmallDistrict(*seed);
  }
  StoreOptions o;
  o.clock = &clock;
  o.synchronous_full = false;
  o.background_checkpoints = true;
  auto writer = Store::OpenSqlite(db, o);
  ASSERT_TRUE(writer.ok());
  int pipe_fds[2];
  ASSERT_EQ(::pipe(pipe_fds), 0);
  ::close(pipe_fds[1]);
  std::mutex write_lock;
  http::GroupCommitter committer(std::move(*writer), clock, write_lock, pipe_fds[0]);
  CivilDate day = Shanghai().LocalDate(clock.Now()).AddDays(1);
  Instant start = *Shanghai().ToInstant(day, 9 * 60);
  Json b = {{"id", NewUuid()},
            {"resource_id", "a-field"},
            {"school_id", "b"},
            {"start", Shanghai().FormatRfc3339(start)},
            {"end", Shanghai().FormatRfc3339(start + 3600)}};
  Reply r = committer.Submit(Actor::System(), "create_booking", b, Lang::kEn);
  EXPECT_EQ(r.status, 503) << r.body;
  EXPECT_NE(r.body.find("\"retryable\":true"), std::string::npos) << r.body;
  committer.AwaitDurable();  // returns: the failed group counts as settled
}

}  // namespace
}  // namespace schoolshare::testing
