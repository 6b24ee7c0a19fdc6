// schoolshare booking create | cancel | approve | reject | list | show
#include <algorithm>
#include <sstream>

#include "cli_context.h"
#include "schoolshare/booking_service.h"
#include "schoolshare/outcome_json.h"

namespace schoolshare::cli {
namespace {

struct CreateArgs {
  std::string db, resource, school, start, end, title, organizer, activity = "other", id, format = "table";
  int attendees = 0, quantity = 0;
  std::vector<std::string> features;
  bool backfill = false, dry_run = false;
  // series
  std::string weekly, until;
  std::vector<std::string> except;
  bool skip_conflicts = false;
};

// "2,4" or "tue,thu" or "周二,周四" -> {2, 4}
Result<std::vector<int>> ParseWeekdays(const std::string& text) {
  static const std::vector<std::pair<std::string, int>> kNames = {
      {"mon", 1},  {"tue", 2},  {"wed", 3},  {"thu", 4},  {"fri", 5},  {"sat", 6},  {"sun", 7},
      {"周一", 1}, {"周二", 2}, {"周三", 3}, {"周四", 4}, {"周五", 5}, {"周六", 6}, {"周日", 7}};
  std::vector<int> days;
  std::stringstream in(text);
  std::string item;
  while (std::getline(in, item, ',')) {
    item.erase(0, item.find_first_not_of(' '));
    item.erase(item.find_last_not_of(' ') + 1);
    std::string lower = item;
    std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
    int day = 0;
    if (lower.size() == 1 && lower[0] >= '1' && lower[0] <= '7') day = lower[0] - '0';
    for (const auto& [name, d] : kNames) {
      if (lower.rfind(name, 0) == 0) day = d;
    }
    if (day == 0) return Status::InvalidArgument("--weekly: unknown weekday \"" + item + "\" (use 1-7 or mon..sun)");
    days.push_back(day);
  }
  if (days.empty()) return Status::InvalidArgument("--weekly needs at least one weekday");
  return days;
}

void CreateSeries(Context& ctx, BookingService& service, const CreateArgs& a, const TimeZone& tz, Instant start,
                  Instant end) {
  auto weekdays = ParseWeekdays(a.weekly);
  if (!weekdays.ok()) return (void)ctx.Fail(weekdays.status());
  auto until = CivilDate::Parse(a.until);
  if (!until.ok()) return (void)ctx.Fail(until.status());
  SeriesRequest r;
  r.series.id = a.id;
  r.series.resource_id = a.resource;
  r.series.school_id = a.school;
  r.series.organizer = a.organizer;
  r.series.title = a.title;
  r.series.activity_type = a.activity;
  r.series.attendees = a.attendees;
  r.series.quantity = a.quantity;
  LocalDateTime s = tz.ToLocal(start), e = tz.ToLocal(end);
  r.series.first_date = s.date;
  r.series.last_date = *until;
  r.series.weekdays = *weekdays;
  r.series.start_minute = s.minute_of_day;
  r.series.end_minute = e.minute_of_day + static_cast<int>((e.date.ToDays() - s.date.ToDays()) * 1440);
  for (const auto& x : a.except) {
    auto d = CivilDate::Parse(x);
    if (!d.ok()) return (void)ctx.Fail(d.status());
    r.series.exceptions.push_back(*d);
  }
  r.mode = a.skip_conflicts ? SeriesRequest::Mode::kSkipConflicts : SeriesRequest::Mode::kAllOrNothing;
  CreateOptions options;
  options.allow_backfill = a.backfill;
  options.dry_run = a.dry_run;
  auto out = service.CreateSeries(r, CliActor(), options);
  if (!out.ok()) return (void)ctx.Fail(out.status());
  if (a.format == "json") {
    Json occ = Json::array();
    for (const auto& o : out->occurrences) {
      Json j = ToJson(o.outcome, tz, ctx.lang);
      j["date"] = o.date.ToString();
      occ.push_back(j);
    }
    ctx.out << Json{{"accepted", out->accepted},
                    {"series", ToJson(out->series)},
                    {"created", out->created},
                    {"refused", out->refused},
                    {"occurrences", occ}}
                   .dump(2)
            << "\n";
  } else {
    ctx.out << ctx.T(out->accepted ? "cli.series.created" : "cli.series.refused",
                     {{"created", std::to_string(out->created)},
                      {"refused", std::to_string(out->refused)},
                      {"total", std::to_string(out->occurrences.size())}})
            << "\n";
    for (const auto& o : out->occurrences) {
      if (o.outcome.violations.empty()) continue;
      ctx.out << "  " << o.date.ToString() << ":";
      for (const auto& v : o.outcome.violations)
        ctx.out << " [" << RuleName(v.rule) << "] " << DescribeViolation(ctx.lang, v);
      ctx.out << "\n";
    }
  }
  if (!out->accepted) ctx.exit_code = kExitConflict;
}

void Create(Context& ctx, const CreateArgs& a) {
  auto store = ctx.Open(a.db);
  if (!store.ok()) return (void)ctx.Fail(store.status());
  auto resource = (*store)->GetResource(a.resource);
  if (!resource.ok()) return (void)ctx.Fail(resource.status());
  auto tz = ZoneOfSchool(**store, resource->school_id);
  if (!tz.ok()) return (void)ctx.Fail(tz.status());
  auto start = tz->Parse(a.start);
  if (!start.ok()) return (void)ctx.Fail(kExitUsage, "--start: " + start.status().message());
  auto end = tz->Parse(a.end);
  if (!end.ok()) return (void)ctx.Fail(kExitUsage, "--end: " + end.status().message());
  BookingService service(**store, ctx.clock);
  if (!a.weekly.empty() || !a.until.empty()) {
    if (a.weekly.empty() || a.until.empty()) return (void)ctx.Fail(kExitUsage, ctx.T("cli.series.needs_both"));
    return CreateSeries(ctx, service, a, *tz, *start, *end);
  }
  BookingRequest r;
  r.id = a.id;
  r.resource_id = a.resource;
  r.school_id = a.school;
  r.organizer = a.organizer;
  r.title = a.title;
  r.activity_type = a.activity;
  r.attendees = a.attendees;
  r.quantity = a.quantity;
  r.start = *start;
  r.end = *end;
  r.required_features = a.features;
  CreateOptions options;
  options.allow_backfill = a.backfill;
  options.dry_run = a.dry_run;
  auto out = service.Create(r, CliActor(), options);
  if (!out.ok()) return (void)ctx.Fail(out.status());
  if (a.format == "json") {
    ctx.out << ToJson(*out, *tz, ctx.lang).dump(2) << "\n";
  } else {
    PrintOutcome(ctx, **store, *out, *tz);
  }
  if (!out->accepted) ctx.exit_code = kExitConflict;
}

enum class Change { kCancel, kApprove, kReject };

void ChangeState(Context& ctx, Change change, const std::string& db, const std::string& key, const std::string& reason,
                 const std::string& format) {
  auto store = ctx.Open(db);
  if (!store.ok()) return (void)ctx.Fail(store.status());
  auto booking = FindBooking(**store, key);
  if (!booking.ok()) return (void)ctx.Fail(booking.status());
  BookingService service(**store, ctx.clock);
  Result<BookingOutcome> out = change == Change::kCancel    ? service.Cancel(booking->id, CliActor(), reason)
                               : change == Change::kApprove ? service.Approve(booking->id, CliActor())
                                                            : service.Reject(booking->id, CliActor(), reason);
  if (!out.ok()) return (void)ctx.Fail(out.status());
  auto tz = ZoneOfSchool(**store, booking->school_id);
  if (!tz.ok()) return (void)ctx.Fail(tz.status());
  if (format == "json") {
    ctx.out << ToJson(*out, *tz, ctx.lang).dump(2) << "\n";
  } else if (out->accepted) {
    ctx.out << ctx.T("cli.booking.now",
                     {{"code", out->booking.code},
                      {"status", ctx.T(std::string("booking_status.") + ToString(out->booking.status))}});
    if (out->booking.status == BookingStatus::kPending) {
      ctx.out << " (" << ctx.T(std::string("approval_stage.") + ToString(out->booking.stage)) << ")";
    }
    ctx.out << "\n";
  } else {
    for (const auto& v : out->violations) {
      ctx.err << ctx.T("cli.error",
                       {{"message", "[" + std::string(RuleName(v.rule)) + "] " + DescribeViolation(ctx.lang, v)}})
              << "\n";
    }
  }
  if (!out->accepted) ctx.exit_code = kExitConflict;
}

struct ListArgs {
  std::string db, resource, school, owner, from, to, status, format = "table";
  int limit = 0;
};

void List(Context& ctx, const ListArgs& a) {
  auto store = ctx.Open(a.db);
  if (!store.ok()) return (void)ctx.Fail(store.status());
  // Times are read and shown in the district's zone: the school's or resource's, else the first district's.
  std::string zone_school = !a.school.empty() ? a.school : a.owner;
  if (zone_school.empty() && !a.resource.empty()) {
    if (auto r = (*store)->GetResource(a.resource); r.ok()) zone_school = r->school_id;
  }
  TimeZone tz = DefaultZone(**store);
  if (!zone_school.empty()) {
    auto z = ZoneOfSchool(**store, zone_school);
    if (!z.ok()) return (void)ctx.Fail(z.status());
    tz = *z;
  }
  BookingFilter f;
  f.resource_id = a.resource;
  f.school_id = a.school;
  f.owner_school_id = a.owner;
  f.limit = a.limit;
  for (auto [text, slot, name] : {std::tuple{&a.from, &f.from, "--from"}, std::tuple{&a.to, &f.to, "--to"}}) {
    if (text->empty()) continue;
    std::string t = *text;
    if (t.size() == 10) t += " 00:00";  // a date alone means its midnight
    auto when = tz.Parse(t);
    if (!when.ok()) return (void)ctx.Fail(kExitUsage, std::string(name) + ": " + when.status().message());
    *slot = *when;
  }
  if (!a.status.empty()) {
    auto st = ParseBookingStatus(a.status);
    if (!st.ok()) return (void)ctx.Fail(st.status());
    f.statuses = {*st};
  }
  auto bookings = (*store)->ListBookings(f);
  if (!bookings.ok()) return (void)ctx.Fail(bookings.status());
  if (a.format == "json") {
    Json items = Json::array();
    for (const auto& b : *bookings) items.push_back(ToJson(b, tz));
    ctx.out << Json{{"items", items}}.dump(2) << "\n";
    return;
  }
  std::vector<std::vector<std::string>> rows;
  for (const auto& b : *bookings) {
    std::string status = ctx.T(std::string("booking_status.") + ToString(b.status));
    if (b.status == BookingStatus::kPending) status += "·" + ctx.T(std::string("approval_stage.") + ToString(b.stage));
    rows.push_back({b.code, tz.FormatLocal(b.start) + "–" + tz.FormatTime(b.end),
                    ResourceName(**store, b.resource_id, ctx.lang), SchoolName(**store, b.school_id, ctx.lang), b.title,
                    b.quantity > 0 ? std::to_string(b.quantity) : std::to_string(b.attendees), status});
  }
  PrintTable(ctx.out,
             {ctx.T("cli.col.code"), ctx.T("cli.col.time"), ctx.T("cli.col.resource"), ctx.T("cli.col.school"),
              ctx.T("cli.col.title"), ctx.T("cli.col.people"), ctx.T("cli.col.status")},
             rows);
  ctx.out << ctx.T("cli.count", {{"n", std::to_string(bookings->size())}}) << "\n";
}

void Show(Context& ctx, const std::string& db, const std::string& key, const std::string& format) {
  auto store = ctx.Open(db);
  if (!store.ok()) return (void)ctx.Fail(store.status());
  auto b = FindBooking(**store, key);
  if (!b.ok()) return (void)ctx.Fail(b.status());
  auto tz = ZoneOfSchool(**store, b->school_id);
  if (!tz.ok()) return (void)ctx.Fail(tz.status());
  auto history = (*store)->ListAudit("booking", b->id);
  if (!history.ok()) return (void)ctx.Fail(history.status());
  if (format == "json") {
    Json h = Json::array();
    for (const auto& e : *history) h.push_back(ToJson(e, *tz));
    Json j = ToJson(*b, *tz);
    j["history"] = h;
    ctx.out << j.dump(2) << "\n";
    return;
  }
  ctx.out << b->code << "  " << b->title << "\n"
          << "  " << ResourceName(**store, b->resource_id, ctx.lang) << "  " << tz->FormatLocal(b->start) << "–"
          << tz->FormatTime(b->end) << "\n"
          << "  " << SchoolName(**store, b->school_id, ctx.lang) << "  " << b->organizer << "\n"
          << "  " << ctx.T(std::string("booking_status.") + ToString(b->status));
  if (!b->note.empty()) ctx.out << "  (" << b->note << ")";
  ctx.out << "\n" << ctx.T("cli.booking.history") << "\n";
  for (const auto& e : *history) {
    ctx.out << "  " << tz->FormatLocal(e.at) << "  " << ctx.T("action." + e.action) << "  " << e.actor_id << "\n";
  }
}

}  // namespace

void AddBookingCommands(CLI::App& app, Context& ctx) {
  CLI::App* booking = app.add_subcommand("booking", ctx.T("cli.booking.help"))->require_subcommand(1);

  auto c = std::make_shared<CreateArgs>();
  CLI::App* create = booking->add_subcommand("create", ctx.T("cli.booking.create"));
  create->add_option("--db", c->db, ctx.T("cli.opt.db"))->required();
  create->add_option("--resource", c->resource, ctx.T("cli.opt.resource"))->required();
  create->add_option("--school", c->school, ctx.T("cli.opt.requesting_school"))->required();
  create->add_option("--start", c->start, ctx.T("cli.opt.start"))->required();
  create->add_option("--end", c->end, ctx.T("cli.opt.end"))->required();
  create->add_option("--title", c->title, ctx.T("cli.opt.title"));
  create->add_option("--organizer", c->organizer, ctx.T("cli.opt.organizer"));
  create->add_option("--activity", c->activity, ctx.T("cli.opt.activity"));
  create->add_option("--attendees", c->attendees, ctx.T("cli.opt.attendees"))->check(CLI::NonNegativeNumber);
  create->add_option("--quantity", c->quantity, ctx.T("cli.opt.quantity"))->check(CLI::NonNegativeNumber);
  create->add_option("--id", c->id, ctx.T("cli.opt.booking_id"));
  create->add_option("--feature", c->features, ctx.T("cli.opt.feature"));
  create->add_flag("--backfill", c->backfill, ctx.T("cli.opt.backfill"));
  create->add_flag("--dry-run", c->dry_run, ctx.T("cli.opt.dry_run"));
  create->add_option("--weekly", c->weekly, ctx.T("cli.opt.weekly"));
  create->add_option("--until", c->until, ctx.T("cli.opt.until"));
  create->add_option("--except", c->except, ctx.T("cli.opt.except"));
  create->add_flag("--skip-conflicts", c->skip_conflicts, ctx.T("cli.opt.skip_conflicts"));
  create->add_option("--format", c->format, ctx.T("cli.opt.format"))->check(CLI::IsMember({"table", "json"}));
  create->callback([&ctx, c] { Create(ctx, *c); });

  struct ChangeArgs {
    std::string db, key, reason, format = "table";
  };
  for (auto [name, change] : {std::pair{"cancel", Change::kCancel}, std::pair{"approve", Change::kApprove},
                              std::pair{"reject", Change::kReject}}) {
    auto o = std::make_shared<ChangeArgs>();
    CLI::App* cmd = booking->add_subcommand(name, ctx.T(std::string("cli.booking.") + name));
    cmd->add_option("--db", o->db, ctx.T("cli.opt.db"))->required();
    cmd->add_option("booking", o->key, ctx.T("cli.opt.booking_key"))->required();
    auto* reason = cmd->add_option("--reason", o->reason,
                                   ctx.T(change == Change::kCancel ? "cli.opt.cancel_reason" : "cli.opt.reason"));
    if (change == Change::kReject) reason->required();
    if (change == Change::kApprove) cmd->remove_option(reason);
    cmd->add_option("--format", o->format, ctx.T("cli.opt.format"))->check(CLI::IsMember({"table", "json"}));
    Change which = change;
    cmd->callback([&ctx, o, which] { ChangeState(ctx, which, o->db, o->key, o->reason, o->format); });
  }

  auto l = std::make_shared<ListArgs>();
  CLI::App* list = booking->add_subcommand("list", ctx.T("cli.booking.list"));
  list->add_option("--db", l->db, ctx.T("cli.opt.db"))->required();
  list->add_option("--resource", l->resource, ctx.T("cli.opt.resource"));
  list->add_option("--school", l->school, ctx.T("cli.opt.requesting_school"));
  list->add_option("--owner", l->owner, ctx.T("cli.opt.owner"));
  list->add_option("--from", l->from, ctx.T("cli.opt.from"));
  list->add_option("--to", l->to, ctx.T("cli.opt.to"));
  list->add_option("--status", l->status, ctx.T("cli.opt.status"));
  list->add_option("--limit", l->limit, ctx.T("cli.opt.limit"))->check(CLI::NonNegativeNumber);
  list->add_option("--format", l->format, ctx.T("cli.opt.format"))->check(CLI::IsMember({"table", "json"}));
  list->callback([&ctx, l] { List(ctx, *l); });

  auto s = std::make_shared<ChangeArgs>();
  CLI::App* show = booking->add_subcommand("show", ctx.T("cli.booking.show"));
  show->add_option("--db", s->db, ctx.T("cli.opt.db"))->required();
  show->add_option("booking", s->key, ctx.T("cli.opt.booking_key"))->required();
  show->add_option("--format", s->format, ctx.T("cli.opt.format"))->check(CLI::IsMember({"table", "json"}));
  show->callback([&ctx, s] { Show(ctx, s->db, s->key, s->format); });
}

}  // namespace schoolshare::cli
