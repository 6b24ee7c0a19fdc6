#include "search/batch.h"

#include <algorithm>
#include <set>

#include "booking/judge.h"

namespace schoolshare::search {

Result<std::unique_ptr<Batch>> Batch::Load(Store& store, std::vector<Resource> resources,
                                           const std::map<std::string, School>& schools, const School& requester,
                                           const std::vector<SharingAgreement>& lending, Instant from, Instant to,
                                           Instant now, int need) {
  auto b = std::unique_ptr<Batch>(new Batch());
  b->store_ = &store;
  b->requester_ = requester;
  b->now_ = now;
  b->need_ = need;

  // Districts (zone and calendar) of the owners, once each.
  std::set<std::string> district_ids;
  for (const Resource& r : resources) {
    if (auto it = schools.find(r.school_id); it != schools.end()) district_ids.insert(it->second.district_id);
  }
  for (const std::string& id : district_ids) {
    DistrictInfo info;
    SS_ASSIGN_OR_RETURN(info.district, store.GetDistrict(id));
    SS_ASSIGN_OR_RETURN(info.tz, TimeZone::Find(info.district.time_zone));
    SS_ASSIGN_OR_RETURN(std::vector<CalendarDay> days, store.ListCalendarDays(id, info.tz.LocalDate(from).AddDays(-8),
                                                                              info.tz.LocalDate(to).AddDays(8)));
    info.calendar = DistrictCalendar(std::move(days));
    b->districts_.emplace(id, std::move(info));
  }
  // Agreements that lend to the requester, by owner.
  std::multimap<std::string, const SharingAgreement*> agreements;
  for (const auto& a : lending) agreements.emplace(a.owner_school_id, &a);

  // Each candidate with its related parts; every id whose held bookings matter.
  std::vector<std::string> ids;
  int max_buffer = 0;
  for (Resource& r : resources) {
    auto owner = schools.find(r.school_id);
    if (owner == schools.end()) continue;
    Item item;
    item.owner = &owner->second;
    item.district = &b->districts_.at(owner->second.district_id);
    SS_ASSIGN_OR_RETURN(std::vector<Resource> related, store.RelatedResources(r.id));
    max_buffer = std::max(max_buffer, r.buffer_minutes);
    ids.push_back(r.id);
    for (auto& x : related) {
      max_buffer = std::max(max_buffer, x.buffer_minutes);
      ids.push_back(x.id);
      item.related.emplace(x.id, std::move(x));
    }
    for (auto range = agreements.equal_range(r.school_id); range.first != range.second; ++range.first) {
      item.agreements.push_back(*range.first->second);
    }
    item.resource = std::move(r);
    b->items_.push_back(std::move(item));
  }
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());

  // One read for every held booking; a week either side covers the weekly caps of the window's weeks.
  const Instant pad = static_cast<Instant>(max_buffer) * kMinute;
  SS_ASSIGN_OR_RETURN(std::vector<Booking> held,
                      store.ListHeldBookings(ids, from - 8 * kDay - pad, to + 8 * kDay + pad));
  std::map<std::string, std::vector<const Booking*>> by_resource;
  for (const Booking& h : held) by_resource[h.resource_id].push_back(&h);
  for (Item& item : b->items_) {
    auto take = [&](const std::string& id) {
      if (auto it = by_resource.find(id); it != by_resource.end()) {
        for (const Booking* h : it->second) item.nearby.push_back(*h);
      }
    };
    take(item.resource.id);
    for (const auto& [id, unused] : item.related) take(id);
    // A blackout of the whole closes its parts and the other way round, like bookings.
    std::vector<std::string> closers = {item.resource.id};
    for (const auto& [id, unused] : item.related) closers.push_back(id);
    for (const std::string& id : closers) {
      SS_ASSIGN_OR_RETURN(std::vector<Blackout> found, store.ListBlackouts(id, from, to));
      for (auto& x : found) {
        bool seen =
            std::any_of(item.blackouts.begin(), item.blackouts.end(), [&](const Blackout& y) { return y.id == x.id; });
        if (!seen) item.blackouts.push_back(std::move(x));
      }
    }
  }
  return b;
}

