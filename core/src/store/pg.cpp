#include "store/pg.h"

#include <cctype>
#include <cstdio>
#include <cstdlib>

#include "schoolshare/location.h"

namespace schoolshare::pg {
namespace {

// The highest $N in the SQL text: the statement's parameter count.
int CountParams(const std::string& sql) {
  int most = 0;
  for (std::size_t i = 0; i + 1 < sql.size(); ++i) {
    if (sql[i] != '$' || !std::isdigit(static_cast<unsigned char>(sql[i + 1]))) continue;
    int n = 0;
    std::size_t j = i + 1;
    while (j < sql.size() && std::isdigit(static_cast<unsigned char>(sql[j]))) n = n * 10 + (sql[j++] - '0');
    if (n > most) most = n;
  }
  return most;
}

}  // namespace

std::string Redacted(const std::string& conninfo) { return RedactedLocation(conninfo); }

std::string TextArray(const std::vector<std::string>& items) {
  std::string out = "{";
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i) out += ',';
    out += '"';
    for (char c : items[i]) {
      if (c == '"' || c == '\\') out += '\\';
      out += c;
    }
    out += '"';
  }
  return out + "}";
}

bool IsRetryable(const std::string& sqlstate) {
  return sqlstate == kSerializationFailure || sqlstate == kDeadlockDetected;
}

Status StatusFromSqlstate(const std::string& sqlstate, const std::string& message) {
  if (sqlstate == kUniqueViolation) return Status::AlreadyExists(message);
  if (sqlstate == kForeignKeyViolation || sqlstate == kCheckViolation || sqlstate == "23502" ||
      sqlstate.rfind("22", 0) == 0) {
    return Status::InvalidArgument(message);  // foreign key, check, not-null, bad data
  }
  if (sqlstate == kExclusionViolation) return Status::Conflict(message);
  if (IsRetryable(sqlstate) || sqlstate.rfind("08", 0) == 0 || sqlstate == "57P01" || sqlstate == "57P03" ||
      sqlstate == "53300" || sqlstate == "55P03") {
    return Status::Unavailable(message);  // retry later: contention, connection, shutdown, too many clients
  }
  if (sqlstate == "42P01" || sqlstate == "42703" || sqlstate == "42601") return Status::Internal(message);
  return Status::IoError(message);
}

// ---------------------------------------------------------------- Statement

Statement& Statement::Bind(int i, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  return Set(i, buf);
}

Statement& Statement::Set(int i, std::string v) {
  if (values_.size() < static_cast<std::size_t>(params_)) values_.resize(params_);
  if (i >= 1 && i <= params_) values_[i - 1] = std::move(v);
  return *this;
}

Statement& Statement::BindNull(int i) {
  if (values_.size() < static_cast<std::size_t>(params_)) values_.resize(params_);
  if (i >= 1 && i <= params_) values_[i - 1].reset();
  return *this;
}

Status Statement::Execute() {
  executed_ = true;
  if (values_.size() < static_cast<std::size_t>(params_)) values_.resize(params_);
  std::vector<const char*> ptrs(params_, nullptr);
  for (int i = 0; i < params_; ++i) ptrs[i] = values_[i] ? values_[i]->c_str() : nullptr;
  result_ = ResultPtr(PQexecPrepared(conn_->raw(), name_.c_str(), params_, ptrs.data(), nullptr, nullptr, 0));
  const ExecStatusType st = result_.get() ? PQresultStatus(result_.get()) : PGRES_FATAL_ERROR;
  if (st != PGRES_TUPLES_OK && st != PGRES_COMMAND_OK) return conn_->Failure(result_.get(), "statement failed");
  rows_ = PQntuples(result_.get());
  const char* affected = PQcmdTuples(result_.get());
  changes_ = affected && *affected ? std::strtoll(affected, nullptr, 10) : 0;
  return Status::Ok();
}

Result<bool> Statement::Step() {
  if (!executed_) SS_RETURN_IF_ERROR(Execute());
  if (row_ + 1 >= rows_) {
    row_ = rows_;
    return false;
  }
  ++row_;
  return true;
}

