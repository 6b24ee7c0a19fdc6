// The SQLite implementation of Store: WAL, foreign keys on, BEGIN IMMEDIATE transactions, savepoints for
// nested calls, prepared statements cached per connection, and a small catalogue cache that is dropped
// whenever this connection changes the catalogue or another connection commits (PRAGMA data_version).
#include <algorithm>
#include <filesystem>
#include <limits>
#include <map>
#include <optional>
#include <unordered_map>

#include "schoolshare/json.h"
#include "schoolshare/rules.h"
#include "schoolshare/store.h"
#include "store/district_source.h"
#include "store/migrations.h"
#include "store/sqlite.h"

namespace schoolshare {
namespace {

using sqlite::Database;
using sqlite::ScopedReset;
using sqlite::Statement;

constexpr const char kHeld[] = "status IN ('pending','confirmed')";

// What a sync client's replica holds from the server, children before parents (a snapshot empties them).
constexpr const char* kReplicatedTables[] = {"reconciliation_items",
                                             "usage_facts",
                                             "booking_bounds",
                                             "bookings",
                                             "booking_series",
                                             "report_periods",
                                             "calendar_days",
                                             "sharing_agreements",
                                             "blackouts",
                                             "resources",
                                             "staff",
                                             "school_classes",
                                             "schools",
                                             "districts"};

constexpr const char kBookingColumns[] =
    "id, resource_id, school_id, organizer, title, activity_type, attendees, quantity, start_at, end_at, status, "
    "stage, series_id, code, note, created_by, created_at, updated_at, version, class_id";

constexpr const char kResourceColumns[] =
    "id, school_id, name, name_en, type, capacity, quantity, features, opening_hours, buffer_minutes, parent_id, "
    "shared, approval, min_notice_minutes, max_advance_days, max_duration_minutes, weekly_cap_minutes, "
    "hourly_fee_cents, active";

constexpr const char kSchoolColumns[] = "id, district_id, name, name_en, kind, weak, students, lat, lon, periods";

constexpr const char kFactColumns[] =
    "id, kind, booking_id, resource_id, school_id, at, quantity, condition, note, recorded_by, received_at, flag, "
    "returned_by, override_by";
constexpr const char kFactValues[] = "?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14";

std::vector<std::string> StringsFromJson(const std::string& text) {
  std::vector<std::string> out;
  Json j = Json::parse(text, nullptr, false);
  if (!j.is_array()) return out;
  for (const auto& e : j) {
    if (e.is_string()) out.push_back(e.get<std::string>());
  }
  return out;
}

Booking ReadBooking(const Statement& s) {
  Booking b;
  b.id = s.Text(0);
  b.resource_id = s.Text(1);
  b.school_id = s.Text(2);
  b.organizer = s.Text(3);
  b.title = s.Text(4);
  b.activity_type = s.Text(5);
  b.attendees = static_cast<int>(s.Int(6));
  b.quantity = static_cast<int>(s.Int(7));
  b.start = s.Int(8);
  b.end = s.Int(9);
  if (auto st = ParseBookingStatus(s.Text(10)); st.ok()) b.status = *st;
  if (auto sg = ParseApprovalStage(s.Text(11)); sg.ok()) b.stage = *sg;
  b.series_id = s.Text(12);
  b.code = s.Text(13);
  b.note = s.Text(14);
  b.created_by = s.Text(15);
  b.created_at = s.Int(16);
  b.updated_at = s.Int(17);
  b.version = s.Int(18);
  b.class_id = s.Text(19);
  return b;
}

// The WHERE clause of a ResourceFilter (features are checked by the caller), with its text binds. A
// venue type compares capacity and equipment quantity directly, so an index on (type, capacity) serves it.
std::string ResourceWhere(const ResourceFilter& f, std::vector<std::pair<int, std::string>>* binds) {
  std::string sql = "1 = 1";
  int n = 0;
  if (!f.school_id.empty()) {
    sql += " AND school_id = ?" + std::to_string(++n);
    binds->push_back({n, f.school_id});
  }
  if (!f.district_id.empty()) {
    sql += " AND school_id IN (SELECT id FROM schools WHERE district_id = ?" + std::to_string(++n) + ")";
    binds->push_back({n, f.district_id});
  }
  if (f.type) {
    // With a school or district the school index is the narrow one: "+type" keeps the planner off the
    // (type, capacity) index, which serves the city-wide searches.
    const bool scoped = !f.school_id.empty() || !f.district_id.empty();
    sql += std::string(scoped ? " AND +type = ?" : " AND type = ?") + std::to_string(++n);
    binds->push_back({n, ToString(*f.type)});
  }
  if (!f.include_inactive) sql += " AND active = 1";
  if (f.min_capacity > 0) {
    const std::string min = std::to_string(f.min_capacity);
    if (!f.type) {
      sql += " AND (CASE type WHEN 'equipment' THEN quantity ELSE capacity END) >= " + min;
    } else {
      sql += std::string(" AND ") + (*f.type == ResourceType::kEquipment ? "quantity" : "capacity") + " >= " + min;
    }
  }
  return sql;
}

constexpr const char kStaffColumns[] = "id, school_id, name, name_en, role, active";

StaffMember ReadStaff(const Statement& s) {
  StaffMember m;
  m.id = s.Text(0);
  m.school_id = s.Text(1);
  m.name = s.Text(2);
  m.name_en = s.Text(3);
  m.role = s.Text(4);
  m.active = s.Int(5) != 0;
  return m;
}

constexpr const char kClassColumns[] = "id, school_id, name, name_en, grade, students, lessons, active";

SchoolClass ReadClass(const Statement& s) {
  SchoolClass c;
  c.id = s.Text(0);
  c.school_id = s.Text(1);
  c.name = s.Text(2);
  c.name_en = s.Text(3);
  c.grade = static_cast<int>(s.Int(4));
  c.students = static_cast<int>(s.Int(5));
  if (auto w = WindowsFromJson(Json::parse(s.Text(6), nullptr, false)); w.ok()) c.lessons = *w;
  c.active = s.Int(7) != 0;
  return c;
}

Resource ReadResource(const Statement& s) {
  Resource r;
  r.id = s.Text(0);
  r.school_id = s.Text(1);
  r.name = s.Text(2);
  r.name_en = s.Text(3);
  if (auto t = ParseResourceType(s.Text(4)); t.ok()) r.type = *t;
  r.capacity = static_cast<int>(s.Int(5));
  r.quantity = static_cast<int>(s.Int(6));
  r.features = StringsFromJson(s.Text(7));
  if (auto w = WindowsFromJson(Json::parse(s.Text(8), nullptr, false)); w.ok()) r.opening_hours = *w;
  r.buffer_minutes = static_cast<int>(s.Int(9));
  r.parent_id = s.Text(10);
  r.policy.shared = s.Int(11) != 0;
  if (auto a = ParseApprovalMode(s.Text(12)); a.ok()) r.policy.approval = *a;
  r.policy.min_notice_minutes = static_cast<int>(s.Int(13));
  r.policy.max_advance_days = static_cast<int>(s.Int(14));
  r.policy.max_duration_minutes = static_cast<int>(s.Int(15));
  r.policy.weekly_cap_minutes = static_cast<int>(s.Int(16));
  r.policy.hourly_fee_cents = static_cast<int>(s.Int(17));
  r.active = s.Int(18) != 0;
  return r;
}

School ReadSchool(const Statement& s) {
  School sc;
  sc.id = s.Text(0);
  sc.district_id = s.Text(1);
  sc.name = s.Text(2);
  sc.name_en = s.Text(3);
  if (auto k = ParseSchoolKind(s.Text(4)); k.ok()) sc.kind = *k;
  sc.weak = s.Int(5) != 0;
  sc.students = static_cast<int>(s.Int(6));
  sc.location = {s.Double(7), s.Double(8)};
  if (auto p = PeriodsFromJson(Json::parse(s.Text(9), nullptr, false)); p.ok()) sc.periods = *p;
  return sc;
}

constexpr const char kReconciliationColumns[] =
    "id, school_id, resource_id, fact_id, booking_id, reason, detail, resolved, resolution, resolved_by, created_at, "
    "resolved_at";

ReconciliationItem ReadReconciliation(const Statement& s) {
  ReconciliationItem r;
  r.id = s.Text(0);
  r.school_id = s.Text(1);
  r.resource_id = s.Text(2);
  r.fact_id = s.Text(3);
  r.booking_id = s.Text(4);
  r.reason = s.Text(5);
  r.detail = s.Text(6);
  r.resolved = s.Int(7) != 0;
  r.resolution = s.Text(8);
  r.resolved_by = s.Text(9);
  r.created_at = s.Int(10);
  r.resolved_at = s.Int(11);
  return r;
}

UsageFact ReadFact(const Statement& s) {
  UsageFact f;
  f.id = s.Text(0);
  if (auto k = ParseFactKind(s.Text(1)); k.ok()) f.kind = *k;
  f.booking_id = s.Text(2);
  f.resource_id = s.Text(3);
  f.school_id = s.Text(4);
  f.at = s.Int(5);
  f.quantity = static_cast<int>(s.Int(6));
  f.condition = s.Text(7);
  f.note = s.Text(8);
  f.recorded_by = s.Text(9);
  f.received_at = s.Int(10);
  f.flag = s.Text(11);
  f.returned_by = s.Text(12);
  f.override_by = s.Text(13);
  return f;
}

// Binds a fact to the placeholders of kFactValues, in kFactColumns order.
void BindFact(Statement& st, const UsageFact& f) {
  st.Bind(1, f.id).Bind(2, ToString(f.kind)).BindOptional(3, f.booking_id).Bind(4, f.resource_id);
  st.Bind(5, f.school_id).Bind(6, f.at).Bind(7, f.quantity).Bind(8, f.condition).Bind(9, f.note);
  st.Bind(10, f.recorded_by).Bind(11, f.received_at).Bind(12, f.flag).Bind(13, f.returned_by);
  st.Bind(14, f.override_by);
}

class SqliteStore final : public Store, public DistrictReportSource {
 public:
  SqliteStore(std::unique_ptr<Database> db, const Clock* clock) : db_(std::move(db)), clock_(clock) {}

  Status Transaction(const std::function<Status()>& fn) override {
    if (depth_ > 0) return Nested(fn, /*writes=*/false);
    return TopLevel(fn, "BEGIN IMMEDIATE");
  }

  Status ReadTransaction(const std::function<Status()>& fn) override {
    if (depth_ > 0) return Guarded(fn);  // already inside a snapshot
    return TopLevel(fn, "BEGIN DEFERRED");
  }

  int SchemaVersion() override {
    auto v = store::ReadSchemaVersion(*db_);
    return v.ok() ? *v : -1;
  }

