// Reports over a period [from, to) for one district, one school or the whole city: utilization
// (booked and used hours against opening hours), the sharing ledger, equity between schools and the
// monthly reconciliation of an owner school with its sign-off.
//
// Definitions (docs/architecture.md, "Reports"):
//  - booked hours: confirmed bookings, clipped to the period;
//  - used hours: from the facts of a confirmed booking, first check-in (or hand-out, or walk-in) to
//    last check-out (or return); a check-in without a check-out counts to the booking's end;
//  - opening hours: the resource's weekly windows expanded over the district calendar (holidays
//    closed, 调休 days run another weekday); a resource without windows is open 24 h on every
//    non-holiday day;
//  - times are the district's local time (heat map, weeks, months).
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "schoolshare/calendar.h"
#include "schoolshare/clock.h"
#include "schoolshare/store.h"

namespace schoolshare {

// What a report covers: one school (its district's data, rows of that school), one district, or the
// whole city (both empty).
struct ReportScope {
  std::string district_id;
  std::string school_id;
  Instant from = 0;
  Instant to = 0;
};

// The scope of local dates "YYYY-MM-DD" (to inclusive) in the district's zone (the school's, the
// district's, or the first district's for the whole city); *tz gets that zone. A reversed range, a
// malformed date is InvalidArgument; an unknown school or district is NotFound.
Result<ReportScope> ScopeFromDates(Store& store, const std::string& school_id, const std::string& district_id,
                                   const std::string& from, const std::string& to, TimeZone* tz);

// The used interval of a confirmed booking from its facts (others are ignored); false when nobody came.
bool UsedInterval(const Booking& b, const std::vector<UsageFact>& facts, Interval* used);

// --- utilization ---
struct UtilizationRow {
  std::string id;  // resource id, school id or type word
  double opening_hours = 0;
  double booked_hours = 0;
  double used_hours = 0;
  int bookings = 0;
  double booked_share() const { return opening_hours > 0 ? booked_hours / opening_hours : 0; }
  double used_share() const { return opening_hours > 0 ? used_hours / opening_hours : 0; }
};

struct WeekRow {
  std::string week;  // ISO week "2026-W48"
  CivilDate monday;
  double opening_hours = 0;
  double booked_hours = 0;
  double used_hours = 0;
};

struct Utilization {
  Instant from = 0;
  Instant to = 0;
  std::vector<UtilizationRow> resources;  // by id
  std::vector<UtilizationRow> schools;    // by id
  std::vector<UtilizationRow> types;      // by type word
  UtilizationRow total;
  // [weekday 0 = Monday .. 6 = Sunday][local hour]
  std::array<std::array<double, 24>, 7> heat_booked{};
  std::array<std::array<double, 24>, 7> heat_used{};
  std::vector<WeekRow> weeks;  // every ISO week touching the period, in order
};
Result<Utilization> BuildUtilization(Store& store, const ReportScope& scope);

// "2026-W48" for a date (ISO 8601 week numbering).
std::string IsoWeekLabel(const CivilDate& date);

// --- sharing ledger ---
// Hours one school had on another school's resources, clipped to the period.
struct LedgerCell {
  std::string owner_school_id;
  std::string borrower_school_id;
  double hours = 0;            // booked
  double used_hours = 0;       // from check-in/out
  std::int64_t fee_cents = 0;  // booked hours x the resource's hourly fee
  int bookings = 0;
};

struct SchoolBalance {
  std::string school_id;
  double hosted_hours = 0;    // other schools on this school's resources (booked)
  double borrowed_hours = 0;  // this school on other schools' resources (booked)
  double hosted_used_hours = 0;
  double borrowed_used_hours = 0;
  std::int64_t fees_earned_cents = 0;
  std::int64_t fees_paid_cents = 0;
};

struct SharingLedger {
  Instant from = 0;
  Instant to = 0;
  std::vector<LedgerCell> cells;       // only pairs with bookings, by owner then borrower
  std::vector<SchoolBalance> schools;  // every school in scope, by id
  double shared_hours = 0;             // the total of booked shared hours
  double shared_used_hours = 0;
  std::int64_t fees_cents = 0;
};
Result<SharingLedger> BuildSharingLedger(Store& store, const ReportScope& scope);
// The ledger of `district_id` over [from, to).
Result<SharingLedger> BuildSharingLedger(Store& store, const std::string& district_id, Instant from, Instant to);

// --- equity ---
struct EquityRow {
  std::string school_id;
  bool weak = false;
  int students = 0;
  double own_hours = 0;        // opening hours of its own resources
  double reachable_hours = 0;  // opening hours of shared resources of the other schools of its district
  double used_hours = 0;       // hours its groups used anywhere (facts)
  double used_own_hours = 0;   // of which on its own resources
  double available_per_student() const { return students > 0 ? (own_hours + reachable_hours) / students : 0; }
  double used_per_student() const { return students > 0 ? used_hours / students : 0; }
  double used_own_per_student() const { return students > 0 ? used_own_hours / students : 0; }
};

struct EquityGroup {  // pooled: the group's hours over the group's students
  int schools = 0;
  int students = 0;
  double available_per_student = 0;
  double used_per_student = 0;
};

struct Equity {
  Instant from = 0;
  Instant to = 0;
  std::vector<EquityRow> schools;  // schools with students, by id (a partner without students has no row)
  EquityGroup weak;
  EquityGroup rest;
  double gini_with_sharing = 0;     // over used_per_student
  double gini_without_sharing = 0;  // over used_own_per_student
};
Result<Equity> BuildEquity(Store& store, const ReportScope& scope);

// Gini coefficient of non-negative values: sum |xi - xj| / (2 n^2 mean); 0 for none or all zero.
double Gini(const std::vector<double>& values);

// All three in one pass over the data (the city-scale report run).
struct ReportBundle {
  Utilization utilization;
  SharingLedger ledger;
  Equity equity;
};
Result<ReportBundle> BuildReports(Store& store, const ReportScope& scope);

// --- reconciliation and sign-off ---
// A check-in later than this after the start is late; a cancellation less than this before the start
// is late.
constexpr Instant kLateCancellation = 24 * kHour;

// Booked against actual for one booking on the school's resources that starts in the month.
struct ReconciliationLine {
  Booking booking;
  Instant checked_in = 0;   // 0: none
  Instant checked_out = 0;  // 0: none
  int handed_out = 0;
  int returned = 0;
};

// Derived items (no_show, late_check_in, overrun, late_cancellation, equipment_overdue) have the id
// "<reason>:<booking id>"; they are stored (as a ReconciliationItem with that id) only when resolved.
// Items raised by the sync service (walk_in_conflict, no_booking, booking_not_held, outside_window,
// over_stock, equipment_damaged|missing, period_locked) are stored when raised and belong to the month
// in which they were raised (created_at).
struct Reconciliation {
  ReportPeriod period;
  Instant from = 0;
  Instant to = 0;
  std::vector<ReconciliationLine> lines;  // by start
  std::vector<ReconciliationItem> items;  // derived then stored, each by time
  int open_items() const;
};

bool IsDerivedReason(const std::string& reason);
// Month "2026-11" -> its local [from, to).
Result<std::pair<Instant, Instant>> MonthRange(const std::string& month, const TimeZone& tz);

Result<Reconciliation> BuildReconciliation(Store& store, const std::string& school_id, const std::string& month,
                                           Instant now);
// The item as it stands: the stored one, else the derived one its booking still gives rise to
// (NotFound when neither).
Result<ReconciliationItem> FindReconciliationItem(Store& store, const std::string& item_id, Instant now);
// Resolves an item with a note (a derived one is stored on the way). Only the owner school's manager
// or a district admin; the note must not be empty.
Result<ReconciliationItem> ResolveReconciliationItem(Store& store, const std::string& item_id, const std::string& note,
                                                     const Actor& actor, Instant now);
// Signs the month off when every item is resolved (kConflict naming the open ones otherwise); signing
// off a signed-off month again is an ok no-op. Afterwards every write into the month is refused.
Result<ReportPeriod> SignOffPeriod(Store& store, const std::string& school_id, const std::string& month,
                                   const Actor& actor, Instant now);

}  // namespace schoolshare
