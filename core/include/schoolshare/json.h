// JSON shapes of the domain (DESIGN.md section 5): the change log, the CLI's --format json and the
// HTTP API all use these, so a field is named the same everywhere. Instants are RFC 3339 in `tz`.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "schoolshare/model.h"
#include "schoolshare/status.h"

namespace schoolshare {

using Json = nlohmann::json;

Json ToJson(const District& d);
Json ToJson(const School& s);
Json ToJson(const Resource& r);
Json ToJson(const StaffMember& s);
Json ToJson(const SchoolClass& c);
Json ToJson(const Blackout& b, const TimeZone& tz);
Json ToJson(const SharingAgreement& a);
Json ToJson(const CalendarDay& d);
Json ToJson(const Booking& b, const TimeZone& tz);
// The same text as ToJson(b, TimeZone::Utc()).dump(), written directly without building a Json value
// (the change log stores one per booking write; building and dumping the tree cost more than the insert).
std::string BookingJsonText(const Booking& b);
Json ToJson(const BookingSeries& s);
Json ToJson(const UsageFact& f, const TimeZone& tz);
Json ToJson(const ReportPeriod& p, const TimeZone& tz);
Json ToJson(const TokenRecord& t, const TimeZone& tz);  // without the hash
Json ToJson(const AuditEntry& e, const TimeZone& tz);
Json ToJson(const ReconciliationItem& r, const TimeZone& tz);

// The inverse: an entity from its JSON shape. Times are RFC 3339 (a time without offset is read in
// `tz`). A missing required field, a wrong type or an unknown word is InvalidArgument naming the field.
Result<District> DistrictFromJson(const Json& j);
Result<School> SchoolFromJson(const Json& j);
Result<Resource> ResourceFromJson(const Json& j);
Result<StaffMember> StaffFromJson(const Json& j);
Result<SchoolClass> ClassFromJson(const Json& j);
Result<Blackout> BlackoutFromJson(const Json& j, const TimeZone& tz);
Result<SharingAgreement> AgreementFromJson(const Json& j);
Result<CalendarDay> CalendarDayFromJson(const Json& j);
Result<Booking> BookingFromJson(const Json& j, const TimeZone& tz);
Result<UsageFact> FactFromJson(const Json& j, const TimeZone& tz);
Result<ReportPeriod> ReportPeriodFromJson(const Json& j, const TimeZone& tz);
Result<ReconciliationItem> ReconciliationFromJson(const Json& j, const TimeZone& tz);

// Pieces stored as JSON text in SQLite columns.
Json WindowsToJson(const std::vector<WeeklyWindow>& windows);  // [{"weekday":1,"start":"08:00","end":"18:00"}]
Result<std::vector<WeeklyWindow>> WindowsFromJson(const Json& j);
Json PeriodsToJson(const std::vector<ClassPeriod>& periods);  // [{"index":1,"start":"08:00","end":"08:40"}]
Result<std::vector<ClassPeriod>> PeriodsFromJson(const Json& j);
Result<BookingSeries> SeriesFromJson(const Json& j);
// Parses text into a JSON value; malformed text is InvalidArgument (never an exception).
Result<Json> ParseJson(const std::string& text);

}  // namespace schoolshare
