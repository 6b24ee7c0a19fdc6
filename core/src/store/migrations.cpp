#include "store/migrations.h"

#include <string>

namespace schoolshare::store {
namespace {

// Version 1: districts, schools, resources, blackouts, bookings and series, usage facts, report
// periods, tokens, audit log and change log.
constexpr const char kSchemaV1[] = R"sql(
CREATE TABLE districts (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  time_zone TEXT NOT NULL,
  locale TEXT NOT NULL
);
CREATE TABLE schools (
  id TEXT PRIMARY KEY,
  district_id TEXT NOT NULL REFERENCES districts(id),
  name TEXT NOT NULL,
  name_en TEXT NOT NULL DEFAULT '',
  kind TEXT NOT NULL CHECK (kind IN ('core', 'member', 'partner')),
  weak INTEGER NOT NULL DEFAULT 0,
  students INTEGER NOT NULL DEFAULT 0 CHECK (students >= 0),
  lat REAL NOT NULL DEFAULT 0,
  lon REAL NOT NULL DEFAULT 0,
  periods TEXT NOT NULL DEFAULT '[]'
);
CREATE INDEX schools_district ON schools(district_id);
CREATE TABLE resources (
  id TEXT PRIMARY KEY,
  school_id TEXT NOT NULL REFERENCES schools(id),
  name TEXT NOT NULL,
  name_en TEXT NOT NULL DEFAULT '',
  type TEXT NOT NULL CHECK (type IN ('field', 'hall', 'lab', 'room', 'equipment')),
  capacity INTEGER NOT NULL DEFAULT 0 CHECK (capacity >= 0),
  quantity INTEGER NOT NULL DEFAULT 0 CHECK (quantity >= 0),
  features TEXT NOT NULL DEFAULT '[]',
  opening_hours TEXT NOT NULL DEFAULT '[]',
  buffer_minutes INTEGER NOT NULL DEFAULT 0 CHECK (buffer_minutes >= 0),
  parent_id TEXT REFERENCES resources(id),
  shared INTEGER NOT NULL DEFAULT 1,
  approval TEXT NOT NULL DEFAULT 'owner' CHECK (approval IN ('none', 'owner', 'owner_then_district')),
  min_notice_minutes INTEGER NOT NULL DEFAULT 0,
  max_advance_days INTEGER NOT NULL DEFAULT 0,
  max_duration_minutes INTEGER NOT NULL DEFAULT 0,
  weekly_cap_minutes INTEGER NOT NULL DEFAULT 0,
  hourly_fee_cents INTEGER NOT NULL DEFAULT 0,
  active INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX resources_school ON resources(school_id);
CREATE INDEX resources_parent ON resources(parent_id) WHERE parent_id IS NOT NULL;
CREATE TABLE blackouts (
  id TEXT PRIMARY KEY,
  resource_id TEXT REFERENCES resources(id),
  school_id TEXT NOT NULL REFERENCES schools(id),
  start_at INTEGER NOT NULL,
  end_at INTEGER NOT NULL CHECK (end_at > start_at),
  kind TEXT NOT NULL,
  reason TEXT NOT NULL DEFAULT ''
);
CREATE INDEX blackouts_school ON blackouts(school_id, start_at);
CREATE TABLE booking_series (
  id TEXT PRIMARY KEY,
  resource_id TEXT NOT NULL REFERENCES resources(id),
  school_id TEXT NOT NULL REFERENCES schools(id),
  data TEXT NOT NULL,
  created_by TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE TABLE bookings (
  id TEXT PRIMARY KEY,
  resource_id TEXT NOT NULL REFERENCES resources(id),
  school_id TEXT NOT NULL REFERENCES schools(id),
  organizer TEXT NOT NULL DEFAULT '',
  title TEXT NOT NULL DEFAULT '',
  activity_type TEXT NOT NULL DEFAULT 'other',
  attendees INTEGER NOT NULL DEFAULT 0,
  quantity INTEGER NOT NULL DEFAULT 0,
  start_at INTEGER NOT NULL,
  end_at INTEGER NOT NULL CHECK (end_at > start_at),
  status TEXT NOT NULL CHECK (status IN ('pending', 'confirmed', 'rejected', 'cancelled')),
  stage TEXT NOT NULL DEFAULT 'none',
  series_id TEXT REFERENCES booking_series(id),
  code TEXT NOT NULL UNIQUE,
  note TEXT NOT NULL DEFAULT '',
  created_by TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX bookings_resource_start ON bookings(resource_id, start_at);
CREATE INDEX bookings_school_start ON bookings(school_id, start_at);
CREATE INDEX bookings_series ON bookings(series_id) WHERE series_id IS NOT NULL;
CREATE INDEX bookings_pending ON bookings(stage) WHERE status = 'pending';
-- The longest booking ever stored per resource: bounds the overlap query (start_at > from - longest).
CREATE TABLE booking_bounds (
  resource_id TEXT PRIMARY KEY REFERENCES resources(id),
  longest_seconds INTEGER NOT NULL
);
CREATE TABLE usage_facts (
  id TEXT PRIMARY KEY,
  kind TEXT NOT NULL CHECK (kind IN ('check_in', 'check_out', 'walk_in', 'hand_out', 'return')),
  booking_id TEXT,
  resource_id TEXT NOT NULL,
  school_id TEXT NOT NULL DEFAULT '',
  at INTEGER NOT NULL,
  quantity INTEGER NOT NULL DEFAULT 0,
  condition TEXT NOT NULL DEFAULT '',
  note TEXT NOT NULL DEFAULT '',
  recorded_by TEXT NOT NULL,
  received_at INTEGER NOT NULL,
  flag TEXT NOT NULL DEFAULT ''
);
CREATE INDEX facts_booking ON usage_facts(booking_id) WHERE booking_id IS NOT NULL;
CREATE INDEX facts_resource_at ON usage_facts(resource_id, at);
CREATE TABLE report_periods (
  school_id TEXT NOT NULL REFERENCES schools(id),
  month TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('open', 'signed_off')),
  signed_off_by TEXT NOT NULL DEFAULT '',
  signed_off_at INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (school_id, month)
);
CREATE TABLE tokens (
  id TEXT PRIMARY KEY,
  role TEXT NOT NULL CHECK (role IN ('district_admin', 'school_manager', 'kiosk', 'auditor')),
  school_id TEXT NOT NULL DEFAULT '',
  label TEXT NOT NULL DEFAULT '',
  hash TEXT NOT NULL UNIQUE,
  created_at INTEGER NOT NULL,
  revoked INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE audit_log (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  at INTEGER NOT NULL,
  actor_id TEXT NOT NULL,
  action TEXT NOT NULL,
  entity TEXT NOT NULL,
  entity_id TEXT NOT NULL,
  detail TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_entity ON audit_log(entity, entity_id, seq);
CREATE TABLE change_log (
  version INTEGER PRIMARY KEY AUTOINCREMENT,
  entity TEXT NOT NULL,
  entity_id TEXT NOT NULL,
  op TEXT NOT NULL CHECK (op IN ('put', 'del')),
  data TEXT NOT NULL,
  at INTEGER NOT NULL
);
)sql";

// Version 2: sharing agreements between schools, and the district calendar.
constexpr const char kSchemaV2[] = R"sql(
CREATE TABLE sharing_agreements (
  id TEXT PRIMARY KEY,
  owner_school_id TEXT NOT NULL REFERENCES schools(id),
  borrower_school_id TEXT NOT NULL REFERENCES schools(id),
  resource_ids TEXT NOT NULL DEFAULT '[]',
  windows TEXT NOT NULL DEFAULT '[]',
  weekly_cap_minutes INTEGER NOT NULL DEFAULT 0,
  auto_approve INTEGER NOT NULL DEFAULT 1,
  valid_from TEXT NOT NULL,
  valid_to TEXT NOT NULL,
  CHECK (owner_school_id <> borrower_school_id)
);
CREATE INDEX agreements_pair ON sharing_agreements(owner_school_id, borrower_school_id);
CREATE TABLE calendar_days (
  district_id TEXT NOT NULL REFERENCES districts(id),
  date TEXT NOT NULL,
  school_id TEXT NOT NULL DEFAULT '',
  kind TEXT NOT NULL CHECK (kind IN ('public_holiday', 'school_holiday', 'exam', 'makeup_workday')),
  runs_weekday INTEGER NOT NULL DEFAULT 0 CHECK (runs_weekday BETWEEN 0 AND 7),
  name TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (district_id, date, school_id)
);
)sql";

// Version 3: an audit entry points at the change-log entry it made instead of repeating its data.
constexpr const char kSchemaV3[] = R"sql(
ALTER TABLE audit_log ADD COLUMN change_version INTEGER REFERENCES change_log(version);
)sql";

// Version 4: the per-resource time index also covers end, status and requesting school, so the weekly
// hours of a borrower (fair-share cap) are summed from the index alone.
constexpr const char kSchemaV4[] = R"sql(
DROP INDEX bookings_resource_start;
CREATE INDEX bookings_resource_span ON bookings(resource_id, start_at, end_at, status, school_id);
)sql";

// Version 5: the sync service. Each change names the school whose kiosks may see it (empty: everyone,
// as for districts, schools and the district calendar); registered
// clients with their last applied mutation, the stored result of every mutation, quarantined payloads,
// reconciliation items, and the server epoch (made anew in every backup copy).
constexpr const char kSchemaV5[] = R"sql(
ALTER TABLE change_log ADD COLUMN scope TEXT NOT NULL DEFAULT '';
UPDATE change_log SET scope = COALESCE(
  CASE entity
    WHEN 'resource' THEN (SELECT school_id FROM resources WHERE id = entity_id)
    WHEN 'blackout' THEN (SELECT school_id FROM blackouts WHERE id = entity_id)
    WHEN 'agreement' THEN (SELECT owner_school_id FROM sharing_agreements WHERE id = entity_id)
    WHEN 'booking' THEN (SELECT r.school_id FROM bookings b JOIN resources r ON r.id = b.resource_id
                         WHERE b.id = entity_id)
    WHEN 'series' THEN (SELECT r.school_id FROM booking_series s JOIN resources r ON r.id = s.resource_id
                        WHERE s.id = entity_id)
    WHEN 'fact' THEN (SELECT r.school_id FROM usage_facts f JOIN resources r ON r.id = f.resource_id
                      WHERE f.id = entity_id)
    WHEN 'report_period' THEN substr(entity_id, 1, instr(entity_id, '/') - 1)
    WHEN 'calendar_day' THEN json_extract(data, '$.school_id')
  END, '');
CREATE INDEX change_log_scope ON change_log(scope, version);
CREATE TABLE server_meta (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
INSERT INTO server_meta(key, value) VALUES ('epoch', lower(hex(randomblob(16)))), ('compacted_up_to', '0');
CREATE TABLE sync_clients (
  id TEXT PRIMARY KEY,
  token_id TEXT NOT NULL,
  school_id TEXT NOT NULL DEFAULT '',
  last_client_seq INTEGER NOT NULL DEFAULT 0 CHECK (last_client_seq >= 0),
  registered_at INTEGER NOT NULL,
  last_seen_at INTEGER NOT NULL
);
CREATE TABLE mutation_results (
  client_id TEXT NOT NULL REFERENCES sync_clients(id),
  client_seq INTEGER NOT NULL,
  mutation_id TEXT NOT NULL,
  name TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('applied', 'applied_flagged', 'rejected', 'quarantined')),
  result TEXT NOT NULL,
  at INTEGER NOT NULL,
  PRIMARY KEY (client_id, client_seq)
) WITHOUT ROWID;
CREATE TABLE quarantine (
  client_id TEXT NOT NULL,
  client_seq INTEGER NOT NULL,
  mutation_id TEXT NOT NULL,
  payload TEXT NOT NULL,
  error TEXT NOT NULL,
  at INTEGER NOT NULL,
  PRIMARY KEY (client_id, client_seq)
);
CREATE TABLE reconciliation_items (
  id TEXT PRIMARY KEY,
  school_id TEXT NOT NULL REFERENCES schools(id),
  resource_id TEXT NOT NULL DEFAULT '',
  fact_id TEXT NOT NULL DEFAULT '',
  booking_id TEXT NOT NULL DEFAULT '',
  reason TEXT NOT NULL,
  detail TEXT NOT NULL DEFAULT '{}',
  resolved INTEGER NOT NULL DEFAULT 0,
  resolution TEXT NOT NULL DEFAULT '',
  resolved_by TEXT NOT NULL DEFAULT '',
  created_at INTEGER NOT NULL,
  resolved_at INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX reconciliation_school ON reconciliation_items(school_id, resolved, created_at);
)sql";

// Version 6: a sync client's own tables in its local replica (the server never writes them): the
// outbox of mutations with their results and undo information, the client's state (id, cursor, epoch,
// clock offset) and the needs-attention list of refused mutations.
constexpr const char kSchemaV6[] = R"sql(
CREATE TABLE client_outbox (
  client_seq INTEGER PRIMARY KEY,
  mutation_id TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  args TEXT NOT NULL,
  client_time TEXT NOT NULL DEFAULT '',
  created_at INTEGER NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('pending', 'acked', 'rejected')),
  result TEXT NOT NULL DEFAULT '',
  undo TEXT NOT NULL DEFAULT '',
  acked_at INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX client_outbox_state ON client_outbox(state, client_seq);
CREATE TABLE client_state (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
CREATE TABLE client_attention (
  mutation_id TEXT PRIMARY KEY,
  client_seq INTEGER NOT NULL,
  name TEXT NOT NULL,
  args TEXT NOT NULL,
  result TEXT NOT NULL,
  error TEXT NOT NULL DEFAULT '',
  message TEXT NOT NULL DEFAULT '',
  created_at INTEGER NOT NULL,
  dismissed INTEGER NOT NULL DEFAULT 0,
  dismissed_at INTEGER NOT NULL DEFAULT 0
);
)sql";

// Version 7: staff and classes (with their weekly timetables), and the class a booking is for.
constexpr const char kSchemaV7[] = R"sql(
CREATE TABLE staff (
  id TEXT PRIMARY KEY,
  school_id TEXT NOT NULL REFERENCES schools(id),
  name TEXT NOT NULL,
  name_en TEXT NOT NULL DEFAULT '',
  role TEXT NOT NULL DEFAULT '',
  active INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX staff_school ON staff(school_id, id);
CREATE TABLE school_classes (
  id TEXT PRIMARY KEY,
  school_id TEXT NOT NULL REFERENCES schools(id),
  name TEXT NOT NULL,
  name_en TEXT NOT NULL DEFAULT '',
  grade INTEGER NOT NULL DEFAULT 0 CHECK (grade BETWEEN 0 AND 12),
  students INTEGER NOT NULL DEFAULT 0 CHECK (students >= 0),
  lessons TEXT NOT NULL DEFAULT '[]',
  active INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX school_classes_school ON school_classes(school_id, id);
ALTER TABLE bookings ADD COLUMN class_id TEXT NOT NULL DEFAULT '';
)sql";

// Version 8: the availability search finds its candidates by type and size (a city's 500-seat halls)
// without reading every resource.
constexpr const char kSchemaV8[] = R"sql(
CREATE INDEX resources_type_capacity ON resources(type, capacity);
)sql";

// Version 9: calendar feed tokens. The role CHECK gains 'feed', so the table is rebuilt (SQLite cannot
// alter a CHECK; nothing refers to it).
constexpr const char kSchemaV9[] = R"sql(
CREATE TABLE tokens_v8 (
  id TEXT PRIMARY KEY,
  role TEXT NOT NULL CHECK (role IN ('district_admin', 'school_manager', 'kiosk', 'auditor', 'feed')),
  school_id TEXT NOT NULL DEFAULT '',
  label TEXT NOT NULL DEFAULT '',
  hash TEXT NOT NULL UNIQUE,
  created_at INTEGER NOT NULL,
  revoked INTEGER NOT NULL DEFAULT 0,
  feed_id TEXT NOT NULL DEFAULT ''
);
INSERT INTO tokens_v8(id, role, school_id, label, hash, created_at, revoked)
  SELECT id, role, school_id, label, hash, created_at, revoked FROM tokens;
DROP TABLE tokens;
ALTER TABLE tokens_v8 RENAME TO tokens;
)sql";

constexpr const char kSchemaV10[] = R"sql(
ALTER TABLE usage_facts ADD COLUMN returned_by TEXT NOT NULL DEFAULT '';
ALTER TABLE usage_facts ADD COLUMN override_by TEXT NOT NULL DEFAULT '';
)sql";

