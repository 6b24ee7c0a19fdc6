// Identifiers: UUIDs for entities created by clients, and short booking codes typed by people.
#pragma once

#include <string>

namespace schoolshare {

std::string NewUuid();  // lower-case RFC 4122 version 4 text

// Booking codes: 6 characters from an alphabet without look-alikes (no 0/O, 1/I/L).
constexpr const char kBookingCodeAlphabet[] = "ABCDEFGHJKMNPQRSTUVWXYZ23456789";
constexpr int kBookingCodeLength = 6;
std::string NewBookingCode();
// Upper-cases and drops spaces and dashes; returns "" when the result is not kBookingCodeLength
// characters of kBookingCodeAlphabet.
std::string NormalizeBookingCode(const std::string& typed);

}  // namespace schoolshare
