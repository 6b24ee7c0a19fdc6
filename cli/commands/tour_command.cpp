// schoolshare tour --db FILE [--school ID]: a short guided look at a district from the command line:
// today's schedule at one school, a refused double booking with its alternatives, and a report.
#include <algorithm>

#include "cli_context.h"
#include "schoolshare/booking_service.h"
#include "schoolshare/reports.h"
#include "schoolshare/usage.h"

namespace schoolshare::cli {
namespace {

std::string UsageOf(Store& store, const Booking& b, Instant now, const Context& ctx) {
  FactFilter f;
  f.booking_id = b.id;
  auto facts = store.ListFacts(f);
  UsageState state = UsageOf(b, facts.ok() ? *facts : std::vector<UsageFact>{}, now);
  return state == UsageState::kNone ? std::string() : ctx.T(std::string("usage.") + ToString(state));
}

void Tour(Context& ctx, const std::string& db, std::string school_id) {
  auto opened = ctx.Open(db);
  if (!opened.ok()) return (void)ctx.Fail(opened.status());
  Store& store = **opened;
  if (school_id.empty()) {
    auto schools = store.ListSchools();
    if (!schools.ok() || schools->empty()) return (void)ctx.Fail(kExitNotFound, ctx.T("cli.tour.empty"));
    school_id = std::any_of(schools->begin(), schools->end(), [](const School& s) { return s.id == "xjw"; })
                    ? "xjw"
                    : (*schools)[0].id;
  }
  auto school = store.GetSchool(school_id);
  if (!school.ok()) return (void)ctx.Fail(school.status());
  auto district = store.GetDistrict(school->district_id);
  if (!district.ok()) return (void)ctx.Fail(district.status());
  auto tz = TimeZone::Find(district->time_zone);
  if (!tz.ok()) return (void)ctx.Fail(tz.status());
  Instant now = ctx.clock.Now();
  CivilDate today = tz->LocalDate(now);

  // 1. Today at the school.
  ctx.out << "\n== "
          << ctx.T("cli.tour.today", {{"school", SchoolName(store, school_id, ctx.lang)},
                                      {"date", today.ToString()},
                                      {"time", tz->FormatTime(now)}})
          << " ==\n";
  BookingFilter f;
  f.owner_school_id = school_id;
  f.from = *tz->ToInstant(today, 0);
  f.to = *tz->ToInstant(today.AddDays(1), 0);
  f.statuses = {BookingStatus::kConfirmed, BookingStatus::kPending};
  auto today_bookings = store.ListBookings(f);
  if (!today_bookings.ok()) return (void)ctx.Fail(today_bookings.status());
  std::vector<std::vector<std::string>> rows;
  for (const auto& b : *today_bookings) {
    rows.push_back({tz->FormatTime(b.start) + "–" + tz->FormatTime(b.end), ResourceName(store, b.resource_id, ctx.lang),
                    SchoolName(store, b.school_id, ctx.lang), b.title,
                    ctx.T(std::string("booking_status.") + ToString(b.status)), UsageOf(store, b, now, ctx)});
  }
  PrintTable(ctx.out,
             {ctx.T("cli.col.time"), ctx.T("cli.col.resource"), ctx.T("cli.col.school"), ctx.T("cli.col.title"),
              ctx.T("cli.col.status"), ctx.T("cli.col.usage")},
             rows);

  // 2. Another school tries to take a slot that is already booked.
  BookingFilter future;
  future.owner_school_id = school_id;
  future.from = now + kHour;
  future.statuses = {BookingStatus::kConfirmed};
  future.limit = 200;
  auto upcoming = store.ListBookings(future);
  if (!upcoming.ok()) return (void)ctx.Fail(upcoming.status());
  auto schools = store.ListSchools(school->district_id);
  const Booking* target = nullptr;
  for (const auto& b : *upcoming) {
    auto r = store.GetResource(b.resource_id);
    if (r.ok() && !r->is_equipment() && r->policy.shared) {
      target = &b;
      break;
    }
  }
  if (target && schools.ok() && schools->size() > 1) {
    std::string other = (*schools)[0].id == school_id ? (*schools)[1].id : (*schools)[0].id;
    for (const auto& s : *schools) {
      if (s.id != school_id && s.weak) other = s.id;  // a weak member school asks, as it often does
    }
    ctx.out << "\n== " << ctx.T("cli.tour.double", {{"school", SchoolName(store, other, ctx.lang)}}) << " ==\n";
    BookingRequest r;
    r.resource_id = target->resource_id;
    r.school_id = other;
    r.organizer = ctx.lang == Lang::kEn ? "Ms. Li" : "李老师";
    r.title = ctx.lang == Lang::kEn ? "Joint PE lesson" : "联合体育课";
    r.activity_type = "sports";
    r.attendees = std::max(1, std::min(40, target->attendees));
    r.start = target->start;
    r.end = target->end;
    BookingService service(store, ctx.clock);
    CreateOptions dry;
    dry.dry_run = true;  // the tour shows the refusal; it never writes
    auto out = service.Create(r, CliActor(), dry);
    if (!out.ok()) return (void)ctx.Fail(out.status());
    PrintOutcome(ctx, store, *out, *tz);
  }

  // 3. The sharing ledger of the last 30 days.
  CivilDate from = today.AddDays(-30);
  ctx.out << "\n== " << ctx.T("cli.tour.ledger", {{"from", from.ToString()}, {"to", today.ToString()}}) << " ==\n";
  auto ledger =
      BuildSharingLedger(store, school->district_id, *tz->ToInstant(from, 0), *tz->ToInstant(today.AddDays(1), 0));
  if (!ledger.ok()) return (void)ctx.Fail(ledger.status());
  PrintLedger(ctx, store, *ledger, "table");
}

}  // namespace

void AddTourCommand(CLI::App& app, Context& ctx) {
  auto o = std::make_shared<std::pair<std::string, std::string>>();
  CLI::App* cmd = app.add_subcommand("tour", ctx.T("cli.tour.help"));
  cmd->add_option("--db", o->first, ctx.T("cli.opt.db"))->required();
  cmd->add_option("--school", o->second, ctx.T("cli.opt.school"));
  cmd->callback([&ctx, o] { Tour(ctx, o->first, o->second); });
}

}  // namespace schoolshare::cli
