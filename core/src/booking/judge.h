// What the rules need around one resource over a stretch of time, fetched from the store once and then
// used to judge one candidate (a booking) or many (the alternatives search). Private to core/src/booking.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "schoolshare/booking_service.h"
#include "schoolshare/calendar.h"
#include "schoolshare/rules.h"
#include "schoolshare/store.h"

namespace schoolshare::booking {

// The booking a request asks for, with `id`, before any rule has looked at it.
Booking CandidateFrom(const BookingRequest& request, const std::string& id);

// "2026-11": the report month that instant `t` falls in, in the district's zone.
std::string MonthOf(const TimeZone& tz, Instant t);
// Whether the owner school's report month of `t` is signed off (and so read-only).
Result<bool> PeriodLocked(Store& store, const std::string& owner_school_id, const TimeZone& tz, Instant t);
// The time zone of the district a school belongs to.
Result<TimeZone> ZoneOfSchool(Store& store, const std::string& school_id);

// True when a violation is one that another time of the same resource cannot fix (inactive, home-only,
// capacity, quantity, duration, permission, an invalid interval).
bool TimeCannotHelp(const std::vector<Violation>& violations);

class JudgeContext {
 public:
  JudgeContext(JudgeContext&& other) noexcept;
  JudgeContext(const JudgeContext&) = delete;
  JudgeContext& operator=(const JudgeContext&) = delete;
  JudgeContext& operator=(JudgeContext&&) = delete;

  // Loads for candidates of `requester_school_id` on `resource` that lie inside [from, to).
  static Result<JudgeContext> Load(Store& store, const Resource& resource, const std::string& requester_school_id,
                                   Instant from, Instant to, Instant now, bool allow_backfill);

  // For a walk-in: confirmed bookings of the loaded window that are no-shows at `now` (nobody checked
  // in within the grace period, usage.h) no longer hold their slot, so the gate can offer it.
  Status ReleaseNoShows(Instant now);

  // Judges one candidate inside the loaded window (weekly hours and period locks are read on demand
  // and remembered).
  Result<Verdict> Evaluate(const Booking& candidate);

  const TimeZone& tz() const { return tz_; }
  const School& owner() const { return owner_; }
  const Resource& resource() const { return resource_; }

 private:
  JudgeContext(Store& store, TimeZone tz) : store_(&store), tz_(std::move(tz)) {}
  void PointInput();  // input_ points at resource_, owner_, calendar_, tz_ of this object
  Result<int> WeekMinutes(Instant week_start, Instant week_end, const std::vector<std::string>& resource_ids,
                          const std::string& key);

  Store* store_;
  TimeZone tz_;
  Resource resource_;
  School owner_;
  std::string requester_;
  DistrictCalendar calendar_;
  std::vector<SharingAgreement> agreements_;  // all between owner and requester; filtered per date
  RuleInput input_;                          // filled once by Load; Evaluate changes only what depends on the candidate
  std::map<std::string, int> week_minutes_;  // "<week start>/<key>" -> minutes
};

}  // namespace schoolshare::booking
