// What the Reports view draws: utilization as a weekday x hour heat map and a weekly trend, the sharing
// ledger as a school x school matrix with hosted-vs-borrowed totals, and the equity summary, for a
// month or a term and for the manager's school or the district. Computed from the local replica with
// core's reports (one pass: BuildReports) when the query or the data changes, never per frame; the CSV
// export is core's report_format, the same columns as the CLI and the HTTP API.
#pragma once

#include <array>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "schoolshare/i18n.h"
#include "schoolshare/reports.h"
#include "schoolshare/store.h"

namespace schoolshare::admin {

enum class PeriodKind { kMonth, kTerm };

// A month, or a school term: the autumn term runs from 1 September to 31 January, the spring term
// from 1 February to 31 August (the summer holiday counts to the spring term, so every day has one).
struct PeriodChoice {
  PeriodKind kind = PeriodKind::kMonth;
  CivilDate first;  // inclusive
  CivilDate last;   // inclusive
  bool operator==(const PeriodChoice&) const = default;
};
PeriodChoice PeriodContaining(PeriodKind kind, const CivilDate& day);
// The period `delta` months or terms away (-1: the previous one).
PeriodChoice StepPeriod(const PeriodChoice& p, int delta);
// "2026年11月" / "November 2026"; "2026年秋季学期" / "Autumn term 2026".
std::string PeriodLabel(const PeriodChoice& p, Lang lang);

struct ReportsQuery {
  PeriodChoice period;
  // false: the manager's school (its resources and its bookings elsewhere); true: its whole district.
  // A district admin (no school) always sees the district.
  bool district = false;
  bool operator==(const ReportsQuery&) const = default;
};

// Hours per [weekday 0 = Monday .. 6][local hour], and the colour value of a cell: hours over the
// busiest cell's, 0..1.
struct HeatMap {
  std::array<std::array<double, 24>, 7> hours{};
  double max_hours = 0;
  double Value(int weekday, int hour) const { return max_hours > 0 ? hours[weekday][hour] / max_hours : 0; }
};

struct TrendPoint {
  std::string week;  // "2026-W48"
  CivilDate monday;
  double opening_hours = 0;
  double booked_hours = 0;
  double used_hours = 0;
};

// Booked hours of each borrower school (column) on each host school's resources (row).
struct LedgerMatrix {
  std::vector<std::string> schools;        // both axes, by id
  std::vector<std::vector<double>> hours;  // [host][borrower]
  double max_hours = 0;
};

struct ReportsData {
  ReportsQuery query;
  std::string school_id;  // the school in scope; empty for the district
  std::string district_id;
  Utilization utilization;  // core's reports, as the CSV renders them
  SharingLedger ledger;
  Equity equity;
  HeatMap heat_booked;
  HeatMap heat_used;
  std::vector<TrendPoint> trend;  // every ISO week touching the period
  double trend_max = 0;           // the largest booked or used hours of a week
  LedgerMatrix matrix;
  std::vector<SchoolBalance> balances;  // schools that hosted or borrowed, by id
  double balance_max = 0;
  // Display names of the district, its schools and resources: {zh, en}.
  std::map<std::string, std::pair<std::string, std::string>> names;
  std::string Name(const std::string& id, Lang lang) const;
};

// Reads the replica in one snapshot. InvalidArgument for a school manager without a school or an empty
// period; NotFound for an unknown school or district.
Result<ReportsData> BuildReportsView(Store& replica, const Actor& actor, const std::string& district_id,
                                     const ReportsQuery& query);

enum class ReportKind { kUtilization, kLedger, kEquity };

// The report as CSV (UTF-8 with a BOM, CRLF, headers in `lang`), as `schoolshare report` and
// GET /v1/reports/... write it.
std::string ReportCsv(const ReportsData& data, ReportKind kind, Lang lang);
// "utilization-xjw-2026-11.csv", "ledger-jlp-2026-autumn.csv", ...
std::string DefaultCsvName(const ReportsData& data, ReportKind kind);
// Writes the text to `path` (replaced whole: a temporary file renamed over it). IoError says why not.
Status WriteTextFile(const std::string& path, const std::string& text);

}  // namespace schoolshare::admin
