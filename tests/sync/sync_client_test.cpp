// The sync client against a real schoolshare-sync child process on 127.0.0.1: offline queueing,
// convergence of two clients, refusals in the needs-attention list, a server restored from an older
// backup, and the observable status with its backoff. Every test runs once per server backend: a
// SQLite file and a fresh PostgreSQL database of the test cluster (`Backends/SyncAgentTest.*/Sqlite`,
// `.../Postgres`).
#include "schoolshare/sync_client.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <optional>
#include <set>
#include <thread>

#include "schoolshare/booking_service.h"
#include "schoolshare/json.h"
#include "schoolshare/tokens.h"
#include "sync/server_process.h"
#include "sync/switchable_transport.h"
#include "testutil.h"

namespace schoolshare {
namespace {

using namespace std::chrono_literals;
using testing::Backend;
using testing::Shanghai;
using testing::SwitchableTransport;
using testing::TempDir;

struct Device {
  std::unique_ptr<SyncAgent> client;
  SwitchableTransport* transport = nullptr;  // owned by the client
};

class SyncAgentTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    if (!std::filesystem::exists(SCHOOLSHARE_SYNC_BIN)) {
      GTEST_SKIP() << "no schoolshare-sync binary at " << SCHOOLSHARE_SYNC_BIN;
    }
    std::string skip;
    auto store = testing::OpenBackend(GetParam(), dir_, &clock_, &pg_, &skip);
    if (!skip.empty()) GTEST_SKIP() << skip;
    ASSERT_TRUE(store);
    server_db_ = testing::BackendLocation(GetParam(), dir_, pg_.get());
    testing::SeedSmallDistrict(*store);
    auto issue = [&](Role role, const std::string& school, std::string* token) {
      *token = testing::IssueTestToken(*store, role, school, clock_.Now());
      ASSERT_FALSE(token->empty());
    };
    issue(Role::kDistrictAdmin, "", &admin_token_);
    issue(Role::kSchoolManager, "a", &manager_a_token_);
    issue(Role::kSchoolManager, "b", &manager_b_token_);
    issue(Role::kKiosk, "a", &kiosk_a_token_);
  }

  void TearDown() override {
    for (auto& d : devices_) {
      if (d.client) d.client->Stop();
    }
    devices_.clear();
    server_.Stop();
  }

  void StartServer() {
    ASSERT_TRUE(server_.Start(server_db_, dir_.File("server.log"))) << "schoolshare-sync did not start; its log:\n"
                                                                    << ServerLog();
    url_ = "http://127.0.0.1:" + std::to_string(server_.port());
    for (auto& d : devices_) d.transport->Point(url_);
  }

  // What the server wrote to stderr so far (the test's folder is gone once it fails).
  std::string ServerLog() const {
    std::ifstream in(dir_.File("server.log"));
    return std::string(std::istreambuf_iterator<char>(in), {});
  }

  void StopServer() {
    for (auto& d : devices_) d.transport->Point("");  // close kept-alive connections first
    server_.Stop();
  }

  // A backup of the server's database as an operator takes one. SQLite: `schoolshare backup`'s online
  // copy (docs/operations.md, "Backups"), the server keeps running and the copy gets a new epoch by
  // itself. PostgreSQL has no Store::Backup (pg_dump's job, docs/scale.md); its honest stand-in here is
  // a copy made with CREATE DATABASE ... TEMPLATE, which refuses while any connection to the database
  // is open, so the server stops for it. The copy keeps the old epoch: RestoreBackup renews it.
  void TakeBackup() {
    if (GetParam() == Backend::kSqlite) {
      ASSERT_TRUE(ServerStore()->Backup(dir_.File("backup.db")).ok());
      return;
    }
    StopServer();
    pg_backup_ = testing::PgDatabase::CopyOf(*pg_);
    ASSERT_TRUE(pg_backup_->ok()) << pg_backup_->error();
    StartServer();
  }

  // The restore of docs/operations.md: stop the server, put the backup in place of its database, start
  // the server on it. On PostgreSQL the operator then sets a new epoch (docs/scale.md), as a SQLite
  // backup copy carries one already: without it the clients would not know to resynchronise.
  // With new_epoch false, the restored server keeps the epoch it had: the step an operator may forget.
  void RestoreBackup(bool new_epoch = true) {
    const std::string epoch = *ServerStore()->ServerEpoch();
    StopServer();
    if (GetParam() == Backend::kSqlite) {
      // No write-ahead log of the lost history may be applied to the restored copy.
      for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(server_db_ + suffix);
      std::filesystem::copy_file(dir_.File("backup.db"), server_db_);
      if (!new_epoch) {  // a SQLite backup copy carries a new epoch: put the old one back
        sqlite3* h = nullptr;
        ASSERT_EQ(sqlite3_open(server_db_.c_str(), &h), SQLITE_OK);
        const std::string sql = "UPDATE server_meta SET value = '" + epoch + "' WHERE key = 'epoch'";
        EXPECT_EQ(sqlite3_exec(h, sql.c_str(), nullptr, nullptr, nullptr), SQLITE_OK);
        EXPECT_EQ(sqlite3_changes(h), 1);
        sqlite3_close(h);
      }
    } else {
      ASSERT_EQ(pg_->RestoreFrom(*pg_backup_), "");
      if (new_epoch) {
        ASSERT_EQ(pg_->Exec("UPDATE server_meta SET value = md5(random()::text) WHERE key = 'epoch'"), "");
      }
    }
    StartServer();
  }

  SyncAgent& NewClient(const std::string& name, const std::string& token, Actor actor, const Clock* device = nullptr) {
    auto transport = std::make_unique<SwitchableTransport>(token);
    SwitchableTransport* raw = transport.get();
    raw->Point(url_);
    SyncAgentOptions o;
    o.replica_path = dir_.File(name + ".db");
    o.actor = std::move(actor);
    o.device_clock = device;
    o.initial_backoff = 20ms;
    o.max_backoff = 160ms;
    o.poll_interval = 100ms;
    o.jitter_seed = 7;
    o.synchronous_full = false;
    auto client = SyncAgent::Open(o, std::move(transport));
    EXPECT_TRUE(client.ok()) << client.status().ToString();
    devices_.push_back({std::move(client).value(), raw});
    return *devices_.back().client;
  }

  // Another connection to the server's database, beside the running server.
  std::unique_ptr<Store> ServerStore() { return testing::ReopenBackend(GetParam(), dir_, &clock_, pg_.get()); }

