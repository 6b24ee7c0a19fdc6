// The sharing ledger: hours (booked and used) and fees of each school on the other schools' resources.
#include <vector>

#include "report/report_data.h"

namespace schoolshare {
namespace report {

LedgerBuilder::LedgerBuilder(const ReportScope& scope) {
  l_.from = scope.from;
  l_.to = scope.to;
}

void LedgerBuilder::Add(const DistrictData& d) {
  // Rows looked up once per school and per school pair of the district (std::map rows stay put); a
  // borrower from another district is looked up by id.
  const std::size_t n = d.schools.size();
  std::vector<SchoolBalance*> balance(n, nullptr);
  for (std::size_t i = 0; i < n; ++i) {
    const std::string& id = d.schools[i].id;
    if (!d.InScope(id)) continue;
    balance[i] = &balance_[id];
    balance[i]->school_id = id;
  }
  std::vector<LedgerCell*> pair_cells(n * n, nullptr);  // owner * n + borrower
  for (const auto& b : d.bookings) {
    if (b.school == static_cast<std::ptrdiff_t>(b.owner)) continue;  // on its own resource
    const Resource& r = d.resources[b.resource];
    if (!d.InScope(r.school_id) && !d.InScope(b.school_id)) continue;
    const double hours = b.span.booked_hours();
    const double used = b.span.used_hours();
    const auto fee = static_cast<std::int64_t>(static_cast<double>(r.policy.hourly_fee_cents) * hours + 0.5);
    LedgerCell* cell = nullptr;
    if (b.school >= 0) {
      LedgerCell*& cached = pair_cells[b.owner * n + static_cast<std::size_t>(b.school)];
      if (cached == nullptr) cached = &cells_[{r.school_id, b.school_id}];
      cell = cached;
    } else {
      cell = &cells_[{r.school_id, b.school_id}];
    }
    cell->owner_school_id = r.school_id;
    cell->borrower_school_id = b.school_id;
    cell->hours += hours;
    cell->used_hours += used;
    cell->fee_cents += fee;
    ++cell->bookings;
    if (SchoolBalance* owner = balance[b.owner]) {
      owner->hosted_hours += hours;
      owner->hosted_used_hours += used;
      owner->fees_earned_cents += fee;
    }
    if (d.InScope(b.school_id)) {
      SchoolBalance& borrower = b.school >= 0 ? *balance[static_cast<std::size_t>(b.school)] : balance_[b.school_id];
      borrower.school_id = b.school_id;
      borrower.borrowed_hours += hours;
      borrower.borrowed_used_hours += used;
      borrower.fees_paid_cents += fee;
    }
    l_.shared_hours += hours;
    l_.shared_used_hours += used;
    l_.fees_cents += fee;
  }
}

SharingLedger LedgerBuilder::Finish() {
  for (auto& [key, cell] : cells_) l_.cells.push_back(cell);
  for (auto& [id, b] : balance_) l_.schools.push_back(b);
  return std::move(l_);
}

}  // namespace report

Result<SharingLedger> BuildSharingLedger(Store& store, const ReportScope& scope) {
  report::LedgerBuilder builder(scope);
  SS_RETURN_IF_ERROR(report::ForEachDistrict(store, scope, [&](report::DistrictData& d) {
    builder.Add(d);
    return Status::Ok();
  }));
  return builder.Finish();
}

Result<SharingLedger> BuildSharingLedger(Store& store, const std::string& district_id, Instant from, Instant to) {
  ReportScope scope;
  scope.district_id = district_id;
  scope.from = from;
  scope.to = to;
  return BuildSharingLedger(store, scope);
}

}  // namespace schoolshare
