// The term drill (issue 7): a generated district of 10 schools, the real `schoolshare-sync` on
// 127.0.0.1 behind a fault-injecting proxy, kiosk and admin clients (real SyncAgents, each with its
// own replica, driven through the kiosk and admin models), a seeded random script over simulated days
// that lie in the real future, and faults: server SIGKILLs, dropped/delayed/duplicated/truncated
// requests, kiosks offline for hours, kiosk clocks skewed by minutes that drift, and kiosk and admin
// client processes killed while writing their outbox. The simulator keeps its own ground truth and judges the end state
// against it.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

namespace schoolshare::drill {

struct DrillOptions {
  std::uint64_t seed = 1;
  int days = 7;  // simulated days, the first one 3 days after today
  // The first simulated day is the first Monday at least 3 days after today instead: a drill of a few
  // days then runs on school days whatever the date, so what a seed gives does not depend on the weekday.
  bool start_on_monday = false;
  int server_kills = 2;  // SIGKILLs of the server (each restarted on the same port)
  int client_kills = 2;  // client processes killed while they write their outbox (kiosk, admin, kiosk, ...)
  int kiosks = 4;        // one per school s00001.., at most 4
  int admins = 4;        // school managers of s00001.., at most 4
  std::string work_dir;  // databases and logs
  // Called with the server's database path after the server stopped, just before the verdict (tests
  // tamper with it to show the verdict notices).
  std::function<void(const std::string& db)> before_verdict;
};

struct DrillReport {
  std::vector<std::string> failures;           // empty: the verdict holds
  std::map<std::string, std::int64_t> counts;  // actions, faults and what the verdict compared
  std::string Summary() const;                 // one line per count
};

DrillReport RunTermDrill(const DrillOptions& options);

}  // namespace schoolshare::drill
