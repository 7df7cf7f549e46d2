// Time with its unit and its clock in the type, for the pure logic that takes "now" as an
// argument: the edge reads the steady clock (monotonic: a wall-clock step cannot move it) once
// and passes the time point in, so tests can drive time without waiting.
#pragma once

#include <chrono>

namespace webvox::base {

using SteadyClock = std::chrono::steady_clock;
using SteadyTime = SteadyClock::time_point;

// A span of time in seconds that may have a fraction: settings, limits, rates. It compares and
// adds with the clock's own durations as std::chrono does.
using Seconds = std::chrono::duration<double>;

// A span in the clock's own tick, to move a SteadyTime by (rounded towards zero).
constexpr SteadyClock::duration to_steady(Seconds span) {
  return std::chrono::duration_cast<SteadyClock::duration>(span);
}

}  // namespace webvox::base
