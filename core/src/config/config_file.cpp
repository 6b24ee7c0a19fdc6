#include "schoolshare/config_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <sstream>

namespace schoolshare {

Result<Json> ReadConfigObject(const std::string& path) {
  std::ifstream in(path);
  if (!in) return Status::NotFound("no config file at " + path);
  std::stringstream text;
  text << in.rdbuf();
  Json j = Json::parse(text.str(), nullptr, false);
  if (j.is_discarded() || !j.is_object()) return Status::InvalidArgument(path + " is not a JSON object");
  return j;
}

Status WriteConfigObject(const std::string& path, const Json& j) {
  const std::string text = j.dump(2) + "\n";
  const std::string tmp = path + ".tmp";
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return Status::IoError("cannot write " + tmp);
  ::fchmod(fd, 0600);  // an older temporary file may have had wider rights
  const bool written = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) && ::fsync(fd) == 0;
  ::close(fd);
  if (!written) {
    std::remove(tmp.c_str());
    return Status::IoError("cannot write " + tmp);
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) return Status::IoError("cannot replace " + path);
  return Status::Ok();
}

Status ConfigText(const Json& j, const char* name, std::string* out) {
  if (!j.contains(name)) return Status::Ok();
  if (!j[name].is_string()) return Status::InvalidArgument(std::string("\"") + name + "\" must be text");
  *out = j[name].get<std::string>();
  return Status::Ok();
}

}  // namespace schoolshare
