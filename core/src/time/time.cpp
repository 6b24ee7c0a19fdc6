// Instants, civil dates and time zones over Howard Hinnant's date library and the OS tz database
// (/usr/share/zoneinfo). No offset is ever written by hand: every wall-clock conversion asks the zone.
#include "schoolshare/time.h"

#include <date/date.h>
#include <date/tz.h>

#include <chrono>
#include <cstdio>
#include <string_view>

namespace schoolshare {
namespace {

using std::chrono::seconds;
using SysSeconds = date::sys_seconds;
using LocalSeconds = date::local_seconds;

const date::time_zone* Zone(const void* zone) { return static_cast<const date::time_zone*>(zone); }

date::year_month_day ToYmd(const CivilDate& d) {
  return date::year{d.year} / date::month{static_cast<unsigned>(d.month)} / date::day{static_cast<unsigned>(d.day)};
}

// Floor division and modulo, for instants before 1970.
std::int64_t FloorDiv(std::int64_t a, std::int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }
std::int64_t FloorMod(std::int64_t a, std::int64_t b) { return a - FloorDiv(a, b) * b; }

// ---- A tiny strict scanner for the accepted text forms. ----
class Scanner {
 public:
  explicit Scanner(std::string_view s) : s_(s) {}
  bool Done() const { return pos_ == s_.size(); }
  char Peek() const { return Done() ? '\0' : s_[pos_]; }
  bool Eat(char c) {
    if (Peek() != c) return false;
    ++pos_;
    return true;
  }
  // Exactly `n` decimal digits.
  bool Digits(int n, int* out) {
    int v = 0;
    for (int i = 0; i < n; ++i) {
      const char c = Peek();
      if (c < '0' || c > '9') return false;
      v = v * 10 + (c - '0');
      ++pos_;
    }
    *out = v;
    return true;
  }
  // One or two decimal digits.
  bool OneOrTwoDigits(int* out) {
    int v = 0;
    if (!Digits(1, &v)) return false;
    int w = 0;
    if (Peek() >= '0' && Peek() <= '9') {
      Digits(1, &w);
      v = v * 10 + w;
    }
    *out = v;
    return true;
  }
  void SkipDigits() {
    while (Peek() >= '0' && Peek() <= '9') ++pos_;
  }

