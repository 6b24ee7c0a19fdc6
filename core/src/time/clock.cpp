#include "schoolshare/clock.h"

#include <chrono>

namespace schoolshare {

Instant SystemClock::Now() const {
  return std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now()).time_since_epoch().count();
}

}  // namespace schoolshare