  // Tomorrow at hh:00 in Shanghai: in the future for the server's real clock, inside opening hours.
  static Instant Tomorrow(int hour) {
    CivilDate d = Shanghai().LocalDate(SystemClock().Now()).AddDays(1);
    return *Shanghai().ToInstant(d, hour * 60);
  }

  static BookingRequest Request(const std::string& resource, const std::string& school, Instant start, int minutes,
                                const std::string& title) {
    BookingRequest r;
    r.resource_id = resource;
    r.school_id = school;
    r.organizer = "测试";
    r.title = title;
    r.attendees = 10;
    r.start = start;
    r.end = start + minutes * kMinute;
    return r;
  }

  // The replica's bookings, facts and resources as sorted JSON lines (only those of `school`'s
  // resources when it is set): equal text means equal contents.
  static std::string Contents(Store& store, const std::string& school = "") {
    const TimeZone utc = TimeZone::Utc();
    std::vector<std::string> lines;
    ResourceFilter rf;
    rf.school_id = school;
    rf.include_inactive = true;
    auto resources = store.ListResources(rf);
    EXPECT_TRUE(resources.ok());
    std::set<std::string> ids;
    for (const auto& r : *resources) {
      ids.insert(r.id);
      lines.push_back("resource " + ToJson(r).dump());
    }
    auto bookings = store.ListBookings({});
    EXPECT_TRUE(bookings.ok());
    for (const auto& b : *bookings) {
      if (!school.empty() && ids.count(b.resource_id) == 0) continue;
      lines.push_back("booking " + ToJson(b, utc).dump());
    }
    auto facts = store.ListFacts({});
    EXPECT_TRUE(facts.ok());
    for (const auto& f : *facts) {
      if (!school.empty() && ids.count(f.resource_id) == 0) continue;
      lines.push_back("fact " + ToJson(f, utc).dump());
    }
    std::sort(lines.begin(), lines.end());
    std::string out;
    for (const auto& l : lines) out += l + "\n";
    return out;
  }

  static std::string Contents(SyncAgent& client, const std::string& school = "") {
    std::string out;
    EXPECT_TRUE(client
                    .WithReplica([&](Store& s) {
                      out = Contents(s, school);
                      return Status::Ok();
                    })
                    .ok());
    return out;
  }

  static Result<Booking> LocalBooking(SyncAgent& client, const std::string& id) {
    Result<Booking> out = Status::NotFound("");
    EXPECT_TRUE(client
                    .WithReplica([&](Store& s) {
                      out = s.GetBooking(id);
                      return Status::Ok();
                    })
                    .ok());
    return out;
  }

  SystemClock clock_;
  TempDir dir_;
  std::unique_ptr<testing::PgDatabase> pg_;         // declared before server_: the database outlives the server
  std::unique_ptr<testing::PgDatabase> pg_backup_;  // TakeBackup's copy on PostgreSQL
  std::string server_db_;                           // the server's --db: a SQLite file or a postgresql:// URL
  std::string url_;
  std::string admin_token_, manager_a_token_, manager_b_token_, kiosk_a_token_;
  testing::ServerProcess server_;
  std::vector<Device> devices_;
};

Actor ActorOf(Role role, const std::string& school) { return {"device-" + school, role, school}; }

// (1) A kiosk records 1,000 facts while the server is down; once it is up, all arrive once, in order.
TEST_P(SyncAgentTest, OfflineKioskFactsArriveOnceInOrder) {
  SyncAgent& kiosk = NewClient("kiosk", kiosk_a_token_, ActorOf(Role::kKiosk, "a"));  // no server yet
  std::vector<std::string> ids;
  const Instant base = SystemClock().Now() - 2 * kHour;
  for (int i = 0; i < 1000; ++i) {
    FactInput f;
    f.kind = i % 2 == 0 ? FactKind::kCheckOut : FactKind::kReturn;
    f.resource_id = i % 2 == 0 ? "a-field" : "a-balls";
    f.quantity = i % 2 == 0 ? 0 : 1;
    f.condition = i % 2 == 0 ? "" : "fine";
    f.at = base + i;
    auto w = kiosk.RecordFact(f);
    ASSERT_TRUE(w.ok()) << w.status().ToString();
    ASSERT_TRUE(w->queued);
    ASSERT_EQ(w->client_seq, i + 1);
    ids.push_back(w->entity_id);
  }
  Status offline = kiosk.SyncOnce();
  EXPECT_EQ(offline.code(), StatusCode::kUnavailable) << offline.ToString();
  SyncStatus s = kiosk.status();
  EXPECT_FALSE(s.online);
  EXPECT_EQ(s.pending, 1000);
  EXPECT_EQ(s.consecutive_failures, 1);
  // The facts are in the replica already, awaiting the server.
  auto awaiting = kiosk.AwaitingServer();
  ASSERT_TRUE(awaiting.ok());
  EXPECT_EQ(awaiting->size(), 1000u);

  StartServer();
  ASSERT_TRUE(kiosk.SyncOnce().ok()) << kiosk.status().last_error;
  ASSERT_TRUE(kiosk.SyncOnce().ok()) << kiosk.status().last_error;  // a second round changes nothing
  s = kiosk.status();
  EXPECT_TRUE(s.online);
  EXPECT_EQ(s.pending, 0);
  EXPECT_EQ(s.needs_attention, 0);
  EXPECT_EQ(s.server_last_client_seq, 1000);
  EXPECT_TRUE(kiosk.AwaitingServer()->empty());

  auto server = ServerStore();
  auto records = server->ListMutationRecords(kiosk.client_id(), 0, 5000);
  ASSERT_TRUE(records.ok());
  ASSERT_EQ(records->size(), 1000u);
  auto outbox = kiosk.Outbox();
  ASSERT_TRUE(outbox.ok());
  ASSERT_EQ(outbox->size(), 1000u);  // retained after acknowledgement
  for (std::size_t i = 0; i < 1000; ++i) {
    EXPECT_EQ((*records)[i].client_seq, static_cast<std::int64_t>(i + 1));
    EXPECT_EQ((*records)[i].mutation_id, (*outbox)[i].mutation_id);
    EXPECT_NE((*records)[i].status, "rejected");
    EXPECT_EQ((*outbox)[i].state, OutboxState::kAcked);
  }
  // Every fact once, and the server logged them in the order they were recorded.
  auto changes = server->ListChanges("d1", 0, 0, "");
  ASSERT_TRUE(changes.ok());
  std::vector<std::string> logged;
  for (const auto& c : *changes) {
    if (c.entity == "fact") logged.push_back(c.entity_id);
  }
  EXPECT_EQ(logged, ids);
  auto facts = server->ListFacts({});
  ASSERT_TRUE(facts.ok());
  EXPECT_EQ(facts->size(), 1000u);
  // The replica now holds the server's rows (received_at set by the server).
  std::size_t replicated = 0;
  ASSERT_TRUE(kiosk
                  .WithReplica([&](Store& st) {
                    for (const auto& f : *st.ListFacts({})) replicated += f.received_at > 0 ? 1 : 0;
                    return Status::Ok();
                  })
                  .ok());
  EXPECT_EQ(replicated, 1000u);
}

