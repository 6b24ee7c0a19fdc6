// MigrateSqliteToPostgres: a table-by-table copy from a SQLite database (read in one snapshot) into an
// empty PostgreSQL database (written in one transaction), below the Store interface on purpose: the
// interface hands out entities, not change-log versions, audit sequence numbers or token hashes, and
// writing through it would log every row anew. Each PostgreSQL table gets its district_id (Citus's
// distribution column) from the SQLite rows it is derived from: a school's, a resource's school's, or
// for change-log and audit entries the district of what they are about.
#include "schoolshare/store_migration.h"

#include <algorithm>
#include <filesystem>

#include "schoolshare/store.h"
#include "store/pg.h"
#include "store/pg_schema.h"
#include "store/sqlite.h"

namespace schoolshare {
namespace {

// The district of a school, and of a resource, as SQLite expressions over a column.
std::string SchoolDistrict(const std::string& school_col) {
  return "(SELECT district_id FROM schools WHERE id = " + school_col + ")";
}
std::string ResourceDistrict(const std::string& resource_col) {
  return "(SELECT s.district_id FROM resources r JOIN schools s ON s.id = r.school_id WHERE r.id = " + resource_col +
         ")";
}

// The district of a sync client `c` (its school's; '' for a deployment-wide token's client), and the
// same for the client named by another row's column.
const std::string kClientDistrict = "COALESCE(" + SchoolDistrict("c.school_id") + ", '')";
std::string ClientDistrict(const std::string& client_col) {
  return "COALESCE((SELECT " + kClientDistrict + " FROM sync_clients c WHERE c.id = " + client_col + "), '')";
}

// The district a change-log entry belongs to, as PgStore writes it: the district itself, a school's or a
// district-wide calendar day's district, otherwise the district of the school whose kiosks see it.
const std::string kChangeDistrict = "COALESCE(CASE c.entity WHEN 'district' THEN c.entity_id WHEN 'school' THEN " +
                                    SchoolDistrict("c.entity_id") +
                                    " WHEN 'calendar_day' THEN substr(c.entity_id, 1, instr(c.entity_id, '/') - 1) "
                                    "ELSE " +
                                    SchoolDistrict("c.scope") + " END, '')";

// One PostgreSQL table and the SQLite query producing its rows, column for column, in a stable order.
struct TableCopy {
  const char* table;
  std::string columns;
  std::string select;
};

// In foreign-key order: a row only ever refers to rows copied before it.
std::vector<TableCopy> Tables() {
  return {
      {"districts", "id, name, time_zone, locale", "SELECT id, name, time_zone, locale FROM districts ORDER BY id"},
      {"schools", "district_id, id, name, name_en, kind, weak, students, lat, lon, periods",
       "SELECT district_id, id, name, name_en, kind, weak, students, lat, lon, periods FROM schools ORDER BY id"},
      // Wholes before their parts.
      {"resources",
       "district_id, id, school_id, name, name_en, type, capacity, quantity, features, opening_hours, "
       "buffer_minutes, parent_id, shared, approval, min_notice_minutes, max_advance_days, max_duration_minutes, "
       "weekly_cap_minutes, hourly_fee_cents, active",
       "WITH RECURSIVE depth(id, d) AS (SELECT id, 0 FROM resources WHERE parent_id IS NULL UNION ALL "
       "SELECT r.id, depth.d + 1 FROM resources r JOIN depth ON r.parent_id = depth.id) "
       "SELECT " +
           SchoolDistrict("r.school_id") +
           ", r.id, r.school_id, r.name, r.name_en, r.type, r.capacity, r.quantity, r.features, r.opening_hours, "
           "r.buffer_minutes, r.parent_id, r.shared, r.approval, r.min_notice_minutes, r.max_advance_days, "
           "r.max_duration_minutes, r.weekly_cap_minutes, r.hourly_fee_cents, r.active "
           "FROM resources r JOIN depth ON depth.id = r.id ORDER BY depth.d, r.id"},
      {"staff", "district_id, id, school_id, name, name_en, role, active",
       "SELECT " + SchoolDistrict("school_id") + ", id, school_id, name, name_en, role, active FROM staff ORDER BY id"},
      {"school_classes", "district_id, id, school_id, name, name_en, grade, students, lessons, active",
       "SELECT " + SchoolDistrict("school_id") +
           ", id, school_id, name, name_en, grade, students, lessons, active FROM school_classes ORDER BY id"},
      {"blackouts", "district_id, id, resource_id, school_id, start_at, end_at, kind, reason",
       "SELECT " + SchoolDistrict("school_id") +
           ", id, resource_id, school_id, start_at, end_at, kind, reason FROM blackouts ORDER BY id"},
      {"booking_series", "district_id, id, resource_id, school_id, data, created_by, created_at",
       "SELECT " + ResourceDistrict("resource_id") +
           ", id, resource_id, school_id, data, created_by, created_at FROM booking_series ORDER BY id"},
      // Held bookings of a venue exclude each other in the database; equipment is shared by stock.
      {"bookings",
       "district_id, id, resource_id, school_id, organizer, title, activity_type, attendees, quantity, start_at, "
       "end_at, status, stage, series_id, code, note, created_by, created_at, updated_at, version, class_id, "
       "exclusive",
       "SELECT " + ResourceDistrict("b.resource_id") +
           ", b.id, b.resource_id, b.school_id, b.organizer, b.title, b.activity_type, b.attendees, b.quantity, "
           "b.start_at, b.end_at, b.status, b.stage, b.series_id, b.code, b.note, b.created_by, b.created_at, "
           "b.updated_at, b.version, b.class_id, "
           "(SELECT CASE WHEN type = 'equipment' THEN 0 ELSE 1 END FROM resources WHERE id = b.resource_id) "
           "FROM bookings b ORDER BY b.id"},
      {"booking_bounds", "district_id, resource_id, longest_seconds",
       "SELECT " + ResourceDistrict("resource_id") +
           ", resource_id, longest_seconds FROM booking_bounds ORDER BY resource_id"},
      {"usage_facts",
       "district_id, id, kind, booking_id, resource_id, school_id, at, quantity, condition, note, recorded_by, "
       "received_at, flag, returned_by, override_by",
       "SELECT " + ResourceDistrict("resource_id") +
           ", id, kind, booking_id, resource_id, school_id, at, quantity, condition, note, recorded_by, received_at, "
           "flag, returned_by, override_by FROM usage_facts ORDER BY id"},
      {"report_periods", "district_id, school_id, month, status, signed_off_by, signed_off_at",
       "SELECT " + SchoolDistrict("school_id") +
           ", school_id, month, status, signed_off_by, signed_off_at FROM report_periods ORDER BY school_id, month"},
      {"sharing_agreements",
       "district_id, id, owner_school_id, borrower_school_id, resource_ids, windows, weekly_cap_minutes, "
       "auto_approve, valid_from, valid_to",
       "SELECT " + SchoolDistrict("owner_school_id") +
           ", id, owner_school_id, borrower_school_id, resource_ids, windows, weekly_cap_minutes, auto_approve, "
           "valid_from, valid_to FROM sharing_agreements ORDER BY id"},
      {"calendar_days", "district_id, date, school_id, kind, runs_weekday, name",
       "SELECT district_id, date, school_id, kind, runs_weekday, name FROM calendar_days "
       "ORDER BY district_id, date, school_id"},
      {"reconciliation_items",
       "district_id, id, school_id, resource_id, fact_id, booking_id, reason, detail, resolved, resolution, "
       "resolved_by, created_at, resolved_at",
       "SELECT " + SchoolDistrict("school_id") +
           ", id, school_id, resource_id, fact_id, booking_id, reason, detail, resolved, resolution, resolved_by, "
           "created_at, resolved_at FROM reconciliation_items ORDER BY id"},
      // The change log keeps its versions: a client's pull cursor stays valid across the move.
      {"change_log", "district_id, version, entity, entity_id, op, data, at, scope",
       "SELECT " + kChangeDistrict +
           ", c.version, c.entity, c.entity_id, c.op, c.data, c.at, c.scope "
           "FROM change_log c ORDER BY c.version"},
      {"audit_log", "district_id, seq, at, actor_id, action, entity, entity_id, detail, change_version",
       "SELECT COALESCE((SELECT " + kChangeDistrict +
           " FROM change_log c WHERE c.version = a.change_version), ''), a.seq, a.at, a.actor_id, a.action, "
           "a.entity, a.entity_id, a.detail, a.change_version FROM audit_log a ORDER BY a.seq"},
      {"tokens", "id, role, school_id, label, hash, created_at, revoked, feed_id",
       "SELECT id, role, school_id, label, hash, created_at, revoked, feed_id FROM tokens ORDER BY id"},
      // A sync client belongs to its school's district ('' for a deployment-wide token's client), and so
      // do its stored results and quarantined payloads.
      {"sync_clients", "district_id, id, token_id, school_id, last_client_seq, registered_at, last_seen_at",
       "SELECT " + kClientDistrict +
           ", id, token_id, school_id, last_client_seq, registered_at, last_seen_at FROM sync_clients c ORDER BY id"},
      {"mutation_results", "district_id, client_id, client_seq, mutation_id, name, status, result, at",
       "SELECT " + ClientDistrict("m.client_id") +
           ", m.client_id, m.client_seq, m.mutation_id, m.name, m.status, m.result, m.at FROM mutation_results m "
           "ORDER BY m.client_id, m.client_seq"},
      {"quarantine", "district_id, client_id, client_seq, mutation_id, payload, error, at",
       "SELECT " + ClientDistrict("q.client_id") +
           ", q.client_id, q.client_seq, q.mutation_id, q.payload, q.error, q.at FROM quarantine q "
           "ORDER BY q.client_id, q.client_seq"},
  };
}

// The PostgreSQL placeholders $1..$n for a column list.
std::string Placeholders(const std::string& columns) {
  std::string out = "$1";
  int n = 1;
  for (char c : columns) {
    if (c == ',') out += ", $" + std::to_string(++n);
  }
  return out;
}

Result<std::int64_t> SqliteCount(sqlite::Database& db, const std::string& table) {
  SS_ASSIGN_OR_RETURN(sqlite::Statement * st, db.Prepare("SELECT count(*) FROM " + table));
  sqlite::ScopedReset reset(*st);
  SS_ASSIGN_OR_RETURN(bool row, st->Step());
  return row ? st->Int(0) : 0;
}

Result<std::int64_t> PgCount(pg::Connection& db, const std::string& table) {
  SS_ASSIGN_OR_RETURN(pg::Statement * st, db.Prepare("SELECT count(*) FROM " + table));
  pg::ScopedReset reset(*st);
  SS_ASSIGN_OR_RETURN(bool row, st->Step());
  return row ? st->Int(0) : 0;
}

// Copies one table; a row the target refuses names the table and the target's reason.
Status CopyTable(sqlite::Database& from, pg::Connection& to, const TableCopy& t, Lang lang) {
  SS_ASSIGN_OR_RETURN(sqlite::Statement * read, from.Prepare(t.select));
  sqlite::ScopedReset read_reset(*read);
  SS_ASSIGN_OR_RETURN(pg::Statement * write, to.Prepare(std::string("INSERT INTO ") + t.table + "(" + t.columns +
                                                        ") VALUES (" + Placeholders(t.columns) + ")"));
  const int columns = static_cast<int>(std::count(t.columns.begin(), t.columns.end(), ',')) + 1;
  for (;;) {
    SS_ASSIGN_OR_RETURN(bool row, read->Step());
    if (!row) return Status::Ok();
    pg::ScopedReset write_reset(*write);
    for (int c = 0; c < columns; ++c) {
      if (read->IsNull(c)) {
        write->BindNull(c + 1);
      } else {
        write->Bind(c + 1, read->Text(c));
      }
    }
    if (Status s = write->Run(); !s.ok()) {
      return Status(s.code(), Tr(lang, "store.migrate.row_refused",
                                 {{"table", t.table}, {"key", read->Text(1)}, {"detail", s.message()}}));
    }
  }
}

// Runs `sql` with one text parameter per entry of `binds`.
Status PgRun(pg::Connection& db, const std::string& sql, const std::vector<std::string>& binds) {
  SS_ASSIGN_OR_RETURN(pg::Statement * st, db.Prepare(sql));
  pg::ScopedReset reset(*st);
  for (size_t i = 0; i < binds.size(); ++i) st->Bind(static_cast<int>(i) + 1, binds[i]);
  return st->Run();
}

// The deployment's bookkeeping outside the tables above: the server epoch and compaction mark (so
// clients carry on without a resync), the change-version counter (the next write continues after the
// last copied version), and the audit sequence.
Status CopyBookkeeping(sqlite::Database& from, pg::Connection& to) {
  SS_ASSIGN_OR_RETURN(sqlite::Statement * meta, from.Prepare("SELECT key, value FROM server_meta ORDER BY key"));
  {
    sqlite::ScopedReset reset(*meta);
    for (;;) {
      SS_ASSIGN_OR_RETURN(bool row, meta->Step());
      if (!row) break;
      SS_RETURN_IF_ERROR(PgRun(to,
                               "INSERT INTO server_meta(key, value) VALUES ($1, $2) ON CONFLICT(key) DO UPDATE SET "
                               "value = excluded.value",
                               {meta->Text(0), meta->Text(1)}));
    }
  }
  // AUTOINCREMENT remembers the highest version ever handed out, even when compaction dropped it.
  SS_ASSIGN_OR_RETURN(sqlite::Statement * top,
                      from.Prepare("SELECT max(COALESCE((SELECT seq FROM sqlite_sequence WHERE name = 'change_log'), "
                                   "0), COALESCE((SELECT max(version) FROM change_log), 0))"));
  std::int64_t version = 0;
  {
    sqlite::ScopedReset reset(*top);
    SS_ASSIGN_OR_RETURN(bool row, top->Step());
    if (row) version = top->Int(0);
  }
  SS_RETURN_IF_ERROR(
      PgRun(to, "UPDATE counters SET value = $1 WHERE name = 'change_version'", {std::to_string(version)}));
  // Each district's counter starts at the one sequence SQLite used for all (above every version and cursor
  // handed out), with its compaction mark (copied in server_meta as 'compacted_up_to/<district>').
  SS_RETURN_IF_ERROR(PgRun(to,
                           "INSERT INTO district_versions(district_id, version, compacted_up_to) SELECT d.id, $1, "
                           "COALESCE((SELECT m.value::BIGINT FROM server_meta m WHERE m.key = 'compacted_up_to/' || "
                           "d.id), 0) FROM districts d",
                           {std::to_string(version)}));
  return to.Exec(
      "SELECT setval(pg_get_serial_sequence('audit_log', 'seq'), COALESCE((SELECT max(seq) FROM audit_log), 0) + 1, "
      "false)");
}

// Every row a store can hold is in these tables, plus server_meta's keys and the counter.
std::vector<std::string> CountedTables() {
  std::vector<std::string> out;
  for (const TableCopy& t : Tables()) out.push_back(t.table);
  out.push_back("server_meta");
  return out;
}

// The target holds nothing yet: no row in any table and the change counter at zero.
Status RequireEmpty(pg::Connection& to, const std::string& where, Lang lang) {
  for (const TableCopy& t : Tables()) {
    SS_ASSIGN_OR_RETURN(std::int64_t n, PgCount(to, t.table));
    if (n > 0) {
      return Status::Conflict(Tr(lang, "store.migrate.target_not_empty",
                                 {{"target", where}, {"table", t.table}, {"n", std::to_string(n)}}));
    }
  }
  SS_ASSIGN_OR_RETURN(pg::Statement * st, to.Prepare("SELECT value FROM counters WHERE name = 'change_version'"));
  pg::ScopedReset reset(*st);
  SS_ASSIGN_OR_RETURN(bool row, st->Step());
  if (row && st->Int(0) != 0) {
    return Status::Conflict(Tr(lang, "store.migrate.target_not_empty",
                               {{"target", where}, {"table", "counters"}, {"n", std::to_string(st->Int(0))}}));
  }
  return Status::Ok();
}

Result<std::vector<TableCount>> CopyAll(sqlite::Database& from, pg::Connection& to, const std::string& where,
                                        Lang lang) {
  // The counter row is every writer's lock (PgStore::Transaction): no instance writes while we copy.
  SS_RETURN_IF_ERROR(to.Exec("SELECT value FROM counters WHERE name = 'change_version' FOR UPDATE"));
  SS_RETURN_IF_ERROR(RequireEmpty(to, where, lang));
  for (const TableCopy& t : Tables()) SS_RETURN_IF_ERROR(CopyTable(from, to, t, lang));
  SS_RETURN_IF_ERROR(CopyBookkeeping(from, to));
  std::vector<TableCount> counts;
  std::string differ;
  for (const std::string& table : CountedTables()) {
    TableCount c{table};
    SS_ASSIGN_OR_RETURN(c.source, SqliteCount(from, table));
    SS_ASSIGN_OR_RETURN(c.target, PgCount(to, table));
    if (c.source != c.target) {
      differ +=
          (differ.empty() ? "" : ", ") + table + " " + std::to_string(c.source) + " → " + std::to_string(c.target);
    }
    counts.push_back(c);
  }
  if (!differ.empty()) return Status::Internal(Tr(lang, "store.migrate.count_mismatch", {{"detail", differ}}));
  return counts;
}

}  // namespace

Result<std::vector<TableCount>> MigrateSqliteToPostgres(const std::string& from, const std::string& to, Lang lang) {
  if (!Store::IsPostgresLocation(to)) {
    return Status::InvalidArgument(Tr(lang, "store.migrate.target_not_postgres", {{"target", pg::Redacted(to)}}));
  }
  if (!std::filesystem::is_regular_file(from)) {
    return Status::NotFound(Tr(lang, "store.migrate.source_missing", {{"path", from}}));
  }
  {
    // The refusals of every binary: not a database, damaged, newer schema (an older one is migrated).
    StoreOptions check;
    check.create_if_missing = false;
    check.verify_integrity = true;
    check.lang = lang;
    SS_ASSIGN_OR_RETURN(auto source, Store::OpenSqlite(from, check));
  }
  SS_ASSIGN_OR_RETURN(auto source, sqlite::Database::Open(from, false));
  SS_ASSIGN_OR_RETURN(auto target, pg::Connection::Open(to));
  SS_RETURN_IF_ERROR(pg::MigratePg(*target));  // the schema, committed on its own: an empty database

  SS_RETURN_IF_ERROR(source->Exec("BEGIN"));  // one snapshot of the source
  Status begun = target->Exec("BEGIN ISOLATION LEVEL READ COMMITTED");
  if (!begun.ok()) {
    source->Exec("ROLLBACK");
    return begun;
  }
  target->SetInTransaction(true);
  auto counts = CopyAll(*source, *target, pg::Redacted(to), lang);
  Status done = counts.ok() ? target->Exec("COMMIT") : counts.status();
  if (!counts.ok() || !done.ok()) target->Exec("ROLLBACK");
  target->SetInTransaction(false);
  source->Exec("ROLLBACK");
  if (!done.ok()) return done;
  return counts;
}

}  // namespace schoolshare
