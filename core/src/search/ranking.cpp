// Ranking factors (each 0..1):
//   fit         need / size (a 40-seat room for 30 people: 0.75; an 800-seat hall: 0.04); 1 when either is 0
//   distance    1 / (1 + km / 5): own campus 1, 5 km 0.5, 15 km 0.25
//   approval    1 when a booking would be confirmed at once (own school, approval none, an automatic
//               agreement), 0.5 for the owner's approval, 0.25 for the owner's and the district's
//   fair_share  the share of the requester's weekly cap (resource or agreement) left after the slot; 1 with no cap
//   time        1 / (1 + hours after the requested start / 6); recurring: the share of occurrences free
#include "search/ranking.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace schoolshare::search {
namespace {

std::string Num(std::int64_t v) { return std::to_string(v); }

std::string OneDecimal(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", v);
  return buf;
}

int SizeOf(const Resource& r) { return r.is_equipment() ? r.quantity : r.capacity; }

double Fit(int need, int size) { return need > 0 && size > 0 ? std::min(1.0, static_cast<double>(need) / size) : 1.0; }

double DistanceKmOf(const std::string& owner_id, const School& owner, const School& requester) {
  return owner_id == requester.id ? 0 : DistanceKm(requester.location, owner.location);
}

double DistanceFactor(double km) { return 1.0 / (1.0 + km / 5.0); }

}  // namespace

double UpperBound(const ResourceKey& resource, const School& owner, const School& requester, int need,
                  bool auto_agreement, const RankingWeights& w) {
  const bool own = resource.school_id == requester.id;
  double approval = 1;
  if (!own && !auto_agreement && resource.approval != ApprovalMode::kNone) {
    approval = resource.approval == ApprovalMode::kOwnerThenDistrict ? 0.25 : 0.5;
  }
  const int size = resource.type == ResourceType::kEquipment ? resource.quantity : resource.capacity;
  return w.fit * Fit(need, size) + w.distance * DistanceFactor(DistanceKmOf(resource.school_id, owner, requester)) +
         w.approval * approval + w.fair_share + w.time;
}

RankedSlot Rank(const RankInput& in, const RankingWeights& w) {
  const Resource& res = *in.resource;
  RankedSlot s;
  s.resource_id = res.id;
  s.school_id = res.school_id;
  const bool en = in.lang == Lang::kEn;
  s.resource_name = en && !res.name_en.empty() ? res.name_en : res.name;
  s.school_name = en && !in.owner->name_en.empty() ? in.owner->name_en : in.owner->name;
  s.start = in.start;
  s.end = in.end;
  s.status = in.verdict->status;
  s.occurrences_free = in.occurrences_free;
  s.occurrences_total = in.occurrences_total;
  RankingFactors& f = s.factors;
  const bool own = res.school_id == in.requester->id;

  // Fit.
  const int size = SizeOf(res);
  s.size = size;
  f.fit = Fit(in.need, size);
  if (in.need > 0 && size > 0) {
    const std::string key = res.is_equipment() ? "search.reason.stock"
                            : f.fit >= 0.5     ? "search.reason.fit"
                                               : "search.reason.too_big";
    s.reasons.push_back({key, {{"need", Num(in.need)}, {"size", Num(size)}}});
  }

  // Distance.
  s.distance_km = DistanceKmOf(res.school_id, *in.owner, *in.requester);
  f.distance = DistanceFactor(s.distance_km);
  if (own) {
    s.reasons.push_back({"search.reason.own_school", {}});
  } else {
    s.reasons.push_back({"search.reason.distance", {{"km", OneDecimal(s.distance_km)}}});
  }

  // Approval.
  if (in.verdict->status == BookingStatus::kConfirmed) {
    f.approval = 1;
    s.reasons.push_back({"search.reason.no_approval", {}});
  } else if (res.policy.approval == ApprovalMode::kOwnerThenDistrict) {
    f.approval = 0.25;
    s.reasons.push_back({"search.reason.approval_district", {}});
  } else {
    f.approval = 0.5;
    s.reasons.push_back({"search.reason.approval_owner", {}});
  }

  // Fair share: the tighter of the resource's cap and the applying agreement's cap.
  f.fair_share = 1;
  if (!own) {
    const int minutes = static_cast<int>((in.end - in.start) / kMinute);
    int limit = 0;
    int left = 0;
    auto consider = [&](int cap, int used) {
      if (cap <= 0) return;
      const int after = std::max(0, cap - used - minutes);
      const double share = static_cast<double>(after) / cap;
      if (limit == 0 || share < f.fair_share) {
        f.fair_share = share;
        limit = cap;
        left = after;
      }
    };
    consider(res.policy.weekly_cap_minutes, in.judged->requester_week_minutes_on_resource);
    for (const auto& a : in.judged->agreements) {
      if (a.id != in.verdict->agreement_id) continue;
      auto it = in.judged->requester_week_minutes_by_agreement.find(a.id);
      consider(a.weekly_cap_minutes, it == in.judged->requester_week_minutes_by_agreement.end() ? 0 : it->second);
    }
    if (limit > 0) {
      s.reasons.push_back({"search.reason.fair_share", {{"left", Num(left)}, {"limit", Num(limit)}}});
    } else {
      s.reasons.push_back({"search.reason.no_cap", {}});
    }
  }

  // Time.
  if (in.occurrences_total > 0) {
    f.time = static_cast<double>(in.occurrences_free) / in.occurrences_total;
    s.reasons.push_back(
        {"search.reason.occurrences", {{"free", Num(in.occurrences_free)}, {"total", Num(in.occurrences_total)}}});
  } else {
    const Instant late = std::max<Instant>(0, in.start - in.requested_start);
    f.time = 1.0 / (1.0 + static_cast<double>(late) / kHour / 6.0);
    if (late == 0) {
      s.reasons.push_back({"search.reason.on_time", {}});
    } else {
      s.reasons.push_back({"search.reason.later", {{"minutes", Num(late / kMinute)}}});
    }
  }

  s.score =
      w.fit * f.fit + w.distance * f.distance + w.approval * f.approval + w.fair_share * f.fair_share + w.time * f.time;
  return s;
}

void SortAndTrim(std::vector<RankedSlot>& slots, int limit) {
  std::sort(slots.begin(), slots.end(), [](const RankedSlot& a, const RankedSlot& b) {
    if (std::abs(a.score - b.score) > 1e-9) return a.score > b.score;
    if (a.start != b.start) return a.start < b.start;
    return a.resource_id < b.resource_id;
  });
  if (limit >= 0 && slots.size() > static_cast<size_t>(limit)) slots.resize(static_cast<size_t>(limit));
}

}  // namespace schoolshare::search
