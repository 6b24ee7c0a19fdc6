// `schoolshare migrate-store` as a black box: the real binary moves the demo district (a SQLite file
// made by `init --demo`) into a fresh database of the test PostgreSQL cluster (ctest fixture pg_cluster),
// with equal counts per table and the same bookings served from both; refuses a target that holds data,
// a missing or newer source; a row the target refuses rolls everything back. Also checks that every
// location the CLI prints has its password masked.
#include <gtest/gtest.h>

#include <cstdio>
#include <ctime>
#include <map>
#include <sstream>
#include <string>

#include "cli/cli_harness.h"
#include "damaged_db.h"
#include "testutil.h"

namespace schoolshare::testing {
namespace {

class MigrateStoreTest : public CliTest {
 protected:
  void SetUp() override {
    CliTest::SetUp();
    if (PgClusterUrl().empty()) GTEST_SKIP() << "no PostgreSQL test cluster: run through ctest (fixture pg_cluster)";
    pg_ = std::make_unique<PgDatabase>();
    ASSERT_TRUE(pg_->ok()) << pg_->error();
    src_ = (dir_ / "src.db").string();
    CliRun r = Cli({"init", "--db", src_, "--demo"});
    ASSERT_EQ(r.code, 0) << r.err;
    // What the demo lacks: a token (its hash must move), resolved reconciliation items and a signed-off
    // month of a school (last month: every item resolved first).
    r = Cli({"token", "create", "--db", src_, "--role", "kiosk", "--school", "gxyc", "--label", "南门"});
    ASSERT_EQ(r.code, 0) << r.err;
    const std::time_t now = std::time(nullptr);
    std::tm utc{};
    gmtime_r(&now, &utc);
    char month[32];
    std::snprintf(month, sizeof month, "%04d-%02d", utc.tm_mon == 0 ? utc.tm_year + 1899 : utc.tm_year + 1900,
                  utc.tm_mon == 0 ? 12 : utc.tm_mon);
    r = Cli({"report", "reconciliation", "--db", src_, "--school", "gxyc", "--month", month, "--format", "json"});
    ASSERT_EQ(r.code, 0) << r.err;
    const Json items = Json::parse(r.out)["items"];
    for (const auto& item : items) {
      CliRun resolved =
          Cli({"report", "resolve", "--db", src_, "--item", item["id"].get<std::string>(), "--note", "已核实"});
      ASSERT_EQ(resolved.code, 0) << resolved.err;
    }
    r = Cli({"report", "sign-off", "--db", src_, "--school", "gxyc", "--month", month});
    ASSERT_EQ(r.code, 0) << r.err;
  }

  // The count table of a successful run: table → {source, target}.
  static std::map<std::string, std::pair<long, long>> Counts(const std::string& out) {
    std::map<std::string, std::pair<long, long>> counts;
    std::istringstream in(out);
    std::string table;
    long source = 0, target = 0;
    std::string line;
    while (std::getline(in, line)) {
      std::istringstream row(line);
      if (row >> table >> source >> target) counts[table] = {source, target};
    }
    return counts;
  }

  Json Bookings(const std::string& db) {
    CliRun r = Cli({"booking", "list", "--db", db, "--format", "json"});
    EXPECT_EQ(r.code, 0) << r.err;
    return Json::parse(r.out, nullptr, false);
  }

