// MigrateSqliteToPostgres, read back through the Store interface of both sides: what the CLI test's demo
// database lacks (sync clients, stored mutation results, quarantine, reconciliation items, a compacted
// change log) arrives intact, versions and audit sequence numbers included, and the target carries on
// after the last copied version.
#include "schoolshare/store_migration.h"

#include <gtest/gtest.h>

#include "schoolshare/store.h"
#include "testutil.h"

namespace schoolshare {
namespace {

using testing::At;

TEST(StoreMigrationTest, EverythingArrivesAndTheTargetCarriesOn) {
  if (testing::PgClusterUrl().empty()) GTEST_SKIP() << "no PostgreSQL test cluster (fixture pg_cluster)";
  testing::TempDir dir;
  ManualClock clock(At("2026-11-01 08:00"));
  const std::string path = dir.File("s.db");
  const Actor admin = Actor::System();
  std::string token_hash;
  {
    auto sqlite = testing::OpenStore(path, &clock);
    ASSERT_NE(sqlite, nullptr);
    testing::SeedSmallDistrict(*sqlite);
    Booking b;
    b.id = "bk-1";
    b.resource_id = "b-hall";
    b.school_id = "a";
    b.start = At("2026-11-24 10:00");
    b.end = At("2026-11-24 11:00");
    b.status = BookingStatus::kConfirmed;
    b.code = "MIGR01";
    b.created_by = "test";
    ASSERT_TRUE(sqlite->InsertBooking(b, admin).ok());
    clock.Advance(7 * 86400);
    ASSERT_GT(*sqlite->CompactChanges(clock.Now()), 0);  // the log now starts after version 1
    b.status = BookingStatus::kCancelled;
    ASSERT_TRUE(sqlite->UpdateBooking(b, admin, "booking.cancel").ok());
    testing::IssueTestToken(*sqlite, Role::kKiosk, "a", clock.Now());
    token_hash = (*sqlite->ListTokens())[0].hash;
    ASSERT_TRUE(sqlite->PutSyncClient({"kiosk-a-1", "tok-kiosk", "a", 0, clock.Now(), clock.Now()}).ok());
    ASSERT_TRUE(
        sqlite->PutMutationRecord({"kiosk-a-1", 1, "m-1", "record_fact", "applied", R"({"ok":true})", clock.Now()})
            .ok());
    ASSERT_TRUE(sqlite
                    ->PutQuarantine({"kiosk-a-1", 2, "m-2", "record_fact", "quarantined", "{}", clock.Now()},
                                    R"({"raw":1})", "boom")
                    .ok());
    ReconciliationItem item;
    item.id = "rec-1";
    item.school_id = "b";
    item.resource_id = "b-hall";
    item.booking_id = "bk-1";
    item.reason = "no_booking";
    item.created_at = clock.Now();
    ASSERT_TRUE(sqlite->PutReconciliationItem(item, admin).ok());
    ASSERT_TRUE(sqlite->PutReportPeriod({"b", "2026-10", PeriodStatus::kSignedOff, "mgr-b", clock.Now()}, admin).ok());
  }
  auto sqlite = testing::OpenStore(path, &clock);
  ASSERT_NE(sqlite, nullptr);

  testing::PgDatabase pg;
  ASSERT_TRUE(pg.ok()) << pg.error();
  auto counts = MigrateSqliteToPostgres(path, pg.url(), Lang::kEn);
  ASSERT_TRUE(counts.ok()) << counts.status().ToString();
  StoreOptions options;
  options.clock = &clock;
  auto target = Store::OpenPostgres(pg.url(), options);
  ASSERT_TRUE(target.ok()) << target.status().ToString();
  Store& postgres = **target;

  // The change log, version for version, and where compaction had left it.
  ASSERT_FALSE(sqlite->ListDistricts()->empty());
  for (const District& d : *sqlite->ListDistricts()) {
    auto from = *sqlite->ListChanges(d.id, 0, 100000);
    auto to = *postgres.ListChanges(d.id, 0, 100000);
    ASSERT_EQ(from.size(), to.size()) << d.id;
    ASSERT_FALSE(from.empty());
    for (size_t i = 0; i < from.size(); ++i) {
      EXPECT_EQ(from[i].version, to[i].version);
      EXPECT_EQ(from[i].entity_id, to[i].entity_id);
      EXPECT_EQ(from[i].data, to[i].data);
      EXPECT_EQ(from[i].at, to[i].at);
      EXPECT_EQ(from[i].scope, to[i].scope);
    }
    EXPECT_EQ(*postgres.CompactedUpTo(d.id), *sqlite->CompactedUpTo(d.id)) << d.id;
    EXPECT_GT(*postgres.CompactedUpTo(d.id), 0) << d.id;
    // A cursor the SQLite server handed out stays valid: the district's counter is at or above it.
    EXPECT_GE(*postgres.DistrictVersion(d.id), *sqlite->DistrictVersion(d.id)) << d.id;
  }
  EXPECT_EQ(*postgres.LatestVersion(), *sqlite->LatestVersion());
  EXPECT_EQ(*postgres.ServerEpoch(), *sqlite->ServerEpoch());

  // The booking's history, with the compacted entry's own detail.
  auto audit_from = *sqlite->ListAudit("booking", "bk-1");
  auto audit_to = *postgres.ListAudit("booking", "bk-1");
  ASSERT_EQ(audit_from.size(), 2u);
  ASSERT_EQ(audit_to.size(), 2u);
  for (size_t i = 0; i < 2; ++i) {
    EXPECT_EQ(audit_from[i].seq, audit_to[i].seq);
    EXPECT_EQ(audit_from[i].action, audit_to[i].action);
    EXPECT_EQ(audit_from[i].detail, audit_to[i].detail);
  }
  EXPECT_EQ(postgres.GetBooking("bk-1")->status, BookingStatus::kCancelled);

  // Bookkeeping the demo has none of.
  EXPECT_TRUE(postgres.FindTokenByHash(token_hash).ok());
  EXPECT_EQ(postgres.ListTokens()->size(), sqlite->ListTokens()->size());
  auto client = postgres.GetSyncClient("kiosk-a-1");
  ASSERT_TRUE(client.ok()) << client.status().ToString();
  EXPECT_EQ(client->last_client_seq, sqlite->GetSyncClient("kiosk-a-1")->last_client_seq);
  EXPECT_EQ(postgres.GetMutationRecord("kiosk-a-1", 1)->result, R"({"ok":true})");
  EXPECT_EQ(postgres.GetReconciliationItem("rec-1")->reason, "no_booking");
  EXPECT_EQ(postgres.GetReportPeriod("b", "2026-10")->status, PeriodStatus::kSignedOff);

  // The next write continues after the last copied version and audit entry.
  const std::int64_t last = *postgres.LatestVersion();
  ASSERT_TRUE(postgres.PutDistrict({"d2", "第二学区", "Asia/Shanghai", "zh-CN"}, admin).ok());
  EXPECT_EQ(*postgres.LatestVersion(), last + 1);
  auto d2 = *postgres.ListAudit("district", "d2");
  ASSERT_EQ(d2.size(), 1u);
  EXPECT_GT(d2[0].seq, audit_from.back().seq);
}

}  // namespace
}  // namespace schoolshare
