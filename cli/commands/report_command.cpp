// schoolshare report ledger --db FILE --from DATE --to DATE [--district ID] [--format table|csv|json]
// (utilization, reconciliation and equity arrive with the search-and-reports issue)
#include <cstdio>

#include "cli_context.h"
#include "schoolshare/csv.h"
#include "schoolshare/reports.h"

namespace schoolshare::cli {
namespace {

std::string Hours(double h) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", h);
  return buf;
}

std::string Yuan(std::int64_t cents) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f", static_cast<double>(cents) / 100.0);
  return buf;
}

}  // namespace

void PrintLedger(Context& ctx, Store& store, const SharingLedger& ledger, const std::string& format) {
  if (format == "json") {
    Json cells = Json::array(), schools = Json::array();
    for (const auto& c : ledger.cells) {
      cells.push_back({{"owner_school_id", c.owner_school_id},
                       {"borrower_school_id", c.borrower_school_id},
                       {"hours", c.hours},
                       {"fee_cents", c.fee_cents},
                       {"bookings", c.bookings}});
    }
    for (const auto& s : ledger.schools) {
      schools.push_back({{"school_id", s.school_id},
                         {"hosted_hours", s.hosted_hours},
                         {"borrowed_hours", s.borrowed_hours},
                         {"fees_earned_cents", s.fees_earned_cents},
                         {"fees_paid_cents", s.fees_paid_cents}});
    }
    ctx.out << Json{{"cells", cells}, {"schools", schools}, {"shared_hours", ledger.shared_hours}}.dump(2) << "\n";
    return;
  }
  if (format == "csv") {
    std::string csv(kUtf8Bom);  // so that Excel and WPS read the Chinese names right
    WriteCsvRow({"owner_school_id", "borrower_school_id", "hours", "fee_yuan", "bookings"}, &csv);
    for (const auto& c : ledger.cells) {
      WriteCsvRow(
          {c.owner_school_id, c.borrower_school_id, Hours(c.hours), Yuan(c.fee_cents), std::to_string(c.bookings)},
          &csv);
    }
    ctx.out << csv;
    return;
  }
  std::vector<std::vector<std::string>> rows;
  for (const auto& s : ledger.schools) {
    if (s.hosted_hours == 0 && s.borrowed_hours == 0) continue;
    rows.push_back({SchoolName(store, s.school_id, ctx.lang), Hours(s.hosted_hours), Hours(s.borrowed_hours),
                    Yuan(s.fees_earned_cents), Yuan(s.fees_paid_cents)});
  }
  PrintTable(ctx.out,
             {ctx.T("cli.col.school"), ctx.T("cli.col.hosted_h"), ctx.T("cli.col.borrowed_h"),
              ctx.T("cli.col.fees_earned"), ctx.T("cli.col.fees_paid")},
             rows);
  ctx.out << ctx.T("cli.report.shared_total", {{"hours", Hours(ledger.shared_hours)}}) << "\n";
}

void AddReportCommand(CLI::App& app, Context& ctx) {
  struct Options {
    std::string db, from, to, district, format = "table";
  };
  auto o = std::make_shared<Options>();
  CLI::App* report = app.add_subcommand("report", ctx.T("cli.report.help"))->require_subcommand(1);
  CLI::App* ledger = report->add_subcommand("ledger", ctx.T("cli.report.ledger"));
  ledger->add_option("--db", o->db, ctx.T("cli.opt.db"))->required();
  ledger->add_option("--from", o->from, ctx.T("cli.opt.from_date"))->required();
  ledger->add_option("--to", o->to, ctx.T("cli.opt.to_date"))->required();
  ledger->add_option("--district", o->district, ctx.T("cli.opt.district"));
  ledger->add_option("--format", o->format, ctx.T("cli.opt.format"))->check(CLI::IsMember({"table", "csv", "json"}));
  ledger->callback([&ctx, o] {
    auto store = ctx.Open(o->db);
    if (!store.ok()) return (void)ctx.Fail(store.status());
    auto districts = (*store)->ListDistricts();
    if (!districts.ok()) return (void)ctx.Fail(districts.status());
    std::string district = o->district;
    if (district.empty()) {
      if (districts->size() != 1) return (void)ctx.Fail(kExitUsage, ctx.T("cli.report.which_district"));
      district = (*districts)[0].id;
    }
    auto d = (*store)->GetDistrict(district);
    if (!d.ok()) return (void)ctx.Fail(d.status());
    auto tz = TimeZone::Find(d->time_zone);
    if (!tz.ok()) return (void)ctx.Fail(tz.status());
    auto from = CivilDate::Parse(o->from);
    if (!from.ok()) return (void)ctx.Fail(kExitUsage, "--from: " + from.status().message());
    auto to = CivilDate::Parse(o->to);
    if (!to.ok()) return (void)ctx.Fail(kExitUsage, "--to: " + to.status().message());
    auto start = tz->ToInstant(*from, 0);
    auto end = tz->ToInstant(to->AddDays(1), 0);  // --to is inclusive
    if (!start.ok() || !end.ok()) return (void)ctx.Fail(start.ok() ? end.status() : start.status());
    auto built = BuildSharingLedger(**store, district, *start, *end);
    if (!built.ok()) return (void)ctx.Fail(built.status());
    PrintLedger(ctx, **store, *built, o->format);
  });
}

}  // namespace schoolshare::cli
