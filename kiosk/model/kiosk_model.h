// The kiosk's flows with no window: Update(state, action) over a SyncAgent and its replica, and
// Refresh(state) rebuilding what the screens show from the replica and the sync status.
//
// Contract: facts and walk-ins go through SyncAgent (an optimistic local write plus an outbox entry, sent
// later exactly once); the model judges with the same rules (BookingService dry-run on the replica) and
// explains every refusal in a Message instead of refusing silently. No call here touches the network.
#pragma once

#include <string>

#include "model/actions.h"
#include "model/config.h"
#include "model/state.h"
#include "schoolshare/clock.h"
#include "schoolshare/sync_client.h"

namespace schoolshare::kiosk {

struct KioskContext {
  SyncAgent* agent = nullptr;  // null: no usable configuration (only Set-up works)
  const Clock* clock = nullptr;
  KioskConfig config;
  std::string config_path;  // where Set-up saves; empty: not saved
};

// A fresh state for the configured school in the configured language, refreshed.
KioskState InitialState(KioskContext& ctx);
// Applies one action, then refreshes what it may have changed. Any input resets the idle timer.
void Update(KioskState& state, const Action& action, KioskContext& ctx);
// Rebuilds home, equipment, walk-in lists and the sync view from the replica at ctx.clock->Now().
void Refresh(KioskState& state, KioskContext& ctx);

}  // namespace schoolshare::kiosk