  Status Checkpoint() override {
    const int rc = sqlite3_wal_checkpoint_v2(db_->raw(), nullptr, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
    if (rc == SQLITE_OK || rc == SQLITE_BUSY) return Status::Ok();  // busy: another checkpoint is running
    return sqlite::StatusFromSqlite(rc, std::string("checkpoint failed: ") + sqlite3_errmsg(db_->raw()));
  }

  Status Backup(const std::string& dest_path) override {
    sqlite3* dest = nullptr;
    int rc = sqlite3_open_v2(dest_path.c_str(), &dest, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
    if (rc != SQLITE_OK) {
      std::string msg = dest ? sqlite3_errmsg(dest) : "out of memory";
      sqlite3_close(dest);
      return Status::IoError("cannot create backup file " + dest_path + ": " + msg);
    }
    sqlite3_backup* b = sqlite3_backup_init(dest, "main", db_->raw(), "main");
    if (!b) {
      std::string msg = sqlite3_errmsg(dest);
      sqlite3_close(dest);
      return Status::IoError("cannot start backup: " + msg);
    }
    // Copy in steps so writers on other connections are not blocked for the whole copy.
    do {
      rc = sqlite3_backup_step(b, 256);
      if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED) sqlite3_sleep(10);
    } while (rc == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED);
    sqlite3_backup_finish(b);
    Status s = rc == SQLITE_DONE ? Status::Ok()
                                 : sqlite::StatusFromSqlite(rc, std::string("backup failed: ") + sqlite3_errmsg(dest));
    if (s.ok()) {
      // The copy is a different history from the moment it is restored: give it an epoch of its own,
      // so the clients of a server restored from it resynchronise and re-send what it lacks.
      char* err = nullptr;
      rc = sqlite3_exec(dest, "UPDATE server_meta SET value = lower(hex(randomblob(16))) WHERE key = 'epoch'", nullptr,
                        nullptr, &err);
      if (rc != SQLITE_OK) s = Status::IoError(std::string("cannot set the backup's epoch: ") + (err ? err : ""));
      sqlite3_free(err);
    }
    sqlite3_close(dest);
    return s;
  }

  // ---------------------------------------------------------------- catalogue
  Status PutDistrict(const District& d, const Actor& by) override {
    if (d.id.empty() || d.name.empty()) return Status::InvalidArgument("a district needs an id and a name");
    if (!TimeZone::Find(d.time_zone).ok()) return Status::InvalidArgument("unknown time zone \"" + d.time_zone + "\"");
    return Write([&]() -> Status {
      SS_ASSIGN_OR_RETURN(
          Statement * st,
          db_->Prepare("INSERT INTO districts(id, name, time_zone, locale) VALUES (?1, ?2, ?3, ?4) "
                       "ON CONFLICT(id) DO UPDATE SET name = excluded.name, time_zone = excluded.time_zone, "
                       "locale = excluded.locale"));
      ScopedReset reset(*st);
      st->Bind(1, d.id).Bind(2, d.name).Bind(3, d.time_zone).Bind(4, d.locale);
      SS_RETURN_IF_ERROR(st->Run());
      CachedTableWritten();
      return Log("district", d.id, "put", ToJson(d).dump(), by, "district.put", "", d.id);
    });
  }

  Result<District> GetDistrict(const std::string& id) override {
    RefreshIfChangedElsewhere();
    if (auto it = districts_.find(id); it != districts_.end()) return it->second;
    SS_ASSIGN_OR_RETURN(Statement * st,
                        db_->Prepare("SELECT id, name, time_zone, locale FROM districts WHERE id = ?1"));
    ScopedReset reset(*st);
    st->Bind(1, id);
    SS_ASSIGN_OR_RETURN(bool row, st->Step());
    if (!row) return Status::NotFound("no district \"" + id + "\"");
    District d{st->Text(0), st->Text(1), st->Text(2), st->Text(3)};
    districts_[id] = d;
    return d;
  }

  Result<std::vector<District>> ListDistricts() override {
    SS_ASSIGN_OR_RETURN(Statement * st, db_->Prepare("SELECT id, name, time_zone, locale FROM districts ORDER BY id"));
    ScopedReset reset(*st);
    std::vector<District> out;
    for (;;) {
      SS_ASSIGN_OR_RETURN(bool row, st->Step());
      if (!row) break;
      out.push_back({st->Text(0), st->Text(1), st->Text(2), st->Text(3)});
    }
    return out;
  }

  Result<District> DistrictOfSchool(const std::string& school_id) override {
    SS_ASSIGN_OR_RETURN(School s, GetSchool(school_id));
    return GetDistrict(s.district_id);
  }

  Status PutSchool(const School& s, const Actor& by) override {
    if (s.id.empty() || s.name.empty()) return Status::InvalidArgument("a school needs an id and a name");
    if (s.students < 0) return Status::InvalidArgument("students cannot be negative");
    SS_RETURN_IF_ERROR(CheckClassPeriods(s.periods));
    return Write([&]() -> Status {
      SS_ASSIGN_OR_RETURN(
          Statement * st,
          db_->Prepare("INSERT INTO schools(id, district_id, name, name_en, kind, weak, students, lat, lon, periods) "
                       "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10) ON CONFLICT(id) DO UPDATE SET "
                       "district_id = excluded.district_id, name = excluded.name, name_en = excluded.name_en, "
                       "kind = excluded.kind, weak = excluded.weak, students = excluded.students, lat = excluded.lat, "
                       "lon = excluded.lon, periods = excluded.periods"));
      ScopedReset reset(*st);
      st->Bind(1, s.id).Bind(2, s.district_id).Bind(3, s.name).Bind(4, s.name_en).Bind(5, ToString(s.kind));
      st->Bind(6, s.weak).Bind(7, s.students).Bind(8, s.location.lat).Bind(9, s.location.lon);
      st->Bind(10, PeriodsToJson(s.periods).dump());
      SS_RETURN_IF_ERROR(Named(st->Run(), "school " + s.id + " (district \"" + s.district_id + "\" must exist)"));
      CachedTableWritten();
      return Log("school", s.id, "put", ToJson(s).dump(), by, "school.put", "", s.district_id);
    });
  }

  Result<School> GetSchool(const std::string& id) override {
    RefreshIfChangedElsewhere();
    if (auto it = schools_.find(id); it != schools_.end()) return it->second;
    SS_ASSIGN_OR_RETURN(Statement * st,
                        db_->Prepare(std::string("SELECT ") + kSchoolColumns + " FROM schools WHERE id = ?1"));
    ScopedReset reset(*st);
    st->Bind(1, id);
    SS_ASSIGN_OR_RETURN(bool row, st->Step());
    if (!row) return Status::NotFound("no school \"" + id + "\"");
    School s = ReadSchool(*st);
    schools_[id] = s;
    return s;
  }

  Result<std::vector<School>> ListSchools(const std::string& district_id) override {
    std::string sql = std::string("SELECT ") + kSchoolColumns + " FROM schools" +
                      (district_id.empty() ? "" : " WHERE district_id = ?1") + " ORDER BY district_id, id";
    SS_ASSIGN_OR_RETURN(Statement * st, db_->Prepare(sql));
    ScopedReset reset(*st);
    if (!district_id.empty()) st->Bind(1, district_id);
    std::vector<School> out;
    for (;;) {
      SS_ASSIGN_OR_RETURN(bool row, st->Step());
      if (!row) break;
      out.push_back(ReadSchool(*st));
    }
    return out;
  }

  Status PutResource(const Resource& r, const Actor& by) override {
    if (r.id.empty() || r.name.empty()) return Status::InvalidArgument("a resource needs an id and a name");
    if (r.capacity < 0 || r.quantity < 0 || r.buffer_minutes < 0) {
      return Status::InvalidArgument("capacity, quantity and buffer cannot be negative");
    }
    if (r.is_equipment() && r.quantity < 1) return Status::InvalidArgument("equipment needs a quantity of at least 1");
    if (r.parent_id == r.id && !r.id.empty()) return Status::InvalidArgument("a resource cannot be a part of itself");
    return Write([&]() -> Status {
      SS_ASSIGN_OR_RETURN(
          Statement * st,
          db_->Prepare(
              std::string("INSERT INTO resources(") + kResourceColumns +
              ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19) "
              "ON CONFLICT(id) DO UPDATE SET school_id = excluded.school_id, name = excluded.name, "
              "name_en = excluded.name_en, type = excluded.type, capacity = excluded.capacity, "
              "quantity = excluded.quantity, features = excluded.features, opening_hours = excluded.opening_hours, "
              "buffer_minutes = excluded.buffer_minutes, parent_id = excluded.parent_id, shared = excluded.shared, "
              "approval = excluded.approval, min_notice_minutes = excluded.min_notice_minutes, "
              "max_advance_days = excluded.max_advance_days, max_duration_minutes = excluded.max_duration_minutes, "
              "weekly_cap_minutes = excluded.weekly_cap_minutes, hourly_fee_cents = excluded.hourly_fee_cents, "
              "active = excluded.active"));
      ScopedReset reset(*st);
      const SharingPolicy& p = r.policy;
      st->Bind(1, r.id).Bind(2, r.school_id).Bind(3, r.name).Bind(4, r.name_en).Bind(5, ToString(r.type));
      st->Bind(6, r.capacity).Bind(7, r.quantity).Bind(8, Json(r.features).dump());
      st->Bind(9, WindowsToJson(r.opening_hours).dump()).Bind(10, r.buffer_minutes).BindOptional(11, r.parent_id);
      st->Bind(12, p.shared).Bind(13, ToString(p.approval)).Bind(14, p.min_notice_minutes);
      st->Bind(15, p.max_advance_days).Bind(16, p.max_duration_minutes).Bind(17, p.weekly_cap_minutes);
      st->Bind(18, p.hourly_fee_cents).Bind(19, r.active);
      SS_RETURN_IF_ERROR(
          Named(st->Run(), "resource " + r.id + " (school \"" + r.school_id + "\" and parent must exist)"));
      CachedTableWritten();
      return Log("resource", r.id, "put", ToJson(r).dump(), by, "resource.put", r.school_id);
    });
  }

  Result<Resource> GetResource(const std::string& id) override {
    SS_ASSIGN_OR_RETURN(const Resource* r, CachedResource(id));
    return *r;
  }

  // The cached row (valid until the caches are next forgotten), read on a miss.
  Result<const Resource*> CachedResource(const std::string& id) {
    RefreshIfChangedElsewhere();
    if (auto it = resources_.find(id); it != resources_.end()) return &it->second;
    SS_ASSIGN_OR_RETURN(Statement * st,
                        db_->Prepare(std::string("SELECT ") + kResourceColumns + " FROM resources WHERE id = ?1"));
    ScopedReset reset(*st);
    st->Bind(1, id);
    SS_ASSIGN_OR_RETURN(bool row, st->Step());
    if (!row) return Status::NotFound("no resource \"" + id + "\"");
    return &resources_.emplace(id, ReadResource(*st)).first->second;
  }

  Result<std::vector<Resource>> ListResources(const ResourceFilter& f) override {
    std::vector<std::pair<int, std::string>> binds;
    const std::string sql = std::string("SELECT ") + kResourceColumns + " FROM resources WHERE " +
                            ResourceWhere(f, &binds) + " ORDER BY school_id, id";
    SS_ASSIGN_OR_RETURN(Statement * st, db_->Prepare(sql));
    ScopedReset reset(*st);
    for (const auto& [i, v] : binds) st->Bind(i, v);
    std::vector<Resource> out;
    for (;;) {
      SS_ASSIGN_OR_RETURN(bool row, st->Step());
      if (!row) break;
      Resource r = ReadResource(*st);
      bool has_all = std::all_of(f.features.begin(), f.features.end(),
                                 [&](const std::string& feat) { return r.HasFeature(feat); });
      if (has_all) out.push_back(std::move(r));
    }
    return out;
  }

  Result<std::vector<ResourceKey>> ListResourceKeys(const ResourceFilter& f) override {
    std::vector<std::pair<int, std::string>> binds;
    const std::string sql = "SELECT id, school_id, type, capacity, quantity, approval, features FROM resources WHERE " +
                            ResourceWhere(f, &binds) + " ORDER BY id";
    SS_ASSIGN_OR_RETURN(Statement * st, db_->Prepare(sql));
    ScopedReset reset(*st);
    for (const auto& [i, v] : binds) st->Bind(i, v);
    std::vector<ResourceKey> out;
    for (;;) {
      SS_ASSIGN_OR_RETURN(bool row, st->Step());
      if (!row) break;
      if (!f.features.empty()) {  // parse the features only when they are asked for
        Resource r;
        r.features = StringsFromJson(st->Text(6));
        bool has_all = std::all_of(f.features.begin(), f.features.end(),
                                   [&](const std::string& feat) { return r.HasFeature(feat); });
        if (!has_all) continue;
      }
      ResourceKey k;
      k.id = st->Text(0);
      k.school_id = st->Text(1);
      if (auto t = ParseResourceType(st->Text(2)); t.ok()) k.type = *t;
      k.capacity = static_cast<int>(st->Int(3));
      k.quantity = static_cast<int>(st->Int(4));
      if (auto a = ParseApprovalMode(st->Text(5)); a.ok()) k.approval = *a;
      out.push_back(std::move(k));
    }
    return out;
  }

  Result<std::vector<Resource>> RelatedResources(const std::string& resource_id) override {
    RefreshIfChangedElsewhere();
    if (auto it = related_.find(resource_id); it != related_.end()) return it->second;
    // Ancestors (the whole this part belongs to) and descendants (its parts), transitively.
    SS_ASSIGN_OR_RETURN(
        Statement * st,
        db_->Prepare(
            "WITH RECURSIVE up(id) AS (SELECT parent_id FROM resources WHERE id = ?1 AND parent_id IS NOT NULL "
            "  UNION SELECT r.parent_id FROM resources r JOIN up ON r.id = up.id WHERE r.parent_id IS NOT NULL), "
            "down(id) AS (SELECT id FROM resources WHERE parent_id = ?1 "
            "  UNION SELECT r.id FROM resources r JOIN down ON r.parent_id = down.id) "
            "SELECT id FROM up UNION SELECT id FROM down"));
    std::vector<std::string> ids;
    {
      ScopedReset reset(*st);
      st->Bind(1, resource_id);
      for (;;) {
        SS_ASSIGN_OR_RETURN(bool row, st->Step());
        if (!row) break;
        if (st->Text(0) != resource_id) ids.push_back(st->Text(0));
      }
    }
    std::vector<Resource> out;
    for (const auto& id : ids) {
      SS_ASSIGN_OR_RETURN(Resource r, GetResource(id));
      out.push_back(std::move(r));
    }
    related_[resource_id] = out;
    return out;
  }

  // ---------------------------------------------------------------- staff and classes
  Status PutStaff(const StaffMember& m, const Actor& by) override {
    if (m.id.empty() || m.school_id.empty() || m.name.empty()) {
      return Status::InvalidArgument("a staff member needs an id, a school and a name");
    }
    return Write([&]() -> Status {
      SS_ASSIGN_OR_RETURN(Statement * st, db_->Prepare(std::string("INSERT OR REPLACE INTO staff(") + kStaffColumns +
                                                       ") VALUES (?1, ?2, ?3, ?4, ?5, ?6)"));
      {
        ScopedReset reset(*st);
        st->Bind(1, m.id).Bind(2, m.school_id).Bind(3, m.name).Bind(4, m.name_en).Bind(5, m.role).Bind(6, m.active);
        SS_RETURN_IF_ERROR(Named(st->Run(), "staff member " + m.id + " (school \"" + m.school_id + "\" must exist)"));
      }
      return Log("staff", m.id, "put", ToJson(m).dump(), by, "staff.put", m.school_id);
    });
  }

  Result<StaffMember> GetStaff(const std::string& id) override {
    return OneOf<StaffMember>(std::string("SELECT ") + kStaffColumns + " FROM staff WHERE id = ?1", id, ReadStaff,
                              "no staff member \"" + id + "\"");
  }

  Result<std::vector<StaffMember>> ListStaff(const std::string& school_id) override {
    return ListOf<StaffMember>(std::string("SELECT ") + kStaffColumns + " FROM staff WHERE ?1 = '' OR school_id = ?1 " +
                                   "ORDER BY school_id, name, id",
                               school_id, ReadStaff);
  }

