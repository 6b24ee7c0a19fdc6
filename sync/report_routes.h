// The report routes of the HTTP API: GET /v1/reports/{utilization|ledger|equity|reconciliation},
// POST /v1/reports/reconciliation/{item}/resolve, POST /v1/reports/periods/{school}/{month}/sign-off.
// Also GET /v1/calendar/{id}.ics. Scope: a school manager sees and resolves its own school, a district admin
// everything, an auditor reads everything; kiosks get 403.
#pragma once

#include <functional>
#include <mutex>
#include <string>

#include "schoolshare/clock.h"
#include "schoolshare/i18n.h"
#include "schoolshare/store.h"
#include "schoolshare/sync_service.h"

namespace schoolshare::http {

using ParamOf = std::function<std::string(const char* name)>;  // "" when absent

Reply ReportGet(Store& store, const Clock& clock, const Actor& actor, Lang lang, const std::string& kind,
                const ParamOf& param);
Reply ReportResolve(Store& store, const Clock& clock, std::mutex& write_lock, const Actor& actor,
                    const std::string& item_id, const std::string& body);
Reply ReportSignOff(Store& store, const Clock& clock, std::mutex& write_lock, const Actor& actor,
                    const std::string& school_id, const std::string& month);

// GET /v1/calendar/{id}.ics: with ?feed_token= (a live feed token for exactly this id) or a bearer
// token (any role but kiosk). text/calendar.
Reply CalendarReply(Store& store, const Clock& clock, const std::string& id, const std::string& feed_token,
                    const std::string& authorization);

}  // namespace schoolshare::http
