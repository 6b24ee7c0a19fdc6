// schoolshare find --db FILE --for-school ID --from T --to T --duration MIN [--type hall,field]
//   [--min-capacity N] [--feature F]... [--school ID | --anywhere | --city]
//   [--every-weekday N --first-date D --last-date D [--min-occurrences K]] [--limit N] [--format table|json]
// With --every-weekday, --from and --to are the local times of day ("14:00") of each occurrence.
#include <cstdio>

#include "cli_context.h"
#include "schoolshare/search.h"

namespace schoolshare::cli {
namespace {

struct FindArgs : SearchArgs {
  std::string for_school, school, first_date, last_date;
  int every_weekday = 0, min_occurrences = 0;
  bool anywhere = false;
};

std::string Score(double v) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%.2f", v);
  return buf;
}

}  // namespace

// Prints ranked slots as a table or JSON ({"items": [...]}, the HTTP shape).
void PrintSlots(Context& ctx, const std::vector<RankedSlot>& slots, const TimeZone& tz, const std::string& format) {
  if (format == "json") {
    Json items = Json::array();
    for (const auto& s : slots) items.push_back(ToJson(s, tz, ctx.lang));
    ctx.out << Json{{"items", items}}.dump(2) << "\n";
    return;
  }
  if (slots.empty()) {
    ctx.out << ctx.T("cli.find.none") << "\n";
    return;
  }
  std::vector<std::vector<std::string>> rows;
  int rank = 0;
  for (const auto& s : slots) {
    std::string why;
    for (const auto& r : s.reasons)
      why += (why.empty() ? "" : ctx.T("cli.find.separator")) + DescribeReason(ctx.lang, r);
    rows.push_back({std::to_string(++rank), s.resource_name, s.school_name, std::to_string(s.size),
                    tz.FormatLocal(s.start) + "–" + tz.FormatTime(s.end), Score(s.score), why});
  }
  PrintTable(ctx.out,
             {"#", ctx.T("cli.col.resource"), ctx.T("cli.col.school"), ctx.T("cli.col.size"), ctx.T("cli.col.time"),
              ctx.T("cli.col.score"), ctx.T("cli.col.why")},
             rows);
}

void AddSearchOptions(CLI::App& command, Context& ctx, SearchArgs& a) {
  command.add_option("--db", a.db, ctx.T("cli.opt.db"));
  command.add_option("--from", a.from, ctx.T("cli.opt.from"));
  command.add_option("--to", a.to, ctx.T("cli.opt.to"));
  command.add_option("--duration", a.duration, ctx.T("cli.find.duration"));
  command.add_option("--type", a.types, ctx.T("cli.find.types"));
  command.add_option("--min-capacity", a.min_capacity, ctx.T("cli.opt.min_capacity"));
  command.add_option("--feature", a.features, ctx.T("cli.opt.feature"));
  command.add_flag("--city", a.city, ctx.T("cli.find.city"));
  command.add_option("--limit", a.limit, ctx.T("cli.opt.limit"));
  command.add_option("--per-resource", a.per_resource, ctx.T("cli.find.per_resource"));
  command.add_option("--format", a.format, ctx.T("cli.opt.format"))->check(CLI::IsMember({"table", "json"}));
}

void AddFindCommand(CLI::App& app, Context& ctx) {
  auto a = std::make_shared<FindArgs>();
  CLI::App* find = app.add_subcommand("find", ctx.T("cli.find.help"));
  AddSearchOptions(*find, ctx, *a);
  find->add_option("--for-school", a->for_school, ctx.T("cli.opt.requesting_school"));
  find->add_option("--school", a->school, ctx.T("cli.find.school"));
  find->add_flag("--anywhere", a->anywhere, ctx.T("cli.find.anywhere"));
  find->add_option("--every-weekday", a->every_weekday, ctx.T("cli.find.every_weekday"))->check(CLI::Range(1, 7));
  find->add_option("--first-date", a->first_date, ctx.T("cli.opt.from_date"));
  find->add_option("--last-date", a->last_date, ctx.T("cli.opt.to_date"));
  find->add_option("--min-occurrences", a->min_occurrences, ctx.T("cli.find.min_occurrences"));
  AddFindCommonCommand(*find, ctx);
  find->callback([&ctx, a, find] {
    if (!find->get_subcommands().empty()) return;  // `find common` ran instead
    if (a->db.empty() || a->for_school.empty() || a->from.empty() || a->to.empty()) {
      return (void)ctx.Fail(kExitUsage, ctx.T("cli.find.required"));
    }
    if (!a->school.empty() && (a->anywhere || a->city)) {
      return (void)ctx.Fail(kExitUsage, ctx.T("cli.find.one_scope"));
    }
    auto store = ctx.Open(a->db);
    if (!store.ok()) return (void)ctx.Fail(store.status());
    auto tz = ZoneOfSchool(**store, a->for_school);
    if (!tz.ok()) return (void)ctx.Fail(tz.status());
    AvailabilityQuery q;
    auto types = ParseResourceTypes(a->types);
    if (!types.ok()) return (void)ctx.Fail(kExitUsage, "--type: " + types.status().message());
    q.types = *types;
    q.min_capacity = a->min_capacity;
    q.features = a->features;
    q.school_id = a->school;
    q.whole_city = a->city;
    q.for_school_id = a->for_school;
    q.limit = a->limit;
    q.per_resource = a->per_resource;
    q.lang = ctx.lang;
    if (a->every_weekday > 0) {
      RecurringPattern p;
      p.weekday = a->every_weekday;
      auto start = ParseMinuteOfDay(a->from);
      auto end = ParseMinuteOfDay(a->to);
      auto first = CivilDate::Parse(a->first_date);
      auto last = CivilDate::Parse(a->last_date);
      if (!start.ok()) return (void)ctx.Fail(kExitUsage, "--from: " + start.status().message());
      if (!end.ok()) return (void)ctx.Fail(kExitUsage, "--to: " + end.status().message());
      if (!first.ok()) return (void)ctx.Fail(kExitUsage, "--first-date: " + first.status().message());
      if (!last.ok()) return (void)ctx.Fail(kExitUsage, "--last-date: " + last.status().message());
      p.start_minute = *start;
      p.end_minute = *end;
      p.first_date = *first;
      p.last_date = *last;
      p.min_occurrences = a->min_occurrences;
      q.recurring = p;
    } else {
      auto from = tz->Parse(a->from);
      auto to = tz->Parse(a->to);
      if (!from.ok()) return (void)ctx.Fail(kExitUsage, "--from: " + from.status().message());
      if (!to.ok()) return (void)ctx.Fail(kExitUsage, "--to: " + to.status().message());
      q.from = *from;
      q.to = *to;
      q.duration_minutes = a->duration;
    }
    auto slots = FindAvailability(**store, q, ctx.clock.Now());
    if (!slots.ok()) return (void)ctx.Fail(slots.status());
    PrintSlots(ctx, *slots, *tz, a->format);
  });
}

}  // namespace schoolshare::cli
