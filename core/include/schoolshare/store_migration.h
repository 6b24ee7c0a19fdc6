// Moving a whole SQLite database into an empty PostgreSQL database (`schoolshare migrate-store`): every
// table the server keeps, row for row, with change-log versions, audit entries, token hashes, sync
// clients and their stored results, and the server epoch, in one transaction on the target.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "schoolshare/i18n.h"
#include "schoolshare/status.h"

namespace schoolshare {

struct TableCount {
  std::string table;
  std::int64_t source = 0;
  std::int64_t target = 0;
};

// Copies the SQLite file `from` into the PostgreSQL database `to` (a postgresql:// URI) and returns the
// per-table row counts of both sides, which are equal. Refused, in `lang`, with nothing written: a
// missing, damaged or newer-schema source (kNotFound, kCorruption); a target that already holds data
// (kConflict); a row the target refuses, or counts that differ after the copy (the transaction is rolled
// back and the target stays as it was). A sync client's own tables (outbox, state, attention list) are
// not server data and are not copied.
Result<std::vector<TableCount>> MigrateSqliteToPostgres(const std::string& from, const std::string& to, Lang lang);

}  // namespace schoolshare
