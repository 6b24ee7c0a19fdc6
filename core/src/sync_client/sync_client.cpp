// The sync client: outbox, rounds of register/snapshot/push/pull with rebase, the background worker,
// backoff and the clock offset. See sync_client.h for the contract.
#include "schoolshare/sync_client.h"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstdlib>
#include <mutex>
#include <random>
#include <thread>

#include "schoolshare/ids.h"
#include "schoolshare/json.h"
#include "schoolshare/reports.h"
#include "schoolshare/rules.h"
#include "schoolshare/sync_protocol.h"
#include "sync_client/optimistic.h"

namespace schoolshare {
namespace {

// Keys of the client's state in the replica (persistent: never rename).
constexpr char kClientIdKey[] = "client_id";
constexpr char kEpochKey[] = "server_epoch";
constexpr char kCursorKey[] = "cursor";
constexpr char kNextSeqKey[] = "next_seq";
// The effects of every mutation up to here are in the replica as the server's rows (set by a pull that
// reached the end of the log, or by a snapshot); optimistic effects are re-applied only above it.
constexpr char kAppliedThroughKey[] = "applied_through";
constexpr char kResultsThroughKey[] = "results_through";  // results known up to here
constexpr char kServerSeqKey[] = "server_last_client_seq";
constexpr char kClockOffsetKey[] = "clock_offset";
constexpr char kClockSyncedAtKey[] = "clock_synced_at";
constexpr char kLastSuccessKey[] = "last_success_at";

constexpr int kMaxSettleAttempts = 4;

std::int64_t ToInt(const std::string& s) { return s.empty() ? 0 : std::strtoll(s.c_str(), nullptr, 10); }

std::int64_t IntField(const Json& j, const char* key) {
  return j.is_object() && j.contains(key) && j[key].is_number_integer() ? j[key].get<std::int64_t>() : 0;
}

// Device time corrected by the offset measured against the server's clock.
class OffsetClock final : public Clock {
 public:
  explicit OffsetClock(const Clock& device) : device_(device) {}
  Instant Now() const override { return device_.Now() + offset_.load(); }
  Instant DeviceNow() const { return device_.Now(); }
  void set_offset(std::int64_t o) { offset_ = o; }
  std::int64_t offset() const { return offset_.load(); }

 private:
  const Clock& device_;
  std::atomic<std::int64_t> offset_{0};
};

struct ClientState {
  std::string client_id;
  std::string epoch;
  std::string cursor;
  std::int64_t next_seq = 1;
  std::int64_t applied_through = 0;
  std::int64_t results_through = 0;
  std::int64_t server_seq = 0;
  Instant clock_synced_at = 0;
  Instant last_success_at = 0;
};

struct Answer {
  int status = 0;
  Json body;
};

}  // namespace

StoreOptions ReplicaStoreOptions(const Clock* clock, bool synchronous_full) {
  StoreOptions o;
  o.clock = clock;
  o.synchronous_full = synchronous_full;
  o.foreign_keys = false;
  o.verify_integrity = true;  // a replica is one school's scope: the check takes milliseconds
  return o;
}

class SyncAgent::Impl {
 public:
  Impl(const SyncAgentOptions& options, std::unique_ptr<SyncTransport> transport)
      : options_(options),
        transport_(std::move(transport)),
        clock_(options.device_clock ? *options.device_clock : system_clock_),
        rng_(options.jitter_seed ? options.jitter_seed : std::random_device{}()) {}

  ~Impl() { Stop(); }

  Status Open() {
    StoreOptions replica = ReplicaStoreOptions(&clock_, options_.synchronous_full);
    replica.verify_integrity = options_.verify_integrity;
    SS_ASSIGN_OR_RETURN(store_, Store::OpenSqlite(options_.replica_path, replica));
    std::lock_guard<std::mutex> db(db_mu_);
    auto get = [&](const char* key) { return store_->GetClientState(key); };
    SS_ASSIGN_OR_RETURN(state_.client_id, get(kClientIdKey));
    if (state_.client_id.empty()) {
      state_.client_id = NewUuid();
      SS_RETURN_IF_ERROR(store_->PutClientState(kClientIdKey, state_.client_id));
    }
    SS_ASSIGN_OR_RETURN(state_.epoch, get(kEpochKey));
    SS_ASSIGN_OR_RETURN(state_.cursor, get(kCursorKey));
    SS_ASSIGN_OR_RETURN(std::string next, get(kNextSeqKey));
    state_.next_seq = std::max<std::int64_t>(1, ToInt(next));
    SS_ASSIGN_OR_RETURN(std::string v, get(kAppliedThroughKey));
    state_.applied_through = ToInt(v);
    SS_ASSIGN_OR_RETURN(v, get(kResultsThroughKey));
    state_.results_through = ToInt(v);
    SS_ASSIGN_OR_RETURN(v, get(kServerSeqKey));
    state_.server_seq = ToInt(v);
    SS_ASSIGN_OR_RETURN(v, get(kClockOffsetKey));
    clock_.set_offset(ToInt(v));
    SS_ASSIGN_OR_RETURN(v, get(kClockSyncedAtKey));
    state_.clock_synced_at = ToInt(v);
    SS_ASSIGN_OR_RETURN(v, get(kLastSuccessKey));
    state_.last_success_at = ToInt(v);
    {
      std::lock_guard<std::mutex> st(status_mu_);
      status_.server_epoch = state_.epoch;
      status_.server_last_client_seq = state_.server_seq;
      status_.clock_offset = clock_.offset();
      status_.clock_synced_at = state_.clock_synced_at;
      status_.last_success_at = state_.last_success_at;
    }
    return CountLocked();
  }

  std::string client_id() {
    std::lock_guard<std::mutex> db(db_mu_);
    return state_.client_id;
  }
  Instant ServerNow() const { return clock_.Now(); }

  // ------------------------------------------------------------------------------ mutations

