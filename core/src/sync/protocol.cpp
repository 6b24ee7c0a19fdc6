#include <algorithm>
#include <charconv>
#include <string_view>

#include "schoolshare/sync_protocol.h"

namespace schoolshare::sync {

const std::vector<std::string>& MutationNames() {
  static const std::vector<std::string> kNames = {
      kCreateBooking, kCancelBooking, kApproveBooking, kRejectBooking,         kRecordFact,
      kPutResource,   kPutBlackout,   kDeleteBlackout, kResolveReconciliation, kPutStaff,
      kPutClass,      kCreateSeries,  kPutSchool};
  return kNames;
}

bool IsKnownMutation(const std::string& name) {
  const auto& names = MutationNames();
  return std::find(names.begin(), names.end(), name) != names.end();
}

int JsonDepth(const std::string& text) {
  int depth = 0;
  int deepest = 0;
  bool in_string = false;
  bool escaped = false;
  for (char c : text) {
    if (in_string) {
      if (escaped)
        escaped = false;
      else if (c == '\\')
        escaped = true;
      else if (c == '"')
        in_string = false;
      continue;
    }
    if (c == '"')
      in_string = true;
    else if (c == '[' || c == '{')
      deepest = std::max(deepest, ++depth);
    else if (c == ']' || c == '}')
      --depth;
  }
  return deepest;
}

namespace {

Status Bad(const std::string& what) { return Status::InvalidArgument(what); }

bool GoodId(const Json& v) {
  return v.is_string() && !v.get_ref<const std::string&>().empty() &&
         v.get_ref<const std::string&>().size() <= kMaxIdLength;
}

}  // namespace

Result<PushRequest> ParsePushRequest(const std::string& body) {
  if (JsonDepth(body) > kMaxJsonDepth) {
    return Bad("the body nests deeper than " + std::to_string(kMaxJsonDepth) + " levels");
  }
  SS_ASSIGN_OR_RETURN(Json j, ParseJson(body));
  if (!j.is_object()) return Bad("the body must be a JSON object {client_id, mutations}");
  if (!j.contains("client_id") || !GoodId(j["client_id"])) {
    return Bad("\"client_id\" must be a non-empty string of at most " + std::to_string(kMaxIdLength) + " characters");
  }
  if (!j.contains("mutations") || !j["mutations"].is_array()) return Bad("\"mutations\" must be a list");
  const Json& list = j["mutations"];
  if (list.size() > static_cast<std::size_t>(kMaxMutationsPerPush)) {
    return Bad("at most " + std::to_string(kMaxMutationsPerPush) + " mutations per push, got " +
               std::to_string(list.size()));
  }
  PushRequest req;
  req.client_id = j["client_id"].get<std::string>();
  req.mutations.reserve(list.size());
  for (std::size_t i = 0; i < list.size(); ++i) {
    const Json& m = list[i];
    const std::string at = "mutation " + std::to_string(i);
    if (!m.is_object()) return Bad(at + " must be an object {id, client_seq, name, args, client_time}");
    if (!m.contains("id") || !GoodId(m["id"])) return Bad(at + ": \"id\" must be a non-empty string");
    if (!m.contains("client_seq") || !m["client_seq"].is_number_integer() || m["client_seq"].get<std::int64_t>() < 1) {
      return Bad(at + ": \"client_seq\" must be a whole number from 1");
    }
    if (!m.contains("name") || !m["name"].is_string()) return Bad(at + ": \"name\" must be a string");
    Mutation out;
    out.id = m["id"].get<std::string>();
    out.client_seq = m["client_seq"].get<std::int64_t>();
    out.name = m["name"].get<std::string>();
    if (!IsKnownMutation(out.name)) return Bad(at + ": unknown mutation \"" + out.name + "\"");
    if (!m.contains("args") || !m["args"].is_object()) return Bad(at + ": \"args\" must be an object");
    out.args = m["args"];
    if (m.contains("client_time") && !m["client_time"].is_null()) {
      if (!m["client_time"].is_string()) return Bad(at + ": \"client_time\" must be an RFC 3339 string");
      out.client_time = m["client_time"].get<std::string>();
    }
    // client_seq >= 1 here, so "- 1" cannot overflow; "back + 1" did when back was INT64_MAX (undefined
    // behaviour; fuzz/corpus/push/seq_overflow.json).
    if (!req.mutations.empty() && out.client_seq - 1 != req.mutations.back().client_seq) {
      return Bad(at + ": client_seq " + std::to_string(out.client_seq) + " does not follow " +
                 std::to_string(req.mutations.back().client_seq));
    }
    req.mutations.push_back(std::move(out));
  }
  return req;
}

std::string StringField(const Json& j, const char* key) {
  return j.is_object() && j.contains(key) && j[key].is_string() ? j[key].get<std::string>() : std::string();
}

BookingRequest WalkInClaim(const UsageFact& fact, const Json& args, Instant end) {
  BookingRequest claim;
  claim.id = StringField(args, "claim_id").empty() ? fact.id : StringField(args, "claim_id");
  claim.resource_id = fact.resource_id;
  claim.school_id = fact.school_id;
  claim.organizer = StringField(args, "organizer");
  claim.title = StringField(args, "title");
  claim.activity_type = "walk_in";
  claim.attendees = args.value("attendees", Json(0)).is_number_integer() ? args.value("attendees", 0) : 0;
  claim.quantity = fact.quantity;
  claim.class_id = StringField(args, "class_id");
  claim.start = fact.at;
  claim.end = end;
  return claim;
}

namespace {

bool PlainIdByte(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
}

std::string EncodeDistrict(const std::string& id) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (char c : id) {
    if (PlainIdByte(c)) {
      out += c;
    } else {
      const auto b = static_cast<unsigned char>(c);
      out += '~';
      out += kHex[b >> 4];
      out += kHex[b & 15];
    }
  }
  return out;
}

bool DecodeDistrict(std::string_view text, std::string* id) {
  id->clear();
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (PlainIdByte(text[i])) {
      *id += text[i];
      continue;
    }
    if (text[i] != '~' || i + 2 >= text.size()) return false;  // ~ and two hex digits
    unsigned value = 0;
    auto [ptr, ec] = std::from_chars(text.data() + i + 1, text.data() + i + 3, value, 16);
    if (ec != std::errc() || ptr != text.data() + i + 3) return false;
    *id += static_cast<char>(value);
    i += 2;
  }
  return !id->empty();
}

