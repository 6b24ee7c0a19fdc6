// Domain value types of schoolshare (DESIGN.md section 3). Plain structs, no I/O.
//
// Enum words are persistent (stored in SQLite, sent over HTTP, read from CSV): never renumber or rename;
// ToString/Parse below are the only mapping between the enums and their words.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "schoolshare/status.h"
#include "schoolshare/time.h"

namespace schoolshare {

enum class SchoolKind { kCore, kMember, kPartner };                        // core|member|partner
enum class ResourceType { kField, kHall, kLab, kRoom, kEquipment };        // field|hall|lab|room|equipment
enum class ApprovalMode { kNone, kOwner, kOwnerThenDistrict };             // none|owner|owner_then_district
enum class BookingStatus { kPending, kConfirmed, kRejected, kCancelled };  // pending|confirmed|rejected|cancelled
enum class ApprovalStage { kNone, kOwner, kDistrict };                     // none|owner|district: who acts next
enum class FactKind { kCheckIn, kCheckOut, kWalkIn, kHandOut, kReturn };   // check_in|check_out|walk_in|hand_out|return
// district_admin|school_manager|kiosk|auditor|feed (feed: opens one calendar feed, nothing else)
enum class Role { kDistrictAdmin, kSchoolManager, kKiosk, kAuditor, kFeed };
enum class BlackoutKind { kMaintenance, kExam, kEvent, kOther };  // maintenance|exam|event|other
// public_holiday|school_holiday|exam|makeup_workday (调休: a weekend day that runs another weekday's timetable)
enum class CalendarDayKind { kPublicHoliday, kSchoolHoliday, kExam, kMakeupWorkday };
enum class PeriodStatus { kOpen, kSignedOff };           // open|signed_off
enum class OutboxState { kPending, kAcked, kRejected };  // pending|acked|rejected (sync client outbox)

const char* ToString(SchoolKind v);
const char* ToString(ResourceType v);
const char* ToString(ApprovalMode v);
const char* ToString(BookingStatus v);
const char* ToString(ApprovalStage v);
const char* ToString(FactKind v);
const char* ToString(Role v);
const char* ToString(BlackoutKind v);
const char* ToString(CalendarDayKind v);
const char* ToString(PeriodStatus v);
const char* ToString(OutboxState v);

// Each Parse returns InvalidArgument naming the accepted words when `word` is not one of them.
Result<SchoolKind> ParseSchoolKind(const std::string& word);
Result<ResourceType> ParseResourceType(const std::string& word);
Result<ApprovalMode> ParseApprovalMode(const std::string& word);
Result<BookingStatus> ParseBookingStatus(const std::string& word);
Result<ApprovalStage> ParseApprovalStage(const std::string& word);
Result<FactKind> ParseFactKind(const std::string& word);
Result<Role> ParseRole(const std::string& word);
Result<BlackoutKind> ParseBlackoutKind(const std::string& word);
Result<CalendarDayKind> ParseCalendarDayKind(const std::string& word);
Result<PeriodStatus> ParsePeriodStatus(const std::string& word);
Result<OutboxState> ParseOutboxState(const std::string& word);

struct GeoPoint {
  double lat = 0;
  double lon = 0;
};
double DistanceKm(const GeoPoint& a, const GeoPoint& b);  // great-circle distance

// A weekly recurring window in local time. end_minute may exceed 1440 (the window runs past midnight
// into the next day); start_minute < end_minute always.
struct WeeklyWindow {
  int weekday = 1;  // 1 = Monday .. 7 = Sunday
  int start_minute = 0;
  int end_minute = 0;
  bool operator==(const WeeklyWindow&) const = default;
};

// One class period of a school's timetable (节次), e.g. period 1 = 08:00-08:40.
struct ClassPeriod {
  int index = 1;
  int start_minute = 0;
  int end_minute = 0;
  bool operator==(const ClassPeriod&) const = default;
};

struct District {
  std::string id;
  std::string name;
  std::string time_zone = "Asia/Shanghai";  // IANA name
  std::string locale = "zh-CN";             // zh-CN | en
};

struct School {
  std::string id;
  std::string district_id;
  std::string name;     // as users read it (Chinese)
  std::string name_en;  // may be empty: falls back to name
  SchoolKind kind = SchoolKind::kMember;
  bool weak = false;  // 薄弱校
  int students = 0;
  GeoPoint location;
  std::vector<ClassPeriod> periods;
};

// A teacher or other member of a school's staff: the organizers a kiosk or the admin client offers in a
// list, so the common flows need no typing.
struct StaffMember {
  std::string id;
  std::string school_id;
  std::string name;     // as users read it (Chinese)
  std::string name_en;  // may be empty: falls back to name
  std::string role;     // teacher | pe_teacher | lab_technician | facility_manager | other (free word)
  bool active = true;
};

// A class (班级) of a school with its weekly timetable: the windows when it has lessons. A booking may
// name the class it is for; a joint activity of several schools must avoid every involved class's
// lessons (common free time).
struct SchoolClass {
  std::string id;
  std::string school_id;
  std::string name;     // "七年级(3)班"
  std::string name_en;  // "Grade 7 Class 3"
  int grade = 0;        // 1..12
  int students = 0;
  std::vector<WeeklyWindow> lessons;  // timetabled lessons in local time, usually the school's periods
  bool active = true;
};

// How a resource is lent to other schools. The limits apply to borrowing schools, not to the owner.
struct SharingPolicy {
  bool shared = true;                            // false: home-only, other schools are refused
  ApprovalMode approval = ApprovalMode::kOwner;  // for bookings by other schools
  int min_notice_minutes = 0;                    // 0: none
  int max_advance_days = 0;                      // 0: unlimited
  int max_duration_minutes = 0;                  // 0: unlimited
  int weekly_cap_minutes = 0;                    // per borrowing school per ISO week; 0: unlimited
  int hourly_fee_cents = 0;                      // in fen; partners may charge
};

struct Resource {
  std::string id;
  std::string school_id;  // the owner
  std::string name;
  std::string name_en;
  ResourceType type = ResourceType::kRoom;
  int capacity = 0;                         // people (venues); 0: not limited
  int quantity = 0;                         // units in stock (equipment)
  std::vector<std::string> features;        // "400m-track", "projector", ...
  std::vector<WeeklyWindow> opening_hours;  // empty: no restriction
  int buffer_minutes = 0;                   // minimum gap between two bookings (set-up and clean-up)
  std::string parent_id;                    // divisible venue: this resource is a part of parent_id (a half-pitch)
  SharingPolicy policy;
  bool active = true;