// (2) Two managers and a kiosk write, sync, and end with the same replica contents.
TEST_P(SyncAgentTest, ClientsConverge) {
  StartServer();
  SyncAgent& admin = NewClient("admin", admin_token_, ActorOf(Role::kDistrictAdmin, ""));
  SyncAgent& b = NewClient("manager-b", manager_b_token_, ActorOf(Role::kSchoolManager, "b"));
  SyncAgent& kiosk = NewClient("kiosk", kiosk_a_token_, ActorOf(Role::kKiosk, "a"));
  for (SyncAgent* c : {&admin, &b, &kiosk}) ASSERT_TRUE(c->SyncOnce().ok()) << c->status().last_error;
  EXPECT_EQ(Contents(admin), Contents(b));

  auto x = admin.CreateBooking(Request("a-field", "a", Tomorrow(10), 60, "年级足球赛"));
  ASSERT_TRUE(x.ok()) << x.status().ToString();
  ASSERT_TRUE(x->queued);
  // Optimistic: in the replica, pending with a local code, awaiting the server; never confirmed.
  auto local = LocalBooking(admin, x->entity_id);
  ASSERT_TRUE(local.ok());
  EXPECT_EQ(local->status, BookingStatus::kPending);
  EXPECT_EQ(local->code[0], '~');
  EXPECT_TRUE(admin.AwaitingServer()->count(x->entity_id));

  auto y = b.CreateBooking(Request("b-hall", "b", Tomorrow(14), 90, "家长会"));
  ASSERT_TRUE(y.ok() && y->queued);
  auto z = b.CreateBooking(Request("a-field-n", "b", Tomorrow(16), 60, "借用半场"));
  ASSERT_TRUE(z.ok() && z->queued);
  FactInput f;
  f.kind = FactKind::kCheckOut;
  f.resource_id = "a-lab";
  auto fact = kiosk.RecordFact(f);
  ASSERT_TRUE(fact.ok() && fact->queued);
  FactInput walk;
  walk.kind = FactKind::kWalkIn;
  walk.resource_id = "a-field-s";
  walk.at = SystemClock().Now();
  walk.end = walk.at + kHour;
  walk.title = "课外活动";
  auto w = kiosk.RecordFact(walk);
  ASSERT_TRUE(w.ok() && w->queued);

  for (int round = 0; round < 2; ++round) {
    for (SyncAgent* c : {&admin, &b, &kiosk}) ASSERT_TRUE(c->SyncOnce().ok()) << c->status().last_error;
  }
  auto confirmed = LocalBooking(admin, x->entity_id);
  ASSERT_TRUE(confirmed.ok());
  EXPECT_EQ(confirmed->status, BookingStatus::kConfirmed);
  EXPECT_NE(confirmed->code[0], '~');
  EXPECT_TRUE(admin.AwaitingServer()->empty());

  // A cancellation by the owner's side travels too.
  auto cancel = admin.CancelBooking(y->entity_id, "场地维修");
  ASSERT_TRUE(cancel.ok()) << cancel.status().ToString();
  ASSERT_TRUE(cancel->queued);
  EXPECT_EQ(LocalBooking(admin, y->entity_id)->status, BookingStatus::kCancelled);
  for (int round = 0; round < 2; ++round) {
    for (SyncAgent* c : {&admin, &b, &kiosk}) ASSERT_TRUE(c->SyncOnce().ok()) << c->status().last_error;
  }
  EXPECT_EQ(LocalBooking(b, y->entity_id)->status, BookingStatus::kCancelled);

  const std::string all = Contents(admin);
  EXPECT_EQ(all, Contents(b));
  EXPECT_EQ(Contents(admin, "a"), Contents(kiosk, "a"));
  EXPECT_NE(all.find("年级足球赛"), std::string::npos);
  // And they equal the server's own rows.
  auto server = ServerStore();
  EXPECT_EQ(all, Contents(*server));
  for (SyncAgent* c : {&admin, &b, &kiosk}) {
    EXPECT_EQ(c->status().pending, 0);
    EXPECT_EQ(c->status().needs_attention, 0);
  }
}

