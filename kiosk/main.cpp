// schoolshare-kiosk: the touchscreen kiosk at a school's gate (docs/kiosk.md).
#include <CLI/CLI.hpp>
#include <cstdlib>
#include <filesystem>
#include <iostream>

#include "app.h"
#include "gui/test_targets.h"
#include "model/config.h"
#include "schoolshare/store.h"

int main(int argc, char** argv) {
  using namespace schoolshare;
  using namespace schoolshare::kiosk;
  CLI::App app{"schoolshare-kiosk: the touchscreen kiosk at a school gate (check in/out, equipment, walk-ins)"};
  AppOptions o;
  std::string server, token, school, replica, lang, size;
  o.config_path = gui::DefaultConfigPath("schoolshare-kiosk.json");
  app.add_option("--config", o.config_path, "the configuration file (written by Set-up)");
  app.add_option("--server", server, "the sync service, e.g. http://127.0.0.1:8080");
  app.add_option("--token", token, "a kiosk token (schoolshare token create --role kiosk --school ID)");
  app.add_option("--school", school, "the school this kiosk stands at");
  app.add_option("--replica", replica, "the local replica file (default: next to the config file)");
  app.add_option("--lang", lang, "zh-CN (default) or en");
  app.add_flag("--portrait", o.portrait, "lay out for a portrait screen (1080x1920)");
  app.add_option("--size", size, "window size WxH (default: the whole screen)");
  app.add_option("--screenshot", o.screenshot, "render --screen with live data to this PNG and exit");
  app.add_option("--screen", o.screen, "home|checkin|equipment|walkin|setup (with --screenshot)");
  app.add_option("--bench-frames", o.bench_frames, "render N frames and print the CPU time per frame");
  app.add_option("--targets", o.targets, "(tests) write every button's id and rectangle to this file after each frame");
  app.add_flag("-v,--verbose", o.verbose, "print timings to stderr");
  CLI11_PARSE(app, argc, argv);

  auto loaded = LoadConfig(o.config_path);
  if (loaded.ok()) {
    o.config = *loaded;
  } else if (loaded.status().code() != StatusCode::kNotFound) {
    o.config_problem = loaded.status().message();
  }
  if (!server.empty()) o.config.server = server;
  if (!token.empty()) o.config.token = token;
  if (!school.empty()) o.config.school_id = school;
  if (!replica.empty()) o.config.replica = replica;
  if (!lang.empty()) o.config.lang = ParseLang(lang);
  if (o.config.replica.empty()) {
    o.config.replica = (std::filesystem::path(o.config_path).parent_path() / "schoolshare-kiosk-replica.db").string();
  }
  if (o.config_problem.empty()) {
    if (const std::string p = ConfigProblem(o.config); !p.empty()) o.config_problem = Tr(o.config.lang, p);
  }
  // A damaged replica, or one made by a newer schoolshare, is refused before any window opens.
  if (const Status s = CheckDatabaseFile(o.config.replica, o.config.lang); !s.ok()) {
    std::cerr << s.message() << "\n";
    return 1;
  }
  o.checked_replica = o.config.replica;
  if (!size.empty() && std::sscanf(size.c_str(), "%dx%d", &o.width, &o.height) != 2) {
    std::cerr << "--size must be WxH, e.g. 1920x1080\n";
    return 2;
  }
  if (!ParseScreen(o.screen)) {
    std::cerr << "--screen must be one of home, checkin, equipment, walkin, setup\n";
    return 2;
  }
  return RunKiosk(o);
}
