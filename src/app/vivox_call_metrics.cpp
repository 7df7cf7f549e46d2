#include "app/vivox_call_metrics.hpp"

#include <algorithm>

#include "vivox/vivox_api.hpp"

namespace webvox::app {

std::string VivoxCallMetrics::endpoint_label(std::string_view script) {
  return vivox::VivoxApi::known_script(script) ? std::string(script) : std::string("other");
}

void VivoxCallMetrics::record(std::string_view script, std::string_view result,
                              std::chrono::nanoseconds took) {
  const auto endpoint = endpoint_label(script);
  const double seconds = std::chrono::duration<double>(took).count();
  const auto bucket = static_cast<std::size_t>(
      std::lower_bound(kBoundsSeconds.begin(), kBoundsSeconds.end(), seconds) -
      kBoundsSeconds.begin());
  std::lock_guard lock(mutex_);
  ++data_.calls[{endpoint, std::string(result)}];
  auto& latency = data_.latency[endpoint];
  ++latency.buckets[bucket];
  latency.sum_seconds += seconds;
}

VivoxCallMetrics::Snapshot VivoxCallMetrics::snapshot() const {
  std::lock_guard lock(mutex_);
  return data_;
}

}  // namespace webvox::app
