#include "schoolshare/ids.h"

#include <sodium.h>
#include <uuid/uuid.h>

#include <cctype>
#include <cstring>

namespace schoolshare {

std::string NewUuid() {
  uuid_t raw;
  uuid_generate_random(raw);
  char text[37];
  uuid_unparse_lower(raw, text);
  return text;
}

std::string NewBookingCode() {
  static_assert(sizeof(kBookingCodeAlphabet) - 1 == 31);
  if (sodium_init() < 0) return {};
  std::string code(kBookingCodeLength, ' ');
  for (char& c : code) c = kBookingCodeAlphabet[randombytes_uniform(sizeof(kBookingCodeAlphabet) - 1)];
  return code;
}

std::string NormalizeBookingCode(const std::string& typed) {
  std::string code;
  for (unsigned char c : typed) {
    if (c == ' ' || c == '-' || c == '\t' || c == '\r' || c == '\n') continue;
    char up = static_cast<char>(std::toupper(c));
    if (!std::strchr(kBookingCodeAlphabet, up) || up == '\0') return {};
    code.push_back(up);
  }
  return code.size() == static_cast<size_t>(kBookingCodeLength) ? code : std::string();
}

}  // namespace schoolshare
