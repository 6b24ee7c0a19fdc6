// Reports over a period. This holds the sharing ledger on booked hours; the search-and-reports issue
// extends it (used hours from check-in/out, utilization, reconciliation, equity).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "schoolshare/store.h"

namespace schoolshare {

// Hours one school booked (confirmed) on another school's resources, clipped to the period.
struct LedgerCell {
  std::string owner_school_id;
  std::string borrower_school_id;
  double hours = 0;
  std::int64_t fee_cents = 0;  // hours x the resource's hourly fee
  int bookings = 0;
};

struct SchoolBalance {
  std::string school_id;
  double hosted_hours = 0;    // other schools on this school's resources
  double borrowed_hours = 0;  // this school on other schools' resources
  std::int64_t fees_earned_cents = 0;
  std::int64_t fees_paid_cents = 0;
};

struct SharingLedger {
  Instant from = 0;
  Instant to = 0;
  std::vector<LedgerCell> cells;       // only pairs with bookings, by owner then borrower
  std::vector<SchoolBalance> schools;  // every school of the district, by id
  double shared_hours = 0;             // the district total
};

// The ledger of `district_id` over [from, to).
Result<SharingLedger> BuildSharingLedger(Store& store, const std::string& district_id, Instant from, Instant to);

}  // namespace schoolshare
