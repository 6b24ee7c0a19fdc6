#include "report_routes.h"

#include "booking/judge.h"
#include "schoolshare/ics.h"
#include "schoolshare/report_format.h"
#include "schoolshare/reports.h"
#include "schoolshare/tokens.h"

namespace schoolshare::http {
namespace {

// The school the caller may see: managers only their own (an empty filter becomes theirs).
Result<std::string> ScopedSchool(const Actor& actor, const std::string& asked) {
  if (actor.role == Role::kKiosk) return Status::PermissionDenied("a kiosk token cannot read reports");
  if (actor.role != Role::kSchoolManager) return asked;
  if (!asked.empty() && asked != actor.school_id) {
    return Status::PermissionDenied("a school_manager token of school \"" + actor.school_id +
                                    "\" sees only its own school's reports");
  }
  return actor.school_id;
}

Reply Csv(const std::vector<ReportTable>& tables) {
  Reply r;
  r.body = ToCsv(tables, true);
  r.content_type = "text/csv; charset=utf-8";
  return r;
}

}  // namespace

Reply ReportGet(Store& store, const Clock& clock, const Actor& actor, Lang lang, const std::string& kind,
                const ParamOf& param) {
  const std::string format = param("format").empty() ? "json" : param("format");
  if (format != "json" && format != "csv") {
    return ErrorReply(400, "invalid_request", "unsupported format \"" + format + "\": use json or csv");
  }
  if (!param("lang").empty()) lang = ParseLang(param("lang"));
  auto school = ScopedSchool(actor, param("school"));
  if (!school.ok()) return ErrorReply(school.status());
  NameOf names = StoreNames(store, lang);
  if (kind == "reconciliation") {
    if (school->empty()) return ErrorReply(400, "invalid_request", "parameter \"school\" is required");
    if (param("month").empty()) return ErrorReply(400, "invalid_request", "parameter \"month\" (2026-11) is required");
    auto rec = BuildReconciliation(store, *school, param("month"), clock.Now());
    if (!rec.ok()) return ErrorReply(rec.status());
    auto tz = booking::ZoneOfSchool(store, *school);
    if (!tz.ok()) return ErrorReply(tz.status());
    if (format == "csv") return Csv({ReconciliationTable(*rec, lang, *tz, names)});
    return JsonReply(200, ToJson(*rec, *tz));
  }
  if (param("from").empty() || param("to").empty()) {
    return ErrorReply(400, "invalid_request",
                      "parameters \"from\" and \"to\" (local dates, to inclusive) are required");
  }
  TimeZone tz = TimeZone::Utc();
  auto scope = ScopeFromDates(store, *school, param("district"), param("from"), param("to"), &tz);
  if (!scope.ok()) return ErrorReply(scope.status());
  if (kind == "utilization") {
    auto u = BuildUtilization(store, *scope);
    if (!u.ok()) return ErrorReply(u.status());
    return format == "csv" ? Csv({UtilizationTable(*u, lang, names)}) : JsonReply(200, ToJson(*u, tz));
  }
  if (kind == "ledger") {
    auto l = BuildSharingLedger(store, *scope);
    if (!l.ok()) return ErrorReply(l.status());
    return format == "csv" ? Csv(LedgerTables(*l, lang, names)) : JsonReply(200, ToJson(*l, tz));
  }
  if (kind == "equity") {
    auto e = BuildEquity(store, *scope);
    if (!e.ok()) return ErrorReply(e.status());
    return format == "csv" ? Csv({EquityTable(*e, lang, names)}) : JsonReply(200, ToJson(*e, tz));
  }
  return ErrorReply(404, "not_found", "no report \"" + kind + "\": utilization, ledger, equity or reconciliation");
}

Reply ReportResolve(Store& store, const Clock& clock, std::mutex& write_lock, const Actor& actor,
                    const std::string& item_id, const std::string& body) {
  auto j = ParseJson(body.empty() ? "{}" : body);
  if (!j.ok() || !j->is_object()) return ErrorReply(400, "invalid_request", "the body must be a JSON object");
  const Json note = j->value("note", Json());
  if (!note.is_string()) return ErrorReply(400, "invalid_request", "\"note\" (the resolution) must be a string");
  std::lock_guard<std::mutex> hold(write_lock);
  auto item = ResolveReconciliationItem(store, item_id, note.get<std::string>(), actor, clock.Now());
  if (!item.ok()) return ErrorReply(item.status());
  auto tz = booking::ZoneOfSchool(store, item->school_id);
  return JsonReply(200, ToJson(*item, tz.ok() ? *tz : TimeZone::Utc()));
}

Reply ReportSignOff(Store& store, const Clock& clock, std::mutex& write_lock, const Actor& actor,
                    const std::string& school_id, const std::string& month) {
  std::lock_guard<std::mutex> hold(write_lock);
  auto period = SignOffPeriod(store, school_id, month, actor, clock.Now());
  if (!period.ok()) {
    if (period.status().code() == StatusCode::kConflict) {
      return ErrorReply(409, "open_items", period.status().message());
    }
    return ErrorReply(period.status());
  }
  auto tz = booking::ZoneOfSchool(store, school_id);
  return JsonReply(200, ToJson(*period, tz.ok() ? *tz : TimeZone::Utc()));
}

Reply CalendarReply(Store& store, const Clock& clock, const std::string& id, const std::string& feed_token,
                    const std::string& authorization) {
  if (!feed_token.empty()) {
    if (Status s = AuthenticateFeed(store, feed_token, id); !s.ok()) {
      return ErrorReply(401, "unauthorized", s.message());
    }
  } else {
    const std::string bearer = "Bearer ";
    if (authorization.compare(0, bearer.size(), bearer) != 0) {
      return ErrorReply(401, "unauthorized", "send ?feed_token=FEED_TOKEN or Authorization: Bearer TOKEN");
    }
    auto actor = Authenticate(store, authorization.substr(bearer.size()));
    if (!actor.ok()) return ErrorReply(401, "unauthorized", actor.status().message());
    if (actor->role == Role::kKiosk) return ErrorReply(403, "forbidden", "a kiosk token cannot read calendar feeds");
  }
  auto feed = CalendarFeed(store, id, clock.Now());
  if (!feed.ok()) return ErrorReply(feed.status());
  Reply r;
  r.body = std::move(*feed);
  r.content_type = "text/calendar; charset=utf-8";
  return r;
}

}  // namespace schoolshare::http
