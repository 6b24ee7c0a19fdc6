// Black-box tests of `schoolshare find`: ranked free slots as a table and JSON, weekly patterns, and
// the exit codes of bad queries (DESIGN.md section 6).
#include "cli_harness.h"

namespace {

using schoolshare::testing::CliRun;
using schoolshare::testing::CliTest;
using Json = nlohmann::json;

class FindCliTest : public CliTest {
 protected:
  CliRun Find(std::vector<std::string> extra, const std::string& lang = "en") {
    std::vector<std::string> args = {"find", "--db",           db_,  "--for-school", "b", "--type",
                                     "hall", "--min-capacity", "150"};
    args.insert(args.end(), extra.begin(), extra.end());
    return Cli(args, lang);
  }
};

TEST_F(FindCliTest, RanksOwnFittingHallFirstWithReasons) {
  SeedDistrict();
  CliRun r = Find({"--from", "2030-03-09 08:00", "--to", "2030-03-09 12:00", "--duration", "120", "--format", "json"});
  ASSERT_EQ(r.code, 0) << r.err;
  Json j = Json::parse(r.out);
  ASSERT_EQ(j["items"].size(), 4u);  // two halls, two non-overlapping slots each
  EXPECT_EQ(j["items"][0]["resource_id"], "b-hall");
  EXPECT_EQ(j["items"][0]["start"], "2030-03-09T08:00:00+08:00");
  EXPECT_EQ(j["items"][0]["end"], "2030-03-09T10:00:00+08:00");
  EXPECT_EQ(j["items"][0]["status"], "confirmed");
  EXPECT_EQ(j["items"][0]["reasons"][0]["text"], "fits: 150 needed, holds 200");
  EXPECT_EQ(j["items"][2]["resource_id"], "a-hall");
  EXPECT_EQ(j["items"][2]["status"], "pending");  // a-hall needs its owner's approval
  EXPECT_GT(j["items"][0]["score"].get<double>(), j["items"][2]["score"].get<double>());

  r = Find({"--from", "2030-03-09 08:00", "--to", "2030-03-09 12:00", "--duration", "120"}, "zh-CN");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("乙校报告厅"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("容量合适：需要 150 人，可容纳 200 人"), std::string::npos) << r.out;
}

TEST_F(FindCliTest, OneSchoolAndBookedTimes) {
  SeedDistrict();
  ASSERT_EQ(Book("b-hall", "b", "2030-03-09 08:00", "2030-03-09 11:00").code, 0);
  CliRun r = Find({"--from", "2030-03-09 08:00", "--to", "2030-03-09 14:00", "--duration", "120", "--school", "b",
                   "--format", "json"});
  ASSERT_EQ(r.code, 0) << r.err;
  Json j = Json::parse(r.out);
  ASSERT_EQ(j["items"].size(), 1u);
  EXPECT_EQ(j["items"][0]["start"], "2030-03-09T11:00:00+08:00");
  r = Find({"--from", "2030-03-09 08:00", "--to", "2030-03-09 10:00", "--duration", "120", "--school", "b"});
  EXPECT_EQ(r.code, 0);
  EXPECT_NE(r.out.find("no free slot"), std::string::npos) << r.out;
}

TEST_F(FindCliTest, WeeklyPattern) {
  SeedDistrict();
  ASSERT_EQ(Book("b-hall", "b", "2030-03-12 14:00", "2030-03-12 16:00").code, 0);
  CliRun r = Find({"--every-weekday", "2", "--from", "14:00", "--to", "16:00", "--first-date", "2030-03-05",
                   "--last-date", "2030-03-26", "--format", "json"});
  ASSERT_EQ(r.code, 0) << r.err;
  Json j = Json::parse(r.out);
  ASSERT_EQ(j["items"].size(), 1u);  // b-hall is taken on one Tuesday
  EXPECT_EQ(j["items"][0]["resource_id"], "a-hall");
  EXPECT_EQ(j["items"][0]["occurrences_total"], 4);
  r = Find({"--every-weekday", "2", "--from", "14:00", "--to", "16:00", "--first-date", "2030-03-05", "--last-date",
            "2030-03-26", "--min-occurrences", "3", "--format", "json"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(Json::parse(r.out)["items"].size(), 2u);
}

TEST_F(FindCliTest, BadQueriesExitWithUsageOrNotFound) {
  SeedDistrict();
  CliRun r = Find({"--from", "2030-03-09 12:00", "--to", "2030-03-09 08:00", "--duration", "120"});
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("reversed"), std::string::npos) << r.err;
  r = Find({"--from", "2030-03-09 08:00", "--to", "2030-03-09 09:00", "--duration", "120"});
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("longer than the window"), std::string::npos) << r.err;
  r = Cli({"find", "--db", db_, "--for-school", "nowhere", "--from", "2030-03-09 08:00", "--to", "2030-03-09 12:00",
           "--duration", "60"});
  EXPECT_EQ(r.code, 4);
  EXPECT_NE(r.err.find("nowhere"), std::string::npos) << r.err;
  r = Cli({"find", "--db", db_, "--for-school", "b", "--type", "hall,spaceship", "--from", "2030-03-09 08:00", "--to",
           "2030-03-09 12:00", "--duration", "60"});
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("spaceship"), std::string::npos) << r.err;
  r = Find({"--from", "2030-03-09 08:00", "--to", "2030-03-09 12:00", "--duration", "60", "--school", "a", "--city"});
  EXPECT_EQ(r.code, 2);
  r = Cli({"find", "--db", db_, "--for-school", "b"});
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(Cli({"find", "--help"}).code, 0);
}

TEST_F(FindCliTest, CommonFreeTimeOfTwoSchools) {
  SeedDistrict();
  // No classes are on file: only the venues decide; errors keep their exit codes.
  CliRun r = Cli({"find", "common", "--db", db_, "--schools", "a,b", "--type", "hall", "--min-capacity", "150",
                  "--from", "2030-03-09 08:00", "--to", "2030-03-09 12:00", "--duration", "120", "--format", "json"});
  ASSERT_EQ(r.code, 0) << r.err;
  Json j = Json::parse(r.out);
  ASSERT_FALSE(j["items"].empty());
  EXPECT_EQ(j["items"][0]["reasons"].back()["key"], "search.reason.people_free");
  r = Cli({"find", "common", "--db", db_, "--schools", "a,nowhere", "--from", "2030-03-09 08:00", "--to",
           "2030-03-09 12:00", "--duration", "120"});
  EXPECT_EQ(r.code, 4);
  r = Cli({"find", "common", "--db", db_, "--schools", "a", "--from", "2030-03-09 12:00", "--to", "2030-03-09 08:00",
           "--duration", "120"});
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("reversed"), std::string::npos) << r.err;
  EXPECT_EQ(Cli({"find", "common", "--help"}).code, 0);
}

}  // namespace
