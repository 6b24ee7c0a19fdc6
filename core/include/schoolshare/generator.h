// Synthetic city-scale data for benchmarks (`schoolshare gen`): districts, schools, resources and
// bookings in the shape of DESIGN.md section 8 (a city is 1,000-2,000 schools, ~40,000 resources,
// millions of bookings).
#pragma once

#include <cstdint>
#include <functional>

#include "schoolshare/status.h"
#include "schoolshare/store.h"
#include "schoolshare/time.h"

namespace schoolshare {

struct GenOptions {
  int schools = 2000;
  int resources = 40000;            // spread round-robin over the schools
  std::int64_t bookings = 1000000;  // spread evenly over the resources
  int schools_per_district = 10;
  std::uint64_t seed = 42;
  Instant now = 0;    // bookings run from now - 180 days to about now + 90 days; 0: 2026-03-02 00:00 UTC
  int batch = 10000;  // rows per write transaction
};

struct GenStats {
  int districts = 0;
  int schools = 0;
  int resources = 0;
  std::int64_t bookings = 0;
  double seconds = 0;  // wall time spent so far (a steady clock; for reporting only)
};

// Writes districts `d0001`..., schools `s00001`..., resources `r000001`... and `bookings` bookings.
//
// This is bulk data, not rule-checked: bookings are written with Store::InsertBooking directly, never
// through BookingService. They are valid by construction instead: on each resource they never overlap
// (buffers included, whatever their status), they lie inside the resource's opening hours, equipment
// quantities stay within stock, and booking codes are unique. There are no divisible venues, no
// calendar days, no blackouts and no usage facts.
//
// Deterministic: the same options give the same rows, ids and codes included (booking codes are only
// checked against, and stepped past, codes already stored when the store was not empty).
// A store that already holds district d0001 is refused with kAlreadyExists (generate into an empty store).
// `progress`, when set, is called after each committed batch with the totals so far.
Result<GenStats> GenerateCity(Store& store, const GenOptions& options,
                              const std::function<void(const GenStats&)>& progress = {});

}  // namespace schoolshare
