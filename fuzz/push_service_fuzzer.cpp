// libFuzzer target: SyncService::Push end to end on a temporary SQLite store holding a small district
// (two schools, a room, a hall, equipment, one booking, three registered clients). Each input is one push
// body, applied inside a transaction that is then rolled back, so every input meets the same state.
// The contract checked: never an exception, never a sanitizer report, an HTTP status among those the
// protocol defines (never 500 or 503 on a healthy store), a JSON answer, and no mutation quarantined
// (a quarantine is an unexpected failure: a payload the validation let through and the service choked on).
// See docs/fuzzing.md.
#include <stdlib.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>

#include "schoolshare/json.h"
#include "schoolshare/store.h"
#include "schoolshare/sync_protocol.h"
#include "schoolshare/sync_service.h"
#include "schoolshare/tokens.h"

namespace {

using namespace schoolshare;

constexpr Instant kNow = 1795392000;  // 2026-11-23T08:00:00+08:00 (a Monday)

[[noreturn]] void Broken(const std::string& what, const std::string& detail = "") {
  std::fprintf(stderr, "push_service_fuzzer: contract broken: %s\n%s\n", what.c_str(), detail.substr(0, 2000).c_str());
  std::abort();
}

void Must(const Status& s, const char* what) {
  if (!s.ok()) Broken(std::string("setup: ") + what, s.ToString());
}

std::vector<WeeklyWindow> EveryDay(int from, int to) {
  std::vector<WeeklyWindow> w;
  for (int d = 1; d <= 7; ++d) w.push_back({d, from, to});
  return w;
}

struct World {
  std::string dir;
  ManualClock clock{kNow};
  std::unique_ptr<Store> store;
  std::mutex write_lock;
  Actor manager, kiosk, admin;
};

std::string TempDir() {
  std::string pattern = (std::filesystem::temp_directory_path() / "schoolshare-fuzz-XXXXXX").string();
  if (mkdtemp(pattern.data()) == nullptr) Broken("setup: mkdtemp");
  return pattern;
}

World& TheWorld() {
  static World* world = [] {
    auto* w = new World;
    w->dir = TempDir();
    std::atexit([] {
      std::error_code ec;
      std::filesystem::remove_all(TheWorld().dir, ec);
    });
    StoreOptions o;
    o.synchronous_full = false;
    o.clock = &w->clock;
    auto opened = Store::OpenSqlite(w->dir + "/fuzz.db", o);
    if (!opened.ok()) Broken("setup: open", opened.status().ToString());
    w->store = std::move(*opened);
    Store& s = *w->store;
    const Actor sys = Actor::System();
    District d;
    d.id = "d1";
    d.name = "一区";
    Must(s.PutDistrict(d, sys), "district");
    for (const char* id : {"a", "b"}) {
      School sc;
      sc.id = id;
      sc.district_id = "d1";
      sc.name = std::string("学校") + id;
      sc.location = {29.5, 106.5};
      Must(s.PutSchool(sc, sys), "school");
    }
    Resource room;
    room.id = "a-room";
    room.school_id = "a";
    room.name = "教室";
    room.type = ResourceType::kRoom;
    room.capacity = 40;
    room.opening_hours = EveryDay(7 * 60, 21 * 60);
    room.policy.approval = ApprovalMode::kNone;
    Must(s.PutResource(room, sys), "room");
    Resource hall = room;
    hall.id = "b-hall";
    hall.school_id = "b";
    hall.type = ResourceType::kHall;
    hall.capacity = 300;
    hall.buffer_minutes = 15;
    hall.policy.approval = ApprovalMode::kOwner;
    hall.policy.weekly_cap_minutes = 240;
    Must(s.PutResource(hall, sys), "hall");
    Resource balls;
    balls.id = "a-balls";
    balls.school_id = "a";
    balls.name = "足球";
    balls.type = ResourceType::kEquipment;
    balls.quantity = 20;
    balls.policy.approval = ApprovalMode::kNone;
    Must(s.PutResource(balls, sys), "equipment");
    Booking b;
    b.id = "bk1";
    b.resource_id = "a-room";
    b.school_id = "a";
    b.organizer = "王老师";
    b.title = "公开课";
    b.activity_type = "teaching";
    b.start = kNow + 2 * kHour;
    b.end = b.start + kHour;
    b.status = BookingStatus::kConfirmed;
    b.code = "ABC234";
    b.created_by = sys.id;
    b.created_at = b.updated_at = kNow;
    b.version = 1;
    Must(s.InsertBooking(b, sys), "booking");
    auto actor_of = [&](Role role, const std::string& school, const char* client) {
      auto t = IssueToken(s, role, school, "fuzz", sys, kNow);
      if (!t.ok()) Broken("setup: token", t.status().ToString());
      Actor a{t->record.id, role, school};
      Must(s.PutSyncClient({client, a.id, school, 0, kNow, kNow}), "client");
      return a;
    };
    w->manager = actor_of(Role::kSchoolManager, "a", "c1");
    w->kiosk = actor_of(Role::kKiosk, "a", "k1");
    w->admin = actor_of(Role::kDistrictAdmin, "", "admin");
    return w;
  }();
  return *world;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  World& w = TheWorld();
  const std::string body(reinterpret_cast<const char*>(data), size);
  // The registered client named in the body decides the caller (each client belongs to one token).
  Actor actor = w.manager;
  if (auto parsed = sync::ParsePushRequest(body); parsed.ok()) {
    if (parsed->client_id == "k1") actor = w.kiosk;
    if (parsed->client_id == "admin") actor = w.admin;
  }
  const Lang lang = size % 2 == 0 ? Lang::kZh : Lang::kEn;
  Reply reply;
  try {
    Status rolled_back = w.store->Transaction([&]() -> Status {
      SyncService service(*w.store, w.clock, w.write_lock);
      reply = service.Push(actor, body, lang);
      return Status::Internal("fuzz: roll back");  // every input meets the same state
    });
    if (rolled_back.ok()) Broken("the rollback did not happen");
  } catch (const std::exception& e) {
    Broken(std::string("exception escaped Push: ") + e.what());
  }
  static const bool verbose = std::getenv("FUZZ_VERBOSE") != nullptr;  // prints each answer (reproducing)
  if (verbose) std::fprintf(stderr, "HTTP %d %s\n", reply.status, reply.body.c_str());
  switch (reply.status) {
    case 200:
    case 400:
    case 403:
    case 409:
    case 410:
      break;
    default:
      Broken("HTTP status " + std::to_string(reply.status), reply.body);
  }
  Json answer = Json::parse(reply.body, nullptr, false);
  if (answer.is_discarded() || !answer.is_object()) Broken("the answer is not a JSON object", reply.body);
  if (reply.status == 200) {
    if (!answer.contains("results") || !answer["results"].is_array()) Broken("no results", reply.body);
    for (const Json& r : answer["results"]) {
      const std::string status = r.value("status", "");
      if (status == "quarantined")
        Broken("a mutation was quarantined", r.dump(-1, ' ', false, Json::error_handler_t::replace));
      if (status != "applied" && status != "applied_flagged" && status != "rejected" && status != "duplicate") {
        Broken("unknown result status", r.dump(-1, ' ', false, Json::error_handler_t::replace));
      }
    }
  }
  return 0;
}
