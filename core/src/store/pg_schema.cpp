#include "store/pg_schema.h"

#include <string>

namespace schoolshare::pg {
namespace {

// Version 1: the SQLite schema as of its version 10, laid out for Citus. Rules:
//  - Every district-owned table carries district_id, and it leads every primary key, unique
//    constraint, exclusion constraint and foreign key between district-owned tables (Citus distributes
//    them by district_id and allows only constraints that include it).
//  - districts and schools are small and read by all: Citus reference tables. A reference to a school
//    that may be in another district (a booking's requesting school, an agreement's borrower) points
//    at schools(id).
//  - tokens, sync_clients, mutation_results, quarantine, server_meta and counters are deployment-wide
//    bookkeeping (version 3 keys sync_clients, mutation_results and quarantine by district; see
//    docs/scale.md).
//  - Times are int64 UTC seconds as on SQLite; bookings also keep a half-open tstzrange of them, and an
//    exclusion constraint refuses two held (pending or confirmed) bookings of one venue whose ranges
//    overlap (SQLSTATE 23P01). Equipment (shared by stock) and walk-in claims over a no-show are
//    judged by the service only.
//  - The change log's versions come from a counter row updated in the writing transaction (a sequence
//    hands out values that commit out of order; a pull cursor must never skip a late commit).
constexpr const char kSchemaV1[] = R"sql(
CREATE EXTENSION IF NOT EXISTS btree_gist;
CREATE TABLE districts (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  time_zone TEXT NOT NULL,
  locale TEXT NOT NULL
);
CREATE TABLE schools (
  district_id TEXT NOT NULL REFERENCES districts(id),
  id TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  name_en TEXT NOT NULL DEFAULT '',
  kind TEXT NOT NULL CHECK (kind IN ('core', 'member', 'partner')),
  weak INTEGER NOT NULL DEFAULT 0,
  students INTEGER NOT NULL DEFAULT 0 CHECK (students >= 0),
  lat DOUBLE PRECISION NOT NULL DEFAULT 0,
  lon DOUBLE PRECISION NOT NULL DEFAULT 0,
  periods TEXT NOT NULL DEFAULT '[]',
  PRIMARY KEY (district_id, id)
);
CREATE TABLE resources (
  district_id TEXT NOT NULL,
  id TEXT NOT NULL,
  school_id TEXT NOT NULL,
  name TEXT NOT NULL,
  name_en TEXT NOT NULL DEFAULT '',
  type TEXT NOT NULL CHECK (type IN ('field', 'hall', 'lab', 'room', 'equipment')),
  capacity INTEGER NOT NULL DEFAULT 0 CHECK (capacity >= 0),
  quantity INTEGER NOT NULL DEFAULT 0 CHECK (quantity >= 0),
  features TEXT NOT NULL DEFAULT '[]',
  opening_hours TEXT NOT NULL DEFAULT '[]',
  buffer_minutes INTEGER NOT NULL DEFAULT 0 CHECK (buffer_minutes >= 0),
  parent_id TEXT,
  shared INTEGER NOT NULL DEFAULT 1,
  approval TEXT NOT NULL DEFAULT 'owner' CHECK (approval IN ('none', 'owner', 'owner_then_district')),
  min_notice_minutes INTEGER NOT NULL DEFAULT 0,
  max_advance_days INTEGER NOT NULL DEFAULT 0,
  max_duration_minutes INTEGER NOT NULL DEFAULT 0,
  weekly_cap_minutes INTEGER NOT NULL DEFAULT 0,
  hourly_fee_cents INTEGER NOT NULL DEFAULT 0,
  active INTEGER NOT NULL DEFAULT 1,
  PRIMARY KEY (district_id, id),
  FOREIGN KEY (district_id, school_id) REFERENCES schools(district_id, id),
  FOREIGN KEY (district_id, parent_id) REFERENCES resources(district_id, id)
);
CREATE INDEX resources_id ON resources(id);
CREATE INDEX resources_school ON resources(school_id);
CREATE INDEX resources_parent ON resources(parent_id) WHERE parent_id IS NOT NULL;
CREATE INDEX resources_type_capacity ON resources(type, capacity);
CREATE TABLE staff (
  district_id TEXT NOT NULL,
  id TEXT NOT NULL,
  school_id TEXT NOT NULL,
  name TEXT NOT NULL,
  name_en TEXT NOT NULL DEFAULT '',
  role TEXT NOT NULL DEFAULT '',
  active INTEGER NOT NULL DEFAULT 1,
  PRIMARY KEY (district_id, id),
  FOREIGN KEY (district_id, school_id) REFERENCES schools(district_id, id)
);
CREATE INDEX staff_id ON staff(id);
CREATE INDEX staff_school ON staff(school_id, id);
CREATE TABLE school_classes (
  district_id TEXT NOT NULL,
  id TEXT NOT NULL,
  school_id TEXT NOT NULL,
  name TEXT NOT NULL,
  name_en TEXT NOT NULL DEFAULT '',
  grade INTEGER NOT NULL DEFAULT 0 CHECK (grade BETWEEN 0 AND 12),
  students INTEGER NOT NULL DEFAULT 0 CHECK (students >= 0),
  lessons TEXT NOT NULL DEFAULT '[]',
  active INTEGER NOT NULL DEFAULT 1,
  PRIMARY KEY (district_id, id),
  FOREIGN KEY (district_id, school_id) REFERENCES schools(district_id, id)
);
CREATE INDEX school_classes_id ON school_classes(id);
CREATE INDEX school_classes_school ON school_classes(school_id, id);
CREATE TABLE blackouts (
  district_id TEXT NOT NULL,
  id TEXT NOT NULL,
  resource_id TEXT,
  school_id TEXT NOT NULL,
  start_at BIGINT NOT NULL,
  end_at BIGINT NOT NULL CHECK (end_at > start_at),
  kind TEXT NOT NULL,
  reason TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (district_id, id),
  FOREIGN KEY (district_id, school_id) REFERENCES schools(district_id, id),
  FOREIGN KEY (district_id, resource_id) REFERENCES resources(district_id, id)
);
CREATE INDEX blackouts_id ON blackouts(id);
CREATE INDEX blackouts_school ON blackouts(school_id, start_at);
CREATE TABLE booking_series (
  district_id TEXT NOT NULL,
  id TEXT NOT NULL,
  resource_id TEXT NOT NULL,
  school_id TEXT NOT NULL REFERENCES schools(id),
  data TEXT NOT NULL,
  created_by TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  PRIMARY KEY (district_id, id),
  FOREIGN KEY (district_id, resource_id) REFERENCES resources(district_id, id)
);
CREATE INDEX booking_series_id ON booking_series(id);
CREATE TABLE bookings (
  district_id TEXT NOT NULL,
  id TEXT NOT NULL,
  resource_id TEXT NOT NULL,
  school_id TEXT NOT NULL REFERENCES schools(id),
  organizer TEXT NOT NULL DEFAULT '',
  title TEXT NOT NULL DEFAULT '',
  activity_type TEXT NOT NULL DEFAULT 'other',
  attendees INTEGER NOT NULL DEFAULT 0,
  quantity INTEGER NOT NULL DEFAULT 0,
  start_at BIGINT NOT NULL,
  end_at BIGINT NOT NULL CHECK (end_at > start_at),
  status TEXT NOT NULL CHECK (status IN ('pending', 'confirmed', 'rejected', 'cancelled')),
  stage TEXT NOT NULL DEFAULT 'none',
  series_id TEXT,
  code TEXT NOT NULL,
  note TEXT NOT NULL DEFAULT '',
  created_by TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  version BIGINT NOT NULL DEFAULT 1,
  class_id TEXT NOT NULL DEFAULT '',
  exclusive BOOLEAN NOT NULL,
  during TSTZRANGE GENERATED ALWAYS AS (tstzrange(to_timestamp(start_at), to_timestamp(end_at), '[)')) STORED,
  PRIMARY KEY (district_id, id),
  UNIQUE (district_id, code),
  FOREIGN KEY (district_id, resource_id) REFERENCES resources(district_id, id),
  FOREIGN KEY (district_id, series_id) REFERENCES booking_series(district_id, id),
  CONSTRAINT bookings_no_overlap EXCLUDE USING gist (district_id WITH =, resource_id WITH =, during WITH &&)
    WHERE (exclusive AND status IN ('pending', 'confirmed') AND activity_type <> 'walk_in')
);
CREATE INDEX bookings_id ON bookings(id);
CREATE INDEX bookings_code ON bookings(code);
CREATE INDEX bookings_resource_span ON bookings(resource_id, start_at, end_at, status, school_id);
CREATE INDEX bookings_school_start ON bookings(school_id, start_at);
CREATE INDEX bookings_series ON bookings(series_id) WHERE series_id IS NOT NULL;
CREATE INDEX bookings_pending ON bookings(stage) WHERE status = 'pending';
CREATE TABLE booking_bounds (
  district_id TEXT NOT NULL,
  resource_id TEXT NOT NULL,
  longest_seconds BIGINT NOT NULL,
  PRIMARY KEY (district_id, resource_id),
  FOREIGN KEY (district_id, resource_id) REFERENCES resources(district_id, id)
);
CREATE TABLE usage_facts (
  district_id TEXT NOT NULL,
  id TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('check_in', 'check_out', 'walk_in', 'hand_out', 'return')),
  booking_id TEXT,
  resource_id TEXT NOT NULL,
  school_id TEXT NOT NULL DEFAULT '',
  at BIGINT NOT NULL,
  quantity INTEGER NOT NULL DEFAULT 0,
  condition TEXT NOT NULL DEFAULT '',
  note TEXT NOT NULL DEFAULT '',
  recorded_by TEXT NOT NULL,
  received_at BIGINT NOT NULL,
  flag TEXT NOT NULL DEFAULT '',
  returned_by TEXT NOT NULL DEFAULT '',
  override_by TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (district_id, id)
);
CREATE INDEX facts_id ON usage_facts(id);
CREATE INDEX facts_booking ON usage_facts(booking_id) WHERE booking_id IS NOT NULL;
CREATE INDEX facts_resource_at ON usage_facts(resource_id, at);
CREATE TABLE report_periods (
  district_id TEXT NOT NULL,
  school_id TEXT NOT NULL,
  month TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('open', 'signed_off')),
  signed_off_by TEXT NOT NULL DEFAULT '',
  signed_off_at BIGINT NOT NULL DEFAULT 0,
  PRIMARY KEY (district_id, school_id, month),
  FOREIGN KEY (district_id, school_id) REFERENCES schools(district_id, id)
);
CREATE TABLE sharing_agreements (
  district_id TEXT NOT NULL,
  id TEXT NOT NULL,
  owner_school_id TEXT NOT NULL,
  borrower_school_id TEXT NOT NULL REFERENCES schools(id),
  resource_ids TEXT NOT NULL DEFAULT '[]',
  windows TEXT NOT NULL DEFAULT '[]',
  weekly_cap_minutes INTEGER NOT NULL DEFAULT 0,
  auto_approve INTEGER NOT NULL DEFAULT 1,
  valid_from TEXT NOT NULL,
  valid_to TEXT NOT NULL,
  CHECK (owner_school_id <> borrower_school_id),
  PRIMARY KEY (district_id, id),
  FOREIGN KEY (district_id, owner_school_id) REFERENCES schools(district_id, id)
);
CREATE INDEX agreements_id ON sharing_agreements(id);
CREATE TABLE calendar_days (
  district_id TEXT NOT NULL REFERENCES districts(id),
  date TEXT NOT NULL,
  school_id TEXT NOT NULL DEFAULT '',
  kind TEXT NOT NULL CHECK (kind IN ('public_holiday', 'school_holiday', 'exam', 'makeup_workday')),
  runs_weekday INTEGER NOT NULL DEFAULT 0 CHECK (runs_weekday BETWEEN 0 AND 7),
  name TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (district_id, date, school_id)
);
CREATE TABLE reconciliation_items (
  district_id TEXT NOT NULL,
  id TEXT NOT NULL,
  school_id TEXT NOT NULL,
  resource_id TEXT NOT NULL DEFAULT '',
  fact_id TEXT NOT NULL DEFAULT '',
  booking_id TEXT NOT NULL DEFAULT '',
  reason TEXT NOT NULL,
  detail TEXT NOT NULL DEFAULT '{}',
  resolved INTEGER NOT NULL DEFAULT 0,
  resolution TEXT NOT NULL DEFAULT '',
  resolved_by TEXT NOT NULL DEFAULT '',
  created_at BIGINT NOT NULL,
  resolved_at BIGINT NOT NULL DEFAULT 0,
  PRIMARY KEY (district_id, id),
  FOREIGN KEY (district_id, school_id) REFERENCES schools(district_id, id)
);
CREATE INDEX reconciliation_id ON reconciliation_items(id);
CREATE INDEX reconciliation_school ON reconciliation_items(school_id, resolved, created_at);
CREATE TABLE counters (
  name TEXT PRIMARY KEY,
  value BIGINT NOT NULL
);
INSERT INTO counters(name, value) VALUES ('change_version', 0);
CREATE TABLE change_log (
  district_id TEXT NOT NULL,
  version BIGINT NOT NULL,
  entity TEXT NOT NULL,
  entity_id TEXT NOT NULL,
  op TEXT NOT NULL CHECK (op IN ('put', 'del')),
  data TEXT NOT NULL,
  at BIGINT NOT NULL,
  scope TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (district_id, version)
);
CREATE INDEX change_log_version ON change_log(version);
CREATE INDEX change_log_scope ON change_log(scope, version);
CREATE INDEX change_log_at ON change_log(at);
CREATE TABLE audit_log (
  district_id TEXT NOT NULL,
  seq BIGSERIAL,
  at BIGINT NOT NULL,
  actor_id TEXT NOT NULL,
  action TEXT NOT NULL,
  entity TEXT NOT NULL,
  entity_id TEXT NOT NULL,
  detail TEXT NOT NULL DEFAULT '{}',
  change_version BIGINT,
  PRIMARY KEY (district_id, seq)
);
CREATE INDEX audit_entity ON audit_log(entity, entity_id, seq);
CREATE TABLE tokens (
  id TEXT PRIMARY KEY,
  role TEXT NOT NULL CHECK (role IN ('district_admin', 'school_manager', 'kiosk', 'auditor', 'feed')),
  school_id TEXT NOT NULL DEFAULT '',
  label TEXT NOT NULL DEFAULT '',
  hash TEXT NOT NULL UNIQUE,
  created_at BIGINT NOT NULL,
  revoked INTEGER NOT NULL DEFAULT 0,
  feed_id TEXT NOT NULL DEFAULT ''
);
CREATE TABLE server_meta (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
INSERT INTO server_meta(key, value) VALUES ('epoch', md5(random()::text || clock_timestamp()::text)),
  ('compacted_up_to', '0');
CREATE TABLE sync_clients (
  id TEXT PRIMARY KEY,
  token_id TEXT NOT NULL,
  school_id TEXT NOT NULL DEFAULT '',
  last_client_seq BIGINT NOT NULL DEFAULT 0 CHECK (last_client_seq >= 0),
  registered_at BIGINT NOT NULL,
  last_seen_at BIGINT NOT NULL
);
CREATE TABLE mutation_results (
  client_id TEXT NOT NULL REFERENCES sync_clients(id),
  client_seq BIGINT NOT NULL,
  mutation_id TEXT NOT NULL,
  name TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('applied', 'applied_flagged', 'rejected', 'quarantined')),
  result TEXT NOT NULL,
  at BIGINT NOT NULL,
  PRIMARY KEY (client_id, client_seq)
);
CREATE TABLE quarantine (
  client_id TEXT NOT NULL,
  client_seq BIGINT NOT NULL,
  mutation_id TEXT NOT NULL,
  payload TEXT NOT NULL,
  error TEXT NOT NULL,
  at BIGINT NOT NULL,
  PRIMARY KEY (client_id, client_seq)
);
)sql";

