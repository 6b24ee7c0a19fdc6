// Black-box tests of the real `schoolshare` binary on temporary databases: exit codes, stdout and
// stderr for every verb, including each refusal path and bad CSV rows.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>
#include <sstream>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;
using Json = nlohmann::json;

struct CliRun {
  int code = -1;
  std::string out;
  std::string err;
};

std::string Quote(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

std::string Slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

class CliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::random_device rd;
    dir_ = fs::temp_directory_path() / ("schoolshare-cli-" + std::to_string(rd()) + std::to_string(rd()));
    fs::create_directories(dir_);
    db_ = (dir_ / "d.db").string();
  }
  void TearDown() override { fs::remove_all(dir_); }

  // Runs the binary with `args` (English unless lang says otherwise).
  CliRun Cli(const std::vector<std::string>& args, const std::string& lang = "en") {
    std::string cmd = "SCHOOLSHARE_LANG=" + lang + " " + Quote(SCHOOLSHARE_BIN);
    for (const auto& a : args) cmd += " " + Quote(a);
    cmd += " >" + Quote((dir_ / "out").string()) + " 2>" + Quote((dir_ / "err").string()) + " </dev/null";
    int status = std::system(cmd.c_str());
    CliRun r;
    r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    r.out = Slurp(dir_ / "out");
    r.err = Slurp(dir_ / "err");
    return r;
  }

  std::string Write(const std::string& name, const std::string& text) {
    fs::path p = dir_ / name;
    std::ofstream(p, std::ios::binary) << text;
    return p.string();
  }

  // A district with three schools and a few resources, from CSV files through the real binary.
  void SeedDistrict() {
    ASSERT_EQ(Cli({"init", "--db", db_, "--district", "d1", "--name", "测试学区"}).code, 0);
    std::string schools = Write("schools.csv",
                                "id,district_id,name,name_en,kind,weak,students,lat,lon\n"
                                "a,d1,甲校,School A,core,false,1200,29.50,106.50\n"
                                "b,d1,乙校,School B,member,true,300,29.53,106.50\n"
                                "c,d1,丙院,Institute C,partner,false,0,29.59,106.50\n");
    CliRun r = Cli({"import", "--db", db_, "schools", schools});
    ASSERT_EQ(r.code, 0) << r.err;
    std::string resources =
        Write("resources.csv",
              "id,school_id,name,name_en,type,capacity,quantity,features,opening_hours,"
              "buffer_minutes,shared,approval\n"
              "a-field,a,甲校足球场,Field A,field,100,0,400m-track,Daily 07:00-21:00,0,true,none\n"
              "a-hall,a,甲校礼堂,Hall A,hall,300,0,stage;projector,Daily 07:00-21:00,15,true,owner\n"
              "a-lab,a,甲校实验室,Lab A,lab,40,0,fume-hood,Daily 07:00-21:00,0,false,owner\n"
              "a-balls,a,足球,Footballs,equipment,0,20,,Daily 07:00-21:00,0,true,none\n"
              "b-hall,b,乙校报告厅,Hall B,hall,200,0,stage,Daily 07:00-21:00,0,true,none\n");
    r = Cli({"import", "--db", db_, "resources", resources});
    ASSERT_EQ(r.code, 0) << r.err;
  }

  CliRun Book(const std::string& resource, const std::string& school, const std::string& start, const std::string& end,
              std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {"booking", "create",  "--db", db_,     "--resource", resource,  "--school",
                                     school,    "--start", start,  "--end", end,          "--title", "训练"};
    args.insert(args.end(), extra.begin(), extra.end());
    return Cli(args);
  }

  fs::path dir_;
  std::string db_;
};

TEST_F(CliTest, NoArgumentsIsAUsageError) {
  CliRun r = Cli({});
  EXPECT_EQ(r.code, 2);
  EXPECT_FALSE(r.err.empty());
}

