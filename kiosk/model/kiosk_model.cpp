#include "model/kiosk_model.h"

#include <algorithm>
#include <cctype>
#include <functional>
#include <map>
#include <set>

#include "model/people.h"
#include "schoolshare/booking_service.h"
#include "schoolshare/ids.h"

namespace schoolshare::kiosk {
namespace {

template <class... F>
struct Overloaded : F... {
  using F::operator()...;
};
template <class... F>
Overloaded(F...) -> Overloaded<F...>;

Message Info(std::string key, std::map<std::string, std::string> params = {}) {
  return {std::move(key), std::move(params), {}, std::nullopt, false};
}
Message Error(std::string key, std::map<std::string, std::string> params = {}) {
  return {std::move(key), std::move(params), {}, std::nullopt, true};
}

// A fresh check-in in the same mode (in or out) with `typed` on the keypad: no booking, no override.
void StartOver(CheckInState& ci, std::string typed) {
  const bool check_out = ci.check_out;
  ci = {};
  ci.check_out = check_out;
  ci.typed = std::move(typed);
}

const std::string& NameIn(Lang lang, const std::string& zh, const std::string& en) {
  return lang == Lang::kEn && !en.empty() ? en : zh;
}

TimeZone ZoneOf(const KioskState& st) {
  auto tz = TimeZone::Find(st.time_zone);
  return tz.ok() ? *tz : TimeZone::Utc();
}

// Who judges locally. Not the agent's client id: reading it takes the lock WithReplica already holds.
Actor KioskActor(const KioskContext& ctx) { return {"kiosk", Role::kKiosk, ctx.config.school_id}; }

// Runs fn over the replica; a failure becomes the state's message.
void WithReplica(KioskState& st, KioskContext& ctx, const std::function<Status(Store&)>& fn) {
  if (!ctx.agent) return;
  const Status s = ctx.agent->WithReplica(fn);
  if (!s.ok()) st.message = Error("kiosk.replica_error", {{"detail", DescribeStatus(st.lang, s)}});
}

BookingLine LineOf(Store& store, const Booking& b, Lang lang, const std::vector<UsageFact>& facts, Instant now) {
  BookingLine l;
  l.id = b.id;
  l.code = b.code;
  l.title = b.title;
  l.organizer = b.organizer;
  l.resource_id = b.resource_id;
  l.start = b.start;
  l.end = b.end;
  l.quantity = b.quantity;
  l.usage = UsageOf(b, facts, now);
  if (auto s = store.GetSchool(b.school_id); s.ok()) l.school_name = NameIn(lang, s->name, s->name_en);
  if (auto r = store.GetResource(b.resource_id); r.ok()) l.venue_name = NameIn(lang, r->name, r->name_en);
  return l;
}

bool Shown(const KioskConfig& config, const Resource& r) {
  if (r.is_equipment() || !r.active) return false;
  if (!config.venues.empty()) return std::count(config.venues.begin(), config.venues.end(), r.id) > 0;
  return r.policy.shared;
}

// ---- refresh pieces ----

Status RefreshHome(KioskState& st, KioskContext& ctx, Store& store, const std::vector<Resource>& resources,
                   const TimeZone& tz) {
  const CivilDate today = tz.LocalDate(st.now);
  SS_ASSIGN_OR_RETURN(const Instant day_start, tz.ToInstant(today, 0));
  SS_ASSIGN_OR_RETURN(const Instant day_end, tz.ToInstant(today.AddDays(1), 0));
  BookingFilter bf;
  bf.owner_school_id = ctx.config.school_id;
  bf.from = day_start;
  bf.to = day_end;
  bf.statuses = {BookingStatus::kConfirmed};
  SS_ASSIGN_OR_RETURN(std::vector<Booking> bookings, store.ListBookings(bf));
  std::sort(bookings.begin(), bookings.end(), [](const Booking& a, const Booking& b) { return a.start < b.start; });
  FactFilter ff;
  ff.from = day_start - kDay;
  ff.to = day_end;
  SS_ASSIGN_OR_RETURN(const std::vector<UsageFact> facts, store.ListFacts(ff));
  std::map<std::string, std::vector<UsageFact>> by_booking;
  for (const auto& f : facts) {
    if (!f.booking_id.empty()) by_booking[f.booking_id].push_back(f);
  }
  std::vector<VenueRow> rows;
  for (const auto& r : resources) {
    if (!Shown(ctx.config, r)) continue;
    VenueRow row;
    row.resource_id = r.id;
    row.name = NameIn(st.lang, r.name, r.name_en);
    for (const auto& b : bookings) {
      if (b.resource_id != r.id || b.end <= st.now) continue;
      if (b.start <= st.now && !row.now) {
        row.now = LineOf(store, b, st.lang, by_booking[b.id], st.now);
        row.free_now = row.now->usage == UsageState::kNoShow || row.now->usage == UsageState::kCheckedOut;
      } else if (b.start > st.now && !row.next) {
        row.next = LineOf(store, b, st.lang, by_booking[b.id], st.now);
      }
      if (row.next) break;
    }
    rows.push_back(std::move(row));
  }
  st.venues = std::move(rows);
  return Status::Ok();
}

// Who brought a return back: the fact's field, or the note older kiosks wrote it in.
std::string ReturnerOf(const UsageFact& f) {
  static const std::string kOldNote = "returned_by: ";
  if (f.returned_by.empty() && f.note.rfind(kOldNote, 0) == 0) return f.note.substr(kOldNote.size());
  return f.returned_by;
}

Status RefreshEquipment(KioskState& st, Store& store, const std::vector<Resource>& resources, Instant day_start) {
  EquipmentState& eq = st.equipment;
  eq.items.clear();
  eq.loans.clear();
  eq.returns_today.clear();
  std::map<std::string, const Resource*> items;
  for (const auto& r : resources) {
    if (r.is_equipment() && r.active) items[r.id] = &r;
  }
  std::map<std::pair<std::string, std::string>, Loan> open;  // (resource, booking) -> loan
  for (const auto& [id, r] : items) {
    FactFilter ff;
    ff.resource_id = id;
    ff.from = st.now - kLoanHistory;
    SS_ASSIGN_OR_RETURN(std::vector<UsageFact> facts, store.ListFacts(ff));
    // In time order; within one second a hand-out comes before a return (the replica's order of facts
    // with the same time depends on where they came from).
    std::sort(facts.begin(), facts.end(), [](const UsageFact& a, const UsageFact& b) {
      const bool a_back = a.kind == FactKind::kReturn, b_back = b.kind == FactKind::kReturn;
      return a.at != b.at ? a.at < b.at : a_back < b_back;
    });
    for (const auto& f : facts) {
      if (f.kind != FactKind::kHandOut && f.kind != FactKind::kReturn) continue;
      Loan& l = open[{id, f.booking_id}];
      if (f.kind == FactKind::kHandOut) {
        if (l.quantity <= 0) {  // a new loan: what came back of an earlier one is not its history
          l.since = f.at;
          l.returned = 0;
          l.returned_by.clear();
        }
        l.quantity += f.quantity;
        continue;
      }
      l.quantity -= f.quantity;
      l.returned += f.quantity;
      l.returned_by = ReturnerOf(f);
      if (f.at >= day_start) {
        eq.returns_today.push_back(
            {NameIn(st.lang, r->name, r->name_en), f.quantity, f.condition, l.returned_by, f.at});
      }
    }
  }
  std::map<std::string, int> on_loan;
  for (auto& [key, l] : open) {
    if (l.quantity <= 0) continue;
    const Resource& r = *items[key.first];
    l.resource_id = key.first;
    l.booking_id = key.second;
    l.item_name = NameIn(st.lang, r.name, r.name_en);
    l.due = l.since + kWalkInLoan;
    l.who = Tr(st.lang, "kiosk.equipment.walk_in_group");
    if (!l.booking_id.empty()) {
      if (auto b = store.GetBooking(l.booking_id); b.ok()) {
        l.due = b->end;
        l.who = b->organizer;
        if (auto s = store.GetSchool(b->school_id); s.ok()) l.who += " · " + NameIn(st.lang, s->name, s->name_en);
      }
    }
    l.overdue = st.now > l.due;
    on_loan[l.resource_id] += l.quantity;
    eq.loans.push_back(l);
  }
  std::stable_sort(eq.loans.begin(), eq.loans.end(),
                   [](const Loan& a, const Loan& b) { return a.overdue > b.overdue; });
  std::stable_sort(eq.returns_today.begin(), eq.returns_today.end(),
                   [](const ReturnLine& a, const ReturnLine& b) { return a.at > b.at; });
  for (const auto& [id, r] : items) {
    eq.items.push_back({id, NameIn(st.lang, r->name, r->name_en), r->quantity, on_loan[id]});
  }
  if (eq.selected_loan >= static_cast<int>(eq.loans.size())) eq.selected_loan = -1;
  if (eq.selected_loan >= 0) {
    eq.return_quantity = std::clamp(eq.return_quantity, 1, eq.loans[eq.selected_loan].quantity);
  }
  return Status::Ok();
}

// Bookings are on whole minutes: a walk-in starts at the minute under way.
Instant WalkInStart(const KioskState& st) { return st.now / kMinute * kMinute; }

BookingRequest WalkInRequest(const KioskState& st, const KioskContext& ctx, const std::string& resource_id) {
  BookingRequest r;
  r.resource_id = resource_id;
  r.school_id = ctx.config.school_id;
  r.organizer = "kiosk";
  r.title = "walk-in";
  r.activity_type = "walk_in";
  r.attendees = st.walkin.group_size;
  r.start = WalkInStart(st);
  r.end = r.start + st.walkin.duration_minutes * kMinute;
  return r;
}

// The first rule that refuses a walk-in on the resource now, or nullopt when it is allowed.
Result<std::optional<Violation>> JudgeWalkIn(const KioskState& st, KioskContext& ctx, Store& store,
                                             const std::string& resource_id) {
  BookingService service(store, *ctx.clock);
  CreateOptions co;
  co.dry_run = true;
  co.walk_in = true;
  co.with_alternatives = false;
  SS_ASSIGN_OR_RETURN(const BookingOutcome out,
                      service.Create(WalkInRequest(st, ctx, resource_id), KioskActor(ctx), co));
  if (out.accepted) return std::optional<Violation>();
  if (out.violations.empty()) return std::optional<Violation>(Violation{});
  return std::optional<Violation>(out.violations.front());
}

Status RefreshWalkIn(KioskState& st, KioskContext& ctx, Store& store, const std::vector<Resource>& resources) {
  WalkInState& w = st.walkin;
  w.venues.clear();
  for (const auto& r : resources) {
    if (!Shown(ctx.config, r)) continue;
    WalkInVenue v{r.id, NameIn(st.lang, r.name, r.name_en), r.capacity, false, std::nullopt};
    SS_ASSIGN_OR_RETURN(v.why_not, JudgeWalkIn(st, ctx, store, r.id));
    v.allowed = !v.why_not.has_value();
    w.venues.push_back(std::move(v));
  }
  return Status::Ok();
}

void RefreshSync(KioskState& st, KioskContext& ctx) {
  if (!ctx.agent) return;
  const SyncStatus s = ctx.agent->status();
  st.sync.online = s.online;
  st.sync.pending = s.pending;
  st.sync.last_sync = s.last_success_at;
  st.sync.rounds = s.rounds;
  st.sync.problem.clear();
  if (s.last_error.rfind("permission_denied", 0) == 0) {
    st.sync.problem = "kiosk.bad_token";
  } else if (!s.online && s.attempts > 0 && !s.last_error.empty()) {
    st.sync.problem = "kiosk.unreachable";
  }
}

// ---- check in / out ----

// The confirmed booking of this school with the typed code, with its resource; nullopt after putting
// the reason (malformed, unknown, another school's, not confirmed) in the state's message.
std::optional<std::pair<Booking, Resource>> FindHere(KioskState& st, KioskContext& ctx, Store& store,
                                                     const std::string& typed, Status* error) {
  const std::string code = NormalizeBookingCode(typed);
  if (code.empty()) {
    st.message = Error("kiosk.checkin.bad_code");
    return std::nullopt;
  }
  auto b = store.FindBookingByCode(code);
  if (!b.ok()) {
    st.message = Error("kiosk.checkin.unknown", {{"code", code}});
    if (b.status().code() != StatusCode::kNotFound) *error = b.status();
    return std::nullopt;
  }
  auto r = store.GetResource(b->resource_id);
  if (!r.ok()) {
    *error = r.status();
    return std::nullopt;
  }
  if (r->school_id != ctx.config.school_id) {
    st.message = Error("kiosk.checkin.other_school", {{"code", code}, {"venue", NameIn(st.lang, r->name, r->name_en)}});
    return std::nullopt;
  }
  if (b->status != BookingStatus::kConfirmed) {
    st.message = Error("kiosk.checkin.not_confirmed",
                       {{"code", code}, {"status", Tr(st.lang, std::string("booking_status.") + ToString(b->status))}});
    return std::nullopt;
  }
  return std::make_pair(*b, *r);
}

// Finds the typed booking and says whether it may be checked in (or out) now.
void LookUp(KioskState& st, KioskContext& ctx) {
  CheckInState& ci = st.checkin;
  StartOver(ci, ci.typed);
  const TimeZone tz = ZoneOf(st);
  WithReplica(st, ctx, [&](Store& store) -> Status {
    Status error;
    const auto found = FindHere(st, ctx, store, ci.typed, &error);
    if (!found) return error;
    const Booking* b = &found->first;
    FactFilter ff;
    ff.booking_id = b->id;
    SS_ASSIGN_OR_RETURN(const std::vector<UsageFact> facts, store.ListFacts(ff));
    auto find = [&](FactKind k) -> const UsageFact* {
      for (const auto& f : facts) {
        if (f.kind == k) return &f;
      }
      return nullptr;
    };
    const UsageFact* in = find(FactKind::kCheckIn);
    const UsageFact* out = find(FactKind::kCheckOut);
    if (!ci.check_out) {
      if (in) {
        st.message = Error("kiosk.checkin.already_in", {{"time", tz.FormatTime(in->at)}});
        return Status::Ok();
      }
      if (st.now >= b->end) {
        st.message = Error("kiosk.checkin.ended", {{"end", tz.FormatTime(b->end)}});
        return Status::Ok();
      }
      // Outside the window: explained, and a staff member may still let them in (StartOverride).
      if (st.now < b->start - kCheckInEarly) {
        st.message = Error("kiosk.checkin.too_early",
                           {{"start", tz.FormatTime(b->start)}, {"open", tz.FormatTime(b->start - kCheckInEarly)}});
        ci.outside = LineOf(store, *b, st.lang, facts, st.now);
        return Status::Ok();
      }
      if (st.now > b->start + kCheckInLate) {
        st.message = Error("kiosk.checkin.too_late",
                           {{"start", tz.FormatTime(b->start)}, {"close", tz.FormatTime(b->start + kCheckInLate)}});
        ci.outside = LineOf(store, *b, st.lang, facts, st.now);
        return Status::Ok();
      }
    } else {
      if (out) {
        st.message = Error("kiosk.checkin.already_out", {{"time", tz.FormatTime(out->at)}});
        return Status::Ok();
      }
      if (!in) {
        st.message = Error("kiosk.checkin.not_in");
        return Status::Ok();
      }
    }
    ci.booking = LineOf(store, *b, st.lang, facts, st.now);
    st.message = {};
    return Status::Ok();
  });
}

void RecordOrReport(KioskState& st, KioskContext& ctx, const FactInput& fact, Message done) {
  if (!ctx.agent) return;
  auto w = ctx.agent->RecordFact(fact);
  if (!w.ok()) {
    st.message = Error("kiosk.replica_error", {{"detail", DescribeStatus(st.lang, w.status())}});
    return;
  }
  st.message = std::move(done);
}

void ConfirmCheck(KioskState& st, KioskContext& ctx) {
  CheckInState& ci = st.checkin;
  if (!ci.booking) return;
  FactInput f;
  f.kind = ci.check_out ? FactKind::kCheckOut : FactKind::kCheckIn;
  f.booking_id = ci.booking->id;
  f.resource_id = ci.booking->resource_id;
  f.at = st.now;
  if (!ci.check_out) f.override_by = ci.override_by;
  Message done = Info(ci.check_out ? "kiosk.checkin.done_out" : "kiosk.checkin.done_in",
                      {{"title", ci.booking->title}, {"venue", ci.booking->venue_name}});
  if (!f.override_by.empty()) {
    done.key = "kiosk.checkin.done_override";
    done.params["name"] = ci.override_name;
  }
  RecordOrReport(st, ctx, f, std::move(done));
  StartOver(ci, "");
}

// A check-in refused for its window: the administrator PIN, then the staff member who allows it.
void StartOverride(KioskState& st) {
  CheckInState& ci = st.checkin;
  if (!ci.outside || ci.check_out) return;
  ci.override_step = OverrideStep::kPin;
  ci.pin_typed.clear();
  st.message = Info("kiosk.checkin.override_pin");
}

void SubmitOverridePin(KioskState& st, const KioskContext& ctx) {
  CheckInState& ci = st.checkin;
  const bool ok = ci.pin_typed == ctx.config.admin_pin;
  ci.pin_typed.clear();
  if (!ok) {
    st.message = Error("kiosk.setup.bad_pin");
    return;
  }
  if (st.walkin.staff_ids.empty()) {
    st.message = Error("kiosk.checkin.override_no_staff");
    ci.override_step = OverrideStep::kNone;
    return;
  }
  ci.override_step = OverrideStep::kPickStaff;  // the staff list says what to do
  st.message = {};
}

void PickOverrideStaff(KioskState& st, int index) {
  CheckInState& ci = st.checkin;
  const WalkInState& w = st.walkin;
  if (ci.override_step != OverrideStep::kPickStaff || !ci.outside) return;
  if (index < 0 || index >= static_cast<int>(w.staff_ids.size()) || index >= static_cast<int>(w.organizers.size())) {
    return;
  }
  ci.override_by = w.staff_ids[index];
  ci.override_name = w.organizers[index];
  ci.booking = ci.outside;
  ci.override_step = OverrideStep::kNone;
  st.message = {};  // the booking panel says who allowed it
}

// ---- equipment ----

const EquipmentItem* SelectedItem(const KioskState& st) {
  for (const auto& i : st.equipment.items) {
    if (i.resource_id == st.equipment.selected_item) return &i;
  }
  return nullptr;
}

void LinkBooking(KioskState& st, KioskContext& ctx) {
  EquipmentState& eq = st.equipment;
  eq.booking.reset();
  WithReplica(st, ctx, [&](Store& store) -> Status {
    Status error;
    const auto found = FindHere(st, ctx, store, eq.typed, &error);
    if (!found) return error;
    const auto& [b, r] = *found;
    eq.booking = LineOf(store, b, st.lang, {}, st.now);
    if (r.is_equipment()) {
      eq.selected_item = r.id;
      eq.quantity = std::max(1, b.quantity);
    }
    st.message = {};
    return Status::Ok();
  });
}

void HandOut(KioskState& st, KioskContext& ctx) {
  EquipmentState& eq = st.equipment;
  const EquipmentItem* item = SelectedItem(st);
  if (!item) {
    st.message = Error("kiosk.equipment.pick_item");
    return;
  }
  if (eq.quantity < 1 || eq.quantity > item->available()) {
    st.message = Error("kiosk.equipment.beyond_stock", {{"name", item->name},
                                                        {"available", std::to_string(item->available())},
                                                        {"quantity", std::to_string(eq.quantity)}});
    return;
  }
  FactInput f;
  f.kind = FactKind::kHandOut;
  f.resource_id = item->resource_id;
  f.booking_id = eq.booking ? eq.booking->id : "";
  f.quantity = eq.quantity;
  f.at = st.now;
  RecordOrReport(st, ctx, f,
                 Info("kiosk.equipment.done_out", {{"name", item->name}, {"quantity", std::to_string(eq.quantity)}}));
  eq.quantity = 1;
  eq.booking.reset();
  eq.typed.clear();
}

void ReturnLoan(KioskState& st, KioskContext& ctx) {
  EquipmentState& eq = st.equipment;
  if (eq.selected_loan < 0 || eq.selected_loan >= static_cast<int>(eq.loans.size())) {
    st.message = Error("kiosk.equipment.pick_loan");
    return;
  }
  if (eq.returned_by.empty()) {
    st.message = Error("kiosk.equipment.pick_returner");
    return;
  }
  const Loan loan = eq.loans[eq.selected_loan];
  if (eq.return_quantity < 1 || eq.return_quantity > loan.quantity) {
    st.message = Error("kiosk.equipment.beyond_loan", {{"name", loan.item_name},
                                                       {"outstanding", std::to_string(loan.quantity)},
                                                       {"quantity", std::to_string(eq.return_quantity)}});
    return;
  }
  FactInput f;
  f.kind = FactKind::kReturn;
  f.resource_id = loan.resource_id;
  f.booking_id = loan.booking_id;
  f.quantity = eq.return_quantity;  // the condition is of this part; the rest stays on loan
  f.condition = eq.condition;
  f.returned_by = eq.returned_by;
  f.at = st.now;
  const int rest = loan.quantity - f.quantity;
  Message done = Info(rest > 0 ? "kiosk.equipment.done_partial" : "kiosk.equipment.done_return",
                      {{"name", loan.item_name}, {"quantity", std::to_string(f.quantity)}});
  if (rest > 0) done.params["rest"] = std::to_string(rest);
  done.key_params["condition"] = "kiosk.equipment." + eq.condition;
  RecordOrReport(st, ctx, f, std::move(done));
  eq.selected_loan = -1;
  eq.return_quantity = 0;
  eq.condition = "fine";
  eq.returned_by.clear();
}

// ---- walk-in ----

void ConfirmWalkIn(KioskState& st, KioskContext& ctx) {
  WalkInState& w = st.walkin;
  const auto venue = std::find_if(w.venues.begin(), w.venues.end(),
                                  [&](const WalkInVenue& v) { return v.resource_id == w.selected_venue; });
  if (venue == w.venues.end()) {
    st.message = Error("kiosk.walkin.pick_venue");
    return;
  }
  if (w.organizer < 0 || w.organizer >= static_cast<int>(w.organizers.size())) {
    st.message = Error("kiosk.walkin.pick_organizer");
    return;
  }
  std::optional<Violation> why_not;
  WithReplica(st, ctx, [&](Store& store) -> Status {
    SS_ASSIGN_OR_RETURN(why_not, JudgeWalkIn(st, ctx, store, venue->resource_id));
    return Status::Ok();
  });
  if (why_not) {
    st.message = Error("kiosk.walkin.refused");
    st.message.violation = why_not;
    return;
  }
  const std::string klass = w.klass >= 0 && w.klass < static_cast<int>(w.classes.size())
                                ? w.classes[w.klass]
                                : Tr(st.lang, "kiosk.walkin.no_class");
  const TimeZone tz = ZoneOf(st);
  FactInput f;
  f.kind = FactKind::kWalkIn;
  f.resource_id = venue->resource_id;
  f.at = WalkInStart(st);
  f.end = f.at + w.duration_minutes * kMinute;
  f.organizer = w.organizers[w.organizer];
  f.title = Tr(st.lang, "kiosk.walkin.title_text", {{"class", klass}});
  f.attendees = w.group_size;
  if (w.klass >= 0 && w.klass < static_cast<int>(w.class_ids.size())) f.class_id = w.class_ids[w.klass];
  RecordOrReport(st, ctx, f,
                 Info("kiosk.walkin.done", {{"venue", venue->name},
                                            {"start", tz.FormatTime(f.at)},
                                            {"end", tz.FormatTime(f.end)},
                                            {"organizer", f.organizer},
                                            {"n", std::to_string(f.attendees)}}));
  w.selected_venue.clear();
}

// ---- set-up ----

void SaveSetup(KioskState& st, KioskContext& ctx) {
  if (!st.setup.unlocked) return;
  const std::string problem = ConfigProblem(st.setup.draft);
  if (!problem.empty()) {
    st.message = Error(problem);
    return;
  }
  if (!ctx.config_path.empty()) {
    const Status s = SaveConfig(ctx.config_path, st.setup.draft);
    if (!s.ok()) {
      st.message = Error("kiosk.setup.save_failed", {{"detail", DescribeStatus(st.lang, s)}});
      return;
    }
  }
  ctx.config = st.setup.draft;
  st.lang = ctx.config.lang;
  st.restart_requested = true;
  st.message = Info("kiosk.setup.saved");
}

void ResetScreen(KioskState& st, KioskContext& ctx, Screen screen) {
  st.screen = screen;
  st.message = {};
  st.checkin = {};
  st.equipment.selected_item.clear();
  st.equipment.quantity = 1;
  st.equipment.typed.clear();
  st.equipment.booking.reset();
  st.equipment.selected_loan = -1;
  st.equipment.return_quantity = 0;
  st.equipment.returned_by.clear();
  st.walkin.selected_venue.clear();
  st.walkin.organizer = -1;
  st.walkin.klass = -1;
  st.setup = {};
  st.setup.draft = ctx.config;
}

// The set-up text field being edited.
std::string& SetupText(KioskConfig& draft, SetupField field) {
  switch (field) {
    case SetupField::kToken:
      return draft.token;
    case SetupField::kSchool:
      return draft.school_id;
    case SetupField::kServer:
      break;
  }
  return draft.server;
}

// What a typed character goes into on this screen (a code, a PIN or a set-up field); null: nothing.
std::string* Typed(KioskState& st) {
  switch (st.screen) {
    case Screen::kCheckIn:
      return st.checkin.override_step == OverrideStep::kPin ? &st.checkin.pin_typed : &st.checkin.typed;
    case Screen::kEquipment:
      return &st.equipment.typed;
    case Screen::kSetup:
      return st.setup.unlocked ? &SetupText(st.setup.draft, st.setup.field) : &st.setup.pin_typed;
    default:
      return nullptr;
  }
}

// Codes and PINs take letters, digits and '-' (a scanner's dash), up to 12; set-up fields any printable
// ASCII (URLs, tokens), up to 256.
void TypeChar(KioskState& st, char c) {
  std::string* typed = Typed(st);
  if (!typed) return;
  const bool text = st.screen == Screen::kSetup && st.setup.unlocked;
  const bool fits = text ? c > ' ' && c <= '~' : std::isalnum(static_cast<unsigned char>(c)) || c == '-';
  if (!fits || typed->size() >= (text ? 256u : 12u)) return;
  if (st.screen == Screen::kCheckIn && typed == &st.checkin.typed) StartOver(st.checkin, *typed);
  *typed += c;
}

void Submit(KioskState& st, KioskContext& ctx) {
  switch (st.screen) {
    case Screen::kCheckIn:
      if (st.checkin.override_step == OverrideStep::kPin) {
        SubmitOverridePin(st, ctx);
      } else if (st.checkin.booking) {
        ConfirmCheck(st, ctx);  // a scanner's second Enter confirms
      } else {
        LookUp(st, ctx);
      }
      break;
    case Screen::kEquipment:
      LinkBooking(st, ctx);
      break;
    case Screen::kSetup:
      if (!st.setup.unlocked) {
        st.setup.unlocked = st.setup.pin_typed == ctx.config.admin_pin;
        st.setup.pin_typed.clear();
        st.message = st.setup.unlocked ? Message{} : Error("kiosk.setup.bad_pin");
      }
      break;
    default:
      break;
  }
}

}  // namespace

const char* ScreenName(Screen s) {
  switch (s) {
    case Screen::kHome:
      return "home";
    case Screen::kCheckIn:
      return "checkin";
    case Screen::kEquipment:
      return "equipment";
    case Screen::kWalkIn:
      return "walkin";
    case Screen::kSetup:
      return "setup";
  }
  return "home";
}

std::optional<Screen> ParseScreen(const std::string& name) {
  for (Screen s : {Screen::kHome, Screen::kCheckIn, Screen::kEquipment, Screen::kWalkIn, Screen::kSetup}) {
    if (name == ScreenName(s)) return s;
  }
  return std::nullopt;
}

std::string RenderMessage(const Message& m, Lang lang) {
  if (m.key.empty()) return "";
  std::map<std::string, std::string> params = m.params;
  for (const auto& [name, key] : m.key_params) params[name] = Tr(lang, key);
  if (m.violation) params["reason"] = DescribeViolation(lang, *m.violation);
  return Tr(lang, m.key, params);
}

KioskState InitialState(KioskContext& ctx) {
  KioskState st;
  st.lang = ctx.config.lang;
  st.now = ctx.clock->Now();
  st.last_input = st.now;
  st.setup.draft = ctx.config;
  Refresh(st, ctx);
  return st;
}

void Refresh(KioskState& st, KioskContext& ctx) {
  st.now = ctx.clock->Now();
  st.refreshed_at = st.now;
  RefreshSync(st, ctx);
  ++st.data_generation;
  WithReplica(st, ctx, [&](Store& store) -> Status {
    if (auto school = store.GetSchool(ctx.config.school_id); school.ok()) {
      st.school_name = NameIn(st.lang, school->name, school->name_en);
    }
    if (auto d = store.DistrictOfSchool(ctx.config.school_id); d.ok()) st.time_zone = d->time_zone;
    const TimeZone tz = ZoneOf(st);
    ResourceFilter rf;
    rf.school_id = ctx.config.school_id;
    SS_ASSIGN_OR_RETURN(const std::vector<Resource> resources, store.ListResources(rf));
    SS_RETURN_IF_ERROR(RefreshHome(st, ctx, store, resources, tz));
    SS_ASSIGN_OR_RETURN(const Instant day_start, tz.ToInstant(tz.LocalDate(st.now), 0));
    SS_RETURN_IF_ERROR(RefreshEquipment(st, store, resources, day_start));
    if (st.screen == Screen::kWalkIn) SS_RETURN_IF_ERROR(RefreshWalkIn(st, ctx, store, resources));
    SS_ASSIGN_OR_RETURN(People people, LoadPeople(store, ctx.config.school_id, st.lang));
    st.walkin.organizers = std::move(people.organizers);
    st.walkin.staff_ids = std::move(people.staff_ids);
    st.walkin.classes = std::move(people.classes);
    st.walkin.class_ids = std::move(people.class_ids);
    st.setup.school_venues.clear();
    for (const auto& r : resources) {
      if (!r.is_equipment()) st.setup.school_venues.emplace_back(r.id, NameIn(st.lang, r.name, r.name_en));
    }
    return Status::Ok();
  });
}

void Update(KioskState& st, const Action& action, KioskContext& ctx) {
  st.now = ctx.clock->Now();
  const Screen screen_before = st.screen;
  if (!std::holds_alternative<act::Tick>(action)) st.last_input = st.now;
  std::visit(
      Overloaded{
          [&](const act::GoTo& a) { ResetScreen(st, ctx, a.screen); },
          [&](const act::ToggleLang&) { st.lang = st.lang == Lang::kZh ? Lang::kEn : Lang::kZh; },
          [&](const act::Tick&) {
            if (st.screen != Screen::kHome && st.now - st.last_input >= kIdleTimeout) {
              ResetScreen(st, ctx, Screen::kHome);
            }
          },
          [&](const act::KeyChar& a) { TypeChar(st, a.c); },
          [&](const act::Backspace&) {
            if (std::string* t = Typed(st); t && !t->empty()) t->pop_back();
          },
          [&](const act::ClearTyped&) {
            if (std::string* t = Typed(st)) t->clear();
            if (st.screen == Screen::kCheckIn && st.checkin.override_step != OverrideStep::kPin) {
              StartOver(st.checkin, "");  // also drops a booking found or an override begun
            }
            st.message = {};
          },
          [&](const act::Submit&) { Submit(st, ctx); },
          [&](const act::SetCheckOut& a) {
            st.checkin = {};
            st.checkin.check_out = a.check_out;
            st.message = {};
          },
          [&](const act::ConfirmCheck&) { ConfirmCheck(st, ctx); },
          [&](const act::StartOverride&) { StartOverride(st); },
          [&](const act::PickOverrideStaff& a) { PickOverrideStaff(st, a.index); },
          [&](const act::PickItem& a) {
            st.equipment.selected_item = a.resource_id;
            st.equipment.quantity = 1;
          },
          [&](const act::StepQuantity& a) {
            const EquipmentItem* item = SelectedItem(st);
            const int max = item ? std::max(1, item->available()) : 1;
            st.equipment.quantity = std::clamp(st.equipment.quantity + a.delta, 1, max);
          },
          [&](const act::HandOut&) { HandOut(st, ctx); },
          [&](const act::PickLoan& a) {
            st.equipment.selected_loan = a.index;
            if (a.index >= 0 && a.index < static_cast<int>(st.equipment.loans.size())) {
              st.equipment.returned_by = st.equipment.loans[a.index].who;
              st.equipment.return_quantity = st.equipment.loans[a.index].quantity;  // all, unless stepped down
            }
          },
          [&](const act::StepReturnQuantity& a) {
            const EquipmentState& eq = st.equipment;
            if (eq.selected_loan < 0 || eq.selected_loan >= static_cast<int>(eq.loans.size())) return;
            st.equipment.return_quantity =
                std::clamp(eq.return_quantity + a.delta, 1, eq.loans[eq.selected_loan].quantity);
          },
          [&](const act::SetCondition& a) {
            if (a.condition == "fine" || a.condition == "damaged" || a.condition == "missing") {
              st.equipment.condition = a.condition;
            }
          },
          [&](const act::SetReturner& a) { st.equipment.returned_by = a.name; },
          [&](const act::Return&) { ReturnLoan(st, ctx); },
          [&](const act::PickVenue& a) { st.walkin.selected_venue = a.resource_id; },
          [&](const act::SetDuration& a) { st.walkin.duration_minutes = std::clamp(a.minutes, 15, 240); },
          [&](const act::StepGroup& a) { st.walkin.group_size = std::clamp(st.walkin.group_size + a.delta, 1, 500); },
          [&](const act::PickOrganizer& a) { st.walkin.organizer = a.index; },
          [&](const act::PickClass& a) { st.walkin.klass = a.index; },
          [&](const act::ConfirmWalkIn&) { ConfirmWalkIn(st, ctx); },
          [&](const act::EditSetup& a) {
            if (st.setup.unlocked) st.setup.draft = a.draft;
          },
          [&](const act::SaveSetup&) { SaveSetup(st, ctx); },
          [&](const act::FocusSetupField& a) {
            if (st.setup.unlocked) st.setup.field = a.field;
          },
          [&](const act::DismissMessage&) { st.message = {}; },
      },
      action);
  if (std::holds_alternative<act::Tick>(action)) {
    // Time passing changes what is shown only on a new minute (times are shown to the minute) or when
    // the sync status moved (a round may have brought data): an idle kiosk does no other work.
    const SyncView before = st.sync;
    RefreshSync(st, ctx);
    if (st.now / kMinute == st.refreshed_at / kMinute && st.sync == before && st.screen == screen_before) return;
  }
  Refresh(st, ctx);
}

}  // namespace schoolshare::kiosk
