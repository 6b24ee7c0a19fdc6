// Alternatives offered with a refusal: the same resource at the nearest free times, and similar
// resources at the requested time, nearest campus first.
#include <algorithm>
#include <cstdlib>

#include "booking/judge.h"
#include "schoolshare/booking_service.h"

namespace schoolshare {
namespace {

constexpr Instant kStep = 15 * kMinute;     // candidate start times move in quarter hours
constexpr Instant kSearchSpan = 14 * kDay;  // how far from the requested start we look
constexpr int kMaxSimilarJudged = 60;       // similar resources judged at most, nearest first

}  // namespace

Result<std::vector<Alternative>> BookingService::FindAlternatives(const BookingRequest& request, const Actor& actor,
                                                                  int per_kind) {
  std::vector<Alternative> out;
  if (request.end <= request.start || per_kind <= 0) return out;
  SS_ASSIGN_OR_RETURN(Resource resource, store_.GetResource(request.resource_id));
  SS_ASSIGN_OR_RETURN(School requester, store_.GetSchool(request.school_id));
  Instant now = clock_.Now();
  Instant duration = request.end - request.start;
  Booking candidate = booking::CandidateFrom(request, request.id);

  // 1. The same resource at the nearest free times, searching outwards from the requested start.
  {
    Instant lo = std::max(request.start - kSearchSpan, now - now % kStep + kStep);
    Instant hi = request.start + kSearchSpan;
    SS_ASSIGN_OR_RETURN(booking::JudgeContext ctx, booking::JudgeContext::Load(store_, resource, request.school_id, lo,
                                                                               hi + duration, now, false));
    SS_ASSIGN_OR_RETURN(Verdict first, ctx.Evaluate(candidate));
    if (!booking::TimeCannotHelp(first.violations)) {
      int found = 0;
      for (Instant delta = kStep; delta <= kSearchSpan && found < per_kind; delta += kStep) {
        for (Instant start : {request.start + delta, request.start - delta}) {
          if (start < lo || start > hi || found >= per_kind) continue;
          candidate.start = start;
          candidate.end = start + duration;
          SS_ASSIGN_OR_RETURN(Verdict v, ctx.Evaluate(candidate));
          if (!v.ok()) continue;
          out.push_back({Alternative::Kind::kSameResourceOtherTime, resource.id, candidate.start, candidate.end, 0});
          ++found;
        }
      }
      std::sort(out.begin(), out.end(), [&](const Alternative& a, const Alternative& b) {
        return std::llabs(a.start - request.start) < std::llabs(b.start - request.start);
      });
    }
  }

  // 2. Similar resources at the requested time: same type, enough room or stock, the features asked for.
  SS_ASSIGN_OR_RETURN(School owner, store_.GetSchool(resource.school_id));
  ResourceFilter filter;
  filter.district_id = owner.district_id;
  filter.type = resource.type;
  filter.min_capacity = resource.is_equipment() ? request.quantity : request.attendees;
  filter.features = request.required_features;
  SS_ASSIGN_OR_RETURN(std::vector<Resource> similar, store_.ListResources(filter));
  std::vector<std::pair<double, const Resource*>> by_distance;
  for (const auto& r : similar) {
    if (r.id == resource.id) continue;
    auto school = store_.GetSchool(r.school_id);
    if (!school.ok()) continue;
    if (!r.policy.shared && r.school_id != request.school_id) continue;
    by_distance.push_back({DistanceKm(requester.location, school->location), &r});
  }
  std::stable_sort(by_distance.begin(), by_distance.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  candidate.start = request.start;
  candidate.end = request.end;
  int found = 0;
  int judged = 0;
  for (const auto& [km, r] : by_distance) {
    if (found >= per_kind || judged >= kMaxSimilarJudged) break;
    if (!MayAct(actor, Action::kCreateBooking, request.school_id, r->school_id)) continue;
    ++judged;
    candidate.resource_id = r->id;
    SS_ASSIGN_OR_RETURN(booking::JudgeContext ctx, booking::JudgeContext::Load(store_, *r, request.school_id,
                                                                               request.start, request.end, now, false));
    SS_ASSIGN_OR_RETURN(Verdict v, ctx.Evaluate(candidate));
    if (!v.ok()) continue;
    out.push_back({Alternative::Kind::kOtherResourceSameTime, r->id, request.start, request.end, km});
    ++found;
  }
  return out;
}

}  // namespace schoolshare
