// The sync protocol's wire shapes (DESIGN.md section 4), shared by the sync service and its clients.
//
// A client writes mutations {id, client_seq, name, args, client_time}; client_seq counts 1, 2, 3, ...
// per client with no gaps. The server answers each with a result whose status is one of
//   applied          the change is made (its effects are in the change log)
//   applied_flagged  a fact with an anomaly: stored anyway, with flags (and maybe a reconciliation item)
//   rejected         a rule or the caller's scope refused it: error, message, conflicts, alternatives
//   duplicate        already done: "original" holds the first answer, word for word
//   quarantined      an unexpected failure: payload kept for an operator, sequence advanced
// A pull cursor holds the server epoch and, per district, the last change version the reader has seen
// (see Cursor); a new epoch (a restored server) or a cursor older than the retained log answers
// {"reset": true}.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "schoolshare/booking_service.h"
#include "schoolshare/json.h"
#include "schoolshare/model.h"
#include "schoolshare/status.h"

namespace schoolshare::sync {

// Limits the service enforces (the HTTP layer adds the body-size limit).
constexpr int kMaxMutationsPerPush = 1000;
constexpr int kDefaultPullLimit = 1000;
constexpr int kMaxPullLimit = 20000;
constexpr int kMaxJsonDepth = 32;
constexpr std::size_t kMaxIdLength = 128;

// The mutation names: claims the server decides, facts it always keeps, and catalogue edits.
constexpr const char kCreateBooking[] = "create_booking";
constexpr const char kCreateSeries[] = "create_series";
constexpr const char kCancelBooking[] = "cancel_booking";
constexpr const char kApproveBooking[] = "approve_booking";
constexpr const char kRejectBooking[] = "reject_booking";
constexpr const char kRecordFact[] = "record_fact";
constexpr const char kPutResource[] = "put_resource";
constexpr const char kPutSchool[] = "put_school";
constexpr const char kPutBlackout[] = "put_blackout";
constexpr const char kPutStaff[] = "put_staff";
constexpr const char kPutClass[] = "put_class";
constexpr const char kDeleteBlackout[] = "delete_blackout";
constexpr const char kResolveReconciliation[] = "resolve_reconciliation";
bool IsKnownMutation(const std::string& name);
const std::vector<std::string>& MutationNames();

struct Mutation {
  std::string id;  // a UUID chosen by the client
  std::int64_t client_seq = 0;
  std::string name;
  Json args;
  std::string client_time;  // RFC 3339 device time when it was recorded ("" if unknown)
};

struct PushRequest {
  std::string client_id;
  std::vector<Mutation> mutations;  // in client_seq order, contiguous
};

// The nesting depth of a JSON text, measured without building it (so a 10,000-deep body costs nothing).
int JsonDepth(const std::string& text);

// Parses and checks a push body: shape, types, sizes, known names, contiguous sequence numbers.
// The arguments of each mutation are checked when it is applied. Never throws.
Result<PushRequest> ParsePushRequest(const std::string& body);

// The string field `key` of an object, or "" when it is missing or not a string.
std::string StringField(const Json& j, const char* key);

// The booking a walk-in fact claims on its slot, from the fact and its mutation arguments (claim_id,
// organizer, title, attendees) and its end: the server judges it, a client shows it optimistically.
BookingRequest WalkInClaim(const UsageFact& fact, const Json& args, Instant end);

// Opaque to clients: "<epoch>:<base>[,<district>.<version>]...". <base> is the version of every district
// not listed: 0 in the cursors handed out now, the single number of a cursor from before versions were
// per district (they were one sequence then, so it still means "seen up to here" in every district).
// A district id is written with each byte outside [A-Za-z0-9_-] as ~XX (hex), so the cursor needs no
// escaping in a URL.
struct Cursor {
  std::string epoch;
  std::int64_t base = 0;
  std::map<std::string, std::int64_t> versions;  // by district id
  std::int64_t VersionOf(const std::string& district_id) const;
  std::string ToString() const;
};
constexpr std::size_t kMaxCursorLength = 6000;  // under the server's URI limit; several hundred districts
// "" is the beginning (no epoch). Anything else that is not a cursor as above is InvalidArgument.
Result<Cursor> ParseCursor(const std::string& text);

}  // namespace schoolshare::sync
