// The one error currency of core: a Status, or a Result<T> that holds a value or a Status.
// Exceptions never cross the core API; they are caught at the boundaries (main, server, frame loop).
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <variant>

namespace schoolshare {

// Persistent: exit codes and HTTP statuses are derived from it; never renumber.
enum class StatusCode {
  kOk = 0,
  kInvalidArgument = 1,  // malformed input: bad date, unknown enum word, bad CSV row
  kNotFound = 2,
  kConflict = 3,  // a booking rule refused the write (see RuleRefusal for details)
  kPermissionDenied = 4,
  kLocked = 5,  // the report period is signed off
  kAlreadyExists = 6,
  kIoError = 7,     // SQLite or file system failure
  kCorruption = 8,  // damaged database, or one made by a newer schoolshare
  kInternal = 9,
  kUnavailable = 10,  // transient: the database is busy or locked; retry later (HTTP 503)
};

class Status {
 public:
  Status() = default;  // ok
  Status(StatusCode code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status Ok() { return {}; }
  static Status InvalidArgument(std::string m) { return {StatusCode::kInvalidArgument, std::move(m)}; }
  static Status NotFound(std::string m) { return {StatusCode::kNotFound, std::move(m)}; }
  static Status Conflict(std::string m) { return {StatusCode::kConflict, std::move(m)}; }
  static Status PermissionDenied(std::string m) { return {StatusCode::kPermissionDenied, std::move(m)}; }
  static Status Locked(std::string m) { return {StatusCode::kLocked, std::move(m)}; }
  static Status AlreadyExists(std::string m) { return {StatusCode::kAlreadyExists, std::move(m)}; }
  static Status IoError(std::string m) { return {StatusCode::kIoError, std::move(m)}; }
  static Status Corruption(std::string m) { return {StatusCode::kCorruption, std::move(m)}; }
  static Status Internal(std::string m) { return {StatusCode::kInternal, std::move(m)}; }
  static Status Unavailable(std::string m) { return {StatusCode::kUnavailable, std::move(m)}; }

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }
  std::string ToString() const;

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
};

// Holds a T or a non-ok Status. Access value() only when ok().
template <typename T>
class Result {
 public:
  Result(T value) : v_(std::move(value)) {}         // NOLINT: implicit by design
  Result(Status status) : v_(std::move(status)) {}  // NOLINT: implicit by design

  bool ok() const { return std::holds_alternative<T>(v_); }
  const Status& status() const {
    static const Status kOkStatus;
    return ok() ? kOkStatus : std::get<Status>(v_);
  }
  T& value() & { return std::get<T>(v_); }
  const T& value() const& { return std::get<T>(v_); }
  T&& value() && { return std::get<T>(std::move(v_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  // On a temporary, * moves the value out, so `for (x : *store.ListBookings(f))` is safe: the loop
  // holds the moved value, not a reference into a destroyed Result.
  T operator*() && { return std::move(value()); }
  T operator*() const&& = delete;

 private:
  std::variant<T, Status> v_;
};

const char* StatusCodeName(StatusCode code);

}  // namespace schoolshare

// Returns early from the enclosing function when `expr` (a Status) is not ok.
#define SS_RETURN_IF_ERROR(expr)               \
  do {                                         \
    ::schoolshare::Status ss_status_ = (expr); \
    if (!ss_status_.ok()) return ss_status_;   \
  } while (0)

#define SS_CONCAT_INNER(a, b) a##b
#define SS_CONCAT(a, b) SS_CONCAT_INNER(a, b)
// Declares `lhs` from a Result<T> expression, or returns its Status.
#define SS_ASSIGN_OR_RETURN(lhs, expr) SS_ASSIGN_OR_RETURN_IMPL(SS_CONCAT(ss_result_, __LINE__), lhs, expr)
#define SS_ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                             \
  if (!tmp.ok()) return tmp.status();            \
  lhs = std::move(tmp).value()
