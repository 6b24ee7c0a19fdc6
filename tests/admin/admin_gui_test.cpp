// The real admin window under Xvfb (ctest runs this binary through `xvfb-run -a`, label gui):
//  - every view in zh-CN and en, rendered with live demo data from a real schoolshare-sync to PNGs that
//    must not be blank;
//  - a booking as a facility manager makes it, with real X input (xdotool): open the timeline on a day,
//    click a free stretch of the football pitch, type a title, book, see the confirmation with the code;
//    the server then holds the confirmed booking.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "gui/gui_harness.h"
#include "schoolshare/tokens.h"
#include "sync/server_process.h"
#include "testutil.h"

namespace schoolshare::admin {
namespace {

using namespace std::chrono_literals;
using testing::ClickAt;
using testing::Inspect;
using testing::Picture;
using testing::RunFor;
using testing::Spawn;
using testing::Tap;
using testing::WaitFor;

class AdminGuiTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new testing::TempDir();
    db_ = dir_->File("demo.db");
    setenv("HOME", dir_->File("home").c_str(), 1);  // where the window saves booking slips
    ASSERT_EQ(RunFor({SCHOOLSHARE_BIN, "init", "--db", db_, "--demo"}, 120s), 0);
    auto store = testing::OpenStore(db_, nullptr);
    ASSERT_TRUE(store);
    token_ = testing::IssueTestToken(*store, Role::kSchoolManager, "xjw", SystemClock().Now());
    store.reset();
    server_ = new testing::ServerProcess();
    ASSERT_TRUE(server_->Start(db_, dir_->File("server.log")));
  }
  static void TearDownTestSuite() {
    delete server_;
    delete dir_;
  }

  static std::vector<std::string> Admin(const std::string& replica, const std::string& lang) {
    return {SCHOOLSHARE_ADMIN_BIN,
            "--config",
            dir_->File("admin.json"),
            "--server",
            "http://127.0.0.1:" + std::to_string(server_->port()),
            "--token",
            token_,
            "--school",
            "xjw",
            "--replica",
            replica,
            "--lang",
            lang,
            "--size",
            "1600x1000",
            "--scale",
            "1"};
  }

  static inline testing::TempDir* dir_ = nullptr;
  static inline std::string db_;
  static inline std::string token_;
  static inline testing::ServerProcess* server_ = nullptr;
};

TEST_F(AdminGuiTest, EveryViewInBothLanguages) {
  const std::string replica = dir_->File("shots.db");
  const std::string out_dir =
      std::getenv("SCHOOLSHARE_SCREENSHOTS") ? std::getenv("SCHOOLSHARE_SCREENSHOTS") : dir_->File("");
  for (const char* lang : {"zh-CN", "en"}) {
    for (const char* view :
         {"timeline", "booking", "requests", "find", "catalogue", "reports", "reconciliation", "sync"}) {
      const std::string name = std::string("admin-") + view + "-" + lang + ".png";
      const std::string png = out_dir + "/" + name;
      std::vector<std::string> args = Admin(replica, lang);
      args.insert(args.end(), {"--screenshot", png, "--screen", view});
      ASSERT_EQ(RunFor(args, 60s), 0) << name;
      const Picture p = Inspect(png);
      EXPECT_EQ(p.width, 1600) << name;
      EXPECT_EQ(p.height, 1000) << name;
      EXPECT_GE(p.colours, 8) << name << ": too few colours to be a drawn view";
      EXPECT_GT(p.dark, 0.0005) << name << ": no text pixels";
      EXPECT_LT(p.most_common, 0.99) << name << ": almost one colour";
    }
  }
  // An unknown view is refused before any window opens.
  std::vector<std::string> bad = Admin(replica, "en");
  bad.insert(bad.end(), {"--screenshot", dir_->File("x.png"), "--screen", "nonsense"});
  EXPECT_EQ(RunFor(bad, 30s), 2);
}

