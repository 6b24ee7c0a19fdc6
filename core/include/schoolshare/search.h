// Finding a venue (issue 4): free slots that the booking rules would accept, ranked for the
// requesting school, and the common free time of several schools for a joint activity.
//
// Contract: a slot is free exactly when CheckBooking (rules.h) accepts a booking of it by the
// requesting school, judged on data read in a few batched queries (one for the held bookings of every
// candidate resource over the window). Ranking is pure arithmetic on that data: each result carries its
// factor scores (0..1) and the reasons (i18n keys with params) that explain them.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "schoolshare/i18n.h"
#include "schoolshare/json.h"
#include "schoolshare/model.h"
#include "schoolshare/store.h"

namespace schoolshare {

// "every Tuesday 14:00-16:00 from 2026-09-01 to 2027-01-15": dates of the range that run `weekday`
// (the district calendar decides: holidays drop out, a 调休 day running that weekday counts).
struct RecurringPattern {
  int weekday = 1;  // 1 = Monday .. 7 = Sunday
  int start_minute = 0;
  int end_minute = 0;
  CivilDate first_date;
  CivilDate last_date;      // inclusive
  int min_occurrences = 0;  // free on at least this many occurrences; 0: on all of them
};

struct AvailabilityQuery {
  std::vector<ResourceType> types;    // empty: every type
  int min_capacity = 0;               // people for venues, units for equipment (also the booking's size)
  std::vector<std::string> features;  // all required
  std::string school_id;              // only this school's resources
  bool whole_city = false;            // every district; else the district of the requesting school
  Instant from = 0;                   // window [from, to); ignored with `recurring`
  Instant to = 0;
  int duration_minutes = 0;  // ignored with `recurring`
  std::optional<RecurringPattern> recurring;
  std::string for_school_id;  // the requesting school (required)
  int limit = 10;
  int per_resource = 3;   // at most this many (non-overlapping) slots of one resource
  Lang lang = Lang::kZh;  // of the names in the results
};

// One line of "why": an i18n key ("search.reason.fit", ...) and its params.
struct SearchReason {
  std::string key;
  std::map<std::string, std::string> params;
};

struct RankingFactors {
  double fit = 0;         // capacity close to the need
  double distance = 0;    // near the requesting school's campus
  double approval = 0;    // no approval needed (or own school) ranks higher
  double fair_share = 0;  // the requester's weekly hours left on the resource
  double time = 0;        // close to the requested time
};

struct RankedSlot {
  std::string resource_id;
  std::string school_id;      // the owner
  std::string resource_name;  // in the language of the query
  std::string school_name;
  int size = 0;       // capacity (venues) or stock (equipment)
  Instant start = 0;  // with `recurring`: the first free occurrence
  Instant end = 0;
  double score = 0;  // weighted sum of the factors, 0..1
  RankingFactors factors;
  double distance_km = 0;
  BookingStatus status = BookingStatus::kConfirmed;  // what a booking of it would start as
  int occurrences_free = 0;                          // recurring only
  int occurrences_total = 0;
  std::vector<SearchReason> reasons;
};

// The factor weights, in the order of RankingFactors (they sum to 1).
struct RankingWeights {
  double fit = 0.30;
  double distance = 0.25;
  double approval = 0.20;
  double fair_share = 0.15;
  double time = 0.10;
};

// Ranked free slots, best first (ties: earlier start, then resource id). Errors: InvalidArgument for a
// reversed or empty window, a duration that is not positive or longer than the window, a bad pattern or
// limit; NotFound for an unknown requesting school or school filter.
Result<std::vector<RankedSlot>> FindAvailability(Store& store, const AvailabilityQuery& query, Instant now,
                                                 const RankingWeights& weights = {});

// {"resource_id", "resource_name", "school_id", "school_name", "size", "start", "end" (RFC 3339 in tz),
//  "score", "factors": {fit, distance, approval, fair_share, time}, "distance_km", "status",
//  ["occurrences_free", "occurrences_total",] "reasons": [{"key", "text", "params"}]}
Json ToJson(const RankedSlot& slot, const TimeZone& tz, Lang lang);

// "hall,field" -> the types; InvalidArgument naming the accepted words for an unknown one.
Result<std::vector<ResourceType>> ParseResourceTypes(const std::string& comma_separated);

// "a,b,,c" -> {"a", "b", "c"}: the lists of the CLI and HTTP parameters.
std::vector<std::string> SplitCommaList(const std::string& text);

// A reason as a sentence in `lang`.
std::string DescribeReason(Lang lang, const SearchReason& reason);

// --- common free time ---

struct CommonTimeQuery {
  std::vector<std::string> school_ids;  // at least one; the first is the host (distance is from it)
  // Classes of those schools taking part; empty: every class of the schools.
  std::vector<std::string> class_ids;
  Instant from = 0;
  Instant to = 0;
  int duration_minutes = 0;
  std::vector<ResourceType> types;
  int min_capacity = 0;
  std::vector<std::string> features;
  bool whole_city = false;  // venues anywhere; else in the districts of the schools
  int limit = 10;
  int per_resource = 3;
  Lang lang = Lang::kZh;
};

// Slots in which a suitable venue is free for the host school AND no involved class has a timetabled
// lesson AND no involved class (with no classes given: no booking of the schools that names a class)
// has a held booking. Same ranking as FindAvailability, from the host school's point of view.
Result<std::vector<RankedSlot>> FindCommonFreeTime(Store& store, const CommonTimeQuery& query, Instant now,
                                                   const RankingWeights& weights = {});

}  // namespace schoolshare
