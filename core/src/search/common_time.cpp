// FindCommonFreeTime: when the people of a joint activity are all free (no timetabled lesson and no
// held booking of any involved class), the venues free then, ranked for the host school.
#include <algorithm>
#include <set>

#include "schoolshare/calendar.h"
#include "schoolshare/search.h"
#include "search/ranking.h"
#include "search/scan.h"

namespace schoolshare {
namespace {

// Merged busy intervals of the people taking part.
class BusyTimes {
 public:
  void Add(Instant start, Instant end) {
    if (start < end) spans_.push_back({start, end});
  }
  void Seal() {
    std::sort(spans_.begin(), spans_.end(), [](const Interval& a, const Interval& b) { return a.start < b.start; });
    std::vector<Interval> merged;
    for (const Interval& s : spans_) {
      if (!merged.empty() && s.start <= merged.back().end) {
        merged.back().end = std::max(merged.back().end, s.end);
      } else {
        merged.push_back(s);
      }
    }
    spans_ = std::move(merged);
  }
  // 0 when no span overlaps [start, end), else the end of the first one that does.
  Instant BusyUntil(Instant start, Instant end) const {
    // The first span that ends after `start`; it overlaps when it also starts before `end`.
    auto it =
        std::upper_bound(spans_.begin(), spans_.end(), start, [](Instant t, const Interval& s) { return t < s.end; });
    return it != spans_.end() && it->start < end ? it->end : 0;
  }

 private:
  std::vector<Interval> spans_;
};

// The classes taking part: those named (each must belong to one of the schools), or every class of
// the schools.
Result<std::vector<SchoolClass>> InvolvedClasses(Store& store, const CommonTimeQuery& q) {
  std::vector<SchoolClass> out;
  if (q.class_ids.empty()) {
    for (const std::string& school : q.school_ids) {
      SS_ASSIGN_OR_RETURN(std::vector<SchoolClass> found, store.ListClasses(school));
      for (auto& c : found) {
        if (c.active) out.push_back(std::move(c));
      }
    }
    return out;
  }
  for (const std::string& id : q.class_ids) {
    SS_ASSIGN_OR_RETURN(SchoolClass c, store.GetClass(id));
    if (std::find(q.school_ids.begin(), q.school_ids.end(), c.school_id) == q.school_ids.end()) {
      return Status::InvalidArgument("class \"" + id + "\" belongs to school \"" + c.school_id +
                                     "\", which is not one of the schools taking part");
    }
    out.push_back(std::move(c));
  }
  return out;
}

// Lessons of the classes (by their school's district calendar) and held bookings that name them.
Result<BusyTimes> PeopleBusy(Store& store, const CommonTimeQuery& q, const std::map<std::string, School>& schools,
                             const std::vector<SchoolClass>& classes) {
  BusyTimes busy;
  std::map<std::string, std::pair<TimeZone, DistrictCalendar>> districts;
  for (const SchoolClass& c : classes) {
    if (c.lessons.empty()) continue;  // no timetable: no lessons (an empty window list would mean "always")
    const School& school = schools.at(c.school_id);
    auto d = districts.find(school.district_id);
    if (d == districts.end()) {
      SS_ASSIGN_OR_RETURN(District district, store.GetDistrict(school.district_id));
      SS_ASSIGN_OR_RETURN(TimeZone tz, TimeZone::Find(district.time_zone));
      SS_ASSIGN_OR_RETURN(
          std::vector<CalendarDay> days,
          store.ListCalendarDays(district.id, tz.LocalDate(q.from).AddDays(-2), tz.LocalDate(q.to).AddDays(2)));
      d = districts.emplace(school.district_id, std::make_pair(tz, DistrictCalendar(std::move(days)))).first;
    }
    for (const Interval& i :
         ExpandWeeklyWindows(c.lessons, d->second.second, c.school_id, d->second.first, q.from - kDay, q.to + kDay)) {
      busy.Add(i.start, i.end);
    }
  }
  std::set<std::string> class_ids;
  for (const SchoolClass& c : classes) class_ids.insert(c.id);
  for (const std::string& school : q.school_ids) {
    BookingFilter f;
    f.school_id = school;
    f.from = q.from;
    f.to = q.to;
    f.statuses = {BookingStatus::kPending, BookingStatus::kConfirmed};
    SS_ASSIGN_OR_RETURN(std::vector<Booking> held, store.ListBookings(f));
    for (const Booking& b : held) {
      if (!b.class_id.empty() && class_ids.count(b.class_id) != 0) busy.Add(b.start, b.end);
    }
  }
  busy.Seal();
  return busy;
}

}  // namespace

Result<std::vector<RankedSlot>> FindCommonFreeTime(Store& store, const CommonTimeQuery& q, Instant now,
                                                   const RankingWeights& weights) {
  if (q.school_ids.empty()) return Status::InvalidArgument("name at least one school taking part");
  if (q.min_capacity < 0) return Status::InvalidArgument("min_capacity must not be negative");
  if (q.per_resource < 1) return Status::InvalidArgument("per_resource must be at least 1");
  SS_RETURN_IF_ERROR(search::CheckWindow(q.from, q.to, q.duration_minutes, q.limit));
  std::map<std::string, School> involved;
  std::vector<std::string> districts;
  for (const std::string& id : q.school_ids) {
    SS_ASSIGN_OR_RETURN(School s, store.GetSchool(id));
    if (std::find(districts.begin(), districts.end(), s.district_id) == districts.end()) {
      districts.push_back(s.district_id);
    }
    involved.emplace(id, std::move(s));
  }
  const School& host = involved.at(q.school_ids[0]);
  SS_ASSIGN_OR_RETURN(std::vector<SchoolClass> classes, InvolvedClasses(store, q));
  SS_ASSIGN_OR_RETURN(BusyTimes busy, PeopleBusy(store, q, involved, classes));

  if (q.whole_city) districts.clear();
  SS_ASSIGN_OR_RETURN(search::Candidates candidates,
                      search::LoadCandidates(store, q.types, q.min_capacity, q.features, "", districts));
  const search::ScanRequest scan{
      .from = q.from,
      .to = q.to,
      .duration_minutes = q.duration_minutes,
      .per_resource = q.per_resource,
      .need = q.min_capacity,
      .requester = &host,
      .weights = weights,
      .lang = q.lang,
      .people_busy_until = [&busy](Instant start, Instant end) { return busy.BusyUntil(start, end); }};
  SS_ASSIGN_OR_RETURN(std::vector<RankedSlot> slots,
                      search::SearchWindow(store, std::move(candidates), scan, q.limit, now));
  for (RankedSlot& s : slots) {
    s.reasons.push_back(
        {"search.reason.people_free",
         {{"schools", std::to_string(q.school_ids.size())}, {"classes", std::to_string(classes.size())}}});
  }
  return slots;
}

}  // namespace schoolshare
