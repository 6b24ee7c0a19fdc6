// schoolshare token create --db FILE --role ROLE [--school ID] [--label TEXT] | list | revoke ID
// (--role feed with --school ID or --resource ID: a token that opens that calendar feed only)
#include "cli_context.h"
#include "schoolshare/tokens.h"

namespace schoolshare::cli {

void AddTokenCommand(CLI::App& app, Context& ctx) {
  struct Options {
    std::string db, role, school, resource, label, id, format = "table";
  };
  auto o = std::make_shared<Options>();
  CLI::App* token = app.add_subcommand("token", ctx.T("cli.token.help"))->require_subcommand(1);

  CLI::App* create = token->add_subcommand("create", ctx.T("cli.token.create"));
  create->add_option("--db", o->db, ctx.T("cli.opt.db"))->required();
  create->add_option("--role", o->role, ctx.T("cli.opt.role"))
      ->required()
      ->check(CLI::IsMember({"district_admin", "school_manager", "kiosk", "auditor", "feed"}));
  create->add_option("--school", o->school, ctx.T("cli.opt.school"));
  create->add_option("--resource", o->resource, ctx.T("cli.opt.feed_resource"));
  create->add_option("--label", o->label, ctx.T("cli.opt.label"));
  create->callback([&ctx, o] {
    auto store = ctx.Open(o->db);
    if (!store.ok()) return (void)ctx.Fail(store.status());
    auto role = ParseRole(o->role);
    if (!role.ok()) return (void)ctx.Fail(role.status());
    if (*role == Role::kFeed && o->school.empty() == o->resource.empty()) {
      return (void)ctx.Fail(kExitUsage, ctx.T("cli.token.feed_target"));
    }
    auto issued = *role == Role::kFeed ? IssueFeedToken(**store, o->school.empty() ? o->resource : o->school, o->label,
                                                        CliActor(), ctx.clock.Now())
                                       : IssueToken(**store, *role, o->school, o->label, CliActor(), ctx.clock.Now());
    if (!issued.ok()) return (void)ctx.Fail(issued.status());
    ctx.out << issued->token << "\n";  // stdout holds only the token, for scripts
    ctx.err << ctx.T("cli.token.shown_once", {{"id", issued->record.id}}) << "\n";
  });

  CLI::App* list = token->add_subcommand("list", ctx.T("cli.token.list"));
  list->add_option("--db", o->db, ctx.T("cli.opt.db"))->required();
  list->add_option("--format", o->format, ctx.T("cli.opt.format"))->check(CLI::IsMember({"table", "json"}));
  list->callback([&ctx, o] {
    auto store = ctx.Open(o->db);
    if (!store.ok()) return (void)ctx.Fail(store.status());
    auto tokens = (*store)->ListTokens();
    if (!tokens.ok()) return (void)ctx.Fail(tokens.status());
    TimeZone tz = DefaultZone(**store);
    if (o->format == "json") {
      Json items = Json::array();
      for (const auto& t : *tokens) items.push_back(ToJson(t, tz));
      ctx.out << Json{{"items", items}}.dump(2) << "\n";
      return;
    }
    std::vector<std::vector<std::string>> rows;
    for (const auto& t : *tokens) {
      rows.push_back({t.id, ToString(t.role), t.feed_id.empty() ? t.school_id : t.feed_id, t.label,
                      tz.FormatLocal(t.created_at), t.revoked ? ctx.T("cli.token.revoked") : ""});
    }
    PrintTable(ctx.out,
               {ctx.T("cli.col.id"), ctx.T("cli.col.role"), ctx.T("cli.col.school"), ctx.T("cli.col.label"),
                ctx.T("cli.col.created"), ctx.T("cli.col.state")},
               rows);
  });

  CLI::App* revoke = token->add_subcommand("revoke", ctx.T("cli.token.revoke"));
  revoke->add_option("--db", o->db, ctx.T("cli.opt.db"))->required();
  revoke->add_option("id", o->id, ctx.T("cli.opt.token_id"))->required();
  revoke->callback([&ctx, o] {
    auto store = ctx.Open(o->db);
    if (!store.ok()) return (void)ctx.Fail(store.status());
    if (Status s = (*store)->RevokeToken(o->id, CliActor()); !s.ok()) return (void)ctx.Fail(s);
    ctx.out << ctx.T("cli.token.revoked_done", {{"id", o->id}}) << "\n";
  });
}

}  // namespace schoolshare::cli
