#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>

namespace webvox::app {

// What the Vivox API was asked and answered since start, for GET /metrics: calls by endpoint
// and result, and how long handling each took (a histogram per endpoint). Endpoints outside
// the API's own list are counted as "other", so a scanner cannot grow the table. Any thread.
class VivoxCallMetrics {
 public:
  // Bucket upper bounds, in seconds: an admin call is well under a millisecond; a sign-in
  // waits for the store.
  static constexpr std::array<double, 12> kBoundsSeconds{
      0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1.0};
  struct Latency {
    std::array<std::uint64_t, kBoundsSeconds.size() + 1> buckets{};  // not cumulative; +Inf last
    double sum_seconds = 0;
  };
  struct Snapshot {
    std::map<std::pair<std::string, std::string>, std::uint64_t> calls;  // (endpoint, result)
    std::map<std::string, Latency> latency;                              // by endpoint
  };

  // `script`: the call's script name as requested ("viv_signin.php"); `result`: what the
  // answer said (vivox::response_result).
  void record(std::string_view script, std::string_view result, std::chrono::nanoseconds took);
  Snapshot snapshot() const;

  // The endpoint label for a script name.
  static std::string endpoint_label(std::string_view script);

 private:
  mutable std::mutex mutex_;
  Snapshot data_;
};

}  // namespace webvox::app
