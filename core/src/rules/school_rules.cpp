// Who may change a school, and what a class-period timetable must look like. Pure functions.
#include <algorithm>

#include "schoolshare/rules.h"
#include "schoolshare/time.h"

namespace schoolshare {

namespace {

std::string PeriodText(const ClassPeriod& p) {
  return "period " + std::to_string(p.index) + " (" + FormatMinuteOfDay(p.start_minute) + "-" +
         FormatMinuteOfDay(p.end_minute) + ")";
}

}  // namespace

Status MayEditSchool(const Actor& actor, const School* stored, const School& edited) {
  if (actor.role == Role::kDistrictAdmin) return Status::Ok();
  const std::string who = "a " + std::string(ToString(actor.role)) +
                          (actor.school_id.empty() ? "" : " of school \"" + actor.school_id + "\"");
  if (!MayAct(actor, Action::kEditCatalogue, "", edited.id)) {
    return Status::PermissionDenied(who + " may not edit school \"" + edited.id + "\"");
  }
  if (stored == nullptr) return Status::PermissionDenied("only the district office adds a school; " + who + " may not");
  auto district_only = [&](const char* field) {
    return Status::PermissionDenied("only the district office changes a school's " + std::string(field) +
                                    "; school \"" + edited.id + "\" keeps its own");
  };
  if (edited.kind != stored->kind) return district_only("kind");
  if (edited.weak != stored->weak) return district_only("weak flag (薄弱校)");
  if (edited.district_id != stored->district_id) return district_only("district");
  return Status::Ok();
}

Status CheckClassPeriods(const std::vector<ClassPeriod>& periods) {
  std::vector<ClassPeriod> by_start = periods;
  std::sort(by_start.begin(), by_start.end(), [](const ClassPeriod& a, const ClassPeriod& b) {
    return a.start_minute != b.start_minute ? a.start_minute < b.start_minute : a.index < b.index;
  });
  for (std::size_t i = 0; i < by_start.size(); ++i) {
    const ClassPeriod& p = by_start[i];
    if (p.index < 1)
      return Status::InvalidArgument("class periods are numbered from 1, not " + std::to_string(p.index));
    if (p.start_minute < 0 || p.end_minute > 24 * 60 || p.end_minute <= p.start_minute) {
      return Status::InvalidArgument(PeriodText(p) + " must start before it ends, within the day");
    }
    for (std::size_t j = 0; j < i; ++j) {
      if (by_start[j].index == p.index) {
        return Status::InvalidArgument("period " + std::to_string(p.index) + " appears twice");
      }
    }
    if (i > 0 && by_start[i - 1].end_minute > p.start_minute) {
      return Status::InvalidArgument(PeriodText(by_start[i - 1]) + " overlaps " + PeriodText(p));
    }
  }
  return Status::Ok();
}

}  // namespace schoolshare
