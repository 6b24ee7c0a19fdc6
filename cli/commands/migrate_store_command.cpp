// schoolshare migrate-store --from FILE.db --to postgresql://…  (a whole SQLite database into an empty
// PostgreSQL database, one transaction, with a count check per table; core's MigrateSqliteToPostgres)
#include "cli_context.h"
#include "schoolshare/location.h"
#include "schoolshare/store_migration.h"

namespace schoolshare::cli {

void AddMigrateStoreCommand(CLI::App& app, Context& ctx) {
  auto o = std::make_shared<std::pair<std::string, std::string>>();
  CLI::App* cmd = app.add_subcommand("migrate-store", ctx.T("cli.migrate.help"));
  cmd->add_option("--from", o->first, ctx.T("cli.migrate.from"))->required();
  cmd->add_option("--to", o->second, ctx.T("cli.migrate.to"))->required();
  cmd->callback([&ctx, o] {
    auto counts = MigrateSqliteToPostgres(o->first, o->second, ctx.lang);
    if (!counts.ok()) return (void)ctx.Fail(counts.status());
    std::vector<std::vector<std::string>> rows;
    for (const TableCount& c : *counts) {
      rows.push_back({c.table, std::to_string(c.source), std::to_string(c.target)});
    }
    PrintTable(ctx.out,
               {ctx.T("cli.migrate.col.table"), ctx.T("cli.migrate.col.source"), ctx.T("cli.migrate.col.target")},
               rows);
    ctx.out << ctx.T("cli.migrate.done", {{"from", o->first}, {"to", RedactedLocation(o->second)}}) << "\n";
  });
}

}  // namespace schoolshare::cli
