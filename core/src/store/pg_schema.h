// The PostgreSQL schema of the store, and its migration on open. Private to core/src/store.
#pragma once

#include "store/pg.h"

namespace schoolshare::pg {

int LatestPgSchemaVersion();
// The schema version recorded in the database (0: empty database).
Result<int> ReadPgSchemaVersion(Connection& conn);
// Creates or upgrades the schema in one transaction under an advisory lock, so several instances
// starting at once over one database do not race. A newer schema is refused with kCorruption.
Status MigratePg(Connection& conn);
// Migrates only up to schema version `up_to`: for tests that make a database of an older schoolshare.
Status MigratePg(Connection& conn, int up_to);

}  // namespace schoolshare::pg
