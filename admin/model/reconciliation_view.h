// The monthly reconciliation of the manager's school: the discrepancies between what was booked and
// what happened, each resolved with a note, and the month's sign-off.
//
// Where each part lives: bookings, facts, stored items (resolved derived ones and those the server
// raised) and signed-off months all replicate to the client (pull and snapshot), so the list is built
// on the replica with core's BuildReconciliation and works offline. A resolution is a queued
// `resolve_reconciliation` mutation (shown resolved at once, marked awaiting the server). The sign-off
// is not a mutation: only the server decides it (REST, over its own data), so offline it is refused
// with a message saying so.
#pragma once

#include <set>
#include <string>
#include <vector>

#include "schoolshare/i18n.h"
#include "schoolshare/reports.h"
#include "schoolshare/store.h"
#include "schoolshare/sync_client.h"

namespace schoolshare::admin {

// "2026-11" for the local month of t; StepMonth("2026-11", -1) is "2026-10".
std::string MonthOf(Instant t, const TimeZone& tz);
std::string StepMonth(const std::string& month, int delta);

struct ReconciliationRow {
  ReconciliationItem item;
  std::string reason_text;  // the reason in the view's language
  std::string booking_code;
  std::string resource_id;
  Instant start = 0;             // the booking's start (derived items), else when the item was raised
  Instant end = 0;               // the booking's end; 0 for an item without a booking
  bool awaiting_server = false;  // resolved here, the server has not confirmed it yet
};

struct ReconciliationData {
  std::string school_id;
  std::string month;
  Reconciliation rec;
  std::vector<ReconciliationRow> rows;  // open ones first, then resolved ones, each by time
  int open = 0;
  bool month_over = false;  // the month has ended: it may be signed off
  bool signed_off() const { return rec.period.status == PeriodStatus::kSignedOff; }
};

// `awaiting` holds the ids with a write awaiting the server (SyncAgent::AwaitingServer).
Result<ReconciliationData> BuildReconciliationView(Store& replica, const std::string& school_id,
                                                   const std::string& month, Instant now, Lang lang,
                                                   const std::set<std::string>& awaiting = {});

struct ActionResult {
  bool ok = false;
  std::string message;  // for the status bar, in the caller's language
};

// Queues the resolution (the note is required); refused locally with the reason otherwise.
ActionResult ResolveItem(SyncAgent& agent, const std::string& item_id, const std::string& note, Lang lang);

struct SignOffResult {
  enum class Kind { kSignedOff, kOpenItems, kOffline, kRefused };
  Kind kind = Kind::kRefused;
  ReportPeriod period;  // kSignedOff: as the server stored it
  std::string message;  // in the caller's language; kOpenItems and kRefused add the server's words
};

// Pushes the client's pending writes first (so resolutions made here count), then asks the server to
// sign the month off through `rest`, then wakes the agent to pull the locked month. Blocking (network):
// call it off the UI thread. `rest` null or unreachable: kOffline.
SignOffResult SignOff(SyncAgent& agent, SyncTransport* rest, const std::string& school_id, const std::string& month,
                      Lang lang);

}  // namespace schoolshare::admin
