// What the rules need to judge many candidate slots on many resources for one requesting school, read
// from the store in a few batched queries (one for the held bookings of every candidate and its related
// parts), then judged in memory with CheckBooking. Private to core/src/search.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "schoolshare/calendar.h"
#include "schoolshare/rules.h"
#include "schoolshare/store.h"

namespace schoolshare::search {

// A district's zone and calendar.
struct DistrictInfo {
  District district;
  TimeZone tz = TimeZone::Utc();
  DistrictCalendar calendar;
};

class Batch {
 public:
  // Loads for `resources` (their owners must be in `schools`) judged for `requester` with candidates
  // inside [from, to); `agreements` are those lending to the requester. Resources whose owner is unknown
  // are dropped.
  static Result<std::unique_ptr<Batch>> Load(Store& store, std::vector<Resource> resources,
                                             const std::map<std::string, School>& schools, const School& requester,
                                             const std::vector<SharingAgreement>& agreements, Instant from, Instant to,
                                             Instant now, int need);

  size_t size() const { return items_.size(); }
  const Resource& resource(size_t i) const { return items_[i].resource; }
  const School& owner(size_t i) const { return *items_[i].owner; }
  const DistrictInfo& district(size_t i) const { return *items_[i].district; }
  // The requester's held minutes on resource i in the ISO week (owner's zone) that `t` falls in.
  int WeekMinutes(size_t i, Instant t) const;

  // Judges a booking of resource i over [start, end) by the requester for `need` people (venues) or
  // units (equipment). last_input() shows what it was judged on until the next Evaluate.
  Result<Verdict> Evaluate(size_t i, Instant start, Instant end);
  const RuleInput& last_input() const { return input_; }
  // Held bookings (of the resource and its related parts) loaded for resource i.
  const std::vector<Booking>& nearby(size_t i) const { return items_[i].nearby; }

 private:
  struct Item {
    Resource resource;
    const School* owner = nullptr;
    const DistrictInfo* district = nullptr;
    std::map<std::string, Resource> related;
    std::vector<Booking> nearby;
    std::vector<Blackout> blackouts;
    std::vector<SharingAgreement> agreements;  // between owner and requester, any date
  };
  Result<int> AgreementMinutes(const SharingAgreement& a, Instant week_start, Instant week_end);
  Result<bool> Locked(const std::string& owner_id, const TimeZone& tz, Instant t);

  Store* store_ = nullptr;
  School requester_;
  Instant now_ = 0;
  int need_ = 0;
  std::map<std::string, DistrictInfo> districts_;
  std::vector<Item> items_;
  RuleInput input_;
  std::map<std::string, int> agreement_minutes_;  // "<week start>/<agreement id>"
  std::map<std::string, bool> locked_;            // "<owner>/<month>"
};

}  // namespace schoolshare::search
