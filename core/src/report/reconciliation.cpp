// The monthly reconciliation of an owner school: booked against actual per booking, the items a
// manager must resolve (derived from bookings and facts, or raised by the sync service), the sign-off.
#include <algorithm>
#include <cstdio>
#include <map>

#include "booking/judge.h"
#include "schoolshare/json.h"
#include "schoolshare/reports.h"
#include "schoolshare/rules.h"
#include "schoolshare/usage.h"

namespace schoolshare {
namespace {

constexpr const char* kDerivedReasons[] = {"no_show", "late_check_in", "overrun", "late_cancellation",
                                           "equipment_overdue"};
constexpr int kOpenItemsNamed = 10;  // a refused sign-off names at most this many open items

ReconciliationLine LineOf(const Booking& b, const std::vector<UsageFact>& facts) {
  ReconciliationLine line;
  line.booking = b;
  for (const auto& f : facts) {
    // A fact that arrived after its month was signed off leaves the signed month as it was: it is
    // reconciled through the period_locked item it raised in the month it arrived.
    if (f.booking_id != b.id || f.flag.find("period_locked") != std::string::npos) continue;
    const bool in = f.kind == FactKind::kCheckIn || f.kind == FactKind::kWalkIn || f.kind == FactKind::kHandOut;
    const bool out = f.kind == FactKind::kCheckOut || f.kind == FactKind::kReturn;
    if (in && (line.checked_in == 0 || f.at < line.checked_in)) line.checked_in = f.at;
    if (out && f.at > line.checked_out) line.checked_out = f.at;
    if (f.kind == FactKind::kHandOut) line.handed_out += f.quantity;
    if (f.kind == FactKind::kReturn) line.returned += f.quantity;
  }
  return line;
}

// The derived items of one booking of `owner_school_id` at `now`.
std::vector<ReconciliationItem> DerivedItems(const ReconciliationLine& line, const Resource& resource,
                                             const TimeZone& tz, Instant now) {
  const Booking& b = line.booking;
  std::vector<ReconciliationItem> items;
  auto add = [&](const char* reason, Json detail) {
    ReconciliationItem item;
    item.id = std::string(reason) + ":" + b.id;
    item.school_id = resource.school_id;
    item.resource_id = b.resource_id;
    item.booking_id = b.id;
    item.reason = reason;
    detail["code"] = b.code;
    detail["start"] = tz.FormatRfc3339(b.start);
    detail["end"] = tz.FormatRfc3339(b.end);
    item.detail = detail.dump();
    item.created_at = b.start;
    items.push_back(std::move(item));
  };
  if (b.status == BookingStatus::kCancelled) {
    // A cancellation is the booking's last change: updated_at says when it happened.
    if (b.updated_at > b.start - kLateCancellation) {
      add("late_cancellation", {{"cancelled_at", tz.FormatRfc3339(b.updated_at)}});
    }
    return items;
  }
  if (b.status != BookingStatus::kConfirmed) return items;
  if (line.checked_in == 0) {
    if (now >= b.start + kNoShowGrace) add("no_show", Json::object());
    return items;
  }
  if (line.checked_in > b.start + kNoShowGrace) {
    add("late_check_in", {{"checked_in", tz.FormatRfc3339(line.checked_in)}});
  }
  if (line.checked_out > b.end) add("overrun", {{"checked_out", tz.FormatRfc3339(line.checked_out)}});
  if (resource.is_equipment() && line.handed_out > line.returned && now >= b.end) {
    add("equipment_overdue", {{"handed_out", line.handed_out}, {"returned", line.returned}});
  }
  return items;
}

Status CheckScope(const Actor& actor, const std::string& school_id, const std::string& what) {
  if (MayAct(actor, Action::kSignOff, "", school_id)) return Status::Ok();
  return Status::PermissionDenied("a " + std::string(ToString(actor.role)) + " token" +
                                  (actor.school_id.empty() ? "" : " of school \"" + actor.school_id + "\"") +
                                  " may not " + what + " of school \"" + school_id + "\"");
}

}  // namespace

bool IsDerivedReason(const std::string& reason) {
  return std::any_of(std::begin(kDerivedReasons), std::end(kDerivedReasons),
                     [&](const char* r) { return reason == r; });
}

int Reconciliation::open_items() const {
  return static_cast<int>(std::count_if(items.begin(), items.end(), [](const auto& i) { return !i.resolved; }));
}

Result<std::pair<Instant, Instant>> MonthRange(const std::string& month, const TimeZone& tz) {
  auto first = CivilDate::Parse(month + "-01");
  if (month.size() != 7 || !first.ok()) {
    return Status::InvalidArgument("month \"" + month + "\" is not of the form YYYY-MM (2026-11)");
  }
  CivilDate next = *first;
  next.month = first->month == 12 ? 1 : first->month + 1;
  next.year = first->month == 12 ? first->year + 1 : first->year;
  SS_ASSIGN_OR_RETURN(Instant from, tz.ToInstant(*first, 0));
  SS_ASSIGN_OR_RETURN(Instant to, tz.ToInstant(next, 0));
  return std::make_pair(from, to);
}

Result<Reconciliation> BuildReconciliation(Store& store, const std::string& school_id, const std::string& month,
                                           Instant now) {
  Reconciliation rec;
  Status s = store.ReadTransaction([&]() -> Status {
    SS_RETURN_IF_ERROR(store.GetSchool(school_id).status());
    SS_ASSIGN_OR_RETURN(TimeZone tz, booking::ZoneOfSchool(store, school_id));
    SS_ASSIGN_OR_RETURN(auto range, MonthRange(month, tz));
    rec.from = range.first;
    rec.to = range.second;
    SS_ASSIGN_OR_RETURN(rec.period, store.GetReportPeriod(school_id, month));
    SS_ASSIGN_OR_RETURN(std::vector<ReconciliationItem> stored, store.ListReconciliationItems(school_id, false));
    std::map<std::string, ReconciliationItem> resolutions;  // of derived items, by id
    std::vector<ReconciliationItem> raised;
    for (auto& item : stored) {
      if (IsDerivedReason(item.reason)) {
        resolutions[item.id] = std::move(item);
      } else if (item.created_at >= rec.from && item.created_at < rec.to) {
        raised.push_back(std::move(item));
      }
    }
    BookingFilter f;
    f.owner_school_id = school_id;
    f.from = rec.from;
    f.to = rec.to;
    SS_ASSIGN_OR_RETURN(std::vector<Booking> bookings, store.ListBookings(f));
    std::sort(bookings.begin(), bookings.end(),
              [](const Booking& a, const Booking& b) { return a.start != b.start ? a.start < b.start : a.id < b.id; });
    std::map<std::string, Resource> resources;
    for (const auto& b : bookings) {
      if (b.start < rec.from || b.start >= rec.to) continue;  // a booking belongs to the month it starts in
      if (b.status != BookingStatus::kConfirmed && b.status != BookingStatus::kCancelled) continue;
      FactFilter ff;
      ff.booking_id = b.id;
      SS_ASSIGN_OR_RETURN(std::vector<UsageFact> facts, store.ListFacts(ff));
      if (resources.count(b.resource_id) == 0) {
        SS_ASSIGN_OR_RETURN(resources[b.resource_id], store.GetResource(b.resource_id));
      }
      ReconciliationLine line = LineOf(b, facts);
      for (auto& item : DerivedItems(line, resources[b.resource_id], tz, now)) {
        auto r = resolutions.find(item.id);
        rec.items.push_back(r == resolutions.end() ? std::move(item) : r->second);
      }
      if (b.status == BookingStatus::kConfirmed) rec.lines.push_back(std::move(line));
    }
    for (auto& item : raised) rec.items.push_back(std::move(item));
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return rec;
}

Result<ReconciliationItem> FindReconciliationItem(Store& store, const std::string& item_id, Instant now) {
  auto stored = store.GetReconciliationItem(item_id);
  if (stored.ok() || stored.status().code() != StatusCode::kNotFound) return stored;
  // A derived item: "<reason>:<booking id>", real only while the booking still gives rise to it.
  const auto colon = item_id.find(':');
  const std::string reason = colon == std::string::npos ? "" : item_id.substr(0, colon);
  if (!IsDerivedReason(reason)) return Status::NotFound("no reconciliation item \"" + item_id + "\"");
  SS_ASSIGN_OR_RETURN(Booking b, store.GetBooking(item_id.substr(colon + 1)));
  SS_ASSIGN_OR_RETURN(Resource resource, store.GetResource(b.resource_id));
  SS_ASSIGN_OR_RETURN(TimeZone tz, booking::ZoneOfSchool(store, resource.school_id));
  FactFilter ff;
  ff.booking_id = b.id;
  SS_ASSIGN_OR_RETURN(std::vector<UsageFact> facts, store.ListFacts(ff));
  auto derived = DerivedItems(LineOf(b, facts), resource, tz, now);
  auto it = std::find_if(derived.begin(), derived.end(), [&](const auto& d) { return d.id == item_id; });
  if (it == derived.end()) {
    return Status::NotFound("booking " + b.code + " has no " + reason + " item (any more) to resolve");
  }
  return *it;
}

Result<ReconciliationItem> ResolveReconciliationItem(Store& store, const std::string& item_id, const std::string& note,
                                                     const Actor& actor, Instant now) {
  if (note.empty()) return Status::InvalidArgument("a resolution needs a note saying what was found");
  ReconciliationItem item;
  Status s = store.Transaction([&]() -> Status {
    SS_ASSIGN_OR_RETURN(item, FindReconciliationItem(store, item_id, now));
    SS_RETURN_IF_ERROR(CheckScope(actor, item.school_id, "resolve reconciliation items"));
    item.resolved = true;
    item.resolution = note;
    item.resolved_by = actor.id;
    item.resolved_at = now;
    return store.PutReconciliationItem(item, actor);
  });
  if (!s.ok()) return s;
  return item;
}

Result<ReportPeriod> SignOffPeriod(Store& store, const std::string& school_id, const std::string& month,
                                   const Actor& actor, Instant now) {
  ReportPeriod period;
  Status s = store.Transaction([&]() -> Status {
    SS_RETURN_IF_ERROR(store.GetSchool(school_id).status());
    SS_RETURN_IF_ERROR(CheckScope(actor, school_id, "sign off the months"));
    SS_ASSIGN_OR_RETURN(Reconciliation rec, BuildReconciliation(store, school_id, month, now));
    period = rec.period;
    if (period.status == PeriodStatus::kSignedOff) return Status::Ok();
    if (now < rec.to)
      return Status::InvalidArgument("month " + month + " is not over yet: it can be signed off from its end");
    if (rec.open_items() > 0) {
      std::string names;
      int named = 0;
      for (const auto& item : rec.items) {
        if (item.resolved || named == kOpenItemsNamed) continue;
        names += (named++ ? ", " : "") + item.id + " (" + item.reason + ")";
      }
      return Status::Conflict(std::to_string(rec.open_items()) + " reconciliation item(s) of " + month +
                              " are still open: " + names);
    }
    period.school_id = school_id;
    period.month = month;
    period.status = PeriodStatus::kSignedOff;
    period.signed_off_by = actor.name.empty() ? actor.id : actor.name;  // the audit log keeps the id
    period.signed_off_at = now;
    return store.PutReportPeriod(period, actor);
  });
  if (!s.ok()) return s;
  return period;
}

}  // namespace schoolshare
