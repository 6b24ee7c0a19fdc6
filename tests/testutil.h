// Shared test helpers: a temporary folder, a store on a real SQLite file in it, and a small district.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <ostream>
#include <random>
#include <string>

#include "schoolshare/clock.h"
#include "schoolshare/store.h"
#include "schoolshare/time.h"

namespace schoolshare::testing {

class TempDir {
 public:
  TempDir() {
    std::random_device rd;
    path_ =
        std::filesystem::temp_directory_path() / ("schoolshare-test-" + std::to_string(rd()) + std::to_string(rd()));
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  std::string File(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

inline const TimeZone& Shanghai() {
  static const TimeZone tz = *TimeZone::Find("Asia/Shanghai");
  return tz;
}

// "2026-11-24 10:00" in Asia/Shanghai.
inline Instant At(const std::string& local) {
  auto t = Shanghai().Parse(local);
  EXPECT_TRUE(t.ok()) << local << ": " << t.status().ToString();
  return t.ok() ? *t : 0;
}

inline std::unique_ptr<Store> OpenStore(const std::string& path, const Clock* clock) {
  StoreOptions options;
  options.clock = clock;
  options.synchronous_full = false;  // tests need no power-cut durability
  auto store = Store::OpenSqlite(path, options);
  EXPECT_TRUE(store.ok()) << store.status().ToString();
  return store.ok() ? std::move(store).value() : nullptr;
}

// The store backends the conformance suites run against.
enum class Backend { kSqlite, kPostgres };
inline void PrintTo(Backend b, std::ostream* os) { *os << (b == Backend::kSqlite ? "sqlite" : "postgres"); }
std::string BackendName(const ::testing::TestParamInfo<Backend>& info);

// The connection URI of the throwaway test cluster (tests/pg/pg_cluster.sh, started by the ctest
// fixture "pg_cluster"; its url file is named by SCHOOLSHARE_TEST_PG_URL_FILE), "" when there is none.
std::string PgClusterUrl();

// A fresh database in the test cluster, dropped (with its connections) when this goes.
class PgDatabase {
 public:
  PgDatabase();
  ~PgDatabase();
  PgDatabase(const PgDatabase&) = delete;
  PgDatabase& operator=(const PgDatabase&) = delete;
  bool ok() const { return !url_.empty(); }
  const std::string& url() const { return url_; }  // postgresql://.../<fresh database>
  const std::string& error() const { return error_; }

  // A new database of the cluster holding what `source` holds now (CREATE DATABASE ... TEMPLATE, which
  // refuses while any connection to `source` is open): an offline backup. Check ok() and error().
  static std::unique_ptr<PgDatabase> CopyOf(const PgDatabase& source);
  // Drops this database (closing its connections) and makes it again from `backup`, as a restore puts
  // a backup in place: "" or the error.
  std::string RestoreFrom(const PgDatabase& backup);
  // Runs one parameterless statement in this database: "" or the error.
  std::string Exec(const std::string& sql) const;

 private:
  explicit PgDatabase(const std::string& template_name);

  std::string cluster_;
  std::string name_;
  std::string url_;
  std::string error_;
};

// A store of `backend`: a SQLite file in `dir`, or a fresh database of the test cluster (kept in
// `pg`). Null when it cannot be opened (a test failure is recorded) or, for PostgreSQL, when there is
// no test cluster (then *skip says why and the caller should GTEST_SKIP).
std::unique_ptr<Store> OpenBackend(Backend backend, const TempDir& dir, const Clock* clock,
                                   std::unique_ptr<PgDatabase>* pg, std::string* skip);
// Another connection to the same store (the same file, or the same database).
std::unique_ptr<Store> ReopenBackend(Backend backend, const TempDir& dir, const Clock* clock, const PgDatabase* pg);
// Where OpenBackend's store lives, as a `--db` argument takes it: the SQLite file's path or the
// database's postgresql:// URL.
std::string BackendLocation(Backend backend, const TempDir& dir, const PgDatabase* pg);

// District "d1" (Asia/Shanghai) with:
//   core school "a" (at 29.50,106.50), weak member "b" (3 km away), partner "c" (10 km away)
//   a-field: field, 2 parts a-field-n / a-field-s, open 07:00-21:00 every day, approval none
//   a-hall: hall 300 seats, buffer 15, owner approval, notice 1 day, max 60 days ahead, max 4 h,
//           weekly cap 4 h per borrower, open Mon-Fri 08:00-18:00
//   a-lab: lab 40, home-only; a-balls: equipment, 20 units, approval none
//   b-hall: hall 200 seats, approval none, open 07:00-21:00 every day (similar to a-hall)
//   c-hall: hall 500 seats, owner_then_district, fee 20000 fen/h, open 07:00-21:00 every day
void SeedSmallDistrict(Store& store);

// After SeedSmallDistrict, a second district `district_id` (3 changes): core school "z" with "z-hall",
// a copy of b-hall.
void SeedSecondDistrict(Store& store, const std::string& district_id);

// How far a SQLite file's WAL has been copied back into the database file, read from its wal-index
// (`path`-shm; SQLite's file format: mxFrame in the index header, nBackfill in the checkpoint info that
// follows its two copies). Both 0 when there is no -shm file.
struct WalProgress {
  std::uint32_t frames = 0;       // valid frames in the WAL (mxFrame)
  std::uint32_t copied_back = 0;  // of them, already in the database file (nBackfill)
};
WalProgress ReadWalProgress(const std::string& path);

// A bearer token of `role` (scoped to `school`), issued at `now` and labelled "test"; "" with a test
// failure recorded when it cannot be issued.
std::string IssueTestToken(Store& store, Role role, const std::string& school, Instant now);

}  // namespace schoolshare::testing
