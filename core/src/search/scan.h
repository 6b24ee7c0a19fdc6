// The shared steps of a search: the candidate resources, their owners, and the walk over candidate
// start times that judges and ranks free slots. Private to core/src/search.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "schoolshare/search.h"
#include "search/batch.h"

namespace schoolshare::search {

constexpr Instant kStep = 15 * kMinute;  // candidate starts move in quarter hours
constexpr Instant kLongestWindow = 62 * kDay;
constexpr int kMaxLimit = 500;

// The resources a search may offer and their owners.
struct Candidates {
  std::vector<ResourceKey> keys;  // the whole resources are read (through the store's cache) when judged
  std::map<std::string, School> owners;
};

// Active resources of the types (all types when empty) with the size and features, of one school, or
// of the given districts, or anywhere when both are empty; with their owners.
Result<Candidates> LoadCandidates(Store& store, const std::vector<ResourceType>& types, int min_size,
                                  const std::vector<std::string>& features, const std::string& school_id,
                                  const std::vector<std::string>& district_ids);

// InvalidArgument unless [from, to) is a forward window of at most kLongestWindow that holds `duration`
// minutes, and limit is in 1..kMaxLimit.
Status CheckWindow(Instant from, Instant to, int duration_minutes, int limit);

struct ScanRequest {
  Instant from = 0;
  Instant to = 0;
  int duration_minutes = 0;
  int per_resource = 3;
  int need = 0;
  const School* requester = nullptr;
  RankingWeights weights;
  Lang lang = Lang::kZh;
  // When set, a slot is offered only when the people are free then (common free time): returns 0 when
  // they are, else the end of what keeps them busy (the search moves on past it).
  std::function<Instant(Instant start, Instant end)> people_busy_until;
};

// Every resource of the batch: candidate starts on the quarter hour from `from` (not before now), the
// first free ones, non-overlapping, at most per_resource each, ranked. Starts outside the resource's
// opening hours or while the people are busy are skipped without judging them.
Result<std::vector<RankedSlot>> ScanSlots(Batch& batch, const ScanRequest& request, Instant now);

// What a search does with one loaded batch: its ranked slots.
using BatchScan = std::function<Result<std::vector<RankedSlot>>(Batch& batch)>;

// Loads and scans the candidates best upper bound first, kChunk resources per batch (one read of held
// bookings each), until no unjudged resource can beat the limit-th result; returns the best `limit`.
// The result is the same as judging every candidate, only cheaper on a city.
constexpr size_t kChunk = 48;

// BestFirst over a window: every batch judged by ScanSlots(scan).
Result<std::vector<RankedSlot>> SearchWindow(Store& store, Candidates candidates, const ScanRequest& scan, int limit,
                                             Instant now);
Result<std::vector<RankedSlot>> BestFirst(Store& store, Candidates candidates, const School& requester, Instant from,
                                          Instant to, Instant now, int need, int limit, const RankingWeights& weights,
                                          const BatchScan& scan);

}  // namespace schoolshare::search
