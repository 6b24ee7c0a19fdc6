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

// Why the server refused a write, as a person reads it in `lang` (not the server's language, which was
// fixed when it answered): the sentence of every rule in `result`'s "violations", re-worded from their
// params; otherwise the headline of the error word ("refusal.<error>", or the rule's title) and the
// server's own message. `result` is a push result or an error body: {"error", "message", "violations"}.
std::string DescribeRefusal(Lang lang, const Json& result);
// The same for a refused mutation kept for the user's attention (its stored result, else its error and message).
std::string DescribeRefusal(Lang lang, const AttentionItem& item);

}  // namespace schoolshare
