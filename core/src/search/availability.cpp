// FindAvailability: the candidate resources of the query, loaded in one batch, judged slot by slot
// with the booking rules and ranked; a weekly pattern is judged occurrence by occurrence instead.
#include <algorithm>
#include <sstream>

#include "booking/judge.h"
#include "schoolshare/booking_service.h"
#include "schoolshare/search.h"
#include "search/ranking.h"
#include "search/scan.h"

namespace schoolshare {
namespace {

using search::Batch;

constexpr int kLongestPatternDays = 400;  // a school year

Status CheckPattern(const RecurringPattern& p, int limit) {
  if (p.weekday < 1 || p.weekday > 7) return Status::InvalidArgument("the weekday must be 1 (Monday) to 7 (Sunday)");
  if (p.start_minute < 0 || p.end_minute <= p.start_minute || p.end_minute > 48 * 60) {
    return Status::InvalidArgument("the weekly time must end after it starts");
  }
  if (!p.first_date.valid() || !p.last_date.valid() || p.last_date < p.first_date) {
    return Status::InvalidArgument("the pattern's last date is before its first");
  }
  if (p.last_date.ToDays() - p.first_date.ToDays() > kLongestPatternDays) {
    return Status::InvalidArgument("a weekly pattern spans at most 400 days (a school year)");
  }
  if (p.min_occurrences < 0) return Status::InvalidArgument("min_occurrences must not be negative");
  if (limit < 1 || limit > search::kMaxLimit) {
    return Status::InvalidArgument("the limit must be between 1 and " + std::to_string(search::kMaxLimit));
  }
  return Status::Ok();
}

// The occurrences of the pattern as the requesting school's calendar has them.
Result<std::vector<std::pair<Instant, Instant>>> Occurrences(Store& store, const RecurringPattern& p,
                                                             const School& requester) {
  SS_ASSIGN_OR_RETURN(District district, store.GetDistrict(requester.district_id));
  SS_ASSIGN_OR_RETURN(TimeZone tz, TimeZone::Find(district.time_zone));
  SS_ASSIGN_OR_RETURN(std::vector<CalendarDay> days, store.ListCalendarDays(district.id, p.first_date, p.last_date));
  BookingSeries series;
  series.first_date = p.first_date;
  series.last_date = p.last_date;
  series.weekdays = {p.weekday};
  std::vector<std::pair<Instant, Instant>> out;
  for (const CivilDate& d : SeriesDates(series, DistrictCalendar(std::move(days)), requester.id)) {
    SS_ASSIGN_OR_RETURN(Instant start, tz.ToInstant(d, p.start_minute));
    SS_ASSIGN_OR_RETURN(Instant end, tz.ToInstant(d, p.end_minute));
    out.emplace_back(start, end);
  }
  if (out.empty()) return Status::InvalidArgument("the weekly pattern has no dates (holidays remove them all)");
  return out;
}

Result<std::vector<RankedSlot>> ScanPattern(Batch& batch, const AvailabilityQuery& q, const School& requester,
                                            const std::vector<std::pair<Instant, Instant>>& occurrences,
                                            const RankingWeights& weights) {
  const int total = static_cast<int>(occurrences.size());
  const int needed = q.recurring->min_occurrences > 0 ? std::min(q.recurring->min_occurrences, total) : total;
  std::vector<RankedSlot> out;
  for (size_t i = 0; i < batch.size(); ++i) {
    int free = 0;
    std::optional<std::pair<Verdict, RuleInput>> first;
    std::pair<Instant, Instant> first_at;
    for (int k = 0; k < total; ++k) {
      if (free + (total - k) < needed) break;  // cannot reach the count any more
      SS_ASSIGN_OR_RETURN(Verdict v, batch.Evaluate(i, occurrences[k].first, occurrences[k].second));
      if (!v.ok()) {
        if (booking::TimeCannotHelp(v.violations)) break;
        continue;
      }
      ++free;
      if (!first) {
        first.emplace(v, batch.last_input());
        first_at = occurrences[k];
      }
    }
    if (free < needed || !first) continue;
    search::RankInput in;
    in.resource = &batch.resource(i);
    in.owner = &batch.owner(i);
    in.requester = &requester;
    in.verdict = &first->first;
    in.judged = &first->second;
    in.need = q.min_capacity;
    in.start = first_at.first;
    in.end = first_at.second;
    in.requested_start = first_at.first;
    in.occurrences_free = free;
    in.occurrences_total = total;
    in.lang = q.lang;
    out.push_back(search::Rank(in, weights));
  }
  return out;
}

}  // namespace

std::vector<std::string> SplitCommaList(const std::string& text) {
  std::vector<std::string> out;
  std::stringstream in(text);
  std::string item;
  while (std::getline(in, item, ',')) {
    if (!item.empty()) out.push_back(item);
  }
  return out;
}

Result<std::vector<ResourceType>> ParseResourceTypes(const std::string& comma_separated) {
  std::vector<ResourceType> out;
  for (const std::string& word : SplitCommaList(comma_separated)) {
    SS_ASSIGN_OR_RETURN(ResourceType t, ParseResourceType(word));
    if (std::find(out.begin(), out.end(), t) == out.end()) out.push_back(t);
  }
  return out;
}

std::string DescribeReason(Lang lang, const SearchReason& reason) { return Tr(lang, reason.key, reason.params); }

Json ToJson(const RankedSlot& s, const TimeZone& tz, Lang lang) {
  Json reasons = Json::array();
  for (const auto& r : s.reasons) {
    reasons.push_back({{"key", r.key}, {"text", DescribeReason(lang, r)}, {"params", r.params}});
  }
  Json j = {{"resource_id", s.resource_id},
            {"resource_name", s.resource_name},
            {"school_id", s.school_id},
            {"school_name", s.school_name},
            {"size", s.size},
            {"start", tz.FormatRfc3339(s.start)},
            {"end", tz.FormatRfc3339(s.end)},
            {"score", s.score},
            {"factors",
             {{"fit", s.factors.fit},
              {"distance", s.factors.distance},
              {"approval", s.factors.approval},
              {"fair_share", s.factors.fair_share},
              {"time", s.factors.time}}},
            {"distance_km", s.distance_km},
            {"status", ToString(s.status)},
            {"reasons", reasons}};
  if (s.occurrences_total > 0) {
    j["occurrences_free"] = s.occurrences_free;
    j["occurrences_total"] = s.occurrences_total;
  }
  return j;
}

Result<std::vector<RankedSlot>> FindAvailability(Store& store, const AvailabilityQuery& q, Instant now,
                                                 const RankingWeights& weights) {
  if (q.for_school_id.empty()) return Status::InvalidArgument("name the requesting school (for_school)");
  if (q.min_capacity < 0) return Status::InvalidArgument("min_capacity must not be negative");
  if (q.per_resource < 1) return Status::InvalidArgument("per_resource must be at least 1");
  if (q.recurring) {
    SS_RETURN_IF_ERROR(CheckPattern(*q.recurring, q.limit));
  } else {
    SS_RETURN_IF_ERROR(search::CheckWindow(q.from, q.to, q.duration_minutes, q.limit));
  }
  SS_ASSIGN_OR_RETURN(School requester, store.GetSchool(q.for_school_id));
  std::vector<std::string> districts;
  if (!q.school_id.empty()) {
    SS_RETURN_IF_ERROR(store.GetSchool(q.school_id).status());
  } else if (!q.whole_city) {
    districts = {requester.district_id};
  }
  SS_ASSIGN_OR_RETURN(search::Candidates candidates,
                      search::LoadCandidates(store, q.types, q.min_capacity, q.features, q.school_id, districts));
  if (q.recurring) {
    SS_ASSIGN_OR_RETURN(auto occurrences, Occurrences(store, *q.recurring, requester));
    return search::BestFirst(store, std::move(candidates), requester, occurrences.front().first,
                             occurrences.back().second, now, q.min_capacity, q.limit, weights,
                             [&](Batch& batch) { return ScanPattern(batch, q, requester, occurrences, weights); });
  }
  const search::ScanRequest scan{.from = q.from,
                                 .to = q.to,
                                 .duration_minutes = q.duration_minutes,
                                 .per_resource = q.per_resource,
                                 .need = q.min_capacity,
                                 .requester = &requester,
                                 .weights = weights,
                                 .lang = q.lang,
                                 .people_busy_until = {}};
  return search::SearchWindow(store, std::move(candidates), scan, q.limit, now);
}

}  // namespace schoolshare
