// Versioned schema migrations. PRAGMA user_version holds the version of the schema; each migration
// runs in its own transaction together with the bump of user_version. Append new migrations at the
// end; never edit one that has shipped.
#pragma once

#include <vector>

#include "store/sqlite.h"

namespace schoolshare::store {

struct Migration {
  int version;
  const char* description;
  const char* sql;
};

const std::vector<Migration>& Migrations();
int LatestSchemaVersion();

Result<int> ReadSchemaVersion(sqlite::Database& db);
// Upgrades the database to `target` (default: latest). A database newer than this program knows is
// refused with kCorruption and a message that says to upgrade schoolshare.
Status Migrate(sqlite::Database& db, int target = -1);

}  // namespace schoolshare::store
