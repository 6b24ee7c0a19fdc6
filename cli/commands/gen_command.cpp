// schoolshare gen --db FILE --schools N --resources N --bookings N [--seed S]  (benchmark data)
#include "cli_context.h"
#include "schoolshare/generator.h"
#include "schoolshare/location.h"

namespace schoolshare::cli {

void AddGenCommand(CLI::App& app, Context& ctx) {
  auto o = std::make_shared<GenOptions>();
  auto db = std::make_shared<std::string>();
  CLI::App* cmd = app.add_subcommand("gen", ctx.T("cli.gen.help"));
  cmd->add_option("--db", *db, ctx.T("cli.opt.db"))->required();
  cmd->add_option("--schools", o->schools, ctx.T("cli.gen.schools"))
      ->check(CLI::Range(1, 100000))
      ->capture_default_str();
  cmd->add_option("--resources", o->resources, ctx.T("cli.gen.resources"))
      ->check(CLI::Range(1, 2000000))
      ->capture_default_str();
  cmd->add_option("--bookings", o->bookings, ctx.T("cli.gen.bookings"))
      ->check(CLI::Range(0LL, 100000000LL))
      ->capture_default_str();
  cmd->add_option("--schools-per-district", o->schools_per_district, ctx.T("cli.gen.per_district"))
      ->check(CLI::Range(1, 1000))
      ->capture_default_str();
  cmd->add_option("--seed", o->seed, ctx.T("cli.gen.seed"))->capture_default_str();
  cmd->callback([&ctx, o, db] {
    StoreOptions so;
    so.synchronous_full = false;  // bulk data for benchmarks: a power cut just means run gen again
    so.clock = &ctx.clock;
    so.lang = ctx.lang;
    auto store = Store::Open(*db, so);
    if (!store.ok()) return (void)ctx.Fail(store.status());
    auto schools = (*store)->ListSchools();
    if (!schools.ok()) return (void)ctx.Fail(schools.status());
    if (!schools->empty())
      return (void)ctx.Fail(kExitConflict, ctx.T("cli.init.not_empty", {{"path", RedactedLocation(*db)}}));
    o->now = ctx.clock.Now();
    auto stats = GenerateCity(**store, *o, [&](const GenStats& s) {
      ctx.err << "\r" << ctx.T("cli.gen.progress", {{"n", std::to_string(s.bookings)}}) << std::flush;
    });
    ctx.err << "\n";
    if (!stats.ok()) return (void)ctx.Fail(stats.status());
    char secs[32];
    std::snprintf(secs, sizeof secs, "%.1f", stats->seconds);
    ctx.out << ctx.T("cli.gen.done", {{"districts", std::to_string(stats->districts)},
                                      {"schools", std::to_string(stats->schools)},
                                      {"resources", std::to_string(stats->resources)},
                                      {"bookings", std::to_string(stats->bookings)},
                                      {"seconds", secs}})
            << "\n";
  });
}

}  // namespace schoolshare::cli