TEST_F(CliTest, EveryVerbHasHelp) {
  const std::vector<std::vector<std::string>> verbs = {{"--help"},
                                                       {"init", "--help"},
                                                       {"school", "list", "--help"},
                                                       {"resource", "list", "--help"},
                                                       {"staff", "list", "--help"},
                                                       {"class", "list", "--help"},
                                                       {"token", "create", "--help"},
                                                       {"token", "list", "--help"},
                                                       {"token", "revoke", "--help"},
                                                       {"booking", "create", "--help"},
                                                       {"booking", "cancel", "--help"},
                                                       {"booking", "approve", "--help"},
                                                       {"booking", "reject", "--help"},
                                                       {"booking", "list", "--help"},
                                                       {"booking", "show", "--help"},
                                                       {"import", "--help"},
                                                       {"backup", "--help"},
                                                       {"gen", "--help"},
                                                       {"report", "ledger", "--help"},
                                                       {"tour", "--help"},
                                                       {"sync", "clients", "--help"},
                                                       {"sync", "compact", "--help"}};
  for (const auto& v : verbs) {
    CliRun r = Cli(v);
    EXPECT_EQ(r.code, 0) << v[0] << (v.size() > 1 ? " " + v[1] : "");
    EXPECT_NE(r.out.find("--"), std::string::npos) << r.out;
  }
  // The help text follows the language.
  EXPECT_NE(Cli({"booking", "create", "--help"}, "zh-CN").out.find("预订"), std::string::npos);
}

TEST_F(CliTest, CheckVerifiesIntegrityAndRefusesDamage) {
  SeedDistrict();
  CliRun r = Cli({"check", "--db", db_});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("schema version"), std::string::npos) << r.out;
  std::string junk = Write("junk.db", std::string(8192, 'x'));
  r = Cli({"check", "--db", junk});
  EXPECT_EQ(r.code, 1);
  EXPECT_FALSE(r.err.empty());
  EXPECT_EQ(Cli({"check", "--db", (dir_ / "absent.db").string()}).code, 4);
}

TEST_F(CliTest, MissingDatabaseIsNotFound) {
  CliRun r = Cli({"school", "list", "--db", (dir_ / "absent.db").string()});
  EXPECT_EQ(r.code, 4);
  EXPECT_NE(r.err.find("absent.db"), std::string::npos);
  EXPECT_FALSE(fs::exists(dir_ / "absent.db"));  // and it was not created by accident
}

TEST_F(CliTest, CatalogueListsAsTableAndJson) {
  SeedDistrict();
  CliRun r = Cli({"school", "list", "--db", db_});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("School B"), std::string::npos);
  r = Cli({"school", "list", "--db", db_, "--format", "json"}, "zh-CN");
  ASSERT_EQ(r.code, 0);
  Json j = Json::parse(r.out);
  ASSERT_EQ(j["items"].size(), 3u);
  EXPECT_EQ(j["items"][1]["name"], "乙校");
  EXPECT_EQ(j["items"][1]["weak"], true);
  r = Cli({"resource", "list", "--db", db_, "--type", "hall", "--min-capacity", "250", "--format", "json"});
  ASSERT_EQ(r.code, 0);
  j = Json::parse(r.out);
  ASSERT_EQ(j["items"].size(), 1u);
  EXPECT_EQ(j["items"][0]["id"], "a-hall");
  EXPECT_EQ(Cli({"resource", "list", "--db", db_, "--type", "gym"}).code, 2);
  EXPECT_EQ(Cli({"school", "list", "--db", db_, "--format", "xml"}).code, 2);
}

