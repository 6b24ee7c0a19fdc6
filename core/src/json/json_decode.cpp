// Entities from their JSON shapes (the inverse of json_codec.cpp): the sync service reads mutation
// arguments with these, and clients read replicated changes. Every problem is InvalidArgument naming
// the field, never an exception.
#include <limits>

#include "schoolshare/json.h"

namespace schoolshare {
namespace {

// Reads fields of one JSON object, remembering the first problem.
class Fields {
 public:
  Fields(const Json& j, std::string what) : j_(j), what_(std::move(what)) {
    if (!j_.is_object()) Fail("", "expected a JSON object");
  }

  const Status& status() const { return status_; }

  bool Has(const char* key) const { return j_.is_object() && j_.contains(key) && !j_[key].is_null(); }

  std::string Str(const char* key, bool required, const std::string& fallback = "") {
    if (!Has(key)) {
      if (required) Fail(key, "is missing");
      return fallback;
    }
    const Json& v = j_[key];
    if (!v.is_string()) {
      Fail(key, "must be a string");
      return fallback;
    }
    return v.get<std::string>();
  }

  std::int64_t Int(const char* key, bool required, std::int64_t fallback = 0, std::int64_t min = 0,
                   std::int64_t max = std::numeric_limits<int>::max()) {
    if (!Has(key)) {
      if (required) Fail(key, "is missing");
      return fallback;
    }
    const Json& v = j_[key];
    if (!v.is_number_integer()) {
      Fail(key, "must be a whole number");
      return fallback;
    }
    std::int64_t n =
        v.is_number_unsigned() && v.get<std::uint64_t>() > std::uint64_t(max) ? max + 1 : v.get<std::int64_t>();
    if (n < min || n > max) {
      Fail(key, "must be between " + std::to_string(min) + " and " + std::to_string(max));
      return fallback;
    }
    return n;
  }

  bool Bool(const char* key, bool fallback) {
    if (!Has(key)) return fallback;
    const Json& v = j_[key];
    if (!v.is_boolean()) {
      Fail(key, "must be true or false");
      return fallback;
    }
    return v.get<bool>();
  }

  Instant Time(const char* key, const TimeZone& tz, bool required) {
    std::string text = Str(key, required);
    if (text.empty()) return 0;
    auto t = tz.Parse(text);
    if (!t.ok()) {
      Fail(key, "is not a time (RFC 3339, e.g. 2026-11-23T08:00:00+08:00): " + text);
      return 0;
    }
    return *t;
  }

  CivilDate Date(const char* key, bool required) {
    std::string text = Str(key, required);
    if (text.empty()) return {};
    auto d = CivilDate::Parse(text);
    if (!d.ok()) {
      Fail(key, "is not a date (YYYY-MM-DD): " + text);
      return {};
    }
    return *d;
  }

  std::vector<std::string> Strings(const char* key) {
    std::vector<std::string> out;
    if (!Has(key)) return out;
    const Json& v = j_[key];
    if (!v.is_array()) {
      Fail(key, "must be a list of strings");
      return out;
    }
    for (const auto& e : v) {
      if (!e.is_string()) {
        Fail(key, "must be a list of strings");
        return {};
      }
      out.push_back(e.get<std::string>());
    }
    return out;
  }

  template <typename E>
  E Enum(const char* key, Result<E> (*parse)(const std::string&), E fallback, bool required = false) {
    std::string word = Str(key, required);
    if (word.empty()) return fallback;
    auto e = parse(word);
    if (!e.ok()) {
      Fail(key, e.status().message());
      return fallback;
    }
    return *e;
  }

  const Json* Sub(const char* key) const { return Has(key) ? &j_[key] : nullptr; }

  // Weekly windows (opening hours, lessons, agreement windows); *out is left alone when absent.
  void Windows(const char* key, std::vector<WeeklyWindow>* out) {
    const Json* w = Sub(key);
    if (w == nullptr) return;
    auto windows = WindowsFromJson(*w);
    if (windows.ok()) {
      *out = std::move(windows).value();
    } else {
      Fail(key, windows.status().message());
    }
  }

  void Fail(const std::string& key, const std::string& problem) {
    if (!status_.ok()) return;
    status_ = Status::InvalidArgument(what_ + (key.empty() ? "" : " field \"" + key + "\"") + " " + problem);
  }