// Staff and classes replicate in their school's scope: a kiosk gets its own school's people and
// classes (snapshot, then pull), never another school's; a booking's class travels with it.
TEST_P(SyncAgentTest, StaffAndClassesReachTheirSchoolsKiosk) {
  {
    auto store = ServerStore();
    ASSERT_TRUE(store->PutStaff({"a-t1", "a", "李娜", "Li Na", "pe_teacher", true}, Actor::System()).ok());
    ASSERT_TRUE(store->PutStaff({"b-t1", "b", "王芳", "Wang Fang", "teacher", true}, Actor::System()).ok());
    ASSERT_TRUE(
        store
            ->PutClass({"a-g7-1", "a", "七年级(1)班", "Grade 7 Class 1", 7, 42, {{1, 470, 515}}, true}, Actor::System())
            .ok());
  }
  StartServer();
  SyncAgent& kiosk = NewClient("kiosk", kiosk_a_token_, ActorOf(Role::kKiosk, "a"));
  ASSERT_TRUE(kiosk.SyncOnce().ok()) << kiosk.status().last_error;
  auto people = [&](SyncAgent& c) {
    std::string out;
    EXPECT_TRUE(c.WithReplica([&](Store& s) {
                   for (const auto& m : *s.ListStaff()) out += m.id + " ";
                   for (const auto& k : *s.ListClasses()) out += k.id + "(" + std::to_string(k.lessons.size()) + ") ";
                   return Status::Ok();
                 }).ok());
    return out;
  };
  EXPECT_EQ(people(kiosk), "a-t1 a-g7-1(1) ");

  {  // a new colleague arrives while the kiosk runs: the next pull brings her
    auto store = ServerStore();
    ASSERT_TRUE(store->PutStaff({"a-t2", "a", "赵敏", "Zhao Min", "teacher", true}, Actor::System()).ok());
  }
  BookingRequest r = Request("a-field", "a", Tomorrow(15), 60, "七年级足球课");
  r.class_id = "a-g7-1";
  SyncAgent& manager = NewClient("manager-a", manager_a_token_, ActorOf(Role::kSchoolManager, "a"));
  ASSERT_TRUE(manager.SyncOnce().ok()) << manager.status().last_error;
  auto made = manager.CreateBooking(r);
  ASSERT_TRUE(made.ok() && made->queued) << made.status().ToString();
  for (int round = 0; round < 2; ++round) {
    for (SyncAgent* c : {&manager, &kiosk}) ASSERT_TRUE(c->SyncOnce().ok()) << c->status().last_error;
  }
  EXPECT_EQ(people(kiosk), "a-t1 a-t2 a-g7-1(1) ");
  auto at_kiosk = LocalBooking(kiosk, made->entity_id);
  ASSERT_TRUE(at_kiosk.ok());
  EXPECT_EQ(at_kiosk->class_id, "a-g7-1");
  EXPECT_EQ(ServerStore()->GetBooking(made->entity_id)->class_id, "a-g7-1");
}

// A weekly series travels as one mutation: its dates hold their slots as pending bookings under the
// server's ids until the server's rows replace them; all-or-nothing refuses it whole when one date is
// taken (needs attention, nothing left in the replica), skip-conflicts writes the free dates.
TEST_P(SyncAgentTest, WeeklySeriesIsOneMutationWithItsDatesAwaitingTheServer) {
  StartServer();
  SyncAgent& admin = NewClient("admin", admin_token_, ActorOf(Role::kDistrictAdmin, ""));
  SyncAgent& b = NewClient("manager-b", manager_b_token_, ActorOf(Role::kSchoolManager, "b"));
  ASSERT_TRUE(admin.SyncOnce().ok());
  ASSERT_TRUE(b.SyncOnce().ok());
  const CivilDate first = Shanghai().LocalDate(Tomorrow(10));
  auto series = [&](const std::string& title) {
    SeriesRequest r;
    r.series.resource_id = "a-field";
    r.series.school_id = "a";
    r.series.title = title;
    r.series.attendees = 20;
    r.series.first_date = first;
    r.series.last_date = first.AddDays(20);  // three weeks
    r.series.weekdays = {first.IsoWeekday()};
    r.series.start_minute = 16 * 60;
    r.series.end_minute = 17 * 60;
    r.series.exceptions = {first.AddDays(7)};  // the middle week is off
    return r;
  };
  auto made = admin.CreateSeries(series("足球社团"));
  ASSERT_TRUE(made.ok()) << made.status().ToString();
  ASSERT_TRUE(made->queued);
  EXPECT_EQ(made->series.created, 2);
  const std::string day1 = SeriesOccurrenceId(made->entity_id, first);
  const std::string day3 = SeriesOccurrenceId(made->entity_id, first.AddDays(14));
  EXPECT_EQ(LocalBooking(admin, day1)->status, BookingStatus::kPending);
  EXPECT_TRUE(admin.AwaitingServer()->count(day3));
  for (int round = 0; round < 2; ++round) ASSERT_TRUE(admin.SyncOnce().ok()) << admin.status().last_error;
  EXPECT_EQ(LocalBooking(admin, day1)->status, BookingStatus::kConfirmed);
  EXPECT_EQ(LocalBooking(admin, day3)->series_id, made->entity_id);
  EXPECT_FALSE(LocalBooking(admin, SeriesOccurrenceId(made->entity_id, first.AddDays(7))).ok());
  EXPECT_TRUE(admin.AwaitingServer()->empty());
  EXPECT_EQ(ServerStore()->GetSeries(made->entity_id)->title, "足球社团");

  // School b takes the middle week's slot meanwhile; an offline all-or-nothing series with that date
  // is refused whole by the server.
  auto taken = b.CreateBooking(Request("a-field", "b", Tomorrow(17) + 7 * 24 * kHour, 60, "借用"));
  ASSERT_TRUE(taken.ok() && taken->queued);
  ASSERT_TRUE(b.SyncOnce().ok());
  SeriesRequest clash = series("第二个社团");
  clash.series.exceptions.clear();
  clash.series.start_minute = 17 * 60;
  clash.series.end_minute = 18 * 60;
  auto whole = admin.CreateSeries(clash, {/*judge_locally=*/false});
  ASSERT_TRUE(whole.ok() && whole->queued);
  for (int round = 0; round < 2; ++round) ASSERT_TRUE(admin.SyncOnce().ok());
  auto attention = admin.NeedsAttention();
  ASSERT_TRUE(attention.ok());
  ASSERT_EQ(attention->size(), 1u);
  EXPECT_EQ((*attention)[0].name, "create_series");
  EXPECT_FALSE(LocalBooking(admin, SeriesOccurrenceId(whole->entity_id, first.AddDays(14))).ok());

  clash.mode = SeriesRequest::Mode::kSkipConflicts;
  clash.series.id.clear();
  auto free_ones = admin.CreateSeries(clash);
  ASSERT_TRUE(free_ones.ok() && free_ones->queued);
  EXPECT_EQ(free_ones->series.created, 2);
  EXPECT_EQ(free_ones->series.refused, 1);
  for (int round = 0; round < 2; ++round) ASSERT_TRUE(admin.SyncOnce().ok());
  EXPECT_EQ(LocalBooking(admin, SeriesOccurrenceId(free_ones->entity_id, first))->status, BookingStatus::kConfirmed);
  EXPECT_FALSE(LocalBooking(admin, SeriesOccurrenceId(free_ones->entity_id, first.AddDays(7))).ok());
  EXPECT_EQ(admin.NeedsAttention()->size(), 1u);
}