  bool is_equipment() const { return type == ResourceType::kEquipment; }
  bool HasFeature(const std::string& f) const;
};

// A stretch when a resource (or, with an empty resource_id, every resource of a school) is unavailable.
struct Blackout {
  std::string id;
  std::string resource_id;
  std::string school_id;
  Instant start = 0;
  Instant end = 0;
  BlackoutKind kind = BlackoutKind::kMaintenance;
  std::string reason;
};

// A standing rule between an owner school and a borrowing school (共建/结对 agreements).
struct SharingAgreement {
  std::string id;
  std::string owner_school_id;
  std::string borrower_school_id;
  std::vector<std::string> resource_ids;  // empty: every shared resource of the owner
  std::vector<WeeklyWindow> windows;      // when the agreement applies; empty: any time
  int weekly_cap_minutes = 0;             // across the agreement's resources; 0: unlimited
  bool auto_approve = true;               // false: the owner still approves each booking
  CivilDate valid_from;
  CivilDate valid_to;  // inclusive

  bool Covers(const std::string& resource_id) const;
};

// One day of the district calendar. With a school_id it concerns that school only.
struct CalendarDay {
  CivilDate date;
  CalendarDayKind kind = CalendarDayKind::kPublicHoliday;
  std::string school_id;
  int runs_weekday = 0;  // makeup_workday: the weekday (1..7) whose timetable the day runs
  std::string name;      // "国庆节", "期中考试"
};

struct Booking {
  std::string id;  // client-chosen UUID; makes creation idempotent
  std::string resource_id;
  std::string school_id;  // the requesting school
  std::string organizer;
  std::string title;
  std::string activity_type;  // teaching|sports|meeting|ceremony|club|exam|other (free word)
  int attendees = 0;
  int quantity = 0;      // equipment units; 0 for venues
  std::string class_id;  // the class (of school_id) the booking is for; empty: none or several
  Instant start = 0;
  Instant end = 0;
  BookingStatus status = BookingStatus::kPending;
  ApprovalStage stage = ApprovalStage::kNone;
  std::string series_id;
  std::string code;  // short code a person types at a kiosk
  std::string note;  // reason of a rejection or cancellation
  std::string created_by;
  Instant created_at = 0;
  Instant updated_at = 0;
  std::int64_t version = 0;  // bumped on every change

