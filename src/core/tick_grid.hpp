// When a periodic job is next due, on a fixed grid: start + k · period, not "one period after
// the last run ended" (that drifts by each run's own lateness and work; a 20 ms media tick
// armed that way ran 1.5 % slow on an idle machine). A run that comes late is followed at
// once by the ones it held up — as long as the lag stays under `max_lag`; after a longer
// stall the grid starts again from now, so there is no burst of stale runs. Pure: the caller
// gives the time.
#pragma once

#include <chrono>

namespace webvox::core {

class TickGrid {
 public:
  using Clock = std::chrono::steady_clock;

  TickGrid(Clock::duration period, Clock::duration max_lag, Clock::time_point start)
      : period_(period), max_lag_(max_lag), next_(start) {}

  // The deadline after the one last returned (the first: start + period), given the time now.
  Clock::time_point next(Clock::time_point now) {
    next_ += period_;
    if (now - next_ > max_lag_) next_ = now;
    return next_;
  }

 private:
  Clock::duration period_;
  Clock::duration max_lag_;
  Clock::time_point next_;
};

}  // namespace webvox::core