  Result<LocalWrite> CreateBooking(const BookingRequest& request, const CreateLocalOptions& options) {
    BookingRequest req = request;
    if (req.id.empty()) req.id = NewUuid();
    if (req.school_id.empty()) req.school_id = options_.actor.school_id;
    LocalWrite out;
    out.entity_id = req.id;
    if (options.judge_locally) {
      std::lock_guard<std::mutex> db(db_mu_);
      BookingService service(*store_, clock_);
      CreateOptions co;
      co.dry_run = true;
      co.allow_backfill = options.backfill;
      SS_ASSIGN_OR_RETURN(out.outcome, service.Create(req, options_.actor, co));
      if (!out.outcome.accepted || out.outcome.duplicate) return out;
    }
    const TimeZone utc = TimeZone::Utc();
    Json args = {{"id", req.id},
                 {"resource_id", req.resource_id},
                 {"school_id", req.school_id},
                 {"organizer", req.organizer},
                 {"title", req.title},
                 {"activity_type", req.activity_type},
                 {"attendees", req.attendees},
                 {"quantity", req.quantity},
                 {"start", utc.FormatRfc3339(req.start)},
                 {"end", utc.FormatRfc3339(req.end)}};
    if (!req.class_id.empty()) args["class_id"] = req.class_id;
    if (!req.required_features.empty()) args["required_features"] = req.required_features;
    if (options.backfill) args["backfill"] = true;
    return Enqueue(sync::kCreateBooking, std::move(args), std::move(out));
  }

  Result<LocalWrite> CreateSeries(const SeriesRequest& request, const CreateLocalOptions& options) {
    SeriesRequest req = request;
    if (req.series.id.empty()) req.series.id = NewUuid();
    if (req.series.school_id.empty()) req.series.school_id = options_.actor.school_id;
    LocalWrite out;
    out.entity_id = req.series.id;
    out.outcome.accepted = true;
    if (options.judge_locally) {
      std::lock_guard<std::mutex> db(db_mu_);
      BookingService service(*store_, clock_);
      CreateOptions co;
      co.dry_run = true;
      co.allow_backfill = options.backfill;
      SS_ASSIGN_OR_RETURN(out.series, service.CreateSeries(req, options_.actor, co));
      if (!out.series.accepted) {
        for (const SeriesOccurrence& occ : out.series.occurrences) {
          if (!occ.outcome.accepted) {
            out.outcome = occ.outcome;
            break;
          }
        }
        return out;
      }
    }
    Json args = ToJson(req.series);
    args.erase("created_by");
    args.erase("created_at");
    args["mode"] = req.mode == SeriesRequest::Mode::kSkipConflicts ? "skip_conflicts" : "all_or_nothing";
    return Enqueue(sync::kCreateSeries, std::move(args), std::move(out));
  }

  Result<LocalWrite> Decide(const char* name, const std::string& booking_id, const std::string& reason,
                            std::int64_t base_version) {
    LocalWrite out;
    out.entity_id = booking_id;
    {
      std::lock_guard<std::mutex> db(db_mu_);
      SS_ASSIGN_OR_RETURN(Booking b, store_->GetBooking(booking_id));
      if (base_version <= 0) base_version = b.version;
      // Judge with the same BookingService, in a transaction that is always rolled back: the replica
      // gets only the optimistic effect below, never the service's change-log and audit entries.
      BookingService service(*store_, clock_);
      Status refused;
      Status s = store_->Transaction([&]() -> Status {
        Result<BookingOutcome> r = Status::Internal("no decision");
        if (std::string(name) == sync::kCancelBooking)
          r = service.Cancel(booking_id, options_.actor, reason);
        else if (std::string(name) == sync::kApproveBooking)
          r = service.Approve(booking_id, options_.actor, base_version);
        else
          r = service.Reject(booking_id, options_.actor, reason, base_version);
        if (!r.ok()) {
          refused = r.status();
          return refused;
        }
        out.outcome = *r;
        return Status::Internal("judged only");  // roll back
      });
      if (!refused.ok()) return refused;
      if (!s.ok() && out.outcome.booking.id.empty()) return s;  // failed before the service judged
      if (!out.outcome.accepted) return out;
    }
    Json args = {{"booking_id", booking_id}};
    if (!reason.empty()) args["reason"] = reason;
    if (std::string(name) != sync::kCancelBooking) args["base_version"] = base_version;
    return Enqueue(name, std::move(args), std::move(out));
  }

  Result<LocalWrite> RecordFact(const FactInput& in) {
    if (in.resource_id.empty()) return Status::InvalidArgument("a fact needs a resource");
    const TimeZone utc = TimeZone::Utc();
    const Instant at = in.at ? in.at : clock_.Now();
    LocalWrite out;
    out.entity_id = in.id.empty() ? NewUuid() : in.id;
    out.outcome.accepted = true;
    Json args = {{"id", out.entity_id},
                 {"kind", ToString(in.kind)},
                 {"resource_id", in.resource_id},
                 {"at", utc.FormatRfc3339(at)},
                 {"quantity", in.quantity},
                 {"condition", in.condition},
                 {"note", in.note}};
    if (!in.returned_by.empty()) args["returned_by"] = in.returned_by;
    if (!in.override_by.empty()) args["override_by"] = in.override_by;
    if (!in.booking_id.empty()) args["booking_id"] = in.booking_id;
    if (!options_.actor.school_id.empty()) args["school_id"] = options_.actor.school_id;
    {
      std::lock_guard<std::mutex> db(db_mu_);
      // Device time corrected by the offset, the offset, and when it was measured (null: never).
      args["clock_offset_seconds"] = clock_.offset();
      args["clock_synced_at"] = state_.clock_synced_at ? Json(utc.FormatRfc3339(state_.clock_synced_at)) : Json();
      if (in.kind == FactKind::kWalkIn && in.booking_id.empty()) {
        if (in.end <= at) return Status::InvalidArgument("a walk-in must end after it starts");
        args["end"] = utc.FormatRfc3339(in.end);
        args["organizer"] = in.organizer;
        args["title"] = in.title;
        args["attendees"] = in.attendees;
        if (!in.class_id.empty()) args["class_id"] = in.class_id;
        // The claim is judged here only to warn the user: the fact is recorded whatever it says.
        BookingRequest claim;
        claim.id = out.entity_id;
        claim.resource_id = in.resource_id;
        claim.school_id = options_.actor.school_id;
        claim.organizer = in.organizer;
        claim.title = in.title;
        claim.activity_type = "walk_in";
        claim.attendees = in.attendees;
        claim.quantity = in.quantity;
        claim.class_id = in.class_id;
        claim.start = at;
        claim.end = in.end;
        CreateOptions co;
        co.dry_run = true;
        co.walk_in = true;
        co.with_alternatives = false;
        BookingService service(*store_, clock_);
        auto judged = service.Create(claim, options_.actor, co);
        if (judged.ok()) out.outcome = *judged;
      }
    }
    return Enqueue(sync::kRecordFact, std::move(args), std::move(out));
  }

