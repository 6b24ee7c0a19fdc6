// The start-up checks of the store (issue 7): a damaged database and one made by a newer schoolshare
// are refused on open with kCorruption and a message, in zh-CN and en, that names the file and what is
// wrong; a newer file is left exactly as it was.
#include <gtest/gtest.h>

#include <fstream>
#include <string>

#include "damaged_db.h"
#include "schoolshare/store.h"
#include "testutil.h"

namespace schoolshare {
namespace {

Status OpenChecked(const std::string& path, Lang lang, bool verify = true) {
  StoreOptions o;
  o.create_if_missing = false;
  o.verify_integrity = verify;
  o.lang = lang;
  return Store::OpenSqlite(path, o).status();
}

bool Has(const Status& s, const std::string& words) { return s.message().find(words) != std::string::npos; }

TEST(StoreOpenCheck, APopulatedDatabaseOpensWithTheCheck) {
  testing::TempDir dir;
  const std::string path = dir.File("ok.db");
  ASSERT_GT(testing::MakePopulatedDatabase(path), 0);
  EXPECT_TRUE(OpenChecked(path, Lang::kEn).ok());
  EXPECT_TRUE(CheckDatabaseFile(path, Lang::kEn).ok());
  EXPECT_TRUE(CheckDatabaseFile(dir.File("not-yet.db"), Lang::kEn).ok());  // made on first open
}

TEST(StoreOpenCheck, ADamagedPageIsRefusedNamingTheFileAndTheFinding) {
  testing::TempDir dir;
  const std::string path = dir.File("damaged.db");
  ASSERT_GT(testing::MakePopulatedDatabase(path), 0);
  testing::DamageMiddlePage(path);

  const Status en = OpenChecked(path, Lang::kEn);
  ASSERT_FALSE(en.ok());
  EXPECT_EQ(en.code(), StatusCode::kCorruption);
  EXPECT_TRUE(Has(en, "database " + path + " is damaged")) << en.message();
  EXPECT_TRUE(Has(en, "quick_check) found: ")) << en.message();
  EXPECT_FALSE(Has(en, "found: ok")) << en.message();

  const Status zh = OpenChecked(path, Lang::kZh);
  ASSERT_FALSE(zh.ok());
  EXPECT_TRUE(Has(zh, "数据库 " + path + " 已损坏")) << zh.message();

  const Status checked = CheckDatabaseFile(path, Lang::kEn);
  EXPECT_EQ(checked.code(), StatusCode::kCorruption);
  EXPECT_EQ(checked.message(), en.message());
}

TEST(StoreOpenCheck, ANewerSchemaIsRefusedWithBothVersionsAndLeftUnchanged) {
  testing::TempDir dir;
  const std::string path = dir.File("newer.db");
  const int newer = testing::MakeNewerDatabase(path);
  ASSERT_GT(newer, 3);
  const int known = newer - 3;
  const std::string before = testing::ReadBytes(path);

  for (bool verify : {true, false}) {
    const Status en = OpenChecked(path, Lang::kEn, verify);
    ASSERT_FALSE(en.ok());
    EXPECT_EQ(en.code(), StatusCode::kCorruption);
    EXPECT_TRUE(Has(en, "database " + path + " has schema version " + std::to_string(newer) +
                            ", newer than the version this schoolshare knows (" + std::to_string(known) + ")"))
        << en.message();
    const Status zh = OpenChecked(path, Lang::kZh, verify);
    EXPECT_TRUE(Has(zh, "结构版本为 " + std::to_string(newer))) << zh.message();
    EXPECT_TRUE(Has(zh, "支持的版本 " + std::to_string(known))) << zh.message();
  }
  EXPECT_EQ(CheckDatabaseFile(path, Lang::kEn).code(), StatusCode::kCorruption);
  // Never migrated or written: the file is byte for byte what it was, the version still the newer one.
  EXPECT_TRUE(testing::ReadBytes(path) == before);
  EXPECT_EQ(testing::RawQuery(path, "PRAGMA user_version"), newer);
}

TEST(StoreOpenCheck, AFileThatIsNotADatabaseIsRefusedNamingIt) {
  testing::TempDir dir;
  const std::string path = dir.File("list.db");
  std::ofstream(path) << "this is not a database, it is a shopping list: chalk, footballs\n";
  const Status en = OpenChecked(path, Lang::kEn, false);
  EXPECT_EQ(en.code(), StatusCode::kCorruption);
  EXPECT_TRUE(Has(en, "cannot open " + path + ": it is not a schoolshare database")) << en.message();
  EXPECT_TRUE(Has(OpenChecked(path, Lang::kZh, false), "无法打开 " + path));
}

}  // namespace
}  // namespace schoolshare
