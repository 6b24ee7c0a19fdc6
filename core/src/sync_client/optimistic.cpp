#include "sync_client/optimistic.h"

#include "booking/judge.h"
#include "schoolshare/booking_service.h"
#include "schoolshare/clock.h"
#include "schoolshare/json.h"
#include "schoolshare/reports.h"
#include "schoolshare/rules.h"
#include "schoolshare/sync_protocol.h"

namespace schoolshare::sync_client {
namespace {

Json UndoItem(const std::string& entity, const std::string& id, const std::string& op, Json data) {
  return {{"entity", entity}, {"id", id}, {"op", op}, {"data", std::move(data)}};
}

Status Put(Store& store, const std::string& entity, const std::string& id, const Json& data) {
  Change c;
  c.entity = entity;
  c.entity_id = id;
  c.op = "put";
  c.data = data.dump();
  return store.ApplyReplicated(c);
}

// The replica's current row of a catalogue entity as change data (null when absent).
Result<Json> CatalogueRow(Store& store, const std::string& entity, const std::string& id) {
  auto json_of = [](auto result, auto to_json) -> Result<Json> {
    if (result.ok()) return to_json(*result);
    if (result.status().code() == StatusCode::kNotFound) return Json(nullptr);
    return result.status();
  };
  if (entity == "resource") return json_of(store.GetResource(id), [](const Resource& r) { return ToJson(r); });
  if (entity == "staff") return json_of(store.GetStaff(id), [](const StaffMember& m) { return ToJson(m); });
  if (entity == "class") return json_of(store.GetClass(id), [](const SchoolClass& c) { return ToJson(c); });
  return json_of(store.GetBlackout(id), [](const Blackout& b) { return ToJson(b, TimeZone::Utc()); });
}

Status ApplyCatalogueEdit(Store& store, const std::string& name, const Json& args, Json* undo) {
  const std::string entity = name == sync::kPutResource ? "resource"
                             : name == sync::kPutStaff  ? "staff"
                             : name == sync::kPutClass  ? "class"
                                                        : "blackout";
  const std::string id = sync::StringField(args, "id");
  if (id.empty()) return Status::InvalidArgument(name + " without an id");
  SS_ASSIGN_OR_RETURN(Json before, CatalogueRow(store, entity, id));
  if (name == sync::kDeleteBlackout) {
    if (before.is_null()) return Status::Ok();  // gone already
    Change c;
    c.entity = entity;
    c.entity_id = id;
    c.op = "del";
    SS_RETURN_IF_ERROR(store.ApplyReplicated(c));
  } else {
    SS_RETURN_IF_ERROR(Put(store, entity, id, args));
  }
  undo->push_back(before.is_null() ? UndoItem(entity, id, "del", nullptr) : UndoItem(entity, id, "put", before));
  return Status::Ok();
}

}  // namespace

std::string LocalCode(const std::string& booking_id) { return "~" + booking_id; }
bool IsLocalCode(const std::string& code) { return !code.empty() && code[0] == '~'; }

Result<std::string> ApplyOptimistic(Store& store, const OutboxEntry& entry, const Actor& actor, Instant now) {
  SS_ASSIGN_OR_RETURN(Json args, ParseJson(entry.args));
  const TimeZone utc = TimeZone::Utc();
  Json undo = Json::array();

  // A pending booking that holds its slot in the replica until the server's row replaces it.
  auto claim = [&](Booking b) -> Status {
    auto stored = store.GetBooking(b.id);
    if (stored.ok()) return Status::Ok();  // the server's row is here: it wins
    if (stored.status().code() != StatusCode::kNotFound) return stored.status();
    b.status = BookingStatus::kPending;
    b.stage = ApprovalStage::kNone;
    b.code = LocalCode(b.id);
    b.created_by = actor.id;
    b.created_at = b.updated_at = now;
    b.version = 0;
    SS_RETURN_IF_ERROR(Put(store, "booking", b.id, ToJson(b, utc)));
    undo.push_back(UndoItem("booking", b.id, "del", nullptr));
    return Status::Ok();
  };

  if (entry.name == sync::kCreateBooking) {
    Json with_school = args;
    if (!with_school.contains("school_id") && !actor.school_id.empty()) with_school["school_id"] = actor.school_id;
    SS_ASSIGN_OR_RETURN(Booking b, BookingFromJson(with_school, utc));
    SS_RETURN_IF_ERROR(claim(b));
  } else if (entry.name == sync::kCreateSeries) {
    // The dates the replica's rules let through hold their slots as pending bookings, under the ids the
    // server will give them; an all-or-nothing series with a refused date holds none.
    Json with_school = args;
    if (!with_school.contains("school_id") && !actor.school_id.empty()) with_school["school_id"] = actor.school_id;
    SeriesRequest request;
    SS_ASSIGN_OR_RETURN(request.series, SeriesFromJson(with_school));
    if (sync::StringField(args, "mode") == "skip_conflicts") request.mode = SeriesRequest::Mode::kSkipConflicts;
    ManualClock at(now);
    BookingService service(store, at);
    CreateOptions dry;
    dry.dry_run = true;
    dry.with_alternatives = false;
    dry.allow_backfill = true;  // a district admin's back-filled series stays visible when re-applied
    auto judged = service.CreateSeries(request, actor, dry);
    if (judged.ok() && judged->accepted) {
      for (const SeriesOccurrence& occ : judged->occurrences) {
        if (occ.outcome.accepted) SS_RETURN_IF_ERROR(claim(occ.outcome.booking));
      }
    }
  } else if (entry.name == sync::kCancelBooking || entry.name == sync::kApproveBooking ||
             entry.name == sync::kRejectBooking) {
    auto found = store.GetBooking(sync::StringField(args, "booking_id"));
    if (!found.ok()) {
      if (found.status().code() == StatusCode::kNotFound) return std::string();
      return found.status();
    }
    Booking b = *found;
    const Json before = ToJson(b, utc);
    bool changed = false;
    if (entry.name == sync::kCancelBooking && b.held()) {
      b.status = BookingStatus::kCancelled;
      b.note = sync::StringField(args, "reason");
      changed = true;
    } else if (entry.name == sync::kApproveBooking && b.status == BookingStatus::kPending) {
      // One stage further; the booking stays pending: only the server confirms.
      SS_ASSIGN_OR_RETURN(Resource r, store.GetResource(b.resource_id));
      b.stage = NextStage(r, b.stage);
      changed = true;
    } else if (entry.name == sync::kRejectBooking && b.status == BookingStatus::kPending) {
      b.status = BookingStatus::kRejected;
      b.stage = ApprovalStage::kNone;
      b.note = sync::StringField(args, "reason");
      changed = true;
    }
    if (changed) {
      b.updated_at = now;  // the version stays the server's: it is what a decision's base_version names
      SS_RETURN_IF_ERROR(Put(store, "booking", b.id, ToJson(b, utc)));
      undo.push_back(UndoItem("booking", b.id, "put", before));
    }
  } else if (entry.name == sync::kRecordFact) {
    SS_ASSIGN_OR_RETURN(UsageFact f, FactFromJson(args, utc));
    auto stored = store.GetFact(f.id);
    if (!stored.ok() && stored.status().code() != StatusCode::kNotFound) return stored.status();
    if (!stored.ok()) {  // not in the replica yet
      if (f.school_id.empty()) f.school_id = actor.school_id;
      if (f.recorded_by.empty()) f.recorded_by = actor.id;
      f.received_at = 0;
      f.flag.clear();
      if (f.kind == FactKind::kWalkIn && f.booking_id.empty() && args.contains("end")) {
        // The walk-in's claim on the slot (the server judges it; a refusal leaves the fact only).
        SS_ASSIGN_OR_RETURN(Instant end, utc.Parse(sync::StringField(args, "end")));
        const BookingRequest request = sync::WalkInClaim(f, args, end);
        Booking b = booking::CandidateFrom(request, request.id);
        if (b.end > b.start) {
          SS_RETURN_IF_ERROR(claim(b));
          f.booking_id = b.id;
        }
      }
      SS_RETURN_IF_ERROR(Put(store, "fact", f.id, ToJson(f, utc)));
      undo.push_back(UndoItem("fact", f.id, "del", nullptr));
    }
  } else if (entry.name == sync::kResolveReconciliation) {
    // The item shows resolved at once (a derived one is stored on the way), as the server will store it.
    auto found = FindReconciliationItem(store, sync::StringField(args, "id"), now);
    if (!found.ok()) {
      if (found.status().code() == StatusCode::kNotFound) return std::string();
      return found.status();
    }
    auto stored = store.GetReconciliationItem(found->id);
    if (!stored.ok() && stored.status().code() != StatusCode::kNotFound) return stored.status();
    ReconciliationItem item = *found;
    if (!item.resolved) {
      item.resolved = true;
      item.resolution = sync::StringField(args, "resolution");
      item.resolved_by = actor.id;
      item.resolved_at = now;
      SS_RETURN_IF_ERROR(Put(store, "reconciliation", item.id, ToJson(item, utc)));
      undo.push_back(stored.ok() ? UndoItem("reconciliation", item.id, "put", ToJson(*stored, utc))
                                 : UndoItem("reconciliation", item.id, "del", nullptr));
    }
  } else if (entry.name == sync::kPutResource || entry.name == sync::kPutBlackout || entry.name == sync::kPutStaff ||
             entry.name == sync::kPutClass || entry.name == sync::kDeleteBlackout) {
    // A catalogue edit: the entity as written (or gone), until the server's row replaces it. The undo
    // puts back the replica's row as it was, or removes the new one.
    SS_RETURN_IF_ERROR(ApplyCatalogueEdit(store, entry.name, args, &undo));
  }
  return undo.empty() ? std::string() : undo.dump();
}

Status Undo(Store& store, const std::string& undo) {
  if (undo.empty()) return Status::Ok();
  SS_ASSIGN_OR_RETURN(Json list, ParseJson(undo));
  if (!list.is_array()) return Status::Corruption("outbox undo information is not a list");
  for (auto it = list.rbegin(); it != list.rend(); ++it) {
    Change c;
    c.entity = it->value("entity", "");
    c.entity_id = it->value("id", "");
    c.op = it->value("op", "");
    if (c.op == "put") c.data = (*it)["data"].dump();
    SS_RETURN_IF_ERROR(store.ApplyReplicated(c));
  }
  return Status::Ok();
}

void EntityIdsOf(const OutboxEntry& entry, std::vector<std::string>* ids) {
  Json args = Json::parse(entry.args, nullptr, false);
  if (!args.is_object()) return;
  for (const char* key : {"id", "booking_id", "claim_id"}) {
    std::string v = sync::StringField(args, key);
    if (!v.empty()) ids->push_back(v);
  }
  // What the optimistic effect wrote (a series' bookings, a walk-in's claim) awaits the server too.
  Json undo = Json::parse(entry.undo.empty() ? "[]" : entry.undo, nullptr, false);
  if (!undo.is_array()) return;
  for (const auto& item : undo) {
    if (item.is_object() && item.value("entity", "") == "booking") ids->push_back(item.value("id", ""));
  }
}

}  // namespace schoolshare::sync_client
