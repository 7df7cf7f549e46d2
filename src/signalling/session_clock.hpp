#pragma once

#include <cstdint>

namespace webvox::signalling {

// Time as the session needs it: monotonic seconds for rate limits, unix seconds for tokens.
struct SessionClock {
  double monotonic_seconds = 0;
  std::int64_t unix_seconds = 0;
};

}  // namespace webvox::signalling
