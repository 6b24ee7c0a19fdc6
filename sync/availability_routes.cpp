#include "availability_routes.h"

#include "schoolshare/search.h"

namespace schoolshare::http {
namespace {

std::string One(const QueryParams& p, const std::string& name) {
  auto it = p.find(name);
  return it == p.end() ? std::string() : it->second;
}

std::vector<std::string> All(const QueryParams& p, const std::string& name) {
  std::vector<std::string> out;
  for (auto [it, end] = p.equal_range(name); it != end; ++it) out.push_back(it->second);
  return out;
}

Status Bad(const std::string& name, const std::string& why) {
  return Status::InvalidArgument("parameter \"" + name + "\": " + why);
}

Result<int> Int(const QueryParams& p, const std::string& name, int fallback) {
  const std::string v = One(p, name);
  if (v.empty()) return fallback;
  try {
    std::size_t used = 0;
    const long long n = std::stoll(v, &used);
    if (used != v.size() || n < 0 || n > 1000000) throw std::out_of_range(name);
    return static_cast<int>(n);
  } catch (const std::exception&) {
    return Bad(name, "must be a whole number, got \"" + v + "\"");
  }
}

Result<Instant> Time(const QueryParams& p, const std::string& name, const TimeZone& tz) {
  const std::string v = One(p, name);
  if (v.empty()) return Bad(name, "is required");
  auto t = tz.Parse(v);
  if (!t.ok()) return Bad(name, t.status().message());
  return *t;
}

Result<CivilDate> Date(const QueryParams& p, const std::string& name) {
  auto d = CivilDate::Parse(One(p, name));
  if (!d.ok()) return Bad(name, d.status().message());
  return *d;
}

Result<int> Minute(const QueryParams& p, const std::string& name) {
  auto m = ParseMinuteOfDay(One(p, name));
  if (!m.ok()) return Bad(name, m.status().message());
  return *m;
}

Result<TimeZone> ZoneOf(Store& store, const std::string& school_id) {
  SS_ASSIGN_OR_RETURN(District d, store.DistrictOfSchool(school_id));
  return TimeZone::Find(d.time_zone);
}

Result<bool> WholeCity(const QueryParams& p) {
  const std::string scope = One(p, "scope");
  if (scope.empty() || scope == "district") return false;
  if (scope == "city") return true;
  return Bad("scope", "must be \"district\" or \"city\", got \"" + scope + "\"");
}

Reply Items(const std::vector<RankedSlot>& slots, const TimeZone& tz, Lang lang) {
  Json items = Json::array();
  for (const auto& s : slots) items.push_back(ToJson(s, tz, lang));
  return JsonReply(200, {{"items", items}});
}

Result<AvailabilityQuery> ParseAvailability(Store& store, const Actor& actor, Lang lang, const QueryParams& p,
                                            TimeZone* tz) {
  AvailabilityQuery q;
  q.for_school_id = One(p, "for_school");
  if (q.for_school_id.empty()) q.for_school_id = actor.school_id;
  if (q.for_school_id.empty()) return Bad("for_school", "is required (the requesting school)");
  SS_ASSIGN_OR_RETURN(*tz, ZoneOf(store, q.for_school_id));
  auto types = ParseResourceTypes(One(p, "type"));
  if (!types.ok()) return Bad("type", types.status().message());
  q.types = *types;
  SS_ASSIGN_OR_RETURN(q.min_capacity, Int(p, "min_capacity", 0));
  q.features = All(p, "feature");
  q.school_id = One(p, "school");
  SS_ASSIGN_OR_RETURN(q.whole_city, WholeCity(p));
  SS_ASSIGN_OR_RETURN(q.limit, Int(p, "limit", 10));
  SS_ASSIGN_OR_RETURN(q.per_resource, Int(p, "per_resource", 3));
  q.lang = lang;
  if (!One(p, "weekday").empty()) {
    RecurringPattern r;
    SS_ASSIGN_OR_RETURN(r.weekday, Int(p, "weekday", 0));
    SS_ASSIGN_OR_RETURN(r.start_minute, Minute(p, "start_time"));
    SS_ASSIGN_OR_RETURN(r.end_minute, Minute(p, "end_time"));
    SS_ASSIGN_OR_RETURN(r.first_date, Date(p, "first_date"));
    SS_ASSIGN_OR_RETURN(r.last_date, Date(p, "last_date"));
    SS_ASSIGN_OR_RETURN(r.min_occurrences, Int(p, "min_occurrences", 0));
    q.recurring = r;
    return q;
  }
  SS_ASSIGN_OR_RETURN(q.from, Time(p, "from", *tz));
  SS_ASSIGN_OR_RETURN(q.to, Time(p, "to", *tz));
  if (One(p, "duration_min").empty()) return Bad("duration_min", "is required (minutes)");
  SS_ASSIGN_OR_RETURN(q.duration_minutes, Int(p, "duration_min", 0));
  return q;
}

}  // namespace

Reply AvailabilityReply(Store& store, Instant now, const Actor& actor, Lang lang, const QueryParams& params) {
  if (const std::string l = One(params, "lang"); !l.empty()) lang = ParseLang(l);
  TimeZone tz = TimeZone::Utc();
  auto q = ParseAvailability(store, actor, lang, params, &tz);
  if (!q.ok()) return ErrorReply(q.status());
  auto slots = FindAvailability(store, *q, now);
  if (!slots.ok()) return ErrorReply(slots.status());
  return Items(*slots, tz, lang);
}

Reply CommonTimeReply(Store& store, Instant now, Lang lang, const QueryParams& p) {
  if (const std::string l = One(p, "lang"); !l.empty()) lang = ParseLang(l);
  CommonTimeQuery q;
  q.school_ids = SplitCommaList(One(p, "schools"));
  if (q.school_ids.empty()) return ErrorReply(Bad("schools", "is required: a comma-separated list of school ids"));
  q.class_ids = SplitCommaList(One(p, "classes"));
  auto tz = ZoneOf(store, q.school_ids[0]);
  if (!tz.ok()) return ErrorReply(tz.status());
  auto types = ParseResourceTypes(One(p, "type"));
  if (!types.ok()) return ErrorReply(Bad("type", types.status().message()));
  q.types = *types;
  q.features = All(p, "feature");
  q.lang = lang;
  auto parsed = [&]() -> Status {
    SS_ASSIGN_OR_RETURN(q.from, Time(p, "from", *tz));
    SS_ASSIGN_OR_RETURN(q.to, Time(p, "to", *tz));
    if (One(p, "duration_min").empty()) return Bad("duration_min", "is required (minutes)");
    SS_ASSIGN_OR_RETURN(q.duration_minutes, Int(p, "duration_min", 0));
    SS_ASSIGN_OR_RETURN(q.min_capacity, Int(p, "min_capacity", 0));
    SS_ASSIGN_OR_RETURN(q.whole_city, WholeCity(p));
    SS_ASSIGN_OR_RETURN(q.limit, Int(p, "limit", 10));
    SS_ASSIGN_OR_RETURN(q.per_resource, Int(p, "per_resource", 3));
    return Status::Ok();
  }();
  if (!parsed.ok()) return ErrorReply(parsed);
  auto slots = FindCommonFreeTime(store, q, now);
  if (!slots.ok()) return ErrorReply(slots.status());
  return Items(*slots, *tz, lang);
}

}  // namespace schoolshare::http