TEST_F(CliTest, BookingCreateConflictAndAlternatives) {
  SeedDistrict();
  CliRun r = Book("a-field", "a", "2030-03-05 16:00", "2030-03-05 17:30", {"--format", "json"});
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  Json first = Json::parse(r.out);
  EXPECT_TRUE(first["accepted"].get<bool>());
  EXPECT_EQ(first["booking"]["status"], "confirmed");
  EXPECT_EQ(first["booking"]["start"], "2030-03-05T16:00:00+08:00");
  std::string code = first["booking"]["code"];

  r = Book("a-field", "b", "2030-03-05 17:00", "2030-03-05 18:00");
  EXPECT_EQ(r.code, 3);
  EXPECT_NE(r.out.find("[overlap]"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find(code), std::string::npos);                // names the conflicting booking
  EXPECT_NE(r.out.find("2030-03-05 17:30"), std::string::npos);  // the nearest free time
  r = Book("a-field", "b", "2030-03-05 17:00", "2030-03-05 18:00", {"--format", "json"});
  EXPECT_EQ(r.code, 3);
  Json refused = Json::parse(r.out);
  EXPECT_FALSE(refused["accepted"].get<bool>());
  EXPECT_EQ(refused["violations"][0]["rule"], "overlap");
  EXPECT_FALSE(refused["alternatives"].empty());

  // In Chinese too.
  r = Cli({"booking", "create", "--db", db_, "--resource", "a-field", "--school", "b", "--start", "2030-03-05 17:00",
           "--end", "2030-03-05 18:00"},
          "zh-CN");
  EXPECT_EQ(r.code, 3);
  EXPECT_NE(r.out.find("冲突"), std::string::npos) << r.out;
}

TEST_F(CliTest, DryRunChecksAndWritesNothing) {
  SeedDistrict();
  CliRun r = Book("a-hall", "b", "2030-03-05 09:00", "2030-03-05 10:00", {"--dry-run", "--format", "json"});
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  Json j = Json::parse(r.out);
  EXPECT_TRUE(j["accepted"].get<bool>());
  EXPECT_EQ(j["booking"]["status"], "pending");  // it would wait for the owner's approval
  EXPECT_FALSE(j["booking"].contains("code"));   // but it was not stored
  r = Book("a-hall", "b", "2030-03-05 09:00", "2030-03-05 10:00", {"--dry-run"});
  EXPECT_EQ(r.code, 0);
  EXPECT_NE(r.out.find("nothing written"), std::string::npos) << r.out;
  EXPECT_TRUE(Json::parse(Cli({"booking", "list", "--db", db_, "--format", "json"}).out)["items"].empty());
}

TEST_F(CliTest, BookingRefusalPaths) {
  SeedDistrict();
  EXPECT_EQ(Book("nope", "a", "2030-03-05 16:00", "2030-03-05 17:00").code, 4);
  EXPECT_EQ(Book("a-field", "zz", "2030-03-05 16:00", "2030-03-05 17:00").code, 4);
  CliRun r = Book("a-field", "a", "2030-03-05 25:00", "2030-03-05 26:00");
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("--start"), std::string::npos);
  r = Book("a-field", "a", "2030-03-05 17:00", "2030-03-05 16:00");
  EXPECT_EQ(r.code, 3);
  EXPECT_NE(r.out.find("[invalid_interval]"), std::string::npos);
  r = Book("a-field", "a", "2020-03-05 16:00", "2020-03-05 17:00");
  EXPECT_EQ(r.code, 3);
  EXPECT_NE(r.out.find("[in_the_past]"), std::string::npos);
  EXPECT_EQ(Book("a-field", "a", "2020-03-05 16:00", "2020-03-05 17:00", {"--backfill"}).code, 0);
  r = Book("a-lab", "b", "2030-03-05 16:00", "2030-03-05 17:00");
  EXPECT_EQ(r.code, 3);
  EXPECT_NE(r.out.find("[home_only]"), std::string::npos);
  r = Book("a-field", "a", "2030-03-05 22:00", "2030-03-05 23:00");
  EXPECT_EQ(r.code, 3);
  EXPECT_NE(r.out.find("[opening_hours]"), std::string::npos);
  r = Book("a-balls", "b", "2030-03-05 16:00", "2030-03-05 17:00", {"--quantity", "25"});
  EXPECT_EQ(r.code, 3);
  EXPECT_NE(r.out.find("[quantity]"), std::string::npos);
  EXPECT_EQ(Book("a-field", "a", "2030-03-05 16:00", "2030-03-05 17:00", {"--quantity", "-1"}).code, 2);
  // Nothing refused was written: only the back-filled booking exists.
  Json list = Json::parse(Cli({"booking", "list", "--db", db_, "--format", "json"}).out);
  EXPECT_EQ(list["items"].size(), 1u);
}

