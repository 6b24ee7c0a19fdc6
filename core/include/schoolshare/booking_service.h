// Booking operations: gather what the rules need from the store, judge with rules.h, write the result
// with its audit and change-log entries in one transaction. Refusals carry alternatives.
#pragma once

#include <string>
#include <vector>

#include "schoolshare/clock.h"
#include "schoolshare/model.h"
#include "schoolshare/rules.h"
#include "schoolshare/store.h"

namespace schoolshare {

struct BookingRequest {
  std::string id;  // client-chosen UUID; empty: one is made. Re-sending the same id is idempotent.
  std::string resource_id;
  std::string school_id;  // requesting school
  std::string organizer;
  std::string title;
  std::string activity_type = "other";
  int attendees = 0;
  int quantity = 0;
  std::string class_id;  // the class of school_id it is for; empty: none. An unknown class is refused.
  Instant start = 0;
  Instant end = 0;
  std::vector<std::string> required_features;  // only for alternatives: what a similar venue must have
  std::string series_id;                       // set by CreateSeries
};

// A free option offered with a refusal.
struct Alternative {
  enum class Kind { kSameResourceOtherTime, kOtherResourceSameTime };
  Kind kind = Kind::kSameResourceOtherTime;
  std::string resource_id;
  Instant start = 0;
  Instant end = 0;
  double distance_km = 0;  // from the requesting school's campus to the resource's school
};

struct BookingOutcome {
  bool accepted = false;
  bool duplicate = false;  // the id was already stored: `booking` is the stored one, nothing written
  Booking booking;         // accepted: as stored; refused: the candidate
  std::vector<Violation> violations;
  std::vector<Alternative> alternatives;
};

struct CreateOptions {
  bool allow_backfill = false;  // honoured for district admins only
  bool with_alternatives = true;
  bool dry_run = false;  // judge only, write nothing (the "while typing" check)
  // A walk-in recorded at the gate: it already happened, so it is not refused for being in the past
  // or at short notice; every other rule (overlap, stock, hours, ...) still applies, except that a
  // no-show (a confirmed booking nobody checked in to within the grace period) has released its slot.
  bool walk_in = false;
};

struct SeriesRequest {
  BookingSeries series;  // id may be empty
  enum class Mode { kAllOrNothing, kSkipConflicts };
  Mode mode = Mode::kAllOrNothing;
};

struct SeriesOccurrence {
  CivilDate date;
  BookingOutcome outcome;
};

struct SeriesOutcome {
  // All-or-nothing: true when every occurrence passed and all were written; false writes nothing (each
  // occurrence's outcome still says whether its date passed, and why not). Skip-conflicts: true, with
  // the refused dates listed (when every date is refused, nothing is written and it is false too).
  bool accepted = false;
  BookingSeries series;
  std::vector<SeriesOccurrence> occurrences;  // every date of the series, accepted or refused
  int created = 0;
  int refused = 0;
};

class BookingService {
 public:
  BookingService(Store& store, const Clock& clock) : store_(store), clock_(clock) {}

  // Refusals are not errors: the outcome says accepted=false with violations and alternatives.
  // Errors (kNotFound, kPermissionDenied, kIoError, ...) are for what cannot be judged at all.
  Result<BookingOutcome> Create(const BookingRequest& request, const Actor& actor, const CreateOptions& options = {});
  Result<SeriesOutcome> CreateSeries(const SeriesRequest& request, const Actor& actor,
                                     const CreateOptions& options = {});

  // State changes. A rule refusal (locked period, already started, not pending) is an outcome with
  // accepted=false and its violations; an actor out of scope is kPermissionDenied; an unknown id is
  // kNotFound. Cancelling a cancelled or rejected booking is an accepted no-op.
  Result<BookingOutcome> Cancel(const std::string& booking_id, const Actor& actor, const std::string& reason = "");
  // With a base_version (the version the decider saw, e.g. from an offline client), a booking changed
  // since is refused with stale_version instead of being decided blind.
  Result<BookingOutcome> Approve(const std::string& booking_id, const Actor& actor, std::int64_t base_version = 0);
  Result<BookingOutcome> Reject(const std::string& booking_id, const Actor& actor, const std::string& reason,
                                std::int64_t base_version = 0);

  // Alternatives for a refused candidate: the same resource at the nearest free times (up to
  // `per_kind`), and similar resources (same type, enough capacity or stock, the features) at the
  // requested time, nearest campus first.
  Result<std::vector<Alternative>> FindAlternatives(const BookingRequest& request, const Actor& actor,
                                                    int per_kind = 3);

 private:
  Store& store_;
  const Clock& clock_;
};

// The id of a series' booking on `date`: the series id and the date, so a series created again (a sync
// client re-sending it, an optimistic copy in a replica) names the same bookings.
std::string SeriesOccurrenceId(const std::string& series_id, const CivilDate& date);

// The occurrence dates of a series (weekdays in range, calendar holidays and exceptions left out;
// a makeup workday counts as the weekday it runs).
std::vector<CivilDate> SeriesDates(const BookingSeries& series, const DistrictCalendar& calendar,
                                   const std::string& school_id);

}  // namespace schoolshare
