#include "schoolshare/outcome_json.h"

#include <optional>

#include "schoolshare/sync_protocol.h"

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

namespace {

std::optional<Rule> RuleNamed(const std::string& word) {
  for (int r = 0; r <= static_cast<int>(Rule::kStaleVersion); ++r) {
    if (word == RuleName(static_cast<Rule>(r))) return static_cast<Rule>(r);
  }
  return std::nullopt;
}

}  // namespace

std::string DescribeRefusal(Lang lang, const Json& result) {
  std::string sentences;
  if (result.is_object() && result.contains("violations") && result["violations"].is_array()) {
    for (const Json& v : result["violations"]) {
      std::optional<Rule> rule = RuleNamed(sync::StringField(v, "rule"));
      if (!rule) continue;
      Violation violation;
      violation.rule = *rule;
      if (v.contains("params") && v["params"].is_object()) {
        for (const auto& [key, value] : v["params"].items()) {
          if (value.is_string()) violation.params[key] = value.get<std::string>();
        }
      }
      if (v.contains("conflicts") && v["conflicts"].is_array()) {
        for (const Json& id : v["conflicts"]) {
          if (id.is_string()) violation.conflicting_booking_ids.push_back(id.get<std::string>());
        }
      }
      sentences += (sentences.empty() ? "" : "\n") + DescribeViolation(lang, violation);
    }
  }
  if (!sentences.empty()) return sentences;
  const std::string error = sync::StringField(result, "error");
  const std::string message = sync::StringField(result, "message");
  std::string headline = Tr(lang, "refusal." + error);
  if (headline == "refusal." + error) headline = Tr(lang, "rule." + error + ".title");
  if (headline == "rule." + error + ".title") headline = Tr(lang, "refusal.other");
  return message.empty() ? headline : Tr(lang, "status.with_detail", {{"headline", headline}, {"detail", message}});
}

std::string DescribeRefusal(Lang lang, const AttentionItem& item) {
  Json result = Json::parse(item.result, nullptr, false);
  if (!result.is_object()) result = Json::object();
  if (sync::StringField(result, "error").empty()) result["error"] = item.error;
  if (sync::StringField(result, "message").empty()) result["message"] = item.message;
  return DescribeRefusal(lang, result);
}

}  // namespace schoolshare