TEST_F(CliTest, ApproveRejectCancelShowAndHistory) {
  SeedDistrict();
  CliRun r = Book("a-hall", "b", "2030-03-06 09:00", "2030-03-06 11:00", {"--format", "json"});
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  Json b = Json::parse(r.out)["booking"];
  EXPECT_EQ(b["status"], "pending");
  std::string code = b["code"];

  EXPECT_EQ(Cli({"booking", "reject", "--db", db_, code}).code, 2);  // a rejection needs --reason
  r = Cli({"booking", "approve", "--db", db_, code});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("confirmed"), std::string::npos) << r.out;
  r = Cli({"booking", "approve", "--db", db_, code});
  EXPECT_EQ(r.code, 3);
  EXPECT_NE(r.err.find("[not_pending]"), std::string::npos) << r.err;
  // The code may be typed in lower case with a space.
  std::string typed = code.substr(0, 3) + " " + code.substr(3);
  for (char& c : typed) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  r = Cli({"booking", "cancel", "--db", db_, typed, "--reason", "下雨"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("cancelled"), std::string::npos);
  EXPECT_EQ(Cli({"booking", "cancel", "--db", db_, "NOSUCH"}).code, 4);

  r = Cli({"booking", "show", "--db", db_, code, "--format", "json"});
  ASSERT_EQ(r.code, 0);
  Json shown = Json::parse(r.out);
  ASSERT_EQ(shown["history"].size(), 3u);
  EXPECT_EQ(shown["history"][0]["action"], "booking.create");
  EXPECT_EQ(shown["history"][1]["action"], "booking.approve");
  EXPECT_EQ(shown["history"][2]["action"], "booking.cancel");
  EXPECT_EQ(shown["note"], "下雨");

  r = Book("a-hall", "b", "2030-03-07 09:00", "2030-03-07 10:00", {"--format", "json"});
  std::string second = Json::parse(r.out)["booking"]["code"];
  r = Cli({"booking", "reject", "--db", db_, second, "--reason", "期中考试"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("rejected"), std::string::npos);
}

TEST_F(CliTest, WeeklySeriesAllOrNothingAndSkip) {
  SeedDistrict();
  ASSERT_EQ(Book("a-field", "a", "2030-03-12 14:00", "2030-03-12 15:00").code, 0);  // a Tuesday
  std::vector<std::string> series = {"booking",    "create",           "--db",      db_,       "--resource",
                                     "a-field",    "--school",         "a",         "--start", "2030-03-04 14:00",
                                     "--end",      "2030-03-04 14:40", "--weekly",  "tue,thu", "--until",
                                     "2030-03-28", "--except",         "2030-03-21"};
  CliRun r = Cli(series);
  EXPECT_EQ(r.code, 3);
  EXPECT_NE(r.out.find("2030-03-12"), std::string::npos) << r.out;
  EXPECT_EQ(Json::parse(Cli({"booking", "list", "--db", db_, "--format", "json"}).out)["items"].size(), 1u);
  series.push_back("--skip-conflicts");
  r = Cli(series);
  EXPECT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("6"), std::string::npos) << r.out;
  // Tue/Thu from 03-05 to 03-28 is 8 dates; minus the exception 03-21 and the conflict 03-12: 6, plus the
  // booking that was there before.
  EXPECT_EQ(Json::parse(Cli({"booking", "list", "--db", db_, "--format", "json"}).out)["items"].size(), 7u);
  EXPECT_EQ(Cli({"booking", "create", "--db", db_, "--resource", "a-field", "--school", "a", "--start",
                 "2030-03-04 14:00", "--end", "2030-03-04 14:40", "--weekly", "someday", "--until", "2030-03-28"})
                .code,
            2);
}

