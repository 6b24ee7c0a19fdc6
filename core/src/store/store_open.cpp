// Picks the backend from the database argument the binaries take (--db, --to).
#include "schoolshare/store.h"

namespace schoolshare {

bool Store::IsPostgresLocation(const std::string& location) {
  return location.rfind("postgresql://", 0) == 0 || location.rfind("postgres://", 0) == 0;
}

Result<std::unique_ptr<Store>> Store::Open(const std::string& location, const StoreOptions& options) {
  if (IsPostgresLocation(location)) return OpenPostgres(location, options);
  return OpenSqlite(location, options);
}

}  // namespace schoolshare
