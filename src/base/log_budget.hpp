#pragma once

#include <chrono>
#include <cstddef>
#include <mutex>
#include <optional>
#include <string>

#include "base/token_bucket.hpp"

namespace webvox::base {

// Bounds how many lines of one kind (refused sign-ins, say) reach the log: at most
// `per_second`, in bursts of `burst`; the lines left out are counted so the next one that
// passes can say how many there were. A flood of bad requests then costs the log a few
// lines a second, not one per request. Thread-safe; time is passed in.
class LogBudget {
 public:
  LogBudget(double per_second, double burst) : bucket_(per_second, burst) {}

  // Nothing if this line must be left out; else how many were left out before it.
  std::optional<std::size_t> take(std::chrono::steady_clock::time_point now) {
    std::lock_guard lock(mutex_);
    if (!bucket_.try_take(now)) {
      ++left_out_;
      return std::nullopt;
    }
    const auto left_out = left_out_;
    left_out_ = 0;
    return left_out;
  }

 private:
  std::mutex mutex_;
  TokenBucket bucket_;
  std::size_t left_out_ = 0;
};

// " (12 similar lines left out)" for a line that follows left-out ones; "" otherwise.
inline std::string left_out_note(std::size_t left_out) {
  if (left_out == 0) return {};
  return " (" + std::to_string(left_out) + " similar line" + (left_out == 1 ? "" : "s") +
         " left out)";
}

}  // namespace webvox::base
