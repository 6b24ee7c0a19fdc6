// The SQLite implementation of Store: WAL, foreign keys on, BEGIN IMMEDIATE transactions, savepoints for
// nested calls, prepared statements cached per connection, and a small catalogue cache that is dropped
// whenever this connection changes the catalogue or another connection commits (PRAGMA data_version).
#include <algorithm>
#include <limits>
#include <map>
#include <optional>
#include <unordered_map>

#include "schoolshare/json.h"
#include "schoolshare/store.h"
#include "store/migrations.h"
#include "store/sqlite.h"

namespace schoolshare {
namespace {

using sqlite::Database;
using sqlite::ScopedReset;
using sqlite::Statement;

constexpr const char kHeld[] = "status IN ('pending','confirmed')";

constexpr const char kBookingColumns[] =
    "id, resource_id, school_id, organizer, title, activity_type, attendees, quantity, start_at, end_at, status, "
    "stage, series_id, code, note, created_by, created_at, updated_at, version";

constexpr const char kResourceColumns[] =
    "id, school_id, name, name_en, type, capacity, quantity, features, opening_hours, buffer_minutes, parent_id, "
    "shared, approval, min_notice_minutes, max_advance_days, max_duration_minutes, weekly_cap_minutes, "
    "hourly_fee_cents, active";

constexpr const char kSchoolColumns[] = "id, district_id, name, name_en, kind, weak, students, lat, lon, periods";

constexpr const char kFactColumns[] =
    "id, kind, booking_id, resource_id, school_id, at, quantity, condition, note, recorded_by, received_at, flag";

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
  return b;
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
  return f;
}

class SqliteStore final : public Store {
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
      return Log("district", d.id, "put", ToJson(d).dump(), by, "district.put");
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
      return Log("school", s.id, "put", ToJson(s).dump(), by, "school.put");
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
      return Log("resource", r.id, "put", ToJson(r).dump(), by, "resource.put");
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
    std::string sql = std::string("SELECT ") + kResourceColumns + " FROM resources WHERE 1 = 1";
    int n = 0;
    std::vector<std::pair<int, std::string>> text_binds;
    if (!f.school_id.empty()) {
      sql += " AND school_id = ?" + std::to_string(++n);
      text_binds.push_back({n, f.school_id});
    }
    if (!f.district_id.empty()) {
      sql += " AND school_id IN (SELECT id FROM schools WHERE district_id = ?" + std::to_string(++n) + ")";
      text_binds.push_back({n, f.district_id});
    }
    if (f.type) {
      sql += " AND type = ?" + std::to_string(++n);
      text_binds.push_back({n, ToString(*f.type)});
    }
    if (!f.include_inactive) sql += " AND active = 1";
    if (f.min_capacity > 0) {
      sql += " AND (CASE type WHEN 'equipment' THEN quantity ELSE capacity END) >= " + std::to_string(f.min_capacity);
    }
    sql += " ORDER BY school_id, id";
    SS_ASSIGN_OR_RETURN(Statement * st, db_->Prepare(sql));
    ScopedReset reset(*st);
    for (const auto& [i, v] : text_binds) st->Bind(i, v);
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
      return Log("blackout", full.id, "put", ToJson(full, TimeZone::Utc()).dump(), by, "blackout.put");
    });
  }

  Status DeleteBlackout(const std::string& id, const Actor& by) override {
    return Write([&]() -> Status {
      SS_ASSIGN_OR_RETURN(Statement * st, db_->Prepare("DELETE FROM blackouts WHERE id = ?1"));
      ScopedReset reset(*st);
      st->Bind(1, id);
      SS_RETURN_IF_ERROR(st->Run());
      if (db_->Changes() == 0) return Status::NotFound("no blackout \"" + id + "\"");
      return Log("blackout", id, "del", Json{{"id", id}}.dump(), by, "blackout.delete");
    });
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
                 "calendar.put");
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
      return Log("agreement", a.id, "put", ToJson(a).dump(), by, "agreement.put");
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
              "code = ?14, note = ?15, created_by = ?16, created_at = ?17, updated_at = ?18, version = version + 1 "
              "WHERE id = ?1"));
      {
        ScopedReset reset(*st);
        BindBooking(*st, b, 1);
        SS_RETURN_IF_ERROR(Named(st->Run(), "booking " + b.id));
        if (db_->Changes() == 0) return Status::NotFound("no booking \"" + b.id + "\"");
      }
      SS_RETURN_IF_ERROR(NoteLength(b.resource_id, b.end - b.start));
      SS_ASSIGN_OR_RETURN(Booking stored, GetBooking(b.id));
      return Log("booking", b.id, "put", BookingJsonText(stored), by, action);
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
      return Log("series", s.id, "put", data, by, "series.put");
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
      SS_ASSIGN_OR_RETURN(
          Statement * st,
          db_->Prepare(std::string("INSERT INTO usage_facts(") + kFactColumns +
                       ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12) ON CONFLICT(id) DO NOTHING"));
      UsageFact stored = f;
      if (stored.received_at == 0) stored.received_at = Now();
      if (stored.recorded_by.empty()) stored.recorded_by = by.id;
      {
        ScopedReset reset(*st);
        st->Bind(1, stored.id).Bind(2, ToString(stored.kind)).BindOptional(3, stored.booking_id);
        st->Bind(4, stored.resource_id).Bind(5, stored.school_id).Bind(6, stored.at).Bind(7, stored.quantity);
        st->Bind(8, stored.condition).Bind(9, stored.note).Bind(10, stored.recorded_by);
        st->Bind(11, stored.received_at).Bind(12, stored.flag);
        SS_RETURN_IF_ERROR(Named(st->Run(), "fact " + stored.id));
        if (db_->Changes() == 0) return Status::AlreadyExists("fact " + stored.id + " is already recorded");
      }
      return Log("fact", stored.id, "put", ToJson(stored, TimeZone::Utc()).dump(), by,
                 std::string("fact.") + ToString(stored.kind));
    });
  }

  Result<std::vector<UsageFact>> ListFacts(const FactFilter& f) override {
    std::string sql = std::string("SELECT ") + kFactColumns +
                      " FROM usage_facts WHERE (?1 = '' OR booking_id = ?1) "
                      "AND (?2 = '' OR resource_id = ?2) AND at >= ?3 AND at < ?4 ORDER BY at, id";
    SS_ASSIGN_OR_RETURN(Statement * st, db_->Prepare(sql));
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
                 "period.put");
    });
  }

  // ---------------------------------------------------------------- tokens
  Status InsertToken(const TokenRecord& t, const Actor& by) override {
    if (t.id.empty() || t.hash.empty()) return Status::InvalidArgument("a token needs an id and a hash");
    return Write([&]() -> Status {
      SS_ASSIGN_OR_RETURN(Statement * st, db_->Prepare("INSERT INTO tokens(id, role, school_id, label, hash, "
                                                       "created_at, revoked) VALUES (?1, ?2, ?3, ?4, ?5, ?6, 0)"));
      ScopedReset reset(*st);
      st->Bind(1, t.id).Bind(2, ToString(t.role)).Bind(3, t.school_id).Bind(4, t.label).Bind(5, t.hash);
      st->Bind(6, t.created_at ? t.created_at : Now());
      SS_RETURN_IF_ERROR(Named(st->Run(), "token " + t.id));
      Json detail = {{"role", ToString(t.role)}, {"school_id", t.school_id}, {"label", t.label}};
      return Audit(by, "token.create", "token", t.id, detail.dump());
    });
  }

  Result<TokenRecord> FindTokenByHash(const std::string& hash) override {
    SS_ASSIGN_OR_RETURN(
        Statement * st,
        db_->Prepare("SELECT id, role, school_id, label, hash, created_at, revoked FROM tokens WHERE hash = ?1"));
    ScopedReset reset(*st);
    st->Bind(1, hash);
    SS_ASSIGN_OR_RETURN(bool row, st->Step());
    if (!row) return Status::NotFound("unknown token");
    return ReadToken(*st);
  }

  Result<std::vector<TokenRecord>> ListTokens() override {
    SS_ASSIGN_OR_RETURN(
        Statement * st,
        db_->Prepare(
            "SELECT id, role, school_id, label, hash, created_at, revoked FROM tokens ORDER BY created_at, id"));
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

  Result<std::vector<Change>> ListChanges(std::int64_t after_version, int limit) override {
    SS_ASSIGN_OR_RETURN(Statement * st, db_->Prepare("SELECT version, entity, entity_id, op, data, at FROM change_log "
                                                     "WHERE version > ?1 ORDER BY version LIMIT ?2"));
    ScopedReset reset(*st);
    st->Bind(1, after_version).Bind(2, limit > 0 ? limit : -1);
    std::vector<Change> out;
    for (;;) {
      SS_ASSIGN_OR_RETURN(bool row, st->Step());
      if (!row) break;
      out.push_back({st->Int(0), st->Text(1), st->Text(2), st->Text(3), st->Text(4), st->Int(5)});
    }
    return out;
  }

  Result<std::int64_t> LatestVersion() override {
    SS_ASSIGN_OR_RETURN(Statement * st, db_->Prepare("SELECT COALESCE(MAX(version), 0) FROM change_log"));
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
        ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19)";
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
    if (s.ok()) s = Log("booking", b.id, "put", BookingJsonText(b), by, action, &rows.change_version, &rows.audit_seq);
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

  Status Log(const std::string& entity, const std::string& id, const std::string& op, const std::string& data,
             const Actor& by, const std::string& action, std::int64_t* version = nullptr,
             std::int64_t* audit_seq = nullptr) {
    Instant now = Now();
    SS_ASSIGN_OR_RETURN(
        Statement * st,
        db_->PrepareStatic("INSERT INTO change_log(entity, entity_id, op, data, at) VALUES (?1, ?2, ?3, ?4, ?5)"));
    {
      ScopedReset reset(*st);
      st->BindUncopied(1, entity).BindUncopied(2, id).BindUncopied(3, op).BindUncopied(4, data).Bind(5, now);
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
    st.Bind(first + 18, b.version > 0 ? b.version : std::int64_t{1});
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

Result<std::unique_ptr<Store>> Store::OpenSqlite(const std::string& path, const StoreOptions& options) {
  SS_ASSIGN_OR_RETURN(auto db, sqlite::Database::Open(path, options.create_if_missing));
  // A file that is not a database fails here, at the first read.
  Status s = db->Exec("PRAGMA foreign_keys = ON; PRAGMA journal_mode = WAL;");
  if (!s.ok()) return Status::Corruption("cannot open " + path + " as a schoolshare database: " + s.message());
  SS_RETURN_IF_ERROR(db->Exec(options.synchronous_full ? "PRAGMA synchronous = FULL" : "PRAGMA synchronous = NORMAL"));
  // 64 MiB of page cache: a city-scale file is far larger than SQLite's 2 MB default, and index pages of
  // random keys (ids, codes) are touched on every insert.
  SS_RETURN_IF_ERROR(db->Exec("PRAGMA cache_size = -65536"));
  // Statement and savepoint journals (the old images of the pages a nested write changes, kept to roll
  // it back) stay in memory instead of spilling to a temporary file after 64 KiB: they are dropped at
  // the end of each transaction, and going through a file cost a write call per page per booking.
  SS_RETURN_IF_ERROR(db->Exec("PRAGMA temp_store = MEMORY"));
  if (options.verify_integrity) {
    SS_ASSIGN_OR_RETURN(sqlite::Statement * st, db->Prepare("PRAGMA quick_check"));
    sqlite::ScopedReset reset(*st);
    auto row = st->Step();
    if (!row.ok() || !*row || st->Text(0) != "ok") {
      return Status::Corruption("database " + path + " failed its integrity check" +
                                (row.ok() && *row ? ": " + st->Text(0) : std::string()));
    }
  }
  SS_RETURN_IF_ERROR(store::Migrate(*db));
  return std::unique_ptr<Store>(new SqliteStore(std::move(db), options.clock));
}

}  // namespace schoolshare
