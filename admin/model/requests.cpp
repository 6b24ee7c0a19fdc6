#include "model/requests.h"

#include <algorithm>

#include "schoolshare/i18n.h"
#include "schoolshare/rules.h"

namespace schoolshare::admin {

Result<std::vector<PendingRequest>> PendingDecisions(Store& replica, const Actor& actor,
                                                     const std::set<std::string>& awaiting) {
  std::vector<PendingRequest> out;
  Status s = replica.ReadTransaction([&]() -> Status {
    BookingFilter f;
    f.statuses = {BookingStatus::kPending};
    if (actor.role == Role::kSchoolManager) f.owner_school_id = actor.school_id;
    SS_ASSIGN_OR_RETURN(std::vector<Booking> pending, replica.ListBookings(f));
    for (Booking& b : pending) {
      SS_ASSIGN_OR_RETURN(Resource r, replica.GetResource(b.resource_id));
      if (!MayAct(actor, Action::kApproveBooking, b.school_id, r.school_id, b.stage)) continue;
      const bool queued = awaiting.count(b.id) > 0;
      out.push_back({std::move(b), std::move(r), queued});
    }
    return Status::Ok();
  });
  if (!s.ok()) return s;
  std::stable_sort(out.begin(), out.end(), [](const PendingRequest& a, const PendingRequest& b) {
    return a.booking.created_at < b.booking.created_at;
  });
  return out;
}

std::vector<DecisionResult> DecideAll(SyncAgent& client, const std::vector<PendingRequest>& chosen, bool approve,
                                      const std::string& reason, Lang lang) {
  std::vector<DecisionResult> out;
  for (const PendingRequest& r : chosen) {
    DecisionResult d;
    d.booking_id = r.booking.id;
    auto written = approve ? client.ApproveBooking(r.booking.id, r.booking.version)
                           : client.RejectBooking(r.booking.id, reason, r.booking.version);
    if (!written.ok()) {
      d.message = DescribeStatus(lang, written.status());
    } else if (!written->queued) {
      const auto& violations = written->outcome.violations;
      d.message = violations.empty() ? Tr(lang, "refusal.other") : DescribeViolation(lang, violations.front());
    } else {
      d.queued = true;
    }
    out.push_back(std::move(d));
  }
  return out;
}

}  // namespace schoolshare::admin
