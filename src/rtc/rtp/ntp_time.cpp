#include "rtc/rtp/ntp_time.hpp"

#include <limits>

namespace webvox::rtc::rtp {

NtpTime to_ntp(std::chrono::system_clock::time_point time) {
  using namespace std::chrono;
  const auto since_unix = duration_cast<nanoseconds>(time.time_since_epoch());
  const auto whole = duration_cast<seconds>(since_unix);
  const auto rest = static_cast<std::uint64_t>((since_unix - whole).count());  // < 1e9
  NtpTime ntp;
  // The 32-bit seconds wrap in 2036 (era 1); receivers compare only differences.
  ntp.seconds =
      static_cast<std::uint32_t>(static_cast<std::uint64_t>(whole.count()) + kNtpUnixOffsetSeconds);
  ntp.fraction = static_cast<std::uint32_t>((rest << 32) / 1'000'000'000ull);
  return ntp;
}

std::uint32_t to_compact_duration(std::chrono::nanoseconds duration) {
  using namespace std::chrono;
  if (duration.count() <= 0) return 0;
  const auto whole = duration_cast<seconds>(duration);
  // 16 bits of seconds: beyond 18 hours the field saturates rather than wraps.
  if (whole.count() > 0xffff) return std::numeric_limits<std::uint32_t>::max();
  const auto rest = static_cast<std::uint64_t>((duration - whole).count());  // < 1e9
  return (static_cast<std::uint32_t>(whole.count()) << 16) +
         static_cast<std::uint32_t>((rest << 16) / 1'000'000'000ull);
}

}  // namespace webvox::rtc::rtp
