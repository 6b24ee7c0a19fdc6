#include "model/admin_config.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <sstream>

#include "schoolshare/json.h"

namespace schoolshare::admin {

Result<AdminConfig> LoadAdminConfig(const std::string& path) {
  std::ifstream in(path);
  if (!in) return Status::NotFound("no config file at " + path);
  std::stringstream text;
  text << in.rdbuf();
  const Json j = Json::parse(text.str(), nullptr, false);
  if (j.is_discarded() || !j.is_object()) return Status::InvalidArgument(path + " is not a JSON object");
  AdminConfig c;
  auto text_field = [&](const char* name, std::string* out) -> Status {
    if (!j.contains(name)) return Status::Ok();
    if (!j[name].is_string()) return Status::InvalidArgument(std::string("\"") + name + "\" must be text");
    *out = j[name].get<std::string>();
    return Status::Ok();
  };
  SS_RETURN_IF_ERROR(text_field("server", &c.server));
  SS_RETURN_IF_ERROR(text_field("token", &c.token));
  SS_RETURN_IF_ERROR(text_field("school", &c.school_id));
  SS_RETURN_IF_ERROR(text_field("replica", &c.replica));
  std::string lang = "zh-CN";
  SS_RETURN_IF_ERROR(text_field("language", &lang));
  c.lang = ParseLang(lang);
  return c;
}

Status SaveAdminConfig(const std::string& path, const AdminConfig& c) {
  const Json j = {{"server", c.server},
                  {"token", c.token},
                  {"school", c.school_id},
                  {"language", LangTag(c.lang)},
                  {"replica", c.replica}};
  const std::string text = j.dump(2) + "\n";
  const std::string tmp = path + ".tmp";
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return Status::IoError("cannot write " + tmp);
  ::fchmod(fd, 0600);  // an older temp file may have had wider rights
  const bool written = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) && ::fsync(fd) == 0;
  ::close(fd);
  if (!written) return Status::IoError("cannot write " + tmp);
  if (std::rename(tmp.c_str(), path.c_str()) != 0) return Status::IoError("cannot replace " + path);
  return Status::Ok();
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
