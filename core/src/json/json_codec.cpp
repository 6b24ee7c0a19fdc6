#include "json/booking_text.h"
#include "schoolshare/json.h"

namespace schoolshare {
namespace {

Json Instants(Instant t, const TimeZone& tz) { return tz.FormatRfc3339(t); }

Json DatesToJson(const std::vector<CivilDate>& dates) {
  Json j = Json::array();
  for (const auto& d : dates) j.push_back(d.ToString());
  return j;
}

}  // namespace

Json ToJson(const District& d) {
  return {{"id", d.id}, {"name", d.name}, {"time_zone", d.time_zone}, {"locale", d.locale}};
}

Json ToJson(const School& s) {
  return {{"id", s.id},
          {"district_id", s.district_id},
          {"name", s.name},
          {"name_en", s.name_en},
          {"kind", ToString(s.kind)},
          {"weak", s.weak},
          {"students", s.students},
          {"location", {{"lat", s.location.lat}, {"lon", s.location.lon}}},
          {"periods", PeriodsToJson(s.periods)}};
}

Json ToJson(const Resource& r) {
  const SharingPolicy& p = r.policy;
  return {{"id", r.id},
          {"school_id", r.school_id},
          {"name", r.name},
          {"name_en", r.name_en},
          {"type", ToString(r.type)},
          {"capacity", r.capacity},
          {"quantity", r.quantity},
          {"features", r.features},
          {"opening_hours", WindowsToJson(r.opening_hours)},
          {"buffer_minutes", r.buffer_minutes},
          {"parent_id", r.parent_id.empty() ? Json(nullptr) : Json(r.parent_id)},
          {"active", r.active},
          {"policy",
           {{"shared", p.shared},
            {"approval", ToString(p.approval)},
            {"min_notice_minutes", p.min_notice_minutes},
            {"max_advance_days", p.max_advance_days},
            {"max_duration_minutes", p.max_duration_minutes},
            {"weekly_cap_minutes", p.weekly_cap_minutes},
            {"hourly_fee_cents", p.hourly_fee_cents}}}};
}

Json ToJson(const StaffMember& s) {
  return {{"id", s.id},           {"school_id", s.school_id}, {"name", s.name},
          {"name_en", s.name_en}, {"role", s.role},           {"active", s.active}};
}

Json ToJson(const SchoolClass& c) {
  return {{"id", c.id},
          {"school_id", c.school_id},
          {"name", c.name},
          {"name_en", c.name_en},
          {"grade", c.grade},
          {"students", c.students},
          {"lessons", WindowsToJson(c.lessons)},
          {"active", c.active}};
}

Json ToJson(const Blackout& b, const TimeZone& tz) {
  return {{"id", b.id},
          {"resource_id", b.resource_id.empty() ? Json(nullptr) : Json(b.resource_id)},
          {"school_id", b.school_id},
          {"start", Instants(b.start, tz)},
          {"end", Instants(b.end, tz)},
          {"kind", ToString(b.kind)},
          {"reason", b.reason}};
}

Json ToJson(const SharingAgreement& a) {
  return {{"id", a.id},
          {"owner_school_id", a.owner_school_id},
          {"borrower_school_id", a.borrower_school_id},
          {"resource_ids", a.resource_ids},
          {"windows", WindowsToJson(a.windows)},
          {"weekly_cap_minutes", a.weekly_cap_minutes},
          {"auto_approve", a.auto_approve},
          {"valid_from", a.valid_from.ToString()},
          {"valid_to", a.valid_to.ToString()}};
}

Json ToJson(const CalendarDay& d) {
  return {{"date", d.date.ToString()},
          {"kind", ToString(d.kind)},
          {"school_id", d.school_id.empty() ? Json(nullptr) : Json(d.school_id)},
          {"runs_weekday", d.runs_weekday},
          {"name", d.name}};
}

Json ToJson(const Booking& b, const TimeZone& tz) {
  return {{"id", b.id},
          {"resource_id", b.resource_id},
          {"school_id", b.school_id},
          {"organizer", b.organizer},
          {"title", b.title},
          {"activity_type", b.activity_type},
          {"start", Instants(b.start, tz)},
          {"end", Instants(b.end, tz)},
          {"attendees", b.attendees},
          {"quantity", b.quantity},
          {"class_id", b.class_id.empty() ? Json(nullptr) : Json(b.class_id)},
          {"status", ToString(b.status)},
          {"stage", ToString(b.stage)},
          {"series_id", b.series_id.empty() ? Json(nullptr) : Json(b.series_id)},
          {"code", b.code},
          {"note", b.note},
          {"created_by", b.created_by},
          {"created_at", Instants(b.created_at, tz)},
          {"updated_at", Instants(b.updated_at, tz)},
          {"version", b.version}};
}

namespace {

// Well-formed UTF-8 (Unicode table 3-7: no overlong forms, no surrogates, nothing above U+10FFFF), as
// nlohmann::json's serializer demands.
bool WellFormedUtf8(const std::string& s) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const auto* end = p + s.size();
  while (p < end) {
    const unsigned char c = *p;
    if (c < 0x80) {
      ++p;
      continue;
    }
    int n = 0;
    unsigned char lo = 0x80, hi = 0xbf;
    if (c >= 0xc2 && c <= 0xdf) {
      n = 1;
    } else if (c >= 0xe0 && c <= 0xef) {
      n = 2;
      if (c == 0xe0) lo = 0xa0;
      if (c == 0xed) hi = 0x9f;
    } else if (c >= 0xf0 && c <= 0xf4) {
      n = 3;
      if (c == 0xf0) lo = 0x90;
      if (c == 0xf4) hi = 0x8f;
    } else {
      return false;
    }
    if (end - p <= n) return false;
    if (p[1] < lo || p[1] > hi) return false;
    for (int i = 2; i <= n; ++i) {
      if (p[i] < 0x80 || p[i] > 0xbf) return false;
    }
    p += n + 1;
  }
  return true;
}

// A JSON string literal exactly as nlohmann::json's dump() writes it (ensure_ascii off).
void AppendJsonString(std::string& out, const std::string& s) {
  static const char kHex[] = "0123456789abcdef";
  out.push_back('"');
  for (const char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (c < 0x20) {
          out += "\\u00";
          out.push_back(kHex[c >> 4]);
          out.push_back(kHex[c & 0xf]);
        } else {
          out.push_back(ch);
        }
    }
  }
  out.push_back('"');
}