// Version 11: every change names its district, so a pull reads one district's changes in its version
// order. Versions stay one sequence here (a single writer); the per-district compaction marks start from
// the deployment-wide one, which is conservative.
constexpr const char kSchemaV11[] = R"sql(
ALTER TABLE change_log ADD COLUMN district_id TEXT NOT NULL DEFAULT '';
UPDATE change_log SET district_id = COALESCE(
  CASE
    WHEN scope <> '' THEN (SELECT district_id FROM schools WHERE id = scope)
    WHEN entity = 'district' THEN entity_id
    WHEN entity = 'school' THEN (SELECT district_id FROM schools WHERE id = entity_id)
    WHEN entity = 'calendar_day' THEN substr(entity_id, 1, instr(entity_id, '/') - 1)
  END, json_extract(data, '$.district_id'), '');
DROP INDEX change_log_scope;
CREATE INDEX change_log_district ON change_log(district_id, version);
CREATE INDEX change_log_district_scope ON change_log(district_id, scope, version);
INSERT INTO server_meta(key, value)
  SELECT 'compacted_up_to/' || d.id, m.value FROM districts d JOIN server_meta m ON m.key = 'compacted_up_to';
)sql";

}  // namespace

const std::vector<Migration>& Migrations() {
  static const std::vector<Migration> kMigrations = {
      {1, "catalogue, bookings, facts, periods, tokens, audit and change logs", kSchemaV1},
      {2, "sharing agreements and district calendar", kSchemaV2},
      {3, "audit entries refer to their change-log entry", kSchemaV3},
      {4, "covering index for weekly hours per resource", kSchemaV4},
      {5, "sync service: change scope, clients, mutation results, quarantine, reconciliation, epoch", kSchemaV5},
      {6, "sync client: outbox, client state, needs-attention list", kSchemaV6},
      {7, "staff, classes and their timetables; the class a booking is for", kSchemaV7},
      {8, "search: resources by type and capacity", kSchemaV8},
      {9, "calendar feed tokens: the feed a token of role feed opens", kSchemaV9},
      {10, "facts: who returned equipment, which staff member overrode a check-in window", kSchemaV10},
      {11, "change log: the district of every change, read per district", kSchemaV11},
  };
  return kMigrations;
}

