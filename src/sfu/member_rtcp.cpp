#include "sfu/member_rtcp.hpp"

#include <algorithm>

#include "rtc/rtp/rtcp_interval.hpp"
#include "rtc/rtp/rtcp_packet.hpp"
#include "rtc/rtp/rtcp_report.hpp"
#include "rtc/rtp/rtcp_report_compound.hpp"
#include "rtc/rtp/rtp_packet.hpp"

namespace webvox::sfu {

namespace rtp = rtc::rtp;

MemberRtcp::MemberRtcp(MemberRtcpSettings settings, std::uint64_t seed, Clock::time_point now)
    : settings_(std::move(settings)), random_(seed), epoch_(now) {
  for (const auto ssrc : settings_.slot_ssrcs)
    slots_.push_back({ssrc, rtp::SendStatistics(settings_.clock_rate)});
  // RFC 3550 §6.3.2: the first report comes after half an interval, so a new member is
  // reported on soon without all members that join together reporting at once.
  schedule(now, settings_.interval / 2);
}

void MemberRtcp::schedule(Clock::time_point now, std::chrono::microseconds interval) {
  const double uniform = std::uniform_real_distribution<double>(0.0, 1.0)(random_);
  next_report_ = now + rtp::randomized_rtcp_interval(interval, uniform);
}

MemberRtcp::Source* MemberRtcp::source(std::uint32_t ssrc) {
  if (const auto it = sources_.find(ssrc); it != sources_.end()) return &it->second;
  if (sources_.size() >= kMaxSources) return nullptr;  // a bounded state, whatever arrives
  return &sources_[ssrc];
}

std::uint32_t MemberRtcp::arrival_units(Clock::time_point now) const {
  const auto elapsed = std::chrono::duration_cast<std::chrono::microseconds>(now - epoch_).count();
  // Jitter compares differences only, so the 32-bit value may wrap.
  return static_cast<std::uint32_t>(static_cast<std::uint64_t>(std::max<std::int64_t>(elapsed, 0)) *
                                    settings_.clock_rate / 1'000'000u);
}

void MemberRtcp::on_rtp_received(std::span<const std::uint8_t> packet, Clock::time_point now) {
  const auto view = rtp::parse_rtp_packet(packet);
  if (!view) return;
  if (auto* from = source(view->ssrc)) {
    from->statistics.on_packet(view->sequence_number, view->timestamp, arrival_units(now));
  }
}

void MemberRtcp::on_rtp_sent(std::span<const std::uint8_t> packet, Clock::time_point now) {
  const auto view = rtp::parse_rtp_packet(packet);
  if (!view) return;
  for (auto& slot : slots_) {
    if (slot.ssrc == view->ssrc)
      slot.statistics.on_packet(view->timestamp, view->payload.size(), now);
  }
}

void MemberRtcp::on_rtcp(std::span<const std::uint8_t> compound, Clock::time_point now) {
  ++counters_.rtcp_in;
  rtp::RtcpCompoundReader reader(compound);
  while (const auto packet = reader.next()) {
    switch (packet->packet_type) {
      case rtp::rtcp_type::kSenderReport: {
        const auto report = rtp::parse_sender_report(*packet);
        if (!report) {
          ++counters_.malformed_in;
          break;
        }
        ++counters_.sender_reports_in;
        if (auto* from = source(report->sender_ssrc)) {
          from->last_sender_report = report->sender_info.compact_ntp();
          from->sender_report_arrival = now;
        }
        break;
      }
      case rtp::rtcp_type::kReceiverReport:
        ++counters_.receiver_reports_in;
        break;
      case rtp::rtcp_type::kTransportFeedback:
      case rtp::rtcp_type::kPayloadFeedback:
        // NACK, PLI, REMB, transport-wide feedback: about the slots, which carry other
        // members' packets; voice has no retransmission or key frames to give.
        ++counters_.feedback_in;
        break;
      default:
        ++counters_.other_in;
        break;  // SDES, BYE, APP, XR
    }
  }
  if (reader.error()) ++counters_.malformed_in;
}

std::vector<std::vector<std::uint8_t>> MemberRtcp::due(Clock::time_point now, rtp::NtpTime ntp) {
  if (now < next_report_) return {};
  schedule(now, settings_.interval);

  std::vector<rtp::ReportBlock> blocks;
  for (auto& [ssrc, from] : sources_) {
    if (!from.statistics.has_packets()) continue;
    const auto delay = from.last_sender_report == 0
                           ? 0
                           : rtp::to_compact_duration(now - from.sender_report_arrival);
    blocks.push_back(from.statistics.make_report_block(ssrc, from.last_sender_report, delay));
  }
  // §6.3.8: a participant is a sender while it sent within the last two report intervals.
  const auto sender_window = 2 * settings_.interval;
  std::vector<std::vector<std::uint8_t>> compounds;
  const auto add = [&](std::uint32_t ssrc, const std::optional<rtp::SenderInfo>& sender,
                       std::span<const rtp::ReportBlock> report_blocks) {
    std::vector<std::uint8_t> bytes(rtp::sender_report_size(report_blocks.size()) + 8 + 256);
    const auto size =
        rtp::write_report_compound(bytes, ssrc, sender, report_blocks, settings_.cname);
    if (!size) return;
    bytes.resize(*size);
    compounds.push_back(std::move(bytes));
  };
  for (const auto& slot : slots_) {
    if (!slot.statistics.has_packets() || now - slot.statistics.last_sent() > sender_window)
      continue;
    // The first SR carries the report blocks: one report per interval is enough.
    add(slot.ssrc, slot.statistics.sender_info(ntp, now),
        compounds.empty() ? std::span<const rtp::ReportBlock>(blocks)
                          : std::span<const rtp::ReportBlock>{});
  }
  if (compounds.empty()) add(settings_.reporter_ssrc, std::nullopt, blocks);
  counters_.compounds_out += compounds.size();
  return compounds;
}

}  // namespace webvox::sfu
