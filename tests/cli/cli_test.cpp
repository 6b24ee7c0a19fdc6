// Black-box tests of the real `schoolshare` binary on temporary databases: exit codes, stdout and
// stderr for every verb, including each refusal path and bad CSV rows.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "cli_harness.h"

namespace {

using schoolshare::testing::CliRun;
using schoolshare::testing::CliTest;
using schoolshare::testing::Slurp;
namespace fs = std::filesystem;
using Json = nlohmann::json;

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
                                                       {"report", "utilization", "--help"},
                                                       {"report", "equity", "--help"},
                                                       {"report", "reconciliation", "--help"},
                                                       {"report", "resolve", "--help"},
                                                       {"report", "sign-off", "--help"},
                                                       {"export", "ics", "--help"},
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
  EXPECT_EQ(r.out.rfind("\xEF\xBB\xBF", 0), 0u);  // a UTF-8 BOM by default
  EXPECT_NE(r.out.find("owner,owner name,borrower,borrower name,booked h,used h,fee (yuan),bookings\r\n"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("a,School A,b,School B,2.0,0.0,0.00,1\r\n"), std::string::npos) << r.out;
  r = Cli({"report", "ledger", "--db", db_, "--from", "2030-03-01", "--to", "2030-03-31", "--format", "json"});
  ASSERT_EQ(r.code, 0);
  EXPECT_DOUBLE_EQ(Json::parse(r.out)["shared_hours"].get<double>(), 2.0);
  EXPECT_EQ(Cli({"report", "ledger", "--db", db_, "--from", "2030-13-01", "--to", "2030-03-31"}).code, 2);
}

// Every report in every format, the reconciliation of a past month, resolving, signing off, and the
// lock on the CLI's writes afterwards.
TEST_F(CliTest, ReportsInEveryFormatAndSignOffLocksTheMonth) {
  SeedDistrict();
  CliRun r = Book("a-field", "b", "2026-03-05 16:00", "2026-03-05 18:00", {"--backfill", "--format", "json"});
  ASSERT_EQ(r.code, 0) << r.err;
  const std::string id = Json::parse(r.out)["booking"]["id"];
  const std::string code = Json::parse(r.out)["booking"]["code"];
  const std::vector<std::string> march = {"--db", db_, "--from", "2026-03-01", "--to", "2026-03-31"};
  auto report = [&](const std::string& kind, std::vector<std::string> extra, const std::string& lang = "en") {
    std::vector<std::string> args = {"report", kind};
    args.insert(args.end(), march.begin(), march.end());
    args.insert(args.end(), extra.begin(), extra.end());
    return Cli(args, lang);
  };
  for (const char* kind : {"utilization", "ledger", "equity"}) {
    for (const char* format : {"table", "csv", "json"}) {
      r = report(kind, {"--format", format});
      EXPECT_EQ(r.code, 0) << kind << " " << format << ": " << r.err;
      EXPECT_FALSE(r.out.empty()) << kind << " " << format;
      if (std::string(format) == "json") {
        EXPECT_TRUE(Json::accept(r.out)) << r.out;
      }
    }
  }
  // Utilization: a-field is open 07-21 daily, 31 days = 434 h; 2 h booked, nobody checked in.
  Json u = Json::parse(report("utilization", {"--format", "json"}).out);
  EXPECT_DOUBLE_EQ(u["total"]["booked_hours"].get<double>(), 2.0);
  EXPECT_DOUBLE_EQ(u["total"]["used_hours"].get<double>(), 0.0);
  EXPECT_DOUBLE_EQ(u["resources"][1]["opening_hours"].get<double>(), 14.0 * 31);  // a-field (a-balls first)
  EXPECT_EQ(u["weeks"].size(), 6u);  // 2026-W09 (Mon 02-23) .. 2026-W14 (Mon 03-30)
  r = report("utilization", {"--format", "csv", "--no-bom"});
  EXPECT_EQ(r.out.rfind("kind,id,name,opening h,booked h,used h,bookings,booked %,used %\r\n", 0), 0u) << r.out;
  r = report("utilization", {"--format", "csv"}, "zh-CN");
  EXPECT_EQ(r.out.rfind("\xEF\xBB\xBF类别,编号,名称,开放小时", 0), 0u) << r.out;
  EXPECT_NE(r.out.find("甲校足球场"), std::string::npos);
  Json e = Json::parse(report("equity", {"--format", "json"}).out);
  EXPECT_EQ(e["schools"].size(), 2u);  // the partner institute has no students
  EXPECT_TRUE(e.contains("gini_with_sharing"));
  r = report("equity", {"--format", "csv", "--school", "b"});
  EXPECT_NE(r.out.find("\r\nb,School B,yes,300,"), std::string::npos) << r.out;

  // Bad inputs: a reversed range, an unknown school or district, a format that does not exist.
  r = Cli({"report", "utilization", "--db", db_, "--from", "2026-03-31", "--to", "2026-03-01"});
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("reversed"), std::string::npos) << r.err;
  EXPECT_EQ(report("ledger", {"--school", "nope"}).code, 4);
  EXPECT_EQ(report("equity", {"--district", "d9"}).code, 4);
  EXPECT_EQ(report("utilization", {"--format", "xml"}).code, 2);

