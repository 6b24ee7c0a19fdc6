// The demo district's people and classes: each school's staff (the organizers a kiosk offers) and its
// classes with weekly timetables built from the school's class periods. Deterministic: the same school
// always gets the same people and the same timetable.
#pragma once

#include <string>
#include <vector>

#include "schoolshare/model.h"

namespace schoolshare::demo {

// `index` is the school's position in the demo's table (it picks the names).
std::vector<StaffMember> DemoStaff(const School& school, int index);

// Primary schools (first period at 08:00) get grades 1-6, secondary schools grades 7-9, two or three
// classes each; partners (no periods) none. Lessons fill the periods Monday to Friday except about one
// period in four, and Wednesday afternoon is free for every class (the district's teaching-research
// afternoon), so joint activities have a common window.
std::vector<SchoolClass> DemoClasses(const School& school);

}  // namespace schoolshare::demo