bool ParseVersion(std::string_view text, std::int64_t* version) {
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), *version);
  return ec == std::errc() && ptr == text.data() + text.size() && *version >= 0;
}

}  // namespace

std::int64_t Cursor::VersionOf(const std::string& district_id) const {
  auto it = versions.find(district_id);
  return it == versions.end() ? base : it->second;
}

std::string Cursor::ToString() const {
  std::string out = epoch + ":" + std::to_string(base);
  for (const auto& [district, version] : versions) {
    if (version != base) out += "," + EncodeDistrict(district) + "." + std::to_string(version);
  }
  return out;
}

Result<Cursor> ParseCursor(const std::string& text) {
  if (text.empty()) return Cursor{};
  const Status bad = Bad("malformed cursor \"" + text.substr(0, 80) + "\": use the cursor of the last pull, or none");
  const auto colon = text.find(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == text.size() || text.size() > kMaxCursorLength) {
    return bad;
  }
  Cursor c;
  c.epoch = text.substr(0, colon);
  std::string_view rest(text);
  rest.remove_prefix(colon + 1);
  bool first = true;
  while (true) {
    const auto comma = rest.find(',');
    const std::string_view part = rest.substr(0, comma);
    if (first) {
      if (!ParseVersion(part, &c.base)) return bad;
      first = false;
    } else {
      const auto dot = part.rfind('.');
      std::string district;
      std::int64_t version = 0;
      if (dot == std::string_view::npos || !DecodeDistrict(part.substr(0, dot), &district) ||
          !ParseVersion(part.substr(dot + 1), &version) || !c.versions.emplace(district, version).second) {
        return bad;
      }
    }
    if (comma == std::string_view::npos) break;
    rest.remove_prefix(comma + 1);
  }
  return c;
}

}  // namespace schoolshare::sync
