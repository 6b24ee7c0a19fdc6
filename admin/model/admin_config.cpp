#include "model/admin_config.h"

#include "schoolshare/config_file.h"

namespace schoolshare::admin {

Result<AdminConfig> LoadAdminConfig(const std::string& path) {
  SS_ASSIGN_OR_RETURN(Json j, ReadConfigObject(path));
  AdminConfig c;
  SS_RETURN_IF_ERROR(ConfigText(j, "server", &c.server));
  SS_RETURN_IF_ERROR(ConfigText(j, "token", &c.token));
  SS_RETURN_IF_ERROR(ConfigText(j, "school", &c.school_id));
  SS_RETURN_IF_ERROR(ConfigText(j, "replica", &c.replica));
  std::string lang = "zh-CN";
  SS_RETURN_IF_ERROR(ConfigText(j, "language", &lang));
  c.lang = ParseLang(lang);
  return c;
}

Status SaveAdminConfig(const std::string& path, const AdminConfig& c) {
  return WriteConfigObject(path, {{"server", c.server},
                                  {"token", c.token},
                                  {"school", c.school_id},
                                  {"language", LangTag(c.lang)},
                                  {"replica", c.replica}});
}

std::string AdminConfigProblem(const AdminConfig& c) {
  if (c.server.rfind("http://", 0) != 0 && c.server.rfind("https://", 0) != 0) return "admin.connect.need_server";
  if (c.token.empty()) return "admin.connect.need_token";
  return "";
}

Actor AdminActor(const AdminConfig& c) {
  if (c.school_id.empty()) return {"admin", Role::kDistrictAdmin, ""};
  return {"admin", Role::kSchoolManager, c.school_id};
}

}  // namespace schoolshare::admin
