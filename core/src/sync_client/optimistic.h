// The optimistic effect of one outbox entry on the replica, and how to take it back. Used when a
// mutation is written and again on every rebase, so applying it must work on any replica state:
// an effect the server's rows already hold (the booking or fact exists) is skipped.
#pragma once

#include <string>

#include "schoolshare/model.h"
#include "schoolshare/store.h"

namespace schoolshare::sync_client {

// The code an optimistic booking carries until the server's row replaces it: never a real code
// (those are 6 characters without "~"), so it can collide with none.
std::string LocalCode(const std::string& booking_id);
bool IsLocalCode(const std::string& code);

// Applies the entry's effect to the replica (inside the caller's transaction) and returns the undo
// information: a JSON list of {entity, id, op, data} putting back what the effect changed, or "" when
// there was nothing to do. `now` stamps the optimistic rows.
Result<std::string> ApplyOptimistic(Store& store, const OutboxEntry& entry, const Actor& actor, Instant now);
// Puts back what ApplyOptimistic changed (its list in reverse).
Status Undo(Store& store, const std::string& undo);

// The ids of the bookings, facts and catalogue entities an entry is about (for "awaiting server").
void EntityIdsOf(const OutboxEntry& entry, std::vector<std::string>* ids);

}  // namespace schoolshare::sync_client
