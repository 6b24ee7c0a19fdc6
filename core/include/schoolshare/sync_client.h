// The offline-first sync client used by the kiosk and the admin app (DESIGN.md section 4;
// shared notes/sync-anchors.md 2.2 and 2.7).
//
// The client's local database is a schoolshare Store (same schema, opened with ReplicaStoreOptions):
// the UIs read it with the Store API and judge with the same BookingService. It holds
//  - the replica: what the client's token may see, written only from pulled changes and snapshots
//    (Store::ApplyReplicated, no change-log or audit entries), plus the optimistic effects of the
//    client's own mutations that the server has not yet confirmed;
//  - the outbox: every mutation {client_seq, id, name, args, client_time}, written in the SAME local
//    transaction as its optimistic effect, with the undo information of that effect;
//  - the needs-attention list of mutations the server refused, kept until the user dismisses them.
//
// Contract:
//  - A mutation helper never touches the network: it judges locally (the same rules), writes the
//    optimistic effect and the outbox entry in one transaction, and wakes the worker.
//  - Optimistic rows are never shown as confirmed: an optimistic booking is `pending` with a code
//    starting with "~"; AwaitingServer() names every entity with a change the server has not confirmed.
//  - An entry is acknowledged only when the server's last_client_seq covers it; acknowledged entries
//    are kept for `retention` so they can be sent again to a server restored from an older backup.
//  - After every pulled page the client rebases: it undoes the optimistic effects in the replica,
//    applies the server's changes, and re-applies the mutations whose effects the replica does not yet
//    hold from the server (all but the refused ones).
//  - A new server epoch (a restored server): register again, load a snapshot, send again every
//    retained entry above the server's last_client_seq. Facts deduplicate by id and booking creates are
//    idempotent by booking id, so nothing is doubled.
//  - Thread safety: every public member may be called from any thread. Network calls never hold the
//    database lock; a mutation helper waits at most for one local page transaction.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "schoolshare/booking_service.h"
#include "schoolshare/clock.h"
#include "schoolshare/model.h"
#include "schoolshare/status.h"
#include "schoolshare/store.h"

