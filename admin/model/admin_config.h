// The admin client's remembered connection (JSON): the server, the token, the school the manager
// works for (empty: the district office), the language and the replica file. The file holds a bearer
// token, so it is written readable by its owner only (0600).
#pragma once

#include <string>

#include "schoolshare/i18n.h"
#include "schoolshare/model.h"
#include "schoolshare/status.h"

namespace schoolshare::admin {

struct AdminConfig {
  std::string server;  // "http://127.0.0.1:8080"
  std::string token;
  std::string school_id;  // empty: the district office
  Lang lang = Lang::kZh;
  std::string replica;  // the local replica file; empty: next to the config file
};

// kNotFound when the file is missing; kInvalidArgument naming the problem when it is not a valid config.
Result<AdminConfig> LoadAdminConfig(const std::string& path);
// Writes a temp file with mode 0600 and renames it over `path`.
Status SaveAdminConfig(const std::string& path, const AdminConfig& config);
// "" when the config can be used; otherwise the message key of the first problem (admin.connect.need_*).
std::string AdminConfigProblem(const AdminConfig& config);
// The actor the client acts as locally (the server decides from the token; this must match it).
Actor AdminActor(const AdminConfig& config);

}  // namespace schoolshare::admin
