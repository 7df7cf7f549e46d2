#include "rtc/rtp/send_statistics.hpp"

namespace webvox::rtc::rtp {

void SendStatistics::on_packet(std::uint32_t rtp_timestamp, std::size_t payload_bytes,
                               Clock::time_point now) {
  ++packets_;
  octets_ += static_cast<std::uint32_t>(payload_bytes);
  last_timestamp_ = rtp_timestamp;
  last_sent_ = now;
}

SenderInfo SendStatistics::sender_info(NtpTime ntp, Clock::time_point now) const {
  SenderInfo info;
  info.ntp_seconds = ntp.seconds;
  info.ntp_fraction = ntp.fraction;
  const auto elapsed =
      std::chrono::duration_cast<std::chrono::microseconds>(now - last_sent_).count();
  const auto ticks =
      elapsed > 0 ? static_cast<std::uint64_t>(elapsed) * clock_rate_ / 1'000'000u : 0;
  info.rtp_timestamp = last_timestamp_ + static_cast<std::uint32_t>(ticks);
  info.packet_count = packets_;
  info.octet_count = octets_;
  return info;
}

}  // namespace webvox::rtc::rtp