// utc.FormatRfc3339(t) ("2026-03-02T08:00:00Z"), written digit by digit for years 0..9999.
void AppendUtcRfc3339(std::string& out, Instant t, const TimeZone& utc) {
  const Instant days = t >= 0 ? t / kDay : -((-t + kDay - 1) / kDay);
  const Instant second_of_day = t - days * kDay;
  const CivilDate d = CivilDate::FromDays(days);
  if (d.year < 0 || d.year > 9999) {
    out += utc.FormatRfc3339(t);
    return;
  }
  char buf[20];
  auto two = [&buf](int at, int v) {
    buf[at] = static_cast<char>('0' + v / 10);
    buf[at + 1] = static_cast<char>('0' + v % 10);
  };
  two(0, d.year / 100);
  two(2, d.year % 100);
  buf[4] = '-';
  two(5, d.month);
  buf[7] = '-';
  two(8, d.day);
  buf[10] = 'T';
  two(11, static_cast<int>(second_of_day / 3600));
  buf[13] = ':';
  two(14, static_cast<int>(second_of_day / 60 % 60));
  buf[16] = ':';
  two(17, static_cast<int>(second_of_day % 60));
  buf[19] = 'Z';
  out.append(buf, sizeof buf);
}

}  // namespace

std::string BookingJsonText(const Booking& b) { return BookingJsonText(b, TimeZone::Utc()); }

std::string BookingJsonText(const Booking& b, const TimeZone& tz) {
  static const TimeZone utc = TimeZone::Utc();
  const bool in_utc = tz.name() == utc.name();
  for (const std::string* s : {&b.id, &b.resource_id, &b.school_id, &b.organizer, &b.title, &b.activity_type,
                               &b.series_id, &b.code, &b.note, &b.created_by, &b.class_id}) {
    // The tree's serializer refuses malformed text with an exception: keep exactly that behaviour.
    if (!WellFormedUtf8(*s)) return ToJson(b, tz).dump();
  }
  std::string out;
  out.reserve(512);
  auto key = [&out](const char* k) {
    out += out.empty() ? "{\"" : ",\"";
    out += k;
    out += "\":";
  };
  auto text = [&](const char* k, const std::string& v) {
    key(k);
    AppendJsonString(out, v);
  };
  auto number = [&](const char* k, std::int64_t v) {
    key(k);
    out += std::to_string(v);
  };
  auto instant = [&](const char* k, Instant t) {
    key(k);
    out.push_back('"');
    if (in_utc) {
      AppendUtcRfc3339(out, t, utc);
    } else {
      out += tz.FormatRfc3339(t);  // digits, '-', 'T', ':', '+': nothing to escape
    }
    out.push_back('"');
  };
  // Keys in the order the tree keeps them (std::map: byte order).
  text("activity_type", b.activity_type);
  number("attendees", b.attendees);
  if (b.class_id.empty()) {
    key("class_id");
    out += "null";
  } else {
    text("class_id", b.class_id);
  }
  text("code", b.code);
  instant("created_at", b.created_at);
  text("created_by", b.created_by);
  instant("end", b.end);
  text("id", b.id);
  text("note", b.note);
  text("organizer", b.organizer);
  number("quantity", b.quantity);
  text("resource_id", b.resource_id);
  text("school_id", b.school_id);
  if (b.series_id.empty()) {
    key("series_id");
    out += "null";
  } else {
    text("series_id", b.series_id);
  }
  text("stage", ToString(b.stage));
  instant("start", b.start);
  text("status", ToString(b.status));
  text("title", b.title);
  instant("updated_at", b.updated_at);
  number("version", b.version);
  out.push_back('}');
  return out;
}

