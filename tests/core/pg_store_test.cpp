// What only the PostgreSQL store promises on top of the conformance suite (store_test.cpp): the
// exclusion constraint on held venue bookings and its refusal, change versions that commit in order
// with several writers, concurrent start-up, backend choice by the database argument.
#include <gtest/gtest.h>
#include <libpq-fe.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "forwarding_store.h"
#include "schoolshare/booking_service.h"
#include "schoolshare/ids.h"
#include "schoolshare/store.h"
#include "store/pg.h"
#include "store/pg_schema.h"
#include "testutil.h"

namespace schoolshare {
namespace {

using testing::At;

// A second session on a database, for what only raw SQL can show or set up: Value() answers the first
// column of the first row ("" when there is none) and records a test failure when the statement fails.
class RawSession {
 public:
  explicit RawSession(const std::string& url) : conn_(PQconnectdb(url.c_str())) {}
  ~RawSession() { PQfinish(conn_); }
  RawSession(const RawSession&) = delete;
  RawSession& operator=(const RawSession&) = delete;
  bool ok() const { return PQstatus(conn_) == CONNECTION_OK; }

  std::string Value(const std::string& sql) {
    PGresult* r = PQexec(conn_, sql.c_str());
    const bool ok = PQresultStatus(r) == PGRES_COMMAND_OK || PQresultStatus(r) == PGRES_TUPLES_OK;
    std::string value = ok && PQntuples(r) > 0 ? PQgetvalue(r, 0, 0) : "";
    if (!ok) ADD_FAILURE() << sql << ": " << PQresultErrorMessage(r);
    PQclear(r);
    return value;
  }

 private:
  PGconn* conn_;
};

class PgStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string skip;
    store_ = testing::OpenBackend(testing::Backend::kPostgres, dir_, &clock_, &pg_, &skip);
    if (!skip.empty()) GTEST_SKIP() << skip;
    ASSERT_NE(store_, nullptr);
    testing::SeedSmallDistrict(*store_);
  }

  std::unique_ptr<Store> OpenAnother() {
    return testing::ReopenBackend(testing::Backend::kPostgres, dir_, &clock_, pg_.get());
  }

  Booking MakeBooking(const std::string& resource, Instant start, Instant end) {
    Booking b;
    b.id = NewUuid();
    b.resource_id = resource;
    b.school_id = "b";
    b.start = start;
    b.end = end;
    b.status = BookingStatus::kConfirmed;
    b.code = NewBookingCode();
    b.created_by = "test";
    b.quantity = 1;
    return b;
  }

  testing::TempDir dir_;
  ManualClock clock_{At("2026-11-23 08:00")};
  std::unique_ptr<testing::PgDatabase> pg_;
  std::unique_ptr<Store> store_;
  Actor admin_ = Actor::System();
};

TEST_F(PgStoreTest, DatabaseRefusesOverlappingHeldBookingsOfAVenue) {
  ASSERT_TRUE(
      store_->InsertBooking(MakeBooking("a-field", At("2026-11-24 16:00"), At("2026-11-24 17:00")), admin_).ok());
  const auto before = *store_->LatestVersion();
  Status clash = store_->InsertBooking(MakeBooking("a-field", At("2026-11-24 16:30"), At("2026-11-24 17:30")), admin_);
  EXPECT_EQ(clash.code(), StatusCode::kConflict) << clash.ToString();
  EXPECT_EQ(*store_->LatestVersion(), before);  // nothing written, not even the change

  // Half-open ranges: back to back is no overlap.
  EXPECT_TRUE(
      store_->InsertBooking(MakeBooking("a-field", At("2026-11-24 17:00"), At("2026-11-24 18:00")), admin_).ok());
  // Bookings that hold nothing, equipment (shared by stock) and walk-in claims are judged by the service only.
  Booking cancelled = MakeBooking("a-field", At("2026-11-24 16:00"), At("2026-11-24 17:00"));
  cancelled.status = BookingStatus::kCancelled;
  EXPECT_TRUE(store_->InsertBooking(cancelled, admin_).ok());
  EXPECT_TRUE(
      store_->InsertBooking(MakeBooking("a-balls", At("2026-11-24 16:00"), At("2026-11-24 17:00")), admin_).ok());
  EXPECT_TRUE(
      store_->InsertBooking(MakeBooking("a-balls", At("2026-11-24 16:00"), At("2026-11-24 17:00")), admin_).ok());
  Booking walk_in = MakeBooking("a-field", At("2026-11-24 16:10"), At("2026-11-24 16:50"));
  walk_in.activity_type = "walk_in";
  EXPECT_TRUE(store_->InsertBooking(walk_in, admin_).ok());

  // Re-holding a cancelled booking over a held one is refused too (an update, not only an insert).
  cancelled.status = BookingStatus::kConfirmed;
  EXPECT_EQ(store_->UpdateBooking(cancelled, admin_, "booking.restore").code(), StatusCode::kConflict);
}

