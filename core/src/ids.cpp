#include "schoolshare/ids.h"

#include <sodium.h>
#include <uuid/uuid.h>

#include <cctype>
#include <cstdint>
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
  static_assert(kBookingCodeRun > 0 && kBookingCodePrefixLength < kBookingCodeLength);
  constexpr std::uint32_t kLetters = sizeof(kBookingCodeAlphabet) - 1;
  if (sodium_init() < 0) return {};
  // One run per thread: its prefix is drawn when the run starts, the rest of each code every time.
  thread_local char prefix[kBookingCodePrefixLength];
  thread_local int left = 0;
  if (left == 0) {
    for (char& c : prefix) c = kBookingCodeAlphabet[randombytes_uniform(kLetters)];
    left = kBookingCodeRun;
  }
  --left;
  std::string code(prefix, kBookingCodePrefixLength);
  // The other characters from one call for random bytes (a system call each): a byte below 248 = 8 * 31
  // gives a uniform letter; the rare byte above is drawn again.
  unsigned char bytes[16];
  size_t used = sizeof bytes;
  while (code.size() < static_cast<size_t>(kBookingCodeLength)) {
    if (used == sizeof bytes) {
      randombytes_buf(bytes, sizeof bytes);
      used = 0;
    }
    const unsigned char byte = bytes[used++];
    if (byte < 256 / kLetters * kLetters) code.push_back(kBookingCodeAlphabet[byte % kLetters]);
  }
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
