#pragma once

#include <algorithm>
#include <optional>

#include "base/steady_time.hpp"

namespace webvox::base {

// A token bucket: `rate` tokens per second, holding at most `burst`. Time is passed in so the
// limiter stays free of clocks and testable.
class TokenBucket {
 public:
  TokenBucket(double rate, double burst) : rate_(rate), burst_(burst), tokens_(burst) {}

  bool try_take(SteadyTime now) {
    if (last_) tokens_ = std::min(burst_, tokens_ + Seconds(now - *last_).count() * rate_);
    last_ = now;
    if (tokens_ < 1.0) return false;
    tokens_ -= 1.0;
    return true;
  }

 private:
  double rate_;
  double burst_;
  double tokens_;
  std::optional<SteadyTime> last_;  // none before the first take: the bucket starts full
};

}  // namespace webvox::base
