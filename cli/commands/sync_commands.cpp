// schoolshare sync clients --db FILE       the devices that sync, with how far each one's mutations arrived
// schoolshare sync compact --db FILE [--keep-days 90]   drop change-log entries older than that; clients
//                                          whose cursor is older get "reset" and load a snapshot
#include "cli_context.h"

namespace schoolshare::cli {

void AddSyncCommands(CLI::App& app, Context& ctx) {
  struct Options {
    std::string db;
    int keep_days = 90;
  };
  auto o = std::make_shared<Options>();
  CLI::App* sync = app.add_subcommand("sync", ctx.T("cli.sync.help"))->require_subcommand(1);

  CLI::App* clients = sync->add_subcommand("clients", ctx.T("cli.sync.clients"));
  clients->add_option("--db", o->db, ctx.T("cli.opt.db"))->required();
  clients->callback([&ctx, o] {
    auto store = ctx.Open(o->db);
    if (!store.ok()) return (void)ctx.Fail(store.status());
    auto list = (*store)->ListSyncClients();
    if (!list.ok()) return (void)ctx.Fail(list.status());
    TimeZone tz = DefaultZone(**store);
    std::vector<std::vector<std::string>> rows;
    for (const auto& c : *list) {
      rows.push_back(
          {c.id, c.token_id, c.school_id, std::to_string(c.last_client_seq), tz.FormatLocal(c.last_seen_at)});
    }
    PrintTable(ctx.out,
               {ctx.T("cli.col.id"), ctx.T("cli.col.token"), ctx.T("cli.col.school"), ctx.T("cli.col.last_seq"),
                ctx.T("cli.col.last_seen")},
               rows);
  });

  CLI::App* compact = sync->add_subcommand("compact", ctx.T("cli.sync.compact"));
  compact->add_option("--db", o->db, ctx.T("cli.opt.db"))->required();
  compact->add_option("--keep-days", o->keep_days, ctx.T("cli.sync.keep_days"))
      ->check(CLI::Range(1, 3650))
      ->capture_default_str();
  compact->callback([&ctx, o] {
    auto store = ctx.Open(o->db);
    if (!store.ok()) return (void)ctx.Fail(store.status());
    auto dropped = (*store)->CompactChanges(ctx.clock.Now() - static_cast<Instant>(o->keep_days) * kDay);
    if (!dropped.ok()) return (void)ctx.Fail(dropped.status());
    ctx.out << ctx.T("cli.sync.compacted",
                     {{"count", std::to_string(*dropped)}, {"days", std::to_string(o->keep_days)}})
            << "\n";
  });
}

}  // namespace schoolshare::cli