TEST_F(PgStoreTest, ARefusedBookingInsideATransactionLeavesTheRestUsable) {
  Booking first = MakeBooking("a-field", At("2026-11-24 16:00"), At("2026-11-24 17:00"));
  Booking clash = MakeBooking("a-field", At("2026-11-24 16:30"), At("2026-11-24 17:30"));
  Booking later = MakeBooking("a-field", At("2026-11-25 16:00"), At("2026-11-25 17:00"));
  Status s = store_->Transaction([&]() -> Status {
    SS_RETURN_IF_ERROR(store_->InsertBooking(first, admin_));
    EXPECT_EQ(store_->InsertBooking(clash, admin_).code(), StatusCode::kConflict);
    return store_->InsertBooking(later, admin_);  // the transaction is not aborted by the refusal
  });
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_TRUE(store_->GetBooking(first.id).ok());
  EXPECT_TRUE(store_->GetBooking(later.id).ok());
  EXPECT_EQ(store_->GetBooking(clash.id).status().code(), StatusCode::kNotFound);
}

// A store whose overlap query misses every held booking: the service's own check passes, as it would
// for a writer whose read raced another writer, and only the database's constraint stands in the way.
class BlindStore : public testing::ForwardingStore {
 public:
  using ForwardingStore::ForwardingStore;
  Result<std::vector<Booking>> ListHeldBookings(const std::vector<std::string>&, Instant, Instant) override {
    return std::vector<Booking>{};
  }
};

TEST_F(PgStoreTest, ServiceTurnsTheDatabasesRefusalIntoTheUsualOverlapRefusal) {
  Booking held = MakeBooking("b-hall", At("2026-11-25 10:00"), At("2026-11-25 12:00"));
  ASSERT_TRUE(store_->InsertBooking(held, admin_).ok());
  BlindStore blind(*store_);
  BookingService service(blind, clock_);
  BookingRequest r;
  r.resource_id = "b-hall";
  r.school_id = "a";
  r.title = "联合教研";
  r.attendees = 50;
  r.start = At("2026-11-25 11:00");
  r.end = At("2026-11-25 13:00");
  auto out = service.Create(r, admin_);
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  EXPECT_FALSE(out->accepted);
  ASSERT_FALSE(out->violations.empty());
  EXPECT_EQ(out->violations[0].rule, Rule::kOverlap);
  EXPECT_FALSE(out->alternatives.empty());  // the same offer of other times and venues as on SQLite
  EXPECT_EQ(store_->ListBookings({})->size(), 1u);
}

TEST_F(PgStoreTest, VersionsCommitInOrderWithSeveralWriters) {
  constexpr int kWriters = 4;
  constexpr int kWritesEach = 15;
  const std::int64_t start_anywhere = *store_->LatestVersion();
  const std::int64_t start = *store_->DistrictVersion("d1");  // every write below is in district d1
  std::atomic<bool> done{false};
  std::atomic<int> failures{0};
  // A reader pulling all the while must never see a version after a gap that is filled later.
  std::int64_t reader_cursor = start;
  std::thread reader([&] {
    auto r = OpenAnother();
    if (!r) return failures.fetch_add(1), void();
    for (;;) {
      const bool last = done.load();
      auto changes = r->ListChanges("d1", reader_cursor, 1000);
      if (!changes.ok()) return failures.fetch_add(1), void();
      for (const Change& c : *changes) {
        if (c.version != reader_cursor + 1) failures.fetch_add(1);
        reader_cursor = c.version;
      }
      if (last) return;
    }
  });
  std::vector<std::thread> writers;
  for (int w = 0; w < kWriters; ++w) {
    writers.emplace_back([&, w] {
      auto s = OpenAnother();
      if (!s) return failures.fetch_add(1), void();
      for (int i = 0; i < kWritesEach; ++i) {
        UsageFact f;
        f.id = NewUuid();
        f.kind = FactKind::kCheckIn;
        f.resource_id = w % 2 ? "a-field" : "b-hall";
        f.school_id = "b";
        f.at = At("2026-11-23 16:05") + i;
        if (!s->InsertFact(f, admin_).ok()) failures.fetch_add(1);
      }
    });
  }
  for (auto& t : writers) t.join();
  done = true;
  reader.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(*store_->LatestVersion(), start_anywhere + kWriters * kWritesEach);
  EXPECT_EQ(*store_->DistrictVersion("d1"), start + kWriters * kWritesEach);
  EXPECT_EQ(reader_cursor, start + kWriters * kWritesEach);
  auto all = store_->ListChanges("d1", start, 0);
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), static_cast<std::size_t>(kWriters * kWritesEach));
  for (std::size_t i = 0; i < all->size(); ++i) EXPECT_EQ((*all)[i].version, start + 1 + static_cast<std::int64_t>(i));
}