 private:
  std::string_view s_;
  std::size_t pos_ = 0;
};

bool ScanDate(Scanner& sc, CivilDate* d) {
  return sc.Digits(4, &d->year) && sc.Eat('-') && sc.Digits(2, &d->month) && sc.Eat('-') && sc.Digits(2, &d->day);
}

std::string TwoDigits(int v) {
  if (v >= 0 && v <= 99) return {static_cast<char>('0' + v / 10), static_cast<char>('0' + v % 10)};
  char buf[16];
  std::snprintf(buf, sizeof buf, "%02d", v);
  return buf;
}

std::string FormatOffset(int offset_seconds) {
  const char sign = offset_seconds < 0 ? '-' : '+';
  const int abs = offset_seconds < 0 ? -offset_seconds : offset_seconds;
  std::string out(1, sign);
  out += TwoDigits(abs / 3600) + ":" + TwoDigits(abs / 60 % 60);
  return out;
}

}  // namespace

// ---- CivilDate ----

Result<CivilDate> CivilDate::Parse(const std::string& text) {
  Scanner sc(text);
  CivilDate d;
  if (!ScanDate(sc, &d) || !sc.Done()) {
    return Status::InvalidArgument("bad date \"" + text + "\" (expected YYYY-MM-DD)");
  }
  if (!d.valid()) return Status::InvalidArgument("no such date \"" + text + "\"");
  return d;
}

CivilDate CivilDate::FromDays(std::int64_t days_since_epoch) {
  const date::year_month_day ymd{date::sys_days{date::days{days_since_epoch}}};
  return CivilDate{static_cast<int>(ymd.year()), static_cast<int>(static_cast<unsigned>(ymd.month())),
                   static_cast<int>(static_cast<unsigned>(ymd.day()))};
}

std::int64_t CivilDate::ToDays() const { return date::sys_days{ToYmd(*this)}.time_since_epoch().count(); }

int CivilDate::IsoWeekday() const {
  return static_cast<int>(date::weekday{date::sys_days{date::days{ToDays()}}}.iso_encoding());
}

std::string CivilDate::ToString() const {
  if (year >= 0 && year <= 9999 && month >= 0 && month <= 99 && day >= 0 && day <= 99) {
    // "%04d-%02d-%02d" without snprintf: dates are formatted in every refusal message and JSON text.
    const char buf[10] = {static_cast<char>('0' + year / 1000),
                          static_cast<char>('0' + year / 100 % 10),
                          static_cast<char>('0' + year / 10 % 10),
                          static_cast<char>('0' + year % 10),
                          '-',
                          static_cast<char>('0' + month / 10),
                          static_cast<char>('0' + month % 10),
                          '-',
                          static_cast<char>('0' + day / 10),
                          static_cast<char>('0' + day % 10)};
    return std::string(buf, sizeof buf);
  }
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", year, month, day);
  return buf;
}

bool CivilDate::valid() const {
  return month >= 1 && month <= 12 && day >= 1 && day <= 31 && year >= -32767 && year <= 32767 && ToYmd(*this).ok();
}

std::string LocalDateTime::ToString() const {
  std::string out = date.ToString() + " " + TwoDigits(minute_of_day / 60) + ":" + TwoDigits(minute_of_day % 60);
  if (second != 0) out += ":" + TwoDigits(second);
  return out;
}

// ---- TimeZone ----

Result<TimeZone> TimeZone::Find(const std::string& iana_name) {
  if (iana_name == "UTC" || iana_name == "Etc/UTC") return Utc();
  try {
    const date::time_zone* zone = date::locate_zone(iana_name);
    return TimeZone(zone, zone->name());
  } catch (...) {  // date throws std::runtime_error for an unknown name or a missing database
    return Status::InvalidArgument("unknown time zone \"" + iana_name +
                                   "\" (expected an IANA name such as Asia/Shanghai)");
  }
}

TimeZone TimeZone::Utc() { return TimeZone(nullptr, "UTC"); }

namespace {

// A local wall-clock reading, in seconds since 1970-01-01 00:00 local, to an instant.
Result<Instant> LocalToInstant(const void* zone, const std::string& zone_name, std::int64_t local) {
  if (zone == nullptr) return local;
  const date::local_info info = Zone(zone)->get_info(LocalSeconds{seconds{local}});
  switch (info.result) {
    case date::local_info::unique:
      return local - info.first.offset.count();
    case date::local_info::ambiguous:
      // The autumn fall-back hour: the earlier instant is the one under the offset before the change.
      return local - info.first.offset.count();
    case date::local_info::nonexistent:
    default: {
      const std::int64_t days = FloorDiv(local, kDay);
      const int sod = static_cast<int>(FloorMod(local, kDay));
      LocalDateTime ldt{CivilDate::FromDays(days), sod / 60, sod % 60};
      return Status::InvalidArgument("local time " + ldt.ToString() + " does not exist in " + zone_name +
                                     " (skipped when the clocks move forward from " +
                                     FormatOffset(static_cast<int>(info.first.offset.count())) + " to " +
                                     FormatOffset(static_cast<int>(info.second.offset.count())) + ")");
    }
  }
}

}  // namespace

Result<Instant> TimeZone::ToInstant(const CivilDate& date, int minute_of_day) const {
  if (!date.valid()) return Status::InvalidArgument("no such date " + date.ToString());
  if (minute_of_day < 0) return Status::InvalidArgument("negative minute of day");
  return LocalToInstant(zone_, name_, date.ToDays() * kDay + static_cast<std::int64_t>(minute_of_day) * kMinute);
}

int TimeZone::OffsetSeconds(Instant t) const {
  if (zone_ == nullptr) return 0;
  return static_cast<int>(Zone(zone_)->get_info(SysSeconds{seconds{t}}).offset.count());
}

LocalDateTime TimeZone::ToLocal(Instant t) const {
  const std::int64_t local = t + OffsetSeconds(t);
  const std::int64_t sod = FloorMod(local, kDay);
  LocalDateTime out;
  out.date = CivilDate::FromDays(FloorDiv(local, kDay));
  out.minute_of_day = static_cast<int>(sod / 60);
  out.second = static_cast<int>(sod % 60);
  return out;
}

std::string TimeZone::FormatRfc3339(Instant t) const {
  const LocalDateTime l = ToLocal(t);
  std::string out = l.date.ToString() + "T" + TwoDigits(l.minute_of_day / 60) + ":" + TwoDigits(l.minute_of_day % 60) +
                    ":" + TwoDigits(l.second);
  out += zone_ == nullptr ? std::string("Z") : FormatOffset(OffsetSeconds(t));
  return out;
}

std::string TimeZone::FormatLocal(Instant t) const {
  const LocalDateTime l = ToLocal(t);
  return l.date.ToString() + " " + FormatMinuteOfDay(l.minute_of_day);
}

std::string TimeZone::FormatTime(Instant t) const { return FormatMinuteOfDay(ToLocal(t).minute_of_day); }

Result<Instant> TimeZone::Parse(const std::string& text) const {
  auto bad = [&text]() {
    return Status::InvalidArgument("bad time \"" + text +
                                   "\" (expected 2026-11-23T08:00:00+08:00, 2026-11-23T08:00Z or 2026-11-23 08:00)");
  };
  Scanner sc(text);
  CivilDate d;
  if (!ScanDate(sc, &d)) return bad();
  if (!(sc.Eat('T') || sc.Eat('t') || sc.Eat(' '))) return bad();
  int hour = 0;
  int minute = 0;
  int second = 0;
  if (!sc.Digits(2, &hour) || !sc.Eat(':') || !sc.Digits(2, &minute)) return bad();
  if (sc.Eat(':')) {
    if (!sc.Digits(2, &second)) return bad();
    if (sc.Eat('.')) {  // fractional seconds ("…:00.000Z" from JavaScript): dropped
      int ignored = 0;
      if (!sc.Digits(1, &ignored)) return bad();
      sc.SkipDigits();
    }
  }
  if (!d.valid()) return Status::InvalidArgument("no such date in \"" + text + "\"");
  if (hour > 23 || minute > 59 || second > 59)
    return Status::InvalidArgument("no such time of day in \"" + text + "\"");
  const std::int64_t local = d.ToDays() * kDay + hour * kHour + minute * kMinute + second;

  if (sc.Done()) return LocalToInstant(zone_, name_, local);  // local time in this zone
  if (sc.Eat('Z') || sc.Eat('z')) {
    if (!sc.Done()) return bad();
    return local;
  }
  int sign = 0;
  if (sc.Eat('+')) {
    sign = 1;
  } else if (sc.Eat('-')) {
    sign = -1;
  } else {
    return bad();
  }
  int off_h = 0;
  int off_m = 0;
  if (!sc.Digits(2, &off_h) || !sc.Eat(':') || !sc.Digits(2, &off_m) || !sc.Done()) return bad();
  if (off_h > 23 || off_m > 59) return Status::InvalidArgument("bad UTC offset in \"" + text + "\"");
  return local - sign * (off_h * kHour + off_m * kMinute);
}

// ---- Minutes of the day ----

Result<int> ParseMinuteOfDay(const std::string& text) {
  Scanner sc(text);
  int hour = 0;
  int minute = 0;
  if (!sc.OneOrTwoDigits(&hour) || !sc.Eat(':') || !sc.Digits(2, &minute) || !sc.Done()) {
    return Status::InvalidArgument("bad time of day \"" + text + "\" (expected HH:MM)");
  }
  const int total = hour * 60 + minute;
  if (minute > 59 || total > 48 * 60) {
    return Status::InvalidArgument("time of day \"" + text + "\" out of range (00:00..48:00)");
  }
  return total;
}

std::string FormatMinuteOfDay(int minute) {
  if (minute < 0) return "-" + FormatMinuteOfDay(-minute);
  return TwoDigits(minute / 60) + ":" + TwoDigits(minute % 60);
}

}  // namespace schoolshare
