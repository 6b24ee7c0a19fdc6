// A device's settings file (the kiosk's and the admin client's): a JSON object that holds a secret, the
// device token. It is read whole and written owner-only (0600) through a temporary file that is synced
// and renamed over the old one, so a crash leaves the old file or the new one and no one else can read it.
#pragma once

#include <string>

#include "schoolshare/json.h"
#include "schoolshare/status.h"

namespace schoolshare {

// NotFound when there is no file; InvalidArgument when it is not a JSON object.
Result<Json> ReadConfigObject(const std::string& path);
// Writes `j` (indented, one trailing newline) with mode 0600, replacing `path` atomically.
Status WriteConfigObject(const std::string& path, const Json& j);
// A text field of the object: `out` is left as it is when the field is absent; InvalidArgument when the
// field is not text.
Status ConfigText(const Json& j, const char* name, std::string* out);

}  // namespace schoolshare
