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

#include "schoolshare/booking_service.h"
#include "schoolshare/json.h"
#include "schoolshare/tokens.h"
#include "sync/server_process.h"
#include "testutil.h"

namespace schoolshare::kiosk {
namespace {

using namespace std::chrono_literals;

// Starts argv (searched on PATH) as a child process.
pid_t Spawn(const std::vector<std::string>& args) {
  const pid_t pid = fork();
  if (pid == 0) {
    std::vector<char*> argv;
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    execvp(argv[0], argv.data());
    _exit(127);
  }
  return pid;
}

// Runs argv to completion (at most `timeout`); returns its exit code, or -1 on a timeout.
int RunFor(const std::vector<std::string>& args, std::chrono::seconds timeout) {
  const pid_t pid = Spawn(args);
  const auto until = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < until) {
    int status = 0;
    if (waitpid(pid, &status, WNOHANG) == pid) return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    std::this_thread::sleep_for(20ms);
  }
  kill(pid, SIGKILL);
  waitpid(pid, nullptr, 0);
  return -1;
}

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

struct Picture {
  int width = 0, height = 0;
  int colours = 0;         // distinct colours (quantised to 4 bits a channel)
  double dark = 0;         // share of near-black pixels (text)
  double most_common = 0;  // share of the most common colour
};

Picture Inspect(const std::string& png) {
  Picture p;
  int channels = 0;
  unsigned char* data = stbi_load(png.c_str(), &p.width, &p.height, &channels, 3);
  if (!data) return p;
  std::map<int, int> counts;
  long dark = 0;
  const long n = static_cast<long>(p.width) * p.height;
  for (long i = 0; i < n; ++i) {
    const unsigned char* px = data + i * 3;
    counts[(px[0] >> 4) << 8 | (px[1] >> 4) << 4 | (px[2] >> 4)]++;
    if (px[0] < 80 && px[1] < 80 && px[2] < 80) ++dark;
  }
  stbi_image_free(data);
  int top = 0;
  for (const auto& [c, k] : counts) top = std::max(top, k);
  p.colours = static_cast<int>(counts.size());
  p.dark = static_cast<double>(dark) / n;
  p.most_common = static_cast<double>(top) / n;
  return p;
}

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

// The buttons of the last frame ("id x y w h") and the current screen, as the kiosk wrote them.
struct Targets {
  long long frame = 0;
  std::string screen;
  std::map<std::string, std::array<int, 4>> rects;
};
Targets ReadTargets(const std::string& path) {
  Targets t;
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream s(line);
    std::string id;
    s >> id;
    if (id == "frame") {
      s >> t.frame;
      continue;
    }
    if (id == "screen") {
      s >> t.screen;
      continue;
    }
    std::array<int, 4> r{};
    if (s >> r[0] >> r[1] >> r[2] >> r[3]) t.rects[id] = r;
  }
  return t;
}

// Waits until the kiosk has drawn a frame after `after` and then none for 200 ms: the input sent before
// was read and its frames are done, so the next X event cannot land in the same frame.
long long WaitIdle(const std::string& targets, long long after = -1) {
  long long frame = ReadTargets(targets).frame;
  for (int quiet = 0, i = 0; (quiet < 4 || frame <= after) && i < 400; ++i) {
    std::this_thread::sleep_for(50ms);
    const long long now = ReadTargets(targets).frame;
    quiet = now == frame ? quiet + 1 : 0;
    frame = now;
  }
  return frame;
}

// Waits until the kiosk shows `screen` with a button `id`, then taps its centre with real X events: the
// press and the release each in a frame of their own (a press and release read in one frame under load,
// together with the next tap's, would count as one tap).
void Tap(const std::string& targets, const std::string& screen, const std::string& id) {
  for (int i = 0; i < 100; ++i) {  // at least 20 s
    const long long idle = WaitIdle(targets);
    const Targets t = ReadTargets(targets);
    auto it = t.rects.find(id);
    if (t.screen == screen && it != t.rects.end()) {
      const auto& r = it->second;
      const std::string x = std::to_string(r[0] + r[2] / 2), y = std::to_string(r[1] + r[3] / 2);
      ASSERT_EQ(RunFor({"xdotool", "mousemove", x, y, "mousedown", "1"}, 10s), 0);
      const long long pressed = WaitIdle(targets, idle);
      ASSERT_EQ(RunFor({"xdotool", "mouseup", "1"}, 10s), 0);
      WaitIdle(targets, pressed);
      return;
    }
  }
  FAIL() << "no button " << id << " on screen " << screen;
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
