#include "rtc/rtp/rtcp_interval.hpp"

#include <algorithm>

namespace webvox::rtc::rtp {

std::chrono::microseconds randomized_rtcp_interval(std::chrono::microseconds deterministic,
                                                   double uniform) {
  const double factor = std::clamp(uniform, 0.0, 1.0) + 0.5;
  const double interval =
      static_cast<double>(deterministic.count()) * factor / kRtcpIntervalCompensation;
  return std::chrono::microseconds(static_cast<std::chrono::microseconds::rep>(interval));
}

}  // namespace webvox::rtc::rtp
