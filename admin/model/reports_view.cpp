#include "model/reports_view.h"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <set>

#include "schoolshare/report_format.h"

namespace schoolshare::admin {
namespace {

int MonthIndex(const CivilDate& d) { return d.year * 12 + (d.month - 1); }

CivilDate FirstOfMonthIndex(int index) { return CivilDate{index / 12, index % 12 + 1, 1}; }

// The autumn term of year Y: months Sep Y .. Jan Y+1; the spring term of Y: Feb Y .. Aug Y. A term's
// index counts them in order: 2Y is the spring term of Y, 2Y + 1 its autumn term.
int TermIndex(const CivilDate& d) {
  if (d.month == 1) return 2 * (d.year - 1) + 1;
  return 2 * d.year + (d.month >= 9 ? 1 : 0);
}

PeriodChoice TermOfIndex(int index) {
  PeriodChoice p;
  p.kind = PeriodKind::kTerm;
  const int year = index / 2;
  if (index % 2 == 1) {
    p.first = {year, 9, 1};
    p.last = CivilDate{year + 1, 2, 1}.AddDays(-1);
  } else {
    p.first = {year, 2, 1};
    p.last = {year, 8, 31};
  }
  return p;
}

std::string MonthText(const CivilDate& d) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02d", d.year, d.month);
  return buf;
}

HeatMap HeatOf(const std::array<std::array<double, 24>, 7>& hours) {
  HeatMap h;
  h.hours = hours;
  for (const auto& day : hours) {
    for (double v : day) h.max_hours = std::max(h.max_hours, v);
  }
  return h;
}

}  // namespace

PeriodChoice PeriodContaining(PeriodKind kind, const CivilDate& day) {
  if (kind == PeriodKind::kTerm) return TermOfIndex(TermIndex(day));
  PeriodChoice p;
  p.first = FirstOfMonthIndex(MonthIndex(day));
  p.last = FirstOfMonthIndex(MonthIndex(day) + 1).AddDays(-1);
  return p;
}

PeriodChoice StepPeriod(const PeriodChoice& p, int delta) {
  if (p.kind == PeriodKind::kTerm) return TermOfIndex(TermIndex(p.first) + delta);
  return PeriodContaining(PeriodKind::kMonth, FirstOfMonthIndex(MonthIndex(p.first) + delta));
}

std::string PeriodLabel(const PeriodChoice& p, Lang lang) {
  const std::string year = std::to_string(p.first.year);
  if (p.kind == PeriodKind::kMonth) {
    return Tr(lang, "admin.reports.month_label",
              {{"year", year},
               {"month", std::to_string(p.first.month)},
               {"month_name", Tr(lang, "admin.month." + std::to_string(p.first.month))}});
  }
  return Tr(lang, p.first.month == 9 ? "admin.reports.term_autumn" : "admin.reports.term_spring", {{"year", year}});
}

std::string ReportsData::Name(const std::string& id, Lang lang) const {
  auto it = names.find(id);
  if (it == names.end()) return id;
  return lang == Lang::kEn && !it->second.second.empty() ? it->second.second : it->second.first;
}

