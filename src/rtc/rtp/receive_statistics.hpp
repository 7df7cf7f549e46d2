#pragma once

#include <cstdint>

#include "rtc/rtp/rtcp_report.hpp"

// Reception statistics of one incoming stream, as RFC 3550 appendix A.1, A.3 and A.8 define
// them; the server terminates RTCP, so it writes the receiver reports the sender sees.
namespace webvox::rtc::rtp {

class ReceiveStatistics {
 public:
  // `arrival` is the arrival time in the stream's timestamp units (any origin): jitter compares
  // differences only.
  void on_packet(std::uint16_t sequence_number, std::uint32_t rtp_timestamp, std::uint32_t arrival);

  bool has_packets() const { return started_; }
  // Cycles of 2^16 in the high half, the highest sequence number seen in the low half.
  std::uint32_t extended_highest_sequence_number() const { return cycles_ + max_sequence_; }
  std::uint32_t expected() const;
  std::uint32_t received() const { return received_; }
  // Can go below 0 with duplicates.
  std::int64_t cumulative_lost() const;
  std::uint32_t jitter() const { return jitter_q4_ >> 4; }

  // The block for the next report, starting a new interval for the fraction lost.
  ReportBlock make_report_block(std::uint32_t source_ssrc, std::uint32_t last_sender_report,
                                std::uint32_t delay_since_last_sender_report);

  // A.1: jumps beyond these are a restart (after two in sequence) or a stray packet.
  static constexpr std::uint32_t kMaxDropout = 3000;
  static constexpr std::uint32_t kMaxMisorder = 100;

 private:
  void start(std::uint16_t sequence_number);
  bool update_sequence(std::uint16_t sequence_number);
  void update_jitter(std::uint32_t rtp_timestamp, std::uint32_t arrival);

  bool started_ = false;
  std::uint16_t base_sequence_ = 0;
  std::uint16_t max_sequence_ = 0;
  std::uint32_t cycles_ = 0;
  std::uint32_t bad_sequence_ = 0x10001;  // "none": no 16-bit number equals it
  std::uint32_t received_ = 0;
  std::uint32_t expected_prior_ = 0;
  std::uint32_t received_prior_ = 0;
  bool has_transit_ = false;
  std::uint32_t last_transit_ = 0;
  std::uint32_t jitter_q4_ = 0;  // jitter * 16, as A.8 keeps it to avoid rounding drift
};

}  // namespace webvox::rtc::rtp
