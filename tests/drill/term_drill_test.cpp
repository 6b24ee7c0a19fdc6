// The short term drill (issue 7): a simulated week with faults against a real schoolshare-sync, then the
// verdict. SCHOOLSHARE_DRILL_SEED replays a run; SCHOOLSHARE_DRILL_DAYS and SCHOOLSHARE_DRILL_KILLS make
// it longer (docs/reliability.md).
#include <gtest/gtest.h>
#include <sqlite3.h>

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
  o.client_kills = static_cast<int>(EnvNumber("SCHOOLSHARE_DRILL_CLIENT_KILLS", 2));
  o.work_dir = dir.File("");
  std::printf("term drill: seed %llu, %d days, %d server kills, %d client kills\n",
              static_cast<unsigned long long>(o.seed), o.days, o.server_kills, o.client_kills);
  const DrillReport report = RunTermDrill(o);
  std::printf("%s", report.Summary().c_str());
  for (const auto& f : report.failures) ADD_FAILURE() << f;
  EXPECT_TRUE(report.failures.empty()) << report.failures.size()
                                       << " failures; replay with SCHOOLSHARE_DRILL_SEED=" << o.seed
                                       << " SCHOOLSHARE_DRILL_DAYS=" << o.days
                                       << " SCHOOLSHARE_DRILL_KILLS=" << o.server_kills
                                       << " SCHOOLSHARE_DRILL_CLIENT_KILLS=" << o.client_kills;
  // The drill did something: facts, bookings and every kind of fault happened.
  auto count = [&](const std::string& k) { return report.counts.count(k) ? report.counts.at(k) : 0; };
  EXPECT_GT(count("verdict.facts"), 0);
  EXPECT_GT(count("action.booking"), 0);
  EXPECT_EQ(count("fault.server_sigkill"), o.server_kills);
  EXPECT_EQ(count("fault.client_killed_mid_outbox"), o.client_kills);
  EXPECT_GT(count("fault.kiosk_clock_skewed"), 0);
  EXPECT_GT(count("fault.kiosk_clock_drift_seconds"), 0);
  if (o.client_kills >= 2) {  // kiosks and admin clients take turns
    EXPECT_GT(count("fault.kiosk_killed_mid_outbox"), 0);
    EXPECT_GT(count("fault.admin_killed_mid_outbox"), 0);
  }
}

bool AnyFailureSays(const DrillReport& report, const std::string& words) {
  for (const auto& f : report.failures) {
    if (f.find(words) != std::string::npos) return true;
  }
  return false;
}

// The verdict is not blind: a short drill whose server database is tampered with before the verdict
// (a check-in moved by a minute, a return recorded twice, a booking confirmed over another) fails.
TEST(TermDrill, VerdictNoticesTamperedServerData) {
  testing::TempDir dir;
  DrillOptions o;
  o.seed = EnvNumber("SCHOOLSHARE_DRILL_SEED", 7);
  o.days = 3;
  o.start_on_monday = true;  // three school days: a Thursday start (Thu-Sat) gave seed 7 no check-in
  o.server_kills = 0;
  o.work_dir = dir.File("");
  o.before_verdict = [](const std::string& db) {
    sqlite3* h = nullptr;
    ASSERT_EQ(sqlite3_open(db.c_str(), &h), SQLITE_OK);
    const char* tamper =
        "UPDATE usage_facts SET at = at + 60 WHERE id = (SELECT id FROM usage_facts WHERE kind = 'check_in' "
        "ORDER BY id LIMIT 1);"
        "INSERT INTO usage_facts (id, kind, booking_id, resource_id, school_id, at, quantity, condition, note, "
        "recorded_by, received_at, flag) SELECT 'tampered-' || id, kind, booking_id, resource_id, school_id, at, "
        "quantity, condition, note, recorded_by, received_at, flag FROM usage_facts WHERE kind = 'return' "
        "ORDER BY id LIMIT 1;"
        "UPDATE bookings SET (resource_id, start_at, end_at) = (SELECT resource_id, start_at, end_at FROM bookings "
        "WHERE status = 'confirmed' AND resource_id IN (SELECT id FROM resources WHERE type != 'equipment') "
        "ORDER BY id LIMIT 1) WHERE id = (SELECT id FROM bookings WHERE status = 'confirmed' AND resource_id IN "
        "(SELECT id FROM resources WHERE type != 'equipment') ORDER BY id LIMIT 1 OFFSET 1);";
    char* error = nullptr;
    EXPECT_EQ(sqlite3_exec(h, tamper, nullptr, nullptr, &error), SQLITE_OK) << (error ? error : "");
    sqlite3_free(error);
    sqlite3_close(h);
  };
  const DrillReport report = RunTermDrill(o);
  ASSERT_GT(report.counts.count("action.check_in") ? report.counts.at("action.check_in") : 0, 0);
  EXPECT_TRUE(AnyFailureSays(report, "is recorded differently on the server"));
  EXPECT_TRUE(AnyFailureSays(report, "reconciliation of"));
  EXPECT_TRUE(AnyFailureSays(report, "was never made by the simulator"));
  EXPECT_TRUE(AnyFailureSays(report, "is recorded 2 times"));
  EXPECT_TRUE(AnyFailureSays(report, "overlapping held bookings on the server"));
}

}  // namespace
}  // namespace schoolshare::drill
