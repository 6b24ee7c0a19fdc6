// schoolshare school list | resource list | staff list | class list  [--format table|json]
#include "cli_context.h"
#include "schoolshare/import.h"

namespace schoolshare::cli {
namespace {

std::string Display(const std::string& name, const std::string& name_en, Lang lang) {
  return lang == Lang::kEn && !name_en.empty() ? name_en : name;
}

void ListSchools(Context& ctx, const std::string& db, const std::string& district, const std::string& format) {
  auto store = ctx.Open(db);
  if (!store.ok()) return (void)ctx.Fail(store.status());
  auto schools = (*store)->ListSchools(district);
  if (!schools.ok()) return (void)ctx.Fail(schools.status());
  if (format == "json") {
    Json items = Json::array();
    for (const auto& s : *schools) items.push_back(ToJson(s));
    ctx.out << Json{{"items", items}}.dump(2) << "\n";
    return;
  }
  std::vector<std::vector<std::string>> rows;
  for (const auto& s : *schools) {
    rows.push_back({s.id, Display(s.name, s.name_en, ctx.lang), ctx.T(std::string("school_kind.") + ToString(s.kind)),
                    s.weak ? ctx.T("cli.yes") : "", std::to_string(s.students), s.district_id});
  }
  PrintTable(ctx.out,
             {ctx.T("cli.col.id"), ctx.T("cli.col.school"), ctx.T("cli.col.kind"), ctx.T("cli.col.weak"),
              ctx.T("cli.col.students"), ctx.T("cli.col.district")},
             rows);
}

struct ResourceOptions {
  std::string db, school, district, type, format = "table";
  int min_capacity = 0;
  std::vector<std::string> features;
};

void ListResources(Context& ctx, const ResourceOptions& o) {
  auto store = ctx.Open(o.db);
  if (!store.ok()) return (void)ctx.Fail(store.status());
  ResourceFilter f;
  f.school_id = o.school;
  f.district_id = o.district;
  f.min_capacity = o.min_capacity;
  f.features = o.features;
  if (!o.type.empty()) {
    auto t = ParseResourceType(o.type);
    if (!t.ok()) return (void)ctx.Fail(t.status());
    f.type = *t;
  }
  auto resources = (*store)->ListResources(f);
  if (!resources.ok()) return (void)ctx.Fail(resources.status());
  if (o.format == "json") {
    Json items = Json::array();
    for (const auto& r : *resources) items.push_back(ToJson(r));
    ctx.out << Json{{"items", items}}.dump(2) << "\n";
    return;
  }
  std::vector<std::vector<std::string>> rows;
  for (const auto& r : *resources) {
    std::string size = r.is_equipment() ? std::to_string(r.quantity) + ctx.T("cli.units")
                                        : (r.capacity ? std::to_string(r.capacity) + ctx.T("cli.people") : "");
    std::string features;
    for (const auto& feat : r.features) features += (features.empty() ? "" : ",") + feat;
    std::string policy = !r.policy.shared ? ctx.T("cli.policy.home_only")
                                          : ctx.T(std::string("approval_mode.") + ToString(r.policy.approval));
    rows.push_back({r.id, Display(r.name, r.name_en, ctx.lang), ctx.T(std::string("resource_type.") + ToString(r.type)),
                    SchoolName(**store, r.school_id, ctx.lang), size, policy, FormatOpeningHours(r.opening_hours),
                    features});
  }
  PrintTable(ctx.out,
             {ctx.T("cli.col.id"), ctx.T("cli.col.resource"), ctx.T("cli.col.type"), ctx.T("cli.col.school"),
              ctx.T("cli.col.size"), ctx.T("cli.col.policy"), ctx.T("cli.col.hours"), ctx.T("cli.col.features")},
             rows);
}

// Staff and classes: --school narrows, JSON gives the entities' own shapes.
void ListPeople(Context& ctx, const std::string& what, const std::string& db, const std::string& school,
                const std::string& format) {
  auto store = ctx.Open(db);
  if (!store.ok()) return (void)ctx.Fail(store.status());
  if (!school.empty()) {
    if (Status s = (*store)->GetSchool(school).status(); !s.ok()) return (void)ctx.Fail(s);
  }
  Json items = Json::array();
  std::vector<std::vector<std::string>> rows;
  if (what == "staff") {
    auto staff = (*store)->ListStaff(school);
    if (!staff.ok()) return (void)ctx.Fail(staff.status());
    for (const auto& m : *staff) {
      items.push_back(ToJson(m));
      rows.push_back({m.id, Display(m.name, m.name_en, ctx.lang), m.role, SchoolName(**store, m.school_id, ctx.lang)});
    }
  } else {
    auto classes = (*store)->ListClasses(school);
    if (!classes.ok()) return (void)ctx.Fail(classes.status());
    for (const auto& c : *classes) {
      items.push_back(ToJson(c));
      rows.push_back({c.id, Display(c.name, c.name_en, ctx.lang), std::to_string(c.grade), std::to_string(c.students),
                      SchoolName(**store, c.school_id, ctx.lang), FormatOpeningHours(c.lessons)});
    }
  }
  if (format == "json") {
    ctx.out << Json{{"items", items}}.dump(2) << "\n";
  } else if (what == "staff") {
    PrintTable(ctx.out, {ctx.T("cli.col.id"), ctx.T("cli.col.name"), ctx.T("cli.col.role"), ctx.T("cli.col.school")},
               rows);
  } else {
    PrintTable(ctx.out,
               {ctx.T("cli.col.id"), ctx.T("cli.col.class"), ctx.T("cli.col.grade"), ctx.T("cli.col.students"),
                ctx.T("cli.col.school"), ctx.T("cli.col.lessons")},
               rows);
  }
}

}  // namespace

void AddCatalogueCommands(CLI::App& app, Context& ctx) {
  CLI::App* school = app.add_subcommand("school", ctx.T("cli.school.help"))->require_subcommand(1);
  auto so = std::make_shared<std::array<std::string, 3>>();  // db, district, format
  (*so)[2] = "table";
  CLI::App* slist = school->add_subcommand("list", ctx.T("cli.school.list"));
  slist->add_option("--db", (*so)[0], ctx.T("cli.opt.db"))->required();
  slist->add_option("--district", (*so)[1], ctx.T("cli.opt.district"));
  slist->add_option("--format", (*so)[2], ctx.T("cli.opt.format"))->check(CLI::IsMember({"table", "json"}));
  slist->callback([&ctx, so] { ListSchools(ctx, (*so)[0], (*so)[1], (*so)[2]); });

  CLI::App* resource = app.add_subcommand("resource", ctx.T("cli.resource.help"))->require_subcommand(1);
  auto ro = std::make_shared<ResourceOptions>();
  CLI::App* rlist = resource->add_subcommand("list", ctx.T("cli.resource.list"));
  rlist->add_option("--db", ro->db, ctx.T("cli.opt.db"))->required();
  rlist->add_option("--school", ro->school, ctx.T("cli.opt.school"));
  rlist->add_option("--district", ro->district, ctx.T("cli.opt.district"));
  rlist->add_option("--type", ro->type, ctx.T("cli.opt.type"));
  rlist->add_option("--min-capacity", ro->min_capacity, ctx.T("cli.opt.min_capacity"));
  rlist->add_option("--feature", ro->features, ctx.T("cli.opt.feature"));
  rlist->add_option("--format", ro->format, ctx.T("cli.opt.format"))->check(CLI::IsMember({"table", "json"}));
  rlist->callback([&ctx, ro] { ListResources(ctx, *ro); });

  for (const char* what : {"staff", "class"}) {
    const std::string key = std::string("cli.") + what;
    CLI::App* group = app.add_subcommand(what, ctx.T(key + ".help"))->require_subcommand(1);
    auto po = std::make_shared<std::array<std::string, 3>>();  // db, school, format
    (*po)[2] = "table";
    CLI::App* list = group->add_subcommand("list", ctx.T(key + ".list"));
    list->add_option("--db", (*po)[0], ctx.T("cli.opt.db"))->required();
    list->add_option("--school", (*po)[1], ctx.T("cli.opt.school"));
    list->add_option("--format", (*po)[2], ctx.T("cli.opt.format"))->check(CLI::IsMember({"table", "json"}));
    list->callback([&ctx, po, kind = std::string(what)] {
      ListPeople(ctx, kind == "staff" ? "staff" : "classes", (*po)[0], (*po)[1], (*po)[2]);
    });
  }
}

}  // namespace schoolshare::cli