int Batch::WeekMinutes(size_t i, Instant t) const {
  const Item& item = items_[i];
  const TimeZone& tz = item.district->tz;
  const CivilDate monday = tz.LocalDate(t).MondayOfWeek();
  auto start = tz.ToInstant(monday, 0);
  auto end = tz.ToInstant(monday.AddDays(7), 0);
  if (!start.ok() || !end.ok()) return 0;
  Instant seconds = 0;
  for (const Booking& h : item.nearby) {
    if (h.resource_id == item.resource.id && h.school_id == requester_.id && h.start >= *start && h.start < *end) {
      seconds += h.end - h.start;
    }
  }
  return static_cast<int>(seconds / kMinute);
}

Result<int> Batch::AgreementMinutes(const SharingAgreement& a, Instant week_start, Instant week_end) {
  const std::string key = std::to_string(week_start) + "/" + a.id;
  if (auto it = agreement_minutes_.find(key); it != agreement_minutes_.end()) return it->second;
  std::vector<std::string> ids = a.resource_ids;
  if (ids.empty()) {  // every shared resource of the owner
    ResourceFilter f;
    f.school_id = a.owner_school_id;
    SS_ASSIGN_OR_RETURN(std::vector<Resource> all, store_->ListResources(f));
    for (const auto& r : all) {
      if (r.policy.shared) ids.push_back(r.id);
    }
  }
  SS_ASSIGN_OR_RETURN(int minutes, store_->HeldMinutes(requester_.id, ids, week_start, week_end));
  agreement_minutes_[key] = minutes;
  return minutes;
}

Result<bool> Batch::Locked(const std::string& owner_id, const TimeZone& tz, Instant t) {
  const std::string key = owner_id + "/" + booking::MonthOf(tz, t);
  if (auto it = locked_.find(key); it != locked_.end()) return it->second;
  SS_ASSIGN_OR_RETURN(bool locked, booking::PeriodLocked(*store_, owner_id, tz, t));
  locked_[key] = locked;
  return locked;
}

Result<Verdict> Batch::Evaluate(size_t i, Instant start, Instant end) {
  const Item& item = items_[i];
  const Resource& res = item.resource;
  RuleInput& in = input_;
  in.resource = &res;
  in.owner = item.owner;
  in.calendar = &item.district->calendar;
  in.tz = &item.district->tz;
  in.now = now_;
  in.allow_backfill = false;
  in.related = item.related;
  in.blackouts = item.blackouts;
  in.candidate = Booking{};
  in.candidate.id = "search";
  in.candidate.resource_id = res.id;
  in.candidate.school_id = requester_.id;
  in.candidate.start = start;
  in.candidate.end = end;
  if (res.is_equipment()) {
    in.candidate.quantity = std::max(need_, 1);
  } else {
    in.candidate.attendees = need_;
  }
  in.nearby.clear();
  for (const Booking& h : item.nearby) {  // only what can touch the candidate, buffers included
    if (h.end + kDay > start && h.start < end + kDay) in.nearby.push_back(h);
  }
  in.agreements.clear();
  in.requester_week_minutes_on_resource = 0;
  in.requester_week_minutes_by_agreement.clear();
  SS_ASSIGN_OR_RETURN(in.period_locked, Locked(item.owner->id, item.district->tz, start));

  const TimeZone& tz = item.district->tz;
  if (requester_.id != res.school_id && end > start) {
    const CivilDate day = tz.LocalDate(start);
    SS_ASSIGN_OR_RETURN(Instant week_start, tz.ToInstant(day.MondayOfWeek(), 0));
    SS_ASSIGN_OR_RETURN(Instant week_end, tz.ToInstant(day.MondayOfWeek().AddDays(7), 0));
    if (res.policy.weekly_cap_minutes > 0) in.requester_week_minutes_on_resource = WeekMinutes(i, start);
    for (const auto& a : item.agreements) {
      if (day < a.valid_from || a.valid_to < day) continue;
      in.agreements.push_back(a);
      if (a.weekly_cap_minutes <= 0) continue;
      SS_ASSIGN_OR_RETURN(in.requester_week_minutes_by_agreement[a.id], AgreementMinutes(a, week_start, week_end));
    }
  }
  return CheckBooking(in);
}

}  // namespace schoolshare::search
