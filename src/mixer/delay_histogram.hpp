// How long speakers' packets waited in the mixer: from a packet's arrival to the tick that
// mixed the frame its audio starts in. The encode after it is not included (the caller's
// clock sees that).
#pragma once

#include <array>
#include <chrono>
#include <cstdint>

namespace webvox::mixer {

class DelayHistogram {
 public:
  static constexpr std::chrono::milliseconds kBinWidth{1};
  static constexpr std::size_t kBins = 200;  // the last bin holds 199 ms and longer

  void add(std::chrono::nanoseconds delay);
  std::uint64_t count() const { return count_; }
  // Samples in bin `i` (delays from i to i+1 ms; the last bin: kBins-1 ms and longer).
  std::uint64_t bin(std::size_t i) const { return i < kBins ? bins_[i] : 0; }
  // The delay below which `fraction` (0…1) of the samples fall, to the bin's upper edge;
  // zero when empty.
  std::chrono::milliseconds percentile(double fraction) const;
  void clear();
  // Moves every sample of `other` here, each `extra` later (the work that followed the tick,
  // say), and empties `other`. A sample is taken at the middle of its bin.
  void absorb(DelayHistogram& other, std::chrono::nanoseconds extra);

 private:
  std::array<std::uint64_t, kBins> bins_{};
  std::uint64_t count_ = 0;
};

}  // namespace webvox::mixer
