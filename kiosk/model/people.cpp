#include "model/people.h"

namespace schoolshare::kiosk {

Result<People> LoadPeople(Store& store, const std::string& school_id, Lang lang) {
  People out;
  auto name = [&](const std::string& zh, const std::string& en) { return lang == Lang::kEn && !en.empty() ? en : zh; };
  SS_ASSIGN_OR_RETURN(const std::vector<StaffMember> staff, store.ListStaff(school_id));
  for (const auto& s : staff) {
    if (!s.active) continue;
    out.organizers.push_back(name(s.name, s.name_en));
    out.staff_ids.push_back(s.id);
  }
  SS_ASSIGN_OR_RETURN(const std::vector<SchoolClass> classes, store.ListClasses(school_id));
  for (const auto& c : classes) {
    if (!c.active) continue;
    out.classes.push_back(name(c.name, c.name_en));
    out.class_ids.push_back(c.id);
  }
  return out;
}

}  // namespace schoolshare::kiosk
