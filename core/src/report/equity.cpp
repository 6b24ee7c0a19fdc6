// Equity: facility hours per student available and used, weak schools against the rest, and the Gini
// coefficient of used hours per student with and without cross-school sharing.
#include <algorithm>
#include <cmath>

#include "report/report_data.h"

namespace schoolshare {

double Gini(const std::vector<double>& values) {
  if (values.empty()) return 0;
  std::vector<double> v = values;
  std::sort(v.begin(), v.end());
  // sum_i sum_j |xi - xj| = 2 * sum_i (2i - n + 1) x_(i) over the sorted values (i from 0)
  double sum = 0;
  double weighted = 0;
  const double n = static_cast<double>(v.size());
  for (std::size_t i = 0; i < v.size(); ++i) {
    sum += v[i];
    weighted += (2.0 * static_cast<double>(i) - n + 1.0) * v[i];
  }
  if (sum <= 0) return 0;
  return weighted / (n * sum);  // = (2 * weighted) / (2 n^2 mean), mean = sum / n
}

namespace report {
namespace {

void Pool(const EquityRow& r, EquityGroup& g) {
  ++g.schools;
  g.students += r.students;
  g.available_per_student += r.own_hours + r.reachable_hours;  // hours for now, divided in Finish
  g.used_per_student += r.used_hours;
}

void Divide(EquityGroup& g) {
  if (g.students == 0) return;
  g.available_per_student /= g.students;
  g.used_per_student /= g.students;
}

}  // namespace

EquityBuilder::EquityBuilder(const ReportScope& scope) {
  e_.from = scope.from;
  e_.to = scope.to;
}

void EquityBuilder::Add(const DistrictData& d) {
  std::vector<EquityRow> rows(d.schools.size());
  double shared_total = 0;  // opening hours of every shared resource of the district
  std::vector<double> shared_own(d.schools.size(), 0.0);
  for (std::size_t i = 0; i < d.schools.size(); ++i) {
    rows[i].school_id = d.schools[i].id;
    rows[i].weak = d.schools[i].weak;
    rows[i].students = d.schools[i].students;
  }
  for (std::size_t i = 0; i < d.resources.size(); ++i) {
    const Resource& r = d.resources[i];
    const std::size_t s = d.school_index.at(r.school_id);
    const double h = d.opening[i]->hours;
    rows[s].own_hours += h;
    if (r.policy.shared) {
      shared_total += h;
      shared_own[s] += h;
    }
  }
  for (std::size_t i = 0; i < rows.size(); ++i) rows[i].reachable_hours = shared_total - shared_own[i];
  for (const auto& b : d.bookings) {
    if (b.school < 0) continue;  // a school of another district
    const auto school = static_cast<std::size_t>(b.school);
    const double used = b.span.used_hours();
    rows[school].used_hours += used;
    if (b.owner == school) rows[school].used_own_hours += used;
  }
  for (auto& r : rows) {
    if (r.students <= 0) continue;  // per-student figures need students (a partner institute has none)
    if (d.InScope(r.school_id)) e_.schools.push_back(r);
    all_.push_back(std::move(r));
  }
}

Equity EquityBuilder::Finish() {
  std::vector<double> with, without;
  for (const auto& r : all_) {
    Pool(r, r.weak ? e_.weak : e_.rest);
    with.push_back(r.used_per_student());
    without.push_back(r.used_own_per_student());
  }
  Divide(e_.weak);
  Divide(e_.rest);
  e_.gini_with_sharing = Gini(with);
  e_.gini_without_sharing = Gini(without);
  std::sort(e_.schools.begin(), e_.schools.end(),
            [](const EquityRow& a, const EquityRow& b) { return a.school_id < b.school_id; });
  return std::move(e_);
}

}  // namespace report

Result<Equity> BuildEquity(Store& store, const ReportScope& scope) {
  report::EquityBuilder builder(scope);
  SS_RETURN_IF_ERROR(report::ForEachDistrict(store, scope, [&](report::DistrictData& d) {
    builder.Add(d);
    return Status::Ok();
  }));
  return builder.Finish();
}

}  // namespace schoolshare
