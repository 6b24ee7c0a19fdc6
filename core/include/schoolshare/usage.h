// The usage state of a booking, derived from its facts and the clock: what a kiosk shows next to it
// and what the HTTP API's booking lists carry ("usage").
#pragma once

#include <vector>

#include "schoolshare/model.h"

namespace schoolshare {

// none: not confirmed (pending, rejected, cancelled); upcoming: not started; waiting: started, nobody
// checked in yet; no_show: nobody checked in within the grace period, the slot is released;
// checked_in / checked_out: from the facts.
enum class UsageState { kNone, kUpcoming, kWaiting, kCheckedIn, kCheckedOut, kNoShow };
const char* ToString(UsageState s);  // none|upcoming|waiting|checked_in|checked_out|no_show

constexpr Instant kNoShowGrace = 15 * 60;

// `facts` are the booking's facts (others are ignored).
UsageState UsageOf(const Booking& b, const std::vector<UsageFact>& facts, Instant now);

}  // namespace schoolshare