  Result<LocalWrite> ResolveReconciliation(const std::string& item_id, const std::string& note) {
    LocalWrite out;
    out.entity_id = item_id;
    {
      std::lock_guard<std::mutex> db(db_mu_);
      // Judged by the core's own resolution, in a transaction that is always rolled back.
      Status refused;
      Status s = store_->Transaction([&]() -> Status {
        auto r = ResolveReconciliationItem(*store_, item_id, note, options_.actor, clock_.Now());
        if (!r.ok()) {
          refused = r.status();
          return refused;
        }
        return Status::Internal("judged only");  // roll back
      });
      if (!refused.ok()) return refused;
      if (s.code() != StatusCode::kInternal) return s;
      out.outcome.accepted = true;
    }
    return Enqueue(sync::kResolveReconciliation, Json{{"id", item_id}, {"resolution", note}}, std::move(out));
  }

  // A catalogue edit, judged like the server judges it: the actor must be allowed to edit the catalogue
  // of the school the entity belongs to (`school_id`) and of the school the replica has it at now
  // (`stored_school`, "" when new), and the store must take it (`put`, in a transaction that is always
  // rolled back, so its own checks apply and nothing but the optimistic effect is written).
  Result<LocalWrite> EditCatalogue(const char* name, const std::string& entity_id, const std::string& school_id,
                                   Json args, const std::function<Result<std::string>(Store&)>& stored_school,
                                   const std::function<Status(Store&)>& put, const CreateLocalOptions& options) {
    LocalWrite out;
    out.entity_id = entity_id;
    out.outcome.accepted = true;
    if (entity_id.empty()) return Status::InvalidArgument(std::string(name) + ": the entity needs an id");
    if (options.judge_locally) {
      std::lock_guard<std::mutex> db(db_mu_);
      SS_ASSIGN_OR_RETURN(std::string was_at, stored_school(*store_));
      std::vector<std::string> schools = {school_id};
      if (!was_at.empty()) schools.push_back(was_at);
      for (const std::string& school : schools) {
        if (!MayAct(options_.actor, Action::kEditCatalogue, "", school)) {
          return Status::PermissionDenied("a " + std::string(ToString(options_.actor.role)) + " of school \"" +
                                          options_.actor.school_id + "\" may not edit the catalogue of school \"" +
                                          school + "\"");
        }
      }
      Status refused;
      Status s = store_->Transaction([&]() -> Status {
        refused = put(*store_);
        return refused.ok() ? Status::Internal("judged only") : refused;  // always rolled back
      });
      if (!refused.ok()) return refused;
      if (s.code() != StatusCode::kInternal) return s;
    }
    return Enqueue(name, std::move(args), std::move(out));
  }

  // The school an entity of the replica belongs to ("" when the replica does not hold it).
  template <typename T>
  static Result<std::string> SchoolOf(Result<T> stored) {
    if (stored.ok()) return stored->school_id;
    if (stored.status().code() == StatusCode::kNotFound) return std::string();
    return stored.status();
  }

  Result<LocalWrite> PutResource(const Resource& r, const CreateLocalOptions& options) {
    return EditCatalogue(
        sync::kPutResource, r.id, r.school_id, ToJson(r), [&](Store& s) { return SchoolOf(s.GetResource(r.id)); },
        [&](Store& s) { return s.PutResource(r, options_.actor); }, options);
  }

  // A school is its own school; the rule on who may change which of its fields is judged with the
  // replica's row, as the server judges it with its own.
  Result<LocalWrite> PutSchool(const School& school, const CreateLocalOptions& options) {
    return EditCatalogue(
        sync::kPutSchool, school.id, school.id, ToJson(school), [](Store&) { return Result<std::string>(""); },
        [&](Store& s) -> Status {
          auto stored = s.GetSchool(school.id);
          if (!stored.ok() && stored.status().code() != StatusCode::kNotFound) return stored.status();
          SS_RETURN_IF_ERROR(MayEditSchool(options_.actor, stored.ok() ? &*stored : nullptr, school));
          return s.PutSchool(school, options_.actor);
        },
        options);
  }

  Result<LocalWrite> PutBlackout(const Blackout& b, const CreateLocalOptions& options) {
    return EditCatalogue(
        sync::kPutBlackout, b.id, b.school_id, ToJson(b, TimeZone::Utc()),
        [&](Store& s) { return SchoolOf(s.GetBlackout(b.id)); },
        [&](Store& s) { return s.PutBlackout(b, options_.actor); }, options);
  }

  Result<LocalWrite> DeleteBlackout(const std::string& id, const CreateLocalOptions& options) {
    std::string school_id;
    {
      std::lock_guard<std::mutex> db(db_mu_);
      SS_ASSIGN_OR_RETURN(school_id, SchoolOf(store_->GetBlackout(id)));
    }
    if (school_id.empty() && options.judge_locally) return Status::NotFound("there is no blackout \"" + id + "\"");
    return EditCatalogue(
        sync::kDeleteBlackout, id, school_id, Json{{"id", id}}, [&](Store& s) { return SchoolOf(s.GetBlackout(id)); },
        [&](Store& s) { return s.DeleteBlackout(id, options_.actor); }, options);
  }

  Result<LocalWrite> PutStaff(const StaffMember& m, const CreateLocalOptions& options) {
    return EditCatalogue(
        sync::kPutStaff, m.id, m.school_id, ToJson(m), [&](Store& s) { return SchoolOf(s.GetStaff(m.id)); },
        [&](Store& s) { return s.PutStaff(m, options_.actor); }, options);
  }

