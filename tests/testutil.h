// Shared test helpers: a temporary folder, a store on a real SQLite file in it, and a small district.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
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

// District "d1" (Asia/Shanghai) with:
//   core school "a" (at 29.50,106.50), weak member "b" (3 km away), partner "c" (10 km away)
//   a-field: field, 2 parts a-field-n / a-field-s, open 07:00-21:00 every day, approval none
//   a-hall: hall 300 seats, buffer 15, owner approval, notice 1 day, max 60 days ahead, max 4 h,
//           weekly cap 4 h per borrower, open Mon-Fri 08:00-18:00
//   a-lab: lab 40, home-only; a-balls: equipment, 20 units, approval none
//   b-hall: hall 200 seats, approval none, open 07:00-21:00 every day (similar to a-hall)
//   c-hall: hall 500 seats, owner_then_district, fee 20000 fen/h, open 07:00-21:00 every day
void SeedSmallDistrict(Store& store);

// A bearer token of `role` (scoped to `school`), issued at `now` and labelled "test"; "" with a test
// failure recorded when it cannot be issued.
std::string IssueTestToken(Store& store, Role role, const std::string& school, Instant now);

}  // namespace schoolshare::testing
