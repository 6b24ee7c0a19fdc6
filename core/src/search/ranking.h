// The ranking of a free slot: five factor scores in 0..1, their weighted sum, and the reasons that
// explain them. Pure. Private to core/src/search.
#pragma once

#include <string>

#include "schoolshare/rules.h"
#include "schoolshare/search.h"
#include "schoolshare/store.h"

namespace schoolshare::search {

struct RankInput {
  const Resource* resource = nullptr;
  const School* owner = nullptr;
  const School* requester = nullptr;
  const Verdict* verdict = nullptr;   // the accepted verdict of the slot (first free occurrence)
  const RuleInput* judged = nullptr;  // what it was judged on (weekly minutes used)
  int need = 0;                       // people or units
  Instant start = 0;
  Instant end = 0;
  Instant requested_start = 0;  // the start of the window
  int occurrences_free = 0;     // recurring only (total 0: not recurring)
  int occurrences_total = 0;
  Lang lang = Lang::kZh;
};

RankedSlot Rank(const RankInput& in, const RankingWeights& weights);

// The best score any slot of `resource` could get (fit and distance exactly; approval from its policy, or
// 1 with an automatic agreement; fair share and time 1): the search judges resources best bound first
// and stops once no unjudged one can beat the results it has.
double UpperBound(const ResourceKey& resource, const School& owner, const School& requester, int need,
                  bool auto_agreement, const RankingWeights& weights);

// Best first; ties by earlier start, then resource id. Keeps at most `limit`.
void SortAndTrim(std::vector<RankedSlot>& slots, int limit);

}  // namespace schoolshare::search