  Result<LocalWrite> PutClass(const SchoolClass& c, const CreateLocalOptions& options) {
    return EditCatalogue(
        sync::kPutClass, c.id, c.school_id, ToJson(c), [&](Store& s) { return SchoolOf(s.GetClass(c.id)); },
        [&](Store& s) { return s.PutClass(c, options_.actor); }, options);
  }

  Result<LocalWrite> Enqueue(const std::string& name, Json args, LocalWrite out) {
    {
      std::lock_guard<std::mutex> db(db_mu_);
      OutboxEntry e;
      e.mutation_id = NewUuid();
      e.name = name;
      e.args = args.dump();
      e.client_time = TimeZone::Utc().FormatRfc3339(clock_.DeviceNow());
      e.created_at = clock_.Now();
      e.state = OutboxState::kPending;
      Status s = store_->Transaction([&]() -> Status {
        e.client_seq = state_.next_seq;
        SS_ASSIGN_OR_RETURN(e.undo, sync_client::ApplyOptimistic(*store_, e, options_.actor, clock_.Now()));
        SS_RETURN_IF_ERROR(store_->PutOutboxEntry(e));
        return store_->PutClientState(kNextSeqKey, std::to_string(e.client_seq + 1));
      });
      if (!s.ok()) return s;
      state_.next_seq = e.client_seq + 1;
      out.queued = true;
      out.mutation_id = e.mutation_id;
      out.client_seq = e.client_seq;
      SS_RETURN_IF_ERROR(CountLocked());
    }
    bool nudge = false;
    {
      std::lock_guard<std::mutex> st(status_mu_);
      nudge = status_.running && status_.online;
    }
    if (nudge) SyncNow();
    return out;
  }

  // ------------------------------------------------------------------------------ rounds

  Status SyncOnce() {
    std::lock_guard<std::mutex> round(round_mu_);
    {
      std::lock_guard<std::mutex> st(status_mu_);
      status_.syncing = true;
      ++status_.attempts;
    }
    Status s = Round();
    Finish(s);
    return s;
  }

  Status Round() {
    for (int attempt = 0; attempt < kMaxSettleAttempts; ++attempt) {
      bool first;
      bool no_cursor;
      {
        std::lock_guard<std::mutex> db(db_mu_);
        first = state_.epoch.empty();
        no_cursor = state_.cursor.empty();
      }
      if (first || need_register_) SS_RETURN_IF_ERROR(Register());
      if (need_snapshot_ || no_cursor) SS_RETURN_IF_ERROR(Snapshot());
      SS_RETURN_IF_ERROR(Push());
      if (need_register_ || need_snapshot_) continue;
      SS_RETURN_IF_ERROR(Pull());
      if (need_register_ || need_snapshot_) continue;
      std::lock_guard<std::mutex> db(db_mu_);
      return store_->PurgeOutbox(clock_.Now() - options_.retention).status();
    }
    return Status::Unavailable("the server's state kept changing during the round; retrying later");
  }

  void Finish(const Status& s) {
    std::int64_t failures;
    {
      std::lock_guard<std::mutex> st(status_mu_);
      failures = s.ok() ? 0 : status_.consecutive_failures + 1;
    }
    std::chrono::milliseconds backoff{0};
    if (!s.ok()) {
      // Exponential with jitter: a random wait in [d/2, d], d doubling from the first wait to the cap.
      double d = static_cast<double>(options_.initial_backoff.count());
      for (std::int64_t i = 1; i < failures && d < options_.max_backoff.count(); ++i) d *= 2;
      d = std::min(d, static_cast<double>(options_.max_backoff.count()));
      std::uniform_real_distribution<double> jitter(0.5, 1.0);
      backoff = std::chrono::milliseconds(static_cast<std::int64_t>(d * jitter(rng_)));
    }
    {
      std::lock_guard<std::mutex> db(db_mu_);
      if (s.ok()) state_.last_success_at = clock_.Now();
      store_->Transaction([&]() -> Status {
        SS_RETURN_IF_ERROR(store_->PutClientState(kClockOffsetKey, std::to_string(clock_.offset())));
        SS_RETURN_IF_ERROR(store_->PutClientState(kClockSyncedAtKey, std::to_string(state_.clock_synced_at)));
        return store_->PutClientState(kLastSuccessKey, std::to_string(state_.last_success_at));
      });
      CountLocked();
    }
    Instant last_success;
    {
      std::lock_guard<std::mutex> db(db_mu_);
      last_success = state_.last_success_at;
    }
    std::lock_guard<std::mutex> st(status_mu_);
    status_.syncing = false;
    status_.consecutive_failures = static_cast<int>(failures);
    status_.backoff = backoff;
    status_.clock_offset = clock_.offset();
    if (s.ok()) {
      ++status_.rounds;
      status_.last_error.clear();
      status_.last_success_at = last_success;
    } else {
      status_.last_error = s.ToString();
    }
  }

  // ------------------------------------------------------------------------------ calls

  Result<Answer> Call(bool post, const std::string& path, const Json& body, const QueryParams& query) {
    const Instant t0 = clock_.DeviceNow();
    TransportReply r = post ? transport_->Post(path, body.dump()) : transport_->Get(path, query);
    const Instant t1 = clock_.DeviceNow();
    {
      std::lock_guard<std::mutex> st(status_mu_);
      status_.online = r.status != 0;
    }
    if (r.status == 0) return Status::Unavailable("offline: cannot reach the server (" + r.error + ")");
    Answer a;
    a.status = r.status;
    a.body = Json::parse(r.body, nullptr, false);
    if (a.body.is_discarded()) a.body = Json::object();
    const std::string server_time = sync::StringField(a.body, "server_time");
    if (!server_time.empty()) {
      auto at = TimeZone::Utc().Parse(server_time);
      if (at.ok()) {
        clock_.set_offset(*at - (t0 + t1) / 2);
        std::lock_guard<std::mutex> db(db_mu_);
        state_.clock_synced_at = *at;
        std::lock_guard<std::mutex> st(status_mu_);
        status_.clock_offset = clock_.offset();
        status_.clock_synced_at = *at;
      }
    }
    return a;
  }

