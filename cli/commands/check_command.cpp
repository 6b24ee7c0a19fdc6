// schoolshare check --db FILE: the full integrity check (PRAGMA quick_check) and the schema version.
#include <filesystem>

#include "cli_context.h"
#include "schoolshare/location.h"

namespace schoolshare::cli {

void AddCheckCommand(CLI::App& app, Context& ctx) {
  auto db = std::make_shared<std::string>();
  CLI::App* cmd = app.add_subcommand("check", ctx.T("cli.check.help"));
  cmd->add_option("--db", *db, ctx.T("cli.opt.db"))->required();
  cmd->callback([&ctx, db] {
    if (!Store::IsPostgresLocation(*db) && !std::filesystem::exists(*db))
      return (void)ctx.Fail(kExitNotFound, ctx.T("cli.db_missing", {{"path", RedactedLocation(*db)}}));
    StoreOptions options;
    options.create_if_missing = false;
    options.verify_integrity = true;
    options.clock = &ctx.clock;
    options.lang = ctx.lang;
    auto store = Store::Open(*db, options);
    if (!store.ok()) return (void)ctx.Fail(store.status());
    auto version = (*store)->LatestVersion();
    if (!version.ok()) return (void)ctx.Fail(version.status());
    ctx.out << ctx.T("cli.check.ok", {{"path", RedactedLocation(*db)},
                                      {"schema", std::to_string((*store)->SchemaVersion())},
                                      {"changes", std::to_string(*version)}})
            << "\n";
  });
}

}  // namespace schoolshare::cli
