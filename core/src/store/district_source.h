// What the period reports read of one district's bookings and facts, for a store that can answer it
// with one query each (the SQLite store). The reports ask for it with dynamic_cast and otherwise read
// through the Store API (one booking query per school, one fact query per resource).
#pragma once

#include <string>
#include <vector>

#include "schoolshare/store.h"

namespace schoolshare {

// A confirmed booking as the reports read it: its ids and times, none of its text.
struct BookingSpan {
  std::string id;
  std::string resource_id;
  std::string school_id;  // the requesting school
  Instant start = 0;
  Instant end = 0;
};

class DistrictReportSource {
 public:
  virtual ~DistrictReportSource() = default;
  // Confirmed bookings on the resources (active or not) of the district's schools that end after
  // `from` and start before `to`, in no particular order.
  virtual Result<std::vector<BookingSpan>> ListDistrictSpans(const std::string& district_id, Instant from,
                                                             Instant to) = 0;
  // The district's active resources with only what the reports read (id, school, type, opening hours,
  // shared, hourly fee, active; no names, features or other policy), in no particular order.
  virtual Result<std::vector<Resource>> ListDistrictReportResources(const std::string& district_id) = 0;
  // Facts on those resources with from <= at < to, in no particular order.
  virtual Result<std::vector<UsageFact>> ListDistrictFacts(const std::string& district_id, Instant from,
                                                           Instant to) = 0;
};

}  // namespace schoolshare
