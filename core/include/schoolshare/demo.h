// The demo district behind `schoolshare init --demo`: a realistic 学区 modelled on the public
// descriptions of Chongqing Jiulongpo district's education groups (谢家湾小学教育集团, 育才中学,
// 杨家坪中学 and its campuses, two partner institutions), with a term of timetabled use, cross-school
// bookings, equipment loans and kiosk usage facts around the clock's "now".
#pragma once

#include <string>
#include <vector>

#include "schoolshare/clock.h"
#include "schoolshare/status.h"
#include "schoolshare/store.h"

namespace schoolshare {

struct DemoInfo {
  std::string district_id;       // "jlp"
  std::string tour_school_id;    // "xjw" (谢家湾小学): has bookings on today's local date, always
  std::string tour_resource_id;  // "xjw-football": the divisible football field of the tour school
  int schools = 0;               // including partner institutions
  int resources = 0;
  int bookings = 0;  // every booking written, series occurrences included, whatever its status
  int facts = 0;
  // Bookings the booking service refused although the demo plan expected them to pass (a bug in the
  // plan or in the rules). A healthy seed has none; `refusals` says which and why.
  int refused = 0;
  std::vector<std::string> refusals;
};

// Seeds the demo district into a store that does not yet hold it (kAlreadyExists otherwise), in one
// transaction: nothing is written unless everything is.
//
// Every booking goes through BookingService, so every rule is honoured: the history is played forward
// on a private simulated clock (each booking is requested, approved, rejected or cancelled at a
// plausible moment before it starts), so no back-fill is needed. Usage facts (check-in/out, walk-ins,
// equipment hand-out and return) are written with Store::InsertFact as kiosks would have sent them.
//
// Deterministic for a given clock.Now(): the same now gives the same schools, resources, bookings
// (ids included, except the ids of series occurrences and the booking codes, which the booking service
// draws) and facts. Dates follow the district's time zone, Asia/Shanghai.
Result<DemoInfo> SeedDemoDistrict(Store& store, const Clock& clock);

}  // namespace schoolshare