  // Pending requests hold their slot; only held bookings take part in overlap and stock rules.
  bool held() const { return status == BookingStatus::kPending || status == BookingStatus::kConfirmed; }
};

// A weekly series over a date range (a term), with exception dates. Its occurrences are Bookings
// carrying series_id.
struct BookingSeries {
  std::string id;
  std::string resource_id;
  std::string school_id;
  std::string organizer;
  std::string title;
  std::string activity_type;
  int attendees = 0;
  int quantity = 0;
  CivilDate first_date;
  CivilDate last_date;        // inclusive
  std::vector<int> weekdays;  // 1..7
  int start_minute = 0;       // local time
  int end_minute = 0;
  std::vector<CivilDate> exceptions;
  std::string created_by;
  Instant created_at = 0;
};

// Something that happened at a kiosk. Never refused on business grounds; deduplicated by id.
struct UsageFact {
  std::string id;
  FactKind kind = FactKind::kCheckIn;
  std::string booking_id;  // empty for a walk-in without booking
  std::string resource_id;
  std::string school_id;  // the school whose group it was
  Instant at = 0;         // when it happened (device time corrected by the clock offset)
  int quantity = 0;       // hand_out/return
  std::string condition;  // return: fine|damaged|missing
  std::string note;
  std::string recorded_by;
  Instant received_at = 0;
  std::string flag;         // non-empty: an anomaly (outside window, contradicts schedule, ...)
  std::string returned_by;  // return: who brought it back, as the kiosk showed it (a group or a staff name)
  std::string override_by;  // check_in: the staff member (StaffMember id) who allowed it outside the window
};

// A month of an owner school's usage; once signed off it is read-only.
struct ReportPeriod {
  std::string school_id;
  std::string month;  // "2026-11"
  PeriodStatus status = PeriodStatus::kOpen;
  std::string signed_off_by;  // the signer's name (their token's label), or the token id when it has none
  Instant signed_off_at = 0;
};

// Who performs a write. System actions (migrations, demo seeding) use Actor::System().
struct Actor {
  std::string id;  // token id, or "system", or "cli"
  Role role = Role::kAuditor;
  std::string school_id;  // scope of school_manager and kiosk
  std::string name = {};  // who, as a person reads it: the token's label ("谢家湾小学 场馆管理员"); may be empty
  static Actor System() { return {"system", Role::kDistrictAdmin, ""}; }
};

struct TokenRecord {
  std::string id;
  Role role = Role::kAuditor;
  std::string school_id;
  std::string label;
  std::string hash;  // hex of the token's hash; the token itself is never stored
  Instant created_at = 0;
  bool revoked = false;
  std::string feed_id;  // role feed: the school or resource whose calendar feed it opens
};

// One accepted change, as recorded in the audit log (the history of every entity).
struct AuditEntry {
  std::int64_t seq = 0;
  Instant at = 0;
  std::string actor_id;
  std::string action;  // "booking.create", "booking.approve", ...
  std::string entity;  // "booking", "resource", ...
  std::string entity_id;
  std::string detail;  // JSON
};

// One entry of the change log that the sync service serves; version grows strictly.
struct Change {
  std::int64_t version = 0;
  std::string entity;
  std::string entity_id;
  std::string op;    // put | del
  std::string data;  // JSON of the entity after the change
  Instant at = 0;
  std::string scope;  // the school whose kiosks see it (owner of the resource); empty: everyone
};

// A device (kiosk or admin client) replicating through the sync service. Not replicated itself.
struct SyncClient {
  std::string id;        // chosen by the client (a UUID), one per local database
  std::string token_id;  // the token that registered it: a client belongs to one token
  std::string school_id;
  std::int64_t last_client_seq = 0;  // every mutation up to here has a stored result
  Instant registered_at = 0;
  Instant last_seen_at = 0;
};

// The stored result of one pushed mutation; a repeat of the mutation gets it back word for word.
struct MutationRecord {
  std::string client_id;
  std::int64_t client_seq = 0;
  std::string mutation_id;
  std::string name;
  std::string status;  // applied | applied_flagged | rejected | quarantined
  std::string result;  // JSON, exactly as first answered
  Instant at = 0;
};

// Something a manager must look at: a fact that contradicts the schedule (a walk-in on a booked slot,
// a check-in without a booking, ...). Raised by the sync service, resolved in the admin client.
struct ReconciliationItem {
  std::string id;
  std::string school_id;  // the owner school whose manager resolves it
  std::string resource_id;
  std::string fact_id;
  std::string booking_id;
  std::string reason;  // walk_in_conflict | no_booking | booking_not_held | outside_window | over_stock
  std::string detail;  // JSON: what conflicts
  bool resolved = false;
  std::string resolution;  // the manager's note
  std::string resolved_by;
  Instant created_at = 0;
  Instant resolved_at = 0;
};

// --- a sync client's own bookkeeping (its local replica only; never replicated) ---

// One mutation a client wrote: queued in the same local transaction as its optimistic effect, sent in
// client_seq order, acknowledged once the server's last_client_seq covers it, and kept after that for
// a retention window so it can be sent again to a server restored from an older backup.
struct OutboxEntry {
  std::int64_t client_seq = 0;  // 1, 2, 3, ... per client id, no gaps
  std::string mutation_id;      // a UUID
  std::string name;             // create_booking, record_fact, ... (sync_protocol.h)
  std::string args;             // JSON object
  std::string client_time;      // RFC 3339 device time when it was written
  Instant created_at = 0;       // server-corrected time when it was written (retention counts from here)
  OutboxState state = OutboxState::kPending;
  std::string result;  // JSON: the server's result, "" until it is known
  // JSON list of {entity, id, op, data}: the rows as they were before the optimistic effect, to put
  // back when the client rebases; "" when no optimistic effect is in the replica.
  std::string undo;
  Instant acked_at = 0;
};

// A mutation the server refused (or quarantined): kept until the user dismisses it.
struct AttentionItem {
  std::string mutation_id;
  std::int64_t client_seq = 0;
  std::string name;
  std::string args;    // JSON, as sent
  std::string result;  // JSON, as answered
  std::string error;   // the rule word or error code ("overlap", "forbidden", "quarantined", ...)
  std::string message;
  Instant created_at = 0;
  bool dismissed = false;
  Instant dismissed_at = 0;
};

}  // namespace schoolshare
