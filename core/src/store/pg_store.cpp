// The PostgreSQL implementation of Store (libpq through store/pg.h), for several sync instances over one
// database. Same domain operations as the SQLite store, with these differences:
//  - Transaction() is READ COMMITTED and first locks the change-version counter row (FOR UPDATE), so
//    writers are serialized as under SQLite's BEGIN IMMEDIATE, the check-then-write of the booking
//    service sees every committed booking, and change versions commit in order. A serialization
//    failure or deadlock (40001, 40P01) reruns the whole transaction a few times, then is kUnavailable.
//  - ReadTransaction() is REPEATABLE READ READ ONLY: one snapshot.
//  - Every write statement inside a transaction runs in a savepoint (a failed statement aborts a PG
//    transaction), so a caller may carry on after a refused write as on SQLite.
//  - The exclusion constraint on bookings (pg_schema.cpp) refuses overlapping held bookings of a venue
//    in the database too; its violation is kConflict.
//  - Caches are dropped when the counter moved (another instance wrote).
//  - Server-side only: the sync client's replica operations (outbox, client state, attention items,
//    ApplyReplicated, ClearReplica) and Backup (use pg_dump) return kInternal with a message saying so.
#include <algorithm>
#include <chrono>
#include <limits>
#include <map>
#include <optional>
#include <thread>
#include <unordered_map>

#include "schoolshare/json.h"
#include "schoolshare/rules.h"
#include "schoolshare/store.h"
#include "store/pg.h"
#include "store/pg_schema.h"

