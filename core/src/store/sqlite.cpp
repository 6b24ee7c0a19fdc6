#include "store/sqlite.h"

namespace schoolshare::sqlite {

Status StatusFromSqlite(int rc, const std::string& message) {
  switch (rc & 0xff) {
    case SQLITE_OK:
    case SQLITE_ROW:
    case SQLITE_DONE:
      return Status::Ok();
    case SQLITE_CONSTRAINT:
      return Status::AlreadyExists(message);
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      return Status::Corruption(message);
    case SQLITE_CANTOPEN:
    case SQLITE_IOERR:
    case SQLITE_FULL:
    case SQLITE_READONLY:
      return Status::IoError(message);
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return Status::Unavailable(message);
    default:
      return Status::Internal(message);
  }
}

Result<bool> Statement::Step() {
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  sqlite3* db = sqlite3_db_handle(stmt_);
  return StatusFromSqlite(rc, std::string(sqlite3_errmsg(db)) + " [" + sqlite3_sql(stmt_) + "]");
}

Status Statement::Run() {
  for (;;) {
    auto r = Step();
    if (!r.ok()) return r.status();
    if (!*r) return Status::Ok();
  }
}

Database::~Database() {
  by_address_.clear();
  cache_.clear();  // finalize statements before closing
  sqlite3_close(db_);
}

Result<std::unique_ptr<Database>> Database::Open(const std::string& path, bool create_if_missing) {
  sqlite3* db = nullptr;
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | (create_if_missing ? SQLITE_OPEN_CREATE : 0);
  int rc = sqlite3_open_v2(path.c_str(), &db, flags, nullptr);
  if (rc != SQLITE_OK) {
    std::string msg = db ? sqlite3_errmsg(db) : "out of memory";
    sqlite3_close(db);
    return StatusFromSqlite(rc, "cannot open database " + path + ": " + msg);
  }
  sqlite3_extended_result_codes(db, 1);
  sqlite3_busy_timeout(db, 5000);
  return std::unique_ptr<Database>(new Database(db));
}

Status Database::Exec(const std::string& sql) {
  char* err = nullptr;
  int rc = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err);
  if (rc == SQLITE_OK) return Status::Ok();
  std::string msg = err ? err : sqlite3_errmsg(db_);
  sqlite3_free(err);
  return StatusFromSqlite(rc, msg);
}

Result<Statement*> Database::Prepare(const std::string& sql) {
  auto it = cache_.find(sql);
  if (it != cache_.end()) return it->second.get();
  sqlite3_stmt* stmt = nullptr;
  int rc =
      sqlite3_prepare_v3(db_, sql.c_str(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
  if (rc != SQLITE_OK)
    return Status::Internal(std::string("prepare failed: ") + sqlite3_errmsg(db_) + " [" + sql + "]");
  auto* raw = new Statement(stmt);
  cache_.emplace(sql, std::unique_ptr<Statement>(raw));
  return raw;
}

Result<Statement*> Database::PrepareStatic(const char* sql) {
  auto it = by_address_.find(sql);
  if (it != by_address_.end()) return it->second;
  SS_ASSIGN_OR_RETURN(Statement * st, Prepare(sql));
  by_address_.emplace(sql, st);
  return st;
}

Status Database::Error(const std::string& what) const {
  return StatusFromSqlite(sqlite3_errcode(db_), what + ": " + sqlite3_errmsg(db_));
}

}  // namespace schoolshare::sqlite
