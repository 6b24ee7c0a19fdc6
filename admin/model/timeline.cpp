#include "model/timeline.h"

#include <algorithm>

namespace schoolshare::admin {
namespace {

constexpr Instant kLongestWindow = 31 * 24 * 3600;

}  // namespace

Result<Timeline> BuildTimeline(Store& store, const TimelineQuery& query, Instant now,
                               const std::set<std::string>& awaiting) {
  if (query.to <= query.from) return Status::InvalidArgument("the timeline must end after it starts");
  if (query.to - query.from > kLongestWindow) return Status::InvalidArgument("the timeline shows at most 31 days");
  Timeline out;
  out.from = query.from;
  out.to = query.to;
  // One snapshot: rows, bars and facts agree with each other even while a pull writes the replica.
  Status s = store.ReadTransaction([&]() -> Status {
    ResourceFilter rf;
    rf.school_id = query.school_id;
    rf.type = query.type;
    if (!query.feature.empty()) rf.features = {query.feature};
    SS_ASSIGN_OR_RETURN(std::vector<Resource> resources, store.ListResources(rf));
    SS_ASSIGN_OR_RETURN(std::vector<School> schools, store.ListSchools());
    std::map<std::string, int> colour;
    for (const School& sc : schools) colour.emplace(sc.id, static_cast<int>(colour.size()));

    std::map<std::string, std::size_t> row_of;
    for (Resource& r : resources) {
      if (query.shared_only && !r.policy.shared) continue;
      row_of[r.id] = out.rows.size();
      out.rows.push_back({std::move(r), {}, {}});
    }
    std::stable_sort(out.rows.begin(), out.rows.end(), [](const TimelineRow& a, const TimelineRow& b) {
      return std::tie(a.resource.school_id, a.resource.id) < std::tie(b.resource.school_id, b.resource.id);
    });
    for (std::size_t i = 0; i < out.rows.size(); ++i) row_of[out.rows[i].resource.id] = i;

    FactFilter ff;
    ff.from = query.from - 24 * 3600;  // a check-in may precede its booking's start
    ff.to = query.to + 24 * 3600;
    SS_ASSIGN_OR_RETURN(std::vector<UsageFact> facts, store.ListFacts(ff));
    std::map<std::string, std::vector<UsageFact>> facts_of;
    for (UsageFact& f : facts) {
      if (!f.booking_id.empty()) facts_of[f.booking_id].push_back(std::move(f));
    }

    BookingFilter bf;
    bf.owner_school_id = query.school_id;
    bf.from = query.from;
    bf.to = query.to;
    SS_ASSIGN_OR_RETURN(std::vector<Booking> bookings, store.ListBookings(bf));
    for (const Booking& b : bookings) {
      auto row = row_of.find(b.resource_id);
      if (row == row_of.end()) continue;
      TimelineBar bar;
      bar.booking_id = b.id;
      bar.code = b.code;
      bar.title = b.title;
      bar.organizer = b.organizer;
      bar.school_id = b.school_id;
      bar.start = b.start;
      bar.end = b.end;
      bar.status = b.status;
      const auto& mine = facts_of[b.id];
      bar.usage = UsageOf(b, mine, now);
      bar.overran = std::any_of(mine.begin(), mine.end(),
                                [&](const UsageFact& f) { return f.kind == FactKind::kCheckOut && f.at > b.end; });
      bar.awaiting_server = awaiting.count(b.id) > 0;
      if (auto c = colour.find(b.school_id); c != colour.end()) bar.school_colour = c->second;
      out.rows[row->second].bars.push_back(std::move(bar));
    }
    for (TimelineRow& row : out.rows) {
      SS_ASSIGN_OR_RETURN(row.blackouts, store.ListBlackouts(row.resource.id, query.from, query.to));
    }
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return out;
}

Slot SnapToPeriod(const School& owner, const TimeZone& tz, Instant t, int default_minutes) {
  const LocalDateTime local = tz.ToLocal(t);
  auto at = [&](int minute) {
    auto instant = tz.ToInstant(local.date, minute);
    return instant.ok() ? *instant : t + (minute - local.minute_of_day) * 60;
  };
  for (const ClassPeriod& p : owner.periods) {
    if (local.minute_of_day >= p.start_minute && local.minute_of_day < p.end_minute) {
      return {at(p.start_minute), at(p.end_minute)};
    }
  }
  const int start = local.minute_of_day / 15 * 15;
  return {at(start), at(start) + default_minutes * 60};
}

}  // namespace schoolshare::admin
