// The admin client's booking form: what the manager has typed so far, checked against the rules on
// the local replica after every change (a dry run: nothing is written), and turned into a request the
// sync client queues. Pure over a Store and a Clock, so it is tested without a window.
#pragma once

#include <string>
#include <vector>

#include "schoolshare/booking_service.h"
#include "schoolshare/i18n.h"
#include "schoolshare/store.h"

namespace schoolshare::admin {

// What the manager has typed: the request itself (its `id` is fixed when the form opens, so submitting
// twice is one booking). The form queues exactly this with SyncAgent::CreateBooking.
using BookingForm = BookingRequest;

// A problem with what was typed, before any rule is asked (missing resource, end before start, ...).
struct FieldError {
  std::string field;  // "resource_id", "school_id", "title", "attendees", "quantity", "end"
  std::string message;
};

struct FormCheck {
  std::vector<FieldError> errors;     // non-empty: the rules were not asked
  BookingOutcome outcome;             // the rules' verdict: violations (with conflicting bookings) and alternatives
  std::vector<std::string> messages;  // every error and violation described for people, in the form's language
  bool ok() const { return errors.empty() && outcome.accepted; }
};

// Checks the form as the manager types. `lang` chooses the messages. Errors (a store failure, an
// actor out of scope) are the Result's status; a refusal is a FormCheck that is not ok.
Result<FormCheck> CheckForm(Store& replica, const Clock& clock, const Actor& actor, const BookingForm& form, Lang lang);

// The form moved to a one-click alternative: its resource and times, everything else kept.
BookingForm WithAlternative(BookingForm form, const Alternative& alternative);

}  // namespace schoolshare::admin
