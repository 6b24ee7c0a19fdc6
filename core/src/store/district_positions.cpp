// The default Store::DistrictPositions: each district's version and compaction mark, asked district by
// district (cheap in SQLite's own process; the PostgreSQL store overrides it with one query).
#include "schoolshare/store.h"

namespace schoolshare {

Result<std::vector<DistrictPosition>> Store::DistrictPositions(const std::vector<std::string>& district_ids) {
  std::vector<DistrictPosition> out(district_ids.size());
  for (std::size_t i = 0; i < district_ids.size(); ++i) {
    SS_ASSIGN_OR_RETURN(out[i].version, DistrictVersion(district_ids[i]));
    SS_ASSIGN_OR_RETURN(out[i].compacted_up_to, CompactedUpTo(district_ids[i]));
  }
  return out;
}

}  // namespace schoolshare
