// The kiosk's configuration file (JSON): where the server is, which token and school, the default
// language, the venues shown, the administrator PIN. Written by the set-up screen.
#pragma once

#include <string>
#include <vector>

#include "schoolshare/i18n.h"
#include "schoolshare/status.h"

namespace schoolshare::kiosk {

struct KioskConfig {
  std::string server;  // "http://127.0.0.1:8080"
  std::string token;
  std::string school_id;
  Lang lang = Lang::kZh;
  std::vector<std::string> venues;  // empty: every shared venue of the school
  std::string admin_pin = "2468";
  std::string replica;  // the local replica file; empty: next to the config file
};

// kNotFound when the file is missing; kInvalidArgument naming the problem when it is not a valid config.
Result<KioskConfig> LoadConfig(const std::string& path);
Status SaveConfig(const std::string& path, const KioskConfig& config);  // writes a temp file and renames it
// "" when the config can be used; otherwise the message key of the first problem (kiosk.setup.need_*).
std::string ConfigProblem(const KioskConfig& config);

}  // namespace schoolshare::kiosk