Json ToJson(const BookingSeries& s) {
  return {{"id", s.id},
          {"resource_id", s.resource_id},
          {"school_id", s.school_id},
          {"organizer", s.organizer},
          {"title", s.title},
          {"activity_type", s.activity_type},
          {"attendees", s.attendees},
          {"quantity", s.quantity},
          {"first_date", s.first_date.ToString()},
          {"last_date", s.last_date.ToString()},
          {"weekdays", s.weekdays},
          {"start", FormatMinuteOfDay(s.start_minute)},
          {"end", FormatMinuteOfDay(s.end_minute)},
          {"exceptions", DatesToJson(s.exceptions)},
          {"created_by", s.created_by},
          {"created_at", s.created_at}};
}

Json ToJson(const UsageFact& f, const TimeZone& tz) {
  return {{"id", f.id},
          {"kind", ToString(f.kind)},
          {"booking_id", f.booking_id.empty() ? Json(nullptr) : Json(f.booking_id)},
          {"resource_id", f.resource_id},
          {"school_id", f.school_id},
          {"at", Instants(f.at, tz)},
          {"quantity", f.quantity},
          {"condition", f.condition},
          {"note", f.note},
          {"recorded_by", f.recorded_by},
          {"received_at", Instants(f.received_at, tz)},
          {"flag", f.flag},
          {"returned_by", f.returned_by},
          {"override_by", f.override_by}};
}

Json ToJson(const ReportPeriod& p, const TimeZone& tz) {
  return {{"school_id", p.school_id},
          {"month", p.month},
          {"status", ToString(p.status)},
          {"signed_off_by", p.signed_off_by},
          {"signed_off_at", p.signed_off_at ? Instants(p.signed_off_at, tz) : Json(nullptr)}};
}

Json ToJson(const TokenRecord& t, const TimeZone& tz) {
  return {{"id", t.id},
          {"role", ToString(t.role)},
          {"school_id", t.school_id.empty() ? Json(nullptr) : Json(t.school_id)},
          {"label", t.label},
          {"created_at", Instants(t.created_at, tz)},
          {"revoked", t.revoked},
          {"feed_id", t.feed_id.empty() ? Json(nullptr) : Json(t.feed_id)}};
}

Json ToJson(const AuditEntry& e, const TimeZone& tz) {
  Json detail = Json::parse(e.detail, nullptr, /*allow_exceptions=*/false);
  return {{"seq", e.seq},
          {"at", Instants(e.at, tz)},
          {"actor", e.actor_id},
          {"action", e.action},
          {"entity", e.entity},
          {"entity_id", e.entity_id},
          {"detail", detail.is_discarded() ? Json(e.detail) : detail}};
}

Json ToJson(const ReconciliationItem& r, const TimeZone& tz) {
  Json detail = Json::parse(r.detail.empty() ? "{}" : r.detail, nullptr, /*allow_exceptions=*/false);
  return {{"id", r.id},
          {"school_id", r.school_id},
          {"resource_id", r.resource_id},
          {"fact_id", r.fact_id},
          {"booking_id", r.booking_id},
          {"reason", r.reason},
          {"detail", detail.is_discarded() ? Json(r.detail) : detail},
          {"resolved", r.resolved},
          {"resolution", r.resolution},
          {"resolved_by", r.resolved_by},
          {"created_at", Instants(r.created_at, tz)},
          {"resolved_at", r.resolved_at ? Instants(r.resolved_at, tz) : Json(nullptr)}};
}

