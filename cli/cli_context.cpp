#include "cli_context.h"

#include <filesystem>

#include "schoolshare/booking_service.h"
#include "schoolshare/ids.h"
#include "schoolshare/location.h"

namespace schoolshare::cli {

int ExitCodeFor(const Status& s) {
  switch (s.code()) {
    case StatusCode::kOk:
      return kExitOk;
    case StatusCode::kInvalidArgument:
      return kExitUsage;
    case StatusCode::kConflict:
    case StatusCode::kLocked:
    case StatusCode::kAlreadyExists:
      return kExitConflict;
    case StatusCode::kNotFound:
      return kExitNotFound;
    case StatusCode::kPermissionDenied:
      return kExitPermission;
    default:
      return kExitFailure;
  }
}

int Context::Fail(const Status& s) { return Fail(ExitCodeFor(s), s.message()); }

int Context::Fail(int code, const std::string& message) {
  err << T("cli.error", {{"message", message}}) << "\n";
  exit_code = code;
  return code;
}

Result<std::unique_ptr<Store>> Context::Open(const std::string& path, bool create) {
  if (path.empty()) return Status::InvalidArgument(T("cli.db_required"));
  if (!create && !Store::IsPostgresLocation(path) && !std::filesystem::exists(path)) {
    return Status::NotFound(T("cli.db_missing", {{"path", RedactedLocation(path)}}));
  }
  StoreOptions options;
  options.create_if_missing = create;
  options.clock = &clock;
  options.verify_integrity = true;  // a damaged file is refused before any command reads or writes it
  options.lang = lang;
  return Store::Open(path, options);  // a postgresql:// URI opens PostgreSQL
}

Actor CliActor() { return {"cli", Role::kDistrictAdmin, ""}; }

Result<TimeZone> ZoneOfSchool(Store& store, const std::string& school_id) {
  SS_ASSIGN_OR_RETURN(District d, store.DistrictOfSchool(school_id));
  return TimeZone::Find(d.time_zone);
}

TimeZone DefaultZone(Store& store) {
  if (auto d = store.ListDistricts(); d.ok() && !d->empty()) {
    if (auto z = TimeZone::Find((*d)[0].time_zone); z.ok()) return *z;
  }
  return TimeZone::Utc();
}

std::string SchoolName(Store& store, const std::string& school_id, Lang lang) {
  auto s = store.GetSchool(school_id);
  if (!s.ok()) return school_id;
  return lang == Lang::kEn && !s->name_en.empty() ? s->name_en : s->name;
}

std::string ResourceName(Store& store, const std::string& resource_id, Lang lang) {
  auto r = store.GetResource(resource_id);
  if (!r.ok()) return resource_id;
  return lang == Lang::kEn && !r->name_en.empty() ? r->name_en : r->name;
}

Result<Booking> FindBooking(Store& store, const std::string& id_or_code) {
  auto by_id = store.GetBooking(id_or_code);
  if (by_id.ok() || by_id.status().code() != StatusCode::kNotFound) return by_id;
  std::string code = NormalizeBookingCode(id_or_code);
  if (code.empty()) return by_id.status();
  return store.FindBookingByCode(code);
}

namespace {

// Display columns of UTF-8 text: East Asian wide characters take two.
size_t DisplayWidth(const std::string& s) {
  size_t width = 0;
  for (size_t i = 0; i < s.size();) {
    auto c = static_cast<unsigned char>(s[i]);
    char32_t cp = c;
    int len = 1;
    if (c >= 0xF0) {
      cp = c & 0x07;
      len = 4;
    } else if (c >= 0xE0) {
      cp = c & 0x0F;
      len = 3;
    } else if (c >= 0xC0) {
      cp = c & 0x1F;
      len = 2;
    }
    for (int k = 1; k < len && i + k < s.size(); ++k) cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
    i += len;
    bool wide = (cp >= 0x1100 && cp <= 0x115F) || (cp >= 0x2E80 && cp <= 0xA4CF) || (cp >= 0xAC00 && cp <= 0xD7A3) ||
                (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0xFE30 && cp <= 0xFE4F) || (cp >= 0xFF00 && cp <= 0xFF60) ||
                (cp >= 0xFFE0 && cp <= 0xFFE6) || (cp >= 0x20000 && cp <= 0x3FFFD);
    width += wide ? 2 : 1;
  }
  return width;
}

}  // namespace

void PrintTable(std::ostream& out, const std::vector<std::string>& header,
                const std::vector<std::vector<std::string>>& rows) {
  std::vector<size_t> widths(header.size(), 0);
  auto measure = [&](const std::vector<std::string>& row) {
    for (size_t i = 0; i < row.size() && i < widths.size(); ++i) widths[i] = std::max(widths[i], DisplayWidth(row[i]));
  };
  measure(header);
  for (const auto& r : rows) measure(r);
  auto print = [&](const std::vector<std::string>& row) {
    for (size_t i = 0; i < row.size() && i < widths.size(); ++i) {
      out << row[i];
      if (i + 1 < row.size()) out << std::string(widths[i] - DisplayWidth(row[i]) + 2, ' ');
    }
    out << "\n";
  };
  print(header);
  std::vector<std::string> rule;
  for (size_t w : widths) rule.push_back(std::string(w, '-'));
  print(rule);
  for (const auto& r : rows) print(r);
}

void PrintOutcome(Context& ctx, Store& store, const BookingOutcome& o, const TimeZone& tz) {
  const Booking& b = o.booking;
  std::string when = tz.FormatLocal(b.start) + "–" + tz.FormatTime(b.end);
  if (o.accepted && b.code.empty()) {  // a dry run: nothing was written
    ctx.out << ctx.T("cli.booking.would_book", {{"status", ctx.T(std::string("booking_status.") + ToString(b.status))}})
            << "\n  " << ResourceName(store, b.resource_id, ctx.lang) << "  " << when << "  "
            << SchoolName(store, b.school_id, ctx.lang) << "  " << b.title << "\n";
    return;
  }
  if (o.accepted) {
    ctx.out << ctx.T(o.duplicate ? "cli.booking.duplicate" : "cli.booking.created",
                     {{"code", b.code}, {"status", ctx.T(std::string("booking_status.") + ToString(b.status))}})
            << "\n";
    ctx.out << "  " << ResourceName(store, b.resource_id, ctx.lang) << "  " << when << "  "
            << SchoolName(store, b.school_id, ctx.lang) << "  " << b.title << "\n";
    ctx.out << "  id " << b.id << "\n";
    return;
  }
  ctx.out << ctx.T("cli.booking.refused", {{"resource", ResourceName(store, b.resource_id, ctx.lang)}, {"when", when}})
          << "\n";
  for (const auto& v : o.violations) {
    ctx.out << "  [" << RuleName(v.rule) << "] " << DescribeViolation(ctx.lang, v) << "\n";
    for (const auto& id : v.conflicting_booking_ids) {
      auto other = store.GetBooking(id);
      if (!other.ok()) continue;
      ctx.out << "    " << ctx.T("cli.booking.conflicts_with") << " " << other->code << "  "
              << tz.FormatLocal(other->start) << "–" << tz.FormatTime(other->end) << "  "
              << SchoolName(store, other->school_id, ctx.lang) << "  " << other->title << "  ("
              << ResourceName(store, other->resource_id, ctx.lang) << ")\n";
    }
  }
  if (o.alternatives.empty()) return;
  ctx.out << ctx.T("cli.booking.alternatives") << "\n";
  for (const auto& a : o.alternatives) {
    std::string where = ResourceName(store, a.resource_id, ctx.lang);
    std::string line = "  • " + where + "  " + tz.FormatLocal(a.start) + "–" + tz.FormatTime(a.end);
    if (a.kind == Alternative::Kind::kOtherResourceSameTime) {
      if (auto r = store.GetResource(a.resource_id); r.ok()) {
        line += "  " + SchoolName(store, r->school_id, ctx.lang);
        if (r->school_id == b.school_id) line += ctx.T("cli.booking.own_school");
      }
      char km[32];
      std::snprintf(km, sizeof km, "%.1f", a.distance_km);
      line += "  " + ctx.T("cli.booking.distance", {{"km", km}});
    }
    ctx.out << line << "\n";
  }
}

}  // namespace schoolshare::cli
