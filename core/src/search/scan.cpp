#include "search/scan.h"

#include <algorithm>
#include <set>

#include "booking/judge.h"
#include "search/ranking.h"

namespace schoolshare::search {

Result<Candidates> LoadCandidates(Store& store, const std::vector<ResourceType>& types, int min_size,
                                  const std::vector<std::string>& features, const std::string& school_id,
                                  const std::vector<std::string>& district_ids) {
  std::vector<std::optional<ResourceType>> each_type(types.begin(), types.end());
  if (each_type.empty()) each_type.push_back(std::nullopt);
  std::vector<std::string> scopes = district_ids;
  if (scopes.empty() || !school_id.empty()) scopes = {""};
  Candidates out;
  for (const auto& type : each_type) {
    for (const std::string& district : scopes) {
      ResourceFilter f;
      f.school_id = school_id;
      f.district_id = district;
      f.type = type;
      f.min_capacity = min_size;
      f.features = features;
      SS_ASSIGN_OR_RETURN(std::vector<ResourceKey> found, store.ListResourceKeys(f));
      for (auto& k : found) {
        if (out.owners.count(k.school_id) == 0) {  // the store caches schools: no query after the first
          SS_ASSIGN_OR_RETURN(School owner, store.GetSchool(k.school_id));
          out.owners.emplace(k.school_id, std::move(owner));
        }
        out.keys.push_back(std::move(k));
      }
    }
  }
  return out;
}

Status CheckWindow(Instant from, Instant to, int duration_minutes, int limit) {
  if (to <= from) return Status::InvalidArgument("the window is reversed or empty: \"to\" must come after \"from\"");
  if (to - from > kLongestWindow) {
    return Status::InvalidArgument("the window is longer than " + std::to_string(kLongestWindow / kDay) +
                                   " days: search a shorter stretch or use a weekly pattern");
  }
  if (duration_minutes <= 0) return Status::InvalidArgument("the duration must be a positive number of minutes");
  if (static_cast<Instant>(duration_minutes) * kMinute > to - from) {
    return Status::InvalidArgument("the duration (" + std::to_string(duration_minutes) +
                                   " min) is longer than the window (" + std::to_string((to - from) / kMinute) +
                                   " min)");
  }
  if (limit < 1 || limit > kMaxLimit) {
    return Status::InvalidArgument("the limit must be between 1 and " + std::to_string(kMaxLimit));
  }
  return Status::Ok();
}

namespace {

// The first start on the grid first + k * kStep that is at or after t.
Instant AlignUp(Instant t, Instant first) {
  if (t <= first) return first;
  return first + (t - first + kStep - 1) / kStep * kStep;
}

// The earliest start >= `start` whose [start, start + duration) can lie in an open interval (sorted,
// merged); -1 when none can.
Instant NextOpen(const std::vector<Interval>& open, Instant start, Instant duration, Instant first) {
  for (const Interval& iv : open) {
    if (iv.end - duration < start) continue;
    const Instant t = AlignUp(std::max(start, iv.start), first);
    if (t + duration <= iv.end) return t;
  }
  return -1;
}

}  // namespace

Result<std::vector<RankedSlot>> ScanSlots(Batch& batch, const ScanRequest& request, Instant now) {
  std::vector<RankedSlot> out;
  const Instant duration = static_cast<Instant>(request.duration_minutes) * kMinute;
  // The first start: the window's start, or the next quarter hour after now.
  Instant first = request.from;
  if (first < now) first = now - ((now % kStep) + kStep) % kStep + kStep;
  for (size_t i = 0; i < batch.size(); ++i) {
    const Resource& res = batch.resource(i);
    std::vector<Interval> open;
    if (!res.opening_hours.empty()) {
      const DistrictInfo& d = batch.district(i);
      open = ExpandWeeklyWindows(res.opening_hours, d.calendar, res.school_id, d.tz, request.from - kDay,
                                 request.to + kDay);
    }
    int found = 0;
    for (Instant start = first; start + duration <= request.to && found < request.per_resource;) {
      if (!res.opening_hours.empty()) {
        const Instant next = NextOpen(open, start, duration, first);
        if (next < 0) break;
        if (next != start) {
          start = next;
          continue;
        }
      }
      const Instant end = start + duration;
      if (request.people_busy_until) {
        if (const Instant until = request.people_busy_until(start, end); until > 0) {
          start = AlignUp(std::max(until, start + kStep), first);
          continue;
        }
      }
      SS_ASSIGN_OR_RETURN(Verdict v, batch.Evaluate(i, start, end));
      if (!v.ok()) {
        if (booking::TimeCannotHelp(v.violations)) break;
        start += kStep;
        continue;
      }
      RankInput in;
      in.resource = &res;
      in.owner = &batch.owner(i);
      in.requester = request.requester;
      in.verdict = &v;
      in.judged = &batch.last_input();
      in.need = request.need;
      in.start = start;
      in.end = end;
      in.requested_start = request.from;
      in.lang = request.lang;
      out.push_back(Rank(in, request.weights));
      ++found;
      start = end;  // the next offer of the same resource does not overlap this one
    }
  }
  return out;
}

Result<std::vector<RankedSlot>> BestFirst(Store& store, Candidates c, const School& requester, Instant from, Instant to,
                                          Instant now, int need, int limit, const RankingWeights& weights,
                                          const BatchScan& scan) {
  SS_ASSIGN_OR_RETURN(std::vector<SharingAgreement> lending, store.ListAgreements("", requester.id));
  std::set<std::string> auto_owners;
  for (const auto& a : lending) {
    if (a.auto_approve) auto_owners.insert(a.owner_school_id);
  }
  std::vector<std::pair<double, size_t>> order;
  for (size_t i = 0; i < c.keys.size(); ++i) {
    const ResourceKey& r = c.keys[i];
    order.push_back(
        {UpperBound(r, c.owners.at(r.school_id), requester, need, auto_owners.count(r.school_id) != 0, weights), i});
  }
  std::stable_sort(order.begin(), order.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
  std::vector<RankedSlot> best;
  for (size_t k = 0; k < order.size(); k += kChunk) {
    // Nothing left can beat the limit-th slot (ties are judged: the tie-break may favour them).
    if (static_cast<int>(best.size()) >= limit && best.back().score > order[k].first + 1e-9) break;
    std::vector<Resource> chunk;
    for (size_t m = k; m < std::min(order.size(), k + kChunk); ++m) {
      SS_ASSIGN_OR_RETURN(Resource r, store.GetResource(c.keys[order[m].second].id));
      chunk.push_back(std::move(r));
    }
    SS_ASSIGN_OR_RETURN(std::unique_ptr<Batch> batch,
                        Batch::Load(store, std::move(chunk), c.owners, requester, lending, from, to, now, need));
    SS_ASSIGN_OR_RETURN(std::vector<RankedSlot> found, scan(*batch));
    for (auto& s : found) best.push_back(std::move(s));
    SortAndTrim(best, limit);
  }
  return best;
}

Result<std::vector<RankedSlot>> SearchWindow(Store& store, Candidates candidates, const ScanRequest& scan, int limit,
                                             Instant now) {
  return BestFirst(store, std::move(candidates), *scan.requester, scan.from, scan.to, now, scan.need, limit,
                   scan.weights, [&](Batch& batch) { return ScanSlots(batch, scan, now); });
}

}  // namespace schoolshare::search
