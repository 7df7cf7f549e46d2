#pragma once

#include <cstdint>

#include "base/steady_time.hpp"

namespace webvox::signalling {

// Time as the session needs it: the steady clock for rate limits and positions, unix seconds
// for tokens.
struct SessionClock {
  base::SteadyTime monotonic;
  std::int64_t unix_seconds = 0;
};

}  // namespace webvox::signalling
