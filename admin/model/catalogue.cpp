#include "model/catalogue.h"

#include <algorithm>
#include <limits>
#include <map>
#include <tuple>

#include "schoolshare/ids.h"
#include "schoolshare/import.h"
#include "schoolshare/json.h"
#include "schoolshare/outcome_json.h"
#include "schoolshare/rules.h"
#include "schoolshare/sync_protocol.h"

namespace schoolshare::admin {
namespace {

using Params = std::map<std::string, std::string>;

// Collects the errors of one form.
class Fields {
 public:
  explicit Fields(Lang lang) : lang_(lang) {}
  void Add(const std::string& field, const char* key, const Params& params = {}) {
    errors_.push_back({field, Tr(lang_, key, params)});
  }
  void AddText(const std::string& field, std::string message) { errors_.push_back({field, std::move(message)}); }
  void Required(const std::string& field, const std::string& value, const char* key) {
    if (value.find_first_not_of(" \t") == std::string::npos) Add(field, key);
  }
  void AtLeast(const std::string& field, int value, int min) {
    if (value >= min) return;
    if (min == 0) return Add(field, "admin.form.negative");
    Add(field, "import.too_small", {{"value", std::to_string(value)}, {"min", std::to_string(min)}});
  }
  void Between(const std::string& field, int value, int min, int max) {
    AtLeast(field, value, min);
    if (value > max) Add(field, "import.too_large", {{"value", std::to_string(value)}, {"max", std::to_string(max)}});
  }
  // The school must exist and the actor may edit its catalogue (and that of the school it was at).
  Status SchoolField(Store& replica, const Actor& actor, const std::string& school_id, const std::string& was_at) {
    if (school_id.empty()) {
      Add("school_id", "admin.catalogue.school_missing");
      return Status::Ok();
    }
    auto school = replica.GetSchool(school_id);
    if (!school.ok() && school.status().code() != StatusCode::kNotFound) return school.status();
    if (!school.ok()) {
      Add("school_id", "import.school_not_found", {{"value", school_id}});
    } else if (!MayEdit(actor, school_id)) {
      Add("school_id", "import.permission", {{"value", school_id}});
    } else if (!was_at.empty() && !MayEdit(actor, was_at)) {
      Add("school_id", "import.permission", {{"value", was_at}});
    }
    return Status::Ok();
  }
  // Weekly windows typed as text, parsed by the core (days, ranges, no overlap within a day).
  std::vector<WeeklyWindow> Windows(const std::string& field, const std::string& text) {
    auto parsed = ParseOpeningHours(text, lang_);
    if (parsed.ok()) return *parsed;
    AddText(field, parsed.status().message());
    return {};
  }
  Instant Time(const std::string& field, const std::string& text, const TimeZone& tz) {
    auto at = tz.Parse(text);
    if (at.ok()) return *at;
    Add(field, "import.bad_time", {{"value", text}});
    return 0;
  }
  std::vector<FieldError> Take() { return std::move(errors_); }

