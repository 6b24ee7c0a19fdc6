#include "schoolshare/location.h"

#include <cctype>

namespace schoolshare {
namespace {

// Replaces the value after every "password=" that starts a word (after start, '?', '&' or a space) up to
// the next '&' or space.
std::string MaskPasswordWords(std::string s) {
  constexpr std::string_view kKey = "password=";
  for (std::size_t at = s.find(kKey); at != std::string::npos; at = s.find(kKey, at + 1)) {
    if (at > 0 && s[at - 1] != '?' && s[at - 1] != '&' && !std::isspace(static_cast<unsigned char>(s[at - 1]))) {
      continue;
    }
    const std::size_t value = at + kKey.size();
    std::size_t end = value;
    if (end < s.size() && s[end] == '\'') {  // libpq's quoted value: 'a b\'c'
      for (++end; end < s.size() && s[end] != '\''; ++end) {
        if (s[end] == '\\') ++end;
      }
      if (end < s.size()) ++end;
    } else {
      while (end < s.size() && s[end] != '&' && !std::isspace(static_cast<unsigned char>(s[end]))) ++end;
    }
    s.replace(value, end - value, "***");
  }
  return s;
}

}  // namespace

std::string RedactedLocation(const std::string& location) {
  const std::size_t scheme = location.find("://");
  const bool uri = location.rfind("postgresql://", 0) == 0 || location.rfind("postgres://", 0) == 0;
  if (!uri) {
    // libpq key=value words; a file path has no "password=" word and stays as it is.
    return location.find("password=") == std::string::npos ? location : MaskPasswordWords(location);
  }
  std::string out = location;
  const std::size_t authority = scheme + 3;
  const std::size_t path = out.find_first_of("/?", authority);
  const std::size_t at = out.rfind('@', path == std::string::npos ? std::string::npos : path);
  if (at != std::string::npos && at >= authority) {
    const std::size_t colon = out.find(':', authority);
    if (colon != std::string::npos && colon < at) out.replace(colon + 1, at - colon - 1, "***");
  }
  const std::size_t query = out.find('?', authority);
  if (query != std::string::npos) out = out.substr(0, query) + MaskPasswordWords(out.substr(query));
  return out;
}

}  // namespace schoolshare
