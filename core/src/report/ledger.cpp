#include <algorithm>
#include <map>

#include "schoolshare/reports.h"

namespace schoolshare {

Result<SharingLedger> BuildSharingLedger(Store& store, const std::string& district_id, Instant from, Instant to) {
  if (to <= from) return Status::InvalidArgument("the report period must end after it starts");
  SS_ASSIGN_OR_RETURN(std::vector<School> schools, store.ListSchools(district_id));
  SharingLedger ledger;
  ledger.from = from;
  ledger.to = to;
  std::map<std::string, SchoolBalance> balance;
  for (const auto& s : schools) balance[s.id].school_id = s.id;
  std::map<std::pair<std::string, std::string>, LedgerCell> cells;

  for (const auto& owner : schools) {
    BookingFilter f;
    f.owner_school_id = owner.id;
    f.from = from;
    f.to = to;
    f.statuses = {BookingStatus::kConfirmed};
    SS_ASSIGN_OR_RETURN(std::vector<Booking> bookings, store.ListBookings(f));
    for (const auto& b : bookings) {
      if (b.school_id == owner.id) continue;
      SS_ASSIGN_OR_RETURN(Resource r, store.GetResource(b.resource_id));
      Instant seconds = std::min(b.end, to) - std::max(b.start, from);
      double hours = static_cast<double>(seconds) / kHour;
      auto fee = static_cast<std::int64_t>(static_cast<double>(r.policy.hourly_fee_cents) * hours + 0.5);
      LedgerCell& cell = cells[{owner.id, b.school_id}];
      cell.owner_school_id = owner.id;
      cell.borrower_school_id = b.school_id;
      cell.hours += hours;
      cell.fee_cents += fee;
      ++cell.bookings;
      balance[owner.id].hosted_hours += hours;
      balance[owner.id].fees_earned_cents += fee;
      balance[b.school_id].school_id = b.school_id;
      balance[b.school_id].borrowed_hours += hours;
      balance[b.school_id].fees_paid_cents += fee;
      ledger.shared_hours += hours;
    }
  }
  for (auto& [key, cell] : cells) ledger.cells.push_back(cell);
  for (auto& [id, b] : balance) ledger.schools.push_back(b);
  return ledger;
}

}  // namespace schoolshare
