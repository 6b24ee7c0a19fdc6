// The admin client's timeline: resources x time (a day or a week), built from the local replica once
// per change (never per frame), so drawing it is a walk over plain values.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "schoolshare/model.h"
#include "schoolshare/status.h"
#include "schoolshare/store.h"
#include "schoolshare/usage.h"

namespace schoolshare::admin {

struct TimelineQuery {
  Instant from = 0;  // the day or week shown, [from, to)
  Instant to = 0;
  std::optional<ResourceType> type;
  std::string school_id;  // resources of this owner only; empty: the district
  std::string feature;    // resources with this feature only
  bool shared_only = false;
};

struct TimelineBar {
  std::string booking_id;
  std::string code;
  std::string title;
  std::string organizer;
  std::string school_id;  // the requesting school
  Instant start = 0;
  Instant end = 0;
  BookingStatus status = BookingStatus::kPending;
  UsageState usage = UsageState::kNone;
  bool awaiting_server = false;  // an optimistic local write the server has not answered yet
  bool overran = false;          // checked out after its end
  int school_colour = 0;         // the requesting school's colour: its position in the district, from 0
};

struct TimelineRow {
  Resource resource;
  std::vector<TimelineBar> bars;    // held and cancelled/rejected bookings touching the window, by start
  std::vector<Blackout> blackouts;  // touching the window
};

struct Timeline {
  Instant from = 0;
  Instant to = 0;
  std::vector<TimelineRow> rows;  // by owner school, then resource id
};

// Reads the resources, bookings, facts and blackouts of the window. `awaiting` holds the ids of
// bookings with a write awaiting the server (SyncAgent::AwaitingServer). InvalidArgument when the
// window is empty or longer than 31 days.
Result<Timeline> BuildTimeline(Store& store, const TimelineQuery& query, Instant now,
                               const std::set<std::string>& awaiting = {});

struct Slot {
  Instant start = 0;
  Instant end = 0;
};

// Where a click at `t` on a resource of `owner` starts a booking: the owner's class period that holds
// t (so school bookings line up with lessons); outside the periods, t rounded down to a quarter hour
// and lasting `default_minutes`.
Slot SnapToPeriod(const School& owner, const TimeZone& tz, Instant t, int default_minutes = 60);

}  // namespace schoolshare::admin