int LatestSchemaVersion() { return Migrations().back().version; }

Result<int> ReadSchemaVersion(sqlite::Database& db) {
  SS_ASSIGN_OR_RETURN(sqlite::Statement * stmt, db.Prepare("PRAGMA user_version"));
  sqlite::ScopedReset reset(*stmt);
  SS_ASSIGN_OR_RETURN(bool row, stmt->Step());
  if (!row) return Status::Corruption("cannot read the schema version");
  return static_cast<int>(stmt->Int(0));
}

Status Migrate(sqlite::Database& db, int target) {
  if (target < 0) target = LatestSchemaVersion();
  SS_ASSIGN_OR_RETURN(int current, ReadSchemaVersion(db));
  if (current > LatestSchemaVersion()) {
    return Status::Corruption("the database has schema version " + std::to_string(current) +
                              ", newer than this schoolshare supports (" + std::to_string(LatestSchemaVersion()) +
                              "); upgrade schoolshare to open it");
  }
  for (const Migration& m : Migrations()) {
    if (m.version <= current || m.version > target) continue;
    SS_RETURN_IF_ERROR(db.Exec("BEGIN IMMEDIATE"));
    Status s = db.Exec(m.sql);
    if (s.ok()) s = db.Exec("PRAGMA user_version = " + std::to_string(m.version));
    if (!s.ok()) {
      db.Exec("ROLLBACK");
      return Status(s.code(),
                    "migration " + std::to_string(m.version) + " (" + m.description + ") failed: " + s.message());
    }
    SS_RETURN_IF_ERROR(db.Exec("COMMIT"));
  }
  return Status::Ok();
}

}  // namespace schoolshare::store
