// The booking rules (DESIGN.md section 3): one pure function over a RuleInput.
//
// Violation params (all strings, formatted for people in the district's zone; times as
// "2026-11-23 08:00", durations in whole minutes, days as whole days). i18n's "rule.<name>" messages use
// exactly these names:
//   invalid_interval  start, end
// Every violation that carries "resource" (the name) also carries "resource_en" (name_en, or name).
//   inactive          resource
//   home_only         resource
//   in_the_past       start, now
//   overlap           resource, count, from, until (span of the conflicting bookings), buffer (minutes)
//   equipment_stock   resource, limit (stock), actual (peak + requested), requested, available
//   capacity          resource, limit, actual
//   quantity          resource, limit (stock), actual (requested)
//   opening_hours     resource, date, opening ("08:00–12:00, 14:00–18:00"; "" when closed that day),
//                     holiday (only on a holiday: its name, or its kind word when unnamed)
//   blackout          resource, reason, kind (blackout kind word), from, until, count
//   exam_period       date, name (the calendar entry's name, may be "")
//   min_notice        limit, actual (minutes between now and the start, rounded down; 0 when in the past)
//   max_advance       limit, actual (days between now and the start, rounded up)
//   max_duration      limit, actual (minutes)
//   weekly_cap        limit, used, requested, actual (used + requested), remaining (minutes)
//   agreement_cap     agreement, limit, used, requested, actual, remaining (minutes)
//   period_locked     month ("2026-11")
// Rules raised outside CheckBooking (by the booking service), with the params i18n expects:
//   permission        none
//   not_pending       code, status (booking status word)
//   already_started   code, start
//   stale_version     code, version (the current one)
#include "schoolshare/rules.h"

#include <algorithm>
#include <string>
#include <utility>

