// schoolshare init --db FILE [--demo] [--district ID --name NAME --tz ZONE --locale zh-CN|en]
#include "cli_context.h"
#include "schoolshare/demo.h"
#include "schoolshare/location.h"

namespace schoolshare::cli {

void AddInitCommand(CLI::App& app, Context& ctx) {
  struct Options {
    std::string db, district, name, tz = "Asia/Shanghai", locale = "zh-CN";
    bool demo = false;
  };
  auto opt = std::make_shared<Options>();
  CLI::App* cmd = app.add_subcommand("init", ctx.T("cli.init.help"));
  cmd->add_option("--db", opt->db, ctx.T("cli.opt.db"))->required();
  cmd->add_flag("--demo", opt->demo, ctx.T("cli.init.demo"));
  cmd->add_option("--district", opt->district, ctx.T("cli.init.district"));
  cmd->add_option("--name", opt->name, ctx.T("cli.init.name"));
  cmd->add_option("--tz", opt->tz, ctx.T("cli.init.tz"));
  cmd->add_option("--locale", opt->locale, ctx.T("cli.init.locale"))->check(CLI::IsMember({"zh-CN", "en"}));
  cmd->callback([&ctx, opt] {
    auto store = ctx.Open(opt->db, /*create=*/true);
    if (!store.ok()) return (void)ctx.Fail(store.status());
    Store& s = **store;
    if (!opt->district.empty()) {
      District d{opt->district, opt->name.empty() ? opt->district : opt->name, opt->tz, opt->locale};
      if (Status st = s.PutDistrict(d, CliActor()); !st.ok()) return (void)ctx.Fail(st);
    }
    if (opt->demo) {
      auto schools = s.ListSchools();
      if (!schools.ok()) return (void)ctx.Fail(schools.status());
      if (!schools->empty()) {
        return (void)ctx.Fail(kExitConflict, ctx.T("cli.init.not_empty", {{"path", RedactedLocation(opt->db)}}));
      }
      auto info = SeedDemoDistrict(s, ctx.clock);
      if (!info.ok()) return (void)ctx.Fail(info.status());
      ctx.out << ctx.T("cli.init.demo_done", {{"schools", std::to_string(info->schools)},
                                              {"resources", std::to_string(info->resources)},
                                              {"bookings", std::to_string(info->bookings)},
                                              {"facts", std::to_string(info->facts)}})
              << "\n";
      for (const auto& r : info->refusals) ctx.err << "  ! " << r << "\n";
    }
    ctx.out << ctx.T("cli.init.done",
                     {{"path", RedactedLocation(opt->db)}, {"version", std::to_string(s.SchemaVersion())}})
            << "\n";
  });
}

}  // namespace schoolshare::cli
