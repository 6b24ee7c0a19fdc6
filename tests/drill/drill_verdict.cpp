// The drill's verdict: replicas equal the server, no double booking, every fact exactly once, the
// reports equal the simulator's ground truth, the server's database is sound.
#include <sqlite3.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "drill/drill_world.h"
#include "schoolshare/json.h"
#include "schoolshare/reports.h"
#include "testutil.h"

namespace schoolshare::drill {
namespace {

struct Expected {
  std::string status;  // "" : unknown, "absent": must not exist
  std::int64_t version = 0;
};

// What the clients were told about each booking: the answer with the highest version wins.
std::map<std::string, Expected> ExpectedBookings(World& w) {
  std::map<std::string, Expected> out;
  auto note = [&](const std::string& id, const std::string& status, std::int64_t version) {
    Expected& e = out[id];
    if (e.status.empty() || e.status == "absent" || version > e.version) e = {status, version};
  };
  for (const auto& [id, b] : w.bookings) {
    if (!b.local_status.empty()) note(id, b.local_status, 1);  // series occurrences, walk-in claims
  }
  for (auto& c : w.clients) {
    auto outbox = c->agent->Outbox();
    if (!outbox.ok()) {
      w.Fail(c->name + ": outbox: " + outbox.status().ToString());
      continue;
    }
    for (const auto& e : *outbox) {
      Json r = Json::parse(e.result, nullptr, false);
      if (!r.is_object()) {
        w.Fail(c->name + ": no server result stored for " + e.name + " #" + std::to_string(e.client_seq));
        continue;
      }
      if (Text(r, "status") == "duplicate" && r.contains("original")) r = r["original"];
      const std::string status = Text(r, "status");
      const bool applied = status == "applied" || status == "applied_flagged";
      const Json args = Json::parse(e.args, nullptr, false);
      if (e.name == "create_series") {
        const std::string series = Text(args, "id");
        if (applied) continue;
        for (const auto& [id, b] : w.bookings) {
          if (id.rfind(series, 0) == 0) out[id] = {"absent", 0};
        }
      } else if (e.name == "record_fact") {
        const std::string id = Text(args, "id");
        if (Text(args, "kind") != "walk_in") continue;
        const bool claimed = applied && r.contains("fact") && Text(r["fact"], "booking_id") == id;
        if (!claimed) out[id] = {"absent", 0};
      } else if (applied && r.contains("booking")) {
        note(Text(r["booking"], "id"), Text(r["booking"], "status"), r["booking"].value("version", 0));
      } else if (e.name == "create_booking" && status == "rejected") {
        const std::string id = Text(args, "id");
        if (!out.count(id)) out[id] = {"absent", 0};
      }
    }
  }
  return out;
}

// The first check-in (hand-out, walk-in) and the last check-out (return) of a booking's facts; 0: none.
std::pair<Instant, Instant> FirstInLastOut(const std::vector<const TruthFact*>& facts) {
  Instant first_in = 0, last_out = 0;
  for (const TruthFact* f : facts) {
    const bool in = f->kind == FactKind::kCheckIn || f->kind == FactKind::kHandOut || f->kind == FactKind::kWalkIn;
    if (in && (first_in == 0 || f->at < first_in)) first_in = f->at;
    if (!in && f->at > last_out) last_out = f->at;
  }
  return {first_in, last_out};
}

// Seconds used within [from, to): from the first check-in to the last check-out, or to the booking's
// end when nobody checked out.
Instant UsedSeconds(const TruthBooking& b, std::pair<Instant, Instant> in_out, Instant from, Instant to) {
  auto [first_in, last_out] = in_out;
  if (first_in == 0) return 0;
  if (last_out <= first_in) last_out = std::max(first_in, b.end);
  return std::max<Instant>(0, std::min(last_out, to) - std::max(first_in, from));
}

std::string Month(const TimeZone& tz, Instant t) {
  const CivilDate d = tz.LocalDate(t);
  char text[8];
  std::snprintf(text, sizeof text, "%04d-%02d", d.year, d.month);
  return text;
}

std::string SqlText(const std::string& db, const std::string& sql) {
  sqlite3* h = nullptr;
  std::string out;
  if (sqlite3_open_v2(db.c_str(), &h, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
    sqlite3_stmt* st = nullptr;
    if (sqlite3_prepare_v2(h, sql.c_str(), -1, &st, nullptr) == SQLITE_OK) {
      while (sqlite3_step(st) == SQLITE_ROW) {
        const unsigned char* t = sqlite3_column_text(st, 0);
        out += (out.empty() ? "" : "\n") + std::string(t ? reinterpret_cast<const char*>(t) : "");
      }
    } else {
      out = std::string("sql error: ") + sqlite3_errmsg(h);
    }
    sqlite3_finalize(st);
  }
  sqlite3_close(h);
  return out;
}

}  // namespace

void JudgeVerdict(World& w) {
  SystemClock real;
  const auto expected = ExpectedBookings(w);
  auto store = testing::OpenStore(w.db, &real);
  if (!store) return w.Fail("cannot open the server's database");
  // A walk-in whose claim became a booking points at it (the claim is named like the fact).
  for (auto& [id, f] : w.facts) {
    const auto e = expected.find(id);
    if (f.kind == FactKind::kWalkIn && e != expected.end() && e->second.status != "absent") f.booking_id = id;
  }

  // 1. Every replica's rows equal the server's rows with the same ids.
  std::int64_t compared_bookings = 0, compared_facts = 0;
  for (auto& c : w.clients) {
    if (c->agent->status().pending != 0) w.Fail(c->name + ": entries still pending");
    std::vector<Booking> bookings;
    std::vector<UsageFact> facts;
    (void)c->agent->WithReplica([&](Store& s) {
      SS_ASSIGN_OR_RETURN(bookings, s.ListBookings({}));
      SS_ASSIGN_OR_RETURN(facts, s.ListFacts({}));
      return Status::Ok();
    });
    for (const auto& b : bookings) {
      auto server = store->GetBooking(b.id);
      ++compared_bookings;
      if (!server.ok()) {
        w.Fail(c->name + ": booking " + b.id + " is in the replica, not on the server");
      } else if (server->status != b.status || server->version != b.version || server->code != b.code) {
        w.Fail(c->name + ": booking " + b.id + " is " + ToString(b.status) + " v" + std::to_string(b.version) +
               " in the replica, " + ToString(server->status) + " v" + std::to_string(server->version) +
               " on the server");
      }
    }
    for (const auto& f : facts) {
      ++compared_facts;
      auto server = store->GetFact(f.id);
      if (!server.ok() || server->at != f.at || server->booking_id != f.booking_id) {
        w.Fail(c->name + ": fact " + f.id + " differs from the server's (or is missing there)");
      }
    }
  }
  w.counts["verdict.replica_bookings_compared"] = compared_bookings;
  w.counts["verdict.replica_facts_compared"] = compared_facts;

  // 2. No two overlapping held bookings on one venue.
  const std::string overlaps =
      SqlText(w.db,
              "SELECT COUNT(*) FROM bookings a JOIN bookings b ON a.resource_id = b.resource_id AND a.id < b.id "
              "JOIN resources r ON r.id = a.resource_id WHERE r.type != 'equipment' "
              "AND a.status IN ('pending', 'confirmed') AND b.status IN ('pending', 'confirmed') "
              "AND a.start_at < b.end_at AND b.start_at < a.end_at");
  if (overlaps != "0") w.Fail("overlapping held bookings on the server: " + overlaps);

  // 3. Every fact the simulator made is on the server exactly once, as made; nothing else is.
  auto all_facts = store->ListFacts({});
  if (!all_facts.ok()) return w.Fail("server facts: " + all_facts.status().ToString());
  std::map<std::string, int> same_use;  // kind|booking|resource|at -> count on the server
  for (const auto& f : *all_facts) {
    ++same_use[std::string(ToString(f.kind)) + "|" + f.booking_id + "|" + f.resource_id + "|" + std::to_string(f.at)];
    if (!w.facts.count(f.id)) w.Fail("fact " + f.id + " on the server was never made by the simulator");
  }
  for (const auto& [id, f] : w.facts) {
    auto server = store->GetFact(id);
    if (!server.ok()) {
      w.Fail("fact " + id + " (" + ToString(f.kind) + ") was lost");
      continue;
    }
    if (server->kind != f.kind || server->at != f.at || server->booking_id != f.booking_id) {
      w.Fail("fact " + id + " is recorded differently on the server");
    }
    const int n =
        same_use[std::string(ToString(f.kind)) + "|" + f.booking_id + "|" + f.resource_id + "|" + std::to_string(f.at)];
    if (n != 1) w.Fail("fact " + id + " is recorded " + std::to_string(n) + " times");
  }
  w.counts["verdict.facts"] = static_cast<std::int64_t>(w.facts.size());

  // 4. Each booking is as its clients were last told.
  std::int64_t confirmed = 0;
  for (const auto& [id, e] : expected) {
    if (!w.bookings.count(id)) continue;
    auto server = store->GetBooking(id);
    if (e.status == "absent") {
      if (server.ok()) w.Fail("booking " + id + " was refused to its client but exists on the server");
      continue;
    }
    if (!server.ok()) {
      w.Fail("booking " + id + " (" + e.status + ") is missing on the server");
    } else if (ToString(server->status) != e.status || (e.version > 0 && server->version != e.version)) {
      w.Fail("booking " + id + ": the clients were told " + e.status + " v" + std::to_string(e.version) +
             ", the server has " + ToString(server->status) + " v" + std::to_string(server->version));
    }
    if (e.status == "confirmed") ++confirmed;
  }
  for (const auto& [id, b] : w.bookings) {
    if (!expected.count(id)) w.Fail("booking " + id + ": no answer about it reached any client");
  }
  w.counts["verdict.bookings_confirmed"] = confirmed;

  // 5. The reconciliation lines and the ledger's used hours equal the ground truth.
  std::map<std::string, std::vector<const TruthFact*>> by_booking;
  for (const auto& [id, f] : w.facts) {
    if (!f.booking_id.empty()) by_booking[f.booking_id].push_back(&f);
  }
  std::map<std::string, const ReconciliationLine*> lines;
  std::vector<Reconciliation> recs;
  recs.reserve(w.schools.size() * 2);
  for (const auto& school : w.schools) {
    std::set<std::string> months;  // every month the simulated days touch
    for (Instant day = w.from; day < w.to; day += kDay) months.insert(Month(w.tz, day));
    for (const std::string& month : months) {
      auto rec = BuildReconciliation(*store, school, month, real.Now());
      if (!rec.ok()) {
        w.Fail("reconciliation " + school + " " + month + ": " + rec.status().ToString());
        continue;
      }
      recs.push_back(std::move(rec).value());
    }
  }
  for (const auto& rec : recs) {
    for (const auto& line : rec.lines) lines[line.booking.id] = &line;
  }
  std::map<std::pair<std::string, std::string>, Instant> used;  // owner, borrower -> seconds
  std::int64_t lines_checked = 0;
  for (const auto& [id, b] : w.bookings) {
    const auto e = expected.find(id);
    if (e == expected.end() || e->second.status != "confirmed") continue;
    const auto in_out = FirstInLastOut(by_booking[id]);
    const auto [first_in, last_out] = in_out;
    const auto line = lines.find(id);
    if (line == lines.end()) {
      w.Fail("confirmed booking " + id + " has no reconciliation line");
    } else if (line->second->checked_in != first_in || line->second->checked_out != last_out) {
      w.Fail("reconciliation of " + id + ": in " + std::to_string(line->second->checked_in) + " out " +
             std::to_string(line->second->checked_out) + ", the simulator saw in " + std::to_string(first_in) +
             " out " + std::to_string(last_out));
    }
    ++lines_checked;
    if (b.owner_school_id != b.school_id) {
      used[{b.owner_school_id, b.school_id}] += UsedSeconds(b, in_out, w.from, w.to);
    }
  }
  w.counts["verdict.reconciliation_lines"] = lines_checked;
  auto ledger = BuildSharingLedger(*store, w.district_id, w.from, w.to);
  if (!ledger.ok()) return w.Fail("ledger: " + ledger.status().ToString());
  double used_total = 0;
  for (const auto& cell : ledger->cells) {
    const double truth = static_cast<double>(used[{cell.owner_school_id, cell.borrower_school_id}]) / kHour;
    used.erase({cell.owner_school_id, cell.borrower_school_id});
    used_total += truth;
    if (std::fabs(cell.used_hours - truth) > 1.0 / 60) {
      w.Fail("ledger " + cell.owner_school_id + "<-" + cell.borrower_school_id + ": used " +
             std::to_string(cell.used_hours) + " h, the simulator saw " + std::to_string(truth) + " h");
    }
  }
  for (const auto& [pair, seconds] : used) {
    if (seconds > 0) w.Fail("ledger has no cell for " + pair.first + "<-" + pair.second);
  }
  w.counts["verdict.ledger_used_minutes"] = static_cast<std::int64_t>(std::lround(used_total * 60));

  // 6. The server's database is sound, and nothing the clients sent needed an operator.
  const std::string integrity = SqlText(w.db, "PRAGMA integrity_check");
  if (integrity != "ok") w.Fail("integrity_check: " + integrity);
  const std::string quarantined = SqlText(w.db, "SELECT COUNT(*) FROM quarantine");
  if (quarantined != "0") w.Fail("mutations quarantined on the server: " + quarantined);
}

}  // namespace schoolshare::drill
