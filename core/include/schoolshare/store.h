// The store: every entity of the domain, persisted. The sync service and the clients depend only on
// this interface (SQLite, or PostgreSQL for several sync instances); it speaks in domain operations, never in SQL.
//
// Contract:
//  - Every Put/Insert/Update runs inside a transaction and, in that same transaction, appends one
//    entry to the change log (strictly increasing version) and one entry to the audit log (actor).
//  - Transaction(fn) runs fn in one write transaction (BEGIN IMMEDIATE on SQLite) and commits when fn
//    returns ok, rolls back otherwise; calls nest (an inner call joins the outer transaction).
//    A write called outside Transaction() gets a transaction of its own. A nested call that fails
//    rolls back only its own part (a savepoint), so a caller may carry on (skip-conflicts series).
//  - Tokens are audited but never enter the change log (nothing secret is replicated).
//  - Reads outside a transaction see the latest committed state.
//  - A Store is used by one thread at a time; open one per thread.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "schoolshare/clock.h"
#include "schoolshare/i18n.h"
#include "schoolshare/model.h"
#include "schoolshare/status.h"

namespace schoolshare {

struct StoreOptions {
  bool create_if_missing = true;
  bool synchronous_full = true;  // an acknowledged write survives a power cut (WAL + synchronous=FULL)
  const Clock* clock = nullptr;  // times of audit and change-log entries; null: the system clock
  // Runs PRAGMA quick_check on open (O(database size): 2.7 s on the 150 MB bench city, milliseconds on a
  // district or a replica; docs/operations.md). Every binary does it when it opens its database: the
  // server at start-up, the CLI on each command, the kiosk and admin client on their replica. Off (the
  // server's further connections, bulk generation), a file that is not a database and one made by a
  // newer schoolshare are still refused at once.
  bool verify_integrity = false;
  // The language of the refusals above (the file, what is wrong; both versions for a newer file).
  Lang lang = Lang::kZh;
  // Foreign keys are enforced (PRAGMA foreign_keys). A sync client's replica turns them off: it holds
  // only what its scope may see (a booking's series or a part's whole may be outside it) and the server,
  // which enforces them, is the authority for every replicated row.
  bool foreign_keys = true;
  // SQLite: the connection never copies the WAL into the database file itself after a commit (PRAGMA
  // wal_autocheckpoint = 0); the process calls Checkpoint() from a thread of its own instead, so a
  // writer does not stop for it (the sync service). Whoever sets this must checkpoint regularly, or
  // the WAL file grows without bound.
  bool background_checkpoints = false;
};

// The start-up check of a binary that opens an existing file (the kiosk's and the admin client's
// replica): ok when `path` does not exist yet (it will be created) or opens with the integrity and
// schema-version checks (an older file is migrated); otherwise the refusal of Store::OpenSqlite in `lang`.
Status CheckDatabaseFile(const std::string& path, Lang lang);

struct ResourceFilter {
  std::string school_id;
  std::string district_id;
  std::optional<ResourceType> type;
  int min_capacity = 0;               // capacity for venues, quantity for equipment
  std::vector<std::string> features;  // all required
  bool include_inactive = false;
};

// The few columns a search ranks its candidates by (ListResourceKeys): cheaper than whole resources.
struct ResourceKey {
  std::string id;
  std::string school_id;
  ResourceType type = ResourceType::kRoom;
  int capacity = 0;
  int quantity = 0;
  ApprovalMode approval = ApprovalMode::kOwner;
};

struct BookingFilter {
  std::string resource_id;
  std::string school_id;        // requesting school
  std::string owner_school_id;  // school owning the resource
  std::string series_id;
  std::optional<Instant> from;          // bookings that end after from
  std::optional<Instant> to;            // and start before to
  std::vector<BookingStatus> statuses;  // empty: all
  std::optional<ApprovalStage> stage;
  int limit = 0;  // 0: no limit
};

struct FactFilter {
  std::string booking_id;
  std::string resource_id;
  std::optional<Instant> from;
  std::optional<Instant> to;
};

// A district's place in the change log: its latest version and its compaction mark (0 and 0 before
// its first change).
struct DistrictPosition {
  std::int64_t version = 0;
  std::int64_t compacted_up_to = 0;
};

class Store {
 public:
  virtual ~Store() = default;

