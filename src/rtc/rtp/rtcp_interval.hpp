#pragma once

#include <chrono>

// When to send the next RTCP report (RFC 3550 §6.3.1, appendix A.7): the deterministic
// interval times a factor uniform in [0.5, 1.5], so that reports of many participants do not
// synchronise, divided by e - 3/2 because timer reconsideration would otherwise settle below
// the intended rate.
namespace webvox::rtc::rtp {

inline constexpr double kRtcpIntervalCompensation = 2.71828 - 1.5;

// `uniform` is a random number in [0, 1); it is clamped there.
std::chrono::microseconds randomized_rtcp_interval(std::chrono::microseconds deterministic,
                                                   double uniform);

}  // namespace webvox::rtc::rtp
