// The short term drill (issue 7): a simulated week with faults against a real schoolshare-sync, then the
// verdict. SCHOOLSHARE_DRILL_SEED replays a run; SCHOOLSHARE_DRILL_DAYS and SCHOOLSHARE_DRILL_KILLS make
// it longer (docs/reliability.md).
#include <gtest/gtest.h>

#include <cstdlib>
#include <random>
#include <string>

#include "drill/term_simulator.h"
#include "testutil.h"

namespace schoolshare::drill {
namespace {

std::uint64_t EnvNumber(const char* name, std::uint64_t fallback) {
  const char* v = std::getenv(name);
  return v && *v ? std::strtoull(v, nullptr, 10) : fallback;
}

TEST(TermDrill, WeekWithFaultsEndsAsTheSimulatorSaysItShould) {
  testing::TempDir dir;
  DrillOptions o;
  o.seed = EnvNumber("SCHOOLSHARE_DRILL_SEED", std::random_device{}());
  o.days = static_cast<int>(EnvNumber("SCHOOLSHARE_DRILL_DAYS", 7));
  o.server_kills = static_cast<int>(EnvNumber("SCHOOLSHARE_DRILL_KILLS", 2));
  o.work_dir = dir.File("");
  std::printf("term drill: seed %llu, %d days, %d server kills\n", static_cast<unsigned long long>(o.seed), o.days,
              o.server_kills);
  const DrillReport report = RunTermDrill(o);
  std::printf("%s", report.Summary().c_str());
  for (const auto& f : report.failures) ADD_FAILURE() << f;
  EXPECT_TRUE(report.failures.empty()) << report.failures.size()
                                       << " failures; replay with SCHOOLSHARE_DRILL_SEED=" << o.seed
                                       << " SCHOOLSHARE_DRILL_DAYS=" << o.days
                                       << " SCHOOLSHARE_DRILL_KILLS=" << o.server_kills;
  // The drill did something: facts, bookings and every kind of fault happened.
  auto count = [&](const std::string& k) { return report.counts.count(k) ? report.counts.at(k) : 0; };
  EXPECT_GT(count("verdict.facts"), 0);
  EXPECT_GT(count("action.booking"), 0);
  EXPECT_EQ(count("fault.server_sigkill"), o.server_kills);
  EXPECT_EQ(count("fault.client_killed_mid_outbox"), 1);
  EXPECT_GT(count("fault.kiosk_clock_skewed"), 0);
}

}  // namespace
}  // namespace schoolshare::drill