 private:
  Lang lang_;
  std::vector<FieldError> errors_;
};

// The school an entity is stored at ("" when new); `found` says whether the id is taken.
template <typename T>
Result<std::string> StoredSchool(Result<T> stored, bool* found) {
  *found = stored.ok();
  if (stored.ok()) return stored->school_id;
  if (stored.status().code() == StatusCode::kNotFound) return std::string();
  return stored.status();
}

std::string Trimmed(const std::string& s) {
  const auto b = s.find_first_not_of(" \t");
  if (b == std::string::npos) return "";
  return s.substr(b, s.find_last_not_of(" \t") - b + 1);
}

// Id required; a new entity must not take an existing id; the schools of both must be editable.
template <typename T>
Status CheckIdentity(Store& replica, const Actor& actor, const std::string& id, const std::string& school_id,
                     bool is_new, Result<T> stored, Fields& fields) {
  bool found = false;
  SS_ASSIGN_OR_RETURN(std::string was_at, StoredSchool(std::move(stored), &found));
  if (id.empty()) fields.Add("id", "admin.catalogue.id_missing");
  if (is_new && found) fields.Add("id", "admin.catalogue.id_taken", {{"id", id}});
  return fields.SchoolField(replica, actor, school_id, is_new ? "" : was_at);
}

// A resource, staff member or class: its id and name trimmed, then CheckIdentity and a name required.
template <typename T>
Status CheckNamed(Store& replica, const Actor& actor, bool is_new, Result<T> (Store::*get)(const std::string&), T* e,
                  Fields& fields) {
  e->id = Trimmed(e->id);
  e->name = Trimmed(e->name);
  SS_RETURN_IF_ERROR(CheckIdentity(replica, actor, e->id, e->school_id, is_new, (replica.*get)(e->id), fields));
  fields.Required("name", e->name, "admin.catalogue.name_missing");
  return Status::Ok();
}

}  // namespace

const CatalogueSchool* Catalogue::Find(const std::string& school_id) const {
  for (const CatalogueSchool& s : schools) {
    if (s.school.id == school_id) return &s;
  }
  return nullptr;
}

bool MayEdit(const Actor& actor, const std::string& school_id) {
  return MayAct(actor, Action::kEditCatalogue, "", school_id);
}

Result<Catalogue> BuildCatalogue(Store& replica, const Actor& actor, Instant blackouts_from) {
  Catalogue out;
  Status s = replica.ReadTransaction([&]() -> Status {
    SS_ASSIGN_OR_RETURN(std::vector<School> schools, replica.ListSchools());
    std::stable_sort(schools.begin(), schools.end(), [&](const School& a, const School& b) {
      return (a.id == actor.school_id) > (b.id == actor.school_id);
    });
    for (School& school : schools) {
      CatalogueSchool cs;
      cs.editable = MayEdit(actor, school.id);
      ResourceFilter filter;
      filter.school_id = school.id;
      filter.include_inactive = true;
      SS_ASSIGN_OR_RETURN(cs.resources, replica.ListResources(filter));
      std::set<std::string> seen;
      for (const Resource& r : cs.resources) {
        SS_ASSIGN_OR_RETURN(std::vector<Blackout> blackouts,
                            replica.ListBlackouts(r.id, blackouts_from, std::numeric_limits<Instant>::max()));
        for (Blackout& b : blackouts) {
          if (seen.insert(b.id).second) cs.blackouts.push_back(std::move(b));
        }
      }
      std::sort(cs.blackouts.begin(), cs.blackouts.end(),
                [](const Blackout& a, const Blackout& b) { return std::tie(a.start, a.id) < std::tie(b.start, b.id); });
      SS_ASSIGN_OR_RETURN(cs.staff, replica.ListStaff(school.id));
      SS_ASSIGN_OR_RETURN(cs.classes, replica.ListClasses(school.id));
      cs.school = std::move(school);
      out.schools.push_back(std::move(cs));
    }
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return out;
}

SchoolForm EditSchool(const School& s) {
  std::string lines = FormatClassPeriods(s.periods);
  std::replace(lines.begin(), lines.end(), ';', '\n');
  return {s, lines};
}

bool MayDesignate(const Actor& actor) { return actor.role == Role::kDistrictAdmin; }

Result<Checked<School>> CheckSchool(Store& replica, const Actor& actor, const SchoolForm& form, Lang lang) {
  Fields fields(lang);
  Checked<School> out;
  School& s = out.value;
  s = form.school;
  s.name = Trimmed(s.name);
  s.name_en = Trimmed(s.name_en);
  auto stored = replica.GetSchool(s.id);
  if (!stored.ok()) return stored.status();  // the form edits a school the replica holds
  if (!MayEdit(actor, s.id)) fields.Add("school_id", "import.permission", {{"value", s.id}});
  if (!MayDesignate(actor)) {
    if (s.kind != stored->kind) fields.Add("kind", "admin.catalogue.district_only");
    if (s.weak != stored->weak) fields.Add("weak", "admin.catalogue.district_only");
  }
  fields.Required("name", s.name, "admin.catalogue.name_missing");
  fields.Between("students", s.students, 0, 100000);
  if (s.location.lat < -90 || s.location.lat > 90) fields.Add("lat", "admin.catalogue.bad_latitude");
  if (s.location.lon < -180 || s.location.lon > 180) fields.Add("lon", "admin.catalogue.bad_longitude");
  std::string periods_text = form.periods;  // one period a line, or separated by ";"
  std::replace(periods_text.begin(), periods_text.end(), '\n', ';');
  auto periods = ParseClassPeriods(periods_text, lang);
  if (periods.ok()) {
    s.periods = *periods;
  } else {
    fields.AddText("periods", periods.status().message());
  }
  out.errors = fields.Take();
  return out;
}

ResourceForm EditResource(const Resource& r) {
  ResourceForm f;
  f.resource = r;
  f.opening_hours = FormatOpeningHours(r.opening_hours);
  for (const std::string& feature : r.features) f.features += (f.features.empty() ? "" : "; ") + feature;
  return f;
}

ResourceForm NewResource(const std::string& school_id) {
  ResourceForm f;
  f.resource.school_id = school_id;
  f.resource.id = school_id.empty() ? "" : school_id + "-";
  f.is_new = true;
  return f;
}

Result<Checked<Resource>> CheckResource(Store& replica, const Actor& actor, const ResourceForm& form, Lang lang) {
  Fields fields(lang);
  Checked<Resource> out;
  Resource& r = out.value;
  r = form.resource;
  SS_RETURN_IF_ERROR(CheckNamed(replica, actor, form.is_new, &Store::GetResource, &r, fields));
  fields.AtLeast("capacity", r.capacity, 0);
  fields.AtLeast("quantity", r.quantity, r.is_equipment() ? 1 : 0);
  fields.Between("buffer_minutes", r.buffer_minutes, 0, 24 * 60);
  fields.AtLeast("min_notice_minutes", r.policy.min_notice_minutes, 0);
  fields.AtLeast("max_advance_days", r.policy.max_advance_days, 0);
  fields.AtLeast("max_duration_minutes", r.policy.max_duration_minutes, 0);
  fields.AtLeast("weekly_cap_minutes", r.policy.weekly_cap_minutes, 0);
  fields.AtLeast("hourly_fee_cents", r.policy.hourly_fee_cents, 0);
  r.opening_hours = fields.Windows("opening_hours", form.opening_hours);
  r.features.clear();
  std::string feature;
  for (std::size_t i = 0; i <= form.features.size(); ++i) {  // "stage; projector" or "stage, projector"
    if (i < form.features.size() && form.features[i] != ';' && form.features[i] != ',') {
      feature += form.features[i];
      continue;
    }
    feature = Trimmed(feature);
    if (!feature.empty() && std::find(r.features.begin(), r.features.end(), feature) == r.features.end()) {
      r.features.push_back(feature);
    }
    feature.clear();
  }
  r.parent_id = Trimmed(r.parent_id);
  if (!r.parent_id.empty()) {
    // The whole this resource is a part of: of the same school, and never (through its own wholes) itself.
    std::string up = r.parent_id;
    for (int depth = 0; !up.empty() && depth < 64; ++depth) {
      auto parent = replica.GetResource(up);
      if (!parent.ok() && parent.status().code() != StatusCode::kNotFound) return parent.status();
      if (up == r.id || !parent.ok() || parent->school_id != r.school_id) {
        const char* key = up == r.id     ? "import.parent_cycle"
                          : !parent.ok() ? "admin.catalogue.parent_unknown"
                                         : "import.parent_other_school";
        fields.Add("parent_id", key, {{"value", up}});
        break;
      }
      up = parent->parent_id;
    }
  }
  out.errors = fields.Take();
  return out;
}

BlackoutForm EditBlackout(const Blackout& b, const TimeZone& tz) {
  return {b, tz.FormatLocal(b.start), tz.FormatLocal(b.end)};
}

BlackoutForm NewBlackout(const std::string& school_id, const std::string& resource_id, Instant start,
                         const TimeZone& tz) {
  BlackoutForm f;
  f.blackout.id = NewUuid();
  f.blackout.school_id = school_id;
  f.blackout.resource_id = resource_id;
  f.start = tz.FormatLocal(start);
  f.end = tz.FormatLocal(start + kHour);
  return f;
}

Result<Checked<Blackout>> CheckBlackout(Store& replica, const Actor& actor, const BlackoutForm& form,
                                        const TimeZone& tz, Lang lang) {
  Fields fields(lang);
  Checked<Blackout> out;
  Blackout& b = out.value;
  b = form.blackout;
  SS_RETURN_IF_ERROR(CheckIdentity(replica, actor, b.id, b.school_id, false, replica.GetBlackout(b.id), fields));
  if (!b.resource_id.empty()) {
    auto r = replica.GetResource(b.resource_id);
    if (!r.ok() && r.status().code() != StatusCode::kNotFound) return r.status();
    if (!r.ok() || r->school_id != b.school_id) {
      fields.Add("resource_id", "admin.catalogue.resource_not_of_school", {{"id", b.resource_id}});
    }
  }
  b.start = fields.Time("start", Trimmed(form.start), tz);
  b.end = fields.Time("end", Trimmed(form.end), tz);
  if (b.start != 0 && b.end != 0 && b.end <= b.start) fields.Add("end", "admin.form.end_before_start");
  out.errors = fields.Take();
  return out;
}

Result<Checked<StaffMember>> CheckStaff(Store& replica, const Actor& actor, const StaffForm& form, Lang lang) {
  Fields fields(lang);
  Checked<StaffMember> out;
  StaffMember& m = out.value;
  m = form.member;
  SS_RETURN_IF_ERROR(CheckNamed(replica, actor, form.is_new, &Store::GetStaff, &m, fields));
  out.errors = fields.Take();
  return out;
}

ClassForm EditClass(const SchoolClass& c) {
  ClassForm f;
  f.school_class = c;
  f.lessons = FormatOpeningHours(c.lessons);
  return f;
}

Result<Checked<SchoolClass>> CheckClass(Store& replica, const Actor& actor, const ClassForm& form, Lang lang) {
  Fields fields(lang);
  Checked<SchoolClass> out;
  SchoolClass& c = out.value;
  c = form.school_class;
  SS_RETURN_IF_ERROR(CheckNamed(replica, actor, form.is_new, &Store::GetClass, &c, fields));
  fields.Between("grade", c.grade, 0, 12);
  fields.AtLeast("students", c.students, 0);
  c.lessons = fields.Windows("lessons", form.lessons);
  out.errors = fields.Take();
  return out;
}

std::vector<RefusedEdit> RefusedEdits(const std::vector<AttentionItem>& attention, Lang lang) {
  static const std::map<std::string, const char*> kWhat = {
      {sync::kPutSchool, "admin.catalogue.edit.school"},
      {sync::kPutResource, "admin.catalogue.edit.resource"},
      {sync::kPutBlackout, "admin.catalogue.edit.blackout"},
      {sync::kDeleteBlackout, "admin.catalogue.edit.delete_blackout"},
      {sync::kPutStaff, "admin.catalogue.edit.staff"},
      {sync::kPutClass, "admin.catalogue.edit.class"}};
  std::vector<RefusedEdit> out;
  for (const AttentionItem& item : attention) {
    auto key = kWhat.find(item.name);
    if (key == kWhat.end()) continue;
    Json args = Json::parse(item.args, nullptr, false);
    std::string name = sync::StringField(args, lang == Lang::kEn ? "name_en" : "name");
    if (name.empty()) name = sync::StringField(args, "name");
    if (name.empty()) name = sync::StringField(args, "reason");  // a blackout is known by its reason
    if (name.empty()) name = sync::StringField(args, "id");
    out.push_back({item.mutation_id, Tr(lang, key->second, {{"name", name}}), DescribeRefusal(lang, item)});
  }
  return out;
}

}  // namespace schoolshare::admin
