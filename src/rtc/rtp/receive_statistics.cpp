#include "rtc/rtp/receive_statistics.hpp"

#include <algorithm>

namespace webvox::rtc::rtp {

namespace {
constexpr std::uint32_t kSequenceModulus = 0x10000;
constexpr std::uint32_t kNoBadSequence = kSequenceModulus + 1;
}  // namespace

void ReceiveStatistics::on_packet(std::uint16_t sequence_number, std::uint32_t rtp_timestamp,
                                  std::uint32_t arrival) {
  if (!started_) {
    started_ = true;
    start(sequence_number);
    received_ = 1;
    update_jitter(rtp_timestamp, arrival);
    return;
  }
  if (update_sequence(sequence_number)) update_jitter(rtp_timestamp, arrival);
}

void ReceiveStatistics::start(std::uint16_t sequence_number) {
  base_sequence_ = sequence_number;
  max_sequence_ = sequence_number;
  bad_sequence_ = kNoBadSequence;
  cycles_ = 0;
  received_ = 0;
  received_prior_ = 0;
  expected_prior_ = 0;
}

bool ReceiveStatistics::update_sequence(std::uint16_t sequence_number) {
  const auto delta = static_cast<std::uint16_t>(sequence_number - max_sequence_);
  if (delta < kMaxDropout) {
    if (sequence_number < max_sequence_) cycles_ += kSequenceModulus;
    max_sequence_ = sequence_number;
  } else if (delta <= kSequenceModulus - kMaxMisorder) {
    // A big jump: two in a row mean the sender restarted its numbering.
    if (sequence_number != bad_sequence_) {
      bad_sequence_ = (sequence_number + 1u) & (kSequenceModulus - 1);
      return false;
    }
    start(sequence_number);
    has_transit_ = false;
  }
  // else: a duplicate or a reordered packet, counted but not advancing the maximum.
  ++received_;
  return true;
}

void ReceiveStatistics::update_jitter(std::uint32_t rtp_timestamp, std::uint32_t arrival) {
  const std::uint32_t transit = arrival - rtp_timestamp;
  if (has_transit_) {
    const auto difference = static_cast<std::int32_t>(transit - last_transit_);
    const auto magnitude = static_cast<std::uint32_t>(
        difference < 0 ? -static_cast<std::int64_t>(difference) : difference);
    // J += (|D| - J) / 16, in units of 1/16.
    jitter_q4_ += magnitude - ((jitter_q4_ + 8) >> 4);
  }
  last_transit_ = transit;
  has_transit_ = true;
}

std::uint32_t ReceiveStatistics::expected() const {
  if (!started_) return 0;
  return extended_highest_sequence_number() - base_sequence_ + 1;
}

std::int64_t ReceiveStatistics::cumulative_lost() const {
  return static_cast<std::int64_t>(expected()) - static_cast<std::int64_t>(received_);
}

ReportBlock ReceiveStatistics::make_report_block(std::uint32_t source_ssrc,
                                                 std::uint32_t last_sender_report,
                                                 std::uint32_t delay_since_last_sender_report) {
  const std::uint32_t expected_now = expected();
  const auto expected_interval = static_cast<std::int64_t>(expected_now - expected_prior_);
  const auto received_interval = static_cast<std::int64_t>(received_ - received_prior_);
  const std::int64_t lost_interval = expected_interval - received_interval;
  expected_prior_ = expected_now;
  received_prior_ = received_;

  ReportBlock block;
  block.ssrc = source_ssrc;
  block.fraction_lost = (expected_interval == 0 || lost_interval <= 0)
                            ? 0
                            : static_cast<std::uint8_t>(std::min<std::int64_t>(
                                  (lost_interval << 8) / expected_interval, 255));
  block.cumulative_lost = static_cast<std::int32_t>(
      std::clamp<std::int64_t>(cumulative_lost(), kMinCumulativeLost, kMaxCumulativeLost));
  block.extended_highest_sequence_number = extended_highest_sequence_number();
  block.jitter = jitter();
  block.last_sender_report = last_sender_report;
  block.delay_since_last_sender_report = delay_since_last_sender_report;
  return block;
}

}  // namespace webvox::rtc::rtp
