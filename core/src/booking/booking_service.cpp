#include "schoolshare/booking_service.h"

#include "booking/judge.h"
#include "schoolshare/ids.h"

namespace schoolshare {
namespace {

constexpr int kCodeAttempts = 20;

bool IsAdmin(const Actor& actor) { return actor.role == Role::kDistrictAdmin; }

BookingOutcome Refused(const Booking& b, Rule rule, std::map<std::string, std::string> params = {}) {
  BookingOutcome out;
  out.booking = b;
  out.violations.push_back({rule, {}, std::move(params)});
  return out;
}

}  // namespace

Result<BookingOutcome> BookingService::Create(const BookingRequest& request, const Actor& actor,
                                              const CreateOptions& options) {
  std::string id = request.id.empty() ? NewUuid() : request.id;
  Booking candidate = booking::CandidateFrom(request, id);
  bool backfill = (options.allow_backfill && IsAdmin(actor)) || options.walk_in;
  Instant now = clock_.Now();
  BookingOutcome out;
  out.booking = candidate;
  Resource resource;
  // One transaction around everything (a read-only snapshot for a dry run): the check and the insert
  // cannot be separated by another writer, and the store checks for outside changes only once.
  auto body = [&]() -> Status {
    SS_ASSIGN_OR_RETURN(resource, store_.GetResource(request.resource_id));
    SS_RETURN_IF_ERROR(store_.GetSchool(request.school_id).status());
    if (!request.class_id.empty()) {
      SS_ASSIGN_OR_RETURN(SchoolClass group, store_.GetClass(request.class_id));
      if (group.school_id != request.school_id) {
        return Status::InvalidArgument("class \"" + group.id + "\" belongs to school \"" + group.school_id +
                                       "\", not to the requesting school \"" + request.school_id + "\"");
      }
    }
    if (!MayAct(actor, Action::kCreateBooking, request.school_id, resource.school_id)) {
      return Status::PermissionDenied("a " + std::string(ToString(actor.role)) + " token for school \"" +
                                      actor.school_id + "\" may not book for school \"" + request.school_id + "\"");
    }
    if (!request.id.empty()) {
      auto stored = store_.GetBooking(id);
      if (stored.ok()) {  // the same request again: idempotent
        out.accepted = true;
        out.duplicate = true;
        out.booking = *stored;
        return Status::Ok();
      }
      if (stored.status().code() != StatusCode::kNotFound) return stored.status();
    }
    SS_ASSIGN_OR_RETURN(booking::JudgeContext ctx,
                        booking::JudgeContext::Load(store_, resource, request.school_id, candidate.start, candidate.end,
                                                    now, backfill));
    if (options.walk_in) SS_RETURN_IF_ERROR(ctx.ReleaseNoShows(now));
    SS_ASSIGN_OR_RETURN(Verdict verdict, ctx.Evaluate(candidate));
    if (!verdict.ok()) {
      out.violations = std::move(verdict.violations);
      return Status::Ok();
    }
    out.accepted = true;
    out.booking.status = verdict.status;
    out.booking.stage = verdict.stage;
    out.booking.created_by = actor.id;
    out.booking.created_at = now;
    out.booking.updated_at = now;
    out.booking.version = 1;
    if (options.dry_run) return Status::Ok();
    // The id is known to be free, so a uniqueness failure can only be the code: draw another.
    for (int i = 0; i < kCodeAttempts; ++i) {
      out.booking.code = NewBookingCode();
      Status s = store_.InsertBooking(out.booking, actor, "booking.create");
      if (s.code() != StatusCode::kAlreadyExists) return s;
    }
    return Status::Internal("could not find a free booking code");
  };
  Status s = options.dry_run ? store_.ReadTransaction(body) : store_.Transaction(body);
  if (!s.ok()) return s;
  if (!out.accepted && options.with_alternatives) {
    BookingRequest with_id = request;
    with_id.id = id;
    SS_ASSIGN_OR_RETURN(out.alternatives, FindAlternatives(with_id, actor));
  }
  return out;
}

Result<BookingOutcome> BookingService::Cancel(const std::string& booking_id, const Actor& actor,
                                              const std::string& reason) {
  Instant now = clock_.Now();
  BookingOutcome out;
  // Read and change inside one write transaction: two people acting on the same booking at once are
  // serialized, and the second sees what the first did.
  Status s = store_.Transaction([&]() -> Status {
    SS_ASSIGN_OR_RETURN(Booking b, store_.GetBooking(booking_id));
    SS_ASSIGN_OR_RETURN(Resource resource, store_.GetResource(b.resource_id));
    if (!MayAct(actor, Action::kCancelBooking, b.school_id, resource.school_id)) {
      return Status::PermissionDenied("a " + std::string(ToString(actor.role)) + " token for school \"" +
                                      actor.school_id + "\" may not cancel booking " + b.code);
    }
    out.booking = b;
    if (!b.held()) {  // already cancelled or rejected: nothing to do
      out.accepted = true;
      return Status::Ok();
    }
    SS_ASSIGN_OR_RETURN(TimeZone tz, booking::ZoneOfSchool(store_, resource.school_id));
    if (b.start <= now && !IsAdmin(actor)) {
      out = Refused(b, Rule::kAlreadyStarted, {{"start", tz.FormatLocal(b.start)}, {"code", b.code}});
      return Status::Ok();
    }
    SS_ASSIGN_OR_RETURN(bool locked, booking::PeriodLocked(store_, resource.school_id, tz, b.start));
    if (locked) {
      out = Refused(b, Rule::kPeriodLocked, {{"month", booking::MonthOf(tz, b.start)}});
      return Status::Ok();
    }
    b.status = BookingStatus::kCancelled;
    b.stage = ApprovalStage::kNone;
    b.note = reason;
    b.updated_at = now;
    SS_RETURN_IF_ERROR(store_.UpdateBooking(b, actor, "booking.cancel"));
    SS_ASSIGN_OR_RETURN(out.booking, store_.GetBooking(b.id));
    out.accepted = true;
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return out;
}

namespace {

// Approve and reject share everything but the new state.
Result<BookingOutcome> Decide(Store& store, const Clock& clock, const std::string& booking_id, const Actor& actor,
                              bool approve, const std::string& reason, std::int64_t base_version) {
  if (!approve && reason.empty()) return Status::InvalidArgument("a rejection needs a reason for the requester");
  Instant now = clock.Now();
  BookingOutcome out;
  Status s = store.Transaction([&]() -> Status {
    SS_ASSIGN_OR_RETURN(Booking b, store.GetBooking(booking_id));
    SS_ASSIGN_OR_RETURN(Resource resource, store.GetResource(b.resource_id));
    if (b.status == BookingStatus::kPending &&
        !MayAct(actor, Action::kApproveBooking, b.school_id, resource.school_id, b.stage)) {
      return Status::PermissionDenied("a " + std::string(ToString(actor.role)) + " token for school \"" +
                                      actor.school_id + "\" may not decide booking " + b.code + " at its " +
                                      ToString(b.stage) + " stage");
    }
    out.booking = b;
    if (b.status != BookingStatus::kPending) {
      out = Refused(b, Rule::kNotPending, {{"status", ToString(b.status)}, {"code", b.code}});
      return Status::Ok();
    }
    if (base_version > 0 && b.version != base_version) {
      out = Refused(b, Rule::kStaleVersion, {{"code", b.code}, {"version", std::to_string(b.version)}});
      return Status::Ok();
    }
    SS_ASSIGN_OR_RETURN(TimeZone tz, booking::ZoneOfSchool(store, resource.school_id));
    SS_ASSIGN_OR_RETURN(bool locked, booking::PeriodLocked(store, resource.school_id, tz, b.start));
    if (locked) {
      out = Refused(b, Rule::kPeriodLocked, {{"month", booking::MonthOf(tz, b.start)}});
      return Status::Ok();
    }
    if (approve) {
      b.stage = NextStage(resource, b.stage);
      if (b.stage == ApprovalStage::kNone) b.status = BookingStatus::kConfirmed;
    } else {
      b.status = BookingStatus::kRejected;
      b.stage = ApprovalStage::kNone;
      b.note = reason;
    }
    b.updated_at = now;
    SS_RETURN_IF_ERROR(store.UpdateBooking(b, actor, approve ? "booking.approve" : "booking.reject"));
    SS_ASSIGN_OR_RETURN(out.booking, store.GetBooking(b.id));
    out.accepted = true;
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return out;
}

}  // namespace

Result<BookingOutcome> BookingService::Approve(const std::string& booking_id, const Actor& actor,
                                               std::int64_t base_version) {
  return Decide(store_, clock_, booking_id, actor, true, "", base_version);
}

Result<BookingOutcome> BookingService::Reject(const std::string& booking_id, const Actor& actor,
                                              const std::string& reason, std::int64_t base_version) {
  return Decide(store_, clock_, booking_id, actor, false, reason, base_version);
}

}  // namespace schoolshare