TEST_F(CliTest, TokensAreShownOnceAndScoped) {
  SeedDistrict();
  CliRun r = Cli({"token", "create", "--db", db_, "--role", "kiosk", "--school", "a", "--label", "校门"});
  ASSERT_EQ(r.code, 0) << r.err;
  std::string token = r.out.substr(0, r.out.find('\n'));
  EXPECT_EQ(token.rfind("ss_", 0), 0u);
  EXPECT_EQ(r.out, token + "\n");  // stdout is the token alone
  r = Cli({"token", "list", "--db", db_, "--format", "json"});
  ASSERT_EQ(r.code, 0);
  EXPECT_EQ(r.out.find(token), std::string::npos);  // never shown again
  Json list = Json::parse(r.out);
  ASSERT_EQ(list["items"].size(), 1u);
  std::string id = list["items"][0]["id"];
  EXPECT_EQ(Cli({"token", "create", "--db", db_, "--role", "kiosk"}).code, 2);
  EXPECT_EQ(Cli({"token", "create", "--db", db_, "--role", "janitor"}).code, 2);
  EXPECT_EQ(Cli({"token", "create", "--db", db_, "--role", "kiosk", "--school", "zz"}).code, 4);
  EXPECT_EQ(Cli({"token", "revoke", "--db", db_, id}).code, 0);
  EXPECT_EQ(Cli({"token", "revoke", "--db", db_, "tok-none"}).code, 4);
}

TEST_F(CliTest, ImportReportsEveryBadRowAndWritesNothing) {
  SeedDistrict();
  std::string bad = Write("bad.csv",
                          "\xEF\xBB\xBFid,district_id,name,kind,students\n"
                          "d,d1,丁校,member,100\n"
                          "e,d1,戊校,village,100\n"
                          "f,nowhere,己校,member,100\n"
                          "g,d1,庚校,member,many\n");
  CliRun r = Cli({"import", "--db", db_, "schools", bad});
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("bad.csv:3"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("bad.csv:4"), std::string::npos);
  EXPECT_NE(r.err.find("bad.csv:5"), std::string::npos);
  EXPECT_EQ(r.err.find("bad.csv:2"), std::string::npos);
  EXPECT_EQ(Json::parse(Cli({"school", "list", "--db", db_, "--format", "json"}).out)["items"].size(), 3u);
  EXPECT_EQ(Cli({"import", "--db", db_, "schools", (dir_ / "none.csv").string()}).code, 4);
  EXPECT_EQ(Cli({"import", "--db", db_, "teachers", bad}).code, 2);
}

TEST_F(CliTest, BackupMakesAUsableCopyAndNeverOverwrites) {
  SeedDistrict();
  ASSERT_EQ(Book("a-field", "a", "2030-03-05 16:00", "2030-03-05 17:00").code, 0);
  std::string copy = (dir_ / "copy.db").string();
  CliRun r = Cli({"backup", "--db", db_, "--to", copy});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(Json::parse(Cli({"booking", "list", "--db", copy, "--format", "json"}).out)["items"].size(), 1u);
  EXPECT_EQ(Cli({"backup", "--db", db_, "--to", copy}).code, 3);
}

TEST_F(CliTest, SyncCompactDropsOldChangesAndKeepsHistory) {
  SeedDistrict();
  ASSERT_EQ(Book("a-field", "a", "2030-03-05 16:00", "2030-03-05 17:00").code, 0);
  CliRun r = Cli({"sync", "compact", "--db", db_, "--keep-days", "30"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("dropped 0 "), std::string::npos) << r.out;  // everything is younger than 30 days
  EXPECT_EQ(Cli({"sync", "compact", "--db", db_, "--keep-days", "0"}).code, 2);
  r = Cli({"sync", "clients", "--db", db_});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("last seq"), std::string::npos) << r.out;
}