  std::unique_ptr<PgDatabase> pg_;
  std::string src_;
};

TEST_F(MigrateStoreTest, MovesEveryTableAndServesTheSameBookings) {
  CliRun r = Cli({"migrate-store", "--from", src_, "--to", pg_->url()});
  ASSERT_EQ(r.code, 0) << r.err;
  auto counts = Counts(r.out);
  for (const char* table : {"districts", "schools", "resources", "bookings", "booking_series", "usage_facts",
                            "change_log", "audit_log", "calendar_days", "sharing_agreements", "server_meta", "tokens",
                            "report_periods", "staff", "school_classes", "blackouts"}) {
    ASSERT_TRUE(counts.count(table)) << table << " missing from:\n" << r.out;
    EXPECT_GT(counts[table].first, 0) << table << ": the demo should give every one of these a row";
  }
  for (const auto& [table, c] : counts) EXPECT_EQ(c.first, c.second) << table;

  const Json from = Bookings(src_);
  const Json to = Bookings(pg_->url());
  ASSERT_TRUE(from.contains("items")) << from.dump();
  EXPECT_GT(from["items"].size(), 0u);
  EXPECT_EQ(from, to);

  // The change log kept its versions: the target reports the source's latest version.
  CliRun check_pg = Cli({"check", "--db", pg_->url()});
  ASSERT_EQ(check_pg.code, 0) << check_pg.err;
  const std::string changes = std::to_string(counts["change_log"].first);
  EXPECT_NE(check_pg.out.find(changes + " changes"), std::string::npos) << check_pg.out;
}

TEST_F(MigrateStoreTest, RefusesATargetThatAlreadyHoldsData) {
  ASSERT_EQ(Cli({"migrate-store", "--from", src_, "--to", pg_->url()}).code, 0);
  const Json before = Bookings(pg_->url());
  CliRun again = Cli({"migrate-store", "--from", src_, "--to", pg_->url()});
  EXPECT_EQ(again.code, 3);
  EXPECT_NE(again.err.find("already holds data"), std::string::npos) << again.err;
  CliRun zh = Cli({"migrate-store", "--from", src_, "--to", pg_->url()}, "zh-CN");
  EXPECT_EQ(zh.code, 3);
  EXPECT_NE(zh.err.find("已有数据"), std::string::npos) << zh.err;
  EXPECT_EQ(Bookings(pg_->url()), before);  // nothing written twice
}

TEST_F(MigrateStoreTest, ARowTheTargetRefusesRollsEverythingBack) {
  // A second confirmed booking over a confirmed venue booking, written behind the service's back: the
  // SQLite file takes it, PostgreSQL's exclusion constraint does not.
  const std::string bad = (dir_ / "bad.db").string();
  std::filesystem::copy_file(src_, bad);
  RawQuery(bad,
           "INSERT INTO bookings(id, resource_id, school_id, organizer, title, activity_type, attendees, quantity, "
           "start_at, end_at, status, stage, series_id, code, note, created_by, created_at, updated_at, version, "
           "class_id) SELECT 'zz-overlap', b.resource_id, b.school_id, b.organizer, b.title, 'meeting', b.attendees, "
           "b.quantity, b.start_at, b.end_at, 'confirmed', 'none', NULL, 'ZZOVERLAP', '', 'test', b.created_at, "
           "b.updated_at, 1, '' FROM bookings b JOIN resources r ON r.id = b.resource_id WHERE b.status = "
           "'confirmed' AND r.type <> 'equipment' AND b.activity_type <> 'walk_in' ORDER BY b.id LIMIT 1");
  ASSERT_EQ(RawQuery(bad, "SELECT count(*) FROM bookings WHERE id = 'zz-overlap'"), 1);

  CliRun r = Cli({"migrate-store", "--from", bad, "--to", pg_->url()});
  EXPECT_NE(r.code, 0);
  EXPECT_NE(r.err.find("bookings"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("rolled back"), std::string::npos) << r.err;

  // The target is as empty as before: no booking, and a clean source still goes in.
  Json none = Bookings(pg_->url());
  EXPECT_EQ(none["items"].size(), 0u) << none.dump();
  CliRun clean = Cli({"migrate-store", "--from", src_, "--to", pg_->url()});
  EXPECT_EQ(clean.code, 0) << clean.err;
}

TEST_F(MigrateStoreTest, RefusesAMissingOrNewerSource) {
  CliRun missing = Cli({"migrate-store", "--from", (dir_ / "none.db").string(), "--to", pg_->url()});
  EXPECT_EQ(missing.code, 4);
  EXPECT_NE(missing.err.find("does not exist"), std::string::npos) << missing.err;

  const std::string newer = (dir_ / "newer.db").string();
  MakeNewerDatabase(newer);
  CliRun r = Cli({"migrate-store", "--from", newer, "--to", pg_->url()}, "zh-CN");
  EXPECT_NE(r.code, 0);
  EXPECT_NE(r.err.find("请升级 schoolshare"), std::string::npos) << r.err;

  CliRun not_pg = Cli({"migrate-store", "--from", src_, "--to", (dir_ / "x.db").string()});
  EXPECT_EQ(not_pg.code, 2);
  EXPECT_NE(not_pg.err.find("postgresql://"), std::string::npos) << not_pg.err;
  EXPECT_EQ(Bookings(pg_->url())["items"].size(), 0u);
}

// The test cluster trusts loopback connections, so a URI with a password still connects: what matters
// is that the password never reaches the terminal.
TEST_F(MigrateStoreTest, APasswordInTheLocationIsNeverPrinted) {
  std::string url = pg_->url();
  const std::size_t at = url.find('@');
  ASSERT_NE(at, std::string::npos) << url;
  url.insert(at, ":s3cret-pw");

  CliRun init = Cli({"init", "--db", url, "--district", "d9", "--name", "学区"});
  ASSERT_EQ(init.code, 0) << init.err;
  CliRun check = Cli({"check", "--db", url});
  ASSERT_EQ(check.code, 0) << check.err;
  CliRun migrate = Cli({"migrate-store", "--from", src_, "--to", url});  // refused: d9 is there
  EXPECT_EQ(migrate.code, 3);
  for (const CliRun* r : {&init, &check, &migrate}) {
    EXPECT_EQ(r->out.find("s3cret-pw"), std::string::npos) << r->out;
    EXPECT_EQ(r->err.find("s3cret-pw"), std::string::npos) << r->err;
  }
  EXPECT_NE(init.out.find(":***@"), std::string::npos) << init.out;
  EXPECT_NE(check.out.find(":***@"), std::string::npos) << check.out;
  EXPECT_NE(migrate.err.find(":***@"), std::string::npos) << migrate.err;
}

}  // namespace
}  // namespace schoolshare::testing
