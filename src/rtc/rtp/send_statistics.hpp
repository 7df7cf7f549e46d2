#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>

#include "rtc/rtp/ntp_time.hpp"
#include "rtc/rtp/rtcp_report.hpp"

// What one outgoing stream has sent, for its sender reports (RFC 3550 §6.4.1): packet and
// payload octet counts, and the RTP timestamp that goes with a wallclock time.
namespace webvox::rtc::rtp {

class SendStatistics {
 public:
  using Clock = std::chrono::steady_clock;

  explicit SendStatistics(std::uint32_t clock_rate = 48000) : clock_rate_(clock_rate) {}

  // A packet as it leaves (after rewriting): its RTP timestamp and payload size without
  // header or padding, as the octet count wants.
  void on_packet(std::uint32_t rtp_timestamp, std::size_t payload_bytes, Clock::time_point now);

  bool has_packets() const { return packets_ > 0; }
  Clock::time_point last_sent() const { return last_sent_; }

  // The sender information of an SR sent at `now` (wallclock `ntp`): the timestamp runs on
  // from the last packet at the clock rate, so receivers can place it on `ntp` even between
  // packets or in silence. Counts wrap at 2^32, as the RFC wants.
  SenderInfo sender_info(NtpTime ntp, Clock::time_point now) const;

 private:
  std::uint32_t clock_rate_;
  std::uint32_t packets_ = 0;
  std::uint32_t octets_ = 0;
  std::uint32_t last_timestamp_ = 0;
  Clock::time_point last_sent_{};
};

}  // namespace webvox::rtc::rtp
