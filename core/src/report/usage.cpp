#include "schoolshare/usage.h"

namespace schoolshare {

const char* ToString(UsageState s) {
  switch (s) {
    case UsageState::kNone:
      return "none";
    case UsageState::kUpcoming:
      return "upcoming";
    case UsageState::kWaiting:
      return "waiting";
    case UsageState::kCheckedIn:
      return "checked_in";
    case UsageState::kCheckedOut:
      return "checked_out";
    case UsageState::kNoShow:
      return "no_show";
  }
  return "none";
}

UsageState UsageOf(const Booking& b, const std::vector<UsageFact>& facts, Instant now) {
  bool in = false;
  bool out = false;
  for (const auto& f : facts) {
    if (f.booking_id != b.id) continue;
    in |= f.kind == FactKind::kCheckIn || f.kind == FactKind::kHandOut || f.kind == FactKind::kWalkIn;
    out |= f.kind == FactKind::kCheckOut || f.kind == FactKind::kReturn;
  }
  if (out) return UsageState::kCheckedOut;
  if (in) return UsageState::kCheckedIn;
  if (b.status != BookingStatus::kConfirmed) return UsageState::kNone;
  if (now < b.start) return UsageState::kUpcoming;
  return now >= b.start + kNoShowGrace ? UsageState::kNoShow : UsageState::kWaiting;
}

}  // namespace schoolshare