  static Status ErrorOf(const Answer& a, const std::string& what) {
    const std::string text = what + " answered HTTP " + std::to_string(a.status) + " " +
                             sync::StringField(a.body, "error") + ": " + sync::StringField(a.body, "message");
    if (a.status == 401 || a.status == 403) return Status::PermissionDenied(text);
    if (a.status >= 500) return Status::Unavailable(text);
    return Status::Internal(text);
  }

  Status Register() {
    SS_ASSIGN_OR_RETURN(Answer a, Call(true, "/v1/sync/register", {{"client_id", client_id()}}, {}));
    if (a.status != 200) return ErrorOf(a, "register");
    const std::string epoch = sync::StringField(a.body, "server_epoch");
    const std::int64_t last = IntField(a.body, "last_client_seq");
    bool gap = false;
    SS_RETURN_IF_ERROR(Reconcile(epoch, last, &gap));
    if (gap) SS_RETURN_IF_ERROR(Renumber(last));
    need_register_ = false;
    return Status::Ok();
  }

  // Takes the server's word for this client: everything up to `last` is acknowledged, everything above
  // it is to be sent (again). A new epoch also drops the cursor, so a snapshot follows.
  Status Reconcile(const std::string& epoch, std::int64_t last, bool* gap) {
    std::lock_guard<std::mutex> db(db_mu_);
    const bool epoch_changed = !state_.epoch.empty() && epoch != state_.epoch;
    ClientState next = state_;
    Status s = store_->Transaction([&]() -> Status {
      SS_ASSIGN_OR_RETURN(std::vector<OutboxEntry> above, store_->ListOutbox(last, std::nullopt, 0));
      *gap = !above.empty() && above.front().client_seq != last + 1;
      for (OutboxEntry& e : above) {
        if (e.state == OutboxState::kPending) continue;
        e.state = OutboxState::kPending;  // the server lost it (a restore): send it again
        e.result.clear();
        e.acked_at = 0;
        SS_RETURN_IF_ERROR(store_->PutOutboxEntry(e));
      }
      SS_RETURN_IF_ERROR(AckThrough(last));
      next.next_seq = std::max(next.next_seq, last + 1);
      next.applied_through = std::min(next.applied_through, last);
      next.results_through = std::min(next.results_through, last);
      next.server_seq = last;
      next.epoch = epoch;
      if (epoch_changed) next.cursor.clear();
      return SaveState(next);
    });
    if (!s.ok()) return s;
    state_ = next;
    if (epoch_changed) need_snapshot_ = true;
    std::lock_guard<std::mutex> st(status_mu_);
    status_.server_epoch = epoch;
    status_.server_last_client_seq = last;
    return Status::Ok();
  }

  // Entries the server needs are no longer retained (it was restored from a backup older than the
  // retention window): carry on as a new client, numbering what is left from 1. Facts deduplicate by
  // id and creates by booking id, so what the server has already seen is not doubled.
  Status Renumber(std::int64_t last) {
    const std::string fresh = NewUuid();
    SS_ASSIGN_OR_RETURN(Answer a, Call(true, "/v1/sync/register", {{"client_id", fresh}}, {}));
    if (a.status != 200) return ErrorOf(a, "register");
    const std::int64_t base = IntField(a.body, "last_client_seq");
    std::lock_guard<std::mutex> db(db_mu_);
    ClientState next = state_;
    Status s = store_->Transaction([&]() -> Status {
      SS_ASSIGN_OR_RETURN(std::vector<OutboxEntry> all, store_->ListOutbox(0, std::nullopt, 0));
      for (const OutboxEntry& e : all) SS_RETURN_IF_ERROR(store_->DeleteOutboxEntry(e.client_seq));
      std::int64_t seq = base;
      for (OutboxEntry e : all) {
        if (e.client_seq <= last) continue;
        e.client_seq = ++seq;
        e.state = OutboxState::kPending;
        e.result.clear();
        e.acked_at = 0;
        SS_RETURN_IF_ERROR(store_->PutOutboxEntry(e));
      }
      next.client_id = fresh;
      next.next_seq = seq + 1;
      next.applied_through = next.results_through = next.server_seq = base;
      next.epoch = sync::StringField(a.body, "server_epoch");
      return SaveState(next);
    });
    if (!s.ok()) return s;
    state_ = next;
    return Status::Ok();
  }

  Status SaveState(const ClientState& s) {
    SS_RETURN_IF_ERROR(store_->PutClientState(kClientIdKey, s.client_id));
    SS_RETURN_IF_ERROR(store_->PutClientState(kEpochKey, s.epoch));
    SS_RETURN_IF_ERROR(store_->PutClientState(kCursorKey, s.cursor));
    SS_RETURN_IF_ERROR(store_->PutClientState(kNextSeqKey, std::to_string(s.next_seq)));
    SS_RETURN_IF_ERROR(store_->PutClientState(kAppliedThroughKey, std::to_string(s.applied_through)));
    SS_RETURN_IF_ERROR(store_->PutClientState(kResultsThroughKey, std::to_string(s.results_through)));
    return store_->PutClientState(kServerSeqKey, std::to_string(s.server_seq));
  }

  // Pending entries up to `last` are acknowledged (their results may come later, with a pull).
  Status AckThrough(std::int64_t last) {
    SS_ASSIGN_OR_RETURN(std::vector<OutboxEntry> pending, store_->ListOutbox(0, OutboxState::kPending, 0));
    for (OutboxEntry& e : pending) {
      if (e.client_seq > last) break;
      e.state = OutboxState::kAcked;
      e.acked_at = clock_.Now();
      SS_RETURN_IF_ERROR(store_->PutOutboxEntry(e));
    }
    return Status::Ok();
  }

