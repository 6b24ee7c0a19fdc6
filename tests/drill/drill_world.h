// The term drill's state shared by the script (term_simulator.cpp) and the verdict (drill_verdict.cpp):
// the server, the proxy, the clients and the simulator's own ground truth.
#pragma once

#include <map>
#include <memory>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "drill/fault_proxy.h"
#include "drill/term_simulator.h"
#include "model/kiosk_model.h"
#include "schoolshare/clock.h"
#include "schoolshare/json.h"
#include "schoolshare/model.h"
#include "schoolshare/sync_client.h"
#include "schoolshare/time.h"
#include "sync/server_process.h"
#include "sync/switchable_transport.h"

namespace schoolshare::drill {

// A fact the simulator made, as it made it (the kiosk's clock, skew included, is the fact's time).
struct TruthFact {
  std::string id;
  FactKind kind = FactKind::kCheckIn;
  std::string booking_id;
  std::string resource_id;
  Instant at = 0;
};

// A booking the simulator asked for. Its expected state comes from the answers its clients got
// (the result with the highest booking version), filled in by the verdict.
struct TruthBooking {
  std::string id;
  std::string resource_id;
  std::string school_id;        // requesting
  std::string owner_school_id;  // of the resource
  Instant start = 0;
  Instant end = 0;
  std::string local_status;  // series occurrences and walk-in claims: the status they are made with
};

// A kiosk's planned use of one booking.
struct KioskEvent {
  Instant at = 0;  // simulated (true) time; the kiosk's clock adds its skew
  FactKind kind = FactKind::kCheckIn;
  std::string booking_id;
  std::string code;
  std::string resource_id;
  int quantity = 0;
  std::string condition;
};

struct Client {
  std::string name;
  std::string school_id;
  std::string token;
  std::string replica;
  Actor actor;
  bool kiosk = false;
  std::unique_ptr<ManualClock> clock;  // kiosks: simulated time + skew
  Instant skew = 0;
  testing::SwitchableTransport* transport = nullptr;
  std::unique_ptr<SyncAgent> agent;
  kiosk::KioskContext ctx;
  kiosk::KioskState st;
  int offline_steps = 0;  // > 0: no route to the server for this many more simulated hours
  std::vector<KioskEvent> events;
  std::set<std::string> planned;     // bookings whose use is planned
  std::vector<std::string> created;  // admins: bookings this client asked for
};

struct World {
  DrillOptions options;
  std::mt19937_64 rng;
  TimeZone tz = TimeZone::Utc();
  std::string db;
  std::string district_id;
  testing::ServerProcess server;
  int server_port = 0;
  std::unique_ptr<FaultProxy> proxy;
  std::vector<std::unique_ptr<Client>> clients;
  std::map<std::string, Resource> resources;  // of the schools in play
  std::vector<std::string> schools;           // s00001.. in play
  std::map<std::string, TruthFact> facts;
  std::map<std::string, TruthBooking> bookings;
  Instant from = 0;  // the simulated days [from, to)
  Instant to = 0;
  std::map<std::string, std::int64_t> counts;
  std::vector<std::string> failures;

  explicit World(const DrillOptions& o) : options(o), rng(o.seed) {}
  int Rand(int n) { return n <= 1 ? 0 : static_cast<int>(rng() % static_cast<std::uint64_t>(n)); }
  bool Chance(double p) { return std::uniform_real_distribution<double>(0, 1)(rng) < p; }
  void Fail(const std::string& what) { failures.push_back(what); }
};

// A string field of a JSON object; "" when absent, null or not a string.
inline std::string Text(const Json& j, const char* key) {
  if (!j.is_object()) return "";
  const auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : "";
}

// The verdict after the faults stopped and every client synced until quiet.
void JudgeVerdict(World& w);

}  // namespace schoolshare::drill
