// The real kiosk window under Xvfb (ctest runs this binary through `xvfb-run -a`, label gui):
//  - every screen in zh-CN and en, landscape 1920x1080 and portrait 1080x1920, rendered with live demo
//    data from a real schoolshare-sync to PNGs that must not be blank;
//  - the check-in flow as a person would do it: real X pointer events (xdotool) tap "check in", the code
//    on the on-screen keypad and "confirm", after which the server says the booking is checked in;
//  - the set-up of a kiosk without a keyboard: the PIN, then server, token and school tapped on the
//    on-screen keyboard (Shift for capitals), saved to the config file.
#include <gtest/gtest.h>
#include <stb_image.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cctype>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <thread>

#include "gui/gui_harness.h"
#include "schoolshare/booking_service.h"
#include "schoolshare/json.h"
#include "schoolshare/tokens.h"
#include "sync/server_process.h"
#include "testutil.h"

namespace schoolshare::kiosk {
namespace {

using namespace std::chrono_literals;

using testing::Inspect;
using testing::Picture;
using testing::RunFor;
using testing::Spawn;
using testing::Tap;

class KioskGuiTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new testing::TempDir();
    db_ = dir_->File("demo.db");
    ASSERT_EQ(RunFor({SCHOOLSHARE_BIN, "init", "--db", db_, "--demo"}, 120s), 0);
    auto store = testing::OpenStore(db_, nullptr);
    ASSERT_TRUE(store);
    auto t = IssueToken(*store, Role::kKiosk, "xjw", "gate", Actor::System(), SystemClock().Now());
    ASSERT_TRUE(t.ok()) << t.status().ToString();
    token_ = t->token;
    // A booking of the studio that started two minutes ago: inside its check-in window now.
    const Instant now = SystemClock().Now() / 60 * 60;
    // The demo may have the studio booked at this hour of the day: those bookings make room (cancelled
    // as of two days ago, when none of them had started).
    ManualClock long_ago(now - 2 * kDay);
    BookingService clear(*store, long_ago);
    BookingFilter taken;
    taken.resource_id = "xjw-studio";
    taken.from = now - 2 * kMinute;
    taken.to = now + kHour;
    auto in_the_way = store->ListBookings(taken);
    ASSERT_TRUE(in_the_way.ok());
    for (const Booking& b : *in_the_way) {
      if (b.held()) {
        ASSERT_TRUE(clear.Cancel(b.id, Actor::System(), "kiosk_gui test").ok());
      }
    }
    ManualClock earlier(now - kHour);
    BookingService service(*store, earlier);
    BookingRequest r;
    r.resource_id = "xjw-studio";
    r.school_id = "xjw";
    r.organizer = "陈老师";
    r.title = "录播课（测试）";
    r.attendees = 20;
    r.start = now - 2 * kMinute;
    r.end = now + kHour;
    auto out = service.Create(r, Actor::System());
    ASSERT_TRUE(out.ok() && out->accepted) << (out.ok() ? "refused" : out.status().ToString());
    ASSERT_EQ(out->booking.status, BookingStatus::kConfirmed);
    booking_ = out->booking;
    store.reset();
    server_ = new testing::ServerProcess();
    ASSERT_TRUE(server_->Start(db_, dir_->File("server.log")));
  }
  static void TearDownTestSuite() {
    delete server_;
    delete dir_;
  }

  static std::string Url() { return "http://127.0.0.1:" + std::to_string(server_->port()); }
  static std::vector<std::string> Kiosk(const std::string& replica, const std::string& lang) {
    return {SCHOOLSHARE_KIOSK_BIN,
            "--config",
            dir_->File("kiosk.json"),
            "--server",
            Url(),
            "--token",
            token_,
            "--school",
            "xjw",
            "--replica",
            replica,
            "--lang",
            lang};
  }

  static inline testing::TempDir* dir_ = nullptr;
  static inline std::string db_;
  static inline std::string token_;
  static inline Booking booking_;
  static inline testing::ServerProcess* server_ = nullptr;
};

TEST_F(KioskGuiTest, EveryScreenInBothLanguagesAndOrientations) {
  const std::string replica = dir_->File("shots.db");
  const std::string out_dir =
      std::getenv("SCHOOLSHARE_SCREENSHOTS") ? std::getenv("SCHOOLSHARE_SCREENSHOTS") : dir_->File("");
  for (const bool portrait : {false, true}) {
    for (const char* lang : {"zh-CN", "en"}) {
      for (const char* screen : {"home", "checkin", "equipment", "walkin", "setup"}) {
        const std::string name = std::string(screen) + "-" + lang + (portrait ? "-portrait" : "-landscape") + ".png";
        const std::string png = out_dir + "/" + name;
        std::vector<std::string> args = Kiosk(replica, lang);
        args.insert(args.end(),
                    {"--screenshot", png, "--screen", screen, "--size", portrait ? "1080x1920" : "1920x1080"});
        if (portrait) args.push_back("--portrait");
        ASSERT_EQ(RunFor(args, 60s), 0) << name;
        const Picture p = Inspect(png);
        EXPECT_EQ(p.width, portrait ? 1080 : 1920) << name;
        EXPECT_EQ(p.height, portrait ? 1920 : 1080) << name;
        EXPECT_GE(p.colours, 8) << name << ": too few colours to be a drawn screen";
        EXPECT_GT(p.dark, 0.003) << name << ": no text pixels";
        EXPECT_LT(p.most_common, 0.97) << name << ": almost one colour";
      }
    }
  }
}

