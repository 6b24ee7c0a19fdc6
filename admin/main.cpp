// schoolshare-admin: the admin client for facility managers and the district office (docs/admin.md).
#include <CLI/CLI.hpp>
#include <cstdlib>
#include <filesystem>
#include <iostream>

#include "app/app.h"
#include "gui/test_targets.h"
#include "schoolshare/store.h"
#include "views/views.h"

int main(int argc, char** argv) {
  using namespace schoolshare;
  using namespace schoolshare::admin;
  CLI::App app{"schoolshare-admin: book venues, approve requests, find a venue, reports and sign-off"};
  AppOptions o;
  std::string server, token, school, replica, lang, size;
  bool district = false;
  o.config_path = gui::DefaultConfigPath("schoolshare-admin.json");
  app.add_option("--config", o.config_path, "the remembered connection (written by the connect screen, mode 0600)");
  app.add_option("--server", server, "the sync service, e.g. http://127.0.0.1:8080");
  app.add_option("--token", token, "a school_manager or district_admin token (schoolshare token create)");
  app.add_option("--school", school, "the school the manager works for");
  app.add_flag("--district", district, "work as the district office (no school)");
  app.add_option("--replica", replica, "the local replica file (default: next to the config file)");
  app.add_option("--lang", lang, "zh-CN (default) or en");
  app.add_option("--size", size, "window size WxH (default 1600x1000)");
  app.add_option("--scale", o.scale, "UI scale (default: the monitor's DPI scale)");
  app.add_option("--screenshot", o.screenshot, "render --screen with live data to this PNG and exit");
  app.add_option("--screen", o.screen, "the view to open: timeline|booking|requests|find|sync|...");
  app.add_option("--date", o.date, "the day the timeline opens on, YYYY-MM-DD (default: today)");
  app.add_flag("--week", o.week, "open the timeline on the week view");
  app.add_flag("--bench-pull", o.bench_pull, "with --bench-frames: draw while the first sync round pulls");
  app.add_option("--bench-frames", o.bench_frames, "render N frames of --screen and print the CPU time per frame");
  app.add_option("--targets", o.targets,
                 "(tests) write marked widgets' ids and rectangles to this file after each frame");
  app.add_flag("-v,--verbose", o.verbose, "print timings to stderr");
  CLI11_PARSE(app, argc, argv);

  auto loaded = LoadAdminConfig(o.config_path);
  if (loaded.ok()) {
    o.config = *loaded;
  } else if (loaded.status().code() != StatusCode::kNotFound) {
    o.config_problem = loaded.status().message();
  }
  if (!server.empty()) o.config.server = server;
  if (!token.empty()) o.config.token = token;
  if (!school.empty()) o.config.school_id = school;
  if (district) o.config.school_id.clear();
  if (!replica.empty()) o.config.replica = replica;
  if (!lang.empty()) o.config.lang = ParseLang(lang);
  // The config's directory (~/.config on a fresh account) may not exist yet: the replica and the
  // remembered connection go there.
  std::error_code ec;
  if (const auto dir = std::filesystem::path(o.config_path).parent_path(); !dir.empty())
    std::filesystem::create_directories(dir, ec);
  if (o.config.replica.empty()) {
    o.config.replica = (std::filesystem::path(o.config_path).parent_path() / "schoolshare-admin-replica.db").string();
  }
  // A damaged replica, or one made by a newer schoolshare, is refused before any window opens.
  if (const Status s = CheckDatabaseFile(o.config.replica, o.config.lang); !s.ok()) {
    std::cerr << s.message() << "\n";
    return 1;
  }
  o.checked_replica = o.config.replica;
  if (!size.empty() && std::sscanf(size.c_str(), "%dx%d", &o.width, &o.height) != 2) {
    std::cerr << "--size must be WxH, e.g. 1600x1000\n";
    return 2;
  }
  bool known = false;
  const std::string view = o.screen.substr(0, o.screen.find('/'));  // VIEW or VIEW/TAB
  for (const ViewEntry& v : kViews) known = known || view == v.name;
  if (!known) {
    std::cerr << "--screen must be one of:";
    for (const ViewEntry& v : kViews) std::cerr << " " << v.name;
    std::cerr << " (catalogue/TAB opens a tab of the catalogue)\n";
    return 2;
  }
  return RunAdmin(o);
}