// Version 2: per-district change versions. Each district's counter row is bumped inside the writing
// transaction (so its versions commit in order, and under Citus the bump stays on the district's shard);
// the deployment-wide counter row stays as the writers' lock and the "anything changed" number. Every
// district's counter starts at the deployment-wide one, so a cursor taken before the change (one number
// for all districts) still means "seen up to here" in each. Compaction marks are per district too.
constexpr const char kSchemaV2[] = R"sql(
CREATE TABLE district_versions (
  district_id TEXT PRIMARY KEY REFERENCES districts(id),
  version BIGINT NOT NULL,
  compacted_up_to BIGINT NOT NULL DEFAULT 0
);
INSERT INTO district_versions(district_id, version, compacted_up_to)
  SELECT d.id, c.value, COALESCE((SELECT value::BIGINT FROM server_meta WHERE key = 'compacted_up_to'), 0)
  FROM districts d, counters c WHERE c.name = 'change_version';
DROP INDEX change_log_version;
DROP INDEX change_log_scope;
CREATE INDEX change_log_scope ON change_log(district_id, scope, version);
)sql";

// Version 3: the sync service's bookkeeping is district-keyed too. A sync client belongs to the
// district of its school ('' for a deployment-wide token's client: a district admin's or an auditor's),
// and its stored results and quarantined payloads carry that district, which leads their keys: a push
// (its effects, results and last_client_seq in one transaction) then stays on one Citus shard. Client
// ids stay unique deployment-wide by the service's registration (one client, one token); look-ups by
// client id alone use plain indexes.
constexpr const char kSchemaV3[] = R"sql(
ALTER TABLE sync_clients ADD COLUMN district_id TEXT NOT NULL DEFAULT '';
UPDATE sync_clients c SET district_id = s.district_id FROM schools s WHERE s.id = c.school_id;
ALTER TABLE mutation_results ADD COLUMN district_id TEXT NOT NULL DEFAULT '';
UPDATE mutation_results r SET district_id = c.district_id FROM sync_clients c WHERE c.id = r.client_id;
ALTER TABLE quarantine ADD COLUMN district_id TEXT NOT NULL DEFAULT '';
UPDATE quarantine q SET district_id = c.district_id FROM sync_clients c WHERE c.id = q.client_id;
ALTER TABLE mutation_results DROP CONSTRAINT mutation_results_client_id_fkey;
ALTER TABLE mutation_results DROP CONSTRAINT mutation_results_pkey;
ALTER TABLE quarantine DROP CONSTRAINT quarantine_pkey;
ALTER TABLE sync_clients DROP CONSTRAINT sync_clients_pkey;
ALTER TABLE sync_clients ADD PRIMARY KEY (district_id, id);
CREATE INDEX sync_clients_id ON sync_clients(id);
ALTER TABLE mutation_results ADD PRIMARY KEY (district_id, client_id, client_seq);
ALTER TABLE mutation_results ADD FOREIGN KEY (district_id, client_id) REFERENCES sync_clients(district_id, id);
CREATE INDEX mutation_results_client ON mutation_results(client_id, client_seq);
ALTER TABLE quarantine ADD PRIMARY KEY (district_id, client_id, client_seq);
)sql";

