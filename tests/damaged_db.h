// Databases that must be refused on open (issue 7's start-up checks): a populated file with a page in
// the middle overwritten, and one whose schema version is newer than this schoolshare knows. Real
// SQLite files, made through the store and then changed with sqlite3 or plain file writes.
#pragma once

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "schoolshare/generator.h"
#include "schoolshare/store.h"

namespace schoolshare::testing {

inline std::string ReadBytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// One integer from a single-row query on the file (sqlite3 directly: the store would refuse the file).
inline std::int64_t RawQuery(const std::string& path, const char* sql) {
  sqlite3* h = nullptr;
  std::int64_t v = -1;
  if (sqlite3_open_v2(path.c_str(), &h, SQLITE_OPEN_READWRITE, nullptr) == SQLITE_OK) {
    sqlite3_stmt* st = nullptr;
    if (sqlite3_prepare_v2(h, sql, -1, &st, nullptr) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW) {
      v = sqlite3_column_int64(st, 0);
    }
    sqlite3_finalize(st);
  }
  sqlite3_close(h);
  return v;
}

// A populated database at `path` (a generated district of 10 schools with 3,000 bookings), closed, its
// WAL folded into the main file. Returns the schema version it was made with.
inline int MakePopulatedDatabase(const std::string& path) {
  int version = 0;
  {
    StoreOptions o;
    o.synchronous_full = false;
    auto store = Store::OpenSqlite(path, o);
    EXPECT_TRUE(store.ok()) << store.status().ToString();
    if (!store.ok()) return 0;
    GenOptions g;
    g.schools = 10;
    g.resources = 60;
    g.bookings = 3000;
    g.seed = 7;
    EXPECT_TRUE(GenerateCity(**store, g).ok());
    version = (*store)->SchemaVersion();
  }
  EXPECT_EQ(RawQuery(path, "PRAGMA wal_checkpoint(TRUNCATE)"), 0);
  return version;
}

// Overwrites the page in the middle of the file with a pattern (its b-tree header and cells become
// nonsense). The file has no free pages, so the page is one that PRAGMA quick_check walks.
inline void DamageMiddlePage(const std::string& path) {
  ASSERT_EQ(RawQuery(path, "PRAGMA freelist_count"), 0);
  const std::int64_t page_size = RawQuery(path, "PRAGMA page_size");
  const std::int64_t pages = RawQuery(path, "PRAGMA page_count");
  ASSERT_GT(page_size, 0);
  ASSERT_GT(pages, 20) << "too small a database to damage in the middle";
  ASSERT_EQ(static_cast<std::int64_t>(std::filesystem::file_size(path)), page_size * pages);
  std::fstream f(path, std::ios::binary | std::ios::in | std::ios::out);
  f.seekp(page_size * (pages / 2));
  const std::string garbage(static_cast<size_t>(page_size), '\xA5');
  f.write(garbage.data(), static_cast<std::streamsize>(garbage.size()));
  ASSERT_TRUE(f.good());
}

// A database at `path` whose schema version (PRAGMA user_version) is `ahead` past this program's.
// Returns the version it now claims.
inline int MakeNewerDatabase(const std::string& path, int ahead = 3) {
  int version = 0;
  {
    StoreOptions o;
    o.synchronous_full = false;
    auto store = Store::OpenSqlite(path, o);
    EXPECT_TRUE(store.ok()) << store.status().ToString();
    if (!store.ok()) return 0;
    version = (*store)->SchemaVersion() + ahead;
  }
  RawQuery(path, ("PRAGMA user_version = " + std::to_string(version)).c_str());
  EXPECT_EQ(RawQuery(path, "PRAGMA wal_checkpoint(TRUNCATE)"), 0);
  EXPECT_EQ(RawQuery(path, "PRAGMA user_version"), version);
  return version;
}

}  // namespace schoolshare::testing
