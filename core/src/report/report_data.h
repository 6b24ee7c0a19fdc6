// What the period reports read, one district at a time (a city-scale year never sits in memory at
// once), and the accumulators each report adds a district into.
#pragma once

#include <functional>
#include <map>
#include <unordered_map>
#include <vector>

#include "schoolshare/reports.h"

namespace schoolshare::report {

// Opening hours of a resource in the period, in total and per ISO week (by the Monday's day number).
struct OpeningProfile {
  double hours = 0;
  std::map<std::int64_t, double> weeks;
};

// Booked and used seconds of a confirmed booking clipped to [from, to).
struct Span {
  Interval booked;  // empty when outside
  Interval used;    // empty when nobody came
  double booked_hours() const { return static_cast<double>(booked.end - booked.start) / kHour; }
  double used_hours() const { return static_cast<double>(used.end - used.start) / kHour; }
};

// A confirmed booking as every report reads it: indices instead of ids, its span worked out once.
struct ReportBooking {
  std::size_t resource = 0;    // index in DistrictData::resources
  std::size_t owner = 0;       // index in DistrictData::schools of the resource's school
  std::ptrdiff_t school = -1;  // index there of the requesting school; -1: a school of another district
  std::string school_id;       // the requesting school
  Span span;
};

struct DistrictData {
  const ReportScope* scope = nullptr;
  District district;
  TimeZone tz = TimeZone::Utc();
  DistrictCalendar calendar;
  std::vector<School> schools;                 // by id
  std::vector<Resource> resources;             // active ones, by id (a DistrictReportSource fills only
                                               // id, school, type, opening hours, shared and fee)
  std::vector<const OpeningProfile*> opening;  // per resource
  // Confirmed, touching [from, to), on these resources; ordered by owner school, start, resource, id.
  std::vector<ReportBooking> bookings;
  std::unordered_map<std::string, std::size_t> school_index;
  std::unordered_map<std::string, std::size_t> resource_index;
  std::vector<std::unique_ptr<OpeningProfile>> profiles;  // owned, shared between equal opening hours

  const Resource* FindResource(const std::string& id) const {
    auto it = resource_index.find(id);
    return it == resource_index.end() ? nullptr : &resources[it->second];
  }
  const School* FindSchool(const std::string& id) const {
    auto it = school_index.find(id);
    return it == school_index.end() ? nullptr : &schools[it->second];
  }
  // Whether a row about this school belongs in the report (the school filter).
  bool InScope(const std::string& school_id) const { return scope->school_id.empty() || scope->school_id == school_id; }
};

// Checks the scope (period, district, school) and calls fn with each district's data in turn.
Status ForEachDistrict(Store& store, const ReportScope& scope, const std::function<Status(DistrictData&)>& fn);

double Hours(Instant seconds);

// Each report adds districts one by one, then finishes (sorting, totals, indices).
class UtilizationBuilder {
 public:
  explicit UtilizationBuilder(const ReportScope& scope);
  void Add(const DistrictData& d);
  Utilization Finish();

 private:
  void Spread(const TimeZone& tz, const Interval& iv, bool used);
  WeekRow& Week(std::int64_t monday);
  Utilization u_;
  std::unordered_map<std::string, UtilizationRow> resources_, schools_;  // sorted by id in Finish
  std::map<std::string, UtilizationRow> types_;
  std::map<std::int64_t, WeekRow> weeks_;  // by the Monday's day number
  WeekRow* last_week_ = nullptr;           // the row Week() returned last, and its Monday
  std::int64_t last_monday_ = 0;
};

class LedgerBuilder {
 public:
  explicit LedgerBuilder(const ReportScope& scope);
  void Add(const DistrictData& d);
  SharingLedger Finish();

 private:
  SharingLedger l_;
  std::map<std::string, SchoolBalance> balance_;
  std::map<std::pair<std::string, std::string>, LedgerCell> cells_;
};

class EquityBuilder {
 public:
  explicit EquityBuilder(const ReportScope& scope);
  void Add(const DistrictData& d);
  Equity Finish();

 private:
  Equity e_;
  std::vector<EquityRow> all_;  // every school with students in scope's districts (the Gini's population)
};

}  // namespace schoolshare::report
