// The black-box harness of the `schoolshare` binary: runs it on a temporary database and captures the
// exit code, stdout and stderr; seeds a small district through the real import.
#pragma once

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

namespace schoolshare::testing {

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

}  // namespace schoolshare::testing
