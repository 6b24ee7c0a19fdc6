// GET /v1/availability and GET /v1/availability/common: query parameters to a core search, and the
// results as {"items": [...]} with times in RFC 3339 in the district's offset. Any authenticated role.
#pragma once

#include <map>
#include <string>

#include "schoolshare/i18n.h"
#include "schoolshare/store.h"
#include "schoolshare/sync_service.h"

namespace schoolshare::http {

using QueryParams = std::multimap<std::string, std::string>;

// type=hall,field&min_capacity=&feature=(repeatable)&school=|scope=city&from=&to=&duration_min=
// &for_school= (default: the caller's school)&limit=&per_resource=
// &lang= (overrides Accept-Language)
// &weekday=&start_time=&end_time=&first_date=&last_date=&min_occurrences= (a weekly pattern)
Reply AvailabilityReply(Store& store, Instant now, const Actor& actor, Lang lang, const QueryParams& params);

// schools=a,b&classes=...&from=&to=&duration_min=&type=&min_capacity=&feature=&scope=city&limit=&lang=
Reply CommonTimeReply(Store& store, Instant now, Lang lang, const QueryParams& params);

}  // namespace schoolshare::http
