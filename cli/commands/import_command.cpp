// schoolshare import --db FILE schools|resources|staff|classes|bookings FILE.csv  (all-or-nothing)
#include <fstream>
#include <sstream>

#include "cli_context.h"
#include "schoolshare/import.h"

namespace schoolshare::cli {

void AddImportCommand(CLI::App& app, Context& ctx) {
  struct Options {
    std::string db, kind, file;
  };
  auto o = std::make_shared<Options>();
  CLI::App* cmd = app.add_subcommand("import", ctx.T("cli.import.help"));
  cmd->add_option("--db", o->db, ctx.T("cli.opt.db"))->required();
  cmd->add_option("kind", o->kind, ctx.T("cli.import.kind"))
      ->required()
      ->check(CLI::IsMember({"schools", "resources", "staff", "classes", "bookings"}));
  cmd->add_option("file", o->file, ctx.T("cli.import.file"))->required();
  cmd->callback([&ctx, o] {
    std::ifstream in(o->file, std::ios::binary);
    if (!in) return (void)ctx.Fail(kExitNotFound, ctx.T("cli.import.cannot_read", {{"path", o->file}}));
    std::stringstream buffer;
    buffer << in.rdbuf();
    auto store = ctx.Open(o->db);
    if (!store.ok()) return (void)ctx.Fail(store.status());
    const std::string& text = buffer.str();
    const Actor by = CliActor();
    Result<ImportReport> report = o->kind == "schools"     ? ImportSchools(**store, text, by, ctx.lang)
                                  : o->kind == "resources" ? ImportResources(**store, text, by, ctx.lang)
                                  : o->kind == "staff"     ? ImportStaff(**store, text, by, ctx.lang)
                                  : o->kind == "classes"   ? ImportClasses(**store, text, by, ctx.lang)
                                                           : ImportBookings(**store, ctx.clock, text, by, ctx.lang);
    if (!report.ok()) return (void)ctx.Fail(report.status());
    if (report->ok()) {
      ctx.out << ctx.T("cli.import.done", {{"n", std::to_string(report->imported)}, {"file", o->file}}) << "\n";
      return;
    }
    for (const auto& e : report->errors) {
      ctx.err << o->file << ":" << e.line << (e.column.empty() ? "" : " [" + e.column + "]") << ": " << e.reason
              << "\n";
    }
    ctx.Fail(kExitUsage, ctx.T("cli.import.refused", {{"errors", std::to_string(report->errors.size())},
                                                      {"rows", std::to_string(report->rows)}}));
  });
}

}  // namespace schoolshare::cli