 private:
  const Json& j_;
  std::string what_;
  Status status_;
};

}  // namespace

Result<District> DistrictFromJson(const Json& j) {
  Fields f(j, "district");
  District d;
  d.id = f.Str("id", true);
  d.name = f.Str("name", true);
  d.time_zone = f.Str("time_zone", false, d.time_zone);
  d.locale = f.Str("locale", false, d.locale);
  if (!f.status().ok()) return f.status();
  return d;
}

Result<School> SchoolFromJson(const Json& j) {
  Fields f(j, "school");
  School s;
  s.id = f.Str("id", true);
  s.district_id = f.Str("district_id", true);
  s.name = f.Str("name", true);
  s.name_en = f.Str("name_en", false);
  s.kind = f.Enum("kind", ParseSchoolKind, SchoolKind::kMember);
  s.weak = f.Bool("weak", false);
  s.students = static_cast<int>(f.Int("students", false));
  if (const Json* loc = f.Sub("location")) {
    if (!loc->is_object() || !loc->value("lat", Json()).is_number() || !loc->value("lon", Json()).is_number()) {
      f.Fail("location", "must be {\"lat\": number, \"lon\": number}");
    } else {
      s.location = {(*loc)["lat"].get<double>(), (*loc)["lon"].get<double>()};
    }
  }
  if (const Json* p = f.Sub("periods")) {
    auto periods = PeriodsFromJson(*p);
    if (!periods.ok())
      f.Fail("periods", periods.status().message());
    else
      s.periods = *periods;
  }
  if (!f.status().ok()) return f.status();
  return s;
}

Result<Resource> ResourceFromJson(const Json& j) {
  Fields f(j, "resource");
  Resource r;
  r.id = f.Str("id", true);
  r.school_id = f.Str("school_id", true);
  r.name = f.Str("name", true);
  r.name_en = f.Str("name_en", false);
  r.type = f.Enum("type", ParseResourceType, ResourceType::kRoom, true);
  r.capacity = static_cast<int>(f.Int("capacity", false));
  r.quantity = static_cast<int>(f.Int("quantity", false));
  r.features = f.Strings("features");
  f.Windows("opening_hours", &r.opening_hours);
  r.buffer_minutes = static_cast<int>(f.Int("buffer_minutes", false, 0, 0, 24 * 60));
  r.parent_id = f.Str("parent_id", false);
  r.active = f.Bool("active", true);
  if (const Json* p = f.Sub("policy")) {
    Fields pf(*p, "resource policy");
    r.policy.shared = pf.Bool("shared", r.policy.shared);
    r.policy.approval = pf.Enum("approval", ParseApprovalMode, r.policy.approval);
    r.policy.min_notice_minutes = static_cast<int>(pf.Int("min_notice_minutes", false));
    r.policy.max_advance_days = static_cast<int>(pf.Int("max_advance_days", false));
    r.policy.max_duration_minutes = static_cast<int>(pf.Int("max_duration_minutes", false));
    r.policy.weekly_cap_minutes = static_cast<int>(pf.Int("weekly_cap_minutes", false));
    r.policy.hourly_fee_cents = static_cast<int>(pf.Int("hourly_fee_cents", false));
    if (!pf.status().ok()) return pf.status();
  }
  if (!f.status().ok()) return f.status();
  return r;
}

Result<StaffMember> StaffFromJson(const Json& j) {
  Fields f(j, "staff member");
  StaffMember s;
  s.id = f.Str("id", true);
  s.school_id = f.Str("school_id", true);
  s.name = f.Str("name", true);
  s.name_en = f.Str("name_en", false);
  s.role = f.Str("role", false);
  s.active = f.Bool("active", true);
  if (!f.status().ok()) return f.status();
  return s;
}

Result<SchoolClass> ClassFromJson(const Json& j) {
  Fields f(j, "class");
  SchoolClass c;
  c.id = f.Str("id", true);
  c.school_id = f.Str("school_id", true);
  c.name = f.Str("name", true);
  c.name_en = f.Str("name_en", false);
  c.grade = static_cast<int>(f.Int("grade", false, 0, 0, 12));
  c.students = static_cast<int>(f.Int("students", false));
  f.Windows("lessons", &c.lessons);
  c.active = f.Bool("active", true);
  if (!f.status().ok()) return f.status();
  return c;
}

Result<Blackout> BlackoutFromJson(const Json& j, const TimeZone& tz) {
  Fields f(j, "blackout");
  Blackout b;
  b.id = f.Str("id", true);
  b.resource_id = f.Str("resource_id", false);
  b.school_id = f.Str("school_id", true);
  b.start = f.Time("start", tz, true);
  b.end = f.Time("end", tz, true);
  b.kind = f.Enum("kind", ParseBlackoutKind, BlackoutKind::kMaintenance);
  b.reason = f.Str("reason", false);
  if (!f.status().ok()) return f.status();
  return b;
}

Result<SharingAgreement> AgreementFromJson(const Json& j) {
  Fields f(j, "agreement");
  SharingAgreement a;
  a.id = f.Str("id", true);
  a.owner_school_id = f.Str("owner_school_id", true);
  a.borrower_school_id = f.Str("borrower_school_id", true);
  a.resource_ids = f.Strings("resource_ids");
  f.Windows("windows", &a.windows);
  a.weekly_cap_minutes = static_cast<int>(f.Int("weekly_cap_minutes", false));
  a.auto_approve = f.Bool("auto_approve", true);
  a.valid_from = f.Date("valid_from", true);
  a.valid_to = f.Date("valid_to", true);
  if (!f.status().ok()) return f.status();
  return a;
}

Result<CalendarDay> CalendarDayFromJson(const Json& j) {
  Fields f(j, "calendar day");
  CalendarDay d;
  d.date = f.Date("date", true);
  d.kind = f.Enum("kind", ParseCalendarDayKind, CalendarDayKind::kPublicHoliday, true);
  d.school_id = f.Str("school_id", false);
  d.runs_weekday = static_cast<int>(f.Int("runs_weekday", false, 0, 0, 7));
  d.name = f.Str("name", false);
  if (!f.status().ok()) return f.status();
  return d;
}

Result<Booking> BookingFromJson(const Json& j, const TimeZone& tz) {
  Fields f(j, "booking");
  Booking b;
  b.id = f.Str("id", true);
  b.resource_id = f.Str("resource_id", true);
  b.school_id = f.Str("school_id", true);
  b.organizer = f.Str("organizer", false);
  b.title = f.Str("title", false);
  b.activity_type = f.Str("activity_type", false, "other");
  b.attendees = static_cast<int>(f.Int("attendees", false));
  b.quantity = static_cast<int>(f.Int("quantity", false));
  b.class_id = f.Str("class_id", false);
  b.start = f.Time("start", tz, true);
  b.end = f.Time("end", tz, true);
  b.status = f.Enum("status", ParseBookingStatus, BookingStatus::kPending);
  b.stage = f.Enum("stage", ParseApprovalStage, ApprovalStage::kNone);
  b.series_id = f.Str("series_id", false);
  b.code = f.Str("code", false);
  b.note = f.Str("note", false);
  b.created_by = f.Str("created_by", false);
  b.created_at = f.Time("created_at", tz, false);
  b.updated_at = f.Time("updated_at", tz, false);
  b.version = f.Int("version", false, 0, 0, std::numeric_limits<std::int64_t>::max() - 1);
  if (!f.status().ok()) return f.status();
  return b;
}

Result<UsageFact> FactFromJson(const Json& j, const TimeZone& tz) {
  Fields f(j, "fact");
  UsageFact u;
  u.id = f.Str("id", true);
  u.kind = f.Enum("kind", ParseFactKind, FactKind::kCheckIn, true);
  u.booking_id = f.Str("booking_id", false);
  u.resource_id = f.Str("resource_id", true);
  u.school_id = f.Str("school_id", false);
  u.at = f.Time("at", tz, true);
  u.quantity = static_cast<int>(f.Int("quantity", false));
  u.condition = f.Str("condition", false);
  u.note = f.Str("note", false);
  u.recorded_by = f.Str("recorded_by", false);
  u.received_at = f.Time("received_at", tz, false);
  u.flag = f.Str("flag", false);
  u.returned_by = f.Str("returned_by", false);
  u.override_by = f.Str("override_by", false);
  if (!f.status().ok()) return f.status();
  return u;
}

Result<ReportPeriod> ReportPeriodFromJson(const Json& j, const TimeZone& tz) {
  Fields f(j, "report period");
  ReportPeriod p;
  p.school_id = f.Str("school_id", true);
  p.month = f.Str("month", true);
  p.status = f.Enum("status", ParsePeriodStatus, PeriodStatus::kOpen);
  p.signed_off_by = f.Str("signed_off_by", false);
  p.signed_off_at = f.Time("signed_off_at", tz, false);
  if (!f.status().ok()) return f.status();
  return p;
}

Result<ReconciliationItem> ReconciliationFromJson(const Json& j, const TimeZone& tz) {
  Fields f(j, "reconciliation item");
  ReconciliationItem r;
  r.id = f.Str("id", true);
  r.school_id = f.Str("school_id", true);
  r.resource_id = f.Str("resource_id", false);
  r.fact_id = f.Str("fact_id", false);
  r.booking_id = f.Str("booking_id", false);
  r.reason = f.Str("reason", true);
  if (const Json* d = f.Sub("detail")) r.detail = d->dump();
  r.resolved = f.Bool("resolved", false);
  r.resolution = f.Str("resolution", false);
  r.resolved_by = f.Str("resolved_by", false);
  r.created_at = f.Time("created_at", tz, false);
  r.resolved_at = f.Time("resolved_at", tz, false);
  if (!f.status().ok()) return f.status();
  return r;
}

}  // namespace schoolshare
