// iCalendar feeds (RFC 5545) of a school's or a resource's bookings, for calendar apps to subscribe to.
//
// Contract: CRLF line ends; content lines folded at 75 octets, never inside a UTF-8 sequence; TEXT values
// escape backslash, comma, semicolon and newline; times in the district zone with a VTIMEZONE when the
// zone has a fixed offset (Asia/Shanghai: one STANDARD block), in UTC ("Z") otherwise; UIDs are
// "<booking id>@<domain>" (a weekly series: "<series id>@<domain>", one VEVENT with RRULE, EXDATE for the
// dates without a held occurrence and RDATE for makeup days, plus an override VEVENT with RECURRENCE-ID
// for each held occurrence moved off the rule's time or venue, or still pending); cancelled bookings have
// STATUS:CANCELLED, pending ones STATUS:TENTATIVE; rejected ones are left out.
#pragma once

#include <string>
#include <vector>

#include "schoolshare/store.h"

namespace schoolshare {

constexpr const char* kIcsDomain = "schoolshare";
constexpr Instant kIcsPast = 90 * kDay;     // a feed shows bookings from this long ago
constexpr Instant kIcsFuture = 400 * kDay;  // to this far ahead

// The feed of a school (bookings on its resources and bookings it made elsewhere) or of one resource.
Result<std::string> CalendarFeed(Store& store, const std::string& school_or_resource_id, Instant now);

// Pieces, public for tests.
std::string IcsEscapeText(const std::string& text);
// One content line "NAME:value" folded into CRLF-terminated physical lines of at most 75 octets.
std::string IcsFold(const std::string& line);

}  // namespace schoolshare
