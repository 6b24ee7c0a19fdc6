// The admin client's catalogue: schools with their resources (opening hours, sharing policy),
// blackouts, staff and classes as the replica holds them, and the editing forms with their validation.
// A form names every bad field with a message in the user's language; what is typed as text (opening
// hours, lessons, times) is parsed by the core's own parsers, and the store's own checks run on the
// result when SyncAgent::Put* judges it. Only what the actor may edit can be saved: a school manager
// their own school's things, the district office everything. Pure over a Store, tested without a window.
#pragma once

#include <set>
#include <string>
#include <vector>

#include "model/booking_form.h"
#include "schoolshare/i18n.h"
#include "schoolshare/model.h"
#include "schoolshare/store.h"
#include "schoolshare/time.h"

namespace schoolshare::admin {

// One school and what belongs to it.
struct CatalogueSchool {
  School school;
  bool editable = false;            // the actor may edit this school's catalogue
  std::vector<Resource> resources;  // by id, inactive ones too
  std::vector<Blackout> blackouts;  // ending after `blackouts_from`, of the school's resources or school-wide; by start
  std::vector<StaffMember> staff;
  std::vector<SchoolClass> classes;
};

struct Catalogue {
  std::vector<CatalogueSchool> schools;  // the actor's own school first, then by id
  const CatalogueSchool* Find(const std::string& school_id) const;
};

// Reads the whole catalogue in one read snapshot of the replica.
Result<Catalogue> BuildCatalogue(Store& replica, const Actor& actor, Instant blackouts_from);

// Whether the actor may edit the catalogue of this school.
bool MayEdit(const Actor& actor, const std::string& school_id);

// A form's verdict: the entity to save when `errors` is empty.
template <typename T>
struct Checked {
  std::vector<FieldError> errors;  // field names are the entity's JSON field names
  T value;
  bool ok() const { return errors.empty(); }
  // The message of the first error of this field ("" when the field is fine).
  std::string ErrorOf(const std::string& field) const {
    for (const FieldError& e : errors) {
      if (e.field == field) return e.message;
    }
    return "";
  }
};

// What is typed in a resource form: the resource itself plus the parts typed as text.
struct ResourceForm {
  Resource resource;
  std::string opening_hours;  // "Mon-Fri 08:00-18:00; Sat 09:00-12:00" (empty: no restriction)
  std::string features;       // "stage; projector"
  bool is_new = false;        // the id is typed and must not name an existing resource
};
ResourceForm EditResource(const Resource& r);
ResourceForm NewResource(const std::string& school_id);
Result<Checked<Resource>> CheckResource(Store& replica, const Actor& actor, const ResourceForm& form, Lang lang);

// A blackout's times are typed as local "2026-11-24 08:00" in the district's zone.
struct BlackoutForm {
  Blackout blackout;  // id, school_id, resource_id ("" closes the whole school), kind, reason
  std::string start;
  std::string end;
};
BlackoutForm EditBlackout(const Blackout& b, const TimeZone& tz);
BlackoutForm NewBlackout(const std::string& school_id, const std::string& resource_id, Instant start,
                         const TimeZone& tz);
Result<Checked<Blackout>> CheckBlackout(Store& replica, const Actor& actor, const BlackoutForm& form,
                                        const TimeZone& tz, Lang lang);

struct StaffForm {
  StaffMember member;
  bool is_new = false;
};
Result<Checked<StaffMember>> CheckStaff(Store& replica, const Actor& actor, const StaffForm& form, Lang lang);

struct ClassForm {
  SchoolClass school_class;
  std::string lessons;  // weekly lessons in the opening-hours form: "Mon-Fri 08:00-08:40,08:50-09:30"
  bool is_new = false;
};
ClassForm EditClass(const SchoolClass& c);
Result<Checked<SchoolClass>> CheckClass(Store& replica, const Actor& actor, const ClassForm& form, Lang lang);

// A refused catalogue edit from the needs-attention list, described for the user: what was edited
// ("resource 甲校礼堂") and why the server refused it. Empty `what` for a mutation that is not a
// catalogue edit.
struct RefusedEdit {
  std::string mutation_id;
  std::string what;
  std::string reason;
};
std::vector<RefusedEdit> RefusedEdits(const std::vector<AttentionItem>& attention, Lang lang);

}  // namespace schoolshare::admin