// (3) Two offline managers book the same slot: the second to arrive is refused, shown in
// needs-attention, and never appears as a confirmed (or any) booking in its replica.
TEST_P(SyncAgentTest, RejectedCreateNeedsAttention) {
  StartServer();
  SyncAgent& a = NewClient("manager-a", manager_a_token_, ActorOf(Role::kSchoolManager, "a"));
  SyncAgent& b = NewClient("manager-b", manager_b_token_, ActorOf(Role::kSchoolManager, "b"));
  ASSERT_TRUE(a.SyncOnce().ok()) << a.status().last_error;
  ASSERT_TRUE(b.SyncOnce().ok()) << b.status().last_error;
  StopServer();
  auto first = b.CreateBooking(Request("a-field", "b", Tomorrow(9), 60, "乙校借场"));
  auto second = a.CreateBooking(Request("a-field", "a", Tomorrow(9), 60, "甲校自用"));
  ASSERT_TRUE(first.ok() && first->queued);
  ASSERT_TRUE(second.ok() && second->queued) << "each replica alone sees a free slot";
  EXPECT_EQ(LocalBooking(a, second->entity_id)->status, BookingStatus::kPending);

  StartServer();
  ASSERT_TRUE(b.SyncOnce().ok()) << b.status().last_error;
  ASSERT_TRUE(a.SyncOnce().ok()) << a.status().last_error;

  auto attention = a.NeedsAttention();
  ASSERT_TRUE(attention.ok());
  ASSERT_EQ(attention->size(), 1u);
  EXPECT_EQ((*attention)[0].mutation_id, second->mutation_id);
  EXPECT_EQ((*attention)[0].error, "overlap");
  EXPECT_FALSE((*attention)[0].message.empty());
  EXPECT_EQ(a.status().needs_attention, 1);
  EXPECT_EQ(a.status().pending, 0);
  EXPECT_EQ(LocalBooking(a, second->entity_id).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(LocalBooking(a, first->entity_id)->status, BookingStatus::kConfirmed);  // the winner, pulled
  EXPECT_FALSE(a.AwaitingServer()->count(second->entity_id));
  auto outbox = a.Outbox();
  ASSERT_TRUE(outbox.ok());
  EXPECT_EQ(outbox->back().state, OutboxState::kRejected);

  // Persistent until dismissed, also across a restart of the client.
  ASSERT_TRUE(a.SyncOnce().ok());
  EXPECT_EQ(a.NeedsAttention()->size(), 1u);
  ASSERT_TRUE(a.Dismiss(second->mutation_id).ok());
  EXPECT_EQ(a.status().needs_attention, 0);
  EXPECT_TRUE(a.NeedsAttention()->empty());
  EXPECT_EQ(a.NeedsAttention(true)->size(), 1u);
}

// Catalogue edits: written into the replica at once (awaiting the server), accepted by the server and
// pulled by another client; a refused one (another school's resource) is rolled back in the replica
// and needs attention.
TEST_P(SyncAgentTest, CatalogueEditsReachOtherClientsAndRefusalsRollBack) {
  StartServer();
  SyncAgent& a = NewClient("manager-a", manager_a_token_, ActorOf(Role::kSchoolManager, "a"));
  SyncAgent& b = NewClient("manager-b", manager_b_token_, ActorOf(Role::kSchoolManager, "b"));
  for (SyncAgent* c : {&a, &b}) ASSERT_TRUE(c->SyncOnce().ok()) << c->status().last_error;
  auto local = [](SyncAgent& c, auto get) {
    std::optional<decltype(get(std::declval<Store&>()))> out;
    EXPECT_TRUE(c.WithReplica([&](Store& s) {
                   out.emplace(get(s));
                   return Status::Ok();
                 }).ok());
    return std::move(out).value();
  };
  auto hall_of = [&](SyncAgent& c, const std::string& id) {
    return local(c, [&](Store& s) { return s.GetResource(id); });
  };

  Resource hall = *hall_of(a, "a-hall");
  hall.name = "甲校新礼堂";
  hall.capacity = 350;
  hall.opening_hours = {{6, 9 * 60, 12 * 60}};
  hall.policy.weekly_cap_minutes = 6 * 60;
  auto edit = a.PutResource(hall);
  ASSERT_TRUE(edit.ok() && edit->queued) << edit.status().ToString();
  EXPECT_EQ(hall_of(a, "a-hall")->name, "甲校新礼堂");  // optimistic: in the replica at once
  EXPECT_TRUE(a.AwaitingServer()->count("a-hall"));

  Blackout closed;
  closed.id = "a-hall-works";
  closed.resource_id = "a-hall";
  closed.school_id = "a";
  closed.start = Tomorrow(8);
  closed.end = Tomorrow(12);
  closed.reason = "舞台检修";
  ASSERT_TRUE(a.PutBlackout(closed)->queued);
  ASSERT_TRUE(a.PutStaff({"a-t9", "a", "周强", "Zhou Qiang", "facility_manager", true})->queued);
  ASSERT_TRUE(a.PutClass({"a-g8-2", "a", "八年级(2)班", "Grade 8 Class 2", 8, 45, {{2, 480, 520}}, true})->queued);
  EXPECT_EQ(a.status().pending, 4);
  for (SyncAgent* c : {&a, &b}) ASSERT_TRUE(c->SyncOnce().ok()) << c->status().last_error;
  EXPECT_EQ(a.status().pending, 0);
  EXPECT_TRUE(a.NeedsAttention()->empty());
  EXPECT_FALSE(a.AwaitingServer()->count("a-hall"));

  const Resource at_b = *hall_of(b, "a-hall");  // the other school's client has the edit
  EXPECT_EQ(at_b.name, "甲校新礼堂");
  EXPECT_EQ(at_b.capacity, 350);
  EXPECT_EQ(at_b.opening_hours, hall.opening_hours);
  EXPECT_EQ(at_b.policy.weekly_cap_minutes, 6 * 60);
  EXPECT_EQ(ServerStore()->GetResource("a-hall")->name, "甲校新礼堂");
  EXPECT_EQ(local(b, [](Store& s) { return s.GetBlackout("a-hall-works"); })->reason, "舞台检修");
  EXPECT_EQ(ServerStore()->GetStaff("a-t9")->name, "周强");
  EXPECT_EQ(ServerStore()->GetClass("a-g8-2")->students, 45);

  // Removing the blackout: gone locally at once, then at the server and the other client.
  ASSERT_TRUE(a.DeleteBlackout("a-hall-works")->queued);
  EXPECT_EQ(local(a, [](Store& s) { return s.GetBlackout("a-hall-works"); }).status().code(), StatusCode::kNotFound);
  for (SyncAgent* c : {&a, &b}) ASSERT_TRUE(c->SyncOnce().ok()) << c->status().last_error;
  EXPECT_EQ(local(b, [](Store& s) { return s.GetBlackout("a-hall-works"); }).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(ServerStore()->GetBlackout("a-hall-works").status().code(), StatusCode::kNotFound);

  // Another school's resource: refused locally with the reason, nothing queued...
  Resource theirs = *hall_of(a, "b-hall");
  theirs.name = "被改掉的报告厅";
  auto refused = a.PutResource(theirs);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(a.status().pending, 0);
  Resource broken = hall;
  broken.capacity = -1;
  EXPECT_EQ(a.PutResource(broken).status().code(), StatusCode::kInvalidArgument);  // the store's own checks
  EXPECT_EQ(a.DeleteBlackout("no-such-blackout").status().code(), StatusCode::kNotFound);

  // ...and when queued anyway (a client that does not judge), the server refuses it: the replica gets
  // the server's row back and the edit needs attention.
  CreateLocalOptions blind;
  blind.judge_locally = false;
  auto sent = a.PutResource(theirs, blind);
  ASSERT_TRUE(sent.ok() && sent->queued) << sent.status().ToString();
  EXPECT_EQ(hall_of(a, "b-hall")->name, "被改掉的报告厅");
  ASSERT_TRUE(a.SyncOnce().ok()) << a.status().last_error;
  EXPECT_EQ(hall_of(a, "b-hall")->name, "乙校报告厅");
  EXPECT_EQ(ServerStore()->GetResource("b-hall")->name, "乙校报告厅");
  auto attention = a.NeedsAttention();
  ASSERT_TRUE(attention.ok());
  ASSERT_EQ(attention->size(), 1u);
  EXPECT_EQ((*attention)[0].mutation_id, sent->mutation_id);
  EXPECT_EQ((*attention)[0].name, "put_resource");
  EXPECT_EQ((*attention)[0].error, "forbidden");
  EXPECT_NE((*attention)[0].message.find("school \"b\""), std::string::npos) << (*attention)[0].message;
  EXPECT_FALSE(a.AwaitingServer()->count("b-hall"));
}

// A school's manager edits its profile and class periods through the queue; every client gets them and
// the school keeps its resources. The weak flag is the district office's: refused locally, and by the
// server when sent anyway (the replica gets the server's row back); the district admin may set it.
TEST_P(SyncAgentTest, SchoolProfileEditsReachEveryClientAndTheWeakFlagIsTheDistricts) {
  StartServer();
  SyncAgent& a = NewClient("manager-a", manager_a_token_, ActorOf(Role::kSchoolManager, "a"));
  SyncAgent& b = NewClient("manager-b", manager_b_token_, ActorOf(Role::kSchoolManager, "b"));
  SyncAgent& admin = NewClient("admin", admin_token_, ActorOf(Role::kDistrictAdmin, ""));
  for (SyncAgent* c : {&a, &b, &admin}) ASSERT_TRUE(c->SyncOnce().ok()) << c->status().last_error;
  auto school_at = [](SyncAgent& c, const std::string& id) {
    School out;
    EXPECT_TRUE(c.WithReplica([&](Store& s) -> Status {
                   SS_ASSIGN_OR_RETURN(out, s.GetSchool(id));
                   return Status::Ok();
                 }).ok());
    return out;
  };
  auto resources_at = [](SyncAgent& c, const std::string& school) {
    std::size_t n = 0;
    EXPECT_TRUE(c.WithReplica([&](Store& s) -> Status {
                   ResourceFilter f;
                   f.school_id = school;
                   SS_ASSIGN_OR_RETURN(std::vector<Resource> list, s.ListResources(f));
                   n = list.size();
                   return Status::Ok();
                 }).ok());
    return n;
  };
  const std::size_t resources = resources_at(b, "a");
  ASSERT_GT(resources, 0u);

  School mine = school_at(a, "a");
  mine.students = 1234;
  mine.name_en = "School A";
  mine.periods = {{1, 8 * 60, 8 * 60 + 40}, {2, 8 * 60 + 50, 9 * 60 + 30}};
  auto edit = a.PutSchool(mine);
  ASSERT_TRUE(edit.ok() && edit->queued) << edit.status().ToString();
  EXPECT_EQ(school_at(a, "a").students, 1234);  // optimistic
  EXPECT_TRUE(a.AwaitingServer()->count("a"));
  for (SyncAgent* c : {&a, &b}) ASSERT_TRUE(c->SyncOnce().ok()) << c->status().last_error;
  EXPECT_EQ(a.status().pending, 0);
  EXPECT_TRUE(a.NeedsAttention()->empty());
  EXPECT_EQ(ServerStore()->GetSchool("a")->periods, mine.periods);
  EXPECT_EQ(school_at(b, "a").students, 1234);
  EXPECT_EQ(school_at(b, "a").periods, mine.periods);
  EXPECT_EQ(resources_at(b, "a"), resources) << "replacing the school's row must keep its resources";

  School overlapping = mine;
  overlapping.periods = {{1, 480, 530}, {2, 520, 560}};
  auto bad = a.PutSchool(overlapping);
  EXPECT_EQ(bad.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(bad.status().message().find("overlaps"), std::string::npos) << bad.status().ToString();

  School weak = mine;
  weak.weak = !mine.weak;
  auto refused = a.PutSchool(weak);
  EXPECT_EQ(refused.status().code(), StatusCode::kPermissionDenied);
  EXPECT_NE(refused.status().message().find("weak flag"), std::string::npos) << refused.status().ToString();
  EXPECT_EQ(b.PutSchool(mine).status().code(), StatusCode::kPermissionDenied) << "another school's profile";
  EXPECT_EQ(a.status().pending, 0);

  CreateLocalOptions blind;
  blind.judge_locally = false;
  auto sent = a.PutSchool(weak, blind);
  ASSERT_TRUE(sent.ok() && sent->queued) << sent.status().ToString();
  EXPECT_EQ(school_at(a, "a").weak, weak.weak);
  ASSERT_TRUE(a.SyncOnce().ok()) << a.status().last_error;
  EXPECT_EQ(school_at(a, "a").weak, mine.weak) << "the server's row is back";
  EXPECT_EQ(ServerStore()->GetSchool("a")->weak, mine.weak);
  auto attention = a.NeedsAttention();
  ASSERT_TRUE(attention.ok());
  ASSERT_EQ(attention->size(), 1u);
  EXPECT_EQ((*attention)[0].name, "put_school");
  EXPECT_EQ((*attention)[0].error, "forbidden");

  ASSERT_TRUE(admin.SyncOnce().ok()) << admin.status().last_error;
  auto designated = admin.PutSchool(weak);
  ASSERT_TRUE(designated.ok() && designated->queued) << designated.status().ToString();
  for (SyncAgent* c : {&admin, &a}) ASSERT_TRUE(c->SyncOnce().ok()) << c->status().last_error;
  EXPECT_EQ(ServerStore()->GetSchool("a")->weak, weak.weak);
  EXPECT_EQ(school_at(a, "a").weak, weak.weak);
  EXPECT_EQ(school_at(a, "a").students, 1234);
}

// (4) The server is restored from an older backup: the client sees the new epoch, re-sends what the
// server lost, and nothing is doubled.
TEST_P(SyncAgentTest, ServerRestoredFromOlderBackup) {
  StartServer();
  SyncAgent& admin = NewClient("admin", admin_token_, ActorOf(Role::kDistrictAdmin, ""));
  SyncAgent& kiosk = NewClient("kiosk", kiosk_a_token_, ActorOf(Role::kKiosk, "a"));
  ASSERT_TRUE(admin.SyncOnce().ok()) << admin.status().last_error;
  auto x1 = admin.CreateBooking(Request("a-field", "a", Tomorrow(8), 60, "备份前"));
  ASSERT_TRUE(x1.ok() && x1->queued);
  FactInput f1;
  f1.kind = FactKind::kCheckOut;
  f1.resource_id = "a-lab";
  ASSERT_TRUE(kiosk.RecordFact(f1).ok());
  ASSERT_TRUE(admin.SyncOnce().ok()) << admin.status().last_error;
  ASSERT_TRUE(kiosk.SyncOnce().ok()) << kiosk.status().last_error;
  const std::string old_epoch = admin.status().server_epoch;

  ASSERT_NO_FATAL_FAILURE(TakeBackup());

  auto x2 = admin.CreateBooking(Request("a-field", "a", Tomorrow(12), 60, "备份后"));
  ASSERT_TRUE(x2.ok() && x2->queued);
  FactInput f2 = f1;
  auto fact2 = kiosk.RecordFact(f2);
  ASSERT_TRUE(fact2.ok());
  ASSERT_TRUE(admin.SyncOnce().ok()) << admin.status().last_error;
  ASSERT_TRUE(kiosk.SyncOnce().ok()) << kiosk.status().last_error;
  EXPECT_EQ(admin.status().server_last_client_seq, 2);
  EXPECT_EQ(kiosk.status().server_last_client_seq, 2);

  ASSERT_NO_FATAL_FAILURE(RestoreBackup());

  // The kiosk writes one more fact while the restored server runs.
  FactInput f3 = f1;
  ASSERT_TRUE(kiosk.RecordFact(f3).ok());
  for (int round = 0; round < 2; ++round) {
    ASSERT_TRUE(admin.SyncOnce().ok()) << admin.status().last_error;
    ASSERT_TRUE(kiosk.SyncOnce().ok()) << kiosk.status().last_error;
  }
  EXPECT_NE(admin.status().server_epoch, old_epoch);
  EXPECT_GE(admin.status().snapshots, 2);  // the first sync, and after the restore
  EXPECT_EQ(admin.status().server_last_client_seq, 2);
  EXPECT_EQ(kiosk.status().server_last_client_seq, 3);

  auto server = ServerStore();
  BookingFilter all;
  auto bookings = server->ListBookings(all);
  ASSERT_TRUE(bookings.ok());
  std::map<std::string, int> titles;
  for (const auto& b : *bookings) ++titles[b.title];
  EXPECT_EQ(titles["备份前"], 1);
  EXPECT_EQ(titles["备份后"], 1);
  auto replayed = server->GetBooking(x2->entity_id);
  ASSERT_TRUE(replayed.ok()) << "the booking made after the backup was not replayed: " << replayed.status().ToString();
  EXPECT_EQ(replayed->status, BookingStatus::kConfirmed);
  auto facts = server->ListFacts({});
  ASSERT_TRUE(facts.ok());
  EXPECT_EQ(facts->size(), 3u);
  EXPECT_EQ(admin.status().needs_attention, 0);
  EXPECT_EQ(kiosk.status().needs_attention, 0);
  EXPECT_EQ(Contents(admin), Contents(*server));
  EXPECT_EQ(Contents(kiosk, "a"), Contents(*server, "a"));
}

// A server restored without a new epoch (the step an operator may skip after a PostgreSQL restore,
// docs/operations.md) answers with a last_client_seq below what it once acknowledged to this client.
// The client notices although nothing of its own is pending: it registers again, re-sends what the
// server lost and reloads its replica.
TEST_P(SyncAgentTest, AServerRestoredWithoutANewEpochGetsBackWhatItLost) {
  StartServer();
  SyncAgent& admin = NewClient("admin", admin_token_, ActorOf(Role::kDistrictAdmin, ""));
  ASSERT_TRUE(admin.SyncOnce().ok()) << admin.status().last_error;
  auto x1 = admin.CreateBooking(Request("a-field", "a", Tomorrow(8), 60, "备份前"));
  ASSERT_TRUE(x1.ok() && x1->queued);
  ASSERT_TRUE(admin.SyncOnce().ok()) << admin.status().last_error;
  const std::string epoch = admin.status().server_epoch;
  ASSERT_NO_FATAL_FAILURE(TakeBackup());
  auto x2 = admin.CreateBooking(Request("a-field", "a", Tomorrow(12), 60, "备份后"));
  ASSERT_TRUE(x2.ok() && x2->queued);
  ASSERT_TRUE(admin.SyncOnce().ok()) << admin.status().last_error;
  ASSERT_EQ(admin.status().server_last_client_seq, 2);

  ASSERT_NO_FATAL_FAILURE(RestoreBackup(/*new_epoch=*/false));
  ASSERT_EQ(*ServerStore()->ServerEpoch(), epoch);
  ASSERT_EQ(ServerStore()->GetBooking(x2->entity_id).status().code(), StatusCode::kNotFound);
  ASSERT_TRUE(admin.SyncOnce().ok()) << admin.status().last_error;

  EXPECT_EQ(admin.status().server_epoch, epoch);
  EXPECT_EQ(admin.status().server_last_client_seq, 2);
  EXPECT_EQ(admin.status().pending, 0);
  auto server = ServerStore();
  auto replayed = server->GetBooking(x2->entity_id);
  ASSERT_TRUE(replayed.ok()) << "the booking the restored server lost was not sent again: "
                             << replayed.status().ToString();
  EXPECT_EQ(replayed->title, "备份后");
  EXPECT_EQ(server->ListBookings({})->size(), 2u);  // nothing doubled
  EXPECT_EQ(admin.status().needs_attention, 0);
  EXPECT_EQ(Contents(admin), Contents(*server));
}

// (5) Status values and backoff: offline rounds back off exponentially with jitter; the worker keeps
// trying, comes online when the server appears, and a long pull is reported page by page.
TEST_P(SyncAgentTest, StatusAndBackoffAreObservable) {
  ManualClock device(SystemClock().Now() - kHour);  // the device's clock is an hour slow
  SyncAgent& kiosk = NewClient("kiosk", kiosk_a_token_, ActorOf(Role::kKiosk, "a"), &device);
  SyncStatus s = kiosk.status();
  EXPECT_FALSE(s.running);
  EXPECT_EQ(s.last_success_at, 0);
  EXPECT_EQ(s.clock_synced_at, 0);
  for (int i = 1; i <= 4; ++i) {
    EXPECT_FALSE(kiosk.SyncOnce().ok());
    s = kiosk.status();
    EXPECT_EQ(s.consecutive_failures, i);
    const auto cap = std::min<std::int64_t>(20 << (i - 1), 160);
    EXPECT_GE(s.backoff.count(), cap / 2) << "round " << i;
    EXPECT_LE(s.backoff.count(), cap) << "round " << i;
    EXPECT_NE(s.last_error.find("offline"), std::string::npos);
    EXPECT_FALSE(s.online);
  }
  FactInput f;
  f.kind = FactKind::kCheckOut;
  f.resource_id = "a-field";
  auto unsynced = kiosk.RecordFact(f);
  ASSERT_TRUE(unsynced.ok());
  EXPECT_EQ(kiosk.status().pending, 1);

  // The worker retries on its own while offline.
  kiosk.Start();
  EXPECT_TRUE(kiosk.status().running);
  const int before = devices_.back().transport->calls();
  for (int i = 0; i < 200 && devices_.back().transport->calls() < before + 3; ++i) std::this_thread::sleep_for(10ms);
  EXPECT_GE(devices_.back().transport->calls(), before + 3);

  // Many changes on the server, so the kiosk's pull takes several pages.
  {
    auto server = ServerStore();
    for (int i = 0; i < 30; ++i) {
      Blackout b;
      b.id = "bo-" + std::to_string(i);
      b.resource_id = "a-lab";
      b.school_id = "a";
      b.start = Tomorrow(20) + i * kDay;
      b.end = b.start + kHour;
      b.reason = "维护";
      ASSERT_TRUE(server->PutBlackout(b, Actor::System()).ok());
    }
  }
  StartServer();
  kiosk.SyncNow();
  for (int i = 0; i < 500 && (kiosk.status().rounds == 0 || kiosk.status().pending > 0); ++i) {
    std::this_thread::sleep_for(10ms);
  }
  kiosk.Stop();
  s = kiosk.status();
  EXPECT_FALSE(s.running);
  EXPECT_TRUE(s.online);
  EXPECT_GE(s.rounds, 1);
  EXPECT_EQ(s.pending, 0);
  EXPECT_EQ(s.consecutive_failures, 0);
  EXPECT_EQ(s.backoff.count(), 0);
  EXPECT_TRUE(s.last_error.empty());
  EXPECT_GT(s.last_success_at, 0);
  EXPECT_EQ(s.server_last_client_seq, 1);
  // The offset is measured: the device is an hour slow.
  EXPECT_NEAR(static_cast<double>(s.clock_offset), 3600.0, 5.0);
  EXPECT_GT(s.clock_synced_at, 0);
  EXPECT_NEAR(static_cast<double>(kiosk.ServerNow()), static_cast<double>(SystemClock().Now()), 5.0);

  // A fact recorded now carries the corrected time and when the clock was synced.
  auto synced = kiosk.RecordFact(f);
  ASSERT_TRUE(synced.ok());
  auto outbox = kiosk.Outbox();
  ASSERT_TRUE(outbox.ok());
  Json args = Json::parse(outbox->back().args);
  auto at = TimeZone::Utc().Parse(args["at"].get<std::string>());
  ASSERT_TRUE(at.ok());
  EXPECT_NEAR(static_cast<double>(*at), static_cast<double>(SystemClock().Now()), 5.0);
  EXPECT_TRUE(args["clock_synced_at"].is_string());
  EXPECT_TRUE(Json::parse(outbox->front().args)["clock_synced_at"].is_null());  // recorded before any sync

  // A fresh client with a small page size reports its catch-up page by page.
  SyncAgentOptions small;
  auto transport = std::make_unique<SwitchableTransport>(admin_token_);
  transport->Point(url_);
  small.replica_path = dir_.File("paged.db");
  small.actor = ActorOf(Role::kDistrictAdmin, "");
  small.pull_limit = 5;
  small.synchronous_full = false;
  auto paged = SyncAgent::Open(small, std::move(transport));
  ASSERT_TRUE(paged.ok());
  ASSERT_TRUE((*paged)->SyncOnce().ok());  // a snapshot first: nothing to page
  {
    auto server = ServerStore();
    for (int i = 30; i < 42; ++i) {
      Blackout b;
      b.id = "bo-" + std::to_string(i);
      b.resource_id = "a-lab";
      b.school_id = "a";
      b.start = Tomorrow(20) + i * kDay;
      b.end = b.start + kHour;
      ASSERT_TRUE(server->PutBlackout(b, Actor::System()).ok());
    }
  }
  ASSERT_TRUE((*paged)->SyncOnce().ok());
  SyncStatus p = (*paged)->status();
  EXPECT_EQ(p.pull_changes, 12);
  EXPECT_EQ(p.pull_pages, 3);
  EXPECT_FALSE(p.pull_more);
}

INSTANTIATE_TEST_SUITE_P(Backends, SyncAgentTest, ::testing::Values(Backend::kSqlite, Backend::kPostgres),
                         testing::BackendName);

}  // namespace
}  // namespace schoolshare
