// JSON of a booking outcome (accepted, or refused with its rules, conflicts and alternatives): the
// CLI's --format json and the HTTP API's 201/409/422 bodies share it.
#pragma once

#include "schoolshare/booking_service.h"
#include "schoolshare/i18n.h"
#include "schoolshare/json.h"

namespace schoolshare {

// {"accepted", "duplicate", "booking", "violations": [{"rule", "message", "conflicts", "params"}],
//  "alternatives": [{"kind", "resource_id", "start", "end", "distance_km"}]}
Json ToJson(const BookingOutcome& outcome, const TimeZone& tz, Lang lang);
Json ToJson(const Violation& v, Lang lang);
Json ToJson(const Alternative& a, const TimeZone& tz);

}  // namespace schoolshare