  // Stores one result (from a push answer or a pull) on its entry; a refusal joins the attention list.
  Status RecordResult(const Json& r, ClientState* next) {
    const std::int64_t seq = IntField(r, "client_seq");
    if (seq <= 0) return Status::Ok();
    SS_ASSIGN_OR_RETURN(std::vector<OutboxEntry> found, store_->ListOutbox(seq - 1, std::nullopt, 1));
    next->results_through = std::max(next->results_through, seq);
    if (found.empty() || found.front().client_seq != seq || found.front().mutation_id != sync::StringField(r, "id")) {
      return Status::Ok();  // purged, or a result of an older numbering
    }
    OutboxEntry e = found.front();
    const Json& effective = sync::StringField(r, "status") == "duplicate" && r.contains("original") ? r["original"] : r;
    const std::string status = sync::StringField(effective, "status");
    const bool refused = status == "rejected" || status == "quarantined";
    e.result = effective.dump();
    e.state = refused ? OutboxState::kRejected : OutboxState::kAcked;
    if (e.acked_at == 0) e.acked_at = clock_.Now();
    SS_RETURN_IF_ERROR(store_->PutOutboxEntry(e));
    if (refused) {
      AttentionItem item;
      item.mutation_id = e.mutation_id;
      item.client_seq = e.client_seq;
      item.name = e.name;
      item.args = e.args;
      item.result = e.result;
      item.error = sync::StringField(effective, "error");
      item.message = sync::StringField(effective, "message");
      item.created_at = clock_.Now();
      SS_RETURN_IF_ERROR(store_->PutAttentionItem(item));
    }
    return Status::Ok();
  }

  Status ApplyResults(const Json& results, std::int64_t last) {
    std::lock_guard<std::mutex> db(db_mu_);
    ClientState next = state_;
    Status s = store_->Transaction([&]() -> Status {
      if (results.is_array()) {
        for (const Json& r : results) SS_RETURN_IF_ERROR(RecordResult(r, &next));
      }
      SS_RETURN_IF_ERROR(AckThrough(last));
      next.server_seq = std::max(next.server_seq, last);
      return SaveState(next);
    });
    if (!s.ok()) return s;
    state_ = next;
    std::lock_guard<std::mutex> st(status_mu_);
    status_.server_last_client_seq = state_.server_seq;
    return Status::Ok();
  }

  Status Push() {
    std::int64_t previous_first = -1;
    for (;;) {
      std::vector<OutboxEntry> batch;
      std::string id;
      std::string epoch;
      {
        std::lock_guard<std::mutex> db(db_mu_);
        SS_ASSIGN_OR_RETURN(batch, store_->ListOutbox(0, OutboxState::kPending, options_.push_batch));
        id = state_.client_id;
        epoch = state_.epoch;
      }
      if (batch.empty()) return Status::Ok();
      if (batch.front().client_seq == previous_first) {
        return Status::Internal("the server answered a push without acknowledging mutation " +
                                std::to_string(previous_first));
      }
      previous_first = batch.front().client_seq;
      Json mutations = Json::array();
      for (const OutboxEntry& e : batch) {
        mutations.push_back({{"id", e.mutation_id},
                             {"client_seq", e.client_seq},
                             {"name", e.name},
                             {"args", Json::parse(e.args, nullptr, false)},
                             {"client_time", e.client_time}});
      }
      SS_ASSIGN_OR_RETURN(Answer a, Call(true, "/v1/sync/push", {{"client_id", id}, {"mutations", mutations}}, {}));
      if (a.status == 200) {
        SS_RETURN_IF_ERROR(ApplyResults(a.body.value("results", Json::array()), IntField(a.body, "last_client_seq")));
        const std::string now_epoch = sync::StringField(a.body, "server_epoch");
        if (!now_epoch.empty() && now_epoch != epoch) {  // restored, yet the sequence matched: resync all the same
          need_register_ = true;
          return Status::Ok();
        }
        continue;
      }
      if (a.status == 409 || a.status == 410) {  // out of order, sequence reused, or unknown: ask the server
        need_register_ = true;
        return Status::Ok();
      }
      if (a.status == 503) {
        SS_RETURN_IF_ERROR(ApplyResults(a.body.value("results", Json::array()), IntField(a.body, "processed_up_to")));
      }
      return ErrorOf(a, "push");
    }
  }

  Status Pull() {
    {
      std::lock_guard<std::mutex> st(status_mu_);
      status_.pull_changes = 0;
      status_.pull_pages = 0;
      status_.pull_more = true;
    }
    for (;;) {
      std::string id;
      std::string cursor;
      std::int64_t results_after;
      {
        std::lock_guard<std::mutex> db(db_mu_);
        id = state_.client_id;
        cursor = state_.cursor;
        results_after = state_.results_through;
      }
      if (cursor.empty()) {
        need_snapshot_ = true;
        return Status::Ok();
      }
      SS_ASSIGN_OR_RETURN(Answer a, Call(false, "/v1/sync/pull", Json(),
                                         {{"client_id", id},
                                          {"cursor", cursor},
                                          {"results_after", std::to_string(results_after)},
                                          {"limit", std::to_string(options_.pull_limit)}}));
      if (a.status == 410) {
        need_register_ = true;
        return Status::Ok();
      }
      if (a.status != 200) return ErrorOf(a, "pull");
      if (a.body.value("reset", false)) {
        // A restored server (new epoch) must learn what it lost; an expired cursor needs a snapshot only.
        if (sync::StringField(a.body, "reason") == "epoch") need_register_ = true;
        need_snapshot_ = true;
        return Status::Ok();
      }
      if (ServerForgot(a.body)) return Status::Ok();
      const Json changes = a.body.value("changes", Json::array());
      const bool more = a.body.value("more", false);
      SS_RETURN_IF_ERROR(ApplyPage(changes, false, a.body.value("results", Json::array()),
                                   IntField(a.body, "last_client_seq"), !more, sync::StringField(a.body, "cursor")));
      {
        std::lock_guard<std::mutex> st(status_mu_);
        status_.pull_changes += static_cast<std::int64_t>(changes.size());
        ++status_.pull_pages;
        status_.pull_more = more;
      }
      if (!more) return Status::Ok();
    }
  }

  // The server answers with less of this client than it once acknowledged: it was restored from a
  // backup without a new epoch (an operator skipped that step after a PostgreSQL restore,
  // docs/operations.md). Treat it as a restore: register again, so the retained outbox entries it lost
  // are sent again, and reload the replica from a snapshot.
  bool ServerForgot(const Json& body) {
    if (!body.contains("last_client_seq")) return false;
    {
      std::lock_guard<std::mutex> db(db_mu_);
      if (IntField(body, "last_client_seq") >= state_.server_seq) return false;
    }
    need_register_ = true;
    need_snapshot_ = true;
    return true;
  }

