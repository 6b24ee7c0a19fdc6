// A thin RAII layer over the SQLite C API: a connection that caches prepared statements, and a
// statement with typed binds and column reads. Private to core/src/store.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

#include "schoolshare/status.h"

namespace schoolshare::sqlite {

class Statement {
 public:
  explicit Statement(sqlite3_stmt* stmt) : stmt_(stmt) {}
  ~Statement() { sqlite3_finalize(stmt_); }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  // Binds are 1-based, like SQLite's.
  Statement& Bind(int i, std::int64_t v) {
    sqlite3_bind_int64(stmt_, i, v);
    return *this;
  }
  Statement& Bind(int i, int v) {
    sqlite3_bind_int64(stmt_, i, v);
    return *this;
  }
  Statement& Bind(int i, bool v) {
    sqlite3_bind_int64(stmt_, i, v ? 1 : 0);
    return *this;
  }
  Statement& Bind(int i, double v) {
    sqlite3_bind_double(stmt_, i, v);
    return *this;
  }
  Statement& Bind(int i, std::string_view v) {
    sqlite3_bind_text(stmt_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
    return *this;
  }
  Statement& Bind(int i, const std::string& v) { return Bind(i, std::string_view(v)); }
  // Without copying: `v` must stay unchanged until the statement is reset (ScopedReset clears bindings).
  Statement& BindUncopied(int i, std::string_view v) {
    sqlite3_bind_text(stmt_, i, v.data(), static_cast<int>(v.size()), SQLITE_STATIC);
    return *this;
  }
  Statement& Bind(int i, const char* v) { return Bind(i, std::string_view(v)); }
  // Empty text becomes NULL (for optional references such as parent_id).
  Statement& BindOptional(int i, const std::string& v) {
    if (v.empty())
      sqlite3_bind_null(stmt_, i);
    else
      Bind(i, v);
    return *this;
  }

  // One step: true when a row is ready, false when done; errors as a Status.
  Result<bool> Step();
  // Steps to completion (for writes).
  Status Run();
  void Reset() {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }

  std::int64_t Int(int col) const { return sqlite3_column_int64(stmt_, col); }
  double Double(int col) const { return sqlite3_column_double(stmt_, col); }
  std::string Text(int col) const {
    const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, col));
    return p ? std::string(p, sqlite3_column_bytes(stmt_, col)) : std::string();
  }
  bool IsNull(int col) const { return sqlite3_column_type(stmt_, col) == SQLITE_NULL; }

 private:
  sqlite3_stmt* stmt_;
};

// Resets a cached statement when the scope ends, so the next use starts clean.
class ScopedReset {
 public:
  explicit ScopedReset(Statement& s) : s_(s) {}
  ~ScopedReset() { s_.Reset(); }

 private:
  Statement& s_;
};

class Database {
 public:
  ~Database();
  static Result<std::unique_ptr<Database>> Open(const std::string& path, bool create_if_missing);

  Status Exec(const std::string& sql);  // one or more statements without parameters
  // A prepared statement cached by its SQL text; valid for the connection's life. Reset after use
  // (ScopedReset). Errors in the SQL are programming errors, reported as kInternal.
  Result<Statement*> Prepare(const std::string& sql);
  // The same for SQL text with static storage duration (a literal, or a function-local static string's
  // c_str()), found by its address instead of by hashing the text: for the statements of every booking.
  Result<Statement*> PrepareStatic(const char* sql);
  std::int64_t Changes() const { return sqlite3_changes64(db_); }
  sqlite3* raw() const { return db_; }
  Status Error(const std::string& what) const;  // a Status from the connection's last error

 private:
  explicit Database(sqlite3* db) : db_(db) {}
  sqlite3* db_;
  std::unordered_map<std::string, std::unique_ptr<Statement>> cache_;
  std::unordered_map<const char*, Statement*> by_address_;  // statements of cache_
};

// Maps a SQLite result code and message to a Status.
Status StatusFromSqlite(int rc, const std::string& message);

}  // namespace schoolshare::sqlite
