// A backup taken while clients push (issue 7): kiosks record returns and a school manager books, each
// through its own SyncAgent against the real `schoolshare-sync`, while `schoolshare backup` copies the
// live database. The copy, restored into a fresh file, must pass PRAGMA integrity_check, have the
// current schema version and be a consistent prefix of the live database (its change log the live
// one's first versions, contiguous; each booking and fact in it also live). A server started on the
// restored file serves a new client from nothing, and the clients that had pushed to the lost server
// continue from it: they resynchronise and re-send what it lacks, so it ends with every live fact.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "cli/cli_harness.h"
#include "damaged_db.h"
#include "schoolshare/ids.h"
#include "schoolshare/sync_client.h"
#include "sync/server_process.h"
#include "sync/switchable_transport.h"
#include "testutil.h"

namespace schoolshare::testing {
namespace {

struct LoadClient {
  std::string name;
  std::string replica;
  SwitchableTransport* transport = nullptr;
  std::unique_ptr<SyncAgent> agent;
  bool kiosk = true;
  int written = 0;
};

std::unique_ptr<LoadClient> OpenClient(const std::string& dir, const std::string& name, const std::string& token,
                                       Actor actor, const std::string& url) {
  auto c = std::make_unique<LoadClient>();
  c->name = name;
  c->replica = dir + "/" + name + ".db";
  c->kiosk = actor.role == Role::kKiosk;
  auto transport = std::make_unique<SwitchableTransport>(token);
  c->transport = transport.get();
  c->transport->Point(url);
  SyncAgentOptions o;
  o.replica_path = c->replica;
  o.actor = std::move(actor);
  o.synchronous_full = false;
  o.push_batch = 20;
  o.initial_backoff = std::chrono::milliseconds(10);
  o.max_backoff = std::chrono::milliseconds(20);
  auto agent = SyncAgent::Open(o, std::move(transport));
  EXPECT_TRUE(agent.ok()) << agent.status().ToString();
  if (agent.ok()) c->agent = std::move(agent).value();
  return c;
}

// One unit of load: a kiosk records a return of school a's footballs; the manager books a-field for an
// hour of its own (07:00..21:00 from three days ahead, one slot per booking, so none conflicts).
void WriteOne(LoadClient& c) {
  if (c.kiosk) {
    FactInput f;
    f.kind = FactKind::kReturn;
    f.resource_id = "a-balls";
    f.quantity = 1;
    f.condition = "fine";
    f.note = "backup drill";
    auto done = c.agent->RecordFact(f);
    EXPECT_TRUE(done.ok() && done->queued);
  } else {
    const CivilDate day = Shanghai().LocalDate(SystemClock().Now()).AddDays(3 + c.written / 14);
    BookingRequest r;
    r.id = NewUuid();
    r.resource_id = "a-field";
    r.school_id = "a";
    r.organizer = r.title = "backup drill";
    r.activity_type = "sports";
    r.attendees = 20;
    r.start = *Shanghai().ToInstant(day, (7 + c.written % 14) * 60);
    r.end = r.start + kHour;
    auto done = c.agent->CreateBooking(r);
    EXPECT_TRUE(done.ok() && done->queued) << (done.ok() ? done->outcome.booking.id : done.status().ToString());
  }
  ++c.written;
}

// Rows of one query as text, one string per row (columns joined by '|'), straight from sqlite3.
std::vector<std::string> Rows(const std::string& path, const std::string& sql) {
  sqlite3* h = nullptr;
  std::vector<std::string> rows;
  EXPECT_EQ(sqlite3_open_v2(path.c_str(), &h, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
  sqlite3_stmt* st = nullptr;
  EXPECT_EQ(sqlite3_prepare_v2(h, sql.c_str(), -1, &st, nullptr), SQLITE_OK) << sqlite3_errmsg(h);
  while (st && sqlite3_step(st) == SQLITE_ROW) {
    std::string row;
    for (int i = 0; i < sqlite3_column_count(st); ++i) {
      const auto* t = sqlite3_column_text(st, i);
      row += (i ? "|" : "") + std::string(t ? reinterpret_cast<const char*>(t) : "");
    }
    rows.push_back(row);
  }
  sqlite3_finalize(st);
  sqlite3_close(h);
  return rows;
}

std::map<std::string, std::string> Keyed(const std::vector<std::string>& rows) {
  std::map<std::string, std::string> m;
  for (const auto& r : rows) m[r.substr(0, r.find('|'))] = r;
  return m;
}

bool SyncUntilQuiet(std::vector<std::unique_ptr<LoadClient>>& clients) {
  for (int round = 0, quiet = 0; round < 40; ++round) {
    bool all_ok = true;
    for (auto& c : clients) all_ok = c->agent->SyncOnce().ok() && c->agent->status().pending == 0 && all_ok;
    quiet = all_ok ? quiet + 1 : 0;
    if (quiet == 2) return true;
  }
  return false;
}

TEST(BackupDrill, BackupUnderLoadRestoresToAConsistentPrefixThatClientsContinueFrom) {
  TempDir dir;
  const std::string work = dir.File("");
  const std::string live = dir.File("server.db");
  SystemClock real;
  std::map<std::string, std::pair<std::string, Actor>> who = {
      {"kiosk-1", {"", {"backup-kiosk-1", Role::kKiosk, "a"}}},
      {"kiosk-2", {"", {"backup-kiosk-2", Role::kKiosk, "a"}}},
      {"kiosk-3", {"", {"backup-kiosk-3", Role::kKiosk, "a"}}},
      {"manager", {"", {"backup-manager", Role::kSchoolManager, "a"}}},
      {"newcomer", {"", {"backup-newcomer", Role::kKiosk, "a"}}},
  };
  {
    auto store = OpenStore(live, &real);
    ASSERT_NE(store, nullptr);
    SeedSmallDistrict(*store);
    for (auto& [name, t] : who) t.first = IssueTestToken(*store, t.second.role, "a", real.Now());
  }
  ServerProcess server;
  ASSERT_TRUE(server.Start(live, work + "server.log"));
  const std::string url = "http://127.0.0.1:" + std::to_string(server.port());
  std::vector<std::unique_ptr<LoadClient>> clients;
  for (const auto& [name, t] : who) {
    if (name == "newcomer") continue;
    clients.push_back(OpenClient(work, name, t.first, t.second, url));
    ASSERT_NE(clients.back()->agent, nullptr);
    ASSERT_TRUE(clients.back()->agent->SyncOnce().ok());  // the catalogue, before anything is booked
  }

  // Load: every client writes and syncs in its own thread until told to stop.
  std::atomic<bool> stop{false};
  std::atomic<int> rounds{0};
  std::vector<std::thread> load;
  for (auto& c : clients) {
    load.emplace_back([&stop, &rounds, &c] {
      while (!stop) {
        WriteOne(*c);
        if (c->written % 2 == 0) WriteOne(*c);
        (void)c->agent->SyncOnce();
        ++rounds;
      }
    });
  }
  while (rounds < 40) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  const std::string backup = dir.File("backup.db");
  const int rounds_before = rounds;
  const CliRun made = [&] {
    const std::string cmd = "SCHOOLSHARE_LANG=en " + Quote(SCHOOLSHARE_BIN) + " backup --db " + Quote(live) + " --to " +
                            Quote(backup) + " >" + Quote(work + "backup.out") + " 2>&1";
    CliRun r;
    const int status = std::system(cmd.c_str());
    r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    r.out = Slurp(work + "backup.out");
    return r;
  }();
  const int rounds_during = rounds - rounds_before;
  while (rounds < rounds_before + rounds_during + 40) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  stop = true;
  for (auto& t : load) t.join();
  ASSERT_EQ(made.code, 0) << made.out;
  EXPECT_NE(made.out.find("backed up to"), std::string::npos) << made.out;
  EXPECT_GT(rounds_during, 0) << "the clients did not push while the backup ran";
  ASSERT_TRUE(SyncUntilQuiet(clients));
  ASSERT_EQ(server.Stop(), 0);

  // Restore into a fresh file, as docs/operations.md says: a plain copy of the backup.
  const std::string restored = dir.File("restored.db");
  std::filesystem::copy_file(backup, restored);
  EXPECT_EQ(Rows(restored, "PRAGMA integrity_check"), std::vector<std::string>{"ok"});
  EXPECT_EQ(RawQuery(restored, "PRAGMA user_version"), RawQuery(live, "PRAGMA user_version"));

  // A consistent prefix: the change log's first versions, contiguous and equal to the live ones.
  const auto backup_log =
      Rows(restored, "SELECT version, entity, entity_id, op, data FROM change_log ORDER BY version");
  const auto live_log = Rows(live, "SELECT version, entity, entity_id, op, data FROM change_log ORDER BY version");
  ASSERT_FALSE(backup_log.empty());
  ASSERT_LT(backup_log.size(), live_log.size()) << "the backup saw all the load: it was not taken under load";
  for (size_t i = 0; i < backup_log.size(); ++i) {
    ASSERT_EQ(backup_log[i], live_log[i]) << "change " << i << " of the backup differs from the live one";
  }
  EXPECT_EQ(std::stoll(backup_log.back().substr(0, backup_log.back().find('|'))) -
                std::stoll(backup_log.front().substr(0, backup_log.front().find('|'))) + 1,
            static_cast<long long>(backup_log.size()))
      << "the backup's change log has a gap";
  // Every fact of the backup is live as it is in the backup; every booking too, at its version or later.
  const char* kFacts = "SELECT id, kind, booking_id, resource_id, at, quantity, recorded_by FROM usage_facts";
  const auto backup_facts = Keyed(Rows(restored, kFacts));
  const auto live_facts = Keyed(Rows(live, kFacts));
  EXPECT_GT(backup_facts.size(), 0u);
  EXPECT_LT(backup_facts.size(), live_facts.size());
  for (const auto& [id, row] : backup_facts) {
    EXPECT_TRUE(live_facts.count(id) && live_facts.at(id) == row) << "fact of the backup not live: " << row;
  }
  const char* kBookings = "SELECT id, resource_id, start_at, end_at, version FROM bookings";
  const auto live_bookings = Keyed(Rows(live, kBookings));
  int backup_bookings = 0;
  for (const auto& [id, row] : Keyed(Rows(restored, kBookings))) {
    ++backup_bookings;
    ASSERT_TRUE(live_bookings.count(id)) << "booking of the backup not live: " << row;
    const std::string& l = live_bookings.at(id);
    EXPECT_EQ(row.substr(0, row.rfind('|')), l.substr(0, l.rfind('|'))) << row << " live: " << l;
    EXPECT_LE(std::stoll(row.substr(row.rfind('|') + 1)), std::stoll(l.substr(l.rfind('|') + 1))) << row;
  }
  EXPECT_GT(backup_bookings, 0);

  // A server on the restored file: a new client pulls from nothing, the old ones continue from it.
  ServerProcess again;
  ASSERT_TRUE(again.Start(restored, work + "restored.log"));
  const std::string url2 = "http://127.0.0.1:" + std::to_string(again.port());
  auto newcomer = OpenClient(work, "newcomer", who["newcomer"].first, who["newcomer"].second, url2);
  ASSERT_NE(newcomer->agent, nullptr);
  ASSERT_TRUE(newcomer->agent->SyncOnce().ok()) << newcomer->agent->status().last_error;
  int pulled = 0;
  ASSERT_TRUE(newcomer->agent
                  ->WithReplica([&](Store& s) {
                    FactFilter f;
                    f.resource_id = "a-balls";
                    SS_ASSIGN_OR_RETURN(auto facts, s.ListFacts(f));
                    pulled = static_cast<int>(facts.size());
                    return Status::Ok();
                  })
                  .ok());
  EXPECT_EQ(pulled, static_cast<int>(backup_facts.size()));
  for (auto& c : clients) c->transport->Point(url2);
  ASSERT_TRUE(SyncUntilQuiet(clients)) << "the clients did not continue from the restored server";
  newcomer.reset();
  ASSERT_EQ(again.Stop(), 0);
  const auto after = Keyed(Rows(restored, kFacts));
  for (const auto& [id, row] : live_facts) {
    EXPECT_TRUE(after.count(id)) << "fact lost with the restore (not re-sent): " << row;
  }
  const auto bookings_after = Keyed(Rows(restored, kBookings));
  for (const auto& [id, row] : live_bookings) EXPECT_TRUE(bookings_after.count(id)) << "booking lost: " << row;
  EXPECT_EQ(Rows(restored, "PRAGMA integrity_check"), std::vector<std::string>{"ok"});
  std::printf(
      "backup drill: %zu of %zu changes in the backup (taken over %d client rounds), %zu of %zu facts, %d "
      "bookings; after the restore and resync: %zu facts, %zu bookings\n",
      backup_log.size(), live_log.size(), rounds_during, backup_facts.size(), live_facts.size(), backup_bookings,
      after.size(), bookings_after.size());
}

}  // namespace
}  // namespace schoolshare::testing
