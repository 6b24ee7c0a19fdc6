// What every admin view draws with, and the interface each view implements. A view keeps its own
// transient state (filters, typed text) and rebuilds the models it shows when `data_generation`
// changes (after a sync round or a local write), never every frame.
#pragma once

#include <imgui.h>

#include <map>
#include <memory>
#include <optional>
#include <string>

#include "model/booking_form.h"
#include "schoolshare/i18n.h"
#include "schoolshare/model.h"
#include "schoolshare/store.h"
#include "schoolshare/sync_client.h"
#include "schoolshare/time.h"

namespace schoolshare::admin {

// The window's shared state, passed to every view each frame.
struct AdminContext {
  SyncAgent* agent = nullptr;     // the offline-first client: queued writes, status, outbox
  Store* replica = nullptr;       // the window's own read connection to the agent's replica (never blocks on a sync)
  SyncTransport* rest = nullptr;  // direct HTTP to the server, for what only the server does (null: none)
  const Clock* clock = nullptr;   // ServerNow-corrected time is agent->ServerNow()
  Actor actor;                    // who uses the client: a school manager (school_id set) or the district office
  std::string district_id;
  TimeZone tz = TimeZone::Utc();  // the district's zone: every time shown is local
  Lang lang = Lang::kZh;
  float u = 16;                       // the regular font size in pixels: sizes are multiples of it
  ImFont* large = nullptr;            // a larger font for titles
  std::uint64_t data_generation = 0;  // bumps after each sync round and each local write
  std::string open_date;              // "YYYY-MM-DD" the timeline opens on (--date); empty: today
  bool open_week = false;             // the timeline opens on the week view (--week)

  // Requests from a view to the window, applied after the frame.
  std::optional<std::string> go_to;         // a view name: "timeline", "booking", ...
  std::optional<BookingForm> open_booking;  // open the booking view with this form
  std::string notice;                       // a line for the status bar (success)
  std::string error;                        // a line for the status bar (failure)
  bool local_write = false;                 // a view queued a write: refresh models, wake the worker
  struct Capture {
    std::string path;
    ImVec4 rect;  // x, y, w, h on screen
  };
  std::optional<Capture> capture;  // save this part of the frame being drawn as a PNG

  std::string T(const char* key, const std::map<std::string, std::string>& params = {}) const {
    return Tr(lang, key, params);
  }
  std::string Time(Instant t) const;  // "08:00" local
  std::string Date(Instant t) const;  // "2026-11-23" local
};

class AdminView {
 public:
  virtual ~AdminView() = default;
  virtual void Draw(AdminContext& ctx) = 0;
  // Called before Draw when the booking view is opened with a prepared form (only the booking view acts).
  virtual void Open(const BookingForm&) {}
  // Called before the window closes its SyncAgent and REST transport (disconnect, exit): finish or wait
  // for any background work that uses them.
  virtual void Disconnecting() {}
};

}  // namespace schoolshare::admin
