// Identifiers: UUIDs for entities created by clients, and short booking codes typed by people.
#pragma once

#include <string>

namespace schoolshare {

std::string NewUuid();  // lower-case RFC 4122 version 4 text

// Booking codes: 6 characters from an alphabet without look-alikes (no 0/O, 1/I/L).
constexpr const char kBookingCodeAlphabet[] = "ABCDEFGHJKMNPQRSTUVWXYZ23456789";
constexpr int kBookingCodeLength = 6;
// Codes are drawn in runs: the kBookingCodeRun codes of a run (per thread) share their first
// kBookingCodePrefixLength characters, drawn at random when the run starts; the other characters are
// drawn at random for every code. Codes made one after the other so land next to each other in the
// UNIQUE index (a few index pages per run instead of one random page per booking, which at city scale
// was the largest part of a batched insert), while a code stays unguessable: knowing a recent code tells
// its prefix, leaving 31^4 = 923,521 equally likely endings, of which about (bookings / 961) + one run's
// are taken (with 1,000,000 bookings, a random guess within a known prefix hits 0.14% of the time,
// against 0.11% for a guess at a fully random code). Uniqueness is still the UNIQUE index's job.
constexpr int kBookingCodePrefixLength = 2;
constexpr int kBookingCodeRun = 256;
std::string NewBookingCode();
// Upper-cases and drops spaces and dashes; returns "" when the result is not kBookingCodeLength
// characters of kBookingCodeAlphabet.
std::string NormalizeBookingCode(const std::string& typed);

}  // namespace schoolshare
