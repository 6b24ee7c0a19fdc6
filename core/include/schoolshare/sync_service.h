// The server side of sync and of the HTTP API's writes, without HTTP: the sync service binary maps
// routes onto these calls and writes the Reply it gets. Everything here is testable on a Store alone.
//
// Concurrency: one SyncService per thread, each over its own Store (connection). Writes of all
// threads are serialized by the shared `write_lock`, so two clients racing for one slot are judged one
// after the other and can never both be confirmed; reads run in parallel over WAL snapshots.
#pragma once

#include <functional>
#include <mutex>
#include <string>
#include <variant>

#include "schoolshare/clock.h"
#include "schoolshare/i18n.h"
#include "schoolshare/json.h"
#include "schoolshare/model.h"
#include "schoolshare/store.h"
#include "schoolshare/sync_protocol.h"

namespace schoolshare {
namespace sync {
struct MutationOutcome;  // sync/mutation_outcome.h
}

// An HTTP-shaped answer: status code and JSON body text.
struct Reply {
  int status = 200;
  std::string body;
  std::string content_type = "application/json; charset=utf-8";
};
// A reply decided now and written out later by whoever sends it: the group commit's writer decides
// under the write lock, and the HTTP thread waiting for it writes the JSON text, off the one writer core.
using DeferredReply = std::function<Reply()>;
// {"error": code, "message": message, ...extra}
Reply ErrorReply(int status, const std::string& code, const std::string& message, Json extra = Json::object());
Reply JsonReply(int status, const Json& body);
// The HTTP status of a Status that is an error: 400 invalid, 403, 404, 409 already exists, 423 locked,
// 503 unavailable or I/O, 500 else.
int HttpStatusOf(const Status& s);
Reply ErrorReply(const Status& s);

class SyncService {
 public:
  SyncService(Store& store, const Clock& clock, std::mutex& write_lock)
      : store_(store), clock_(clock), lock_(write_lock) {}

  // POST /v1/sync/register {client_id}: binds the client to the caller's token (a client id already
  // bound to another token is 403) and answers {client_id, server_epoch, last_client_seq, server_time}.
  Reply Register(const Actor& actor, const std::string& body);
  // POST /v1/sync/push: each mutation in its own transaction with its effects, its stored result and
  // the client's new last_client_seq. A gap answers 409 {error: "out_of_order", expected}; a transient
  // failure 503 {processed_up_to} without advancing. Rejections and quarantines are results, not errors.
  Reply Push(const Actor& actor, const std::string& body, Lang lang);
  // Push in two steps, for the server's group commit: what needs no store (the caller's role, the body;
  // a Reply when it refuses), then the batch for a caller that holds `write_lock` and may be inside a
  // transaction of its own (the batch is then a savepoint of it).
  static std::variant<sync::PushRequest, Reply> PreparePush(const Actor& actor, const std::string& body);
  Reply PushLocked(const Actor& actor, const sync::PushRequest& req, Lang lang);
  // GET /v1/sync/pull: the changes after the cursor the caller may see, with last_client_seq and the
  // stored results of the caller's mutations after `results_after`, read in one snapshot.
  Reply Pull(const Actor& actor, const std::string& client_id, const std::string& cursor, std::int64_t results_after,
             int limit);
  // GET /v1/sync/snapshot: every entity the caller may see (bookings and facts of the last 180 days
  // and all future ones) with the cursor to pull from afterwards.
  Reply Snapshot(const Actor& actor, const std::string& client_id);

  // A single mutation outside any client queue: the REST routes (POST /v1/bookings, /v1/facts, ...).
  // Idempotent by the entity id it carries. 201 created, 200 done or duplicate, 409 conflict,
  // 422 other rule, 400/403/404 as usual; a fact is always 201 (flags in the body).
  Reply Apply(const Actor& actor, const std::string& name, const Json& args, Lang lang);
  // Apply for a caller that already holds `write_lock` and may be inside a transaction of its own (the
  // server's group commit): the mutation runs in a savepoint, so a refusal undoes only itself. The
  // reply is written when the caller calls the result (after the commit, on another thread if it likes).
  DeferredReply ApplyLocked(const Actor& actor, const std::string& name, const Json& args, Lang lang);

 private:
  using Outcome = sync::MutationOutcome;
  Result<Outcome> ApplyMutation(const Actor& actor, const sync::Mutation& m, Lang lang);
  Result<Outcome> CreateBooking(const Actor& actor, const Json& args, Lang lang);
  Result<Outcome> CreateSeries(const Actor& actor, const Json& args, Lang lang);
  Result<Outcome> DecideBooking(const Actor& actor, const std::string& name, const Json& args, Lang lang);
  Result<Outcome> RecordFact(const Actor& actor, const Json& args, const std::string& client_time, Lang lang);
  Result<Outcome> EditCatalogue(const Actor& actor, const std::string& name, const Json& args);
  Result<TimeZone> ZoneOf(const std::string& school_id);
  std::string Scope(const Actor& actor) const;  // "" for district-wide roles, else the actor's school
  // The districts whose changes the actor replicates: a kiosk's school's, everyone else all of them.
  Result<std::vector<std::string>> DistrictsInScope(const Actor& actor);

  Store& store_;
  const Clock& clock_;
  std::mutex& lock_;
};

}  // namespace schoolshare
