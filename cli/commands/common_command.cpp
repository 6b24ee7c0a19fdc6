// schoolshare find common --db FILE --schools A,B[,...] [--classes X,Y] --from T --to T --duration MIN
//   [--type hall] [--min-capacity N] [--feature F]... [--city] [--limit N] [--format table|json]
#include "cli_context.h"
#include "schoolshare/search.h"

namespace schoolshare::cli {
namespace {

struct CommonArgs : SearchArgs {
  std::string schools, classes;
};

}  // namespace

void AddFindCommonCommand(CLI::App& find, Context& ctx) {
  auto a = std::make_shared<CommonArgs>();
  CLI::App* common = find.add_subcommand("common", ctx.T("cli.find.common.help"));
  AddSearchOptions(*common, ctx, *a);
  common->add_option("--schools", a->schools, ctx.T("cli.find.common.schools"));
  common->add_option("--classes", a->classes, ctx.T("cli.find.common.classes"));
  common->callback([&ctx, a] {
    if (a->db.empty() || a->schools.empty() || a->from.empty() || a->to.empty() || a->duration == 0) {
      return (void)ctx.Fail(kExitUsage, ctx.T("cli.find.common.required"));
    }
    auto store = ctx.Open(a->db);
    if (!store.ok()) return (void)ctx.Fail(store.status());
    CommonTimeQuery q;
    q.school_ids = SplitCommaList(a->schools);
    q.class_ids = SplitCommaList(a->classes);
    if (q.school_ids.empty()) return (void)ctx.Fail(kExitUsage, ctx.T("cli.find.common.required"));
    auto tz = ZoneOfSchool(**store, q.school_ids[0]);
    if (!tz.ok()) return (void)ctx.Fail(tz.status());
    auto types = ParseResourceTypes(a->types);
    if (!types.ok()) return (void)ctx.Fail(kExitUsage, "--type: " + types.status().message());
    auto from = tz->Parse(a->from);
    auto to = tz->Parse(a->to);
    if (!from.ok()) return (void)ctx.Fail(kExitUsage, "--from: " + from.status().message());
    if (!to.ok()) return (void)ctx.Fail(kExitUsage, "--to: " + to.status().message());
    q.types = *types;
    q.from = *from;
    q.to = *to;
    q.duration_minutes = a->duration;
    q.min_capacity = a->min_capacity;
    q.features = a->features;
    q.whole_city = a->city;
    q.limit = a->limit;
    q.per_resource = a->per_resource;
    q.lang = ctx.lang;
    auto slots = FindCommonFreeTime(**store, q, ctx.clock.Now());
    if (!slots.ok()) return (void)ctx.Fail(slots.status());
    PrintSlots(ctx, *slots, *tz, a->format);
  });
}

}  // namespace schoolshare::cli
