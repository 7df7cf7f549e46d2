#include "load_stats.hpp"

#include <algorithm>
#include <cmath>

namespace webvox::load {

void LatencyHistogram::record(std::uint64_t nanoseconds) {
  const auto micros = std::min<std::uint64_t>(nanoseconds / 1000, kMaxMicros + 1);
  ++buckets_[micros];
  ++count_;
  sum_ns_ += nanoseconds;
  max_ns_ = std::max(max_ns_, nanoseconds);
}

double LatencyHistogram::percentile_micros(double fraction) const {
  if (count_ == 0) return 0;
  const auto rank = static_cast<std::uint64_t>(std::ceil(fraction * static_cast<double>(count_)));
  std::uint64_t seen = 0;
  for (std::size_t micros = 0; micros < buckets_.size(); ++micros) {
    seen += buckets_[micros];
    if (seen >= std::max<std::uint64_t>(rank, 1)) return static_cast<double>(micros + 1);
  }
  return kMaxMicros + 1;
}

void StreamLoss::record(std::uint32_t speaker, std::uint32_t sequence) {
  auto [it, inserted] = streams_.try_emplace(speaker, Stream{sequence, sequence, 0});
  auto& stream = it->second;
  stream.first = std::min(stream.first, sequence);
  stream.last = std::max(stream.last, sequence);
  ++stream.count;
}

std::uint64_t StreamLoss::received() const {
  std::uint64_t total = 0;
  for (const auto& [speaker, stream] : streams_) total += stream.count;
  return total;
}

std::uint64_t StreamLoss::expected() const {
  std::uint64_t total = 0;
  for (const auto& [speaker, stream] : streams_)
    total += std::uint64_t{stream.last} - stream.first + 1;
  return total;
}

}  // namespace webvox::load
