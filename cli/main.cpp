// schoolshare: the command line for set-up, import/export, bookings, reports and scripting.
// Exit codes: 0 ok, 2 usage, 3 conflict or rule refusal, 4 not found, 5 permission, 1 anything else.
#include <cstring>
#include <exception>

#include "cli_context.h"

int main(int argc, char** argv) {
  using namespace schoolshare;
  cli::Context ctx;
  ctx.lang = LangFromEnvironment();
  for (int i = 1; i < argc; ++i) {  // --lang decides the language of the help text too
    if (std::strcmp(argv[i], "--lang") == 0 && i + 1 < argc) ctx.lang = ParseLang(argv[i + 1]);
    if (std::strncmp(argv[i], "--lang=", 7) == 0) ctx.lang = ParseLang(argv[i] + 7);
  }
  try {
    CLI::App app{ctx.T("cli.app")};
    app.name("schoolshare");
    app.require_subcommand(1);
    app.fallthrough();  // --lang is accepted after the verb too (subcommands inherit this)
    std::string lang_flag;
    app.add_option("--lang", lang_flag, ctx.T("cli.opt.lang"))->check(CLI::IsMember({"zh-CN", "zh", "en"}));
    cli::AddInitCommand(app, ctx);
    cli::AddCatalogueCommands(app, ctx);
    cli::AddTokenCommand(app, ctx);
    cli::AddBookingCommands(app, ctx);
    cli::AddImportCommand(app, ctx);
    cli::AddBackupCommand(app, ctx);
    cli::AddMigrateStoreCommand(app, ctx);
    cli::AddGenCommand(app, ctx);
    cli::AddReportCommand(app, ctx);
    cli::AddTourCommand(app, ctx);
    cli::AddCheckCommand(app, ctx);
    cli::AddSyncCommands(app, ctx);
    cli::AddFindCommand(app, ctx);
    cli::AddExportCommand(app, ctx);
    try {
      app.parse(argc, argv);
    } catch (const CLI::CallForHelp& e) {
      return app.exit(e);
    } catch (const CLI::CallForAllHelp& e) {
      return app.exit(e);
    } catch (const CLI::ParseError& e) {
      app.exit(e);
      return cli::kExitUsage;
    }
    return ctx.exit_code;
  } catch (const std::exception& e) {
    return ctx.Fail(cli::kExitFailure, std::string("unexpected failure: ") + e.what());
  }
}