struct PgMigration {
  int version;
  const char* description;
  const char* sql;
};

const PgMigration kMigrations[] = {
    {1, "the SQLite schema of version 10, district-keyed for Citus, with the no-overlap exclusion", kSchemaV1},
    {2, "per-district change versions and compaction marks", kSchemaV2},
    {3, "sync clients, stored results and quarantine keyed by district", kSchemaV3},
};

// Any fixed key: every instance migrating the same database takes the same lock.
constexpr const char kMigrationLock[] = "SELECT pg_advisory_xact_lock(7261537368)";

}  // namespace

int LatestPgSchemaVersion() { return kMigrations[std::size(kMigrations) - 1].version; }

Result<int> ReadPgSchemaVersion(Connection& conn) {
  SS_ASSIGN_OR_RETURN(Statement * st, conn.Prepare("SELECT COALESCE(MAX(version), 0) FROM schoolshare_schema"));
  ScopedReset reset(*st);
  SS_ASSIGN_OR_RETURN(bool row, st->Step());
  return row ? static_cast<int>(st->Int(0)) : 0;
}

Status MigratePg(Connection& conn) { return MigratePg(conn, LatestPgSchemaVersion()); }

Status MigratePg(Connection& conn, int up_to) {
  SS_RETURN_IF_ERROR(conn.Exec("BEGIN"));
  Status s = conn.Exec(kMigrationLock);
  if (s.ok()) {
    s = conn.Exec(
        "CREATE TABLE IF NOT EXISTS schoolshare_schema (version INTEGER PRIMARY KEY, description TEXT NOT NULL, "
        "applied_at TIMESTAMPTZ NOT NULL DEFAULT now())");
  }
  int current = 0;
  if (s.ok()) {
    auto v = ReadPgSchemaVersion(conn);
    if (v.ok())
      current = *v;
    else
      s = v.status();
  }
  if (s.ok() && current > LatestPgSchemaVersion()) {
    s = Status::Corruption("the PostgreSQL database has schema version " + std::to_string(current) +
                           ", newer than this schoolshare supports (" + std::to_string(LatestPgSchemaVersion()) +
                           "); upgrade schoolshare to open it");
  }
  for (const PgMigration& m : kMigrations) {
    if (!s.ok()) break;
    if (m.version <= current || m.version > up_to) continue;
    s = conn.Exec(m.sql);
    if (s.ok()) {
      auto st = conn.Prepare("INSERT INTO schoolshare_schema(version, description) VALUES ($1, $2)");
      if (!st.ok()) {
        s = st.status();
        break;
      }
      ScopedReset reset(**st);
      (*st)->Bind(1, m.version).Bind(2, m.description);
      s = (*st)->Run();
    }
    if (!s.ok()) {
      s = Status(s.code(), "PostgreSQL migration " + std::to_string(m.version) + " (" + m.description +
                               ") failed: " + s.message());
    }
  }
  if (!s.ok()) {
    conn.Exec("ROLLBACK");
    return s;
  }
  return conn.Exec("COMMIT");
}

}  // namespace schoolshare::pg