  // Opens (and creates, and migrates to the current schema) a SQLite database file. A file that is not
  // a database, one made by a newer schoolshare (never migrated or written) or one that fails its
  // integrity check is refused with kCorruption and a message in options.lang naming the file.
  static Result<std::unique_ptr<Store>> OpenSqlite(const std::string& path, const StoreOptions& options = {});
  // Connects to a PostgreSQL database (a postgresql:// or postgres:// URI, or libpq "key=value" words)
  // and creates or upgrades its schema. For the sync service and the CLI on a server; a sync client's
  // replica stays SQLite (the replica operations below are refused here). An unreachable server is
  // kUnavailable.
  static Result<std::unique_ptr<Store>> OpenPostgres(const std::string& conninfo, const StoreOptions& options = {});
  // The database argument of the binaries: a postgresql:// or postgres:// URI opens PostgreSQL,
  // anything else is a SQLite file path.
  static Result<std::unique_ptr<Store>> Open(const std::string& location, const StoreOptions& options = {});
  static bool IsPostgresLocation(const std::string& location);

  virtual Status Transaction(const std::function<Status()>& fn) = 0;
  // Runs fn over one consistent snapshot without taking the write lock (BEGIN DEFERRED); fn must not
  // write. Inside Transaction() it simply runs fn.
  virtual Status ReadTransaction(const std::function<Status()>& fn) = 0;
  virtual int SchemaVersion() = 0;
  // Copies the whole database to `dest_path` while it stays in use (SQLite online backup).
  virtual Status Backup(const std::string& dest_path) = 0;
  // SQLite: copies what the WAL holds into the database file without waiting for readers or writers
  // (a PASSIVE checkpoint; one that finds another checkpoint running does nothing). For connections
  // opened with background_checkpoints. PostgreSQL checkpoints on its own: does nothing.
  virtual Status Checkpoint() { return Status::Ok(); }

  // --- catalogue ---
  virtual Status PutDistrict(const District& d, const Actor& by) = 0;
  virtual Result<District> GetDistrict(const std::string& id) = 0;
  virtual Result<std::vector<District>> ListDistricts() = 0;
  // The district a school belongs to (shortcut used on every booking).
  virtual Result<District> DistrictOfSchool(const std::string& school_id) = 0;

  virtual Status PutSchool(const School& s, const Actor& by) = 0;
  virtual Result<School> GetSchool(const std::string& id) = 0;
  virtual Result<std::vector<School>> ListSchools(const std::string& district_id = "") = 0;

  virtual Status PutResource(const Resource& r, const Actor& by) = 0;
  virtual Result<Resource> GetResource(const std::string& id) = 0;
  virtual Result<std::vector<Resource>> ListResources(const ResourceFilter& filter = {}) = 0;
  // The same resources as ListResources(filter), as keys only, ordered by id.
  virtual Result<std::vector<ResourceKey>> ListResourceKeys(const ResourceFilter& filter) = 0;
  // The resource's whole (parent) and parts (children), transitively, without the resource itself.
  virtual Result<std::vector<Resource>> RelatedResources(const std::string& resource_id) = 0;

  // Staff and classes belong to a school; their changes are in that school's scope (its kiosks see them).
  virtual Status PutStaff(const StaffMember& s, const Actor& by) = 0;
  virtual Result<StaffMember> GetStaff(const std::string& id) = 0;
  virtual Result<std::vector<StaffMember>> ListStaff(const std::string& school_id = "") = 0;  // by school, name
  virtual Status PutClass(const SchoolClass& c, const Actor& by) = 0;
  virtual Result<SchoolClass> GetClass(const std::string& id) = 0;
  virtual Result<std::vector<SchoolClass>> ListClasses(const std::string& school_id = "") = 0;  // by school, grade, id

  virtual Status PutBlackout(const Blackout& b, const Actor& by) = 0;
  virtual Status DeleteBlackout(const std::string& id, const Actor& by) = 0;
  virtual Result<Blackout> GetBlackout(const std::string& id) = 0;
  // Blackouts of the resource, or school-wide ones of its school, touching [from, to).
  virtual Result<std::vector<Blackout>> ListBlackouts(const std::string& resource_id, Instant from, Instant to) = 0;

