#pragma once

#include <chrono>
#include <cstdint>

// Wallclock time as RTCP sender reports carry it (RFC 3550 §4): seconds since 1 January 1900
// and a binary fraction of a second, 32 bits each.
namespace webvox::rtc::rtp {

struct NtpTime {
  std::uint32_t seconds = 0;
  std::uint32_t fraction = 0;  // in 1/2^32 s

  // The middle 32 bits, as LSR echoes them and DLSR counts (1/65536 s).
  std::uint32_t compact() const { return (seconds << 16) | (fraction >> 16); }
  friend bool operator==(const NtpTime&, const NtpTime&) = default;
};

// 70 years, 17 of them leap years, between the NTP and the Unix epoch.
inline constexpr std::uint64_t kNtpUnixOffsetSeconds = 2208988800ull;

NtpTime to_ntp(std::chrono::system_clock::time_point time);

// A duration in the 1/65536 s units of DLSR, saturating instead of wrapping.
std::uint32_t to_compact_duration(std::chrono::nanoseconds duration);

}  // namespace webvox::rtc::rtp
