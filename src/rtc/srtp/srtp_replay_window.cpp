#include "rtc/srtp/srtp_replay_window.hpp"

#include <algorithm>

namespace webvox::rtc::srtp {

bool ReplayWindow::seen(std::uint64_t index) const {
  const auto bit = index % kSize;
  return (bits_[bit / 64] >> (bit % 64)) & 1u;
}

void ReplayWindow::set(std::uint64_t index, bool value) {
  const auto bit = index % kSize;
  const auto mask = std::uint64_t{1} << (bit % 64);
  if (value) {
    bits_[bit / 64] |= mask;
  } else {
    bits_[bit / 64] &= ~mask;
  }
}

bool ReplayWindow::is_fresh(std::uint64_t index) const {
  if (!started_ || index > highest_) return true;
  if (highest_ - index >= kSize) return false;
  return !seen(index);
}

void ReplayWindow::accept(std::uint64_t index) {
  if (!started_) {
    started_ = true;
    highest_ = index;
  } else if (index > highest_) {
    // The indices the window moves over were never received: forget what their slots held.
    const auto advance = index - highest_;
    if (advance >= kSize) {
      bits_.fill(0);
    } else {
      for (auto skipped = highest_ + 1; skipped < index; ++skipped) set(skipped, false);
    }
    highest_ = index;
  }
  set(index, true);
}

}  // namespace webvox::rtc::srtp
