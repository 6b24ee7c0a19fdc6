#include "model/config.h"

#include "schoolshare/config_file.h"

namespace schoolshare::kiosk {

Result<KioskConfig> LoadConfig(const std::string& path) {
  SS_ASSIGN_OR_RETURN(Json j, ReadConfigObject(path));
  KioskConfig c;
  SS_RETURN_IF_ERROR(ConfigText(j, "server", &c.server));
  SS_RETURN_IF_ERROR(ConfigText(j, "token", &c.token));
  SS_RETURN_IF_ERROR(ConfigText(j, "school", &c.school_id));
  SS_RETURN_IF_ERROR(ConfigText(j, "admin_pin", &c.admin_pin));
  SS_RETURN_IF_ERROR(ConfigText(j, "replica", &c.replica));
  std::string lang = "zh-CN";
  SS_RETURN_IF_ERROR(ConfigText(j, "language", &lang));
  c.lang = ParseLang(lang);
  if (j.contains("venues")) {
    if (!j["venues"].is_array()) return Status::InvalidArgument("\"venues\" must be a list of resource ids");
    for (const auto& v : j["venues"]) {
      if (!v.is_string()) return Status::InvalidArgument("\"venues\" must be a list of resource ids");
      c.venues.push_back(v.get<std::string>());
    }
  }
  return c;
}

// The token and the admin PIN are secrets: the file is the owner's only.
Status SaveConfig(const std::string& path, const KioskConfig& c) {
  return WriteConfigObject(path, {{"server", c.server},
                                  {"token", c.token},
                                  {"school", c.school_id},
                                  {"language", LangTag(c.lang)},
                                  {"venues", c.venues},
                                  {"admin_pin", c.admin_pin},
                                  {"replica", c.replica}});
}

std::string ConfigProblem(const KioskConfig& c) {
  if (c.server.rfind("http://", 0) != 0 && c.server.rfind("https://", 0) != 0) return "kiosk.setup.need_server";
  if (c.token.empty()) return "kiosk.setup.need_token";
  if (c.school_id.empty()) return "kiosk.setup.need_school";
  return "";
}

}  // namespace schoolshare::kiosk