  virtual Status PutCalendarDay(const CalendarDay& d, const std::string& district_id, const Actor& by) = 0;
  virtual Result<std::vector<CalendarDay>> ListCalendarDays(const std::string& district_id, const CivilDate& from,
                                                            const CivilDate& to) = 0;

  virtual Status PutAgreement(const SharingAgreement& a, const Actor& by) = 0;
  virtual Result<std::vector<SharingAgreement>> ListAgreements(const std::string& owner_school_id = "",
                                                               const std::string& borrower_school_id = "") = 0;

  // --- bookings ---
  // Insert refuses an existing id with kAlreadyExists; Update requires it and bumps version.
  virtual Status InsertBooking(const Booking& b, const Actor& by, const std::string& action = "booking.create") = 0;
  virtual Status UpdateBooking(const Booking& b, const Actor& by, const std::string& action) = 0;
  virtual Result<Booking> GetBooking(const std::string& id) = 0;
  virtual Result<Booking> FindBookingByCode(const std::string& code) = 0;
  virtual Result<std::vector<Booking>> ListBookings(const BookingFilter& filter) = 0;
  // Held (pending or confirmed) bookings on any of `resource_ids` that end after `from` and start
  // before `to`. Bounded by the longest booking so it never scans a resource's whole history.
  virtual Result<std::vector<Booking>> ListHeldBookings(const std::vector<std::string>& resource_ids, Instant from,
                                                        Instant to) = 0;
  // Held minutes the requesting school has on `resource_ids` in [from, to) (bookings starting there).
  virtual Result<int> HeldMinutes(const std::string& requesting_school_id, const std::vector<std::string>& resource_ids,
                                  Instant from, Instant to) = 0;
  virtual bool BookingCodeExists(const std::string& code) = 0;

  virtual Status PutSeries(const BookingSeries& s, const Actor& by) = 0;
  virtual Result<BookingSeries> GetSeries(const std::string& id) = 0;

  // --- usage facts ---
  // A fact whose id is already stored is kAlreadyExists and changes nothing.
  virtual Status InsertFact(const UsageFact& f, const Actor& by) = 0;
  virtual Result<UsageFact> GetFact(const std::string& id) = 0;  // kNotFound when not recorded
  virtual Result<std::vector<UsageFact>> ListFacts(const FactFilter& filter) = 0;

  // --- report periods ---
  virtual Result<ReportPeriod> GetReportPeriod(const std::string& school_id, const std::string& month) = 0;
  virtual Status PutReportPeriod(const ReportPeriod& p, const Actor& by) = 0;

  // --- actors ---
  virtual Status InsertToken(const TokenRecord& t, const Actor& by) = 0;
  virtual Result<TokenRecord> FindTokenByHash(const std::string& hash) = 0;
  virtual Result<std::vector<TokenRecord>> ListTokens() = 0;
  virtual Status RevokeToken(const std::string& id, const Actor& by) = 0;

  // --- reconciliation ---
  // Insert or update (resolve) an item; it enters the change log in its school's scope.
  virtual Status PutReconciliationItem(const ReconciliationItem& item, const Actor& by) = 0;
  // Items of one owner school ("" for all), oldest first.
  virtual Result<std::vector<ReconciliationItem>> ListReconciliationItems(const std::string& school_id,
                                                                          bool open_only) = 0;
  virtual Result<ReconciliationItem> GetReconciliationItem(const std::string& id) = 0;