namespace schoolshare {
namespace {

std::string Num(std::int64_t v) { return std::to_string(v); }

Instant FloorMod(Instant a, Instant b) { return ((a % b) + b) % b; }

Instant CeilDiv(Instant a, Instant b) {
  const Instant q = a / b;
  return (a % b != 0 && (a > 0) == (b > 0)) ? q + 1 : q;
}

Instant FloorDiv(Instant a, Instant b) {
  const Instant q = a / b;
  return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

// True when `other` is `resource` or one of them is a part (at any depth) of the other.
bool IsRelated(const Resource& resource, const Resource& other, const std::map<std::string, Resource>& related) {
  if (other.id == resource.id) return true;
  auto is_ancestor = [&related, &resource](const std::string& ancestor_id, const Resource& start) {
    std::string parent = start.parent_id;
    for (int depth = 0; depth < 16 && !parent.empty(); ++depth) {  // bounded: a cycle in bad data ends
      if (parent == ancestor_id) return true;
      if (parent == resource.id) {
        parent = resource.parent_id;
        continue;
      }
      auto it = related.find(parent);
      if (it == related.end()) return false;
      parent = it->second.parent_id;
    }
    return false;
  };
  return is_ancestor(other.id, resource) || is_ancestor(resource.id, other);
}

// The opening hours of `date` as people read them: "08:00–12:00, 14:00–18:00" ("" when closed).
std::string OpeningText(const std::vector<WeeklyWindow>& windows, int weekday) {
  std::vector<WeeklyWindow> day;
  for (const WeeklyWindow& w : windows) {
    if (w.weekday == weekday) day.push_back(w);
  }
  std::sort(day.begin(), day.end(),
            [](const WeeklyWindow& a, const WeeklyWindow& b) { return a.start_minute < b.start_minute; });
  std::string out;
  for (const WeeklyWindow& w : day) {
    if (!out.empty()) out += ", ";
    const int end = w.end_minute > 24 * 60 ? w.end_minute - 24 * 60 : w.end_minute;  // 26:00 reads 02:00
    out += FormatMinuteOfDay(w.start_minute) + "\u2013" + FormatMinuteOfDay(end);
  }
  return out;
}

// True when [start, end) lies inside one of the merged intervals.
bool Inside(const std::vector<Interval>& intervals, Instant start, Instant end) {
  return std::any_of(intervals.begin(), intervals.end(),
                     [&](const Interval& iv) { return iv.start <= start && end <= iv.end; });
}

void AddCapViolation(Verdict& verdict, Rule rule, int limit, int used, int requested) {
  Violation v{rule, {}, {}};
  v.params["limit"] = Num(limit);
  v.params["used"] = Num(used);
  v.params["requested"] = Num(requested);
  v.params["actual"] = Num(static_cast<std::int64_t>(used) + requested);
  v.params["remaining"] = Num(std::max(0, limit - used));
  verdict.violations.push_back(std::move(v));
}

}  // namespace

const char* RuleName(Rule r) {
  switch (r) {
    case Rule::kInvalidInterval:
      return "invalid_interval";
    case Rule::kInactive:
      return "inactive";
    case Rule::kHomeOnly:
      return "home_only";
    case Rule::kInThePast:
      return "in_the_past";
    case Rule::kOverlap:
      return "overlap";
    case Rule::kEquipmentStock:
      return "equipment_stock";
    case Rule::kCapacity:
      return "capacity";
    case Rule::kQuantity:
      return "quantity";
    case Rule::kOpeningHours:
      return "opening_hours";
    case Rule::kBlackout:
      return "blackout";
    case Rule::kExamPeriod:
      return "exam_period";
    case Rule::kMinNotice:
      return "min_notice";
    case Rule::kMaxAdvance:
      return "max_advance";
    case Rule::kMaxDuration:
      return "max_duration";
    case Rule::kWeeklyCap:
      return "weekly_cap";
    case Rule::kAgreementCap:
      return "agreement_cap";
    case Rule::kPeriodLocked:
      return "period_locked";
    case Rule::kPermission:
      return "permission";
    case Rule::kNotPending:
      return "not_pending";
    case Rule::kAlreadyStarted:
      return "already_started";
    case Rule::kStaleVersion:
      return "stale_version";
  }
  return "unknown";
}

bool Verdict::Breaks(Rule r) const {
  return std::any_of(violations.begin(), violations.end(), [r](const Violation& v) { return v.rule == r; });
}

int PeakQuantity(const std::vector<Booking>& bookings, Instant start, Instant end) {
  // Events inside [start, end); at equal times releases come before takes, so bookings that merely
  // touch never add up.
  std::vector<std::pair<Instant, int>> events;
  for (const Booking& b : bookings) {
    if (!b.held() || b.quantity <= 0) continue;
    const Instant s = std::max(start, b.start);
    const Instant e = std::min(end, b.end);
    if (s >= e) continue;
    events.emplace_back(s, b.quantity);
    events.emplace_back(e, -b.quantity);
  }
  std::sort(events.begin(), events.end());  // (t, negative) sorts before (t, positive)
  int current = 0;
  int peak = 0;
  for (const auto& [t, delta] : events) {
    current += delta;
    peak = std::max(peak, current);
  }
  return peak;
}

Verdict CheckBooking(const RuleInput& input) {
  Verdict verdict;
  const Booking& c = input.candidate;
  auto add = [&verdict](Rule rule, std::map<std::string, std::string> params = {},
                        std::vector<std::string> ids = {}) -> Violation& {
    verdict.violations.push_back(Violation{rule, std::move(ids), std::move(params)});
    return verdict.violations.back();
  };

  // Required inputs; a caller bug is reported as a refusal rather than a crash.
  if (input.resource == nullptr) {
    add(Rule::kInactive, {{"resource", c.resource_id}});
    return verdict;
  }
  const Resource& res = *input.resource;
  const TimeZone utc = TimeZone::Utc();
  const TimeZone& tz = input.tz != nullptr ? *input.tz : utc;
  const DistrictCalendar empty_calendar;
  const DistrictCalendar& calendar = input.calendar != nullptr ? *input.calendar : empty_calendar;
  const std::string& owner_id = input.owner != nullptr ? input.owner->id : res.school_id;

  // 1. The interval itself; nothing else is meaningful without it.
  if (c.end <= c.start || FloorMod(c.start, kMinute) != 0 || FloorMod(c.end, kMinute) != 0) {
    add(Rule::kInvalidInterval, {{"start", tz.FormatLocal(c.start)}, {"end", tz.FormatLocal(c.end)}});
    return verdict;
  }
  // A booking longer than any real use is refused before anything expands its span (opening hours,
  // alternatives): a request for a century must not hold the write lock for seconds.
  if (c.end - c.start > kLongestBooking) {
    add(Rule::kMaxDuration, {{"limit", Num(kLongestBooking / kMinute)}, {"actual", Num((c.end - c.start) / kMinute)}});
    return verdict;
  }
  const int duration = static_cast<int>((c.end - c.start) / kMinute);
  const bool cross_school = c.school_id != res.school_id;

  // 2. The resource and who may borrow it.
  if (!res.active) add(Rule::kInactive, {{"resource", res.name}});
  if (cross_school && !res.policy.shared) add(Rule::kHomeOnly, {{"resource", res.name}});
  if (!input.allow_backfill && c.start < input.now) {
    add(Rule::kInThePast, {{"start", tz.FormatLocal(c.start)}, {"now", tz.FormatLocal(input.now)}});
  }

  // 3. Other bookings: venues by overlap (buffers and divisible venues), equipment by stock.
  if (!res.is_equipment()) {
    std::vector<std::string> ids;
    Instant span_from = 0;
    Instant span_until = 0;
    int max_gap_minutes = 0;
    for (const Booking& b : input.nearby) {
      if (b.id == c.id || !b.held()) continue;
      const Resource* other = nullptr;
      if (b.resource_id == res.id) {
        other = &res;
      } else if (auto it = input.related.find(b.resource_id); it != input.related.end()) {
        other = &it->second;
      }
      if (other == nullptr || !IsRelated(res, *other, input.related)) continue;  // unknown or a sibling part
      const int gap_minutes = std::max(res.buffer_minutes, other->buffer_minutes);
      if (!Conflicts(c.start, c.end, b.start, b.end, static_cast<Instant>(gap_minutes) * kMinute)) continue;
      if (ids.empty()) {
        span_from = b.start;
        span_until = b.end;
      }
      span_from = std::min(span_from, b.start);
      span_until = std::max(span_until, b.end);
      max_gap_minutes = std::max(max_gap_minutes, gap_minutes);
      ids.push_back(b.id);
    }
    if (!ids.empty()) {
      const std::string count = Num(static_cast<std::int64_t>(ids.size()));
      add(Rule::kOverlap,
          {{"resource", res.name},
           {"count", count},
           {"from", tz.FormatLocal(span_from)},
           {"until", tz.FormatLocal(span_until)},
           {"buffer", Num(max_gap_minutes)}},
          std::move(ids));
    }
  } else if (c.quantity < 1 || c.quantity > res.quantity) {
    add(Rule::kQuantity, {{"resource", res.name}, {"limit", Num(res.quantity)}, {"actual", Num(c.quantity)}});
  } else {
    std::vector<Booking> same;
    std::vector<std::string> ids;
    for (const Booking& b : input.nearby) {
      if (b.id == c.id || !b.held() || b.resource_id != res.id) continue;
      same.push_back(b);
      if (b.quantity > 0 && Conflicts(c.start, c.end, b.start, b.end, 0)) ids.push_back(b.id);
    }
    const int peak = PeakQuantity(same, c.start, c.end);
    if (peak + c.quantity > res.quantity) {
      add(Rule::kEquipmentStock,
          {{"resource", res.name},
           {"limit", Num(res.quantity)},
           {"actual", Num(peak + c.quantity)},
           {"requested", Num(c.quantity)},
           {"available", Num(std::max(0, res.quantity - peak))}},
          std::move(ids));
    }
  }

  // 4. People.
  if (!res.is_equipment() && res.capacity > 0 && c.attendees > res.capacity) {
    add(Rule::kCapacity, {{"resource", res.name}, {"limit", Num(res.capacity)}, {"actual", Num(c.attendees)}});
  }

  // 5. Opening hours of the dates the booking touches (a window past midnight counts for its start date).
  if (!res.opening_hours.empty()) {
    const std::vector<Interval> open =
        ExpandWeeklyWindows(res.opening_hours, calendar, res.school_id, tz, c.start - kDay, c.end + kDay);
    if (!Inside(open, c.start, c.end)) {
      const CivilDate date = tz.LocalDate(c.start);
      const int weekday = calendar.EffectiveWeekday(date, res.school_id);
      Violation& v =
          add(Rule::kOpeningHours, {{"resource", res.name},
                                    {"date", date.ToString()},
                                    {"opening", weekday == 0 ? "" : OpeningText(res.opening_hours, weekday)}});
      if (weekday == 0) {
        const CalendarDay* day = calendar.Find(date, res.school_id);
        v.params["holiday"] = day != nullptr && !day->name.empty() ? day->name
                              : day != nullptr                     ? ToString(day->kind)
                                                                   : "";
      }
    }
  }

  // 6. Blackouts (the caller passes those of the resource, its whole and the owner school).
  {
    const Blackout* first = nullptr;
    int count = 0;
    for (const Blackout& b : input.blackouts) {
      if (!(b.start < c.end && c.start < b.end)) continue;
      ++count;
      if (first == nullptr || b.start < first->start) first = &b;
    }
    if (first != nullptr) {
      add(Rule::kBlackout, {{"resource", res.name},
                            {"reason", first->reason},
                            {"kind", ToString(first->kind)},
                            {"from", tz.FormatLocal(first->start)},
                            {"until", tz.FormatLocal(first->end)},
                            {"count", Num(count)}});
    }
  }

  // 7. The owner's sharing policy binds borrowing schools only.
  const SharingAgreement* applying = nullptr;
  if (cross_school) {
    const SharingPolicy& p = res.policy;
    const std::int64_t first_day = tz.LocalDate(c.start).ToDays();
    const std::int64_t last_day = tz.LocalDate(c.end - 1).ToDays();
    for (std::int64_t day = first_day; day <= last_day; ++day) {
      const CivilDate date = CivilDate::FromDays(day);
      if (calendar.IsExamDay(date, owner_id)) {
        const CalendarDay* entry = calendar.Find(date, owner_id);
        add(Rule::kExamPeriod, {{"date", date.ToString()}, {"name", entry != nullptr ? entry->name : ""}});
        break;
      }
    }
    const Instant lead = c.start - input.now;
    // Notice is about planning ahead: a district admin back-filling what already happened is exempt.
    const bool backfilling = input.allow_backfill && c.start < input.now;
    if (p.min_notice_minutes > 0 && !backfilling && lead < static_cast<Instant>(p.min_notice_minutes) * kMinute) {
      add(Rule::kMinNotice,
          {{"limit", Num(p.min_notice_minutes)}, {"actual", Num(std::max<Instant>(0, FloorDiv(lead, kMinute)))}});
    }
    if (p.max_advance_days > 0 && lead > static_cast<Instant>(p.max_advance_days) * kDay) {
      add(Rule::kMaxAdvance, {{"limit", Num(p.max_advance_days)}, {"actual", Num(CeilDiv(lead, kDay))}});
    }
    if (p.max_duration_minutes > 0 && duration > p.max_duration_minutes) {
      add(Rule::kMaxDuration, {{"limit", Num(p.max_duration_minutes)}, {"actual", Num(duration)}});
    }
    if (p.weekly_cap_minutes > 0 && input.requester_week_minutes_on_resource + duration > p.weekly_cap_minutes) {
      AddCapViolation(verdict, Rule::kWeeklyCap, p.weekly_cap_minutes, input.requester_week_minutes_on_resource,
                      duration);
    }

    // 8. The first agreement that covers the resource at this time applies.
    for (const SharingAgreement& a : input.agreements) {
      if (!a.Covers(res.id)) continue;
      if (!a.windows.empty()) {
        const std::vector<Interval> in_window =
            ExpandWeeklyWindows(a.windows, calendar, owner_id, tz, c.start - kDay, c.end + kDay);
        if (!Inside(in_window, c.start, c.end)) continue;
      }
      applying = &a;
      break;
    }
    if (applying != nullptr) {
      verdict.agreement_id = applying->id;
      const auto it = input.requester_week_minutes_by_agreement.find(applying->id);
      const int used = it != input.requester_week_minutes_by_agreement.end() ? it->second : 0;
      if (applying->weekly_cap_minutes > 0 && used + duration > applying->weekly_cap_minutes) {
        AddCapViolation(verdict, Rule::kAgreementCap, applying->weekly_cap_minutes, used, duration);
        verdict.violations.back().params["agreement"] = applying->id;
      }
    }
  }

  // 9. A signed-off month is read-only.
  if (input.period_locked) {
    const CivilDate d = tz.LocalDate(c.start);
    std::string month = d.ToString().substr(0, 7);
    add(Rule::kPeriodLocked, {{"month", std::move(month)}});
  }

  // The English name beside the Chinese one, for messages in English.
  for (Violation& v : verdict.violations) {
    if (v.params.count("resource") != 0) v.params["resource_en"] = res.name_en.empty() ? res.name : res.name_en;
  }

  if (verdict.ok()) {
    const ApprovalDecision decision = DecideApproval(res, cross_school, applying);
    verdict.status = decision.status;
    verdict.stage = decision.stage;
  }
  return verdict;
}

}  // namespace schoolshare