Result<ReportsData> BuildReportsView(Store& replica, const Actor& actor, const std::string& district_id,
                                     const ReportsQuery& query) {
  if (actor.role == Role::kSchoolManager && actor.school_id.empty()) {
    return Status::InvalidArgument("a school manager's reports need the manager's school");
  }
  if (query.period.last < query.period.first) return Status::InvalidArgument("the period is empty");
  ReportsData d;
  d.query = query;
  d.query.district = query.district || actor.school_id.empty();
  d.school_id = d.query.district ? "" : actor.school_id;
  d.district_id = district_id;
  Status s = replica.ReadTransaction([&]() -> Status {
    if (d.district_id.empty() && !actor.school_id.empty()) {
      SS_ASSIGN_OR_RETURN(School own, replica.GetSchool(actor.school_id));
      d.district_id = own.district_id;
    }
    TimeZone tz = TimeZone::Utc();
    SS_ASSIGN_OR_RETURN(ReportScope scope,
                        ScopeFromDates(replica, d.school_id, d.school_id.empty() ? d.district_id : "",
                                       query.period.first.ToString(), query.period.last.ToString(), &tz));
    SS_ASSIGN_OR_RETURN(ReportBundle bundle, BuildReports(replica, scope));
    d.utilization = std::move(bundle.utilization);
    d.ledger = std::move(bundle.ledger);
    d.equity = std::move(bundle.equity);
    SS_ASSIGN_OR_RETURN(District district, replica.GetDistrict(d.district_id));
    d.names[district.id] = {district.name, ""};
    SS_ASSIGN_OR_RETURN(std::vector<School> schools, replica.ListSchools());
    for (const auto& sc : schools) {
      if (sc.district_id == d.district_id) d.names[sc.id] = {sc.name, sc.name_en};
    }
    ResourceFilter rf;
    rf.district_id = d.district_id;
    rf.include_inactive = true;
    SS_ASSIGN_OR_RETURN(std::vector<Resource> resources, replica.ListResources(rf));
    for (const auto& r : resources) d.names[r.id] = {r.name, r.name_en};
    return Status::Ok();
  });
  if (!s.ok()) return s;

  d.heat_booked = HeatOf(d.utilization.heat_booked);
  d.heat_used = HeatOf(d.utilization.heat_used);
  for (const auto& w : d.utilization.weeks) {
    d.trend.push_back({w.week, w.monday, w.opening_hours, w.booked_hours, w.used_hours});
    d.trend_max = std::max({d.trend_max, w.booked_hours, w.used_hours});
  }

  std::set<std::string> axis;
  for (const auto& c : d.ledger.cells) {
    axis.insert(c.owner_school_id);
    axis.insert(c.borrower_school_id);
  }
  for (const auto& b : d.ledger.schools) {
    if (d.school_id.empty() || b.school_id == d.school_id) axis.insert(b.school_id);
  }
  d.matrix.schools.assign(axis.begin(), axis.end());
  const std::size_t n = d.matrix.schools.size();
  d.matrix.hours.assign(n, std::vector<double>(n, 0));
  auto index = [&](const std::string& id) {
    return static_cast<std::size_t>(std::lower_bound(d.matrix.schools.begin(), d.matrix.schools.end(), id) -
                                    d.matrix.schools.begin());
  };
  for (const auto& c : d.ledger.cells) {
    double& cell = d.matrix.hours[index(c.owner_school_id)][index(c.borrower_school_id)];
    cell += c.hours;
    d.matrix.max_hours = std::max(d.matrix.max_hours, cell);
  }
  for (const auto& b : d.ledger.schools) {
    if (b.hosted_hours <= 0 && b.borrowed_hours <= 0) continue;
    d.balances.push_back(b);
    d.balance_max = std::max({d.balance_max, b.hosted_hours, b.borrowed_hours});
  }
  return d;
}

std::string ReportCsv(const ReportsData& data, ReportKind kind, Lang lang) {
  const NameOf name_of = [&](const std::string& id) { return data.Name(id, lang); };
  switch (kind) {
    case ReportKind::kUtilization:
      return ToCsv({UtilizationTable(data.utilization, lang, name_of)}, true);
    case ReportKind::kLedger:
      return ToCsv(LedgerTables(data.ledger, lang, name_of), true);
    case ReportKind::kEquity:
      return ToCsv({EquityTable(data.equity, lang, name_of)}, true);
  }
  return "";
}

std::string DefaultCsvName(const ReportsData& data, ReportKind kind) {
  const char* what = kind == ReportKind::kUtilization ? "utilization"
                     : kind == ReportKind::kLedger    ? "ledger"
                                                      : "equity";
  const std::string scope = data.school_id.empty() ? data.district_id : data.school_id;
  const PeriodChoice& p = data.query.period;
  std::string period = MonthText(p.first);
  if (p.kind == PeriodKind::kTerm) {
    period = std::to_string(p.first.year) + (p.first.month == 9 ? "-autumn" : "-spring");
  }
  return std::string(what) + "-" + scope + "-" + period + ".csv";
}

Status WriteTextFile(const std::string& path, const std::string& text) {
  if (path.empty()) return Status::InvalidArgument("no file chosen");
  const std::string temporary = path + ".part";
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    if (!out) return Status::IoError("cannot write " + path);
    out.write(text.data(), static_cast<std::streamsize>(text.size()));
    out.close();
    if (!out) return Status::IoError("cannot write " + path);
  }
  std::error_code ec;
  std::filesystem::rename(temporary, path, ec);
  if (ec) {
    std::filesystem::remove(temporary, ec);
    return Status::IoError("cannot write " + path + ": " + ec.message());
  }
  return Status::Ok();
}

}  // namespace schoolshare::admin
