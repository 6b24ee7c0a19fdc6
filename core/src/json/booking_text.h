// The booking's JSON text in any zone, written directly (the public BookingJsonText(b) is its UTC form,
// for the change log). The sync service answers every accepted create with it instead of building a
// Json tree, copying it and dumping it on the thread that sends the reply.
#pragma once

#include <string>

#include "schoolshare/model.h"
#include "schoolshare/time.h"

namespace schoolshare {

// The same text as ToJson(b, tz).dump(); malformed UTF-8 throws as that does.
std::string BookingJsonText(const Booking& b, const TimeZone& tz);

}  // namespace schoolshare
