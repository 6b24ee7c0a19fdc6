// schoolshare report utilization|ledger|equity --db FILE --from DATE --to DATE [--school ID] [--district ID]
//                    [--format table|csv|json] [--bom|--no-bom]
// schoolshare report reconciliation --db FILE --school ID --month YYYY-MM [--format ...]
// schoolshare report resolve --db FILE --item ID --note TEXT
// schoolshare report sign-off --db FILE --school ID --month YYYY-MM
#include <cstdio>

#include "cli_context.h"
#include "schoolshare/csv.h"
#include "schoolshare/report_format.h"
#include "schoolshare/reports.h"

namespace schoolshare::cli {
namespace {

std::string Yuan(std::int64_t cents) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f", static_cast<double>(cents) / 100.0);
  return buf;
}

struct Options {
  std::string db, from, to, school, district, month, item, note, format = "table";
  bool bom = true;
};

// Prints tables (table or CSV) or the JSON of a report.
void Print(Context& ctx, const Options& o, const std::vector<ReportTable>& tables, const Json& json) {
  if (o.format == "json") {
    ctx.out << json.dump(2) << "\n";
  } else if (o.format == "csv") {
    ctx.out << ToCsv(tables, o.bom);
  } else {
    for (std::size_t i = 0; i < tables.size(); ++i) {
      if (i > 0) ctx.out << "\n";
      PrintTable(ctx.out, tables[i].header, tables[i].rows);
    }
  }
}

// The scope and zone of --from/--to/--school/--district (local dates, --to inclusive).
Result<std::pair<ReportScope, TimeZone>> ScopeOf(Store& store, const Options& o) {
  TimeZone tz = TimeZone::Utc();
  SS_ASSIGN_OR_RETURN(ReportScope scope, ScopeFromDates(store, o.school, o.district, o.from, o.to, &tz));
  return std::make_pair(scope, tz);
}

void AddPeriodOptions(CLI::App* cmd, Context& ctx, Options* o) {
  cmd->add_option("--db", o->db, ctx.T("cli.opt.db"))->required();
  cmd->add_option("--from", o->from, ctx.T("cli.opt.from_date"))->required();
  cmd->add_option("--to", o->to, ctx.T("cli.opt.to_date"))->required();
  cmd->add_option("--school", o->school, ctx.T("cli.opt.school"));
  cmd->add_option("--district", o->district, ctx.T("cli.opt.district"));
}

void AddFormatOptions(CLI::App* cmd, Context& ctx, Options* o) {
  cmd->add_option("--format", o->format, ctx.T("cli.opt.format"))->check(CLI::IsMember({"table", "csv", "json"}));
  cmd->add_flag("--bom,!--no-bom", o->bom, ctx.T("cli.opt.bom"));
}

// Runs fn(store, options) after opening the database; a failure becomes the documented exit code.
template <typename Fn>
void Run(Context& ctx, const std::shared_ptr<Options>& o, Fn fn) {
  auto store = ctx.Open(o->db);
  if (!store.ok()) return (void)ctx.Fail(store.status());
  Status s = fn(**store, *o);
  if (!s.ok()) ctx.Fail(s);
}

}  // namespace

void PrintLedger(Context& ctx, Store& store, const SharingLedger& ledger, const std::string& format) {
  if (format != "table") {
    Options o;
    o.format = format;
    TimeZone tz = DefaultZone(store);
    Print(ctx, o, LedgerTables(ledger, ctx.lang, StoreNames(store, ctx.lang)), ToJson(ledger, tz));
    return;
  }
  std::vector<std::vector<std::string>> rows;
  for (const auto& s : ledger.schools) {
    if (s.hosted_hours == 0 && s.borrowed_hours == 0) continue;
    rows.push_back({SchoolName(store, s.school_id, ctx.lang), FormatHours(s.hosted_hours),
                    FormatHours(s.borrowed_hours), Yuan(s.fees_earned_cents), Yuan(s.fees_paid_cents)});
  }
  PrintTable(ctx.out,
             {ctx.T("cli.col.school"), ctx.T("cli.col.hosted_h"), ctx.T("cli.col.borrowed_h"),
              ctx.T("cli.col.fees_earned"), ctx.T("cli.col.fees_paid")},
             rows);
  ctx.out << ctx.T("cli.report.shared_total", {{"hours", FormatHours(ledger.shared_hours)}}) << "\n";
}

