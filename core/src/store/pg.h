// A thin RAII layer over libpq, shaped like store/sqlite.h so the two stores read alike: a connection
// that caches prepared statements (PQprepare, one name per SQL text) and a statement with typed binds
// (sent as text, typed by the server) and column reads. Values only ever travel as parameters.
// Private to core/src/store.
#pragma once

#include <libpq-fe.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "schoolshare/status.h"

namespace schoolshare::pg {

// SQLSTATEs the store acts on.
inline constexpr const char kUniqueViolation[] = "23505";
inline constexpr const char kForeignKeyViolation[] = "23503";
inline constexpr const char kCheckViolation[] = "23514";
inline constexpr const char kExclusionViolation[] = "23P01";
inline constexpr const char kSerializationFailure[] = "40001";
inline constexpr const char kDeadlockDetected[] = "40P01";

// True for a failure that rerunning the whole transaction may cure (40001, 40P01).
bool IsRetryable(const std::string& sqlstate);
// Maps a SQLSTATE and message to a Status: unique 23505 → kAlreadyExists, foreign key and check →
// kInvalidArgument, exclusion 23P01 → kConflict, 40001/40P01 and connection classes → kUnavailable.
Status StatusFromSqlstate(const std::string& sqlstate, const std::string& message);

// A connection string or URI with any password replaced by "***", for messages and logs.
std::string Redacted(const std::string& conninfo);

// A PostgreSQL text-array literal of `items` ({"a","b\"c"}), to bind as one parameter ($1::text[]).
std::string TextArray(const std::vector<std::string>& items);

// Owns a PGresult.
class ResultPtr {
 public:
  ResultPtr() = default;
  explicit ResultPtr(PGresult* r) : r_(r) {}
  ~ResultPtr() { PQclear(r_); }
  ResultPtr(ResultPtr&& o) noexcept : r_(o.r_) { o.r_ = nullptr; }
  ResultPtr& operator=(ResultPtr&& o) noexcept {
    if (this != &o) {
      PQclear(r_);
      r_ = o.r_;
      o.r_ = nullptr;
    }
    return *this;
  }
  ResultPtr(const ResultPtr&) = delete;
  ResultPtr& operator=(const ResultPtr&) = delete;
  PGresult* get() const { return r_; }

 private:
  PGresult* r_ = nullptr;
};

class Connection;

class Statement {
 public:
  Statement(Connection* conn, std::string name, int params) : conn_(conn), name_(std::move(name)), params_(params) {}
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  // Binds are 1-based ($1, $2, ...).
  Statement& Bind(int i, std::int64_t v) { return Set(i, std::to_string(v)); }
  Statement& Bind(int i, int v) { return Set(i, std::to_string(v)); }
  Statement& Bind(int i, bool v) { return Set(i, v ? "1" : "0"); }
  Statement& Bind(int i, double v);
  Statement& Bind(int i, std::string_view v) { return Set(i, std::string(v)); }
  Statement& Bind(int i, const std::string& v) { return Set(i, v); }
  Statement& Bind(int i, const char* v) { return Set(i, v); }
  Statement& BindNull(int i);
  // Empty text becomes NULL (for optional references such as parent_id).
  Statement& BindOptional(int i, const std::string& v) { return v.empty() ? BindNull(i) : Bind(i, v); }

  // Executes on the first call; then true while a row is ready, false when done.
  Result<bool> Step();
  // Executes (if not yet) and discards the rows (for writes).
  Status Run();
  // Rows changed by the last write.
  std::int64_t Changes() const { return changes_; }
  void Reset();

  std::int64_t Int(int col) const;
  double Double(int col) const;
  std::string Text(int col) const;
  bool IsNull(int col) const { return PQgetisnull(result_.get(), row_, col) != 0; }

 private:
  Statement& Set(int i, std::string v);
  Status Execute();

  Connection* conn_;
  std::string name_;
  int params_;
  std::vector<std::optional<std::string>> values_;
  ResultPtr result_;
  bool executed_ = false;
  int row_ = -1;
  int rows_ = 0;
  std::int64_t changes_ = 0;
};

// Resets a cached statement when the scope ends, so the next use starts clean.
class ScopedReset {
 public:
  explicit ScopedReset(Statement& s) : s_(s) {}
  ~ScopedReset() { s_.Reset(); }

 private:
  Statement& s_;
};

class Connection {
 public:
  ~Connection();
  // conninfo: a postgresql:// URI or "key=value" words. The session speaks UTF-8 and UTC.
  static Result<std::unique_ptr<Connection>> Open(const std::string& conninfo);

  // One or more statements without parameters (schema, BEGIN, COMMIT).
  Status Exec(const std::string& sql);
  // A prepared statement cached by its SQL text; valid until the connection is reset. Outside a
  // transaction (SetInTransaction) a connection found broken is re-established first.
  Result<Statement*> Prepare(const std::string& sql);
  // Whether a transaction is open: a broken connection must then fail the transaction, never be
  // silently replaced (what follows would run outside it).
  void SetInTransaction(bool in) { in_transaction_ = in; }
  // The SQLSTATE of the last failure ("" when none or not from the server).
  const std::string& LastSqlstate() const { return last_sqlstate_; }
  void ClearSqlstate() { last_sqlstate_.clear(); }
  // The connection broke (server gone, network): reconnects and forgets every prepared statement.
  bool Healthy() const { return PQstatus(conn_) == CONNECTION_OK; }
  Status Reconnect();
  PGconn* raw() const { return conn_; }

  // A Status from a failed result (or from the connection when there is no result); remembers the SQLSTATE.
  Status Failure(const PGresult* r, const std::string& what);

 private:
  explicit Connection(PGconn* c) : conn_(c) {}
  PGconn* conn_;
  std::unordered_map<std::string, std::unique_ptr<Statement>> cache_;
  std::string last_sqlstate_;
  int next_name_ = 0;
  bool in_transaction_ = false;
};

}  // namespace schoolshare::pg
