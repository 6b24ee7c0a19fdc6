// The clock is injected so tests set the time (no code in core reads the system clock directly).
#pragma once

#include "schoolshare/time.h"

namespace schoolshare {

class Clock {
 public:
  virtual ~Clock() = default;
  virtual Instant Now() const = 0;
};

class SystemClock final : public Clock {
 public:
  Instant Now() const override;
};

class ManualClock final : public Clock {
 public:
  explicit ManualClock(Instant now) : now_(now) {}
  Instant Now() const override { return now_; }
  void Set(Instant t) { now_ = t; }
  void Advance(Instant seconds) { now_ += seconds; }

 private:
  Instant now_;
};

}  // namespace schoolshare
