// schoolshare export ics --db FILE (--school ID | --resource ID) [--out FILE]
#include <fstream>

#include "cli_context.h"
#include "schoolshare/ics.h"

namespace schoolshare::cli {

void AddExportCommand(CLI::App& app, Context& ctx) {
  struct Options {
    std::string db, school, resource, out;
  };
  auto o = std::make_shared<Options>();
  CLI::App* exp = app.add_subcommand("export", ctx.T("cli.export.help"))->require_subcommand(1);
  CLI::App* ics = exp->add_subcommand("ics", ctx.T("cli.export.ics"));
  ics->add_option("--db", o->db, ctx.T("cli.opt.db"))->required();
  auto* school = ics->add_option("--school", o->school, ctx.T("cli.opt.school"));
  auto* resource = ics->add_option("--resource", o->resource, ctx.T("cli.opt.resource"));
  school->excludes(resource);
  ics->add_option("--out", o->out, ctx.T("cli.opt.out"));
  ics->callback([&ctx, o] {
    if (o->school.empty() == o->resource.empty()) {
      return (void)ctx.Fail(kExitUsage, "--school or --resource: name exactly one");
    }
    auto store = ctx.Open(o->db);
    if (!store.ok()) return (void)ctx.Fail(store.status());
    auto feed = CalendarFeed(**store, o->school.empty() ? o->resource : o->school, ctx.clock.Now());
    if (!feed.ok()) return (void)ctx.Fail(feed.status());
    if (o->out.empty()) {
      ctx.out << *feed;
      return;
    }
    std::ofstream file(o->out, std::ios::binary | std::ios::trunc);
    file << *feed;
    if (!file.flush()) return (void)ctx.Fail(kExitFailure, "cannot write " + o->out);
    ctx.err << ctx.T("cli.export.written", {{"path", o->out}}) << "\n";
  });
}

}  // namespace schoolshare::cli
