// How a database location (--db, --to) is shown in messages and logs: a PostgreSQL URI or libpq
// "key=value" string without its password. Everything a binary prints about where its data lives goes
// through RedactedLocation.
#pragma once

#include <string>

namespace schoolshare {

// postgresql://user:secret@host/db → postgresql://user:***@host/db; a password=… query parameter or
// key=value word becomes password=***. Anything else (a SQLite file path) is returned unchanged.
std::string RedactedLocation(const std::string& location);

}  // namespace schoolshare
