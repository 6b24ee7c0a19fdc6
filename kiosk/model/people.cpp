#include "model/people.h"

#include <algorithm>
#include <set>

namespace schoolshare::kiosk {

// Until the staff and class catalogue reaches the replica: the organizers of the school's own bookings.
Status LoadPeople(Store& store, const std::string& school_id, std::vector<std::string>* organizers,
                  std::vector<std::string>* classes) {
  organizers->clear();
  classes->clear();
  BookingFilter f;
  f.school_id = school_id;
  f.limit = 2000;
  SS_ASSIGN_OR_RETURN(const std::vector<Booking> bookings, store.ListBookings(f));
  std::set<std::string> names;
  for (const auto& b : bookings) {
    if (!b.organizer.empty()) names.insert(b.organizer);
  }
  organizers->assign(names.begin(), names.end());
  return Status::Ok();
}

}  // namespace schoolshare::kiosk