  Status PutClass(const SchoolClass& c, const Actor& by) override {
    if (c.id.empty() || c.school_id.empty() || c.name.empty()) {
      return Status::InvalidArgument("a class needs an id, a school and a name");
    }
    if (c.grade < 0 || c.grade > 12) return Status::InvalidArgument("a class's grade is 0 (none) to 12");
    if (c.students < 0) return Status::InvalidArgument("students cannot be negative");
    for (const WeeklyWindow& w : c.lessons) {
      if (w.weekday < 1 || w.weekday > 7 || w.start_minute < 0 || w.end_minute <= w.start_minute) {
        return Status::InvalidArgument("class " + c.id + " has a lesson that is not a weekday 1-7 with start < end");
      }
    }
    return Write([&]() -> Status {
      SS_ASSIGN_OR_RETURN(Statement * st, db_->Prepare(std::string("INSERT OR REPLACE INTO school_classes(") +
                                                       kClassColumns + ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)"));
      {
        ScopedReset reset(*st);
        st->Bind(1, c.id).Bind(2, c.school_id).Bind(3, c.name).Bind(4, c.name_en).Bind(5, c.grade);
        st->Bind(6, c.students).Bind(7, WindowsToJson(c.lessons).dump()).Bind(8, c.active);
        SS_RETURN_IF_ERROR(Named(st->Run(), "class " + c.id + " (school \"" + c.school_id + "\" must exist)"));
      }
      return Log("class", c.id, "put", ToJson(c).dump(), by, "class.put", c.school_id);
    });
  }

  Result<SchoolClass> GetClass(const std::string& id) override {
    return OneOf<SchoolClass>(std::string("SELECT ") + kClassColumns + " FROM school_classes WHERE id = ?1", id,
                              ReadClass, "no class \"" + id + "\"");
  }

  Result<std::vector<SchoolClass>> ListClasses(const std::string& school_id) override {
    return ListOf<SchoolClass>(std::string("SELECT ") + kClassColumns +
                                   " FROM school_classes WHERE ?1 = '' OR school_id = ?1 ORDER BY school_id, grade, id",
                               school_id, ReadClass);
  }

  Status PutBlackout(const Blackout& b, const Actor& by) override {
    if (b.id.empty()) return Status::InvalidArgument("a blackout needs an id");
    if (b.end <= b.start) return Status::InvalidArgument("a blackout must end after it starts");
    Blackout full = b;
    if (full.school_id.empty() && !full.resource_id.empty()) {
      SS_ASSIGN_OR_RETURN(Resource r, GetResource(full.resource_id));
      full.school_id = r.school_id;
    }
    return Write([&]() -> Status {
      SS_ASSIGN_OR_RETURN(
          Statement * st,
          db_->Prepare(
              "INSERT INTO blackouts(id, resource_id, school_id, start_at, end_at, kind, reason) "
              "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT(id) DO UPDATE SET resource_id = excluded.resource_id, "
              "school_id = excluded.school_id, start_at = excluded.start_at, end_at = excluded.end_at, "
              "kind = excluded.kind, reason = excluded.reason"));
      ScopedReset reset(*st);
      st->Bind(1, full.id).BindOptional(2, full.resource_id).Bind(3, full.school_id).Bind(4, full.start);
      st->Bind(5, full.end).Bind(6, ToString(full.kind)).Bind(7, full.reason);
      SS_RETURN_IF_ERROR(Named(st->Run(), "blackout " + full.id));
      return Log("blackout", full.id, "put", ToJson(full, TimeZone::Utc()).dump(), by, "blackout.put", full.school_id);
    });
  }

  Status DeleteBlackout(const std::string& id, const Actor& by) override {
    return Write([&]() -> Status {
      SS_ASSIGN_OR_RETURN(Statement * st, db_->Prepare("DELETE FROM blackouts WHERE id = ?1 RETURNING school_id"));
      ScopedReset reset(*st);
      st->Bind(1, id);
      SS_ASSIGN_OR_RETURN(bool row, st->Step());
      if (!row) return Status::NotFound("no blackout \"" + id + "\"");
      std::string scope = st->Text(0);
      SS_RETURN_IF_ERROR(st->Run());
      return Log("blackout", id, "del", Json{{"id", id}}.dump(), by, "blackout.delete", scope);
    });
  }

  Result<Blackout> GetBlackout(const std::string& id) override {
    SS_ASSIGN_OR_RETURN(Statement * st, db_->Prepare("SELECT id, COALESCE(resource_id, ''), school_id, start_at, "
                                                     "end_at, kind, reason FROM blackouts WHERE id = ?1"));
    ScopedReset reset(*st);
    st->Bind(1, id);
    SS_ASSIGN_OR_RETURN(bool row, st->Step());
    if (!row) return Status::NotFound("no blackout \"" + id + "\"");
    Blackout b{st->Text(0), st->Text(1), st->Text(2), st->Int(3), st->Int(4), BlackoutKind::kOther, st->Text(6)};
    if (auto k = ParseBlackoutKind(st->Text(5)); k.ok()) b.kind = *k;
    return b;
  }

  Result<std::vector<Blackout>> ListBlackouts(const std::string& resource_id, Instant from, Instant to) override {
    SS_ASSIGN_OR_RETURN(const Resource* r, CachedResource(resource_id));
    SS_ASSIGN_OR_RETURN(
        Statement * st,
        db_->PrepareStatic(
            "SELECT id, resource_id, school_id, start_at, end_at, kind, reason FROM blackouts "
            "WHERE school_id = ?1 AND (resource_id IS NULL OR resource_id = ?2) AND start_at < ?4 AND end_at > ?3 "
            "ORDER BY start_at"));
    ScopedReset reset(*st);
    st->Bind(1, r->school_id).Bind(2, resource_id).Bind(3, from).Bind(4, to);
    std::vector<Blackout> out;
    for (;;) {
      SS_ASSIGN_OR_RETURN(bool row, st->Step());
      if (!row) break;
      Blackout b;
      b.id = st->Text(0);
      b.resource_id = st->Text(1);
      b.school_id = st->Text(2);
      b.start = st->Int(3);
      b.end = st->Int(4);
      if (auto k = ParseBlackoutKind(st->Text(5)); k.ok()) b.kind = *k;
      b.reason = st->Text(6);
      out.push_back(std::move(b));
    }
    return out;
  }

  Status PutCalendarDay(const CalendarDay& d, const std::string& district_id, const Actor& by) override {
    if (!d.date.valid()) return Status::InvalidArgument("invalid calendar date");
    if (d.kind == CalendarDayKind::kMakeupWorkday && (d.runs_weekday < 1 || d.runs_weekday > 7)) {
      return Status::InvalidArgument("a makeup workday (调休) must name the weekday it runs (1..7)");
    }
    return Write([&]() -> Status {
      SS_ASSIGN_OR_RETURN(
          Statement * st,
          db_->Prepare("INSERT INTO calendar_days(district_id, date, school_id, kind, runs_weekday, name) "
                       "VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT(district_id, date, school_id) DO UPDATE SET "
                       "kind = excluded.kind, runs_weekday = excluded.runs_weekday, name = excluded.name"));
      ScopedReset reset(*st);
      st->Bind(1, district_id).Bind(2, d.date.ToString()).Bind(3, d.school_id).Bind(4, ToString(d.kind));
      st->Bind(5, d.runs_weekday).Bind(6, d.name);
      SS_RETURN_IF_ERROR(Named(st->Run(), "calendar day " + d.date.ToString()));
      CachedTableWritten();
      Json data = ToJson(d);
      data["district_id"] = district_id;
      return Log("calendar_day", district_id + "/" + d.date.ToString() + "/" + d.school_id, "put", data.dump(), by,
                 "calendar.put", d.school_id, district_id);
    });
  }

  Result<std::vector<CalendarDay>> ListCalendarDays(const std::string& district_id, const CivilDate& from,
                                                    const CivilDate& to) override {
    RefreshIfChangedElsewhere();
    auto it = calendars_.find(district_id);
    if (it == calendars_.end()) {  // a district's calendar is small (tens of days a year): keep all of it
      SS_ASSIGN_OR_RETURN(Statement * st,
                          db_->Prepare("SELECT date, school_id, kind, runs_weekday, name FROM "
                                       "calendar_days WHERE district_id = ?1 ORDER BY date, school_id"));
      ScopedReset reset(*st);
      st->Bind(1, district_id);
      std::vector<CalendarDay> all;
      for (;;) {
        SS_ASSIGN_OR_RETURN(bool row, st->Step());
        if (!row) break;
        CalendarDay d;
        if (auto date = CivilDate::Parse(st->Text(0)); date.ok()) d.date = *date;
        d.school_id = st->Text(1);
        if (auto k = ParseCalendarDayKind(st->Text(2)); k.ok()) d.kind = *k;
        d.runs_weekday = static_cast<int>(st->Int(3));
        d.name = st->Text(4);
        all.push_back(std::move(d));
      }
      it = calendars_.emplace(district_id, std::move(all)).first;
    }
    std::vector<CalendarDay> out;
    for (const auto& d : it->second) {
      if (!(d.date < from) && !(to < d.date)) out.push_back(d);
    }
    return out;
  }

  Status PutAgreement(const SharingAgreement& a, const Actor& by) override {
    if (a.id.empty()) return Status::InvalidArgument("an agreement needs an id");
    if (a.owner_school_id == a.borrower_school_id) {
      return Status::InvalidArgument("an agreement is between two different schools");
    }
    if (a.valid_to < a.valid_from) return Status::InvalidArgument("an agreement must end after it starts");
    return Write([&]() -> Status {
      SS_ASSIGN_OR_RETURN(
          Statement * st,
          db_->Prepare(
              "INSERT INTO sharing_agreements(id, owner_school_id, borrower_school_id, resource_ids, windows, "
              "weekly_cap_minutes, auto_approve, valid_from, valid_to) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) "
              "ON CONFLICT(id) DO UPDATE SET owner_school_id = excluded.owner_school_id, "
              "borrower_school_id = excluded.borrower_school_id, resource_ids = excluded.resource_ids, "
              "windows = excluded.windows, weekly_cap_minutes = excluded.weekly_cap_minutes, "
              "auto_approve = excluded.auto_approve, valid_from = excluded.valid_from, valid_to = excluded.valid_to"));
      ScopedReset reset(*st);
      st->Bind(1, a.id).Bind(2, a.owner_school_id).Bind(3, a.borrower_school_id).Bind(4, Json(a.resource_ids).dump());
      st->Bind(5, WindowsToJson(a.windows).dump()).Bind(6, a.weekly_cap_minutes).Bind(7, a.auto_approve);
      st->Bind(8, a.valid_from.ToString()).Bind(9, a.valid_to.ToString());
      SS_RETURN_IF_ERROR(Named(st->Run(), "agreement " + a.id + " (both schools must exist)"));
      CachedTableWritten();
      return Log("agreement", a.id, "put", ToJson(a).dump(), by, "agreement.put", a.owner_school_id);
    });
  }

  Result<std::vector<SharingAgreement>> ListAgreements(const std::string& owner, const std::string& borrower) override {
    RefreshIfChangedElsewhere();
    if (!agreements_) {  // agreements are few (a handful per school pair): keep all of them
      SS_ASSIGN_OR_RETURN(Statement * st,
                          db_->Prepare("SELECT id, owner_school_id, borrower_school_id, resource_ids, windows, "
                                       "weekly_cap_minutes, auto_approve, valid_from, valid_to FROM "
                                       "sharing_agreements ORDER BY id"));
      ScopedReset reset(*st);
      std::vector<SharingAgreement> all;
      for (;;) {
        SS_ASSIGN_OR_RETURN(bool row, st->Step());
        if (!row) break;
        SharingAgreement a;
        a.id = st->Text(0);
        a.owner_school_id = st->Text(1);
        a.borrower_school_id = st->Text(2);
        a.resource_ids = StringsFromJson(st->Text(3));
        if (auto w = WindowsFromJson(Json::parse(st->Text(4), nullptr, false)); w.ok()) a.windows = *w;
        a.weekly_cap_minutes = static_cast<int>(st->Int(5));
        a.auto_approve = st->Int(6) != 0;
        if (auto d = CivilDate::Parse(st->Text(7)); d.ok()) a.valid_from = *d;
        if (auto d = CivilDate::Parse(st->Text(8)); d.ok()) a.valid_to = *d;
        all.push_back(std::move(a));
      }
      agreements_ = std::move(all);
    }
    std::vector<SharingAgreement> out;
    for (const auto& a : *agreements_) {
      if ((owner.empty() || a.owner_school_id == owner) && (borrower.empty() || a.borrower_school_id == borrower)) {
        out.push_back(a);
      }
    }
    return out;
  }

  // ---------------------------------------------------------------- bookings
  Status InsertBooking(const Booking& b, const Actor& by, const std::string& action) override {
    if (b.end <= b.start) return Status::InvalidArgument("a booking must end after it starts");
    if (b.code.empty()) return Status::InvalidArgument("a booking needs a code");
    if (depth_ == 0) return TopLevel([&] { return InsertBookingRows(b, by, action, nullptr); }, "BEGIN IMMEDIATE");
    // Inside a transaction, without a savepoint: the rows it writes are known by key, so it undoes
    // itself when a later row fails, and an enclosing level that fails deletes them again (UndoInsert).
    // A savepoint would copy every page the booking touches into the statement journal (about ten per
    // booking: a fifth of a batched create).
    ++writes_;
    InsertedRows rows;
    rows.at = writes_;
    SS_RETURN_IF_ERROR(InsertBookingRows(b, by, action, &rows));
    if (!levels_.empty() && !Covered(levels_.back(), rows.at)) levels_.back().undo.push_back(std::move(rows));
    return Status::Ok();
  }

  Status UpdateBooking(const Booking& b, const Actor& by, const std::string& action) override {
    if (b.end <= b.start) return Status::InvalidArgument("a booking must end after it starts");
    return Write([&]() -> Status {
      SS_ASSIGN_OR_RETURN(
          Statement * st,
          db_->Prepare(
              "UPDATE bookings SET resource_id = ?2, school_id = ?3, organizer = ?4, title = ?5, activity_type = ?6, "
              "attendees = ?7, quantity = ?8, start_at = ?9, end_at = ?10, status = ?11, stage = ?12, series_id = ?13, "
              "code = ?14, note = ?15, created_by = ?16, created_at = ?17, updated_at = ?18, version = version + 1, "
              "class_id = ?20 "
              "WHERE id = ?1"));
      {
        ScopedReset reset(*st);
        BindBooking(*st, b, 1);
        SS_RETURN_IF_ERROR(Named(st->Run(), "booking " + b.id));
        if (db_->Changes() == 0) return Status::NotFound("no booking \"" + b.id + "\"");
      }
      SS_RETURN_IF_ERROR(NoteLength(b.resource_id, b.end - b.start));
      SS_ASSIGN_OR_RETURN(Booking stored, GetBooking(b.id));
      SS_ASSIGN_OR_RETURN(std::string scope, OwnerOf(b.resource_id));
      return Log("booking", b.id, "put", BookingJsonText(stored), by, action, scope);
    });
  }

  Result<Booking> GetBooking(const std::string& id) override {
    static const std::string sql = std::string("SELECT ") + kBookingColumns + " FROM bookings WHERE id = ?1";
    SS_ASSIGN_OR_RETURN(Statement * st, db_->PrepareStatic(sql.c_str()));
    ScopedReset reset(*st);
    st->Bind(1, id);
    SS_ASSIGN_OR_RETURN(bool row, st->Step());
    if (!row) return Status::NotFound("no booking \"" + id + "\"");
    return ReadBooking(*st);
  }

  Result<Booking> FindBookingByCode(const std::string& code) override {
    return OneBooking(std::string("SELECT ") + kBookingColumns + " FROM bookings WHERE code = ?1", code,
                      "no booking with code \"" + code + "\"");
  }

  Result<std::vector<Booking>> ListBookings(const BookingFilter& f) override {
    std::string sql = std::string("SELECT ") + kBookingColumns + " FROM bookings WHERE 1 = 1";
    int n = 0;
    std::vector<std::pair<int, std::string>> texts;
    std::vector<std::pair<int, Instant>> ints;
    auto text = [&](const char* clause, const std::string& v) {
      sql += std::string(" AND ") + clause + std::to_string(++n);
      texts.push_back({n, v});
    };
    if (!f.resource_id.empty()) text("resource_id = ?", f.resource_id);
    if (!f.school_id.empty()) text("school_id = ?", f.school_id);
    if (!f.series_id.empty()) text("series_id = ?", f.series_id);
    if (!f.owner_school_id.empty()) {
      text("resource_id IN (SELECT id FROM resources WHERE school_id = ?", f.owner_school_id);
      sql += ")";
    }
    if (f.from) {
      sql += " AND end_at > ?" + std::to_string(++n);
      ints.push_back({n, *f.from});
    }
    if (f.to) {
      sql += " AND start_at < ?" + std::to_string(++n);
      ints.push_back({n, *f.to});
    }
    if (!f.statuses.empty()) {
      sql += " AND status IN (";
      for (size_t i = 0; i < f.statuses.size(); ++i)
        sql += (i ? ",'" : "'") + std::string(ToString(f.statuses[i])) + "'";
      sql += ")";
    }
    if (f.stage) sql += std::string(" AND stage = '") + ToString(*f.stage) + "'";
    sql += " ORDER BY start_at, resource_id, id";
    if (f.limit > 0) sql += " LIMIT " + std::to_string(f.limit);
    SS_ASSIGN_OR_RETURN(Statement * st, db_->Prepare(sql));
    ScopedReset reset(*st);
    for (const auto& [i, v] : texts) st->Bind(i, v);
    for (const auto& [i, v] : ints) st->Bind(i, v);
    std::vector<Booking> out;
    for (;;) {
      SS_ASSIGN_OR_RETURN(bool row, st->Step());
      if (!row) break;
      out.push_back(ReadBooking(*st));
    }
    return out;
  }

  Result<std::vector<Booking>> ListHeldBookings(const std::vector<std::string>& resource_ids, Instant from,
                                                Instant to) override {
    static const std::string sql = std::string("SELECT ") + kBookingColumns +
                                   " FROM bookings WHERE resource_id = ?1 AND start_at > ?2 " +
                                   "AND start_at < ?3 AND end_at > ?4 AND " + kHeld + " ORDER BY start_at";
    SS_ASSIGN_OR_RETURN(Statement * st, db_->PrepareStatic(sql.c_str()));
    std::vector<Booking> out;
    for (const auto& rid : resource_ids) {
      SS_ASSIGN_OR_RETURN(Instant longest, LongestBooking(rid));
      ScopedReset reset(*st);
      st->Bind(1, rid).Bind(2, from - longest).Bind(3, to).Bind(4, from);
      for (;;) {
        SS_ASSIGN_OR_RETURN(bool row, st->Step());
        if (!row) break;
        out.push_back(ReadBooking(*st));
      }
    }
    return out;
  }

  Result<int> HeldMinutes(const std::string& school_id, const std::vector<std::string>& resource_ids, Instant from,
                          Instant to) override {
    static const std::string sql =
        std::string(
            "SELECT COALESCE(SUM(end_at - start_at), 0) FROM bookings WHERE resource_id = ?1 AND "
            "start_at >= ?2 AND start_at < ?3 AND school_id = ?4 AND ") +
        kHeld;
    SS_ASSIGN_OR_RETURN(Statement * st, db_->PrepareStatic(sql.c_str()));
    std::int64_t seconds = 0;
    for (const auto& rid : resource_ids) {
      ScopedReset reset(*st);
      st->Bind(1, rid).Bind(2, from).Bind(3, to).Bind(4, school_id);
      SS_ASSIGN_OR_RETURN(bool row, st->Step());
      if (row) seconds += st->Int(0);
    }
    return static_cast<int>(seconds / 60);
  }

  bool BookingCodeExists(const std::string& code) override {
    auto st = db_->Prepare("SELECT 1 FROM bookings WHERE code = ?1");
    if (!st.ok()) return true;  // be safe: make the caller pick another code
    ScopedReset reset(**st);
    (*st)->Bind(1, code);
    auto row = (*st)->Step();
    return !row.ok() || *row;
  }

  Status PutSeries(const BookingSeries& s, const Actor& by) override {
    if (s.id.empty()) return Status::InvalidArgument("a series needs an id");
    return Write([&]() -> Status {
      SS_ASSIGN_OR_RETURN(
          Statement * st,
          db_->Prepare("INSERT INTO booking_series(id, resource_id, school_id, data, created_by, created_at) "
                       "VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT(id) DO UPDATE SET data = excluded.data"));
      ScopedReset reset(*st);
      std::string data = ToJson(s).dump();
      st->Bind(1, s.id).Bind(2, s.resource_id).Bind(3, s.school_id).Bind(4, data).Bind(5, s.created_by);
      st->Bind(6, s.created_at);
      SS_RETURN_IF_ERROR(Named(st->Run(), "series " + s.id));
      SS_ASSIGN_OR_RETURN(std::string scope, OwnerOf(s.resource_id));
      return Log("series", s.id, "put", data, by, "series.put", scope);
    });
  }

  Result<BookingSeries> GetSeries(const std::string& id) override {
    SS_ASSIGN_OR_RETURN(Statement * st, db_->Prepare("SELECT data FROM booking_series WHERE id = ?1"));
    ScopedReset reset(*st);
    st->Bind(1, id);
    SS_ASSIGN_OR_RETURN(bool row, st->Step());
    if (!row) return Status::NotFound("no series \"" + id + "\"");
    SS_ASSIGN_OR_RETURN(Json j, ParseJson(st->Text(0)));
    return SeriesFromJson(j);
  }

  // ---------------------------------------------------------------- facts
  Status InsertFact(const UsageFact& f, const Actor& by) override {
    if (f.id.empty() || f.resource_id.empty()) return Status::InvalidArgument("a fact needs an id and a resource");
    return Write([&]() -> Status {
      SS_ASSIGN_OR_RETURN(Statement * st, db_->Prepare(std::string("INSERT INTO usage_facts(") + kFactColumns +
                                                       ") VALUES (" + kFactValues + ") ON CONFLICT(id) DO NOTHING"));
      UsageFact stored = f;
      if (stored.received_at == 0) stored.received_at = Now();
      if (stored.recorded_by.empty()) stored.recorded_by = by.id;
      {
        ScopedReset reset(*st);
        BindFact(*st, stored);
        SS_RETURN_IF_ERROR(Named(st->Run(), "fact " + stored.id));
        if (db_->Changes() == 0) return Status::AlreadyExists("fact " + stored.id + " is already recorded");
      }
      SS_ASSIGN_OR_RETURN(std::string scope, OwnerOf(stored.resource_id));
      return Log("fact", stored.id, "put", ToJson(stored, TimeZone::Utc()).dump(), by,
                 std::string("fact.") + ToString(stored.kind), scope);
    });
  }

  Result<UsageFact> GetFact(const std::string& id) override {
    SS_ASSIGN_OR_RETURN(Statement * st,
                        db_->Prepare(std::string("SELECT ") + kFactColumns + " FROM usage_facts WHERE id = ?1"));
    ScopedReset reset(*st);
    st->Bind(1, id);
    SS_ASSIGN_OR_RETURN(bool row, st->Step());
    if (!row) return Status::NotFound("no fact \"" + id + "\"");
    return ReadFact(*st);
  }

  Result<std::vector<UsageFact>> ListFacts(const FactFilter& f) override {
    // One statement per filter shape, each answered by its index (an "?1 = '' OR" form scans the table).
    const std::string head = std::string("SELECT ") + kFactColumns + " FROM usage_facts WHERE ";
    const std::string tail = " AND at >= ?3 AND at < ?4 ORDER BY at, id";
    std::string where;
    if (!f.booking_id.empty())
      where = "booking_id = ?1 AND (?2 = '' OR resource_id = ?2)";
    else if (!f.resource_id.empty())
      where = "resource_id = ?2 AND ?1 = ''";
    else
      where = "?1 = '' AND ?2 = ''";
    SS_ASSIGN_OR_RETURN(Statement * st, db_->Prepare(head + where + tail));
    ScopedReset reset(*st);
    st->Bind(1, f.booking_id).Bind(2, f.resource_id);
    st->Bind(3, f.from.value_or(std::numeric_limits<Instant>::min()));
    st->Bind(4, f.to.value_or(std::numeric_limits<Instant>::max()));
    std::vector<UsageFact> out;
    for (;;) {
      SS_ASSIGN_OR_RETURN(bool row, st->Step());
      if (!row) break;
      out.push_back(ReadFact(*st));
    }
    return out;
  }

  // ---------------------------------------------------------------- period reports (DistrictReportSource)
  Result<std::vector<BookingSpan>> ListDistrictSpans(const std::string& district_id, Instant from,
                                                     Instant to) override {
    // Each resource of the district, then its bookings on bookings_resource_span (which holds every
    // column read but the id): five columns instead of twenty, no sort.
    static constexpr const char kSql[] =
        "SELECT b.id, b.resource_id, b.school_id, b.start_at, b.end_at FROM schools s "
        "JOIN resources r ON r.school_id = s.id JOIN bookings b ON b.resource_id = r.id "
        "WHERE s.district_id = ?1 AND b.start_at < ?3 AND b.end_at > ?2 AND b.status = 'confirmed'";
    SS_ASSIGN_OR_RETURN(Statement * st, db_->PrepareStatic(kSql));
    ScopedReset reset(*st);
    st->Bind(1, district_id).Bind(2, from).Bind(3, to);
    return AllRows<BookingSpan>(*st, [](const Statement& row) {
      return BookingSpan{row.Text(0), row.Text(1), row.Text(2), row.Int(3), row.Int(4)};
    });
  }

  Result<std::vector<Resource>> ListDistrictReportResources(const std::string& district_id) override {
    // Six columns instead of nineteen, features not parsed, and each distinct opening-hours text parsed
    // once (most resources of a district share a few timetables).
    static constexpr const char kSql[] =
        "SELECT r.id, r.school_id, r.type, r.opening_hours, r.shared, r.hourly_fee_cents FROM schools s "
        "JOIN resources r ON r.school_id = s.id WHERE s.district_id = ?1 AND r.active = 1";
    SS_ASSIGN_OR_RETURN(Statement * st, db_->PrepareStatic(kSql));
    ScopedReset reset(*st);
    st->Bind(1, district_id);
    std::unordered_map<std::string, std::vector<WeeklyWindow>> windows;
    return AllRows<Resource>(*st, [&](const Statement& row) {
      Resource r;
      r.id = row.Text(0);
      r.school_id = row.Text(1);
      if (auto t = ParseResourceType(row.Text(2)); t.ok()) r.type = *t;
      std::string text = row.Text(3);
      auto it = windows.find(text);
      if (it == windows.end()) {
        std::vector<WeeklyWindow> parsed;
        if (auto w = WindowsFromJson(Json::parse(text, nullptr, false)); w.ok()) parsed = *w;
        it = windows.emplace(std::move(text), std::move(parsed)).first;
      }
      r.opening_hours = it->second;
      r.policy.shared = row.Int(4) != 0;
      r.policy.hourly_fee_cents = static_cast<int>(row.Int(5));
      r.active = true;
      return r;
    });
  }

  Result<std::vector<UsageFact>> ListDistrictFacts(const std::string& district_id, Instant from, Instant to) override {
    static const std::string sql = std::string("SELECT ") + kFactColumns +
                                   " FROM usage_facts WHERE resource_id IN (SELECT r.id FROM resources r JOIN "
                                   "schools s ON s.id = r.school_id WHERE s.district_id = ?1) AND at >= ?2 AND at < ?3";
    SS_ASSIGN_OR_RETURN(Statement * st, db_->PrepareStatic(sql.c_str()));
    ScopedReset reset(*st);
    st->Bind(1, district_id).Bind(2, from).Bind(3, to);
    return AllRows<UsageFact>(*st, ReadFact);
  }

  // ---------------------------------------------------------------- report periods
  Result<ReportPeriod> GetReportPeriod(const std::string& school_id, const std::string& month) override {
    RefreshIfChangedElsewhere();
    std::string key = school_id + "/" + month;
    if (auto it = periods_.find(key); it != periods_.end()) return it->second;
    SS_ASSIGN_OR_RETURN(
        Statement * st,
        db_->PrepareStatic(
            "SELECT status, signed_off_by, signed_off_at FROM report_periods WHERE school_id = ?1 AND month = ?2"));
    ScopedReset reset(*st);
    st->Bind(1, school_id).Bind(2, month);
    ReportPeriod p{school_id, month, PeriodStatus::kOpen, "", 0};
    SS_ASSIGN_OR_RETURN(bool row, st->Step());
    if (row) {
      if (auto s = ParsePeriodStatus(st->Text(0)); s.ok()) p.status = *s;
      p.signed_off_by = st->Text(1);
      p.signed_off_at = st->Int(2);
    }
    periods_[key] = p;
    return p;  // a period never written is open
  }

  Status PutReportPeriod(const ReportPeriod& p, const Actor& by) override {
    return Write([&]() -> Status {
      SS_ASSIGN_OR_RETURN(
          Statement * st,
          db_->Prepare(
              "INSERT INTO report_periods(school_id, month, status, signed_off_by, signed_off_at) "
              "VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT(school_id, month) DO UPDATE SET status = excluded.status, "
              "signed_off_by = excluded.signed_off_by, signed_off_at = excluded.signed_off_at"));
      ScopedReset reset(*st);
      st->Bind(1, p.school_id).Bind(2, p.month).Bind(3, ToString(p.status)).Bind(4, p.signed_off_by);
      st->Bind(5, p.signed_off_at);
      SS_RETURN_IF_ERROR(Named(st->Run(), "report period " + p.school_id + " " + p.month));
      CachedTableWritten();
      return Log("report_period", p.school_id + "/" + p.month, "put", ToJson(p, TimeZone::Utc()).dump(), by,
                 "period.put", p.school_id);
    });
  }

  // ---------------------------------------------------------------- tokens
  Status InsertToken(const TokenRecord& t, const Actor& by) override {
    if (t.id.empty() || t.hash.empty()) return Status::InvalidArgument("a token needs an id and a hash");
    return Write([&]() -> Status {
      SS_ASSIGN_OR_RETURN(Statement * st,
                          db_->Prepare("INSERT INTO tokens(id, role, school_id, label, hash, created_at, revoked, "
                                       "feed_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6, 0, ?7)"));
      ScopedReset reset(*st);
      st->Bind(1, t.id).Bind(2, ToString(t.role)).Bind(3, t.school_id).Bind(4, t.label).Bind(5, t.hash);
      st->Bind(6, t.created_at ? t.created_at : Now()).Bind(7, t.feed_id);
      SS_RETURN_IF_ERROR(Named(st->Run(), "token " + t.id));
      Json detail = {{"role", ToString(t.role)}, {"school_id", t.school_id}, {"label", t.label}};
      if (!t.feed_id.empty()) detail["feed_id"] = t.feed_id;
      return Audit(by, "token.create", "token", t.id, detail.dump());
    });
  }

  Result<TokenRecord> FindTokenByHash(const std::string& hash) override {
    SS_ASSIGN_OR_RETURN(
        Statement * st,
        db_->Prepare(
            "SELECT id, role, school_id, label, hash, created_at, revoked, feed_id FROM tokens WHERE hash = ?1"));
    ScopedReset reset(*st);
    st->Bind(1, hash);
    SS_ASSIGN_OR_RETURN(bool row, st->Step());
    if (!row) return Status::NotFound("unknown token");
    return ReadToken(*st);
  }

  Result<std::vector<TokenRecord>> ListTokens() override {
    SS_ASSIGN_OR_RETURN(Statement * st, db_->Prepare("SELECT id, role, school_id, label, hash, created_at, revoked, "
                                                     "feed_id FROM tokens ORDER BY created_at, id"));
    ScopedReset reset(*st);
    std::vector<TokenRecord> out;
    for (;;) {
      SS_ASSIGN_OR_RETURN(bool row, st->Step());
      if (!row) break;
      out.push_back(ReadToken(*st));
    }
    return out;
  }

  Status RevokeToken(const std::string& id, const Actor& by) override {
    return Write([&]() -> Status {
      SS_ASSIGN_OR_RETURN(Statement * st, db_->Prepare("UPDATE tokens SET revoked = 1 WHERE id = ?1"));
      ScopedReset reset(*st);
      st->Bind(1, id);
      SS_RETURN_IF_ERROR(st->Run());
      if (db_->Changes() == 0) return Status::NotFound("no token \"" + id + "\"");
      return Audit(by, "token.revoke", "token", id, "{}");
    });
  }

  // ---------------------------------------------------------------- logs
  Result<std::vector<AuditEntry>> ListAudit(const std::string& entity, const std::string& entity_id) override {
    SS_ASSIGN_OR_RETURN(Statement * st,
                        db_->Prepare("SELECT a.seq, a.at, a.actor_id, a.action, a.entity, a.entity_id, "
                                     "CASE WHEN a.change_version IS NULL THEN a.detail ELSE c.data END "
                                     "FROM audit_log a LEFT JOIN change_log c ON c.version = a.change_version "
                                     "WHERE (?1 = '' OR a.entity = ?1) AND (?2 = '' OR a.entity_id = ?2) "
                                     "ORDER BY a.seq"));
    ScopedReset reset(*st);
    st->Bind(1, entity).Bind(2, entity_id);
    std::vector<AuditEntry> out;
    for (;;) {
      SS_ASSIGN_OR_RETURN(bool row, st->Step());
      if (!row) break;
      out.push_back({st->Int(0), st->Int(1), st->Text(2), st->Text(3), st->Text(4), st->Text(5), st->Text(6)});
    }
    return out;
  }

  Result<std::vector<Change>> ListChanges(const std::string& district_id, std::int64_t after_version, int limit,
                                          const std::string& scope_school) override {
    // Two statements, so each uses its index: (district, version) for everyone, (district, scope, version)
    // for a school.
    SS_ASSIGN_OR_RETURN(Statement * st,
                        scope_school.empty()
                            ? db_->Prepare("SELECT version, entity, entity_id, op, data, at, scope FROM change_log "
                                           "WHERE district_id = ?4 AND version > ?1 ORDER BY version LIMIT ?2")
                            : db_->Prepare("SELECT version, entity, entity_id, op, data, at, scope FROM change_log "
                                           "WHERE district_id = ?4 AND version > ?1 AND scope IN ('', ?3) "
                                           "ORDER BY version LIMIT ?2"));
    ScopedReset reset(*st);
    st->Bind(1, after_version).Bind(2, limit > 0 ? limit : -1).Bind(4, district_id);
    if (!scope_school.empty()) st->Bind(3, scope_school);
    std::vector<Change> out;
    for (;;) {
      SS_ASSIGN_OR_RETURN(bool row, st->Step());
      if (!row) break;
      out.push_back({st->Int(0), st->Text(1), st->Text(2), st->Text(3), st->Text(4), st->Int(5), st->Text(6)});
    }
    return out;
  }

  Result<std::int64_t> CompactedUpTo(const std::string& district_id) override {
    SS_ASSIGN_OR_RETURN(std::string v, Meta("compacted_up_to/" + district_id));
    return static_cast<std::int64_t>(std::stoll(v.empty() ? "0" : v));
  }

  Result<std::int64_t> DistrictVersion(const std::string& district_id) override {
    // The compaction mark covers a district whose every change was compacted away.
    SS_ASSIGN_OR_RETURN(Statement * st,
                        db_->Prepare("SELECT MAX(COALESCE((SELECT MAX(version) FROM change_log WHERE district_id = "
                                     "?1), 0), COALESCE((SELECT CAST(value AS INTEGER) FROM server_meta WHERE key = "
                                     "'compacted_up_to/' || ?1), 0))"));
    ScopedReset reset(*st);
    st->Bind(1, district_id);
    SS_ASSIGN_OR_RETURN(bool row, st->Step());
    return row ? st->Int(0) : 0;
  }

  Result<std::int64_t> CompactChanges(Instant before) override {
    std::int64_t dropped = 0;
    SS_RETURN_IF_ERROR(Write([&]() -> Status {
      // History stays readable: audit entries take a copy of the data they pointed at.
      SS_RETURN_IF_ERROR(db_->Exec(
          "UPDATE audit_log SET detail = (SELECT data FROM change_log c WHERE c.version = audit_log.change_version), "
          "change_version = NULL WHERE change_version IN (SELECT version FROM change_log WHERE at < " +
          std::to_string(before) + ")"));
      SS_ASSIGN_OR_RETURN(Statement * top, db_->Prepare("SELECT COALESCE(MAX(version), 0), COUNT(*) FROM change_log "
                                                        "WHERE at < ?1"));
      std::int64_t up_to = 0;
      {
        ScopedReset reset(*top);
        top->Bind(1, before);
        SS_ASSIGN_OR_RETURN(bool row, top->Step());
        if (row) {
          up_to = top->Int(0);
          dropped = top->Int(1);
        }
      }
      if (dropped == 0) return Status::Ok();
      // Each district's mark is the highest of its versions dropped now or before.
      SS_ASSIGN_OR_RETURN(Statement * marks,
                          db_->Prepare("SELECT district_id, MAX(version) FROM change_log WHERE version <= ?1 "
                                       "GROUP BY district_id"));
      std::vector<std::pair<std::string, std::int64_t>> dropped_up_to;
      {
        ScopedReset reset(*marks);
        marks->Bind(1, up_to);
        for (;;) {
          SS_ASSIGN_OR_RETURN(bool row, marks->Step());
          if (!row) break;
          dropped_up_to.emplace_back(marks->Text(0), marks->Int(1));
        }
      }
      for (const auto& [district, version] : dropped_up_to) {
        SS_ASSIGN_OR_RETURN(std::int64_t before_mark, CompactedUpTo(district));
        SS_RETURN_IF_ERROR(SetMeta("compacted_up_to/" + district, std::to_string(std::max(before_mark, version))));
      }
      SS_ASSIGN_OR_RETURN(Statement * del, db_->Prepare("DELETE FROM change_log WHERE version <= ?1"));
      ScopedReset reset(*del);
      del->Bind(1, up_to);
      SS_RETURN_IF_ERROR(del->Run());
      dropped = db_->Changes();
      return SetMeta("compacted_up_to", std::to_string(up_to));
    }));
    return dropped;
  }

  // ---------------------------------------------------------------- sync bookkeeping
  Result<std::string> ServerEpoch() override { return Meta("epoch"); }

  Status PutSyncClient(const SyncClient& c) override {
    if (c.id.empty()) return Status::InvalidArgument("a sync client needs an id");
    return Write([&]() -> Status {
      SS_ASSIGN_OR_RETURN(
          Statement * st,
          db_->Prepare("INSERT INTO sync_clients(id, token_id, school_id, last_client_seq, registered_at, "
                       "last_seen_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT(id) DO UPDATE SET "
                       "token_id = excluded.token_id, school_id = excluded.school_id, "
                       "last_client_seq = excluded.last_client_seq, last_seen_at = excluded.last_seen_at"));
      ScopedReset reset(*st);
      st->Bind(1, c.id).Bind(2, c.token_id).Bind(3, c.school_id).Bind(4, c.last_client_seq);
      st->Bind(5, c.registered_at ? c.registered_at : Now()).Bind(6, c.last_seen_at ? c.last_seen_at : Now());
      return Named(st->Run(), "sync client " + c.id);
    });
  }

  Result<SyncClient> GetSyncClient(const std::string& id) override {
    SS_ASSIGN_OR_RETURN(Statement * st,
                        db_->Prepare("SELECT id, token_id, school_id, last_client_seq, registered_at, last_seen_at "
                                     "FROM sync_clients WHERE id = ?1"));
    ScopedReset reset(*st);
    st->Bind(1, id);
    SS_ASSIGN_OR_RETURN(bool row, st->Step());
    if (!row) return Status::NotFound("no sync client \"" + id + "\"");
    return SyncClient{st->Text(0), st->Text(1), st->Text(2), st->Int(3), st->Int(4), st->Int(5)};
  }

  Result<std::vector<SyncClient>> ListSyncClients() override {
    SS_ASSIGN_OR_RETURN(Statement * st,
                        db_->Prepare("SELECT id, token_id, school_id, last_client_seq, registered_at, last_seen_at "
                                     "FROM sync_clients ORDER BY school_id, id"));
    ScopedReset reset(*st);
    std::vector<SyncClient> out;
    for (;;) {
      SS_ASSIGN_OR_RETURN(bool row, st->Step());
      if (!row) break;
      out.push_back({st->Text(0), st->Text(1), st->Text(2), st->Int(3), st->Int(4), st->Int(5)});
    }
    return out;
  }

  Status PutMutationRecord(const MutationRecord& m) override {
    return Write([&]() -> Status {
      SS_ASSIGN_OR_RETURN(Statement * st,
                          db_->Prepare("INSERT INTO mutation_results(client_id, client_seq, mutation_id, name, status, "
                                       "result, at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"));
      {
        ScopedReset reset(*st);
        st->Bind(1, m.client_id).Bind(2, m.client_seq).Bind(3, m.mutation_id).Bind(4, m.name).Bind(5, m.status);
        st->Bind(6, m.result).Bind(7, m.at ? m.at : Now());
        SS_RETURN_IF_ERROR(Named(st->Run(), "result of mutation " + m.mutation_id));
      }
      SS_ASSIGN_OR_RETURN(Statement * up, db_->Prepare("UPDATE sync_clients SET last_client_seq = MAX(last_client_seq, "
                                                       "?2), last_seen_at = ?3 WHERE id = ?1"));
      ScopedReset reset(*up);
      up->Bind(1, m.client_id).Bind(2, m.client_seq).Bind(3, Now());
      SS_RETURN_IF_ERROR(up->Run());
      if (db_->Changes() == 0) return Status::NotFound("no sync client \"" + m.client_id + "\"");
      return Status::Ok();
    });
  }

  Result<MutationRecord> GetMutationRecord(const std::string& client_id, std::int64_t client_seq) override {
    SS_ASSIGN_OR_RETURN(Statement * st,
                        db_->Prepare("SELECT client_id, client_seq, mutation_id, name, status, result, at "
                                     "FROM mutation_results WHERE client_id = ?1 AND client_seq = ?2"));
    ScopedReset reset(*st);
    st->Bind(1, client_id).Bind(2, client_seq);
    SS_ASSIGN_OR_RETURN(bool row, st->Step());
    if (!row) return Status::NotFound("no result for mutation " + std::to_string(client_seq));
    return MutationRecord{st->Text(0), st->Int(1), st->Text(2), st->Text(3), st->Text(4), st->Text(5), st->Int(6)};
  }

  Result<std::vector<MutationRecord>> ListMutationRecords(const std::string& client_id, std::int64_t after_seq,
                                                          int limit) override {
    SS_ASSIGN_OR_RETURN(Statement * st,
                        db_->Prepare("SELECT client_id, client_seq, mutation_id, name, status, result, at "
                                     "FROM mutation_results WHERE client_id = ?1 AND client_seq > ?2 "
                                     "ORDER BY client_seq LIMIT ?3"));
    ScopedReset reset(*st);
    st->Bind(1, client_id).Bind(2, after_seq).Bind(3, limit > 0 ? limit : -1);
    std::vector<MutationRecord> out;
    for (;;) {
      SS_ASSIGN_OR_RETURN(bool row, st->Step());
      if (!row) break;
      out.push_back({st->Text(0), st->Int(1), st->Text(2), st->Text(3), st->Text(4), st->Text(5), st->Int(6)});
    }
    return out;
  }

  Status PutQuarantine(const MutationRecord& m, const std::string& payload, const std::string& error) override {
    return Write([&]() -> Status {
      SS_ASSIGN_OR_RETURN(Statement * st,
                          db_->Prepare("INSERT OR REPLACE INTO quarantine(client_id, client_seq, mutation_id, payload, "
                                       "error, at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)"));
      ScopedReset reset(*st);
      st->Bind(1, m.client_id).Bind(2, m.client_seq).Bind(3, m.mutation_id).Bind(4, payload).Bind(5, error);
      st->Bind(6, Now());
      return st->Run();
    });
  }

  // ---------------------------------------------------------------- sync client replica
  Status ApplyReplicated(const Change& c) override {
    if (c.op != "put" && c.op != "del") return Status::InvalidArgument("unknown change op \"" + c.op + "\"");
    return Write([&]() -> Status {
      if (c.op == "del") return DeleteReplicated(c.entity, c.entity_id);
      SS_ASSIGN_OR_RETURN(Json j, ParseJson(c.data));
      const TimeZone utc = TimeZone::Utc();
      if (c.entity == "booking") {
        SS_ASSIGN_OR_RETURN(Booking b, BookingFromJson(j, utc));
        if (b.end <= b.start) return Status::InvalidArgument("replicated booking " + b.id + " ends before it starts");
        // A code now used by another booking (a row the server no longer has) must give way.
        SS_RETURN_IF_ERROR(Run("DELETE FROM bookings WHERE code = ?1 AND id <> ?2", {b.code, b.id}));
        SS_ASSIGN_OR_RETURN(Statement * st,
                            db_->Prepare(std::string("INSERT OR REPLACE INTO bookings(") + kBookingColumns +
                                         ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, "
                                         "?16, ?17, ?18, ?19, ?20)"));
        {
          ScopedReset reset(*st);
          BindBooking(*st, b, 1);
          SS_RETURN_IF_ERROR(Named(st->Run(), "replicated booking " + b.id));
        }
        return NoteLength(b.resource_id, b.end - b.start);
      }
      if (c.entity == "fact") {
        SS_ASSIGN_OR_RETURN(UsageFact f, FactFromJson(j, utc));
        SS_ASSIGN_OR_RETURN(Statement * st, db_->Prepare(std::string("INSERT OR REPLACE INTO usage_facts(") +
                                                         kFactColumns + ") VALUES (" + kFactValues + ")"));
        ScopedReset reset(*st);
        BindFact(*st, f);
        return Named(st->Run(), "replicated fact " + f.id);
      }
      CachedTableWritten();  // everything below is catalogue, calendar or bookkeeping the caches may hold
      if (c.entity == "district") {
        SS_ASSIGN_OR_RETURN(District d, DistrictFromJson(j));
        return Run("INSERT OR REPLACE INTO districts(id, name, time_zone, locale) VALUES (?1, ?2, ?3, ?4)",
                   {d.id, d.name, d.time_zone, d.locale});
      }
      if (c.entity == "school") {
        SS_ASSIGN_OR_RETURN(School sc, SchoolFromJson(j));
        SS_ASSIGN_OR_RETURN(Statement * st,
                            db_->Prepare(std::string("INSERT OR REPLACE INTO schools(") + kSchoolColumns +
                                         ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)"));
        ScopedReset reset(*st);
        st->Bind(1, sc.id).Bind(2, sc.district_id).Bind(3, sc.name).Bind(4, sc.name_en).Bind(5, ToString(sc.kind));
        st->Bind(6, sc.weak).Bind(7, sc.students).Bind(8, sc.location.lat).Bind(9, sc.location.lon);
        st->Bind(10, PeriodsToJson(sc.periods).dump());
        return Named(st->Run(), "replicated school " + sc.id);
      }
      if (c.entity == "resource") {
        SS_ASSIGN_OR_RETURN(Resource r, ResourceFromJson(j));
        SS_ASSIGN_OR_RETURN(Statement * st,
                            db_->Prepare(std::string("INSERT OR REPLACE INTO resources(") + kResourceColumns +
                                         ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, "
                                         "?16, ?17, ?18, ?19)"));
        ScopedReset reset(*st);
        const SharingPolicy& p = r.policy;
        st->Bind(1, r.id).Bind(2, r.school_id).Bind(3, r.name).Bind(4, r.name_en).Bind(5, ToString(r.type));
        st->Bind(6, r.capacity).Bind(7, r.quantity).Bind(8, Json(r.features).dump());
        st->Bind(9, WindowsToJson(r.opening_hours).dump()).Bind(10, r.buffer_minutes).BindOptional(11, r.parent_id);
        st->Bind(12, p.shared).Bind(13, ToString(p.approval)).Bind(14, p.min_notice_minutes);
        st->Bind(15, p.max_advance_days).Bind(16, p.max_duration_minutes).Bind(17, p.weekly_cap_minutes);
        st->Bind(18, p.hourly_fee_cents).Bind(19, r.active);
        return Named(st->Run(), "replicated resource " + r.id);
      }
      if (c.entity == "staff") {
        SS_ASSIGN_OR_RETURN(StaffMember m, StaffFromJson(j));
        return Run(std::string("INSERT OR REPLACE INTO staff(") + kStaffColumns + ") VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                   {m.id, m.school_id, m.name, m.name_en, m.role, m.active ? "1" : "0"});
      }
      if (c.entity == "class") {
        SS_ASSIGN_OR_RETURN(SchoolClass k, ClassFromJson(j));
        return Run(std::string("INSERT OR REPLACE INTO school_classes(") + kClassColumns +
                       ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                   {k.id, k.school_id, k.name, k.name_en, std::to_string(k.grade), std::to_string(k.students),
                    WindowsToJson(k.lessons).dump(), k.active ? "1" : "0"});
      }
      if (c.entity == "blackout") {
        SS_ASSIGN_OR_RETURN(Blackout b, BlackoutFromJson(j, utc));
        SS_ASSIGN_OR_RETURN(Statement * st,
                            db_->Prepare("INSERT OR REPLACE INTO blackouts(id, resource_id, school_id, start_at, "
                                         "end_at, kind, reason) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"));
        ScopedReset reset(*st);
        st->Bind(1, b.id).BindOptional(2, b.resource_id).Bind(3, b.school_id).Bind(4, b.start).Bind(5, b.end);
        st->Bind(6, ToString(b.kind)).Bind(7, b.reason);
        return Named(st->Run(), "replicated blackout " + b.id);
      }
      if (c.entity == "agreement") {
        SS_ASSIGN_OR_RETURN(SharingAgreement a, AgreementFromJson(j));
        SS_ASSIGN_OR_RETURN(Statement * st,
                            db_->Prepare("INSERT OR REPLACE INTO sharing_agreements(id, owner_school_id, "
                                         "borrower_school_id, resource_ids, windows, weekly_cap_minutes, auto_approve, "
                                         "valid_from, valid_to) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)"));
        ScopedReset reset(*st);
        st->Bind(1, a.id).Bind(2, a.owner_school_id).Bind(3, a.borrower_school_id);
        st->Bind(4, Json(a.resource_ids).dump()).Bind(5, WindowsToJson(a.windows).dump());
        st->Bind(6, a.weekly_cap_minutes).Bind(7, a.auto_approve).Bind(8, a.valid_from.ToString());
        st->Bind(9, a.valid_to.ToString());
        return Named(st->Run(), "replicated agreement " + a.id);
      }
      if (c.entity == "calendar_day") {
        SS_ASSIGN_OR_RETURN(CalendarDay d, CalendarDayFromJson(j));
        const std::string district = j.value("district_id", std::string());
        SS_ASSIGN_OR_RETURN(Statement * st,
                            db_->Prepare("INSERT OR REPLACE INTO calendar_days(district_id, date, school_id, kind, "
                                         "runs_weekday, name) VALUES (?1, ?2, ?3, ?4, ?5, ?6)"));
        ScopedReset reset(*st);
        st->Bind(1, district).Bind(2, d.date.ToString()).Bind(3, d.school_id).Bind(4, ToString(d.kind));
        st->Bind(5, d.runs_weekday).Bind(6, d.name);
        return Named(st->Run(), "replicated calendar day " + d.date.ToString());
      }
      if (c.entity == "series") {
        SS_ASSIGN_OR_RETURN(BookingSeries se, SeriesFromJson(j));
        return Run(
            "INSERT OR REPLACE INTO booking_series(id, resource_id, school_id, data, created_by, created_at) "
            "VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            {se.id, se.resource_id, se.school_id, ToJson(se).dump(), se.created_by, std::to_string(se.created_at)});
      }
      if (c.entity == "report_period") {
        SS_ASSIGN_OR_RETURN(ReportPeriod p, ReportPeriodFromJson(j, utc));
        return Run(
            "INSERT OR REPLACE INTO report_periods(school_id, month, status, signed_off_by, signed_off_at) "
            "VALUES (?1, ?2, ?3, ?4, ?5)",
            {p.school_id, p.month, ToString(p.status), p.signed_off_by, std::to_string(p.signed_off_at)});
      }
      if (c.entity == "reconciliation") {
        SS_ASSIGN_OR_RETURN(ReconciliationItem r, ReconciliationFromJson(j, utc));
        SS_ASSIGN_OR_RETURN(
            Statement * st,
            db_->Prepare("INSERT OR REPLACE INTO reconciliation_items(id, school_id, resource_id, fact_id, booking_id, "
                         "reason, detail, resolved, resolution, resolved_by, created_at, resolved_at) VALUES (?1, ?2, "
                         "?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)"));
        ScopedReset reset(*st);
        st->Bind(1, r.id).Bind(2, r.school_id).Bind(3, r.resource_id).Bind(4, r.fact_id).Bind(5, r.booking_id);
        st->Bind(6, r.reason).Bind(7, r.detail.empty() ? "{}" : r.detail).Bind(8, r.resolved).Bind(9, r.resolution);
        st->Bind(10, r.resolved_by).Bind(11, r.created_at).Bind(12, r.resolved_at);
        return Named(st->Run(), "replicated reconciliation item " + r.id);
      }
      return Status::Ok();  // an entity this client does not know
    });
  }

  Status ClearReplica() override {
    return Write([&]() -> Status {
      for (const char* table : kReplicatedTables) SS_RETURN_IF_ERROR(Do(std::string("DELETE FROM ") + table));
      CachedTableWritten();
      return Status::Ok();
    });
  }

  Status PutOutboxEntry(const OutboxEntry& e) override {
    if (e.client_seq < 1 || e.mutation_id.empty() || e.name.empty()) {
      return Status::InvalidArgument("an outbox entry needs a client_seq from 1, a mutation id and a name");
    }
    return Write([&]() -> Status {
      SS_ASSIGN_OR_RETURN(Statement * st,
                          db_->Prepare("INSERT OR REPLACE INTO client_outbox(client_seq, mutation_id, name, args, "
                                       "client_time, created_at, state, result, undo, acked_at) VALUES (?1, ?2, ?3, "
                                       "?4, ?5, ?6, ?7, ?8, ?9, ?10)"));
      ScopedReset reset(*st);
      st->Bind(1, e.client_seq).Bind(2, e.mutation_id).Bind(3, e.name).Bind(4, e.args.empty() ? "{}" : e.args);
      st->Bind(5, e.client_time).Bind(6, e.created_at).Bind(7, ToString(e.state)).Bind(8, e.result);
      st->Bind(9, e.undo).Bind(10, e.acked_at);
      return Named(st->Run(), "outbox entry " + std::to_string(e.client_seq));
    });
  }

  Status DeleteOutboxEntry(std::int64_t client_seq) override {
    return Write([&]() -> Status {
      SS_ASSIGN_OR_RETURN(Statement * st, db_->Prepare("DELETE FROM client_outbox WHERE client_seq = ?1"));
      ScopedReset reset(*st);
      st->Bind(1, client_seq);
      return st->Run();
    });
  }

  Result<std::vector<OutboxEntry>> ListOutbox(std::int64_t after_seq, std::optional<OutboxState> state,
                                              int limit) override {
    SS_ASSIGN_OR_RETURN(Statement * st,
                        db_->Prepare("SELECT client_seq, mutation_id, name, args, client_time, created_at, state, "
                                     "result, undo, acked_at FROM client_outbox WHERE client_seq > ?1 AND "
                                     "(?2 = '' OR state = ?2) ORDER BY client_seq LIMIT ?3"));
    ScopedReset reset(*st);
    st->Bind(1, after_seq).Bind(2, state ? ToString(*state) : "").Bind(3, limit > 0 ? limit : -1);
    std::vector<OutboxEntry> out;
    for (;;) {
      SS_ASSIGN_OR_RETURN(bool row, st->Step());
      if (!row) break;
      OutboxEntry e;
      e.client_seq = st->Int(0);
      e.mutation_id = st->Text(1);
      e.name = st->Text(2);
      e.args = st->Text(3);
      e.client_time = st->Text(4);
      e.created_at = st->Int(5);
      if (auto s = ParseOutboxState(st->Text(6)); s.ok()) e.state = *s;
      e.result = st->Text(7);
      e.undo = st->Text(8);
      e.acked_at = st->Int(9);
      out.push_back(std::move(e));
    }
    return out;
  }

  Result<std::int64_t> CountOutbox(OutboxState state) override {
    SS_ASSIGN_OR_RETURN(Statement * st, db_->Prepare("SELECT COUNT(*) FROM client_outbox WHERE state = ?1"));
    ScopedReset reset(*st);
    st->Bind(1, ToString(state));
    SS_ASSIGN_OR_RETURN(bool row, st->Step());
    return row ? st->Int(0) : 0;
  }

  Result<std::int64_t> PurgeOutbox(Instant before) override {
    std::int64_t dropped = 0;
    SS_RETURN_IF_ERROR(Write([&]() -> Status {
      SS_ASSIGN_OR_RETURN(Statement * st,
                          db_->Prepare("DELETE FROM client_outbox WHERE state <> 'pending' AND created_at < ?1"));
      ScopedReset reset(*st);
      st->Bind(1, before);
      SS_RETURN_IF_ERROR(st->Run());
      dropped = db_->Changes();
      return Status::Ok();
    }));
    return dropped;
  }

  Result<std::string> GetClientState(const std::string& key) override {
    SS_ASSIGN_OR_RETURN(Statement * st, db_->Prepare("SELECT value FROM client_state WHERE key = ?1"));
    ScopedReset reset(*st);
    st->Bind(1, key);
    SS_ASSIGN_OR_RETURN(bool row, st->Step());
    return row ? st->Text(0) : std::string();
  }

  Status PutClientState(const std::string& key, const std::string& value) override {
    return Write([&]() -> Status {
      return Run(
          "INSERT INTO client_state(key, value) VALUES (?1, ?2) ON CONFLICT(key) DO UPDATE SET "
          "value = excluded.value",
          {key, value});
    });
  }

  Status PutAttentionItem(const AttentionItem& a) override {
    if (a.mutation_id.empty()) return Status::InvalidArgument("an attention item needs a mutation id");
    return Write([&]() -> Status {
      SS_ASSIGN_OR_RETURN(Statement * st,
                          db_->Prepare("INSERT INTO client_attention(mutation_id, client_seq, name, args, result, "
                                       "error, message, created_at, dismissed, dismissed_at) VALUES (?1, ?2, ?3, ?4, "
                                       "?5, ?6, ?7, ?8, ?9, ?10) ON CONFLICT(mutation_id) DO NOTHING"));
      ScopedReset reset(*st);
      st->Bind(1, a.mutation_id).Bind(2, a.client_seq).Bind(3, a.name).Bind(4, a.args).Bind(5, a.result);
      st->Bind(6, a.error).Bind(7, a.message).Bind(8, a.created_at ? a.created_at : Now()).Bind(9, a.dismissed);
      st->Bind(10, a.dismissed_at);
      return Named(st->Run(), "attention item " + a.mutation_id);
    });
  }

  Result<std::vector<AttentionItem>> ListAttentionItems(bool include_dismissed) override {
    SS_ASSIGN_OR_RETURN(Statement * st,
                        db_->Prepare("SELECT mutation_id, client_seq, name, args, result, error, message, created_at, "
                                     "dismissed, dismissed_at FROM client_attention WHERE (?1 = 1 OR dismissed = 0) "
                                     "ORDER BY created_at, client_seq"));
    ScopedReset reset(*st);
    st->Bind(1, include_dismissed);
    std::vector<AttentionItem> out;
    for (;;) {
      SS_ASSIGN_OR_RETURN(bool row, st->Step());
      if (!row) break;
      out.push_back({st->Text(0), st->Int(1), st->Text(2), st->Text(3), st->Text(4), st->Text(5), st->Text(6),
                     st->Int(7), st->Int(8) != 0, st->Int(9)});
    }
    return out;
  }

  Status DismissAttentionItem(const std::string& mutation_id, Instant at) override {
    return Write([&]() -> Status {
      SS_ASSIGN_OR_RETURN(
          Statement * st,
          db_->Prepare("UPDATE client_attention SET dismissed = 1, dismissed_at = ?2 WHERE mutation_id = ?1"));
      ScopedReset reset(*st);
      st->Bind(1, mutation_id).Bind(2, at);
      SS_RETURN_IF_ERROR(st->Run());
      if (db_->Changes() == 0) return Status::NotFound("no attention item for mutation \"" + mutation_id + "\"");
      return Status::Ok();
    });
  }

  // ---------------------------------------------------------------- reconciliation
  Status PutReconciliationItem(const ReconciliationItem& item, const Actor& by) override {
    if (item.id.empty() || item.school_id.empty() || item.reason.empty()) {
      return Status::InvalidArgument("a reconciliation item needs an id, a school and a reason");
    }
    return Write([&]() -> Status {
      SS_ASSIGN_OR_RETURN(
          Statement * st,
          db_->Prepare("INSERT INTO reconciliation_items(id, school_id, resource_id, fact_id, booking_id, reason, "
                       "detail, resolved, resolution, resolved_by, created_at, resolved_at) VALUES (?1, ?2, ?3, ?4, "
                       "?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12) ON CONFLICT(id) DO UPDATE SET resolved = excluded.resolved, "
                       "resolution = excluded.resolution, resolved_by = excluded.resolved_by, "
                       "resolved_at = excluded.resolved_at"));
      ReconciliationItem stored = item;
      if (stored.created_at == 0) stored.created_at = Now();
      {
        ScopedReset reset(*st);
        st->Bind(1, stored.id).Bind(2, stored.school_id).Bind(3, stored.resource_id).Bind(4, stored.fact_id);
        st->Bind(5, stored.booking_id).Bind(6, stored.reason).Bind(7, stored.detail.empty() ? "{}" : stored.detail);
        st->Bind(8, stored.resolved).Bind(9, stored.resolution).Bind(10, stored.resolved_by);
        st->Bind(11, stored.created_at).Bind(12, stored.resolved_at);
        SS_RETURN_IF_ERROR(Named(st->Run(), "reconciliation item " + stored.id));
      }
      return Log("reconciliation", stored.id, "put", ToJson(stored, TimeZone::Utc()).dump(), by,
                 stored.resolved ? "reconciliation.resolve" : "reconciliation.open", stored.school_id);
    });
  }

  Result<std::vector<ReconciliationItem>> ListReconciliationItems(const std::string& school_id,
                                                                  bool open_only) override {
    SS_ASSIGN_OR_RETURN(Statement * st, db_->Prepare(std::string("SELECT ") + kReconciliationColumns +
                                                     " FROM reconciliation_items WHERE (?1 = '' OR school_id = ?1) "
                                                     "AND (?2 = 0 OR resolved = 0) ORDER BY created_at, id"));
    ScopedReset reset(*st);
    st->Bind(1, school_id).Bind(2, open_only);
    std::vector<ReconciliationItem> out;
    for (;;) {
      SS_ASSIGN_OR_RETURN(bool row, st->Step());
      if (!row) break;
      out.push_back(ReadReconciliation(*st));
    }
    return out;
  }

  Result<ReconciliationItem> GetReconciliationItem(const std::string& id) override {
    SS_ASSIGN_OR_RETURN(Statement * st, db_->Prepare(std::string("SELECT ") + kReconciliationColumns +
                                                     " FROM reconciliation_items WHERE id = ?1"));
    ScopedReset reset(*st);
    st->Bind(1, id);
    SS_ASSIGN_OR_RETURN(bool row, st->Step());
    if (!row) return Status::NotFound("no reconciliation item \"" + id + "\"");
    return ReadReconciliation(*st);
  }

  Result<std::int64_t> LatestVersion() override {
    // One sequence for every district here; the compaction mark covers a log compacted empty.
    SS_ASSIGN_OR_RETURN(Statement * st, db_->Prepare("SELECT MAX(COALESCE((SELECT MAX(version) FROM change_log), 0), "
                                                     "COALESCE((SELECT CAST(value AS INTEGER) FROM server_meta "
                                                     "WHERE key = 'compacted_up_to'), 0))"));
    ScopedReset reset(*st);
    SS_ASSIGN_OR_RETURN(bool row, st->Step());
    return row ? st->Int(0) : 0;
  }

 private:
  Instant Now() const { return clock_ ? clock_->Now() : SystemClock().Now(); }

  // Runs fn, turning an escaped exception into kInternal so nothing crosses the API.
  static Status Guarded(const std::function<Status()>& fn) {
    try {
      return fn();
    } catch (const std::exception& e) {
      return Status::Internal(std::string("unexpected failure: ") + e.what());
    }
  }

  // Runs a cached, parameterless statement such as "COMMIT" (parsing it every time costs).
  Status Do(const std::string& sql) {
    SS_ASSIGN_OR_RETURN(Statement * st, db_->Prepare(sql));
    ScopedReset reset(*st);
    return st->Run();
  }
  Status Do(const char* static_sql) {
    SS_ASSIGN_OR_RETURN(Statement * st, db_->PrepareStatic(static_sql));
    ScopedReset reset(*st);
    return st->Run();
  }

  Status TopLevel(const std::function<Status()>& fn, const char* begin) {
    SS_RETURN_IF_ERROR(Do(begin));
    // Only now, holding the lock (or the snapshot), can we tell what others committed before us.
    RefreshIfChangedElsewhere();
    depth_ = 1;
    writes_ = 0;
    poisoned_ = false;
    const std::int64_t cache_writes = cache_writes_;
    Status s = Guarded(fn);
    depth_ = 0;
    levels_.clear();
    savepoints_.clear();
    if (s.ok() && poisoned_) s = Status::IoError("a failed write inside the transaction could not be undone");
    if (s.ok()) {
      s = Do("COMMIT");
      if (s.ok()) return s;
    }
    Do("ROLLBACK");
    if (cache_writes_ != cache_writes) ForgetCaches();  // cached rows written inside the transaction are gone
    return s;
  }

  // A call inside a transaction: Transaction() (writes = false) or a write method (writes = true).
  // Savepoints are made lazily: a level gets one only when a write starts inside it, and levels that
  // begin with no write between them share one (rolling back to it restores the state both began with).
  // So a Transaction() around reads and one write method costs one SAVEPOINT/RELEASE, and one that fails
  // before writing anything costs none.
  Status Nested(const std::function<Status()>& fn, bool writes) {
    levels_.push_back({0, false, cache_writes_, {}});
    ++depth_;
    Status s = writes ? BeginWrite() : Status::Ok();
    if (s.ok()) s = Guarded(fn);
    --depth_;
    Level level = std::move(levels_.back());
    levels_.pop_back();
    if (s.ok()) {
      PassUndo(level.undo);
      if (!level.owner) return s;
      savepoints_.pop_back();
      return Do("RELEASE sp" + std::to_string(level.savepoint));
    }
    if (level.savepoint != 0) {
      const std::string name = "sp" + std::to_string(level.savepoint);
      Do("ROLLBACK TO " + name);
      writes_ = savepoints_[static_cast<size_t>(level.savepoint - 1)];  // back to the state it marked
      if (level.owner) {
        savepoints_.pop_back();
        Do("RELEASE " + name);
      }
    }
    if (!level.undo.empty()) {
      for (auto it = level.undo.rbegin(); it != level.undo.rend(); ++it) UndoInsert(*it);
      ++writes_;  // the state now matches no savepoint made since those inserts
      // A savepoint around this level made after those inserts would bring them back if rolled back to:
      // the level around keeps them to delete again.
      PassUndo(level.undo);
    }
    if (cache_writes_ != level.cache_writes) ForgetCaches();
    return s;
  }

  // Before a write inside a transaction: every open level that has no savepoint yet gets one (shared
  // with the level below when nothing was written since that one was made).
  Status BeginWrite() {
    for (size_t i = 0; i < levels_.size(); ++i) {
      Level& l = levels_[i];
      if (l.savepoint != 0) continue;
      if (i > 0 && savepoints_[static_cast<size_t>(levels_[i - 1].savepoint - 1)] == writes_) {
        l.savepoint = levels_[i - 1].savepoint;
        continue;
      }
      const int n = static_cast<int>(savepoints_.size()) + 1;
      SS_RETURN_IF_ERROR(Do("SAVEPOINT sp" + std::to_string(n)));
      savepoints_.push_back(writes_);
      l.savepoint = n;
      l.owner = true;
    }
    ++writes_;
    return Status::Ok();
  }

  // The one row of a one-parameter query, read by `read`; NotFound with `not_found` when there is none.
  template <typename T>
  Result<T> OneOf(const std::string& sql, const std::string& param, T (*read)(const Statement&),
                  const std::string& not_found) {
    SS_ASSIGN_OR_RETURN(Statement * st, db_->Prepare(sql));
    ScopedReset reset(*st);
    st->Bind(1, param);
    SS_ASSIGN_OR_RETURN(bool row, st->Step());
    if (!row) return Status::NotFound(not_found);
    return read(*st);
  }

  // Every row of a one-parameter query, read by `read`.
  template <typename T>
  Result<std::vector<T>> ListOf(const std::string& sql, const std::string& param, T (*read)(const Statement&)) {
    SS_ASSIGN_OR_RETURN(Statement * st, db_->Prepare(sql));
    ScopedReset reset(*st);
    st->Bind(1, param);
    std::vector<T> out;
    for (;;) {
      SS_ASSIGN_OR_RETURN(bool row, st->Step());
      if (!row) break;
      out.push_back(read(*st));
    }
    return out;
  }

  // Every row of a bound statement, read by `read`.
  template <typename T, typename Read>
  static Result<std::vector<T>> AllRows(Statement& st, Read read) {
    std::vector<T> out;
    for (;;) {
      SS_ASSIGN_OR_RETURN(bool row, st.Step());
      if (!row) break;
      out.push_back(read(st));
    }
    return out;
  }

  // Runs a cached statement with text parameters ?1, ?2, ... (numbers given as text are compared and
  // stored by the column's affinity).
  Status Run(const std::string& sql, const std::vector<std::string>& params) {
    SS_ASSIGN_OR_RETURN(Statement * st, db_->Prepare(sql));
    ScopedReset reset(*st);
    for (std::size_t i = 0; i < params.size(); ++i) st->Bind(static_cast<int>(i + 1), params[i]);
    return st->Run();
  }

  Status DeleteReplicated(const std::string& entity, const std::string& id) {
    static const std::map<std::string, std::string> kById = {{"district", "districts"},
                                                             {"school", "schools"},
                                                             {"resource", "resources"},
                                                             {"staff", "staff"},
                                                             {"class", "school_classes"},
                                                             {"blackout", "blackouts"},
                                                             {"agreement", "sharing_agreements"},
                                                             {"booking", "bookings"},
                                                             {"series", "booking_series"},
                                                             {"fact", "usage_facts"},
                                                             {"reconciliation", "reconciliation_items"}};
    CachedTableWritten();
    if (auto it = kById.find(entity); it != kById.end()) {
      return Run("DELETE FROM " + it->second + " WHERE id = ?1", {id});
    }
    auto parts = [&]() {
      std::vector<std::string> out;
      std::size_t from = 0;
      for (;;) {
        std::size_t slash = id.find('/', from);
        out.push_back(id.substr(from, slash == std::string::npos ? std::string::npos : slash - from));
        if (slash == std::string::npos) return out;
        from = slash + 1;
      }
    }();
    if (entity == "calendar_day" && parts.size() == 3) {
      return Run("DELETE FROM calendar_days WHERE district_id = ?1 AND date = ?2 AND school_id = ?3", parts);
    }
    if (entity == "report_period" && parts.size() == 2) {
      return Run("DELETE FROM report_periods WHERE school_id = ?1 AND month = ?2", parts);
    }
    return Status::Ok();
  }

  // A write: its own transaction, or a savepoint inside the caller's.
  Status Write(const std::function<Status()>& fn) {
    if (depth_ == 0) return TopLevel(fn, "BEGIN IMMEDIATE");
    return Nested(fn, /*writes=*/true);
  }

  // The rows of one booking insert: the booking, its change-log entry and its audit entry. The
  // booking's entry in booking_bounds is not undone: a bound larger than the longest booking only makes
  // the overlap query read a little more, never miss one.
  struct InsertedRows {
    std::int64_t at = 0;  // writes_ when it was made
    std::string booking_id;
    std::int64_t change_version = 0;
    std::int64_t audit_seq = 0;
  };

  // Transaction levels: depth_ 1 is the top-level transaction, each nested call adds one.
  struct Level {
    int savepoint = 0;   // "sp<n>", n = 1-based index in savepoints_; 0: none yet
    bool owner = false;  // this level made the savepoint (and releases it)
    std::int64_t cache_writes = 0;
    std::vector<InsertedRows> undo;  // inserts made inside it that its savepoint does not undo
  };

  // Writes the rows of InsertBooking. With `undo` (inside a transaction, no savepoint), a failure after
  // the first row deletes the rows already written, and `undo` names them for a later rollback.
  Status InsertBookingRows(const Booking& b, const Actor& by, const std::string& action, InsertedRows* undo) {
    static const std::string sql =
        std::string("INSERT INTO bookings(") + kBookingColumns +
        ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20)";
    SS_ASSIGN_OR_RETURN(Statement * st, db_->PrepareStatic(sql.c_str()));
    {
      ScopedReset reset(*st);
      BindBooking(*st, b, 1);
      Status s = st->Run();  // one statement: when it fails, it wrote nothing
      if (s.code() == StatusCode::kAlreadyExists) {
        return Status::AlreadyExists("booking " + b.id + " or code " + b.code + " already exists");
      }
      SS_RETURN_IF_ERROR(Named(s, "booking " + b.id + " (resource and school must exist)"));
    }
    InsertedRows rows;
    rows.booking_id = b.id;
    Status s = NoteLength(b.resource_id, b.end - b.start);
    std::string scope;
    if (s.ok()) {
      Result<std::string> owner = OwnerOf(b.resource_id);
      if (owner.ok()) scope = std::move(*owner);
      s = owner.status();
    }
    if (s.ok())
      s = Log("booking", b.id, "put", BookingJsonText(b), by, action, scope, "", &rows.change_version, &rows.audit_seq);
    if (undo == nullptr) return s;  // the caller's transaction rolls everything back
    if (!s.ok()) {
      UndoInsert(rows);
      return s;
    }
    undo->booking_id = std::move(rows.booking_id);
    undo->change_version = rows.change_version;
    undo->audit_seq = rows.audit_seq;
    return Status::Ok();
  }

  // Deletes the rows of an insert made without a savepoint (rows already gone are no matter). When that
  // fails, the transaction can no longer be committed: it is rolled back at its end.
  void UndoInsert(const InsertedRows& rows) {
    auto remove = [&](const char* sql, auto key) {
      auto st = db_->PrepareStatic(sql);
      if (!st.ok()) {
        poisoned_ = true;
        return;
      }
      ScopedReset reset(**st);
      (*st)->Bind(1, key);
      if (!(*st)->Run().ok()) poisoned_ = true;
    };
    if (rows.audit_seq > 0) remove("DELETE FROM audit_log WHERE seq = ?1", rows.audit_seq);
    if (rows.change_version > 0) remove("DELETE FROM change_log WHERE version = ?1", rows.change_version);
    if (!rows.booking_id.empty()) remove("DELETE FROM bookings WHERE id = ?1", rows.booking_id);
  }

  // Whether rolling back to the level's savepoint undoes rows written when writes_ was `at`.
  bool Covered(const Level& level, std::int64_t at) const {
    return level.savepoint != 0 && savepoints_[static_cast<size_t>(level.savepoint - 1)] < at;
  }

  // A level ended: the inserts it could only undo by deleting go to the level around it, unless that
  // level's savepoint was made before them (then rolling back to it undoes them).
  void PassUndo(std::vector<InsertedRows>& undo) {
    if (levels_.empty()) return;  // the top level rolls back everything
    for (InsertedRows& rows : undo) {
      if (!Covered(levels_.back(), rows.at)) levels_.back().undo.push_back(std::move(rows));
    }
  }

  // Adds what the write was about to a constraint failure ("FOREIGN KEY constraint failed").
  static Status Named(const Status& s, const std::string& what) {
    if (s.ok()) return s;
    return Status(s.code() == StatusCode::kAlreadyExists && s.message().find("FOREIGN KEY") != std::string::npos
                      ? StatusCode::kInvalidArgument
                      : s.code(),
                  what + ": " + s.message());
  }

  Result<std::string> Meta(const std::string& key) {
    SS_ASSIGN_OR_RETURN(Statement * st, db_->Prepare("SELECT value FROM server_meta WHERE key = ?1"));
    ScopedReset reset(*st);
    st->Bind(1, key);
    SS_ASSIGN_OR_RETURN(bool row, st->Step());
    return row ? st->Text(0) : std::string();
  }

  Status SetMeta(const std::string& key, const std::string& value) {
    SS_ASSIGN_OR_RETURN(Statement * st, db_->Prepare("INSERT INTO server_meta(key, value) VALUES (?1, ?2) "
                                                     "ON CONFLICT(key) DO UPDATE SET value = excluded.value"));
    ScopedReset reset(*st);
    st->Bind(1, key).Bind(2, value);
    return st->Run();
  }

  // The school owning a resource: the scope of every change about the resource's bookings and facts.
  Result<std::string> OwnerOf(const std::string& resource_id) {
    SS_ASSIGN_OR_RETURN(Resource r, GetResource(resource_id));
    return r.school_id;
  }

  // The district of a school, from the school cache ("" when the school is unknown, as in a replica
  // that lacks it).
  Result<std::string> DistrictOfScope(const std::string& school_id) {
    Result<School> school = GetSchool(school_id);
    if (school.ok()) return school->district_id;
    if (school.status().code() == StatusCode::kNotFound) return std::string();
    return school.status();
  }

  // Appends a change in `scope` (the owner school, "" for everyone) of `district` ("": the scope
  // school's) and its audit entry.
  Status Log(const std::string& entity, const std::string& id, const std::string& op, const std::string& data,
             const Actor& by, const std::string& action, const std::string& scope, const std::string& district = "",
             std::int64_t* version = nullptr, std::int64_t* audit_seq = nullptr) {
    Instant now = Now();
    std::string district_id = district;
    if (district_id.empty() && !scope.empty()) {
      SS_ASSIGN_OR_RETURN(district_id, DistrictOfScope(scope));
    }
    SS_ASSIGN_OR_RETURN(
        Statement * st,
        db_->PrepareStatic("INSERT INTO change_log(entity, entity_id, op, data, at, scope, district_id) "
                           "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"));
    {
      ScopedReset reset(*st);
      st->BindUncopied(1, entity).BindUncopied(2, id).BindUncopied(3, op).BindUncopied(4, data).Bind(5, now);
      st->BindUncopied(6, scope).BindUncopied(7, district_id);
      SS_RETURN_IF_ERROR(st->Run());
    }
    const std::int64_t change_version = sqlite3_last_insert_rowid(db_->raw());
    if (version != nullptr) *version = change_version;
    // The audit entry points at the change it made instead of repeating its data.
    SS_RETURN_IF_ERROR(Audit(by, action, entity, id, "", now, change_version));
    if (audit_seq != nullptr) *audit_seq = sqlite3_last_insert_rowid(db_->raw());
    return Status::Ok();
  }

  Status Audit(const Actor& by, const std::string& action, const std::string& entity, const std::string& id,
               const std::string& detail, Instant at = 0, std::int64_t change_version = 0) {
    SS_ASSIGN_OR_RETURN(Statement * st,
                        db_->PrepareStatic("INSERT INTO audit_log(at, actor_id, action, entity, entity_id, detail, "
                                           "change_version) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"));
    ScopedReset reset(*st);
    st->Bind(1, at ? at : Now()).BindUncopied(2, by.id).BindUncopied(3, action).BindUncopied(4, entity);
    st->BindUncopied(5, id).BindUncopied(6, detail);
    if (change_version > 0) st->Bind(7, change_version);
    return st->Run();
  }

  // The booking's text is bound without copies: `b` outlives the statement's run.
  void BindBooking(Statement& st, const Booking& b, int first) {
    Instant now = Now();
    st.BindUncopied(first, b.id).BindUncopied(first + 1, b.resource_id).BindUncopied(first + 2, b.school_id);
    st.BindUncopied(first + 3, b.organizer).BindUncopied(first + 4, b.title).BindUncopied(first + 5, b.activity_type);
    st.Bind(first + 6, b.attendees).Bind(first + 7, b.quantity).Bind(first + 8, b.start).Bind(first + 9, b.end);
    st.BindUncopied(first + 10, ToString(b.status)).BindUncopied(first + 11, ToString(b.stage));
    if (b.series_id.empty()) {
      st.BindOptional(first + 12, b.series_id);
    } else {
      st.BindUncopied(first + 12, b.series_id);
    }
    st.BindUncopied(first + 13, b.code).BindUncopied(first + 14, b.note).BindUncopied(first + 15, b.created_by);
    st.Bind(first + 16, b.created_at ? b.created_at : now).Bind(first + 17, b.updated_at ? b.updated_at : now);
    st.Bind(first + 18, b.version > 0 ? b.version : std::int64_t{1}).Bind(first + 19, b.class_id);
  }

  Result<Booking> OneBooking(const std::string& sql, const std::string& key, const std::string& not_found) {
    SS_ASSIGN_OR_RETURN(Statement * st, db_->Prepare(sql));
    ScopedReset reset(*st);
    st->Bind(1, key);
    SS_ASSIGN_OR_RETURN(bool row, st->Step());
    if (!row) return Status::NotFound(not_found);
    return ReadBooking(*st);
  }

  static TokenRecord ReadToken(const Statement& st) {
    TokenRecord t;
    t.id = st.Text(0);
    if (auto r = ParseRole(st.Text(1)); r.ok()) t.role = *r;
    t.school_id = st.Text(2);
    t.label = st.Text(3);
    t.hash = st.Text(4);
    t.created_at = st.Int(5);
    t.revoked = st.Int(6) != 0;
    t.feed_id = st.Text(7);
    return t;
  }

  Result<Instant> LongestBooking(const std::string& resource_id) {
    if (auto it = longest_.find(resource_id); it != longest_.end()) return it->second;
    SS_ASSIGN_OR_RETURN(Statement * st,
                        db_->PrepareStatic("SELECT longest_seconds FROM booking_bounds WHERE resource_id = ?1"));
    ScopedReset reset(*st);
    st->Bind(1, resource_id);
    SS_ASSIGN_OR_RETURN(bool row, st->Step());
    Instant longest = row ? st->Int(0) : 0;
    longest_[resource_id] = longest;
    return longest;
  }

  // Keeps booking_bounds (the longest booking per resource) up to date.
  Status NoteLength(const std::string& resource_id, Instant length) {
    SS_ASSIGN_OR_RETURN(Instant longest, LongestBooking(resource_id));
    if (length <= longest) return Status::Ok();
    SS_ASSIGN_OR_RETURN(
        Statement * st,
        db_->Prepare(
            "INSERT INTO booking_bounds(resource_id, longest_seconds) VALUES (?1, ?2) ON CONFLICT(resource_id) "
            "DO UPDATE SET longest_seconds = MAX(longest_seconds, excluded.longest_seconds)"));
    ScopedReset reset(*st);
    st->Bind(1, resource_id).Bind(2, length);
    SS_RETURN_IF_ERROR(st->Run());
    longest_[resource_id] = length;
    ++cache_writes_;  // a rollback of this write must forget the cached length
    return Status::Ok();
  }

  // A write to a table this connection caches: drop the caches, and remember that a rollback of this
  // write must drop them again (they may have been refilled from the rolled-back rows).
  void CachedTableWritten() {
    ForgetCaches();
    ++cache_writes_;
  }

  void ForgetCaches() {
    districts_.clear();
    schools_.clear();
    resources_.clear();
    related_.clear();
    longest_.clear();
    calendars_.clear();
    agreements_.reset();
    periods_.clear();
  }

  // Another connection committed since we last looked: our caches may be stale.
  void RefreshIfChangedElsewhere() {
    if (depth_ > 0) return;  // inside our own transaction the snapshot is fixed
    // PRAGMA data_version changes only when another connection commits (the file-control counter also
    // counts our own commits and is stale outside a read transaction, so it does not fit here).
    auto st = db_->PrepareStatic("PRAGMA data_version");
    if (!st.ok()) return ForgetCaches();
    ScopedReset reset(**st);
    auto row = (*st)->Step();
    std::int64_t v = row.ok() && *row ? (*st)->Int(0) : -1;
    if (v != data_version_) {
      ForgetCaches();
      data_version_ = v;
    }
  }

  std::unique_ptr<Database> db_;
  const Clock* clock_;
  int depth_ = 0;
  bool poisoned_ = false;                 // an insert could not be undone: the transaction must not commit
  std::vector<Level> levels_;             // the nested levels, innermost last
  std::vector<std::int64_t> savepoints_;  // open savepoints: writes_ when each was made
  std::int64_t writes_ = 0;               // writes started in this transaction (see BeginWrite)
  std::int64_t cache_writes_ = 0;         // writes to cached tables (see CachedTableWritten)
  std::int64_t data_version_ = -1;
  std::unordered_map<std::string, District> districts_;
  std::unordered_map<std::string, School> schools_;
  std::unordered_map<std::string, Resource> resources_;
  std::unordered_map<std::string, std::vector<Resource>> related_;
  std::unordered_map<std::string, Instant> longest_;
  std::unordered_map<std::string, std::vector<CalendarDay>> calendars_;  // by district
  std::optional<std::vector<SharingAgreement>> agreements_;
  std::unordered_map<std::string, ReportPeriod> periods_;  // "school/month"
};

}  // namespace

namespace {

// The first findings of PRAGMA quick_check on one line: "ok", or what it found ("Page 409:
// btreeInitPage() returns error code 11; database disk image is malformed"); failing to run is a finding.
std::string QuickCheck(sqlite::Database& db) {
  std::string found;
  auto add = [&found](std::string text) {
    if (const auto sql = text.find(" [PRAGMA"); sql != std::string::npos) text.erase(sql);  // the statement
    if (const auto header = text.find("*** in database main ***"); header != std::string::npos) text.erase(header, 24);
    std::replace(text.begin(), text.end(), '\n', ' ');
    text.erase(0, text.find_first_not_of(' '));
    if (!text.empty()) found += (found.empty() ? "" : "; ") + text;
  };
  auto st = db.Prepare("PRAGMA quick_check(3)");
  if (!st.ok()) {
    add(st.status().message());
    return found;
  }
  sqlite::ScopedReset reset(**st);
  for (;;) {
    auto row = (*st)->Step();
    if (!row.ok()) add(row.status().message());
    if (!row.ok() || !*row) break;
    add((*st)->Text(0));
  }
  return found;
}

}  // namespace

Result<std::unique_ptr<Store>> Store::OpenSqlite(const std::string& path, const StoreOptions& options) {
  const Lang lang = options.lang;
  SS_ASSIGN_OR_RETURN(auto db, sqlite::Database::Open(path, options.create_if_missing));
  // A file that is not a database fails here, at the first read. The version is read before anything
  // is set or written, so a newer file is left exactly as it was.
  auto version = store::ReadSchemaVersion(*db);
  if (!version.ok()) {
    if (version.status().code() != StatusCode::kCorruption) return version.status();  // busy, I/O
    return Status::Corruption(
        Tr(lang, "store.not_a_database", {{"path", path}, {"detail", version.status().message()}}));
  }
  if (*version > store::LatestSchemaVersion()) {
    return Status::Corruption(Tr(lang, "store.newer_schema",
                                 {{"path", path},
                                  {"found", std::to_string(*version)},
                                  {"known", std::to_string(store::LatestSchemaVersion())}}));
  }
  Status s = db->Exec(std::string(options.foreign_keys ? "PRAGMA foreign_keys = ON;" : "PRAGMA foreign_keys = OFF;") +
                      " PRAGMA journal_mode = WAL;");
  if (!s.ok()) return Status::Corruption(Tr(lang, "store.not_a_database", {{"path", path}, {"detail", s.message()}}));
  SS_RETURN_IF_ERROR(db->Exec(options.synchronous_full ? "PRAGMA synchronous = FULL" : "PRAGMA synchronous = NORMAL"));
  // 64 MiB of page cache: a city-scale file is far larger than SQLite's 2 MB default, and index pages of
  // random keys (ids, codes) are touched on every insert.
  SS_RETURN_IF_ERROR(db->Exec("PRAGMA cache_size = -65536"));
  // Statement and savepoint journals (the old images of the pages a nested write changes, kept to roll
  // it back) stay in memory instead of spilling to a temporary file after 64 KiB: they are dropped at
  // the end of each transaction, and going through a file cost a write call per page per booking.
  SS_RETURN_IF_ERROR(db->Exec("PRAGMA temp_store = MEMORY"));
  if (options.background_checkpoints) SS_RETURN_IF_ERROR(db->Exec("PRAGMA wal_autocheckpoint = 0"));
  if (options.verify_integrity) {
    if (const std::string found = QuickCheck(*db); found != "ok") {
      return Status::Corruption(Tr(lang, "store.damaged", {{"path", path}, {"detail", found}}));
    }
  }
  SS_RETURN_IF_ERROR(store::Migrate(*db));
  return std::unique_ptr<Store>(new SqliteStore(std::move(db), options.clock));
}

Status CheckDatabaseFile(const std::string& path, Lang lang) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return Status::Ok();
  StoreOptions o;
  o.create_if_missing = false;
  o.synchronous_full = false;
  o.verify_integrity = true;
  o.foreign_keys = false;
  o.lang = lang;
  return Store::OpenSqlite(path, o).status();
}

}  // namespace schoolshare