namespace schoolshare {
namespace {

using pg::Connection;
using pg::ScopedReset;
using pg::Statement;

constexpr const char kHeld[] = "status IN ('pending','confirmed')";

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
constexpr const char kFactValues[] = "$1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14";

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
    sql += " AND school_id = $" + std::to_string(++n);
    binds->push_back({n, f.school_id});
  }
  if (!f.district_id.empty()) {
    sql += " AND district_id = $" + std::to_string(++n);
    binds->push_back({n, f.district_id});
  }
  if (f.type) {
    sql += " AND type = $" + std::to_string(++n);
    binds->push_back({n, ToString(*f.type)});
  }
  if (!f.include_inactive) sql += " AND active = 1";
  if (f.min_capacity > 0) {
    const std::string min = "$" + std::to_string(++n) + "::integer";
    binds->push_back({n, std::to_string(f.min_capacity)});
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

class PgStore final : public Store {
 public:
  PgStore(std::unique_ptr<Connection> db, const Clock* clock) : db_(std::move(db)), clock_(clock) {}

  Status Transaction(const std::function<Status()>& fn) override {
    if (depth_ > 0) return Nested(fn);
    return TopLevel(fn, /*write=*/true);
  }

  Status ReadTransaction(const std::function<Status()>& fn) override {
    if (depth_ > 0) return Guarded(fn);  // already inside a snapshot
    return TopLevel(fn, /*write=*/false);
  }

  int SchemaVersion() override {
    auto v = pg::ReadPgSchemaVersion(*db_);
    return v.ok() ? *v : -1;
  }

  Status Backup(const std::string& dest_path) override {
    return Unsupported("Backup to " + dest_path + " (use pg_dump, or the database's own backups)");
  }

  // ---------------------------------------------------------------- catalogue
  Status PutDistrict(const District& d, const Actor& by) override {
    if (d.id.empty() || d.name.empty()) return Status::InvalidArgument("a district needs an id and a name");
    if (!TimeZone::Find(d.time_zone).ok()) return Status::InvalidArgument("unknown time zone \"" + d.time_zone + "\"");
    return Write([&]() -> Status {
      SS_ASSIGN_OR_RETURN(
          Statement * st,
          db_->Prepare("INSERT INTO districts(id, name, time_zone, locale) VALUES ($1, $2, $3, $4) "
                       "ON CONFLICT(id) DO UPDATE SET name = excluded.name, time_zone = excluded.time_zone, "
                       "locale = excluded.locale"));
      ScopedReset reset(*st);
      st->Bind(1, d.id).Bind(2, d.name).Bind(3, d.time_zone).Bind(4, d.locale);
      SS_RETURN_IF_ERROR(st->Run());
      ForgetCaches();
      return Log("district", d.id, "put", ToJson(d).dump(), by, "district.put", "", d.id);
    });
  }

  Result<District> GetDistrict(const std::string& id) override {
    RefreshIfChangedElsewhere();
    if (auto it = districts_.find(id); it != districts_.end()) return it->second;
    SS_ASSIGN_OR_RETURN(Statement * st,
                        db_->Prepare("SELECT id, name, time_zone, locale FROM districts WHERE id = $1"));
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
                       "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT(id) DO UPDATE SET "
                       "district_id = excluded.district_id, name = excluded.name, name_en = excluded.name_en, "
                       "kind = excluded.kind, weak = excluded.weak, students = excluded.students, lat = excluded.lat, "
                       "lon = excluded.lon, periods = excluded.periods"));
      ScopedReset reset(*st);
      st->Bind(1, s.id).Bind(2, s.district_id).Bind(3, s.name).Bind(4, s.name_en).Bind(5, ToString(s.kind));
      st->Bind(6, s.weak).Bind(7, s.students).Bind(8, s.location.lat).Bind(9, s.location.lon);
      st->Bind(10, PeriodsToJson(s.periods).dump());
      SS_RETURN_IF_ERROR(Named(st->Run(), "school " + s.id + " (district \"" + s.district_id + "\" must exist)"));
      ForgetCaches();
      return Log("school", s.id, "put", ToJson(s).dump(), by, "school.put", "", s.district_id);
    });
  }

  Result<School> GetSchool(const std::string& id) override {
    RefreshIfChangedElsewhere();
    if (auto it = schools_.find(id); it != schools_.end()) return it->second;
    SS_ASSIGN_OR_RETURN(Statement * st,
                        db_->Prepare(std::string("SELECT ") + kSchoolColumns + " FROM schools WHERE id = $1"));
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
                      (district_id.empty() ? "" : " WHERE district_id = $1") + " ORDER BY district_id, id";
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
      SS_ASSIGN_OR_RETURN(std::string district, SchoolDistrict(r.school_id, "resource " + r.id));
      SS_ASSIGN_OR_RETURN(
          Statement * st,
          db_->Prepare(
              std::string("INSERT INTO resources(") + kResourceColumns +
              ", district_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, "
              "$19, $20) ON CONFLICT(district_id, id) DO UPDATE SET school_id = excluded.school_id, name = "
              "excluded.name, "
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
      st->Bind(18, p.hourly_fee_cents).Bind(19, r.active).Bind(20, district);
      SS_RETURN_IF_ERROR(
          Named(st->Run(), "resource " + r.id + " (school \"" + r.school_id + "\" and parent must exist)"));
      ForgetCaches();
      return Log("resource", r.id, "put", ToJson(r).dump(), by, "resource.put", r.school_id, district);
    });
  }

  Result<Resource> GetResource(const std::string& id) override {
    RefreshIfChangedElsewhere();
    if (auto it = resources_.find(id); it != resources_.end()) return it->second;
    SS_ASSIGN_OR_RETURN(Statement * st,
                        db_->Prepare(std::string("SELECT ") + kResourceColumns + " FROM resources WHERE id = $1"));
    ScopedReset reset(*st);
    st->Bind(1, id);
    SS_ASSIGN_OR_RETURN(bool row, st->Step());
    if (!row) return Status::NotFound("no resource \"" + id + "\"");
    Resource r = ReadResource(*st);
    resources_[id] = r;
    return r;
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
            "WITH RECURSIVE up(id) AS (SELECT parent_id FROM resources WHERE id = $1 AND parent_id IS NOT NULL "
            "  UNION SELECT r.parent_id FROM resources r JOIN up ON r.id = up.id WHERE r.parent_id IS NOT NULL), "
            "down(id) AS (SELECT id FROM resources WHERE parent_id = $1 "
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
      SS_ASSIGN_OR_RETURN(std::string district, SchoolDistrict(m.school_id, "staff member " + m.id));
      SS_ASSIGN_OR_RETURN(
          Statement * st,
          db_->Prepare(std::string("INSERT INTO staff(") + kStaffColumns +
                       ", district_id) VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT(district_id, id) "
                       "DO UPDATE SET school_id = excluded.school_id, name = excluded.name, "
                       "name_en = excluded.name_en, role = excluded.role, active = excluded.active"));
      {
        ScopedReset reset(*st);
        st->Bind(1, m.id).Bind(2, m.school_id).Bind(3, m.name).Bind(4, m.name_en).Bind(5, m.role).Bind(6, m.active);
        st->Bind(7, district);
        SS_RETURN_IF_ERROR(Named(st->Run(), "staff member " + m.id + " (school \"" + m.school_id + "\" must exist)"));
      }
      return Log("staff", m.id, "put", ToJson(m).dump(), by, "staff.put", m.school_id, district);
    });
  }

  Result<StaffMember> GetStaff(const std::string& id) override {
    return OneOf<StaffMember>(std::string("SELECT ") + kStaffColumns + " FROM staff WHERE id = $1", id, ReadStaff,
                              "no staff member \"" + id + "\"");
  }

  Result<std::vector<StaffMember>> ListStaff(const std::string& school_id) override {
    return ListOf<StaffMember>(std::string("SELECT ") + kStaffColumns + " FROM staff WHERE $1 = '' OR school_id = $1 " +
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
      SS_ASSIGN_OR_RETURN(std::string district, SchoolDistrict(c.school_id, "class " + c.id));
      SS_ASSIGN_OR_RETURN(
          Statement * st,
          db_->Prepare(std::string("INSERT INTO school_classes(") + kClassColumns +
                       ", district_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT(district_id, id) DO "
                       "UPDATE SET school_id = excluded.school_id, name = excluded.name, name_en = excluded.name_en, "
                       "grade = excluded.grade, students = excluded.students, lessons = excluded.lessons, "
                       "active = excluded.active"));
      {
        ScopedReset reset(*st);
        st->Bind(1, c.id).Bind(2, c.school_id).Bind(3, c.name).Bind(4, c.name_en).Bind(5, c.grade);
        st->Bind(6, c.students).Bind(7, WindowsToJson(c.lessons).dump()).Bind(8, c.active).Bind(9, district);
        SS_RETURN_IF_ERROR(Named(st->Run(), "class " + c.id + " (school \"" + c.school_id + "\" must exist)"));
      }
      return Log("class", c.id, "put", ToJson(c).dump(), by, "class.put", c.school_id, district);
    });
  }

  Result<SchoolClass> GetClass(const std::string& id) override {
    return OneOf<SchoolClass>(std::string("SELECT ") + kClassColumns + " FROM school_classes WHERE id = $1", id,
                              ReadClass, "no class \"" + id + "\"");
  }

  Result<std::vector<SchoolClass>> ListClasses(const std::string& school_id) override {
    return ListOf<SchoolClass>(std::string("SELECT ") + kClassColumns +
                                   " FROM school_classes WHERE $1 = '' OR school_id = $1 ORDER BY school_id, grade, id",
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
      SS_ASSIGN_OR_RETURN(std::string district, SchoolDistrict(full.school_id, "blackout " + full.id));
      SS_ASSIGN_OR_RETURN(
          Statement * st,
          db_->Prepare("INSERT INTO blackouts(id, resource_id, school_id, start_at, end_at, kind, reason, district_id) "
                       "VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT(district_id, id) DO UPDATE SET resource_id "
                       "= excluded.resource_id, "
                       "school_id = excluded.school_id, start_at = excluded.start_at, end_at = excluded.end_at, "
                       "kind = excluded.kind, reason = excluded.reason"));
      ScopedReset reset(*st);
      st->Bind(1, full.id).BindOptional(2, full.resource_id).Bind(3, full.school_id).Bind(4, full.start);
      st->Bind(5, full.end).Bind(6, ToString(full.kind)).Bind(7, full.reason).Bind(8, district);
      SS_RETURN_IF_ERROR(Named(st->Run(), "blackout " + full.id));
      return Log("blackout", full.id, "put", ToJson(full, TimeZone::Utc()).dump(), by, "blackout.put", full.school_id,
                 district);
    });
  }

  Status DeleteBlackout(const std::string& id, const Actor& by) override {
    return Write([&]() -> Status {
      SS_ASSIGN_OR_RETURN(Statement * st,
                          db_->Prepare("DELETE FROM blackouts WHERE id = $1 RETURNING school_id, district_id"));
      ScopedReset reset(*st);
      st->Bind(1, id);
      SS_ASSIGN_OR_RETURN(bool row, st->Step());
      if (!row) return Status::NotFound("no blackout \"" + id + "\"");
      std::string scope = st->Text(0);
      std::string district = st->Text(1);
      return Log("blackout", id, "del", Json{{"id", id}}.dump(), by, "blackout.delete", scope, district);
    });
  }

  Result<Blackout> GetBlackout(const std::string& id) override {
    SS_ASSIGN_OR_RETURN(Statement * st, db_->Prepare("SELECT id, COALESCE(resource_id, ''), school_id, start_at, "
                                                     "end_at, kind, reason FROM blackouts WHERE id = $1"));
    ScopedReset reset(*st);
    st->Bind(1, id);
    SS_ASSIGN_OR_RETURN(bool row, st->Step());
    if (!row) return Status::NotFound("no blackout \"" + id + "\"");
    Blackout b{st->Text(0), st->Text(1), st->Text(2), st->Int(3), st->Int(4), BlackoutKind::kOther, st->Text(6)};
    if (auto k = ParseBlackoutKind(st->Text(5)); k.ok()) b.kind = *k;
    return b;
  }

  Result<std::vector<Blackout>> ListBlackouts(const std::string& resource_id, Instant from, Instant to) override {
    SS_ASSIGN_OR_RETURN(Resource r, GetResource(resource_id));
    SS_ASSIGN_OR_RETURN(
        Statement * st,
        db_->Prepare(
            "SELECT id, resource_id, school_id, start_at, end_at, kind, reason FROM blackouts "
            "WHERE school_id = $1 AND (resource_id IS NULL OR resource_id = $2) AND start_at < $4 AND end_at > $3 "
            "ORDER BY start_at"));
    ScopedReset reset(*st);
    st->Bind(1, r.school_id).Bind(2, resource_id).Bind(3, from).Bind(4, to);
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
                       "VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT(district_id, date, school_id) DO UPDATE SET "
                       "kind = excluded.kind, runs_weekday = excluded.runs_weekday, name = excluded.name"));
      ScopedReset reset(*st);
      st->Bind(1, district_id).Bind(2, d.date.ToString()).Bind(3, d.school_id).Bind(4, ToString(d.kind));
      st->Bind(5, d.runs_weekday).Bind(6, d.name);
      SS_RETURN_IF_ERROR(Named(st->Run(), "calendar day " + d.date.ToString()));
      ForgetCaches();
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
                                       "calendar_days WHERE district_id = $1 ORDER BY date, school_id"));
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
      SS_ASSIGN_OR_RETURN(std::string district, SchoolDistrict(a.owner_school_id, "agreement " + a.id));
      SS_ASSIGN_OR_RETURN(
          Statement * st,
          db_->Prepare(
              "INSERT INTO sharing_agreements(id, owner_school_id, borrower_school_id, resource_ids, windows, "
              "weekly_cap_minutes, auto_approve, valid_from, valid_to, district_id) VALUES ($1, $2, $3, $4, $5, $6, "
              "$7, $8, $9, $10) ON CONFLICT(district_id, id) DO UPDATE SET owner_school_id = excluded.owner_school_id, "
              "borrower_school_id = excluded.borrower_school_id, resource_ids = excluded.resource_ids, "
              "windows = excluded.windows, weekly_cap_minutes = excluded.weekly_cap_minutes, "
              "auto_approve = excluded.auto_approve, valid_from = excluded.valid_from, valid_to = excluded.valid_to"));
      ScopedReset reset(*st);
      st->Bind(1, a.id).Bind(2, a.owner_school_id).Bind(3, a.borrower_school_id).Bind(4, Json(a.resource_ids).dump());
      st->Bind(5, WindowsToJson(a.windows).dump()).Bind(6, a.weekly_cap_minutes).Bind(7, a.auto_approve);
      st->Bind(8, a.valid_from.ToString()).Bind(9, a.valid_to.ToString()).Bind(10, district);
      SS_RETURN_IF_ERROR(Named(st->Run(), "agreement " + a.id + " (both schools must exist)"));
      ForgetCaches();
      return Log("agreement", a.id, "put", ToJson(a).dump(), by, "agreement.put", a.owner_school_id, district);
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
    return Write([&]() -> Status {
      SS_ASSIGN_OR_RETURN(Venue venue, VenueOf(b.resource_id, "booking " + b.id));
      SS_ASSIGN_OR_RETURN(
          Statement * st,
          db_->Prepare(std::string("INSERT INTO bookings(") + kBookingColumns +
                       ", exclusive, district_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, "
                       "$15, $16, $17, $18, $19, $20, $21::integer <> 0, $22)"));
      {
        ScopedReset reset(*st);
        BindBooking(*st, b, 1);
        st->Bind(21, venue.exclusive).Bind(22, venue.district);
        Status s = st->Run();
        if (s.code() == StatusCode::kAlreadyExists) {
          return Status::AlreadyExists("booking " + b.id + " or code " + b.code + " already exists");
        }
        SS_RETURN_IF_ERROR(Overlapping(s, b));
        SS_RETURN_IF_ERROR(Named(s, "booking " + b.id + " (resource and school must exist)"));
      }
      SS_RETURN_IF_ERROR(NoteLength(b.resource_id, b.end - b.start));
      std::string data = ToJson(b, TimeZone::Utc()).dump();
      return Log("booking", b.id, "put", data, by, action, venue.owner, venue.district);
    });
  }

  Status UpdateBooking(const Booking& b, const Actor& by, const std::string& action) override {
    if (b.end <= b.start) return Status::InvalidArgument("a booking must end after it starts");
    return Write([&]() -> Status {
      SS_ASSIGN_OR_RETURN(Venue venue, VenueOf(b.resource_id, "booking " + b.id));
      SS_ASSIGN_OR_RETURN(
          Statement * st,
          db_->Prepare(
              "UPDATE bookings SET resource_id = $2, school_id = $3, organizer = $4, title = $5, activity_type = $6, "
              "attendees = $7, quantity = $8, start_at = $9, end_at = $10, status = $11, stage = $12, series_id = $13, "
              "code = $14, note = $15, created_by = $16, created_at = $17, updated_at = $18, version = version + 1, "
              "class_id = $20, exclusive = $21::integer <> 0 "
              "WHERE id = $1 AND $19::bigint > 0"));  // $19, the caller's version, is not stored: the store bumps it
      {
        ScopedReset reset(*st);
        BindBooking(*st, b, 1);
        st->Bind(21, venue.exclusive);
        Status s = st->Run();
        SS_RETURN_IF_ERROR(Overlapping(s, b));
        SS_RETURN_IF_ERROR(Named(s, "booking " + b.id));
        if (st->Changes() == 0) return Status::NotFound("no booking \"" + b.id + "\"");
      }
      SS_RETURN_IF_ERROR(NoteLength(b.resource_id, b.end - b.start));
      SS_ASSIGN_OR_RETURN(Booking stored, GetBooking(b.id));
      return Log("booking", b.id, "put", ToJson(stored, TimeZone::Utc()).dump(), by, action, venue.owner,
                 venue.district);
    });
  }

  Result<Booking> GetBooking(const std::string& id) override {
    return OneBooking(std::string("SELECT ") + kBookingColumns + " FROM bookings WHERE id = $1", id,
                      "no booking \"" + id + "\"");
  }

  Result<Booking> FindBookingByCode(const std::string& code) override {
    return OneBooking(std::string("SELECT ") + kBookingColumns + " FROM bookings WHERE code = $1", code,
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
    if (!f.resource_id.empty()) text("resource_id = $", f.resource_id);
    if (!f.school_id.empty()) text("school_id = $", f.school_id);
    if (!f.series_id.empty()) text("series_id = $", f.series_id);
    if (!f.owner_school_id.empty()) {
      text("resource_id IN (SELECT id FROM resources WHERE school_id = $", f.owner_school_id);
      sql += ")";
    }
    if (f.from) {
      sql += " AND end_at > $" + std::to_string(++n);
      ints.push_back({n, *f.from});
    }
    if (f.to) {
      sql += " AND start_at < $" + std::to_string(++n);
      ints.push_back({n, *f.to});
    }
    if (!f.statuses.empty()) {
      sql += " AND status IN (";
      for (size_t i = 0; i < f.statuses.size(); ++i) {
        sql += (i ? ", $" : "$") + std::to_string(++n);
        texts.push_back({n, ToString(f.statuses[i])});
      }
      sql += ")";
    }
    if (f.stage) text("stage = $", ToString(*f.stage));
    sql += " ORDER BY start_at, resource_id, id";
    if (f.limit > 0) {
      sql += " LIMIT $" + std::to_string(++n);
      ints.push_back({n, f.limit});
    }
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
    SS_ASSIGN_OR_RETURN(Statement * st,
                        db_->Prepare(std::string("SELECT ") + kBookingColumns +
                                     " FROM bookings WHERE resource_id = $1 AND start_at > $2 " +
                                     "AND start_at < $3 AND end_at > $4 AND " + kHeld + " ORDER BY start_at"));
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
    SS_ASSIGN_OR_RETURN(
        Statement * st,
        db_->Prepare(std::string("SELECT COALESCE(SUM(end_at - start_at), 0) FROM bookings WHERE resource_id = $1 AND "
                                 "start_at >= $2 AND start_at < $3 AND school_id = $4 AND ") +
                     kHeld));
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
    auto st = db_->Prepare("SELECT 1 FROM bookings WHERE code = $1");
    if (!st.ok()) return true;  // be safe: make the caller pick another code
    ScopedReset reset(**st);
    (*st)->Bind(1, code);
    auto row = (*st)->Step();
    return !row.ok() || *row;
  }

  Status PutSeries(const BookingSeries& s, const Actor& by) override {
    if (s.id.empty()) return Status::InvalidArgument("a series needs an id");
    return Write([&]() -> Status {
      SS_ASSIGN_OR_RETURN(Venue venue, VenueOf(s.resource_id, "series " + s.id));
      SS_ASSIGN_OR_RETURN(Statement * st,
                          db_->Prepare("INSERT INTO booking_series(id, resource_id, school_id, data, created_by, "
                                       "created_at, district_id) VALUES ($1, $2, $3, $4, $5, $6, $7) "
                                       "ON CONFLICT(district_id, id) DO UPDATE SET data = excluded.data"));
      ScopedReset reset(*st);
      std::string data = ToJson(s).dump();
      st->Bind(1, s.id).Bind(2, s.resource_id).Bind(3, s.school_id).Bind(4, data).Bind(5, s.created_by);
      st->Bind(6, s.created_at).Bind(7, venue.district);
      SS_RETURN_IF_ERROR(Named(st->Run(), "series " + s.id));
      return Log("series", s.id, "put", data, by, "series.put", venue.owner, venue.district);
    });
  }

  Result<BookingSeries> GetSeries(const std::string& id) override {
    SS_ASSIGN_OR_RETURN(Statement * st, db_->Prepare("SELECT data FROM booking_series WHERE id = $1"));
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
      SS_ASSIGN_OR_RETURN(Venue venue, VenueOf(f.resource_id, "fact " + f.id));
      SS_ASSIGN_OR_RETURN(Statement * st, db_->Prepare(std::string("INSERT INTO usage_facts(") + kFactColumns +
                                                       ", district_id) VALUES (" + kFactValues +
                                                       ", $15) ON CONFLICT(district_id, id) DO NOTHING"));
      UsageFact stored = f;
      if (stored.received_at == 0) stored.received_at = Now();
      if (stored.recorded_by.empty()) stored.recorded_by = by.id;
      {
        ScopedReset reset(*st);
        BindFact(*st, stored);
        st->Bind(15, venue.district);
        SS_RETURN_IF_ERROR(Named(st->Run(), "fact " + stored.id));
        if (st->Changes() == 0) return Status::AlreadyExists("fact " + stored.id + " is already recorded");
      }
      return Log("fact", stored.id, "put", ToJson(stored, TimeZone::Utc()).dump(), by,
                 std::string("fact.") + ToString(stored.kind), venue.owner, venue.district);
    });
  }

  Result<UsageFact> GetFact(const std::string& id) override {
    SS_ASSIGN_OR_RETURN(Statement * st,
                        db_->Prepare(std::string("SELECT ") + kFactColumns + " FROM usage_facts WHERE id = $1"));
    ScopedReset reset(*st);
    st->Bind(1, id);
    SS_ASSIGN_OR_RETURN(bool row, st->Step());
    if (!row) return Status::NotFound("no fact \"" + id + "\"");
    return ReadFact(*st);
  }

  Result<std::vector<UsageFact>> ListFacts(const FactFilter& f) override {
    // One statement per filter shape, each answered by its index (an "$1 = '' OR" form scans the table).
    const std::string head = std::string("SELECT ") + kFactColumns + " FROM usage_facts WHERE ";
    const std::string tail = " AND at >= $3 AND at < $4 ORDER BY at, id";
    std::string where;
    if (!f.booking_id.empty())
      where = "booking_id = $1 AND ($2 = '' OR resource_id = $2)";
    else if (!f.resource_id.empty())
      where = "resource_id = $2 AND $1 = ''";
    else
      where = "$1 = '' AND $2 = ''";
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

  // ---------------------------------------------------------------- report periods
  Result<ReportPeriod> GetReportPeriod(const std::string& school_id, const std::string& month) override {
    RefreshIfChangedElsewhere();
    std::string key = school_id + "/" + month;
    if (auto it = periods_.find(key); it != periods_.end()) return it->second;
    SS_ASSIGN_OR_RETURN(
        Statement * st,
        // By the primary key (district, school, month): school and month alone would scan the table.
        db_->Prepare("SELECT status, signed_off_by, signed_off_at FROM report_periods WHERE district_id = "
                     "(SELECT district_id FROM schools WHERE id = $1) AND school_id = $1 AND month = $2"));
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
      SS_ASSIGN_OR_RETURN(std::string district,
                          SchoolDistrict(p.school_id, "report period " + p.school_id + " " + p.month));
      SS_ASSIGN_OR_RETURN(
          Statement * st,
          db_->Prepare(
              "INSERT INTO report_periods(school_id, month, status, signed_off_by, signed_off_at, district_id) "
              "VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT(district_id, school_id, month) DO UPDATE SET status = "
              "excluded.status, "
              "signed_off_by = excluded.signed_off_by, signed_off_at = excluded.signed_off_at"));
      ScopedReset reset(*st);
      st->Bind(1, p.school_id).Bind(2, p.month).Bind(3, ToString(p.status)).Bind(4, p.signed_off_by);
      st->Bind(5, p.signed_off_at).Bind(6, district);
      SS_RETURN_IF_ERROR(Named(st->Run(), "report period " + p.school_id + " " + p.month));
      ForgetCaches();
      return Log("report_period", p.school_id + "/" + p.month, "put", ToJson(p, TimeZone::Utc()).dump(), by,
                 "period.put", p.school_id, district);
    });
  }

  // ---------------------------------------------------------------- tokens
  Status InsertToken(const TokenRecord& t, const Actor& by) override {
    if (t.id.empty() || t.hash.empty()) return Status::InvalidArgument("a token needs an id and a hash");
    return Write([&]() -> Status {
      SS_ASSIGN_OR_RETURN(Statement * st,
                          db_->Prepare("INSERT INTO tokens(id, role, school_id, label, hash, created_at, revoked, "
                                       "feed_id) VALUES ($1, $2, $3, $4, $5, $6, 0, $7)"));
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
            "SELECT id, role, school_id, label, hash, created_at, revoked, feed_id FROM tokens WHERE hash = $1"));
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
      SS_ASSIGN_OR_RETURN(Statement * st, db_->Prepare("UPDATE tokens SET revoked = 1 WHERE id = $1"));
      ScopedReset reset(*st);
      st->Bind(1, id);
      SS_RETURN_IF_ERROR(st->Run());
      if (st->Changes() == 0) return Status::NotFound("no token \"" + id + "\"");
      return Audit(by, "token.revoke", "token", id, "{}");
    });
  }

  // ---------------------------------------------------------------- logs
  Result<std::vector<AuditEntry>> ListAudit(const std::string& entity, const std::string& entity_id) override {
    SS_ASSIGN_OR_RETURN(Statement * st,
                        db_->Prepare("SELECT a.seq, a.at, a.actor_id, a.action, a.entity, a.entity_id, "
                                     "CASE WHEN a.change_version IS NULL THEN a.detail ELSE c.data END "
                                     "FROM audit_log a LEFT JOIN change_log c ON c.district_id = a.district_id AND "
                                     "c.version = a.change_version "
                                     "WHERE ($1 = '' OR a.entity = $1) AND ($2 = '' OR a.entity_id = $2) "
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
    // Two statements, so each uses its index: the primary key (district, version) for everyone,
    // (district, scope, version) for a school.
    SS_ASSIGN_OR_RETURN(Statement * st,
                        scope_school.empty()
                            ? db_->Prepare("SELECT version, entity, entity_id, op, data, at, scope FROM change_log "
                                           "WHERE district_id = $3 AND version > $1 ORDER BY version LIMIT $2")
                            : db_->Prepare("SELECT version, entity, entity_id, op, data, at, scope FROM change_log "
                                           "WHERE district_id = $3 AND version > $1 AND scope IN ('', $4) "
                                           "ORDER BY version LIMIT $2"));
    ScopedReset reset(*st);
    st->Bind(1, after_version).Bind(3, district_id);
    if (limit > 0) st->Bind(2, limit);  // NULL: no limit
    if (!scope_school.empty()) st->Bind(4, scope_school);
    std::vector<Change> out;
    for (;;) {
      SS_ASSIGN_OR_RETURN(bool row, st->Step());
      if (!row) break;
      out.push_back({st->Int(0), st->Text(1), st->Text(2), st->Text(3), st->Text(4), st->Int(5), st->Text(6)});
    }
    return out;
  }

  Result<std::int64_t> CompactedUpTo(const std::string& district_id) override {
    return DistrictCounter("SELECT compacted_up_to FROM district_versions WHERE district_id = $1", district_id);
  }

  Result<std::int64_t> DistrictVersion(const std::string& district_id) override {
    return DistrictCounter("SELECT version FROM district_versions WHERE district_id = $1", district_id);
  }

  // One query for all the districts a pull reads (a district admin's pull reads every district).
  Result<std::vector<DistrictPosition>> DistrictPositions(const std::vector<std::string>& district_ids) override {
    SS_ASSIGN_OR_RETURN(Statement * st, db_->Prepare("SELECT district_id, version, compacted_up_to FROM "
                                                     "district_versions WHERE district_id = ANY($1::text[])"));
    ScopedReset reset(*st);
    st->Bind(1, pg::TextArray(district_ids));
    std::unordered_map<std::string, DistrictPosition> found;
    for (;;) {
      SS_ASSIGN_OR_RETURN(bool row, st->Step());
      if (!row) break;
      found[st->Text(0)] = {st->Int(1), st->Int(2)};
    }
    std::vector<DistrictPosition> out(district_ids.size());
    for (std::size_t i = 0; i < district_ids.size(); ++i) {
      if (auto it = found.find(district_ids[i]); it != found.end()) out[i] = it->second;
    }
    return out;
  }

  // Drops, in each district, the changes up to its newest one written before `before`.
  Result<std::int64_t> CompactChanges(Instant before) override {
    static constexpr char kMarks[] =
        "WITH marks AS (SELECT district_id, MAX(version) AS up_to FROM change_log WHERE at < $1 "
        "GROUP BY district_id) ";
    std::int64_t dropped = 0;
    SS_RETURN_IF_ERROR(Write([&]() -> Status {
      auto run = [&](const std::string& sql, std::int64_t* changed) -> Status {
        SS_ASSIGN_OR_RETURN(Statement * st, db_->Prepare(sql));
        ScopedReset reset(*st);
        st->Bind(1, before);
        SS_RETURN_IF_ERROR(st->Run());
        if (changed != nullptr) *changed = st->Changes();
        return Status::Ok();
      };
      // History stays readable: audit entries take a copy of the data they pointed at.
      SS_RETURN_IF_ERROR(run(std::string(kMarks) +
                                 "UPDATE audit_log a SET detail = c.data, change_version = NULL FROM change_log c, "
                                 "marks m WHERE c.district_id = a.district_id AND c.version = a.change_version AND "
                                 "m.district_id = c.district_id AND c.version <= m.up_to",
                             nullptr));
      SS_RETURN_IF_ERROR(run(std::string(kMarks) +
                                 "UPDATE district_versions v SET compacted_up_to = GREATEST(v.compacted_up_to, "
                                 "m.up_to) FROM marks m WHERE v.district_id = m.district_id",
                             nullptr));
      return run(std::string(kMarks) +
                     "DELETE FROM change_log c USING marks m WHERE c.district_id = m.district_id AND "
                     "c.version <= m.up_to",
                 &dropped);
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
          db_->Prepare("INSERT INTO sync_clients(district_id, id, token_id, school_id, last_client_seq, "
                       "registered_at, last_seen_at) VALUES (COALESCE((SELECT district_id FROM schools WHERE id = "
                       "$3), ''), $1, $2, $3, $4, $5, $6) ON CONFLICT(district_id, id) DO UPDATE SET "
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
                                     "FROM sync_clients WHERE id = $1"));
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
                          db_->Prepare("INSERT INTO mutation_results(district_id, client_id, client_seq, mutation_id, "
                                       "name, status, result, at) VALUES ((SELECT district_id FROM sync_clients "
                                       "WHERE id = $1), $1, $2, $3, $4, $5, $6, $7)"));
      {
        ScopedReset reset(*st);
        st->Bind(1, m.client_id).Bind(2, m.client_seq).Bind(3, m.mutation_id).Bind(4, m.name).Bind(5, m.status);
        st->Bind(6, m.result).Bind(7, m.at ? m.at : Now());
        SS_RETURN_IF_ERROR(Named(st->Run(), "result of mutation " + m.mutation_id));
      }
      SS_ASSIGN_OR_RETURN(Statement * up,
                          db_->Prepare("UPDATE sync_clients SET last_client_seq = GREATEST(last_client_seq, "
                                       "$2), last_seen_at = $3 WHERE id = $1"));
      ScopedReset reset(*up);
      up->Bind(1, m.client_id).Bind(2, m.client_seq).Bind(3, Now());
      SS_RETURN_IF_ERROR(up->Run());
      if (up->Changes() == 0) return Status::NotFound("no sync client \"" + m.client_id + "\"");
      return Status::Ok();
    });
  }

  Result<MutationRecord> GetMutationRecord(const std::string& client_id, std::int64_t client_seq) override {
    SS_ASSIGN_OR_RETURN(Statement * st,
                        db_->Prepare("SELECT client_id, client_seq, mutation_id, name, status, result, at "
                                     "FROM mutation_results WHERE client_id = $1 AND client_seq = $2"));
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
                                     "FROM mutation_results WHERE client_id = $1 AND client_seq > $2 "
                                     "ORDER BY client_seq LIMIT $3"));
    ScopedReset reset(*st);
    st->Bind(1, client_id).Bind(2, after_seq);
    if (limit > 0) st->Bind(3, limit);  // NULL: no limit
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
      SS_ASSIGN_OR_RETURN(
          Statement * st,
          db_->Prepare(
              "INSERT INTO quarantine(district_id, client_id, client_seq, mutation_id, "
              "payload, error, at) VALUES (COALESCE((SELECT district_id FROM sync_clients "
              "WHERE id = $1), ''), $1, $2, $3, $4, $5, $6) ON CONFLICT(district_id, "
              "client_id, client_seq) DO UPDATE SET mutation_id = excluded.mutation_id, payload = excluded.payload, "
              "error = excluded.error, at = excluded.at"));
      ScopedReset reset(*st);
      st->Bind(1, m.client_id).Bind(2, m.client_seq).Bind(3, m.mutation_id).Bind(4, payload).Bind(5, error);
      st->Bind(6, Now());
      return st->Run();
    });
  }

  // ---------------------------------------------------------------- sync client replica (not here)
  Status ApplyReplicated(const Change& c) override { return Unsupported("ApplyReplicated (" + c.entity + ")"); }
  Status ClearReplica() override { return Unsupported("ClearReplica"); }
  Status PutOutboxEntry(const OutboxEntry&) override { return Unsupported("the outbox"); }
  Status DeleteOutboxEntry(std::int64_t) override { return Unsupported("the outbox"); }
  Result<std::vector<OutboxEntry>> ListOutbox(std::int64_t, std::optional<OutboxState>, int) override {
    return Unsupported("the outbox");
  }
  Result<std::int64_t> CountOutbox(OutboxState) override { return Unsupported("the outbox"); }
  Result<std::int64_t> PurgeOutbox(Instant) override { return Unsupported("the outbox"); }
  Result<std::string> GetClientState(const std::string&) override { return Unsupported("a sync client's state"); }
  Status PutClientState(const std::string&, const std::string&) override {
    return Unsupported("a sync client's state");
  }
  Status PutAttentionItem(const AttentionItem&) override { return Unsupported("the needs-attention list"); }
  Result<std::vector<AttentionItem>> ListAttentionItems(bool) override {
    return Unsupported("the needs-attention list");
  }
  Status DismissAttentionItem(const std::string&, Instant) override { return Unsupported("the needs-attention list"); }

  // ---------------------------------------------------------------- reconciliation
  Status PutReconciliationItem(const ReconciliationItem& item, const Actor& by) override {
    if (item.id.empty() || item.school_id.empty() || item.reason.empty()) {
      return Status::InvalidArgument("a reconciliation item needs an id, a school and a reason");
    }
    return Write([&]() -> Status {
      SS_ASSIGN_OR_RETURN(std::string district, SchoolDistrict(item.school_id, "reconciliation item " + item.id));
      SS_ASSIGN_OR_RETURN(
          Statement * st,
          db_->Prepare("INSERT INTO reconciliation_items(id, school_id, resource_id, fact_id, booking_id, reason, "
                       "detail, resolved, resolution, resolved_by, created_at, resolved_at, district_id) VALUES ($1, "
                       "$2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) ON CONFLICT(district_id, id) DO UPDATE SET "
                       "resolved = excluded.resolved, "
                       "resolution = excluded.resolution, resolved_by = excluded.resolved_by, "
                       "resolved_at = excluded.resolved_at"));
      ReconciliationItem stored = item;
      if (stored.created_at == 0) stored.created_at = Now();
      {
        ScopedReset reset(*st);
        st->Bind(1, stored.id).Bind(2, stored.school_id).Bind(3, stored.resource_id).Bind(4, stored.fact_id);
        st->Bind(5, stored.booking_id).Bind(6, stored.reason).Bind(7, stored.detail.empty() ? "{}" : stored.detail);
        st->Bind(8, stored.resolved).Bind(9, stored.resolution).Bind(10, stored.resolved_by);
        st->Bind(11, stored.created_at).Bind(12, stored.resolved_at).Bind(13, district);
        SS_RETURN_IF_ERROR(Named(st->Run(), "reconciliation item " + stored.id));
      }
      return Log("reconciliation", stored.id, "put", ToJson(stored, TimeZone::Utc()).dump(), by,
                 stored.resolved ? "reconciliation.resolve" : "reconciliation.open", stored.school_id, district);
    });
  }

  Result<std::vector<ReconciliationItem>> ListReconciliationItems(const std::string& school_id,
                                                                  bool open_only) override {
    SS_ASSIGN_OR_RETURN(Statement * st, db_->Prepare(std::string("SELECT ") + kReconciliationColumns +
                                                     " FROM reconciliation_items WHERE ($1 = '' OR school_id = $1) "
                                                     "AND ($2 = 0 OR resolved = 0) ORDER BY created_at, id"));
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
                                                     " FROM reconciliation_items WHERE id = $1"));
    ScopedReset reset(*st);
    st->Bind(1, id);
    SS_ASSIGN_OR_RETURN(bool row, st->Step());
    if (!row) return Status::NotFound("no reconciliation item \"" + id + "\"");
    return ReadReconciliation(*st);
  }

  Result<std::int64_t> LatestVersion() override {
    SS_ASSIGN_OR_RETURN(Statement * st, db_->Prepare("SELECT value FROM counters WHERE name = 'change_version'"));
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

  // One attempt per loop: BEGIN, (writers) the counter row lock, fn, COMMIT. A serialization failure
  // or deadlock anywhere rolls everything back and starts again, a bounded number of times.
  Status TopLevel(const std::function<Status()>& fn, bool write) {
    Status s;
    for (int attempt = 1; attempt <= kAttempts; ++attempt) {
      if (!db_->Healthy()) SS_RETURN_IF_ERROR(db_->Reconnect());
      db_->ClearSqlstate();
      s = Do(write ? "BEGIN ISOLATION LEVEL READ COMMITTED" : "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
      if (!s.ok()) return s;
      db_->SetInTransaction(true);
      // Only now, holding the lock (or the snapshot), can we tell what others committed before us.
      s = write ? LockCounter() : RefreshIfChangedElsewhere();
      if (s.ok()) {
        depth_ = 1;
        tx_changes_ = 0;
        s = Guarded(fn);
        depth_ = 0;
        if (s.ok() && tx_changes_ > 0) s = StoreCounter();
        if (s.ok()) {
          s = Do("COMMIT");
          if (s.ok()) {
            db_->SetInTransaction(false);
            return s;
          }
        }
      }
      const bool retry = pg::IsRetryable(db_->LastSqlstate());
      if (db_->Healthy()) Do("ROLLBACK");
      db_->SetInTransaction(false);
      ForgetCaches();  // cached rows written inside the transaction are gone
      if (!retry) return s;
      std::this_thread::sleep_for(std::chrono::milliseconds(5 * attempt * attempt));
    }
    return Status::Unavailable("the database stayed busy (serialization failures or deadlocks) after " +
                               std::to_string(kAttempts) + " attempts; retry later: " + s.message());
  }

  Status Nested(const std::function<Status()>& fn) {
    std::string name = "sp" + std::to_string(depth_);
    SS_RETURN_IF_ERROR(Do("SAVEPOINT " + name));
    ++depth_;
    const std::int64_t changes_before = tx_changes_;
    Status s = Guarded(fn);
    --depth_;
    if (s.ok()) return Do("RELEASE " + name);
    Do("ROLLBACK TO " + name);
    Do("RELEASE " + name);
    tx_changes_ = changes_before;  // the rolled-back changes took no versions
    ForgetCaches();
    return s;
  }

  // Takes the writers' lock (the counter row) and drops the caches when the counter moved since we
  // last looked: another connection wrote.
  Status LockCounter() {
    SS_ASSIGN_OR_RETURN(Statement * st,
                        db_->Prepare("SELECT value FROM counters WHERE name = 'change_version' FOR UPDATE"));
    ScopedReset reset(*st);
    SS_ASSIGN_OR_RETURN(bool row, st->Step());
    if (!row) return Status::Corruption("the change_version counter row is missing");
    locked_counter_ = st->Int(0);
    NoteCounter(locked_counter_);
    return Status::Ok();
  }

  // The deployment-wide counter counts every change; we hold its row, so we know its value and
  // write it once, just before COMMIT, instead of updating the row once per change (a bulk write of
  // 10,000 rows updated it 10,000 times, 5.7 ms each in one open transaction).
  Status StoreCounter() {
    SS_ASSIGN_OR_RETURN(Statement * st, db_->Prepare("UPDATE counters SET value = $1 WHERE name = 'change_version'"));
    ScopedReset reset(*st);
    st->Bind(1, DeploymentVersion());
    return st->Run();
  }

  // The deployment-wide counter as this transaction will leave it.
  std::int64_t DeploymentVersion() const { return locked_counter_ + tx_changes_; }

  void NoteCounter(std::int64_t v) {
    if (v != seen_version_) {
      ForgetCaches();
      seen_version_ = v;
    }
  }

  static Status Unsupported(const std::string& what) {
    return Status::Internal(what +
                            " is not supported by the PostgreSQL store: it serves the sync service; a sync "
                            "client's replica is a SQLite file");
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

  // A write: its own transaction, or a savepoint inside the caller's.
  Status Write(const std::function<Status()>& fn) { return Transaction(fn); }

  // Adds what the write was about to a constraint failure (foreign keys are kInvalidArgument already).
  static Status Named(const Status& s, const std::string& what) {
    if (s.ok()) return s;
    return Status(s.code(), what + ": " + s.message());
  }

  // One number of a district's counter row (0 before its first change).
  Result<std::int64_t> DistrictCounter(const char* sql, const std::string& district_id) {
    SS_ASSIGN_OR_RETURN(Statement * st, db_->Prepare(sql));
    ScopedReset reset(*st);
    st->Bind(1, district_id);
    SS_ASSIGN_OR_RETURN(bool row, st->Step());
    return row ? st->Int(0) : 0;
  }

  Result<std::string> Meta(const std::string& key) {
    SS_ASSIGN_OR_RETURN(Statement * st, db_->Prepare("SELECT value FROM server_meta WHERE key = $1"));
    ScopedReset reset(*st);
    st->Bind(1, key);
    SS_ASSIGN_OR_RETURN(bool row, st->Step());
    return row ? st->Text(0) : std::string();
  }

  Status SetMeta(const std::string& key, const std::string& value) {
    SS_ASSIGN_OR_RETURN(Statement * st, db_->Prepare("INSERT INTO server_meta(key, value) VALUES ($1, $2) "
                                                     "ON CONFLICT(key) DO UPDATE SET value = excluded.value"));
    ScopedReset reset(*st);
    st->Bind(1, key).Bind(2, value);
    return st->Run();
  }

  // Appends the change under its district's next version and its audit entry. The district's counter
  // row is bumped in this transaction, so the district's versions commit in order; the deployment-wide
  // counter (locked since BEGIN) counts the change too and is written at COMMIT (StoreCounter), telling
  // other instances to drop their caches. A district's first counter value is the deployment-wide one,
  // above any cursor handed out before it existed.
  Status Log(const std::string& entity, const std::string& id, const std::string& op, const std::string& data,
             const Actor& by, const std::string& action, const std::string& scope, const std::string& district) {
    Instant now = Now();
    ++tx_changes_;
    const std::int64_t deployment_version = DeploymentVersion();
    // Our own change (we hold the counter row's lock): not a sign that another connection wrote, so the
    // caches stay; writes of cached entities drop what they change themselves, and a rollback drops them all.
    seen_version_ = deployment_version;
    SS_ASSIGN_OR_RETURN(Statement * next,
                        db_->Prepare("INSERT INTO district_versions(district_id, version) VALUES ($1, $2) "
                                     "ON CONFLICT (district_id) DO UPDATE SET version = district_versions.version + 1 "
                                     "RETURNING version"));
    std::int64_t version = 0;
    {
      ScopedReset reset(*next);
      next->Bind(1, district).Bind(2, deployment_version);
      SS_ASSIGN_OR_RETURN(bool row, next->Step());
      if (!row) return Status::Corruption("the version counter of district " + district + " did not move");
      version = next->Int(0);
    }
    SS_ASSIGN_OR_RETURN(Statement * st,
                        db_->Prepare("INSERT INTO change_log(district_id, version, entity, entity_id, op, data, at, "
                                     "scope) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"));
    {
      ScopedReset reset(*st);
      st->Bind(1, district).Bind(2, version).Bind(3, entity).Bind(4, id).Bind(5, op).Bind(6, data).Bind(7, now);
      st->Bind(8, scope);
      SS_RETURN_IF_ERROR(st->Run());
    }
    // The audit entry points at the change it made instead of repeating its data.
    return Audit(by, action, entity, id, "", now, version, district);
  }

  Status Audit(const Actor& by, const std::string& action, const std::string& entity, const std::string& id,
               const std::string& detail, Instant at = 0, std::int64_t change_version = 0,
               const std::string& district = "") {
    SS_ASSIGN_OR_RETURN(Statement * st,
                        db_->Prepare("INSERT INTO audit_log(at, actor_id, action, entity, entity_id, detail, "
                                     "change_version, district_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"));
    ScopedReset reset(*st);
    st->Bind(1, at ? at : Now()).Bind(2, by.id).Bind(3, action).Bind(4, entity).Bind(5, id).Bind(6, detail);
    if (change_version > 0) st->Bind(7, change_version);
    st->Bind(8, district);
    return st->Run();
  }

  // The district of a school a write is about (every district-owned row carries it).
  Result<std::string> SchoolDistrict(const std::string& school_id, const std::string& what) {
    auto s = GetSchool(school_id);
    if (s.ok()) return s->district_id;
    if (s.status().code() == StatusCode::kNotFound) {
      return Status::InvalidArgument(what + ": school \"" + school_id + "\" does not exist");
    }
    return s.status();
  }

  // What a booking, series or fact on a resource needs: the resource's district and owner school, and
  // whether held bookings of it exclude each other (venues do; equipment is shared by stock).
  struct Venue {
    std::string district;
    std::string owner;
    bool exclusive = true;
  };
  Result<Venue> VenueOf(const std::string& resource_id, const std::string& what) {
    auto r = GetResource(resource_id);
    if (!r.ok()) {
      if (r.status().code() == StatusCode::kNotFound) {
        return Status::InvalidArgument(what + ": resource \"" + resource_id + "\" does not exist");
      }
      return r.status();
    }
    SS_ASSIGN_OR_RETURN(std::string district, SchoolDistrict(r->school_id, what));
    return Venue{district, r->school_id, !r->is_equipment()};
  }

  // The exclusion constraint refused the booking: the same refusal the service gives when it sees the
  // overlap itself (kConflict), naming the booking and the database's account of the clash.
  static Status Overlapping(const Status& s, const Booking& b) {
    if (s.code() != StatusCode::kConflict) return Status::Ok();
    return Status::Conflict("booking " + b.id + " overlaps a held booking of resource " + b.resource_id + ": " +
                            s.message());
  }

  void BindBooking(Statement& st, const Booking& b, int first) {
    Instant now = Now();
    st.Bind(first, b.id).Bind(first + 1, b.resource_id).Bind(first + 2, b.school_id).Bind(first + 3, b.organizer);
    st.Bind(first + 4, b.title).Bind(first + 5, b.activity_type).Bind(first + 6, b.attendees);
    st.Bind(first + 7, b.quantity).Bind(first + 8, b.start).Bind(first + 9, b.end);
    st.Bind(first + 10, ToString(b.status)).Bind(first + 11, ToString(b.stage)).BindOptional(first + 12, b.series_id);
    st.Bind(first + 13, b.code).Bind(first + 14, b.note).Bind(first + 15, b.created_by);
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
    // By the primary key (district, resource): the resource alone would scan the table on every write.
    SS_ASSIGN_OR_RETURN(Statement * st,
                        db_->Prepare("SELECT longest_seconds FROM booking_bounds WHERE district_id = "
                                     "(SELECT district_id FROM resources WHERE id = $1) AND resource_id = $1"));
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
    SS_ASSIGN_OR_RETURN(Venue venue, VenueOf(resource_id, "booking bounds"));
    SS_ASSIGN_OR_RETURN(
        Statement * st,
        db_->Prepare("INSERT INTO booking_bounds(district_id, resource_id, longest_seconds) VALUES ($1, $2, $3) "
                     "ON CONFLICT(district_id, resource_id) DO UPDATE SET longest_seconds = "
                     "GREATEST(booking_bounds.longest_seconds, excluded.longest_seconds)"));
    ScopedReset reset(*st);
    st->Bind(1, venue.district).Bind(2, resource_id).Bind(3, length);
    SS_RETURN_IF_ERROR(st->Run());
    longest_[resource_id] = length;
    return Status::Ok();
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
  // Someone (another instance, or this one) committed since we last looked: our caches may be stale.
  // Every write of a cached entity bumps the counter.
  Status RefreshIfChangedElsewhere() {
    if (depth_ > 0) return Status::Ok();  // inside our own transaction the snapshot is fixed
    auto st = db_->Prepare("SELECT value FROM counters WHERE name = 'change_version'");
    if (!st.ok()) {
      ForgetCaches();
      return st.status();
    }
    ScopedReset reset(**st);
    auto row = (*st)->Step();
    NoteCounter(row.ok() && *row ? (*st)->Int(0) : -1);
    return row.status();
  }

  std::unique_ptr<Connection> db_;
  const Clock* clock_;
  int depth_ = 0;
  std::int64_t seen_version_ = -1;
  std::int64_t locked_counter_ = 0;  // the counter's value when this write transaction locked it
  std::int64_t tx_changes_ = 0;      // changes logged by this write transaction so far
  static constexpr int kAttempts = 5;
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

Result<std::unique_ptr<Store>> Store::OpenPostgres(const std::string& conninfo, const StoreOptions& options) {
  SS_ASSIGN_OR_RETURN(auto conn, pg::Connection::Open(conninfo));
  // synchronous_commit stays the server's (on by default: an acknowledged write is on disk); foreign
  // keys are always enforced (a server store is never a replica).
  SS_RETURN_IF_ERROR(pg::MigratePg(*conn));
  if (options.verify_integrity) {
    SS_ASSIGN_OR_RETURN(pg::Statement * st,
                        conn->Prepare("SELECT count(*) FROM counters WHERE name = 'change_version'"));
    pg::ScopedReset reset(*st);
    auto row = st->Step();
    if (!row.ok() || !*row || st->Int(0) != 1) {
      return Status::Corruption("PostgreSQL database " + pg::Redacted(conninfo) + " lacks its change-version counter");
    }
  }
  return std::unique_ptr<Store>(new PgStore(std::move(conn), options.clock));
}

}  // namespace schoolshare
