// The start-up checks as a black box (issue 7): the real `schoolshare` and `schoolshare-sync`
// (start_check_test), `schoolshare-kiosk` and `schoolshare-admin` (start_check_clients_test: they check
// their replica before any window opens) refuse a damaged database and one made by a newer schoolshare: exit 1, a
// message in the language asked for that names the file and what is wrong, never a crash, never a migration of the
// newer file.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "cli/cli_harness.h"
#include "damaged_db.h"
#include "testutil.h"

namespace schoolshare::testing {
namespace {

// Runs `bin args` with $SCHOOLSHARE_LANG=lang (60 s at most: a binary that would serve is a failure).
CliRun RunBinary(const std::string& dir, const std::string& bin, const std::vector<std::string>& args,
                 const std::string& lang) {
  std::string cmd = "SCHOOLSHARE_LANG=" + lang + " timeout 60 " + Quote(bin);
  for (const auto& a : args) cmd += " " + Quote(a);
  cmd += " >" + Quote(dir + "/out") + " 2>" + Quote(dir + "/err") + " </dev/null";
  const int status = std::system(cmd.c_str());
  CliRun r;
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.out = Slurp(dir + "/out");
  r.err = Slurp(dir + "/err");
  return r;
}

struct Binary {
  const char* name;
  std::string path;
  // The arguments that make it open `db` (and nothing else that could fail first) in `lang` (the CLI and
  // the server take it from $SCHOOLSHARE_LANG, the kiosk and admin client from their config or --lang).
  std::vector<std::string> (*args)(const std::string& dir, const std::string& db, const std::string& lang);
};

std::vector<Binary> Binaries() {
  std::vector<Binary> b;
#ifndef SCHOOLSHARE_START_CHECK_CLIENTS
  b.push_back({"schoolshare", SCHOOLSHARE_BIN, [](const std::string&, const std::string& db, const std::string&) {
                 return std::vector<std::string>{"school", "list", "--db", db};
               }});
  b.push_back(
      {"schoolshare-sync", SCHOOLSHARE_SYNC_BIN, [](const std::string&, const std::string& db, const std::string&) {
         return std::vector<std::string>{"--db", db, "--listen", "127.0.0.1:0"};
       }});
#else
  b.push_back({"schoolshare-kiosk", SCHOOLSHARE_KIOSK_BIN,
               [](const std::string& dir, const std::string& db, const std::string& lang) {
                 return std::vector<std::string>{"--config", dir + "/kiosk.json", "--replica", db, "--lang", lang};
               }});
  b.push_back({"schoolshare-admin", SCHOOLSHARE_ADMIN_BIN,
               [](const std::string& dir, const std::string& db, const std::string& lang) {
                 return std::vector<std::string>{"--config", dir + "/admin.json", "--replica", db, "--lang", lang};
               }});
#endif
  EXPECT_FALSE(b.empty());
  return b;
}

class StartCheckTest : public ::testing::Test {
 protected:
  std::string Dir() const { return dir_.File(""); }
  TempDir dir_;
};

TEST_F(StartCheckTest, EveryBinaryRefusesADamagedDatabase) {
  const std::string db = dir_.File("damaged.db");
  ASSERT_GT(MakePopulatedDatabase(db), 0);
  DamageMiddlePage(db);
  for (const Binary& b : Binaries()) {
    SCOPED_TRACE(b.name);
    const CliRun en = RunBinary(Dir(), b.path, b.args(Dir(), db, "en"), "en");
    EXPECT_EQ(en.code, 1) << en.out << en.err;
    EXPECT_NE(en.err.find("database " + db + " is damaged and was not opened"), std::string::npos) << en.err;
    EXPECT_NE(en.err.find("quick_check) found: "), std::string::npos) << en.err;
    EXPECT_EQ(en.out.find("listening"), std::string::npos) << en.out;
    const CliRun zh = RunBinary(Dir(), b.path, b.args(Dir(), db, "zh-CN"), "zh-CN");
    EXPECT_EQ(zh.code, 1) << zh.err;
    EXPECT_NE(zh.err.find("数据库 " + db + " 已损坏，拒绝打开"), std::string::npos) << zh.err;
  }
}

TEST_F(StartCheckTest, EveryBinaryRefusesANewerDatabaseWithBothVersionsAndLeavesItAlone) {
  const std::string db = dir_.File("newer.db");
  const int newer = MakeNewerDatabase(db);
  ASSERT_GT(newer, 3);
  const std::string known = std::to_string(newer - 3);
  const std::string before = ReadBytes(db);
  for (const Binary& b : Binaries()) {
    SCOPED_TRACE(b.name);
    const CliRun en = RunBinary(Dir(), b.path, b.args(Dir(), db, "en"), "en");
    EXPECT_EQ(en.code, 1) << en.out << en.err;
    EXPECT_NE(en.err.find("database " + db + " has schema version " + std::to_string(newer) +
                          ", newer than the version this schoolshare knows (" + known + ")"),
              std::string::npos)
        << en.err;
    const CliRun zh = RunBinary(Dir(), b.path, b.args(Dir(), db, "zh-CN"), "zh-CN");
    EXPECT_EQ(zh.code, 1) << zh.err;
    EXPECT_NE(zh.err.find("结构版本为 " + std::to_string(newer) + "，比本程序支持的版本 " + known), std::string::npos)
        << zh.err;
  }
  EXPECT_TRUE(ReadBytes(db) == before) << "a newer database was changed";
  EXPECT_EQ(RawQuery(db, "PRAGMA user_version"), newer);
}

#ifndef SCHOOLSHARE_START_CHECK_CLIENTS
// `schoolshare check` says the same (it is the check on demand) and a healthy file still opens.
TEST_F(StartCheckTest, CheckVerbRefusesTheDamagedFileAndPassesAHealthyOne) {
  const std::string good = dir_.File("good.db");
  ASSERT_GT(MakePopulatedDatabase(good), 0);
  CliRun r = RunBinary(Dir(), SCHOOLSHARE_BIN, {"check", "--db", good}, "en");
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("is healthy"), std::string::npos) << r.out;
  DamageMiddlePage(good);
  r = RunBinary(Dir(), SCHOOLSHARE_BIN, {"check", "--db", good}, "en");
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("error: database " + good + " is damaged"), std::string::npos) << r.err;
}

#endif

}  // namespace
}  // namespace schoolshare::testing
