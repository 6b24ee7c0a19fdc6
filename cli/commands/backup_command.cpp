// schoolshare backup --db FILE --to FILE  (SQLite online backup: safe while the service runs)
#include <filesystem>

#include "cli_context.h"

namespace schoolshare::cli {

void AddBackupCommand(CLI::App& app, Context& ctx) {
  auto o = std::make_shared<std::pair<std::string, std::string>>();
  CLI::App* cmd = app.add_subcommand("backup", ctx.T("cli.backup.help"));
  cmd->add_option("--db", o->first, ctx.T("cli.opt.db"))->required();
  cmd->add_option("--to", o->second, ctx.T("cli.backup.to"))->required();
  cmd->callback([&ctx, o] {
    if (std::filesystem::exists(o->second)) {
      return (void)ctx.Fail(kExitConflict, ctx.T("cli.backup.exists", {{"path", o->second}}));
    }
    auto store = ctx.Open(o->first);
    if (!store.ok()) return (void)ctx.Fail(store.status());
    if (Status s = (*store)->Backup(o->second); !s.ok()) {
      std::error_code ec;
      std::filesystem::remove(o->second, ec);  // never leave half a backup behind
      return (void)ctx.Fail(s);
    }
    // Check the copy in full (integrity and schema) before saying it is done; never keep a bad copy.
    StoreOptions verify;
    verify.create_if_missing = false;
    verify.verify_integrity = true;
    verify.lang = ctx.lang;
    auto copy = Store::OpenSqlite(o->second, verify);
    if (!copy.ok()) {
      std::error_code ec;
      std::filesystem::remove(o->second, ec);
      return (void)ctx.Fail(copy.status());
    }
    copy->reset();
    ctx.out << ctx.T("cli.backup.done", {{"path", o->second}}) << "\n";
  });
}

}  // namespace schoolshare::cli
