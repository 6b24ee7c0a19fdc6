// Applying one mutation on the server: claims through the booking service (the single place rules are
// checked), facts always kept with their anomalies flagged, catalogue edits within the caller's scope.
// Called inside a transaction (a savepoint of the push batch); a refusal error rolls the savepoint back.
#include <set>

#include "booking/judge.h"
#include "json/booking_text.h"
#include "schoolshare/booking_service.h"
#include "schoolshare/ids.h"
#include "schoolshare/outcome_json.h"
#include "schoolshare/reports.h"
#include "schoolshare/rules.h"
#include "schoolshare/sync_service.h"
#include "sync/mutation_outcome.h"

namespace schoolshare {
namespace sync {

bool IsRefusal(const Status& s) {
  switch (s.code()) {
    case StatusCode::kInvalidArgument:
    case StatusCode::kPermissionDenied:
    case StatusCode::kNotFound:
    case StatusCode::kLocked:
    case StatusCode::kAlreadyExists:
    case StatusCode::kConflict:
      return true;
    default:
      return false;
  }
}

MutationOutcome RefusalOutcome(const Status& s) {
  MutationOutcome o;
  o.status = "rejected";
  o.http = HttpStatusOf(s);
  switch (s.code()) {
    case StatusCode::kPermissionDenied:
      o.error = "forbidden";
      break;
    case StatusCode::kNotFound:
      o.error = "not_found";
      break;
    case StatusCode::kLocked:
      o.error = "period_locked";
      break;
    case StatusCode::kAlreadyExists:
      o.error = "already_exists";
      break;
    case StatusCode::kConflict:
      o.error = "conflict";
      break;
    default:
      o.error = "invalid_request";
  }
  o.message = s.message();
  return o;
}

MutationOutcome QuarantineOutcome(const Status& s) {
  MutationOutcome o;
  o.status = "quarantined";
  o.http = 500;
  o.error = "quarantined";
  o.message = "kept for an operator to look at: " + s.ToString();
  return o;
}

MutationOutcome FromBookingOutcome(BookingOutcome b, const TimeZone& tz, Lang lang, int accepted_http) {
  MutationOutcome o;
  if (b.accepted) {
    o.http = b.duplicate ? 200 : accepted_http;
  } else {
    o.status = "rejected";
    const Violation& first = b.violations.front();
    o.error = RuleName(first.rule);
    o.message = DescribeViolation(lang, first);
    o.http = first.rule == Rule::kOverlap || first.rule == Rule::kEquipmentStock ? 409 : 422;
  }
  o.unrendered =
      std::make_shared<const MutationOutcome::Unrendered>(MutationOutcome::Unrendered{std::move(b), tz, lang});
  return o;
}

void Render(MutationOutcome& o) {
  if (!o.unrendered) return;
  const BookingOutcome& b = o.unrendered->booking;
  Json full = ToJson(b, o.unrendered->tz, o.unrendered->lang);
  o.fields["booking"] = full["booking"];
  if (b.accepted) {
    if (b.duplicate) o.fields["duplicate"] = true;
    o.entity = std::move(full["booking"]);
  } else {
    std::set<std::string> conflicts;
    for (const auto& v : b.violations)
      conflicts.insert(v.conflicting_booking_ids.begin(), v.conflicting_booking_ids.end());
    o.fields["violations"] = std::move(full["violations"]);
    o.fields["conflicts"] = conflicts;
    o.fields["alternatives"] = std::move(full["alternatives"]);
  }
  o.unrendered.reset();
}

Json ResultJson(const Mutation& m, MutationOutcome& o) {
  Render(o);
  Json j = o.fields;
  j["id"] = m.id;
  j["client_seq"] = m.client_seq;
  j["name"] = m.name;
  j["status"] = o.status;
  if (!o.error.empty()) {
    j["error"] = o.error;
    j["message"] = o.message;
  }
  return j;
}

Reply RestReply(MutationOutcome o) {
  // An accepted booking (stored, so it has a code) answers with the booking alone, as Render's entity
  // would give it: written directly instead of through a Json tree.
  if (o.unrendered && o.unrendered->booking.accepted && !o.unrendered->booking.booking.code.empty()) {
    return {o.http, BookingJsonText(o.unrendered->booking.booking, o.unrendered->tz)};
  }
  Render(o);
  if (o.status == "rejected" || o.status == "quarantined") {
    Json extra = o.fields;
    return ErrorReply(o.http, o.error, o.message, extra);
  }
  Json body = o.entity.is_null() ? o.fields : o.entity;
  if (o.status == "applied_flagged" && body.is_object()) {
    body["flags"] = o.fields.value("flags", Json::array());
    body["reconciliation_ids"] = o.fields.value("reconciliation_ids", Json::array());
  }
  return JsonReply(o.http, body);
}

}  // namespace sync

namespace {

constexpr Instant kEarlyCheckIn = 30 * 60;      // a check-in this long before the start is on time
constexpr Instant kFutureTolerance = 5 * 60;    // a fact this far in the future has a wrong clock
constexpr Instant kClockTrust = 7 * 24 * 3600;  // a device clock last synced longer ago is not trusted

Status RequireString(const Json& args, const char* key, std::string* out) {
  if (!args.contains(key) || !args[key].is_string() || args[key].get<std::string>().empty()) {
    return Status::InvalidArgument(std::string("argument \"") + key + "\" must be a non-empty string");
  }
  *out = args[key].get<std::string>();
  return Status::Ok();
}

Status Forbidden(const Actor& actor, const std::string& what) {
  return Status::PermissionDenied("a " + std::string(ToString(actor.role)) + " token" +
                                  (actor.school_id.empty() ? "" : " of school \"" + actor.school_id + "\"") +
                                  " may not " + what);
}

}  // namespace

Result<SyncService::Outcome> SyncService::ApplyMutation(const Actor& actor, const sync::Mutation& m, Lang lang) {
  if (m.name == sync::kCreateBooking) return CreateBooking(actor, m.args, lang);
  if (m.name == sync::kCreateSeries) return CreateSeries(actor, m.args, lang);
  if (m.name == sync::kCancelBooking || m.name == sync::kApproveBooking || m.name == sync::kRejectBooking) {
    return DecideBooking(actor, m.name, m.args, lang);
  }
  if (m.name == sync::kRecordFact) return RecordFact(actor, m.args, m.client_time, lang);
  if (sync::IsKnownMutation(m.name)) return EditCatalogue(actor, m.name, m.args);
  return Status::InvalidArgument("unknown mutation \"" + m.name + "\"");
}

Result<SyncService::Outcome> SyncService::CreateBooking(const Actor& actor, const Json& args, Lang lang) {
  std::string resource_id;
  SS_RETURN_IF_ERROR(RequireString(args, "resource_id", &resource_id));
  SS_ASSIGN_OR_RETURN(Resource resource, store_.GetResource(resource_id));
  SS_ASSIGN_OR_RETURN(TimeZone tz, ZoneOf(resource.school_id));
  Json with_school = args;
  if (!with_school.contains("school_id") && !actor.school_id.empty()) with_school["school_id"] = actor.school_id;
  SS_ASSIGN_OR_RETURN(Booking b, BookingFromJson(with_school, tz));
  if (b.end <= b.start) {
    return Status::InvalidArgument("the booking must end after it starts (start " + tz.FormatLocal(b.start) + ", end " +
                                   tz.FormatLocal(b.end) + ")");
  }
  BookingRequest req;
  req.id = b.id;
  req.resource_id = b.resource_id;
  req.school_id = b.school_id;
  req.organizer = b.organizer;
  req.title = b.title;
  req.activity_type = b.activity_type.empty() ? "other" : b.activity_type;
  req.attendees = b.attendees;
  req.quantity = b.quantity;
  req.class_id = b.class_id;
  req.start = b.start;
  req.end = b.end;
  if (args.contains("required_features") && args["required_features"].is_array()) {
    for (const auto& f : args["required_features"]) {
      if (f.is_string()) req.required_features.push_back(f.get<std::string>());
    }
  }
  CreateOptions options;
  options.allow_backfill = args.value("backfill", false) == true;
  BookingService service(store_, clock_);
  SS_ASSIGN_OR_RETURN(BookingOutcome outcome, service.Create(req, actor, options));
  return sync::FromBookingOutcome(std::move(outcome), tz, lang, 201);
}

// A weekly series (args: the series' JSON shape plus "mode": all_or_nothing | skip_conflicts). Applied
// when it was written (all dates, or the free ones); rejected with the first refused date's rule and
// every refused date otherwise.
Result<SyncService::Outcome> SyncService::CreateSeries(const Actor& actor, const Json& args, Lang lang) {
  Json with_school = args;
  if (!with_school.contains("school_id") && !actor.school_id.empty()) with_school["school_id"] = actor.school_id;
  SS_ASSIGN_OR_RETURN(BookingSeries series, SeriesFromJson(with_school));
  if (series.id.empty()) return Status::InvalidArgument("a series needs an id");
  SeriesRequest request;
  request.series = series;
  const std::string mode = args.value("mode", std::string("all_or_nothing"));
  if (mode == "skip_conflicts") {
    request.mode = SeriesRequest::Mode::kSkipConflicts;
  } else if (mode != "all_or_nothing") {
    return Status::InvalidArgument("argument \"mode\" is all_or_nothing or skip_conflicts, not \"" + mode + "\"");
  }
  BookingService service(store_, clock_);
  SS_ASSIGN_OR_RETURN(SeriesOutcome out, service.CreateSeries(request, actor));
  Outcome o;
  Json refused = Json::array();
  const Violation* first = nullptr;
  for (const SeriesOccurrence& occ : out.occurrences) {
    if (occ.outcome.accepted) continue;
    Json violations = Json::array();
    for (const Violation& v : occ.outcome.violations) violations.push_back(ToJson(v, lang));
    refused.push_back({{"date", occ.date.ToString()}, {"violations", violations}});
    if (first == nullptr && !occ.outcome.violations.empty()) first = &occ.outcome.violations.front();
  }
  o.fields["series"] = ToJson(out.series);
  o.fields["created"] = out.created;
  o.fields["refused"] = refused;
  if (out.accepted) {
    o.http = 201;
    o.entity = o.fields;
    return o;
  }
  o.status = "rejected";
  o.error = first ? RuleName(first->rule) : "conflict";
  o.message = first ? DescribeViolation(lang, *first) : "the series was refused";
  o.http = 409;
  return o;
}

Result<SyncService::Outcome> SyncService::DecideBooking(const Actor& actor, const std::string& name, const Json& args,
                                                        Lang lang) {
  std::string id;
  SS_RETURN_IF_ERROR(RequireString(args, "booking_id", &id));
  std::int64_t base_version = 0;
  if (args.contains("base_version")) {
    if (!args["base_version"].is_number_integer() || args["base_version"].get<std::int64_t>() < 0) {
      return Status::InvalidArgument("argument \"base_version\" must be a whole number");
    }
    base_version = args["base_version"].get<std::int64_t>();
  }
  const std::string reason = sync::StringField(args, "reason");
  SS_ASSIGN_OR_RETURN(Booking b, store_.GetBooking(id));
  SS_ASSIGN_OR_RETURN(Resource resource, store_.GetResource(b.resource_id));
  SS_ASSIGN_OR_RETURN(TimeZone tz, ZoneOf(resource.school_id));
  BookingService service(store_, clock_);
  BookingOutcome outcome;
  if (name == sync::kCancelBooking) {
    SS_ASSIGN_OR_RETURN(outcome, service.Cancel(id, actor, reason));
  } else if (name == sync::kApproveBooking) {
    SS_ASSIGN_OR_RETURN(outcome, service.Approve(id, actor, base_version));
  } else {
    SS_ASSIGN_OR_RETURN(outcome, service.Reject(id, actor, reason, base_version));
  }
  return sync::FromBookingOutcome(std::move(outcome), tz, lang, 200);
}

Result<SyncService::Outcome> SyncService::RecordFact(const Actor& actor, const Json& args,
                                                     const std::string& client_time, Lang lang) {
  std::string resource_id;
  SS_RETURN_IF_ERROR(RequireString(args, "resource_id", &resource_id));
  SS_ASSIGN_OR_RETURN(Resource resource, store_.GetResource(resource_id));
  if (!MayAct(actor, Action::kRecordFact, "", resource.school_id)) {
    return Forbidden(actor, "record facts at school \"" + resource.school_id + "\"");
  }
  SS_ASSIGN_OR_RETURN(TimeZone tz, ZoneOf(resource.school_id));
  SS_ASSIGN_OR_RETURN(UsageFact fact, FactFromJson(args, tz));
  const Instant now = clock_.Now();
  Outcome out;
  out.http = 201;
  if (auto stored = store_.GetFact(fact.id); stored.ok()) {  // recorded before: facts are idempotent by id
    out.http = 200;
    out.fields["fact"] = ToJson(*stored, tz);
    out.fields["duplicate"] = true;
    out.entity = out.fields["fact"];
    return out;
  } else if (stored.status().code() != StatusCode::kNotFound) {
    return stored.status();
  }
  if (fact.school_id.empty()) fact.school_id = actor.school_id.empty() ? resource.school_id : actor.school_id;
  fact.recorded_by = actor.id;
  fact.received_at = now;
  fact.flag.clear();

  std::vector<std::string> flags;                   // stored on the fact
  std::vector<std::pair<std::string, Json>> raise;  // reconciliation items: reason, detail
  // Clocks: ordering never depends on them, but reports must say when a time is doubtful.
  if (args.contains("clock_synced_at")) {
    const Json& synced = args["clock_synced_at"];
    auto at = synced.is_string() ? tz.Parse(synced.get<std::string>()) : Result<Instant>(Status::NotFound(""));
    if (!at.ok() || now - *at > kClockTrust) flags.push_back("clock_unsynced");
  }
  if (fact.at > now + kFutureTolerance) flags.push_back("clock_skew");
  if (!client_time.empty()) {
    auto device = tz.Parse(client_time);
    const bool flagged = !flags.empty() && flags.back() == "clock_skew";
    if (device.ok() && *device > now + kFutureTolerance && !flagged) flags.push_back("clock_skew");
  }

  if (fact.kind == FactKind::kWalkIn && fact.booking_id.empty()) {
    // The fact stands whatever happens; its claim on the schedule is judged like any booking.
    std::string end_text;
    SS_RETURN_IF_ERROR(RequireString(args, "end", &end_text));
    SS_ASSIGN_OR_RETURN(Instant end, tz.Parse(end_text));
    if (end <= fact.at) return Status::InvalidArgument("a walk-in must end after it starts");
    BookingRequest claim = sync::WalkInClaim(fact, args, end);
    if (!claim.class_id.empty()) {  // a class the server does not know must not cost the fact its claim
      auto group = store_.GetClass(claim.class_id);
      if (!group.ok() || group->school_id != claim.school_id) claim.class_id.clear();
    }
    CreateOptions options;
    options.walk_in = true;
    options.with_alternatives = false;
    BookingService service(store_, clock_);
    SS_ASSIGN_OR_RETURN(BookingOutcome claimed, service.Create(claim, actor, options));
    out.fields["claim"] = ToJson(claimed, tz, lang);
    if (claimed.accepted) {
      fact.booking_id = claimed.booking.id;
    } else {
      flags.push_back("walk_in_conflict");
      Json violations = Json::array();
      for (const auto& v : claimed.violations) violations.push_back(ToJson(v, lang));
      raise.push_back({"walk_in_conflict",
                       {{"start", tz.FormatRfc3339(claim.start)},
                        {"end", tz.FormatRfc3339(claim.end)},
                        {"violations", violations}}});
    }
  } else if (fact.kind != FactKind::kWalkIn) {
    if (fact.booking_id.empty()) {
      if (fact.kind == FactKind::kCheckIn || fact.kind == FactKind::kHandOut) {
        flags.push_back("no_booking");
        raise.push_back({"no_booking", Json::object()});
      }
    } else {
      auto booking = store_.GetBooking(fact.booking_id);
      if (!booking.ok()) {
        if (booking.status().code() != StatusCode::kNotFound) return booking.status();
        flags.push_back("unknown_booking");
        raise.push_back({"no_booking", {{"booking_id", fact.booking_id}}});
      } else if (!booking->held()) {
        flags.push_back("booking_not_held");
        raise.push_back({"booking_not_held", {{"status", ToString(booking->status)}, {"code", booking->code}}});
      } else if (fact.kind == FactKind::kCheckIn &&
                 (fact.at < booking->start - kEarlyCheckIn || fact.at >= booking->end)) {
        flags.push_back("outside_window");
        Json detail = {{"code", booking->code},
                       {"start", tz.FormatRfc3339(booking->start)},
                       {"end", tz.FormatRfc3339(booking->end)}};
        if (!fact.override_by.empty()) detail["override_by"] = fact.override_by;  // a staff member allowed it
        raise.push_back({"outside_window", detail});
      } else if (fact.kind == FactKind::kHandOut && booking->quantity > 0 && fact.quantity > booking->quantity) {
        flags.push_back("over_booking");
        raise.push_back({"over_stock", {{"code", booking->code}, {"booked", booking->quantity}}});
      }
    }
    if (fact.kind == FactKind::kReturn && (fact.condition == "damaged" || fact.condition == "missing")) {
      flags.push_back("equipment_" + fact.condition);
      raise.push_back({"equipment_" + fact.condition, {{"quantity", fact.quantity}, {"note", fact.note}}});
    }
  }
  // A fact still stands in a signed-off month (it happened), but the month cannot change any more: it is
  // flagged and raises an item, which belongs to the month it is raised in (the next open one).
  SS_ASSIGN_OR_RETURN(bool locked, booking::PeriodLocked(store_, resource.school_id, tz, fact.at));
  if (locked) {
    flags.push_back("period_locked");
    raise.push_back({"period_locked", {{"month", booking::MonthOf(tz, fact.at)}, {"kind", ToString(fact.kind)}}});
  }
  for (std::size_t i = 0; i < flags.size(); ++i) fact.flag += (i ? "," : "") + flags[i];
  SS_RETURN_IF_ERROR(store_.InsertFact(fact, actor));
  Json ids = Json::array();
  for (auto& [reason, detail] : raise) {
    ReconciliationItem item;
    item.id = NewUuid();
    item.school_id = resource.school_id;
    item.resource_id = resource.id;
    item.fact_id = fact.id;
    item.booking_id = fact.booking_id.empty() ? sync::StringField(args, "booking_id") : fact.booking_id;
    item.reason = reason;
    item.detail = detail.dump();
    item.created_at = now;
    SS_RETURN_IF_ERROR(store_.PutReconciliationItem(item, actor));
    ids.push_back(item.id);
  }
  out.fields["fact"] = ToJson(fact, tz);
  out.entity = out.fields["fact"];
  if (!flags.empty()) {
    out.status = "applied_flagged";
    out.fields["flags"] = flags;
    out.fields["reconciliation_ids"] = ids;
  }
  return out;
}

Result<SyncService::Outcome> SyncService::EditCatalogue(const Actor& actor, const std::string& name, const Json& args) {
  Outcome out;
  if (name == sync::kPutResource) {
    SS_ASSIGN_OR_RETURN(Resource r, ResourceFromJson(args));
    if (!MayAct(actor, Action::kEditCatalogue, "", r.school_id)) {
      return Forbidden(actor, "edit resources of school \"" + r.school_id + "\"");
    }
    auto existing = store_.GetResource(r.id);
    if (existing.ok() && !MayAct(actor, Action::kEditCatalogue, "", existing->school_id)) {
      return Forbidden(actor, "edit resource \"" + r.id + "\" of school \"" + existing->school_id + "\"");
    }
    SS_RETURN_IF_ERROR(store_.PutResource(r, actor));
    out.fields["resource"] = ToJson(r);
  } else if (name == sync::kPutSchool) {
    SS_ASSIGN_OR_RETURN(School s, SchoolFromJson(args));
    auto existing = store_.GetSchool(s.id);
    if (!existing.ok() && existing.status().code() != StatusCode::kNotFound) return existing.status();
    SS_RETURN_IF_ERROR(MayEditSchool(actor, existing.ok() ? &*existing : nullptr, s));
    SS_RETURN_IF_ERROR(store_.PutSchool(s, actor));
    out.fields["school"] = ToJson(s);
  } else if (name == sync::kPutBlackout) {
    std::string school_id;
    SS_RETURN_IF_ERROR(RequireString(args, "school_id", &school_id));
    SS_ASSIGN_OR_RETURN(TimeZone tz, ZoneOf(school_id));
    SS_ASSIGN_OR_RETURN(Blackout b, BlackoutFromJson(args, tz));
    if (!MayAct(actor, Action::kEditCatalogue, "", b.school_id)) {
      return Forbidden(actor, "close resources of school \"" + b.school_id + "\"");
    }
    if (!b.resource_id.empty()) {
      SS_ASSIGN_OR_RETURN(Resource r, store_.GetResource(b.resource_id));
      if (r.school_id != b.school_id) {
        return Status::InvalidArgument("resource \"" + r.id + "\" belongs to school \"" + r.school_id + "\"");
      }
    }
    auto existing = store_.GetBlackout(b.id);
    if (existing.ok() && !MayAct(actor, Action::kEditCatalogue, "", existing->school_id)) {
      return Forbidden(actor, "edit blackout \"" + b.id + "\"");
    }
    SS_RETURN_IF_ERROR(store_.PutBlackout(b, actor));
    out.fields["blackout"] = ToJson(b, tz);
  } else if (name == sync::kPutStaff || name == sync::kPutClass) {
    const bool staff = name == sync::kPutStaff;
    std::string id, school_id;
    SS_RETURN_IF_ERROR(RequireString(args, "id", &id));
    SS_RETURN_IF_ERROR(RequireString(args, "school_id", &school_id));
    if (!MayAct(actor, Action::kEditCatalogue, "", school_id)) {
      return Forbidden(actor, std::string(staff ? "edit staff" : "edit classes") + " of school \"" + school_id + "\"");
    }
    // Moving a person or a class to another school needs the right over the school it leaves too.
    std::string was_at;
    if (staff) {
      if (auto existing = store_.GetStaff(id); existing.ok()) was_at = existing->school_id;
    } else if (auto existing = store_.GetClass(id); existing.ok()) {
      was_at = existing->school_id;
    }
    if (!was_at.empty() && !MayAct(actor, Action::kEditCatalogue, "", was_at)) {
      return Forbidden(actor, "edit \"" + id + "\" of school \"" + was_at + "\"");
    }
    if (staff) {
      SS_ASSIGN_OR_RETURN(StaffMember m, StaffFromJson(args));
      SS_RETURN_IF_ERROR(store_.PutStaff(m, actor));
      out.fields["staff"] = ToJson(m);
    } else {
      SS_ASSIGN_OR_RETURN(SchoolClass c, ClassFromJson(args));
      SS_RETURN_IF_ERROR(store_.PutClass(c, actor));
      out.fields["class"] = ToJson(c);
    }
  } else if (name == sync::kDeleteBlackout) {
    std::string id;
    SS_RETURN_IF_ERROR(RequireString(args, "id", &id));
    SS_ASSIGN_OR_RETURN(Blackout b, store_.GetBlackout(id));
    if (!MayAct(actor, Action::kEditCatalogue, "", b.school_id)) {
      return Forbidden(actor, "remove blackout \"" + id + "\" of school \"" + b.school_id + "\"");
    }
    SS_RETURN_IF_ERROR(store_.DeleteBlackout(id, actor));
    out.fields["deleted"] = id;
  } else if (name == sync::kResolveReconciliation) {
    std::string id;
    std::string resolution;
    SS_RETURN_IF_ERROR(RequireString(args, "id", &id));
    SS_RETURN_IF_ERROR(RequireString(args, "resolution", &resolution));
    // The same resolution as REST's: a derived item (no_show:<booking>, ...) is stored on the way.
    SS_ASSIGN_OR_RETURN(ReconciliationItem item,
                        ResolveReconciliationItem(store_, id, resolution, actor, clock_.Now()));
    SS_ASSIGN_OR_RETURN(TimeZone tz, ZoneOf(item.school_id));
    out.fields["reconciliation"] = ToJson(item, tz);
  } else {
    return Status::InvalidArgument("unknown mutation \"" + name + "\"");
  }
  out.entity = out.fields;
  return out;
}

}  // namespace schoolshare
