#include "booking/judge.h"

#include <algorithm>
#include <cstdio>

#include "schoolshare/usage.h"

namespace schoolshare::booking {

Booking CandidateFrom(const BookingRequest& r, const std::string& id) {
  Booking b;
  b.id = id;
  b.resource_id = r.resource_id;
  b.school_id = r.school_id;
  b.organizer = r.organizer;
  b.title = r.title;
  b.activity_type = r.activity_type.empty() ? "other" : r.activity_type;
  b.attendees = r.attendees;
  b.quantity = r.quantity;
  b.class_id = r.class_id;
  b.start = r.start;
  b.end = r.end;
  b.series_id = r.series_id;
  return b;
}

bool TimeCannotHelp(const std::vector<Violation>& violations) {
  for (const auto& v : violations) {
    switch (v.rule) {
      case Rule::kInvalidInterval:
      case Rule::kInactive:
      case Rule::kHomeOnly:
      case Rule::kCapacity:
      case Rule::kQuantity:
      case Rule::kMaxDuration:
      case Rule::kPermission:
        return true;
      default:
        break;
    }
  }
  return false;
}

std::string MonthOf(const TimeZone& tz, Instant t) {
  CivilDate d = tz.LocalDate(t);
  if (d.year < 0 || d.year > 9999) {
    char month[16];
    std::snprintf(month, sizeof month, "%04d-%02d", d.year, d.month);
    return month;
  }
  // "%04d-%02d" without snprintf (once per judged booking).
  const char month[7] = {static_cast<char>('0' + d.year / 1000),
                         static_cast<char>('0' + d.year / 100 % 10),
                         static_cast<char>('0' + d.year / 10 % 10),
                         static_cast<char>('0' + d.year % 10),
                         '-',
                         static_cast<char>('0' + d.month / 10),
                         static_cast<char>('0' + d.month % 10)};
  return std::string(month, sizeof month);
}

Result<bool> PeriodLocked(Store& store, const std::string& owner_school_id, const TimeZone& tz, Instant t) {
  SS_ASSIGN_OR_RETURN(ReportPeriod p, store.GetReportPeriod(owner_school_id, MonthOf(tz, t)));
  return p.status == PeriodStatus::kSignedOff;
}

Result<TimeZone> ZoneOfSchool(Store& store, const std::string& school_id) {
  SS_ASSIGN_OR_RETURN(District district, store.DistrictOfSchool(school_id));
  return TimeZone::Find(district.time_zone);
}

Result<JudgeContext> JudgeContext::Load(Store& store, const Resource& resource, const std::string& requester_school_id,
                                        Instant from, Instant to, Instant now, bool allow_backfill) {
  SS_ASSIGN_OR_RETURN(School owner, store.GetSchool(resource.school_id));
  SS_ASSIGN_OR_RETURN(District district, store.GetDistrict(owner.district_id));
  SS_ASSIGN_OR_RETURN(TimeZone tz, TimeZone::Find(district.time_zone));
  JudgeContext c(store, tz);
  c.resource_ = resource;
  c.owner_ = owner;
  c.requester_ = requester_school_id;
  c.input_.now = now;
  c.input_.allow_backfill = allow_backfill;

  SS_ASSIGN_OR_RETURN(std::vector<Resource> related, store.RelatedResources(resource.id));
  int max_buffer = resource.buffer_minutes;
  std::vector<std::string> ids = {resource.id};
  for (auto& r : related) {
    max_buffer = std::max(max_buffer, r.buffer_minutes);
    ids.push_back(r.id);
    c.input_.related.emplace(r.id, std::move(r));
  }
  Instant pad = static_cast<Instant>(max_buffer) * kMinute;
  SS_ASSIGN_OR_RETURN(c.input_.nearby, store.ListHeldBookings(ids, from - pad, to + pad));
  // A blackout of the whole closes its parts and a blackout of a part closes the whole, like bookings.
  for (const auto& id : ids) {
    SS_ASSIGN_OR_RETURN(std::vector<Blackout> found, store.ListBlackouts(id, from, to));
    for (auto& b : found) {
      bool seen = std::any_of(c.input_.blackouts.begin(), c.input_.blackouts.end(),
                              [&](const Blackout& x) { return x.id == b.id; });
      if (!seen) c.input_.blackouts.push_back(std::move(b));
    }
  }
  SS_ASSIGN_OR_RETURN(std::vector<CalendarDay> days,
                      store.ListCalendarDays(district.id, tz.LocalDate(from).AddDays(-2), tz.LocalDate(to).AddDays(2)));
  c.calendar_ = DistrictCalendar(std::move(days));
  if (requester_school_id != resource.school_id) {
    SS_ASSIGN_OR_RETURN(c.agreements_, store.ListAgreements(resource.school_id, requester_school_id));
  }
  c.PointInput();
  return c;
}

JudgeContext::JudgeContext(JudgeContext&& o) noexcept
    : store_(o.store_),
      tz_(std::move(o.tz_)),
      resource_(std::move(o.resource_)),
      owner_(std::move(o.owner_)),
      requester_(std::move(o.requester_)),
      calendar_(std::move(o.calendar_)),
      agreements_(std::move(o.agreements_)),
      input_(std::move(o.input_)),
      week_minutes_(std::move(o.week_minutes_)) {
  PointInput();
}

void JudgeContext::PointInput() {
  input_.resource = &resource_;
  input_.owner = &owner_;
  input_.calendar = &calendar_;
  input_.tz = &tz_;
}

Result<int> JudgeContext::WeekMinutes(Instant week_start, Instant week_end,
                                      const std::vector<std::string>& resource_ids, const std::string& key) {
  std::string k = std::to_string(week_start) + "/" + key;
  if (auto it = week_minutes_.find(k); it != week_minutes_.end()) return it->second;
  SS_ASSIGN_OR_RETURN(int minutes, store_->HeldMinutes(requester_, resource_ids, week_start, week_end));
  week_minutes_[k] = minutes;
  return minutes;
}

Status JudgeContext::ReleaseNoShows(Instant now) {
  std::vector<Booking> kept;
  for (Booking& b : input_.nearby) {
    if (b.status == BookingStatus::kConfirmed && b.start + kNoShowGrace <= now && b.end > now) {
      FactFilter f;
      f.booking_id = b.id;
      SS_ASSIGN_OR_RETURN(std::vector<UsageFact> facts, store_->ListFacts(f));
      if (UsageOf(b, facts, now) == UsageState::kNoShow) continue;
    }
    kept.push_back(std::move(b));
  }
  input_.nearby = std::move(kept);
  return Status::Ok();
}

Result<Verdict> JudgeContext::Evaluate(const Booking& candidate) {
  RuleInput& in = input_;
  in.candidate = candidate;
  in.agreements.clear();
  in.requester_week_minutes_on_resource = 0;
  in.requester_week_minutes_by_agreement.clear();
  SS_ASSIGN_OR_RETURN(in.period_locked, PeriodLocked(*store_, owner_.id, tz_, candidate.start));

  bool cross_school = candidate.school_id != resource_.school_id;
  if (cross_school && candidate.end > candidate.start) {
    CivilDate monday = tz_.LocalDate(candidate.start).MondayOfWeek();
    SS_ASSIGN_OR_RETURN(Instant week_start, tz_.ToInstant(monday, 0));
    SS_ASSIGN_OR_RETURN(Instant week_end, tz_.ToInstant(monday.AddDays(7), 0));
    if (resource_.policy.weekly_cap_minutes > 0) {
      SS_ASSIGN_OR_RETURN(in.requester_week_minutes_on_resource,
                          WeekMinutes(week_start, week_end, {resource_.id}, "resource"));
    }
    CivilDate day = tz_.LocalDate(candidate.start);
    for (const auto& a : agreements_) {
      if (day < a.valid_from || a.valid_to < day) continue;
      in.agreements.push_back(a);
      if (a.weekly_cap_minutes <= 0) continue;
      std::vector<std::string> ids = a.resource_ids;
      if (ids.empty()) {  // every shared resource of the owner
        ResourceFilter f;
        f.school_id = a.owner_school_id;
        SS_ASSIGN_OR_RETURN(std::vector<Resource> all, store_->ListResources(f));
        for (const auto& r : all) {
          if (r.policy.shared) ids.push_back(r.id);
        }
      }
      SS_ASSIGN_OR_RETURN(in.requester_week_minutes_by_agreement[a.id],
                          WeekMinutes(week_start, week_end, ids, "agreement:" + a.id));
    }
  }
  return CheckBooking(in);
}

}  // namespace schoolshare::booking