// A deadlock with another session (40P01) rolls the transaction back and runs it again, whole: the
// write lands once.
TEST_F(PgStoreTest, ADeadlockedTransactionIsRunAgainAndAppliedOnce) {
  PGconn* other = PQconnectdb(pg_->url().c_str());
  ASSERT_EQ(PQstatus(other), CONNECTION_OK) << PQerrorMessage(other);
  auto exec = [&](const char* sql) {
    PGresult* r = PQexec(other, sql);
    const bool ok = PQresultStatus(r) == PGRES_COMMAND_OK || PQresultStatus(r) == PGRES_TUPLES_OK;
    PQclear(r);
    return ok;
  };
  ASSERT_TRUE(exec("BEGIN"));
  ASSERT_TRUE(exec("SELECT 1 FROM districts WHERE id = 'd1' FOR UPDATE"));  // the other session holds d1
  const auto before = *store_->LatestVersion();
  std::atomic<int> runs{0};
  Status written;
  std::thread writer([&] {
    written = store_->Transaction([&]() -> Status {
      ++runs;  // holds the writers' lock, then waits for d1
      return store_->PutDistrict({"d1", "测试学区（改名）", "Asia/Shanghai", "zh-CN"}, admin_);
    });
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  // Now the other session waits for the writers' lock: a cycle. The writer, waiting longer, is the
  // one PostgreSQL picks (deadlock_timeout, 1 s), and our select returns once it rolled back.
  EXPECT_TRUE(exec("SELECT value FROM counters WHERE name = 'change_version' FOR UPDATE"));
  EXPECT_TRUE(exec("COMMIT"));
  writer.join();
  PQfinish(other);
  EXPECT_TRUE(written.ok()) << written.ToString();
  EXPECT_EQ(runs.load(), 2);
  EXPECT_EQ(store_->GetDistrict("d1")->name, "测试学区（改名）");
  EXPECT_EQ(*store_->LatestVersion(), before + 1);
}

// Every attempt of a transaction fails with a serialization failure (40001): after its bounded retries
// the store answers kUnavailable (503 over HTTP) and nothing of any attempt is left. The failure comes
// from the database itself: a trigger installed by a second session raises SQLSTATE 40001 on every
// booking insert and counts the attempts in a sequence (nextval survives the rollbacks).
TEST_F(PgStoreTest, ExhaustedRetriesAreUnavailableAndLeaveNothingHalfApplied) {
  auto other = std::make_unique<RawSession>(pg_->url());
  ASSERT_TRUE(other->ok());
  auto exec = [&](const std::string& sql) { return other->Value(sql); };
  exec("CREATE SEQUENCE attempts");
  exec(
      "CREATE FUNCTION always_busy() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN PERFORM nextval('attempts'); "
      "RAISE EXCEPTION 'could not serialize access (test)' USING ERRCODE = 'serialization_failure'; END $$");
  exec("CREATE TRIGGER always_busy BEFORE INSERT ON bookings FOR EACH ROW EXECUTE FUNCTION always_busy()");

  const auto version = *store_->LatestVersion();
  const auto audit = store_->ListAudit("blackout", "bo-retry")->size();
  Blackout blackout{
      "bo-retry", "a-hall", "a", At("2026-11-26 08:00"), At("2026-11-26 12:00"), BlackoutKind::kMaintenance, "检修"};
  Booking booking = MakeBooking("b-hall", At("2026-11-26 14:00"), At("2026-11-26 15:00"));
  int runs = 0;
  Status s = store_->Transaction([&]() -> Status {
    ++runs;
    SS_RETURN_IF_ERROR(store_->PutBlackout(blackout, admin_));  // succeeds, then must vanish
    return store_->InsertBooking(booking, admin_);
  });
  EXPECT_EQ(s.code(), StatusCode::kUnavailable) << s.ToString();
  EXPECT_NE(s.message().find("5 attempts"), std::string::npos) << s.ToString();
  EXPECT_EQ(runs, 5);
  EXPECT_EQ(exec("SELECT last_value FROM attempts"), "5");

  EXPECT_EQ(*store_->LatestVersion(), version);
  EXPECT_EQ(store_->GetBlackout("bo-retry").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(store_->GetBooking(booking.id).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(store_->ListAudit("blackout", "bo-retry")->size(), audit);
  EXPECT_EQ(exec("SELECT count(*) FROM change_log WHERE entity_id IN ('bo-retry', '" + booking.id + "')"), "0");

  // Once the database stops refusing, the same transaction goes through once.
  exec("DROP TRIGGER always_busy ON bookings");
  other.reset();
  s = store_->Transaction([&]() -> Status {
    SS_RETURN_IF_ERROR(store_->PutBlackout(blackout, admin_));
    return store_->InsertBooking(booking, admin_);
  });
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(*store_->LatestVersion(), version + 2);
}

// The server dropped the connection (a restart, an administrator): the call that finds out fails as
// unavailable (503 over HTTP, the client retries), and the next one reconnects.
TEST_F(PgStoreTest, ALostConnectionIsReestablishedByTheNextCall) {
  PGconn* admin = PQconnectdb(pg_->url().c_str());
  ASSERT_EQ(PQstatus(admin), CONNECTION_OK) << PQerrorMessage(admin);
  PGresult* r = PQexec(admin,
                       "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                       "WHERE datname = current_database() AND pid <> pg_backend_pid()");
  EXPECT_EQ(PQresultStatus(r), PGRES_TUPLES_OK);
  PQclear(r);
  PQfinish(admin);
  auto first = store_->ListSchools();
  if (!first.ok()) {
    EXPECT_EQ(first.status().code(), StatusCode::kUnavailable) << first.status().ToString();
  }
  auto again = store_->ListSchools();
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(again->size(), 3u);
  EXPECT_TRUE(store_->PutDistrict({"d2", "第二学区", "Asia/Shanghai", "zh-CN"}, admin_).ok());
}

TEST_F(PgStoreTest, InstancesStartingTogetherShareOneSchema) {
  testing::PgDatabase fresh;
  ASSERT_TRUE(fresh.ok()) << fresh.error();
  std::atomic<int> opened{0};
  std::vector<std::thread> starters;
  for (int i = 0; i < 3; ++i) {
    starters.emplace_back([&] {
      auto s = Store::Open(fresh.url());
      if (s.ok() && (*s)->SchemaVersion() >= 1) opened.fetch_add(1);
    });
  }
  for (auto& t : starters) t.join();
  EXPECT_EQ(opened.load(), 3);
}

// The deployment-wide counter counts every change but is written once, at COMMIT: a part rolled back
// to its savepoint takes no version, and versions go on without a gap in the district and anywhere.
TEST_F(PgStoreTest, ATransactionsChangesAreCountedOnceEachAndARolledBackPartTakesNone) {
  const std::int64_t anywhere = *store_->LatestVersion();
  const std::int64_t in_d1 = *store_->DistrictVersion("d1");
  auto fact = [&](const std::string& id, int minute) {
    UsageFact f;
    f.id = id;
    f.kind = FactKind::kCheckIn;
    f.resource_id = "a-field";
    f.school_id = "b";
    f.at = At("2026-11-23 16:00") + minute * 60;
    return f;
  };
  Status s = store_->Transaction([&]() -> Status {
    SS_RETURN_IF_ERROR(store_->InsertFact(fact("f-kept-1", 1), admin_));
    Status refused = store_->Transaction([&]() -> Status {
      SS_RETURN_IF_ERROR(store_->InsertFact(fact("f-undone", 2), admin_));
      return Status::Conflict("the caller gives this part up");
    });
    EXPECT_EQ(refused.code(), StatusCode::kConflict);
    SS_RETURN_IF_ERROR(store_->InsertFact(fact("f-kept-2", 3), admin_));
    // Inside the transaction, a change of a district without versions yet starts above the counter.
    return store_->PutDistrict({"d-new", "新学区", "Asia/Shanghai", "zh-CN"}, admin_);
  });
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(*store_->LatestVersion(), anywhere + 3);
  EXPECT_EQ(*OpenAnother()->LatestVersion(), anywhere + 3);  // committed, not only this connection's idea
  auto changes = store_->ListChanges("d1", in_d1, 0);
  ASSERT_TRUE(changes.ok()) << changes.status().ToString();
  ASSERT_EQ(changes->size(), 2u);
  EXPECT_EQ((*changes)[0].entity_id, "f-kept-1");
  EXPECT_EQ((*changes)[0].version, in_d1 + 1);
  EXPECT_EQ((*changes)[1].entity_id, "f-kept-2");
  EXPECT_EQ((*changes)[1].version, in_d1 + 2);
  EXPECT_EQ(*store_->DistrictVersion("d-new"), anywhere + 3);
  EXPECT_EQ(store_->GetFact("f-undone").status().code(), StatusCode::kNotFound);
  // The next transaction continues from there.
  ASSERT_TRUE(store_->InsertFact(fact("f-next", 4), admin_).ok());
  EXPECT_EQ(*store_->LatestVersion(), anywhere + 4);
  EXPECT_EQ(*store_->DistrictVersion("d1"), in_d1 + 3);
}

// Schema 3: a sync client, its stored results and its quarantined payloads carry the district of the
// client's school ('' for a deployment-wide token's client), which leads their keys.
TEST_F(PgStoreTest, SyncBookkeepingCarriesTheClientsDistrict) {
  ASSERT_TRUE(store_->PutSyncClient({"kiosk-b-1", "tok-kiosk", "b", 0, 0, 0}).ok());
  ASSERT_TRUE(store_->PutSyncClient({"admin-1", "tok-admin", "", 0, 0, 0}).ok());
  ASSERT_TRUE(store_->PutMutationRecord({"kiosk-b-1", 1, "m-1", "record_fact", "applied", "{}", 0}).ok());
  ASSERT_TRUE(store_->PutMutationRecord({"admin-1", 1, "m-2", "create_booking", "rejected", "{}", 0}).ok());
  ASSERT_TRUE(store_->PutQuarantine({"kiosk-b-1", 2, "m-3", "record_fact", "quarantined", "{}", 0}, "{}", "boom").ok());
  // Registering again (a re-register updates the row) keeps one row per client.
  ASSERT_TRUE(store_->PutSyncClient({"kiosk-b-1", "tok-kiosk", "b", 1, 0, 0}).ok());
  EXPECT_EQ(store_->GetSyncClient("kiosk-b-1")->last_client_seq, 1);
  EXPECT_EQ(store_->ListSyncClients()->size(), 2u);
  EXPECT_EQ(store_->GetMutationRecord("admin-1", 1)->status, "rejected");

  RawSession raw(pg_->url());
  ASSERT_TRUE(raw.ok());
  EXPECT_EQ(raw.Value("SELECT district_id FROM sync_clients WHERE id = 'kiosk-b-1'"), "d1");
  EXPECT_EQ(raw.Value("SELECT count(*) FROM sync_clients WHERE id = 'admin-1' AND district_id = ''"), "1");
  EXPECT_EQ(raw.Value("SELECT district_id FROM mutation_results WHERE client_id = 'kiosk-b-1'"), "d1");
  EXPECT_EQ(raw.Value("SELECT count(*) FROM mutation_results WHERE client_id = 'admin-1' AND district_id = ''"), "1");
  EXPECT_EQ(raw.Value("SELECT district_id FROM quarantine WHERE client_id = 'kiosk-b-1'"), "d1");
  // The district leads each primary key (Citus distributes these tables by it).
  EXPECT_EQ(raw.Value("SELECT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND "
                      "a.attnum = i.indkey[0] WHERE i.indrelid = 'mutation_results'::regclass AND i.indisprimary"),
            "district_id");
  // A result for a client that never registered is refused and leaves nothing.
  EXPECT_FALSE(store_->PutMutationRecord({"nobody", 1, "m-4", "record_fact", "applied", "{}", 0}).ok());
  EXPECT_EQ(raw.Value("SELECT count(*) FROM mutation_results WHERE client_id = 'nobody'"), "0");
}

// A database of schema 2 (before the bookkeeping was district-keyed) opens, upgrades, and keeps its
// clients, results and quarantine, each now in its school's district.
TEST_F(PgStoreTest, ASchemaTwoDatabaseUpgradesItsSyncBookkeeping) {
  testing::PgDatabase older;
  ASSERT_TRUE(older.ok()) << older.error();
  {
    auto conn = pg::Connection::Open(older.url());
    ASSERT_TRUE(conn.ok()) << conn.status().ToString();
    ASSERT_TRUE(pg::MigratePg(**conn, 2).ok());
    ASSERT_EQ(*pg::ReadPgSchemaVersion(**conn), 2);
  }
  {
    RawSession raw(older.url());
    ASSERT_TRUE(raw.ok());
    raw.Value("INSERT INTO districts(id, name, time_zone, locale) VALUES ('d7', '七区', 'Asia/Shanghai', 'zh-CN')");
    raw.Value("INSERT INTO schools(district_id, id, name, kind) VALUES ('d7', 's7', '七小', 'member')");
    raw.Value(
        "INSERT INTO sync_clients(id, token_id, school_id, last_client_seq, registered_at, last_seen_at) "
        "VALUES ('kiosk-7', 'tok-7', 's7', 1, 1, 1), ('auditor-1', 'tok-a', '', 0, 1, 1)");
    raw.Value(
        "INSERT INTO mutation_results(client_id, client_seq, mutation_id, name, status, result, at) "
        "VALUES ('kiosk-7', 1, 'm-1', 'record_fact', 'applied', '{\"status\":\"applied\"}', 1)");
    raw.Value(
        "INSERT INTO quarantine(client_id, client_seq, mutation_id, payload, error, at) "
        "VALUES ('kiosk-7', 2, 'm-2', '{}', 'boom', 1)");
  }
  auto upgraded = Store::OpenPostgres(older.url());
  ASSERT_TRUE(upgraded.ok()) << upgraded.status().ToString();
  EXPECT_EQ((*upgraded)->SchemaVersion(), pg::LatestPgSchemaVersion());
  auto record = (*upgraded)->GetMutationRecord("kiosk-7", 1);
  ASSERT_TRUE(record.ok()) << record.status().ToString();
  EXPECT_EQ(record->result, "{\"status\":\"applied\"}");
  EXPECT_EQ((*upgraded)->GetSyncClient("kiosk-7")->last_client_seq, 1);
  RawSession raw(older.url());
  EXPECT_EQ(raw.Value("SELECT district_id FROM sync_clients WHERE id = 'kiosk-7'"), "d7");
  EXPECT_EQ(raw.Value("SELECT count(*) FROM sync_clients WHERE id = 'auditor-1' AND district_id = ''"), "1");
  EXPECT_EQ(raw.Value("SELECT district_id FROM mutation_results WHERE client_id = 'kiosk-7'"), "d7");
  EXPECT_EQ(raw.Value("SELECT district_id FROM quarantine WHERE client_id = 'kiosk-7'"), "d7");
  // And the upgraded store goes on storing results.
  EXPECT_TRUE((*upgraded)->PutMutationRecord({"kiosk-7", 2, "m-3", "record_fact", "applied", "{}", 0}).ok());
  EXPECT_EQ((*upgraded)->GetSyncClient("kiosk-7")->last_client_seq, 2);
}

TEST_F(PgStoreTest, ReplicaOperationsAreRefusedClearly) {
  Status s = store_->PutClientState("cursor", "1");
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find("PostgreSQL"), std::string::npos) << s.ToString();
  EXPECT_FALSE(store_->ListOutbox(0, std::nullopt, 0).ok());
}

TEST(PgOpenTest, DatabaseArgumentPicksTheBackend) {
  EXPECT_TRUE(Store::IsPostgresLocation("postgresql://u@127.0.0.1:5432/db"));
  EXPECT_TRUE(Store::IsPostgresLocation("postgres://127.0.0.1/db"));
  EXPECT_FALSE(Store::IsPostgresLocation("/var/lib/schoolshare/district.db"));
  EXPECT_FALSE(Store::IsPostgresLocation("postgresql.db"));
}

TEST(PgOpenTest, UnreachableServerIsUnavailable) {
  // Port 1 on loopback: nothing listens there.
  auto s = Store::Open("postgresql://nobody@127.0.0.1:1/none?connect_timeout=2");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().code(), StatusCode::kUnavailable) << s.status().ToString();
}

}  // namespace
}  // namespace schoolshare
