#pragma once

#include <cstdint>
#include <optional>

namespace webvox::base {

// At most one log line per interval for an event that can recur thousands of times a second
// (accept failures, refused connections): the events in between are counted, and the next
// line says how many were held back. Time is passed in (seconds, any monotonic origin), as for
// TokenBucket. Not thread-safe.
class LogThrottle {
 public:
  explicit LogThrottle(double interval_seconds) : interval_(interval_seconds) {}

  // Records one event at `now`. If it should be logged, returns how many events were held
  // back since the last logged one; otherwise nothing (and the event is counted).
  std::optional<std::uint64_t> note(double now_seconds) {
    if (logged_once_ && now_seconds - last_logged_ < interval_) {
      ++held_back_;
      return std::nullopt;
    }
    logged_once_ = true;
    last_logged_ = now_seconds;
    const auto held_back = held_back_;
    held_back_ = 0;
    return held_back;
  }

  // Events not yet reported by a logged line.
  std::uint64_t held_back() const { return held_back_; }

 private:
  double interval_;
  double last_logged_ = 0;
  bool logged_once_ = false;
  std::uint64_t held_back_ = 0;
};

}  // namespace webvox::base