namespace schoolshare {

// ------------------------------------------------------------------------------------------ transport

// What the server answered. status 0: no answer at all (refused connection, timeout, DNS); `error` says why.
struct TransportReply {
  int status = 0;
  std::string body;
  std::string error;
};

using QueryParams = std::vector<std::pair<std::string, std::string>>;

// How the client reaches the server. Called from one thread at a time (the client's sync round); every
// call carries the bearer token. Tests inject one that calls SyncService directly or drops requests.
class SyncTransport {
 public:
  virtual ~SyncTransport() = default;
  virtual TransportReply Post(const std::string& path, const std::string& json_body) = 0;
  virtual TransportReply Get(const std::string& path, const QueryParams& query) = 0;
};

struct HttpTransportOptions {
  std::string base_url;  // "http://127.0.0.1:8080" (https:// when the server has TLS)
  std::string token;     // sent as "Authorization: Bearer TOKEN"
  std::chrono::milliseconds connect_timeout{3000};
  std::chrono::milliseconds read_timeout{30000};
  std::chrono::milliseconds write_timeout{30000};
};
// cpp-httplib with TCP_NODELAY and the timeouts above; keeps the connection alive between calls.
std::unique_ptr<SyncTransport> MakeHttpTransport(const HttpTransportOptions& options);

// ------------------------------------------------------------------------------------------ client

struct SyncAgentOptions {
  std::string replica_path;  // the local SQLite file (created when missing)
  // Who this device acts as when it judges locally: role and school must match its token (kiosk and
  // school_manager with their school, district_admin without). `id` names the writer of local rows.
  Actor actor;
  const Clock* device_clock = nullptr;              // null: the system clock
  int push_batch = 100;                             // mutations per push request (the server takes at most 1000)
  int pull_limit = 500;                             // changes per pulled page
  std::chrono::milliseconds poll_interval{30000};   // between rounds while all is well
  std::chrono::milliseconds initial_backoff{1000};  // first wait after a failed round
  std::chrono::milliseconds max_backoff{60000};     // the waits double up to this, with jitter
  Instant retention = 90 * kDay;                    // acknowledged outbox entries are kept this long
  std::uint64_t jitter_seed = 0;                    // 0: random
  bool synchronous_full = true;                     // the replica's durability (tests turn it off)
  // The replica file is integrity-checked when opened; false when the caller has just checked the same
  // file (the admin client and kiosk check it before any window opens: one check per start).
  bool verify_integrity = true;
};

// The store options a replica is opened with (also for a UI's own reading connection).
StoreOptions ReplicaStoreOptions(const Clock* clock = nullptr, bool synchronous_full = true);

// What a UI shows about synchronisation. A copy; take it as often as every frame.
struct SyncStatus {
  bool running = false;              // the background worker runs
  bool syncing = false;              // a round is under way
  bool online = false;               // the last attempt reached the server
  std::int64_t pending = 0;          // outbox entries the server has not acknowledged ("awaiting server")
  std::int64_t needs_attention = 0;  // refused mutations not yet dismissed
  Instant last_success_at = 0;       // server-corrected time of the last complete round ("last synced"); 0: never
  std::string last_error;            // "" after a complete round
  int consecutive_failures = 0;
  std::chrono::milliseconds backoff{0};  // the wait before the next attempt (0 after a success)
  std::int64_t rounds = 0;               // complete rounds
  std::int64_t attempts = 0;             // rounds tried
  // Progress of the current (or last) pull: changes received and pages so far; more pages follow.
  std::int64_t pull_changes = 0;
  int pull_pages = 0;
  bool pull_more = false;
  std::int64_t clock_offset = 0;  // seconds: server time minus device time
  Instant clock_synced_at = 0;    // server time when the offset was measured; 0: never
  std::string server_epoch;
  std::int64_t server_last_client_seq = 0;  // the server's watermark for this client, as last seen
  std::int64_t snapshots = 0;               // snapshots loaded (first sync, restored server, expired cursor)
};

// A usage fact recorded at a kiosk. Never refused: it happened.
struct FactInput {
  std::string id;  // empty: a new UUID
  FactKind kind = FactKind::kCheckIn;
  std::string booking_id;  // empty for a walk-in or an unbooked use
  std::string resource_id;
  Instant at = 0;   // 0: now (device clock corrected by the server offset)
  Instant end = 0;  // walk_in: when the walk-in use ends (required)
  int quantity = 0;
  std::string condition;  // return: fine|damaged|missing
  std::string note;
  std::string returned_by;  // return: who brought it back
  std::string override_by;  // check_in outside the window: the staff member (id) who allowed it
  std::string organizer;    // walk_in: the claim's organizer, title, attendees and class
  std::string title;
  int attendees = 0;
  std::string class_id;
};

struct LocalWrite {
  bool queued = false;  // false: refused locally, nothing written; `outcome` says why
  std::string mutation_id;
  std::int64_t client_seq = 0;
  // The local judgement (a create's or a walk-in claim's verdict, a cancel's or decision's outcome).
  // For a fact without a claim it is empty and accepted.
  BookingOutcome outcome;
  SeriesOutcome series;   // CreateSeries: every date's local verdict (outcome holds the first refused one)
  std::string entity_id;  // the booking, series or fact the mutation is about
};

struct CreateLocalOptions {
  bool judge_locally = true;  // false: queue even what the local rules refuse (the server decides)
  bool backfill = false;      // district admins: back-fill the past
};

class SyncAgent {
 public:
  // Opens (or creates) the replica and the client's identity (a client id kept in the replica).
  static Result<std::unique_ptr<SyncAgent>> Open(const SyncAgentOptions& options,
                                                 std::unique_ptr<SyncTransport> transport);
  ~SyncAgent();  // stops the worker
  SyncAgent(const SyncAgent&) = delete;
  SyncAgent& operator=(const SyncAgent&) = delete;