TEST_F(AdminGuiTest, BookAFreeSlotFromTheTimelineWithRealInput) {
  const std::string replica = dir_->File("window.db");
  const std::string targets = dir_->File("targets.txt");
  // 20:00 local at least three days ahead, on a day the demo left the pitch free then: after lessons,
  // inside its opening hours (07:00-21:00).
  const TimeZone tz = *TimeZone::Find("Asia/Shanghai");
  CivilDate day = tz.LocalDate(SystemClock().Now()).AddDays(3);
  {
    auto store = testing::OpenStore(db_, nullptr);
    ASSERT_TRUE(store);
    for (;; day = day.AddDays(1)) {
      BookingFilter f;
      f.resource_id = "xjw-football";
      f.from = *tz.ToInstant(day, 20 * 60);
      f.to = *tz.ToInstant(day, 21 * 60);
      f.statuses = {BookingStatus::kPending, BookingStatus::kConfirmed};
      auto held = store->ListBookings(f);
      ASSERT_TRUE(held.ok());
      if (held->empty()) break;
    }
  }
  std::vector<std::string> args = Admin(replica, "en");
  args.insert(args.end(), {"--targets", targets, "--date", day.ToString()});
  const pid_t pid = Spawn(args);
  // The first sync fills the replica; the pitch's row appears once it has.
  const auto row = WaitFor(targets, "timeline", "timeline.row.xjw-football", nullptr, 30);
  ASSERT_TRUE(row) << "the timeline never showed the football pitch";
  // The day view spans 07:00-22:00 across the row: 20:05 is 13.08 of its 15 hours.
  const auto& r = *row;
  ClickAt(targets, r[0] + static_cast<int>(r[2] * (13.0 + 5.0 / 60) / 15.0), r[1] + r[3] / 2);
  Tap(targets, "booking", "booking.title");
  ASSERT_EQ(RunFor({"xdotool", "type", "--delay", "30", "Gate test"}, 20s), 0);
  Tap(targets, "booking", "booking.submit");
  // The confirmation shows the server's booking code once the background sync has pushed it.
  const auto code = WaitFor(targets, "booking", "booking.code", nullptr, 30);
  EXPECT_TRUE(code) << "no confirmation with a booking code";
  // The slip (code, QR code, what and when) saved as a picture to print or send.
  Tap(targets, "booking", "booking.save_slip");
  std::string slip;
  for (int i = 0; i < 100 && slip.empty(); ++i) {
    std::error_code ec;
    for (const auto& f : std::filesystem::directory_iterator(dir_->File("home/schoolshare-slips"), ec)) {
      if (f.path().extension() == ".png") slip = f.path().string();
    }
    if (slip.empty()) std::this_thread::sleep_for(100ms);
  }
  ASSERT_FALSE(slip.empty()) << "no slip PNG in ~/schoolshare-slips";
  const Picture p = Inspect(slip);
  EXPECT_GT(p.width, 300);
  EXPECT_GT(p.height, 200);
  EXPECT_GT(p.dark, 0.05) << "a QR code is mostly dark squares";
  // The window's worker pushes the booking; the server then holds it, confirmed (own school's venue).
  auto client = server_->Client(token_);
  std::string status, start;
  for (int i = 0; i < 300 && status.empty(); ++i) {
    const auto a = testing::Get(*client, "/v1/bookings?resource=xjw-football&from=" + day.ToString() +
                                             "T00:00:00%2B08:00&to=" + day.AddDays(1).ToString() + "T00:00:00%2B08:00");
    if (a.status == 200 && a.body.contains("items")) {
      for (const auto& b : a.body["items"]) {
        if (b["title"] == "Gate test") {
          status = b["status"].get<std::string>();
          start = b["start"].get<std::string>();
        }
      }
    }
    if (status.empty()) std::this_thread::sleep_for(100ms);
  }
  kill(pid, SIGTERM);
  waitpid(pid, nullptr, 0);
  EXPECT_EQ(status, "confirmed");
  EXPECT_EQ(start, day.ToString() + "T20:00:00+08:00")
      << "a click at 20:05, after the class periods, starts at its quarter hour";
}

// The catalogue with real X input: open the tab, pick the science lab, type a new capacity, save; the
// window's worker pushes the edit and the server holds it.
TEST_F(AdminGuiTest, EditAResourceInTheCatalogueWithRealInput) {
  const std::string replica = dir_->File("catalogue.db");
  const std::string targets = dir_->File("catalogue-targets.txt");
  std::vector<std::string> args = Admin(replica, "en");
  args.insert(args.end(), {"--targets", targets});
  const pid_t pid = Spawn(args);
  Tap(targets, "timeline", "tab.catalogue");
  Tap(targets, "catalogue", "catalogue.row.xjw-science");
  Tap(targets, "catalogue", "catalogue.field.capacity");
  ASSERT_EQ(RunFor({"xdotool", "key", "ctrl+a"}, 20s), 0);
  ASSERT_EQ(RunFor({"xdotool", "type", "--delay", "30", "52"}, 20s), 0);
  // Typed keys and a click read in one frame would lose the keys (the field lets go on the click): let
  // the window draw what was typed first.
  testing::WaitIdle(targets, testing::ReadTargets(targets).frame);
  Tap(targets, "catalogue", "catalogue.save");
  int capacity = 0;
  for (int i = 0; i < 300 && capacity != 52; ++i) {
    auto store = testing::OpenStore(db_, nullptr);
    if (store) {
      if (auto r = store->GetResource("xjw-science"); r.ok()) capacity = r->capacity;
    }
    if (capacity != 52) std::this_thread::sleep_for(100ms);
  }
  kill(pid, SIGTERM);
  waitpid(pid, nullptr, 0);
  EXPECT_EQ(capacity, 52) << "the edited capacity never reached the server";
}

}  // namespace
}  // namespace schoolshare::admin