  Status Snapshot() {
    std::string id = client_id();
    SS_ASSIGN_OR_RETURN(Answer a, Call(false, "/v1/sync/snapshot", Json(), {{"client_id", id}}));
    if (a.status == 410) {
      need_register_ = true;
      return Status::Ok();
    }
    if (a.status != 200) return ErrorOf(a, "snapshot");
    if (ServerForgot(a.body)) return Status::Ok();
    SS_RETURN_IF_ERROR(ApplyPage(a.body.value("entities", Json::array()), true, Json::array(),
                                 IntField(a.body, "last_client_seq"), true, sync::StringField(a.body, "cursor")));
    need_snapshot_ = false;
    std::lock_guard<std::mutex> st(status_mu_);
    ++status_.snapshots;
    return Status::Ok();
  }

  // One pulled page (or a whole snapshot) in one local transaction, rebasing the optimistic effects:
  // undo them (newest first), apply the server's rows, re-apply what the server's rows do not yet hold.
  Status ApplyPage(const Json& items, bool snapshot, const Json& results, std::int64_t last, bool complete,
                   const std::string& cursor) {
    std::lock_guard<std::mutex> db(db_mu_);
    ClientState next = state_;
    Status s = store_->Transaction([&]() -> Status {
      if (results.is_array()) {
        for (const Json& r : results) SS_RETURN_IF_ERROR(RecordResult(r, &next));
      }
      SS_RETURN_IF_ERROR(AckThrough(last));
      next.server_seq = std::max(next.server_seq, last);
      // Only entries above applied_through can have an optimistic effect in the replica.
      SS_ASSIGN_OR_RETURN(std::vector<OutboxEntry> open, store_->ListOutbox(state_.applied_through, std::nullopt, 0));
      std::vector<std::string> before;
      before.reserve(open.size());
      for (const OutboxEntry& e : open) before.push_back(e.undo);
      for (auto it = open.rbegin(); it != open.rend(); ++it) {
        SS_RETURN_IF_ERROR(sync_client::Undo(*store_, it->undo));
        it->undo.clear();
      }
      if (snapshot) SS_RETURN_IF_ERROR(store_->ClearReplica());
      if (items.is_array()) {
        for (const Json& item : items) {
          Change c;
          c.entity = sync::StringField(item, "entity");
          c.entity_id = sync::StringField(item, "id");
          c.op = snapshot ? "put" : sync::StringField(item, "op");
          if (c.op == "put") c.data = item.value("data", Json()).dump();
          SS_RETURN_IF_ERROR(store_->ApplyReplicated(c));
        }
      }
      if (complete) next.applied_through = std::max(next.applied_through, last);
      for (std::size_t i = 0; i < open.size(); ++i) {
        OutboxEntry& e = open[i];
        if (e.client_seq > next.applied_through && e.state != OutboxState::kRejected) {
          SS_ASSIGN_OR_RETURN(e.undo, sync_client::ApplyOptimistic(*store_, e, options_.actor, clock_.Now()));
        }
        if (e.undo != before[i]) {
          // Re-read: RecordResult and AckThrough above may have changed the entry's state and result.
          SS_ASSIGN_OR_RETURN(std::vector<OutboxEntry> fresh, store_->ListOutbox(e.client_seq - 1, std::nullopt, 1));
          if (fresh.empty() || fresh.front().client_seq != e.client_seq) continue;
          fresh.front().undo = e.undo;
          SS_RETURN_IF_ERROR(store_->PutOutboxEntry(fresh.front()));
        }
      }
      if (!cursor.empty()) next.cursor = cursor;
      return SaveState(next);
    });
    if (!s.ok()) return s;
    state_ = next;
    std::lock_guard<std::mutex> st(status_mu_);
    status_.server_last_client_seq = state_.server_seq;
    return Status::Ok();
  }

  // ------------------------------------------------------------------------------ worker

  void Start() {
    std::lock_guard<std::mutex> w(wake_mu_);
    if (worker_.joinable()) return;
    stop_ = false;
    {
      std::lock_guard<std::mutex> st(status_mu_);
      status_.running = true;
    }
    worker_ = std::thread([this] { Loop(); });
  }

  void Stop() {
    {
      std::lock_guard<std::mutex> w(wake_mu_);
      stop_ = true;
    }
    wake_.notify_all();
    if (worker_.joinable()) worker_.join();
    std::lock_guard<std::mutex> st(status_mu_);
    status_.running = false;
  }

  void SyncNow() {
    {
      std::lock_guard<std::mutex> w(wake_mu_);
      now_ = true;
    }
    wake_.notify_all();
  }

  void Loop() {
    for (;;) {
      {
        std::lock_guard<std::mutex> w(wake_mu_);
        if (stop_) return;
        now_ = false;
      }
      Status s = SyncOnce();
      std::chrono::milliseconds wait = options_.poll_interval;
      if (!s.ok()) {
        std::lock_guard<std::mutex> st(status_mu_);
        wait = status_.backoff;
      }
      std::unique_lock<std::mutex> w(wake_mu_);
      wake_.wait_for(w, wait, [&] { return stop_ || now_; });
      if (stop_) return;
    }
  }

  SyncStatus status() {
    std::lock_guard<std::mutex> st(status_mu_);
    return status_;
  }

  // ------------------------------------------------------------------------------ views

  Result<std::set<std::string>> AwaitingServer() {
    std::lock_guard<std::mutex> db(db_mu_);
    SS_ASSIGN_OR_RETURN(std::vector<OutboxEntry> open, store_->ListOutbox(state_.applied_through, std::nullopt, 0));
    std::vector<std::string> ids;
    for (const OutboxEntry& e : open) {
      if (e.state != OutboxState::kRejected) sync_client::EntityIdsOf(e, &ids);
    }
    return std::set<std::string>(ids.begin(), ids.end());
  }

  Result<std::vector<OutboxEntry>> Outbox() {
    std::lock_guard<std::mutex> db(db_mu_);
    return store_->ListOutbox(0, std::nullopt, 0);
  }