  // Reconciliation of a's March: the booking was a no-show.
  const std::vector<std::string> month = {"--db", db_, "--school", "a", "--month", "2026-03"};
  auto rec = [&](std::vector<std::string> extra) {
    std::vector<std::string> args = {"report", "reconciliation"};
    args.insert(args.end(), month.begin(), month.end());
    args.insert(args.end(), extra.begin(), extra.end());
    return Cli(args);
  };
  Json j = Json::parse(rec({"--format", "json"}).out);
  ASSERT_EQ(j["items"].size(), 1u) << j.dump();
  EXPECT_EQ(j["items"][0]["id"], "no_show:" + id);
  EXPECT_EQ(j["open_items"], 1);
  r = rec({"--format", "csv"});
  EXPECT_NE(r.out.find("no_show:" + id + ",no-show"), std::string::npos) << r.out;
  r = rec({});
  EXPECT_NE(r.out.find("open items: 1"), std::string::npos) << r.out;
  EXPECT_EQ(Cli({"report", "reconciliation", "--db", db_, "--school", "a", "--month", "2026-3"}).code, 2);

  r = Cli({"report", "sign-off", "--db", db_, "--school", "a", "--month", "2026-03"});
  EXPECT_EQ(r.code, 3);
  EXPECT_NE(r.err.find("no_show:" + id), std::string::npos) << r.err;
  EXPECT_EQ(Cli({"report", "resolve", "--db", db_, "--item", "no_show:nope", "--note", "x"}).code, 4);
  r = Cli({"report", "resolve", "--db", db_, "--item", "no_show:" + id, "--note", "乙校提前电话告知"});
  ASSERT_EQ(r.code, 0) << r.err;
  r = Cli({"report", "sign-off", "--db", db_, "--school", "a", "--month", "2026-03"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("signed off"), std::string::npos) << r.out;

  // The month is locked for the CLI's writes: create (even back-filled) and cancel.
  r = Book("a-field", "a", "2026-03-20 16:00", "2026-03-20 17:00", {"--backfill"});
  EXPECT_EQ(r.code, 3);
  EXPECT_NE((r.out + r.err).find("[period_locked]"), std::string::npos) << r.out << r.err;
  r = Cli({"booking", "cancel", "--db", db_, code});
  EXPECT_EQ(r.code, 3);
  EXPECT_NE((r.out + r.err).find("[period_locked]"), std::string::npos) << r.out << r.err;
  // April is still open.
  EXPECT_EQ(Book("a-field", "a", "2026-04-02 16:00", "2026-04-02 17:00", {"--backfill"}).code, 0);
}

TEST_F(CliTest, ExportIcsAndFeedTokens) {
  SeedDistrict();
  // A week from now (the feed shows 90 days back to 400 days ahead of the real clock), Shanghai date.
  const std::time_t later = std::time(nullptr) + 7 * 86400 + 8 * 3600;
  std::tm utc{};
  gmtime_r(&later, &utc);
  char date[16], stamp[16];
  std::strftime(date, sizeof date, "%Y-%m-%d", &utc);
  std::strftime(stamp, sizeof stamp, "%Y%m%d", &utc);
  ASSERT_EQ(Book("b-hall", "b", std::string(date) + " 16:00", std::string(date) + " 18:00").code, 0);
  CliRun r = Cli({"export", "ics", "--db", db_, "--resource", "b-hall"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out.rfind("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n", 0), 0u) << r.out;
  EXPECT_NE(r.out.find("DTSTART;TZID=Asia/Shanghai:" + std::string(stamp) + "T160000\r\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("END:VCALENDAR\r\n"), std::string::npos);
  const std::string out = (dir_ / "a.ics").string();
  r = Cli({"export", "ics", "--db", db_, "--school", "b", "--out", out});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(Slurp(out).find("SUMMARY:训练"), std::string::npos);
  EXPECT_EQ(Cli({"export", "ics", "--db", db_}).code, 2);
  EXPECT_EQ(Cli({"export", "ics", "--db", db_, "--school", "nope"}).code, 4);

  r = Cli({"token", "create", "--db", db_, "--role", "feed", "--resource", "b-hall", "--label", "教务处日历"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out.rfind("ss_", 0), 0u);
  EXPECT_EQ(Cli({"token", "create", "--db", db_, "--role", "feed"}).code, 2);  // which feed?
  Json tokens = Json::parse(Cli({"token", "list", "--db", db_, "--format", "json"}).out);
  ASSERT_EQ(tokens["items"].size(), 1u);
  EXPECT_EQ(tokens["items"][0]["role"], "feed");
  EXPECT_EQ(tokens["items"][0]["feed_id"], "b-hall");
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
