// What applying one mutation came to, and its two renderings: the stored push result and the REST reply.
#pragma once

#include <memory>
#include <string>

#include "schoolshare/booking_service.h"
#include "schoolshare/i18n.h"
#include "schoolshare/json.h"
#include "schoolshare/sync_protocol.h"
#include "schoolshare/sync_service.h"

namespace schoolshare::sync {

struct MutationOutcome {
  std::string status = "applied";  // applied | applied_flagged | rejected | quarantined
  int http = 200;                  // what the REST route answers
  std::string error;               // rejected, quarantined: the rule word or error code
  std::string message;
  Json fields = Json::object();  // booking, fact, flags, violations, conflicts, alternatives, ...
  Json entity;                   // the REST body on success: the booking or fact as stored
  // A booking outcome whose JSON (fields, entity) is not written yet: Render() writes it. The REST
  // writes leave it to the HTTP thread that sends the reply, so the one writer only decides.
  struct Unrendered {
    BookingOutcome booking;
    TimeZone tz;
    Lang lang;
  };
  std::shared_ptr<const Unrendered> unrendered;
};

// Writes o.fields and o.entity from o.unrendered (then cleared); nothing to do without it.
void Render(MutationOutcome& o);

// Errors that refuse one mutation (scope, unknown id, bad arguments, a locked period) rather than
// signal a broken server: they become a "rejected" result and the queue moves on.
bool IsRefusal(const Status& s);
MutationOutcome RefusalOutcome(const Status& s);
MutationOutcome QuarantineOutcome(const Status& s);
// Accepted: applied with the booking (http `accepted_http`); refused: rejected with the first rule as
// error, every violation, the conflicting ids and the alternatives (http 409 for overlap or stock, else 422).
// Status, http, error and message are set at once; the JSON waits for Render().
MutationOutcome FromBookingOutcome(BookingOutcome o, const TimeZone& tz, Lang lang, int accepted_http);

// {"id", "client_seq", "status", "error"?, "message"?, ...fields}: stored, and answered word for word.
// Renders o first.
Json ResultJson(const Mutation& m, MutationOutcome& o);
Reply RestReply(MutationOutcome o);

}  // namespace schoolshare::sync
