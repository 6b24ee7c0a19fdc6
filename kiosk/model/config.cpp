#include "model/config.h"

#include <cstdio>
#include <fstream>
#include <sstream>

#include "schoolshare/json.h"

namespace schoolshare::kiosk {

Result<KioskConfig> LoadConfig(const std::string& path) {
  std::ifstream in(path);
  if (!in) return Status::NotFound("no config file at " + path);
  std::stringstream text;
  text << in.rdbuf();
  const Json j = Json::parse(text.str(), nullptr, false);
  if (j.is_discarded() || !j.is_object()) return Status::InvalidArgument(path + " is not a JSON object");
  KioskConfig c;
  auto text_field = [&](const char* name, std::string* out) -> Status {
    if (!j.contains(name)) return Status::Ok();
    if (!j[name].is_string()) return Status::InvalidArgument(std::string("\"") + name + "\" must be text");
    *out = j[name].get<std::string>();
    return Status::Ok();
  };
  SS_RETURN_IF_ERROR(text_field("server", &c.server));
  SS_RETURN_IF_ERROR(text_field("token", &c.token));
  SS_RETURN_IF_ERROR(text_field("school", &c.school_id));
  SS_RETURN_IF_ERROR(text_field("admin_pin", &c.admin_pin));
  SS_RETURN_IF_ERROR(text_field("replica", &c.replica));
  std::string lang = "zh-CN";
  SS_RETURN_IF_ERROR(text_field("language", &lang));
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

Status SaveConfig(const std::string& path, const KioskConfig& c) {
  const Json j = {{"server", c.server},          {"token", c.token},   {"school", c.school_id},
                  {"language", LangTag(c.lang)}, {"venues", c.venues}, {"admin_pin", c.admin_pin},
                  {"replica", c.replica}};
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    if (!out) return Status::IoError("cannot write " + tmp);
    out << j.dump(2) << "\n";
    if (!out.flush()) return Status::IoError("cannot write " + tmp);
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) return Status::IoError("cannot replace " + path);
  return Status::Ok();
}

std::string ConfigProblem(const KioskConfig& c) {
  if (c.server.rfind("http://", 0) != 0 && c.server.rfind("https://", 0) != 0) return "kiosk.setup.need_server";
  if (c.token.empty()) return "kiosk.setup.need_token";
  if (c.school_id.empty()) return "kiosk.setup.need_school";
  return "";
}

}  // namespace schoolshare::kiosk