Json WindowsToJson(const std::vector<WeeklyWindow>& windows) {
  Json j = Json::array();
  for (const auto& w : windows) {
    j.push_back({{"weekday", w.weekday},
                 {"start", FormatMinuteOfDay(w.start_minute)},
                 {"end", FormatMinuteOfDay(w.end_minute)}});
  }
  return j;
}

Result<std::vector<WeeklyWindow>> WindowsFromJson(const Json& j) {
  if (!j.is_array()) return Status::InvalidArgument("weekly windows: expected an array");
  std::vector<WeeklyWindow> out;
  for (const auto& e : j) {
    if (!e.is_object() || !e.contains("weekday") || !e["weekday"].is_number_integer() || !e.contains("start") ||
        !e["start"].is_string() || !e.contains("end") || !e["end"].is_string()) {
      return Status::InvalidArgument("weekly window: expected {weekday, start, end}");
    }
    WeeklyWindow w;
    w.weekday = e["weekday"].get<int>();
    SS_ASSIGN_OR_RETURN(w.start_minute, ParseMinuteOfDay(e["start"].get<std::string>()));
    SS_ASSIGN_OR_RETURN(w.end_minute, ParseMinuteOfDay(e["end"].get<std::string>()));
    if (w.weekday < 1 || w.weekday > 7 || w.end_minute <= w.start_minute) {
      return Status::InvalidArgument("weekly window: weekday 1..7 and start before end");
    }
    out.push_back(w);
  }
  return out;
}

Json PeriodsToJson(const std::vector<ClassPeriod>& periods) {
  Json j = Json::array();
  for (const auto& p : periods) {
    j.push_back(
        {{"index", p.index}, {"start", FormatMinuteOfDay(p.start_minute)}, {"end", FormatMinuteOfDay(p.end_minute)}});
  }
  return j;
}

Result<std::vector<ClassPeriod>> PeriodsFromJson(const Json& j) {
  if (!j.is_array()) return Status::InvalidArgument("class periods: expected an array");
  std::vector<ClassPeriod> out;
  for (const auto& e : j) {
    if (!e.is_object() || !e.contains("index") || !e["index"].is_number_integer() || !e.contains("start") ||
        !e["start"].is_string() || !e.contains("end") || !e["end"].is_string()) {
      return Status::InvalidArgument("class period: expected {index, start, end}");
    }
    ClassPeriod p;
    p.index = e["index"].get<int>();
    SS_ASSIGN_OR_RETURN(p.start_minute, ParseMinuteOfDay(e["start"].get<std::string>()));
    SS_ASSIGN_OR_RETURN(p.end_minute, ParseMinuteOfDay(e["end"].get<std::string>()));
    if (p.end_minute <= p.start_minute) return Status::InvalidArgument("class period: start before end");
    out.push_back(p);
  }
  return out;
}

Result<BookingSeries> SeriesFromJson(const Json& j) {
  try {
    BookingSeries s;
    s.id = j.at("id").get<std::string>();
    s.resource_id = j.at("resource_id").get<std::string>();
    s.school_id = j.at("school_id").get<std::string>();
    s.organizer = j.value("organizer", "");
    s.title = j.value("title", "");
    s.activity_type = j.value("activity_type", "other");
    s.attendees = j.value("attendees", 0);
    s.quantity = j.value("quantity", 0);
    SS_ASSIGN_OR_RETURN(s.first_date, CivilDate::Parse(j.at("first_date").get<std::string>()));
    SS_ASSIGN_OR_RETURN(s.last_date, CivilDate::Parse(j.at("last_date").get<std::string>()));
    s.weekdays = j.at("weekdays").get<std::vector<int>>();
    SS_ASSIGN_OR_RETURN(s.start_minute, ParseMinuteOfDay(j.at("start").get<std::string>()));
    SS_ASSIGN_OR_RETURN(s.end_minute, ParseMinuteOfDay(j.at("end").get<std::string>()));
    for (const auto& d : j.value("exceptions", Json::array())) {
      SS_ASSIGN_OR_RETURN(CivilDate date, CivilDate::Parse(d.get<std::string>()));
      s.exceptions.push_back(date);
    }
    s.created_by = j.value("created_by", "");
    s.created_at = j.value("created_at", Instant{0});
    return s;
  } catch (const Json::exception& e) {
    return Status::InvalidArgument(std::string("booking series: ") + e.what());
  }
}

Result<Json> ParseJson(const std::string& text) {
  Json j = Json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return Status::InvalidArgument("malformed JSON");
  return j;
}

}  // namespace schoolshare
