// Register, push, pull and snapshot (DESIGN.md section 4), and the single-mutation REST writes.
#include "schoolshare/sync_service.h"

#include <algorithm>
#include <cstdio>
#include <iterator>
#include <limits>
#include <map>
#include <set>

#include "schoolshare/booking_service.h"
#include "schoolshare/ids.h"
#include "schoolshare/outcome_json.h"
#include "schoolshare/rules.h"
#include "sync/mutation_outcome.h"

namespace schoolshare {
namespace {

constexpr Instant kSnapshotHistory = 180 * 24 * 3600;

bool Transient(const Status& s) { return s.code() == StatusCode::kUnavailable || s.code() == StatusCode::kIoError; }

Json Quoted(const std::string& s) { return Json(s); }

// The first day of the month after d's.
CivilDate NextMonth(CivilDate d) {
  d.day = 1;
  d.year += d.month / 12;
  d.month = d.month % 12 + 1;
  return d;
}

}  // namespace

Reply JsonReply(int status, const Json& body) {
  return {status, body.dump(-1, ' ', false, Json::error_handler_t::replace)};
}

Reply ErrorReply(int status, const std::string& code, const std::string& message, Json extra) {
  Json body = extra.is_object() ? std::move(extra) : Json::object();
  body["error"] = code;
  body["message"] = message;
  return JsonReply(status, body);
}

int HttpStatusOf(const Status& s) {
  switch (s.code()) {
    case StatusCode::kOk:
      return 200;
    case StatusCode::kInvalidArgument:
      return 400;
    case StatusCode::kPermissionDenied:
      return 403;
    case StatusCode::kNotFound:
      return 404;
    case StatusCode::kAlreadyExists:
    case StatusCode::kConflict:
      return 409;
    case StatusCode::kLocked:
      return 422;
    case StatusCode::kUnavailable:
    case StatusCode::kIoError:
      return 503;
    default:
      return 500;
  }
}

Reply ErrorReply(const Status& s) {
  static const std::map<StatusCode, const char*> kCodes = {{StatusCode::kInvalidArgument, "invalid_request"},
                                                           {StatusCode::kPermissionDenied, "forbidden"},
                                                           {StatusCode::kNotFound, "not_found"},
                                                           {StatusCode::kAlreadyExists, "already_exists"},
                                                           {StatusCode::kConflict, "conflict"},
                                                           {StatusCode::kLocked, "period_locked"},
                                                           {StatusCode::kUnavailable, "unavailable"},
                                                           {StatusCode::kIoError, "unavailable"}};
  auto it = kCodes.find(s.code());
  return ErrorReply(HttpStatusOf(s), it != kCodes.end() ? it->second : "internal", s.message());
}

std::string SyncService::Scope(const Actor& actor) const {
  return actor.role == Role::kKiosk ? actor.school_id : std::string();
}

Result<std::vector<std::string>> SyncService::DistrictsInScope(const Actor& actor) {
  std::vector<std::string> ids;
  if (actor.role == Role::kKiosk) {
    SS_ASSIGN_OR_RETURN(District d, store_.DistrictOfSchool(actor.school_id));
    ids.push_back(d.id);
    return ids;
  }
  SS_ASSIGN_OR_RETURN(std::vector<District> districts, store_.ListDistricts());
  for (const auto& d : districts) ids.push_back(d.id);
  std::sort(ids.begin(), ids.end());
  return ids;
}

Result<TimeZone> SyncService::ZoneOf(const std::string& school_id) {
  SS_ASSIGN_OR_RETURN(District d, store_.DistrictOfSchool(school_id));
  return TimeZone::Find(d.time_zone);
}

// ------------------------------------------------------------------------------------------ register

Reply SyncService::Register(const Actor& actor, const std::string& body) {
  if (sync::JsonDepth(body) > sync::kMaxJsonDepth) return ErrorReply(400, "invalid_request", "the body nests too deep");
  auto j = ParseJson(body);
  if (!j.ok()) return ErrorReply(400, "invalid_request", j.status().message());
  if (!j->is_object() || !j->contains("client_id") || !(*j)["client_id"].is_string() ||
      (*j)["client_id"].get<std::string>().empty() ||
      (*j)["client_id"].get<std::string>().size() > sync::kMaxIdLength) {
    return ErrorReply(400, "invalid_request", "the body must be {\"client_id\": a non-empty string}");
  }
  const std::string client_id = (*j)["client_id"].get<std::string>();
  std::lock_guard<std::mutex> hold(lock_);
  SyncClient client;
  std::string epoch;
  Reply refused;
  Status s = store_.Transaction([&]() -> Status {
    SS_ASSIGN_OR_RETURN(epoch, store_.ServerEpoch());
    auto known = store_.GetSyncClient(client_id);
    if (known.ok()) {
      if (known->token_id != actor.id) {
        refused = ErrorReply(403, "forbidden", "client " + client_id + " belongs to another token");
        return Status::Ok();
      }
      client = *known;
      client.last_seen_at = clock_.Now();
    } else if (known.status().code() == StatusCode::kNotFound) {
      client = {client_id, actor.id, actor.school_id, 0, clock_.Now(), clock_.Now()};
    } else {
      return known.status();
    }
    return store_.PutSyncClient(client);
  });
  if (!s.ok()) return ErrorReply(s);
  if (refused.status != 200) return refused;
  return JsonReply(200, {{"client_id", client.id},
                         {"server_epoch", epoch},
                         {"last_client_seq", client.last_client_seq},
                         {"server_time", TimeZone::Utc().FormatRfc3339(clock_.Now())}});
}

// ------------------------------------------------------------------------------------------ push

std::variant<sync::PushRequest, Reply> SyncService::PreparePush(const Actor& actor, const std::string& body) {
  if (actor.role == Role::kAuditor) return ErrorReply(403, "forbidden", "an auditor token is read-only");
  auto parsed = sync::ParsePushRequest(body);
  if (!parsed.ok()) return ErrorReply(400, "invalid_request", parsed.status().message());
  return std::move(*parsed);
}

Reply SyncService::Push(const Actor& actor, const std::string& body, Lang lang) {
  auto prepared = PreparePush(actor, body);
  if (auto* refused = std::get_if<Reply>(&prepared)) return *refused;
  std::lock_guard<std::mutex> hold(lock_);
  return PushLocked(actor, std::get<sync::PushRequest>(prepared), lang);
}

Reply SyncService::PushLocked(const Actor& actor, const sync::PushRequest& req, Lang lang) {
  std::vector<std::string> results;  // each result's JSON text, as stored
  std::int64_t last = 0;
  std::string epoch;
  Reply stop;  // set when the batch ends early with an error reply
  Status transient;
  // One commit for the batch (group commit: it is acknowledged only after the commit is durable), one
  // savepoint per mutation holding its effects, its change-log entries, its result and the new
  // last_client_seq, so each mutation is all-or-nothing on its own.
  Status s = store_.Transaction([&]() -> Status {
    SS_ASSIGN_OR_RETURN(epoch, store_.ServerEpoch());
    auto client = store_.GetSyncClient(req.client_id);
    if (!client.ok()) {
      if (client.status().code() != StatusCode::kNotFound) return client.status();
      stop = ErrorReply(410, "client_not_registered",
                        "client " + req.client_id + " is not registered here: register again, then re-send");
      return Status::Ok();
    }
    if (client->token_id != actor.id) {
      stop = ErrorReply(403, "forbidden", "client " + req.client_id + " belongs to another token");
      return Status::Ok();
    }
    last = client->last_client_seq;
    for (const sync::Mutation& m : req.mutations) {
      if (m.client_seq <= last) {  // done before: the stored answer again
        SS_ASSIGN_OR_RETURN(MutationRecord rec, store_.GetMutationRecord(req.client_id, m.client_seq));
        if (rec.mutation_id != m.id) {
          stop = ErrorReply(409, "sequence_reused",
                            "client_seq " + std::to_string(m.client_seq) + " was used by mutation " + rec.mutation_id,
                            {{"expected", last + 1}});
          return Status::Ok();
        }
        results.push_back("{\"client_seq\":" + std::to_string(m.client_seq) + ",\"id\":" + Json(m.id).dump() +
                          ",\"original\":" + rec.result + ",\"status\":\"duplicate\"}");
        continue;
      }
      if (m.client_seq > last + 1) {
        stop = ErrorReply(409, "out_of_order",
                          "expected client_seq " + std::to_string(last + 1) + ", got " + std::to_string(m.client_seq),
                          {{"expected", last + 1}});
        return Status::Ok();
      }
      MutationRecord rec{req.client_id, m.client_seq, m.id, m.name, "", "", clock_.Now()};
      Outcome outcome;
      Status applied = store_.Transaction([&]() -> Status {
        SS_ASSIGN_OR_RETURN(outcome, ApplyMutation(actor, m, lang));
        rec.status = outcome.status;
        rec.result = sync::ResultJson(m, outcome).dump();
        return store_.PutMutationRecord(rec);
      });
      if (!applied.ok()) {
        if (Transient(applied)) {  // nothing of it stays; the client retries later
          transient = applied;
          break;
        }
        if (sync::IsRefusal(applied)) {
          outcome = sync::RefusalOutcome(applied);
          rec.status = outcome.status;
          rec.result = sync::ResultJson(m, outcome).dump();
          SS_RETURN_IF_ERROR(store_.PutMutationRecord(rec));
        } else {  // a bug or a poisoned payload: keep it, move on, never block the queue
          outcome = sync::QuarantineOutcome(applied);
          rec.status = outcome.status;
          rec.result = sync::ResultJson(m, outcome).dump();
          Json payload = {{"id", m.id},
                          {"client_seq", m.client_seq},
                          {"name", m.name},
                          {"args", m.args},
                          {"client_time", m.client_time}};
          SS_RETURN_IF_ERROR(store_.PutQuarantine(rec, payload.dump(-1, ' ', false, Json::error_handler_t::replace),
                                                  applied.ToString()));
          SS_RETURN_IF_ERROR(store_.PutMutationRecord(rec));
        }
      }
      last = m.client_seq;
      results.push_back(std::move(rec.result));
    }
    return Status::Ok();
  });
  if (!s.ok()) {
    // The commit failed: nothing of this batch is stored, so nothing is acknowledged.
    auto client = store_.GetSyncClient(req.client_id);
    return ErrorReply(503, "unavailable", "the server could not store the mutations; retry later: " + s.message(),
                      {{"retryable", true}, {"processed_up_to", client.ok() ? client->last_client_seq : 0}});
  }
  if (stop.status != 200) return stop;
  const std::string now = TimeZone::Utc().FormatRfc3339(clock_.Now());
  if (!transient.ok()) {
    Json parsed = Json::array();
    for (const std::string& r : results) parsed.push_back(Json::parse(r));
    return ErrorReply(503, "unavailable", "the server is busy; retry later: " + transient.message(),
                      {{"retryable", true}, {"processed_up_to", last}, {"results", parsed}, {"server_time", now}});
  }
  // The stored results are spliced in as they are (keys in nlohmann's order, as JsonReply writes them).
  std::string out = "{\"last_client_seq\":" + std::to_string(last) + ",\"results\":[";
  for (std::size_t i = 0; i < results.size(); ++i) {
    if (i > 0) out += ',';
    out += results[i];
  }
  out += "],\"server_epoch\":" + Json(epoch).dump() + ",\"server_time\":" + Json(now).dump() + "}";
  return {200, std::move(out)};
}

// ------------------------------------------------------------------------------------------ pull

Reply SyncService::Pull(const Actor& actor, const std::string& client_id, const std::string& cursor_text,
                        std::int64_t results_after, int limit) {
  auto cursor = sync::ParseCursor(cursor_text);
  if (!cursor.ok()) return ErrorReply(400, "invalid_request", cursor.status().message());
  if (limit <= 0) limit = sync::kDefaultPullLimit;
  if (limit > sync::kMaxPullLimit) limit = sync::kMaxPullLimit;
  const std::string scope = Scope(actor);
  std::string out;
  Reply refused;
  // One snapshot: last_client_seq is never visible without the effects it covers.
  Status s = store_.ReadTransaction([&]() -> Status {
    SS_ASSIGN_OR_RETURN(std::string epoch, store_.ServerEpoch());
    SS_ASSIGN_OR_RETURN(std::vector<std::string> districts, DistrictsInScope(actor));
    SS_ASSIGN_OR_RETURN(std::int64_t latest_anywhere, store_.LatestVersion());
    const std::string now = TimeZone::Utc().FormatRfc3339(clock_.Now());
    // Where each district stands: the reader's position and the district's newest version.
    std::vector<std::int64_t> from(districts.size()), newest(districts.size());
    std::string reason;
    if (!cursor->epoch.empty() && cursor->epoch != epoch) reason = "epoch";
    if (reason.empty() && cursor->base > latest_anywhere) reason = "ahead";
    SS_ASSIGN_OR_RETURN(std::vector<DistrictPosition> positions, store_.DistrictPositions(districts));
    for (std::size_t i = 0; reason.empty() && i < districts.size(); ++i) {
      from[i] = cursor->VersionOf(districts[i]);
      newest[i] = positions[i].version;
      if (from[i] < positions[i].compacted_up_to)
        reason = "expired";
      else if (cursor->versions.count(districts[i]) && from[i] > newest[i])
        reason = "ahead";
    }
    if (!reason.empty()) {
      out = Json{{"reset", true}, {"reason", reason}, {"server_epoch", epoch}, {"server_time", now}}.dump();
      return Status::Ok();
    }
    std::int64_t last_seq = 0;
    std::vector<MutationRecord> records;
    if (!client_id.empty()) {
      auto client = store_.GetSyncClient(client_id);
      if (!client.ok()) {
        if (client.status().code() != StatusCode::kNotFound) return client.status();
        refused = ErrorReply(410, "client_not_registered", "client " + client_id + " is not registered here");
        return Status::Ok();
      }
      if (client->token_id != actor.id) {
        refused = ErrorReply(403, "forbidden", "client " + client_id + " belongs to another token");
        return Status::Ok();
      }
      last_seq = client->last_client_seq;
      SS_ASSIGN_OR_RETURN(records, store_.ListMutationRecords(client_id, results_after, sync::kMaxMutationsPerPush));
    }
    // District by district, up to `limit` changes in all; a district cut short keeps its place.
    std::vector<Change> changes;
    sync::Cursor next{epoch, 0, {}};
    bool more = false;
    for (std::size_t i = 0; i < districts.size(); ++i) {
      std::int64_t position = std::max(from[i], newest[i]);
      if (more) {
        position = from[i];
      } else if (from[i] < newest[i]) {
        const int room = limit - static_cast<int>(changes.size());
        SS_ASSIGN_OR_RETURN(std::vector<Change> page, store_.ListChanges(districts[i], from[i], room + 1, scope));
        if (static_cast<int>(page.size()) > room) {
          more = true;
          page.resize(room);
          position = page.empty() ? from[i] : page.back().version;
        }
        std::move(page.begin(), page.end(), std::back_inserter(changes));
      }
      next.versions[districts[i]] = position;
    }
    // The change data is already JSON text: splice it in instead of parsing and printing it again.
    out.reserve(256 + changes.size() * 512);
    out += "{\"changes\":[";
    for (std::size_t i = 0; i < changes.size(); ++i) {
      const Change& c = changes[i];
      if (i) out += ',';
      out += "{\"version\":" + std::to_string(c.version) + ",\"entity\":" + Quoted(c.entity).dump() +
             ",\"id\":" + Quoted(c.entity_id).dump() + ",\"op\":" + Quoted(c.op).dump() + ",\"data\":";
      out += c.data.empty() ? "null" : c.data;
      out += '}';
    }
    out += "],\"cursor\":" + Quoted(next.ToString()).dump();
    out += ",\"more\":" + std::string(more ? "true" : "false");
    out += ",\"last_client_seq\":" + std::to_string(last_seq);
    out += ",\"results\":[";
    for (std::size_t i = 0; i < records.size(); ++i) {
      if (i) out += ',';
      out += records[i].result;
    }
    out += "],\"server_epoch\":" + Quoted(epoch).dump() + ",\"server_time\":" + Quoted(now).dump() + "}";
    return Status::Ok();
  });
  if (!s.ok()) return ErrorReply(s);
  if (refused.status != 200) return refused;
  return {200, std::move(out)};
}

// ------------------------------------------------------------------------------------------ snapshot

Reply SyncService::Snapshot(const Actor& actor, const std::string& client_id) {
  const std::string scope = Scope(actor);
  const Instant now = clock_.Now();
  Json entities = Json::array();
  Json head;
  Reply refused;
  auto add = [&](const char* entity, const std::string& id, Json data) {
    entities.push_back({{"entity", entity}, {"id", id}, {"data", std::move(data)}});
  };
  Status s = store_.ReadTransaction([&]() -> Status {
    SS_ASSIGN_OR_RETURN(std::string epoch, store_.ServerEpoch());
    sync::Cursor head_cursor{epoch, 0, {}};
    SS_ASSIGN_OR_RETURN(std::vector<std::string> replicated, DistrictsInScope(actor));
    SS_ASSIGN_OR_RETURN(std::vector<DistrictPosition> positions, store_.DistrictPositions(replicated));
    for (std::size_t i = 0; i < replicated.size(); ++i) head_cursor.versions[replicated[i]] = positions[i].version;
    std::int64_t last_seq = 0;
    if (!client_id.empty()) {
      auto client = store_.GetSyncClient(client_id);
      if (client.ok() && client->token_id != actor.id) {
        refused = ErrorReply(403, "forbidden", "client " + client_id + " belongs to another token");
        return Status::Ok();
      }
      if (client.ok()) last_seq = client->last_client_seq;
    }
    const TimeZone utc = TimeZone::Utc();
    SS_ASSIGN_OR_RETURN(std::vector<District> districts, store_.ListDistricts());
    for (const auto& d : districts) add("district", d.id, ToJson(d));
    SS_ASSIGN_OR_RETURN(std::vector<School> schools, store_.ListSchools());
    for (const auto& sc : schools) add("school", sc.id, ToJson(sc));
    ResourceFilter rf;
    rf.school_id = scope;
    rf.include_inactive = true;
    SS_ASSIGN_OR_RETURN(std::vector<Resource> resources, store_.ListResources(rf));
    std::map<std::string, std::string> owner;
    std::set<std::string> blackout_ids;
    for (const auto& r : resources) {
      owner[r.id] = r.school_id;
      add("resource", r.id, ToJson(r));
    }
    for (const auto& r : resources) {
      SS_ASSIGN_OR_RETURN(std::vector<Blackout> blackouts,
                          store_.ListBlackouts(r.id, now - kSnapshotHistory, std::numeric_limits<Instant>::max()));
      for (const auto& b : blackouts) {
        if (blackout_ids.insert(b.id).second) add("blackout", b.id, ToJson(b, utc));
      }
    }
    SS_ASSIGN_OR_RETURN(std::vector<StaffMember> staff, store_.ListStaff(scope));
    for (const auto& m : staff) add("staff", m.id, ToJson(m));
    SS_ASSIGN_OR_RETURN(std::vector<SchoolClass> classes, store_.ListClasses(scope));
    for (const auto& c : classes) add("class", c.id, ToJson(c));
    SS_ASSIGN_OR_RETURN(std::vector<SharingAgreement> agreements, store_.ListAgreements(scope, ""));
    for (const auto& a : agreements) add("agreement", a.id, ToJson(a));
    const TimeZone any = utc;
    for (const auto& d : districts) {
      CivilDate from = any.LocalDate(now - kSnapshotHistory);
      CivilDate to = any.LocalDate(now + 3 * 365 * 24 * 3600);
      SS_ASSIGN_OR_RETURN(std::vector<CalendarDay> days, store_.ListCalendarDays(d.id, from, to));
      for (const auto& day : days) {
        if (!scope.empty() && !day.school_id.empty() && day.school_id != scope) continue;
        Json data = ToJson(day);
        data["district_id"] = d.id;
        add("calendar_day", d.id + "/" + day.date.ToString() + "/" + day.school_id, std::move(data));
      }
    }
    BookingFilter bf;
    bf.owner_school_id = scope;
    bf.from = now - kSnapshotHistory;
    SS_ASSIGN_OR_RETURN(std::vector<Booking> bookings, store_.ListBookings(bf));
    for (const auto& b : bookings) add("booking", b.id, ToJson(b, utc));
    FactFilter ff;
    ff.from = now - kSnapshotHistory;
    SS_ASSIGN_OR_RETURN(std::vector<UsageFact> facts, store_.ListFacts(ff));
    for (const auto& f : facts) {
      if (!scope.empty() && owner.count(f.resource_id) == 0) continue;
      add("fact", f.id, ToJson(f, utc));
    }
    SS_ASSIGN_OR_RETURN(std::vector<ReconciliationItem> items, store_.ListReconciliationItems(scope, false));
    for (const auto& item : items) add("reconciliation", item.id, ToJson(item, utc));
    // The signed-off months of the history window, as pull delivers them: a fresh replica knows
    // which months are locked (a month never signed off is open and has no row).
    const CivilDate last = utc.LocalDate(now + kDay);
    for (const auto& sc : schools) {
      if (!scope.empty() && sc.id != scope) continue;
      for (CivilDate m = utc.LocalDate(now - kSnapshotHistory - 31 * kDay);
           m.year * 12 + m.month <= last.year * 12 + last.month; m = NextMonth(m)) {
        char month[16];
        std::snprintf(month, sizeof month, "%04d-%02d", m.year, m.month);
        SS_ASSIGN_OR_RETURN(ReportPeriod p, store_.GetReportPeriod(sc.id, month));
        if (p.status == PeriodStatus::kSignedOff) add("report_period", sc.id + "/" + month, ToJson(p, utc));
      }
    }
    head = {{"cursor", head_cursor.ToString()},
            {"last_client_seq", last_seq},
            {"server_epoch", epoch},
            {"server_time", utc.FormatRfc3339(now)}};
    return Status::Ok();
  });
  if (!s.ok()) return ErrorReply(s);
  if (refused.status != 200) return refused;
  head["entities"] = std::move(entities);
  return JsonReply(200, head);
}

// ------------------------------------------------------------------------------------------ REST

Reply SyncService::Apply(const Actor& actor, const std::string& name, const Json& args, Lang lang) {
  if (!args.is_object()) return ErrorReply(400, "invalid_request", "the body must be a JSON object");
  DeferredReply reply;
  {
    std::lock_guard<std::mutex> hold(lock_);
    reply = ApplyLocked(actor, name, args, lang);
  }
  return reply();
}

DeferredReply SyncService::ApplyLocked(const Actor& actor, const std::string& name, const Json& args, Lang lang) {
  auto now = [](Reply r) -> DeferredReply { return [r = std::move(r)] { return r; }; };
  if (!args.is_object()) return now(ErrorReply(400, "invalid_request", "the body must be a JSON object"));
  sync::Mutation m{NewUuid(), 0, name, args, ""};
  Outcome outcome;
  Status s = store_.Transaction([&]() -> Status {
    SS_ASSIGN_OR_RETURN(outcome, ApplyMutation(actor, m, lang));
    return Status::Ok();
  });
  if (!s.ok()) {
    if (!sync::IsRefusal(s)) return now(ErrorReply(s));
    outcome = sync::RefusalOutcome(s);
  }
  return [outcome = std::move(outcome)] { return sync::RestReply(outcome); };
}

}  // namespace schoolshare
