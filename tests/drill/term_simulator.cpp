#include "drill/term_simulator.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <thread>

#include "drill/drill_world.h"
#include "model/booking_form.h"
#include "model/requests.h"
#include "schoolshare/booking_service.h"
#include "schoolshare/generator.h"
#include "schoolshare/ids.h"
#include "schoolshare/json.h"
#include "testutil.h"

namespace schoolshare::drill {
namespace {

constexpr int kFirstHour = 7;  // each simulated day runs in hourly steps 07:00..21:00
constexpr int kLastHour = 21;
constexpr int kReadTimeoutMs = 2000;  // the clients' read timeout; the proxy's stalls last longer

// ------------------------------------------------------------------------------------------ district

// A generated district of 10 schools with three resources each; the first `in_play` schools get at
// least one venue and one item of equipment (so every kiosk has a gate and a cupboard).
bool MakeDistrict(World& w, const Clock& clock) {
  auto store = testing::OpenStore(w.db, &clock);
  if (!store) return false;
  GenOptions g;
  g.schools = 10;
  g.resources = 30;
  g.bookings = 0;
  g.seed = w.options.seed;
  g.now = clock.Now();
  auto gen = GenerateCity(*store, g);
  if (!gen.ok()) {
    w.Fail("generate: " + gen.status().ToString());
    return false;
  }
  const int in_play = std::max(w.options.kiosks, w.options.admins);
  for (int i = 1; i <= in_play; ++i) w.schools.push_back("s0000" + std::to_string(i));
  for (const auto& school : w.schools) {
    ResourceFilter of_school;
    of_school.school_id = school;
    auto own = store->ListResources(of_school);
    if (!own.ok() || own->size() < 2) return false;
    auto is_eq = [](const Resource& r) { return r.is_equipment(); };
    if (std::none_of(own->begin(), own->end(), is_eq)) {
      Resource& r = own->back();
      r.type = ResourceType::kEquipment;
      r.name_en = "Footballs (" + school + ")";
      r.capacity = 0;
      r.quantity = 30;
      r.features.clear();
      r.opening_hours.clear();
      r.buffer_minutes = 0;
      if (!store->PutResource(r, Actor::System()).ok()) return false;
    }
    if (std::all_of(own->begin(), own->end(), is_eq)) {
      Resource& r = own->front();
      r.type = ResourceType::kRoom;
      r.capacity = 40;
      r.quantity = 0;
      for (int d = 1; d <= 5; ++d) r.opening_hours.push_back({d, 7 * 60 + 30, 18 * 60});
      if (!store->PutResource(r, Actor::System()).ok()) return false;
    }
    for (const auto& r : *own) w.resources[r.id] = *store->GetResource(r.id);
  }
  auto district = store->DistrictOfSchool(w.schools.front());
  if (!district.ok()) return false;
  w.district_id = district->id;
  w.tz = *TimeZone::Find(district->time_zone);
  for (int i = 0; i < w.options.admins; ++i) {
    auto c = std::make_unique<Client>();
    c->name = "admin-" + w.schools[i];
    c->school_id = w.schools[i];
    c->actor = {"drill-admin-" + w.schools[i], Role::kSchoolManager, w.schools[i]};
    c->token = testing::IssueTestToken(*store, Role::kSchoolManager, w.schools[i], clock.Now());
    w.clients.push_back(std::move(c));
  }
  for (int i = 0; i < w.options.kiosks; ++i) {
    auto c = std::make_unique<Client>();
    c->name = "kiosk-" + w.schools[i];
    c->school_id = w.schools[i];
    c->kiosk = true;
    c->actor = {"drill-kiosk-" + w.schools[i], Role::kKiosk, w.schools[i]};
    c->token = testing::IssueTestToken(*store, Role::kKiosk, w.schools[i], clock.Now());
    w.clients.push_back(std::move(c));
  }
  for (auto& c : w.clients) {
    c->replica = w.options.work_dir + "/" + c->name + ".db";
    if (c->token.empty()) return false;
  }
  return true;
}

Status OpenAgent(World& w, Client& c, const std::string& url) {
  // A short read timeout, so a request the proxy stalls is given up (and sent again) by the client.
  auto transport = std::make_unique<testing::SwitchableTransport>(c.token, std::chrono::milliseconds(kReadTimeoutMs));
  c.transport = transport.get();
  c.transport->Point(url);
  SyncAgentOptions o;
  o.replica_path = c.replica;
  o.actor = c.actor;
  o.device_clock = c.clock.get();
  o.synchronous_full = false;
  o.push_batch = 20;
  o.pull_limit = 200;
  o.initial_backoff = std::chrono::milliseconds(10);
  o.max_backoff = std::chrono::milliseconds(20);
  o.jitter_seed = w.options.seed + 1;
  SS_ASSIGN_OR_RETURN(c.agent, SyncAgent::Open(o, std::move(transport)));
  return Status::Ok();
}

void OpenKioskModel(Client& c, const std::string& url) {
  c.ctx.agent = c.agent.get();
  c.ctx.clock = c.clock.get();
  c.ctx.config.server = url;
  c.ctx.config.token = c.token;
  c.ctx.config.school_id = c.school_id;
  c.st = kiosk::InitialState(c.ctx);
}

// ------------------------------------------------------------------------------------------ kill mid-outbox

void AdminBook(World& w, Client& c, Instant sim_now, int days_left, const Clock& real);

// One write of the forked client process, as a line for the pipe ("" when the model refused it): a
// kiosk records a return ("id at"); an admin client books through the booking form ("id resource start
// end").
std::string WriteInChild(World& w, Client& c, int i, Instant base, const std::string& equipment, Instant sim_now,
                         int days_left) {
  if (!c.kiosk) {
    const size_t before = c.created.size();
    AdminBook(w, c, sim_now, std::max(1, days_left), SystemClock());
    if (c.created.size() == before) return "";
    const TruthBooking& b = w.bookings[c.created.back()];
    return b.id + " " + b.resource_id + " " + std::to_string(b.start) + " " + std::to_string(b.end) + "\n";
  }
  FactInput f;
  f.id = NewUuid();
  f.kind = FactKind::kReturn;
  f.resource_id = equipment;
  f.quantity = 1;
  f.condition = "fine";
  f.note = "drill: returned without a booking";
  f.at = base + i * kMinute;
  if (!c.agent->RecordFact(f).ok()) _exit(3);
  return f.id + " " + std::to_string(f.at) + "\n";
}

// Notes in the ground truth what the killed process wrote (a line of WriteInChild, or an outbox entry
// the process wrote but did not report); false when `line` is not one.
bool NoteChildWrite(World& w, Client& c, const std::string& line, const std::string& equipment) {
  std::istringstream in(line);
  std::string id;
  if (c.kiosk) {
    Instant at = 0;
    if (!(in >> id >> at)) return false;
    w.facts[id] = {id, FactKind::kReturn, "", equipment, at};
    return true;
  }
  std::string resource;
  Instant start = 0, end = 0;
  if (!(in >> id >> resource >> start >> end) || !w.resources.count(resource)) return false;
  w.bookings[id] = {id, resource, c.school_id, w.resources[resource].school_id, start, end, ""};
  c.created.push_back(id);
  return true;
}

// Client `c`'s process is killed while it writes its outbox: its agent is closed, a forked child opens
// the same replica with its own SyncAgent (no server) and writes through the models (a kiosk: returns;
// an admin client: bookings through the booking form), reporting each on a pipe once written; it is
// SIGKILLed while it writes. The client's agent then reopens the replica: everything reported must be in
// its outbox, at most one more entry (written, not yet reported). Only this (main) thread ever touches
// SQLite, so the forked child finds no lock held by another thread.
void KillMidOutbox(World& w, Client& c, Instant sim_now, int days_left, const std::string& url) {
  std::string equipment;
  for (const auto& [id, r] : w.resources) {
    if (r.school_id == c.school_id && r.is_equipment()) equipment = id;
  }
  c.ctx.agent = nullptr;
  c.agent.reset();
  int pipe_fds[2];
  if (pipe(pipe_fds) != 0) return w.Fail("kill mid-outbox: pipe");
  const Instant base = sim_now + c.skew;
  const pid_t pid = fork();
  if (pid == 0) {
    close(pipe_fds[0]);
    if (!OpenAgent(w, c, "").ok()) _exit(2);
    for (int i = 0, silent = 0; silent < 2000; ++i) {
      const std::string line = WriteInChild(w, c, i, base, equipment, sim_now, days_left);
      silent = line.empty() ? silent + 1 : 0;
      if (!line.empty() && write(pipe_fds[1], line.data(), line.size()) < 0) _exit(4);
    }
    _exit(5);  // the models refused everything: no write to be killed in
  }
  close(pipe_fds[1]);
  std::string got;
  char buf[4096];
  int lines = 0;
  const int kill_after = 5 + w.Rand(30);
  while (lines < kill_after) {
    const ssize_t n = read(pipe_fds[0], buf, sizeof buf);
    if (n <= 0) break;
    got.append(buf, static_cast<size_t>(n));
    lines = static_cast<int>(std::count(got.begin(), got.end(), '\n'));
  }
  kill(pid, SIGKILL);
  int status = 0;
  waitpid(pid, &status, 0);
  for (ssize_t n; (n = read(pipe_fds[0], buf, sizeof buf)) > 0;) got.append(buf, static_cast<size_t>(n));
  close(pipe_fds[0]);
  if (!WIFSIGNALED(status))
    return w.Fail("kill mid-outbox: the writer ended by itself (status " + std::to_string(status) + ")");
  std::set<std::string> reported;
  std::istringstream in(got);
  for (std::string line; std::getline(in, line);) {
    if (NoteChildWrite(w, c, line, equipment)) reported.insert(line.substr(0, line.find(' ')));
  }
  const std::string kind = c.kiosk ? "kiosk" : "admin";
  w.counts["fault.client_killed_mid_outbox"]++;
  w.counts["fault." + kind + "_killed_mid_outbox"]++;
  w.counts["fault." + kind + "_killed_writes_reported"] += static_cast<std::int64_t>(reported.size());

  const Status reopened = OpenAgent(w, c, c.offline_steps > 0 ? "" : url);
  if (!reopened.ok()) return w.Fail("kill mid-outbox: reopen " + c.name + ": " + reopened.ToString());
  if (c.kiosk) OpenKioskModel(c, url);
  auto outbox = c.agent->Outbox();
  if (!outbox.ok()) return w.Fail("kill mid-outbox: reopened outbox: " + outbox.status().ToString());
  const char* entry = c.kiosk ? "record_fact" : "create_booking";
  int extra = 0;
  for (const auto& e : *outbox) {
    const Json args = Json::parse(e.args, nullptr, false);
    if (e.name != entry || !args.is_object()) continue;
    const std::string id = Text(args, "id");
    reported.erase(id);
    if (w.facts.count(id) || w.bookings.count(id)) continue;
    auto t = [&](const char* key) {
      auto parsed = w.tz.Parse(Text(args, key));
      return parsed.ok() ? std::to_string(*parsed) : std::string("0");
    };
    const std::string line =
        c.kiosk ? id + " " + t("at") : id + " " + Text(args, "resource_id") + " " + t("start") + " " + t("end");
    if (!NoteChildWrite(w, c, line, equipment)) w.Fail("kill mid-outbox: unreadable outbox entry " + e.args);
    ++extra;
  }
  for (const auto& lost : reported) w.Fail("kill mid-outbox: " + lost + " reported written is not in the outbox");
  if (extra > 1) w.Fail("kill mid-outbox: " + std::to_string(extra) + " outbox entries were never reported");
  w.counts["fault." + kind + "_killed_writes_unreported"] += extra;
}

// ------------------------------------------------------------------------------------------ admins

Instant PickStart(World& w, const Resource& r, const CivilDate& day, int minutes) {
  std::vector<WeeklyWindow> windows;
  for (const auto& o : r.opening_hours) {
    if (o.weekday == day.IsoWeekday() && o.end_minute - o.start_minute >= minutes) windows.push_back(o);
  }
  if (windows.empty() && !r.opening_hours.empty()) return 0;
  int first = 8 * 60, last = 17 * 60;  // equipment: any time of the school day
  if (!windows.empty()) {
    const auto& o = windows[static_cast<size_t>(w.Rand(static_cast<int>(windows.size())))];
    first = (o.start_minute + 29) / 30 * 30;
    last = o.end_minute - minutes;
  }
  if (last < first) return 0;
  const int minute = first + 30 * w.Rand((last - first) / 30 + 1);
  auto t = w.tz.ToInstant(day, minute);
  return t.ok() ? *t : 0;
}

const Resource& RandomResource(World& w) {
  auto it = w.resources.begin();
  std::advance(it, w.Rand(static_cast<int>(w.resources.size())));
  return it->second;
}

// Who asks for what: the fields a booking form and a series share.
template <typename Request>
void Describe(Request& x, const Client& c, const Resource& r, const char* title, const char* activity) {
  x.id = NewUuid();
  x.resource_id = r.id;
  x.school_id = c.school_id;
  x.organizer = "drill " + c.school_id;
  x.title = title;
  x.activity_type = activity;
  x.attendees = r.is_equipment() ? 0 : std::min(20, std::max(1, r.capacity));
}

void AdminBook(World& w, Client& c, Instant sim_now, int days_left, const Clock& real) {
  const Resource& r = RandomResource(w);
  const CivilDate day = w.tz.LocalDate(sim_now).AddDays(1 + w.Rand(std::max(1, days_left)));
  if (!w.tz.ToInstant(day, 0).ok() || *w.tz.ToInstant(day, 0) >= w.to) return;
  const int minutes = 60 + 30 * w.Rand(3);
  admin::BookingForm form;
  Describe(form, c, r, "drill booking", "teaching");
  form.quantity = r.is_equipment() ? 1 + w.Rand(std::min(5, std::max(1, r.quantity))) : 0;
  form.start = PickStart(w, r, day, minutes);
  form.end = form.start + minutes * kMinute;
  if (form.start == 0) return;
  Result<admin::FormCheck> check = Status::Internal("not checked");
  auto judge = [&] {
    (void)c.agent->WithReplica([&](Store& s) {
      check = admin::CheckForm(s, real, c.actor, form, Lang::kEn);
      return Status::Ok();
    });
  };
  judge();
  if (check.ok() && !check->ok() && !check->outcome.alternatives.empty()) {
    const auto& alt = check->outcome.alternatives.front();
    if (alt.start >= w.from && alt.end <= w.to && w.resources.count(alt.resource_id)) {
      form = admin::WithAlternative(form, alt);
      judge();
      w.counts["action.alternative_taken"]++;
    }
  }
  if (!check.ok() || !check->ok()) {
    w.counts["action.refused_by_form"]++;
    return;
  }
  auto queued = c.agent->CreateBooking(form);
  if (!queued.ok() || !queued->queued) return w.counts["action.refused_locally"]++, void();
  w.counts["action.booking"]++;
  const Resource& booked = w.resources[form.resource_id];
  w.bookings[form.id] = {form.id, form.resource_id, c.school_id, booked.school_id, form.start, form.end, ""};
  c.created.push_back(form.id);
}

void AdminSeries(World& w, Client& c, Instant sim_now) {
  const Resource& r = RandomResource(w);
  if (r.is_equipment()) return;
  SeriesRequest req;
  BookingSeries& s = req.series;
  Describe(s, c, r, "drill weekly club", "club");
  s.first_date = w.tz.LocalDate(sim_now).AddDays(1);
  s.last_date = w.tz.LocalDate(w.to - 1);
  if (s.last_date < s.first_date) return;
  const int a = 1 + w.Rand(5);
  s.weekdays = {a, a % 5 + 1};
  std::sort(s.weekdays.begin(), s.weekdays.end());
  s.start_minute = 15 * 60 + 30 * w.Rand(4);
  s.end_minute = s.start_minute + 60;
  auto queued = c.agent->CreateSeries(req);
  if (!queued.ok() || !queued->queued) return w.counts["action.series_refused_locally"]++, void();
  w.counts["action.series"]++;
  for (const auto& occ : queued->series.occurrences) {
    if (!occ.outcome.accepted) continue;
    const std::string id = SeriesOccurrenceId(s.id, occ.date);
    w.bookings[id] = {id,
                      r.id,
                      c.school_id,
                      r.school_id,
                      occ.outcome.booking.start,
                      occ.outcome.booking.end,
                      ToString(occ.outcome.booking.status)};
    c.created.push_back(id);
    w.counts["action.series_occurrence"]++;
  }
}

void AdminDecide(World& w, Client& c) {
  std::vector<admin::PendingRequest> queue;
  auto awaiting = c.agent->AwaitingServer();
  if (!awaiting.ok()) return;
  (void)c.agent->WithReplica([&](Store& s) {
    SS_ASSIGN_OR_RETURN(queue, admin::PendingDecisions(s, c.actor, *awaiting));
    return Status::Ok();
  });
  for (const auto& req : queue) {
    if (req.awaiting_server || !w.Chance(0.6)) continue;
    const bool approve = w.Chance(0.8);
    const auto done = admin::DecideAll(*c.agent, {req}, approve, "drill: the venue is needed", Lang::kEn);
    if (!done.empty() && done[0].queued) w.counts[approve ? "action.approve" : "action.reject"]++;
  }
}

void AdminCancel(World& w, Client& c, Instant sim_now) {
  if (c.created.empty()) return;
  const std::string id = c.created[static_cast<size_t>(w.Rand(static_cast<int>(c.created.size())))];
  if (w.bookings[id].start <= sim_now + kHour) return;
  auto done = c.agent->CancelBooking(id, "drill: plans changed");
  if (done.ok() && done->queued) w.counts["action.cancel"]++;
}

// ------------------------------------------------------------------------------------------ kiosks

void PlanUses(World& w, Client& c, Instant sim_now) {
  std::vector<Booking> soon;
  (void)c.agent->WithReplica([&](Store& s) {
    BookingFilter f;
    f.owner_school_id = c.school_id;
    f.from = sim_now;
    f.to = sim_now + kHour;
    SS_ASSIGN_OR_RETURN(soon, s.ListBookings(f));
    return Status::Ok();
  });
  for (const auto& b : soon) {
    if (b.status != BookingStatus::kConfirmed || b.code.empty() || b.code[0] == '~' || b.start < sim_now ||
        b.start >= sim_now + kHour || c.planned.count(b.id) || !w.resources.count(b.resource_id)) {
      continue;
    }
    c.planned.insert(b.id);
    const Resource& r = w.resources[b.resource_id];
    KioskEvent e{0, FactKind::kCheckIn, b.id, b.code, b.resource_id, b.quantity, ""};
    if (r.is_equipment()) {
      e.kind = FactKind::kHandOut;
      e.at = std::max(sim_now, b.start - w.Rand(11) * kMinute);
      c.events.push_back(e);
      if (w.Chance(0.9)) {
        e.kind = FactKind::kReturn;
        e.at = b.end + (w.Rand(41) - 10) * kMinute;
        e.condition = w.Chance(0.1) ? "damaged" : "fine";
        c.events.push_back(e);
      }
      continue;
    }
    if (w.Chance(0.15)) {
      w.counts["script.no_show"]++;
      continue;
    }
    e.at = std::max(sim_now, b.start - w.Rand(16) * kMinute);
    c.events.push_back(e);
    if (w.Chance(0.75)) {
      e.kind = FactKind::kCheckOut;
      e.at = b.end + (w.Rand(31) - 20) * kMinute;
      c.events.push_back(e);
    }
  }
  std::sort(c.events.begin(), c.events.end(), [](const KioskEvent& a, const KioskEvent& b) { return a.at < b.at; });
}

// The newest record_fact entry of the outbox: the fact the kiosk model just wrote.
std::string NewestFactId(Client& c) {
  auto outbox = c.agent->Outbox();
  if (!outbox.ok()) return "";
  for (auto it = outbox->rbegin(); it != outbox->rend(); ++it) {
    if (it->name != "record_fact") continue;
    const Json args = Json::parse(it->args, nullptr, false);
    return args.is_object() ? Text(args, "id") : "";
  }
  return "";
}

void CheckAtGate(World& w, Client& c, const KioskEvent& e) {
  using namespace kiosk;
  const std::string before = NewestFactId(c);
  Update(c.st, act::GoTo{Screen::kCheckIn}, c.ctx);
  if (e.kind == FactKind::kCheckOut) Update(c.st, act::SetCheckOut{true}, c.ctx);
  for (char ch : e.code) Update(c.st, act::KeyChar{ch}, c.ctx);
  Update(c.st, act::Submit{}, c.ctx);
  if (!c.st.checkin.booking) {
    w.counts["script.kiosk_refused." + c.st.message.key]++;
    Update(c.st, act::GoTo{Screen::kHome}, c.ctx);
    return;
  }
  Update(c.st, act::ConfirmCheck{}, c.ctx);
  Update(c.st, act::GoTo{Screen::kHome}, c.ctx);
  const std::string id = NewestFactId(c);
  if (id.empty() || id == before) return w.Fail("kiosk " + c.name + ": the model wrote no fact for " + e.booking_id);
  w.facts[id] = {id, e.kind, e.booking_id, e.resource_id, c.clock->Now()};
  w.counts[e.kind == FactKind::kCheckIn ? "action.check_in" : "action.check_out"]++;
}

// Records a fact through the agent at the kiosk's clock; its id, or "" when it was not recorded.
std::string RecordDirect(World& w, Client& c, FactInput f, const char* counter) {
  f.id = NewUuid();
  f.at = c.clock->Now();
  auto done = c.agent->RecordFact(f);
  if (!done.ok() || !done->queued) {
    w.Fail("kiosk " + c.name + ": fact not recorded");
    return "";
  }
  w.facts[f.id] = {f.id, f.kind, f.booking_id, f.resource_id, f.at};
  w.counts[counter]++;
  return f.id;
}

void WalkIn(World& w, Client& c, Instant sim_now) {
  std::vector<const Resource*> venues;
  for (const auto& [id, r] : w.resources) {
    if (r.school_id == c.school_id && !r.is_equipment()) venues.push_back(&r);
  }
  if (venues.empty()) return;
  const Resource& r = *venues[static_cast<size_t>(w.Rand(static_cast<int>(venues.size())))];
  const Instant at = sim_now + w.Rand(4) * 15 * kMinute;
  bool busy = true;
  (void)c.agent->WithReplica([&](Store& s) {
    SS_ASSIGN_OR_RETURN(auto held, s.ListHeldBookings({r.id}, at - kHour, at + 2 * kHour));
    busy = !held.empty();
    return Status::Ok();
  });
  if (busy) return;
  c.clock->Set(at + c.skew);
  FactInput f;
  f.kind = FactKind::kWalkIn;
  f.resource_id = r.id;
  f.organizer = "drill walk-in";
  f.title = "drill walk-in";
  f.attendees = std::min(20, std::max(1, r.capacity));
  f.end = at + c.skew + 45 * kMinute;
  const std::string id = RecordDirect(w, c, f, "action.walk_in");
  // The claim (a booking named like the fact) is made unless it breaks a rule on the server.
  if (!id.empty()) w.bookings[id] = {id, r.id, c.school_id, r.school_id, at + c.skew, f.end, "confirmed"};
}

void RunKioskEvents(World& w, Client& c, Instant step_end) {
  while (!c.events.empty() && c.events.front().at < step_end) {
    const KioskEvent e = c.events.front();
    c.events.erase(c.events.begin());
    c.clock->Set(e.at + c.skew);
    if (e.kind == FactKind::kCheckIn || e.kind == FactKind::kCheckOut) {
      CheckAtGate(w, c, e);
      continue;
    }
    FactInput f;
    f.kind = e.kind;
    f.booking_id = e.booking_id;
    f.resource_id = e.resource_id;
    f.quantity = std::max(1, e.quantity);
    f.condition = e.condition;
    RecordDirect(w, c, f, e.kind == FactKind::kHandOut ? "action.hand_out" : "action.return");
  }
}

// ------------------------------------------------------------------------------------------ faults

// A kiosk's clock drifts by its rate each simulated hour; past kMaxSkew either way the drift turns back
// (the clock was set by hand or by a flaky NTP), so skews stay within minutes and change all the time.
void DriftClock(World& w, Client& c) {
  constexpr Instant kMaxSkew = 8 * kMinute;
  c.skew += c.drift;
  w.counts["fault.kiosk_clock_drift_seconds"] += c.drift < 0 ? -c.drift : c.drift;
  if (c.skew > kMaxSkew || c.skew < -kMaxSkew) {
    c.skew = std::clamp(c.skew, -kMaxSkew, kMaxSkew);
    c.drift = -c.drift;
    w.counts["fault.kiosk_clock_drift_turned"]++;
  }
  auto& widest = w.counts["fault.kiosk_clock_widest_skew_seconds"];
  widest = std::max<std::int64_t>(widest, c.skew < 0 ? -c.skew : c.skew);
}

bool RestartServer(World& w) {
  for (int attempt = 0; attempt < 50; ++attempt) {
    if (w.server.Start(w.db, w.options.work_dir + "/server.log",
                       {"--listen", "127.0.0.1:" + std::to_string(w.server_port)})) {
      return true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  w.Fail("the server did not restart on port " + std::to_string(w.server_port));
  return false;
}

void SyncEveryone(World& w) {
  for (auto& c : w.clients) {
    if (!c->agent->SyncOnce().ok()) w.counts["sync.failed_round"]++;
    w.counts["sync.round"]++;
  }
}

// Every client syncs until none has anything pending and a full round succeeded everywhere, twice.
bool SyncUntilQuiet(World& w) {
  int quiet = 0;
  for (int round = 0; round < 40 && quiet < 2; ++round) {
    bool all_ok = true;
    for (auto& c : w.clients) {
      const Status s = c->agent->SyncOnce();
      all_ok = all_ok && s.ok() && c->agent->status().pending == 0;
    }
    quiet = all_ok ? quiet + 1 : 0;
  }
  return quiet >= 2;
}

}  // namespace

std::string DrillReport::Summary() const {
  std::string out;
  for (const auto& [k, v] : counts) out += k + " = " + std::to_string(v) + "\n";
  return out;
}

DrillReport RunTermDrill(const DrillOptions& options) {
  World w(options);
  DrillReport report;
  SystemClock real;
  w.db = options.work_dir + "/server.db";
  auto finish = [&]() {
    report.failures = w.failures;
    report.counts = w.counts;
    return report;
  };
  if (!MakeDistrict(w, real)) {
    w.Fail("could not make the district");
    return finish();
  }
  CivilDate first_day = w.tz.LocalDate(real.Now()).AddDays(3);
  while (options.start_on_monday && first_day.IsoWeekday() != 1) first_day = first_day.AddDays(1);
  w.from = *w.tz.ToInstant(first_day, 0);
  w.to = *w.tz.ToInstant(first_day.AddDays(options.days), 0);

  // Each kiosk's clock runs simulated time plus a skew of a few minutes, either way, that drifts by
  // 5 to 30 seconds an hour (DriftClock).
  for (auto& c : w.clients) {
    if (!c->kiosk) continue;
    c->skew = (w.Rand(2) ? 1 : -1) * (1 + w.Rand(5)) * kMinute;
    c->drift = (w.Rand(2) ? 1 : -1) * (5 + w.Rand(26));
    c->clock = std::make_unique<ManualClock>(w.from + kFirstHour * kHour + c->skew);
    w.counts["fault.kiosk_clock_skewed"]++;
  }
  if (!w.server.Start(w.db, options.work_dir + "/server.log")) {
    w.Fail("schoolshare-sync did not start");
    return finish();
  }
  w.server_port = w.server.port();
  w.proxy = std::make_unique<FaultProxy>(options.seed * 7919 + 1);
  if (!w.proxy->Start(w.server_port)) {
    w.Fail("the proxy did not start");
    return finish();
  }
  const std::string url = w.proxy->url();
  for (auto& c : w.clients) {
    const Status s = OpenAgent(w, *c, url);
    if (!s.ok()) {
      w.Fail("open " + c->name + ": " + s.ToString());
      return finish();
    }
    if (c->kiosk) OpenKioskModel(*c, url);
  }
  SyncEveryone(w);

  FaultRates rates;
  rates.drop_request = 0.03;
  rates.drop_answer = 0.03;
  rates.duplicate = 0.04;
  rates.truncate = 0.03;
  rates.delay = 0.05;
  rates.max_delay_ms = 150;
  rates.stall = 0.004;
  rates.stall_ms = kReadTimeoutMs + 500;
  w.proxy->SetRates(rates);

  const int hours_per_day = kLastHour - kFirstHour;
  const int steps = options.days * hours_per_day;
  std::set<int> kill_steps;
  while (static_cast<int>(kill_steps.size()) < std::min(options.server_kills, steps)) kill_steps.insert(w.Rand(steps));
  // A client process killed mid-outbox, not in a step with a server kill, nor on the last day (when an
  // admin client has nothing left to book) unless the drill is a single day.
  std::set<int> client_kill_steps;
  int client_kills_done = 0;
  const int client_kill_range = options.days > 1 ? steps - hours_per_day : steps;
  while (static_cast<int>(client_kill_steps.size()) <
         std::min(options.client_kills, client_kill_range - options.server_kills)) {
    const int step = w.Rand(client_kill_range);
    if (!kill_steps.count(step)) client_kill_steps.insert(step);
  }

  for (int step = 0; step < steps; ++step) {
    const int day = step / hours_per_day;
    const Instant sim_now = w.from + day * kDay + (kFirstHour + step % hours_per_day) * kHour;
    const int days_left = options.days - day - 1;
    if (client_kill_steps.count(step)) {
      // Kiosks and admin clients take turns (a kiosk first), whichever kind there is.
      // An admin client books ahead: on the last day (a one-day drill) it has nothing to book; a kiosk goes.
      const bool kiosk = options.admins == 0 || days_left <= 0 || (options.kiosks > 0 && client_kills_done % 2 == 0);
      std::vector<Client*> kind;
      for (auto& c : w.clients) {
        if (c->kiosk == kiosk) kind.push_back(c.get());
      }
      if (!kind.empty())
        KillMidOutbox(w, *kind[static_cast<size_t>(w.Rand(static_cast<int>(kind.size())))], sim_now, days_left, url);
      ++client_kills_done;
    }
    std::thread killer;
    if (kill_steps.count(step)) {
      const int after_ms = w.Rand(300);
      killer = std::thread([&w, after_ms] {
        std::this_thread::sleep_for(std::chrono::milliseconds(after_ms));
        w.server.Kill();
      });
      w.counts["fault.server_sigkill"]++;
    }
    for (auto& c : w.clients) {
      if (c->kiosk) {
        if (c->offline_steps > 0 && --c->offline_steps == 0) c->transport->Point(url);
        if (c->offline_steps == 0 && w.Chance(0.03)) {
          c->offline_steps = 2 + w.Rand(5);
          c->transport->Point("");
          w.counts["fault.kiosk_offline_periods"]++;
          w.counts["fault.kiosk_offline_hours"] += c->offline_steps;
        }
        DriftClock(w, *c);
        c->clock->Set(sim_now + c->skew);
        PlanUses(w, *c, sim_now);
        if (w.Chance(0.08)) WalkIn(w, *c, sim_now);
        RunKioskEvents(w, *c, sim_now + kHour);
        c->clock->Set(sim_now + kHour + c->skew);
      } else {
        if (days_left > 0 && w.Chance(0.45)) AdminBook(w, *c, sim_now, days_left, real);
        if (days_left > 1 && w.Chance(0.03)) AdminSeries(w, *c, sim_now);
        if (w.Chance(0.5)) AdminDecide(w, *c);
        if (w.Chance(0.05)) AdminCancel(w, *c, sim_now);
      }
      if (!c->agent->SyncOnce().ok()) w.counts["sync.failed_round"]++;
      w.counts["sync.round"]++;
    }
    if (killer.joinable()) {
      killer.join();
      if (!RestartServer(w)) return finish();
    }
  }

  // Faults stop: every kiosk back online, the proxy forwards faithfully, everyone syncs until quiet.
  for (const auto& [kind, n] : w.proxy->Counts()) w.counts["proxy." + kind] = n;
  w.proxy->SetRates({});
  for (auto& c : w.clients) {
    if (c->kiosk) c->transport->Point(url);
  }
  if (!SyncUntilQuiet(w)) w.Fail("the clients did not reach a quiet state (something stays pending or fails)");
  w.proxy->Stop();
  if (w.server.Stop() != 0) w.Fail("the server did not stop cleanly");
  if (options.before_verdict) options.before_verdict(w.db);
  JudgeVerdict(w);
  return finish();
}

}  // namespace schoolshare::drill