TEST_F(KioskGuiTest, CheckInThroughTheWindowReachesTheServer) {
  const std::string replica = dir_->File("window.db");
  const std::string targets = dir_->File("targets.txt");
  // A first run syncs the replica (as a kiosk that has been on for a while would be).
  std::vector<std::string> first = Kiosk(replica, "zh-CN");
  first.insert(first.end(), {"--screenshot", dir_->File("before.png"), "--size", "1920x1080"});
  ASSERT_EQ(RunFor(first, 60s), 0);
  std::vector<std::string> args = Kiosk(replica, "zh-CN");
  args.insert(args.end(), {"--size", "1920x1080", "--targets", targets});
  const pid_t pid = Spawn(args);
  Tap(targets, "home", "kiosk.home.checkin");
  for (char c : booking_.code) Tap(targets, "checkin", std::string("key") + c);
  Tap(targets, "checkin", "submit");
  Tap(targets, "checkin", "confirm");
  // The kiosk's worker pushes the fact; the server then reports the booking as checked in.
  auto client = server_->Client(token_);
  std::string usage;
  for (int i = 0; i < 300 && usage != "checked_in"; ++i) {
    const auto a = testing::Get(*client, "/v1/bookings/" + booking_.id);
    if (a.status == 200 && a.body.contains("usage")) usage = a.body["usage"].get<std::string>();
    if (usage != "checked_in") std::this_thread::sleep_for(100ms);
  }
  kill(pid, SIGTERM);
  waitpid(pid, nullptr, 0);
  EXPECT_EQ(usage, "checked_in");
  auto store = testing::OpenStore(db_, nullptr);
  FactFilter f;
  f.booking_id = booking_.id;
  auto facts = store->ListFacts(f);
  ASSERT_TRUE(facts.ok());
  EXPECT_EQ(
      std::count_if(facts->begin(), facts->end(), [](const UsageFact& x) { return x.kind == FactKind::kCheckIn; }), 1);
}

TEST_F(KioskGuiTest, SetUpIsTypedOnTheOnScreenKeyboard) {
  const std::string targets = dir_->File("setup-targets.txt");
  const std::string config = dir_->File("touch.json");  // not written yet: the default PIN
  std::vector<std::string> args = Kiosk(dir_->File("setup.db"), "en");
  args[2] = config;
  args.insert(args.end(), {"--size", "1920x1080", "--targets", targets});
  const pid_t pid = Spawn(args);
  Tap(targets, "home", "setup");
  for (char c : std::string("2468")) Tap(targets, "setup", std::string("key") + c);
  Tap(targets, "setup", "submit");
  // Each field: tap it, clear it, type on the keyboard.
  auto type = [&](const std::string& field, const std::string& text) {
    Tap(targets, "setup", "field_kiosk.setup." + field);
    Tap(targets, "setup", "kb_clear");
    bool shift = false;
    for (char c : text) {
      const bool upper = std::isupper(static_cast<unsigned char>(c)) != 0;
      if (upper != shift) {
        Tap(targets, "setup", "kb_shift");
        shift = upper;
      }
      Tap(targets, "setup", std::string("kb_") + c);
    }
    if (shift) Tap(targets, "setup", "kb_shift");
  };
  type("server", Url());
  type("token", "ss_Ab-9.z");
  type("school", "xjw");
  Tap(targets, "setup", "save");
  Json saved;
  for (int i = 0; i < 250 && saved.is_null(); ++i) {
    std::ifstream in(config);
    if (in) saved = Json::parse(in, nullptr, false);
    if (saved.is_discarded()) saved = Json();
    if (saved.is_null()) std::this_thread::sleep_for(20ms);
  }
  kill(pid, SIGTERM);
  waitpid(pid, nullptr, 0);
  ASSERT_TRUE(saved.is_object()) << "the set-up was not saved to " << config;
  EXPECT_EQ(saved.value("server", ""), Url());
  EXPECT_EQ(saved.value("token", ""), "ss_Ab-9.z");
  EXPECT_EQ(saved.value("school", ""), "xjw");
}

}  // namespace
}  // namespace schoolshare::kiosk
