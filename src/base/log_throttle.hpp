#pragma once

#include <cstdint>
#include <optional>

#include "base/steady_time.hpp"

namespace webvox::base {

// At most one log line per interval for an event that can recur thousands of times a second
// (accept failures, refused connections): the events in between are counted, and the next
// line says how many were held back. Time is passed in, as for TokenBucket. Not thread-safe.
class LogThrottle {
 public:
  explicit LogThrottle(Seconds interval) : interval_(interval) {}

  // Records one event at `now`. If it should be logged, returns how many events were held
  // back since the last logged one; otherwise nothing (and the event is counted).
  std::optional<std::uint64_t> note(SteadyTime now) {
    if (last_logged_ && now - *last_logged_ < interval_) {
      ++held_back_;
      return std::nullopt;
    }
    last_logged_ = now;
    const auto held_back = held_back_;
    held_back_ = 0;
    return held_back;
  }

  // Events not yet reported by a logged line.
  std::uint64_t held_back() const { return held_back_; }

 private:
  Seconds interval_;
  std::optional<SteadyTime> last_logged_;
  std::uint64_t held_back_ = 0;
};

}  // namespace webvox::base