  std::string client_id() const;
  Instant ServerNow() const;  // device time corrected by the measured offset

  // ---- mutations: optimistic local write + outbox entry in one local transaction ----
  // The request's id is the booking id (empty: a new UUID); the server's create is idempotent by it.
  Result<LocalWrite> CreateBooking(const BookingRequest& request, const CreateLocalOptions& options = {});
  // A weekly series as one create_series mutation, judged locally date by date first; its free dates
  // show in the replica as pending bookings (ids SeriesOccurrenceId) until the server's rows arrive.
  Result<LocalWrite> CreateSeries(const SeriesRequest& request, const CreateLocalOptions& options = {});
  Result<LocalWrite> CancelBooking(const std::string& booking_id, const std::string& reason = "");
  // base_version: the version the user saw (0: the replica's current one).
  Result<LocalWrite> ApproveBooking(const std::string& booking_id, std::int64_t base_version = 0);
  Result<LocalWrite> RejectBooking(const std::string& booking_id, const std::string& reason,
                                   std::int64_t base_version = 0);
  // Stamped with the corrected time, the offset and when the clock was last synced.
  Result<LocalWrite> RecordFact(const FactInput& fact);
  // Resolves a reconciliation item (a stored one or a derived "<reason>:<booking id>") with a note,
  // judged on the replica like the server does (the note is required; the owner school's manager or a
  // district admin). Sign-off is not a mutation: it needs the server (POST .../sign-off).
  Result<LocalWrite> ResolveReconciliation(const std::string& item_id, const std::string& note);

  // ---- catalogue edits (put_school, put_resource, put_blackout, delete_blackout, put_staff, put_class) ----
  // Judged locally as the server judges them: the actor may edit the catalogue of the entity's school
  // and of the school the replica has it at now, and the Store takes it (a refusal is the Result's
  // status: PermissionDenied, InvalidArgument, NotFound; nothing is queued). `judge_locally = false`
  // queues anyway. The optimistic effect writes the entity into the replica (undone if the server
  // refuses; the refusal is then in NeedsAttention). AwaitingServer names the entity's id meanwhile.
  // A school's names, students, location and class periods (its kind and weak flag, and a new school, need
  // the district office: MayEditSchool).
  Result<LocalWrite> PutSchool(const School& school, const CreateLocalOptions& options = {});
  Result<LocalWrite> PutResource(const Resource& resource, const CreateLocalOptions& options = {});
  Result<LocalWrite> PutBlackout(const Blackout& blackout, const CreateLocalOptions& options = {});
  Result<LocalWrite> DeleteBlackout(const std::string& blackout_id, const CreateLocalOptions& options = {});
  Result<LocalWrite> PutStaff(const StaffMember& member, const CreateLocalOptions& options = {});
  Result<LocalWrite> PutClass(const SchoolClass& school_class, const CreateLocalOptions& options = {});

  // ---- synchronisation ----
  // One round on the calling thread: register if needed, push every pending entry, pull every page
  // (or a snapshot). Returns the first error; what was done before it stays done.
  Status SyncOnce();
  void Start();    // the background worker: a round now, then every poll_interval, backing off on failure
  void Stop();     // waits for the round under way
  void SyncNow();  // wakes the worker for a round at once (skips a backoff wait)
  SyncStatus status() const;

  // ---- what the UI shows ----
  // Ids of bookings, facts and catalogue entities with a change the server has not confirmed ("awaiting server").
  Result<std::set<std::string>> AwaitingServer();
  Result<std::vector<OutboxEntry>> Outbox();  // every retained entry, oldest first
  Result<std::vector<AttentionItem>> NeedsAttention(bool include_dismissed = false);
  Status Dismiss(const std::string& mutation_id);
  // Runs fn with the replica under the client's lock (reads, or a dry-run judgement).
  Status WithReplica(const std::function<Status(Store&)>& fn);

  class Impl;

 private:
  explicit SyncAgent(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace schoolshare
