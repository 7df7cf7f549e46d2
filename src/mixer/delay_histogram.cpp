#include "mixer/delay_histogram.hpp"

#include <algorithm>
#include <cmath>

namespace webvox::mixer {

void DelayHistogram::add(std::chrono::nanoseconds delay) {
  const auto bin = std::chrono::duration_cast<std::chrono::milliseconds>(delay) / kBinWidth;
  const auto index = std::clamp<std::int64_t>(bin, 0, static_cast<std::int64_t>(kBins) - 1);
  ++bins_[static_cast<std::size_t>(index)];
  ++count_;
}

std::chrono::milliseconds DelayHistogram::percentile(double fraction) const {
  if (count_ == 0) return {};
  const double wanted = std::clamp(fraction, 0.0, 1.0) * static_cast<double>(count_);
  const auto rank = std::max<std::uint64_t>(1, static_cast<std::uint64_t>(std::ceil(wanted)));
  std::uint64_t seen = 0;
  for (std::size_t i = 0; i < kBins; ++i) {
    seen += bins_[i];
    if (seen >= rank) return kBinWidth * static_cast<std::int64_t>(i + 1);
  }
  return kBinWidth * static_cast<std::int64_t>(kBins);
}

void DelayHistogram::absorb(DelayHistogram& other, std::chrono::nanoseconds extra) {
  for (std::size_t i = 0; i < kBins; ++i) {
    if (other.bins_[i] == 0) continue;
    const auto middle = kBinWidth * static_cast<std::int64_t>(i) + kBinWidth / 2.0 + extra;
    const auto bin = static_cast<std::int64_t>(middle / kBinWidth);
    const auto index = std::clamp<std::int64_t>(bin, 0, static_cast<std::int64_t>(kBins) - 1);
    bins_[static_cast<std::size_t>(index)] += other.bins_[i];
    count_ += other.bins_[i];
  }
  other.clear();
}

void DelayHistogram::clear() {
  bins_.fill(0);
  count_ = 0;
}

}  // namespace webvox::mixer