void AddReportCommand(CLI::App& app, Context& ctx) {
  auto o = std::make_shared<Options>();
  CLI::App* report = app.add_subcommand("report", ctx.T("cli.report.help"))->require_subcommand(1);

  CLI::App* utilization = report->add_subcommand("utilization", ctx.T("cli.report.utilization"));
  AddPeriodOptions(utilization, ctx, o.get());
  AddFormatOptions(utilization, ctx, o.get());
  utilization->callback([&ctx, o] {
    Run(ctx, o, [&](Store& store, const Options& opt) -> Status {
      SS_ASSIGN_OR_RETURN(auto scope, ScopeOf(store, opt));
      SS_ASSIGN_OR_RETURN(Utilization u, BuildUtilization(store, scope.first));
      Print(ctx, opt, {UtilizationTable(u, ctx.lang, StoreNames(store, ctx.lang))}, ToJson(u, scope.second));
      return Status::Ok();
    });
  });

  CLI::App* ledger = report->add_subcommand("ledger", ctx.T("cli.report.ledger"));
  AddPeriodOptions(ledger, ctx, o.get());
  AddFormatOptions(ledger, ctx, o.get());
  ledger->callback([&ctx, o] {
    Run(ctx, o, [&](Store& store, const Options& opt) -> Status {
      SS_ASSIGN_OR_RETURN(auto scope, ScopeOf(store, opt));
      SS_ASSIGN_OR_RETURN(SharingLedger l, BuildSharingLedger(store, scope.first));
      Print(ctx, opt, LedgerTables(l, ctx.lang, StoreNames(store, ctx.lang)), ToJson(l, scope.second));
      return Status::Ok();
    });
  });

  CLI::App* equity = report->add_subcommand("equity", ctx.T("cli.report.equity"));
  AddPeriodOptions(equity, ctx, o.get());
  AddFormatOptions(equity, ctx, o.get());
  equity->callback([&ctx, o] {
    Run(ctx, o, [&](Store& store, const Options& opt) -> Status {
      SS_ASSIGN_OR_RETURN(auto scope, ScopeOf(store, opt));
      SS_ASSIGN_OR_RETURN(Equity e, BuildEquity(store, scope.first));
      Print(ctx, opt, {EquityTable(e, ctx.lang, StoreNames(store, ctx.lang))}, ToJson(e, scope.second));
      return Status::Ok();
    });
  });

  CLI::App* rec = report->add_subcommand("reconciliation", ctx.T("cli.report.reconciliation"));
  rec->add_option("--db", o->db, ctx.T("cli.opt.db"))->required();
  rec->add_option("--school", o->school, ctx.T("cli.opt.school"))->required();
  rec->add_option("--month", o->month, ctx.T("cli.opt.month"))->required();
  AddFormatOptions(rec, ctx, o.get());
  rec->callback([&ctx, o] {
    Run(ctx, o, [&](Store& store, const Options& opt) -> Status {
      SS_ASSIGN_OR_RETURN(Reconciliation r, BuildReconciliation(store, opt.school, opt.month, ctx.clock.Now()));
      SS_ASSIGN_OR_RETURN(TimeZone tz, ZoneOfSchool(store, opt.school));
      Print(ctx, opt, {ReconciliationTable(r, ctx.lang, tz, StoreNames(store, ctx.lang))}, ToJson(r, tz));
      if (opt.format == "table") {
        ctx.out << ctx.T("cli.report.open_items",
                         {{"open", std::to_string(r.open_items())}, {"status", ToString(r.period.status)}})
                << "\n";
      }
      return Status::Ok();
    });
  });

  CLI::App* resolve = report->add_subcommand("resolve", ctx.T("cli.report.resolve"));
  resolve->add_option("--db", o->db, ctx.T("cli.opt.db"))->required();
  resolve->add_option("--item", o->item, ctx.T("cli.opt.item"))->required();
  resolve->add_option("--note", o->note, ctx.T("cli.opt.note"))->required();
  resolve->callback([&ctx, o] {
    Run(ctx, o, [&](Store& store, const Options& opt) -> Status {
      SS_ASSIGN_OR_RETURN(ReconciliationItem item,
                          ResolveReconciliationItem(store, opt.item, opt.note, CliActor(), ctx.clock.Now()));
      ctx.out << ctx.T("cli.report.resolved", {{"item", item.id}}) << "\n";
      return Status::Ok();
    });
  });

  CLI::App* sign_off = report->add_subcommand("sign-off", ctx.T("cli.report.sign_off"));
  sign_off->add_option("--db", o->db, ctx.T("cli.opt.db"))->required();
  sign_off->add_option("--school", o->school, ctx.T("cli.opt.school"))->required();
  sign_off->add_option("--month", o->month, ctx.T("cli.opt.month"))->required();
  sign_off->callback([&ctx, o] {
    Run(ctx, o, [&](Store& store, const Options& opt) -> Status {
      SS_ASSIGN_OR_RETURN(ReportPeriod p, SignOffPeriod(store, opt.school, opt.month, CliActor(), ctx.clock.Now()));
      ctx.out << ctx.T("cli.report.signed_off",
                       {{"school", SchoolName(store, p.school_id, ctx.lang)}, {"month", p.month}})
              << "\n";
      return Status::Ok();
    });
  });
}

}  // namespace schoolshare::cli
