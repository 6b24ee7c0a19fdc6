#include "schoolshare/outcome_json.h"

namespace schoolshare {

Json ToJson(const Violation& v, Lang lang) {
  return {{"rule", RuleName(v.rule)},
          {"message", DescribeViolation(lang, v)},
          {"conflicts", v.conflicting_booking_ids},
          {"params", v.params}};
}

Json ToJson(const Alternative& a, const TimeZone& tz) {
  return {{"kind", a.kind == Alternative::Kind::kSameResourceOtherTime ? "same_resource" : "similar_resource"},
          {"resource_id", a.resource_id},
          {"start", tz.FormatRfc3339(a.start)},
          {"end", tz.FormatRfc3339(a.end)},
          {"distance_km", a.distance_km}};
}

Json ToJson(const BookingOutcome& o, const TimeZone& tz, Lang lang) {
  Json violations = Json::array();
  for (const auto& v : o.violations) violations.push_back(ToJson(v, lang));
  Json alternatives = Json::array();
  for (const auto& a : o.alternatives) alternatives.push_back(ToJson(a, tz));
  Json booking = ToJson(o.booking, tz);
  if (o.booking.code.empty()) {  // refused, or only checked: never stored, so no code, times or version
    for (const char* field : {"code", "created_by", "created_at", "updated_at", "version"}) booking.erase(field);
    // A refused candidate has no state; a dry run that passed keeps the state it would start in.
    if (!o.accepted) {
      booking.erase("status");
      booking.erase("stage");
    }
  }
  return {{"accepted", o.accepted},
          {"duplicate", o.duplicate},
          {"booking", booking},
          {"violations", violations},
          {"alternatives", alternatives}};
}

}  // namespace schoolshare