  // --- logs ---
  virtual Result<std::vector<AuditEntry>> ListAudit(const std::string& entity, const std::string& entity_id) = 0;
  // Every change belongs to one district and carries that district's version: the versions of a
  // district grow with each of its changes and commit in order (with several writers too), so a reader
  // that has seen version v of a district has seen all of the district's changes up to v. Versions of
  // different districts are not comparable (on SQLite they happen to share one sequence).
  //
  // One district's changes after `after_version` in order. With a scope school, only that school's
  // changes and the district-wide ones (empty scope): what a kiosk of that school may see.
  virtual Result<std::vector<Change>> ListChanges(const std::string& district_id, std::int64_t after_version, int limit,
                                                  const std::string& scope_school = "") = 0;
  // The district's latest version: the cursor of a reader that has seen all of its changes (0: none yet).
  virtual Result<std::int64_t> DistrictVersion(const std::string& district_id) = 0;
  // Where each of `district_ids` stands, in their order: DistrictVersion and CompactedUpTo of each. A
  // pull reads every district in its reader's scope this way; the PostgreSQL store answers in one query
  // (the default asks district by district).
  virtual Result<std::vector<DistrictPosition>> DistrictPositions(const std::vector<std::string>& district_ids);
  // A number that grows with every change anywhere in the deployment ("did anything change?").
  virtual Result<std::int64_t> LatestVersion() = 0;
  // The district's highest compacted version: a cursor below it has missed compacted changes.
  virtual Result<std::int64_t> CompactedUpTo(const std::string& district_id) = 0;
  // Drops change-log entries written before `before` (their entities stay); audit entries keep their
  // own detail-less rows. Returns how many were dropped.
  virtual Result<std::int64_t> CompactChanges(Instant before) = 0;

  // --- sync service bookkeeping (never replicated) ---
  // A random id made when the database is created and made anew in every backup copy: a server
  // restored from a backup presents a new epoch, so its clients know to resynchronise.
  virtual Result<std::string> ServerEpoch() = 0;
  virtual Status PutSyncClient(const SyncClient& c) = 0;
  virtual Result<SyncClient> GetSyncClient(const std::string& id) = 0;
  virtual Result<std::vector<SyncClient>> ListSyncClients() = 0;
  // Stores the result and advances the client's last_client_seq to m.client_seq, in one write.
  virtual Status PutMutationRecord(const MutationRecord& m) = 0;
  virtual Result<MutationRecord> GetMutationRecord(const std::string& client_id, std::int64_t client_seq) = 0;
  virtual Result<std::vector<MutationRecord>> ListMutationRecords(const std::string& client_id, std::int64_t after_seq,
                                                                  int limit) = 0;
  // Keeps the raw payload of a mutation that failed unexpectedly, for an operator to look at.
  virtual Status PutQuarantine(const MutationRecord& m, const std::string& payload, const std::string& error) = 0;

  // --- sync client bookkeeping (a client's local replica; never replicated) ---
  // Writes one entity as the server replicated it (a pulled change or a snapshot entity; data is the
  // entity's JSON shape, times in UTC): op "put" inserts or replaces the row, "del" removes it. No
  // change-log or audit entry is written: the replica mirrors the server's log and adds nothing to it.
  // Unknown entities are skipped (ok), so an older client survives a newer server.
  virtual Status ApplyReplicated(const Change& change) = 0;
  // Removes every replicated row (catalogue, calendar, agreements, bookings, series, facts, periods,
  // reconciliation items) before a snapshot is loaded. The client's own tables stay.
  virtual Status ClearReplica() = 0;
  // Inserts the entry, or replaces the one with the same client_seq.
  virtual Status PutOutboxEntry(const OutboxEntry& e) = 0;
  virtual Status DeleteOutboxEntry(std::int64_t client_seq) = 0;
  // Entries after `after_seq` in client_seq order, of one state or of all, at most `limit` (0: all).
  virtual Result<std::vector<OutboxEntry>> ListOutbox(std::int64_t after_seq, std::optional<OutboxState> state,
                                                      int limit) = 0;
  virtual Result<std::int64_t> CountOutbox(OutboxState state) = 0;
  // Drops acknowledged and rejected entries created before `before` (never pending ones); returns how many.
  virtual Result<std::int64_t> PurgeOutbox(Instant before) = 0;
  // The client's small key/value state (client id, cursor, epoch, clock offset): "" when unset.
  virtual Result<std::string> GetClientState(const std::string& key) = 0;
  virtual Status PutClientState(const std::string& key, const std::string& value) = 0;
  // Adds an item once per mutation id: putting the same mutation again changes nothing.
  virtual Status PutAttentionItem(const AttentionItem& item) = 0;
  // Oldest first.
  virtual Result<std::vector<AttentionItem>> ListAttentionItems(bool include_dismissed) = 0;
  virtual Status DismissAttentionItem(const std::string& mutation_id, Instant at) = 0;
};

}  // namespace schoolshare