  Result<std::vector<AttentionItem>> NeedsAttention(bool include_dismissed) {
    std::lock_guard<std::mutex> db(db_mu_);
    return store_->ListAttentionItems(include_dismissed);
  }

  Status Dismiss(const std::string& mutation_id) {
    std::lock_guard<std::mutex> db(db_mu_);
    SS_RETURN_IF_ERROR(store_->DismissAttentionItem(mutation_id, clock_.Now()));
    return CountLocked();
  }

  Status WithReplica(const std::function<Status(Store&)>& fn) {
    std::lock_guard<std::mutex> db(db_mu_);
    return fn(*store_);
  }

 private:
  // Refreshes the counts the status shows; db_mu_ is held.
  Status CountLocked() {
    SS_ASSIGN_OR_RETURN(std::int64_t pending, store_->CountOutbox(OutboxState::kPending));
    SS_ASSIGN_OR_RETURN(std::vector<AttentionItem> attention, store_->ListAttentionItems(false));
    // Acknowledged entries whose result has not arrived are still awaiting the server's word.
    std::lock_guard<std::mutex> st(status_mu_);
    status_.pending = pending;
    status_.needs_attention = static_cast<std::int64_t>(attention.size());
    return Status::Ok();
  }

  const SyncAgentOptions options_;
  std::unique_ptr<SyncTransport> transport_;
  SystemClock system_clock_;
  OffsetClock clock_;

  std::mutex round_mu_;         // one round at a time (the worker, or SyncOnce from another thread)
  bool need_register_ = false;  // guarded by round_mu_
  bool need_snapshot_ = false;  // guarded by round_mu_
  std::mt19937_64 rng_;         // guarded by round_mu_

  std::mutex db_mu_;  // the replica connection and the state mirror; never held across a network call
  std::unique_ptr<Store> store_;
  ClientState state_;

  mutable std::mutex status_mu_;  // innermost lock
  SyncStatus status_;

  std::mutex wake_mu_;
  std::condition_variable wake_;
  bool stop_ = false;  // guarded by wake_mu_
  bool now_ = false;   // guarded by wake_mu_
  std::thread worker_;
};

// ------------------------------------------------------------------------------------------ facade

Result<std::unique_ptr<SyncAgent>> SyncAgent::Open(const SyncAgentOptions& options,
                                                   std::unique_ptr<SyncTransport> transport) {
  if (!transport) return Status::InvalidArgument("the sync client needs a transport");
  auto impl = std::make_unique<Impl>(options, std::move(transport));
  SS_RETURN_IF_ERROR(impl->Open());
  return std::unique_ptr<SyncAgent>(new SyncAgent(std::move(impl)));
}

SyncAgent::SyncAgent(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
SyncAgent::~SyncAgent() = default;

std::string SyncAgent::client_id() const { return impl_->client_id(); }
Instant SyncAgent::ServerNow() const { return impl_->ServerNow(); }
Result<LocalWrite> SyncAgent::CreateSeries(const SeriesRequest& request, const CreateLocalOptions& options) {
  return impl_->CreateSeries(request, options);
}

Result<LocalWrite> SyncAgent::CreateBooking(const BookingRequest& request, const CreateLocalOptions& options) {
  return impl_->CreateBooking(request, options);
}
Result<LocalWrite> SyncAgent::CancelBooking(const std::string& booking_id, const std::string& reason) {
  return impl_->Decide(sync::kCancelBooking, booking_id, reason, 0);
}
Result<LocalWrite> SyncAgent::ApproveBooking(const std::string& booking_id, std::int64_t base_version) {
  return impl_->Decide(sync::kApproveBooking, booking_id, "", base_version);
}
Result<LocalWrite> SyncAgent::RejectBooking(const std::string& booking_id, const std::string& reason,
                                            std::int64_t base_version) {
  if (reason.empty()) return Status::InvalidArgument("a rejection needs a reason for the requester");
  return impl_->Decide(sync::kRejectBooking, booking_id, reason, base_version);
}
Result<LocalWrite> SyncAgent::RecordFact(const FactInput& fact) { return impl_->RecordFact(fact); }
Result<LocalWrite> SyncAgent::ResolveReconciliation(const std::string& item_id, const std::string& note) {
  return impl_->ResolveReconciliation(item_id, note);
}
Result<LocalWrite> SyncAgent::PutSchool(const School& s, const CreateLocalOptions& options) {
  return impl_->PutSchool(s, options);
}

Result<LocalWrite> SyncAgent::PutResource(const Resource& r, const CreateLocalOptions& options) {
  return impl_->PutResource(r, options);
}
Result<LocalWrite> SyncAgent::PutBlackout(const Blackout& b, const CreateLocalOptions& options) {
  return impl_->PutBlackout(b, options);
}
Result<LocalWrite> SyncAgent::DeleteBlackout(const std::string& id, const CreateLocalOptions& options) {
  return impl_->DeleteBlackout(id, options);
}
Result<LocalWrite> SyncAgent::PutStaff(const StaffMember& m, const CreateLocalOptions& options) {
  return impl_->PutStaff(m, options);
}
Result<LocalWrite> SyncAgent::PutClass(const SchoolClass& c, const CreateLocalOptions& options) {
  return impl_->PutClass(c, options);
}
Status SyncAgent::SyncOnce() { return impl_->SyncOnce(); }
void SyncAgent::Start() { impl_->Start(); }
void SyncAgent::Stop() { impl_->Stop(); }
void SyncAgent::SyncNow() { impl_->SyncNow(); }
SyncStatus SyncAgent::status() const { return impl_->status(); }
Result<std::set<std::string>> SyncAgent::AwaitingServer() { return impl_->AwaitingServer(); }
Result<std::vector<OutboxEntry>> SyncAgent::Outbox() { return impl_->Outbox(); }
Result<std::vector<AttentionItem>> SyncAgent::NeedsAttention(bool include_dismissed) {
  return impl_->NeedsAttention(include_dismissed);
}
Status SyncAgent::Dismiss(const std::string& mutation_id) { return impl_->Dismiss(mutation_id); }
Status SyncAgent::WithReplica(const std::function<Status(Store&)>& fn) { return impl_->WithReplica(fn); }

}  // namespace schoolshare
