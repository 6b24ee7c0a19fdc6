// The approval queue: bookings on the manager's venues (or, for the district office, at the district
// stage) that wait for this actor's decision, and deciding several at once through the sync client.
#pragma once

#include <string>
#include <vector>

#include "schoolshare/store.h"
#include "schoolshare/sync_client.h"

namespace schoolshare::admin {

struct PendingRequest {
  Booking booking;
  Resource resource;
  bool awaiting_server = false;  // decided here already, the server has not answered yet
};

// Pending bookings this actor may decide now (the rules' MayAct for the booking's stage), oldest request
// first. Bookings with a decision already queued are marked awaiting_server.
Result<std::vector<PendingRequest>> PendingDecisions(Store& replica, const Actor& actor,
                                                     const std::set<std::string>& awaiting = {});

struct DecisionResult {
  std::string booking_id;
  bool queued = false;  // in the outbox; the outcome arrives with the next sync
  std::string message;  // why not, when not queued, in the caller's language
};

// Approves (or rejects with `reason`, required) each booking against the version the manager saw, so a
// request changed meanwhile is refused with stale_version instead of being decided blind.
std::vector<DecisionResult> DecideAll(SyncAgent& client, const std::vector<PendingRequest>& chosen, bool approve,
                                      const std::string& reason, Lang lang);

}  // namespace schoolshare::admin
