// Booking rules: pure functions over value types, the single place every booking write is checked
// (by the CLI, the sync service and the clients alike). No I/O, no clock: the caller passes `now`.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "schoolshare/calendar.h"
#include "schoolshare/model.h"

namespace schoolshare {

// Persistent (sent over HTTP as the words of RuleName): never renumber.
enum class Rule {
  kInvalidInterval,  // end <= start, or not on a whole minute
  kInactive,         // the resource is retired
  kHomeOnly,         // the resource is not lent to other schools
  kInThePast,        // starts before now (only a district admin may back-fill)
  kOverlap,          // overlaps a held booking of the venue, its parts or its whole (buffers included)
  kEquipmentStock,   // overlapping quantities would exceed the stock
  kCapacity,         // more attendees than the venue holds
  kQuantity,         // equipment quantity missing or larger than the stock
  kOpeningHours,     // outside the opening hours of that date (holidays close, 调休 days follow their weekday)
  kBlackout,         // maintenance, exams or another blackout
  kExamPeriod,       // the owner school's exam days are closed to other schools
  kMinNotice,
  kMaxAdvance,
  kMaxDuration,
  kWeeklyCap,       // the resource's weekly hours for one borrowing school
  kAgreementCap,    // the weekly hours of a sharing agreement
  kPeriodLocked,    // the month is signed off
  kPermission,      // the actor may not do this
  kNotPending,      // approve or reject of a booking that is no longer waiting for that decision
  kAlreadyStarted,  // cancel of a booking that has started (only a district admin may)
  kStaleVersion,    // a decision made on a version of the booking that has since changed (sync base_version)
};
const char* RuleName(Rule r);  // "overlap", "equipment_stock", ...

// One broken rule with what it concerns. params hold the figures a message needs ("limit", "actual",
// "until", "reason", ...), already formatted for people in the district's time zone.
struct Violation {
  Rule rule = Rule::kOverlap;
  std::vector<std::string> conflicting_booking_ids;
  std::map<std::string, std::string> params;
};

// Everything the rules need to judge one candidate booking, gathered by the caller.
struct RuleInput {
  const Resource* resource = nullptr;  // required
  const School* owner = nullptr;       // required: the school that owns the resource
  Booking candidate;                   // resource_id, school_id, start, end, attendees, quantity
  // Held bookings (pending or confirmed) of the resource and of its related parts (its whole and its
  // parts, for divisible venues) that end after candidate.start - max buffer and start before
  // candidate.end + max buffer. The candidate itself (same id) is ignored.
  std::vector<Booking> nearby;
  std::map<std::string, Resource> related;     // resources of `nearby` other than `resource`, by id
  std::vector<Blackout> blackouts;             // those that touch the candidate's interval
  const DistrictCalendar* calendar = nullptr;  // required
  const TimeZone* tz = nullptr;                // required: the district's zone
  // Agreements between the owner and the requesting school that are valid on the candidate's date.
  std::vector<SharingAgreement> agreements;
  int requester_week_minutes_on_resource = 0;  // held minutes of the requester on the resource in the ISO week
  std::map<std::string, int> requester_week_minutes_by_agreement;  // agreement id -> held minutes that week
  Instant now = 0;
  bool allow_backfill = false;  // the actor is a district admin back-filling the past
  bool period_locked = false;   // the owner's month of candidate.start is signed off
};

struct Verdict {
  std::vector<Violation> violations;
  // When accepted: the status and approval stage the booking starts in, and the agreement it used.
  BookingStatus status = BookingStatus::kConfirmed;
  ApprovalStage stage = ApprovalStage::kNone;
  std::string agreement_id;
  bool ok() const { return violations.empty(); }
  bool Breaks(Rule r) const;
};

// No booking may last longer than this, whoever asks (longer uses are series or blackouts).
constexpr Instant kLongestBooking = 31 * kDay;

// Judges the candidate against every rule; returns all violations, not only the first.
Verdict CheckBooking(const RuleInput& input);

// True when [a_start, a_end) and [b_start, b_end) are closer than `gap` seconds (touching with gap 0
// is not a conflict).
inline bool Conflicts(Instant a_start, Instant a_end, Instant b_start, Instant b_end, Instant gap) {
  return a_start < b_end + gap && b_start < a_end + gap;
}

// The largest sum of quantities held at any instant inside [start, end) by `bookings` (a sweep).
int PeakQuantity(const std::vector<Booking>& bookings, Instant start, Instant end);

// The approval a cross-school booking needs after it passes every rule: the owner's policy, unless an
// automatic agreement covers it; the district stage follows the owner stage when the policy asks for it.
struct ApprovalDecision {
  BookingStatus status = BookingStatus::kConfirmed;
  ApprovalStage stage = ApprovalStage::kNone;
};
ApprovalDecision DecideApproval(const Resource& resource, bool cross_school, const SharingAgreement* agreement);
// The stage that follows once `stage` is approved: kDistrict after kOwner when the resource's policy is
// owner_then_district, else kNone, which means the booking is now confirmed.
ApprovalStage NextStage(const Resource& resource, ApprovalStage stage);

// Who may do what (scope of tokens). Pure; the sync service and the CLI both call it.
enum class Action { kCreateBooking, kCancelBooking, kApproveBooking, kRecordFact, kEditCatalogue, kSignOff, kRead };
bool MayAct(const Actor& actor, Action action, const std::string& requesting_school_id,
            const std::string& owner_school_id, ApprovalStage stage = ApprovalStage::kNone);

}  // namespace schoolshare