Status Statement::Run() {
  if (!executed_) return Execute();
  return Status::Ok();
}

void Statement::Reset() {
  result_ = ResultPtr();
  values_.assign(params_, std::nullopt);
  executed_ = false;
  row_ = -1;
  rows_ = 0;
}

std::int64_t Statement::Int(int col) const {
  const char* v = PQgetvalue(result_.get(), row_, col);
  return v ? std::strtoll(v, nullptr, 10) : 0;
}

double Statement::Double(int col) const {
  const char* v = PQgetvalue(result_.get(), row_, col);
  return v ? std::strtod(v, nullptr) : 0;
}

std::string Statement::Text(int col) const {
  const char* v = PQgetvalue(result_.get(), row_, col);
  return v ? std::string(v, PQgetlength(result_.get(), row_, col)) : std::string();
}

// ---------------------------------------------------------------- Connection

Connection::~Connection() { PQfinish(conn_); }

Result<std::unique_ptr<Connection>> Connection::Open(const std::string& conninfo) {
  PGconn* c = PQconnectdb(conninfo.c_str());
  if (c == nullptr) return Status::Unavailable("cannot connect to PostgreSQL: out of memory");
  if (PQstatus(c) != CONNECTION_OK) {
    std::string msg = PQerrorMessage(c);
    PQfinish(c);
    while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' ')) msg.pop_back();
    return Status::Unavailable("cannot connect to PostgreSQL: " + msg);
  }
  std::unique_ptr<Connection> conn(new Connection(c));
  SS_RETURN_IF_ERROR(
      conn->Exec("SET client_encoding = 'UTF8'; SET TIME ZONE 'UTC'; SET client_min_messages = WARNING"));
  return conn;
}

Status Connection::Failure(const PGresult* r, const std::string& what) {
  const char* state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : nullptr;
  last_sqlstate_ = state ? state : "";
  std::string msg = r ? PQresultErrorMessage(r) : "";
  if (msg.empty()) msg = PQerrorMessage(conn_);
  while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' ')) msg.pop_back();
  if (PQstatus(conn_) != CONNECTION_OK) {
    return Status::Unavailable("the connection to PostgreSQL was lost (" + what + "): " + msg);
  }
  const char* detail = r ? PQresultErrorField(r, PG_DIAG_MESSAGE_DETAIL) : nullptr;
  if (detail) msg += std::string(" (") + detail + ")";
  return StatusFromSqlstate(last_sqlstate_, msg);
}

Status Connection::Exec(const std::string& sql) {
  ResultPtr r(PQexec(conn_, sql.c_str()));
  const ExecStatusType st = r.get() ? PQresultStatus(r.get()) : PGRES_FATAL_ERROR;
  if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) return Failure(r.get(), "exec");
  return Status::Ok();
}

Result<Statement*> Connection::Prepare(const std::string& sql) {
  if (!in_transaction_ && !Healthy()) SS_RETURN_IF_ERROR(Reconnect());
  if (auto it = cache_.find(sql); it != cache_.end()) return it->second.get();
  std::string name = "ss" + std::to_string(next_name_++);
  const int params = CountParams(sql);
  ResultPtr r(PQprepare(conn_, name.c_str(), sql.c_str(), 0, nullptr));
  if (!r.get() || PQresultStatus(r.get()) != PGRES_COMMAND_OK) {
    Status s = Failure(r.get(), "prepare");
    if (s.code() == StatusCode::kUnavailable) return s;
    return Status::Internal("prepare failed: " + s.message() + " [" + sql + "]");
  }
  auto stmt = std::make_unique<Statement>(this, name, params);
  Statement* out = stmt.get();
  cache_.emplace(sql, std::move(stmt));
  return out;
}

Status Connection::Reconnect() {
  cache_.clear();
  PQreset(conn_);
  if (PQstatus(conn_) != CONNECTION_OK) {
    return Status::Unavailable(std::string("cannot reconnect to PostgreSQL: ") + PQerrorMessage(conn_));
  }
  return Exec("SET client_encoding = 'UTF8'; SET TIME ZONE 'UTC'; SET client_min_messages = WARNING");
}

}  // namespace schoolshare::pg