TEST_F(CliTest, LedgerReportCsvAndJson) {
  SeedDistrict();
  ASSERT_EQ(Book("a-field", "b", "2030-03-05 16:00", "2030-03-05 18:00").code, 0);
  CliRun r = Cli({"report", "ledger", "--db", db_, "--from", "2030-03-01", "--to", "2030-03-31", "--format", "csv"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("owner_school_id,borrower_school_id,hours"), std::string::npos);
  EXPECT_NE(r.out.find("a,b,2.0"), std::string::npos) << r.out;
  r = Cli({"report", "ledger", "--db", db_, "--from", "2030-03-01", "--to", "2030-03-31", "--format", "json"});
  ASSERT_EQ(r.code, 0);
  EXPECT_DOUBLE_EQ(Json::parse(r.out)["shared_hours"].get<double>(), 2.0);
  EXPECT_EQ(Cli({"report", "ledger", "--db", db_, "--from", "2030-13-01", "--to", "2030-03-31"}).code, 2);
}

TEST_F(CliTest, GenMakesExactlyWhatWasAsked) {
  CliRun r = Cli({"gen", "--db", db_, "--schools", "20", "--resources", "100", "--bookings", "2000", "--seed", "7"});
  ASSERT_EQ(r.code, 0) << r.err;
  Json schools = Json::parse(Cli({"school", "list", "--db", db_, "--format", "json"}).out);
  EXPECT_EQ(schools["items"].size(), 20u);
  Json resources = Json::parse(Cli({"resource", "list", "--db", db_, "--format", "json"}).out);
  EXPECT_EQ(resources["items"].size(), 100u);
  EXPECT_EQ(Cli({"gen", "--db", db_, "--schools", "20"}).code, 3);  // refuses a database with data
}

TEST_F(CliTest, DemoInitAndTour) {
  CliRun r = Cli({"init", "--db", db_, "--demo"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(r.err.empty()) << r.err;  // no unexpected refusals while seeding
  EXPECT_EQ(Cli({"init", "--db", db_, "--demo"}).code, 3);
  r = Cli({"tour", "--db", db_}, "zh-CN");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("谢家湾小学"), std::string::npos);
  EXPECT_NE(r.out.find("[overlap]"), std::string::npos) << r.out;
  r = Cli({"tour", "--db", db_});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("Xiejiawan"), std::string::npos);
}

// The demo's schools come with staff and classes (the kiosk's lists); a school's own can be imported.
TEST_F(CliTest, StaffAndClassesListAndImport) {
  ASSERT_EQ(Cli({"init", "--db", db_, "--demo"}).code, 0);
  CliRun r = Cli({"staff", "list", "--db", db_, "--school", "xjw", "--format", "json"});
  ASSERT_EQ(r.code, 0) << r.err;
  Json staff = Json::parse(r.out)["items"];
  ASSERT_EQ(staff.size(), 7u);
  EXPECT_EQ(staff[0]["school_id"], "xjw");
  r = Cli({"class", "list", "--db", db_, "--school", "xjw", "--format", "json"});
  ASSERT_EQ(r.code, 0) << r.err;
  Json classes = Json::parse(r.out)["items"];
  ASSERT_EQ(classes.size(), 12u);  // a primary school: grades 1-6, two classes each
  EXPECT_EQ(classes[0]["name"], "一年级(1)班");
  EXPECT_GT(classes[0]["lessons"].size(), 20u);
  r = Cli({"class", "list", "--db", db_, "--school", "yucai"}, "zh-CN");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("七年级(1)班"), std::string::npos) << r.out;
  EXPECT_EQ(Cli({"staff", "list", "--db", db_, "--school", "nowhere"}).code, 4);

  std::string file = Write("staff.csv", "id,school_id,name,role\nxjw-new,xjw,孙丽,teacher\n");
  r = Cli({"import", "--db", db_, "staff", file});
  ASSERT_EQ(r.code, 0) << r.err;
  r = Cli({"staff", "list", "--db", db_, "--school", "xjw"});
  EXPECT_NE(r.out.find("孙丽"), std::string::npos) << r.out;
  std::string bad = Write("classes.csv", "id,school_id,name,grade\nk,xjw,一年级(9)班,15\n");
  r = Cli({"import", "--db", db_, "classes", bad});
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("[grade]"), std::string::npos) << r.err;
}

}  // namespace
