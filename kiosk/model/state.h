// What every kiosk screen shows: plain data, built by the model from the replica and the sync status.
// The screens draw from a const KioskState and return actions (actions.h); they keep no app data.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "model/config.h"
#include "schoolshare/i18n.h"
#include "schoolshare/model.h"
#include "schoolshare/rules.h"
#include "schoolshare/usage.h"

namespace schoolshare::kiosk {

enum class Screen { kHome, kCheckIn, kEquipment, kWalkIn, kSetup };
const char* ScreenName(Screen s);                            // home|checkin|equipment|walkin|setup
std::optional<Screen> ParseScreen(const std::string& name);  // nullopt for an unknown name

constexpr Instant kIdleTimeout = 60;             // seconds without input before returning Home
constexpr Instant kCheckInEarly = 15 * kMinute;  // check-in opens this long before the start
constexpr Instant kCheckInLate = kNoShowGrace;   // and closes this long after it
constexpr Instant kWalkInLoan = 2 * kHour;       // equipment handed out without a booking is due after this
constexpr Instant kLoanHistory = 30 * kDay;      // loans older than this are no longer listed as open

// A sentence to show: a message key with its params, or a rule violation; rendered in the current language.
struct Message {
  std::string key;  // empty: no message
  std::map<std::string, std::string> params;
  std::map<std::string, std::string> key_params;  // params whose value is a message key, translated too
  std::optional<Violation> violation;             // set: params["reason"] is this violation's sentence
  bool error = false;
};
std::string RenderMessage(const Message& m, Lang lang);

struct BookingLine {
  std::string id;
  std::string code;
  std::string title;
  std::string organizer;
  std::string school_name;
  std::string venue_name;
  std::string resource_id;
  Instant start = 0;
  Instant end = 0;
  int quantity = 0;
  UsageState usage = UsageState::kNone;
};

struct VenueRow {
  std::string resource_id;
  std::string name;
  std::optional<BookingLine> now;   // the booking under way (a no-show stays here as released)
  std::optional<BookingLine> next;  // the next one today
  bool free_now = true;             // nothing held now, or the holder did not come
};

struct SyncView {
  bool online = false;
  std::int64_t pending = 0;
  Instant last_sync = 0;    // 0: never
  std::string problem;      // message key: kiosk.bad_token | kiosk.unreachable | ""
  std::int64_t rounds = 0;  // complete sync rounds: a new one may have brought data
  bool operator==(const SyncView&) const = default;
};

// A check-in outside its window can be allowed by a staff member: the administrator PIN unlocks it, then
// the staff member taking responsibility is picked from the school's synced staff; the fact names them.
enum class OverrideStep { kNone, kPin, kPickStaff };

struct CheckInState {
  bool check_out = false;              // the mode: check in or check out
  std::string typed;                   // the code typed so far on the keypad (or by the scanner)
  std::optional<BookingLine> booking;  // found and allowed: waiting for confirmation
  std::optional<BookingLine> outside;  // found but outside the check-in window: a staff member may override
  OverrideStep override_step = OverrideStep::kNone;
  std::string pin_typed;    // the administrator PIN typed for an override
  std::string override_by;  // the staff member (id) who allowed `booking` outside its window
  std::string override_name;
};

struct EquipmentItem {
  std::string resource_id;
  std::string name;
  int stock = 0;
  int on_loan = 0;
  int available() const { return stock - on_loan; }
};

// Units of one item handed out against one booking (or as walk-ins) and not yet returned.
struct Loan {
  std::string resource_id;
  std::string item_name;
  std::string booking_id;  // empty: walk-in
  std::string who;         // the booking's organizer or school, or "walk-in"
  int quantity = 0;
  Instant since = 0;
  Instant due = 0;
  bool overdue = false;
  int returned = 0;         // units of this loan already brought back (a partial return)
  std::string returned_by;  // who brought back the latest part
};

// A return recorded today, newest first: what came back, in which condition, and who brought it.
struct ReturnLine {
  std::string item_name;
  int quantity = 0;
  std::string condition;  // fine|damaged|missing
  std::string returned_by;
  Instant at = 0;
};

struct EquipmentState {
  std::vector<EquipmentItem> items;
  std::vector<Loan> loans;
  std::string selected_item;  // resource id
  int quantity = 1;
  std::string typed;                   // a booking code being typed (optional link)
  std::optional<BookingLine> booking;  // the linked booking
  int selected_loan = -1;              // index into loans
  int return_quantity = 0;             // how many of the selected loan come back now (1..its quantity)
  std::string condition = "fine";      // fine|damaged|missing: of the part returned now
  std::string returned_by;             // a staff name or the loan's group
  std::vector<ReturnLine> returns_today;
};

struct WalkInVenue {
  std::string resource_id;
  std::string name;
  int capacity = 0;
  bool allowed = false;
  std::optional<Violation> why_not;  // the first rule that refuses it now
};

struct WalkInState {
  std::vector<WalkInVenue> venues;
  std::string selected_venue;
  int duration_minutes = 60;
  int group_size = 20;
  std::vector<std::string> organizers;  // staff of the school (synced data)
  std::vector<std::string> staff_ids;   // beside `organizers`
  std::vector<std::string> classes;     // classes of the school (synced data)
  std::vector<std::string> class_ids;   // beside `classes`
  int organizer = -1;
  int klass = -1;
};

// The set-up text field the on-screen keyboard (or a keyboard) types into.
enum class SetupField { kServer, kToken, kSchool };

struct SetupState {
  bool unlocked = false;
  std::string pin_typed;
  KioskConfig draft;
  SetupField field = SetupField::kServer;
  std::vector<std::pair<std::string, std::string>> school_venues;  // id, name: to pick from
};

struct KioskState {
  Screen screen = Screen::kHome;
  Lang lang = Lang::kZh;
  Instant now = 0;
  Instant last_input = 0;
  std::string school_name;
  std::string time_zone = "Asia/Shanghai";
  std::vector<VenueRow> venues;
  SyncView sync;
  Message message;  // the latest outcome or problem, shown until the next action
  CheckInState checkin;
  EquipmentState equipment;
  WalkInState walkin;
  SetupState setup;
  bool restart_requested = false;     // the set-up was saved: the app reconnects with the new config
  std::uint64_t data_generation = 0;  // bumped by every Refresh: what the screens show may have changed
  Instant refreshed_at = 0;           // when Refresh last read the replica
};

}  // namespace schoolshare::kiosk
