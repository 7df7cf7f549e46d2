#pragma once

#include <algorithm>

namespace webvox::base {

// A token bucket: `rate` tokens per second, holding at most `burst`. Time is passed in
// (seconds, any monotonic origin) so the limiter stays free of clocks and testable.
class TokenBucket {
 public:
  TokenBucket(double rate, double burst) : rate_(rate), burst_(burst), tokens_(burst) {}

  bool try_take(double now_seconds) {
    if (started_) tokens_ = std::min(burst_, tokens_ + (now_seconds - last_) * rate_);
    started_ = true;
    last_ = now_seconds;
    if (tokens_ < 1.0) return false;
    tokens_ -= 1.0;
    return true;
  }

 private:
  double rate_;
  double burst_;
  double tokens_;
  double last_ = 0;
  bool started_ = false;
};

}  // namespace webvox::base
